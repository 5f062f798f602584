//! `onestop purge`: expired drafts, sessions and dead imports now (`serve` does it every ten
//! minutes).

use onestop::config::Settings;
use onestop::db;
use onestop::startup::cli_connection;

pub fn run(settings: &Settings) -> anyhow::Result<()> {
    let mut conn = cli_connection(settings)?;
    let now = db::now();
    onestop::services::auth::purge(&mut conn, now)?;
    onestop::services::import::purge_stale(&mut conn, now)?;
    let n = onestop::services::questionnaire::purge_expired(&mut conn, now, &settings.data_dir)?;
    println!("purged {n} expired draft(s)");
    Ok(())
}
