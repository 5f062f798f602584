//! `onestop purge`: expired drafts, sessions, dead imports and the personal data of closed
//! cases past their retention, now (`serve` does it every ten minutes); each destruction is
//! written to the destruction register.

use onestop::config::Settings;
use onestop::db;
use onestop::startup::cli_connection;

pub fn run(settings: &Settings) -> anyhow::Result<()> {
    let mut conn = cli_connection(settings)?;
    let now = db::now();
    onestop::services::auth::purge(&mut conn, now)?;
    onestop::services::import::purge_stale(&mut conn, now)?;
    let by = onestop::services::retention::By::Command;
    let closed = onestop::services::retention::destroy_due(&mut conn, now, &settings.data_dir, by)?;
    let n = onestop::services::questionnaire::purge_expired(&mut conn, now, &settings.data_dir)?;
    println!("purged {n} expired draft(s); destroyed the personal data of {closed} closed case(s) past retention");
    Ok(())
}
