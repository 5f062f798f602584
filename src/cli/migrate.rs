//! `onestop migrate`: apply pending migrations and exit.

use onestop::config::Settings;
use onestop::db;
use onestop::startup::cli_connection;

pub fn run(settings: &Settings) -> anyhow::Result<()> {
    let mut conn = cli_connection(settings)?;
    println!("database is up to date ({} pending)", db::pending_migrations(&mut conn)?);
    Ok(())
}
