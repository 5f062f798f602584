//! Words for the codes the database keeps: states, actors, institutions on duty. Pages show
//! these, never the codes.

use crate::db::centers;
use crate::domain::message::MessageStatus;
use crate::domain::{AppointmentStatus, CaseStatus};
use crate::web::i18n::{Lang, msg};

/// A case's state, in words.
pub fn case_status_key(status: CaseStatus) -> &'static str {
    match status {
        CaseStatus::Draft => msg("status.draft"),
        CaseStatus::Submitted => msg("status.submitted"),
        CaseStatus::Reserved => msg("status.reserved"),
        CaseStatus::Waiting => msg("status.waiting"),
        CaseStatus::InConsultation => msg("status.in_consultation"),
        CaseStatus::Consulted => msg("status.consulted"),
        CaseStatus::NoShow => msg("status.no_show"),
        CaseStatus::Cancelled => msg("status.cancelled"),
    }
}

/// An appointment's state, in words.
pub fn appt_status_key(status: AppointmentStatus) -> &'static str {
    match status {
        AppointmentStatus::Booked => msg("appt.booked"),
        AppointmentStatus::Waiting => msg("appt.waiting"),
        AppointmentStatus::InConsultation => msg("appt.in_consultation"),
        AppointmentStatus::Done => msg("appt.done"),
        AppointmentStatus::NoShow => msg("appt.no_show"),
        AppointmentStatus::Cancelled => msg("appt.cancelled"),
    }
}

/// The finance institution(s) on duty in a zone on a weekday (the rotation in its rules).
pub fn on_duty(
    lang: Lang,
    rules: &[centers::ScheduleRule],
    zone_id: i64,
    weekday: i16,
    institutions: &[centers::Institution],
) -> Vec<String> {
    let mut names: Vec<String> = rules
        .iter()
        .filter(|r| r.zone_id == zone_id && r.weekday == weekday)
        .filter_map(|r| r.institution_id.and_then(|id| institutions.iter().find(|i| i.id == id)))
        .map(|i| lang.pick(&i.name_ko, &i.name_en).to_owned())
        .collect();
    names.dedup();
    names
}

/// Who did something in a case's history.
pub fn actor_key(kind: &str) -> &'static str {
    match kind {
        "applicant" => msg("actor.applicant"),
        "staff" => msg("actor.staff"),
        "expert" => msg("actor.expert"),
        _ => msg("actor.system"),
    }
}

/// A mail's state in the outbox.
/// A message's state in words; a skipped one says why ("will not be sent: the visit was
/// cancelled").
pub fn mail_status_key(status: MessageStatus, last_error: Option<&str>) -> &'static str {
    use crate::db::outbox::skipped;
    match (status, last_error) {
        (MessageStatus::Pending, _) => msg("mailbox.status_pending"),
        (MessageStatus::Sent, _) => msg("mailbox.status_sent"),
        (MessageStatus::Dead, _) => msg("mailbox.status_dead"),
        (MessageStatus::Skipped, Some(skipped::VISIT_CANCELLED)) => msg("mailbox.skipped_cancelled"),
        (MessageStatus::Skipped, Some(skipped::VISIT_MOVED)) => msg("mailbox.skipped_moved"),
        (MessageStatus::Skipped, Some(skipped::TOO_LATE)) => msg("mailbox.skipped_too_late"),
        (MessageStatus::Skipped, Some(skipped::CASE_MOVED_ON)) => msg("mailbox.skipped_moved_on"),
        (MessageStatus::Skipped, _) => msg("mailbox.status_skipped"),
    }
}

/// A request about the applicant's data, by kind.
pub fn rights_kind_key(kind: &str) -> &'static str {
    match kind {
        crate::db::rights_requests::kind::DELETE => msg("rights.kind.delete"),
        _ => msg("rights.kind.correct"),
    }
}

/// Where a request about the applicant's data stands.
pub fn rights_status_key(status: &str) -> &'static str {
    match status {
        crate::db::rights_requests::status::DONE => msg("rights.status.done"),
        crate::db::rights_requests::status::REFUSED => msg("rights.status.refused"),
        _ => msg("rights.status.open"),
    }
}

/// Why staff opened personal data (the access record's purpose).
pub fn purpose_key(purpose: &str) -> &'static str {
    match purpose {
        "reception" => msg("purpose.reception"),
        "consultation" => msg("purpose.consultation"),
        "mail" => msg("purpose.mail"),
        "reporting" => msg("purpose.reporting"),
        "rights" => msg("purpose.rights"),
        _ => msg("purpose.other"),
    }
}

/// A list or board with personal data, as the access record names it.
pub fn list_key(action: &str) -> &'static str {
    use crate::services::access::list;
    match action {
        list::BOARD => msg("audit.list.board"),
        list::CASES => msg("audit.list.cases"),
        list::QUEUE => msg("audit.list.queue"),
        list::FOLLOW_UPS => msg("audit.list.follow_ups"),
        _ => msg("audit.list.feed"),
    }
}

/// "Last saved: Wed 2 Dec 10:22, by 김관리" (the center's local time; without a name when the
/// demo saved it).
pub fn last_saved(
    t: &crate::web::i18n::T,
    lang: Lang,
    center: &centers::Center,
    at: chrono::NaiveDateTime,
    by: Option<&str>,
) -> String {
    let local = chrono::TimeZone::from_utc_datetime(&crate::services::availability::time_zone(center), &at);
    let when = format!("{} {}", crate::web::i18n::date_label(lang, local.date_naive()), local.format("%H:%M"));
    match by {
        Some(name) => t.fmt2("settings.last_saved_by", "when", &when, "name", name),
        None => t.fmt("settings.last_saved", "when", &when),
    }
}
