//! Booking a visit: the journey through the pages, and seats under concurrency (both DBs).

use onestop::db::cases::{self, Case};
use onestop::db::centers;
use onestop::db::{self, appointments};
use onestop::services::action::ActionError;
use onestop::services::availability;
use onestop::services::booking::{self, Leg};

use crate::fixtures::{
    COMPANY, CONTACT, booked_legal_case, fill_all, gyeongnam, hidden, parse_ics, post_step, start_draft, submitted_case,
};
use crate::helpers::{TestApp, browser_client, csrf_from, race, spawn_app_with_demo, texts};

#[tokio::test]
async fn sixty_four_applicants_race_for_the_last_seat_and_exactly_one_gets_it() {
    let app = spawn_app_with_demo().await;
    let center = gyeongnam(&app);
    let cases: Vec<Case> = (0..64).map(|_| submitted_case(&app, &center, &["legal"])).collect();
    let now = db::now();
    let times = availability::for_case(&mut app.conn(), &center, cases[0].id, now).unwrap();
    let slot = times.zones[0].days.values().next().unwrap()[0].clone();
    assert_eq!(slot.free, 1, "legal slots have one seat");
    let leg = Leg { zone_id: slot.zone_id, starts_at: slot.starts_at };
    let (center2, cases2) = (center.clone(), cases.clone());
    let results = race(&app, 64, move |i, conn| {
        booking::reserve(conn, &center2, &cases2[i], &[leg], &booking::Op::applicant(now))
    });
    let ok = results.iter().filter(|r| r.is_ok()).count();
    let taken = results.iter().filter(|r| matches!(r, Err(ActionError::Taken))).count();
    let other: Vec<_> = results.iter().filter(|r| !matches!(r, Ok(_) | Err(ActionError::Taken))).collect();
    eprintln!(
        "64 concurrent reservations of one seat ({}): {ok} succeeded, {taken} taken, {} other errors",
        if app.db.url.is_postgres() { "PostgreSQL" } else { "SQLite" },
        other.len()
    );
    assert_eq!((ok, taken), (1, 63), "other: {other:?}");
    assert_eq!(app.count("appointments"), 1);
    // One confirmation, queued with the winning booking; none for the losers.
    assert_eq!(app.count("email_outbox WHERE kind = 'visit_confirmed'"), 1);
    // The losers are still `submitted` (their transaction rolled back whole).
    let reserved =
        cases.iter().filter(|c| cases::find(&mut app.conn(), c.id).unwrap().unwrap().status == "reserved").count();
    assert_eq!(reserved, 1);
}

#[tokio::test]
async fn twenty_one_stop_visits_race_and_nothing_is_booked_partially() {
    let app = spawn_app_with_demo().await;
    let center = gyeongnam(&app);
    let cases: Vec<Case> = (0..20).map(|_| submitted_case(&app, &center, &["finance", "ip"])).collect();
    let now = db::now();
    let times = availability::for_case(&mut app.conn(), &center, cases[0].id, now).unwrap();
    let visit = times.visits.first().expect("a one-stop visit").clone();
    let legs: Vec<Leg> = visit.legs.iter().map(|l| Leg { zone_id: l.zone_id, starts_at: l.starts_at }).collect();
    let (center2, cases2) = (center.clone(), cases.clone());
    let results = race(&app, 20, move |i, conn| {
        booking::reserve(conn, &center2, &cases2[i], &legs, &booking::Op::applicant(now))
    });
    let ok = results.iter().filter(|r| r.is_ok()).count();
    let taken = results.iter().filter(|r| matches!(r, Err(ActionError::Taken))).count();
    eprintln!(
        "20 concurrent one-stop visits ({}): {ok} succeeded, {taken} taken, {} other errors",
        if app.db.url.is_postgres() { "PostgreSQL" } else { "SQLite" },
        20 - ok - taken
    );
    // The IP leg has one seat: one visit in all; the finance leg's second seat stays free.
    assert_eq!((ok, taken), (1, 19), "{results:?}");
    let winner =
        cases.iter().find(|c| cases::find(&mut app.conn(), c.id).unwrap().unwrap().status == "reserved").unwrap();
    assert_eq!(appointments::live_of_case(&mut app.conn(), winner.id).unwrap().len(), 2);
    assert_eq!(app.count("appointments"), 2, "no partial booking by any loser");
    assert_eq!(app.count("email_outbox WHERE kind = 'visit_confirmed'"), 1);
}

#[tokio::test]
async fn a_founder_books_a_one_stop_visit_from_the_confirmation_page() {
    let app = spawn_app_with_demo().await;
    let client = browser_client();
    let base = fill_all(&app, &client, "gyeongnam").await;
    let review = client.get(app.url(&format!("{base}/review"))).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_from(&review).unwrap();
    client.post(app.url(&format!("{base}/submit"))).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
    let done = client.get(app.url(&format!("{base}/done"))).send().await.unwrap().text().await.unwrap();
    assert!(done.contains(&format!("href=\"{base}/book\"")));

    let page = client.get(app.url(&format!("{base}/book"))).send().await.unwrap();
    assert_eq!(page.headers()["referrer-policy"], "same-origin");
    // First the days, each with how many one-stop visits it offers; then one day's visits.
    let days = page.text().await.unwrap();
    assert!(texts(&days, ".day-free").iter().all(|f| f.starts_with("가능한 일정 ")), "{days}");
    let page = client.get(app.url(&crate::fixtures::busiest_day(&days))).send().await.unwrap().text().await.unwrap();
    let labels = texts(&page, ".day-group label");
    assert!(!labels.is_empty());
    assert!(labels.iter().all(|l| l.contains("금융존") && l.contains("IP존") && l.contains(" → ")), "{labels:?}");
    let doc = scraper::Html::parse_document(&page);
    let sel = scraper::Selector::parse("input[name=choice]").unwrap();
    let choice = doc.select(&sel).next().unwrap().value().attr("value").unwrap().to_owned();
    let csrf = csrf_from(&page).unwrap();
    let r = client
        .post(app.url(&format!("{base}/book")))
        .form(&[("_csrf", csrf.as_str()), ("choice", &choice)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"].to_str().unwrap(), format!("{base}/visit"));
    let visit = client.get(app.url(&format!("{base}/visit"))).send().await.unwrap().text().await.unwrap();
    assert!(visit.contains("방문 예약이 확정되었습니다"));
    assert_eq!(texts(&visit, ".routing-list li").len(), 2);
    // A replayed POST (the same form, its version now stale) books nothing more.
    let version = hidden_version(&page);
    let r = client
        .post(app.url(&format!("{base}/book")))
        .form(&[("_csrf", csrf.as_str()), ("version", &version), ("choice", &choice)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"].to_str().unwrap(), format!("{base}/visit"));
    assert_eq!(app.count("appointments"), 2);
}

#[tokio::test]
async fn the_second_of_two_applicants_for_one_seat_gets_a_clear_page_with_other_times() {
    let app = spawn_app_with_demo().await;
    let (a, b) = (browser_client(), browser_client());
    let mut bases = Vec::new();
    for client in [&a, &b] {
        bases.push(submit_legal_case(&app, client, "labor").await);
    }
    let page_a = crate::fixtures::times_page(&app, &a, &bases[0]).await;
    let page_b = crate::fixtures::times_page(&app, &b, &bases[1]).await;
    let first = |html: &str| {
        let doc = scraper::Html::parse_document(html);
        let sel = scraper::Selector::parse("input[name=choice]").unwrap();
        doc.select(&sel).next().unwrap().value().attr("value").unwrap().to_owned()
    };
    let choice = first(&page_a);
    assert_eq!(choice, first(&page_b));
    let r = a
        .post(app.url(&format!("{}/book", bases[0])))
        .form(&[("_csrf", csrf_from(&page_a).unwrap().as_str()), ("choice", &choice)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let r = b
        .post(app.url(&format!("{}/book", bases[1])))
        .form(&[("_csrf", csrf_from(&page_b).unwrap().as_str()), ("day", &hidden(&page_b, "day")), ("choice", &choice)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 409);
    let html = r.text().await.unwrap();
    assert!(html.contains("방금 다른 분이 이 시간을 예약했습니다"));
    // The same day's times again, the taken one gone.
    assert_eq!(hidden(&html, "day"), hidden(&page_b, "day"));
    assert_ne!(first(&html), choice, "the taken time is no longer offered; the nearest free ones are");
    // Garbage choices get a page, not an error.
    for bad in ["", "x", "1:2:3", "999:1700000000", &format!("{choice},{choice}")] {
        let r = b
            .post(app.url(&format!("{}/book", bases[1])))
            .form(&[("_csrf", csrf_from(&page_b).unwrap().as_str()), ("choice", bad)])
            .send()
            .await
            .unwrap();
        assert!(matches!(r.status().as_u16(), 409 | 422), "{bad:?} → {}", r.status());
    }
}

#[tokio::test]
async fn twenty_concurrent_moves_of_one_visit_leave_exactly_one_booking() {
    let app = spawn_app_with_demo().await;
    let (center, case, legs) = booked_legal_case(&app);
    assert!(legs.len() >= 8, "enough slots that day: {}", legs.len());
    let now = db::now();
    let targets: Vec<Leg> = legs[1..].to_vec();
    let (center2, case2) = (center.clone(), case.clone());
    let results = race(&app, 20, move |i, conn| {
        let target = targets[i % targets.len()];
        booking::reschedule(conn, &center2, &case2, &[target], &booking::Op::applicant(now))
    });
    let ok = results.iter().filter(|r| r.is_ok()).count();
    let conflicts = results.iter().filter(|r| matches!(r, Err(ActionError::Conflict))).count();
    let taken = results.iter().filter(|r| matches!(r, Err(ActionError::Taken))).count();
    eprintln!(
        "20 concurrent reschedules of one visit ({}): {ok} succeeded, {conflicts} conflicts, {taken} taken, {} other errors",
        if app.db.url.is_postgres() { "PostgreSQL" } else { "SQLite" },
        20 - ok - conflicts - taken
    );
    assert_eq!(ok, 1, "{results:?}");
    assert_eq!(ok + conflicts + taken, 20, "{results:?}");
    let live = appointments::live_of_case(&mut app.conn(), case.id).unwrap();
    assert_eq!(live.len(), 1, "one live booking, never two");
    assert_ne!(live[0].starts_at, legs[0].starts_at, "moved away from the first slot");
    let after = cases::find(&mut app.conn(), case.id).unwrap().unwrap();
    assert_eq!((after.status.as_str(), after.version), ("reserved", case.version + 1));
    // One "moved" mail, about the visit that stands, with a calendar update for the same UID.
    let moved: Vec<_> = onestop::db::outbox::for_case(&mut app.conn(), case.id)
        .unwrap()
        .into_iter()
        .filter(|m| m.kind == "visit_moved")
        .collect();
    assert_eq!(moved.len(), 1);
    assert_eq!(moved[0].visit_key.as_deref(), Some(live[0].id.to_string().as_str()));
    let ics = moved[0].attachment_body.as_deref().unwrap();
    assert!(
        ics.contains(&format!("UID:{}-1@localhost", case.reference))
            && ics.contains(&format!("SEQUENCE:{}", after.version))
    );
}

#[tokio::test]
async fn a_move_to_a_taken_time_changes_nothing_and_a_cancel_frees_the_seat_once() {
    let app = spawn_app_with_demo().await;
    let (center, case, legs) = booked_legal_case(&app);
    let now = db::now();
    // Someone else holds the second slot.
    let other = submitted_case(&app, &center, &["legal"]);
    booking::reserve(&mut app.conn(), &center, &other, &legs[1..2], &booking::Op::applicant(now)).unwrap();
    let r = booking::reschedule(&mut app.conn(), &center, &case, &legs[1..2], &booking::Op::applicant(now));
    assert!(matches!(r, Err(ActionError::Taken)), "{r:?}");
    let live = appointments::live_of_case(&mut app.conn(), case.id).unwrap();
    assert_eq!(live[0].starts_at, legs[0].starts_at, "the old seat is kept");
    assert_eq!(cases::find(&mut app.conn(), case.id).unwrap().unwrap().version, case.version);

    // Cancel: the seat is free again for a third applicant; the same cancel cannot be replayed.
    booking::cancel(&mut app.conn(), &case, "일정이 바뀌었습니다", &booking::Op::applicant(now)).unwrap();
    let again = booking::cancel(&mut app.conn(), &case, "again", &booking::Op::applicant(now));
    assert!(matches!(again, Err(ActionError::Conflict | ActionError::WrongState)), "{again:?}");
    let third = submitted_case(&app, &center, &["legal"]);
    booking::reserve(&mut app.conn(), &center, &third, &legs[..1], &booking::Op::applicant(now)).unwrap();
    let trail = cases::events_of(&mut app.conn(), case.id).unwrap();
    let last = trail.last().unwrap();
    assert_eq!((last.event.as_str(), last.reason.as_deref()), ("cancel", Some("일정이 바뀌었습니다")));
}

#[tokio::test]
async fn changes_past_the_cut_off_are_refused_for_applicants() {
    let app = spawn_app_with_demo().await;
    let (center, case, legs) = booked_legal_case(&app);
    // An hour before the visit is past the 24-hour cut-offs.
    let late = legs[0].starts_at - chrono::Duration::hours(1);
    assert!(matches!(
        booking::cancel(&mut app.conn(), &case, "late", &booking::Op::applicant(late)),
        Err(ActionError::PastCutoff)
    ));
    assert!(matches!(
        booking::reschedule(&mut app.conn(), &center, &case, &legs[1..2], &booking::Op::applicant(late)),
        Err(ActionError::PastCutoff)
    ));
    assert_eq!(cases::find(&mut app.conn(), case.id).unwrap().unwrap().status, "reserved");
}

#[tokio::test]
async fn the_manage_link_moves_and_cancels_the_visit_and_then_says_it_was_cancelled() {
    let app = spawn_app_with_demo().await;
    let client = browser_client();
    let base = submit_legal_case(&app, &client, "contracts").await;
    let choices = |html: &str| -> Vec<String> {
        let doc = scraper::Html::parse_document(html);
        let sel = scraper::Selector::parse("input[name=choice]").unwrap();
        doc.select(&sel).map(|e| e.value().attr("value").unwrap().to_owned()).collect()
    };
    let page = crate::fixtures::times_page(&app, &client, &base).await;
    let all = choices(&page);
    let csrf = csrf_from(&page).unwrap();
    client
        .post(app.url(&format!("{base}/book")))
        .form(&[("_csrf", csrf.as_str()), ("choice", &all[0])])
        .send()
        .await
        .unwrap();
    let visit = client.get(app.url(&format!("{base}/visit"))).send().await.unwrap().text().await.unwrap();
    let first_time = texts(&visit, ".routing-list li strong");

    // Move it: both steps show the visit as it is now; the button says "change".
    let days = client.get(app.url(&format!("{base}/book"))).send().await.unwrap().text().await.unwrap();
    assert_eq!(texts(&days, "h1"), ["방문 시간 바꾸기"]);
    assert_eq!(texts(&days, ".current-visit li").len(), 1, "{days}");
    assert!(texts(&days, ".current-visit li")[0].contains(&first_time[0]));
    let page = crate::fixtures::times_page(&app, &client, &base).await;
    assert!(texts(&page, ".current-visit li")[0].contains(&first_time[0]));
    assert_eq!(texts(&page, "form#times button"), ["이 시간으로 변경"]);
    let r = client
        .post(app.url(&format!("{base}/book")))
        .form(&[("_csrf", csrf.as_str()), ("choice", &all[1])])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"].to_str().unwrap(), format!("{base}/visit?changed=1"));
    let visit = client.get(app.url(&format!("{base}/visit?changed=1"))).send().await.unwrap().text().await.unwrap();
    assert_eq!(texts(&visit, "h1"), ["방문 시간을 바꿨습니다"], "changed, not confirmed");
    assert_ne!(texts(&visit, ".routing-list li strong"), first_time, "the visit moved");
    assert_eq!(app.count("appointments WHERE status <> 'cancelled'"), 1);
    // The desk's history says what moved where, not "reserved → reserved".
    {
        use diesel::prelude::*;
        use onestop::db::schema::cases as c;
        let id: i64 = c::table.select(c::id).order(c::id.desc()).first(&mut *app.conn()).unwrap();
        app.login_as("staff").await;
        let (_, case_page) = app.get_html(&format!("/staff/cases/{id}")).await;
        let history = texts(&case_page, ".history li");
        let moved = history.iter().find(|l| l.contains("방문 시간 변경: ")).expect("the move in the history");
        let new_time = texts(&visit, ".routing-list li strong")[0].clone();
        assert!(moved.contains(&format!("{} → {new_time}", first_time[0])), "{moved:?} / {first_time:?} → {new_time}");
        assert!(history.iter().any(|l| l.contains(&format!("방문 예약: {}", first_time[0]))), "{history:?}");
        assert!(!history.iter().any(|l| l.contains("예약됨 → 예약됨")), "{history:?}");
    }

    // Cancel: a reason is required; then the links say the visit is cancelled.
    let r = client
        .post(app.url(&format!("{base}/cancel")))
        .form(&[("_csrf", csrf.as_str()), ("reason", " ")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("취소하는 이유를 적어 주세요"));
    let r = client
        .post(app.url(&format!("{base}/cancel")))
        .form(&[("_csrf", csrf.as_str()), ("reason", "다른 일정")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    // The link now says what happened, calmly, with the way to apply again.
    let r = client.get(app.url(&format!("{base}/visit"))).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let ended = r.text().await.unwrap();
    assert!(ended.contains("취소된 신청입니다") && ended.contains("신청을 취소했습니다"), "{ended}");
    assert!(ended.contains(&format!("action=\"{base}/again\"")), "apply again is offered");
    // Its story in the applicant's words, in order.
    let story = texts(&ended, ".timeline li");
    let said: Vec<&str> =
        ["사전문진을 보냈습니다", "방문을 예약했습니다", "방문 시간을 바꿨습니다", "신청이 취소되었습니다"].to_vec();
    assert_eq!(story.len(), said.len(), "{story:?}");
    for (line, words) in story.iter().zip(said) {
        assert!(line.contains(words), "{line:?} should say {words:?}");
    }
    // The booking page, a replayed cancel and a replayed booking all lead there.
    let r = client.get(app.url(&format!("{base}/book"))).send().await.unwrap();
    assert_eq!(
        (r.status().as_u16(), r.headers()["location"].to_str().unwrap()),
        (303, format!("{base}/visit").as_str())
    );
    let r = client
        .post(app.url(&format!("{base}/cancel")))
        .form(&[("_csrf", csrf.as_str()), ("reason", "again")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let r = client
        .post(app.url(&format!("{base}/book")))
        .form(&[("_csrf", csrf.as_str()), ("choice", &all[2])])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(app.count("appointments WHERE status <> 'cancelled'"), 0);
}

fn hidden_version(html: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("input[name=version]").unwrap();
    doc.select(&sel).next().unwrap().value().attr("value").unwrap().to_owned()
}

#[tokio::test]
async fn a_center_in_a_daylight_saving_time_zone_gets_right_slots_on_transition_days() {
    let app = spawn_app_with_demo().await;
    // Jeju, moved to Berlin for the test: its legal zone sits on Sundays 01:00–04:00.
    app.exec("UPDATE centers SET timezone = 'Europe/Berlin' WHERE slug = 'jeju'");
    let center = centers::by_slug(&mut app.conn(), "jeju").unwrap().unwrap();
    let legal = centers::zone_by_kind(&mut app.conn(), center.id, "legal").unwrap().unwrap();
    app.exec(&format!("DELETE FROM schedule_rules WHERE zone_id = {}", legal.id));
    app.exec(&format!(
        "INSERT INTO schedule_rules (zone_id, weekday, start_time, end_time, slot_minutes, seats) VALUES ({}, 7, '01:00:00', '04:00:00', 30, 1)",
        legal.id
    ));
    app.exec(&format!(
        "UPDATE zone_policies SET min_notice_minutes = 0, horizon_days = 3, buffer_minutes = 0 WHERE zone_id = {}",
        legal.id
    ));
    let case = submitted_case(&app, &center, &["legal"]);
    let local = |times: &availability::CaseTimes| -> Vec<String> {
        times.zones[0].days.values().flatten().map(|s| s.local_start.format("%m-%d %H:%M").to_string()).collect()
    };
    // Spring forward (29 March 2026, 02:00 → 03:00): nothing in the missing hour.
    let spring = availability::for_case(
        &mut app.conn(),
        &center,
        case.id,
        chrono::NaiveDate::from_ymd_opt(2026, 3, 28).unwrap().and_hms_opt(12, 0, 0).unwrap(),
    )
    .unwrap();
    assert_eq!(local(&spring), vec!["03-29 01:00", "03-29 01:30", "03-29 03:00", "03-29 03:30"]);
    // Fall back (25 October 2026, 03:00 → 02:00): the repeated hour is offered once.
    let autumn_now = chrono::NaiveDate::from_ymd_opt(2026, 10, 24).unwrap().and_hms_opt(12, 0, 0).unwrap();
    let autumn = availability::for_case(&mut app.conn(), &center, case.id, autumn_now).unwrap();
    assert_eq!(
        local(&autumn),
        vec!["10-25 01:00", "10-25 01:30", "10-25 02:00", "10-25 02:30", "10-25 03:00", "10-25 03:30"]
    );
    // 03:00 CET on that day is 02:00 UTC; booking it stores that instant.
    let slot = autumn.zones[0]
        .days
        .values()
        .flatten()
        .find(|s| s.local_start.format("%H:%M").to_string() == "03:00")
        .unwrap()
        .clone();
    assert_eq!(slot.starts_at, chrono::NaiveDate::from_ymd_opt(2026, 10, 25).unwrap().and_hms_opt(2, 0, 0).unwrap());
    booking::reserve(
        &mut app.conn(),
        &center,
        &case,
        &[Leg { zone_id: slot.zone_id, starts_at: slot.starts_at }],
        &booking::Op::applicant(autumn_now),
    )
    .unwrap();
    let live = appointments::live_of_case(&mut app.conn(), case.id).unwrap();
    assert_eq!(live[0].starts_at, slot.starts_at);
    assert_eq!(live[0].ends_at - live[0].starts_at, chrono::Duration::minutes(30));
    // The invitation carries the center's zone and its change of offset; the independent parser
    // puts the event at the stored instant.
    let mails = onestop::db::outbox::for_case(&mut app.conn(), case.id).unwrap();
    let ics = mails.iter().find(|m| m.kind == "visit_confirmed").and_then(|m| m.attachment_body.clone()).unwrap();
    assert!(ics.contains("DTSTART;TZID=Europe/Berlin:20261025T030000"), "{ics}");
    assert!(ics.contains("TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100"), "{ics}");
    if let Some(events) = parse_ics(&ics) {
        assert!(events[0].starts_with("REQUEST 2026-10-25T02:00:00+0000 Europe/Berlin "), "{events:?}");
    }
}

#[tokio::test]
async fn the_visit_comes_as_a_calendar_file_an_independent_parser_reads() {
    let app = spawn_app_with_demo().await;
    let client = browser_client();
    let (base, _) = crate::fixtures::submit_filled(&app, &client, "gyeongnam").await;
    let page = crate::fixtures::times_page(&app, &client, &base).await;
    let doc = scraper::Html::parse_document(&page);
    let sel = scraper::Selector::parse("input[name=choice]").unwrap();
    let choice = doc.select(&sel).next().unwrap().value().attr("value").unwrap().to_owned();
    client
        .post(app.url(&format!("{base}/book")))
        .form(&[("_csrf", csrf_from(&page).unwrap().as_str()), ("choice", &choice)])
        .send()
        .await
        .unwrap();
    let visit = client.get(app.url(&format!("{base}/visit"))).send().await.unwrap().text().await.unwrap();
    let href = {
        let doc = scraper::Html::parse_document(&visit);
        let sel = scraper::Selector::parse("a[href$='.ics']").unwrap();
        doc.select(&sel).next().expect("a calendar link").value().attr("href").unwrap().to_owned()
    };
    let r = client.get(app.url(&href)).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["content-type"], "text/calendar; charset=utf-8");
    let ics = r.text().await.unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR") && ics.contains("METHOD:PUBLISH"), "{ics}");
    let case = {
        use diesel::prelude::*;
        let id: i64 =
            onestop::db::schema::cases::table.select(onestop::db::schema::cases::id).first(&mut *app.conn()).unwrap();
        id
    };
    let legs = appointments::live_of_case(&mut app.conn(), case).unwrap();
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), legs.len());
    for a in &legs {
        let local = a.starts_at + chrono::Duration::hours(9);
        assert!(ics.contains(&format!("DTSTART;TZID=Asia/Seoul:{}", local.format("%Y%m%dT%H%M%S"))), "{ics}");
    }
    let expect = |method: &str, status: &str, sequence: i64| -> Vec<String> {
        legs.iter()
            .enumerate()
            .map(|(i, a)| {
                format!(
                    "{method} {} Asia/Seoul {}-{}@127.0.0.1 {sequence} {status}",
                    a.starts_at.format("%Y-%m-%dT%H:%M:%S+0000"),
                    reference_of(&app, case),
                    i + 1
                )
            })
            .collect()
    };
    let version = version_of(&app, case);
    if let Some(events) = parse_ics(&ics) {
        assert_eq!(events, expect("PUBLISH", "CONFIRMED", version));
    }
    // The confirmation mail carries the invitation: same events, METHOD:REQUEST, organizer and
    // attendee, read by the same independent parser.
    let mails = onestop::db::outbox::for_case(&mut app.conn(), case).unwrap();
    let confirmed = mails.iter().find(|m| m.kind == "visit_confirmed").expect("a confirmation mail");
    assert_eq!(confirmed.attachment_type.as_deref(), Some("text/calendar; charset=utf-8; method=REQUEST"));
    let invitation = confirmed.attachment_body.clone().unwrap();
    assert!(invitation.contains("ORGANIZER;CN=") && invitation.contains("ATTENDEE;"), "{invitation}");
    assert!(confirmed.body_text.contains(&format!("{base}/visit")), "{}", confirmed.body_text);
    assert!(confirmed.body_html.as_deref().unwrap().contains("<h1"));
    if let Some(events) = parse_ics(&invitation) {
        assert_eq!(events, expect("REQUEST", "CONFIRMED", version));
    }
    // Cancelled visits have no calendar file any more.
    let visit_csrf = csrf_from(&visit).unwrap();
    client
        .post(app.url(&format!("{base}/cancel")))
        .form(&[("_csrf", visit_csrf.as_str()), ("reason", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(client.get(app.url(&href)).send().await.unwrap().status().as_u16(), 410);
    // The cancellation mail cancels the same events with a higher SEQUENCE.
    let mails = onestop::db::outbox::for_case(&mut app.conn(), case).unwrap();
    let cancelled = mails.iter().find(|m| m.kind == "visit_cancelled").expect("a cancellation mail");
    assert_eq!(cancelled.attachment_type.as_deref(), Some("text/calendar; charset=utf-8; method=CANCEL"));
    assert!(version_of(&app, case) > version);
    if let Some(events) = parse_ics(cancelled.attachment_body.as_deref().unwrap()) {
        assert_eq!(events, expect("CANCEL", "CANCELLED", version_of(&app, case)));
    }
}

fn reference_of(app: &TestApp, case: i64) -> String {
    onestop::db::cases::find(&mut app.conn(), case).unwrap().unwrap().reference
}

fn version_of(app: &TestApp, case: i64) -> i64 {
    onestop::db::cases::find(&mut app.conn(), case).unwrap().unwrap().version
}

/// Goes through the questionnaire pages with one legal topic and submits; returns the base path.
async fn submit_legal_case(app: &TestApp, client: &reqwest::Client, topic: &str) -> String {
    let base = start_draft(app, client, "gyeongnam").await;
    post_step(app, client, &base, "company", COMPANY).await;
    post_step(app, client, &base, "contact", CONTACT).await;
    post_step(app, client, &base, "needs", &[("topic", topic)]).await;
    post_step(app, client, &base, "documents", &[]).await;
    post_step(app, client, &base, "consent", &[("consent", "yes")]).await;
    let review = client.get(app.url(&format!("{base}/review"))).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_from(&review).unwrap();
    let r = client.post(app.url(&format!("{base}/submit"))).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303);
    base
}

#[tokio::test]
async fn applying_again_from_a_cancelled_case_opens_a_new_draft_filled_with_its_answers() {
    let app = spawn_app_with_demo().await;
    let client = browser_client();
    let base = submit_legal_case(&app, &client, "contracts").await;
    let page = client.get(app.url(&format!("{base}/visit"))).send().await.unwrap();
    assert_eq!(page.headers()["location"].to_str().unwrap(), format!("{base}/book"), "not booked yet");
    let book = crate::fixtures::times_page(&app, &client, &base).await;
    let csrf = csrf_from(&book).unwrap();
    let r = client
        .post(app.url(&format!("{base}/cancel")))
        .form(&[("_csrf", csrf.as_str()), ("reason", "일정이 맞지 않음")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let ended = client.get(app.url(&format!("{base}/visit"))).send().await.unwrap().text().await.unwrap();
    assert!(ended.contains("다시 신청하기"), "{ended}");
    let (key, csrf) = (hidden(&ended, "key"), csrf_from(&ended).unwrap());
    let again = |key: String, csrf: String| {
        let (client, url) = (client.clone(), app.url(&format!("{base}/again")));
        async move { client.post(url).form(&[("_csrf", csrf), ("key", key)]).send().await.unwrap() }
    };
    let r = again(key.clone(), csrf.clone()).await;
    assert_eq!(r.status().as_u16(), 303);
    let review = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(review.starts_with("/apply/") && review.ends_with("/review") && !review.starts_with(&base), "{review}");
    // A double click opens the same draft, filled once.
    let r = again(key, csrf).await;
    assert_eq!(r.headers()["location"].to_str().unwrap(), review);
    assert_eq!(app.count("cases WHERE status = 'draft'"), 1);

    // The check-answers page shows the earlier answers; the consent is asked again.
    let html = client.get(app.url(&review)).send().await.unwrap().text().await.unwrap();
    let company = COMPANY.iter().find(|(k, _)| *k == "company_name").unwrap().1;
    let email = CONTACT.iter().find(|(k, _)| *k == "contact_email").unwrap().1;
    assert!(html.contains(company) && html.contains(email), "{html}");
    let new_base = review.trim_end_matches("/review").to_owned();
    assert!(html.contains(&format!("href=\"{new_base}/consent\"")), "the consent is asked again first");
    post_step(&app, &client, &new_base, "consent", &[("consent", "yes")]).await;
    let html = client.get(app.url(&format!("{new_base}/review"))).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_from(&html).unwrap();
    let r = client.post(app.url(&format!("{new_base}/submit"))).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303);
    // Two cases of the same company now, the first still cancelled, the second routed to legal.
    assert_eq!(app.count("cases WHERE status = 'cancelled'"), 1);
    assert_eq!(app.count("cases WHERE status = 'submitted'"), 1);
    assert_eq!(app.count("case_topics WHERE topic = 'contracts'"), 2);
    // The new link was mailed to the known address.
    assert_eq!(app.count(&format!("email_outbox WHERE kind = 'resume' AND to_addr = '{email}'")), 2);

    // Only an ended case offers it: the new (submitted) case's "again" goes to its visit page.
    let r = client
        .post(app.url(&format!("{new_base}/again")))
        .form(&[("_csrf", csrf.as_str()), ("key", "x".repeat(43).as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"].to_str().unwrap(), format!("{new_base}/visit"));
}

#[tokio::test]
async fn inside_the_cut_off_the_visit_page_shows_why_it_cannot_be_changed_instead_of_the_actions() {
    use diesel::prelude::*;
    use onestop::db::schema::appointments as t;
    let app = spawn_app_with_demo().await;
    let client = browser_client();
    let base = submit_legal_case(&app, &client, "contracts").await;
    let book = crate::fixtures::times_page(&app, &client, &base).await;
    let first = {
        let doc = scraper::Html::parse_document(&book);
        let sel = scraper::Selector::parse("input[name=choice]").unwrap();
        doc.select(&sel).next().unwrap().value().attr("value").unwrap().to_owned()
    };
    let csrf = csrf_from(&book).unwrap();
    client
        .post(app.url(&format!("{base}/book")))
        .form(&[("_csrf", csrf.as_str()), ("choice", &first)])
        .send()
        .await
        .unwrap();
    let open = client.get(app.url(&format!("{base}/visit"))).send().await.unwrap().text().await.unwrap();
    assert!(open.contains(&format!("href=\"{base}/book\"")) && open.contains(&format!("action=\"{base}/cancel\"")));
    assert!(!open.contains("이제 직접 바꾸거나 취소할 수 없습니다"));

    // Two hours before the visit: both 24-hour cut-offs have passed.
    let soon = db::now() + chrono::Duration::hours(2);
    diesel::update(t::table)
        .set((t::starts_at.eq(soon), t::ends_at.eq(soon + chrono::Duration::minutes(30))))
        .execute(&mut *app.conn())
        .unwrap();
    let closed = client.get(app.url(&format!("{base}/visit"))).send().await.unwrap().text().await.unwrap();
    assert!(closed.contains("이제 직접 바꾸거나 취소할 수 없습니다"), "{closed}");
    assert!(!closed.contains(&format!("href=\"{base}/book\"")), "no move link");
    assert!(!closed.contains(&format!("action=\"{base}/cancel\"")), "no cancel form");
    assert!(!closed.contains("취소하는 이유"), "no reason to write in vain");
    // ...and whom to call instead: the center's desk (the demo's sample number and address).
    let doc = scraper::Html::parse_document(&closed);
    let sel = scraper::Selector::parse("#closed-now a").unwrap();
    let links: Vec<String> = doc.select(&sel).filter_map(|a| a.value().attr("href").map(str::to_owned)).collect();
    assert_eq!(links, ["tel:020000000", "mailto:onestop@gyeongnam.example"], "{closed}");
}

/// A guarantee for a tech company is recommended to 기술보증기금: the days it sits in the finance
/// zone come first and say so; the other institutions' days follow, each labelled.
#[tokio::test]
async fn the_recommended_institutions_days_come_first_and_say_so() {
    let app = spawn_app_with_demo().await;
    let client = browser_client();
    let base = start_draft(&app, &client, "gyeongnam").await;
    post_step(&app, &client, &base, "company", COMPANY).await;
    post_step(&app, &client, &base, "contact", CONTACT).await;
    post_step(&app, &client, &base, "needs", &[("topic", "guarantee")]).await;
    let details = [("finance_amount", "300,000,000"), ("finance_purpose", "양산 설비")];
    post_step(&app, &client, &base, "details", &details).await;
    post_step(&app, &client, &base, "documents", &[]).await;
    post_step(&app, &client, &base, "consent", &[("consent", "yes")]).await;
    let review = client.get(app.url(&format!("{base}/review"))).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_from(&review).unwrap();
    client.post(app.url(&format!("{base}/submit"))).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
    let book = client.get(app.url(&format!("{base}/book"))).send().await.unwrap().text().await.unwrap();
    assert_eq!(texts(&book, "#days > h2"), ["추천 기관의 상담일", "다른 기관의 상담일"], "{book}");
    let notes = texts(&book, ".day-link .day-note");
    assert!(!notes.is_empty(), "{book}");
    let first_other = notes.iter().position(|n| n.starts_with("이날은")).unwrap_or(notes.len());
    assert!(first_other > 0, "a recommended day first: {notes:?}");
    assert!(notes[..first_other].iter().all(|n| n.contains("추천 기관인 기술보증기금")), "{notes:?}");
    assert!(notes[first_other..].iter().all(|n| n.starts_with("이날은") && !n.contains("기술보증기금")), "{notes:?}");
    // The first day's times are all with the recommended institution.
    let doc = scraper::Html::parse_document(&book);
    let first_link = scraper::Selector::parse("a.day-link").unwrap();
    let href = doc.select(&first_link).next().unwrap().value().attr("href").unwrap().to_owned();
    let times = client.get(app.url(&href)).send().await.unwrap().text().await.unwrap();
    assert_eq!(texts(&times, "#times-section .form-hint").len(), 1, "the day says who sits");
    let first_day = texts(&times, ".day-group label");
    assert!(!first_day.is_empty() && first_day.iter().all(|l| l.contains("기술보증기금")), "{first_day:?}");
}
