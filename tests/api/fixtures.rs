//! What the tests share: cases made directly in the database, the questionnaire walked as a
//! person would, the calendar read by an independent parser, the real SMTP server. Test files
//! take these from here, never from each other.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

use onestop::db;
use onestop::db::answers::{self, CaseZone};
use onestop::db::cases::{self, Case};
use onestop::db::centers::{self, Center};
use onestop::domain::CaseEvent;
use onestop::services::availability;
use onestop::services::booking::{self, Leg};
use onestop::services::case_flow::{self, Fire};
use scraper::{Html, Selector};

use crate::helpers::{TestApp, csrf_from};

/// A submitted case routed to `zones`, made directly in the database (the questionnaire has
/// its own tests).
pub fn submitted_case(app: &TestApp, center: &Center, zones: &[&str]) -> Case {
    let mut conn = app.conn();
    let now = db::now();
    let (id, _) = case_flow::open_case(&mut conn, center.id, &center.ref_prefix, "ko", now).unwrap();
    case_flow::fire(&mut conn, &Fire::new(id, booking::APPLICANT, CaseEvent::Submit), now).unwrap();
    let rows: Vec<CaseZone> = zones
        .iter()
        .enumerate()
        .map(|(i, z)| CaseZone {
            case_id: id,
            zone_kind: z.to_string(),
            is_primary: i == 0,
            institution_code: None,
            explanation_ko: String::new(),
            explanation_en: String::new(),
            sort_order: i as i32,
        })
        .collect();
    answers::replace_zones(&mut conn, id, &rows).unwrap();
    let contact = answers::ContactChange {
        contact_name: Some("김지원"),
        contact_email: Some("jiwon@example.com"),
        contact_phone: Some("010-1234-5678"),
    };
    answers::insert_empty(&mut conn, id, now).unwrap();
    answers::save(&mut conn, id, "contact", contact, now).unwrap();
    cases::find(&mut conn, id).unwrap().unwrap()
}

/// Books the case's first offered visit (every leg of it), as the applicant would.
pub fn book_first_visit(app: &TestApp, center: &Center, case: &Case) {
    let now = db::now();
    let times = availability::for_case(&mut app.conn(), center, case.id, now).unwrap();
    let legs: Vec<Leg> =
        times.visits[0].legs.iter().map(|l| Leg { zone_id: l.zone_id, starts_at: l.starts_at }).collect();
    booking::reserve(&mut app.conn(), center, case, &legs, &booking::Op::applicant(now)).unwrap();
}

pub fn gyeongnam(app: &TestApp) -> Center {
    centers::by_slug(&mut app.conn(), "gyeongnam").unwrap().unwrap()
}

/// A case at the demo center with a legal visit booked on the first free slot; returns it
/// (reloaded) and the legal slots of that day for moving it.
pub fn booked_legal_case(app: &TestApp) -> (Center, Case, Vec<Leg>) {
    let center = gyeongnam(app);
    let case = submitted_case(app, &center, &["legal"]);
    let now = db::now();
    let times = availability::for_case(&mut app.conn(), &center, case.id, now).unwrap();
    // The first day with a full legal schedule (the first free day may be cut short by the
    // minimum notice, depending on the time of day the suite runs).
    let max = times.zones[0].days.values().map(Vec::len).max().unwrap();
    let (_, slots) = times.zones[0].days.iter().find(|(_, s)| s.len() == max).unwrap();
    let legs: Vec<Leg> = slots.iter().map(|s| Leg { zone_id: s.zone_id, starts_at: s.starts_at }).collect();
    booking::reserve(&mut app.conn(), &center, &case, &legs[..1], &booking::Op::applicant(now)).unwrap();
    let case = cases::find(&mut app.conn(), case.id).unwrap().unwrap();
    (center, case, legs)
}

/// Reads a calendar file with an independent parser, Python's icalendar (installed by
/// .ci/run): per event "METHOD start-in-UTC TZID UID SEQUENCE STATUS". `None` when the package
/// is missing (then only the text was checked).
pub fn parse_ics(ics: &str) -> Option<Vec<String>> {
    let script = r#"
import sys, datetime, icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.read())
for e in cal.walk('VEVENT'):
    start = e.decoded('dtstart').astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S%z')
    print(cal.get('method'), start, e['dtstart'].params.get('TZID'), e.get('uid'), e.get('sequence'), e.get('status'))
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(ics.as_bytes())?;
            child.wait_with_output()
        });
    match out {
        Ok(out) if out.status.success() => {
            Some(String::from_utf8(out.stdout).unwrap().lines().map(str::to_owned).collect())
        }
        Ok(out) if String::from_utf8_lossy(&out.stderr).contains("No module named") => {
            assert!(std::env::var("CI").is_err(), "CI must have Python icalendar");
            eprintln!("Python icalendar is not installed: checked the calendar file's text only");
            None
        }
        other => panic!("the independent parser refused the calendar: {other:?}\n{ics}"),
    }
}

/// Opens a draft at the center like a person would; returns the draft's base path.
pub async fn start_draft(app: &TestApp, client: &reqwest::Client, slug: &str) -> String {
    let page = client.get(app.url(&format!("/centers/{slug}/apply"))).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_from(&page).unwrap();
    let key = hidden(&page, "key");
    let r = client
        .post(app.url(&format!("/centers/{slug}/apply")))
        .form(&[("_csrf", csrf.as_str()), ("key", &key)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/apply/"), "{location}");
    location
}

pub fn hidden_value(html: &str, name: &str) -> String {
    hidden(html, name)
}

pub fn hidden(html: &str, name: &str) -> String {
    let doc = Html::parse_document(html);
    let sel = Selector::parse(&format!("input[name={name}]")).unwrap();
    doc.select(&sel).next().and_then(|e| e.value().attr("value")).unwrap().to_owned()
}

/// Posts a step's fields (with a fresh CSRF token from the step's page).
pub async fn post_step(
    app: &TestApp,
    client: &reqwest::Client,
    base: &str,
    step: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let page = client.get(app.url(&format!("{base}/{step}"))).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_from(&page).unwrap_or_default();
    let mut all = vec![("_csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    client.post(app.url(&format!("{base}/{step}"))).form(&all).send().await.unwrap()
}

pub const COMPANY: &[(&str, &str)] = &[
    ("company_name", "주식회사 원스톱랩"),
    ("brn", "1208147521"),
    ("representative", "김창업"),
    ("founded_on", "2024-03-02"),
    ("employees", "12"),
    ("industry", "J"),
    ("stage", "up_to_3y"),
    ("revenue_band", "under_1b"),
    ("region", "gyeongnam"),
];

pub const CONTACT: &[(&str, &str)] =
    &[("contact_name", "김담당"), ("contact_email", "kim@startup.example"), ("contact_phone", "010 1234 5678")];

pub fn location(r: &reqwest::Response) -> String {
    r.headers().get("location").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
}

/// Fills every step with valid answers; returns the base path, ready to submit.
pub async fn fill_all(app: &TestApp, client: &reqwest::Client, slug: &str) -> String {
    let base = start_draft(app, client, slug).await;
    let r = post_step(app, client, &base, "company", COMPANY).await;
    assert_eq!(location(&r), format!("{base}/contact"));
    let r = post_step(app, client, &base, "contact", CONTACT).await;
    assert_eq!(location(&r), format!("{base}/needs"));
    let needs = [
        ("topic", "guarantee"),
        ("topic", "patent"),
        ("weekday", "2"),
        ("weekday", "4"),
        ("preferred_time", "afternoon"),
        ("question", "기술보증과 특허 출원을 함께 상담받고 싶습니다."),
    ];
    let r = post_step(app, client, &base, "needs", &needs).await;
    assert_eq!(location(&r), format!("{base}/details"));
    let r = post_step(
        app,
        client,
        &base,
        "details",
        &[("finance_amount", "300,000,000"), ("finance_purpose", "양산 설비")],
    )
    .await;
    assert_eq!(location(&r), format!("{base}/documents"));
    let r = post_step(app, client, &base, "documents", &[]).await;
    assert_eq!(location(&r), format!("{base}/consent"));
    let r = post_step(app, client, &base, "consent", &[("consent", "yes"), ("third_party", "yes")]).await;
    assert_eq!(location(&r), format!("{base}/review"));
    base
}

/// Fills every step and sends the questionnaire, as a person would; returns the base path and
/// the case's id.
pub async fn submit_filled(app: &TestApp, client: &reqwest::Client, slug: &str) -> (String, i64) {
    let base = fill_all(app, client, slug).await;
    let review = client.get(app.url(&format!("{base}/review"))).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_from(&review).unwrap();
    client.post(app.url(&format!("{base}/submit"))).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
    let token = base.trim_start_matches("/apply/");
    let (case, _) = cases::with_center_by_token(&mut app.conn(), token).unwrap().unwrap();
    (base, case.id)
}

/// The Python SMTP server, killed when dropped.
pub struct SmtpSink {
    child: Child,
    dir: tempfile::TempDir,
    port: u16,
}

impl SmtpSink {
    /// `None` (the test is skipped) when aiosmtpd is missing on a developer's machine.
    pub fn start(args: &[&str]) -> Option<SmtpSink> {
        let has = std::process::Command::new("python3")
            .args(["-c", "import aiosmtpd"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !has {
            assert!(std::env::var("CI").is_err(), "CI must have Python aiosmtpd (see .ci/run)");
            eprintln!("Python aiosmtpd is not installed: skipping a real-SMTP test");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new("python3")
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tools/smtp_sink.py"))
            .arg("--dir")
            .arg(dir.path())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let port = line.trim().strip_prefix("PORT ").and_then(|p| p.parse().ok()).expect("the sink's port");
        Some(SmtpSink { child, dir, port })
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn messages(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(self.dir.path().join("messages.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    pub fn stalled(&self) -> bool {
        self.dir.path().join("stalled").exists()
    }

    pub fn release(&self) {
        std::fs::write(self.dir.path().join("release"), "go").unwrap();
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Each outbox row's Message-ID → how many times the server got it.
pub fn received(sink: &SmtpSink) -> HashMap<String, usize> {
    let mut seen = HashMap::new();
    for m in sink.messages() {
        *seen.entry(m["message_id"].as_str().unwrap().to_owned()).or_insert(0) += 1;
    }
    seen
}

/// When to put visits that must start on the center's today, about now: `after` minutes from
/// now, or — late in the evening, when the last of them (`span` minutes after the first) would
/// start after local midnight — so that the last starts a minute before midnight. "Today's
/// visits" tests then pass at any hour (they failed from about 23:10 in Seoul).
pub fn today_at(app: &TestApp, after: i64, span: i64) -> chrono::NaiveDateTime {
    use chrono::TimeZone;
    let now = db::now();
    let tz = availability::time_zone(&gyeongnam(app));
    let today = onestop::domain::availability::local_date(tz, now);
    let start = now + chrono::Duration::minutes(after);
    if onestop::domain::availability::local_date(tz, start + chrono::Duration::minutes(span)) == today {
        return start;
    }
    let midnight = tz
        .from_local_datetime(&(today + chrono::Duration::days(1)).and_hms_opt(0, 0, 0).unwrap())
        .earliest()
        .unwrap()
        .naive_utc();
    midnight - chrono::Duration::minutes(span + 1)
}

/// The link of the day with the most free times on a "choose a day" page (the first of those).
pub fn busiest_day(days_page: &str) -> String {
    let doc = scraper::Html::parse_document(days_page);
    let link = scraper::Selector::parse("a.day-link").unwrap();
    let free = scraper::Selector::parse(".day-free").unwrap();
    let count = |a: &scraper::ElementRef| -> usize {
        let text: String = a.select(&free).flat_map(|e| e.text()).collect();
        text.chars().filter(char::is_ascii_digit).collect::<String>().parse().unwrap_or(0)
    };
    let mut best: Option<(usize, String)> = None;
    for a in doc.select(&link) {
        let n = count(&a);
        if best.as_ref().is_none_or(|(b, _)| n > *b) {
            best = Some((n, a.value().attr("href").unwrap().to_owned()));
        }
    }
    best.expect("a day to choose").1
}

/// The booking's second page as a person reaches it: the days, then the busiest day's times.
pub async fn times_page(app: &TestApp, client: &reqwest::Client, base: &str) -> String {
    let days = client.get(app.url(&format!("{base}/book"))).send().await.unwrap().text().await.unwrap();
    client.get(app.url(&busiest_day(&days))).send().await.unwrap().text().await.unwrap()
}

/// The case's booked visit moved `days_ago` into the past and marked not attended.
pub fn missed_visit(app: &TestApp, case_id: i64, days_ago: i64) -> chrono::NaiveDateTime {
    let at = (chrono::Utc::now().naive_utc() - chrono::Duration::days(days_ago)).date().and_hms_opt(1, 0, 0).unwrap();
    app.exec(&format!(
        "UPDATE appointments SET status = 'no_show', starts_at = '{}', ends_at = '{}' WHERE case_id = {case_id}",
        at.format("%Y-%m-%d %H:%M:%S"),
        (at + chrono::Duration::minutes(30)).format("%Y-%m-%d %H:%M:%S"),
    ));
    at
}

/// An earlier case of the company the questionnaire fills in (its business number), with its
/// visit booked.
pub fn earlier_case_of_company(app: &TestApp, zones: &[&str]) -> i64 {
    let center = gyeongnam(app);
    let case = submitted_case(app, &center, zones);
    if zones.len() > 1 {
        book_first_visit(app, &center, &case);
    } else {
        // One zone: its first free time.
        use onestop::services::{availability, booking};
        let now = chrono::Utc::now().naive_utc();
        let times = availability::for_case(&mut app.conn(), &center, case.id, now).unwrap();
        let slot = times.zones[0].days.values().next().unwrap()[0].clone();
        let legs = [booking::Leg { zone_id: slot.zone_id, starts_at: slot.starts_at }];
        booking::reserve(&mut app.conn(), &center, &case, &legs, &booking::Op::applicant(now)).unwrap();
    }
    app.exec(&format!("UPDATE case_answers SET brn = '120-81-47521' WHERE case_id = {}", case.id));
    case.id
}

/// A mailer over `transport` for one test (worker "test", a minute's retry base).
pub fn mailer(transport: onestop::services::mailer::Transport, max_attempts: u32) -> onestop::services::mailer::Mailer {
    onestop::services::mailer::Mailer {
        transport,
        from: "no-reply@onestop.test".into(),
        settings: onestop::config::MailSettings {
            transport: onestop::config::MailTransport::Memory,
            max_attempts,
            retry_base: std::time::Duration::from_secs(60),
            lease: std::time::Duration::from_secs(120),
            poll: None,
        },
        worker: "test".into(),
    }
}

/// The SMTP transport to the sink.
pub fn smtp(sink: &SmtpSink) -> onestop::services::mailer::Transport {
    onestop::services::mailer::Transport::new(
        &onestop::config::MailTransport::Smtp(sink.url()),
        std::path::Path::new("."),
    )
    .unwrap()
}
