//! The pre-questionnaire as use cases: start a draft, save each step, submit with routing.

use chrono::{Duration, NaiveDateTime};

use crate::db::answers::{self, Answers};
use crate::db::centers::{self, Center};
use crate::db::{self, DbConn, cases};
use crate::domain::questionnaire::{Company, Contact, DetailQuestions, Details, Needs, Topic};
use crate::domain::{Actor, CaseEvent, CaseStatus};
use crate::i18n::{CATALOG, Lang};
use crate::services::case_flow::{self, ActingAs, Fire, FireError};
use crate::services::mail;
use crate::token;

/// Purging expired drafts lives with the other destruction rules.
pub use crate::services::purge::purge_expired;
/// Routing the answers: `services::routing`.
pub use crate::services::routing::route;

/// The wording of the consent texts; stored with each consent. Change it when the texts in
/// the catalogs (`apply.consent.*`) change.
pub const CONSENT_VERSION: &str = "2026-12-01";

/// How long a submitted case's personal data is kept after the consultation (stated in the
/// consent text).
pub const RETENTION_YEARS: i64 = 3;

/// Links in mails need the public base URL; drafts live this long.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    pub base_url: &'a str,
    pub mail_from: &'a str,
    pub draft_ttl: Duration,
    pub now: NaiveDateTime,
    /// Mails anonymous forms may cause to one address per hour (resume link, submission).
    pub mails_per_address_hour: u32,
}

/// Whether another mail caused by an anonymous form may go to `to` now (counted when it may).
fn mail_allowed(conn: &mut DbConn, to: &str, ctx: &Context<'_>) -> Result<bool, diesel::result::Error> {
    // The address itself is not kept, only its hash (the count lives an hour at most).
    let bucket = format!("mail:{}", token::hash_token(&to.trim().to_lowercase()));
    let allowed = crate::db::limits::take(conn, &bucket, ctx.mails_per_address_hour, Duration::hours(1), ctx.now)?;
    if !allowed {
        tracing::warn!("mail to an address over its hourly limit withheld");
    }
    Ok(allowed)
}

impl Context<'_> {
    fn mail(&self) -> mail::Env<'_> {
        mail::Env { base_url: self.base_url, from: self.mail_from, now: self.now }
    }
}

/// Starts a draft case opened by `token` (stored hashed). Starting twice with the same token
/// (a double click) returns the first draft. `client` is the visitor's address: each may open
/// `drafts_per_hour` drafts an hour (`Ok(None)` past that), counted by the database.
pub fn start(
    conn: &mut DbConn,
    center: &Center,
    lang: Lang,
    token: &str,
    client: &str,
    drafts_per_hour: u32,
    ctx: &Context<'_>,
) -> Result<Option<i64>, diesel::result::Error> {
    use db::schema::cases;
    let hash = token::hash_token(token);
    let existing = |conn: &mut DbConn| {
        cases::table.filter(cases::applicant_token_hash.eq(&hash)).select(cases::id).first::<i64>(conn).optional()
    };
    if let Some(id) = existing(conn)? {
        return Ok(Some(id));
    }
    if !crate::db::limits::take(conn, &format!("draft:{client}"), drafts_per_hour, Duration::hours(1), ctx.now)? {
        return Ok(None);
    }
    let created = db::write_tx(conn, |conn| {
        let (case_id, _) = case_flow::open_case(conn, center.id, &center.ref_prefix, lang.code(), ctx.now)?;
        diesel::update(cases::table.find(case_id))
            .set((cases::applicant_token_hash.eq(&hash), cases::draft_expires_at.eq(ctx.now + ctx.draft_ttl)))
            .execute(conn)?;
        answers::insert_empty(conn, case_id, ctx.now)?;
        Ok(case_id)
    });
    match created {
        // The other click of a double click won the race.
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
            existing(conn)?.ok_or(diesel::result::Error::NotFound).map(Some)
        }
        other => other.map(Some),
    }
}

/// Applying again from an ended case's link: a new draft at the same center, prefilled with
/// that case's answers (company, contact, needs, details — not the consent, which is asked
/// again), for the applicant to review. Idempotent per token like `start` (a double click opens
/// one draft, filled once); the resume link is mailed to the known address.
#[allow(clippy::too_many_arguments)]
pub fn start_again(
    conn: &mut DbConn,
    from: &Draft,
    lang: Lang,
    token: &str,
    client: &str,
    drafts_per_hour: u32,
    ctx: &Context<'_>,
) -> Result<Option<i64>, diesel::result::Error> {
    let Some(id) = start(conn, &from.center, lang, token, client, drafts_per_hour, ctx)? else { return Ok(None) };
    db::write_tx(conn, |conn| -> Result<(), diesel::result::Error> {
        let Some(new) = answers::find(conn, id)? else { return Ok(()) };
        if !new.steps_done.is_empty() {
            return Ok(());
        }
        let topics = answers::topics(conn, from.case.id)?;
        answers::prefill_from(conn, &from.answers, &topics, id, ctx.now)?;
        if let Some(to) = from.answers.contact_email.as_deref() {
            if answers::mark_resume_mail_sent(conn, id)? && mail_allowed(conn, to, ctx)? {
                let link = format!("{}/apply/{token}", ctx.base_url);
                mail::queue_resume(conn, &ctx.mail(), id, lang, &from.center, to, &link, ctx.draft_ttl.num_days())?;
            }
        }
        Ok(())
    })?;
    Ok(Some(id))
}

use diesel::prelude::*;

/// What an applicant's token opens.
#[derive(Debug, Clone)]
pub struct Draft {
    pub case: cases::Case,
    pub center: Center,
    pub answers: Answers,
    pub topics: Vec<Topic>,
    pub status: CaseStatus,
}

pub enum Lookup {
    Found(Box<Draft>),
    /// The draft passed its expiry date (it will be purged).
    Expired,
    NotFound,
}

pub fn find_by_token(conn: &mut DbConn, token: &str, now: NaiveDateTime) -> Result<Lookup, diesel::result::Error> {
    use db::schema::cases;
    if token.len() != 43 {
        return Ok(Lookup::NotFound);
    }
    let Some(case) = cases::table
        .filter(cases::applicant_token_hash.eq(token::hash_token(token)))
        .select(crate::db::cases::Case::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(Lookup::NotFound);
    };
    let status: CaseStatus = case.status;
    if status == CaseStatus::Draft && case.draft_expires_at.is_some_and(|t| t <= now) {
        return Ok(Lookup::Expired);
    }
    let (Some(center), Some(answers)) = (centers::by_id(conn, case.center_id)?, answers::find(conn, case.id)?) else {
        return Ok(Lookup::NotFound);
    };
    let topics = answers::topics(conn, case.id)?.iter().filter_map(|t| Topic::parse(t)).collect();
    Ok(Lookup::Found(Box::new(Draft { case, center, answers, topics, status })))
}

pub fn save_company(
    conn: &mut DbConn,
    case_id: i64,
    c: &Company,
    now: NaiveDateTime,
) -> Result<(), diesel::result::Error> {
    db::write_tx(conn, |conn| {
        answers::save(
            conn,
            case_id,
            "company",
            answers::CompanyChange {
                company_name: Some(&c.company_name),
                brn: c.brn.map(|b| b.to_string()),
                representative: Some(&c.representative),
                founded_on: c.founded_on,
                employees: Some(c.employees),
                industry: Some(c.industry.code()),
                stage: Some(c.stage.code()),
                revenue_band: Some(c.revenue_band.code()),
                region: Some(c.region.code()),
            },
            now,
        )
    })
}

/// Saves the contact step; the first time an email address is known, queues the mail with the
/// link to resume the draft on any device.
pub fn save_contact(
    conn: &mut DbConn,
    draft: &Draft,
    token: &str,
    c: &Contact,
    ctx: &Context<'_>,
) -> Result<(), diesel::result::Error> {
    let case_id = draft.case.id;
    let lang = Lang::parse(&draft.case.lang).unwrap_or_default();
    db::write_tx(conn, |conn| {
        answers::save(
            conn,
            case_id,
            "contact",
            answers::ContactChange {
                contact_name: Some(&c.name),
                contact_email: Some(c.email.as_str()),
                contact_phone: Some(c.phone.as_str()),
            },
            ctx.now,
        )?;
        if answers::mark_resume_mail_sent(conn, case_id)? && mail_allowed(conn, c.email.as_str(), ctx)? {
            let link = format!("{}/apply/{token}", ctx.base_url);
            mail::queue_resume(
                conn,
                &ctx.mail(),
                case_id,
                lang,
                &draft.center,
                c.email.as_str(),
                &link,
                ctx.draft_ttl.num_days(),
            )?;
        }
        Ok(())
    })
}

/// The documents step has nothing to save (uploads are saved one by one): going on marks it
/// done.
pub fn save_documents_step(conn: &mut DbConn, case_id: i64, now: NaiveDateTime) -> Result<(), diesel::result::Error> {
    answers::mark_step(conn, case_id, "documents", now).map(|_| ())
}

pub fn save_needs(conn: &mut DbConn, case_id: i64, n: &Needs, now: NaiveDateTime) -> Result<(), diesel::result::Error> {
    db::write_tx(conn, |conn| {
        let weekdays = n.weekdays.iter().map(u8::to_string).collect::<Vec<_>>().join(",");
        answers::save(
            conn,
            case_id,
            "needs",
            answers::NeedsChange {
                question: n.question.as_deref(),
                preferred_weekdays: weekdays,
                preferred_time: Some(n.preferred_time.code()),
            },
            now,
        )?;
        let codes: Vec<&str> = n.topics.iter().map(|t| t.code()).collect();
        answers::replace_topics(conn, case_id, &codes)
    })
}

pub fn save_details(
    conn: &mut DbConn,
    case_id: i64,
    d: &Details,
    now: NaiveDateTime,
) -> Result<(), diesel::result::Error> {
    db::write_tx(conn, |conn| {
        answers::save(
            conn,
            case_id,
            "details",
            answers::DetailsChange {
                finance_amount_won: d.finance_amount_won,
                finance_purpose: d.finance_purpose.as_deref(),
                transfer_direction: d.transfer_direction.map(|t| t.code()),
            },
            now,
        )
    })
}

/// The privacy policy's version in force at the center (made when what it states changed):
/// its label is what a consent records.
pub fn policy_in_force(
    conn: &mut DbConn,
    center_id: i64,
    now: NaiveDateTime,
) -> diesel::QueryResult<crate::db::policy_versions::PolicyVersion> {
    let contact = crate::db::center_contacts::of_center(conn, center_id)?;
    crate::db::policy_versions::current(conn, center_id, CONSENT_VERSION, &contact, now)
}

/// The label of the policy in force for a case's center.
fn policy_label(conn: &mut DbConn, case_id: i64, now: NaiveDateTime) -> diesel::QueryResult<String> {
    let center_id = crate::db::cases::find(conn, case_id)?.ok_or(diesel::result::Error::NotFound)?.center_id;
    Ok(policy_in_force(conn, center_id, now)?.label)
}

pub fn save_consent(
    conn: &mut DbConn,
    case_id: i64,
    third_party: bool,
    now: NaiveDateTime,
) -> Result<(), diesel::result::Error> {
    use crate::db::provisions::{consent, record_consent};
    db::write_tx(conn, |conn| {
        let version = policy_label(conn, case_id, now)?;
        answers::save(
            conn,
            case_id,
            "consent",
            answers::ConsentChange {
                consent_version: Some(&version),
                consented_at: Some(now),
                third_party_consent: third_party,
                third_party_consented_at: third_party.then_some(now),
            },
            now,
        )?;
        record_consent(conn, case_id, consent::COLLECTION, true, &version, "applicant", now)?;
        record_consent(conn, case_id, consent::THIRD_PARTY, third_party, &version, "applicant", now)
    })
}

/// The applicant gives the consent to provision to the finance institution later (from their
/// link, e.g. when the expert asks) or withdraws it for the future. Recorded with its wording's
/// version and time; `false` when nothing changed.
pub fn set_third_party(conn: &mut DbConn, case_id: i64, given: bool, now: NaiveDateTime) -> diesel::QueryResult<bool> {
    use crate::db::provisions::{consent, record_consent};
    db::write_tx(conn, |conn| {
        let current = answers::find(conn, case_id)?.map(|a| a.third_party_consent);
        if current == Some(given) || current.is_none() {
            return Ok(false);
        }
        answers::set_third_party(conn, case_id, given, now)?;
        let version = policy_label(conn, case_id, now)?;
        record_consent(conn, case_id, consent::THIRD_PARTY, given, &version, "applicant", now)?;
        Ok(true)
    })
}

/// The first step still to answer, or None when the draft can be submitted.
pub fn missing_step(draft: &Draft) -> Option<&'static str> {
    let a = &draft.answers;
    let needs_details = DetailQuestions::for_topics(&draft.topics).any();
    if !a.has_done("company") {
        Some("company")
    } else if !a.has_done("contact") {
        Some("contact")
    } else if !a.has_done("needs") || draft.topics.is_empty() {
        Some("needs")
    } else if needs_details && !a.has_done("details") {
        Some("details")
    } else if !a.has_done("consent") || a.consented_at.is_none() {
        Some("consent")
    } else {
        None
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    #[error("the `{0}` step is not answered yet")]
    Incomplete(&'static str),
    #[error(transparent)]
    Fire(#[from] FireError),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

pub enum Submitted {
    Now {
        reference: String,
    },
    /// A double click or a replayed POST: the case was submitted already.
    Already,
}

/// A topic's name from the catalog (`topic.<code>`).
pub fn topic_name(lang: Lang, topic: Topic) -> &'static str {
    let key = format!("topic.{}", topic.code());
    CATALOG.lookup(lang, &key).unwrap_or(topic.code())
}

/// draft → submitted: routes the case, stores the routing, queues the confirmation mail; all
/// in one transaction. The state machine's compare-and-set makes a second submit a no-op.
pub fn submit(conn: &mut DbConn, draft: &Draft, token: &str, ctx: &Context<'_>) -> Result<Submitted, SubmitError> {
    if draft.status != CaseStatus::Draft {
        return Ok(Submitted::Already);
    }
    if let Some(step) = missing_step(draft) {
        return Err(SubmitError::Incomplete(step));
    }
    let zones = route(conn, draft)?;
    let lang = Lang::parse(&draft.case.lang).unwrap_or_default();
    let result = db::write_tx(conn, |conn| -> Result<(), SubmitError> {
        let applicant = ActingAs { actor: Actor::Applicant, user_id: None };
        case_flow::fire_in_tx(
            conn,
            &Fire::new(draft.case.id, applicant, CaseEvent::Submit).at_version(draft.case.version),
            ctx.now,
        )?;
        answers::replace_zones(conn, draft.case.id, &zones)?;
        diesel::update(db::schema::cases::table.find(draft.case.id))
            .set((
                db::schema::cases::submitted_at.eq(Some(ctx.now)),
                db::schema::cases::draft_expires_at.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
        if let Some(to) = draft.answers.contact_email.as_ref().filter(|to| mail_allowed(conn, to, ctx).unwrap_or(false))
        {
            let explanations: Vec<String> =
                zones.iter().map(|z| lang.pick(&z.explanation_ko, &z.explanation_en).to_owned()).collect();
            let link = format!("{}/apply/{token}", ctx.base_url);
            mail::queue_submitted(conn, &ctx.mail(), &draft.case, lang, &draft.center, to, &explanations, &link)?;
        }
        let zone_names: Vec<String> = zones.iter().map(|z| z.explanation_ko.clone()).collect();
        mail::queue_staff_notice(
            conn,
            &ctx.mail(),
            &draft.case,
            mail::StaffNotice::NewSubmission { zones: &zone_names },
        )?;
        Ok(())
    });
    match result {
        Ok(()) => Ok(Submitted::Now { reference: draft.case.reference.clone() }),
        // Someone (the same applicant's other click) got there first.
        Err(SubmitError::Fire(FireError::Conflict)) => Ok(Submitted::Already),
        Err(e) => Err(e),
    }
}
