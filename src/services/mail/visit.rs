//! The mails about a visit: confirmed, moved, cancelled, and the reminder, each with its calendar
//! file; and "confirm or cancel" some days before it.

use diesel::QueryResult;

use super::{Action, Env, body, fact, message};
use crate::db::appointments::Appointment;
use crate::db::outbox::{self, Attachment};
use crate::db::{DbConn, answers, cases, centers};
use crate::domain::message::MessageKind;
use crate::i18n::{Lang, T, date_label, msg};
use crate::services::calendar::{self, CalendarLeg, Method, Parties, VisitCalendar};

/// Which change of a visit a message tells of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisitChange {
    Confirmed,
    Moved,
    Cancelled,
    /// The reminder before the visit (queued with the booking, due `reminder_lead_hours` before).
    Reminder,
    /// "Confirm or cancel", `days` before the visit (queued with the booking; the center's
    /// `confirm_days`), with the link to the confirmation page.
    ConfirmAsk {
        days: i32,
    },
}

impl VisitChange {
    pub fn kind(self) -> MessageKind {
        match self {
            VisitChange::Confirmed => MessageKind::VisitConfirmed,
            VisitChange::Moved => MessageKind::VisitMoved,
            VisitChange::Cancelled => MessageKind::VisitCancelled,
            VisitChange::Reminder => MessageKind::Reminder,
            VisitChange::ConfirmAsk { .. } => MessageKind::ConfirmAsk,
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
            VisitChange::ConfirmAsk { .. } => {
                ["mail.confirm_ask.subject", "mail.confirm_ask.heading", "mail.confirm_ask.intro"]
            }
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
    // A confirmation is asked for on its day, with the link to answer; not when that day has
    // passed already, nor without the applicant's link.
    let ask_at = match change {
        VisitChange::ConfirmAsk { days } => {
            let at = first_start - chrono::Duration::days(days.into());
            if at <= env.now || link.is_none() {
                return Ok(None);
            }
            Some(at)
        }
        _ => None,
    };
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
    if let VisitChange::ConfirmAsk { days } = change {
        b.paragraphs.push(t.fmt("mail.confirm_ask.days", "days", days));
    }
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
    let contact = crate::db::center_contacts::of_center(conn, center.id)?;
    let details = contact.details();
    let visiting = change != VisitChange::Cancelled;
    if visiting && !details.where_line(lang).is_empty() {
        b.facts.push(fact(t.get("visiting.address"), details.where_line(lang)));
        if let Some(url) = details.map_url(center_name) {
            b.facts.push(fact(t.get("mail.map"), url));
        }
    }
    if !details.phone.is_empty() {
        b.facts.push(fact(t.get("visiting.phone"), details.phone.as_str()));
    }
    if !details.email.is_empty() {
        b.facts.push(fact(t.get("visiting.email"), details.email.as_str()));
    }
    if visiting {
        let (directions, bring) = (msg("visiting.directions"), msg("visiting.bring"));
        for (label, text) in [(directions, details.directions(lang)), (bring, details.bring(lang))] {
            if !text.is_empty() {
                b.notes.push(format!("{}: {}", t.get(label), text));
            }
        }
    }
    if contact.sample && !details.is_empty() {
        b.notes.push(t.get("visiting.sample").to_owned());
    }
    match (change, link) {
        (VisitChange::Cancelled, _) => b.notes.push(t.get("mail.visit_cancelled.note").to_owned()),
        (VisitChange::ConfirmAsk { .. }, Some(link)) => {
            let url = format!("{}/confirm", link.strip_suffix("/visit").unwrap_or(link));
            b.action = Some(Action { label: t.get("mail.confirm_ask.action").to_owned(), url });
            b.notes.push(t.get("mail.confirm_ask.note").to_owned());
        }
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
    let ask = matches!(change, VisitChange::ConfirmAsk { .. });
    if change != VisitChange::Reminder && !ask {
        b.notes.push(t.get("mail.visit.calendar_note").to_owned());
    }

    let subject = t.fmt(subject_key, "reference", &case.reference);
    let mut m = message(change.kind(), case.id, lang, &to, subject, &b);
    if change == VisitChange::Reminder {
        m.send_after = Some(reminder_at);
        m.not_after = Some(first_start);
    } else if let Some(at) = ask_at {
        m.send_after = Some(at);
        m.not_after = Some(first_start);
    } else {
        // Only the confirmation, move and cancellation carry the calendar file: it is built
        // for them alone (the time zone's rules make it the costliest part of a mail).
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
            location: &details.where_line(lang),
            geo: details.coordinates,
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
