//! The `onestop` command: serve, migrate, demo, user add.

use std::io::{BufRead, IsTerminal};

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use onestop::config::{ConfigArgs, Settings};
use onestop::domain::Role;
use onestop::domain::password::NewPassword;
use onestop::services::demo::{self, DemoAccount};
use onestop::services::users::{self, NewAccount};
use onestop::startup::{Application, cli_connection};
use onestop::{db, telemetry, token};

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

#[derive(Subcommand)]
enum ReportCommand {
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

#[derive(Subcommand)]
enum ImportCommand {
    /// Past consultation records from CSV (center, zone, consulted_on, company, brn,
    /// institution, executed_won, executed_on, patents_transferred); all rows or none, and the
    /// same file twice adds nothing.
    Consultations {
        /// The CSV file (UTF-8, a header row)
        file: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Make N submitted cases, each meant for a distinct free seat; write `TOKEN CHOICE` lines
    /// to --out and print the CSRF cookie and form token a client may send with them (JSON).
    Prepare {
        #[arg(long)]
        cases: usize,
        /// Raise every schedule rule to at least this many seats per slot first
        #[arg(long)]
        seats: Option<i32>,
        /// Only this center's seats (its slug)
        #[arg(long)]
        center: Option<String>,
        /// Only this zone kind's seats, e.g. legal
        #[arg(long)]
        zone_kind: Option<String>,
        #[arg(long, default_value_t = 2015)]
        seed: u64,
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// The reservation transaction of `POST /apply/{token}/book` in a loop without HTTP (the
    /// case looked up by its token, then reserved), over prepared lines; prints JSON.
    ReserveLoop {
        /// A file written by `bench prepare`
        #[arg(long)]
        requests: std::path::PathBuf,
        /// Lines to skip (used by another run)
        #[arg(long, default_value_t = 0)]
        skip: usize,
        /// Stop after this many seconds (or at the end of the lines)
        #[arg(long, default_value_t = 5.0)]
        seconds: f64,
        /// Threads, each with its own connection, taking every Nth line (as many as the HTTP
        /// run's connections: PostgreSQL commits concurrent transactions together)
        #[arg(long, default_value_t = 1)]
        threads: usize,
    },
    /// `serve`, plus `/bench/static.html` answering the given file's bytes.
    Serve {
        #[arg(long)]
        static_file: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum MailCommand {
    /// Send every message that is due (retries included) once, print what happened, and exit.
    Send,
}

#[derive(Subcommand)]
enum UserCommand {
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

fn main() -> anyhow::Result<()> {
    return_large_blocks_to_the_system();
    let cli = Cli::parse();
    let settings = Settings::load(&cli.config)?;
    telemetry::init(&settings.log);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings),
        Command::Migrate => {
            let mut conn = cli_connection(&settings)?;
            println!("database is up to date ({} pending)", db::pending_migrations(&mut conn)?);
            Ok(())
        }
        Command::Demo { scale, seed } => {
            let mut conn = cli_connection(&settings)?;
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
                let n = demo::load_samples(&mut conn, db::now())?;
                println!("sample cases at the demo center: {n}");
            }
            println!("demo data loaded");
            print_accounts(&accounts);
            Ok(())
        }
        Command::Purge => {
            let mut conn = cli_connection(&settings)?;
            let now = db::now();
            onestop::services::auth::purge(&mut conn, now)?;
            onestop::services::import::purge_stale(&mut conn, now)?;
            let n = onestop::services::questionnaire::purge_expired(&mut conn, now, &settings.data_dir)?;
            println!("purged {n} expired draft(s)");
            Ok(())
        }
        Command::Mail { command: MailCommand::Send } => {
            let mut conn = cli_connection(&settings)?;
            let mailer = onestop::services::mailer::Mailer::new(&settings)?;
            let r = mailer.send_due(&mut conn, db::now())?;
            println!("sent {}, skipped {}, to retry {}, dead {}", r.sent, r.skipped, r.retried, r.dead);
            Ok(())
        }
        Command::Report { command: ReportCommand::OnestopStatus { as_of, compare, center, format } } => {
            let mut conn = cli_connection(&settings)?;
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
        Command::Import { command: ImportCommand::Consultations { file } } => {
            let mut conn = cli_connection(&settings)?;
            let data = std::io::BufReader::new(
                std::fs::File::open(&file).with_context(|| format!("reading {}", file.display()))?,
            );
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
        Command::Bench { command } => bench(settings, command),
        Command::User { command: UserCommand::Add { center, role, zone, name, email } } => {
            let role: Role = role.parse()?;
            let (password, generated) = password_from_stdin_or_generated()?;
            let mut conn = cli_connection(&settings)?;
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
            println!(
                "created {role} account #{id} for {email} at {}",
                center.as_deref().unwrap_or("the national level")
            );
            if generated {
                println!("password (shown once): {}", password.expose());
            }
            Ok(())
        }
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

fn print_accounts(accounts: &[DemoAccount]) {
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

fn bench(settings: Settings, command: BenchCommand) -> anyhow::Result<()> {
    use onestop::services::scale;
    match command {
        BenchCommand::Prepare { cases, seats, center, zone_kind, seed, out } => {
            let mut conn = cli_connection(&settings)?;
            let only = (center.as_deref(), zone_kind.as_deref());
            let prepared = scale::prepare_reservations(&mut conn, cases, seats, only, seed, db::now())?;
            let mut text = String::new();
            for p in &prepared {
                text.push_str(&format!("{} {}\n", p.token, p.choice));
            }
            std::fs::write(&out, text).with_context(|| format!("writing {}", out.display()))?;
            let value = token::new_token();
            let name = settings.cookie_name("csrf");
            let csrf = onestop::web::csrf::sign(settings.secret.expose(), &value);
            println!("{{\"cases\": {}, \"cookie\": \"{name}={value}\", \"csrf\": \"{csrf}\"}}", prepared.len());
            Ok(())
        }
        BenchCommand::ReserveLoop { requests, skip, seconds, threads } => {
            use onestop::services::booking::{self, Leg, Op};
            use onestop::services::questionnaire::{Lookup, find_by_token};
            let text = std::fs::read_to_string(&requests).with_context(|| format!("reading {}", requests.display()))?;
            let lines: Vec<&str> = text.lines().skip(skip).collect();
            let threads = threads.max(1);
            let mut conns = Vec::new();
            for _ in 0..threads {
                conns.push(cli_connection(&settings)?);
            }
            let started = std::time::Instant::now();
            let results: Vec<anyhow::Result<(u64, u64)>> = std::thread::scope(|scope| {
                let handles: Vec<_> = conns
                    .into_iter()
                    .enumerate()
                    .map(|(k, mut conn)| {
                        let lines = &lines;
                        scope.spawn(move || -> anyhow::Result<(u64, u64)> {
                            let (mut ok, mut refused) = (0u64, 0u64);
                            for line in lines.iter().skip(k).step_by(threads) {
                                if started.elapsed().as_secs_f64() >= seconds {
                                    break;
                                }
                                let Some((token, choice)) = line.split_once(' ') else { continue };
                                let now = db::now();
                                let Lookup::Found(d) = find_by_token(&mut conn, token, now)? else {
                                    refused += 1;
                                    continue;
                                };
                                let legs: Vec<Leg> = choice.split(',').filter_map(Leg::parse).collect();
                                match booking::reserve(&mut conn, &d.center, &d.case, &legs, &Op::applicant(now)) {
                                    Ok(_) => ok += 1,
                                    Err(booking::BookError::Db(e)) => return Err(e.into()),
                                    Err(_) => refused += 1,
                                }
                            }
                            Ok((ok, refused))
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().expect("a loop thread panicked")).collect()
            });
            let (mut ok, mut refused) = (0u64, 0u64);
            for r in results {
                let (o, f) = r?;
                ok += o;
                refused += f;
            }
            let secs = started.elapsed().as_secs_f64();
            println!(
                "{{\"reserved\": {ok}, \"refused\": {refused}, \"seconds\": {secs:.3}, \"per_second\": {:.1}}}",
                ok as f64 / secs
            );
            Ok(())
        }
        BenchCommand::Serve { static_file } => {
            let page = std::fs::read(&static_file).with_context(|| format!("reading {}", static_file.display()))?;
            let base_url = settings.base_url.clone();
            actix_web::rt::System::new().block_on(async move {
                let app = Application::build_with_static_page(settings, page)?;
                println!("onestop (bench) is serving {base_url} (listening on port {})", app.port());
                app.run_until_stopped().await.context("serving")
            })
        }
    }
}

fn serve(settings: Settings) -> anyhow::Result<()> {
    let base_url = settings.base_url.clone();
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(settings)?;
        print_accounts_if_any(&app.demo_accounts);
        println!("onestop is serving {base_url} (listening on port {})", app.port());
        app.run_until_stopped().await.context("serving")
    })
}

fn print_accounts_if_any(accounts: &[DemoAccount]) {
    if !accounts.is_empty() {
        print_accounts(accounts);
    }
}
