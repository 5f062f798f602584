//! The staff desk: a day at reception, and who may reach what.

use onestop::db::{self, appointments, cases};
use onestop::domain::Role;
use onestop::domain::password::NewPassword;
use onestop::services::users::{self, NewAccount};

use crate::fixtures::{booked_legal_case, gyeongnam, submitted_case};
use crate::helpers::{TestApp, browser_client, csrf_from, spawn_app_with_demo, submit_login};

fn version_on(html: &str, action: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(&format!("form[action='{action}'] input[name=version]")).unwrap();
    doc.select(&sel).next().unwrap_or_else(|| panic!("a form to {action}")).value().attr("value").unwrap().to_owned()
}

fn local_date(app: &TestApp, t: chrono::NaiveDateTime) -> String {
    let _ = app;
    (t + chrono::Duration::hours(9)).format("%Y-%m-%d").to_string()
}

#[tokio::test]
async fn a_day_at_the_desk_check_in_no_show_and_a_second_clerk_on_a_stale_page() {
    let app = spawn_app_with_demo().await;
    let (_, case, _) = booked_legal_case(&app);
    // Check-in is for today's visits (issue 14): the visit is moved to now, still under way.
    {
        use diesel::prelude::*;
        use onestop::db::schema::appointments as a;
        let now = db::now();
        diesel::update(a::table.filter(a::case_id.eq(case.id)))
            .set((
                a::starts_at.eq(now - chrono::Duration::minutes(1)),
                a::ends_at.eq(now + chrono::Duration::minutes(29)),
            ))
            .execute(&mut *app.conn())
            .unwrap();
    }
    let appt = appointments::live_of_case(&mut app.conn(), case.id).unwrap().remove(0);
    app.login_as("staff").await;
    let day = format!("/staff/appointments?date={}", local_date(&app, appt.starts_at));
    let (status, html) = app.get_html(&day).await;
    assert_eq!(status, 200);
    assert!(html.contains(&case.reference), "the booked visit is on its day's board");
    let week = format!("/staff/appointments?view=week&date={}", local_date(&app, appt.starts_at));
    let (status, week_html) = app.get_html(&week).await;
    assert_eq!(status, 200);
    assert!(week_html.contains(&case.reference) && week_html.contains("주간 예약 현황"), "and in its week");
    let action = format!("/staff/appointments/{}/check-in", appt.id);
    let version = version_on(&html, &action);
    let csrf = csrf_from(&html).unwrap();
    // The visit is not over: no no-show yet.
    let no_show = format!("/staff/appointments/{}/no-show", appt.id);
    let r = app.post_form(&no_show, &[("_csrf", &csrf), ("version", &version)]).await;
    assert_eq!(r.status().as_u16(), 409);
    assert!(r.text().await.unwrap().contains("예약 시간이 끝난 뒤에"));
    // Check-in: waiting, with the center's first ticket of the day.
    let r = app.post_form(&action, &[("_csrf", &csrf), ("version", &version), ("back", &day)]).await;
    assert_eq!(r.status().as_u16(), 303);
    // Back on the board: the ticket announced at the top, and the row it came from.
    let back = r.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(back, format!("{day}&checked_in={}#appt-{}", appt.id, appt.id));
    let (_, board) = app.get_html(back.split('#').next().unwrap()).await;
    let said = crate::helpers::texts(&board, ".announce strong");
    assert_eq!(said.len(), 1, "{board}");
    assert!(said[0].starts_with("번호표 1 — ") && said[0].ends_with("법률존"), "{said:?}");
    assert!(board.contains(&format!("id=\"appt-{}\" class=\"just-done\"", appt.id)));
    let after = appointments::live_of_case(&mut app.conn(), case.id).unwrap().remove(0);
    assert_eq!((after.status.as_str(), after.ticket_number), ("waiting", Some(1)));
    assert_eq!(cases::find(&mut app.conn(), case.id).unwrap().unwrap().status, "waiting");
    // A second clerk with the same (now stale) page: told the case changed, shown its state.
    let r = app.post_form(&action, &[("_csrf", &csrf), ("version", &version)]).await;
    assert_eq!(r.status().as_u16(), 409);
    let body = r.text().await.unwrap();
    assert!(body.contains("다른 직원이 방금") && body.contains(&case.reference), "{body}");
    // After the slot: a visitor who checked in came — never a no-show.
    {
        use diesel::prelude::*;
        use onestop::db::schema::appointments as a;
        let past = db::now() - chrono::Duration::hours(2);
        diesel::update(a::table.find(appt.id))
            .set((a::starts_at.eq(past), a::ends_at.eq(past + chrono::Duration::minutes(30))))
            .execute(&mut *app.conn())
            .unwrap();
    }
    let html = app.get_html(&format!("/staff/cases/{}", case.id)).await.1;
    let v = cases::find(&mut app.conn(), case.id).unwrap().unwrap().version.to_string();
    let r = app.post_form(&no_show, &[("_csrf", &csrf_from(&html).unwrap()), ("version", &v)]).await;
    assert_eq!(r.status().as_u16(), 409);
    assert!(r.text().await.unwrap().contains("접수한 방문객은 미방문으로 처리할 수 없습니다"));
    assert_eq!(cases::find(&mut app.conn(), case.id).unwrap().unwrap().status, "waiting");
    let events = cases::events_of(&mut app.conn(), case.id).unwrap();
    let staff_email = app.account("staff").email.clone();
    let staff_id = onestop::db::users::by_email(&mut app.conn(), &staff_email).unwrap().unwrap().id;
    assert!(events.last().is_some_and(|e| e.actor_kind == "staff" && e.actor_user_id == Some(staff_id)));

    // A booked visitor who never came: late on the board with their phone a tap away, and once
    // the slot is over, a no-show.
    let (_, other, _) = booked_legal_case(&app);
    let oa = appointments::live_of_case(&mut app.conn(), other.id).unwrap().remove(0);
    {
        use diesel::prelude::*;
        use onestop::db::schema::appointments as a;
        let started = db::now() - chrono::Duration::minutes(12);
        diesel::update(a::table.find(oa.id))
            .set((a::starts_at.eq(started), a::ends_at.eq(started + chrono::Duration::minutes(30))))
            .execute(&mut *app.conn())
            .unwrap();
    }
    let board = format!("/staff/appointments?date={}", local_date(&app, db::now()));
    let (_, html) = app.get_html(&board).await;
    let late = crate::helpers::texts(&html, ".late");
    assert!(late.iter().any(|l| l.ends_with("분 늦음")), "{late:?}");
    assert!(html.contains("class=\"phone\" href=\"tel:"), "the late visitor's phone");
    assert!(!html.contains(&format!("/staff/appointments/{}/no-show", oa.id)), "no no-show while the slot runs");
    {
        use diesel::prelude::*;
        use onestop::db::schema::appointments as a;
        let past = db::now() - chrono::Duration::hours(2);
        diesel::update(a::table.find(oa.id))
            .set((a::starts_at.eq(past), a::ends_at.eq(past + chrono::Duration::minutes(30))))
            .execute(&mut *app.conn())
            .unwrap();
    }
    let v = cases::find(&mut app.conn(), other.id).unwrap().unwrap().version.to_string();
    let r =
        app.post_form(&format!("/staff/appointments/{}/no-show", oa.id), &[("_csrf", &csrf), ("version", &v)]).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(cases::find(&mut app.conn(), other.id).unwrap().unwrap().status, "no_show");
}

#[tokio::test]
async fn re_routing_moving_and_cancelling_for_the_applicant() {
    let app = spawn_app_with_demo().await;
    let (_, case, _) = booked_legal_case(&app);
    app.login_as("staff").await;
    let page = format!("/staff/cases/{}", case.id);
    let (status, html) = app.get_html(&page).await;
    assert_eq!(status, 200);
    assert!(html.contains("jiwon@example.com"), "the profile shows the contact");
    assert_eq!(app.count(&format!("access_log WHERE case_id = {}", case.id)), 1, "the opening is recorded");
    let csrf = csrf_from(&html).unwrap();
    let version = version_on(&html, &format!("/staff/cases/{}/reroute", case.id));
    // No reason: refused, nothing changes.
    let reroute = format!("/staff/cases/{}/reroute", case.id);
    let r = app.post_form(&reroute, &[("_csrf", &csrf), ("version", &version), ("zone", "ip"), ("reason", " ")]).await;
    assert_eq!(r.status().as_u16(), 422);
    assert_eq!(cases::find(&mut app.conn(), case.id).unwrap().unwrap().status, "reserved");
    let r = app
        .post_form(
            &reroute,
            &[("_csrf", &csrf), ("version", &version), ("zone", "ip"), ("reason", "특허 출원 상담이 먼저입니다")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let after = cases::find(&mut app.conn(), case.id).unwrap().unwrap();
    assert_eq!(after.status, "submitted");
    assert!(appointments::live_of_case(&mut app.conn(), case.id).unwrap().is_empty(), "the booking is released");
    let zones = onestop::db::answers::zones(&mut app.conn(), case.id).unwrap();
    assert_eq!(zones.iter().map(|z| z.zone_kind.as_str()).collect::<Vec<_>>(), vec!["ip"]);
    assert_eq!(app.count(&format!("email_outbox WHERE case_id = {} AND kind = 'rerouted'", case.id)), 1);
    let events = cases::events_of(&mut app.conn(), case.id).unwrap();
    assert_eq!(events.last().unwrap().reason.as_deref(), Some("특허 출원 상담이 먼저입니다"));

    // Book it for them in the IP zone.
    let (status, html) = app.get_html(&format!("/staff/cases/{}/move", case.id)).await;
    assert_eq!(status, 200);
    let doc = scraper::Html::parse_document(&html);
    let sel = scraper::Selector::parse("input[name=choice]").unwrap();
    let choice = doc.select(&sel).next().expect("free IP times").value().attr("value").unwrap().to_owned();
    let v = cases::find(&mut app.conn(), case.id).unwrap().unwrap().version.to_string();
    let r = app
        .post_form(
            &format!("/staff/cases/{}/move", case.id),
            &[("_csrf", &csrf_from(&html).unwrap()), ("version", &v), ("choice", &choice)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(cases::find(&mut app.conn(), case.id).unwrap().unwrap().status, "reserved");
    let confirmations = onestop::db::outbox::for_case(&mut app.conn(), case.id).unwrap();
    let last = confirmations.iter().rev().find(|m| m.kind == "visit_confirmed").unwrap();
    assert!(!last.body_text.contains("/apply/"), "staff have no manage link to send");

    // Cancel for them, with a reason.
    let html = app.get_html(&page).await.1;
    let v = version_on(&html, &format!("/staff/cases/{}/cancel", case.id));
    let r = app
        .post_form(
            &format!("/staff/cases/{}/cancel", case.id),
            &[("_csrf", &csrf_from(&html).unwrap()), ("version", &v), ("reason", "신청인 전화 요청")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(cases::find(&mut app.conn(), case.id).unwrap().unwrap().status, "cancelled");
    // The audit view lists who did what: the re-route with its reason, the openings.
    let (status, html) = app.get_html("/staff/audit").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("특허 출원 상담이 먼저입니다")
            && html.contains("신청인 전화 요청")
            && html.contains(&case.reference)
    );
    assert!(html.contains("신청 건 열람"));
    let (_, html) = app.get_html("/staff/audit?kind=access").await;
    assert!(html.contains("신청 건 열람") && !html.contains("특허 출원 상담이 먼저입니다"));
}

#[tokio::test]
async fn a_walk_in_goes_straight_into_the_queue_and_bad_input_comes_back_with_its_values() {
    let app = spawn_app_with_demo().await;
    app.login_as("staff").await;
    let csrf = app.csrf_token("/staff/walk-in").await;
    let r = app
        .post_form(
            "/staff/walk-in",
            &[
                ("_csrf", &csrf),
                ("zone", ""),
                ("company", "주식회사 바다"),
                ("contact_name", ""),
                ("phone", "12"),
                ("consent", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("value=\"주식회사 바다\"") && html.contains("value=\"12\""));
    assert!(html.contains("상담존을 고르세요") && html.contains("이름을 50자") && html.contains("전화번호 형식"));
    assert_eq!(app.count("cases"), 0);
    let r = app
        .post_form(
            "/staff/walk-in",
            &[
                ("_csrf", &csrf),
                ("zone", "finance"),
                ("company", "주식회사 바다"),
                ("contact_name", "박바다"),
                ("phone", "010 2222 3333"),
                ("consent", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let (path, query) = location.split_once('?').unwrap();
    assert_eq!(query, "walked_in=1", "the case page announces the ticket");
    let case_id: i64 = path.rsplit('/').next().unwrap().parse().unwrap();
    let case = cases::find(&mut app.conn(), case_id).unwrap().unwrap();
    assert_eq!(case.status, "waiting");
    let appt = appointments::live_of_case(&mut app.conn(), case_id).unwrap().remove(0);
    assert_eq!((appt.status.as_str(), appt.ticket_number), ("waiting", Some(1)));
    let (_, html) = app.get_html(&location).await;
    assert_eq!(crate::helpers::texts(&html, "#announce .announce-ticket"), ["번호표 1 — 주식회사 바다, 금융존"]);
    let (_, html) = app.get_html("/staff/appointments").await;
    assert!(html.contains(&case.reference) && html.contains("주식회사 바다"), "on today's board");
    // The consent is recorded as online: its wording's version and the time.
    let a = onestop::db::answers::find(&mut app.conn(), case_id).unwrap().unwrap();
    assert!(a.consent_version.is_some() && a.consented_at.is_some());
    // Without consent: a name typed anyway is refused, the form comes back; with both empty the
    // visit is recorded with the company only.
    let without = [("_csrf", csrf.as_str()), ("zone", "ip"), ("company", "한빛바이오"), ("contact_name", "김민지")];
    let r = app.post_form("/staff/walk-in", &without).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("동의가 없으면 이름과 전화번호를 적을 수 없습니다"));
    let r = app.post_form("/staff/walk-in", &without[..3]).await;
    assert_eq!(r.status().as_u16(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let id: i64 = location.split('?').next().unwrap().rsplit('/').next().unwrap().parse().unwrap();
    let a = onestop::db::answers::find(&mut app.conn(), id).unwrap().unwrap();
    assert_eq!((a.contact_name, a.contact_phone, a.consented_at), (None, None, None));
    assert_eq!(a.company_name.as_deref(), Some("한빛바이오"));
}

#[tokio::test]
async fn a_closure_stops_bookings_and_lists_the_visits_it_hits() {
    let app = spawn_app_with_demo().await;
    let (center, case, _) = booked_legal_case(&app);
    let appt = appointments::live_of_case(&mut app.conn(), case.id).unwrap().remove(0);
    let day = local_date(&app, appt.starts_at);
    app.login_as("staff").await;
    let csrf = app.csrf_token("/staff/closures").await;
    let r = app
        .post_form(
            "/staff/closures",
            &[("_csrf", &csrf), ("starts_on", &day), ("ends_on", "2020-01-01"), ("reason", "")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("종료일은 시작일과 같거나 뒤") && html.contains("사유를 입력하세요"));
    let r = app
        .post_form(
            "/staff/closures",
            &[("_csrf", &csrf), ("starts_on", &day), ("ends_on", ""), ("scope", "legal"), ("reason", "임시공휴일")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains(&case.reference), "the visit on that day is listed to move");
    assert!(html.contains("임시공휴일"));
    // Nothing is offered that day any more.
    let other = submitted_case(&app, &center, &["legal"]);
    let times = onestop::services::availability::for_case(&mut app.conn(), &center, other.id, db::now()).unwrap();
    let date = chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d").unwrap();
    assert!(!times.zones[0].days.contains_key(&date));
}

/// A staff account of another center.
fn other_center_staff(app: &TestApp) -> (String, String) {
    let pw = NewPassword::parse("another-center-pass-1".into()).unwrap();
    users::add(
        &mut app.conn(),
        &NewAccount {
            center_slug: "seoul",
            role: Role::Staff,
            zone_kind: None,
            email: "staff@seoul.example",
            display_name: "서울 직원",
            password: &pw,
        },
        db::now(),
    )
    .unwrap();
    ("staff@seoul.example".into(), "another-center-pass-1".into())
}

#[tokio::test]
async fn the_access_policy_holds_for_every_desk_route_and_role() {
    let app = spawn_app_with_demo().await;
    let (_, case, _) = booked_legal_case(&app);
    let appt = appointments::live_of_case(&mut app.conn(), case.id).unwrap().remove(0);
    let closure_id = {
        let center = gyeongnam(&app);
        onestop::db::schedule::add_closure(
            &mut app.conn(),
            &onestop::db::schedule::NewClosure {
                center_id: center.id,
                zone_id: None,
                expert_user_id: None,
                starts_on: chrono::NaiveDate::from_ymd_opt(2030, 1, 2).unwrap(),
                ends_on: chrono::NaiveDate::from_ymd_opt(2030, 1, 2).unwrap(),
                reason: "test",
                created_by: None,
                created_at: db::now(),
            },
        )
        .unwrap();
        use diesel::prelude::*;
        use onestop::db::schema::closures as cl;
        cl::table.select(diesel::dsl::max(cl::id)).first::<Option<i64>>(&mut *app.conn()).unwrap().unwrap()
    };
    let (seoul_email, seoul_pw) = other_center_staff(&app);
    let c = case.id;
    // (method, path, object of this center?)
    let routes: Vec<(&str, String, bool)> = vec![
        ("GET", "/staff/appointments".into(), false),
        ("GET", "/staff/cases".into(), false),
        ("GET", format!("/staff/cases/{c}"), true),
        ("GET", format!("/staff/cases/{c}/move"), true),
        ("GET", "/staff/walk-in".into(), false),
        ("GET", "/staff/closures".into(), false),
        ("GET", "/staff/mailbox".into(), false),
        ("GET", "/staff/audit".into(), false),
        ("GET", "/staff/schedule".into(), false),
        ("POST", format!("/staff/appointments/{}/check-in", appt.id), true),
        ("POST", format!("/staff/appointments/{}/no-show", appt.id), true),
        ("POST", format!("/staff/cases/{c}/reroute"), true),
        ("POST", format!("/staff/cases/{c}/cancel"), true),
        ("POST", format!("/staff/cases/{c}/move"), true),
        ("POST", format!("/staff/closures/{closure_id}/delete"), true),
    ];
    // Who → expected status for (list page, object of this center, POST on an object).
    // The written policy: anonymous → sign-in; experts → 403 (their pages are the queue);
    // staff and admin of the center → allowed; staff of another center → their own lists,
    // and 404 for this center's objects.
    let who: Vec<(&str, Option<(String, String)>)> = vec![
        ("anonymous", None),
        ("staff", Some(account(&app, "staff"))),
        ("admin", Some(account(&app, "admin"))),
        ("legal", Some(account(&app, "legal"))),
        ("finance", Some(account(&app, "finance"))),
        ("ip", Some(account(&app, "ip"))),
        ("other-center-staff", Some((seoul_email, seoul_pw))),
        ("national", Some(account(&app, "national"))),
    ];
    let personal = ["jiwon@example.com", "김지원", "010-1234-5678"];
    let mut checked = 0;
    for (name, login) in &who {
        let client = browser_client();
        if let Some((email, pw)) = login {
            assert_eq!(submit_login(&app, &client, email, pw).await.status().as_u16(), 303, "{name} signs in");
        }
        // Any page with a form gives the CSRF token (the sign-in form for the anonymous).
        let start = if login.is_some() { "/staff" } else { "/staff/login" };
        let html = client.get(app.url(start)).send().await.unwrap().text().await.unwrap();
        let csrf = csrf_from(&html).unwrap_or_default();
        for (method, path, object) in &routes {
            if path.starts_with("/staff/closures/") {
                // Deleted by the previous allowed role: put it back for the next one.
                let center = gyeongnam(&app).id;
                app.exec(&format!(
                    "INSERT INTO closures (id, center_id, starts_on, ends_on, reason, created_at) \
                     SELECT {closure_id}, {center}, '2030-01-02', '2030-01-02', 'test', '2026-01-01 00:00:00' \
                     WHERE NOT EXISTS (SELECT 1 FROM closures WHERE id = {closure_id})"
                ));
            }
            let r = if *method == "GET" {
                client.get(app.url(path)).send().await.unwrap()
            } else {
                // A harmless body: the checks before any change are what is tested here.
                client.post(app.url(path)).form(&[("_csrf", csrf.as_str()), ("version", "-1")]).send().await.unwrap()
            };
            let status = r.status().as_u16();
            let body = r.text().await.unwrap();
            let expected: &[u16] = match (*name, *method, *object) {
                ("anonymous", _, _) => &[303],
                // Experts have their own pages; the national account reads reports only.
                ("legal" | "finance" | "ip" | "national", _, _) => &[403],
                ("other-center-staff", _, true) => &[404],
                ("other-center-staff", _, false) => &[200],
                // Allowed: pages answer 200; POSTs with a stale version are refused as
                // conflicts or sent back (never 403/404).
                (_, "GET", _) => &[200],
                (_, _, _) => &[303, 409, 422],
            };
            assert!(expected.contains(&status), "{name} {method} {path}: {status}, expected {expected:?}");
            if matches!(status, 403 | 404) || *name == "other-center-staff" {
                for p in personal {
                    assert!(!body.contains(p), "{name} {method} {path} shows personal data");
                }
                assert!(!body.contains(&case.reference), "{name} {method} {path} shows the reference");
            }
            checked += 1;
        }
    }
    assert_eq!(checked, routes.len() * who.len());
    // Admin-only routes: the people page and its actions (on an expert of this center).
    let legal_id =
        onestop::db::users::by_email(&mut app.conn(), &app.account("legal").email.clone()).unwrap().unwrap().id;
    for (name, login) in &who {
        let client = browser_client();
        if let Some((email, pw)) = login {
            submit_login(&app, &client, email, pw).await;
        }
        let start = if login.is_some() { "/staff" } else { "/staff/login" };
        let html = client.get(app.url(start)).send().await.unwrap().text().await.unwrap();
        let csrf = csrf_from(&html).unwrap_or_default();
        let get = client.get(app.url("/staff/people")).send().await.unwrap().status().as_u16();
        let post = client
            .post(app.url(&format!("/staff/people/{legal_id}/reset")))
            .form(&[("_csrf", csrf.as_str())])
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
        let expected = match *name {
            "anonymous" => (303, 303),
            "admin" => (200, 303),
            _ => (403, 403),
        };
        assert_eq!((get, post), expected, "{name} on the people routes");
    }
    // Enumerating case ids as another center's staff: 404 pages, nothing personal.
    let client = browser_client();
    submit_login(&app, &client, "staff@seoul.example", "another-center-pass-1").await;
    for id in 0..(case.id + 3) {
        let r = client.get(app.url(&format!("/staff/cases/{id}"))).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 404);
        let body = r.text().await.unwrap();
        assert!(!body.contains("jiwon@example.com") && !body.contains(&case.reference));
    }
}

fn account(app: &TestApp, local: &str) -> (String, String) {
    let a = app.account(local);
    (a.email.clone(), a.password.expose().to_owned())
}

#[tokio::test]
async fn clerks_checking_in_at_once_give_one_ticket_and_walk_ins_get_distinct_ones() {
    use onestop::services::action::ActionError;
    use onestop::services::desk::{self, Staff, WalkIn};
    let app = spawn_app_with_demo().await;
    let (center, case, _) = booked_legal_case(&app);
    let appt = appointments::live_of_case(&mut app.conn(), case.id).unwrap().remove(0);
    let staff_email = app.account("staff").email.clone();
    let user_id = onestop::db::users::by_email(&mut app.conn(), &staff_email).unwrap().unwrap().id;
    let staff = Staff { user_id, center_id: center.id };
    let (version, appt_id) = (case.version, appt.id);
    // On the visit's day (check-in is for today's visits only).
    let now = appt.starts_at;
    let results = crate::helpers::race(&app, 10, move |_, conn| desk::check_in(conn, staff, appt_id, version, now));
    let ok = results.iter().filter(|r| r.is_ok()).count();
    let conflicts = results.iter().filter(|r| matches!(r, Err(ActionError::Conflict))).count();
    eprintln!("10 concurrent check-ins ({:?}): {ok} ok, {conflicts} conflicts", app.db.url);
    assert_eq!((ok, conflicts), (1, 9), "{results:?}");
    assert_eq!(appointments::live_of_case(&mut app.conn(), case.id).unwrap()[0].ticket_number, Some(1));
    let results = crate::helpers::race(&app, 12, move |i, conn| {
        let company = format!("회사 {i}");
        desk::walk_in(
            conn,
            staff,
            &WalkIn {
                zone_kind: "finance", company: &company, contact_name: "방문객", phone: None, consented: true
            },
            now,
        )
    });
    let mut tickets: Vec<i32> = results.into_iter().map(|r| r.unwrap().1).collect();
    tickets.sort_unstable();
    assert_eq!(tickets, (2..=13).collect::<Vec<_>>(), "every walk-in its own ticket, after the first check-in");
}

#[tokio::test]
async fn the_admin_invites_an_expert_who_sets_a_password_and_is_disabled_again() {
    let app = spawn_app_with_demo().await;
    // Staff cannot manage people.
    app.login_as("staff").await;
    assert_eq!(app.get("/staff/people").await.status().as_u16(), 403);
    app.login_as("admin").await;
    let csrf = app.csrf_token("/staff/people").await;
    // Bad input comes back with the values and a message per field.
    let r = app
        .post_form(
            "/staff/people",
            &[("_csrf", &csrf), ("name", "정특허"), ("email", "not-an-email"), ("role", "expert"), ("zone", "ip")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("value=\"정특허\"") && html.contains("이메일 주소 형식"));
    let r = app
        .post_form(
            "/staff/people",
            &[
                ("_csrf", &csrf),
                ("name", "정특허"),
                ("email", "ip2@gyeongnam.example"),
                ("role", "expert"),
                ("zone", ""),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("전문가의 상담존"));
    let r = app
        .post_form(
            "/staff/people",
            &[
                ("_csrf", &csrf),
                ("name", "정특허"),
                ("email", "IP2@gyeongnam.example"),
                ("role", "expert"),
                ("zone", "ip"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let user = onestop::db::users::by_email(&mut app.conn(), "ip2@gyeongnam.example").unwrap().unwrap();
    assert_eq!((user.role.as_str(), user.disabled_at), ("expert", None));
    // The invitation is mailed (the admin can read it in the mailbox; staff cannot).
    let mail: String = {
        use diesel::prelude::*;
        use onestop::db::schema::email_outbox as o;
        o::table.filter(o::kind.eq("invitation")).select(o::body_text).first(&mut *app.conn()).unwrap()
    };
    let link = mail.split_whitespace().find(|w| w.contains("/staff/password/")).unwrap().to_owned();
    let path = link.trim_start_matches(&app.address).to_owned();
    let path = &path[path.find("/staff/password/").unwrap()..];
    // The invited expert, on their own device.
    let expert = browser_client();
    let page = expert.get(app.url(path)).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    assert_eq!(page.headers()["cache-control"], "no-store");
    let csrf2 = csrf_from(&page.text().await.unwrap()).unwrap();
    for (pw, confirm, expect) in [
        ("password1", "password1", "흔하거나 추측하기 쉬운"),
        ("short", "short", "8자 이상"),
        ("a long phrase for the sea", "a different phrase", "두 비밀번호가 다릅니다"),
    ] {
        let r = expert
            .post(app.url(path))
            .form(&[("_csrf", csrf2.as_str()), ("password", pw), ("confirm", confirm)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 422, "{pw}");
        assert!(r.text().await.unwrap().contains(expect), "{pw}");
    }
    let good = "창원 바닷가 등대 2026";
    let r = expert
        .post(app.url(path))
        .form(&[("_csrf", csrf2.as_str()), ("password", good), ("confirm", good)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    // The link works once.
    assert_eq!(expert.get(app.url(path)).send().await.unwrap().status().as_u16(), 410);
    assert_eq!(submit_login(&app, &expert, "ip2@gyeongnam.example", good).await.status().as_u16(), 303);
    assert_eq!(expert.get(app.url("/staff")).send().await.unwrap().status().as_u16(), 200);
    // Disabled: their session ends at once, and they cannot sign in.
    let r = app.post_form(&format!("/staff/people/{}/disable", user.id), &[("_csrf", &csrf)]).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(expert.get(app.url("/staff")).send().await.unwrap().status().as_u16(), 303);
    assert_ne!(submit_login(&app, &expert, "ip2@gyeongnam.example", good).await.status().as_u16(), 303);
    // Enabled again; and a reset link mailed.
    assert_eq!(
        app.post_form(&format!("/staff/people/{}/enable", user.id), &[("_csrf", &csrf)]).await.status().as_u16(),
        303
    );
    assert_eq!(submit_login(&app, &expert, "ip2@gyeongnam.example", good).await.status().as_u16(), 303);
    assert_eq!(
        app.post_form(&format!("/staff/people/{}/reset", user.id), &[("_csrf", &csrf)]).await.status().as_u16(),
        303
    );
    assert_eq!(app.count("email_outbox WHERE kind = 'password_reset'"), 1);
    // Moved to another zone.
    assert_eq!(
        app.post_form(&format!("/staff/people/{}/zone", user.id), &[("_csrf", &csrf), ("zone", "finance")])
            .await
            .status()
            .as_u16(),
        303
    );
    let finance = onestop::db::centers::zone_by_kind(&mut app.conn(), gyeongnam(&app).id, "finance").unwrap().unwrap();
    assert_eq!(onestop::db::users::by_id(&mut app.conn(), user.id).unwrap().unwrap().zone_id, Some(finance.id));
    // Not oneself; not another center's people.
    let admin_id =
        onestop::db::users::by_email(&mut app.conn(), &app.account("admin").email.clone()).unwrap().unwrap().id;
    assert_eq!(
        app.post_form(&format!("/staff/people/{admin_id}/disable"), &[("_csrf", &csrf)]).await.status().as_u16(),
        409
    );
    other_center_staff(&app);
    let seoul = onestop::db::users::by_email(&mut app.conn(), "staff@seoul.example").unwrap().unwrap();
    assert_eq!(
        app.post_form(&format!("/staff/people/{}/disable", seoul.id), &[("_csrf", &csrf)]).await.status().as_u16(),
        404
    );
    assert!(onestop::db::users::by_id(&mut app.conn(), seoul.id).unwrap().unwrap().disabled_at.is_none());
}

#[tokio::test]
async fn staff_edit_the_schedule_and_see_the_visits_a_change_strands() {
    let app = spawn_app_with_demo().await;
    let (center, case, _) = booked_legal_case(&app);
    app.login_as("staff").await;
    let (status, html) = app.get_html("/staff/schedule").await;
    assert_eq!(status, 200);
    assert!(!html.contains(&case.reference), "nothing stranded yet");
    let legal = onestop::db::centers::zone_by_kind(&mut app.conn(), center.id, "legal").unwrap().unwrap();
    let csrf = csrf_from(&html).unwrap();
    let zone = legal.id.to_string();
    // Bad rules come back with a message; nothing is stored.
    let rules_before = app.count("schedule_rules");
    for (fields, expect) in [
        (vec![("weekday", "6"), ("start", "9시"), ("end", "12:00"), ("slot", "30"), ("seats", "1")], "HH:MM"),
        (vec![("weekday", "6"), ("start", "12:00"), ("end", "09:00"), ("slot", "30"), ("seats", "1")], "끝 시간은"),
        (vec![("weekday", "6"), ("start", "09:00"), ("end", "12:00"), ("slot", "5"), ("seats", "1")], "10분에서 240분"),
    ] {
        let mut form = vec![("_csrf", csrf.as_str()), ("zone", zone.as_str())];
        form.extend(fields);
        let r = app.post_form("/staff/schedule/rules", &form).await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(r.text().await.unwrap().contains(expect), "{expect}");
    }
    assert_eq!(app.count("schedule_rules"), rules_before);
    // A Saturday morning: stored, and an overlapping one refused.
    let sat = [
        ("_csrf", csrf.as_str()),
        ("zone", zone.as_str()),
        ("weekday", "6"),
        ("start", "09:00"),
        ("end", "12:00"),
        ("slot", "30"),
        ("seats", "2"),
    ];
    assert_eq!(app.post_form("/staff/schedule/rules", &sat).await.status().as_u16(), 303);
    assert_eq!(app.count("schedule_rules"), rules_before + 1);
    let r = app.post_form("/staff/schedule/rules", &sat).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("겹칩니다"));
    // Deleting the rule the booked visit sits in: the visit is listed to move.
    let appt = appointments::live_of_case(&mut app.conn(), case.id).unwrap().remove(0);
    let local = appt.starts_at + chrono::Duration::hours(9);
    let weekday = chrono::Datelike::weekday(&local).number_from_monday() as i16;
    let rule = onestop::db::centers::rules_of(&mut app.conn(), &[legal.id])
        .unwrap()
        .into_iter()
        .find(|r| r.weekday == weekday && r.start_time <= local.time() && local.time() < r.end_time)
        .unwrap();
    assert_eq!(
        app.post_form(&format!("/staff/schedule/rules/{}/delete", rule.id), &[("_csrf", &csrf)])
            .await
            .status()
            .as_u16(),
        303
    );
    let (_, html) = app.get_html("/staff/schedule").await;
    assert!(html.contains(&case.reference), "the stranded visit is listed");
    // Policies: bad values refused, good ones stored.
    let path = format!("/staff/schedule/{}/policy", legal.id);
    let bad = [
        ("_csrf", csrf.as_str()),
        ("min_notice_hours", "-1"),
        ("horizon_days", "0"),
        ("buffer_minutes", "x"),
        ("reschedule_cutoff_hours", "1"),
        ("cancel_cutoff_hours", "1"),
    ];
    assert_eq!(app.post_form(&path, &bad).await.status().as_u16(), 422);
    let good = [
        ("_csrf", csrf.as_str()),
        ("min_notice_hours", "2"),
        ("horizon_days", "14"),
        ("buffer_minutes", "5"),
        ("reschedule_cutoff_hours", "3"),
        ("cancel_cutoff_hours", "1"),
    ];
    assert_eq!(app.post_form(&path, &good).await.status().as_u16(), 303);
    let p = onestop::db::schedule::policy(&mut app.conn(), legal.id).unwrap();
    assert_eq!(
        (p.min_notice_minutes, p.horizon_days, p.buffer_minutes, p.reschedule_cutoff_minutes, p.cancel_cutoff_minutes),
        (120, 14, 5, 180, 60)
    );
    // Another center's zone is not theirs.
    let seoul = onestop::db::centers::by_slug(&mut app.conn(), "seoul").unwrap().unwrap();
    if let Some(z) = onestop::db::centers::zone_by_kind(&mut app.conn(), seoul.id, "legal").unwrap() {
        assert_eq!(app.post_form(&format!("/staff/schedule/{}/policy", z.id), &good).await.status().as_u16(), 404);
    }
    // Every change is in the audit view, in words, with who made it; a closure added and
    // lifted too (what it was stays readable after it is gone).
    let closure = [
        ("_csrf", csrf.as_str()),
        ("starts_on", "2030-06-03"),
        ("ends_on", "2030-06-04"),
        ("scope", "legal"),
        ("reason", "임시공휴일"),
    ];
    assert_eq!(app.post_form("/staff/closures", &closure).await.status().as_u16(), 200);
    let id: i64 = onestop::db::closures::closures_from(
        &mut app.conn(),
        center.id,
        chrono::NaiveDate::from_ymd_opt(2030, 1, 1).unwrap(),
    )
    .unwrap()
    .iter()
    .find(|c| c.reason == "임시공휴일")
    .unwrap()
    .id;
    assert_eq!(
        app.post_form(&format!("/staff/closures/{id}/delete"), &[("_csrf", &csrf)]).await.status().as_u16(),
        303
    );
    let (_, html) = app.get_html("/staff/audit?kind=operations").await;
    let rows = crate::helpers::texts(&html, "tbody tr");
    let staff_name =
        onestop::db::users::by_email(&mut app.conn(), &app.account("staff").email).unwrap().unwrap().display_name;
    let has = |words: &[&str]| rows.iter().any(|r| words.iter().all(|w| r.contains(w)) && r.contains(&staff_name));
    assert!(has(&["상담 시간 추가", "법률존", "토요일 09:00–12:00", "1회 30분 · 2명"]), "{rows:#?}");
    assert!(has(&["상담 시간 삭제", "법률존"]), "{rows:#?}");
    assert!(has(&["예약 규칙 변경", "법률존", "최소 2시간 전 예약 · 14일 앞까지"]), "{rows:#?}");
    assert!(has(&["휴무 추가", "법률존", "2030-06-03 – 2030-06-04", "임시공휴일"]), "{rows:#?}");
    assert!(has(&["휴무 해제", "법률존", "2030-06-03 – 2030-06-04", "임시공휴일"]), "{rows:#?}");
    // Changes only: the case events and access records are not mixed in.
    assert_eq!(rows.len(), 5, "{rows:#?}");
}

#[tokio::test]
async fn staff_may_book_inside_the_minimum_notice_with_a_reason() {
    let app = spawn_app_with_demo().await;
    let center = gyeongnam(&app);
    let case = submitted_case(&app, &center, &["legal"]);
    let legal = onestop::db::centers::zone_by_kind(&mut app.conn(), center.id, "legal").unwrap().unwrap();
    app.exec(&format!("UPDATE zone_policies SET min_notice_minutes = 4320 WHERE zone_id = {}", legal.id));
    app.login_as("staff").await;
    let first_choice = |html: &str| -> String {
        let doc = scraper::Html::parse_document(html);
        let sel = scraper::Selector::parse("input[name=choice]").unwrap();
        doc.select(&sel).next().unwrap().value().attr("value").unwrap().to_owned()
    };
    let unix = |choice: &str| -> i64 { choice.split(':').nth(1).unwrap().parse().unwrap() };
    let (_, normal) = app.get_html(&format!("/staff/cases/{}/move", case.id)).await;
    let (status, html) = app.get_html(&format!("/staff/cases/{}/move?override=1", case.id)).await;
    assert_eq!(status, 200);
    let (usual, sooner) = (first_choice(&normal), first_choice(&html));
    assert!(unix(&sooner) < unix(&usual), "the override offers sooner times");
    assert!(unix(&sooner) - chrono::Utc::now().timestamp() < 72 * 3600);
    let csrf = csrf_from(&html).unwrap();
    let v = case.version.to_string();
    let path = format!("/staff/cases/{}/move", case.id);
    let r = app.post_form(&path, &[("_csrf", &csrf), ("version", &v), ("override", "1"), ("choice", &sooner)]).await;
    assert_eq!(r.status().as_u16(), 422, "a reason is required");
    // Without the override the sooner time is refused as not offered.
    let r = app.post_form(&path, &[("_csrf", &csrf), ("version", &v), ("choice", &sooner)]).await;
    assert_eq!(r.status().as_u16(), 409);
    let r = app
        .post_form(
            &path,
            &[
                ("_csrf", &csrf),
                ("version", &v),
                ("override", "1"),
                ("override_reason", "센터장 요청 긴급 상담"),
                ("choice", &sooner),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let events = cases::events_of(&mut app.conn(), case.id).unwrap();
    let last = events.last().unwrap();
    assert_eq!((last.event.as_str(), last.reason.as_deref()), ("reserve", Some("센터장 요청 긴급 상담")));
}

#[tokio::test]
async fn an_experts_absence_closes_their_zone_when_no_colleague_is_in() {
    let app = spawn_app_with_demo().await;
    let (_, case, _) = booked_legal_case(&app);
    let appt = appointments::live_of_case(&mut app.conn(), case.id).unwrap().remove(0);
    let day = local_date(&app, appt.starts_at);
    let legal = onestop::db::users::by_email(&mut app.conn(), &app.account("legal").email.clone()).unwrap().unwrap();
    app.login_as("staff").await;
    let csrf = app.csrf_token("/staff/closures").await;
    let scope = format!("expert:{}", legal.id);
    let r = app
        .post_form("/staff/closures", &[("_csrf", &csrf), ("starts_on", &day), ("scope", &scope), ("reason", "연차")])
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("전문가 부재") && html.contains(&case.reference), "the only legal expert is away: {html}");
    // Another center's expert is not theirs to mark absent.
    let r = app
        .post_form(
            "/staff/closures",
            &[("_csrf", &csrf), ("starts_on", &day), ("scope", "expert:999999"), ("reason", "x")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);
    assert_eq!(app.count("closures WHERE expert_user_id IS NOT NULL"), 1);
}
