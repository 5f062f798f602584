//! The demo: every center gets the three zones with the brief's weekly schedule, and the
//! Gyeongnam center gets an admin, a staff member and one expert per zone with random
//! passwords, returned once so that the caller can print them.

use chrono::{NaiveDateTime, NaiveTime};

use crate::db::{self, DbConn, centers, users};
use crate::domain::Role;
use crate::domain::ZoneType;
use crate::domain::password::NewPassword;
use crate::services::ServiceError;
use crate::services::users::{NewAccount, add};

/// The center whose desk the demo staffs with accounts.
pub const DEMO_CENTER: &str = "gyeongnam";

/// Finance rotation of the brief: Mon KODIT, Tue KIBO, Wed KDB, Thu IBK, Fri KODIT.
const FINANCE_ROTATION: [(i16, &str); 5] = [(1, "KODIT"), (2, "KIBO"), (3, "KDB"), (4, "IBK"), (5, "KODIT")];

struct Block {
    start: (u32, u32),
    end: (u32, u32),
    slot_minutes: i32,
    seats: i32,
}

/// Morning and afternoon blocks around a lunch hour.
const LEGAL: [Block; 2] = [
    Block { start: (10, 0), end: (12, 0), slot_minutes: 30, seats: 1 },
    Block { start: (13, 0), end: (17, 0), slot_minutes: 30, seats: 1 },
];
const FINANCE: [Block; 2] = [
    Block { start: (10, 0), end: (12, 0), slot_minutes: 40, seats: 2 },
    Block { start: (13, 20), end: (16, 40), slot_minutes: 40, seats: 2 },
];
/// IP experts sit on Tuesday and Thursday afternoons.
const IP: [Block; 1] = [Block { start: (13, 0), end: (17, 0), slot_minutes: 60, seats: 1 }];

#[derive(Debug)]
pub struct DemoAccount {
    pub email: String,
    pub role: Role,
    pub zone: Option<&'static str>,
    pub password: NewPassword,
}

/// Whether `serve` should load the demo: no account exists yet.
pub fn database_is_empty(conn: &mut DbConn) -> Result<bool, diesel::result::Error> {
    Ok(users::count(conn)? == 0)
}

/// Loads the demo; idempotent for zones and rules, and creates only the accounts missing.
pub fn load(conn: &mut DbConn, now: NaiveDateTime) -> Result<Vec<DemoAccount>, ServiceError> {
    db::write_tx(conn, |conn| {
        let institutions = centers::institutions(conn)?;
        let institution = |code: &str| institutions.iter().find(|i| i.code == code).map(|i| i.id);
        for center in centers::all(conn)? {
            sample_contact(conn, &center, now)?;
            for zone in [ZoneType::Legal, ZoneType::Finance, ZoneType::Ip] {
                let zone_id = centers::ensure_zone(conn, center.id, zone.code())?;
                if !crate::db::schedule::has_policy(conn, zone_id)? {
                    crate::db::schedule::set_policy(conn, &crate::db::schedule::PolicyRow::default_for(zone_id))?;
                }
                if !centers::rules_of(conn, &[zone_id])?.is_empty() {
                    continue;
                }
                let days: Vec<(i16, Option<i64>)> = match zone {
                    ZoneType::Finance => FINANCE_ROTATION.iter().map(|(d, code)| (*d, institution(code))).collect(),
                    ZoneType::Ip => vec![(2, None), (4, None)],
                    ZoneType::Legal | ZoneType::Other(_) => (1..=5).map(|d| (d, None)).collect(),
                };
                let blocks: &[Block] = match zone {
                    ZoneType::Finance => &FINANCE,
                    ZoneType::Ip => &IP,
                    ZoneType::Legal | ZoneType::Other(_) => &LEGAL,
                };
                for (weekday, institution_id) in days {
                    for b in blocks {
                        centers::insert_rule(
                            conn,
                            &centers::NewScheduleRule {
                                zone_id,
                                weekday,
                                start_time: time(b.start),
                                end_time: time(b.end),
                                slot_minutes: b.slot_minutes,
                                seats: b.seats,
                                institution_id,
                            },
                        )?;
                    }
                }
            }
        }

        let wanted: [(&str, Role, Option<&'static str>, &str); 6] = [
            ("admin", Role::Admin, None, "경남센터 관리자"),
            ("staff", Role::Staff, None, "경남센터 담당자"),
            ("legal", Role::Expert, Some("legal"), "법률존 전문가"),
            ("finance", Role::Expert, Some("finance"), "금융존 전문가"),
            ("ip", Role::Expert, Some("ip"), "IP존 전문가"),
            ("national", Role::Admin, None, "전국 실적 담당"),
        ];
        let mut created = Vec::new();
        for (local, role, zone, name) in wanted {
            // The national account belongs to no center: it reads the national reports.
            let national = local == "national";
            let email =
                if national { "national@onestop.example".to_owned() } else { format!("{local}@{DEMO_CENTER}.example") };
            if users::by_email(conn, &email)?.is_some() {
                continue;
            }
            let password = NewPassword::generate(&crate::token::random_bytes::<20>());
            add(
                conn,
                &NewAccount {
                    center_slug: if national { "" } else { DEMO_CENTER },
                    role,
                    zone_kind: zone,
                    email: &email,
                    display_name: name,
                    password: &password,
                },
                now,
            )
            .map_err(|e| anyhow::anyhow!("creating the demo account {email}: {e}"))?;
            created.push(DemoAccount { email, role, zone, password });
        }
        Ok(created)
    })
}

/// Placeholder details for a center that has none: marked `sample`, so every page and mail
/// says they are not real, and phrased so that nobody could take them for facts.
fn sample_contact(conn: &mut DbConn, center: &centers::Center, now: NaiveDateTime) -> Result<(), ServiceError> {
    use crate::db::center_contacts::{self, CenterContact};
    let current = center_contacts::of_center(conn, center.id)?;
    if current.updated_at.is_some() || !current.details().is_empty() {
        return Ok(());
    }
    let contact = crate::domain::center_contact::Contact {
        address_ko: format!("{} 예시로 1 (예시 주소)", center.region_ko),
        address_en: format!("1 Sample-ro, {} (sample address)", center.region_en),
        place_ko: "1층 원스톱 서비스존 (예시)".into(),
        place_en: "One-stop zone, 1st floor (sample)".into(),
        phone: "02-000-0000".into(),
        email: format!("onestop@{}.example", center.slug),
        directions_ko: "예시 안내입니다. 센터 관리자가 ‘센터 정보’에서 대중교통과 주차 안내를 적습니다.".into(),
        directions_en:
            "Sample text. The center's admin writes public transport and parking here under 'Center details'.".into(),
        bring_ko: "사업자등록증 사본, 신분증 (예시)".into(),
        bring_en: "A copy of the business registration, an ID card (sample)".into(),
        coordinates: None,
        privacy_officer: "센터 개인정보 보호책임자 (예시)".into(),
        retention_years: crate::domain::center_contact::MIN_RETENTION_YEARS,
    };
    center_contacts::save(conn, &CenterContact::new(center.id, contact, true, now, None))?;
    Ok(())
}

fn time((h, m): (u32, u32)) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("valid demo time")
}

/// A sample desk day at the demo center, so that a newcomer can check visitors in, mark a
/// no-show, re-route and book: visits today (some already past), and submissions waiting to
/// be booked. Loaded with the demo by `serve` on an empty database and by `onestop demo`
/// (the test suite loads the demo without them), after the year of history. Does nothing when
/// the center has a case made today already (the samples were loaded).
/// Returns how many cases it made.
/// The seed of the demo's history (the same history on every fresh demo of the same day).
pub const HISTORY_SEED: u64 = 20_150_717;

/// What a fresh demo carries beside its accounts and schedules: a year of history for every
/// center (`scale::history`) and the sample desk day at the demo center. Returns (history
/// appointments, sample cases).
pub fn load_history_and_samples(conn: &mut DbConn, now: NaiveDateTime) -> Result<(usize, usize), ServiceError> {
    use diesel::prelude::*;
    // Once only: into a database without cases (a second `onestop demo` adds nothing).
    let any: i64 = db::schema::cases::table.count().get_result(conn)?;
    let past = if any == 0 { crate::services::scale::history(conn, HISTORY_SEED, now)?.appointments } else { 0 };
    // The months' figures of the press release's other tables, submitted (by the national
    // account: the demo has accounts at one center only) but for the last month.
    if let (0, Some(by)) = (any, db::users::by_email(conn, "national@onestop.example")?) {
        let today = crate::domain::availability::local_date(crate::domain::center::TIME_ZONE, now);
        crate::services::activity::load_demo(conn, today, by.id, HISTORY_SEED, now)?;
    }
    Ok((past, load_samples(conn, now)?))
}

pub fn load_samples(conn: &mut DbConn, now: NaiveDateTime) -> Result<usize, ServiceError> {
    use crate::db::answers::{self, CaseZone, CompanyChange, ContactChange};
    use crate::db::appointments::{self, NewAppointment};
    use crate::domain::CaseEvent;
    use crate::services::case_flow::{self, ActingAs, Fire};
    use chrono::TimeZone;
    use diesel::prelude::*;

    let Some(center) = centers::by_slug(conn, DEMO_CENTER)? else { return Ok(0) };
    let tz = crate::services::availability::time_zone(&center);
    let today = crate::domain::availability::local_date(tz, now);
    let at = |h: u32, m: u32| {
        tz.from_local_datetime(&today.and_hms_opt(h, m, 0).unwrap_or_default()).earliest().map(|t| t.naive_utc())
    };
    let existing: i64 = db::schema::cases::table
        .filter(db::schema::cases::center_id.eq(center.id))
        .filter(db::schema::cases::created_at.ge(at(0, 0).unwrap_or(now)))
        .count()
        .get_result(conn)?;
    if existing > 0 {
        return Ok(0);
    }
    let zones = centers::zones_of(conn, center.id)?;
    // (company, contact, email, zones, visit times today (local) per zone in order)
    let samples: [(&str, &str, &str, &[&str], &[(u32, u32)]); 6] = [
        ("(주)그린에너지", "김민수", "minsu@green.example", &["legal"], &[(10, 0)]),
        ("바른로봇", "이서연", "seoyeon@robot.example", &["finance"], &[(11, 0)]),
        ("한빛바이오", "박지훈", "jihoon@bio.example", &["ip"], &[(15, 0)]),
        ("새봄푸드", "최유나", "yuna@food.example", &["finance", "ip"], &[(13, 0), (14, 0)]),
        ("다온소프트", "정하늘", "haneul@daon.example", &["legal", "ip"], &[]),
        ("푸른바다", "윤도현", "dohyun@sea.example", &["finance"], &[]),
    ];
    // Today's slots of each zone as its schedule has them (from the start of the day, no
    // notice): the sample visits sit on them, with the institution on duty, so that the
    // schedule and the reports count them as they count a booking; a zone without hours today
    // (a weekend) gets the fixed time.
    let day_start = at(0, 0).unwrap_or(now);
    let institutions = centers::institutions(conn)?;
    let mut slots_today = std::collections::HashMap::new();
    for (zone, kind) in &zones {
        let mut sched = crate::db::schedule::zone_schedule(conn, zone, today, today)?;
        sched.policy.min_notice = chrono::Duration::zero();
        sched.policy.horizon_days = 1;
        let free = crate::domain::availability::free_slots(&sched, tz, day_start, &Default::default());
        slots_today.insert(kind.code.clone(), free.into_values().flatten().collect::<Vec<_>>());
    }
    let mut used: std::collections::HashSet<(i64, NaiveDateTime)> = Default::default();
    // Two of today's visitors come back: they are companies of the history, so the pre-brief
    // shows their earlier consultations.
    let returning: Vec<(Option<String>, Option<String>)> = {
        use db::schema::{case_answers, consultations};
        case_answers::table
            .inner_join(consultations::table.on(consultations::case_id.eq(case_answers::case_id.nullable())))
            .filter(consultations::center_id.eq(center.id))
            .filter(case_answers::brn.is_not_null())
            .order(consultations::consulted_on.desc())
            .select((case_answers::company_name, case_answers::brn))
            .limit(2)
            .load(conn)?
    };
    let applicant = ActingAs { actor: crate::domain::Actor::Applicant, user_id: None };
    let mut made = 0;
    db::write_tx(conn, |conn| {
        for (i, (company, contact, email, kinds, times)) in samples.into_iter().enumerate() {
            let back = match i {
                0 => returning.first(),
                3 => returning.get(1),
                _ => None,
            };
            let company_name = back.and_then(|b| b.0.clone()).unwrap_or_else(|| company.to_owned());
            let (case_id, _) = case_flow::open_case(conn, center.id, &center.ref_prefix, "ko", now)?;
            answers::insert_empty(conn, case_id, now)?;
            let c = CompanyChange {
                company_name: Some(&company_name),
                brn: back.and_then(|b| b.1.clone()),
                representative: Some(contact),
                founded_on: None,
                employees: Some(5),
                industry: Some("J"),
                stage: None,
                revenue_band: None,
                region: None,
            };
            answers::save(conn, case_id, "company", c, now)?;
            let ct = ContactChange {
                contact_name: Some(contact),
                contact_email: Some(email),
                contact_phone: Some("010-0000-0000"),
            };
            answers::save(conn, case_id, "contact", ct, now)?;
            let rows: Vec<CaseZone> = kinds
                .iter()
                .enumerate()
                .filter_map(|(i, k)| zones.iter().find(|(_, z)| z.code == *k).map(|(_, z)| (i, z)))
                .map(|(i, z)| CaseZone {
                    case_id,
                    zone_kind: z.code.clone(),
                    is_primary: i == 0,
                    institution_code: None,
                    explanation_ko: format!("{} — 데모 신청", z.name_ko),
                    explanation_en: format!("{} — demo case", z.name_en),
                    sort_order: i32::try_from(i).unwrap_or(0),
                })
                .collect();
            answers::replace_zones(conn, case_id, &rows)?;
            case_flow::fire_in_tx(conn, &Fire::new(case_id, applicant, CaseEvent::Submit), now)
                .map_err(anyhow::Error::from)?;
            diesel::update(db::schema::cases::table.find(case_id))
                .set(db::schema::cases::submitted_at.eq(Some(now)))
                .execute(conn)?;
            if !times.is_empty() {
                case_flow::fire_in_tx(conn, &Fire::new(case_id, applicant, CaseEvent::Reserve), now)
                    .map_err(anyhow::Error::from)?;
                for (k, (h, m)) in kinds.iter().zip(times) {
                    let (Some((zone, _)), Some(wanted)) = (zones.iter().find(|(_, z)| z.code == *k), at(*h, *m)) else {
                        continue;
                    };
                    // The zone's first slot today from the wanted time on, not taken by a sample.
                    let slot = slots_today.get(*k).and_then(|s| {
                        let open = |x: &&crate::domain::availability::Slot| !used.contains(&(zone.id, x.starts_at));
                        s.iter().filter(open).find(|x| x.starts_at >= wanted).or_else(|| s.iter().find(open))
                    });
                    let (starts_at, ends_at, institution_id) = match slot {
                        Some(s) => (
                            s.starts_at,
                            s.ends_at,
                            s.institution
                                .as_ref()
                                .and_then(|c| institutions.iter().find(|i| &i.code == c))
                                .map(|i| i.id),
                        ),
                        None => (wanted, wanted + chrono::Duration::minutes(30), None),
                    };
                    used.insert((zone.id, starts_at));
                    let a = NewAppointment { case_id, zone_id: zone.id, starts_at, ends_at, institution_id, now };
                    appointments::take_seat(conn, &a, 10)?;
                }
            }
            made += 1;
        }
        Ok::<_, ServiceError>(())
    })?;
    Ok(made)
}
