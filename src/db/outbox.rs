//! The email outbox: messages are written in the same transaction as the change that causes
//! them and sent after commit (the sending worker is issue 5).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::email_outbox;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = email_outbox)]
pub struct OutboxRow {
    pub id: i64,
    pub message_id: String,
    pub case_id: Option<i64>,
    pub kind: String,
    pub locale: String,
    pub to_addr: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: Option<String>,
    pub attachment_name: Option<String>,
    pub attachment_type: Option<String>,
    pub attachment_body: Option<String>,
    pub visit_key: Option<String>,
    pub not_after: Option<NaiveDateTime>,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub lease_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

/// A file sent with a message (text only: calendar files).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub name: String,
    /// The full media type, e.g. `text/calendar; charset=utf-8; method=REQUEST`.
    pub content_type: String,
    pub body: String,
}

/// A message ready to queue: rendered in the recipient's language when the change is made.
#[derive(Debug, Clone, Default)]
pub struct NewMessage {
    /// What it is (`visit_confirmed`, `resume`, …): the worker decides by it whether the
    /// message still holds when it is sent.
    pub kind: &'static str,
    pub case_id: Option<i64>,
    pub locale: &'static str,
    pub to: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: Option<String>,
    pub attachment: Option<Attachment>,
    /// Sent only while the case's live visit is still this one (see `visit_key`).
    pub visit_key: Option<String>,
    /// Not before (a reminder waits for its day); `None` = at once.
    pub send_after: Option<NaiveDateTime>,
    /// Pointless after this (a reminder once the visit has begun).
    pub not_after: Option<NaiveDateTime>,
}

/// Queues a message; returns its `Message-ID`.
pub fn enqueue(conn: &mut DbConn, m: &NewMessage, host: &str, now: NaiveDateTime) -> QueryResult<String> {
    let message_id = format!("<{}@{host}>", crate::token::random_hex::<16>());
    let a = m.attachment.as_ref();
    diesel::insert_into(email_outbox::table)
        .values((
            (
                email_outbox::message_id.eq(&message_id),
                email_outbox::case_id.eq(m.case_id),
                email_outbox::kind.eq(m.kind),
                email_outbox::locale.eq(m.locale),
                email_outbox::to_addr.eq(&m.to),
                email_outbox::subject.eq(&m.subject),
                email_outbox::body_text.eq(&m.body_text),
                email_outbox::body_html.eq(m.body_html.as_deref()),
            ),
            (
                email_outbox::attachment_name.eq(a.map(|a| a.name.as_str())),
                email_outbox::attachment_type.eq(a.map(|a| a.content_type.as_str())),
                email_outbox::attachment_body.eq(a.map(|a| a.body.as_str())),
                email_outbox::visit_key.eq(m.visit_key.as_deref()),
                email_outbox::not_after.eq(m.not_after),
                email_outbox::status.eq("pending"),
                email_outbox::attempts.eq(0),
                email_outbox::next_attempt_at.eq(m.send_after.unwrap_or(now)),
                email_outbox::created_at.eq(now),
            ),
        ))
        .execute(conn)?;
    Ok(message_id)
}

/// The key of a visit: its live appointments' ids. A move or a cancel changes it, so a message
/// about the old visit can tell at send time that it no longer holds.
pub fn visit_key(appointment_ids: &[i64]) -> String {
    let mut ids = appointment_ids.to_vec();
    ids.sort_unstable();
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

pub fn for_case(conn: &mut DbConn, case_id: i64) -> QueryResult<Vec<OutboxRow>> {
    email_outbox::table
        .filter(email_outbox::case_id.eq(case_id))
        .order(email_outbox::id)
        .select(OutboxRow::as_select())
        .load(conn)
}
