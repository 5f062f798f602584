//! Personal data as PIPA asks (issue 18): the finance zone's experts sit for policy finance
//! institutions, so they see a case's names, contact and documents only with the applicant's
//! consent to that provision, and each provision is recorded; the applicant gives the consent
//! later or withdraws it from their link.

use onestop::db::{appointments, provisions};

use crate::fixtures::{fill_all, gyeongnam};
use crate::helpers::{TestApp, browser_client, csrf_from, spawn_app_with_demo};

/// Uploads a document on the documents step (the applicant's own client).
async fn upload(app: &TestApp, client: &reqwest::Client, base: &str, name: &str) {
    let page = client.get(app.url(&format!("{base}/documents"))).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_from(&page).unwrap();
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.resize(2048, b'x');
    let form = reqwest::multipart::Form::new()
        .text("kind", "brn_certificate")
        .part("file", reqwest::multipart::Part::bytes(pdf).file_name(name.to_owned()));
    let r =
        client.post(app.url(&format!("{base}/documents/upload?_csrf={csrf}"))).multipart(form).send().await.unwrap();
    assert!(r.status().is_success() || r.status().is_redirection(), "{}", r.status());
}

/// A one-stop application (finance and IP) filled in full, with a document, submitted with
/// both consents: (base path, token, case).
pub(crate) async fn submitted_with_document(
    app: &TestApp,
    client: &reqwest::Client,
) -> (String, String, onestop::db::cases::Case) {
    let base = fill_all(app, client, "gyeongnam").await;
    upload(app, client, &base, "김창업_사업자등록증.pdf").await;
    let review = client.get(app.url(&format!("{base}/review"))).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_from(&review).unwrap();
    client.post(app.url(&format!("{base}/submit"))).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
    let token = base.trim_start_matches("/apply/").to_owned();
    let (case, _) = onestop::db::cases::with_center_by_token(&mut app.conn(), &token).unwrap().unwrap();
    (base, token, case)
}

/// What the finance expert's pages show of the case: the pre-brief and the queue, as text.
async fn finance_sees(app: &TestApp, case_id: i64) -> String {
    let (status, prebrief) = app.get_html(&format!("/expert/cases/{case_id}")).await;
    assert_eq!(status, 200);
    let (_, queue) = app.get_html("/expert").await;
    format!("{prebrief}\n{queue}")
}

#[tokio::test]
async fn a_finance_expert_sees_personal_data_only_with_consent_and_each_provision_is_recorded() {
    let app = spawn_app_with_demo().await;
    let client = browser_client();
    let (base, _, case) = submitted_with_document(&app, &client).await;
    // Booked on its one-stop visit (finance with the institution on duty, then IP).
    crate::fixtures::book_first_visit(&app, &gyeongnam(&app), &case);
    let doc = onestop::db::documents::of_case(&mut app.conn(), case.id).unwrap().remove(0);

    // The applicant withdraws the consent given on the consent step, from the visit page.
    let visit = client.get(app.url(&format!("{base}/visit"))).send().await.unwrap().text().await.unwrap();
    let section = crate::helpers::texts(&visit, "#third-party").join(" ");
    assert!(section.contains("동의하셨습니다") && section.contains("동의 철회하기"), "{section}");
    let csrf = csrf_from(&visit).unwrap();
    let r = client
        .post(app.url(&format!("{base}/third-party")))
        .form(&[("_csrf", csrf.as_str()), ("given", "no")])
        .send()
        .await
        .unwrap();
    let location = crate::fixtures::location(&r);
    assert_eq!(location, format!("{base}/visit?consent=withdrawn#third-party"));
    let page = client.get(app.url(&location)).send().await.unwrap().text().await.unwrap();
    assert_eq!(
        crate::helpers::texts(&page, "#consent-said"),
        ["금융기관 제공 동의를 철회하셨습니다. 앞으로는 제공되지 않습니다."]
    );

    // Without it the finance expert sees the company and its needs, no personal data.
    let personal = ["김창업", "김담당", "kim@startup.example", "010-1234-5678", "01012345678", "김창업_사업자등록증"];
    app.login_as("finance").await;
    let seen = finance_sees(&app, case.id).await;
    for p in personal {
        assert!(!seen.contains(p), "{p} shown to the finance expert without consent");
    }
    for want in ["주식회사 원스톱랩", "300,000,000원", "양산 설비", "금융기관 제공에 동의하지 않았습니다"]
    {
        assert!(seen.contains(want), "{want} on the pre-brief");
    }
    let r = app.get(&format!("/expert/cases/{}/documents/{}", case.id, doc.id)).await;
    assert_eq!(r.status().as_u16(), 403, "no document without consent");
    // Nor the calendar feed, nor the mails to the center's staff about the case.
    let finance = onestop::db::users::by_email(&mut app.conn(), &app.account("finance").email).unwrap().unwrap();
    let feed_token = onestop::services::calendar::new_feed(&mut app.conn(), finance.id).unwrap();
    let ics = app.get(&format!("/feeds/{feed_token}.ics")).await.text().await.unwrap();
    assert!(ics.contains("BEGIN:VEVENT") && ics.contains(&case.reference), "the visit is in the feed: {ics}");
    let staff_mails: Vec<String> = onestop::db::outbox::for_case(&mut app.conn(), case.id)
        .unwrap()
        .into_iter()
        .filter(|m| m.to_addr != "kim@startup.example")
        .map(|m| format!("{} {}", m.subject, m.body_text))
        .collect();
    for p in personal {
        assert!(!ics.contains(p), "{p} in the finance expert's feed");
        assert!(staff_mails.iter().all(|m| !m.contains(p)), "{p} in a mail to staff: {staff_mails:?}");
    }
    assert_eq!(app.count("provisions"), 0, "nothing was provided");

    // The IP expert is no third party: they see the contact (the center's own service).
    app.login_as("ip").await;
    let (_, ip) = app.get_html(&format!("/expert/cases/{}", case.id)).await;
    assert!(ip.contains("김담당") && ip.contains("김창업_사업자등록증"), "the IP expert sees the contact");

    // The applicant consents after all: the finance expert sees everything, each provision recorded.
    let visit = client.get(app.url(&format!("{base}/visit"))).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_from(&visit).unwrap();
    let r = client
        .post(app.url(&format!("{base}/third-party")))
        .form(&[("_csrf", csrf.as_str()), ("given", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(crate::fixtures::location(&r), format!("{base}/visit?consent=given#third-party"));
    app.login_as("finance").await;
    let seen = finance_sees(&app, case.id).await;
    assert!(seen.contains("김창업") && seen.contains("김담당") && seen.contains("김창업_사업자등록증"));
    assert!(!seen.contains("금융기관 제공에 동의하지 않았습니다"));
    let r = app.get(&format!("/expert/cases/{}/documents/{}", case.id, doc.id)).await;
    assert_eq!(r.status().as_u16(), 200);
    let finance_user = onestop::db::users::by_email(&mut app.conn(), &app.account("finance").email).unwrap().unwrap();
    let finance_leg = appointments::live_of_case(&mut app.conn(), case.id)
        .unwrap()
        .into_iter()
        .find(|a| a.zone_id == finance_user.zone_id.unwrap())
        .unwrap();
    let given = provisions::of_case(&mut app.conn(), case.id).unwrap();
    let items: Vec<&str> = given.iter().map(|p| p.items.as_str()).collect();
    assert_eq!(items, ["answers", &format!("document:{}", doc.id)]);
    assert!(given.iter().all(|p| p.user_id == finance_user.id && p.institution_id == finance_leg.institution_id));
    assert!(finance_leg.institution_id.is_some(), "the institution on duty is the recipient");
    // The consents over time: given on the consent step, withdrawn, given again.
    let consents: Vec<(String, bool)> = provisions::consents_of_case(&mut app.conn(), case.id)
        .unwrap()
        .into_iter()
        .filter(|c| c.kind == provisions::consent::THIRD_PARTY)
        .map(|c| (c.kind, c.given))
        .collect();
    let tp = provisions::consent::THIRD_PARTY.to_owned();
    assert_eq!(consents, [(tp.clone(), true), (tp.clone(), false), (tp, true)]);
}

/// Each center's privacy policy is generated from its settings (the officer, phone, e-mail),
/// states the retention and the institutions that may receive a case, carries the consent
/// wording's version, and is linked from every footer, the center page and the consent step.
#[tokio::test]
async fn each_center_has_a_privacy_policy_from_its_settings_linked_from_footer_and_consent() {
    let app = spawn_app_with_demo().await;
    let (status, index) = app.get_html("/privacy").await;
    assert_eq!(status, 200);
    let doc = scraper::Html::parse_document(&index);
    let links: Vec<String> = doc
        .select(&scraper::Selector::parse(".privacy-centers a").unwrap())
        .map(|a| a.value().attr("href").unwrap().to_owned())
        .collect();
    assert_eq!(links.len(), 17, "every center's policy");
    let (_, landing) = app.get_html("/").await;
    assert!(landing.contains("href=\"/privacy\""), "the footer links the policies");
    let (_, center) = app.get_html("/centers/gyeongnam").await;
    assert!(center.contains("href=\"/centers/gyeongnam/privacy\""));

    let (status, policy) = app.get_html("/centers/gyeongnam/privacy").await;
    assert_eq!(status, 200);
    let text = crate::helpers::texts(&policy, "main").join(" ");
    for want in [
        "경남창조경제혁신센터",
        onestop::services::questionnaire::CONSENT_VERSION,
        "상담이 끝난 뒤 3년",
        "신용보증기금",
        "기술보증기금",
        "10일 안에",
        "데모용 예시",
    ] {
        assert!(text.contains(want), "{want} in the policy: {text}");
    }
    // The admin names the privacy officer; the policy shows them with the desk's phone.
    app.login_as("admin").await;
    let csrf = app.csrf_token("/staff/settings").await;
    let form = [
        ("_csrf", csrf.as_str()),
        ("address_ko", "경상남도 창원시 의창구 창원대로 18"),
        ("phone", "055 123 4567"),
        ("email", "desk@gncenter.example"),
        ("privacy_officer", "경영지원팀장 홍길동"),
    ];
    assert_eq!(app.post_form("/staff/settings", &form).await.status().as_u16(), 303);
    let (_, policy) = app.get_html("/centers/gyeongnam/privacy").await;
    let officer = crate::helpers::texts(&policy, "section[aria-labelledby=pp-officer]").join(" ");
    assert!(officer.contains("경영지원팀장 홍길동") && officer.contains("055-123-4567"), "{officer}");
    assert!(!officer.contains("데모용 예시"), "saved by the admin: no longer a sample");

    // The consent step links the center's policy.
    let client = browser_client();
    let base = crate::fixtures::start_draft(&app, &client, "gyeongnam").await;
    let consent = client.get(app.url(&format!("{base}/consent"))).send().await.unwrap().text().await.unwrap();
    assert!(consent.contains("href=\"/centers/gyeongnam/privacy\""), "{consent}");
}

/// Every text column of every table, for searching the database for a value.
pub(crate) fn text_columns(app: &TestApp) -> Vec<(String, String)> {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct Col {
        #[diesel(sql_type = diesel::sql_types::Text)]
        t: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        c: String,
    }
    let mut conn = app.conn();
    let conn = &mut *conn as &mut onestop::db::DbConn;
    let sql = match conn {
        onestop::db::DbConn::Sqlite(_) => {
            "SELECT m.name AS t, p.name AS c FROM sqlite_master m, pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '__diesel%' \
             AND (upper(p.type) LIKE '%TEXT%' OR upper(p.type) LIKE '%CHAR%')"
        }
        onestop::db::DbConn::Postgres(_) => {
            "SELECT table_name::text AS t, column_name::text AS c FROM information_schema.columns \
             WHERE table_schema = 'public' AND data_type IN ('text', 'character varying') AND table_name NOT LIKE '__diesel%'"
        }
    };
    diesel::sql_query(sql).load::<Col>(conn).unwrap().into_iter().map(|x| (x.t, x.c)).collect()
}

/// Where in the database `value` still appears: "table.column" for each hit.
pub(crate) fn found(app: &TestApp, columns: &[(String, String)], value: &str) -> Vec<String> {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = app.conn();
    let conn = &mut *conn as &mut onestop::db::DbConn;
    columns
        .iter()
        .filter(|(t, c)| {
            let q = format!("SELECT COUNT(*) AS n FROM \"{t}\" WHERE \"{c}\" LIKE $1");
            let q = match conn {
                onestop::db::DbConn::Sqlite(_) => q.replace("$1", "?"),
                onestop::db::DbConn::Postgres(_) => q,
            };
            diesel::sql_query(q)
                .bind::<diesel::sql_types::Text, _>(format!("%{value}%"))
                .get_result::<N>(conn)
                .unwrap()
                .n
                > 0
        })
        .map(|(t, c)| format!("{t}.{c}"))
        .collect()
}

/// A closed case past its retention: `onestop purge`'s destruction leaves no personal value of
/// it in any text column of the database nor a file, keeps every report number as it was, and
/// writes the register, which the admin reads and downloads.
#[tokio::test]
async fn a_case_past_retention_loses_every_personal_value_and_keeps_its_numbers() {
    let app = spawn_app_with_demo().await;
    let client = browser_client();
    let (base, _, case) = submitted_with_document(&app, &client).await;
    let center = gyeongnam(&app);
    // A consultation with an amount and free text that names the people.
    app.exec(&format!(
        "INSERT INTO consultations (case_id, center_id, zone_id, started_at, completed_at, consulted_on, executed_won, \
         executed_on, notes, summary, source) SELECT {}, {}, id, '2022-05-02 01:00:00', '2022-05-02 02:00:00', \
         '2022-05-02', 300000000, '2022-05-02', '메모: 김창업 대표, 010-1234-5678', '요약: 김담당님께 보증 안내', 'live' \
         FROM zones WHERE center_id = {} AND kind = 'finance'",
        case.id, center.id, center.id
    ));
    // Closed four years ago.
    app.exec(&format!(
        "UPDATE cases SET status = 'consulted', updated_at = '2022-05-02 03:00:00' WHERE id = {}",
        case.id
    ));
    let files = onestop::services::documents::upload_dir(&app.db.data_dir(), case.id);
    assert!(files.exists(), "the document's file is on disk");
    let today = chrono::NaiveDate::from_ymd_opt(2022, 12, 31).unwrap();
    let report = |app: &TestApp| {
        let r = onestop::services::reports::onestop_status(&mut app.conn(), today, Some(center.id)).unwrap();
        onestop::services::reports::render_status(&[r], true, false).unwrap()
    };
    let before = report(&app);
    let columns = text_columns(&app);
    let personal = ["김창업", "김담당", "kim@startup.example", "1234-5678", "양산 설비", "기술보증과 특허 출원을"];
    for p in personal {
        assert!(!found(&app, &columns, p).is_empty(), "{p} is held before the destruction");
    }

    let n = onestop::services::retention::destroy_due(
        &mut app.conn(),
        onestop::db::now(),
        &app.db.data_dir(),
        onestop::services::retention::By::Command,
    )
    .unwrap();
    assert_eq!(n, 1, "the one closed case past retention");
    for p in personal {
        assert_eq!(found(&app, &columns, p), Vec::<String>::new(), "{p} remains after the destruction");
    }
    assert!(!files.exists(), "its files are gone");
    assert_eq!(report(&app), before, "every report number is as it was");
    let after = onestop::db::cases::find(&mut app.conn(), case.id).unwrap().unwrap();
    assert_eq!((after.status.as_str(), after.reference.as_str()), ("consulted", case.reference.as_str()));
    assert_eq!(app.count("consultations"), 1, "the consultation and its amount stay");
    let client2 = browser_client();
    let r = client2.get(app.url(&format!("{base}/visit"))).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404, "the link no longer opens anything");
    // Run again: nothing more to destroy, nothing more in the register.
    let again = onestop::services::retention::destroy_due(
        &mut app.conn(),
        onestop::db::now(),
        &app.db.data_dir(),
        onestop::services::retention::By::Schedule,
    )
    .unwrap();
    assert_eq!(again, 0);

    // The register, as the admin reads and downloads it.
    app.login_as("admin").await;
    let (status, page) = app.get_html("/staff/register").await;
    assert_eq!(status, 200);
    let rows = crate::helpers::texts(&page, "tbody tr");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].contains("종료된 신청 건의 개인정보") && rows[0].contains("관리 명령"), "{rows:?}");
    let csv = app.get("/staff/register.csv").await.text().await.unwrap();
    assert!(csv.contains("종료된 신청 건의 개인정보") && csv.contains(",1,"), "{csv}");
    app.login_as("staff").await;
    assert_eq!(app.get("/staff/register").await.status().as_u16(), 403, "the register is the admin's");
}

/// "What we hold about you": the page and the JSON file on the applicant's link hold every
/// personal value the database has about the case (answers, documents, consents with their
/// version, provisions, mails, staff who opened it), and the file does not carry the link.
#[tokio::test]
async fn the_applicant_sees_and_downloads_everything_held_about_them() {
    let app = spawn_app_with_demo().await;
    let client = browser_client();
    let (base, token, case) = submitted_with_document(&app, &client).await;
    // Staff and the finance expert open it (recorded, and a provision).
    app.login_as("staff").await;
    app.get_html(&format!("/staff/cases/{}", case.id)).await;
    app.login_as("finance").await;
    app.get_html(&format!("/expert/cases/{}", case.id)).await;
    // And asks for a correction (the request is held too).
    let asked = "대표자 이름의 철자가 틀렸습니다";
    onestop::services::rights::request(&mut app.conn(), &case, "correct", asked, onestop::db::now()).unwrap();

    let (status, page) = app.get_html(&format!("{base}/data")).await;
    assert_eq!(status, 200);
    let text = crate::helpers::texts(&page, "main").join(" ");
    let json = client.get(app.url(&format!("{base}/data.json"))).send().await.unwrap().text().await.unwrap();
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed["reference"], case.reference.as_str());
    assert!(!json.contains(&token), "the file does not carry the link");

    // Every value the database holds about the case, read table by table.
    let a = onestop::db::answers::find(&mut app.conn(), case.id).unwrap().unwrap();
    let mut held: Vec<String> = [
        &a.company_name,
        &a.brn,
        &a.representative,
        &a.contact_name,
        &a.contact_email,
        &a.contact_phone,
        &a.question,
        &a.finance_purpose,
    ]
    .into_iter()
    .flatten()
    .cloned()
    .collect();
    held.extend(
        onestop::db::documents::of_case(&mut app.conn(), case.id).unwrap().into_iter().map(|d| d.original_name),
    );
    for m in onestop::db::outbox::for_case(&mut app.conn(), case.id).unwrap() {
        held.push(m.to_addr);
        held.push(m.subject);
    }
    for c in provisions::consents_of_case(&mut app.conn(), case.id).unwrap() {
        held.push(c.version);
    }
    let staff = onestop::db::users::by_email(&mut app.conn(), &app.account("staff").email).unwrap().unwrap();
    let finance = onestop::db::users::by_email(&mut app.conn(), &app.account("finance").email).unwrap().unwrap();
    held.push(asked.to_owned());
    held.push(staff.display_name.clone());
    held.push(finance.display_name.clone());
    assert!(held.len() >= 12, "{held:?}");
    for v in &held {
        assert!(json.contains(v.as_str()), "{v} missing from the download");
    }
    for v in [&a.contact_name, &a.contact_email, &a.representative].into_iter().flatten() {
        assert!(text.contains(v.as_str()), "{v} missing from the page");
    }
    assert!(text.contains(&staff.display_name) && text.contains("금융기관에 제공한 기록"), "{text}");
    assert_eq!(parsed["provisions"].as_array().unwrap().len(), 1, "the finance expert's sight");
    assert_eq!(parsed["opened_by_staff"].as_array().unwrap().len(), 2);
}
