//! One visit of the generated history: its case, answers, routed zone, appointment, events
//! and, when it took place, its consultation.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};

use super::Generated;
use super::rows::*;
use super::seats::{CenterInfo, Seat};
use crate::db::centers::Institution;
use crate::domain::availability::local_date;
use crate::domain::consultation::{FINANCE_PRODUCTS, IP_ADVICE, LEGAL_ADVICE};
use crate::domain::{Actor, AppointmentStatus, CaseEvent, CaseStatus, ZoneType};

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
/// Company stages, weighted as the centers see them (young startups most).
const STAGES: [&str; 7] = ["pre_founder", "up_to_3y", "up_to_3y", "up_to_3y", "up_to_7y", "up_to_7y", "sme"];

/// The next id of each table (the generator assigns ids itself).
pub(super) struct Ids {
    pub(super) case: i64,
    pub(super) appt: i64,
    pub(super) event: i64,
    pub(super) consult: i64,
}

/// What every visit of a run shares.
pub(super) struct Run<'a> {
    pub(super) now: NaiveDateTime,
    pub(super) today: NaiveDate,
    pub(super) institutions: &'a [Institution],
}

/// The visit that takes `seat` at center `c`, appended to `batch`.
#[allow(clippy::too_many_arguments)]
pub(super) fn one(
    rng: &mut fastrand::Rng,
    run: &Run<'_>,
    c: &CenterInfo,
    seat: &Seat,
    counters: &mut HashMap<(i64, i32), i32>,
    ids: &mut Ids,
    batch: &mut Batch,
    out: &mut Generated,
) {
    let (now, today, institutions) = (run.now, run.today, run.institutions);
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
        (CaseStatus::Reserved, AppointmentStatus::Booked, None)
    } else if roll < 0.82 {
        (
            CaseStatus::Consulted,
            AppointmentStatus::Done,
            Some((
                CaseEvent::Complete { more_zones_today: false },
                CaseStatus::InConsultation,
                CaseStatus::Consulted,
                Actor::Expert,
            )),
        )
    } else if roll < 0.92 {
        (
            CaseStatus::NoShow,
            AppointmentStatus::NoShow,
            Some((CaseEvent::MarkNoShow, CaseStatus::Reserved, CaseStatus::NoShow, Actor::Staff)),
        )
    } else {
        (
            CaseStatus::Cancelled,
            AppointmentStatus::Cancelled,
            Some((CaseEvent::Cancel, CaseStatus::Reserved, CaseStatus::Cancelled, Actor::Applicant)),
        )
    };
    let company = format!("{}{}", COMPANIES[rng.usize(..COMPANIES.len())], rng.u32(1..999));
    let brn = format!("{:03}-{:02}-{:05}", rng.u32(101..999), rng.u32(1..99), rng.u32(1..99999));
    let person = format!("{}{}", SURNAMES[rng.usize(..SURNAMES.len())], GIVEN[rng.usize(..GIVEN.len())]);
    let version = if last_event.is_some() { 3 } else { 2 };
    let ended = match last_event {
        Some((CaseEvent::Cancel, ..)) => seat.starts_at - Duration::hours(rng.i64(25..72)),
        Some(_) => seat.ends_at,
        None => reserved,
    };
    batch.cases.push(CaseRow {
        id: ids.case,
        center_id: c.id,
        reference,
        status: case_status.as_str(),
        version,
        lang: if rng.u8(..10) == 0 { "en" } else { "ko" },
        created_at: created,
        updated_at: ended.max(reserved),
        applicant_token_hash: None,
        draft_expires_at: None,
        submitted_at: Some(submitted),
    });
    batch.answers.push(AnswerRow {
        case_id: ids.case,
        company_name: Some(company.clone()),
        brn: Some(brn.clone()),
        representative: Some(person.clone()),
        employees: Some(rng.i32(1..120)),
        industry: Some(INDUSTRIES[rng.usize(..INDUSTRIES.len())]),
        stage: Some(STAGES[rng.usize(..STAGES.len())]),
        // Most startups come from the center's own region; some from elsewhere.
        region: Some(if rng.f64() < 0.85 { c.slug.clone() } else { "seoul".to_owned() }),
        contact_name: Some(person),
        contact_email: Some(format!("c{}@startup.example", ids.case)),
        contact_phone: Some(format!("010-{:04}-{:04}", rng.u32(0..9999), rng.u32(0..9999))),
        question: Some("사업 관련 상담을 요청합니다.".to_owned()),
        preferred_weekdays: "",
        consent_version: Some("2026-1"),
        consented_at: Some(submitted),
        steps_done: "company,needs,contact,consent",
        updated_at: submitted,
    });
    let institution_code =
        seat.institution_id.and_then(|id| institutions.iter().find(|i| i.id == id)).map(|i| i.code.clone());
    batch.zones.push(ZoneRow {
        case_id: ids.case,
        zone_kind: z.kind.clone(),
        is_primary: true,
        institution_code,
        explanation_ko: "사전 설문에 따라 배정",
        explanation_en: "Routed by the pre-questionnaire",
        sort_order: 0,
    });
    let done = appt_status == AppointmentStatus::Done;
    batch.appointments.push(AppointmentRow {
        id: ids.appt,
        case_id: ids.case,
        zone_id: z.id,
        starts_at: seat.starts_at,
        ends_at: seat.ends_at,
        status: appt_status.as_str(),
        institution_id: seat.institution_id,
        ticket_number: None,
        created_at: reserved,
        updated_at: ended.max(reserved),
        seat_no: seat.seat_no,
        checked_in_at: done.then(|| seat.starts_at - Duration::minutes(5)),
    });
    let mut event = |at, actor: Actor, event: CaseEvent, from: CaseStatus, to: CaseStatus| {
        batch.events.push(EventRow {
            id: ids.event,
            case_id: ids.case,
            at,
            actor_kind: actor.as_str(),
            actor_user_id: None,
            event: event.as_str(),
            from_status: from.as_str(),
            to_status: to.as_str(),
            reason: None,
        });
        ids.event += 1;
    };
    event(submitted, Actor::Applicant, CaseEvent::Submit, CaseStatus::Draft, CaseStatus::Submitted);
    event(reserved, Actor::Applicant, CaseEvent::Reserve, CaseStatus::Submitted, CaseStatus::Reserved);
    if let Some((name, from, to, actor)) = last_event {
        event(ended, actor, name, from, to);
    }
    if done {
        let on = local_date(c.tz, seat.starts_at);
        let mut row = ConsultationRow {
            id: ids.consult,
            case_id: Some(ids.case),
            center_id: c.id,
            zone_id: z.id,
            company: None,
            brn: None,
            appointment_id: Some(ids.appt),
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
            follow_up_on: None,
            follow_up_done_at: None,
        };
        match ZoneType::of(&z.kind) {
            ZoneType::Finance => {
                row.institution_id = seat.institution_id;
                row.product = Some(FINANCE_PRODUCTS[rng.usize(..FINANCE_PRODUCTS.len())]);
                // A fifth of them executed weeks later, 0.1–3억 (the ministry's 2015 figures:
                // about 0.4억 per finance consultation nationally).
                if rng.f64() < 0.2 {
                    let executed_on = on + Duration::days(rng.i64(14..60));
                    if executed_on <= today {
                        row.executed_won = Some(rng.i64(1..30) * 10_000_000);
                        row.executed_on = Some(executed_on);
                    }
                }
                // Not executed (yet): the expert asks again a month later; most such
                // follow-ups were done within a week, the recent ones are due.
                if row.executed_won.is_none() {
                    let due = on + Duration::days(30);
                    row.follow_up_on = Some(due);
                    if due + Duration::days(7) < today && rng.f64() < 0.85 {
                        row.follow_up_done_at = Some(seat.ends_at + Duration::days(30 + rng.i64(0..7)));
                    }
                }
            }
            ZoneType::Ip => {
                row.advice_type = Some(IP_ADVICE[rng.usize(..IP_ADVICE.len())]);
                row.patents_transferred = Some(if rng.f64() < 0.15 { rng.i32(1..4) } else { 0 });
            }
            ZoneType::Legal | ZoneType::Other(_) => {
                row.advice_type = Some(LEGAL_ADVICE[rng.usize(..LEGAL_ADVICE.len())])
            }
        }
        batch.consultations.push(row);
        ids.consult += 1;
        out.consultations += 1;
    }
    out.cases += 1;
    out.appointments += 1;
    ids.case += 1;
    ids.appt += 1;
}
