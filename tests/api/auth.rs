//! Staff sign-in: sessions, the same answer for unknown users and wrong passwords, throttling.

use std::time::Instant;

use onestop::db::users;
use onestop::services::auth::MAX_FAILURES_PER_ACCOUNT;

use crate::helpers::{spawn_app_with_demo, texts};

#[tokio::test]
async fn a_staff_member_signs_in_sees_the_staff_home_and_signs_out() {
    let app = spawn_app_with_demo().await;
    let r = app.login(&app.account("staff").email.clone(), &app.account("staff").password.expose().to_owned()).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], "/staff/appointments", "staff start on today's board");
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.starts_with("onestop_session=") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );

    let (status, html) = app.get_html("/staff").await;
    assert_eq!(status, 200);
    assert!(html.contains("staff@gyeongnam.example"));
    assert!(html.contains("경남창조경제혁신센터"));
    assert_eq!(app.count("sessions"), 1);

    let token = crate::helpers::csrf_from(&html).unwrap();
    let r = app.post_form("/staff/logout", &[("_csrf", &token)]).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(app.count("sessions"), 0, "sign-out deletes the session at once");
    let r = app.get("/staff").await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], "/staff/login?next=%2Fstaff");
}

#[tokio::test]
async fn an_old_session_cookie_is_worthless_after_sign_out() {
    let app = spawn_app_with_demo().await;
    let a = app.account("admin");
    let r = app.login(&a.email.clone(), &a.password.expose().to_owned()).await;
    // Keep a copy of the session cookie, as an attacker who saw it would.
    let stolen = r.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let (_, page) = app.get_html("/staff").await;
    let token = crate::helpers::csrf_from(&page).unwrap();
    app.post_form("/staff/logout", &[("_csrf", &token)]).await;

    let replay = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let r = replay.get(app.url("/staff")).header("cookie", stolen).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303, "the replayed cookie no longer signs in");
}

#[tokio::test]
async fn signing_in_renews_the_session_id() {
    let app = spawn_app_with_demo().await;
    app.login_as("staff").await;
    let first: Vec<String> = session_hashes(&app);
    app.login_as("staff").await;
    let second: Vec<String> = session_hashes(&app);
    assert_eq!(first.len(), 1);
    assert_eq!(second.len(), 1, "the old session ended at the new sign-in");
    assert_ne!(first, second);
}

fn session_hashes(app: &crate::helpers::TestApp) -> Vec<String> {
    use diesel::prelude::*;
    use onestop::db::schema::sessions;
    let mut conn = app.conn();
    sessions::table.select(sessions::id_hash).load::<String>(&mut *conn).unwrap()
}

#[tokio::test]
async fn an_unknown_user_and_a_wrong_password_get_the_same_answer() {
    let app = spawn_app_with_demo().await;
    let unknown = app.login("nobody@gyeongnam.example", "whatever-password").await;
    let wrong = app.login("staff@gyeongnam.example", "whatever-password").await;
    assert_eq!(unknown.status().as_u16(), 401);
    assert_eq!(wrong.status().as_u16(), 401);
    let a = unknown.text().await.unwrap();
    let b = wrong.text().await.unwrap();
    assert_eq!(texts(&a, "#error-summary"), texts(&b, "#error-summary"));
    assert_eq!(texts(&a, "#error-summary"), vec!["이메일 또는 비밀번호가 맞지 않습니다."]);
    // The typed email comes back; the password never does.
    assert!(a.contains("value=\"nobody@gyeongnam.example\""));
    assert!(!a.contains("whatever-password") && !b.contains("whatever-password"));
}

#[tokio::test]
async fn an_unknown_user_costs_as_long_as_a_wrong_password() {
    let app = spawn_app_with_demo().await;
    // Warm up (the dummy hash is computed once per process).
    app.login("warmup@gyeongnam.example", "x-password").await;
    let mut unknown = Vec::new();
    let mut wrong = Vec::new();
    for i in 0..4 {
        let t = Instant::now();
        app.login(&format!("nobody{i}@gyeongnam.example"), "x-password").await;
        unknown.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        app.login(if i % 2 == 0 { "legal@gyeongnam.example" } else { "ip@gyeongnam.example" }, "x-password").await;
        wrong.push(t.elapsed().as_secs_f64());
    }
    unknown.sort_by(f64::total_cmp);
    wrong.sort_by(f64::total_cmp);
    let (mu, mw) = (unknown[1], wrong[1]);
    let ratio = mu / mw;
    // Both run one argon2 verification; without the dummy hash an unknown user would answer
    // in a small fraction of the time.
    assert!((0.5..2.0).contains(&ratio), "unknown {unknown:?} vs wrong {wrong:?}");
}

#[tokio::test]
async fn repeated_failures_throttle_the_account_even_with_the_right_password() {
    let app = spawn_app_with_demo().await;
    let a = app.account("legal");
    let (email, pw) = (a.email.clone(), a.password.expose().to_owned());
    for _ in 0..MAX_FAILURES_PER_ACCOUNT {
        assert_eq!(app.login(&email, "wrong-password").await.status().as_u16(), 401);
    }
    let r = app.login(&email, &pw).await;
    assert_eq!(r.status().as_u16(), 429);
    assert!(r.headers().contains_key("retry-after"));
    assert!(r.text().await.unwrap().contains("15분 뒤에 다시 시도하세요"));
    assert_eq!(app.count("sessions"), 0);
    // Another account is not affected.
    app.login_as("finance").await;
}

#[tokio::test]
async fn an_empty_form_comes_back_with_a_message_per_field() {
    let app = spawn_app_with_demo().await;
    let token = app.csrf_token("/staff/login").await;
    let r = app
        .post_form("/staff/login", &[("_csrf", &token), ("email", "  "), ("password", ""), ("next", "/staff")])
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert_eq!(texts(&html, ".form-error"), vec!["이메일을 입력하세요.", "비밀번호를 입력하세요."]);
    assert_eq!(texts(&html, "#error-summary a").len(), 2);
    assert!(html.contains("aria-invalid=\"true\""));
    assert!(html.contains("<title>오류: 직원 로그인"));
    assert_eq!(app.count("login_failures"), 0);
}

#[tokio::test]
async fn disabling_an_account_ends_its_sessions_at_once() {
    let app = spawn_app_with_demo().await;
    app.login_as("ip").await;
    assert_eq!(app.get("/staff").await.status().as_u16(), 200);
    {
        let mut conn = app.conn();
        let user = users::by_email(&mut conn, "ip@gyeongnam.example").unwrap().unwrap();
        users::disable(&mut conn, user.id, onestop::db::now()).unwrap();
    }
    assert_eq!(app.get("/staff").await.status().as_u16(), 303);
    assert_eq!(app.count("sessions"), 0);
    // …and it cannot sign in again.
    let a = app.account("ip");
    let r = app.login(&a.email.clone(), &a.password.expose().to_owned()).await;
    assert_eq!(r.status().as_u16(), 401);
}

#[tokio::test]
async fn an_expired_session_leads_to_the_sign_in_page_with_a_notice() {
    let app = spawn_app_with_demo().await;
    app.login_as("staff").await;
    app.exec("UPDATE sessions SET expires_at = '2000-01-01 00:00:00'");
    let r = app.get("/staff").await;
    assert_eq!(r.status().as_u16(), 303);
    let (status, html) = app.get_html("/staff/login?next=%2Fstaff").await;
    assert_eq!(status, 200);
    assert!(html.contains("로그인 시간이 지났다면 다시 로그인하세요"));
}

#[tokio::test]
async fn sign_in_returns_to_the_page_asked_for_but_never_off_site() {
    let app = spawn_app_with_demo().await;
    let a = app.account("admin");
    let (email, pw) = (a.email.clone(), a.password.expose().to_owned());
    let token = app.csrf_token("/staff/login").await;
    let r = app
        .post_form(
            "/staff/login",
            &[("_csrf", &token), ("email", &email), ("password", &pw), ("next", "//evil.example")],
        )
        .await;
    assert_eq!(r.headers()["location"], "/staff/appointments", "staff start on today's board");
}

/// The staff home lists every task of the role, each with what it is for, and every one of
/// them opens for that role (no dead end, nothing another role's).
#[tokio::test]
async fn the_staff_home_lists_every_task_of_the_role_and_each_opens() {
    let app = spawn_app_with_demo().await;
    for (local, expect) in [
        (
            "staff",
            vec![
                "오늘의 현황",
                "현장 접수",
                "신청 목록",
                "상담 일정",
                "휴무 관리",
                "실적 보고",
                "처리 기록",
                "보낸 메일함",
                "로비 호출 화면",
            ],
        ),
        ("admin", vec!["오늘의 현황", "직원 관리", "센터 정보", "로비 호출 화면"]),
        ("finance", vec!["오늘의 상담", "후속 확인", "캘린더 구독", "로비 호출 화면"]),
        ("national", vec!["전국 원스톱 서비스 지원 현황"]),
    ] {
        app.login_as(local).await;
        let (status, html) = app.get_html("/staff").await;
        assert_eq!(status, 200);
        let titles = crate::helpers::texts(&html, ".task-list a");
        for want in &expect {
            assert!(titles.iter().any(|t| t == want), "{local}: {want} in {titles:?}");
        }
        if local == "staff" {
            assert!(!titles.iter().any(|t| t == "직원 관리"), "the admin's tasks are not the clerk's");
        }
        assert_eq!(crate::helpers::texts(&html, ".task-list p").len(), titles.len(), "every task says what it is for");
        let doc = scraper::Html::parse_document(&html);
        let links: Vec<String> = doc
            .select(&scraper::Selector::parse(".task-list a").unwrap())
            .map(|a| a.value().attr("href").unwrap().to_owned())
            .collect();
        for href in links {
            let (status, _) = app.get_html(&href).await;
            assert_eq!(status, 200, "{local}: {href}");
        }
        let token = crate::helpers::csrf_from(&html).unwrap();
        app.post_form("/staff/logout", &[("_csrf", &token)]).await;
    }
}
