//! The mails to the center's people: the desk's notices and account links.

use diesel::QueryResult;

use super::{Action, Env, body, fact, message, render};
use crate::db::appointments::Appointment;
use crate::db::outbox::{self, NewMessage};
use crate::db::{DbConn, cases, centers};
use crate::domain::message::MessageKind;
use crate::i18n::{Lang, T, date_label};

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
