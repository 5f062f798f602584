//! A case's questionnaire answers, needs, routing rules and routing result.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::DbConn;
use super::schema::{case_answers, case_topics, case_zones, routing_rules};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = case_answers)]
pub struct Answers {
    pub case_id: i64,
    pub company_name: Option<String>,
    pub brn: Option<String>,
    pub representative: Option<String>,
    pub founded_on: Option<NaiveDate>,
    pub employees: Option<i32>,
    pub industry: Option<String>,
    pub stage: Option<String>,
    pub revenue_band: Option<String>,
    pub region: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub question: Option<String>,
    pub preferred_weekdays: String,
    pub preferred_time: Option<String>,
    pub finance_amount_won: Option<i64>,
    pub finance_purpose: Option<String>,
    pub transfer_direction: Option<String>,
    pub consent_version: Option<String>,
    pub consented_at: Option<NaiveDateTime>,
    pub third_party_consent: bool,
    pub third_party_consented_at: Option<NaiveDateTime>,
    pub steps_done: String,
    pub resume_mail_sent: bool,
    pub updated_at: NaiveDateTime,
}

impl Answers {
    pub fn has_done(&self, step: &str) -> bool {
        self.steps_done.split(',').any(|s| s == step)
    }
}

#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = case_answers, treat_none_as_null = true)]
pub struct CompanyChange<'a> {
    pub company_name: Option<&'a str>,
    pub brn: Option<String>,
    pub representative: Option<&'a str>,
    pub founded_on: Option<NaiveDate>,
    pub employees: Option<i32>,
    pub industry: Option<&'a str>,
    pub stage: Option<&'a str>,
    pub revenue_band: Option<&'a str>,
    pub region: Option<&'a str>,
}

#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = case_answers, treat_none_as_null = true)]
pub struct ContactChange<'a> {
    pub contact_name: Option<&'a str>,
    pub contact_email: Option<&'a str>,
    pub contact_phone: Option<&'a str>,
}

#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = case_answers, treat_none_as_null = true)]
pub struct NeedsChange<'a> {
    pub question: Option<&'a str>,
    pub preferred_weekdays: String,
    pub preferred_time: Option<&'a str>,
}

#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = case_answers, treat_none_as_null = true)]
pub struct DetailsChange<'a> {
    pub finance_amount_won: Option<i64>,
    pub finance_purpose: Option<&'a str>,
    pub transfer_direction: Option<&'a str>,
}

#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = case_answers, treat_none_as_null = true)]
pub struct ConsentChange<'a> {
    pub consent_version: Option<&'a str>,
    pub consented_at: Option<NaiveDateTime>,
    pub third_party_consent: bool,
    pub third_party_consented_at: Option<NaiveDateTime>,
}

pub fn insert_empty(conn: &mut DbConn, case_id: i64, now: NaiveDateTime) -> QueryResult<()> {
    diesel::insert_into(case_answers::table)
        .values((case_answers::case_id.eq(case_id), case_answers::updated_at.eq(now)))
        .execute(conn)
        .map(|_| ())
}

pub fn find(conn: &mut DbConn, case_id: i64) -> QueryResult<Option<Answers>> {
    case_answers::table.find(case_id).select(Answers::as_select()).first(conn).optional()
}

/// Records a step as done.
pub fn mark_step(conn: &mut DbConn, case_id: i64, step: &str, now: NaiveDateTime) -> QueryResult<()> {
    let done: String = case_answers::table.find(case_id).select(case_answers::steps_done).first(conn)?;
    let mut steps: Vec<&str> = done.split(',').filter(|s| !s.is_empty()).collect();
    if !steps.contains(&step) {
        steps.push(step);
    }
    diesel::update(case_answers::table.find(case_id))
        .set((case_answers::steps_done.eq(steps.join(",")), case_answers::updated_at.eq(now)))
        .execute(conn)
        .map(|_| ())
}

/// Applies one step's changes and records the step as done. (The changeset's type differs per
/// backend inside diesel, so it runs on the inner connection.)
pub fn save<C>(conn: &mut DbConn, case_id: i64, step: &str, change: C, now: NaiveDateTime) -> QueryResult<()>
where
    C: AsChangeset<Target = case_answers::table>,
    C::Changeset: diesel::query_builder::QueryFragment<diesel::sqlite::Sqlite>
        + diesel::query_builder::QueryFragment<diesel::pg::Pg>,
{
    let query = diesel::update(case_answers::table.find(case_id)).set(change);
    match conn {
        DbConn::Sqlite(c) => query.execute(c),
        DbConn::Postgres(c) => query.execute(c),
    }?;
    mark_step(conn, case_id, step, now)
}

/// The consent to give the data to a finance institution, given or withdrawn (for the future:
/// what was provided stays recorded in `provisions`).
pub fn set_third_party(conn: &mut DbConn, case_id: i64, given: bool, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(case_answers::table.find(case_id))
        .set((
            case_answers::third_party_consent.eq(given),
            case_answers::third_party_consented_at.eq(given.then_some(now)),
            case_answers::updated_at.eq(now),
        ))
        .execute(conn)
}

/// Fills a new draft with the steps an earlier case of the same applicant had answered
/// (company, contact, needs with its topics, details); the consent is given again.
pub fn prefill_from(
    conn: &mut DbConn,
    from: &Answers,
    topics: &[String],
    to: i64,
    now: NaiveDateTime,
) -> QueryResult<()> {
    if from.has_done("company") {
        let change = CompanyChange {
            company_name: from.company_name.as_deref(),
            brn: from.brn.clone(),
            representative: from.representative.as_deref(),
            founded_on: from.founded_on,
            employees: from.employees,
            industry: from.industry.as_deref(),
            stage: from.stage.as_deref(),
            revenue_band: from.revenue_band.as_deref(),
            region: from.region.as_deref(),
        };
        save(conn, to, "company", change, now)?;
    }
    if from.has_done("contact") {
        let change = ContactChange {
            contact_name: from.contact_name.as_deref(),
            contact_email: from.contact_email.as_deref(),
            contact_phone: from.contact_phone.as_deref(),
        };
        save(conn, to, "contact", change, now)?;
    }
    if from.has_done("needs") {
        let change = NeedsChange {
            question: from.question.as_deref(),
            preferred_weekdays: from.preferred_weekdays.clone(),
            preferred_time: from.preferred_time.as_deref(),
        };
        save(conn, to, "needs", change, now)?;
        replace_topics(conn, to, &topics.iter().map(String::as_str).collect::<Vec<_>>())?;
    }
    if from.has_done("details") {
        let change = DetailsChange {
            finance_amount_won: from.finance_amount_won,
            finance_purpose: from.finance_purpose.as_deref(),
            transfer_direction: from.transfer_direction.as_deref(),
        };
        save(conn, to, "details", change, now)?;
    }
    Ok(())
}

pub fn mark_resume_mail_sent(conn: &mut DbConn, case_id: i64) -> QueryResult<bool> {
    let n = diesel::update(case_answers::table.find(case_id).filter(case_answers::resume_mail_sent.eq(false)))
        .set(case_answers::resume_mail_sent.eq(true))
        .execute(conn)?;
    Ok(n == 1)
}

pub fn topics(conn: &mut DbConn, case_id: i64) -> QueryResult<Vec<String>> {
    case_topics::table
        .filter(case_topics::case_id.eq(case_id))
        .select(case_topics::topic)
        .order(case_topics::topic)
        .load(conn)
}

pub fn replace_topics(conn: &mut DbConn, case_id: i64, topics: &[&str]) -> QueryResult<()> {
    diesel::delete(case_topics::table.filter(case_topics::case_id.eq(case_id))).execute(conn)?;
    for t in topics {
        diesel::insert_into(case_topics::table)
            .values((case_topics::case_id.eq(case_id), case_topics::topic.eq(*t)))
            .execute(conn)?;
    }
    Ok(())
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = routing_rules)]
pub struct RuleRow {
    pub id: i64,
    pub center_id: i64,
    pub topic: String,
    pub zone_kind: String,
    pub institution_code: Option<String>,
    pub condition: Option<String>,
    pub priority: i32,
}

pub fn rules_of_center(conn: &mut DbConn, center_id: i64) -> QueryResult<Vec<RuleRow>> {
    routing_rules::table
        .filter(routing_rules::center_id.eq(center_id))
        .order((routing_rules::topic, routing_rules::priority, routing_rules::id))
        .select(RuleRow::as_select())
        .load(conn)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = case_zones)]
pub struct CaseZone {
    pub case_id: i64,
    pub zone_kind: String,
    pub is_primary: bool,
    pub institution_code: Option<String>,
    pub explanation_ko: String,
    pub explanation_en: String,
    pub sort_order: i32,
}

pub fn replace_zones(conn: &mut DbConn, case_id: i64, zones: &[CaseZone]) -> QueryResult<()> {
    diesel::delete(case_zones::table.filter(case_zones::case_id.eq(case_id))).execute(conn)?;
    for z in zones {
        diesel::insert_into(case_zones::table).values(z).execute(conn)?;
    }
    Ok(())
}

pub fn zones(conn: &mut DbConn, case_id: i64) -> QueryResult<Vec<CaseZone>> {
    case_zones::table
        .filter(case_zones::case_id.eq(case_id))
        .order(case_zones::sort_order)
        .select(CaseZone::as_select())
        .load(conn)
}

// ----- several cases at once (the desk's pages: rows first, then what they refer to) -----

pub fn answers_by_ids(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<Answers>> {
    case_answers::table.filter(case_answers::case_id.eq_any(ids)).select(Answers::as_select()).load(conn)
}
