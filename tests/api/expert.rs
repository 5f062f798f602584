//! The expert's day: the queue, starting and completing consultations with outcomes, one-stop
//! visits going on to the next zone, referrals, follow-ups, the lobby board, and isolation.

use onestop::db::{self, appointments, cases};
use onestop::domain::Role;
use onestop::domain::password::NewPassword;
use onestop::services::action::ActionError;
use onestop::services::availability;
use onestop::services::booking::{self, Leg};
use onestop::services::consult::{self, Expert};
use onestop::services::desk::{self, Staff};
use onestop::services::users::{self, NewAccount};

use crate::fixtures::{gyeongnam, submitted_case};
use crate::helpers::{TestApp, browser_client, csrf_from, race, spawn_app_with_demo, submit_login};

pub(crate) fn user_id(app: &TestApp, email: &str) -> i64 {
    onestop::db::users::by_email(&mut app.conn(), email).unwrap().unwrap().id
}

/// A case of `zones` booked on its first (one-stop) time and checked in at the desk.
pub(crate) fn checked_in(app: &TestApp, zones: &[&str]) -> (cases::Case, Vec<appointments::Appointment>) {
    let center = gyeongnam(app);
    let case = submitted_case(app, &center, zones);
    let now = db::now();
    let times = availability::for_case(&mut app.conn(), &center, case.id, now).unwrap();
    let legs: Vec<Leg> = if zones.len() > 1 {
        times.visits[0].legs.iter().map(|l| Leg { zone_id: l.zone_id, starts_at: l.starts_at }).collect()
    } else {
        let s = times.zones[0].days.values().next().unwrap()[0].clone();
        vec![Leg { zone_id: s.zone_id, starts_at: s.starts_at }]
    };
    booking::reserve(&mut app.conn(), &center, &case, &legs, &booking::Op::applicant(now)).unwrap();
    // The visit is today: the booking took the first free time, the test moves it to now.
    let live = appointments::live_of_case(&mut app.conn(), case.id).unwrap();
    let first = crate::fixtures::today_at(app, 10, 40 * (live.len() as i64 - 1));
    for (i, a) in live.iter().enumerate() {
        use diesel::prelude::*;
        use onestop::db::schema::appointments as t;
        let at = first + chrono::Duration::minutes(40 * i as i64);
        diesel::update(t::table.find(a.id))
            .set((t::starts_at.eq(at), t::ends_at.eq(at + chrono::Duration::minutes(30))))
            .execute(&mut *app.conn())
            .unwrap();
    }
    let appts = appointments::live_of_case(&mut app.conn(), case.id).unwrap();
    let staff = Staff { user_id: user_id(app, &app.account("staff").email.clone()), center_id: center.id };
    let v = cases::find(&mut app.conn(), case.id).unwrap().unwrap().version;
    desk::check_in(&mut app.conn(), staff, appts[0].id, v, now).unwrap();
    (
        cases::find(&mut app.conn(), case.id).unwrap().unwrap(),
        appointments::live_of_case(&mut app.conn(), case.id).unwrap(),
    )
}

/// A second expert in the demo center's finance zone (two experts calling at once).
pub(crate) fn second_finance_expert(app: &TestApp) -> Expert {
    let pw = NewPassword::parse("second finance expert pass".into()).unwrap();
    users::add(
        &mut app.conn(),
        &NewAccount {
            center_slug: "gyeongnam",
            role: Role::Expert,
            zone_kind: Some("finance"),
            email: "finance2@gyeongnam.example",
            display_name: "둘째",
            password: &pw,
        },
        db::now(),
    )
    .unwrap();
    Expert { user_id: user_id(app, "finance2@gyeongnam.example"), ..expert(app, "finance") }
}

fn day_of(t: chrono::NaiveDateTime) -> String {
    (t + chrono::Duration::hours(9)).format("%Y-%m-%d").to_string()
}

pub(crate) fn expert(app: &TestApp, local: &str) -> Expert {
    let u = onestop::db::users::by_email(&mut app.conn(), &app.account(local).email.clone()).unwrap().unwrap();
    Expert { user_id: u.id, center_id: u.center_id.unwrap(), zone_id: u.zone_id.unwrap() }
}

#[tokio::test]
async fn the_finance_expert_calls_a_visitor_in_and_records_the_outcome() {
    let app = spawn_app_with_demo().await;
    let (case, appts) = checked_in(&app, &["finance"]);
    app.login_as("finance").await;
    let queue = format!("/expert?date={}", day_of(appts[0].starts_at));
    assert_eq!(app.get_html("/expert").await.1.contains(&case.reference), true, "today's queue");
    let (status, html) = app.get_html(&queue).await;
    assert_eq!(status, 200);
    assert!(html.contains(&case.reference) && html.contains("data-refresh"), "{html}");
    let csrf = csrf_from(&html).unwrap();
    let start = format!("/expert/appointments/{}/start", appts[0].id);
    let r = app.post_form(&start, &[("_csrf", &csrf), ("version", &case.version.to_string())]).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(cases::find(&mut app.conn(), case.id).unwrap().unwrap().status, "in_consultation");
    let page = format!("/expert/cases/{}", case.id);
    // The page says what just happened, and since when, where focus lands.
    assert_eq!(r.headers()["location"], format!("{page}?started=1"));
    let (status, html) = app.get_html(&format!("{page}?started=1")).await;
    assert_eq!(status, 200);
    let said = crate::helpers::texts(&html, "#just[autofocus] p");
    assert_eq!(said[0], "상담을 시작했습니다. 끝나면 아래에서 결과를 기록하세요.");
    assert!(said[1].starts_with("상담 중 · ") && said[1].ends_with("부터"), "{said:?}");
    let (status, html) = app.get_html(&page).await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"outcome\"") && html.contains("name=\"executed_won\""));
    assert!(crate::helpers::texts(&html, ".consult-state strong")[0].starts_with("상담 중 · "));
    let consultation = consult::of_case(&mut app.conn(), case.id).unwrap().remove(0);
    let complete = format!("/expert/consultations/{}/complete", consultation.id);
    let v = cases::find(&mut app.conn(), case.id).unwrap().unwrap().version.to_string();
    let c = case.id.to_string();
    // A negative amount and an IP field in finance: refused, values kept.
    let r = app
        .post_form(
            &complete,
            &[
                ("_csrf", &csrf),
                ("version", &v),
                ("case_id", &c),
                ("institution", "KIBO"),
                ("product", "guarantee"),
                ("executed_won", "-300"),
                ("patents_transferred", "2"),
                ("summary", "보증 서류 안내"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("0 이상의 숫자") && body.contains("IP존에서만") && body.contains("보증 서류 안내"), "{body}");
    // The error summary is the first thing on the page, and takes focus.
    let doc = scraper::Html::parse_document(&body);
    let first = doc.select(&scraper::Selector::parse("main .krds-alert").unwrap()).next().unwrap();
    assert_eq!((first.value().id(), first.value().attr("autofocus")), (Some("error-summary"), Some("")));
    assert_eq!(cases::find(&mut app.conn(), case.id).unwrap().unwrap().status, "in_consultation");
    let r = app
        .post_form(
            &complete,
            &[
                ("_csrf", &csrf),
                ("version", &v),
                ("case_id", &c),
                ("institution", "KIBO"),
                ("product", "guarantee"),
                ("executed_won", "300,000,000"),
                ("summary", "기술보증 3억원 실행을 안내했습니다"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], format!("{page}?done=1"));
    let (_, html) = app.get_html(&format!("{page}?done=1")).await;
    assert_eq!(crate::helpers::texts(&html, "#just[autofocus] p"), ["상담 결과를 기록했습니다."]);
    let recorded = crate::helpers::texts(&html, "section[aria-labelledby=recorded-h] dd");
    assert!(recorded.contains(&"300,000,000원".to_owned()) && recorded.contains(&"보증".to_owned()), "{recorded:?}");
    assert!(recorded.contains(&"기술보증기금".to_owned()), "{recorded:?}");
    assert_eq!(cases::find(&mut app.conn(), case.id).unwrap().unwrap().status, "consulted");
    let done = consult::of_case(&mut app.conn(), case.id).unwrap().remove(0);
    assert_eq!((done.executed_won, done.product.as_deref()), (Some(300_000_000), Some("guarantee")));
    assert!(done.consulted_on.is_some());
    assert_eq!(app.count(&format!("email_outbox WHERE case_id = {} AND kind = 'consultation_summary'", case.id)), 1);
    // The applicant sees the summary on their link.
    let token = onestop::token::new_token();
    app.exec(&format!(
        "UPDATE cases SET applicant_token_hash = '{}' WHERE id = {}",
        onestop::token::hash_token(&token),
        case.id
    ));
    let visit = browser_client().get(app.url(&format!("/apply/{token}/visit"))).send().await.unwrap();
    assert_eq!(visit.status().as_u16(), 200);
    assert!(visit.text().await.unwrap().contains("기술보증 3억원 실행을 안내했습니다"));
    assert_eq!(appointments::live_of_case(&mut app.conn(), case.id).unwrap().len(), 0, "the appointment is done");
    // Refer the case to the IP zone: back to reservation for IP, the applicant is told.
    let (_, html) = app.get_html(&page).await;
    let v = cases::find(&mut app.conn(), case.id).unwrap().unwrap().version.to_string();
    let refer = format!("/expert/consultations/{}/refer", done.id);
    let r = app
        .post_form(
            &refer,
            &[("_csrf", &csrf_from(&html).unwrap()), ("version", &v), ("case_id", &c), ("zone", "ip"), ("reason", "")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let r = app
        .post_form(
            &refer,
            &[
                ("_csrf", &csrf),
                ("version", &v),
                ("case_id", &c),
                ("zone", "ip"),
                ("reason", "기술이전 상담이 필요합니다"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(cases::find(&mut app.conn(), case.id).unwrap().unwrap().status, "submitted");
    let zones = onestop::db::answers::zones(&mut app.conn(), case.id).unwrap();
    assert_eq!(zones.iter().map(|z| z.zone_kind.as_str()).collect::<Vec<_>>(), vec!["ip"]);
    assert_eq!(app.count(&format!("email_outbox WHERE case_id = {} AND kind = 'rerouted'", case.id)), 1);
    let events = cases::events_of(&mut app.conn(), case.id).unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e.event.as_str()).collect();
    assert!(kinds.ends_with(&["check_in", "start", "complete", "refer"]), "{kinds:?}");
}

#[tokio::test]
async fn a_one_stop_visitor_goes_on_to_the_next_zone_and_the_lobby_board_follows() {
    let app = spawn_app_with_demo().await;
    let (case, appts) = checked_in(&app, &["finance", "ip"]);
    assert!(appts.iter().all(|a| a.status == "waiting" && a.ticket_number == Some(1)));
    let (fin, ip) = (expert(&app, "finance"), expert(&app, "ip"));
    let today = chrono::Utc::now().date_naive();
    let env = onestop::services::mail::Env { base_url: "http://localhost", from: "no-reply@localhost", now: db::now() };
    let leg = |zone: i64| appts.iter().find(|a| a.zone_id == zone).unwrap().id;
    let lobby = || async {
        let r = browser_client().get(app.url("/centers/gyeongnam/lobby")).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200);
        r.text().await.unwrap()
    };
    let board = lobby().await;
    assert_eq!(board.matches("대기 1명").count(), 2, "one waiting in finance and in IP: {board}");
    // At the desk it is one person waiting, not two legs.
    app.login_as("staff").await;
    let (_, desk) = app.get_html("/staff/appointments").await;
    assert_eq!(crate::helpers::texts(&desk, ".board-counts dd")[0], "1", "people, not legs");
    let v = case.version;
    let c1 = consult::start(&mut app.conn(), fin, leg(fin.zone_id), v, db::now()).unwrap();
    let board = lobby().await;
    assert!(board.contains("lobby-ticket\">1<"), "ticket 1 is being served: {board}");
    assert!(!board.contains("김지원") && !board.contains("jiwon"), "no names on the lobby board");
    let form = onestop::domain::consultation::OutcomeForm {
        institution: "KODIT".into(),
        product: "loan".into(),
        follow_up_on: today.format("%Y-%m-%d").to_string(),
        summary: "정책자금 대출 서류를 안내했습니다".into(),
        ..Default::default()
    };
    let v = cases::find(&mut app.conn(), case.id).unwrap().unwrap().version;
    consult::complete(&mut app.conn(), fin, c1, &form, v, today, &env).unwrap();
    assert_eq!(cases::find(&mut app.conn(), case.id).unwrap().unwrap().status, "waiting", "on to the IP zone");
    // The IP expert reads what finance did minutes ago, on the same visit.
    app.login_as("ip").await;
    let (_, brief) = app.get_html(&format!("/expert/cases/{}", case.id)).await;
    let others = crate::helpers::texts(&brief, ".other-legs li");
    assert_eq!(others.len(), 1, "{brief}");
    assert!(others[0].contains("금융존") && others[0].contains("정책자금 대출 서류를 안내했습니다"), "{others:?}");
    let v = cases::find(&mut app.conn(), case.id).unwrap().unwrap().version;
    let c2 = consult::start(&mut app.conn(), ip, leg(ip.zone_id), v, db::now()).unwrap();
    let ip_form = onestop::domain::consultation::OutcomeForm {
        advice_type: "transfer".into(),
        patents_transferred: "2".into(),
        ..Default::default()
    };
    let v = cases::find(&mut app.conn(), case.id).unwrap().unwrap().version;
    consult::complete(&mut app.conn(), ip, c2, &ip_form, v, today, &env).unwrap();
    assert_eq!(cases::find(&mut app.conn(), case.id).unwrap().unwrap().status, "consulted");
    assert_eq!(consult::of_case(&mut app.conn(), case.id).unwrap()[1].patents_transferred, Some(2));
    // The finance follow-up (amount still to come) is due; recording it closes it.
    app.login_as("finance").await;
    let (status, html) = app.get_html("/expert/follow-ups").await;
    assert_eq!(status, 200);
    assert!(html.contains(&case.reference), "{html}");
    let csrf = csrf_from(&html).unwrap();
    let path = format!("/expert/consultations/{c1}/execution");
    assert_eq!(app.post_form(&path, &[("_csrf", &csrf), ("executed_won", "-1")]).await.status().as_u16(), 422);
    assert_eq!(app.post_form(&path, &[("_csrf", &csrf), ("executed_won", "150,000,000")]).await.status().as_u16(), 303);
    let c = consult::find(&mut app.conn(), c1).unwrap().unwrap();
    assert_eq!(c.executed_won, Some(150_000_000));
    assert!(c.follow_up_done_at.is_some());
}

#[tokio::test]
async fn two_experts_calling_the_same_visitor_one_wins() {
    let app = spawn_app_with_demo().await;
    let (case, appts) = checked_in(&app, &["finance"]);
    let (first, second) = (expert(&app, "finance"), second_finance_expert(&app));
    let (appt, version, now) = (appts[0].id, case.version, db::now());
    let results = race(&app, 10, move |i, conn| {
        consult::start(conn, if i % 2 == 0 { first } else { second }, appt, version, now)
    });
    let ok = results.iter().filter(|r| r.is_ok()).count();
    let lost = results.iter().filter(|r| matches!(r, Err(ActionError::Conflict))).count();
    eprintln!("10 concurrent starts ({:?}): {ok} ok, {lost} told another was first", app.db.url);
    assert_eq!((ok, lost), (1, 9), "{results:?}");
    assert_eq!(consult::of_case(&mut app.conn(), case.id).unwrap().len(), 1);
}

#[tokio::test]
async fn experts_see_and_act_on_their_own_zone_only() {
    let app = spawn_app_with_demo().await;
    let (case, appts) = checked_in(&app, &["finance"]);
    // The IP expert: neither the pre-brief nor the start of a finance visit.
    app.login_as("ip").await;
    assert_eq!(app.get(&format!("/expert/cases/{}", case.id)).await.status().as_u16(), 404);
    let (_, html) = app.get_html("/expert").await;
    assert!(!html.contains(&case.reference));
    let csrf = csrf_from(&html).unwrap();
    let r = app
        .post_form(
            &format!("/expert/appointments/{}/start", appts[0].id),
            &[("_csrf", &csrf), ("version", &case.version.to_string())],
        )
        .await;
    assert_eq!(r.status().as_u16(), 404);
    assert_eq!(cases::find(&mut app.conn(), case.id).unwrap().unwrap().status, "waiting");
    // Staff and the anonymous have no expert pages.
    app.login_as("staff").await;
    assert_eq!(app.get("/expert").await.status().as_u16(), 403);
    let anon = browser_client();
    assert_eq!(anon.get(app.url("/expert")).send().await.unwrap().status().as_u16(), 303);
    // Another center's expert sees nothing of this center.
    let pw = NewPassword::parse("seoul finance expert pass".into()).unwrap();
    users::add(
        &mut app.conn(),
        &NewAccount {
            center_slug: "seoul",
            role: Role::Expert,
            zone_kind: Some("finance"),
            email: "finance@seoul.example",
            display_name: "서울",
            password: &pw,
        },
        db::now(),
    )
    .unwrap();
    let seoul = browser_client();
    submit_login(&app, &seoul, "finance@seoul.example", "seoul finance expert pass").await;
    let r = seoul.get(app.url(&format!("/expert/cases/{}", case.id))).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404);
    assert!(!r.text().await.unwrap().contains("jiwon@example.com"));
}

#[tokio::test]
async fn an_expert_subscribes_to_a_feed_without_personal_data_and_revokes_it() {
    let app = spawn_app_with_demo().await;
    let (case, _) = checked_in(&app, &["finance"]);
    app.login_as("finance").await;
    let csrf = app.csrf_token("/expert/feed").await;
    let r = app.post_form("/expert/feed", &[("_csrf", &csrf)]).await;
    assert_eq!(r.status().as_u16(), 200);
    let html = r.text().await.unwrap();
    let doc = scraper::Html::parse_document(&html);
    let url = doc
        .select(&scraper::Selector::parse("#feed-url").unwrap())
        .next()
        .unwrap()
        .value()
        .attr("value")
        .unwrap()
        .to_owned();
    let path = url[url.find("/feeds/").unwrap()..].to_owned();
    let anon = browser_client();
    let r = anon.get(app.url(&path)).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let ics = r.text().await.unwrap();
    assert!(ics.contains(&case.reference) && ics.contains("TZID=Asia/Seoul"), "{ics}");
    assert!(!ics.contains("jiwon") && !ics.contains("김지원") && !ics.contains("010-"), "no personal data");
    if let Some(events) = crate::fixtures::parse_ics(&ics) {
        assert_eq!(events.len(), 1, "{events:?}");
    }
    // Only the hash is stored; revoking stops the address.
    assert_eq!(
        app.count(&format!(
            "users WHERE feed_token_hash = '{}'",
            onestop::token::hash_token(path.trim_start_matches("/feeds/").trim_end_matches(".ics"))
        )),
        1
    );
    assert_eq!(app.post_form("/expert/feed/revoke", &[("_csrf", &csrf)]).await.status().as_u16(), 303);
    assert_eq!(anon.get(app.url(&path)).send().await.unwrap().status().as_u16(), 404);
    assert_eq!(anon.get(app.url("/feeds/nonsense.ics")).send().await.unwrap().status().as_u16(), 404);
}

/// The finance expert's pre-brief shows every answer in words — the amount and purpose the
/// applicant typed, industry, stage, revenue, founding date, region — and why the case came to
/// the zone, written for staff; the desk's case page shows the same answers.
#[tokio::test]
async fn the_pre_brief_shows_every_answer_in_words_and_the_routing_for_staff() {
    let app = spawn_app_with_demo().await;
    let client = browser_client();
    let (_, case_id) = crate::fixtures::submit_filled(&app, &client, "gyeongnam").await;
    let expert = browser_client();
    let finance = app.account("finance");
    submit_login(&app, &expert, &finance.email, finance.password.expose()).await;
    let page = expert.get(app.url(&format!("/expert/cases/{case_id}"))).send().await.unwrap().text().await.unwrap();
    let want = [
        "300,000,000원",
        "양산 설비",
        "J. 정보통신업",
        "2024-03-02",
        "경상남도",
        "보증",
        "금융존: 보증 요청 → 기술보증기금 추천",
    ];
    let text = crate::helpers::texts(&page, "main").join(" ");
    for w in want {
        assert!(text.contains(w), "{w:?} on the pre-brief:\n{text}");
    }
    for code in ["up_to_3y", "under_1b", "guarantee", "gyeongnam\n", "선택하셨습니다"] {
        assert!(!text.contains(code), "{code:?} shown on the pre-brief:\n{text}");
    }
    assert!(!text.contains("kim@startup.example"), "the pre-brief leaves the contact details to the desk");
    // The desk reads the same answers, with the contact details.
    app.login_as("staff").await;
    let (_, desk) = app.get_html(&format!("/staff/cases/{case_id}")).await;
    let text = crate::helpers::texts(&desk, "main").join(" ");
    for w in ["300,000,000원", "양산 설비", "J. 정보통신업", "kim@startup.example", "금융존: "] {
        assert!(text.contains(w), "{w:?} on the case page:\n{text}");
    }
    assert!(desk.contains("href=\"tel:01012345678\""), "the applicant's phone is one tap away");
}
