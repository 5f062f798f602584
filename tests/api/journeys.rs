//! Browser journeys of the people who run the center (Chromium, real pages, what they read):
//! the clerk at the desk on a desktop without JavaScript, and the experts on a phone.

use std::path::Path;

use thirtyfour::prelude::*;

use crate::helpers::spawn_app_with_demo;
use crate::page_quality::{
    browser_sign_in, browser_with, choose, fill, path_of, press, start_chromedriver, tools_or_skip,
};

/// The desk in Chromium, without JavaScript, as the demo's staff member: signed in at today's
/// board; a late visitor marked late (no "no-show" before their slot ends), one whose slot
/// ended marked absent; a check-in announcing the ticket; the case page, a re-route with a
/// reason; a walk-in with consent announced at the top, focused; a closure.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clerk_runs_the_desk_in_a_browser_without_javascript() {
    let Some(tools) = tools_or_skip("desk journey") else { return };
    let app = spawn_app_with_demo().await;
    // A visit today that is not yet over, so that it can be checked in.
    let (_, case, _) = crate::fixtures::booked_legal_case(&app);
    {
        use diesel::prelude::*;
        use onestop::db::schema::appointments as a;
        let soon = crate::fixtures::today_at(&app, 30, 0);
        diesel::update(a::table.filter(a::case_id.eq(case.id)))
            .set((a::starts_at.eq(soon), a::ends_at.eq(soon + chrono::Duration::minutes(30))))
            .execute(&mut *app.conn())
            .unwrap();
    }
    let other = crate::fixtures::submitted_case(&app, &crate::fixtures::gyeongnam(&app), &["legal"]);
    // Two more visits of today that have started: one 20 minutes ago (late, its slot still
    // running), one an hour ago (its slot over). Just after midnight there is no "earlier today".
    let tz = onestop::services::availability::time_zone(&crate::fixtures::gyeongnam(&app));
    let now = onestop::db::now();
    let today = onestop::domain::availability::local_date(tz, now);
    let earlier_today = onestop::domain::availability::local_date(tz, now - chrono::Duration::minutes(60)) == today;
    let (_, late, _) = crate::fixtures::booked_legal_case(&app);
    let (_, gone, _) = crate::fixtures::booked_legal_case(&app);
    if earlier_today {
        use diesel::prelude::*;
        use onestop::db::schema::appointments as a;
        for (case_id, ago) in [(late.id, 20), (gone.id, 60)] {
            let at = now - chrono::Duration::minutes(ago);
            diesel::update(a::table.filter(a::case_id.eq(case_id)))
                .set((a::starts_at.eq(at), a::ends_at.eq(at + chrono::Duration::minutes(30))))
                .execute(&mut *app.conn())
                .unwrap();
        }
    } else {
        eprintln!("desk journey: late and absent visitors skipped (just after midnight at the center)");
    }
    let driver = start_chromedriver(&tools).await;
    let profile = tempfile::tempdir().unwrap();
    let d = browser_with(&tools, &driver, profile.path(), false).await;
    d.set_window_rect(0, 0, 1280, 1000).await.unwrap();
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/page-quality");
    std::fs::create_dir_all(&shots).unwrap();
    // Signing in lands on today's board (browser_sign_in checks the landing page).
    browser_sign_in(&d, &app, "staff").await;
    let main = d.find(By::Css("main")).await.unwrap().text().await.unwrap();
    assert!(main.contains(&case.reference), "{main}");
    if earlier_today {
        let row = |case: &onestop::db::cases::Case| format!("//tr[.//a[contains(., '{}')]]", case.reference);
        let late_row = d.find(By::XPath(&row(&late))).await.unwrap().text().await.unwrap();
        assert!(late_row.contains("분 늦음") && !late_row.contains("미방문 처리"), "{late_row}");
        assert!(late_row.contains("010-"), "the phone is there to call: {late_row}");
        let gone_row = d.find(By::XPath(&row(&gone))).await.unwrap();
        assert!(gone_row.text().await.unwrap().contains("미방문 처리"));
        gone_row.find(By::Css("form[action$='/no-show'] button")).await.unwrap().click().await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let gone_row = d.find(By::XPath(&row(&gone))).await.unwrap().text().await.unwrap();
        assert!(gone_row.contains("미방문") && !gone_row.contains("미방문 처리"), "{gone_row}");
    }
    // Check the visitor in: the ticket is announced at the top, with the company and zone.
    let row = format!("//tr[.//a[contains(., '{}')]]", case.reference);
    d.find(By::XPath(&row))
        .await
        .unwrap()
        .find(By::Css("form[action$='/check-in'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let announce = d.find(By::Css(".announce")).await.unwrap().text().await.unwrap();
    assert!(announce.contains("번호표 1 — ") && announce.contains("법률존"), "{announce}");
    d.screenshot(&shots.join("desk-board-checked-in.png")).await.unwrap();
    // The other case: re-route it to IP with a reason.
    d.goto(app.url(&format!("/staff/cases/{}", other.id))).await.unwrap();
    press(&d, "#rz-ip").await;
    press(&d, "#rz-legal").await;
    fill(&d, "reroute-reason", "특허 상담이 먼저입니다").await;
    press(&d, "form[action$='/reroute'] button").await;
    let main = d.find(By::Css("main")).await.unwrap().text().await.unwrap();
    assert!(main.contains("특허 상담이 먼저입니다") && main.contains("IP존"), "{main}");
    d.screenshot(&shots.join("desk-case-rerouted.png")).await.unwrap();
    // A walk-in.
    press(&d, "a[href='/staff/walk-in']").await;
    choose(&d, "zone", "finance").await;
    fill(&d, "company", "주식회사 한걸음").await;
    press(&d, "label[for='consent']").await;
    fill(&d, "contact_name", "한걸음").await;
    press(&d, "form[action='/staff/walk-in'] button").await;
    assert!(path_of(&d).await.starts_with("/staff/cases/"), "{}", path_of(&d).await);
    let announce = d.find(By::Id("announce")).await.unwrap();
    assert_eq!(
        announce.find(By::Css(".announce-ticket")).await.unwrap().text().await.unwrap(),
        "번호표 2 — 주식회사 한걸음, 금융존"
    );
    let focused = d.active_element().await.unwrap().attr("id").await.unwrap();
    assert_eq!(focused.as_deref(), Some("announce"), "focus on what just happened");
    d.screenshot(&shots.join("desk-walk-in-announced.png")).await.unwrap();
    // A holiday closure.
    press(&d, "a[href='/staff/closures']").await;
    fill(&d, "starts_on", "2030-06-03").await;
    fill(&d, "reason", "임시공휴일").await;
    press(&d, "form[action='/staff/closures'] button").await;
    let main = d.find(By::Css("main")).await.unwrap().text().await.unwrap();
    assert!(main.contains("휴무를 추가했습니다") && main.contains("임시공휴일"), "{main}");
    d.screenshot(&shots.join("desk-closure-added.png")).await.unwrap();
    d.quit().await.unwrap();
}

/// A one-stop visitor (finance, then IP) checked in today; returns the case id.
async fn one_stop_visitor_checked_in(app: &crate::helpers::TestApp) -> i64 {
    use diesel::prelude::*;
    use onestop::db::schema::appointments as t;
    let client = crate::helpers::browser_client();
    let (_, case_id) = crate::fixtures::submit_filled(app, &client, "gyeongnam").await;
    let center = crate::fixtures::gyeongnam(app);
    let now = onestop::db::now();
    let case = onestop::db::cases::find(&mut app.conn(), case_id).unwrap().unwrap();
    let times = onestop::services::availability::for_case(&mut app.conn(), &center, case.id, now).unwrap();
    let legs: Vec<onestop::services::booking::Leg> = times.visits[0]
        .legs
        .iter()
        .map(|l| onestop::services::booking::Leg { zone_id: l.zone_id, starts_at: l.starts_at })
        .collect();
    let op = onestop::services::booking::Op::applicant(now);
    onestop::services::booking::reserve(&mut app.conn(), &center, &case, &legs, &op).unwrap();
    // Today, finance first and IP forty minutes later.
    let zones = onestop::db::centers::zones_of(&mut app.conn(), center.id).unwrap();
    let zone_of = |kind: &str| zones.iter().find(|(_, k)| k.code == kind).unwrap().0.id;
    let first = crate::fixtures::today_at(app, 5, 40);
    for (kind, at) in [("finance", first), ("ip", first + chrono::Duration::minutes(40))] {
        diesel::update(t::table.filter(t::case_id.eq(case_id)).filter(t::zone_id.eq(zone_of(kind))))
            .set((t::starts_at.eq(at), t::ends_at.eq(at + chrono::Duration::minutes(30))))
            .execute(&mut *app.conn())
            .unwrap();
    }
    let staff_id = onestop::db::users::by_email(&mut app.conn(), &app.account("staff").email).unwrap().unwrap().id;
    let staff = onestop::services::desk::Staff { user_id: staff_id, center_id: center.id };
    let appts = onestop::db::appointments::live_of_case(&mut app.conn(), case_id).unwrap();
    let v = onestop::db::cases::find(&mut app.conn(), case_id).unwrap().unwrap().version;
    onestop::services::desk::check_in(&mut app.conn(), staff, appts[0].id, v, now).unwrap();
    case_id
}

/// A day with a one-stop visitor checked in, the browser's tools and driver, and where the
/// screenshots go; `None` (the journey skipped) without the tools.
async fn one_stop_day(
    name: &str,
) -> Option<(crate::page_quality::Tools, crate::helpers::TestApp, i64, crate::page_quality::Driver, std::path::PathBuf)>
{
    let tools = tools_or_skip(name)?;
    let app = spawn_app_with_demo().await;
    let case_id = one_stop_visitor_checked_in(&app).await;
    let driver = start_chromedriver(&tools).await;
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/page-quality");
    std::fs::create_dir_all(&shots).unwrap();
    Some((tools, app, case_id, driver, shots))
}

/// The finance expert on a phone (375 px, Korean, no JavaScript): signed in at the queue, "call
/// next", the pre-brief with the amount and purpose in words, the outcome recorded, "recorded";
/// the lobby shows the called ticket; the IP expert then reads the finance leg of the same visit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_finance_and_ip_experts_work_a_one_stop_visit_on_a_phone() {
    let Some((tools, app, case_id, driver, shots)) = one_stop_day("expert journey").await else { return };
    let profile = tempfile::tempdir().unwrap();
    let d = browser_with(&tools, &driver, profile.path(), false).await;
    d.set_window_rect(0, 0, 375, 812).await.unwrap();
    browser_sign_in(&d, &app, "finance").await;
    assert_eq!(path_of(&d).await, "/expert", "an expert starts at the queue");
    let hint = d.find(By::Css(".call-next .form-hint")).await.unwrap().text().await.unwrap();
    assert_eq!(hint, "지금 기다리는 분: 1명");
    d.screenshot(&shots.join("expert-phone-queue.png")).await.unwrap();
    press(&d, ".call-next button").await;
    assert_eq!(path_of(&d).await, format!("/expert/cases/{case_id}"));
    let focused = d.active_element().await.unwrap().attr("id").await.unwrap();
    assert_eq!(focused.as_deref(), Some("just"), "what just happened takes focus");
    let main = d.find(By::Css("main")).await.unwrap().text().await.unwrap();
    for want in
        ["상담을 시작했습니다", "300,000,000원", "양산 설비", "J. 정보통신업", "금융존: 보증 요청 → 기술보증기금 추천"]
    {
        assert!(main.contains(want), "{want:?} on the pre-brief:\n{main}");
    }
    // The lobby shows the ticket being served, and no name.
    let lobby = crate::helpers::browser_client()
        .get(app.url("/centers/gyeongnam/lobby"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(lobby.contains("lobby-ticket\">1<") && !lobby.contains("김담당"), "{lobby}");
    d.screenshot(&shots.join("expert-phone-prebrief.png")).await.unwrap();
    choose(&d, "institution", "KIBO").await;
    choose(&d, "product", "guarantee").await;
    fill(&d, "executed_won", "300,000,000").await;
    fill(&d, "summary", "기술보증 3억원 신청 서류를 안내했습니다").await;
    press(&d, "form[action$='/complete'] button[type=submit]").await;
    let said = d.find(By::Css("#just")).await.unwrap().text().await.unwrap();
    assert_eq!(said, "상담 결과를 기록했습니다.");
    let recorded = d.find(By::Css("section[aria-labelledby=recorded-h]")).await.unwrap().text().await.unwrap();
    assert!(recorded.contains("300,000,000원") && recorded.contains("기술보증기금"), "{recorded}");
    d.screenshot(&shots.join("expert-phone-recorded.png")).await.unwrap();
    d.quit().await.unwrap();

    // The IP expert, minutes later: the finance leg of the same visit, with its summary.
    let profile = tempfile::tempdir().unwrap();
    let d = browser_with(&tools, &driver, profile.path(), false).await;
    d.set_window_rect(0, 0, 375, 812).await.unwrap();
    browser_sign_in(&d, &app, "ip").await;
    press(&d, ".call-next button").await;
    assert_eq!(path_of(&d).await, format!("/expert/cases/{case_id}"));
    let others = d.find(By::Css(".other-legs")).await.unwrap().text().await.unwrap();
    assert!(others.contains("금융존") && others.contains("기술보증 3억원 신청 서류를 안내했습니다"), "{others}");
    d.screenshot(&shots.join("expert-phone-ip-prebrief.png")).await.unwrap();
    d.quit().await.unwrap();
}

/// The lobby board on a TV (1920×1080, JavaScript on): the sound switched on, a call made by
/// the finance expert appears within seconds, flashes its zone and is spoken in Korean, then
/// English; when the server stops answering the board says it is offline and keeps the last
/// calls, and when it answers again the notice goes. Speech is recorded by a stand-in for the
/// browser's voice (headless Chromium has none to hear); the fetch failing is what a stopped
/// server looks like to the page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lobby_board_announces_a_call_and_says_when_it_is_offline() {
    let Some((tools, app, case_id, driver, shots)) = one_stop_day("lobby journey").await else { return };
    let profile = tempfile::tempdir().unwrap();
    let d = browser_with(&tools, &driver, profile.path(), true).await;
    d.set_window_rect(0, 0, 1920, 1080).await.unwrap();
    d.goto(app.url("/centers/gyeongnam/lobby")).await.unwrap();
    let js = |s: &'static str| {
        let d = d.clone();
        async move { d.execute(s, Vec::<serde_json::Value>::new()).await.unwrap().json().clone() }
    };
    js(r#"window.__said = [];
        Object.defineProperty(window, "speechSynthesis", { configurable: true,
          value: { speak: function (u) { window.__said.push(u.lang + "|" + u.text); } } });
        if (!window.SpeechSynthesisUtterance) { window.SpeechSynthesisUtterance = function (t) { this.text = t; }; }
        return true;"#)
    .await;
    let sound = d.find(By::Id("lobby-sound")).await.unwrap();
    if sound.is_displayed().await.unwrap() {
        sound.click().await.unwrap();
    }
    let finance = "document.querySelector('[data-zone=finance] .lobby-ticket').textContent.trim()";
    assert_eq!(d.execute(&format!("return {finance};"), vec![]).await.unwrap().json(), "– 없음", "nobody called yet");
    // The finance expert calls the visitor in.
    let center = crate::fixtures::gyeongnam(&app);
    let u = onestop::db::users::by_email(&mut app.conn(), &app.account("finance").email).unwrap().unwrap();
    let expert =
        onestop::services::consult::Expert { user_id: u.id, center_id: center.id, zone_id: u.zone_id.unwrap() };
    let now = onestop::db::now();
    let day = onestop::services::availability::day_range(
        &center,
        onestop::domain::availability::local_date(onestop::services::availability::time_zone(&center), now),
    );
    onestop::services::consult::call_next(&mut app.conn(), expert, day, now).unwrap().unwrap();
    let ticket = onestop::db::appointments::live_of_case(&mut app.conn(), case_id).unwrap()[0].ticket_number.unwrap();
    let mut seen = serde_json::Value::Null;
    for _ in 0..40 {
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        seen = d
            .execute(
                &format!("return [{finance}, document.querySelector('[data-zone=finance]').classList.contains('is-new'), window.__said];"),
                vec![],
            )
            .await
            .unwrap()
            .json()
            .clone();
        if seen[2].as_array().is_some_and(|a| a.len() >= 2) {
            break;
        }
    }
    assert_eq!(seen[0], ticket.to_string(), "the call is on the board: {seen}");
    assert_eq!(seen[1], true, "the zone flashes: {seen}");
    assert_eq!(
        seen[2],
        serde_json::json!([
            format!("ko-KR|{ticket}번 고객님, 금융존으로 오세요."),
            format!("en-US|Number {ticket}, please come to the Finance zone.")
        ]),
        "spoken in Korean, then English"
    );
    d.screenshot(&shots.join("lobby-tv-called.png")).await.unwrap();
    // The server stops answering: the board says so and keeps what it showed.
    js("window.__fetch = window.fetch; window.fetch = function () { return Promise.reject(new Error('down')); }; return true;").await;
    let offline = "return !document.getElementById('lobby-offline').hidden;";
    let mut shown = false;
    for _ in 0..40 {
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        shown = d.execute(offline, vec![]).await.unwrap().json() == &serde_json::Value::Bool(true);
        if shown {
            break;
        }
    }
    assert!(shown, "the offline notice shows");
    let notice = d.find(By::Id("lobby-offline")).await.unwrap().text().await.unwrap();
    assert!(notice.contains("연결이 끊겼습니다") && notice.contains("reconnecting"), "{notice}");
    assert_eq!(d.execute(&format!("return {finance};"), vec![]).await.unwrap().json(), ticket.to_string().as_str());
    d.screenshot(&shots.join("lobby-tv-offline.png")).await.unwrap();
    // Back: the next try succeeds and the notice goes (retries come at most 8 s apart here).
    js("window.fetch = window.__fetch; return true;").await;
    let mut back = false;
    for _ in 0..60 {
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        back = d.execute(offline, vec![]).await.unwrap().json() == &serde_json::Value::Bool(false);
        if back {
            break;
        }
    }
    assert!(back, "the notice goes when the server answers again");
    d.quit().await.unwrap();
}
