//! Cases prepared for the reservation benchmark, each with the free seat it is meant to take.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDateTime};
use diesel::prelude::*;

use super::next_id;
use super::rows::*;
use crate::db::schema::reference_counters;
use crate::db::{self, DbConn, centers};
use crate::domain::availability::local_date;
use crate::services::ServiceError;
use crate::services::availability::time_zone;

/// A submitted case made for the reservation benchmark: its link token and the one free seat
/// it is meant to take, as the booking form sends it (`ZONE:UNIXSECONDS`).
#[derive(Debug, Clone)]
pub struct Prepared {
    pub token: String,
    pub choice: String,
}

/// Makes `count` submitted cases, each routed to one zone and given a distinct free seat of
/// the booking horizon (seats shuffled by `seed` over all centers and zones). With `seats`,
/// every schedule rule first offers at least that many seats per slot, so that a long run has
/// enough of them. `only` keeps one center's slug and/or one zone kind.
pub fn prepare_reservations(
    conn: &mut DbConn,
    count: usize,
    seats: Option<i32>,
    only: (Option<&str>, Option<&str>),
    seed: u64,
    now: NaiveDateTime,
) -> Result<Vec<Prepared>, ServiceError> {
    use crate::db::schema::schedule_rules;
    if let Some(s) = seats {
        diesel::update(schedule_rules::table.filter(schedule_rules::seats.lt(s)))
            .set(schedule_rules::seats.eq(s))
            .execute(conn)?;
    }
    // Every free seat of every zone over the horizon, as the booking page computes them.
    let mut free: Vec<(usize, String, crate::domain::availability::Slot)> = Vec::new();
    let all = centers::all(conn)?;
    for (ci, c) in all.iter().enumerate() {
        if only.0.is_some_and(|slug| slug != c.slug) {
            continue;
        }
        let tz = time_zone(c);
        let from = local_date(tz, now);
        for (zone, kind) in centers::zones_of(conn, c.id)? {
            if only.1.is_some_and(|k| k != kind.code) {
                continue;
            }
            let s = crate::db::schedule::zone_schedule(conn, &zone, from, from + Duration::days(366))?;
            let taken = crate::db::schedule::taken_seats(conn, &[zone.id], now)?;
            for slots in crate::domain::availability::free_slots(&s, tz, now, &taken).into_values() {
                for slot in slots {
                    for _ in 0..slot.free {
                        free.push((ci, kind.code.clone(), slot.clone()));
                    }
                }
            }
        }
    }
    if free.len() < count {
        return Err(
            anyhow::anyhow!("only {} free seats in the horizon for {count} cases: raise --seats", free.len()).into()
        );
    }
    let mut rng = fastrand::Rng::with_seed(seed);
    rng.shuffle(&mut free);
    free.truncate(count);
    let institutions = centers::institutions(conn)?;
    let (mut case_id, mut event_id) = (next_id(conn, "cases")?, next_id(conn, "case_events")?);
    let mut out = Vec::with_capacity(count);
    let mut counters: HashMap<(i64, i32), i32> = HashMap::new();
    db::write_tx(conn, |conn| -> Result<(), ServiceError> {
        let mut batch = Batch::default();
        for (ci, kind, slot) in free {
            let c = &all[ci];
            let year = local_date(time_zone(c), now).year();
            let number = match counters.get_mut(&(c.id, year)) {
                Some(n) => n,
                None => {
                    let last = crate::db::cases::next_reference_number(conn, c.id, year)?;
                    counters.entry((c.id, year)).or_insert(last)
                }
            };
            let reference = format!("{}-{year:04}-{:05}", c.ref_prefix, number);
            *number += 1;
            let token = crate::token::new_token();
            batch.cases.push(CaseRow {
                id: case_id,
                center_id: c.id,
                reference,
                status: crate::domain::CaseStatus::Submitted.as_str(),
                version: 1,
                lang: "ko",
                created_at: now,
                updated_at: now,
                applicant_token_hash: Some(crate::token::hash_token(&token)),
                draft_expires_at: None,
                submitted_at: Some(now),
            });
            batch.answers.push(AnswerRow {
                case_id,
                company_name: Some(format!("벤치마크{case_id}")),
                brn: None,
                representative: Some("김민수".into()),
                employees: Some(5),
                industry: Some("J"),
                stage: None,
                region: None,
                contact_name: Some("김민수".into()),
                contact_email: Some(format!("b{case_id}@startup.example")),
                contact_phone: Some("010-0000-0000".into()),
                question: Some("상담을 요청합니다.".into()),
                preferred_weekdays: "",
                consent_version: Some("2026-1"),
                consented_at: Some(now),
                steps_done: "company,needs,contact,consent",
                updated_at: now,
            });
            let institution_code = slot
                .institution
                .as_ref()
                .and_then(|code| institutions.iter().find(|i| &i.code == code))
                .map(|i| i.code.clone());
            batch.zones.push(ZoneRow {
                case_id,
                zone_kind: kind,
                is_primary: true,
                institution_code,
                explanation_ko: "사전 설문에 따라 배정",
                explanation_en: "Routed by the pre-questionnaire",
                sort_order: 0,
            });
            batch.events.push(EventRow {
                id: event_id,
                case_id,
                at: now,
                actor_kind: "applicant",
                actor_user_id: None,
                event: "submit",
                from_status: crate::domain::CaseStatus::Draft.as_str(),
                to_status: crate::domain::CaseStatus::Submitted.as_str(),
                reason: None,
            });
            let leg = crate::services::booking::Leg { zone_id: slot.zone_id, starts_at: slot.starts_at };
            out.push(Prepared { token, choice: leg.encode() });
            case_id += 1;
            event_id += 1;
        }
        batch.flush(conn)?;
        for ((center_id, year), last) in &counters {
            diesel::update(
                reference_counters::table
                    .filter(reference_counters::center_id.eq(center_id))
                    .filter(reference_counters::year.eq(year)),
            )
            .set(reference_counters::last_value.eq(last - 1))
            .execute(conn)?;
        }
        Ok(())
    })?;
    if let DbConn::Postgres(_) = conn {
        for table in ["cases", "case_events"] {
            diesel::sql_query(format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            ))
            .execute(conn)?;
        }
    }
    Ok(out)
}
