//! The applicant's rights over their data and the center's rules for keeping it (issue 18):
//! a request to correct or delete, made on the applicant's link, is a task for the center's
//! admin with the 10-day deadline shown until it is answered — corrected, deleted (the register
//! written, nothing personal left) or refused with a reason the applicant reads; staff openings
//! of lists and boards are recorded with their purpose and unusual days shown to the admin; the
//! retention is the center's setting.

use chrono::Duration;
use onestop::db::rights_requests::{self as rr, kind};
use onestop::services::access_review;

use crate::fixtures::{gyeongnam, location, submitted_case};
use crate::helpers::{TestApp, browser_client, csrf_from, race, spawn_app_with_demo, texts};
use crate::privacy::{found, submitted_with_document, text_columns};

/// The applicant sends a request from "what we hold about you"; returns the response.
async fn ask(app: &TestApp, client: &reqwest::Client, base: &str, what: &str, text: &str) -> reqwest::Response {
    let page = client.get(app.url(&format!("{base}/data"))).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_from(&page).unwrap();
    let field = format!("{what}_body");
    client
        .post(app.url(&format!("{base}/requests")))
        .form(&[("_csrf", csrf.as_str()), ("kind", what), (field.as_str(), text)])
        .send()
        .await
        .unwrap()
}

/// The center's today, as its pages count days.
fn center_today(app: &TestApp) -> chrono::NaiveDate {
    let center = gyeongnam(app);
    onestop::domain::availability::local_date(onestop::services::availability::time_zone(&center), onestop::db::now())
}

#[tokio::test]
async fn a_correction_request_is_tracked_to_its_deadline_and_answered_on_the_applicants_link() {
    let app = spawn_app_with_demo().await;
    let client = browser_client();
    let (base, _, case) = submitted_with_document(&app, &client).await;

    // An empty correction comes back with the message at the field, nothing made.
    let r = ask(&app, &client, &base, "correct", "  ").await;
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    assert_eq!(texts(&page, "#correct_body-error"), ["이 항목을 입력하세요."]);
    assert_eq!(app.count("rights_requests"), 0);

    let wrong = "전화번호가 010-1234-5678이 아니라 010-9876-5432입니다.";
    let r = ask(&app, &client, &base, "correct", wrong).await;
    assert_eq!(location(&r), format!("{base}/data?requested=correct#d-requests"));
    let page = client.get(app.url(&location(&r))).send().await.unwrap().text().await.unwrap();
    assert_eq!(
        texts(&page, "#requested"),
        ["정정 요청을 보냈습니다. 센터가 10일 안에 답합니다. 답은 이 페이지에서 볼 수 있습니다."]
    );
    let due = (center_today(&app) + Duration::days(10)).format("%Y-%m-%d").to_string();
    let listed = texts(&page, ".request-list li").join(" ");
    assert!(listed.contains("정정 요청") && listed.contains("답변 대기"), "{listed}");
    assert!(listed.contains(&format!("{due}까지 답변")), "{listed}");
    assert!(!page.contains("name=\"correct_body\""), "no second correction form while one waits");
    // Sent again from a second tab: still one open request, the same answer.
    let r = ask(&app, &client, &base, "correct", wrong).await;
    assert_eq!(location(&r), format!("{base}/data?requested=correct#d-requests"));
    assert_eq!(app.count("rights_requests"), 1);

    // The admin's home says a request waits; the list shows its deadline in days.
    app.login_as("admin").await;
    let (_, home) = app.get_html("/staff").await;
    assert!(home.contains("답변을 기다리는 정정·삭제 요청이 1건 있습니다"), "{home}");
    let (_, list) = app.get_html("/staff/requests").await;
    let row = texts(&list, "tbody tr").join(" ");
    assert!(row.contains(&case.reference) && row.contains("(10일 남음)") && row.contains(&due), "{row}");
    let id = rr::of_case(&mut app.conn(), case.id).unwrap()[0].id;
    let (status, detail) = app.get_html(&format!("/staff/requests/{id}")).await;
    assert_eq!(status, 200);
    assert!(detail.contains(wrong) && detail.contains("value=\"010-1234-5678\""), "current values to correct");
    let opened: Vec<(String, String)> = onestop::db::access_log::access_of_case(&mut app.conn(), case.id)
        .unwrap()
        .into_iter()
        .map(|a| (a.action, a.purpose))
        .collect();
    assert!(opened.contains(&("rights_request".into(), "rights".into())), "{opened:?}");

    // A bad value comes back with the admin's values; the good one saves and answers.
    let csrf = app.csrf_token(&format!("/staff/requests/{id}")).await;
    let mut form = vec![
        ("_csrf", csrf.as_str()),
        ("representative", "김창업"),
        ("contact_name", "김담당"),
        ("contact_email", "kim@startup"),
        ("contact_phone", "010-9876-5432"),
        ("note", "전화번호를 고쳤습니다."),
    ];
    let r = app.post_form(&format!("/staff/requests/{id}/correct"), &form).await;
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("value=\"010-9876-5432\"") && page.contains("id=\"contact_email-error\""));
    form[3] = ("contact_email", "kim@startup.example");
    let r = app.post_form(&format!("/staff/requests/{id}/correct"), &form).await;
    assert_eq!(location(&r), format!("/staff/requests/{id}?answered=1"));
    let a = onestop::db::answers::find(&mut app.conn(), case.id).unwrap().unwrap();
    assert_eq!(a.contact_phone.as_deref(), Some("010-9876-5432"));
    let r = app.post_form(&format!("/staff/requests/{id}/correct"), &form).await;
    assert_eq!(r.status().as_u16(), 422, "answered once");
    assert!(r.text().await.unwrap().contains("이미 처리되었습니다"));

    // The applicant reads the answer; the home no longer counts it.
    let page = client.get(app.url(&format!("{base}/data"))).send().await.unwrap().text().await.unwrap();
    let listed = texts(&page, ".request-list li").join(" ");
    assert!(listed.contains("처리 완료") && listed.contains("센터의 답변: 전화번호를 고쳤습니다."), "{listed}");
    assert!(page.contains("name=\"correct_body\""), "a new correction may be asked");
    let (_, home) = app.get_html("/staff").await;
    assert!(!home.contains("답변을 기다리는"));
    // Only the admin answers.
    app.login_as("staff").await;
    assert_eq!(app.get("/staff/requests").await.status().as_u16(), 403);
}

#[tokio::test]
async fn a_deletion_request_cancels_the_visit_destroys_the_data_and_is_in_the_register() {
    let app = spawn_app_with_demo().await;
    let client = browser_client();
    let (base, token, case) = submitted_with_document(&app, &client).await;
    let center = gyeongnam(&app);
    crate::fixtures::book_first_visit(&app, &center, &case);
    assert_eq!(app.count("appointments WHERE status = 'booked'"), 2, "the one-stop visit's two legs");
    ask(&app, &client, &base, "correct", "이메일 주소가 바뀌었습니다").await;
    let r = ask(&app, &client, &base, "delete", "더 이상 상담을 원하지 않습니다 (김창업)").await;
    assert_eq!(location(&r), format!("{base}/data?requested=delete#d-requests"));
    let id = rr::of_case(&mut app.conn(), case.id).unwrap().iter().find(|r| r.kind == kind::DELETE).unwrap().id;

    // Not while the visitor is at the center.
    app.exec(&format!("UPDATE cases SET status = 'waiting' WHERE id = {}", case.id));
    app.login_as("admin").await;
    let csrf = app.csrf_token(&format!("/staff/requests/{id}")).await;
    let r = app.post_form(&format!("/staff/requests/{id}/delete"), &[("_csrf", csrf.as_str()), ("note", "")]).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(texts(&r.text().await.unwrap(), "#problem")[0].contains("지금은 삭제할 수 없습니다"));
    app.exec(&format!("UPDATE cases SET status = 'reserved' WHERE id = {}", case.id));

    let columns = text_columns(&app);
    let personal = [
        "김창업",
        "김담당",
        "kim@startup.example",
        "1234-5678",
        "양산 설비",
        "더 이상 상담을",
        "이메일 주소가 바뀌었습니다",
    ];
    for p in personal {
        assert!(!found(&app, &columns, p).is_empty(), "{p} is held before the deletion");
    }
    let files = onestop::services::documents::upload_dir(&app.db.data_dir(), case.id);
    assert!(files.exists());
    let note = [("_csrf", csrf.as_str()), ("note", "요청하신 대로 모두 삭제했습니다.")];
    let r = app.post_form(&format!("/staff/requests/{id}/delete"), &note).await;
    assert_eq!(location(&r), format!("/staff/requests/{id}?answered=1"));
    for p in personal {
        assert_eq!(found(&app, &columns, p), Vec::<String>::new(), "{p} remains after the deletion");
    }
    assert!(!files.exists(), "its files are gone");
    assert_eq!(app.count("rights_requests WHERE status = 'open'"), 0, "the correction asked too is closed");
    assert_eq!(app.count("appointments WHERE status = 'booked'"), 0, "the seats are free again");
    let after = onestop::db::cases::find(&mut app.conn(), case.id).unwrap().unwrap();
    assert_eq!(after.status.as_str(), "cancelled");
    let (_, register) = app.get_html("/staff/register").await;
    let rows = texts(&register, "tbody tr");
    assert!(rows.len() == 1 && rows[0].contains("the applicant's request to delete"), "{rows:?}");
    // The link says what happened.
    let r = client.get(app.url(&format!("/apply/{token}/data"))).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 410);
    assert!(r.text().await.unwrap().contains("요청에 따라 이 신청의 개인정보를 삭제했습니다"));
}

#[tokio::test]
async fn a_refusal_needs_a_reason_the_applicant_reads_and_two_answers_at_once_give_one() {
    let app = spawn_app_with_demo().await;
    let client = browser_client();
    let (base, _, case) = submitted_with_document(&app, &client).await;
    ask(&app, &client, &base, "delete", "").await;
    let id = rr::of_case(&mut app.conn(), case.id).unwrap()[0].id;
    app.login_as("admin").await;
    let csrf = app.csrf_token(&format!("/staff/requests/{id}")).await;
    let r = app.post_form(&format!("/staff/requests/{id}/refuse"), &[("_csrf", csrf.as_str()), ("reason", " ")]).await;
    assert_eq!(r.status().as_u16(), 422);
    assert_eq!(texts(&r.text().await.unwrap(), "#reason-error"), ["이 항목을 입력하세요."]);
    let reason = "보증 심사 중인 건이라 심사가 끝날 때까지 신용보증기금법에 따라 보관합니다.";
    let r =
        app.post_form(&format!("/staff/requests/{id}/refuse"), &[("_csrf", csrf.as_str()), ("reason", reason)]).await;
    assert_eq!(r.status().as_u16(), 303);
    let page = client.get(app.url(&format!("{base}/data"))).send().await.unwrap().text().await.unwrap();
    let listed = texts(&page, ".request-list li").join(" ");
    assert!(listed.contains("거절") && listed.contains(&format!("거절 사유: {reason}")), "{listed}");

    // Two admins answer another request at the same moment (delete and refuse): one wins.
    ask(&app, &client, &base, "delete", "").await;
    let id = rr::of_case(&mut app.conn(), case.id).unwrap().iter().find(|r| r.is_open()).unwrap().id;
    let admin = onestop::db::users::by_email(&mut app.conn(), &app.account("admin").email).unwrap().unwrap();
    let staff = onestop::services::desk::Staff { user_id: admin.id, center_id: admin.center_id.unwrap() };
    let dir = app.db.data_dir();
    let results = race(&app, 2, move |i, conn| {
        let now = onestop::db::now();
        match i {
            0 => onestop::services::rights::delete(conn, staff, id, "", now, &dir),
            _ => onestop::services::rights::refuse(conn, staff, id, "사유", now),
        }
        .map_err(|e| e.to_string())
    });
    let ok = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(ok, 1, "{results:?}");
    assert!(results.iter().any(|r| r.as_ref().err().is_some_and(|e| e.contains("answered"))), "{results:?}");
    let req = rr::of_case(&mut app.conn(), case.id).unwrap().into_iter().find(|r| r.id == id).unwrap();
    let deleted = app.count(&format!("cases WHERE id = {} AND anonymised_at IS NOT NULL", case.id)) == 1;
    assert_eq!(deleted, req.status == rr::status::DONE, "the case's data went only if the deletion won");

    // Two requests of one kind at once: one is made.
    let other = submitted_case(&app, &gyeongnam(&app), &["legal"]);
    let made = race(&app, 2, move |_, conn| {
        let case = onestop::db::cases::find(conn, other.id).unwrap().unwrap();
        onestop::services::rights::request(conn, &case, kind::CORRECT, "이름 철자", onestop::db::now()).is_ok()
    });
    assert_eq!(made.iter().filter(|m| **m).count(), 1, "{made:?}");
}

#[tokio::test]
async fn lists_are_recorded_with_their_purpose_and_the_admin_sees_unusual_days() {
    let app = spawn_app_with_demo().await;
    app.login_as("staff").await;
    app.get_html("/staff/appointments").await;
    // The board refreshes itself: seen again within minutes, it is one record.
    app.get_html("/staff/appointments").await;
    assert_eq!(app.count("access_log WHERE action = 'list_board'"), 1);
    app.get_html("/staff/cases").await;
    app.login_as("legal").await;
    app.get_html("/expert").await;
    let rows: Vec<(String, String)> = {
        use diesel::prelude::*;
        use onestop::db::schema::access_log;
        access_log::table
            .select((access_log::action, access_log::purpose))
            .order(access_log::id)
            .load(&mut *app.conn() as &mut onestop::db::DbConn)
            .unwrap()
    };
    let want = [("list_board", "reception"), ("list_cases", "reception"), ("list_queue", "consultation")];
    for (a, p) in want {
        assert!(rows.contains(&(a.into(), p.into())), "{a} with purpose {p}: {rows:?}");
    }

    // One clerk opens 25 cases today; a colleague opens 3 on each of the last five days.
    let center = gyeongnam(&app);
    let staff = onestop::db::users::by_email(&mut app.conn(), &app.account("staff").email).unwrap().unwrap();
    let admin = onestop::db::users::by_email(&mut app.conn(), &app.account("admin").email).unwrap().unwrap();
    let now = onestop::db::now();
    let cases: Vec<i64> = (0..25).map(|_| submitted_case(&app, &center, &["legal"]).id).collect();
    for c in &cases {
        onestop::services::access::case_for_staff(
            &mut app.conn(),
            onestop::services::desk::Staff { user_id: staff.id, center_id: center.id },
            *c,
            now,
        )
        .unwrap();
    }
    for day in 1..=5 {
        for c in &cases[..3] {
            let at = now - Duration::days(day);
            onestop::db::access_log::log_access_of(&mut app.conn(), admin.id, Some(*c), "view", None, "reception", at)
                .unwrap();
        }
    }
    app.login_as("admin").await;
    let (status, page) = app.get_html("/staff/access-review").await;
    assert_eq!(status, 200);
    let unusual = texts(&page, "section[aria-labelledby=unusual-h] li").join(" ");
    assert!(unusual.contains(&staff.display_name) && unusual.contains("신청 건 25건 열람"), "{unusual}");
    assert!(!unusual.contains(&admin.display_name), "{unusual}");
    let rule = texts(&page, "main p").join(" ");
    assert!(rule.contains(&format!("{}건 이상인 날", access_review::MIN_CASES)), "{rule}");
    // The audit view names the list and the purpose.
    let (_, audit) = app.get_html(&format!("/staff/audit?who={}&kind=access", staff.id)).await;
    let lines = texts(&audit, "tbody tr").join(" ");
    assert!(lines.contains("예약판 열람") && lines.contains("목적: 접수·예약 관리"), "{lines}");
    app.login_as("staff").await;
    assert_eq!(app.get("/staff/access-review").await.status().as_u16(), 403);
}

/// The retention is the center's setting: 3 to 10 years, stated in the policy and the consent
/// step, and the schedule keeps a closed case that long.
#[tokio::test]
async fn the_retention_is_the_centers_setting_in_the_policy_and_the_destruction() {
    let app = spawn_app_with_demo().await;
    let version = |n: u32| format!("{}.{n}", onestop::services::questionnaire::CONSENT_VERSION);
    let (_, policy) = app.get_html("/centers/gyeongnam/privacy").await;
    assert!(texts(&policy, "main").join(" ").contains(&format!("버전 {}", version(1))), "the first version");
    app.login_as("admin").await;
    let csrf = app.csrf_token("/staff/settings").await;
    let mut form =
        vec![("_csrf", csrf.as_str()), ("address_ko", "경상남도 창원시 의창구 창원대로 18"), ("retention_years", "2")];
    let r = app.post_form("/staff/settings", &form).await;
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    assert_eq!(texts(&page, "#retention_years-error"), ["보유 기간은 3에서 10 사이의 숫자(년)로 적어 주세요."]);
    assert!(page.contains("value=\"경상남도 창원시 의창구 창원대로 18\""), "the values come back");
    form[2] = ("retention_years", "5");
    assert_eq!(app.post_form("/staff/settings", &form).await.status().as_u16(), 303);
    // A new version states it; the earlier one is kept with what it stated.
    let (_, policy) = app.get_html("/centers/gyeongnam/privacy").await;
    let text = texts(&policy, "main").join(" ");
    assert!(text.contains("상담이 끝난 뒤 5년") && text.contains(&format!("버전 {}", version(2))), "{text}");
    let earlier = format!("/centers/gyeongnam/privacy?version={}", version(1));
    assert!(policy.contains(&earlier.replace('?', "?")), "the history links the earlier version");
    let (status, old) = app.get_html(&earlier).await;
    let old = texts(&old, "main").join(" ");
    assert!(status == 200 && old.contains("상담이 끝난 뒤 3년") && old.contains("예전 버전입니다"), "{old}");
    assert_eq!(app.get("/centers/gyeongnam/privacy?version=1999").await.status().as_u16(), 404);
    let client = browser_client();
    let base = crate::fixtures::start_draft(&app, &client, "gyeongnam").await;
    let consent = client.get(app.url(&format!("{base}/consent"))).send().await.unwrap().text().await.unwrap();
    assert!(texts(&consent, "main").join(" ").contains("상담 종료 후 5년"), "the consent states the center's period");
    crate::fixtures::post_step(&app, &client, &base, "consent", &[("consent", "yes")]).await;
    let token = base.trim_start_matches("/apply/");
    let (draft, _) = onestop::db::cases::with_center_by_token(&mut app.conn(), token).unwrap().unwrap();
    let given = onestop::db::provisions::consents_of_case(&mut app.conn(), draft.id).unwrap();
    assert!(!given.is_empty() && given.iter().all(|c| c.version == version(2)), "the consent names the version shown");

    // A case closed four years ago stays at this center; at three years it would have gone.
    let case = submitted_case(&app, &gyeongnam(&app), &["legal"]);
    app.exec(&format!(
        "UPDATE cases SET status = 'consulted', updated_at = '{0}', submitted_at = '{0}' WHERE id = {1}",
        (onestop::db::now() - Duration::days(4 * 366)).format("%Y-%m-%d %H:%M:%S"),
        case.id
    ));
    let destroy = |app: &TestApp| {
        onestop::services::retention::destroy_due(
            &mut app.conn(),
            onestop::db::now(),
            &app.db.data_dir(),
            onestop::services::retention::By::Command,
        )
        .unwrap()
    };
    assert_eq!(destroy(&app), 0, "kept for five years");
    app.exec("UPDATE center_contacts SET retention_years = 3");
    assert_eq!(destroy(&app), 1, "gone after three");
}
