//! The email outbox: messages are written in the same transaction as the change that causes
//! them and sent after commit (the sending worker is issue 5).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::email_outbox;
use crate::domain::message::{MessageKind, MessageStatus};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = email_outbox)]
pub struct OutboxRow {
    pub id: i64,
    pub message_id: String,
    pub case_id: Option<i64>,
    pub kind: MessageKind,
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
    pub status: MessageStatus,
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
#[derive(Debug, Clone)]
pub struct NewMessage {
    /// What it is (`visit_confirmed`, `resume`, …): the worker decides by it whether the
    /// message still holds when it is sent.
    pub kind: MessageKind,
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

impl NewMessage {
    /// A message of this kind, everything else empty (to fill in with `..`).
    pub fn of(kind: MessageKind) -> Self {
        NewMessage {
            kind,
            case_id: None,
            locale: "ko",
            to: String::new(),
            subject: String::new(),
            body_text: String::new(),
            body_html: None,
            attachment: None,
            visit_key: None,
            send_after: None,
            not_after: None,
        }
    }
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
                email_outbox::kind.eq(m.kind.as_str()),
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
                email_outbox::status.eq(MessageStatus::Pending.as_str()),
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
/// Why a message was not sent, as stored in `last_error` of a skipped row (the mailbox says it in
/// words: `web::labels::mail_status_key`).
pub mod skipped {
    pub const TOO_LATE: &str = "too late: its moment has passed";
    pub const VISIT_CHANGED: &str = "the visit it is about was moved or cancelled";
    pub const CASE_MOVED_ON: &str = "the case is no longer waiting for its visit";
    pub const VISIT_CANCELLED: &str = "visit cancelled";
    pub const VISIT_MOVED: &str = "visit moved";
    pub const CONFIRMED: &str = "the visit was confirmed already";
}

/// The pending messages about a case's visit as it was (reminders, invitations not yet sent),
/// marked skipped in the transaction that moves or cancels it, so that the mailbox says at once
/// that they will not go out. A row a worker holds right now is left to its send-time check.
pub fn skip_for_visit(conn: &mut DbConn, case_id: i64, why: &str) -> QueryResult<usize> {
    diesel::update(
        email_outbox::table
            .filter(email_outbox::case_id.eq(case_id))
            .filter(email_outbox::status.eq(MessageStatus::Pending.as_str()))
            .filter(email_outbox::visit_key.is_not_null())
            .filter(email_outbox::lease_token.is_null()),
    )
    .set((email_outbox::status.eq(MessageStatus::Skipped.as_str()), email_outbox::last_error.eq(Some(why))))
    .execute(conn)
}

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

/// Claims up to `limit` due messages for one worker: each gets the worker's lease token and
/// expiry, and its attempt is counted now (a worker that dies mid-send still used it up). On
/// PostgreSQL the due rows are locked with `FOR UPDATE SKIP LOCKED`, so concurrent workers
/// take disjoint rows without waiting; on SQLite the write transaction (`BEGIN IMMEDIATE`)
/// makes the select-and-lease atomic. A row whose lease ran out is due again.
pub fn claim(
    conn: &mut DbConn,
    token: &str,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<OutboxRow>> {
    super::write_tx(conn, |conn| {
        let due = email_outbox::table
            .filter(email_outbox::status.eq(MessageStatus::Pending.as_str()))
            .filter(email_outbox::next_attempt_at.le(now))
            .filter(email_outbox::lease_until.is_null().or(email_outbox::lease_until.lt(now).assume_not_null()))
            .order((email_outbox::next_attempt_at, email_outbox::id))
            .limit(limit)
            .select(email_outbox::id);
        let ids: Vec<i64> = match conn {
            DbConn::Postgres(c) => due.for_update().skip_locked().load(c)?,
            DbConn::Sqlite(c) => due.load(c)?,
        };
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        diesel::update(email_outbox::table.filter(email_outbox::id.eq_any(&ids)))
            .set((
                email_outbox::lease_token.eq(token),
                email_outbox::lease_until.eq(lease_until),
                email_outbox::attempts.eq(email_outbox::attempts + 1),
            ))
            .execute(conn)?;
        email_outbox::table
            .filter(email_outbox::id.eq_any(&ids))
            .filter(email_outbox::lease_token.eq(token))
            .order(email_outbox::id)
            .select(OutboxRow::as_select())
            .load(conn)
    })
}

/// How a claimed message ended this time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// No longer true (the visit moved or was cancelled, the reminder's time passed).
    Skipped(String),
    Retry {
        error: String,
        at: NaiveDateTime,
    },
    Dead(String),
}

/// Records the outcome, if the worker still holds the lease; returns whether it did (a worker
/// whose lease ran out and was taken over records nothing).
pub fn finish(conn: &mut DbConn, id: i64, token: &str, outcome: &Outcome, now: NaiveDateTime) -> QueryResult<bool> {
    let row = email_outbox::table.filter(email_outbox::id.eq(id)).filter(email_outbox::lease_token.eq(token));
    let none = None::<NaiveDateTime>;
    let n = match outcome {
        Outcome::Sent => diesel::update(row)
            .set((
                email_outbox::status.eq(MessageStatus::Sent.as_str()),
                email_outbox::sent_at.eq(Some(now)),
                email_outbox::lease_token.eq(None::<String>),
                email_outbox::lease_until.eq(none),
            ))
            .execute(conn)?,
        Outcome::Skipped(why) | Outcome::Dead(why) => diesel::update(row)
            .set((
                email_outbox::status.eq(if matches!(outcome, Outcome::Skipped(_)) {
                    MessageStatus::Skipped
                } else {
                    MessageStatus::Dead
                }
                .as_str()),
                email_outbox::last_error.eq(Some(why)),
                email_outbox::lease_token.eq(None::<String>),
                email_outbox::lease_until.eq(none),
            ))
            .execute(conn)?,
        Outcome::Retry { error, at } => diesel::update(row)
            .set((
                email_outbox::last_error.eq(Some(error)),
                email_outbox::next_attempt_at.eq(*at),
                email_outbox::lease_token.eq(None::<String>),
                email_outbox::lease_until.eq(none),
            ))
            .execute(conn)?,
    };
    Ok(n == 1)
}

/// Puts a dead message back in the queue (staff, after fixing the cause).
pub fn revive(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(
        email_outbox::table
            .filter(email_outbox::id.eq(id))
            .filter(email_outbox::status.eq(MessageStatus::Dead.as_str())),
    )
    .set((
        email_outbox::status.eq(MessageStatus::Pending.as_str()),
        email_outbox::attempts.eq(0),
        email_outbox::next_attempt_at.eq(now),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<OutboxRow>> {
    email_outbox::table.find(id).select(OutboxRow::as_select()).first(conn).optional()
}

/// The newest messages about the cases of one center, dead ones first; with `account_mail`
/// (admins only: those mails carry links that set passwords) also the invitations and resets
/// sent to its people.
pub fn recent_of_center(
    conn: &mut DbConn,
    center_id: i64,
    account_mail: bool,
    limit: i64,
) -> QueryResult<Vec<OutboxRow>> {
    use super::schema::cases;
    use super::schema::users;
    let of_center = cases::table.filter(cases::center_id.eq(center_id)).select(cases::id);
    // Mail about the center's cases, and account mail (invitations, resets) to its people.
    let people = users::table
        .filter(users::center_id.eq(center_id))
        .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(if account_mail { "1 = 1" } else { "1 = 0" }))
        .select(users::email);
    let mut rows: Vec<OutboxRow> = email_outbox::table
        .filter(
            email_outbox::case_id
                .eq_any(of_center.nullable())
                .or(email_outbox::case_id.is_null().and(email_outbox::to_addr.eq_any(people)).nullable()),
        )
        .order(email_outbox::id.desc())
        .limit(limit)
        .select(OutboxRow::as_select())
        .load(conn)?;
    rows.sort_by_key(|r| (r.status != MessageStatus::Dead, std::cmp::Reverse(r.id)));
    Ok(rows)
}
