//! Several instances and crashes: `onestop serve` as real processes on one database (SQLite,
//! or PostgreSQL when configured), clients over HTTP.
//!
//! - Two instances under concurrent reservations for the same seats: no seat given twice, no
//!   mail sent twice (both run the mail worker against a real SMTP server), a session made on
//!   one is valid on the other and ended on both.
//! - The server `kill -9`ed ten times at a random moment while clients reserve, move and
//!   cancel: after each restart every change a client saw confirmed is there (and an answer
//!   that never came is all or nothing), no seat is over capacity, every case has the outbox
//!   rows its events require, SQLite's integrity check is ok; when the outbox is drained,
//!   exactly one confirmation per reservation.

use std::collections::{BTreeMap, HashMap};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use onestop::config::DatabaseUrl;
use onestop::db::{self, DbConn};

use crate::fixtures::{SmtpSink, received};
use crate::helpers::{TestDatabase, onestop_command};

/// A `onestop serve` process, killed (SIGKILL) when dropped.
struct Instance {
    child: Child,
    base: String,
}

impl Instance {
    fn start(db: &TestDatabase, public_url: Option<&str>, mail: &[(&str, &str)]) -> Instance {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let base = format!("http://127.0.0.1:{port}");
        let mut cmd = onestop_command(db);
        cmd.arg("serve")
            .env("ONESTOP_LISTEN", format!("127.0.0.1:{port}"))
            .env("ONESTOP_BASE_URL", public_url.unwrap_or(&base))
            .env("ONESTOP_DEMO_ON_EMPTY", "false")
            .env("ONESTOP_WORKERS", "2")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        for (k, v) in mail {
            cmd.env(k, v);
        }
        let child = cmd.spawn().unwrap();
        let started = Instant::now();
        loop {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(30), "the server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Instance { child, base }
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A database with the demo at a small scale (a few thousand appointments) and its accounts.
fn scaled_database() -> (TestDatabase, HashMap<String, String>) {
    let db = TestDatabase::new();
    let out = onestop_command(&db).args(["demo", "--scale", "1"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let accounts = text
        .lines()
        .filter_map(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            let i = words.iter().position(|w| w.contains('@'))?;
            Some((words[i].to_owned(), words.get(i + 1)?.to_string()))
        })
        .collect();
    (db, accounts)
}

struct Prepared {
    lines: Vec<(String, String)>,
    cookie: String,
    csrf: String,
}

/// `onestop bench prepare`: submitted cases at the demo center's legal zone, each meant for a
/// distinct free seat.
fn prepare(db: &TestDatabase, cases: usize, seats: i32) -> Prepared {
    let file = db.data_dir().join("prepared.txt");
    let out = onestop_command(db)
        .args(["bench", "prepare", "--center", "gyeongnam", "--zone-kind", "legal"])
        .args(["--cases", &cases.to_string(), "--seats", &seats.to_string(), "--out"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let lines = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .map(|l| {
            let (t, c) = l.split_once(' ').unwrap();
            (t.to_owned(), c.to_owned())
        })
        .collect();
    Prepared { lines, cookie: meta["cookie"].as_str().unwrap().into(), csrf: meta["csrf"].as_str().unwrap().into() }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    /// 303 to the visit page: done.
    Done,
    /// 409: the seat was taken (or past a cut-off); nothing changed.
    Refused,
    /// No answer: the server died first. All or nothing.
    Unknown,
}

async fn post(c: &reqwest::Client, base: &str, path: &str, p: &Prepared, form: &[(&str, &str)]) -> Answer {
    let mut fields: Vec<(&str, &str)> = form.to_vec();
    fields.push(("_csrf", &p.csrf));
    let r = c.post(format!("{base}{path}")).header("Cookie", &p.cookie).form(&fields).send().await;
    match r {
        Err(_) => Answer::Unknown,
        Ok(r) if r.status() == 303 => Answer::Done,
        Ok(r) if r.status() == 409 => Answer::Refused,
        Ok(r) => {
            let status = r.status();
            match r.text().await {
                // The body broke off: the server died while answering.
                Err(_) => Answer::Unknown,
                Ok(body) => panic!("{path}: unexpected {status}: {}", &body[..body.len().min(400)]),
            }
        }
    }
}

fn conn(db: &TestDatabase) -> DbConn {
    db::establish(&db.url).unwrap()
}

#[derive(QueryableByName, Debug)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

fn count(conn: &mut DbConn, sql: &str) -> i64 {
    diesel::sql_query(sql).get_result::<Count>(conn).unwrap().n
}

/// Live seats held twice anywhere, and slots of the demo center's legal zone (where the clients
/// book) holding more live appointments than its schedule's seats.
fn seats_over(conn: &mut DbConn, capacity: i64) -> (i64, i64) {
    let twice = count(
        conn,
        "SELECT COUNT(*) AS n FROM (SELECT zone_id, starts_at, seat_no FROM appointments \
         WHERE status <> 'cancelled' GROUP BY zone_id, starts_at, seat_no HAVING COUNT(*) > 1) x",
    );
    let over = count(
        conn,
        &format!(
            "SELECT COUNT(*) AS n FROM (SELECT zone_id, starts_at FROM appointments \
             WHERE status IN ('booked', 'waiting', 'in_consultation') AND zone_id IN (SELECT z.id FROM zones z \
             JOIN centers c ON c.id = z.center_id WHERE c.slug = 'gyeongnam' AND z.kind = 'legal') \
             GROUP BY zone_id, starts_at \
             HAVING COUNT(*) > {capacity}) x"
        ),
    );
    (twice, over)
}

/// The case's status and its live appointments as `ZONE:UNIXSECONDS` choices.
fn state_of(conn: &mut DbConn, token: &str) -> (String, Vec<String>) {
    use onestop::db::schema::{appointments, cases};
    let (id, status): (i64, String) = cases::table
        .filter(cases::applicant_token_hash.eq(onestop::token::hash_token(token)))
        .select((cases::id, cases::status))
        .first(conn)
        .unwrap();
    let live: Vec<(i64, chrono::NaiveDateTime)> = appointments::table
        .filter(appointments::case_id.eq(id))
        .filter(appointments::status.eq_any(onestop::db::appointments::LIVE))
        .select((appointments::zone_id, appointments::starts_at))
        .load(conn)
        .unwrap();
    (status, live.into_iter().map(|(z, t)| format!("{z}:{}", t.and_utc().timestamp())).collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_share_seats_sessions_and_the_outbox() {
    let Some(sink) = SmtpSink::start(&[]) else { return };
    let (db, accounts) = scaled_database();
    let p = prepare(&db, 48, 1);
    let mail = [("ONESTOP_MAIL_TRANSPORT", sink.url()), ("ONESTOP_MAIL_POLL_SECONDS", "1".to_owned())];
    let mail: Vec<(&str, &str)> = mail.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let a = Instance::start(&db, None, &mail);
    // Behind one proxy both answer for one public address.
    let b = Instance::start(&db, Some(&a.base), &mail);

    // 48 applicants, 8 seats: six try each seat, half through each instance, all at once.
    let seats: Vec<String> = p.lines.iter().take(8).map(|(_, c)| c.clone()).collect();
    let c = client();
    let answers = futures_util::future::join_all(p.lines.iter().enumerate().map(|(i, (token, _))| {
        let (c, p, seats) = (&c, &p, &seats);
        let base = if i % 2 == 0 { &a.base } else { &b.base };
        async move { post(c, base, &format!("/apply/{token}/book"), p, &[("choice", &seats[i % 8])]).await }
    }))
    .await;
    let done = answers.iter().filter(|a| **a == Answer::Done).count();
    let refused = answers.iter().filter(|a| **a == Answer::Refused).count();
    eprintln!("two instances ({:?}): {done} reserved, {refused} refused", db.url);
    assert_eq!((done, refused), (8, 40), "{answers:?}");
    let mut conn = conn(&db);
    assert_eq!(seats_over(&mut conn, 1), (0, 0));
    let mut held: Vec<String> = p.lines.iter().flat_map(|(t, _)| state_of(&mut conn, t).1).collect();
    held.sort();
    assert_eq!(held, {
        let mut s = seats.clone();
        s.sort();
        s
    });

    // A session made on one instance is valid on the other, and signing out on either ends it.
    let browser =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).cookie_store(true).build().unwrap();
    let page = browser.get(format!("{}/staff/login", a.base)).send().await.unwrap().text().await.unwrap();
    let token = crate::helpers::csrf_from(&page).unwrap();
    let email = "staff@gyeongnam.example";
    let r = browser
        .post(format!("{}/staff/login", a.base))
        .form(&[("email", email), ("password", accounts[email].as_str()), ("_csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let on_b = browser.get(format!("{}/staff/appointments", b.base)).send().await.unwrap();
    assert_eq!(on_b.status(), 200, "the session made on A is valid on B");
    let page = on_b.text().await.unwrap();
    let token = crate::helpers::csrf_from(&page).unwrap();
    let r = browser.post(format!("{}/staff/logout", b.base)).form(&[("_csrf", token.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let on_a = browser.get(format!("{}/staff/appointments", a.base)).send().await.unwrap();
    assert_ne!(on_a.status(), 200, "signed out on B is signed out on A");

    // Both workers drain the outbox: everything due is sent, once.
    let started = Instant::now();
    // Everything but the reminders and the confirmation asks (due days before each visit) is
    // due at once.
    let due =
        "SELECT COUNT(*) AS n FROM email_outbox WHERE status = 'pending' AND kind NOT IN ('reminder', 'confirm_ask')";
    while count(&mut conn, due) > 0 {
        assert!(started.elapsed() < Duration::from_secs(60), "the outbox did not drain");
        std::thread::sleep(Duration::from_millis(200));
    }
    let sent: Vec<String> = {
        use onestop::db::schema::email_outbox;
        email_outbox::table
            .filter(email_outbox::status.eq("sent"))
            .select(email_outbox::message_id)
            .load(&mut conn)
            .unwrap()
    };
    let confirmations = count(&mut conn, "SELECT COUNT(*) AS n FROM email_outbox WHERE kind = 'visit_confirmed'");
    assert_eq!(confirmations, 8, "one confirmation per reservation");
    let seen = received(&sink);
    eprintln!("two instances: {} messages sent, {} received", sent.len(), seen.len());
    assert!(sent.len() >= 8);
    assert!(sent.iter().all(|id| seen.get(id) == Some(&1)), "every sent row arrived once: {seen:?}");
    assert!(seen.values().all(|&n| n == 1), "no message twice: {seen:?}");
}

/// What a client saw of one case.
#[derive(Debug, Clone)]
struct Step {
    token: String,
    /// "reserve" / "move" with the choice, or "cancel".
    op: &'static str,
    choice: String,
    answer: Answer,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_server_killed_at_random_moments_loses_nothing() {
    const ROUNDS: usize = 10;
    const CLIENTS: usize = 4;
    const CASES_PER_CLIENT: usize = 5;
    const SEATS: i32 = 3;
    let (db, _) = scaled_database();
    let per_round = CLIENTS * CASES_PER_CLIENT;
    // Three seats per slot; the second half's seats are where visits move to.
    let p = prepare(&db, per_round * ROUNDS * 2, SEATS);
    let (cases, targets) = p.lines.split_at(per_round * ROUNDS);
    let seed = fastrand::u64(..);
    eprintln!("crash test seed {seed} ({:?})", db.url);
    let mut rng = fastrand::Rng::with_seed(seed);
    let no_mail = [("ONESTOP_MAIL_POLL_SECONDS", "0")];
    let mut steps: Vec<Step> = Vec::new();
    let mut instance = Instance::start(&db, None, &no_mail);
    for round in 0..ROUNDS {
        let mine = &cases[round * per_round..(round + 1) * per_round];
        let base = instance.base.clone();
        let kill_after = Duration::from_millis(rng.u64(150..1200));
        let client_seeds: Vec<u64> = (0..CLIENTS).map(|_| rng.u64(..)).collect();
        let clients = (0..CLIENTS).map(|k| {
            let (p, base, targets) = (&p, base.clone(), targets);
            let own = &mine[k * CASES_PER_CLIENT..(k + 1) * CASES_PER_CLIENT];
            let mut rng = fastrand::Rng::with_seed(client_seeds[k]);
            async move {
                let c = client();
                let mut seen = Vec::new();
                // Each client reserves its cases, then moves them (now and then cancelling one)
                // until the server dies under it: it stops at the first unanswered request.
                let mut open: Vec<&(String, String)> = own.iter().collect();
                let mut ops: Vec<(usize, &'static str, String)> =
                    (0..open.len()).map(|i| (i, "reserve", open[i].1.clone())).collect();
                let started = Instant::now();
                while started.elapsed() < Duration::from_secs(5) {
                    let Some((i, op, choice)) = ops.pop() else {
                        if open.is_empty() {
                            break;
                        }
                        let i = rng.usize(..open.len());
                        if rng.u8(..20) == 0 {
                            ops.push((i, "cancel", String::new()));
                        } else {
                            ops.push((i, "move", targets[rng.usize(..targets.len())].1.clone()));
                        }
                        continue;
                    };
                    let token = open[i].0.clone();
                    let answer = match op {
                        "cancel" => {
                            post(&c, &base, &format!("/apply/{token}/cancel"), p, &[("reason", "일정 변경")]).await
                        }
                        _ => post(&c, &base, &format!("/apply/{token}/book"), p, &[("choice", &choice)]).await,
                    };
                    seen.push(Step { token, op, choice, answer });
                    if answer == Answer::Unknown {
                        break;
                    }
                    if op == "cancel" && answer == Answer::Done {
                        open.remove(i);
                        // Indexes of the reservations still queued shift with the removal.
                        ops = ops
                            .into_iter()
                            .filter(|(j, ..)| *j != i)
                            .map(|(j, o, c)| (if j > i { j - 1 } else { j }, o, c))
                            .collect();
                    }
                }
                seen
            }
        });
        let work = futures_util::future::join_all(clients);
        let killer = async {
            tokio::time::sleep(kill_after).await;
            instance.kill();
        };
        let (seen, ()) = tokio::join!(work, killer);
        let seen: Vec<Step> = seen.into_iter().flatten().collect();
        let unknown = seen.iter().filter(|s| s.answer == Answer::Unknown).count();
        eprintln!(
            "round {}: killed after {} ms; {} requests answered, {unknown} cut off",
            round + 1,
            kill_after.as_millis(),
            seen.len() - unknown
        );
        steps.extend(seen);
        // Restart on the same database and check everything so far.
        instance = Instance::start(&db, None, &no_mail);
        check_after_crash(&db, &steps, SEATS.into());
    }
    instance.kill();

    // Drain the outbox (file transport): exactly one confirmation per reservation.
    let out = onestop_command(&db).args(["mail", "send"]).env("ONESTOP_MAIL_TRANSPORT", "file").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut conn = conn(&db);
    let reserves = count(
        &mut conn,
        "SELECT COUNT(*) AS n FROM case_events e JOIN cases c ON c.id = e.case_id \
         WHERE e.event = 'reserve' AND c.applicant_token_hash IS NOT NULL",
    );
    let confirmations = count(&mut conn, "SELECT COUNT(*) AS n FROM email_outbox WHERE kind = 'visit_confirmed'");
    let undelivered = count(
        &mut conn,
        "SELECT COUNT(*) AS n FROM email_outbox WHERE kind = 'visit_confirmed' AND status NOT IN ('sent', 'skipped')",
    );
    let sent = count(&mut conn, "SELECT COUNT(*) AS n FROM email_outbox WHERE status = 'sent'");
    let files = std::fs::read_dir(db.data_dir().join("mail")).map(|d| d.count()).unwrap_or(0);
    eprintln!("after the crashes: {reserves} reservations, {confirmations} confirmations, {sent} mails written");
    assert!(reserves > 0, "the clients reserved something");
    assert_eq!(confirmations, reserves, "one confirmation per reservation");
    assert_eq!(undelivered, 0, "every confirmation sent, or skipped for a visit moved or cancelled since");
    assert_eq!(files as i64, sent, "one file per sent message");
}

/// The checks after a restart (see the module's comment).
fn check_after_crash(db: &TestDatabase, steps: &[Step], seats: i64) {
    let mut conn = conn(db);
    if let DatabaseUrl::Sqlite(_) = db.url {
        #[derive(QueryableByName)]
        struct Check {
            #[diesel(sql_type = diesel::sql_types::Text)]
            integrity_check: String,
        }
        let r: Vec<Check> = diesel::sql_query("PRAGMA integrity_check").load(&mut conn).unwrap();
        assert_eq!(r.iter().map(|c| c.integrity_check.as_str()).collect::<Vec<_>>(), ["ok"]);
    }
    assert_eq!(seats_over(&mut conn, seats), (0, 0), "no seat given twice, no slot over capacity");

    // Every case is where the answers it got put it; an unanswered change is all or nothing.
    let mut by_case: BTreeMap<&str, Vec<&Step>> = BTreeMap::new();
    for s in steps {
        by_case.entry(&s.token).or_default().push(s);
    }
    for (token, steps) in by_case {
        // The states the case may be in: (status, live choices).
        let mut may: Vec<(String, Vec<String>)> = vec![("submitted".into(), vec![])];
        for s in steps {
            let before = may.last().cloned().unwrap();
            let after = match s.op {
                "cancel" => ("cancelled".to_owned(), vec![]),
                _ => ("reserved".to_owned(), vec![s.choice.clone()]),
            };
            match s.answer {
                Answer::Done => may = vec![after],
                Answer::Refused => may = vec![before],
                Answer::Unknown => may = vec![before, after],
            }
        }
        let now = state_of(&mut conn, token);
        assert!(may.contains(&now), "case {token}: {now:?}, expected one of {may:?}");
    }

    // Every event of the clients' cases has its mail: a reservation its confirmation, a move its
    // update, a cancel of a reserved visit its cancellation (the generated history has no mail).
    for (event, from, kind) in [
        ("reserve", "submitted", "visit_confirmed"),
        ("reschedule", "reserved", "visit_moved"),
        ("cancel", "reserved", "visit_cancelled"),
    ] {
        let mismatched = count(
            &mut conn,
            &format!(
                "SELECT COUNT(*) AS n FROM cases c \
                 LEFT JOIN (SELECT case_id, COUNT(*) AS k FROM case_events WHERE event = '{event}' \
                   AND from_status = '{from}' GROUP BY case_id) ev ON ev.case_id = c.id \
                 LEFT JOIN (SELECT case_id, COUNT(*) AS k FROM email_outbox WHERE kind = '{kind}' \
                   GROUP BY case_id) m ON m.case_id = c.id \
                 WHERE c.applicant_token_hash IS NOT NULL AND COALESCE(ev.k, 0) <> COALESCE(m.k, 0)"
            ),
        );
        assert_eq!(mismatched, 0, "every case has one {kind} mail per {event} event");
    }
}
