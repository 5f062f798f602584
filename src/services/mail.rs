//! The messages the product sends, in the recipient's language: HTML with a plain-text
//! alternative, both rendered from askama templates (`templates/mail/`), queued in the outbox
//! in the same transaction as the change they tell of (sending is `services::mailer`).

use askama::Template;
use chrono::NaiveDateTime;
use diesel::QueryResult;

use crate::db::appointments::Appointment;
use crate::db::outbox::{self, Attachment, NewMessage};
use crate::db::{DbConn, answers, cases, centers};
use crate::domain::message::MessageKind;
use crate::i18n::{Lang, T, date_label};
use crate::services::calendar::{self, CalendarLeg, Method, Parties, VisitCalendar};

/// What every message needs from outside: where links point, who sends, the time.
#[derive(Debug, Clone, Copy)]
pub struct Env<'a> {
    pub base_url: &'a str,
    pub from: &'a str,
    pub now: NaiveDateTime,
}

impl Env<'_> {
    pub fn host(&self) -> &str {
        crate::config::host_of(self.base_url)
    }
}

pub struct Fact {
    pub label: String,
    pub value: String,
}

pub struct Action {
    pub label: String,
    pub url: String,
}

/// The content of a message, laid out the same way by both templates.
pub struct Body {
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub facts: Vec<Fact>,
    pub action: Option<Action>,
    pub notes: Vec<String>,
    pub signature: String,
    pub footer: String,
}

#[derive(Template)]
#[template(path = "mail/message.txt")]
struct TextMail<'a> {
    b: &'a Body,
}

#[derive(Template)]
#[template(path = "mail/message.html")]
struct HtmlMail<'a> {
    b: &'a Body,
    lang: &'a str,
}

/// The plain text and the HTML of a message.
pub fn render(b: &Body, lang: Lang) -> (String, String) {
    // The templates only print strings: rendering cannot fail short of running out of memory.
    let text = TextMail { b }.render().unwrap_or_default();
    let html = HtmlMail { b, lang: lang.code() }.render().unwrap_or_default();
    (text.trim_start().to_owned(), html)
}

fn body(t: T, center: &str, heading: String) -> Body {
    Body {
        heading,
        paragraphs: Vec::new(),
        facts: Vec::new(),
        action: None,
        notes: Vec::new(),
        signature: t.fmt("mail.signature", "center", center),
        footer: t.get("mail.footer").to_owned(),
    }
}

fn fact(label: &str, value: impl Into<String>) -> Fact {
    Fact { label: label.to_owned(), value: value.into() }
}

fn message(kind: MessageKind, case_id: i64, lang: Lang, to: &str, subject: String, b: &Body) -> NewMessage {
    let (text, html) = render(b, lang);
    NewMessage {
        case_id: Some(case_id),
        locale: lang.code(),
        to: to.to_owned(),
        subject,
        body_text: text,
        body_html: Some(html),
        ..NewMessage::of(kind)
    }
}

/// The resume-your-draft link, sent once when the contact step first saves an address.
pub fn queue_resume(
    conn: &mut DbConn,
    env: &Env<'_>,
    case_id: i64,
    lang: Lang,
    center: &centers::Center,
    to: &str,
    link: &str,
    draft_days: i64,
) -> QueryResult<String> {
    let t = T(lang);
    let center_name = lang.pick(&center.name_ko, &center.name_en);
    let mut b = body(t, center_name, t.get("mail.resume.heading").to_owned());
    // No name from the form: the address is not verified yet, and an anonymous form's text in
    // a greeting would let anyone send anyone a message of their own in our name.
    b.paragraphs.push(t.get("mail.hello_plain").to_owned());
    b.paragraphs.push(t.fmt("mail.resume.intro", "center", center_name));
    b.action = Some(Action { label: t.get("mail.resume.action").to_owned(), url: link.to_owned() });
    b.notes.push(t.fmt("mail.resume.note", "days", &draft_days.to_string()));
    let m = message(MessageKind::Resume, case_id, lang, to, t.get("mail.resume.subject").to_owned(), &b);
    outbox::enqueue(conn, &m, env.host(), env.now)
}

/// "We received your pre-questionnaire", with the routing and the link to book.
pub fn queue_submitted(
    conn: &mut DbConn,
    env: &Env<'_>,
    case: &cases::Case,
    lang: Lang,
    center: &centers::Center,
    to: &str,
    routing: &[String],
    link: &str,
) -> QueryResult<String> {
    let t = T(lang);
    let center_name = lang.pick(&center.name_ko, &center.name_en);
    let mut b = body(t, center_name, t.get("mail.submitted.heading").to_owned());
    b.paragraphs.push(t.fmt("mail.submitted.intro", "center", center_name));
    b.facts.push(fact(t.get("mail.reference"), case.reference.clone()));
    for r in routing {
        b.facts.push(fact(t.get("mail.zone"), r.clone()));
    }
    b.action = Some(Action { label: t.get("mail.submitted.action").to_owned(), url: link.to_owned() });
    b.notes.push(t.get("mail.link_note").to_owned());
    let subject = t.fmt("mail.submitted.subject", "reference", &case.reference);
    let m = message(MessageKind::Submitted, case.id, lang, to, subject, &b);
    outbox::enqueue(conn, &m, env.host(), env.now)
}

/// Which change of a visit a message tells of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisitChange {
    Confirmed,
    Moved,
    Cancelled,
    /// The reminder before the visit (queued with the booking, due `reminder_lead_hours` before).
    Reminder,
}

impl VisitChange {
    pub fn kind(self) -> MessageKind {
        match self {
            VisitChange::Confirmed => MessageKind::VisitConfirmed,
            VisitChange::Moved => MessageKind::VisitMoved,
            VisitChange::Cancelled => MessageKind::VisitCancelled,
            VisitChange::Reminder => MessageKind::Reminder,
        }
    }

    /// The catalog keys of its subject, heading and first paragraph.
    fn keys(self) -> [&'static str; 3] {
        match self {
            VisitChange::Confirmed => {
                ["mail.visit_confirmed.subject", "mail.visit_confirmed.heading", "mail.visit_confirmed.intro"]
            }
            VisitChange::Moved => ["mail.visit_moved.subject", "mail.visit_moved.heading", "mail.visit_moved.intro"],
            VisitChange::Cancelled => {
                ["mail.visit_cancelled.subject", "mail.visit_cancelled.heading", "mail.visit_cancelled.intro"]
            }
            VisitChange::Reminder => ["mail.reminder.subject", "mail.reminder.heading", "mail.reminder.intro"],
        }
    }
}

/// Queues the mail for a reserved, moved or cancelled visit, with its calendar file (REQUEST,
/// or CANCEL for the same UIDs). Call it inside the transaction that made the change, after
/// the case's event: the case's new version is the calendar's SEQUENCE. `appts` are the
/// visit's appointments (for a cancel, the ones just cancelled). Nothing is queued when the
/// case has no contact address. `link` is the applicant's manage link when the caller has it.
pub fn queue_visit(
    conn: &mut DbConn,
    env: &Env<'_>,
    case_id: i64,
    change: VisitChange,
    appts: &[Appointment],
    link: Option<&str>,
    reason: Option<&str>,
) -> QueryResult<Option<String>> {
    let Some(case) = cases::find(conn, case_id)? else { return Ok(None) };
    let Some(answers) = answers::find(conn, case_id)? else { return Ok(None) };
    let Some(to) = answers.contact_email.clone() else { return Ok(None) };
    let Some(center) = centers::by_id(conn, case.center_id)? else { return Ok(None) };
    let Some(first_start) = appts.iter().map(|a| a.starts_at).min() else { return Ok(None) };
    // The reminder waits for its day; none when the visit is sooner than that anyway.
    let reminder_at = first_start - chrono::Duration::hours(center.reminder_lead_hours.into());
    if change == VisitChange::Reminder && reminder_at <= env.now {
        return Ok(None);
    }
    let zones = centers::zones_of(conn, center.id)?;
    let institutions = centers::institutions(conn)?;
    let lang = Lang::parse(&case.lang).unwrap_or_default();
    let t = T(lang);
    let tz = crate::services::availability::time_zone(&center);
    let center_name = lang.pick(&center.name_ko, &center.name_en);
    let mut legs: Vec<&Appointment> = appts.iter().collect();
    legs.sort_by_key(|a| a.starts_at);
    let zone_name = |a: &Appointment| {
        zones.iter().find(|(z, _)| z.id == a.zone_id).map_or("", |(_, k)| lang.pick(&k.name_ko, &k.name_en))
    };

    let [subject_key, heading_key, intro_key] = change.keys();
    let mut b = body(t, center_name, t.get(heading_key).to_owned());
    b.paragraphs.push(t.fmt(intro_key, "center", center_name));
    b.facts.push(fact(t.get("mail.reference"), case.reference.clone()));
    b.facts.push(fact(t.get("mail.center"), center_name));
    for a in &legs {
        let local = chrono::TimeZone::from_utc_datetime(&tz, &a.starts_at);
        let mut when = format!("{} {}", date_label(lang, local.date_naive()), local.format("%H:%M"));
        if let Some(i) = a.institution_id.and_then(|id| institutions.iter().find(|i| i.id == id)) {
            when.push_str(&format!(" · {}", lang.pick(&i.name_ko, &i.name_en)));
        }
        b.facts.push(fact(zone_name(a), when));
    }
    if let Some(r) = reason {
        b.facts.push(fact(t.get("mail.reason"), r));
    }
    match (change, link) {
        (VisitChange::Cancelled, _) => b.notes.push(t.get("mail.visit_cancelled.note").to_owned()),
        (_, Some(link)) => {
            b.action = Some(Action { label: t.get("mail.visit.action").to_owned(), url: link.to_owned() });
            let mut minutes = 0;
            for a in &legs {
                let p = crate::db::schedule::policy(conn, a.zone_id)?;
                minutes = minutes.max(p.reschedule_cutoff_minutes.max(p.cancel_cutoff_minutes));
            }
            b.notes.push(t.fmt("mail.visit.cutoff_note", "hours", (minutes + 59) / 60));
        }
        (_, None) => b.notes.push(t.get("mail.visit.earlier_link").to_owned()),
    }
    if change != VisitChange::Reminder {
        b.notes.push(t.get("mail.visit.calendar_note").to_owned());
    }

    let parties = Parties {
        organizer_name: center_name,
        organizer_email: env.from,
        attendee_name: answers.contact_name.as_deref().unwrap_or(&to),
        attendee_email: &to,
    };
    let method = if change == VisitChange::Cancelled { Method::Cancel(parties) } else { Method::Request(parties) };
    let method_name = method.name();
    let ics = calendar::render(&VisitCalendar {
        reference: &case.reference,
        center_name,
        time_zone: &center.timezone,
        host: env.host(),
        sequence: u32::try_from(case.version).unwrap_or(0),
        now: env.now,
        legs: legs
            .iter()
            .map(|a| CalendarLeg {
                summary: format!("{} · {}", zone_name(a), case.reference),
                starts_at: a.starts_at,
                ends_at: a.ends_at,
            })
            .collect(),
        method,
    });
    let subject = t.fmt(subject_key, "reference", &case.reference);
    let mut m = message(change.kind(), case.id, lang, &to, subject, &b);
    if change == VisitChange::Reminder {
        m.send_after = Some(reminder_at);
        m.not_after = Some(first_start);
    } else {
        m.attachment = Some(Attachment {
            name: format!("{}.ics", case.reference),
            content_type: format!("text/calendar; charset=utf-8; method={method_name}"),
            body: ics,
        });
    }
    if change != VisitChange::Cancelled {
        m.visit_key = Some(outbox::visit_key(&appts.iter().map(|a| a.id).collect::<Vec<_>>()));
    }
    outbox::enqueue(conn, &m, env.host(), env.now).map(Some)
}

/// What the center's desk is told of.
pub enum StaffNotice<'a> {
    /// A pre-questionnaire came in, routed to these zones.
    NewSubmission { zones: &'a [String] },
    /// An applicant cancelled these appointments.
    Cancelled { appts: &'a [Appointment] },
}

/// Tells every active staff member and admin of the case's center (in Korean; the notice holds
/// the reference, zones and times, never the applicant's personal data, which stays behind the
/// staff login). Returns how many were queued.
pub fn queue_staff_notice(
    conn: &mut DbConn,
    env: &Env<'_>,
    case: &cases::Case,
    notice: StaffNotice<'_>,
) -> QueryResult<usize> {
    let Some(center) = centers::by_id(conn, case.center_id)? else { return Ok(0) };
    let desk = crate::db::users::desk_of_center(conn, center.id)?;
    if desk.is_empty() {
        return Ok(0);
    }
    let lang = Lang::Ko;
    let t = T(lang);
    let (kind, subject_key, heading_key, intro_key) = match notice {
        StaffNotice::NewSubmission { .. } => (
            MessageKind::StaffNewSubmission,
            "mail.staff_new.subject",
            "mail.staff_new.heading",
            "mail.staff_new.intro",
        ),
        StaffNotice::Cancelled { .. } => (
            MessageKind::StaffCancellation,
            "mail.staff_cancelled.subject",
            "mail.staff_cancelled.heading",
            "mail.staff_cancelled.intro",
        ),
    };
    let mut b = body(t, &center.name_ko, t.get(heading_key).to_owned());
    b.paragraphs.push(t.get(intro_key).to_owned());
    b.facts.push(fact(t.get("mail.reference"), case.reference.clone()));
    match notice {
        StaffNotice::NewSubmission { zones } => {
            for z in zones {
                b.facts.push(fact(t.get("mail.zone"), z.clone()));
            }
        }
        StaffNotice::Cancelled { appts } => {
            let zones = centers::zones_of(conn, center.id)?;
            let tz = crate::services::availability::time_zone(&center);
            for a in appts {
                let local = chrono::TimeZone::from_utc_datetime(&tz, &a.starts_at);
                let zone = zones.iter().find(|(z, _)| z.id == a.zone_id).map_or("", |(_, k)| k.name_ko.as_str());
                b.facts.push(fact(zone, format!("{} {}", date_label(lang, local.date_naive()), local.format("%H:%M"))));
            }
        }
    }
    b.action = Some(Action { label: t.get("mail.staff.action").to_owned(), url: format!("{}/staff", env.base_url) });
    let subject = t.fmt(subject_key, "reference", &case.reference);
    for user in &desk {
        let m = message(kind, case.id, lang, &user.email, subject.clone(), &b);
        outbox::enqueue(conn, &m, env.host(), env.now)?;
    }
    Ok(desk.len())
}

/// "Your case now goes to these zones; book again from your link."
pub fn queue_rerouted(conn: &mut DbConn, env: &Env<'_>, case_id: i64, zones: &[answers::CaseZone]) -> QueryResult<()> {
    let Some(case) = cases::find(conn, case_id)? else { return Ok(()) };
    let Some(to) = answers::find(conn, case_id)?.and_then(|a| a.contact_email) else { return Ok(()) };
    let Some(center) = centers::by_id(conn, case.center_id)? else { return Ok(()) };
    let lang = Lang::parse(&case.lang).unwrap_or_default();
    let t = T(lang);
    let center_name = lang.pick(&center.name_ko, &center.name_en);
    let mut b = body(t, center_name, t.get("mail.rerouted.heading").to_owned());
    b.paragraphs.push(t.fmt("mail.rerouted.intro", "center", center_name));
    b.facts.push(fact(t.get("mail.reference"), case.reference.clone()));
    for z in zones {
        b.facts.push(fact(t.get("mail.zone"), lang.pick(&z.explanation_ko, &z.explanation_en)));
    }
    b.notes.push(t.get("mail.rerouted.note").to_owned());
    let subject = t.fmt("mail.rerouted.subject", "reference", &case.reference);
    let m = message(MessageKind::Rerouted, case.id, lang, &to, subject, &b);
    outbox::enqueue(conn, &m, env.host(), env.now).map(drop)
}

/// A new personal link to the case, sent at the desk's request to the applicant's own address.
pub fn queue_new_link(conn: &mut DbConn, env: &Env<'_>, case: &cases::Case, to: &str, link: &str) -> QueryResult<()> {
    let Some(center) = centers::by_id(conn, case.center_id)? else { return Ok(()) };
    let lang = Lang::parse(&case.lang).unwrap_or_default();
    let t = T(lang);
    let center_name = lang.pick(&center.name_ko, &center.name_en);
    let mut b = body(t, center_name, t.get("mail.new_link.heading").to_owned());
    b.paragraphs.push(t.fmt("mail.new_link.intro", "center", center_name));
    b.facts.push(fact(t.get("mail.reference"), case.reference.clone()));
    b.action = Some(Action { label: t.get("mail.new_link.action").to_owned(), url: link.to_owned() });
    b.notes.push(t.get("mail.new_link.note").to_owned());
    let subject = t.fmt("mail.new_link.subject", "reference", &case.reference);
    let m = message(MessageKind::NewLink, case.id, lang, to, subject, &b);
    outbox::enqueue(conn, &m, env.host(), env.now).map(drop)
}

/// The invitation to set a password, or a reset link (Korean: staff accounts have no language).
pub fn queue_account_link(
    conn: &mut DbConn,
    env: &Env<'_>,
    user: &crate::db::users::User,
    link: &str,
    invitation: bool,
) -> QueryResult<()> {
    let Some(center) = user.center_id.map(|c| centers::by_id(conn, c)).transpose()?.flatten() else { return Ok(()) };
    let t = T(Lang::Ko);
    let (kind, subject, heading, intro) = if invitation {
        (MessageKind::Invitation, "mail.invitation.subject", "mail.invitation.heading", "mail.invitation.intro")
    } else {
        (
            MessageKind::PasswordReset,
            "mail.password_reset.subject",
            "mail.password_reset.heading",
            "mail.password_reset.intro",
        )
    };
    let mut b = body(t, &center.name_ko, t.get(heading).to_owned());
    b.paragraphs.push(t.fmt("mail.hello", "name", &user.display_name));
    b.paragraphs.push(t.fmt(intro, "center", &center.name_ko));
    b.action = Some(Action { label: t.get("mail.account.action").to_owned(), url: link.to_owned() });
    b.notes.push(t.fmt("mail.account.note", "hours", crate::services::people::LINK_HOURS));
    let (text, html) = render(&b, Lang::Ko);
    let m = NewMessage {
        case_id: None,
        locale: "ko",
        to: user.email.clone(),
        subject: t.get(subject).to_owned(),
        body_text: text,
        body_html: Some(html),
        ..NewMessage::of(kind)
    };
    outbox::enqueue(conn, &m, env.host(), env.now).map(drop)
}

/// The consultation summary the expert wrote for the applicant.
pub fn queue_summary(conn: &mut DbConn, env: &Env<'_>, case_id: i64, zone_id: i64, summary: &str) -> QueryResult<()> {
    let Some(case) = cases::find(conn, case_id)? else { return Ok(()) };
    let Some(to) = answers::find(conn, case_id)?.and_then(|a| a.contact_email) else { return Ok(()) };
    let Some(center) = centers::by_id(conn, case.center_id)? else { return Ok(()) };
    let lang = Lang::parse(&case.lang).unwrap_or_default();
    let t = T(lang);
    let center_name = lang.pick(&center.name_ko, &center.name_en);
    let zone = centers::zones_of(conn, center.id)?
        .into_iter()
        .find(|(z, _)| z.id == zone_id)
        .map(|(_, k)| lang.pick(&k.name_ko, &k.name_en).to_owned())
        .unwrap_or_default();
    let mut b = body(t, center_name, t.get("mail.summary.heading").to_owned());
    b.paragraphs.push(t.fmt("mail.summary.intro", "zone", &zone));
    b.facts.push(fact(t.get("mail.reference"), case.reference.clone()));
    b.paragraphs.push(summary.to_owned());
    b.notes.push(t.get("mail.visit.earlier_link").to_owned());
    let subject = t.fmt("mail.summary.subject", "reference", &case.reference);
    let m = message(MessageKind::ConsultationSummary, case.id, lang, &to, subject, &b);
    outbox::enqueue(conn, &m, env.host(), env.now).map(drop)
}

/// Paths that a secret token follows in a link (the applicant's case, an account's password
/// form, an expert's calendar feed).
const SECRET_LINK_PATHS: [&str; 3] = ["/apply/", "/staff/password/", "/feeds/"];

/// A message's text as staff may read it: every secret token in a link cut off (`/apply/…`),
/// so that the mailbox never hands anyone an applicant's case or an account's password.
/// Returns the text and whether anything was cut.
pub fn redacted(body: &str) -> (String, bool) {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    let mut cut = false;
    loop {
        let next = SECRET_LINK_PATHS.iter().filter_map(|p| rest.find(p).map(|i| (i, p.len()))).min();
        let Some((i, len)) = next else {
            out.push_str(rest);
            return (out, cut);
        };
        out.push_str(&rest[..i + len]);
        rest = &rest[i + len..];
        let token_len = rest.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_').count();
        // Tokens are 43 characters; short words after a path (`/apply/` in prose) stay.
        if token_len >= 16 {
            out.push('…');
            rest = &rest[token_len..];
            cut = true;
        }
    }
}

#[cfg(test)]
mod redaction_tests {
    use super::redacted;

    #[test]
    fn secret_tokens_are_cut_from_links_and_nothing_else() {
        let token = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcd";
        let body = format!("Open https://x.kr/apply/{token}/visit or https://x.kr/staff/password/{token}.\nBye");
        let (text, cut) = redacted(&body);
        assert!(cut);
        assert!(!text.contains(token), "{text}");
        assert_eq!(text, "Open https://x.kr/apply/…/visit or https://x.kr/staff/password/….\nBye");
        assert_eq!(redacted("see /apply/ and /feeds/x"), ("see /apply/ and /feeds/x".to_owned(), false));
    }
}

/// Puts a dead message back in the queue ("send again" in the mailbox).
pub fn send_again(conn: &mut DbConn, id: i64, now: chrono::NaiveDateTime) -> QueryResult<()> {
    outbox::revive(conn, id, now).map(|_| ())
}
