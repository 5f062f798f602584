//! `onestop bench …`: benchmark support (bench/README.md): cases to reserve, the reservation
//! without HTTP, and the server with a static copy of a page.

use anyhow::Context;

use clap::Subcommand;
use onestop::config::Settings;
use onestop::db;
use onestop::startup::Application;
use onestop::startup::cli_connection;
use onestop::token;

#[derive(Subcommand)]
pub enum BenchCommand {
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

pub fn run(settings: Settings, command: BenchCommand) -> anyhow::Result<()> {
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
                                let legs = Leg::parse_choice(choice).unwrap_or_default();
                                match booking::reserve(&mut conn, &d.center, &d.case, &legs, &Op::applicant(now)) {
                                    Ok(_) => ok += 1,
                                    Err(onestop::services::action::ActionError::Db(e)) => return Err(e.into()),
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
