//! The case state machine persisted: audit events, compare-and-set under concurrency,
//! reference numbers.

use onestop::db::{self, cases};
use onestop::domain::{Actor, CaseEvent, CaseStatus};
use onestop::services::case_flow::{self, ActingAs, Fire, FireError};

use crate::helpers::{race, spawn_app};

const APPLICANT: ActingAs = ActingAs { actor: Actor::Applicant, user_id: None };
const STAFF: ActingAs = ActingAs { actor: Actor::Staff, user_id: None };

fn gyeongnam_id(app: &crate::helpers::TestApp) -> i64 {
    let mut conn = app.conn();
    db::centers::by_slug(&mut conn, "gyeongnam").unwrap().unwrap().id
}

#[tokio::test]
async fn a_case_walks_through_its_life_and_every_step_is_in_the_trail() {
    let app = spawn_app().await;
    let center = gyeongnam_id(&app);
    let mut conn = app.conn();
    let now = db::now();
    let (id, reference) = case_flow::open_case(&mut conn, center, "GN", "ko", now).unwrap();
    assert!(reference.starts_with("GN-") && reference.ends_with("-00001"), "{reference}");

    let steps = [
        (APPLICANT, CaseEvent::Submit, CaseStatus::Submitted),
        (APPLICANT, CaseEvent::Reserve, CaseStatus::Reserved),
        (STAFF, CaseEvent::CheckIn, CaseStatus::Waiting),
        (ActingAs { actor: Actor::Expert, user_id: None }, CaseEvent::Start, CaseStatus::InConsultation),
        (
            ActingAs { actor: Actor::Expert, user_id: None },
            CaseEvent::Complete { more_zones_today: false },
            CaseStatus::Consulted,
        ),
    ];
    for (i, (by, event, to)) in steps.into_iter().enumerate() {
        let t = case_flow::fire(&mut conn, &Fire::new(id, by, event).at_version(i as i64), now).unwrap();
        assert_eq!(t.to, to);
        assert_eq!(t.version, i as i64 + 1);
    }
    let events = cases::events_of(&mut conn, id).unwrap();
    let trail: Vec<(String, String, String, String)> = events
        .iter()
        .map(|e| (e.actor_kind.clone(), e.event.clone(), e.from_status.to_string(), e.to_status.to_string()))
        .collect();
    assert_eq!(
        trail,
        vec![
            ("applicant".into(), "submit".into(), "draft".into(), "submitted".into()),
            ("applicant".into(), "reserve".into(), "submitted".into(), "reserved".into()),
            ("staff".into(), "check_in".into(), "reserved".into(), "waiting".into()),
            ("expert".into(), "start".into(), "waiting".into(), "in_consultation".into()),
            ("expert".into(), "complete".into(), "in_consultation".into(), "consulted".into()),
        ]
    );
}

#[tokio::test]
async fn a_refused_event_changes_nothing_and_writes_no_event() {
    let app = spawn_app().await;
    let center = gyeongnam_id(&app);
    let mut conn = app.conn();
    let (id, _) = case_flow::open_case(&mut conn, center, "GN", "ko", db::now()).unwrap();
    // An applicant cannot check themselves in, and a draft cannot be started.
    assert!(matches!(
        case_flow::fire(&mut conn, &Fire::new(id, APPLICANT, CaseEvent::CheckIn), db::now()),
        Err(FireError::Refused(_))
    ));
    assert!(matches!(
        case_flow::fire(
            &mut conn,
            &Fire::new(id, ActingAs { actor: Actor::Expert, user_id: None }, CaseEvent::Start),
            db::now()
        ),
        Err(FireError::Refused(_))
    ));
    // Reroute needs a reason.
    case_flow::fire(&mut conn, &Fire::new(id, APPLICANT, CaseEvent::Submit), db::now()).unwrap();
    assert!(matches!(
        case_flow::fire(&mut conn, &Fire::new(id, STAFF, CaseEvent::Reroute).because("  "), db::now()),
        Err(FireError::ReasonRequired)
    ));
    // A stale version is a conflict.
    assert!(matches!(
        case_flow::fire(&mut conn, &Fire::new(id, APPLICANT, CaseEvent::Cancel).at_version(0), db::now()),
        Err(FireError::Conflict)
    ));
    let case = cases::find(&mut conn, id).unwrap().unwrap();
    assert_eq!((case.status.as_str(), case.version), ("submitted", 1));
    assert_eq!(cases::events_of(&mut conn, id).unwrap().len(), 1);
}

#[tokio::test]
async fn concurrent_transitions_of_one_case_let_exactly_one_win() {
    let app = spawn_app().await;
    let center = gyeongnam_id(&app);
    let id = {
        let mut conn = app.conn();
        let (id, _) = case_flow::open_case(&mut conn, center, "GN", "ko", db::now()).unwrap();
        case_flow::fire(&mut conn, &Fire::new(id, APPLICANT, CaseEvent::Submit), db::now()).unwrap();
        id
    };
    // Eight threads fire conflicting events from `submitted` at the same moment: reserve,
    // cancel and reroute are each valid on their own. Each read version 1, as a form showed it.
    let threads = 8;
    let results = race(&app, threads, move |i, conn| {
        let f = match i % 3 {
            0 => Fire::new(id, APPLICANT, CaseEvent::Reserve),
            1 => Fire::new(id, APPLICANT, CaseEvent::Cancel),
            _ => Fire::new(id, STAFF, CaseEvent::Reroute).because("rules were wrong"),
        };
        case_flow::fire(conn, &f.at_version(1), db::now())
    });
    let winners = results.iter().filter(|r| r.is_ok()).count();
    let conflicts = results.iter().filter(|r| matches!(r, Err(FireError::Conflict))).count();
    assert_eq!(winners, 1, "{results:?}");
    assert_eq!(conflicts, threads - 1, "{results:?}");
    let mut conn = app.conn();
    let case = cases::find(&mut conn, id).unwrap().unwrap();
    assert_eq!(case.version, 2);
    assert_eq!(cases::events_of(&mut conn, id).unwrap().len(), 2, "one event per winning transition");
}

#[tokio::test]
async fn concurrent_blind_transitions_never_both_apply() {
    // Without an expected version each caller reads the current state itself; the
    // compare-and-set still lets only one of two cancellations through.
    let app = spawn_app().await;
    let center = gyeongnam_id(&app);
    for _round in 0..5 {
        let id = {
            let mut conn = app.conn();
            case_flow::open_case(&mut conn, center, "GN", "ko", db::now()).unwrap().0
        };
        let results = race(&app, 2, move |_, conn| {
            case_flow::fire(conn, &Fire::new(id, APPLICANT, CaseEvent::Cancel), db::now())
        });
        assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
        let mut conn = app.conn();
        assert_eq!(cases::events_of(&mut conn, id).unwrap().len(), 1);
    }
}

#[tokio::test]
async fn concurrently_opened_cases_get_distinct_consecutive_references() {
    let app = spawn_app().await;
    let center = gyeongnam_id(&app);
    let (threads, per_thread) = (6, 5);
    let mut refs: Vec<String> = race(&app, threads, move |_, conn| {
        (0..per_thread)
            .map(|_| case_flow::open_case(conn, center, "GN", "ko", db::now()).unwrap().1)
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect();
    refs.sort();
    refs.dedup();
    assert_eq!(refs.len(), threads * per_thread);
    let year = chrono::Utc::now().format("%Y").to_string();
    assert_eq!(refs.first().unwrap(), &format!("GN-{year}-00001"));
    assert_eq!(refs.last().unwrap(), &format!("GN-{year}-{:05}", threads * per_thread));
}
