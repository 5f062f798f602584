use crate::helpers::spawn_app;

#[tokio::test]
async fn healthz_answers_ok() {
    let app = spawn_app().await;
    let (status, body) = app.get_html("/healthz").await;
    assert_eq!(status, 200);
    assert_eq!(body, "ok");
}

#[tokio::test]
async fn head_requests_are_answered_like_get_without_a_body() {
    let app = spawn_app().await;
    for path in ["/", "/healthz", "/centers/seoul", "/static/css/onestop.css"] {
        let r = app.client.head(app.url(path)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200, "{path}");
        assert!(r.text().await.unwrap().is_empty(), "{path}");
    }
}

#[tokio::test]
async fn readyz_is_ready_once_migrations_are_applied() {
    let app = spawn_app().await;
    let (status, body) = app.get_html("/readyz").await;
    assert_eq!(status, 200);
    assert_eq!(body, "ready");
}

#[tokio::test]
async fn readyz_reports_a_missing_migration() {
    let app = spawn_app().await;
    // Forget the last migration: the app must no longer call itself ready.
    app.exec("DELETE FROM __diesel_schema_migrations WHERE version = '20261128000002'");
    let (status, body) = app.get_html("/readyz").await;
    assert_eq!(status, 503);
    assert!(body.contains("pending"), "{body}");
}
