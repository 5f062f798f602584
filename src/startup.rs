//! The application: pool, migrations, demo data on an empty database, and the HTTP server.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::{ErrorHandlers, from_fn};
use actix_web::{App, HttpServer};
use anyhow::Context;
use tracing_actix_web::TracingLogger;

use crate::clock::{Clock, SystemClock};
use crate::config::Settings;
use crate::db::{self, Pool};
use crate::services::demo::{self, DemoAccount};
use crate::web::{AppState, csrf, errors, security};

pub struct Application {
    port: u16,
    server: Server,
    pool: Pool,
    settings: Arc<Settings>,
    clock: Arc<dyn Clock>,
    /// Accounts the demo created at this start; their passwords are shown once.
    pub demo_accounts: Vec<DemoAccount>,
}

/// Connections per instance: SQLite has one writer anyway; PostgreSQL gets more.
fn pool_size(settings: &Settings) -> u32 {
    if settings.database.is_postgres() { (settings.workers as u32 * 4).clamp(4, 32) } else { 8 }
}

/// Opens the pool and applies pending migrations.
pub fn prepare_database(settings: &Settings) -> anyhow::Result<Pool> {
    let pool = db::build_pool(&settings.database, pool_size(settings), settings.limits.lock_wait)?;
    let mut conn = pool.get().context("connecting to the database")?;
    let applied = db::run_migrations(&mut conn)?;
    if !applied.is_empty() {
        tracing::info!(?applied, "migrations applied");
    }
    Ok(pool)
}

/// A single connection for a command-line run, with pending migrations applied.
pub fn cli_connection(settings: &Settings) -> anyhow::Result<db::DbConn> {
    let mut conn = db::establish(&settings.database)?;
    let applied = db::run_migrations(&mut conn)?;
    if !applied.is_empty() {
        tracing::info!(?applied, "migrations applied");
    }
    Ok(conn)
}

impl Application {
    pub fn build(settings: Settings) -> anyhow::Result<Self> {
        Self::build_with_clock(settings, Arc::new(SystemClock))
    }

    /// Binds the listener (port 0 picks a free port) and builds the server without running it.
    pub fn build_with_clock(settings: Settings, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        Self::build_full(settings, clock, None)
    }

    /// As `build`, plus `/bench/static.html` answering `page` as a static file would — through
    /// the same workers and middleware — for the benchmark's ceiling (`onestop bench serve`).
    pub fn build_with_static_page(settings: Settings, page: Vec<u8>) -> anyhow::Result<Self> {
        Self::build_full(settings, Arc::new(SystemClock), Some(actix_web::web::Bytes::from(page)))
    }

    fn build_full(
        settings: Settings,
        clock: Arc<dyn Clock>,
        bench_page: Option<actix_web::web::Bytes>,
    ) -> anyhow::Result<Self> {
        let pool = prepare_database(&settings)?;
        let demo_accounts = if settings.demo_on_empty {
            let mut conn = pool.get()?;
            if demo::database_is_empty(&mut conn)? {
                tracing::info!("empty database: loading the demo");
                let accounts = demo::load(&mut conn, clock.now())?;
                let started = std::time::Instant::now();
                let (past, n) = demo::load_history_and_samples(&mut conn, clock.now())?;
                tracing::info!(
                    appointments = past,
                    cases = n,
                    seconds = started.elapsed().as_secs_f64(),
                    "demo: a year of history at every center and a sample desk day at the demo center"
                );
                accounts
            } else {
                Vec::new()
            }
        } else {
            Vec::new()
        };

        let listener = TcpListener::bind(&settings.listen).with_context(|| format!("binding {}", settings.listen))?;
        let port = listener.local_addr()?.port();
        let mut settings = settings;
        // Port 0 asks the system for a free port; links and the Origin check need the real one.
        if let Some(base) = settings.base_url.strip_suffix(":0") {
            settings.base_url = format!("{base}:{port}");
        }
        let workers = settings.workers.max(1);
        let settings = Arc::new(settings);
        let state = actix_web::web::Data::new(AppState {
            pool: pool.clone(),
            settings: settings.clone(),
            clock: clock.clone(),
            times: crate::web::book::TimesCache::default(),
        });
        let app_settings = settings.clone();
        let server = HttpServer::new(move || {
            // Outermost first: request id and logging, security headers on everything, error
            // pages, then CSRF (whose rejections become error pages with headers).
            App::new()
                .app_data(state.clone())
                .app_data(actix_web::web::FormConfig::default().limit(256 * 1024))
                .configure(crate::web::routes)
                .configure(|cfg| {
                    if let Some(page) = bench_page.clone() {
                        cfg.route("/bench/static.html", actix_web::web::get().to(move || static_page(page.clone())));
                    }
                })
                .default_service(actix_web::web::to(errors::not_found))
                .wrap(from_fn(csrf::middleware))
                .wrap(from_fn(crate::web::body_timeout::middleware))
                .wrap(ErrorHandlers::new().default_handler(errors::error_pages))
                .wrap(security::headers(&settings))
                .wrap(TracingLogger::<crate::telemetry::RootSpan>::new())
        })
        .workers(workers)
        // A request head that has not fully arrived in 5 s is answered 408 (bodies: body_timeout).
        .client_request_timeout(std::time::Duration::from_secs(5))
        .listen(listener)?
        .run();
        Ok(Application { port, server, pool, settings: app_settings, clock, demo_accounts })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Serves until stopped; housekeeping (purging expired drafts and sessions) runs in the
    /// same task every ten minutes, so nothing outlives the server.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        if let Some(every) = self.settings.mail.poll {
            match crate::services::mailer::Mailer::new(&self.settings) {
                Ok(mailer) => {
                    tracing::info!(transport = ?self.settings.mail.transport, "mail worker started");
                    crate::services::mailer::spawn_worker(mailer, self.pool.clone(), self.clock.clone(), every);
                }
                Err(e) => tracing::error!(error = %e, "the mail transport cannot be set up: no mail is sent"),
            }
        }
        let housekeeping = housekeeping(self.pool.clone(), self.settings.clone(), self.clock.clone());
        futures_util::pin_mut!(housekeeping);
        match futures_util::future::select(self.server, housekeeping).await {
            futures_util::future::Either::Left((result, _)) => result,
            futures_util::future::Either::Right(((), server)) => server.await,
        }
    }
}

async fn static_page(page: actix_web::web::Bytes) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((actix_web::http::header::CACHE_CONTROL, "public, max-age=3600"))
        .body(page)
}

/// Every ten minutes: purge expired drafts (with their files), expired sessions, the staged
/// rows of imports that died, and the personal data of closed cases past their retention. Errors are
/// logged and retried at the next round.
async fn housekeeping(pool: Pool, settings: Arc<Settings>, clock: Arc<dyn Clock>) {
    let mut tick = actix_web::rt::time::interval(std::time::Duration::from_secs(600));
    loop {
        tick.tick().await;
        let (pool, settings, now) = (pool.clone(), settings.clone(), clock.now());
        let result = actix_web::web::block(move || -> anyhow::Result<usize> {
            let mut conn = pool.get()?;
            crate::services::auth::purge(&mut conn, now)?;
            crate::services::import::purge_stale(&mut conn, now)?;
            let by = crate::services::retention::By::Schedule;
            let closed = crate::services::retention::destroy_due(&mut conn, now, &settings.data_dir, by)?;
            if closed > 0 {
                tracing::info!(cases = closed, "personal data of closed cases past retention destroyed");
            }
            Ok(crate::services::questionnaire::purge_expired(&mut conn, now, &settings.data_dir)?)
        })
        .await;
        match result {
            Ok(Ok(0)) => {}
            Ok(Ok(n)) => tracing::info!(purged = n, "expired drafts purged"),
            Ok(Err(e)) => tracing::warn!(error = %e, "housekeeping failed"),
            Err(e) => tracing::warn!(error = %e, "housekeeping task failed"),
        }
    }
}
