//! Confirm or cancel (issue 20): booking a visit queues "are you coming?" 3 and 1 days before
//! it (the center's days); the link's GET changes nothing; the POST confirms once under
//! concurrent clicks; a confirmed visit's later ask is skipped at send time; the desk's board
//! flags a visit not confirmed by the day before.

use chrono::Duration;
use diesel::prelude::*;
use onestop::db::schema::{appointments, email_outbox};
use onestop::services::{availability, booking};

use crate::fixtures::{SmtpSink, gyeongnam, mailer, smtp, submit_filled};
use crate::helpers::{browser_client, csrf_from, spawn_app_with_demo, texts};

#[tokio::test]
async fn a_visit_is_asked_to_confirm_only_the_post_confirms_once_and_a_confirmed_visit_is_not_asked_again() {
    let app = spawn_app_with_demo().await;
    let Some(sink) = SmtpSink::start(&[]) else { return };
    let client = browser_client();
    let (base, case_id) = submit_filled(&app, &client, "gyeongnam").await;
    let token = base.trim_start_matches("/apply/").to_owned();
    // A time at least five days ahead, booked by the applicant through their link.
    let center = gyeongnam(&app);
    let now = chrono::Utc::now().naive_utc();
    let times = availability::for_case(&mut app.conn(), &center, case_id, now).unwrap();
    let legs: Vec<booking::Leg> = times
        .visits
        .iter()
        .find(|v| v.legs[0].starts_at > now + Duration::days(5))
        .expect("a visit five days ahead")
        .legs
        .iter()
        .map(|l| booking::Leg { zone_id: l.zone_id, starts_at: l.starts_at })
        .collect();
    let starts = legs[0].starts_at;
    let case = onestop::db::cases::find(&mut app.conn(), case_id).unwrap().unwrap();
    let op = booking::Op { link: Some(format!("{}{base}/visit", app.address)), ..booking::Op::applicant(now) };
    booking::reserve(&mut app.conn(), &center, &case, &legs, &op).unwrap();

    // Two asks, due 3 and 1 days before, good until the visit, with the confirmation link.
    let asks: Vec<(chrono::NaiveDateTime, Option<chrono::NaiveDateTime>, String)> = email_outbox::table
        .filter(email_outbox::case_id.eq(case_id))
        .filter(email_outbox::kind.eq("confirm_ask"))
        .order(email_outbox::next_attempt_at)
        .select((email_outbox::next_attempt_at, email_outbox::not_after, email_outbox::body_text))
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(asks.len(), 2);
    assert_eq!((asks[0].0, asks[1].0), (starts - Duration::days(3), starts - Duration::days(1)));
    assert!(asks.iter().all(|a| a.1 == Some(starts)));
    assert!(asks[0].2.contains(&format!("{base}/confirm")), "{}", asks[0].2);

    // Three days before: the ask goes out over SMTP.
    let m = mailer(smtp(&sink), 8);
    m.send_due(&mut app.conn(), now).unwrap(); // the booking's own mails
    let before = sink.messages().len();
    let r = m.send_due(&mut app.conn(), starts - Duration::days(3)).unwrap();
    assert_eq!(r.sent, 1, "{r:?}");
    let asks_sent = || {
        sink.messages().iter().filter(|m| m["subject"].as_str().unwrap().contains("방문하시는지 알려 주세요")).count()
    };
    assert_eq!((sink.messages().len() - before, asks_sent()), (1, 1));

    // A mail scanner opens the link: the page asks, nothing changes.
    let scanner = reqwest::Client::new();
    let page = scanner.get(app.url(&format!("{base}/confirm"))).send().await.unwrap().text().await.unwrap();
    assert_eq!(texts(&page, "#confirm-h"), ["방문 확인"]);
    assert!(texts(&page, "#confirm button").contains(&"예, 방문합니다".to_owned()));
    let confirmed = |app: &crate::helpers::TestApp| -> Vec<Option<chrono::NaiveDateTime>> {
        appointments::table
            .filter(appointments::case_id.eq(case_id))
            .select(appointments::confirmed_at)
            .load(&mut *app.conn())
            .unwrap()
    };
    assert!(confirmed(&app).iter().all(Option::is_none), "a GET confirms nothing");

    // Eight clicks at once: one confirms, the others are told it was confirmed already.
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (url, token) = (app.url(&format!("{base}/confirm")), token.clone());
        tasks.push(tokio::spawn(async move {
            let c = browser_client();
            let page = c.get(&url).send().await.unwrap().text().await.unwrap();
            let csrf = csrf_from(&page).unwrap();
            let r = c.post(&url).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
            let to = r.headers()["location"].to_str().unwrap().to_owned();
            assert!(to.starts_with(&format!("/apply/{token}/visit?confirmed=")), "{to}");
            to
        }));
    }
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    assert_eq!(answers.iter().filter(|a| a.ends_with("confirmed=1")).count(), 1, "{answers:?}");
    let at = confirmed(&app);
    assert!(at.iter().all(|a| a.is_some() && *a == at[0]), "every leg confirmed once: {at:?}");
    let page = client.get(app.url(&format!("{base}/visit?confirmed=1"))).send().await.unwrap().text().await.unwrap();
    assert_eq!(texts(&page, "#confirm-said"), ["방문을 확인했습니다. 예약한 날 뵙겠습니다."]);
    assert_eq!(texts(&page, ".confirmed-note"), ["방문 확인됨"]);

    // The day before: the second ask is skipped, nothing more is sent.
    let r = m.send_due(&mut app.conn(), starts - Duration::days(1)).unwrap();
    assert_eq!(r.skipped, 1, "{r:?}");
    assert_eq!(asks_sent(), 1, "the confirmed visit is not asked again");
    let why: Vec<Option<String>> = email_outbox::table
        .filter(email_outbox::case_id.eq(case_id))
        .filter(email_outbox::kind.eq("confirm_ask"))
        .filter(email_outbox::status.eq("skipped"))
        .select(email_outbox::last_error)
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(why, [Some(onestop::db::outbox::skipped::CONFIRMED.to_owned())]);
}

#[tokio::test]
async fn the_board_flags_a_visit_not_confirmed_by_the_day_before() {
    let app = spawn_app_with_demo().await;
    let (center, case, _) = crate::fixtures::booked_legal_case(&app);
    // The visit tomorrow (at the center), not confirmed.
    let tomorrow = chrono::TimeZone::from_utc_datetime(&chrono_tz::Asia::Seoul, &chrono::Utc::now().naive_utc())
        .date_naive()
        + Duration::days(1);
    let at = chrono::TimeZone::from_local_datetime(&chrono_tz::Asia::Seoul, &tomorrow.and_hms_opt(10, 0, 0).unwrap())
        .unwrap()
        .naive_utc();
    app.exec(&format!(
        "UPDATE appointments SET starts_at = '{}', ends_at = '{}' WHERE case_id = {}",
        at.format("%Y-%m-%d %H:%M:%S"),
        (at + Duration::minutes(30)).format("%Y-%m-%d %H:%M:%S"),
        case.id
    ));
    app.login_as("staff").await;
    let day = format!("/staff/appointments?date={tomorrow}");
    let (_, page) = app.get_html(&day).await;
    let row = texts(&page, "tbody tr").into_iter().find(|r| r.contains(&case.reference)).unwrap();
    assert!(row.contains("방문 미확인"), "{row}");
    app.exec(&format!(
        "UPDATE appointments SET confirmed_at = '{}' WHERE case_id = {}",
        at.format("%Y-%m-%d %H:%M:%S"),
        case.id
    ));
    let (_, page) = app.get_html(&day).await;
    let row = texts(&page, "tbody tr").into_iter().find(|r| r.contains(&case.reference)).unwrap();
    assert!(row.contains("방문 확인됨") && !row.contains("미확인"), "{row}");
    // A center that asks no confirmation flags nothing.
    app.exec(&format!("UPDATE appointments SET confirmed_at = NULL WHERE case_id = {}", case.id));
    app.exec(&format!("UPDATE centers SET confirm_days = '' WHERE id = {}", center.id));
    let (_, page) = app.get_html(&day).await;
    let row = texts(&page, "tbody tr").into_iter().find(|r| r.contains(&case.reference)).unwrap();
    assert!(!row.contains("미확인"), "{row}");
}
