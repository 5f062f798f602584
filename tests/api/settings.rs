//! The center's details (where to go, whom to call): the admin's settings page, and the center
//! page, the visit mail and the calendar file that show them.

use onestop::db::outbox;

use crate::fixtures::{booked_legal_case, parse_ics};
use crate::helpers::{spawn_app_with_demo, texts};

const GOOD: [(&str, &str); 10] = [
    ("address_ko", "경상남도 창원시 의창구 창원대로 18"),
    ("address_en", "18 Changwon-daero, Uichang-gu, Changwon"),
    ("place_ko", "2층 원스톱 서비스존"),
    ("place_en", "One-stop zone, 2nd floor"),
    ("phone", "055 123 4567"),
    ("email", "desk@gncenter.example"),
    ("directions_ko", "창원중앙역에서 버스 5분.\n지하 주차장 2시간 무료."),
    ("bring_ko", "사업자등록증 사본"),
    ("latitude", "35.2281"),
    ("longitude", "128.6811"),
];

#[tokio::test]
async fn an_admin_saves_where_to_go_and_the_center_page_the_mail_and_the_calendar_show_it() {
    let app = spawn_app_with_demo().await;
    // The demo's values are samples, and say so.
    let (_, page) = app.get_html("/centers/gyeongnam").await;
    assert!(page.contains("데모용 예시 정보입니다") && page.contains("예시로 1 (예시 주소)"), "{page}");

    // Staff keep the desk; the center's details are the admin's.
    app.login_as("staff").await;
    assert_eq!(app.get("/staff/settings").await.status().as_u16(), 403);
    app.login_as("admin").await;
    let (code, html) = app.get_html("/staff/settings").await;
    assert_eq!(code, 200);
    assert!(html.contains("데모용 예시입니다"), "the sample warning");

    // Bad values: every field says what is wrong, and nothing typed is lost.
    let csrf = app.csrf_token("/staff/settings").await;
    let mut bad: Vec<(&str, &str)> = GOOD.to_vec();
    bad.retain(|(k, _)| !matches!(*k, "phone" | "latitude" | "email"));
    bad.extend([("_csrf", csrf.as_str()), ("phone", "12"), ("latitude", "95"), ("email", "desk")]);
    let r = app.post_form("/staff/settings", &bad).await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert_eq!(
        texts(&html, "#error-summary li"),
        [
            "전화번호를 예와 같이 적어 주세요. 예: 055-123-4567",
            "이메일 주소 형식이 맞지 않습니다. 예: onestop@example.kr",
            "좌표는 숫자로 적어 주세요. 위도는 -90~90, 경도는 -180~180입니다."
        ]
    );
    assert!(html.contains("value=\"경상남도 창원시 의창구 창원대로 18\"") && html.contains("value=\"12\""));
    assert!(html.contains("지하 주차장 2시간 무료."), "the textarea keeps its text");

    let mut good: Vec<(&str, &str)> = GOOD.to_vec();
    good.push(("_csrf", &csrf));
    let r = app.post_form("/staff/settings", &good).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], "/staff/settings?saved=1");
    let (_, html) = app.get_html("/staff/settings?saved=1").await;
    assert!(html.contains("센터 정보를 저장했습니다") && !html.contains("데모용 예시입니다"), "{html}");
    assert!(html.contains("마지막 저장:") && html.contains("경남센터 관리자"));
    assert!(html.contains("value=\"055-123-4567\""), "the number as it is kept");

    // The center page: the address with a map link to the coordinates, a phone link, no sample mark.
    let (_, page) = app.get_html("/centers/gyeongnam").await;
    assert!(!page.contains("데모용 예시 정보입니다"));
    assert!(page.contains("경상남도 창원시 의창구 창원대로 18") && page.contains("2층 원스톱 서비스존"));
    assert!(page.contains("href=\"tel:0551234567\"") && page.contains("href=\"mailto:desk@gncenter.example\""));
    assert!(page.contains("href=\"https://map.kakao.com/link/map/"), "{page}");
    assert!(page.contains(",35.2281,128.6811\""));
    // In English, the English address; the Korean directions where no English was given.
    let en = crate::helpers::browser_client();
    en.get(app.url("/lang/en?next=/")).send().await.unwrap();
    let page = en.get(app.url("/centers/gyeongnam")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("18 Changwon-daero") && page.contains("지하 주차장"), "{page}");

    // A visit booked now: the mail says where to go and whom to call; the calendar has it too.
    let (_, case, _) = booked_legal_case(&app);
    let mail =
        outbox::for_case(&mut app.conn(), case.id).unwrap().into_iter().find(|m| m.kind == "visit_confirmed").unwrap();
    for want in [
        "주소: 경상남도 창원시 의창구 창원대로 18, 2층 원스톱 서비스존",
        "전화: 055-123-4567",
        "이메일: desk@gncenter.example",
        "오시는 방법: 창원중앙역에서 버스 5분.\n지하 주차장 2시간 무료.",
        "준비물: 사업자등록증 사본",
        "지도: https://map.kakao.com/link/map/",
    ] {
        assert!(mail.body_text.contains(want), "{want:?} in\n{}", mail.body_text);
    }
    let ics = mail.attachment_body.unwrap();
    let unfolded = ics.replace("\r\n ", "");
    assert!(
        unfolded.contains("LOCATION:경남창조경제혁신센터\\, 경상남도 창원시 의창구 창원대로 18\\, 2층 원스톱 서비스존"),
        "{ics}"
    );
    assert!(unfolded.contains("GEO:35.228100;128.681100"), "{ics}");
    assert!(parse_ics(&ics).is_none_or(|events| !events.is_empty()));
}
