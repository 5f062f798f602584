//! Headers on every kind of response, CSRF on every state change.

use crate::helpers::{spawn_app, spawn_app_with_demo, spawn_with};

fn assert_security_headers(r: &reqwest::Response, what: &str) {
    let h = r.headers();
    let csp = h.get("content-security-policy").unwrap_or_else(|| panic!("{what}: no CSP")).to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{what}: {csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}");
    assert_eq!(h["x-content-type-options"], "nosniff", "{what}");
    assert!(h.contains_key("referrer-policy"), "{what}");
}

#[tokio::test]
async fn pages_static_files_redirects_and_errors_all_carry_the_security_headers() {
    let app = spawn_app().await;
    for path in ["/", "/centers/seoul", "/static/css/onestop.css", "/staff", "/nope", "/staff/login", "/healthz"] {
        let r = app.get(path).await;
        assert_security_headers(&r, path);
        assert!(!r.headers().contains_key("strict-transport-security"), "no HSTS over http");
    }
    let r = app.client.post(app.url("/staff/login")).form(&[("email", "x")]).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert_security_headers(&r, "CSRF rejection");
}

#[tokio::test]
async fn over_https_cookies_are_secure_host_prefixed_and_hsts_is_sent() {
    let app = spawn_with(|s| s.base_url = "https://onestop.example".into(), false).await;
    let r = app.get("/staff/login").await;
    assert_eq!(r.headers()["strict-transport-security"], "max-age=31536000; includeSubDomains");
    let cookie = r.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("__Host-csrf="), "{cookie}");
    assert!(cookie.contains("Secure") && cookie.contains("HttpOnly") && cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Domain"), "{cookie}");
}

#[tokio::test]
async fn a_post_without_a_valid_csrf_token_is_refused_and_changes_nothing() {
    let app = spawn_app_with_demo().await;
    let staff = app.account("staff");
    let (email, pw) = (staff.email.clone(), staff.password.expose().to_owned());
    // No token at all, a forged token, and a token from another visitor's cookie.
    app.get("/staff/login").await;
    let other = crate::helpers::browser_client();
    let other_page = other.get(app.url("/staff/login")).send().await.unwrap().text().await.unwrap();
    let others_token = crate::helpers::csrf_from(&other_page).unwrap();
    for token in [None, Some("forged".to_string()), Some(others_token)] {
        let mut fields = vec![("email", email.as_str()), ("password", pw.as_str())];
        if let Some(t) = &token {
            fields.push(("_csrf", t.as_str()));
        }
        let r = app.post_form("/staff/login", &fields).await;
        assert_eq!(r.status().as_u16(), 403, "{token:?}");
        assert!(r.text().await.unwrap().contains("보안을 위해 양식이 만료되었습니다"));
    }
    assert_eq!(app.count("sessions"), 0, "nothing was written");
    assert_eq!(app.count("login_failures"), 0, "nothing was written");
}

#[tokio::test]
async fn a_post_from_another_origin_is_refused_even_with_a_token() {
    let app = spawn_app_with_demo().await;
    let token = app.csrf_token("/staff/login").await;
    let staff = app.account("staff");
    let r = app
        .client
        .post(app.url("/staff/login"))
        .header("origin", "https://evil.example")
        .form(&[("_csrf", token.as_str()), ("email", &staff.email), ("password", staff.password.expose())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(app.count("sessions"), 0);
}

#[tokio::test]
async fn a_malformed_form_body_is_a_400_page_not_a_500() {
    let app = spawn_app().await;
    let token = app.csrf_token("/staff/login").await;
    // Lossy bytes in a form decode to replacement characters: an ordinary failed sign-in.
    let r = app
        .client
        .post(app.url("/staff/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("_csrf={token}&email=%FF%FE&password=x"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    // A body that is not a form at all (token in the query, as multipart forms send it).
    let r = app
        .client
        .post(app.url(&format!("/staff/login?_csrf={token}")))
        .header("content-type", "application/json")
        .body("{\"email\": 1}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 415);
    assert!(r.text().await.unwrap().contains("요청을 이해할 수 없습니다"));
    let big = "x".repeat(300 * 1024);
    let r = app.post_form("/staff/login", &[("_csrf", &token), ("email", &big)]).await;
    assert_eq!(r.status().as_u16(), 413);
}
