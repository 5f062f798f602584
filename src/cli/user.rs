//! `onestop user add`: create an account (the password from standard input, or generated).

use anyhow::Context;

use onestop::config::Settings;
use onestop::db;
use onestop::startup::cli_connection;
use std::io::{BufRead, IsTerminal};

use anyhow::bail;
use clap::Subcommand;
use onestop::domain::Role;
use onestop::domain::password::NewPassword;
use onestop::services::users::{self, NewAccount};
use onestop::token;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create an account. The password is read from standard input when it is piped in;
    /// otherwise one is generated and printed.
    Add {
        /// The center's slug, e.g. gyeongnam; omit it for a national admin (reads every
        /// center's reports, runs no desk)
        #[arg(long)]
        center: Option<String>,
        /// admin, staff or expert
        #[arg(long, value_parser = ["admin", "staff", "expert"])]
        role: String,
        /// The expert's zone kind, e.g. legal, finance or ip
        #[arg(long)]
        zone: Option<String>,
        /// Display name [default: the email address]
        #[arg(long)]
        name: Option<String>,
        /// The account's email address (its sign-in name)
        email: String,
    },
}

pub fn run(settings: &Settings, command: UserCommand) -> anyhow::Result<()> {
    let UserCommand::Add { center, role, zone, name, email } = command;
    let role: Role = role.parse()?;
    let (password, generated) = password_from_stdin_or_generated()?;
    let mut conn = cli_connection(settings)?;
    let id = users::add(
        &mut conn,
        &NewAccount {
            center_slug: center.as_deref().unwrap_or(""),
            role,
            zone_kind: zone.as_deref(),
            email: &email,
            display_name: name.as_deref().unwrap_or(""),
            password: &password,
        },
        db::now(),
    )?;
    println!("created {role} account #{id} for {email} at {}", center.as_deref().unwrap_or("the national level"));
    if generated {
        println!("password (shown once): {}", password.expose());
    }
    Ok(())
}

fn password_from_stdin_or_generated() -> anyhow::Result<(NewPassword, bool)> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Ok((NewPassword::generate(&token::random_bytes::<20>()), true));
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line).context("reading the password from standard input")?;
    let line = line.trim_end_matches(['\r', '\n']).to_owned();
    if line.is_empty() {
        return Ok((NewPassword::generate(&token::random_bytes::<20>()), true));
    }
    match NewPassword::parse(line) {
        Ok(p) => Ok((p, false)),
        Err(e) => bail!("{e}"),
    }
}
