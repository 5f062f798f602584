//! The messages the product sends, in the recipient's language: HTML with a plain-text
//! alternative, both rendered from askama templates (`templates/mail/`), queued in the outbox
//! in the same transaction as the change they tell of (sending is `services::mailer`).

use askama::Template;
use chrono::NaiveDateTime;
use diesel::QueryResult;

use crate::db::outbox::{self, NewMessage};
use crate::db::{DbConn, answers, cases, centers};
use crate::domain::message::MessageKind;
use crate::i18n::{Lang, T};

mod staff;
mod visit;

pub use staff::{StaffNotice, queue_account_link, queue_staff_notice};
pub use visit::{VisitChange, queue_visit};

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
