//! The ministry's one-stop status report, from imported records, on both databases.

use crate::helpers::{TestDatabase, onestop_command};

fn run(db: &TestDatabase, args: &[&str]) -> (bool, String, String) {
    let out = onestop_command(db).args(args).output().unwrap();
    let err = format!("{}\n(exit: {:?})", String::from_utf8_lossy(&out.stderr), out.status);
    (out.status.success(), String::from_utf8(out.stdout).unwrap(), err)
}

fn total_lines(table: &str) -> Vec<Vec<String>> {
    table
        .lines()
        .filter(|l| l.starts_with("TOTAL"))
        .map(|l| l.split_whitespace().map(str::to_owned).collect())
        .collect()
}

#[test]
fn imported_records_reproduce_the_ministrys_table_and_importing_twice_adds_nothing() {
    let db = TestDatabase::new();
    let seed = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/seed_2015_consultations.csv");
    assert!(run(&db, &["migrate"]).0);
    let (ok, out, err) = run(&db, &["import", "consultations", seed]);
    assert!(ok, "{err}");
    assert_eq!(out.trim(), "imported 965 record(s); 0 already imported");
    let (ok, out, _) = run(&db, &["import", "consultations", seed]);
    assert!(ok);
    assert_eq!(out.trim(), "imported 0 record(s); 965 already imported", "the same file twice adds nothing");
    // The press release of 2015-07-22: 5.31. 95 | 165/32 | 195/128; 7.17. 208 | 290/111.05 | 467/142.
    let (ok, table, err) = run(&db, &["report", "onestop-status", "--as-of", "2015-05-31", "--compare", "2015-07-17"]);
    assert!(ok, "{err}");
    assert_eq!(
        total_lines(&table),
        vec![
            vec!["TOTAL", "2015-05-31", "95", "165", "32.00", "195", "128"],
            vec!["TOTAL", "2015-07-17", "208", "290", "111.05", "467", "142"],
        ]
    );
    assert_eq!(table.lines().count(), 1 + 17 * 2 + 2, "a row per center and date, then the totals");
    // One center, as CSV with a BOM (Excel reads Korean correctly).
    let (ok, csv, _) =
        run(&db, &["report", "onestop-status", "--as-of", "2015-07-17", "--center", "gyeongnam", "--format", "csv"]);
    assert!(ok);
    assert!(csv.starts_with('\u{feff}'));
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], "center,as_of,legal,finance,finance_eok,ip,patents");
    assert_eq!(lines.len(), 2);
    assert!(lines[1].starts_with("gyeongnam,2015-07-17,"));
    let (ok, _, err) = run(&db, &["report", "onestop-status", "--as-of", "2015-07-17", "--center", "atlantis"]);
    assert!(!ok && err.contains("no center with the slug `atlantis`"), "{err}");
}

#[test]
fn bad_rows_are_reported_by_line_and_nothing_is_imported() {
    let db = TestDatabase::new();
    assert!(run(&db, &["migrate"]).0);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.csv");
    std::fs::write(
        &file,
        "center,zone,consulted_on,company,brn,institution,executed_won,executed_on,patents_transferred\n\
         busan,legal,2015-05-02,좋은회사,,,,,\n\
         busan,finance,2015-13-40,나쁜날짜,,kodit,100,,\n\
         atlantis,legal,2015-05-02,없는센터,,,,,\n\
         busan,legal,2015-05-02,특허는IP만,,,,,3\n\
         busan,finance,2015-05-02,음수,,kodit,-5,,\n\
         busan,ip,2015-05-02,좋은IP,,,,,2\n",
    )
    .unwrap();
    let (ok, _, err) = run(&db, &["import", "consultations", file.to_str().unwrap()]);
    assert!(!ok);
    for (line, what) in [(3, "not a date"), (4, "unknown center"), (5, "IP records only"), (6, "0 or more")] {
        assert!(err.contains(&format!("line {line}: ")) && err.contains(what), "line {line}: {what}\n{err}");
    }
    assert!(!err.contains("line 2:") && !err.contains("line 7:"), "good rows are not reported: {err}");
    assert!(err.contains("nothing imported: 4 bad row(s)"));
    let (_, table, _) = run(&db, &["report", "onestop-status", "--as-of", "2030-01-01"]);
    assert_eq!(total_lines(&table), vec![vec!["TOTAL", "2030-01-01", "0", "0", "0.00", "0", "0"]], "nothing went in");
}

#[test]
fn an_amount_counts_on_its_execution_date_and_a_consultation_on_its_day() {
    let db = TestDatabase::new();
    assert!(run(&db, &["migrate"]).0);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("one.csv");
    std::fs::write(
        &file,
        "center,zone,consulted_on,company,brn,institution,executed_won,executed_on,patents_transferred\n\
         jeju,finance,2026-01-10,제주기업,,KIBO,100000000,2026-02-05\n\
         jeju,finance,2026-01-20,제주기업2,,ibk,50000000,\n",
    )
    .unwrap();
    let (ok, _, err) = run(&db, &["import", "consultations", file.to_str().unwrap()]);
    assert!(ok, "{err}");
    let jeju = |day: &str| {
        let (_, csv, _) =
            run(&db, &["report", "onestop-status", "--as-of", day, "--center", "jeju", "--format", "csv"]);
        csv.trim_start_matches('\u{feff}').lines().nth(1).unwrap().to_owned()
    };
    assert_eq!(jeju("2026-01-09"), "jeju,2026-01-09,0,0,0.00,0,0");
    assert_eq!(
        jeju("2026-01-31"),
        "jeju,2026-01-31,0,2,0.50,0,0",
        "the second amount has no execution date: its consultation day"
    );
    assert_eq!(jeju("2026-02-05"), "jeju,2026-02-05,0,2,1.50,0,0");
}

#[tokio::test]
async fn staff_see_their_centers_report_and_its_records_round_trip_through_csv() {
    let app = crate::helpers::spawn_app_with_demo().await;
    let seed = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/seed_2015_consultations.csv");
    let (ok, _, err) = run(&app.db, &["import", "consultations", seed]);
    assert!(ok, "{err}");
    let cli = |db: &TestDatabase| {
        let (_, csv, _) =
            run(db, &["report", "onestop-status", "--as-of", "2015-07-17", "--center", "gyeongnam", "--format", "csv"]);
        csv.trim_start_matches('\u{feff}').lines().nth(1).unwrap().to_owned()
    };
    let expected = cli(&app.db);
    let fields: Vec<&str> = expected.split(',').collect();
    app.login_as("staff").await;
    let (status, html) = app.get_html("/staff/reports?as_of=2015-07-17&compare=2015-05-31").await;
    assert_eq!(status, 200);
    let row = format!(
        "<th scope=\"row\">2015-07-17</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
        fields[2], fields[3], fields[4], fields[5], fields[6]
    );
    assert!(html.contains(&row), "the page shows the CLI's numbers: {row}");
    assert!(html.contains("<svg") && html.contains("<title id=\"chart-title\">"));
    // The other views for the quarter of the as-of day: finance by institution (imported
    // records have institutions), demand against capacity per zone.
    assert!(html.contains("2015-07-01 – 2015-09-30"), "the third quarter");
    assert!(html.contains("<th scope=\"row\">KODIT</th>") || html.contains("<th scope=\"row\">IBK</th>"));
    assert!(html.contains("앞으로 4주 예약 현황"));
    let views = app.get("/staff/reports/views.csv?as_of=2015-07-17").await.text().await.unwrap();
    assert!(views.starts_with('\u{feff}') && views.contains("quarterly,") && views.contains("capacity,"), "{views}");
    let r = app.get("/staff/reports/onestop-status.csv?as_of=2015-07-17").await;
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    let body = r.text().await.unwrap();
    assert!(body.starts_with('\u{feff}') && body.contains(&expected), "{body}");
    // The records, exported and imported into an empty database, give the same report.
    let records = app.get("/staff/reports/consultations.csv").await.text().await.unwrap();
    assert_eq!(app.count("access_log WHERE action = 'export_consultations'"), 1, "the export is recorded");
    let other = TestDatabase::new();
    assert!(run(&other, &["migrate"]).0);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("gyeongnam.csv");
    std::fs::write(&file, records.trim_start_matches('\u{feff}')).unwrap();
    let (ok, out, err) = run(&other, &["import", "consultations", file.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(out.starts_with("imported "), "{out}");
    assert_eq!(cli(&other), expected);
    // Staff import their own center's records from the page; another center's rows are refused.
    let csrf = app.csrf_token("/staff/reports").await;
    let upload = |body: &'static str| {
        let form = reqwest::multipart::Form::new()
            .part("file", reqwest::multipart::Part::bytes(body.as_bytes().to_vec()).file_name("records.csv"));
        app.client.post(app.url(&format!("/staff/reports/import?_csrf={csrf}"))).multipart(form).send()
    };
    let header = "center,zone,consulted_on,company,brn,institution,executed_won,executed_on,patents_transferred\n";
    let r =
        upload(Box::leak(format!("{header}busan,legal,2016-01-04,남의기록,,,,,\n").into_boxed_str())).await.unwrap();
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("center `busan` is not yours"));
    let r = upload(Box::leak(format!("{header}gyeongnam,legal,2016-01-04,우리기록,,,,,\n").into_boxed_str()))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.text().await.unwrap().contains("1건을 가져왔습니다"));
    // Experts have no report pages.
    app.login_as("legal").await;
    assert_eq!(app.get("/staff/reports").await.status().as_u16(), 403);
}

#[tokio::test]
async fn the_national_page_shows_the_ministrys_table() {
    let app = crate::helpers::spawn_app_with_demo().await;
    let seed = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/seed_2015_consultations.csv");
    let (ok, _, err) = run(&app.db, &["import", "consultations", seed]);
    assert!(ok, "{err}");
    // A center's staff member has no national page.
    app.login_as("staff").await;
    assert_eq!(app.get("/national/reports").await.status().as_u16(), 403);
    app.login_as("national").await;
    let (status, home) = app.get_html("/staff").await;
    assert_eq!(status, 200);
    assert!(home.contains("/national/reports"));
    assert!(home.contains("전국 관리자") && !home.contains("센터 관리자"), "the national account's role");
    assert_eq!(app.get("/staff/appointments").await.status().as_u16(), 403, "no desk for the national account");
    // One row per center, as of the later day with its change since the earlier one; the
    // national total set apart.
    let (status, html) = app.get_html("/national/reports?as_of=2015-07-17&compare=2015-05-31").await;
    assert_eq!(status, 200);
    let total = crate::helpers::texts(&html, "[aria-labelledby=national-caption] tfoot tr.total-row");
    assert_eq!(total, ["전국 합계208290111.05467142+113+125+79.05+272+14"], "{total:?}");
    assert_eq!(
        crate::helpers::texts(&html, "[aria-labelledby=national-caption] tbody tr").len(),
        17,
        "one row per center"
    );
    let heads = crate::helpers::texts(&html, "thead th[scope=colgroup]");
    assert_eq!(heads, ["2015-07-17 기준 누적", "2015-05-31 대비 증감"]);
    let (_, alone) = app.get_html("/national/reports?as_of=2015-05-31").await;
    assert_eq!(
        crate::helpers::texts(&alone, "[aria-labelledby=national-caption] tfoot tr.total-row"),
        ["전국 합계9516532.00195128"]
    );
    let csv = app.get("/national/reports.csv?as_of=2015-05-31&compare=2015-07-17").await.text().await.unwrap();
    assert!(
        csv.contains("TOTAL,2015-05-31,95,165,32.00,195,128")
            && csv.contains("TOTAL,2015-07-17,208,290,111.05,467,142")
    );
}

/// The report reads running totals kept by triggers; they must equal a count over every row
/// after imports, completions, executions recorded later, corrections and deletions — at year,
/// month and day boundaries.
#[test]
fn the_running_totals_always_equal_a_count_over_every_consultation() {
    use diesel::prelude::*;
    use onestop::services::reports::{onestop_status, onestop_status_by_scan};
    let db = TestDatabase::new();
    assert!(run(&db, &["migrate"]).0);
    let seed = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/seed_2015_consultations.csv");
    assert!(run(&db, &["import", "consultations", seed]).0);
    // Scale data on top: live consultations with amounts executed later and patents.
    let out = onestop_command(&db).args(["demo", "--scale", "3"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut conn = onestop::db::establish(&db.url).unwrap();
    let today = chrono::Utc::now().date_naive();
    let days: Vec<chrono::NaiveDate> = ["2015-05-31", "2015-06-01", "2015-07-17", "2015-12-31", "2016-01-01"]
        .iter()
        .map(|s| s.parse().unwrap())
        .chain((-40..5).map(|k| today + chrono::Duration::days(k)))
        .collect();
    let same = |conn: &mut onestop::db::DbConn, label: &str| {
        for &day in &days {
            for center in [None, Some(1)] {
                let a = onestop_status(conn, day, center).unwrap();
                let b = onestop_status_by_scan(conn, day, center).unwrap();
                assert_eq!(a.rows, b.rows, "{label}: as of {day}, center {center:?}");
                assert_eq!(a.total, b.total, "{label}: as of {day}");
            }
        }
    };
    same(&mut conn, "after the import and the scale data");
    let total = onestop_status(&mut conn, chrono::Utc::now().date_naive(), None).unwrap().total;
    assert!(total.legal > 0 && total.finance_won > 0 && total.patents > 0, "{total:?}");
    // Corrections by hand: dates moved across months and years, amounts and patents changed,
    // executions recorded, rows deleted.
    for sql in [
        "UPDATE consultations SET executed_won = 120000000, executed_on = consulted_on + 45 \
         WHERE id % 7 = 0 AND consulted_on IS NOT NULL",
        "UPDATE consultations SET executed_on = NULL WHERE id % 11 = 0",
        "UPDATE consultations SET patents_transferred = 2 WHERE id % 5 = 0",
        "UPDATE consultations SET consulted_on = consulted_on - 31 WHERE id % 13 = 0 AND consulted_on IS NOT NULL",
        "UPDATE consultations SET executed_won = NULL WHERE id % 17 = 0",
        "UPDATE consultations SET center_id = 2 WHERE id % 19 = 0",
        "DELETE FROM consultations WHERE id % 23 = 0",
    ] {
        // SQLite adds days to a date with date(); PostgreSQL with +.
        let sql = match db.url {
            onestop::config::DatabaseUrl::Sqlite(_) => sql
                .replace("consulted_on + 45", "date(consulted_on, '+45 days')")
                .replace("consulted_on - 31", "date(consulted_on, '-31 days')"),
            _ => sql.to_owned(),
        };
        diesel::sql_query(&sql).execute(&mut conn).unwrap();
        same(&mut conn, &sql);
    }
}

/// The report's demand table and the schedule page count the same seats: a visit booked inside
/// the minimum notice (tomorrow, say) is a booked seat, and the report's offered minus booked is
/// the schedule preview's four weeks of seats left, zone by zone.
#[tokio::test]
async fn the_report_and_the_schedule_count_the_same_seats() {
    let app = crate::helpers::spawn_app_with_demo().await;
    // A legal visit booked on its first full day, and one inside the notice (the next slot the
    // rules give, however soon).
    let (center, case, _) = crate::fixtures::booked_legal_case(&app);
    assert_eq!(onestop::db::appointments::live_of_case(&mut app.conn(), case.id).unwrap().len(), 1);
    let legal = onestop::db::centers::zones_of(&mut app.conn(), center.id)
        .unwrap()
        .into_iter()
        .find(|(_, k)| k.code == "legal")
        .unwrap()
        .0;
    let tz = onestop::services::availability::time_zone(&center);
    let now = onestop::db::now();
    let mut sched = onestop::db::schedule::zone_schedule(
        &mut app.conn(),
        &legal,
        onestop::domain::availability::local_date(tz, now),
        onestop::domain::availability::local_date(tz, now) + chrono::Duration::days(7),
    )
    .unwrap();
    sched.policy.min_notice = chrono::Duration::zero();
    let taken = onestop::db::schedule::taken_seats(&mut app.conn(), &[legal.id], now).unwrap();
    let soonest = onestop::domain::availability::free_slots(&sched, tz, now, &taken)
        .into_values()
        .flatten()
        .find(|s| s.free > 0)
        .expect("a legal slot within a week");
    let inside = crate::fixtures::submitted_case(&app, &center, &["legal"]);
    let leg = onestop::services::booking::Leg { zone_id: legal.id, starts_at: soonest.starts_at };
    let mut op = onestop::services::booking::Op::applicant(now);
    op.by = onestop::services::case_flow::ActingAs { actor: onestop::domain::Actor::Staff, user_id: None };
    op.override_notice = Some("전화로 요청".into());
    onestop::services::booking::reserve(&mut app.conn(), &center, &inside, &[leg], &op).unwrap();

    app.login_as("admin").await;
    let (_, report) = app.get_html("/staff/reports").await;
    let cells = |html: &str, row: &str| -> Vec<Vec<String>> {
        let doc = scraper::Html::parse_document(html);
        let (r, c) = (scraper::Selector::parse(row).unwrap(), scraper::Selector::parse("th, td").unwrap());
        doc.select(&r)
            .map(|tr| tr.select(&c).map(|x| x.text().collect::<String>().trim().to_owned()).collect())
            .collect()
    };
    let rows = cells(&report, "[aria-labelledby=cap-caption] tbody tr");
    let (_, schedule) = app.get_html("/staff/schedule").await;
    let previews = crate::helpers::texts(&schedule, "ul.preview");
    assert_eq!(rows.len(), 3, "{rows:?}");
    for (row, preview) in rows.iter().zip(&previews) {
        let (offered, booked): (i64, i64) = (row[1].parse().unwrap(), row[2].parse().unwrap());
        let left: i64 = preview
            .split("자리")
            .filter_map(|p| p.rsplit(": ").next().and_then(|x| x.trim().parse::<i64>().ok()))
            .sum();
        assert_eq!(offered - booked, left, "{row:?} against {preview}");
        if row[0] == "법률존" {
            assert_eq!(booked, 2, "both legal visits are booked seats: {row:?}");
        }
    }
}

/// The demo's sample visits of today sit on the zones' slots (with the institution on duty), so
/// the schedule does not list them as stranded and the demand table counts them.
#[tokio::test]
async fn the_demos_sample_visits_sit_on_todays_slots() {
    let app = crate::helpers::spawn_app_with_demo().await;
    let now = onestop::db::now();
    assert!(onestop::services::demo::load_samples(&mut app.conn(), now).unwrap() > 0);
    let center = crate::fixtures::gyeongnam(&app);
    let tz = onestop::services::availability::time_zone(&center);
    let today = onestop::domain::availability::local_date(tz, now);
    let day_start = onestop::domain::availability::to_utc(tz, today, chrono::NaiveTime::MIN).unwrap();
    let mut checked = 0;
    for (zone, _) in onestop::db::centers::zones_of(&mut app.conn(), center.id).unwrap() {
        let mut sched = onestop::db::schedule::zone_schedule(&mut app.conn(), &zone, today, today).unwrap();
        sched.policy.min_notice = chrono::Duration::zero();
        sched.policy.horizon_days = 1;
        let slots: Vec<_> = onestop::domain::availability::free_slots(&sched, tz, day_start, &Default::default())
            .into_values()
            .flatten()
            .collect();
        if slots.is_empty() {
            continue; // no hours today (a weekend): the sample keeps its fixed time
        }
        let visits = onestop::db::appointments::booked_from(&mut app.conn(), zone.id, day_start).unwrap();
        for v in visits {
            let slot = slots.iter().find(|s| s.starts_at == v.starts_at);
            assert!(slot.is_some_and(|s| s.ends_at == v.ends_at), "{v:?} is not on a slot of {slots:?}");
            checked += 1;
        }
    }
    eprintln!("{checked} sample visits checked against today's slots");
}

/// A center with no consultation yet: the chart says so instead of drawing nothing, rates over
/// nothing say "no records yet" instead of 0.0%, and empty tables say they are empty.
#[tokio::test]
async fn an_empty_report_says_it_is_empty() {
    let app = crate::helpers::spawn_app_with_demo().await;
    app.login_as("staff").await;
    let (status, html) = app.get_html("/staff/reports").await;
    assert_eq!(status, 200);
    assert!(!html.contains("<svg"), "no empty chart");
    let empty = crate::helpers::texts(&html, ".empty-state").join(" ");
    assert!(empty.contains("기록된 상담이 아직 없습니다"), "{empty}");
    let rates = crate::helpers::texts(&html, ".board-counts dd");
    assert_eq!(rates, ["아직 기록 없음"; 4], "{rates:?}");
    let rows = crate::helpers::texts(&html, "[aria-labelledby=inst-caption] tbody tr");
    assert_eq!(rows, ["이 기간에 기록된 상담이 없습니다."]);
    // With a consultation the chart is drawn with its legend and months in words.
    let seed = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/seed_2015_consultations.csv");
    let (ok, _, err) = run(&app.db, &["import", "consultations", seed]);
    assert!(ok, "{err}");
    let (_, html) = app.get_html("/staff/reports?as_of=2015-07-17").await;
    assert!(html.contains("<svg") && html.contains(">7월</text>"), "months labelled in words");
    assert_eq!(crate::helpers::texts(&html, ".chart-legend li"), ["법률존", "금융존", "IP존"]);
}

/// A fresh demo carries a year of history at every center: the report's chart, rates and
/// tables all have data in words, and the national table has every center's numbers.
#[tokio::test]
async fn the_demos_year_of_history_fills_every_report() {
    let app = crate::helpers::spawn_app_with_demo().await;
    let now = onestop::db::now();
    let (past, samples) = onestop::services::demo::load_history_and_samples(&mut app.conn(), now).unwrap();
    assert!(past > 17 * 100, "a few hundred visits per center and year: {past}");
    assert_eq!(samples, 6, "and the sample desk day");
    let again = onestop::services::demo::load_history_and_samples(&mut app.conn(), now).unwrap();
    assert_eq!(again, (0, 0), "once only");
    app.login_as("admin").await;
    // As of yesterday's end, a year back: each month of the last twelve has consultations.
    let (status, html) = app.get_html("/staff/reports").await;
    assert_eq!(status, 200);
    assert!(html.contains("<svg") && crate::helpers::texts(&html, ".empty-state").is_empty());
    let rates = crate::helpers::texts(&html, ".board-counts dd");
    assert!(rates.iter().all(|r| r != "아직 기록 없음"), "{rates:?}");
    let institutions = crate::helpers::texts(&html, "[aria-labelledby=inst-caption] tbody tr");
    assert!(institutions.len() >= 2, "{institutions:?}");
    let facets = crate::helpers::texts(&html, "[aria-labelledby=company-caption] tbody tr").join(" ");
    assert!(facets.contains("창업 3년 이내") && facets.contains("경상남도"), "facets in words: {facets}");
    assert!(facets.contains("업종C. 제조업"), "industry in words: {facets}");
    // Today's first visitor comes back: the legal expert's pre-brief shows the earlier visits.
    let returning: i64 = {
        use diesel::prelude::*;
        use onestop::db::schema::{case_answers, cases};
        cases::table
            .inner_join(case_answers::table)
            .filter(cases::created_at.ge(now - chrono::Duration::minutes(1)))
            .filter(case_answers::brn.is_not_null())
            .select(cases::id)
            .order(cases::id)
            .first(&mut *app.conn() as &mut onestop::db::DbConn)
            .unwrap()
    };
    app.login_as("legal").await;
    let (_, prebrief) = app.get_html(&format!("/expert/cases/{returning}")).await;
    let earlier = crate::helpers::texts(&prebrief, "section[aria-labelledby=p-earlier] li");
    assert!(!earlier.is_empty(), "earlier consultations of the company: {prebrief}");
    app.login_as("finance").await;
    let (_, follow_ups) = app.get_html("/expert/follow-ups").await;
    assert!(!follow_ups.contains("해당하는 항목이 없습니다"), "finance follow-ups are due: {follow_ups}");
    app.login_as("national").await;
    let (_, national) = app.get_html("/national/reports").await;
    let rows = crate::helpers::texts(&national, "[aria-labelledby=national-caption] tbody tr");
    assert_eq!(rows.len(), 17);
    let doc = scraper::Html::parse_document(&national);
    let legal = scraper::Selector::parse("[aria-labelledby=national-caption] tbody tr td:nth-of-type(1)").unwrap();
    let with_legal = doc.select(&legal).filter(|td| td.text().collect::<String>().trim() != "0").count();
    assert_eq!(with_legal, 17, "every center has legal consultations");
}
