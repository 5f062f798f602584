//! The press release's other tables (issue 19): the monthly figures form, the import from CSV
//! and XLSX, and the national roll-up in the press release's layout as of two days.

use chrono::NaiveDate;
use onestop::domain::activity::{Activity, FIGURES, index};

use crate::helpers::{TestApp, spawn_app_with_demo, texts};
use crate::report_check::enter_figures;

fn month_figures(app: &TestApp, center: i64) -> i64 {
    app.count(&format!("activity_figures WHERE center_id = {center}"))
}

#[tokio::test]
async fn the_figures_form_keeps_what_was_typed_and_says_per_field_what_is_wrong() {
    let app = spawn_app_with_demo().await;
    let c = crate::fixtures::gyeongnam(&app).id;
    app.login_as("staff").await;
    let (status, page) = app.get_html("/staff/reports/activity?month=2025-04").await;
    assert_eq!(status, 200);
    assert_eq!(texts(&page, "h1"), ["월간 실적 입력 2025년 4월"]);
    assert!(texts(&page, "main p.note").join(" ").contains("아직 입력하지 않았습니다"));
    let csrf = crate::helpers::csrf_from(&page).unwrap();
    let mut fields: Vec<(&str, &str)> = vec![("_csrf", &csrf), ("month", "2025-04")];
    for f in FIGURES {
        let v = match f.key {
            "mentoring" => "12a",
            "funding_cases" => "2",
            "revenue_won" => "1.234",
            "trainees" => "",
            _ => "0",
        };
        fields.push((f.key, v));
    }
    let r = app.post_form("/staff/reports/activity", &fields).await;
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    assert_eq!(
        texts(&page, "#error-summary li"),
        [
            "금액은 소수 둘째 자리(백만 원)까지 적습니다.",
            "0 이상의 정수로 적어 주세요.",
            "값을 적어 주세요. 없으면 0을 적습니다.",
        ]
    );
    assert!(page.contains(r#"value="12a""#) && page.contains(r#"value="1.234""#), "what was typed comes back");
    assert!(page.contains(r##"href="#mentoring""##), "each message links to its field");
    assert_eq!(month_figures(&app, c), 0, "nothing saved");

    // Funding cases without their amount, then a good month.
    let mut good: Vec<(&str, &str)> = vec![("_csrf", &csrf), ("month", "2025-04")];
    for f in FIGURES {
        good.push((f.key, if f.key == "funding_cases" { "2" } else { "0" }));
    }
    let r = app.post_form("/staff/reports/activity", &good).await;
    assert_eq!(r.status().as_u16(), 422);
    assert_eq!(texts(&r.text().await.unwrap(), "#error-summary li"), ["자금지원 건수가 있으면 금액도 적어 주세요."]);
    let given = [("mentoring", "1,050"), ("funding_cases", "2"), ("funding_won", "116.25"), ("revenue_won", "171.4")];
    enter_figures(&app, "2025-04", &given).await;
    let (_, page) = app.get_html("/staff/reports/activity?month=2025-04&saved=1").await;
    assert_eq!(texts(&page, "#saved p")[0], "2025년 4월 실적을 저장했습니다.");
    assert!(page.contains(r#"id="mentoring" name="mentoring" value="1050""#));
    assert!(page.contains(r#"id="funding_won" name="funding_won" value="116.25""#));
    assert!(page.contains(r#"id="revenue_won" name="revenue_won" value="171.40""#));
    assert_eq!(month_figures(&app, c), 12);

    // A month that has not begun is refused on its field, the values kept.
    let mut future: Vec<(&str, &str)> = vec![("_csrf", &csrf), ("month", "2999-01")];
    for f in FIGURES {
        future.push((f.key, "7"));
    }
    let r = app.post_form("/staff/reports/activity", &future).await;
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    assert_eq!(texts(&page, "#error-summary li"), ["아직 시작하지 않은 달은 입력할 수 없습니다."]);
    assert!(page.contains(r#"id="prototypes" name="prototypes" value="7""#));
    // Experts do not enter the center's figures.
    app.login_as("legal").await;
    assert_eq!(app.get_html("/staff/reports/activity").await.0, 403);
}

async fn upload(app: &TestApp, name: &str, bytes: Vec<u8>) -> (u16, String) {
    let csrf = app.csrf_token("/staff/reports/activity").await;
    let form =
        reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()));
    let r = app
        .client
        .post(app.url(&format!("/staff/reports/activity/import?_csrf={csrf}")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

fn header() -> String {
    std::iter::once("month").chain(FIGURES.iter().map(|f| f.key)).collect::<Vec<_>>().join(",")
}

#[tokio::test]
async fn importing_figures_from_csv_or_xlsx_saves_every_month_or_none() {
    let app = spawn_app_with_demo().await;
    let c = crate::fixtures::gyeongnam(&app).id;
    app.login_as("staff").await;
    let zeros = vec!["0"; FIGURES.len()].join(",");
    let row = |month: &str, mentoring: &str| {
        let mut cells = vec!["0".to_owned(); FIGURES.len()];
        cells[index("mentoring").unwrap()] = mentoring.to_owned();
        format!("{month},{}", cells.join(","))
    };
    // A bad count, a month twice, a month not begun: each reported by line, nothing saved.
    let bad = format!(
        "{}\n{}\n{}\n{}\n2999-01,{zeros}\n",
        header(),
        row("2025-01", "3"),
        row("2025-02", "x"),
        row("2025-01", "4")
    );
    let (status, page) = upload(&app, "figures.csv", bad.into_bytes()).await;
    assert_eq!(status, 422);
    assert_eq!(
        texts(&page, "#import-errors li"),
        [
            "3번째 줄: 멘토링·컨설팅(건): 0 이상의 정수로 적어 주세요.",
            "4번째 줄: month: 같은 달이 파일에 두 번 있습니다.",
            "5번째 줄: month: 아직 시작하지 않은 달은 입력할 수 없습니다.",
        ]
    );
    assert_eq!(month_figures(&app, c), 0);
    let (status, page) = upload(&app, "x.csv", b"month,incubated\n2025-01,1\n".to_vec()).await;
    assert_eq!(status, 422);
    assert!(texts(&page, "#import-errors li")[0].starts_with("1번째 줄: 신규채용(명): 첫 행에 이 열이 없습니다"));

    // Good: a CSV with a BOM, then the same months from an Excel sheet (the month as a date
    // cell, numbers as numbers), one of them changed.
    let good = format!("\u{feff}{}\n{}\n{}\n", header(), row("2025-01", "3"), row("2025-02", "5"));
    let (status, page) = upload(&app, "figures.csv", good.into_bytes()).await;
    assert_eq!(status, 200, "{}", texts(&page, "main").join(" "));
    assert_eq!(texts(&page, "#imported p")[0], "파일의 2개월을 읽었고, 그중 2개월의 값이 바뀌었습니다.");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm");
    for (i, h) in header().split(',').enumerate() {
        sheet.write_string(0, i as u16, h).unwrap();
    }
    for (r, (month, mentoring)) in [((2025, 1), 3.0), ((2025, 2), 8.0)].into_iter().enumerate() {
        let r = r as u32 + 1;
        let d = rust_xlsxwriter::ExcelDateTime::from_ymd(month.0, month.1, 1).unwrap();
        sheet.write_datetime_with_format(r, 0, &d, &date).unwrap();
        for (i, f) in FIGURES.iter().enumerate() {
            let v = match f.key {
                "mentoring" => mentoring,
                "funding_cases" if r == 2 => 1.0,
                "funding_won" if r == 2 => 2.5,
                _ => 0.0,
            };
            sheet.write_number(r, i as u16 + 1, v).unwrap();
        }
    }
    let (status, page) = upload(&app, "figures.xlsx", book.save_to_buffer().unwrap()).await;
    assert_eq!(status, 200, "{}", texts(&page, "main").join(" "));
    assert_eq!(texts(&page, "#imported p")[0], "파일의 2개월을 읽었고, 그중 1개월의 값이 바뀌었습니다.");
    // The export carries them back in the import's columns.
    let csv = app.get("/staff/reports/activity.csv").await.text().await.unwrap();
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], header());
    assert_eq!(lines.len(), 3);
    assert!(lines[2].starts_with("2025-02,0,0,0.00,0.00,0,8,0,0,0,1,2.50,0"), "{}", lines[2]);
    let (status, page) = upload(&app, "broken.xlsx", b"PK\x03\x04 not a workbook".to_vec()).await;
    assert_eq!(status, 422);
    assert_eq!(texts(&page, "#import-errors li"), ["엑셀 파일을 열 수 없습니다. .xlsx로 저장해 주세요."]);
}

/// `total` over `n` parts that sum to it (the first ones one more).
fn split(total: i64, n: usize) -> Vec<i64> {
    let n = n as i64;
    (0..n).map(|i| total / n + i64::from(i < total % n)).collect()
}

/// The press release of 2015-07-22, entered for the 17 centers in three months (January, May,
/// July) so that the sums as of 1.23, 5.31 and 7.17 are its numbers: the national tables print
/// them; a correction is a new version that the national tables then read.
#[tokio::test]
async fn the_press_release_tables_print_the_figures_the_17_centers_entered() {
    let app = spawn_app_with_demo().await;
    let gyeongnam = crate::fixtures::gyeongnam(&app).id;
    let mut centers: Vec<i64> = {
        let mut conn = app.conn();
        onestop::db::centers::all(&mut conn).unwrap().iter().map(|c| c.id).collect()
    };
    centers.sort_by_key(|id| *id != gyeongnam);
    assert_eq!((centers.len(), centers[0]), (17, gyeongnam));
    // National numbers per month: January = as of 1.23, May = 5.31 − 1.23, July = 7.17 − 5.31.
    let won = |eok_hundredths: i64| eok_hundredths * 1_000_000;
    let months: [(&str, Vec<(&str, i64)>); 3] = [
        ("2015-01", vec![("incubated", 45), ("mentoring", 1050), ("prototypes", 144), ("trainees", 4723)]),
        (
            "2015-05",
            vec![("tech_support", 46), ("funding_cases", 4), ("funding_won", won(6900)), ("market_support", 29)],
        ),
        (
            "2015-07",
            vec![
                ("incubated", 205),
                ("mentoring", 4036),
                ("prototypes", 818),
                ("trainees", 26307),
                ("new_hires", 75),
                ("revenue_won", won(17140)),
                ("investment_won", won(29900)),
                ("smes_supported", 125),
                ("tech_support", 11),
                ("funding_cases", 5),
                ("funding_won", won(4725)),
                ("market_support", 46),
            ],
        ),
    ];
    let mut per_center: Vec<Vec<Activity>> = vec![vec![Activity::default(); 3]; 17];
    for (m, (_, figures)) in months.iter().enumerate() {
        let cases = figures.iter().find(|(k, _)| *k == "funding_cases").map_or(0, |(_, v)| *v) as usize;
        for (key, total) in figures {
            // Funding amounts go to the centers with funding cases, in whole 0.01억.
            let parts = match *key {
                "funding_won" => split(total / 1_000_000, cases).into_iter().map(|p| p * 1_000_000).collect(),
                "funding_cases" => split(*total, cases),
                k if k.ends_with("_won") => split(total / 1_000_000, 17).into_iter().map(|p| p * 1_000_000).collect(),
                _ => split(*total, 17),
            };
            for (c, v) in parts.into_iter().enumerate() {
                per_center[c][m].0[index(key).unwrap()] = v;
            }
        }
    }
    // Sixteen centers through the service functions the pages call; the demo center through
    // its pages (the form, a CSV import) and its admin's submissions.
    let admin = {
        let mut conn = app.conn();
        onestop::db::users::by_email(&mut conn, &app.account("admin").email).unwrap().unwrap().id
    };
    let now = chrono::Utc::now().naive_utc();
    for (c, id) in centers.iter().enumerate().skip(1) {
        let mut conn = app.conn();
        for (m, (month, _)) in months.iter().enumerate() {
            let first = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").unwrap();
            onestop::services::activity::save(&mut conn, *id, first, &per_center[c][m], admin, now).unwrap();
            let staff = onestop::services::desk::Staff { user_id: admin, center_id: *id };
            onestop::services::submissions::submit(&mut conn, staff, first, "", 0, now).unwrap();
        }
    }
    app.login_as("admin").await;
    let mine = &per_center[0];
    let given: Vec<(&str, String)> = FIGURES.iter().enumerate().map(|(i, f)| (f.key, mine[0].text(i))).collect();
    let given: Vec<(&str, &str)> = given.iter().map(|(k, v)| (*k, v.as_str())).collect();
    enter_figures(&app, "2015-01", &given).await;
    let line =
        |m: &str, a: &Activity| format!("{m},{}", (0..FIGURES.len()).map(|i| a.text(i)).collect::<Vec<_>>().join(","));
    let file = format!("{}\n{}\n{}\n", header(), line("2015-05", &mine[1]), line("2015-07", &mine[2]));
    let (status, _) = upload(&app, "2015.csv", file.into_bytes()).await;
    assert_eq!(status, 200);
    for month in ["2015-01", "2015-05", "2015-07"] {
        let csrf = app.csrf_token(&format!("/staff/reports/check?month={month}")).await;
        let r = app.post_form("/staff/reports/submit", &[("_csrf", &csrf), ("month", month), ("reason", "")]).await;
        assert_eq!(crate::fixtures::location(&r), format!("/staff/reports/check?month={month}&submitted=1#submission"));
    }

    // The center's own tables: its months only, and up to which month they are added.
    let (_, page) = app.get_html("/staff/reports/results?as_of=2015-07-17").await;
    let mine_total: i64 = mine.iter().map(|a| a.get("mentoring")).sum();
    assert_eq!(texts(&page, "[aria-labelledby=startups-caption] tbody td")[1], mine_total.to_string());
    assert!(texts(&page, "main p.note").join(" ").contains("2015년 7월까지 제출한 달을 더했습니다"));

    app.login_as("national").await;
    let rows = |page: &str, table: &str| texts(page, &format!("[aria-labelledby={table}-caption] tbody tr"));
    let (status, page) = app.get_html("/national/results?as_of=2015-07-17&compare=2015-01-23").await;
    assert_eq!(status, 200);
    // <창업지원 활동 추진실적(누적)> 1.23: 45 | 1,050 | 144 | 4,723; 7.17: 250 | 5,086 | 962 | 31,030.
    assert_eq!(rows(&page, "startups"), ["2015. 1. 23.451,0501444,723", "2015. 7. 17.2505,08696231,030"]);
    // <혁신센터 주요 성과 현황(7.17 기준)> 250개사 | 75명 | 171억4천만원 | 299억원 | 125개사.
    assert_eq!(rows(&page, "main")[1], "2015. 7. 17.25075171.40299.00125");
    let cells = |page: &str, table: &str, row: usize| {
        let tr = scraper::Html::parse_document(page);
        let sel = scraper::Selector::parse(&format!("[aria-labelledby={table}-caption] tbody tr")).unwrap();
        let td = scraper::Selector::parse("td").unwrap();
        tr.select(&sel).nth(row).unwrap().select(&td).map(|c| c.text().collect::<String>()).collect::<Vec<_>>()
    };
    let (_, page) = app.get_html("/national/results?as_of=2015-07-17&compare=2015-05-31").await;
    // <지역 중소기업 지원 활동 추진실적> 5.31: 46 | 4/69 | 29; 7.17: 57 | 9/116.25 | 75.
    assert_eq!(cells(&page, "smes", 0), ["46", "4 / 69.00", "29"]);
    assert_eq!(cells(&page, "smes", 1), ["57", "9 / 116.25", "75"]);
    assert_eq!(cells(&page, "onestop", 1), ["0", "0 / 0.00", "0 / 0"], "no consultations recorded in 2015 here");
    assert!(texts(&page, "main p").join(" ").contains("모든 센터가 기준일까지 끝난 달을 모두 제출했습니다"));
    let csv = app.get("/national/results.csv?as_of=2015-07-17&compare=2015-05-31").await.text().await.unwrap();
    assert!(
        csv.lines().nth(2).unwrap().starts_with("2015-07-17,250,75,171.40,299.00,125,5086,962,31030,57,9,116.25,75,")
    );

    // A center corrects July (12 mentoring cases more): until it submits v2 the national
    // tables keep v1; then they read v2.
    let busan = centers[1];
    let mut july = per_center[1][2];
    july.0[index("mentoring").unwrap()] += 12;
    let first = NaiveDate::from_ymd_opt(2015, 7, 1).unwrap();
    {
        let mut conn = app.conn();
        onestop::services::activity::save(&mut conn, busan, first, &july, admin, now).unwrap();
    }
    let (_, page) = app.get_html("/national/results?as_of=2015-07-17").await;
    assert_eq!(cells(&page, "startups", 0)[1], "5,086");
    {
        let mut conn = app.conn();
        let staff = onestop::services::desk::Staff { user_id: admin, center_id: busan };
        assert_eq!(
            onestop::services::submissions::submit(&mut conn, staff, first, "멘토링 누락분", 0, now).unwrap(),
            2
        );
    }
    let (_, page) = app.get_html("/national/results?as_of=2015-07-17").await;
    assert_eq!(cells(&page, "startups", 0)[1], "5,098");
}
