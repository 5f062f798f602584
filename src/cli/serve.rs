//! `onestop serve` (the default): the web application; an empty database gets the demo, and
//! its new accounts are printed once.

use anyhow::Context;

use onestop::config::Settings;
use onestop::services::demo::{self, DemoAccount};
use onestop::startup::Application;

pub fn run(settings: Settings) -> anyhow::Result<()> {
    let base_url = settings.base_url.clone();
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(settings)?;
        print_accounts_if_any(&app.demo_accounts);
        println!("onestop is serving {base_url} (listening on port {})", app.port());
        app.run_until_stopped().await.context("serving")
    })
}

/// The demo accounts made at this start, with their passwords (shown only this once).
pub fn print_accounts(accounts: &[DemoAccount]) {
    if accounts.is_empty() {
        println!("(no new demo accounts: they exist already, and their passwords were shown when they were created)");
        return;
    }
    println!("Demo accounts at the {} center (passwords are shown only this once):", demo::DEMO_CENTER);
    for a in accounts {
        let role = match a.zone {
            Some(z) => format!("{} ({z})", a.role),
            None => a.role.to_string(),
        };
        println!("  {:<18} {:<28} {}", role, a.email, a.password.expose());
    }
}

fn print_accounts_if_any(accounts: &[DemoAccount]) {
    if !accounts.is_empty() {
        print_accounts(accounts);
    }
}
