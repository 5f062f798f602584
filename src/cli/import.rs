//! `onestop import consultations FILE`: past records from CSV, all rows or none.

use anyhow::Context;

use anyhow::bail;
use clap::Subcommand;
use onestop::config::Settings;
use onestop::db;
use onestop::startup::cli_connection;

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Past consultation records from CSV (center, zone, consulted_on, company, brn,
    /// institution, executed_won, executed_on, patents_transferred); all rows or none, and the
    /// same file twice adds nothing.
    Consultations {
        /// The CSV file (UTF-8, a header row)
        file: std::path::PathBuf,
    },
}

pub fn run(settings: &Settings, command: ImportCommand) -> anyhow::Result<()> {
    let ImportCommand::Consultations { file } = command;
    let mut conn = cli_connection(settings)?;
    let data =
        std::io::BufReader::new(std::fs::File::open(&file).with_context(|| format!("reading {}", file.display()))?);
    match onestop::services::import::consultations_csv(&mut conn, data, None, db::now()) {
        Ok(r) => {
            println!("imported {} record(s); {} already imported", r.added, r.already);
            Ok(())
        }
        Err(onestop::services::import::ImportError::Invalid { rows, total }) => {
            for r in &rows {
                eprintln!("line {}: {}", r.line, r.reason);
            }
            if total > rows.len() {
                eprintln!("… and {} more bad row(s)", total - rows.len());
            }
            bail!("nothing imported: {total} bad row(s)")
        }
        Err(e) => Err(e.into()),
    }
}
