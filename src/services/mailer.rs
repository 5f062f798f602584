//! Sending the outbox. A worker claims due rows with a lease (so several instances never send
//! one row twice), checks each message still holds (a visit moved or cancelled since, a
//! reminder whose visit began), hands it to the transport (lettre: SMTP, `.eml` files, or
//! memory for tests), and records the outcome. Failures retry with exponential backoff and
//! jitter; permanent refusals and the last allowed attempt make the row `dead`. A row is marked
//! sent only after the server accepted it, so a crash in between sends it again (at least once;
//! the receiving side sees the same `Message-ID`).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::NaiveDateTime;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::{Message, Transport as _};

use crate::config::{MailSettings, MailTransport};
use crate::db::outbox::{self, OutboxRow, Outcome};
use crate::db::{self, DbConn, appointments, cases};
use crate::domain::CaseStatus;
use crate::domain::message::MessageKind;
use crate::i18n::{Lang, T};

/// A message handed to the in-memory transport.
#[derive(Debug, Clone)]
pub struct Delivered {
    pub message_id: String,
    pub to: String,
    pub raw: Vec<u8>,
}

pub enum Transport {
    Smtp(lettre::SmtpTransport),
    File(lettre::FileTransport),
    Memory(Arc<Mutex<Vec<Delivered>>>),
}

/// Why a send failed, and whether trying again may help.
struct SendError {
    message: String,
    permanent: bool,
}

impl Transport {
    pub fn new(settings: &MailTransport, data_dir: &std::path::Path) -> anyhow::Result<Transport> {
        Ok(match settings {
            MailTransport::File => {
                let dir = data_dir.join("mail");
                std::fs::create_dir_all(&dir)?;
                Transport::File(lettre::FileTransport::new(dir))
            }
            MailTransport::Memory => Transport::Memory(Arc::default()),
            MailTransport::Smtp(url) => {
                Transport::Smtp(lettre::SmtpTransport::from_url(url)?.timeout(Some(Duration::from_secs(30))).build())
            }
        })
    }

    fn send(&self, m: &Message, row: &OutboxRow) -> Result<(), SendError> {
        match self {
            Transport::Smtp(t) => {
                t.send(m).map(drop).map_err(|e| SendError { permanent: e.is_permanent(), message: e.to_string() })
            }
            Transport::File(t) => {
                t.send(m).map(drop).map_err(|e| SendError { permanent: false, message: e.to_string() })
            }
            Transport::Memory(v) => {
                v.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(Delivered {
                    message_id: row.message_id.clone(),
                    to: row.to_addr.clone(),
                    raw: m.formatted(),
                });
                Ok(())
            }
        }
    }
}

pub struct Mailer {
    pub transport: Transport,
    pub from: String,
    pub settings: MailSettings,
    /// Names this worker's leases (and its log lines).
    pub worker: String,
}

/// What one pass over the queue did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    pub sent: usize,
    pub skipped: usize,
    pub retried: usize,
    pub dead: usize,
}

impl Report {
    pub fn handled(&self) -> usize {
        self.sent + self.skipped + self.retried + self.dead
    }
}

impl Mailer {
    pub fn new(settings: &crate::config::Settings) -> anyhow::Result<Mailer> {
        Ok(Mailer {
            transport: Transport::new(&settings.mail.transport, &settings.data_dir)?,
            from: settings.mail_from.clone(),
            settings: settings.mail.clone(),
            worker: crate::token::random_hex::<8>(),
        })
    }

    /// One pass: claims due messages in batches and handles each, until none is due at `now`.
    pub fn send_due(&self, conn: &mut DbConn, now: NaiveDateTime) -> Result<Report, diesel::result::Error> {
        let mut report = Report::default();
        loop {
            let token = format!("{}-{}", self.worker, crate::token::random_hex::<8>());
            let lease_until =
                now + chrono::Duration::from_std(self.settings.lease).unwrap_or(chrono::Duration::minutes(2));
            let rows = outbox::claim(conn, &token, now, lease_until, 20)?;
            if rows.is_empty() {
                return Ok(report);
            }
            for row in rows {
                let outcome = self.handle(conn, &row, now)?;
                match &outcome {
                    Outcome::Sent => report.sent += 1,
                    Outcome::Skipped(_) => report.skipped += 1,
                    Outcome::Retry { .. } => report.retried += 1,
                    Outcome::Dead(_) => report.dead += 1,
                }
                if !outbox::finish(conn, row.id, &token, &outcome, db::now().max(now))? {
                    tracing::warn!(id = row.id, "the lease on a message ran out before its outcome was recorded");
                }
            }
        }
    }

    fn handle(&self, conn: &mut DbConn, row: &OutboxRow, now: NaiveDateTime) -> Result<Outcome, diesel::result::Error> {
        if let Some(why) = no_longer_holds(conn, row, now)? {
            tracing::info!(id = row.id, kind = %row.kind, why, "message skipped");
            return Ok(Outcome::Skipped(why.to_owned()));
        }
        let message = match build(row, &self.from) {
            Ok(m) => m,
            Err(e) => {
                tracing::error!(id = row.id, error = %e, "message cannot be built; marked dead");
                return Ok(Outcome::Dead(e));
            }
        };
        Ok(match self.transport.send(&message, row) {
            Ok(()) => {
                tracing::info!(id = row.id, kind = %row.kind, attempt = row.attempts, "message sent");
                Outcome::Sent
            }
            Err(e) if e.permanent || row.attempts >= i32::try_from(self.settings.max_attempts).unwrap_or(8) => {
                tracing::error!(id = row.id, kind = %row.kind, attempts = row.attempts, error = %e.message, "message dead");
                Outcome::Dead(e.message)
            }
            Err(e) => {
                let at = now + backoff(self.settings.retry_base, row.attempts);
                tracing::warn!(id = row.id, attempt = row.attempts, error = %e.message, retry_at = %at, "sending failed");
                Outcome::Retry { error: e.message, at }
            }
        })
    }
}

/// The wait after the `attempt`-th failure: base × 2^(attempt−1), capped at a day, ±20% at
/// random so that a recovering server is not hit by every queued message at once.
pub fn backoff(base: Duration, attempt: i32) -> chrono::Duration {
    let exp = u32::try_from(attempt.clamp(1, 30) - 1).unwrap_or(0);
    let plain = base.as_secs_f64() * 2f64.powi(exp.try_into().unwrap_or(0));
    let capped = plain.min(86_400.0);
    let mut b = [0u8; 4];
    let jitter =
        if getrandom::fill(&mut b).is_ok() { f64::from(u32::from_le_bytes(b)) / f64::from(u32::MAX) } else { 0.5 };
    let secs = capped * (0.8 + 0.4 * jitter);
    chrono::Duration::milliseconds((secs * 1000.0) as i64)
}

/// Why a queued message should not go out any more, checked against the case as it is now.
fn no_longer_holds(
    conn: &mut DbConn,
    row: &OutboxRow,
    now: NaiveDateTime,
) -> Result<Option<&'static str>, diesel::result::Error> {
    if row.not_after.is_some_and(|t| now >= t) {
        return Ok(Some(outbox::skipped::TOO_LATE));
    }
    let (Some(key), Some(case_id)) = (&row.visit_key, row.case_id) else { return Ok(None) };
    let live: Vec<i64> = appointments::live_of_case(conn, case_id)?.iter().map(|a| a.id).collect();
    if &outbox::visit_key(&live) != key {
        return Ok(Some(outbox::skipped::VISIT_CHANGED));
    }
    if matches!(row.kind, MessageKind::Reminder | MessageKind::ConfirmAsk) {
        let status = cases::find(conn, case_id)?.map(|c| c.status);
        if status != Some(CaseStatus::Reserved) {
            return Ok(Some(outbox::skipped::CASE_MOVED_ON));
        }
    }
    if row.kind == MessageKind::ConfirmAsk && crate::services::booking::confirmed(conn, case_id)? {
        return Ok(Some(outbox::skipped::CONFIRMED));
    }
    Ok(None)
}

/// The MIME message: multipart/alternative (text, HTML), inside multipart/mixed with the
/// calendar file when there is one; the row's stable Message-ID.
fn build(row: &OutboxRow, from: &str) -> Result<Message, String> {
    let lang = Lang::parse(&row.locale).unwrap_or_default();
    let from =
        Mailbox::new(Some(T(lang).get("site.name").to_owned()), from.parse().map_err(|e| format!("sender: {e}"))?);
    let to: Mailbox = row.to_addr.parse().map_err(|e| format!("recipient {:?}: {e}", row.to_addr))?;
    let builder =
        Message::builder().message_id(Some(row.message_id.clone())).from(from).to(to).subject(&row.subject).date_now();
    let body = match &row.body_html {
        Some(html) => MultiPart::alternative_plain_html(row.body_text.clone(), html.clone()),
        None => MultiPart::mixed().singlepart(lettre::message::SinglePart::plain(row.body_text.clone())),
    };
    let body = match (&row.attachment_name, &row.attachment_type, &row.attachment_body) {
        (Some(name), Some(kind), Some(content)) => {
            let kind = ContentType::parse(kind).map_err(|e| format!("attachment type: {e}"))?;
            MultiPart::mixed().multipart(body).singlepart(Attachment::new(name.clone()).body(content.clone(), kind))
        }
        _ => body,
    };
    builder.multipart(body).map_err(|e| e.to_string())
}

/// Runs the worker until the process ends: a pass every `every`, on its own thread (the
/// database calls block). Errors are logged and the next pass tries again.
pub fn spawn_worker(mailer: Mailer, pool: db::Pool, clock: Arc<dyn crate::clock::Clock>, every: Duration) {
    std::thread::Builder::new()
        .name("mail".into())
        .spawn(move || {
            loop {
                match pool.get() {
                    Ok(mut conn) => match mailer.send_due(&mut conn, clock.now()) {
                        Ok(r) if r.handled() > 0 => tracing::info!(?r, "mail pass"),
                        Ok(_) => {}
                        Err(e) => tracing::error!(error = %e, "mail pass failed"),
                    },
                    Err(e) => tracing::error!(error = %e, "mail worker has no database connection"),
                }
                std::thread::sleep(every);
            }
        })
        .expect("starting the mail thread");
}
