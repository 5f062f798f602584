//! The harness: `spawn_app()` starts the application with its own database and returns a
//! client that behaves like a browser (cookies kept, redirects not followed).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};

use diesel::prelude::*;
use onestop::clock::SystemClock;
use onestop::config::{DatabaseUrl, Secret, Settings};
use onestop::db::{DbConn, Pool};
use onestop::services::demo::{self, DemoAccount};
use onestop::startup::Application;
use scraper::{Html, Selector};

/// The environment variable naming a PostgreSQL server for the suite, e.g.
/// `postgres://postgres@127.0.0.1:5432/postgres`. Each test creates and drops its own database.
pub const PG_ENV: &str = "ONESTOP_TEST_DATABASE_URL";

pub struct TestDatabase {
    pub url: DatabaseUrl,
    /// (server URL, database name) to drop at the end, for PostgreSQL.
    pg_drop: Option<(String, String)>,
    _dir: tempfile::TempDir,
}

impl TestDatabase {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        match std::env::var(PG_ENV) {
            Ok(server) if !server.is_empty() => {
                static N: AtomicUsize = AtomicUsize::new(0);
                let name = format!(
                    "onestop_t_{}_{}_{}",
                    std::process::id(),
                    N.fetch_add(1, Ordering::SeqCst),
                    onestop::token::random_hex::<4>()
                );
                let mut admin =
                    diesel::pg::PgConnection::establish(&server).expect("connect to the PostgreSQL test server");
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .expect("create the test database");
                let url = replace_db_name(&server, &name);
                TestDatabase { url: DatabaseUrl::Postgres(url), pg_drop: Some((server, name)), _dir: dir }
            }
            _ => {
                let path = dir.path().join("test.sqlite3");
                TestDatabase { url: DatabaseUrl::Sqlite(path.to_string_lossy().into_owned()), pg_drop: None, _dir: dir }
            }
        }
    }

    pub fn data_dir(&self) -> std::path::PathBuf {
        self._dir.path().to_path_buf()
    }
}

fn replace_db_name(server: &str, name: &str) -> String {
    let (base, query) = match server.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (server, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((server, name)) = self.pg_drop.take() {
            if let Ok(mut admin) = diesel::pg::PgConnection::establish(&server) {
                let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin);
            }
        }
    }
}

pub struct TestApp {
    pub address: String,
    pub pool: Pool,
    pub client: reqwest::Client,
    pub accounts: Vec<DemoAccount>,
    pub db: TestDatabase,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

pub fn test_settings(db: &TestDatabase) -> Settings {
    Settings {
        listen: "127.0.0.1:0".into(),
        database: db.url.clone(),
        base_url: "http://127.0.0.1:0".into(),
        data_dir: db.data_dir(),
        secret: Secret::from_text(&onestop::token::random_hex::<32>()).unwrap(),
        log: "warn".into(),
        demo_on_empty: false,
        workers: 1,
        draft_ttl_days: 30,
        limits: Default::default(),
        mail_from: "no-reply@onestop.test".into(),
        mail: onestop::config::MailSettings {
            transport: onestop::config::MailTransport::Memory,
            // Tests drive the mailer themselves, with their own clock.
            poll: None,
            ..Default::default()
        },
    }
}

/// The application with the 17 centers (from the migrations) and no accounts.
pub async fn spawn_app() -> TestApp {
    spawn_with(|_| {}, false).await
}

/// The application with the demo loaded: zones, schedules and the Gyeongnam accounts.
pub async fn spawn_app_with_demo() -> TestApp {
    spawn_with(|_| {}, true).await
}

pub async fn spawn_with(adjust: impl FnOnce(&mut Settings), with_demo: bool) -> TestApp {
    let db = TestDatabase::new();
    let mut settings = test_settings(&db);
    adjust(&mut settings);
    let app = Application::build_with_clock(settings, Arc::new(SystemClock)).expect("the application builds");
    let port = app.port();
    let address = format!("http://127.0.0.1:{port}");
    let pool = app.pool().clone();
    let accounts = if with_demo {
        let mut conn = pool.get().unwrap();
        demo::load(&mut conn, onestop::db::now()).expect("demo loads")
    } else {
        Vec::new()
    };
    let server = tokio::spawn(app.run_until_stopped());
    TestApp { address, pool, client: browser_client(), accounts, db, server }
}

pub fn browser_client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).cookie_store(true).build().unwrap()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request")
    }

    pub async fn get_html(&self, path: &str) -> (u16, String) {
        let r = self.get(path).await;
        let status = r.status().as_u16();
        (status, r.text().await.unwrap())
    }

    /// The CSRF token of the form on the page at `path` (the visit also sets the cookie).
    pub async fn csrf_token(&self, path: &str) -> String {
        let (_, html) = self.get_html(path).await;
        csrf_from(&html).expect("the page has a form with a CSRF token")
    }

    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client.post(self.url(path)).form(fields).send().await.expect("request")
    }

    pub fn account(&self, local: &str) -> &DemoAccount {
        self.accounts
            .iter()
            .find(|a| a.email.starts_with(&format!("{local}@")))
            .unwrap_or_else(|| panic!("no demo account {local}"))
    }

    /// Signs in through the form with the app's client; returns the response to the POST.
    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        submit_login(self, &self.client, email, password).await
    }

    pub async fn login_as(&self, local: &str) {
        let a = self.account(local);
        let (email, pw) = (a.email.clone(), a.password.expose().to_owned());
        let r = self.login(&email, &pw).await;
        assert_eq!(r.status().as_u16(), 303, "signing in as {local}");
    }

    pub fn conn(&self) -> diesel::r2d2::PooledConnection<onestop::db::Manager> {
        self.pool.get().unwrap()
    }

    pub fn count(&self, table: &str) -> i64 {
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut conn = self.conn();
        diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
            .get_result::<N>(&mut *conn as &mut DbConn)
            .unwrap()
            .n
    }
}

pub fn csrf_from(html: &str) -> Option<String> {
    let doc = Html::parse_document(html);
    let sel = Selector::parse("input[name=_csrf]").unwrap();
    doc.select(&sel).next().and_then(|e| e.value().attr("value")).map(str::to_owned)
}

/// Text of all elements matching `css`.
pub fn texts(html: &str, css: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let sel = Selector::parse(css).unwrap();
    doc.select(&sel).map(|e| e.text().collect::<String>().trim().to_owned()).collect()
}

impl TestApp {
    /// Runs raw SQL against the app's database (to arrange or break things).
    pub fn exec(&self, sql: &str) {
        use diesel::connection::SimpleConnection;
        let mut conn = self.conn();
        (&mut *conn as &mut DbConn).batch_execute(sql).unwrap();
    }
}

impl TestApp {
    /// A separate pool on the app's database with room for `n` connections held at once
    /// (concurrency tests hold one per thread).
    pub fn pool_of(&self, n: u32) -> Pool {
        onestop::db::build_pool(&self.db.url, n, onestop::db::LOCK_WAIT).unwrap()
    }
}

/// Fetches the sign-in form with `client` (for its CSRF cookie and token) and sends it.
pub async fn submit_login(app: &TestApp, client: &reqwest::Client, email: &str, password: &str) -> reqwest::Response {
    let page = client.get(app.url("/staff/login")).send().await.unwrap().text().await.unwrap();
    let token = csrf_from(&page).expect("the sign-in form has a CSRF token");
    client
        .post(app.url("/staff/login"))
        .form(&[("_csrf", token.as_str()), ("email", email), ("password", password), ("next", "/staff")])
        .send()
        .await
        .expect("request")
}

/// Runs `f(i, conn)` on `n` threads at once, each with its own connection taken before the
/// start line, and returns the results in thread order.
pub fn race<T: Send + 'static>(
    app: &TestApp,
    n: usize,
    f: impl Fn(usize, &mut DbConn) -> T + Send + Sync + 'static,
) -> Vec<T> {
    let pool = app.pool_of(n as u32);
    let barrier = Arc::new(Barrier::new(n));
    let f = Arc::new(f);
    let handles: Vec<_> = (0..n)
        .map(|i| {
            let (pool, barrier, f) = (pool.clone(), barrier.clone(), f.clone());
            std::thread::spawn(move || {
                let mut conn = pool.get().unwrap();
                barrier.wait();
                f(i, &mut conn)
            })
        })
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).collect()
}

/// The `onestop` binary, pointed at the test's database and data directory.
pub fn onestop_command(db: &TestDatabase) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_onestop"));
    let url = match &db.url {
        onestop::config::DatabaseUrl::Sqlite(p) => format!("sqlite://{p}"),
        onestop::config::DatabaseUrl::Postgres(u) => u.clone(),
    };
    cmd.env("DATABASE_URL", url)
        .env("ONESTOP_DATA_DIR", db.data_dir())
        .env("ONESTOP_LOG", "warn")
        .env_remove("ONESTOP_CONFIG")
        .env_remove("ONESTOP_SECRET")
        .env_remove("ONESTOP_MAIL_TRANSPORT");
    cmd
}
