//! The demo: every center gets the three zones with the brief's weekly schedule, and the
//! Gyeongnam center gets an admin, a staff member and one expert per zone with random
//! passwords, returned once so that the caller can print them.

use chrono::{NaiveDateTime, NaiveTime};

use crate::db::{self, DbConn, centers, users};
use crate::domain::Role;
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
            for kind in ["legal", "finance", "ip"] {
                let zone_id = centers::ensure_zone(conn, center.id, kind)?;
                if !crate::db::schedule::has_policy(conn, zone_id)? {
                    crate::db::schedule::set_policy(conn, &crate::db::schedule::PolicyRow::default_for(zone_id))?;
                }
                if !centers::rules_of(conn, &[zone_id])?.is_empty() {
                    continue;
                }
                let days: Vec<(i16, Option<i64>)> = match kind {
                    "finance" => FINANCE_ROTATION.iter().map(|(d, code)| (*d, institution(code))).collect(),
                    "ip" => vec![(2, None), (4, None)],
                    _ => (1..=5).map(|d| (d, None)).collect(),
                };
                let blocks: &[Block] = match kind {
                    "finance" => &FINANCE,
                    "ip" => &IP,
                    _ => &LEGAL,
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

        let wanted: [(&str, Role, Option<&'static str>, &str); 5] = [
            ("admin", Role::Admin, None, "경남센터 관리자"),
            ("staff", Role::Staff, None, "경남센터 담당자"),
            ("legal", Role::Expert, Some("legal"), "법률존 전문가"),
            ("finance", Role::Expert, Some("finance"), "금융존 전문가"),
            ("ip", Role::Expert, Some("ip"), "IP존 전문가"),
        ];
        let mut created = Vec::new();
        for (local, role, zone, name) in wanted {
            let email = format!("{local}@{DEMO_CENTER}.example");
            if users::by_email(conn, &email)?.is_some() {
                continue;
            }
            let password = NewPassword::generate(&crate::token::random_bytes::<20>());
            add(
                conn,
                &NewAccount {
                    center_slug: DEMO_CENTER,
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

fn time((h, m): (u32, u32)) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("valid demo time")
}
