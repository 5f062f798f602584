//! The pre-questionnaire, black-box: the whole journey, bad input on every step, drafts,
//! idempotent start and submit, mails queued, fuzzed bodies.

use std::sync::Arc;

use onestop::db::{cases, outbox};
use scraper::{Html, Selector};

use crate::fixtures::{COMPANY, CONTACT, fill_all, hidden, location, post_step, start_draft};
use crate::helpers::{TestApp, browser_client, csrf_from, spawn_app, texts};

async fn submit(app: &TestApp, client: &reqwest::Client, base: &str) -> reqwest::Response {
    let page = client.get(app.url(&format!("{base}/review"))).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_from(&page).unwrap();
    client.post(app.url(&format!("{base}/submit"))).form(&[("_csrf", csrf.as_str())]).send().await.unwrap()
}

fn case_of(app: &TestApp, base: &str) -> cases::Case {
    let token = base.trim_start_matches("/apply/");
    let mut conn = app.conn();
    let id = onestop::db::schema::cases::table
        .filter(onestop::db::schema::cases::applicant_token_hash.eq(onestop::token::hash_token(token)))
        .select(onestop::db::schema::cases::id)
        .first::<i64>(&mut *conn)
        .unwrap();
    cases::find(&mut conn, id).unwrap().unwrap()
}

use diesel::prelude::*;

#[tokio::test]
async fn a_founder_goes_from_the_center_page_to_a_submitted_case_with_its_routing_explained() {
    let app = spawn_app().await;
    let (_, center) = app.get_html("/centers/gyeongnam").await;
    assert!(center.contains("href=\"/centers/gyeongnam/apply\""), "the center page starts the questionnaire");
    let client = browser_client();
    let base = fill_all(&app, &client, "gyeongnam").await;

    let (_, review) = (0, client.get(app.url(&format!("{base}/review"))).send().await.unwrap().text().await.unwrap());
    assert!(review.contains("120-81-47521"), "the BRN is shown as 000-00-00000");
    assert!(review.contains("010-1234-5678"), "the phone is normalised");
    assert!(review.contains("300,000,000원"));
    assert_eq!(texts(&review, ".review-head a").len(), 6, "a change link per step");

    let r = submit(&app, &client, &base).await;
    assert_eq!(location(&r), format!("{base}/done"));
    let done = client.get(app.url(&format!("{base}/done"))).send().await.unwrap().text().await.unwrap();
    let year = chrono::Utc::now().format("%Y").to_string();
    assert_eq!(texts(&done, ".reference"), vec![format!("GN-{year}-00001")]);
    let routing = texts(&done, ".routing-list li");
    assert_eq!(routing.len(), 2, "{routing:?}");
    assert!(routing[0].starts_with("금융존 — 보증 상담을 선택하셨습니다 → 기술보증기금 추천"), "{routing:?}");
    assert!(routing[0].contains("주 상담존"));
    assert!(routing[1].starts_with("IP존 — 특허 출원 상담을 선택하셨습니다"), "{routing:?}");

    let case = case_of(&app, &base);
    assert_eq!(case.status, "submitted");
    assert!(case.submitted_at.is_some() && case.draft_expires_at.is_none());
    let mut conn = app.conn();
    let events = cases::events_of(&mut conn, case.id).unwrap();
    assert_eq!(events.iter().map(|e| e.event.as_str()).collect::<Vec<_>>(), vec!["submit"]);
    let answers = onestop::db::answers::find(&mut conn, case.id).unwrap().unwrap();
    // The label of the center's privacy policy in force (the consent wording's version, first
    // version of the center's details).
    let label = format!("{}.1", onestop::services::questionnaire::CONSENT_VERSION);
    assert_eq!(answers.consent_version.as_deref(), Some(label.as_str()));
    assert!(answers.consented_at.is_some() && answers.third_party_consented_at.is_some());
    let mails = outbox::for_case(&mut conn, case.id).unwrap();
    assert_eq!(mails.len(), 2, "resume link and confirmation");
    assert!(mails[0].body_text.contains(&format!("{}{base}", app.address)), "the resume mail carries the link");
    assert!(mails[1].subject.contains(&case.reference));
    assert!(mails[1].body_text.contains("기술보증기금 추천"));
    assert!(mails.iter().all(|m| m.to_addr == "kim@startup.example" && m.status == "pending"));
}

/// The language switch of a step page submits what was typed: an unfinished form comes back in
/// the other language with every value and no errors; a finished one is saved and shown again.
#[tokio::test]
async fn switching_language_mid_form_keeps_what_was_typed() {
    let app = spawn_app().await;
    let client = browser_client();
    let base = start_draft(&app, &client, "daegu").await;
    let page = client.get(app.url(&format!("{base}/company"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(r#"form="step-form" name="_lang" value="en""#), "the switch submits the step form");
    let csrf = csrf_from(&page).unwrap();
    let half = [("_csrf", csrf.as_str()), ("company_name", "주식회사 반쯤"), ("employees", "12"), ("_lang", "en")];
    let r = client.post(app.url(&format!("{base}/company"))).form(&half).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.headers().get_all("set-cookie").iter().any(|c| c.to_str().unwrap().contains("=en")), "language kept");
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"<html lang="en">"#) && html.contains("Business registration number"));
    assert_eq!(hidden_or_input(&html, "company_name"), "주식회사 반쯤");
    assert_eq!(hidden_or_input(&html, "employees"), "12");
    assert!(!html.contains("error-summary"), "switching is not a failed attempt");
    assert!(html.contains(r#"value="ko""#), "and the switch now goes back to Korean");
    // A complete step is saved and shown again (not skipped ahead) in the chosen language.
    let mut full: Vec<(&str, &str)> = COMPANY.to_vec();
    full.push(("_csrf", csrf.as_str()));
    full.push(("_lang", "ko"));
    let r = client.post(app.url(&format!("{base}/company"))).form(&full).send().await.unwrap();
    assert_eq!(location(&r), format!("{base}/company"));
    let page = client.get(app.url(&format!("{base}/company"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(r#"<html lang="ko">"#));
    let name = COMPANY.iter().find(|(k, _)| *k == "company_name").unwrap().1;
    assert_eq!(hidden_or_input(&page, "company_name"), name);
}

/// The step count does not change when the needs bring in the details step.
#[tokio::test]
async fn the_step_count_is_the_same_before_and_after_the_details_step_appears() {
    let app = spawn_app().await;
    let client = browser_client();
    let base = start_draft(&app, &client, "gwangju").await;
    let title = |html: &str| texts(html, "title").join("");
    let before = client.get(app.url(&format!("{base}/company"))).send().await.unwrap().text().await.unwrap();
    assert!(title(&before).contains("(1/7)"), "{}", title(&before));
    assert!(before.contains("해당 없음"), "the details step is listed as not needed yet");
    post_step(&app, &client, &base, "company", COMPANY).await;
    post_step(&app, &client, &base, "contact", CONTACT).await;
    post_step(&app, &client, &base, "needs", &[("topic", "guarantee")]).await;
    let after = client.get(app.url(&format!("{base}/company"))).send().await.unwrap().text().await.unwrap();
    assert!(title(&after).contains("(1/7)"), "{}", title(&after));
    assert!(!after.contains("해당 없음"));
    let details = client.get(app.url(&format!("{base}/details"))).send().await.unwrap().text().await.unwrap();
    assert!(title(&details).contains("(4/7)"), "{}", title(&details));
}

fn hidden_or_input(html: &str, name: &str) -> String {
    let doc = Html::parse_document(html);
    let sel = Selector::parse(&format!("input[name={name}]")).unwrap();
    doc.select(&sel).next().and_then(|e| e.value().attr("value")).unwrap_or("").to_owned()
}

#[tokio::test]
async fn the_questionnaire_works_in_english_too() {
    let app = spawn_app().await;
    let client = browser_client();
    client.get(app.url("/lang/en?next=/")).send().await.unwrap();
    let base = start_draft(&app, &client, "seoul").await;
    let page = client.get(app.url(&format!("{base}/company"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("<html lang=\"en\">") && page.contains("Business registration number"));
    post_step(&app, &client, &base, "company", COMPANY).await;
    post_step(&app, &client, &base, "contact", CONTACT).await;
    let r = post_step(&app, &client, &base, "needs", &[("topic", "labor"), ("topic", "ip_dispute")]).await;
    assert_eq!(location(&r), format!("{base}/documents"), "no details step for these needs");
    post_step(&app, &client, &base, "consent", &[("consent", "yes")]).await;
    submit(&app, &client, &base).await;
    let done = client.get(app.url(&format!("{base}/done"))).send().await.unwrap().text().await.unwrap();
    assert!(done.contains("Pre-questionnaire received"));
    let routing = texts(&done, ".routing-list li");
    assert_eq!(
        routing,
        vec![
            "Legal zone — you chose labour and HR, IP disputes Main zone".to_string(),
            "IP zone — you chose IP disputes".to_string()
        ]
    );
}

#[tokio::test]
async fn a_double_click_on_start_opens_one_draft_and_a_replayed_submit_one_submission() {
    let app = spawn_app().await;
    let client = browser_client();
    let page = client.get(app.url("/centers/busan/apply")).send().await.unwrap().text().await.unwrap();
    let (csrf, key) = (csrf_from(&page).unwrap(), hidden(&page, "key"));
    let mut locations = Vec::new();
    for _ in 0..3 {
        let r = client
            .post(app.url("/centers/busan/apply"))
            .form(&[("_csrf", csrf.as_str()), ("key", &key)])
            .send()
            .await
            .unwrap();
        locations.push(location(&r));
    }
    assert!(locations.windows(2).all(|w| w[0] == w[1]), "{locations:?}");
    assert_eq!(app.count("cases"), 1);

    let base = fill_all(&app, &client, "busan").await;
    let review = client.get(app.url(&format!("{base}/review"))).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_from(&review).unwrap();
    // Two clicks at once, then a replay later.
    let client = Arc::new(client);
    let url = app.url(&format!("{base}/submit"));
    let (a, b) = tokio::join!(
        client.post(&url).form(&[("_csrf", csrf.as_str())]).send(),
        client.post(&url).form(&[("_csrf", csrf.as_str())]).send()
    );
    let replay = client.post(&url).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
    for r in [a.unwrap(), b.unwrap(), replay] {
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(location(&r), format!("{base}/done"));
    }
    let case = case_of(&app, &base);
    let mut conn = app.conn();
    assert_eq!(cases::events_of(&mut conn, case.id).unwrap().len(), 1, "one submit event");
    let mails = outbox::for_case(&mut conn, case.id).unwrap();
    assert_eq!(mails.iter().filter(|m| m.subject.contains(&case.reference)).count(), 1, "one confirmation mail");
}

#[tokio::test]
async fn every_step_comes_back_with_the_typed_values_and_a_message_per_field() {
    let app = spawn_app().await;
    let client = browser_client();
    let base = start_draft(&app, &client, "daegu").await;
    let bad = [
        ("company_name", "  "),
        ("brn", "120-81-47522"),
        ("representative", "홍길동"),
        ("founded_on", "2999-01-01"),
        ("employees", "열두 명"),
        ("industry", "Z"),
        ("stage", "up_to_7y"),
        ("revenue_band", ""),
        ("region", "daegu"),
    ];
    let r = post_step(&app, &client, &base, "company", &bad).await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert_eq!(
        texts(&html, "#error-summary a"),
        vec![
            "기업명: 이 항목을 입력하세요.",
            "사업자등록번호: 올바른 사업자등록번호가 아닙니다. 번호를 다시 확인하세요.",
            "설립일: 설립일은 오늘이나 그 이전이어야 합니다.",
            "직원 수: 0 이상의 숫자로 입력하세요.",
            "업종(한국표준산업분류): 목록에서 고르세요.",
            "지난해 매출: 목록에서 고르세요.",
        ]
    );
    for kept in ["value=\"120-81-47522\"", "value=\"홍길동\"", "value=\"2999-01-01\"", "value=\"열두 명\""] {
        assert!(html.contains(kept), "{kept} kept");
    }
    assert!(html.contains("<option value=\"up_to_7y\" selected>"));
    assert!(html.contains("<title>오류:"));
    let hrefs: Vec<String> = {
        let doc = Html::parse_document(&html);
        let sel = Selector::parse("#error-summary a").unwrap();
        doc.select(&sel).map(|a| a.value().attr("href").unwrap().to_owned()).collect()
    };
    assert_eq!(hrefs, vec!["#company_name", "#brn", "#founded_on", "#employees", "#industry", "#revenue_band"]);

    let r = post_step(
        &app,
        &client,
        &base,
        "contact",
        &[("contact_name", "이담당"), ("contact_email", "not-an-email"), ("contact_phone", "12345")],
    )
    .await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert_eq!(texts(&html, ".form-error").len(), 2);
    assert!(
        html.contains("value=\"not-an-email\"")
            && html.contains("value=\"12345\"")
            && html.contains("value=\"이담당\"")
    );

    let r = post_step(&app, &client, &base, "needs", &[("question", "무엇이든")]).await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("상담받고 싶은 분야를 하나 이상 고르세요.") && html.contains(">무엇이든</textarea>"));

    post_step(&app, &client, &base, "needs", &[("topic", "grants"), ("topic", "tech_transfer")]).await;
    let r = post_step(&app, &client, &base, "details", &[("finance_amount", "-5"), ("finance_purpose", "")]).await;
    assert_eq!(r.status().as_u16(), 422);
    assert_eq!(texts(&r.text().await.unwrap(), "#error-summary a").len(), 3, "amount, purpose, direction");

    let r = post_step(&app, &client, &base, "consent", &[("third_party", "yes")]).await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("개인정보 수집·이용에 동의해야 합니다"));
    assert!(
        html.contains("id=\"third_party\" name=\"third_party\" value=\"yes\" checked"),
        "the optional choice is kept"
    );

    // Nothing of the refused steps was saved; submitting now goes back to the first step missing.
    let case = case_of(&app, &base);
    let mut conn = app.conn();
    let a = onestop::db::answers::find(&mut conn, case.id).unwrap().unwrap();
    assert!(a.company_name.is_none() && a.contact_email.is_none() && a.consented_at.is_none());
    drop(conn);
    let page = client.get(app.url(&format!("{base}/review"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("아직 답하지 않은 단계가 있습니다"));
    assert!(!page.contains("/submit"), "no submit button while steps are missing");
    let page = client.get(app.url(&format!("{base}/consent"))).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_from(&page).unwrap();
    let r = client.post(app.url(&format!("{base}/submit"))).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(location(&r), format!("{base}/company"));
    assert_eq!(case_of(&app, &base).status, "draft");
}

#[tokio::test]
async fn a_pre_founder_needs_no_registration_number() {
    let app = spawn_app().await;
    let client = browser_client();
    let base = start_draft(&app, &client, "jeju").await;
    let fields = [
        ("company_name", "(가칭) 제주랩"),
        ("representative", "고창업"),
        ("employees", "1"),
        ("industry", "I"),
        ("stage", "pre_founder"),
        ("revenue_band", "none"),
        ("region", "jeju"),
    ];
    let r = post_step(&app, &client, &base, "company", &fields).await;
    assert_eq!(location(&r), format!("{base}/contact"));
}

#[tokio::test]
async fn the_resume_link_works_on_another_device_and_the_mail_is_queued_once() {
    let app = spawn_app().await;
    let phone = browser_client();
    let base = start_draft(&app, &phone, "ulsan").await;
    post_step(&app, &phone, &base, "company", COMPANY).await;
    post_step(&app, &phone, &base, "contact", CONTACT).await;
    post_step(&app, &phone, &base, "contact", CONTACT).await;
    let case = case_of(&app, &base);
    {
        let mut conn = app.conn();
        assert_eq!(
            outbox::for_case(&mut conn, case.id).unwrap().len(),
            1,
            "one resume mail however often the step is saved"
        );
    }
    // A laptop with no cookies follows the link and lands on the first step still to do.
    let laptop = browser_client();
    let r = laptop.get(app.url(&base)).send().await.unwrap();
    assert_eq!(location(&r), format!("{base}/needs"));
    assert_eq!(r.headers()["referrer-policy"], "same-origin");
    let page = laptop.get(app.url(&format!("{base}/company"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("value=\"주식회사 원스톱랩\""), "saved answers are shown");
}

#[tokio::test]
async fn unknown_and_expired_links_get_clear_pages() {
    let app = spawn_app().await;
    let (status, html) = app.get_html("/apply/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/company").await;
    assert_eq!(status, 404);
    assert!(html.contains("페이지를 찾을 수 없습니다"));
    assert_eq!(app.get_html("/apply/short/company").await.0, 404);
    let client = browser_client();
    let base = start_draft(&app, &client, "sejong").await;
    assert_eq!(app.get_html(&format!("{base}/nonsense")).await.0, 404);
    app.exec("UPDATE cases SET draft_expires_at = '2000-01-01 00:00:00'");
    let (status, html) = app.get_html(&format!("{base}/company")).await;
    assert_eq!(status, 410);
    assert!(html.contains("작성 기간이 지나"), "{html}");
}

#[tokio::test]
async fn oversize_and_garbage_bodies_get_pages_not_500s() {
    let app = spawn_app().await;
    let client = browser_client();
    let base = start_draft(&app, &client, "incheon").await;
    let page = client.get(app.url(&format!("{base}/company"))).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_from(&page).unwrap();
    let huge = "가".repeat(200_000);
    let r = client
        .post(app.url(&format!("{base}/company")))
        .form(&[("_csrf", csrf.as_str()), ("company_name", &huge)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 413);
    assert!(r.text().await.unwrap().contains("보낸 내용이 너무 큽니다"));
    let r = client
        .post(app.url(&format!("{base}/needs")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("_csrf={csrf}&topic=%FF%FE&topic=labor&topic=labor&question=%00%01&weekday=9"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
}

mod fuzz {
    use proptest::prelude::*;

    use super::*;

    fn field() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("company_name".to_string()),
            Just("brn".to_string()),
            Just("founded_on".to_string()),
            Just("employees".to_string()),
            Just("stage".to_string()),
            Just("topic".to_string()),
            Just("weekday".to_string()),
            Just("contact_phone".to_string()),
            Just("contact_email".to_string()),
            Just("finance_amount".to_string()),
            Just("consent".to_string()),
            "[a-z_]{1,12}",
        ]
    }

    fn value() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            prop::collection::vec(any::<u8>(), 0..64),
            "\\PC{0,40}".prop_map(String::into_bytes),
            Just(b"9999-99-99".to_vec()),
            Just(b"-1".to_vec()),
            Just(b"99999999999999999999".to_vec()),
            Just(b"guarantee".to_vec()),
        ]
    }

    fn encode(pairs: &[(String, Vec<u8>)], csrf: &str) -> Vec<u8> {
        let mut body = format!("_csrf={csrf}").into_bytes();
        for (k, v) in pairs {
            body.push(b'&');
            body.extend_from_slice(k.as_bytes());
            body.push(b'=');
            for b in v {
                if b.is_ascii_alphanumeric() {
                    body.push(*b);
                } else {
                    body.extend_from_slice(format!("%{b:02X}").as_bytes());
                }
            }
        }
        body
    }

    #[test]
    fn arbitrary_form_bodies_never_produce_a_server_error() {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let (app, client, base, csrf) = rt.block_on(async {
            let app = spawn_app().await;
            let client = browser_client();
            let base = start_draft(&app, &client, "gwangju").await;
            let page = client.get(app.url(&format!("{base}/company"))).send().await.unwrap().text().await.unwrap();
            let csrf = csrf_from(&page).unwrap();
            (app, client, base, csrf)
        });
        let steps = ["company", "contact", "needs", "details", "consent", "review", "submit"];
        proptest!(ProptestConfig::with_cases(48), |(pairs in prop::collection::vec((field(), value()), 0..12), step in 0..7usize)| {
            let body = encode(&pairs, &csrf);
            let status = rt.block_on(async {
                client
                    .post(app.url(&format!("{base}/{}", steps[step])))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(body)
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            });
            prop_assert!(status < 500, "{} answered {status} to {pairs:?}", steps[step]);
        });
        drop(app);
    }
}

mod documents {
    use super::*;

    async fn upload(
        app: &TestApp,
        client: &reqwest::Client,
        base: &str,
        kind: &str,
        name: &str,
        bytes: Vec<u8>,
    ) -> reqwest::Response {
        let page = client.get(app.url(&format!("{base}/documents"))).send().await.unwrap().text().await.unwrap();
        let csrf = csrf_from(&page).unwrap();
        let form = reqwest::multipart::Form::new()
            .text("kind", kind.to_owned())
            .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()));
        client.post(app.url(&format!("{base}/documents/upload?_csrf={csrf}"))).multipart(form).send().await.unwrap()
    }

    fn pdf(len: usize) -> Vec<u8> {
        let mut v = b"%PDF-1.7\n".to_vec();
        v.resize(len, b'x');
        v
    }

    #[tokio::test]
    async fn a_document_is_uploaded_listed_downloaded_only_by_its_link_and_deleted() {
        let app = spawn_app().await;
        let client = browser_client();
        let base = start_draft(&app, &client, "chungbuk").await;
        let r = upload(&app, &client, &base, "brn_certificate", "사업자등록증.pdf", pdf(2048)).await;
        assert_eq!(location(&r), format!("{base}/documents"));
        let page = client.get(app.url(&format!("{base}/documents"))).send().await.unwrap().text().await.unwrap();
        assert_eq!(texts(&page, ".doc-list a"), vec!["사업자등록증.pdf"]);
        let href = {
            let doc = Html::parse_document(&page);
            let sel = Selector::parse(".doc-list a").unwrap();
            doc.select(&sel).next().unwrap().value().attr("href").unwrap().to_owned()
        };
        let r = client.get(app.url(&href)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200);
        assert_eq!(r.headers()["content-type"], "application/pdf");
        assert!(r.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
        assert_eq!(r.bytes().await.unwrap().len(), 2048);

        // Another applicant's link cannot reach it, nor can a made-up id.
        let other = browser_client();
        let other_base = start_draft(&app, &other, "chungbuk").await;
        let id = href.rsplit('/').next().unwrap();
        assert_eq!(
            other.get(app.url(&format!("{other_base}/documents/{id}"))).send().await.unwrap().status().as_u16(),
            404
        );
        assert_eq!(
            client.get(app.url(&format!("{base}/documents/999999"))).send().await.unwrap().status().as_u16(),
            404
        );
        assert_eq!(client.get(app.url(&format!("{base}/documents/x"))).send().await.unwrap().status().as_u16(), 404);

        let case = case_of(&app, &base);
        let dir = app.db.data_dir().join("uploads").join(case.id.to_string());
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1, "stored under the data directory");
        let csrf = csrf_from(&page).unwrap();
        let r = client.post(app.url(&format!("{href}/delete"))).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "the file is gone with its row");
        assert_eq!(app.count("case_documents"), 0);
    }

    #[tokio::test]
    async fn wrong_types_and_oversize_files_get_a_clear_message() {
        let app = spawn_app().await;
        let client = browser_client();
        let base = start_draft(&app, &client, "chungnam").await;
        let r = upload(&app, &client, &base, "other", "setup.exe", b"MZ\x90\x00rest".to_vec()).await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(r.text().await.unwrap().contains("PDF, PNG, JPG, HWP, HWPX 파일만 올릴 수 있습니다"));
        let r = upload(&app, &client, &base, "other", "fake.pdf", b"<html>not a pdf".to_vec()).await;
        assert_eq!(r.status().as_u16(), 422);
        let r = upload(&app, &client, &base, "financial_statements", "big.pdf", pdf(11 * 1024 * 1024)).await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(r.text().await.unwrap().contains("파일이 10MB보다 큽니다"));
        let r = upload(&app, &client, &base, "", "a.pdf", pdf(100)).await;
        assert_eq!(r.status().as_u16(), 422, "the kind is required");
        let r = upload(&app, &client, &base, "other", "huge.pdf", pdf(30 * 1024 * 1024)).await;
        assert_eq!(r.status().as_u16(), 413);
        assert_eq!(app.count("case_documents"), 0);
        for i in 0..5 {
            assert_eq!(
                upload(&app, &client, &base, "other", &format!("{i}.png"), b"\x89PNG\r\n\x1a\n....".to_vec())
                    .await
                    .status()
                    .as_u16(),
                303
            );
        }
        let page = client.get(app.url(&format!("{base}/documents"))).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("5개까지 올릴 수 있습니다"), "no upload form past the limit");
        let r = upload(&app, &client, &base, "other", "6.png", b"\x89PNG\r\n\x1a\n....".to_vec()).await;
        assert_eq!(r.status().as_u16(), 422);
        assert_eq!(app.count("case_documents"), 5);
    }

    #[tokio::test]
    async fn an_upload_without_the_csrf_token_is_refused() {
        let app = spawn_app().await;
        let client = browser_client();
        let base = start_draft(&app, &client, "jeonbuk").await;
        let form = reqwest::multipart::Form::new()
            .text("kind", "other")
            .part("file", reqwest::multipart::Part::bytes(pdf(10)).file_name("a.pdf"));
        let r = client.post(app.url(&format!("{base}/documents/upload"))).multipart(form).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 403);
        assert_eq!(app.count("case_documents"), 0);
    }
    /// "Save and continue" in the upload form with a file chosen uploads it, then goes on; with
    /// nothing chosen it just goes on; with a kind but no file it says so and stays.
    #[tokio::test]
    async fn save_and_continue_with_a_chosen_file_uploads_it_first() {
        let app = spawn_app().await;
        let client = browser_client();
        let base = start_draft(&app, &client, "jeonnam").await;
        let page = client.get(app.url(&format!("{base}/documents"))).send().await.unwrap().text().await.unwrap();
        assert!(page.contains(r#"name="next" value="1""#), "the continue button is in the upload form");
        let csrf = csrf_from(&page).unwrap();
        let send = |form: reqwest::multipart::Form| {
            let (client, url) = (client.clone(), app.url(&format!("{base}/documents/upload?_csrf={csrf}")));
            async move { client.post(url).multipart(form).send().await.unwrap() }
        };
        let chosen = reqwest::multipart::Form::new()
            .text("kind", "other")
            .part("file", reqwest::multipart::Part::bytes(pdf(100)).file_name("계획서.pdf"))
            .text("next", "1");
        let r = send(chosen).await;
        assert_eq!(location(&r), base, "on to the first step still to answer");
        assert_eq!(app.count("case_documents"), 1, "the chosen file was not dropped");
        assert_eq!(app.count("case_answers WHERE steps_done LIKE '%documents%'"), 1);
        // A kind without a file: the page says the file is missing, nothing is skipped silently.
        let half = reqwest::multipart::Form::new()
            .text("kind", "other")
            .part("file", reqwest::multipart::Part::bytes(Vec::new()).file_name(""))
            .text("next", "1");
        let r = send(half).await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(r.text().await.unwrap().contains("올릴 파일을 고르세요"), "the message names the missing file");
        // Nothing chosen: just on.
        let nothing = reqwest::multipart::Form::new()
            .text("kind", "")
            .part("file", reqwest::multipart::Part::bytes(Vec::new()).file_name(""))
            .text("next", "1");
        assert_eq!(location(&send(nothing).await), base);
        assert_eq!(app.count("case_documents"), 1);
    }
}

#[tokio::test]
async fn expired_drafts_are_purged_with_their_files_and_nothing_else_is() {
    let app = spawn_app().await;
    let client = browser_client();
    let old = start_draft(&app, &client, "gyeonggi").await;
    post_step(&app, &client, &old, "company", COMPANY).await;
    post_step(&app, &client, &old, "contact", CONTACT).await;
    let page = client.get(app.url(&format!("{old}/documents"))).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_from(&page).unwrap();
    let form = reqwest::multipart::Form::new()
        .text("kind", "other")
        .part("file", reqwest::multipart::Part::bytes(b"%PDF-1.4 x".to_vec()).file_name("a.pdf"));
    client.post(app.url(&format!("{old}/documents/upload?_csrf={csrf}"))).multipart(form).send().await.unwrap();
    let fresh = start_draft(&app, &client, "gyeonggi").await;
    let submitted = fill_all(&app, &client, "gyeonggi").await;
    submit(&app, &client, &submitted).await;

    let old_case = case_of(&app, &old);
    let dir = app.db.data_dir().join("uploads").join(old_case.id.to_string());
    assert!(dir.exists());
    // Everything was started "now"; purge as if 31 days had passed.
    let later = onestop::db::now() + chrono::Duration::days(31);
    let n = {
        let mut conn = app.conn();
        onestop::services::questionnaire::purge_expired(&mut conn, later, &app.db.data_dir()).unwrap()
    };
    assert_eq!(n, 2, "the old and the fresh drafts, not the submitted case");
    assert!(!dir.exists(), "files removed");
    assert_eq!(app.get_html(&format!("{old}/company")).await.0, 404, "the link no longer opens anything");
    let _ = fresh;
    let mut conn = app.conn();
    let purged = cases::find(&mut conn, old_case.id).unwrap().unwrap();
    assert_eq!(purged.status, "cancelled");
    let trail = cases::events_of(&mut conn, old_case.id).unwrap();
    assert_eq!((trail[0].event.as_str(), trail[0].actor_kind.as_str()), ("expire", "system"));
    assert!(onestop::db::answers::find(&mut conn, old_case.id).unwrap().is_none(), "personal data deleted");
    assert_eq!(onestop::db::documents::of_case(&mut conn, old_case.id).unwrap().len(), 0);
    drop(conn);
    assert_eq!(case_of(&app, &submitted).status, "submitted");
    // Running it again finds nothing.
    let mut conn = app.conn();
    assert_eq!(onestop::services::questionnaire::purge_expired(&mut conn, later, &app.db.data_dir()).unwrap(), 0);
}

#[tokio::test]
async fn every_center_starts_with_the_default_routing_rules() {
    use onestop::domain::routing::{Condition, default_rules};
    let app = spawn_app().await;
    let mut conn = app.conn();
    let mut want: Vec<(String, String, Option<String>, Option<String>, i32)> = default_rules()
        .into_iter()
        .map(|r| {
            (
                r.topic.code().to_owned(),
                r.zone_kind,
                r.institution,
                r.condition.map(|c: Condition| c.code().to_owned()),
                r.priority,
            )
        })
        .collect();
    want.sort();
    for center in onestop::db::centers::all(&mut conn).unwrap() {
        let mut got: Vec<_> = onestop::db::answers::rules_of_center(&mut conn, center.id)
            .unwrap()
            .into_iter()
            .map(|r| (r.topic, r.zone_kind, r.institution_code, r.condition, r.priority))
            .collect();
        got.sort();
        assert_eq!(got, want, "{}", center.slug);
    }
}

/// The consent page states what PIPA asks for each consent: purpose, items, retention (for the
/// third party: the recipient and how long it keeps the data) and what refusing means.
#[tokio::test]
async fn the_consent_page_says_everything_the_law_asks_for_both_consents() {
    let app = spawn_app().await;
    let client = browser_client();
    let base = start_draft(&app, &client, "ulsan").await;
    let html = client.get(app.url(&format!("{base}/consent"))).send().await.unwrap().text().await.unwrap();
    let sections = texts(&html, ".consent-box");
    assert_eq!(sections.len(), 2);
    for (section, needed) in sections.iter().zip([
        &["목적", "항목", "보유 기간", "동의하지 않으면 상담을 접수할 수 없습니다"][..],
        &["받는 곳", "목적", "항목", "받는 곳의 보유·이용 기간", "동의하지 않아도 상담을 받을 수 있습니다"][..],
    ]) {
        for n in needed {
            assert!(section.contains(n), "{n:?} missing in {section:?}");
        }
    }
}
