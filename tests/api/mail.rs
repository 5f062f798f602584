//! The outbox and its worker against a real SMTP server (aiosmtpd, `tests/tools/smtp_sink.py`,
//! installed by .ci/run; the tests that need it say so and skip on a machine without it unless
//! CI is set), on the test's database (SQLite, or PostgreSQL when configured).

use std::collections::BTreeSet;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use onestop::config::MailTransport;
use onestop::db::outbox::{self, NewMessage, OutboxRow};
use onestop::db::schema::email_outbox;
use onestop::db::{self, DbConn, appointments};
use onestop::services::availability;
use onestop::services::booking::{self, Leg};
use onestop::services::mailer::{Delivered, Transport};

use crate::fixtures::{SmtpSink, booked_legal_case, mailer, parse_ics, received, smtp, submitted_case};
use crate::helpers::{TestApp, onestop_command, spawn_app_with_demo};

fn queue_notices(conn: &mut DbConn, n: usize) -> Vec<String> {
    let now = db::now();
    (0..n)
        .map(|i| {
            let m = NewMessage {
                locale: "ko",
                to: format!("founder{i}@example.com"),
                subject: format!("안내 {i}"),
                body_text: format!("본문 {i}"),
                body_html: Some(format!("<p>본문 {i}</p>")),
                ..NewMessage::of(onestop::domain::message::MessageKind::Submitted)
            };
            outbox::enqueue(conn, &m, "onestop.test", now).unwrap()
        })
        .collect()
}

fn row(app: &TestApp, message_id: &str) -> OutboxRow {
    email_outbox::table
        .filter(email_outbox::message_id.eq(message_id))
        .select(OutboxRow::as_select())
        .first(&mut *app.conn())
        .unwrap()
}

fn rows_of_kind(app: &TestApp, case_id: i64, kind: &str) -> Vec<OutboxRow> {
    outbox::for_case(&mut app.conn(), case_id).unwrap().into_iter().filter(|m| m.kind == kind).collect()
}

#[tokio::test]
async fn a_booking_mail_arrives_over_smtp_with_its_headers_alternatives_and_invitation() {
    let app = spawn_app_with_demo().await;
    let Some(sink) = SmtpSink::start(&[]) else { return };
    let (_, case, _) = booked_legal_case(&app);
    let confirmation = rows_of_kind(&app, case.id, "visit_confirmed").remove(0);
    let r = mailer(smtp(&sink), 8).send_due(&mut app.conn(), db::now()).unwrap();
    // The confirmation; the reminder waits for its day.
    assert_eq!((r.sent, r.retried, r.dead), (1, 0, 0), "{r:?}");
    assert_eq!(row(&app, &confirmation.message_id).status, "sent");
    let got = sink.messages();
    assert_eq!(got.len(), 1);
    let m = &got[0];
    assert_eq!(m["message_id"], confirmation.message_id.as_str());
    assert_eq!(m["rcpt_tos"], serde_json::json!(["jiwon@example.com"]));
    assert_eq!(m["to"], "jiwon@example.com");
    assert!(m["from"].as_str().unwrap().contains("<no-reply@onestop.test>"), "{m}");
    assert_eq!(m["subject"], format!("[원스톱 서비스존] 방문 상담이 예약되었습니다 ({})", case.reference));
    assert_eq!(m["date"], true);
    assert_eq!(
        m["tree"],
        serde_json::json!(["multipart/mixed", "multipart/alternative", "text/plain", "text/html", "text/calendar"])
    );
    assert!(m["text"].as_str().unwrap().contains(&case.reference));
    assert!(m["html"].as_str().unwrap().contains("<h1"));
    let a = &m["attachments"][0];
    assert_eq!(a["filename"], format!("{}.ics", case.reference));
    assert_eq!(a["method"], "REQUEST");
    let live = appointments::live_of_case(&mut app.conn(), case.id).unwrap();
    if let Some(events) = parse_ics(a["content"].as_str().unwrap()) {
        let start = live[0].starts_at.format("%Y-%m-%dT%H:%M:%S+0000").to_string();
        assert!(events[0].starts_with(&format!("REQUEST {start} Asia/Seoul {}-1@", case.reference)), "{events:?}");
    }
}

#[tokio::test]
async fn a_refusing_server_gets_the_message_on_the_fourth_attempt_after_growing_delays() {
    let app = spawn_app_with_demo().await;
    let Some(sink) = SmtpSink::start(&["--refuse-first", "3"]) else { return };
    let id = queue_notices(&mut app.conn(), 1).remove(0);
    let mailer = mailer(smtp(&sink), 8);
    let mut now = db::now();
    let mut delays = Vec::new();
    for attempt in 1..=4 {
        let r = mailer.send_due(&mut app.conn(), now).unwrap();
        let row = row(&app, &id);
        assert_eq!(row.attempts, attempt);
        if attempt < 4 {
            assert_eq!((r.retried, row.status.as_str()), (1, "pending"), "{r:?}");
            assert!(row.last_error.as_deref().unwrap().contains("451"), "{:?}", row.last_error);
            delays.push((row.next_attempt_at - now).num_milliseconds());
            // Not before its time.
            let early = row.next_attempt_at - chrono::Duration::seconds(1);
            assert_eq!(mailer.send_due(&mut app.conn(), early).unwrap().handled(), 0);
            now = row.next_attempt_at;
        } else {
            assert_eq!((r.sent, row.status.as_str()), (1, "sent"), "{r:?}");
        }
    }
    eprintln!("retry delays (ms): {delays:?}");
    assert!((48_000..=72_000).contains(&delays[0]), "first retry after 60 s ± 20%: {delays:?}");
    assert!(delays.windows(2).all(|w| w[1] > w[0]), "growing delays: {delays:?}");
    let got = sink.messages();
    assert_eq!(got.len(), 1);
    assert_eq!((got[0]["message_id"].as_str(), got[0]["refused_before"].as_i64()), (Some(id.as_str()), Some(3)));
}

#[tokio::test]
async fn a_message_is_dead_after_the_maximum_and_at_once_when_refused_for_good() {
    let app = spawn_app_with_demo().await;
    let Some(busy) = SmtpSink::start(&["--refuse-all"]) else { return };
    let id = queue_notices(&mut app.conn(), 1).remove(0);
    let mailer3 = mailer(smtp(&busy), 3);
    let mut now = db::now();
    for _ in 0..3 {
        mailer3.send_due(&mut app.conn(), now).unwrap();
        now = row(&app, &id).next_attempt_at;
    }
    let dead = row(&app, &id);
    assert_eq!((dead.status.as_str(), dead.attempts), ("dead", 3));
    assert!(dead.last_error.unwrap().contains("451"));
    // Dead rows stay (listed for staff) and are not tried again.
    assert_eq!(mailer3.send_due(&mut app.conn(), now + chrono::Duration::days(1)).unwrap().handled(), 0);
    assert!(busy.messages().is_empty());

    let Some(rejecting) = SmtpSink::start(&["--reject-all"]) else { return };
    let id = queue_notices(&mut app.conn(), 1).remove(0);
    let r = mailer(smtp(&rejecting), 8).send_due(&mut app.conn(), db::now()).unwrap();
    assert_eq!(r.dead, 1);
    let dead = row(&app, &id);
    assert_eq!((dead.status.as_str(), dead.attempts), ("dead", 1), "a permanent refusal is not retried");
    assert!(dead.last_error.unwrap().contains("550"));
    // Staff put it back in the queue once the cause is fixed.
    assert!(outbox::revive(&mut app.conn(), dead.id, db::now()).unwrap());
    assert_eq!(row(&app, &id).status, "pending");
}

#[tokio::test]
async fn messages_are_checked_against_the_case_when_they_are_sent() {
    let app = spawn_app_with_demo().await;
    let (center, case, legs) = booked_legal_case(&app);
    let sent: Arc<Mutex<Vec<Delivered>>> = Arc::default();
    let mailer = mailer(Transport::Memory(sent.clone()), 8);
    let kinds = || sent.lock().unwrap().iter().map(|d| d.to.clone()).collect::<Vec<_>>();
    let now = db::now();
    // Moved before anything was sent: the first confirmation and its reminder are marked "will
    // not be sent (visit moved)" by the move itself; the move's mail goes.
    booking::reschedule(&mut app.conn(), &center, &case, &legs[1..2], &booking::Op::applicant(now)).unwrap();
    let confirmed = rows_of_kind(&app, case.id, "visit_confirmed").remove(0);
    assert_eq!((confirmed.status.as_str(), confirmed.last_error.as_deref()), ("skipped", Some("visit moved")));
    let r = mailer.send_due(&mut app.conn(), now).unwrap();
    assert_eq!((r.sent, r.skipped), (1, 0), "{r:?}");
    assert_eq!(rows_of_kind(&app, case.id, "visit_moved")[0].status, "sent");
    // Two reminders were queued (one per booking): the old time's is skipped, the new one waits.
    let reminders = rows_of_kind(&app, case.id, "reminder");
    assert_eq!(reminders.len(), 2);
    assert_eq!(reminders[0].status, "skipped");
    assert!(reminders[1].status == "pending" && reminders[1].next_attempt_at > now);
    // At the second reminder's time, it is sent.
    let live = appointments::live_of_case(&mut app.conn(), case.id).unwrap();
    let at = reminders[1].next_attempt_at;
    assert_eq!(at, live[0].starts_at - chrono::Duration::hours(24));
    let r = mailer.send_due(&mut app.conn(), at).unwrap();
    assert_eq!((r.sent, r.skipped), (1, 0), "{r:?}");
    assert_eq!(kinds(), vec!["jiwon@example.com", "jiwon@example.com"]);

    // Cancelled: its reminder is not sent, the cancellation and the desk's notices are.
    let other = submitted_case(&app, &center, &["legal"]);
    let times = availability::for_case(&mut app.conn(), &center, other.id, now).unwrap();
    let slot = times.zones[0].days.values().flatten().last().unwrap().clone();
    let leg = Leg { zone_id: slot.zone_id, starts_at: slot.starts_at };
    booking::reserve(&mut app.conn(), &center, &other, &[leg], &booking::Op::applicant(now)).unwrap();
    let other = onestop::db::cases::find(&mut app.conn(), other.id).unwrap().unwrap();
    booking::cancel(&mut app.conn(), &other, "일정이 바뀌었습니다", &booking::Op::applicant(now)).unwrap();
    let reminder = rows_of_kind(&app, other.id, "reminder").remove(0);
    assert_eq!((reminder.status.as_str(), reminder.last_error.as_deref()), ("skipped", Some("visit cancelled")));
    let r = mailer.send_due(&mut app.conn(), reminder.next_attempt_at).unwrap();
    assert_eq!(rows_of_kind(&app, other.id, "reminder")[0].status, "skipped");
    assert_eq!(rows_of_kind(&app, other.id, "visit_confirmed")[0].status, "skipped");
    assert_eq!(rows_of_kind(&app, other.id, "visit_cancelled")[0].status, "sent");
    let desk = rows_of_kind(&app, other.id, "staff_cancellation");
    assert_eq!(desk.len(), 2, "the demo center's staff member and admin");
    assert!(desk.iter().all(|m| m.status == "sent" && !m.body_text.contains("jiwon")));
    assert_eq!((r.sent, r.skipped), (3, 0), "{r:?}");
    // The mailbox says it in words.
    app.login_as("staff").await;
    let (_, mailbox) = app.get_html("/staff/mailbox").await;
    assert!(
        mailbox.contains("보내지 않음 (방문 취소)") && mailbox.contains("보내지 않음 (방문 시간 변경)"),
        "{mailbox}"
    );

    // No reminder once the visit has begun.
    let third = submitted_case(&app, &center, &["legal"]);
    let times = availability::for_case(&mut app.conn(), &center, third.id, now).unwrap();
    let slot = times.zones[0].days.values().flatten().nth(2).unwrap().clone();
    let leg = Leg { zone_id: slot.zone_id, starts_at: slot.starts_at };
    booking::reserve(&mut app.conn(), &center, &third, &[leg], &booking::Op::applicant(now)).unwrap();
    mailer.send_due(&mut app.conn(), slot.starts_at + chrono::Duration::minutes(1)).unwrap();
    let reminder = rows_of_kind(&app, third.id, "reminder").remove(0);
    assert_eq!(reminder.status, "skipped");
    assert!(reminder.last_error.unwrap().contains("too late"));
}

/// Waits up to 30 s for `cond`.
fn wait_for(what: &str, cond: impl Fn() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < Duration::from_secs(30), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn mail_send(app: &TestApp, sink: &SmtpSink) -> std::process::Command {
    let mut cmd = onestop_command(&app.db);
    cmd.args(["mail", "send"])
        .env("ONESTOP_MAIL_TRANSPORT", sink.url())
        .env("ONESTOP_MAIL_FROM", "no-reply@onestop.test")
        .env("ONESTOP_MAIL_LEASE_SECONDS", "1");
    cmd
}

#[tokio::test]
async fn a_worker_killed_mid_queue_is_taken_over_and_every_row_arrives_once() {
    let app = spawn_app_with_demo().await;
    let Some(sink) = SmtpSink::start(&["--stall-at", "4"]) else { return };
    let ids = queue_notices(&mut app.conn(), 10);
    let mut first = mail_send(&app, &sink).stdout(Stdio::null()).spawn().unwrap();
    // Three delivered; the fourth is in flight, not yet handed over, when the worker dies.
    wait_for("the fourth message", || sink.stalled());
    assert_eq!(sink.messages().len(), 3);
    first.kill().unwrap(); // SIGKILL: no clean-up of any kind
    first.wait().unwrap();
    sink.release();
    let in_flight = row(&app, &ids[3]);
    assert_eq!((in_flight.status.as_str(), in_flight.attempts), ("pending", 1), "still leased by the dead worker");
    // Once the dead worker's lease (1 s) has run out, a new worker takes the rest.
    std::thread::sleep(Duration::from_millis(1200));
    let out = mail_send(&app, &sink).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "sent 7, skipped 0, to retry 0, dead 0");
    let seen = received(&sink);
    assert_eq!(seen.keys().cloned().collect::<BTreeSet<_>>(), ids.iter().cloned().collect::<BTreeSet<_>>());
    assert!(seen.values().all(|&n| n == 1), "exactly one message per outbox row: {seen:?}");
    assert_eq!(row(&app, &ids[3]).attempts, 2);
    assert_eq!(app.count("email_outbox WHERE status = 'sent'"), 10);
}

#[tokio::test]
async fn two_instances_drain_one_queue_without_sending_anything_twice() {
    let app = spawn_app_with_demo().await;
    let Some(sink) = SmtpSink::start(&[]) else { return };
    let ids = queue_notices(&mut app.conn(), 60);
    let a = mail_send(&app, &sink).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let b = mail_send(&app, &sink).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert!(
        a.status.success() && b.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&a.stderr),
        String::from_utf8_lossy(&b.stderr)
    );
    let sent = |o: &std::process::Output| -> usize {
        let text = String::from_utf8_lossy(&o.stdout).to_string();
        text.trim().strip_prefix("sent ").and_then(|t| t.split(',').next()).unwrap().parse().unwrap()
    };
    eprintln!("two workers ({:?}): {} + {} sent", app.db.url, sent(&a), sent(&b));
    assert_eq!(sent(&a) + sent(&b), 60);
    let seen = received(&sink);
    assert_eq!(seen.len(), ids.len());
    assert!(seen.values().all(|&n| n == 1), "no row sent twice: {seen:?}");
}

#[tokio::test]
async fn the_demo_file_transport_writes_eml_files_an_independent_parser_reads() {
    let app = spawn_app_with_demo().await;
    let (_, case, _) = booked_legal_case(&app);
    let dir = tempfile::tempdir().unwrap();
    let transport = Transport::new(&MailTransport::File, dir.path()).unwrap();
    let r = mailer(transport, 8).send_due(&mut app.conn(), db::now()).unwrap();
    assert_eq!(r.sent, 1);
    let files: Vec<_> = std::fs::read_dir(dir.path().join("mail")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].extension().unwrap(), "eml");
    let script = r#"
import sys
from email import policy
from email.parser import BytesParser
m = BytesParser(policy=policy.default).parse(open(sys.argv[1], 'rb'))
print(m['Subject'])
print(','.join(p.get_content_type() for p in m.walk()))
"#;
    let out = std::process::Command::new("python3").args(["-c", script]).arg(&files[0]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(&case.reference), "{text}");
    assert!(text.contains("multipart/mixed,multipart/alternative,text/plain,text/html,text/calendar"), "{text}");
}

#[tokio::test]
async fn staff_read_their_centers_mail_on_the_mailbox_page_and_send_a_dead_one_again() {
    let app = spawn_app_with_demo().await;
    let (_, case, _) = booked_legal_case(&app);
    let confirmation = rows_of_kind(&app, case.id, "visit_confirmed").remove(0);
    // Another center's mail is not theirs.
    let seoul = onestop::db::centers::by_slug(&mut app.conn(), "seoul").unwrap().unwrap();
    let foreign = submitted_case(&app, &seoul, &["legal"]);
    let foreign_mail = outbox::enqueue(
        &mut app.conn(),
        &NewMessage {
            case_id: Some(foreign.id),
            locale: "ko",
            to: "x@example.com".into(),
            subject: "s".into(),
            body_text: "b".into(),
            ..NewMessage::of(onestop::domain::message::MessageKind::Submitted)
        },
        "onestop.test",
        db::now(),
    )
    .unwrap();
    let foreign_id = row(&app, &foreign_mail).id;

    // Anonymous: to the sign-in page. An expert: no mailbox.
    let r = app.client.get(app.url("/staff/mailbox")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303);
    app.login_as("legal").await;
    assert_eq!(app.client.get(app.url("/staff/mailbox")).send().await.unwrap().status().as_u16(), 403);

    app.login_as("staff").await;
    let (status, html) = app.get_html("/staff/mailbox").await;
    assert_eq!(status, 200);
    assert!(html.contains(&confirmation.subject.replace('[', "[")), "{html}");
    assert!(!html.contains(&foreign.reference));
    let (status, html) = app.get_html(&format!("/staff/mailbox/{}", confirmation.id)).await;
    assert_eq!(status, 200);
    assert!(html.contains(&case.reference) && html.contains(&format!("{}.ics", case.reference)));
    assert_eq!(
        app.client.get(app.url(&format!("/staff/mailbox/{foreign_id}"))).send().await.unwrap().status().as_u16(),
        404
    );
    assert_eq!(app.client.get(app.url("/staff/mailbox/abc")).send().await.unwrap().status().as_u16(), 404);

    // A dead message: listed first with a warning, and sent again on request (with CSRF).
    app.exec(&format!(
        "UPDATE email_outbox SET status = 'dead', last_error = '550 no such user' WHERE id = {}",
        confirmation.id
    ));
    let (_, html) = app.get_html("/staff/mailbox").await;
    assert!(html.contains("보내지 못한 메일이 1건"), "{html}");
    let path = format!("/staff/mailbox/{}/retry", confirmation.id);
    assert_eq!(app.post_form(&path, &[]).await.status().as_u16(), 403, "no CSRF token");
    let csrf = app.csrf_token(&format!("/staff/mailbox/{}", confirmation.id)).await;
    let r = app.post_form(&path, &[("_csrf", &csrf)]).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(row(&app, &confirmation.message_id).status, "pending");
}
