//! The rows the generator writes, batched per table.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::BATCH;
use crate::db::DbConn;
use crate::db::schema::{appointments, case_answers, case_events, case_zones, cases, consultations};

#[derive(Insertable)]
#[diesel(table_name = cases, treat_none_as_default_value = false)]
pub(super) struct CaseRow {
    pub(super) id: i64,
    pub(super) center_id: i64,
    pub(super) reference: String,
    pub(super) status: &'static str,
    pub(super) version: i64,
    pub(super) lang: &'static str,
    pub(super) created_at: NaiveDateTime,
    pub(super) updated_at: NaiveDateTime,
    pub(super) applicant_token_hash: Option<String>,
    pub(super) draft_expires_at: Option<NaiveDateTime>,
    pub(super) submitted_at: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = case_answers, treat_none_as_default_value = false)]
pub(super) struct AnswerRow {
    pub(super) case_id: i64,
    pub(super) company_name: Option<String>,
    pub(super) brn: Option<String>,
    pub(super) representative: Option<String>,
    pub(super) employees: Option<i32>,
    pub(super) industry: Option<&'static str>,
    pub(super) stage: Option<&'static str>,
    pub(super) region: Option<String>,
    pub(super) contact_name: Option<String>,
    pub(super) contact_email: Option<String>,
    pub(super) contact_phone: Option<String>,
    pub(super) question: Option<String>,
    pub(super) preferred_weekdays: &'static str,
    pub(super) consent_version: Option<&'static str>,
    pub(super) consented_at: Option<NaiveDateTime>,
    pub(super) steps_done: &'static str,
    pub(super) updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = case_zones, treat_none_as_default_value = false)]
pub(super) struct ZoneRow {
    pub(super) case_id: i64,
    pub(super) zone_kind: String,
    pub(super) is_primary: bool,
    pub(super) institution_code: Option<String>,
    pub(super) explanation_ko: &'static str,
    pub(super) explanation_en: &'static str,
    pub(super) sort_order: i32,
}

#[derive(Insertable)]
#[diesel(table_name = appointments, treat_none_as_default_value = false)]
pub(super) struct AppointmentRow {
    pub(super) id: i64,
    pub(super) case_id: i64,
    pub(super) zone_id: i64,
    pub(super) starts_at: NaiveDateTime,
    pub(super) ends_at: NaiveDateTime,
    pub(super) status: &'static str,
    pub(super) institution_id: Option<i64>,
    pub(super) ticket_number: Option<i32>,
    pub(super) created_at: NaiveDateTime,
    pub(super) updated_at: NaiveDateTime,
    pub(super) seat_no: i32,
    pub(super) checked_in_at: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = case_events, treat_none_as_default_value = false)]
pub(super) struct EventRow {
    pub(super) id: i64,
    pub(super) case_id: i64,
    pub(super) at: NaiveDateTime,
    pub(super) actor_kind: &'static str,
    pub(super) actor_user_id: Option<i64>,
    pub(super) event: &'static str,
    pub(super) from_status: &'static str,
    pub(super) to_status: &'static str,
    pub(super) reason: Option<&'static str>,
}

#[derive(Insertable)]
#[diesel(table_name = consultations, treat_none_as_default_value = false)]
pub(super) struct ConsultationRow {
    pub(super) id: i64,
    pub(super) case_id: Option<i64>,
    pub(super) center_id: i64,
    pub(super) zone_id: i64,
    pub(super) company: Option<String>,
    pub(super) brn: Option<String>,
    pub(super) appointment_id: Option<i64>,
    pub(super) started_at: NaiveDateTime,
    pub(super) completed_at: Option<NaiveDateTime>,
    pub(super) consulted_on: Option<NaiveDate>,
    pub(super) institution_id: Option<i64>,
    pub(super) product: Option<&'static str>,
    pub(super) executed_won: Option<i64>,
    pub(super) executed_on: Option<NaiveDate>,
    pub(super) advice_type: Option<&'static str>,
    pub(super) patents_transferred: Option<i32>,
    pub(super) summary: Option<&'static str>,
    pub(super) source: &'static str,
    pub(super) follow_up_on: Option<NaiveDate>,
    pub(super) follow_up_done_at: Option<NaiveDateTime>,
}

#[derive(Default)]
pub(super) struct Batch {
    pub(super) cases: Vec<CaseRow>,
    pub(super) answers: Vec<AnswerRow>,
    pub(super) zones: Vec<ZoneRow>,
    pub(super) appointments: Vec<AppointmentRow>,
    pub(super) events: Vec<EventRow>,
    pub(super) consultations: Vec<ConsultationRow>,
}

/// Inserts rows in statements of `BATCH` on the backend's own connection (the multi-backend
/// connection does not batch).
macro_rules! insert_all {
    ($conn:expr, $table:expr, $rows:expr) => {{
        for chunk in $rows.chunks(BATCH) {
            match $conn {
                DbConn::Sqlite(c) => diesel::insert_into($table).values(chunk).execute(c)?,
                DbConn::Postgres(c) => diesel::insert_into($table).values(chunk).execute(c)?,
            };
        }
    }};
}

impl Batch {
    pub(super) fn flush(&mut self, conn: &mut DbConn) -> QueryResult<()> {
        insert_all!(conn, cases::table, self.cases);
        insert_all!(conn, case_answers::table, self.answers);
        insert_all!(conn, case_zones::table, self.zones);
        insert_all!(conn, appointments::table, self.appointments);
        insert_all!(conn, case_events::table, self.events);
        insert_all!(conn, consultations::table, self.consultations);
        *self = Batch::default();
        Ok(())
    }
}
