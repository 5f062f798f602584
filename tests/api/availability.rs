//! Availability from the database: a submitted case's zones, closures, expert absences,
//! holidays and booked seats.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use onestop::db::{centers, schedule};
use onestop::services::availability;

use crate::fixtures::fill_all;
use crate::helpers::{browser_client, spawn_app_with_demo};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// Monday 7 December 2026, 09:00 in Seoul.
fn monday_morning() -> NaiveDateTime {
    d(2026, 12, 7).and_hms_opt(0, 0, 0).unwrap()
}

#[tokio::test]
async fn a_finance_and_ip_case_gets_its_zones_times_and_one_stop_visits() {
    let app = spawn_app_with_demo().await;
    let client = browser_client();
    let base = fill_all(&app, &client, "gyeongnam").await;
    let page = client.get(app.url(&format!("{base}/review"))).send().await.unwrap().text().await.unwrap();
    let csrf = crate::helpers::csrf_from(&page).unwrap();
    client.post(app.url(&format!("{base}/submit"))).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
    let mut conn = app.conn();
    let center = centers::by_slug(&mut conn, "gyeongnam").unwrap().unwrap();
    let case_id: i64 = {
        use diesel::prelude::*;
        onestop::db::schema::cases::table.select(onestop::db::schema::cases::id).first(&mut *conn).unwrap()
    };

    let times = availability::for_case(&mut conn, &center, case_id, monday_morning()).unwrap();
    let kinds: Vec<&str> = times.zones.iter().map(|z| z.kind.code.as_str()).collect();
    assert_eq!(kinds, vec!["finance", "ip"]);
    let finance = &times.zones[0];
    let ip = &times.zones[1];
    // Finance sits on weekdays, IP on Tuesdays and Thursdays; Christmas (Fri 25 Dec) is off;
    // nothing within 24 hours (Monday the 7th).
    assert!(ip.days.keys().all(|day| matches!(day.weekday().number_from_monday(), 2 | 4)));
    assert!(!finance.days.contains_key(&d(2026, 12, 7)));
    assert!(finance.days.contains_key(&d(2026, 12, 8)));
    assert!(!finance.days.contains_key(&d(2026, 12, 25)));
    let tuesday = &finance.days[&d(2026, 12, 8)];
    assert_eq!(tuesday[0].local_start.format("%H:%M").to_string(), "10:00");
    assert_eq!(tuesday[0].institution.as_deref(), Some("KIBO"), "Tuesday's institution on duty");
    assert_eq!(tuesday[0].free, 2);
    // One-stop visits only on days with both zones, finance then IP or the other way round.
    assert!(!times.visits.is_empty());
    assert!(times.visits.iter().all(|v| matches!(v.date.weekday().number_from_monday(), 2 | 4) && v.legs.len() == 2));

    // A center closure on Tuesday the 8th, the IP expert away on Thursday the 10th, and both
    // seats of Wednesday's first finance slot taken.
    let now = onestop::db::now();
    schedule::add_closure(
        &mut conn,
        &schedule::NewClosure {
            center_id: center.id,
            zone_id: None,
            expert_user_id: None,
            starts_on: d(2026, 12, 8),
            ends_on: d(2026, 12, 8),
            reason: "행사",
            created_by: None,
            created_at: now,
        },
    )
    .unwrap();
    let ip_expert = onestop::db::users::by_email(&mut conn, "ip@gyeongnam.example").unwrap().unwrap();
    schedule::add_closure(
        &mut conn,
        &schedule::NewClosure {
            center_id: center.id,
            zone_id: None,
            expert_user_id: Some(ip_expert.id),
            starts_on: d(2026, 12, 10),
            ends_on: d(2026, 12, 11),
            reason: "출장",
            created_by: None,
            created_at: now,
        },
    )
    .unwrap();
    let wed_first = finance.days[&d(2026, 12, 9)][0].starts_at;
    for seat in 1..=2 {
        app.exec(&format!(
            "INSERT INTO appointments (case_id, zone_id, starts_at, ends_at, status, created_at, updated_at, seat_no) VALUES ({case_id}, {}, '{}', '{}', 'booked', '{}', '{}', {seat})",
            finance.zone.id,
            wed_first.format("%Y-%m-%d %H:%M:%S"),
            (wed_first + chrono::Duration::minutes(40)).format("%Y-%m-%d %H:%M:%S"),
            now.format("%Y-%m-%d %H:%M:%S"),
            now.format("%Y-%m-%d %H:%M:%S"),
        ));
    }
    let times = availability::for_case(&mut conn, &center, case_id, monday_morning()).unwrap();
    assert!(!times.zones[0].days.contains_key(&d(2026, 12, 8)), "center closed");
    assert!(!times.zones[1].days.contains_key(&d(2026, 12, 10)), "the only IP expert is away");
    assert!(times.zones[0].days.contains_key(&d(2026, 12, 10)), "finance still sits that day");
    assert_ne!(times.zones[0].days[&d(2026, 12, 9)][0].starts_at, wed_first, "the full slot is gone");
    assert!(times.visits.iter().all(|v| v.date != d(2026, 12, 8) && v.date != d(2026, 12, 10)));
}
