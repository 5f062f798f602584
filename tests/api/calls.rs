//! The zone's line: "call next" (the earliest waiting visitor; two experts at once get two),
//! calling a visitor again, and "did not come" (back in line once, then not attended), as the
//! expert's pages and the lobby board show them.

use onestop::db::{self, appointments, cases};
use onestop::services::availability;
use onestop::services::booking::{self, Leg};
use onestop::services::consult;
use onestop::services::desk::{self, Staff};

use super::expert::{checked_in, expert, second_finance_expert, user_id};
use crate::fixtures::{gyeongnam, submitted_case};
use crate::helpers::{TestApp, browser_client, csrf_from, race, spawn_app_with_demo};

/// `n` finance visitors checked in today, booked half an hour apart, the latest booked first
/// (the queue's order is the time, not the booking): (time, appointment) in booking order.
fn waiting_for_finance(app: &TestApp, n: i64) -> Vec<(chrono::NaiveDateTime, i64)> {
    use diesel::prelude::*;
    use onestop::db::schema::appointments as t;
    let center = gyeongnam(app);
    let now = db::now();
    let base = crate::fixtures::today_at(app, 10, 120);
    let staff = Staff { user_id: user_id(app, &app.account("staff").email.clone()), center_id: center.id };
    let mut waiting = Vec::new();
    for i in 0..n {
        let case = submitted_case(app, &center, &["finance"]);
        let times = availability::for_case(&mut app.conn(), &center, case.id, now).unwrap();
        let s = times.zones[0].days.values().next().unwrap()[0].clone();
        let legs = [Leg { zone_id: s.zone_id, starts_at: s.starts_at }];
        booking::reserve(&mut app.conn(), &center, &case, &legs, &booking::Op::applicant(now)).unwrap();
        let a = appointments::live_of_case(&mut app.conn(), case.id).unwrap().remove(0);
        let at = base + chrono::Duration::minutes(30 * (n - 1 - i));
        diesel::update(t::table.find(a.id))
            .set((t::starts_at.eq(at), t::ends_at.eq(at + chrono::Duration::minutes(30))))
            .execute(&mut *app.conn())
            .unwrap();
        let v = cases::find(&mut app.conn(), case.id).unwrap().unwrap().version;
        desk::check_in(&mut app.conn(), staff, a.id, v, now).unwrap();
        waiting.push((at, a.id));
    }
    waiting
}

/// "Call next": alone, the earliest waiting visitor; then two finance experts pressing it at
/// once, three times each, with three visitors left: three different visitors are called, each
/// once, and the other three presses are told nobody waits. On both databases.
#[tokio::test]
async fn two_experts_calling_next_at_once_get_different_visitors() {
    let app = spawn_app_with_demo().await;
    let center = gyeongnam(&app);
    let now = db::now();
    let mut waiting = waiting_for_finance(&app, 4);
    let (first, second) = (expert(&app, "finance"), second_finance_expert(&app));
    let day = onestop::services::availability::day_range(
        &center,
        onestop::domain::availability::local_date(availability::time_zone(&center), now),
    );
    // Alone, the earliest time is called first (it was booked last).
    waiting.sort();
    let (alone, _) = consult::call_next(&mut app.conn(), first, day, now).unwrap().unwrap();
    assert_eq!(alone, waiting[0].1, "the earliest waiting visitor");
    let results =
        race(&app, 6, move |i, conn| consult::call_next(conn, if i % 2 == 0 { first } else { second }, day, now));
    let mut called: Vec<i64> = results.iter().filter_map(|r| r.as_ref().unwrap().map(|(appt, _)| appt)).collect();
    eprintln!("6 concurrent 'call next' ({:?}): {called:?}", app.db.url);
    let mut distinct = called.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!((called.len(), distinct.len()), (3, 3), "{results:?}");
    assert_eq!(results.iter().filter(|r| matches!(r, Ok(None))).count(), 3);
    called.push(alone);
    assert_eq!(app.count("consultations"), 4);
    assert!(waiting.iter().all(|(_, a)| called.contains(a)), "everyone waiting was called");
}

/// Alone, "call next" takes the earliest waiting visitor and opens their pre-brief; with nobody
/// waiting, the queue says so.
#[tokio::test]
async fn call_next_takes_the_earliest_waiting_visitor_and_says_when_nobody_waits() {
    let app = spawn_app_with_demo().await;
    let (case, _) = checked_in(&app, &["finance"]);
    app.login_as("finance").await;
    let (_, html) = app.get_html("/expert").await;
    assert!(crate::helpers::texts(&html, ".call-next .form-hint")[0].contains("1명"), "{html}");
    let csrf = csrf_from(&html).unwrap();
    let r = app.post_form("/expert/call-next", &[("_csrf", &csrf)]).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], format!("/expert/cases/{}?started=1", case.id));
    assert_eq!(cases::find(&mut app.conn(), case.id).unwrap().unwrap().status, "in_consultation");
    let r = app.post_form("/expert/call-next", &[("_csrf", &csrf)]).await;
    assert_eq!(r.status().as_u16(), 200);
    let html = r.text().await.unwrap();
    assert_eq!(crate::helpers::texts(&html, "#queue-message"), ["지금 이 상담존에서 기다리는 분이 없습니다."]);
}

/// The lobby's call of a zone as the board's script sees it: (call id, ticket shown).
async fn lobby_call(app: &TestApp) -> (String, Vec<String>) {
    let html = browser_client().get(app.url("/centers/gyeongnam/lobby")).send().await.unwrap().text().await.unwrap();
    let doc = scraper::Html::parse_document(&html);
    let zone = doc.select(&scraper::Selector::parse("[data-zone=finance]").unwrap()).next().unwrap();
    let ticket: Vec<String> = zone
        .select(&scraper::Selector::parse(".lobby-ticket").unwrap())
        .map(|e| e.text().collect::<String>().trim().to_owned())
        .collect();
    (zone.value().attr("data-call").unwrap_or_default().to_owned(), ticket)
}

/// Presses "did not come" on the pre-brief of `case_id` at `version`.
async fn not_here(app: &TestApp, csrf: &str, consultation: i64, version: &str, case_id: i64) -> reqwest::Response {
    let path = format!("/expert/consultations/{consultation}/not-here");
    app.post_form(&path, &[("_csrf", csrf), ("version", version), ("case_id", &case_id.to_string())]).await
}

/// Called in, a visitor who does not come: "call again" announces the ticket once more on the
/// lobby board; "did not come" puts them back at the end of the line once (the consultation
/// opened for them removed), and the second time marks the visit not attended.
#[tokio::test]
async fn a_visitor_who_does_not_come_is_called_again_then_back_in_line_once_then_absent() {
    let app = spawn_app_with_demo().await;
    let mut waiting = waiting_for_finance(&app, 2);
    waiting.sort();
    let (first, second) = (waiting[0].1, waiting[1].1);
    let appt = |id: i64| appointments::appointment(&mut app.conn(), id).unwrap().unwrap();
    let case_of = |id: i64| cases::find(&mut app.conn(), appt(id).case_id).unwrap().unwrap();
    app.login_as("finance").await;
    let (_, html) = app.get_html("/expert").await;
    let csrf = csrf_from(&html).unwrap();
    let r = app.post_form("/expert/call-next", &[("_csrf", &csrf)]).await;
    let case = case_of(first);
    assert_eq!(r.headers()["location"], format!("/expert/cases/{}?started=1", case.id));
    let ticket = appt(first).ticket_number.unwrap().to_string();
    let (call, shown) = lobby_call(&app).await;
    assert_eq!(shown, [ticket.clone()], "the lobby shows the ticket called");
    assert!(!call.is_empty());

    // The pre-brief says when the ticket was called and offers both actions.
    let (_, html) = app.get_html(&format!("/expert/cases/{}", case.id)).await;
    let box_text = crate::helpers::texts(&html, ".call-box").join(" ");
    assert!(box_text.contains(&format!("번호표 {ticket}")) && box_text.contains("에 부름"), "{box_text}");
    assert!(box_text.contains("다시 부르기") && box_text.contains("오지 않음 — 다시 줄 세우기"), "{box_text}");
    let consultation = consult::of_case(&mut app.conn(), case.id).unwrap()[0].id;

    // Call again: the same ticket, announced anew (its call changes), nothing else changes.
    let r = app
        .post_form(
            &format!("/expert/consultations/{consultation}/recall"),
            &[("_csrf", &csrf), ("case_id", &case.id.to_string())],
        )
        .await;
    assert_eq!(r.headers()["location"], format!("/expert/cases/{}?recalled=1", case.id));
    let (again, shown) = lobby_call(&app).await;
    assert_eq!(shown, [ticket.clone()]);
    assert_ne!(again, call, "a recall is a new announcement");
    assert_eq!(appt(first).call_count, 1, "a recall is not a new call");
    let (_, html) = app.get_html(&format!("/expert/cases/{}?recalled=1", case.id)).await;
    assert!(crate::helpers::texts(&html, "#just")[0].contains("다시 불렀습니다"), "{html}");

    // Did not come: back in line, behind the visitor waiting now; the consultation is gone.
    let v = case_of(first).version.to_string();
    let r = not_here(&app, &csrf, consultation, &v, case.id).await;
    assert_eq!(r.headers()["location"], "/expert?said=back_in_line");
    let (_, html) = app.get_html("/expert?said=back_in_line").await;
    assert!(crate::helpers::texts(&html, "#queue-message")[0].contains("줄 맨 뒤로"), "{html}");
    assert!(crate::helpers::texts(&html, ".queue-state").iter().any(|s| s.contains("다시 줄 섬")), "{html}");
    assert_eq!(case_of(first).status, "waiting");
    assert_eq!(app.count("consultations"), 0, "no consultation took place");
    let (_, shown) = lobby_call(&app).await;
    assert_eq!(shown, ["– 없음"], "nobody is called now");

    // The next call takes the other visitor, then the one put back.
    let r = app.post_form("/expert/call-next", &[("_csrf", &csrf)]).await;
    assert_eq!(r.headers()["location"], format!("/expert/cases/{}?started=1", appt(second).case_id));
    let r = app.post_form("/expert/call-next", &[("_csrf", &csrf)]).await;
    assert_eq!(r.headers()["location"], format!("/expert/cases/{}?started=1", case.id));
    assert_eq!(appt(first).call_count, 2);
    let (_, html) = app.get_html(&format!("/expert/cases/{}", case.id)).await;
    let box_text = crate::helpers::texts(&html, ".call-box").join(" ");
    assert!(box_text.contains("오지 않음 — 미방문 처리") && box_text.contains("이미 한 번"), "{box_text}");

    // Did not come again: not attended.
    let consultation = consult::of_case(&mut app.conn(), case.id).unwrap()[0].id;
    let v = case_of(first).version.to_string();
    let r = not_here(&app, &csrf, consultation, &v, case.id).await;
    assert_eq!(r.headers()["location"], "/expert?said=no_show");
    assert_eq!(case_of(first).status, "no_show");
    assert_eq!(appt(first).status, onestop::domain::AppointmentStatus::NoShow);
    assert_eq!(app.count("consultations"), 1, "the other visitor's consultation stays");
    // A stale page's second press (a double click) says the case changed, on its page.
    let r = not_here(&app, &csrf, consultation, &v, case.id).await;
    assert_eq!(r.status().as_u16(), 409);
    let html = r.text().await.unwrap();
    assert!(crate::helpers::texts(&html, "#error-summary")[0].contains("바꿨습니다"), "{html}");
}
