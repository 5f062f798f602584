//! Settings: defaults, then an optional TOML file, then environment variables and flags.

use std::fmt;
use std::path::PathBuf;

use anyhow::{Context, bail};
use serde::Deserialize;

mod mail;
mod secret;

pub use mail::{MailSettings, MailTransport};
pub use secret::Secret;
use secret::load_or_create_secret;

/// Declares the settings once: each is a flag, an environment variable and a key of the TOML
/// file (the field's name), merged in that order over the file (`ConfigArgs::over`).
macro_rules! settings {
    ($($(#[$m:meta])* pub $name:ident: Option<$t:ty>,)*) => {
        /// Configuration flags shared by every subcommand; each also reads an environment
        /// variable, and the same struct reads the TOML file.
        #[derive(clap::Args, Deserialize, Debug, Default, Clone)]
        #[serde(deny_unknown_fields)]
        pub struct ConfigArgs {
            $($(#[$m])* pub $name: Option<$t>,)*
        }

        impl ConfigArgs {
            /// Flags and environment (already merged by clap) over the file's values.
            fn over(self, file: ConfigArgs) -> ConfigArgs {
                ConfigArgs { $($name: self.$name.or(file.$name),)* }
            }

            /// The keys the TOML file accepts.
            pub fn file_keys() -> &'static [&'static str] {
                &[$(stringify!($name)),*]
            }
        }
    };
}

settings! {
    /// TOML file with any of the settings below, keyed by their long names with underscores
    /// (`database_url` for --database)
    #[arg(long, env = "ONESTOP_CONFIG", global = true, value_name = "FILE")]
    #[serde(skip)]
    pub config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8080]
    #[arg(long, env = "ONESTOP_LISTEN", global = true, value_name = "ADDR")]
    pub listen: Option<String>,
    /// sqlite://PATH, a plain file path, or postgres://… [default: DATA_DIR/onestop.sqlite3]
    #[arg(long = "database", env = "DATABASE_URL", global = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// Public base URL used in links and emails [default: http://LISTEN]
    #[arg(long, env = "ONESTOP_BASE_URL", global = true, value_name = "URL")]
    pub base_url: Option<String>,
    /// Directory for the SQLite database, the generated secret and uploaded files [default: ./data]
    #[arg(long, env = "ONESTOP_DATA_DIR", global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Signing secret, at least 32 characters [default: generated once into DATA_DIR/secret.key]
    #[arg(long, env = "ONESTOP_SECRET", global = true, hide_env_values = true, value_name = "SECRET")]
    pub secret: Option<String>,
    /// Log filter, e.g. info or onestop=debug,actix_web=info [default: info]
    #[arg(long, env = "ONESTOP_LOG", global = true, value_name = "FILTER")]
    pub log: Option<String>,
    /// Load the demo data when `serve` starts on a database without any user [default: true]
    #[arg(long, env = "ONESTOP_DEMO_ON_EMPTY", global = true, value_name = "BOOL")]
    pub demo_on_empty: Option<bool>,
    /// HTTP worker threads [default: number of cores]
    #[arg(long, env = "ONESTOP_WORKERS", global = true, value_name = "N")]
    pub workers: Option<usize>,
    /// Days an unfinished pre-questionnaire is kept before it is purged with its files [default: 30]
    #[arg(long, env = "ONESTOP_DRAFT_TTL_DAYS", global = true, value_name = "DAYS")]
    pub draft_ttl_days: Option<u32>,
    /// Pre-questionnaires one client address may start per hour [default: 20]
    #[arg(long, env = "ONESTOP_DRAFTS_PER_HOUR", global = true, value_name = "N")]
    pub drafts_per_hour: Option<u32>,
    /// Mails that applicants' anonymous forms may send to one address per hour [default: 5]
    #[arg(long, env = "ONESTOP_MAILS_PER_ADDRESS_HOUR", global = true, value_name = "N")]
    pub mails_per_address_hour: Option<u32>,
    /// Sender address of every mail, also the organizer of calendar invitations [default: no-reply@HOST of the base URL]
    #[arg(long, env = "ONESTOP_MAIL_FROM", global = true, value_name = "ADDRESS")]
    pub mail_from: Option<String>,
    /// Where mail goes: `file` (.eml files in DATA_DIR/mail), `memory` (tests), or an SMTP URL:
    /// `smtps://user:pass@host:465`, `smtp://user:pass@host:587?tls=required`, or unencrypted
    /// `smtp://127.0.0.1:25` (loopback only) [default: file]
    #[arg(long, env = "ONESTOP_MAIL_TRANSPORT", global = true, hide_env_values = true, value_name = "TRANSPORT")]
    pub mail_transport: Option<String>,
    /// Sending attempts before a message is marked dead [default: 8]
    #[arg(long, env = "ONESTOP_MAIL_MAX_ATTEMPTS", global = true, value_name = "N")]
    pub mail_max_attempts: Option<u32>,
    /// Delay before the first retry; each further retry waits twice as long, ±20% [default: 60]
    #[arg(long, env = "ONESTOP_MAIL_RETRY_SECONDS", global = true, value_name = "SECONDS")]
    pub mail_retry_seconds: Option<u32>,
    /// How long a worker holds a claimed message before another may take it over [default: 120]
    #[arg(long, env = "ONESTOP_MAIL_LEASE_SECONDS", global = true, value_name = "SECONDS")]
    pub mail_lease_seconds: Option<u32>,
    /// Seconds between the mail worker's passes in `serve`; 0 = this instance sends no mail [default: 5]
    #[arg(long, env = "ONESTOP_MAIL_POLL_SECONDS", global = true, value_name = "SECONDS")]
    pub mail_poll_seconds: Option<u32>,
}

/// The host of a base URL (for Message-IDs and calendar UIDs): `https://a.kr:8443/x` → `a.kr`.
pub fn host_of(base_url: &str) -> &str {
    base_url
        .split("://")
        .nth(1)
        .unwrap_or(base_url)
        .split(['/', ':'])
        .next()
        .filter(|h| !h.is_empty())
        .unwrap_or("onestop")
}

/// Which database, picked by the URL's scheme.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(String),
    Postgres(String),
}

impl DatabaseUrl {
    pub fn parse(raw: &str) -> anyhow::Result<Self> {
        let raw = raw.trim();
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(raw.to_owned()));
        }
        let path = raw.strip_prefix("sqlite://").or_else(|| raw.strip_prefix("sqlite:")).unwrap_or(raw);
        if path.is_empty() {
            bail!("the database URL is empty");
        }
        if path.contains("://") {
            bail!("unsupported database URL scheme (use sqlite://PATH or postgres://…)");
        }
        Ok(DatabaseUrl::Sqlite(path.to_owned()))
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, DatabaseUrl::Postgres(_))
    }
}

impl fmt::Debug for DatabaseUrl {
    /// Never prints a password that may be in a PostgreSQL URL.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseUrl::Sqlite(p) => write!(f, "sqlite://{p}"),
            DatabaseUrl::Postgres(u) => {
                let shown = match (u.find("://"), u.rfind('@')) {
                    (Some(s), Some(at)) if at > s => format!("{}://…@{}", &u[..s], &u[at + 1..]),
                    _ => u.clone(),
                };
                f.write_str(&shown)
            }
        }
    }
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub listen: String,
    pub database: DatabaseUrl,
    /// Without a trailing slash.
    pub base_url: String,
    pub data_dir: PathBuf,
    pub secret: Secret,
    pub log: String,
    pub demo_on_empty: bool,
    pub workers: usize,
    pub draft_ttl_days: u32,
    /// Limits on what anonymous visitors can make the product do.
    pub limits: Limits,
    /// A bare address (`no-reply@example.kr`); the display name is the center's.
    pub mail_from: String,
    pub mail: MailSettings,
}

/// Rate limits for anonymous forms, counted in the database (shared by every instance).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Drafts one client address may open per hour.
    pub drafts_per_hour: u32,
    /// Mails caused by anonymous forms (resume link, submission received) to one address per hour.
    pub mails_per_address_hour: u32,
    /// A request body that sends nothing for this long is cut off with a 408.
    pub body_idle: std::time::Duration,
    /// A statement waits this long for a database lock; then the request gets the 503 page.
    pub lock_wait: std::time::Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            drafts_per_hour: 20,
            mails_per_address_hour: 5,
            body_idle: std::time::Duration::from_secs(10),
            lock_wait: crate::db::LOCK_WAIT,
        }
    }
}

impl Settings {
    /// Cookies get `Secure` and the `__Host-` prefix, and HSTS is sent, when served over https.
    pub fn is_https(&self) -> bool {
        self.base_url.starts_with("https://")
    }

    /// Cookie names get the `__Host-` prefix over https (Secure, Path=/, no Domain).
    pub fn cookie_name(&self, base: &str) -> String {
        if self.is_https() { format!("__Host-{base}") } else { format!("onestop_{base}") }
    }

    /// Layers: defaults < file < environment < flags (clap already merged the last two).
    pub fn load(args: &ConfigArgs) -> anyhow::Result<Self> {
        let file = match &args.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading the config file {}", path.display()))?;
                toml::from_str::<ConfigArgs>(&text)
                    .with_context(|| format!("parsing the config file {}", path.display()))?
            }
            None => ConfigArgs::default(),
        };
        let args = args.clone().over(file);
        let listen = args.listen.clone().unwrap_or_else(|| "127.0.0.1:8080".into());
        let data_dir = args.data_dir.clone().unwrap_or_else(|| PathBuf::from("data"));
        let database = match args.database_url.clone() {
            Some(url) => DatabaseUrl::parse(&url)?,
            None => DatabaseUrl::Sqlite(data_dir.join("onestop.sqlite3").to_string_lossy().into_owned()),
        };
        let base_url =
            args.base_url.clone().unwrap_or_else(|| format!("http://{listen}")).trim_end_matches('/').to_owned();
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            bail!("the base URL must start with http:// or https://");
        }
        let secret = match args.secret.clone() {
            Some(s) => Secret::from_text(&s)?,
            None => load_or_create_secret(&data_dir)?,
        };
        let mail_from = match args.mail_from.clone() {
            Some(a) => a
                .parse::<email_address::EmailAddress>()
                .context("ONESTOP_MAIL_FROM is not an email address")?
                .email()
                .to_owned(),
            None => default_sender(host_of(&base_url)),
        };
        let mail = MailSettings {
            transport: MailTransport::parse(&args.mail_transport.clone().unwrap_or_default())?,
            max_attempts: args.mail_max_attempts.unwrap_or(8).clamp(1, 100),
            retry_base: std::time::Duration::from_secs(args.mail_retry_seconds.unwrap_or(60).clamp(1, 86_400).into()),
            lease: std::time::Duration::from_secs(args.mail_lease_seconds.unwrap_or(120).clamp(1, 3600).into()),
            poll: match args.mail_poll_seconds.unwrap_or(5) {
                0 => None,
                s => Some(std::time::Duration::from_secs(s.min(3600).into())),
            },
        };
        Ok(Settings {
            mail,
            mail_from,
            listen,
            database,
            base_url,
            data_dir,
            secret,
            log: args.log.clone().unwrap_or_else(|| "info".into()),
            demo_on_empty: args.demo_on_empty.unwrap_or(true),
            workers: args.workers.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get())),
            draft_ttl_days: args.draft_ttl_days.unwrap_or(30).clamp(1, 365),
            limits: Limits {
                drafts_per_hour: args.drafts_per_hour.unwrap_or(20).max(1),
                mails_per_address_hour: args.mails_per_address_hour.unwrap_or(5).max(1),
                ..Limits::default()
            },
        })
    }
}

/// `no-reply@` the base URL's host when that is a domain name, else `no-reply@localhost`.
fn default_sender(host: &str) -> String {
    let is_name = host.contains('.') && host.chars().any(|c| c.is_ascii_alphabetic()) && !host.contains(':');
    format!("no-reply@{}", if is_name { host } else { "localhost" })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's settings table is the one in the code: every flag with its variable, in
    /// the same order, and the file keys the `--config` row lists.
    #[test]
    fn the_readme_lists_every_setting_as_the_code_declares_it() {
        use clap::Args;
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
        let rows: Vec<(String, String)> = readme
            .lines()
            .filter(|l| l.starts_with("| `--"))
            .map(|l| {
                let cells: Vec<&str> = l.split('|').map(str::trim).collect();
                let code = |c: &str| c.split('`').nth(1).unwrap_or("").to_owned();
                (code(cells[1]), code(cells[2]))
            })
            .collect();
        let cmd = ConfigArgs::augment_args(clap::Command::new("onestop"));
        let declared: Vec<(String, String)> = cmd
            .get_arguments()
            .map(|a| {
                let long = format!("--{}", a.get_long().unwrap());
                (long, a.get_env().unwrap().to_string_lossy().into_owned())
            })
            .collect();
        assert_eq!(rows, declared, "README.md's configuration table against ConfigArgs");
        let config_row = readme.lines().find(|l| l.starts_with("| `--config`")).unwrap();
        let keys: Vec<&str> = config_row.split('|').nth(4).unwrap().split('`').skip(1).step_by(2).collect();
        let expected: Vec<&str> = ConfigArgs::file_keys().iter().copied().filter(|k| *k != "config").collect();
        assert_eq!(keys, expected, "the file keys the --config row names");
    }

    #[test]
    fn a_config_file_takes_every_key_and_flags_win_over_it() {
        let keys = ConfigArgs::file_keys().iter().filter(|k| **k != "config");
        let file: ConfigArgs = toml::from_str("workers = 3\nlisten = \"0.0.0.0:9000\"\nmail_poll_seconds = 0").unwrap();
        assert_eq!((file.workers, file.mail_poll_seconds), (Some(3), Some(0)));
        let flags = ConfigArgs { workers: Some(7), ..ConfigArgs::default() };
        let merged = flags.over(file);
        assert_eq!((merged.workers, merged.listen.as_deref()), (Some(7), Some("0.0.0.0:9000")));
        assert!(toml::from_str::<ConfigArgs>("config = \"x.toml\"").is_err(), "a file cannot name a file");
        assert!(toml::from_str::<ConfigArgs>("listn = \"x\"").is_err(), "a typo is an error");
        assert_eq!(keys.count(), ConfigArgs::file_keys().len() - 1);
    }

    #[test]
    fn the_host_of_a_base_url() {
        assert_eq!(host_of("https://onestop.example.kr:8443/path"), "onestop.example.kr");
        assert_eq!(host_of("http://127.0.0.1:8080"), "127.0.0.1");
    }

    #[test]
    fn the_default_sender_uses_a_domain_name_only() {
        assert_eq!(default_sender("onestop.example.kr"), "no-reply@onestop.example.kr");
        assert_eq!(default_sender("127.0.0.1"), "no-reply@localhost");
        assert_eq!(default_sender("localhost"), "no-reply@localhost");
    }

    #[test]
    fn mail_transports_and_unencrypted_smtp_only_on_loopback() {
        assert_eq!(MailTransport::parse("").unwrap(), MailTransport::File);
        assert_eq!(MailTransport::parse("memory").unwrap(), MailTransport::Memory);
        assert!(MailTransport::parse("smtp://127.0.0.1:2525").is_ok());
        assert!(MailTransport::parse("smtp://mail.example.kr:25").is_err());
        assert!(MailTransport::parse("smtp://user:pass@127.0.0.1:25").is_ok());
        assert!(MailTransport::parse("smtp://[::1]:25").is_ok());
        assert!(MailTransport::parse("smtp://u:p@mail.example.kr:587?tls=required").is_ok());
        assert!(MailTransport::parse("smtps://u:p@mail.example.kr").is_ok());
        assert!(MailTransport::parse("sendmail").is_err());
        let t = MailTransport::parse("smtps://user:hunter2@mail.example.kr").unwrap();
        assert!(!format!("{t:?}").contains("hunter2"));
    }

    #[test]
    fn the_scheme_picks_the_backend() {
        assert_eq!(DatabaseUrl::parse("sqlite://data/x.db").unwrap(), DatabaseUrl::Sqlite("data/x.db".into()));
        assert_eq!(DatabaseUrl::parse("data/x.db").unwrap(), DatabaseUrl::Sqlite("data/x.db".into()));
        assert!(DatabaseUrl::parse("postgres://u@h/db").unwrap().is_postgres());
        assert!(DatabaseUrl::parse("postgresql://u@h/db").unwrap().is_postgres());
        assert!(DatabaseUrl::parse("mysql://u@h/db").is_err());
        assert!(DatabaseUrl::parse("").is_err());
    }

    #[test]
    fn debug_output_hides_the_database_password_and_the_secret() {
        let url = DatabaseUrl::parse("postgres://app:hunter2@db.example/onestop").unwrap();
        assert!(!format!("{url:?}").contains("hunter2"));
        let secret = Secret::from_text(&"s".repeat(40)).unwrap();
        assert!(!format!("{secret:?}").contains("sss"));
    }

    #[test]
    fn flags_override_the_file_and_the_secret_is_generated_once() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("onestop.toml");
        std::fs::write(&file, "listen = \"0.0.0.0:9000\"\nlog = \"debug\"\n").unwrap();
        let args = ConfigArgs {
            config: Some(file),
            log: Some("warn".into()),
            data_dir: Some(dir.path().join("data")),
            ..Default::default()
        };
        let a = Settings::load(&args).unwrap();
        assert_eq!(a.listen, "0.0.0.0:9000");
        assert_eq!(a.log, "warn");
        assert_eq!(a.base_url, "http://0.0.0.0:9000");
        let b = Settings::load(&args).unwrap();
        assert_eq!(a.secret.expose(), b.secret.expose(), "the generated secret persists");
    }

    #[test]
    fn unknown_keys_in_the_file_are_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bad.toml");
        std::fs::write(&file, "lisen = \"x\"\n").unwrap();
        let args = ConfigArgs { config: Some(file), secret: Some("s".repeat(32)), ..Default::default() };
        assert!(Settings::load(&args).is_err());
    }
}
