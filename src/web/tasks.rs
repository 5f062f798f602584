//! Every task a role has, as the staff home lists them (each with what it is for). The
//! navigation bars show the same pages in short; this is the one list of what a role can do.

use crate::domain::Role;
use crate::web::i18n::msg;

pub struct Task {
    pub href: String,
    pub title: &'static str,
    pub hint: &'static str,
}

fn task(href: impl Into<String>, title: &'static str, hint: &'static str) -> Task {
    Task { href: href.into(), title, hint }
}

/// The tasks of a signed-in account: `center_slug` is empty for the national account.
pub fn of(role: Role, center_slug: &str) -> Vec<Task> {
    let lobby = || task(format!("/centers/{center_slug}/lobby"), msg("tasks.lobby"), msg("tasks.lobby_hint"));
    match (role, center_slug.is_empty()) {
        (Role::Admin, true) => vec![task("/national/reports", msg("national.title"), msg("tasks.national_hint"))],
        (Role::Expert, _) => vec![
            task("/expert", msg("expert.queue_title"), msg("tasks.queue_hint")),
            task("/expert/follow-ups", msg("expert.follow_ups_title"), msg("tasks.follow_ups_hint")),
            task("/expert/feed", msg("feed.title"), msg("tasks.feed_hint")),
            lobby(),
        ],
        (role, _) => {
            let mut list = vec![
                task("/staff/appointments", msg("desk.nav_today"), msg("tasks.board_hint")),
                task("/staff/walk-in", msg("desk.nav_walk_in"), msg("tasks.walk_in_hint")),
                task("/staff/cases", msg("desk.nav_cases"), msg("tasks.cases_hint")),
                task("/staff/schedule", msg("schedule.title"), msg("tasks.schedule_hint")),
                task("/staff/closures", msg("desk.nav_closures"), msg("tasks.closures_hint")),
                task("/staff/reports", msg("reports.title"), msg("tasks.reports_hint")),
                task("/staff/audit", msg("audit.title"), msg("tasks.audit_hint")),
                task("/staff/mailbox", msg("mailbox.title"), msg("tasks.mailbox_hint")),
                lobby(),
            ];
            if role == Role::Admin {
                list.push(task("/staff/people", msg("people.title"), msg("tasks.people_hint")));
                list.push(task("/staff/settings", msg("settings.title"), msg("tasks.settings_hint")));
                list.push(task("/staff/requests", msg("requests.title"), msg("tasks.requests_hint")));
                list.push(task("/staff/register", msg("register.title"), msg("tasks.register_hint")));
                list.push(task("/staff/access-review", msg("review.title"), msg("tasks.review_hint")));
            }
            list
        }
    }
}
