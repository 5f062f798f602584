//! The no-show policy (issue 20): N no-shows within M months block the applicant's new
//! bookings for K weeks after the last one; the booking page says why and until when; staff
//! see it on the case and lift it with a reason (kept in the trail); it ends on time; a
//! cancelled visit never counts, nor a one-stop visit more than once.

use chrono::Duration;
use onestop::services::action::ActionError;
use onestop::services::no_show;

use crate::fixtures::{earlier_case_of_company as earlier, gyeongnam, missed_visit as missed, submit_filled};
use crate::helpers::{TestApp, browser_client, spawn_app_with_demo, texts};

fn block(app: &TestApp, case_id: i64) -> Option<no_show::Block> {
    let center = gyeongnam(app);
    no_show::block_of(&mut app.conn(), &center, case_id, chrono::Utc::now().naive_utc()).unwrap()
}

#[tokio::test]
async fn two_no_shows_block_new_bookings_the_page_says_until_when_and_staff_lift_it() {
    let app = spawn_app_with_demo().await;
    let client = browser_client();
    let (base, case) = submit_filled(&app, &client, "gyeongnam").await;
    // A one-stop visit missed is one no-show, not two.
    let first = earlier(&app, &["legal", "ip"]);
    missed(&app, first, 40);
    assert_eq!(block(&app, case), None);
    let (_, page) = app.get_html(&format!("{base}/book")).await;
    assert!(texts(&page, "#blocked").is_empty());

    // A second one: blocked for 4 weeks after it, matched by the business number.
    let second = earlier(&app, &["legal"]);
    let last = missed(&app, second, 10);
    let b = block(&app, case).expect("blocked");
    assert_eq!((b.count, b.months, b.until), (2, 6, last + Duration::weeks(4)));
    let page = client.get(app.url(&format!("{base}/book"))).send().await.unwrap().text().await.unwrap();
    let until = chrono::TimeZone::from_utc_datetime(&chrono_tz::Asia::Seoul, &b.until).date_naive();
    let said = texts(&page, "#blocked p").join(" ");
    assert!(said.contains("최근 6개월 동안 예약하고 오지 않은 방문이 2번 있어"), "{said}");
    assert!(
        said.contains(&format!("{}년 {}월 {}일", until.format("%Y"), until.format("%-m"), until.format("%-d"))),
        "{said}"
    );
    assert!(texts(&page, "a.day-link").is_empty(), "no times offered while blocked");
    // A booking sent anyway is refused (the service, as the page's POST calls it).
    let center = gyeongnam(&app);
    let c = onestop::db::cases::find(&mut app.conn(), case).unwrap().unwrap();
    let now = chrono::Utc::now().naive_utc();
    let times = onestop::services::availability::for_case(&mut app.conn(), &center, case, now).unwrap();
    let legs: Vec<onestop::services::booking::Leg> = times.visits[0]
        .legs
        .iter()
        .map(|l| onestop::services::booking::Leg { zone_id: l.zone_id, starts_at: l.starts_at })
        .collect();
    let refused = onestop::services::booking::reserve(
        &mut app.conn(),
        &center,
        &c,
        &legs,
        &onestop::services::booking::Op::applicant(now),
    );
    assert!(matches!(refused, Err(ActionError::Blocked(u)) if u == b.until), "{refused:?}");

    // It ends on time: a day after its end it no longer holds; a cancelled visit never counts.
    app.exec(&format!(
        "UPDATE appointments SET starts_at = '{}' WHERE case_id = {second}",
        (now - Duration::weeks(4) - Duration::days(1)).format("%Y-%m-%d %H:%M:%S")
    ));
    assert_eq!(block(&app, case), None);
    missed(&app, second, 10);
    app.exec(&format!("UPDATE appointments SET status = 'cancelled' WHERE case_id = {second}"));
    assert_eq!(block(&app, case), None, "a cancelled visit is no no-show");
    missed(&app, second, 10);
    assert!(block(&app, case).is_some());

    // Staff see it on the case and lift it with a reason.
    app.login_as("staff").await;
    let (_, page) = app.get_html(&format!("/staff/cases/{case}")).await;
    assert!(
        texts(&page, "#block").join(" ").contains("예약하고 오지 않은 방문이 2번"),
        "{}",
        texts(&page, "main").join(" ")
    );
    let csrf = crate::helpers::csrf_from(&page).unwrap();
    let r = app.post_form(&format!("/staff/cases/{case}/lift-block"), &[("_csrf", &csrf), ("reason", "  ")]).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("제한을 푸는 사유를 적어 주세요."));
    let r = app
        .post_form(&format!("/staff/cases/{case}/lift-block"), &[("_csrf", &csrf), ("reason", "병원 진료 확인서 받음")])
        .await;
    assert_eq!(crate::fixtures::location(&r), format!("/staff/cases/{case}?done=lifted#block-h"));
    let (_, page) = app.get_html(&format!("/staff/cases/{case}?done=lifted")).await;
    assert!(page.contains("예약 제한을 풀었습니다."));
    assert!(texts(&page, "ul.lifts li")[0].ends_with("님이 제한을 풀었습니다 — 병원 진료 확인서 받음"));
    assert_eq!(block(&app, case), None, "the lift forgives the no-shows before it");
    let r = app.post_form(&format!("/staff/cases/{case}/lift-block"), &[("_csrf", &csrf), ("reason", "again")]).await;
    assert_eq!(r.status().as_u16(), 409, "nothing left to lift");
    let (_, audit) = app.get_html("/staff/audit").await;
    assert!(audit.contains("노쇼 예약 제한 해제"));
    let page = client.get(app.url(&format!("{base}/book"))).send().await.unwrap().text().await.unwrap();
    assert!(texts(&page, "#blocked").is_empty() && !texts(&page, "a.day-link").is_empty());
    // Another center's staff cannot lift it (the case looks like none).
    app.exec(&format!("UPDATE cases SET center_id = (SELECT id FROM centers WHERE slug = 'busan') WHERE id = {case}"));
    let r = app.post_form(&format!("/staff/cases/{case}/lift-block"), &[("_csrf", &csrf), ("reason", "x")]).await;
    assert_eq!(r.status().as_u16(), 404);
}

#[tokio::test]
async fn the_center_sets_its_policy_and_zero_turns_it_off() {
    let app = spawn_app_with_demo().await;
    let client = browser_client();
    let (_, case) = submit_filled(&app, &client, "gyeongnam").await;
    for days in [20, 10] {
        let earlier = earlier(&app, &["legal"]);
        missed(&app, earlier, days);
    }
    assert!(block(&app, case).is_some());
    app.login_as("admin").await;
    let (_, page) = app.get_html("/staff/settings").await;
    assert!(page.contains(r#"id="no_show_limit" name="no_show_limit" value="2""#));
    let csrf = crate::helpers::csrf_from(&page).unwrap();
    let policy = |n: &'static str, m: &'static str, k: &'static str| {
        let csrf = csrf.clone();
        let app = &app;
        async move {
            let fields =
                [("_csrf", csrf.as_str()), ("no_show_limit", n), ("no_show_months", m), ("no_show_block_weeks", k)];
            app.post_form("/staff/settings/no-shows", &fields).await
        }
    };
    let r = policy("x", "0", "4").await;
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    assert_eq!(
        texts(&page, "#policy-errors li"),
        [
            "오지 않은 방문 횟수는 0에서 10 사이의 정수로 적어 주세요.",
            "세는 기간은 1에서 24 사이의 정수로 적어 주세요."
        ]
    );
    assert!(page.contains(r#"id="no_show_limit" name="no_show_limit" value="x""#), "what was typed comes back");
    let fields = [
        ("_csrf", csrf.as_str()),
        ("no_show_limit", "2"),
        ("no_show_months", "6"),
        ("no_show_block_weeks", "4"),
        ("confirm_days", "3, 30"),
    ];
    let r = app.post_form("/staff/settings/no-shows", &fields).await;
    assert_eq!(r.status().as_u16(), 422);
    assert_eq!(
        texts(&r.text().await.unwrap(), "#policy-errors li"),
        ["1에서 14 사이의 날 수를 쉼표로 나눠 세 개까지 적어 주세요 (예: 3,1)."]
    );
    let r = policy("3", "6", "4").await;
    assert_eq!(crate::fixtures::location(&r), "/staff/settings?policy_saved=1#no-show-h");
    assert_eq!(block(&app, case), None, "three are needed now");
    let r = policy("0", "6", "4").await;
    assert_eq!(r.status().as_u16(), 303);
    for days in [5] {
        let earlier = earlier(&app, &["legal"]);
        missed(&app, earlier, days);
    }
    assert_eq!(block(&app, case), None, "0 turns the policy off");
    let (_, audit) = app.get_html("/staff/audit").await;
    assert!(audit.contains("노쇼 예약 제한 규칙 변경"));
}
