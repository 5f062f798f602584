//! Data at scale for benchmarks: `onestop demo --scale N` fills a database that has no cases
//! with about N thousand appointments at a fixed, realistic density — every center's schedule
//! three quarters full in the past, half full over the booking horizon — going back as many
//! years as that takes (N = 1000 is about ten years). Every appointment belongs to a case with
//! answers, its routed zone and its events; every past visit that took place has its recorded
//! consultation (finance amounts and patent transfers included), so that the queue, the desk
//! and the reports read what a center would have after years of use.
//!
//! Reproducible: the same seed, scale and day give the same rows. Rows are written in batches
//! on the backend's own connection, with ids assigned here (sequences are moved past them on
//! PostgreSQL).

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone};
use diesel::prelude::*;

use crate::db::schema::{
    appointments, case_answers, case_events, case_zones, cases, consultations, reference_counters,
};
use crate::db::{self, DbConn, centers};
use crate::domain::availability::local_date;
use crate::domain::consultation::{FINANCE_PRODUCTS, IP_ADVICE, LEGAL_ADVICE};
use crate::domain::holidays::is_holiday;
use crate::services::ServiceError;
use crate::services::availability::time_zone;

/// Share of the seats taken on days that have passed (and today), and over the horizon.
const PAST_FILL: f64 = 0.75;
const FUTURE_FILL: f64 = 0.5;
/// Days ahead that get bookings (the default booking horizon).
const AHEAD_DAYS: i64 = 30;
/// Rows per INSERT statement, and appointments per transaction.
const BATCH: usize = 1000;
const COMMIT_EVERY: usize = 50_000;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Generated {
    pub first_day: Option<NaiveDate>,
    pub cases: usize,
    pub appointments: usize,
    pub consultations: usize,
    pub events: usize,
}

#[derive(Insertable)]
#[diesel(table_name = cases, treat_none_as_default_value = false)]
struct CaseRow {
    id: i64,
    center_id: i64,
    reference: String,
    status: &'static str,
    version: i64,
    lang: &'static str,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    applicant_token_hash: Option<String>,
    draft_expires_at: Option<NaiveDateTime>,
    submitted_at: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = case_answers, treat_none_as_default_value = false)]
struct AnswerRow {
    case_id: i64,
    company_name: Option<String>,
    brn: Option<String>,
    representative: Option<String>,
    employees: Option<i32>,
    industry: Option<&'static str>,
    contact_name: Option<String>,
    contact_email: Option<String>,
    contact_phone: Option<String>,
    question: Option<String>,
    preferred_weekdays: &'static str,
    consent_version: Option<&'static str>,
    consented_at: Option<NaiveDateTime>,
    steps_done: &'static str,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = case_zones, treat_none_as_default_value = false)]
struct ZoneRow {
    case_id: i64,
    zone_kind: String,
    is_primary: bool,
    institution_code: Option<String>,
    explanation_ko: &'static str,
    explanation_en: &'static str,
    sort_order: i32,
}

#[derive(Insertable)]
#[diesel(table_name = appointments, treat_none_as_default_value = false)]
struct AppointmentRow {
    id: i64,
    case_id: i64,
    zone_id: i64,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    status: &'static str,
    institution_id: Option<i64>,
    ticket_number: Option<i32>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    seat_no: i32,
    checked_in_at: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = case_events, treat_none_as_default_value = false)]
struct EventRow {
    id: i64,
    case_id: i64,
    at: NaiveDateTime,
    actor_kind: &'static str,
    actor_user_id: Option<i64>,
    event: &'static str,
    from_status: &'static str,
    to_status: &'static str,
    reason: Option<&'static str>,
}

#[derive(Insertable)]
#[diesel(table_name = consultations, treat_none_as_default_value = false)]
struct ConsultationRow {
    id: i64,
    case_id: Option<i64>,
    center_id: i64,
    zone_id: i64,
    company: Option<String>,
    brn: Option<String>,
    appointment_id: Option<i64>,
    started_at: NaiveDateTime,
    completed_at: Option<NaiveDateTime>,
    consulted_on: Option<NaiveDate>,
    institution_id: Option<i64>,
    product: Option<&'static str>,
    executed_won: Option<i64>,
    executed_on: Option<NaiveDate>,
    advice_type: Option<&'static str>,
    patents_transferred: Option<i32>,
    summary: Option<&'static str>,
    source: &'static str,
}

#[derive(Default)]
struct Batch {
    cases: Vec<CaseRow>,
    answers: Vec<AnswerRow>,
    zones: Vec<ZoneRow>,
    appointments: Vec<AppointmentRow>,
    events: Vec<EventRow>,
    consultations: Vec<ConsultationRow>,
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
    fn flush(&mut self, conn: &mut DbConn) -> QueryResult<()> {
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

/// One seat of one slot of a zone's schedule on a day.
struct Seat {
    center: usize,
    zone: usize,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    seat_no: i32,
    institution_id: Option<i64>,
}

struct ZoneInfo {
    id: i64,
    kind: String,
    rules: Vec<centers::ScheduleRule>,
}

struct CenterInfo {
    id: i64,
    prefix: String,
    tz: chrono_tz::Tz,
    zones: Vec<ZoneInfo>,
}

/// Every seat the schedules offer on a local day, in center, zone, time and seat order.
fn seats_of_day(all: &[CenterInfo], day: NaiveDate) -> Vec<Seat> {
    let mut out = Vec::new();
    if is_holiday(day) {
        return out;
    }
    let weekday = i16::try_from(day.weekday().number_from_monday()).unwrap_or(1);
    for (ci, c) in all.iter().enumerate() {
        for (zi, z) in c.zones.iter().enumerate() {
            for r in z.rules.iter().filter(|r| r.weekday == weekday) {
                let step = Duration::minutes(r.slot_minutes.into());
                let mut t = day.and_time(r.start_time);
                while t + step <= day.and_time(r.end_time) {
                    let Some(start) = c.tz.from_local_datetime(&t).earliest().map(|s| s.naive_utc()) else {
                        t += step;
                        continue;
                    };
                    for seat_no in 1..=r.seats {
                        out.push(Seat {
                            center: ci,
                            zone: zi,
                            starts_at: start,
                            ends_at: start + step,
                            seat_no,
                            institution_id: r.institution_id,
                        });
                    }
                    t += step;
                }
            }
        }
    }
    out
}

const COMPANIES: [&str; 12] = [
    "그린에너지",
    "바른로봇",
    "한빛바이오",
    "새봄푸드",
    "다온소프트",
    "푸른바다",
    "별빛게임즈",
    "온누리헬스",
    "미래모빌리티",
    "소담공방",
    "하늘드론",
    "누리핀테크",
];
const SURNAMES: [&str; 8] = ["김", "이", "박", "최", "정", "강", "조", "윤"];
const GIVEN: [&str; 8] = ["민수", "서연", "지훈", "유나", "하늘", "도현", "예린", "준호"];
const INDUSTRIES: [&str; 6] = ["J", "C", "M", "G", "Q", "F"];

/// The id after the largest in `table` (the generator assigns ids itself).
fn next_id(conn: &mut DbConn, table: &str) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct M {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        m: i64,
    }
    let q = format!("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) AS m FROM {table}");
    Ok(diesel::sql_query(q).get_result::<M>(conn)?.m + 1)
}

/// Fills the database (which must have the demo's zones and schedules, and no cases) with
/// about `thousands` × 1000 appointments ending `AHEAD_DAYS` after `now`.
pub fn generate(conn: &mut DbConn, thousands: u32, seed: u64, now: NaiveDateTime) -> Result<Generated, ServiceError> {
    let existing: i64 = cases::table.count().get_result(conn)?;
    if existing > 0 {
        return Err(
            anyhow::anyhow!("the database has {existing} case(s): scale data goes into one without cases").into()
        );
    }
    let institutions = centers::institutions(conn)?;
    let mut all = Vec::new();
    for c in centers::all(conn)? {
        let mut zones = Vec::new();
        for (z, _) in centers::zones_of(conn, c.id)? {
            let rules = centers::rules_of(conn, &[z.id])?;
            zones.push(ZoneInfo { id: z.id, kind: z.kind, rules });
        }
        all.push(CenterInfo { id: c.id, prefix: c.ref_prefix.clone(), tz: time_zone(&c), zones });
    }
    let tz = all.first().map_or(crate::domain::center::TIME_ZONE, |c| c.tz);
    let today = local_date(tz, now);
    let last_day = today + Duration::days(AHEAD_DAYS);

    // Walk back from the horizon until the expected number of appointments reaches the target.
    let target = f64::from(thousands) * 1000.0;
    let mut expected = 0.0;
    let mut first_day = last_day;
    let mut day = last_day;
    while expected < target && day > today - Duration::days(365 * 40) {
        let fill = if day > today { FUTURE_FILL } else { PAST_FILL };
        expected += seats_of_day(&all, day).len() as f64 * fill;
        first_day = day;
        day -= Duration::days(1);
    }

    let mut rng = fastrand::Rng::with_seed(seed);
    let (mut case_id, mut appt_id) = (next_id(conn, "cases")?, next_id(conn, "appointments")?);
    let (mut event_id, mut consult_id) = (next_id(conn, "case_events")?, next_id(conn, "consultations")?);
    let mut counters: HashMap<(i64, i32), i32> = HashMap::new();
    let mut out = Generated { first_day: Some(first_day), ..Generated::default() };
    let mut batch = Batch::default();
    let first_event = event_id;
    // On PostgreSQL the report totals' insert trigger is switched off for the load and the
    // totals rebuilt in one statement after it (on error too): one grouped pass instead of one
    // per inserted batch. SQLite's row triggers are cheap enough to stay.
    let postgres = matches!(conn, DbConn::Postgres(_));
    if postgres {
        diesel::sql_query("ALTER TABLE consultations DISABLE TRIGGER consultation_totals_insert").execute(conn)?;
    }
    let loaded = (|| -> Result<(), ServiceError> {
        let mut day = first_day;
        // A transaction per `COMMIT_EVERY` appointments or so (whole days), so that a large load
        // does not hold everything in one transaction.
        while day <= last_day {
            let mut in_tx = 0;
            db::write_tx(conn, |conn| -> Result<(), ServiceError> {
                while day <= last_day && in_tx < COMMIT_EVERY {
                    let fill = if day > today { FUTURE_FILL } else { PAST_FILL };
                    for seat in seats_of_day(&all, day) {
                        if rng.f64() >= fill {
                            continue;
                        }
                        let c = &all[seat.center];
                        let z = &c.zones[seat.zone];
                        let created = seat.starts_at - Duration::hours(rng.i64(26..24 * 21));
                        let year = local_date(c.tz, created).year();
                        let number = counters.entry((c.id, year)).or_insert(0);
                        *number += 1;
                        let reference = format!("{}-{year:04}-{:05}", c.prefix, number);
                        let submitted = created + Duration::minutes(rng.i64(10..90));
                        let reserved = submitted + Duration::minutes(rng.i64(5..600));
                        let past = seat.starts_at < now;
                        let roll = rng.f64();
                        let (case_status, appt_status, last_event) = if !past {
                            ("reserved", "booked", None)
                        } else if roll < 0.82 {
                            ("consulted", "done", Some(("complete", "in_consultation", "consulted", "expert")))
                        } else if roll < 0.92 {
                            ("no_show", "no_show", Some(("no_show", "reserved", "no_show", "staff")))
                        } else {
                            ("cancelled", "cancelled", Some(("cancel", "reserved", "cancelled", "applicant")))
                        };
                        let company = format!("{}{}", COMPANIES[rng.usize(..COMPANIES.len())], rng.u32(1..999));
                        let brn = format!("{:03}-{:02}-{:05}", rng.u32(101..999), rng.u32(1..99), rng.u32(1..99999));
                        let person =
                            format!("{}{}", SURNAMES[rng.usize(..SURNAMES.len())], GIVEN[rng.usize(..GIVEN.len())]);
                        let version = if last_event.is_some() { 3 } else { 2 };
                        let ended = match last_event {
                            Some(("cancel", ..)) => seat.starts_at - Duration::hours(rng.i64(25..72)),
                            Some(_) => seat.ends_at,
                            None => reserved,
                        };
                        batch.cases.push(CaseRow {
                            id: case_id,
                            center_id: c.id,
                            reference,
                            status: case_status,
                            version,
                            lang: if rng.u8(..10) == 0 { "en" } else { "ko" },
                            created_at: created,
                            updated_at: ended.max(reserved),
                            applicant_token_hash: None,
                            draft_expires_at: None,
                            submitted_at: Some(submitted),
                        });
                        batch.answers.push(AnswerRow {
                            case_id,
                            company_name: Some(company.clone()),
                            brn: Some(brn.clone()),
                            representative: Some(person.clone()),
                            employees: Some(rng.i32(1..120)),
                            industry: Some(INDUSTRIES[rng.usize(..INDUSTRIES.len())]),
                            contact_name: Some(person),
                            contact_email: Some(format!("c{case_id}@startup.example")),
                            contact_phone: Some(format!("010-{:04}-{:04}", rng.u32(0..9999), rng.u32(0..9999))),
                            question: Some("사업 관련 상담을 요청합니다.".to_owned()),
                            preferred_weekdays: "",
                            consent_version: Some("2026-1"),
                            consented_at: Some(submitted),
                            steps_done: "company,needs,contact,consent",
                            updated_at: submitted,
                        });
                        let institution_code = seat
                            .institution_id
                            .and_then(|id| institutions.iter().find(|i| i.id == id))
                            .map(|i| i.code.clone());
                        batch.zones.push(ZoneRow {
                            case_id,
                            zone_kind: z.kind.clone(),
                            is_primary: true,
                            institution_code,
                            explanation_ko: "사전 설문에 따라 배정",
                            explanation_en: "Routed by the pre-questionnaire",
                            sort_order: 0,
                        });
                        let done = appt_status == "done";
                        batch.appointments.push(AppointmentRow {
                            id: appt_id,
                            case_id,
                            zone_id: z.id,
                            starts_at: seat.starts_at,
                            ends_at: seat.ends_at,
                            status: appt_status,
                            institution_id: seat.institution_id,
                            ticket_number: None,
                            created_at: reserved,
                            updated_at: ended.max(reserved),
                            seat_no: seat.seat_no,
                            checked_in_at: done.then(|| seat.starts_at - Duration::minutes(5)),
                        });
                        let mut event = |at, actor_kind, event, from_status, to_status| {
                            batch.events.push(EventRow {
                                id: event_id,
                                case_id,
                                at,
                                actor_kind,
                                actor_user_id: None,
                                event,
                                from_status,
                                to_status,
                                reason: None,
                            });
                            event_id += 1;
                        };
                        event(submitted, "applicant", "submit", "draft", "submitted");
                        event(reserved, "applicant", "reserve", "submitted", "reserved");
                        if let Some((name, from, to, actor)) = last_event {
                            event(ended, actor, name, from, to);
                        }
                        if done {
                            let on = local_date(c.tz, seat.starts_at);
                            let mut row = ConsultationRow {
                                id: consult_id,
                                case_id: Some(case_id),
                                center_id: c.id,
                                zone_id: z.id,
                                company: None,
                                brn: None,
                                appointment_id: Some(appt_id),
                                started_at: seat.starts_at,
                                completed_at: Some(seat.ends_at),
                                consulted_on: Some(on),
                                institution_id: None,
                                product: None,
                                executed_won: None,
                                executed_on: None,
                                advice_type: None,
                                patents_transferred: None,
                                summary: Some("상담 결과를 안내했습니다."),
                                source: "app",
                            };
                            match z.kind.as_str() {
                                "finance" => {
                                    row.institution_id = seat.institution_id;
                                    row.product = Some(FINANCE_PRODUCTS[rng.usize(..FINANCE_PRODUCTS.len())]);
                                    if rng.f64() < 0.3 {
                                        let executed_on = on + Duration::days(rng.i64(14..60));
                                        if executed_on <= today {
                                            row.executed_won = Some(rng.i64(5..100) * 10_000_000);
                                            row.executed_on = Some(executed_on);
                                        }
                                    }
                                }
                                "ip" => {
                                    row.advice_type = Some(IP_ADVICE[rng.usize(..IP_ADVICE.len())]);
                                    row.patents_transferred = Some(if rng.f64() < 0.15 { rng.i32(1..4) } else { 0 });
                                }
                                _ => row.advice_type = Some(LEGAL_ADVICE[rng.usize(..LEGAL_ADVICE.len())]),
                            }
                            batch.consultations.push(row);
                            consult_id += 1;
                            out.consultations += 1;
                        }
                        out.cases += 1;
                        out.appointments += 1;
                        case_id += 1;
                        appt_id += 1;
                        in_tx += 1;
                        if batch.cases.len() >= BATCH * 5 {
                            batch.flush(conn)?;
                        }
                    }
                    day += Duration::days(1);
                }
                batch.flush(conn)?;
                Ok(())
            })?;
        }
        db::write_tx(conn, |conn| -> Result<(), ServiceError> {
            for ((center_id, year), last) in &counters {
                diesel::delete(
                    reference_counters::table
                        .filter(reference_counters::center_id.eq(center_id))
                        .filter(reference_counters::year.eq(year)),
                )
                .execute(conn)?;
                diesel::insert_into(reference_counters::table)
                    .values((
                        reference_counters::center_id.eq(center_id),
                        reference_counters::year.eq(year),
                        reference_counters::last_value.eq(last),
                    ))
                    .execute(conn)?;
            }
            Ok(())
        })?;
        Ok(())
    })();
    if postgres {
        let rebuilt =
            db::write_tx(conn, |conn| diesel::sql_query("SELECT consultation_totals_rebuild()").execute(conn));
        diesel::sql_query("ALTER TABLE consultations ENABLE TRIGGER consultation_totals_insert").execute(conn)?;
        rebuilt?;
    }
    loaded?;
    out.events = usize::try_from(event_id - first_event).unwrap_or(0);
    if let DbConn::Postgres(_) = conn {
        for table in ["cases", "appointments", "case_events", "consultations"] {
            diesel::sql_query(format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            ))
            .execute(conn)?;
        }
        diesel::sql_query("VACUUM ANALYZE").execute(conn)?;
    } else {
        diesel::sql_query("ANALYZE").execute(conn)?;
    }
    Ok(out)
}

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
                status: "submitted",
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
                from_status: "draft",
                to_status: "submitted",
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
