//! The public pages: landing, center home, language switch, 404/500.

use crate::helpers::{spawn_app, spawn_app_with_demo, texts};

const SLUGS: [&str; 17] = [
    "seoul",
    "busan",
    "daegu",
    "incheon",
    "gwangju",
    "daejeon",
    "ulsan",
    "sejong",
    "gyeonggi",
    "gangwon",
    "chungbuk",
    "chungnam",
    "jeonbuk",
    "jeonnam",
    "gyeongbuk",
    "gyeongnam",
    "jeju",
];

#[tokio::test]
async fn the_landing_page_lists_all_17_centers_in_korean() {
    let app = spawn_app().await;
    let (status, html) = app.get_html("/").await;
    assert_eq!(status, 200);
    let names = texts(&html, ".center-list .center-name");
    assert_eq!(names.len(), 17);
    assert!(names.contains(&"경남창조경제혁신센터".to_string()));
    for slug in SLUGS {
        assert!(html.contains(&format!("href=\"/centers/{slug}\"")), "{slug}");
    }
    assert!(html.contains("<html lang=\"ko\">"));
}

#[tokio::test]
async fn the_language_switch_shows_english_and_returns_to_the_page() {
    let app = spawn_app().await;
    let r = app.get("/lang/en?next=%2Fcenters%2Fjeju").await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], "/centers/jeju");
    let (_, html) = app.get_html("/").await;
    assert!(html.contains("<html lang=\"en\">"));
    assert!(
        texts(&html, ".center-list .center-name")
            .contains(&"Jeju Center for Creative Economy & Innovation".to_string())
    );
    // …and back.
    app.get("/lang/ko?next=/").await;
    let (_, html) = app.get_html("/").await;
    assert!(html.contains("<html lang=\"ko\">"));
}

#[tokio::test]
async fn the_language_switch_never_redirects_off_site() {
    let app = spawn_app().await;
    for next in ["//evil.example/", "https://evil.example/", "/\\evil.example"] {
        let r = app.client.get(app.url("/lang/en")).query(&[("next", next)]).send().await.unwrap();
        assert_eq!(r.headers()["location"], "/", "{next}");
    }
    assert_eq!(app.get("/lang/xx").await.status().as_u16(), 404);
}

#[tokio::test]
async fn a_center_page_shows_its_zones_hours_and_the_finance_rotation() {
    let app = spawn_app_with_demo().await;
    let (status, html) = app.get_html("/centers/gyeongnam").await;
    assert_eq!(status, 200);
    assert_eq!(texts(&html, "h1"), vec!["경남창조경제혁신센터"]);
    assert_eq!(texts(&html, "section.zone h2"), vec!["법률존", "금융존", "IP존"]);
    let finance_rows = texts(&html, "#zone-finance tbody tr");
    assert_eq!(finance_rows.len(), 5, "{finance_rows:?}");
    assert!(finance_rows[0].contains("월요일") && finance_rows[0].contains("신용보증기금"), "{finance_rows:?}");
    assert!(finance_rows[1].contains("기술보증기금"));
    assert!(finance_rows[2].contains("한국산업은행"));
    assert!(finance_rows[3].contains("IBK기업은행"));
    assert!(finance_rows[4].contains("금요일") && finance_rows[4].contains("신용보증기금"));
    let ip_rows = texts(&html, "#zone-ip tbody tr");
    assert_eq!(ip_rows.len(), 2);
    assert!(ip_rows[0].contains("화요일") && ip_rows[1].contains("목요일"));
    assert!(texts(&html, "#zone-legal tbody tr")[0].contains("10:00–12:00, 13:00–17:00"));
}

#[tokio::test]
async fn every_center_has_its_three_zones_in_the_demo() {
    let app = spawn_app_with_demo().await;
    for slug in SLUGS {
        let (status, html) = app.get_html(&format!("/centers/{slug}")).await;
        assert_eq!(status, 200, "{slug}");
        assert_eq!(texts(&html, "section.zone").len(), 3, "{slug}");
    }
}

#[tokio::test]
async fn an_unknown_center_is_a_translated_404_page() {
    let app = spawn_app().await;
    for path in ["/centers/atlantis", "/centers/..%2Fetc", "/centers/SEOUL", "/no/such/page", "/centers/%ED%95%9C"] {
        let (status, html) = app.get_html(path).await;
        assert_eq!(status, 404, "{path}");
        assert!(html.contains("페이지를 찾을 수 없습니다"), "{path}");
    }
    app.get("/lang/en").await;
    let (status, html) = app.get_html("/centers/atlantis").await;
    assert_eq!(status, 404);
    assert!(html.contains("Page not found"));
}

#[tokio::test]
async fn malformed_urls_get_a_clear_page_never_a_500() {
    let app = spawn_app().await;
    for (path, expected) in [
        ("/centers/%ZZ", 404),
        ("/centers/%FF%FE", 404),
        ("/%00", 404),
        ("/static/%2e%2e/Cargo.toml", 404),
        ("/centers/seoul?x=%", 200),
        ("/staff/login?next=%FF%FE", 200),
    ] {
        let (status, html) = app.get_html(path).await;
        assert_eq!(status, expected, "{path}");
        assert!(html.contains("<html lang=\"ko\">"), "{path} is a page");
    }
    let r = app.get("/lang/en?next=%FF").await;
    assert_eq!(r.status().as_u16(), 303);
}

#[tokio::test]
async fn a_wrong_method_is_a_405_page_not_a_blank_answer() {
    let app = spawn_app().await;
    let token = app.csrf_token("/staff/login").await;
    let r = app.post_form("/centers/seoul", &[("_csrf", &token)]).await;
    assert_eq!(r.status().as_u16(), 405, "POST to a GET-only page");
    assert!(r.text().await.unwrap().contains("그런 요청을 처리하지 않습니다"));
    let r = app.client.delete(app.url("/staff/login")).send().await.unwrap();
    // A method the site does not use: 405, before any CSRF check (issue 14).
    assert_eq!(r.status().as_u16(), 405);
    assert!(r.text().await.unwrap().contains("그런 요청을 처리하지 않습니다"));
}

#[tokio::test]
async fn a_server_error_shows_a_request_id_and_no_internals() {
    let app = spawn_app().await;
    app.exec("ALTER TABLE centers RENAME TO centers_gone");
    let r = app.get("/").await;
    assert_eq!(r.status().as_u16(), 500);
    let html = r.text().await.unwrap();
    assert!(html.contains("일시적인 문제가 생겼습니다"));
    let ids = texts(&html, "code.request-id");
    assert_eq!(ids.len(), 1);
    assert_eq!(ids[0].len(), 36, "a UUID: {ids:?}");
    for leak in ["centers", "no such table", "relation", "diesel", "SELECT", "panicked"] {
        assert!(!html.contains(leak), "the page leaks {leak:?}");
    }
}

#[tokio::test]
async fn static_files_are_served_with_a_type_and_revalidated_by_etag() {
    let app = spawn_app().await;
    let r = app.get("/static/css/onestop.css").await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["content-type"], "text/css; charset=utf-8");
    let etag = r.headers()["etag"].to_str().unwrap().to_owned();
    let again = app.client.get(app.url("/static/css/onestop.css")).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(again.status().as_u16(), 304);
    let font = app.get("/static/vendor/krds-uiux-1.1.0/fonts/PretendardGOV-Regular.subset.woff2").await;
    assert_eq!(font.headers()["content-type"], "font/woff2");
    assert_eq!(app.get("/static/../Cargo.toml").await.status().as_u16(), 404);
    assert_eq!(app.get("/static/vendor/krds-uiux-1.1.0/README.md").await.status().as_u16(), 404);
}
