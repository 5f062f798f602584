//! The data layer: one connection type for SQLite and PostgreSQL, the pool, migrations and the
//! write-transaction helper. Query functions live in one file per aggregate and take
//! `&mut DbConn`.

pub mod access_log;
pub mod activity;
pub mod answers;
pub mod appointments;
pub mod cases;
pub mod center_changes;
pub mod center_contacts;
pub mod centers;
pub mod closures;
pub mod consultations;
pub mod destructions;
pub mod documents;
pub mod limits;
pub mod outbox;
pub mod policy_versions;
pub mod provisions;
pub mod report_submissions;
pub mod rights_requests;
pub mod schedule;
pub mod schema;
pub mod sessions;
pub mod tickets;
pub mod types;
pub mod users;

use std::time::Duration;

use anyhow::Context;
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection, PooledConnection};
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::config::DatabaseUrl;

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to either backend; queries written once run on both.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

/// Opens connections for the pool, by the configured URL (never by trial and error) and with
/// SQLite's per-connection settings applied.
#[derive(Debug, Clone)]
pub struct Manager {
    url: DatabaseUrl,
    lock_wait: Duration,
}

/// How long a statement waits for a lock by default before it fails as busy (then the request
/// gets the 503 "busy, try again" page, see `db::is_busy`).
pub const LOCK_WAIT: Duration = Duration::from_secs(10);

/// Per-connection SQLite settings: WAL for concurrent readers, foreign keys enforced; the busy
/// timeout (so that writers queue instead of failing at once) is set from the lock wait.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;";

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        match &self.url {
            DatabaseUrl::Postgres(url) => {
                let mut conn = PgConnection::establish(url).map_err(r2d2::Error::ConnectionError)?;
                // Row and advisory locks wait as long as SQLite's busy timeout, not for ever.
                conn.batch_execute(&format!("SET lock_timeout = {}", self.lock_wait.as_millis()))
                    .map_err(r2d2::Error::QueryError)?;
                Ok(DbConn::Postgres(conn))
            }
            DatabaseUrl::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(path).map_err(r2d2::Error::ConnectionError)?;
                conn.batch_execute(SQLITE_PRAGMAS).map_err(r2d2::Error::QueryError)?;
                conn.batch_execute(&format!("PRAGMA busy_timeout = {}", self.lock_wait.as_millis()))
                    .map_err(r2d2::Error::QueryError)?;
                Ok(DbConn::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1").map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        match conn {
            DbConn::Postgres(c) => AnsiTransactionManager::is_broken_transaction_manager(c),
            DbConn::Sqlite(c) => AnsiTransactionManager::is_broken_transaction_manager(c),
        }
    }
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConn = PooledConnection<Manager>;

/// Builds the pool. SQLite gets a few connections (one writer at a time anyway), PostgreSQL more.
/// A statement waits up to `lock_wait` for a lock (SQLite's busy timeout, PostgreSQL's
/// `lock_timeout`).
pub fn build_pool(url: &DatabaseUrl, max_size: u32, lock_wait: Duration) -> anyhow::Result<Pool> {
    if let DatabaseUrl::Sqlite(path) = url {
        if let Some(parent) = std::path::Path::new(path).parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
            }
        }
    }
    r2d2::Pool::builder()
        .max_size(max_size)
        .min_idle(Some(1))
        .connection_timeout(Duration::from_secs(10))
        .build(Manager { url: url.clone(), lock_wait })
        .with_context(|| format!("connecting to the database {url:?}"))
}

/// One connection outside any pool (command-line runs): opened and, when dropped, closed in the
/// caller's thread. A pool's worker threads could still be closing a TLS connection to
/// PostgreSQL while a short-lived process exits and OpenSSL tears down, which crashes it.
pub fn establish(url: &DatabaseUrl) -> anyhow::Result<DbConn> {
    if let DatabaseUrl::Sqlite(path) = url {
        if let Some(parent) = std::path::Path::new(path).parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
    }
    Manager { url: url.clone(), lock_wait: LOCK_WAIT }
        .connect()
        .with_context(|| format!("connecting to the database {url:?}"))
}

/// Applies pending migrations of the connection's backend; returns the versions applied.
/// On PostgreSQL an advisory lock keeps several instances starting at once from racing.
pub fn run_migrations(conn: &mut DbConn) -> anyhow::Result<Vec<String>> {
    const LOCK: i64 = 0x6f6e_6573_746f_70; // "onestop"
    let applied = match conn {
        DbConn::Sqlite(c) => {
            c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.iter().map(|m| m.to_string()).collect())
        }
        DbConn::Postgres(c) => {
            // Another instance may be migrating: wait for it however long it takes, then put
            // the connection's lock timeout back.
            #[derive(QueryableByName)]
            struct Setting {
                #[diesel(sql_type = diesel::sql_types::Text)]
                v: String,
            }
            let before = diesel::sql_query("SELECT current_setting('lock_timeout') AS v").get_result::<Setting>(c)?.v;
            c.batch_execute("SET lock_timeout = 0")?;
            diesel::sql_query(format!("SELECT pg_advisory_lock({LOCK})")).execute(c)?;
            let result =
                c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|v| v.iter().map(|m| m.to_string()).collect());
            diesel::sql_query(format!("SELECT pg_advisory_unlock({LOCK})")).execute(c)?;
            diesel::sql_query("SELECT set_config('lock_timeout', $1, false)")
                .bind::<diesel::sql_types::Text, _>(before)
                .execute(c)?;
            result
        }
    };
    applied.map_err(|e| anyhow::anyhow!("applying migrations: {e}"))
}

/// How many migrations are embedded but not yet applied.
pub fn pending_migrations(conn: &mut DbConn) -> anyhow::Result<usize> {
    let pending = match conn {
        DbConn::Sqlite(c) => c.pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
        DbConn::Postgres(c) => c.pending_migrations(POSTGRES_MIGRATIONS).map(|v| v.len()),
    };
    pending.map_err(|e| anyhow::anyhow!("reading migrations: {e}"))
}

/// Runs `f` in a transaction that holds the write lock from its first statement: `BEGIN
/// IMMEDIATE` on SQLite (a deferred transaction that reads then writes fails under concurrency
/// whatever the busy timeout), a plain transaction on PostgreSQL, where row locks and
/// compare-and-set updates do the work.
pub fn write_tx<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    if let DbConn::Sqlite(c) = conn {
        // Inside an outer write transaction the lock is held already: nest as a savepoint.
        let depth = AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth()?;
        if depth.is_some() {
            return conn.transaction(f);
        }
        AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
    } else {
        return conn.transaction(f);
    }
    let result = f(conn);
    let DbConn::Sqlite(c) = conn else { unreachable!("checked above") };
    match result {
        Ok(value) => {
            AnsiTransactionManager::commit_transaction(c)?;
            Ok(value)
        }
        Err(e) => {
            AnsiTransactionManager::rollback_transaction(c)?;
            Err(e)
        }
    }
}

/// Whether a database error means "busy, try again": SQLite's lock not granted within the busy
/// timeout, PostgreSQL's lock or statement timeout, or a serialization failure. Nothing was
/// written; the request may be sent again.
pub fn is_busy(e: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    match e {
        Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => true,
        Error::DatabaseError(_, info) => {
            let m = info.message();
            m.contains("database is locked")
                || m.contains("database table is locked")
                || m.contains("lock timeout")
                || m.contains("statement timeout")
        }
        _ => false,
    }
}

/// Serialises the transaction it runs in with every other one that locks the same key, on
/// PostgreSQL by a transaction-scoped advisory lock; SQLite's `BEGIN IMMEDIATE` (`write_tx`)
/// serialises all writers already. Call it inside `write_tx`, before counting what a limit
/// allows, so that "count, then insert" is decided by the database for concurrent requests
/// and several instances.
pub fn lock_key(conn: &mut DbConn, key: &str) -> QueryResult<()> {
    if let DbConn::Postgres(c) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
            .bind::<diesel::sql_types::Text, _>(key)
            .execute(c)?;
    }
    Ok(())
}

/// The current time, truncated to microseconds so that SQLite and PostgreSQL store the same
/// value.
pub fn now() -> chrono::NaiveDateTime {
    use chrono::{SubsecRound, Utc};
    Utc::now().naive_utc().trunc_subsecs(6)
}
