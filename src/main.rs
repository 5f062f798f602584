//! The `onestop` command: serve (the default), migrate, demo, purge, mail, report, import,
//! bench, user. One file per command in `src/cli/`.

mod cli;

use clap::{Parser, Subcommand};

use onestop::config::{ConfigArgs, Settings};
use onestop::telemetry;

use cli::bench::BenchCommand;
use cli::import::ImportCommand;
use cli::mail::MailCommand;
use cli::report::ReportCommand;
use cli::user::UserCommand;

#[derive(Parser)]
#[command(
    name = "onestop",
    version,
    about = "Booking and case system for the one-stop service desks of Korea's Creative Economy Innovation Centers"
)]
struct Cli {
    #[command(flatten)]
    config: ConfigArgs,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web application (the default). Loads the demo into an empty database.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load the demo data (zones, schedules, Gyeongnam accounts) and print new accounts.
    Demo {
        /// Instead of the sample desk day, fill the database (which must have no cases) with
        /// about N thousand appointments of every center, going back as many years as that
        /// takes (1000 ≈ ten years), with their cases and consultations — for benchmarks
        #[arg(long, value_name = "N")]
        scale: Option<u32>,
        /// The seed for --scale: the same seed, scale and day give the same data
        #[arg(long, default_value_t = 2015)]
        seed: u64,
    },
    /// Purge expired drafts (with their files) and expired sessions now; `serve` also does it
    /// every ten minutes.
    Purge,
    /// The outbox: `serve` sends it continuously; this sends what is due now.
    Mail {
        #[command(subcommand)]
        command: MailCommand,
    },
    /// The reports the ministry asks for.
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
    /// Bring in records kept elsewhere.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Benchmark support (see bench/README.md): cases to reserve, the reservation without
    /// HTTP, and the server with a static copy of a page.
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
    /// Manage staff, admin and expert accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

fn main() -> anyhow::Result<()> {
    return_large_blocks_to_the_system();
    let cli = Cli::parse();
    let settings = Settings::load(&cli.config)?;
    telemetry::init(&settings.log);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => cli::serve::run(settings),
        Command::Migrate => cli::migrate::run(&settings),
        Command::Demo { scale, seed } => cli::demo::run(&settings, scale, seed),
        Command::Purge => cli::purge::run(&settings),
        Command::Mail { command } => cli::mail::run(&settings, command),
        Command::Report { command } => cli::report::run(&settings, command),
        Command::Import { command } => cli::import::run(&settings, command),
        Command::Bench { command } => cli::bench::run(settings, command),
        Command::User { command } => cli::user::run(&settings, command),
    }
}

/// glibc raises its mmap threshold after the first large block is freed, and from then on
/// keeps freed password-hashing memory (19 MiB a hash) in its arenas for good. A fixed
/// threshold keeps blocks of 1 MiB and more in their own mappings, returned when freed.
fn return_large_blocks_to_the_system() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; called before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1024 * 1024);
    }
}
