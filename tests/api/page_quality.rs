//! Page quality: every page reachable from `/` and from the sign-in page, in Korean and
//! English, signed out and signed in, plus the error states (a form with errors, 404, 500),
//! must pass the Nu Html Checker without errors and axe-core (WCAG 2.x A/AA and best practice)
//! in headless Chromium without violations; no page may scroll sideways at 320 px.
//! Screenshots of every page land in `target/page-quality/`.
//!
//! Tools: Debian `chromium` and `chromium-driver`, Java, and npm `vnu-jar` and `axe-core` in
//! `tests/tools/node_modules` (`npm ci --ignore-scripts` there). Without them the test says so
//! and passes, unless ONESTOP_PAGE_QUALITY=required (as `.ci/run` sets), when it fails.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use scraper::{Html, Selector};
use thirtyfour::ChromiumLikeCapabilities;
use thirtyfour::prelude::*;

use crate::fixtures as q;
use crate::helpers::{TestApp, browser_client, csrf_from, spawn_app, spawn_app_with_demo, submit_login};

pub(crate) struct Tools {
    vnu_jar: PathBuf,
    axe_js: PathBuf,
    chromium: PathBuf,
    chromedriver: PathBuf,
}

fn env_path(var: &str, default: PathBuf) -> PathBuf {
    std::env::var_os(var).map(PathBuf::from).unwrap_or(default)
}

/// The browser tools, or `None` after saying that `what` was skipped — which fails instead
/// when `ONESTOP_PAGE_QUALITY=required` (CI).
pub(crate) fn tools_or_skip(what: &str) -> Option<Tools> {
    match find_tools() {
        Ok(t) => Some(t),
        Err(why) if std::env::var("ONESTOP_PAGE_QUALITY").as_deref() == Ok("required") => {
            panic!("browser tools are required for the {what} but {why}")
        }
        Err(why) => {
            eprintln!("{what} SKIPPED: {why} (see tests/api/page_quality.rs; .ci/run installs the tools)");
            None
        }
    }
}

fn find_tools() -> Result<Tools, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let modules = root.join("tests/tools/node_modules");
    let tools = Tools {
        vnu_jar: env_path("ONESTOP_VNU_JAR", modules.join("vnu-jar/build/dist/vnu.jar")),
        axe_js: env_path("ONESTOP_AXE_JS", modules.join("axe-core/axe.min.js")),
        chromium: env_path("CHROMIUM", PathBuf::from("/usr/bin/chromium")),
        chromedriver: env_path("CHROMEDRIVER", PathBuf::from("/usr/bin/chromedriver")),
    };
    for p in [&tools.vnu_jar, &tools.axe_js, &tools.chromium, &tools.chromedriver] {
        if !p.exists() {
            return Err(format!("{} is missing", p.display()));
        }
    }
    if Command::new("java").arg("-version").output().is_err() {
        return Err("java is missing".into());
    }
    Ok(tools)
}

/// One page state to check.
#[derive(Debug, Clone)]
struct Page {
    name: String,
    lang: &'static str,
    signed_in: bool,
    path: String,
    html: String,
}

/// Follows same-site links from the start paths with a client that already has its cookies.
async fn crawl(app: &TestApp, client: &reqwest::Client, starts: &[&str]) -> Vec<(String, String)> {
    let link = Selector::parse("a[href]").unwrap();
    let mut seen = BTreeSet::new();
    let mut queue: VecDeque<String> = starts.iter().map(|s| s.to_string()).collect();
    let mut out = Vec::new();
    // Pages of one shape (the same path but for numbers: days, case ids, page numbers) are
    // checked three times at most, so that "next day" links do not lead on for ever.
    let mut shapes: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    while let Some(path) = queue.pop_front() {
        if !seen.insert(path.clone()) || seen.len() > 300 {
            continue;
        }
        let shape: String = path.chars().map(|c| if c.is_ascii_digit() { '0' } else { c }).collect();
        let n = shapes.entry(shape).or_insert(0);
        *n += 1;
        if *n > 3 {
            continue;
        }
        let r = client.get(app.url(&path)).send().await.unwrap();
        let status = r.status().as_u16();
        assert_eq!(status, 200, "{path} answered {status} during the crawl");
        // Downloads (CSV, calendar files) are not pages.
        let is_html =
            r.headers().get("content-type").and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
        if !is_html {
            continue;
        }
        let html = r.text().await.unwrap();
        for a in Html::parse_document(&html).select(&link) {
            let href = a.value().attr("href").unwrap();
            let href = href.split('#').next().unwrap();
            let local = href.strip_prefix(&app.address).unwrap_or(href);
            // The language switch and static files are not pages; other sites are not ours.
            if local.starts_with('/')
                && !local.starts_with("//")
                && !local.starts_with("/lang/")
                && !local.starts_with("/static/")
            {
                queue.push_back(local.to_owned());
            }
        }
        out.push((path, html));
    }
    out
}

async fn client_for(app: &TestApp, lang: &str, signed_in_as: Option<&str>) -> reqwest::Client {
    let client = browser_client();
    client.get(app.url(&format!("/lang/{lang}?next=/"))).send().await.unwrap();
    if let Some(local) = signed_in_as {
        let a = app.account(local);
        let r = submit_login(app, &client, &a.email, a.password.expose()).await;
        assert_eq!(r.status().as_u16(), 303);
    }
    client
}

/// `/centers/jeju/apply` → `/centers/*/apply`; `/apply/TOKEN/needs` → `/apply/*/needs`.
fn pattern_of(path: &str) -> String {
    let mut parts: Vec<&str> = path.split('/').collect();
    if parts.len() > 2 && (parts[1] == "centers" || parts[1] == "apply") {
        parts[2] = "*";
    }
    parts.join("/")
}

fn name_of(path: &str) -> String {
    let n: String = path.trim_matches('/').chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    if n.is_empty() { "home".into() } else { n }
}

/// Runs the Nu Html Checker once over all pages; returns its errors, by page.
fn html_errors(tools: &Tools, pages: &[Page], dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    for (i, p) in pages.iter().enumerate() {
        let f = dir.join(format!("{i:03}.html"));
        std::fs::write(&f, &p.html).unwrap();
        files.push(f);
    }
    let out = Command::new("java")
        .arg("-jar")
        .arg(&tools.vnu_jar)
        .args(["--errors-only", "--format", "json", "--exit-zero-always"])
        .args(&files)
        .output()
        .expect("java runs the Nu Html Checker");
    let report: serde_json::Value = serde_json::from_slice(&out.stderr)
        .unwrap_or_else(|e| panic!("the checker's report is JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    let messages = report["messages"].as_array().expect("messages").clone();
    messages
        .iter()
        .map(|m| {
            let url = m["url"].as_str().unwrap_or("");
            let idx: usize = url
                .rsplit('/')
                .next()
                .and_then(|f| f.strip_suffix(".html"))
                .and_then(|n| n.parse().ok())
                .unwrap_or(usize::MAX);
            let page = pages.get(idx).map_or("?".to_string(), |p| p.name.clone());
            format!("{page} line {}: {}", m["lastLine"], m["message"].as_str().unwrap_or(""))
        })
        .collect()
}

pub(crate) struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) async fn start_chromedriver(tools: &Tools) -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(&tools.chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let status = format!("http://127.0.0.1:{port}/status");
    for _ in 0..100 {
        if reqwest::get(&status).await.is_ok() {
            return Driver { child, port };
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not answer");
}

async fn browser(tools: &Tools, driver: &Driver, profile: &Path) -> WebDriver {
    browser_with(tools, driver, profile, true).await
}

/// A Chromium session; `javascript: false` blocks page scripts as a browser setting would.
pub(crate) async fn browser_with(tools: &Tools, driver: &Driver, profile: &Path, javascript: bool) -> WebDriver {
    let mut caps = DesiredCapabilities::chrome();
    if !javascript {
        caps.add_experimental_option(
            "prefs",
            serde_json::json!({ "profile.managed_default_content_settings.javascript": 2 }),
        )
        .unwrap();
    }
    caps.set_binary(tools.chromium.to_str().unwrap()).unwrap();
    for arg in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        &format!("--user-data-dir={}", profile.display()),
    ] {
        caps.add_arg(arg).unwrap();
    }
    let d = WebDriver::new(format!("http://127.0.0.1:{}", driver.port), caps).await.expect("a Chromium session");
    d.set_window_rect(0, 0, 1280, 1000).await.unwrap();
    d
}

const AXE_RUN: &str = r#"
return axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } })
  .then(r => r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + ' — ' + v.nodes.map(n => n.target.join(' ')).join(', ')));
"#;

/// The codes of the product's vocabularies (stored and sent in forms, never meant to be read):
/// (codes with an underscore, wrong on any page; one-word codes, wrong as words on Korean
/// pages — in English some are plain words).
fn vocabulary_codes() -> (Vec<String>, Vec<String>) {
    use onestop::domain::questionnaire::{PreferredTime, RevenueBand, Stage, Topic, TransferDirection};
    let mut all: Vec<String> = Vec::new();
    all.extend(Stage::ALL.iter().map(|v| v.code().to_owned()));
    all.extend(RevenueBand::ALL.iter().map(|v| v.code().to_owned()));
    all.extend(Topic::ALL.iter().map(|v| v.code().to_owned()));
    all.extend(PreferredTime::ALL.iter().map(|v| v.code().to_owned()));
    all.extend(TransferDirection::ALL.iter().map(|v| v.code().to_owned()));
    all.extend(onestop::domain::documents::KINDS.iter().map(|c| (*c).to_owned()));
    let c = &onestop::domain::consultation::LEGAL_ADVICE;
    all.extend(c.iter().chain(&onestop::domain::consultation::IP_ADVICE).map(|c| (*c).to_owned()));
    all.extend(onestop::domain::consultation::FINANCE_PRODUCTS.iter().map(|c| (*c).to_owned()));
    all.extend(onestop::domain::CaseStatus::ALL.iter().map(|v| v.as_str().to_owned()));
    all.extend(onestop::domain::AppointmentStatus::ALL.iter().map(|v| v.as_str().to_owned()));
    all.extend(onestop::domain::message::MessageKind::ALL.iter().map(|v| v.as_str().to_owned()));
    all.extend(onestop::domain::Role::ALL.iter().map(|v| v.as_str().to_owned()));
    all.extend(["legal", "finance", "ip"].map(str::to_owned));
    all.sort();
    all.dedup();
    all.into_iter().partition(|c| c.contains('_'))
}

/// Visible text that is a vocabulary code, and a KSIC section letter standing alone.
const CODES_SHOWN: &str = r#"
const [anyLang, koOnly] = arguments;
const all = new Set(anyLang.concat(koOnly)), some = new Set(anyLang);
const found = new Set();
// Text nodes in the language they are marked with: an English mail's subject on a Korean page
// (lang="en") may say "booked".
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const parent = node.parentElement;
  if (!parent || parent.closest('script, style, template')) { continue; }
  const lang = (parent.closest('[lang]') || document.documentElement).getAttribute('lang');
  const codes = lang === 'ko' ? all : some;
  for (const raw of node.textContent.split(/[\s,;:!?()\[\]{}"'“”‘’·…→|]+/)) {
    const token = raw.replace(/^\.+|\.+$/g, '');
    if (codes.has(token)) { found.add(token); }
  }
}
for (const el of document.body.querySelectorAll('*')) {
  if (el.children.length === 0 && /^[A-U]$/.test(el.textContent.trim()) && el.getClientRects().length > 0) {
    found.add('a bare KSIC letter "' + el.textContent.trim() + '" in <' + el.tagName.toLowerCase() + '>');
  }
}
return Array.from(found);
"#;

/// Interactive elements smaller than 24×24 CSS px (WCAG 2.2 2.5.8). A link inside running text
/// is exempt (the "inline" exception); a radio or checkbox counts with its label, which takes
/// the click; visually hidden elements (the skip link until focused) are not targets.
const SMALL_TARGETS: &str = r#"
const small = [];
const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' "' + (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 30) + '"';
for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')) {
  let r = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  if (r.width <= 1 || r.height <= 1 || style.visibility === 'hidden') { continue; }
  if (el.tagName === 'A' && style.display === 'inline') {
    const block = el.closest('p, li, dd, td, th, label, legend, h1, h2, h3, figcaption');
    if (block && block.innerText.trim().length > el.innerText.trim().length + 1) { continue; }
  }
  if (el.type === 'radio' || el.type === 'checkbox') {
    const label = el.id && document.querySelector('label[for="' + el.id + '"]');
    if (label) {
      const l = label.getBoundingClientRect();
      r = { width: Math.max(r.right, l.right) - Math.min(r.left, l.left), height: Math.max(r.bottom, l.bottom) - Math.min(r.top, l.top) };
    }
  }
  if (r.width < 24 || r.height < 24) { small.push(describe(el) + ' ' + Math.round(r.width) + '×' + Math.round(r.height)); }
}
return small;
"#;

/// What the two checks above find on the page now shown.
async fn words_and_targets(d: &WebDriver, name: &str, width: u32, problems: &mut Vec<String>) {
    let (any_lang, ko_only) = vocabulary_codes();
    let ret = d.execute(CODES_SHOWN, vec![serde_json::json!(any_lang), serde_json::json!(ko_only)]).await.unwrap();
    for v in ret.json().as_array().cloned().unwrap_or_default() {
        problems.push(format!("{name}: shows the code {}", v.as_str().unwrap_or("?")));
    }
    let ret = d.execute(SMALL_TARGETS, Vec::<serde_json::Value>::new()).await.unwrap();
    for v in ret.json().as_array().cloned().unwrap_or_default() {
        problems.push(format!("{name}: target under 24×24 px at {width} px: {}", v.as_str().unwrap_or("?")));
    }
}

/// Checks the page now shown: axe violations, vocabulary codes shown as text, targets under
/// 24×24 px, and sideways scrolling at 320 px.
async fn check_in_browser(d: &WebDriver, axe: &str, name: &str, shots: &Path, problems: &mut Vec<String>) {
    d.execute(axe, Vec::<serde_json::Value>::new()).await.unwrap();
    let ret = d.execute(AXE_RUN, Vec::<serde_json::Value>::new()).await.unwrap();
    for v in ret.json().as_array().cloned().unwrap_or_default() {
        problems.push(format!("{name}: axe {}", v.as_str().unwrap_or("?")));
    }
    words_and_targets(d, name, 1280, problems).await;
    d.screenshot(&shots.join(format!("{name}.png"))).await.unwrap();
    d.set_window_rect(0, 0, 320, 800).await.unwrap();
    words_and_targets(d, name, 320, problems).await;
    let ret = d
        .execute(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth];",
            Vec::<serde_json::Value>::new(),
        )
        .await
        .unwrap();
    let dims = ret.json().as_array().cloned().unwrap_or_default();
    let (scroll, client) = (dims[0].as_i64().unwrap_or(0), dims[1].as_i64().unwrap_or(0));
    if scroll > client {
        problems.push(format!("{name}: scrolls sideways at 320 px ({scroll} > {client})"));
    }
    d.screenshot(&shots.join(format!("{name}-320.png"))).await.unwrap();
    // Experts walk with a phone: their pages are checked at 375 px as well.
    if name.contains("-legal-") {
        d.set_window_rect(0, 0, 375, 812).await.unwrap();
        words_and_targets(d, name, 375, problems).await;
        let (scroll, client) = scroll_and_client(d, "Width").await;
        if scroll > client {
            problems.push(format!("{name}: scrolls sideways at 375 px ({scroll} > {client})"));
        }
        d.screenshot(&shots.join(format!("{name}-375.png"))).await.unwrap();
    }
    // The lobby board fills a TV: nothing to scroll at 1920×1080.
    if name.contains("lobby") {
        d.set_window_rect(0, 0, 1920, 1080).await.unwrap();
        let inner: (i64, i64) = {
            let r = d
                .execute("return [window.innerWidth, window.innerHeight];", Vec::<serde_json::Value>::new())
                .await
                .unwrap();
            let v = r.json().as_array().cloned().unwrap_or_default();
            (v[0].as_i64().unwrap_or(0), v[1].as_i64().unwrap_or(0))
        };
        // The window's outer size includes the browser's frame: size the viewport itself.
        d.set_window_rect(0, 0, 1920 + (1920 - inner.0 as u32), 1080 + (1080 - inner.1 as u32)).await.unwrap();
        for dim in ["Width", "Height"] {
            let (scroll, client) = scroll_and_client(d, dim).await;
            if scroll > client {
                problems.push(format!("{name}: does not fit 1920×1080 ({dim} {scroll} > {client})"));
            }
        }
        d.screenshot(&shots.join(format!("{name}-1920.png"))).await.unwrap();
    }
    d.set_window_rect(0, 0, 1280, 1000).await.unwrap();
}

/// The document's scroll size and the viewport's client size along one dimension.
async fn scroll_and_client(d: &WebDriver, dim: &str) -> (i64, i64) {
    let js = format!("return [document.documentElement.scroll{dim}, document.documentElement.client{dim}];");
    let r = d.execute(&js, Vec::<serde_json::Value>::new()).await.unwrap();
    let v = r.json().as_array().cloned().unwrap_or_default();
    (v[0].as_i64().unwrap_or(0), v[1].as_i64().unwrap_or(0))
}

pub(crate) async fn browser_sign_in(d: &WebDriver, app: &TestApp, local: &str) {
    let a = app.account(local);
    d.goto(app.url("/staff/login")).await.unwrap();
    d.find(By::Id("email")).await.unwrap().send_keys(&a.email).await.unwrap();
    d.find(By::Id("password")).await.unwrap().send_keys(a.password.expose()).await.unwrap();
    d.find(By::Css("form.krds-form button[type=submit]")).await.unwrap().click().await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let landing = match local {
        "legal" | "finance" | "ip" => "/expert",
        "national" => "/national/reports",
        _ => "/staff/appointments",
    };
    assert!(d.current_url().await.unwrap().as_str().ends_with(landing), "signed in through the browser, at {landing}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_passes_the_html_checker_and_axe_in_chromium() {
    let Some(tools) = tools_or_skip("page-quality check") else { return };
    let app = spawn_app_with_demo().await;
    // A booked visit, so that the staff mailbox has messages to list and open.
    crate::fixtures::booked_legal_case(&app);
    // A legal visitor today, checked in and called in: the expert's queue links its pre-brief
    // with the outcome form.
    let in_consultation = {
        use diesel::prelude::*;
        use onestop::db::schema::appointments as t;
        let (center, case, _) = crate::fixtures::booked_legal_case(&app);
        let now = onestop::db::now();
        let appt = onestop::db::appointments::live_of_case(&mut app.conn(), case.id).unwrap().remove(0);
        let at = crate::fixtures::today_at(&app, 10, 0);
        diesel::update(t::table.find(appt.id))
            .set((t::starts_at.eq(at), t::ends_at.eq(at + chrono::Duration::minutes(30))))
            .execute(&mut *app.conn())
            .unwrap();
        let user = |local: &str| {
            onestop::db::users::by_email(&mut app.conn(), &app.account(local).email.clone()).unwrap().unwrap()
        };
        let staff = onestop::services::desk::Staff { user_id: user("staff").id, center_id: center.id };
        onestop::services::desk::check_in(&mut app.conn(), staff, appt.id, case.version, now).unwrap();
        let legal = user("legal");
        let expert = onestop::services::consult::Expert {
            user_id: legal.id,
            center_id: center.id,
            zone_id: legal.zone_id.unwrap(),
        };
        onestop::services::consult::start(&mut app.conn(), expert, appt.id, case.version + 1, now).unwrap();
        case.id
    };

    // Requests from an applicant to correct and to delete: the admin's list links both pages.
    {
        let (_, case, _) = crate::fixtures::booked_legal_case(&app);
        let now = onestop::db::now();
        onestop::services::rights::request(&mut app.conn(), &case, "correct", "전화번호가 틀렸습니다", now).unwrap();
        onestop::services::rights::request(&mut app.conn(), &case, "delete", "", now).unwrap();
    }
    // A finance case without the consent to provision: the finance expert's pre-brief withholds
    // the personal data and says why.
    let withheld = crate::fixtures::submitted_case(&app, &crate::fixtures::gyeongnam(&app), &["finance"]).id;

    // 1. Crawl over HTTP: both languages, signed out and signed in (admin sees the most).
    let mut pages: Vec<Page> = Vec::new();
    for lang in ["ko", "en"] {
        for who in [None, Some("admin"), Some("legal")] {
            let client = client_for(&app, lang, who).await;
            let starts: &[&str] = if who.is_some() { &["/staff", "/"] } else { &["/", "/staff/login"] };
            for (path, html) in crawl(&app, &client, starts).await {
                let tag = who.map_or(String::new(), |w| format!("-{w}"));
                pages.push(Page {
                    name: format!("{lang}{tag}-{}", name_of(&path)),
                    lang,
                    signed_in: who.is_some(),
                    path,
                    html,
                });
            }
            if who == Some("admin") {
                // The desk's form states: walk-in and closure forms sent wrong, a closure added,
                // and a case page telling a second clerk that the case changed.
                let page = client.get(app.url("/staff/walk-in")).send().await.unwrap().text().await.unwrap();
                let csrf = csrf_from(&page).unwrap();
                let post = |path: &'static str, fields: Vec<(&'static str, String)>, name: &str| {
                    let (client, csrf, name) = (client.clone(), csrf.clone(), format!("{lang}-admin-{name}"));
                    let url = app.url(path);
                    async move {
                        let mut form = fields;
                        form.push(("_csrf", csrf));
                        let html = client.post(url).form(&form).send().await.unwrap().text().await.unwrap();
                        Page { name, lang, signed_in: true, path: path.to_owned(), html }
                    }
                };
                pages.push(
                    post("/staff/walk-in", vec![("zone", String::new()), ("phone", "12".into())], "walk-in-errors")
                        .await,
                );
                pages.push(post("/staff/closures", vec![("starts_on", "x".into())], "closures-errors").await);
                pages.push(
                    post(
                        "/staff/closures",
                        vec![("starts_on", "2030-03-04".into()), ("reason", "행사".into())],
                        "closures-added",
                    )
                    .await,
                );
                pages.push(post("/staff/people", vec![("email", "x".into())], "people-errors").await);
                let figures =
                    vec![("month", "2025-03".into()), ("mentoring", "x".into()), ("funding_won", "1.234".into())];
                pages.push(post("/staff/reports/activity", figures, "activity-errors").await);
                pages.push(
                    post("/staff/settings", vec![("phone", "12".into()), ("latitude", "x".into())], "settings-errors")
                        .await,
                );
                let saved =
                    post("/staff/settings", vec![("address_ko", "경상남도 창원시 의창구 창원대로 18".into())], "x")
                        .await;
                assert!(saved.html.is_empty(), "saving answers with a redirect");
                let html = client.get(app.url("/staff/settings?saved=1")).send().await.unwrap().text().await.unwrap();
                let path = "/staff/settings?saved=1".to_owned();
                pages.push(Page { name: format!("{lang}-admin-settings-saved"), lang, signed_in: true, path, html });
                let email = format!("invitee-{lang}@gyeongnam.example");
                let invited = post(
                    "/staff/people",
                    vec![("name", "초대".into()), ("email", email.clone()), ("role", "staff".into())],
                    "people-invited",
                )
                .await;
                assert!(invited.html.is_empty(), "an invitation answers with a redirect");
                let body: String = {
                    use diesel::prelude::*;
                    use onestop::db::schema::email_outbox as o;
                    o::table.filter(o::to_addr.eq(&email)).select(o::body_text).first(&mut *app.conn()).unwrap()
                };
                let link = body.split_whitespace().find(|w| w.contains("/staff/password/")).unwrap();
                let path = link[link.find("/staff/password/").unwrap()..].to_owned();
                let anon = client_for(&app, lang, None).await;
                let html = anon.get(app.url(&path)).send().await.unwrap().text().await.unwrap();
                let csrf2 = csrf_from(&html).unwrap();
                pages.push(Page {
                    name: format!("{lang}-set-password"),
                    lang,
                    signed_in: false,
                    path: path.clone(),
                    html,
                });
                let html = anon
                    .post(app.url(&path))
                    .form(&[("_csrf", csrf2.as_str()), ("password", "password1"), ("confirm", "x")])
                    .send()
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap();
                pages.push(Page { name: format!("{lang}-set-password-errors"), lang, signed_in: false, path, html });
            }
            if who == Some("legal") {
                // The outcome form sent without the kind of advice.
                let path = format!("/expert/cases/{in_consultation}");
                let page = client.get(app.url(&path)).send().await.unwrap().text().await.unwrap();
                let csrf = csrf_from(&page).unwrap();
                let cid = onestop::services::consult::of_case(&mut app.conn(), in_consultation).unwrap()[0].id;
                let html = client
                    .post(app.url(&format!("/expert/consultations/{cid}/complete")))
                    .form(&[("_csrf", csrf.as_str()), ("version", "0"), ("case_id", &in_consultation.to_string())])
                    .send()
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap();
                assert!(html.contains("error-summary"), "the outcome form comes back with errors");
                pages.push(Page { name: format!("{lang}-legal-outcome-errors"), lang, signed_in: true, path, html });
            }
            if who.is_none() {
                // Error states: a 404 page and the sign-in form sent empty.
                let html = client.get(app.url("/no/such/page")).send().await.unwrap().text().await.unwrap();
                pages.push(Page {
                    name: format!("{lang}-404"),
                    lang,
                    signed_in: false,
                    path: "/no/such/page".into(),
                    html,
                });
                let html = submit_login(&app, &client, "", "").await.text().await.unwrap();
                pages.push(Page {
                    name: format!("{lang}-login-errors"),
                    lang,
                    signed_in: false,
                    path: String::new(),
                    html,
                });
            }
        }
    }
    // The national account's pages.
    for lang in ["ko", "en"] {
        let client = client_for(&app, lang, Some("national")).await;
        for path in
            ["/staff", "/national/reports?as_of=2026-01-31&compare=2025-12-31", "/national/results?compare=2025-12-31"]
        {
            let html = client.get(app.url(path)).send().await.unwrap().text().await.unwrap();
            pages.push(Page {
                name: format!("{lang}-national-{}", name_of(path)),
                lang,
                signed_in: true,
                path: path.to_owned(),
                html,
            });
        }
    }
    // Every step of the pre-questionnaire, in both languages: each page as it first shows, the
    // company step sent empty, the documents step with a file, check your answers, confirmation.
    for lang in ["ko", "en"] {
        let client = client_for(&app, lang, None).await;
        let base = q::start_draft(&app, &client, "gyeongnam").await;
        let mut add =
            |name: String, path: String, html: String| pages.push(Page { name, lang, signed_in: false, path, html });
        let get = |path: String| {
            let client = client.clone();
            let url = app.url(&path);
            async move { client.get(url).send().await.unwrap().text().await.unwrap() }
        };
        add(format!("{lang}-apply-company"), format!("{base}/company"), get(format!("{base}/company")).await);
        let html = q::post_step(&app, &client, &base, "company", &[]).await.text().await.unwrap();
        add(format!("{lang}-apply-company-errors"), String::new(), html);
        q::post_step(&app, &client, &base, "company", q::COMPANY).await;
        add(format!("{lang}-apply-contact"), format!("{base}/contact"), get(format!("{base}/contact")).await);
        q::post_step(&app, &client, &base, "contact", q::CONTACT).await;
        add(format!("{lang}-apply-needs"), format!("{base}/needs"), get(format!("{base}/needs")).await);
        let html = q::post_step(&app, &client, &base, "needs", &[]).await.text().await.unwrap();
        add(format!("{lang}-apply-needs-errors"), String::new(), html);
        q::post_step(
            &app,
            &client,
            &base,
            "needs",
            &[("topic", "policy_loan"), ("topic", "tech_transfer"), ("weekday", "1")],
        )
        .await;
        add(format!("{lang}-apply-details"), format!("{base}/details"), get(format!("{base}/details")).await);
        q::post_step(
            &app,
            &client,
            &base,
            "details",
            &[("finance_amount", "100000000"), ("finance_purpose", "R&D"), ("transfer_direction", "acquire")],
        )
        .await;
        let page = get(format!("{base}/documents")).await;
        let csrf = csrf_from(&page).unwrap();
        let form = reqwest::multipart::Form::new()
            .text("kind", "patent_spec")
            .part("file", reqwest::multipart::Part::bytes(b"%PDF-1.4 spec".to_vec()).file_name("명세서.pdf"));
        client.post(app.url(&format!("{base}/documents/upload?_csrf={csrf}"))).multipart(form).send().await.unwrap();
        add(format!("{lang}-apply-documents"), format!("{base}/documents"), get(format!("{base}/documents")).await);
        q::post_step(&app, &client, &base, "documents", &[]).await;
        add(format!("{lang}-apply-consent"), format!("{base}/consent"), get(format!("{base}/consent")).await);
        let html = q::post_step(&app, &client, &base, "consent", &[]).await.text().await.unwrap();
        add(format!("{lang}-apply-consent-errors"), String::new(), html);
        q::post_step(&app, &client, &base, "consent", &[("consent", "yes")]).await;
        add(format!("{lang}-apply-review"), format!("{base}/review"), get(format!("{base}/review")).await);
        let review = get(format!("{base}/review")).await;
        let csrf = csrf_from(&review).unwrap();
        client.post(app.url(&format!("{base}/submit"))).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
        add(format!("{lang}-apply-done"), format!("{base}/done"), get(format!("{base}/done")).await);
        // Choose a day, then a time.
        let days = get(format!("{base}/book")).await;
        add(format!("{lang}-apply-book-days"), format!("{base}/book"), days.clone());
        let day = crate::fixtures::busiest_day(&days);
        let book = get(day.clone()).await;
        let choice = {
            let doc = Html::parse_document(&book);
            let sel = Selector::parse("input[name=choice]").unwrap();
            doc.select(&sel).next().expect("bookable times").value().attr("value").unwrap().to_owned()
        };
        let csrf = csrf_from(&book).unwrap();
        let html = client
            .post(app.url(&format!("{base}/book")))
            .form(&[("_csrf", csrf.as_str()), ("choice", "")])
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        add(format!("{lang}-apply-book-errors"), String::new(), html);
        add(format!("{lang}-apply-book"), day, book);
        add(format!("{lang}-apply-book-day-gone"), String::new(), get(format!("{base}/book?day=2000-01-01")).await);
        client
            .post(app.url(&format!("{base}/book")))
            .form(&[("_csrf", csrf.as_str()), ("choice", &choice)])
            .send()
            .await
            .unwrap();
        add(format!("{lang}-apply-visit"), format!("{base}/visit"), get(format!("{base}/visit")).await);
        // What the center holds about the applicant.
        add(format!("{lang}-apply-data"), format!("{base}/data"), get(format!("{base}/data")).await);
        // A request to correct sent empty, then sent: the page with the request waiting.
        let data = get(format!("{base}/data")).await;
        let csrf = csrf_from(&data).unwrap();
        let ask = |text: &'static str| {
            let (client, url, csrf) = (client.clone(), app.url(&format!("{base}/requests")), csrf.clone());
            async move {
                let form = [("_csrf", csrf.as_str()), ("kind", "correct"), ("correct_body", text)];
                client.post(url).form(&form).send().await.unwrap()
            }
        };
        add(format!("{lang}-apply-data-request-errors"), String::new(), ask("").await.text().await.unwrap());
        ask("전화번호가 틀렸습니다").await;
        let requested = format!("{base}/data?requested=correct");
        add(format!("{lang}-apply-data-requested"), requested.clone(), get(requested).await);
        // Moving: the days and a day's times with the current visit, then "changed".
        let move_days = get(format!("{base}/book")).await;
        add(format!("{lang}-apply-move-days"), format!("{base}/book"), move_days.clone());
        let move_day = crate::fixtures::busiest_day(&move_days);
        let move_page = get(move_day.clone()).await;
        let other = {
            let doc = Html::parse_document(&move_page);
            let sel = Selector::parse("input[name=choice]").unwrap();
            doc.select(&sel).map(|e| e.value().attr("value").unwrap().to_owned()).find(|c| *c != choice).unwrap()
        };
        add(format!("{lang}-apply-move"), move_day, move_page.clone());
        let csrf_move = csrf_from(&move_page).unwrap();
        client
            .post(app.url(&format!("{base}/book")))
            .form(&[("_csrf", csrf_move.as_str()), ("version", &q::hidden(&move_page, "version")), ("choice", &other)])
            .send()
            .await
            .unwrap();
        let changed = get(format!("{base}/visit?changed=1")).await;
        assert!(changed.contains(if lang == "ko" {
            "방문 시간을 바꿨습니다"
        } else {
            "Your visit was changed"
        }));
        add(format!("{lang}-apply-visit-changed"), format!("{base}/visit?changed=1"), changed);
        // Cancelling without a reason, then cancelled: the ended page, then applying again.
        let visit = get(format!("{base}/visit")).await;
        let csrf = csrf_from(&visit).unwrap();
        let cancel = |reason: &'static str| {
            let (client, url, csrf) = (client.clone(), app.url(&format!("{base}/cancel")), csrf.clone());
            async move { client.post(url).form(&[("_csrf", csrf.as_str()), ("reason", reason)]).send().await.unwrap() }
        };
        add(format!("{lang}-apply-cancel-errors"), String::new(), cancel("").await.text().await.unwrap());
        cancel("일정이 바뀌었습니다").await;
        let ended = get(format!("{base}/visit")).await;
        add(format!("{lang}-apply-ended"), format!("{base}/visit"), ended.clone());
        let key = q::hidden(&ended, "key");
        let r = client
            .post(app.url(&format!("{base}/again")))
            .form(&[("_csrf", csrf.as_str()), ("key", key.as_str())])
            .send()
            .await
            .unwrap();
        let again = r.headers()["location"].to_str().unwrap().to_owned();
        add(format!("{lang}-apply-again-review"), again.clone(), get(again).await);
    }
    // The finance expert's pre-brief of a case without the consent to provision.
    for lang in ["ko", "en"] {
        let client = client_for(&app, lang, Some("finance")).await;
        let path = format!("/expert/cases/{withheld}");
        let html = client.get(app.url(&path)).send().await.unwrap().text().await.unwrap();
        let name = format!("{lang}-finance-prebrief-withheld");
        pages.push(Page { name, lang, signed_in: true, path, html });
    }
    // An expired draft's page (410).
    {
        let client = browser_client();
        let base = q::start_draft(&app, &client, "jeju").await;
        let token = base.trim_start_matches("/apply/").to_owned();
        app.exec(&format!(
            "UPDATE cases SET draft_expires_at = '2000-01-01 00:00:00' WHERE applicant_token_hash = '{}'",
            onestop::token::hash_token(&token)
        ));
        let html = client.get(app.url(&format!("{base}/company"))).send().await.unwrap().text().await.unwrap();
        pages.push(Page { name: "ko-apply-expired".into(), lang: "ko", signed_in: false, path: String::new(), html });
    }

    // "Confirm or cancel": the visit page asking first, opened from the message.
    for lang in ["ko", "en"] {
        let client = client_for(&app, lang, None).await;
        let (base, case) = q::submit_filled(&app, &client, "gyeongnam").await;
        q::book_first_visit(
            &app,
            &q::gyeongnam(&app),
            &onestop::db::cases::find(&mut app.conn(), case).unwrap().unwrap(),
        );
        let path = format!("{base}/confirm");
        let html = client.get(app.url(&path)).send().await.unwrap().text().await.unwrap();
        assert!(html.contains(r#"id="confirm-h""#), "the page asks first");
        pages.push(Page { name: format!("{lang}-apply-confirm"), lang, signed_in: false, path, html });
    }
    // The no-show block (last: every later booking of the questionnaire's company is blocked):
    // the applicant's booking page and the case page saying why and until when.
    for days in [20, 10] {
        let earlier = q::earlier_case_of_company(&app, &["legal"]);
        q::missed_visit(&app, earlier, days);
    }
    for lang in ["ko", "en"] {
        let client = client_for(&app, lang, None).await;
        let (base, case) = q::submit_filled(&app, &client, "gyeongnam").await;
        let path = format!("{base}/book");
        let html = client.get(app.url(&path)).send().await.unwrap().text().await.unwrap();
        assert!(html.contains(r#"id="blocked""#), "the booking page says the block");
        pages.push(Page { name: format!("{lang}-apply-book-blocked"), lang, signed_in: false, path, html });
        let staff = client_for(&app, lang, Some("admin")).await;
        let path = format!("/staff/cases/{case}");
        let html = staff.get(app.url(&path)).send().await.unwrap().text().await.unwrap();
        assert!(html.contains(r#"id="block""#), "the case page says the block");
        pages.push(Page { name: format!("{lang}-admin-case-blocked"), lang, signed_in: true, path, html });
    }

    // The 500 page, from an application whose database broke.
    let broken = spawn_app().await;
    broken.exec("ALTER TABLE centers RENAME TO centers_gone");
    let html = broken.get("/").await.text().await.unwrap();
    pages.push(Page { name: "ko-500".into(), lang: "ko", signed_in: false, path: String::new(), html });
    let page_count = pages.len();
    // Nothing needs JavaScript: no page carries a script but the live-refresh enhancement of
    // the expert's queue and the lobby board (their content is served whole without it) and
    // the booker's "times on the same page" (each day is a plain link to its own page).
    for p in &pages {
        let html = p
            .html
            .replace(r#"<script src="/static/js/refresh.js" defer></script>"#, "")
            .replace(r#"<script src="/static/js/booker.js" defer></script>"#, "")
            .replace(r#"<script src="/static/js/lobby.js" defer></script>"#, "");
        if html.contains("<script") {
            panic!("{} carries a script", p.name);
        }
    }
    // Korean as a person writes it: no "을(를)"-style particles on any rendered page.
    for p in &pages {
        if let Some(found) = crate::i18n::BOTH_PARTICLES.iter().find(|x| p.html.contains(*x)) {
            panic!("{} shows {found}", p.name);
        }
    }
    let distinct: BTreeSet<&str> = pages.iter().filter(|p| !p.path.is_empty()).map(|p| p.path.as_str()).collect();
    assert!(distinct.len() >= 20, "the crawl reached only {distinct:?}");

    // 2. The Nu Html Checker over every page.
    let work = tempfile::tempdir().unwrap();
    let mut problems = html_errors(&tools, &pages, work.path());

    // 3. axe-core and the 320 px check in Chromium, with the same states.
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/page-quality");
    std::fs::create_dir_all(&shots).unwrap();
    let axe = std::fs::read_to_string(&tools.axe_js).unwrap();
    let driver = start_chromedriver(&tools).await;
    // In the browser, pages of one route pattern (the 17 centers, say) are the same template:
    // two of each per state suffice; the HTML checker above saw every one.
    // The browser signs in as the page's account: the legal expert for their pages, the admin
    // for the other signed-in ones.
    let mut by_state: BTreeMap<(&str, Option<&str>), Vec<&Page>> = BTreeMap::new();
    let mut per_pattern: BTreeMap<(&str, Option<&str>, String), usize> = BTreeMap::new();
    for p in &pages {
        if p.path.is_empty() {
            continue;
        }
        let who = match (p.signed_in, p.name.contains("-legal-"), p.name.contains("-national-")) {
            (false, _, _) => None,
            (true, true, _) => Some("legal"),
            (true, _, true) => Some("national"),
            (true, false, false) => Some("admin"),
        };
        let n = per_pattern.entry((p.lang, who, pattern_of(&p.path))).or_default();
        *n += 1;
        if *n <= 2 {
            by_state.entry((p.lang, who)).or_default().push(p);
        }
    }
    for ((lang, who), list) in &by_state {
        let profile = tempfile::tempdir().unwrap();
        let d = browser(&tools, &driver, profile.path()).await;
        d.goto(app.url(&format!("/lang/{lang}?next=/"))).await.unwrap();
        if let Some(who) = who {
            browser_sign_in(&d, &app, who).await;
        } else {
            // The sign-in form sent empty, as a person would.
            d.goto(app.url("/staff/login")).await.unwrap();
            d.find(By::Css("form.krds-form button[type=submit]")).await.unwrap().click().await.unwrap();
            tokio::time::sleep(Duration::from_millis(300)).await;
            check_in_browser(&d, &axe, &format!("{lang}-login-errors"), &shots, &mut problems).await;
            // A questionnaire step sent empty, as a person would.
            d.goto(app.url("/centers/busan/apply")).await.unwrap();
            d.find(By::Css("form.krds-form button[type=submit]")).await.unwrap().click().await.unwrap();
            tokio::time::sleep(Duration::from_millis(300)).await;
            d.find(By::Css("form.krds-form button[type=submit]")).await.unwrap().click().await.unwrap();
            tokio::time::sleep(Duration::from_millis(300)).await;
            check_in_browser(&d, &axe, &format!("{lang}-apply-company-errors"), &shots, &mut problems).await;
        }
        for p in list {
            d.goto(app.url(&p.path)).await.unwrap();
            check_in_browser(&d, &axe, &p.name, &shots, &mut problems).await;
        }
        d.quit().await.unwrap();
    }
    {
        let profile = tempfile::tempdir().unwrap();
        let d = browser(&tools, &driver, profile.path()).await;
        d.goto(broken.url("/")).await.unwrap();
        check_in_browser(&d, &axe, "ko-500", &shots, &mut problems).await;
        d.quit().await.unwrap();
    }

    eprintln!(
        "page quality: {page_count} page states checked ({} distinct paths), screenshots in {}",
        distinct.len(),
        shots.display()
    );
    assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));
}

pub(crate) async fn fill(d: &WebDriver, id: &str, text: &str) {
    let e = d.find(By::Id(id)).await.unwrap();
    e.clear().await.unwrap();
    e.send_keys(text).await.unwrap();
}

pub(crate) async fn choose(d: &WebDriver, id: &str, value: &str) {
    d.find(By::Css(&format!("#{id} option[value='{value}']"))).await.unwrap().click().await.unwrap();
}

pub(crate) async fn press(d: &WebDriver, css: &str) {
    d.find(By::Css(css)).await.unwrap().click().await.unwrap();
    tokio::time::sleep(Duration::from_millis(250)).await;
}

/// On "choose a day", opens the day with the most free times: without JavaScript its own page
/// (`?day=`), with it the times below the days on the same page, focus on their heading.
async fn open_busiest_day(d: &WebDriver, javascript: bool) {
    let links = d.find_all(By::Css("a.day-link")).await.unwrap();
    assert!(!links.is_empty(), "days to choose from");
    let mut best = (0usize, 0usize);
    for (i, l) in links.iter().enumerate() {
        let free = l.find(By::Css(".day-free")).await.unwrap().text().await.unwrap();
        let n: usize = free.chars().filter(char::is_ascii_digit).collect::<String>().parse().unwrap_or(0);
        if n > best.1 {
            best = (i, n);
        }
    }
    links[best.0].click().await.unwrap();
    let mut waited = 0;
    while d.find(By::Css("#times-section")).await.is_err() && waited < 50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        waited += 1;
    }
    let url = d.current_url().await.unwrap();
    if javascript {
        assert!(url.query().is_none(), "the times open on the days page: {url}");
        let focused = d.active_element().await.unwrap().attr("id").await.unwrap();
        assert_eq!(focused.as_deref(), Some("times-heading"), "focus moves to the day's times");
    } else {
        assert!(url.query().is_some_and(|q| q.starts_with("day=")), "the day's own page: {url}");
    }
}

pub(crate) async fn path_of(d: &WebDriver) -> String {
    d.current_url().await.unwrap().path().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_founder_fills_the_questionnaire_on_a_phone_in_korean_without_javascript() {
    phone_journey("ko", false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_founder_fills_the_questionnaire_on_a_phone_in_english_with_javascript() {
    phone_journey("en", true).await;
}

/// From the landing page to the confirmation at 375×812, as a person would: links, buttons,
/// labels, select options; the language switched by its link.
async fn phone_journey(lang: &'static str, javascript: bool) {
    let Some(tools) = tools_or_skip("phone journey") else { return };
    let app = spawn_app_with_demo().await;
    let driver = start_chromedriver(&tools).await;
    let profile = tempfile::tempdir().unwrap();
    let d = browser_with(&tools, &driver, profile.path(), javascript).await;
    d.set_window_rect(0, 0, 375, 812).await.unwrap();
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/page-quality");
    std::fs::create_dir_all(&shots).unwrap();
    let shot = |name: &'static str| {
        let d = d.clone();
        let path = shots.join(format!("phone-{lang}-{name}.png"));
        async move { d.screenshot(&path).await.unwrap() }
    };

    // From the landing page to the center, to the questionnaire.
    d.goto(app.url("/")).await.unwrap();
    if lang == "en" {
        press(&d, "a.lang-switch").await;
        assert_eq!(d.find(By::Css("html")).await.unwrap().attr("lang").await.unwrap().as_deref(), Some("en"));
    }
    press(&d, "a[href='/centers/gyeongnam']").await;
    press(&d, "a[href='/centers/gyeongnam/apply']").await;
    press(&d, "form.krds-form button[type=submit]").await;
    assert!(path_of(&d).await.ends_with("/company"), "{}", path_of(&d).await);

    // A mistake first: the step comes back with the message and what was typed.
    fill(&d, "company_name", if lang == "ko" { "(가칭) 모바일랩" } else { "Mobile Lab (tentative)" }).await;
    press(&d, "form.krds-form button[type=submit]").await;
    assert!(d.find(By::Id("error-summary")).await.is_ok());
    let focused = d.active_element().await.unwrap().attr("id").await.unwrap().unwrap_or_default();
    assert_eq!(focused, "error-summary", "the summary takes focus on load");
    let kept = d.find(By::Id("company_name")).await.unwrap().value().await.unwrap().unwrap_or_default();
    assert!(kept == "(가칭) 모바일랩" || kept == "Mobile Lab (tentative)", "what was typed is kept: {kept}");
    shot("company-errors").await;

    fill(&d, "representative", "박대표").await;
    fill(&d, "employees", "2").await;
    choose(&d, "stage", "pre_founder").await;
    choose(&d, "industry", "J").await;
    choose(&d, "revenue_band", "none").await;
    press(&d, "form.krds-form button[type=submit]").await;
    assert!(path_of(&d).await.ends_with("/contact"));

    fill(&d, "contact_name", "박대표").await;
    // Switching language mid-form keeps what was typed (the switch submits the form).
    let html_lang = |d: &WebDriver| {
        let d = d.clone();
        async move { d.find(By::Css("html")).await.unwrap().attr("lang").await.unwrap().unwrap_or_default() }
    };
    press(&d, "button.lang-switch").await;
    assert_ne!(html_lang(&d).await, lang, "switched");
    let kept = d.find(By::Id("contact_name")).await.unwrap().value().await.unwrap().unwrap_or_default();
    assert_eq!(kept, "박대표", "the typed name survives the switch");
    press(&d, "button.lang-switch").await;
    assert_eq!(html_lang(&d).await, lang, "and back");
    fill(&d, "contact_email", "park@mobile.example").await;
    fill(&d, "contact_phone", "010-9876-5432").await;
    press(&d, "form.krds-form button[type=submit]").await;

    press(&d, "label[for='topic-guarantee']").await;
    press(&d, "label[for='topic-contracts']").await;
    press(&d, "label[for='weekday-3']").await;
    fill(&d, "question", "투자 계약서 검토와 보증 상담을 함께 받고 싶습니다.").await;
    shot("needs").await;
    press(&d, "form.krds-form button[type=submit]").await;
    assert!(path_of(&d).await.ends_with("/details"));

    fill(&d, "finance_amount", "30,000,000").await;
    fill(&d, "finance_purpose", "시제품 개발").await;
    press(&d, "form.krds-form button[type=submit]").await;
    assert!(path_of(&d).await.ends_with("/documents"));
    // A file chosen, then "save and continue" (not "upload"): the file is uploaded, and on.
    let pdf = profile.path().join("business-registration.pdf");
    std::fs::write(&pdf, b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n").unwrap();
    choose(&d, "kind", "brn_certificate").await;
    d.find(By::Id("file")).await.unwrap().send_keys(pdf.to_str().unwrap()).await.unwrap();
    press(&d, "button[name='next']").await;
    assert!(path_of(&d).await.ends_with("/consent"), "{}", path_of(&d).await);
    assert_eq!(app.count("case_documents"), 1, "the chosen file was uploaded by 'continue'");

    press(&d, "label[for='consent']").await;
    press(&d, "form.krds-form button[type=submit]").await;
    assert!(path_of(&d).await.ends_with("/review"));
    shot("review").await;
    press(&d, "form[action$='/submit'] button").await;

    assert!(path_of(&d).await.ends_with("/done"));
    let reference = d.find(By::Css(".reference")).await.unwrap().text().await.unwrap();
    assert!(reference.starts_with("GN-") && reference.ends_with("-00001"), "{reference}");
    let routing = d.find(By::Css(".routing-list")).await.unwrap().text().await.unwrap();
    let expected: &[&str] = if lang == "ko" {
        &["법률존 — 계약 상담을 선택하셨습니다", "금융존 — 보증 상담을 선택하셨습니다 → 기술보증기금 추천"]
    } else {
        &[
            "Legal zone — you chose contracts",
            "Finance zone — you chose credit guarantees → Korea Technology Finance Corporation (KIBO) suggested",
        ]
    };
    for e in expected {
        assert!(routing.contains(e), "{routing}");
    }
    shot("done").await;

    // Book the one-stop visit, move it, cancel it.
    press(&d, "a[href$='/book']").await;
    assert!(path_of(&d).await.ends_with("/book"));
    shot("book-days").await;
    open_busiest_day(&d, javascript).await;
    press(&d, ".day-group .krds-check:first-of-type label").await;
    shot("book").await;
    press(&d, "form#times button[type=submit]").await;
    assert!(path_of(&d).await.ends_with("/visit"), "{}", path_of(&d).await);
    let booked = d.find(By::Css(".routing-list")).await.unwrap().text().await.unwrap();
    shot("visit").await;
    press(&d, "a[href$='/book']").await;
    // Moving: the visit as it is now is on the page; the button says "change".
    let current = d.find(By::Css(".current-visit")).await.unwrap().text().await.unwrap();
    let first_leg = booked.lines().next().unwrap_or_default().to_owned();
    assert!(
        current.contains(first_leg.split(' ').take(3).collect::<Vec<_>>().join(" ").as_str()),
        "{current} / {booked}"
    );
    open_busiest_day(&d, javascript).await;
    let radios = d.find_all(By::Css("input[name=choice]")).await.unwrap();
    assert!(radios.len() > 1);
    let second_id = radios[1].attr("id").await.unwrap().unwrap();
    press(&d, &format!("label[for='{second_id}']")).await;
    let button = d.find(By::Css("form#times button[type=submit]")).await.unwrap().text().await.unwrap();
    assert_eq!(button, if lang == "ko" { "이 시간으로 변경" } else { "Change to this time" });
    shot("move").await;
    press(&d, "form#times button[type=submit]").await;
    let heading = d.find(By::Css("h1")).await.unwrap().text().await.unwrap();
    assert_eq!(heading, if lang == "ko" { "방문 시간을 바꿨습니다" } else { "Your visit was changed" });
    let moved = d.find(By::Css(".routing-list")).await.unwrap().text().await.unwrap();
    assert_ne!(booked, moved, "the visit moved");
    fill(&d, "reason", if lang == "ko" { "일정이 바뀌었습니다" } else { "My plans changed" }).await;
    press(&d, "form[action$='/cancel'] button").await;
    let body = d.find(By::Css("main")).await.unwrap().text().await.unwrap();
    let expected = if lang == "ko" { "취소된 신청입니다" } else { "This application was cancelled" };
    assert!(body.contains(expected), "{body}");
    shot("cancelled").await;
    // Apply again: a new draft with these answers, opened at "check your answers".
    press(&d, "form[action$='/again'] button").await;
    assert!(path_of(&d).await.ends_with("/review"), "{}", path_of(&d).await);
    let review = d.find(By::Css("main")).await.unwrap().text().await.unwrap();
    assert!(review.contains("park@mobile.example") && review.contains("박대표"), "{review}");
    shot("apply-again").await;
    // Send it (the consent is asked again: the review links to it) and book: a day, then a time.
    if d.find(By::Css("form[action$='/submit'] button")).await.is_err() {
        press(&d, "main .krds-alert.info a").await;
        assert!(path_of(&d).await.ends_with("/consent"), "{}", path_of(&d).await);
        press(&d, "label[for='consent']").await;
        press(&d, "form.krds-form button[type=submit]").await;
    }
    press(&d, "form[action$='/submit'] button").await;
    assert!(path_of(&d).await.ends_with("/done"), "{}", path_of(&d).await);
    press(&d, "a[href$='/book']").await;
    open_busiest_day(&d, javascript).await;
    press(&d, ".day-group .krds-check:first-of-type label").await;
    press(&d, "form#times button[type=submit]").await;
    assert!(path_of(&d).await.ends_with("/visit"), "{}", path_of(&d).await);
    assert!(d.find(By::Css("a[href$='/book']")).await.is_ok(), "moving is open a day ahead");
    // Two hours before the visit: no move or cancel, but why and whom to call.
    let soon = onestop::db::now() + chrono::Duration::hours(2);
    let (from, to) =
        (soon.format("%Y-%m-%d %H:%M:%S"), (soon + chrono::Duration::minutes(30)).format("%Y-%m-%d %H:%M:%S"));
    app.exec(&format!("UPDATE appointments SET starts_at = '{from}', ends_at = '{to}' WHERE status = 'booked'"));
    d.refresh().await.unwrap();
    assert!(d.find(By::Css("a[href$='/book']")).await.is_err(), "no move link inside the cut-off");
    assert!(d.find(By::Css("form[action$='/cancel']")).await.is_err(), "no cancel form inside the cut-off");
    let closed = d.find(By::Css("#closed-now")).await.unwrap().text().await.unwrap();
    assert!(closed.contains("02-000-0000") && closed.contains("onestop@gyeongnam.example"), "{closed}");
    shot("closed-now").await;
    d.quit().await.unwrap();
}
