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
    pub to_addr: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: Option<String>,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

pub struct NewMessage<'a> {
    pub case_id: Option<i64>,
    pub to: &'a str,
    pub subject: &'a str,
    pub body_text: &'a str,
}

/// Queues a message; returns its `Message-ID`.
pub fn enqueue(conn: &mut DbConn, m: &NewMessage<'_>, host: &str, now: NaiveDateTime) -> QueryResult<String> {
    let message_id = format!("<{}@{host}>", crate::token::random_hex::<16>());
    diesel::insert_into(email_outbox::table)
        .values((
            email_outbox::message_id.eq(&message_id),
            email_outbox::case_id.eq(m.case_id),
            email_outbox::to_addr.eq(m.to),
            email_outbox::subject.eq(m.subject),
            email_outbox::body_text.eq(m.body_text),
            email_outbox::status.eq("pending"),
            email_outbox::attempts.eq(0),
            email_outbox::next_attempt_at.eq(now),
            email_outbox::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(message_id)
}

pub fn for_case(conn: &mut DbConn, case_id: i64) -> QueryResult<Vec<OutboxRow>> {
    email_outbox::table
        .filter(email_outbox::case_id.eq(case_id))
        .order(email_outbox::id)
        .select(OutboxRow::as_select())
        .load(conn)
}
