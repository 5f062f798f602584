//! `onestop demo [--scale N]`: the demo data, or a benchmark-sized history.

use onestop::config::Settings;
use onestop::db;
use onestop::services::demo;
use onestop::startup::cli_connection;

use super::serve::print_accounts;

pub fn run(settings: &Settings, scale: Option<u32>, seed: u64) -> anyhow::Result<()> {
    let mut conn = cli_connection(settings)?;
    let accounts = demo::load(&mut conn, db::now())?;
    if let Some(n) = scale {
        let started = std::time::Instant::now();
        let g = onestop::services::scale::generate(&mut conn, n, seed, db::now())?;
        println!(
            "scale {n} (seed {seed}): {} cases, {} appointments, {} consultations, {} case events from {} on, in {:.1} s",
            g.cases,
            g.appointments,
            g.consultations,
            g.events,
            g.first_day.map(|d| d.to_string()).unwrap_or_default(),
            started.elapsed().as_secs_f64()
        );
    } else {
        let started = std::time::Instant::now();
        let (past, n) = demo::load_history_and_samples(&mut conn, db::now())?;
        println!(
            "a year of history: {past} appointments at the 17 centers; sample cases at the demo center: {n} ({:.1} s)",
            started.elapsed().as_secs_f64()
        );
    }
    println!("demo data loaded");
    print_accounts(&accounts);
    Ok(())
}
