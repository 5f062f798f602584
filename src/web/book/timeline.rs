//! Where the applicant's case stands: its events in the applicant's words, with local times.

use crate::db::cases::CaseEventRow;
use crate::domain::CaseStatus;
use crate::web::i18n::{Lang, date_label, msg};

/// One line of the timeline: when (local) and what happened (a catalog key).
pub struct Moment {
    pub when: String,
    pub what: &'static str,
}

/// The event that moved a case from `from` to `to`, as the applicant would say it.
fn words(from: CaseStatus, to: CaseStatus) -> &'static str {
    use CaseStatus::*;
    match (from, to) {
        (Draft, Submitted) => msg("apply.timeline.submitted"),
        (Consulted, Submitted) => msg("apply.timeline.referred"),
        (_, Submitted) => msg("apply.timeline.rerouted"),
        (Reserved, Reserved) => msg("apply.timeline.moved"),
        (_, Reserved) => msg("apply.timeline.booked"),
        (InConsultation, Waiting) => msg("apply.timeline.next_zone"),
        (_, Waiting) => msg("apply.timeline.checked_in"),
        (_, InConsultation) => msg("apply.timeline.started"),
        (_, Consulted) => msg("apply.timeline.consulted"),
        (_, NoShow) => msg("apply.timeline.no_show"),
        (_, Cancelled) => msg("apply.timeline.cancelled"),
        (_, Draft) => msg("apply.timeline.submitted"),
    }
}

pub fn timeline(events: &[CaseEventRow], tz: chrono_tz::Tz, lang: Lang) -> Vec<Moment> {
    events
        .iter()
        .map(|e| {
            let local = chrono::TimeZone::from_utc_datetime(&tz, &e.at);
            Moment {
                when: format!("{} {}", date_label(lang, local.date_naive()), local.format("%H:%M")),
                what: words(e.from_status, e.to_status),
            }
        })
        .collect()
}

/// What the experts wrote for the applicant, per zone (zone name, summary), in visit order.
pub fn summaries(
    consultations: &[crate::db::consultations::Consultation],
    zones: &[(crate::db::centers::Zone, crate::db::centers::ZoneKind)],
    lang: Lang,
) -> Vec<(String, String)> {
    consultations
        .iter()
        .filter_map(|c| {
            let (_, kind) = zones.iter().find(|(z, _)| z.id == c.zone_id)?;
            Some((lang.pick(&kind.name_ko, &kind.name_en).to_owned(), c.summary.clone()?))
        })
        .collect()
}
