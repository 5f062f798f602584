//! `onestop report onestop-status`: the ministry's table from the command line.

use clap::Subcommand;
use onestop::config::Settings;
use onestop::startup::cli_connection;

#[derive(Subcommand)]
pub enum ReportCommand {
    /// 원스톱 서비스 지원 현황: consultations per zone, amounts executed (억원) and patent
    /// transfers as of a day, national (a row per center and the total) or for one center.
    OnestopStatus {
        /// The day the numbers are counted up to (inclusive), YYYY-MM-DD
        #[arg(long)]
        as_of: chrono::NaiveDate,
        /// A second day, shown beside the first
        #[arg(long)]
        compare: Option<chrono::NaiveDate>,
        /// One center's slug, e.g. gyeongnam [default: all 17 and the national total]
        #[arg(long)]
        center: Option<String>,
        #[arg(long, default_value = "table", value_parser = ["table", "csv"])]
        format: String,
    },
}

pub fn run(settings: &Settings, command: ReportCommand) -> anyhow::Result<()> {
    let ReportCommand::OnestopStatus { as_of, compare, center, format } = command;
    let mut conn = cli_connection(settings)?;
    let center_id = match &center {
        Some(slug) => Some(
            onestop::db::centers::by_slug(&mut conn, slug)?
                .ok_or_else(|| anyhow::anyhow!("no center with the slug `{slug}`"))?
                .id,
        ),
        None => None,
    };
    let mut reports = vec![onestop::services::reports::onestop_status(&mut conn, as_of, center_id)?];
    if let Some(d) = compare {
        reports.push(onestop::services::reports::onestop_status(&mut conn, d, center_id)?);
    }
    print!("{}", onestop::services::reports::render_status(&reports, format == "csv", center.is_none())?);
    Ok(())
}
