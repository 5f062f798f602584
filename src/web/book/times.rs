//! The free times a booking page offers, as shown: one-stop visits or one zone's times per
//! day, labelled once and reused for a second (`TimesCache`).

use crate::db::centers;
use crate::domain::availability::Slot;
use crate::services::availability::{self, CaseTimes};
use crate::services::booking::Leg;
use crate::web::AppState;
use crate::web::errors::AppError;
use crate::web::i18n::{Lang, date_label};

pub struct Choice {
    pub id: String,
    pub value: String,
    pub label: String,
}

pub struct Day {
    pub date: chrono::NaiveDate,
    pub label: String,
    pub choices: Vec<Choice>,
    /// Said under the day's heading: whether the institution recommended to the applicant
    /// sits that day (finance), e.g. "기술보증기금 상담일".
    pub note: Option<String>,
    /// The recommended institution sits this day (its days come first).
    pub recommended: bool,
}

fn leg_label(lang: Lang, times: &CaseTimes, s: &Slot, institutions: &[centers::Institution]) -> String {
    let zone =
        times.zones.iter().find(|z| z.zone.id == s.zone_id).map_or("", |z| lang.pick(&z.kind.name_ko, &z.kind.name_en));
    let mut label = format!("{} {zone}", s.local_start.format("%H:%M"));
    if let Some(i) = s.institution.as_ref().and_then(|c| institutions.iter().find(|i| &i.code == c)) {
        label.push_str(&format!(" ({})", lang.pick(&i.name_ko, &i.name_en)));
    }
    label
}

/// The choices of a booking form, per day: whole one-stop visits when the case has several
/// zones, else the one zone's times. Shared by the applicant's page and the desk's move page.
pub fn days_of(
    lang: Lang,
    times: &CaseTimes,
    institutions: &[centers::Institution],
    recommended: Option<&str>,
) -> (bool, Vec<Day>) {
    if times.zones.len() > 1 {
        let mut days: Vec<Day> = Vec::new();
        for v in &times.visits {
            let label = date_label(lang, v.date);
            let choice = Choice {
                id: format!("t{}", v.legs[0].starts_at.and_utc().timestamp()),
                value: v
                    .legs
                    .iter()
                    .map(|l| Leg { zone_id: l.zone_id, starts_at: l.starts_at }.encode())
                    .collect::<Vec<_>>()
                    .join(","),
                label: v.legs.iter().map(|l| leg_label(lang, times, l, institutions)).collect::<Vec<_>>().join(" → "),
            };
            match days.last_mut() {
                Some(d) if d.label == label => d.choices.push(choice),
                _ => days.push(Day { date: v.date, label, choices: vec![choice], note: None, recommended: false }),
            }
        }
        (true, days)
    } else {
        let name = |code: &str| {
            institutions
                .iter()
                .find(|i| i.code == code)
                .map_or(code.to_owned(), |i| lang.pick(&i.name_ko, &i.name_en).to_owned())
        };
        let t = crate::web::i18n::T(lang);
        let mut days: Vec<(bool, Day)> = times
            .zones
            .first()
            .map(|z| {
                z.days
                    .iter()
                    .map(|(date, slots)| {
                        // The day's institution on duty, and whether it is the recommended one.
                        let on_duty = slots.iter().find_map(|s| s.institution.as_deref());
                        let is_recommended = recommended.is_some() && on_duty == recommended;
                        let note = match (recommended, on_duty) {
                            (Some(_), Some(code)) if is_recommended => {
                                Some(t.fmt("apply.book.recommended_day", "institution", name(code)))
                            }
                            (Some(_), Some(code)) => Some(t.fmt("apply.book.other_day", "institution", name(code))),
                            _ => None,
                        };
                        let day = Day {
                            date: *date,
                            recommended: is_recommended,
                            label: date_label(lang, *date),
                            choices: slots
                                .iter()
                                .map(|s| Choice {
                                    id: format!("t{}", s.starts_at.and_utc().timestamp()),
                                    value: Leg { zone_id: s.zone_id, starts_at: s.starts_at }.encode(),
                                    label: leg_label(lang, times, s, institutions),
                                })
                                .collect(),
                            note,
                        };
                        (is_recommended, day)
                    })
                    .collect()
            })
            .unwrap_or_default();
        // The days the recommended institution sits come first (in date order), then the rest.
        days.sort_by_key(|(rec, _)| !*rec);
        let days = days.into_iter().map(|(_, d)| d).collect();
        (false, days)
    }
}

/// The free times of the booking page as shown (labels in the page's language), reused by
/// every booking page for the same zones at the same center for up to a second: the list is
/// the heaviest part of the heaviest public page (bench/README.md). Any state-changing request
/// to this instance makes every entry stale at once (`changed`); another instance's bookings
/// show here within the second. What is shown is only an offer: the seat is decided by the
/// database when booking, never by this list.
#[derive(Default)]
pub struct TimesCache {
    generation: std::sync::atomic::AtomicU64,
    entries: std::sync::Mutex<std::collections::HashMap<TimesKey, CachedTimes>>,
}

#[derive(Hash, PartialEq, Eq)]
struct TimesKey {
    center_id: i64,
    kinds: Vec<String>,
    /// The finance institution recommended to the applicant (it orders the days).
    recommended: Option<String>,
    lang: Lang,
    /// The minute of `now` (the notice and today move with it; tests move the clock).
    minute: i64,
}

struct CachedTimes {
    made: std::time::Instant,
    generation: u64,
    days: Shown,
}

const TIMES_TTL: std::time::Duration = std::time::Duration::from_secs(1);

impl TimesCache {
    pub fn changed(&self) {
        self.generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    fn get(&self, key: &TimesKey) -> Option<Shown> {
        let generation = self.generation.load(std::sync::atomic::Ordering::SeqCst);
        let entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        entries.get(key).filter(|e| e.generation == generation && e.made.elapsed() < TIMES_TTL).map(|e| e.days.clone())
    }

    /// Keeps what was computed from data read at `generation` (read before computing).
    fn put(&self, key: TimesKey, generation: u64, days: Shown) {
        let mut entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        entries.retain(|_, e| e.made.elapsed() < TIMES_TTL);
        entries.insert(key, CachedTimes { made: std::time::Instant::now(), generation, days });
    }
}

/// One-stop or not, and the free days with their times (shared with the cache).
pub(super) type Shown = (bool, std::sync::Arc<Vec<Day>>);

/// The case's free times as shown, from the cache when it has them.
pub(super) fn times_shown(
    conn: &mut crate::db::DbConn,
    state: &AppState,
    center: &centers::Center,
    case_id: i64,
    lang: Lang,
) -> Result<Shown, AppError> {
    let now = state.clock.now();
    let routed = crate::db::answers::zones(conn, case_id)?;
    let recommended = routed.iter().find_map(|z| z.institution_code.clone());
    let kinds = routed.into_iter().map(|z| z.zone_kind).collect();
    let key = TimesKey {
        center_id: center.id,
        kinds,
        recommended: recommended.clone(),
        lang,
        minute: now.and_utc().timestamp() / 60,
    };
    if let Some(days) = state.times.get(&key) {
        return Ok(days);
    }
    let generation = state.times.generation.load(std::sync::atomic::Ordering::SeqCst);
    let times = availability::for_case(conn, center, case_id, now)?;
    let (one_stop, days) = days_of(lang, &times, &centers::institutions(conn)?, recommended.as_deref());
    let shown = (one_stop, std::sync::Arc::new(days));
    state.times.put(key, generation, shown.clone());
    Ok(shown)
}
