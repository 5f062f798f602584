//! How mail leaves the outbox: the transport (checked when the settings load) and the worker's timing.

use std::fmt;

use anyhow::bail;

/// How mail leaves the outbox.
#[derive(Debug, Clone)]
pub struct MailSettings {
    pub transport: MailTransport,
    pub max_attempts: u32,
    pub retry_base: std::time::Duration,
    pub lease: std::time::Duration,
    /// Time between the worker's passes in `serve`; `None`: no worker in this process.
    pub poll: Option<std::time::Duration>,
}

impl Default for MailSettings {
    fn default() -> Self {
        MailSettings {
            transport: MailTransport::File,
            max_attempts: 8,
            retry_base: std::time::Duration::from_secs(60),
            lease: std::time::Duration::from_secs(120),
            poll: Some(std::time::Duration::from_secs(5)),
        }
    }
}

#[derive(Clone, PartialEq, Eq)]
pub enum MailTransport {
    /// `.eml` files in `DATA_DIR/mail` (the demo's default).
    File,
    /// Kept in the process (tests).
    Memory,
    /// An SMTP URL as lettre reads it.
    Smtp(String),
}

impl MailTransport {
    pub fn parse(raw: &str) -> anyhow::Result<Self> {
        match raw.trim() {
            "" | "file" => Ok(MailTransport::File),
            "memory" => Ok(MailTransport::Memory),
            url if url.starts_with("smtps://") => Ok(MailTransport::Smtp(url.to_owned())),
            url if url.starts_with("smtp://") => {
                let authority = url["smtp://".len()..].split(['/', '?']).next().unwrap_or("");
                let host_port = authority.rsplit('@').next().unwrap_or("");
                let host = if host_port.starts_with('[') {
                    host_port.split(']').next().map(|h| &h[1..]).unwrap_or("")
                } else {
                    host_port.split(':').next().unwrap_or("")
                };
                let encrypted = url.contains("tls=required") || url.contains("tls=opportunistic");
                let loopback = host == "localhost" || host == "::1" || host.starts_with("127.");
                if !encrypted && !loopback {
                    bail!("unencrypted SMTP is only allowed to a loopback address: use smtps:// or add ?tls=required");
                }
                Ok(MailTransport::Smtp(url.to_owned()))
            }
            other => bail!("unknown mail transport {other:?}: use file, memory, smtp://… or smtps://…"),
        }
    }
}

impl fmt::Debug for MailTransport {
    /// Never prints the SMTP password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MailTransport::File => f.write_str("file"),
            MailTransport::Memory => f.write_str("memory"),
            MailTransport::Smtp(url) => {
                match url.split_once("://").and_then(|(s, rest)| Some((s, rest.split_once('@')?.1))) {
                    Some((scheme, rest)) => write!(f, "{scheme}://…@{rest}"),
                    None => f.write_str(url),
                }
            }
        }
    }
}
