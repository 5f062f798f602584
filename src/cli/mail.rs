//! `onestop mail send`: send what is due in the outbox once.

use clap::Subcommand;
use onestop::config::Settings;
use onestop::db;
use onestop::startup::cli_connection;

#[derive(Subcommand)]
pub enum MailCommand {
    /// Send every message that is due (retries included) once, print what happened, and exit.
    Send,
}

pub fn run(settings: &Settings, command: MailCommand) -> anyhow::Result<()> {
    let MailCommand::Send = command;
    let mut conn = cli_connection(settings)?;
    let mailer = onestop::services::mailer::Mailer::new(settings)?;
    let r = mailer.send_due(&mut conn, db::now())?;
    println!("sent {}, skipped {}, to retry {}, dead {}", r.sent, r.skipped, r.retried, r.dead);
    Ok(())
}
