//! The quality gate of a month's report: what would make the center's numbers for the month
//! wrong, each with where it is fixed — past visits without an outcome, finance follow-ups
//! overdue, finance consultations without an institution or with half an execution (an amount
//! without its date or a date without its amount), one company under two business numbers or
//! one number under two names (names compared without ㈜/주식회사/(주) and spaces), and imported
//! records that repeat one recorded in the app (same number, zone and day); and the month's
//! figures for the press release's other tables not entered.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{appointments, case_answers, cases, consultations, zones};
use crate::domain::AppointmentStatus;

/// One thing to fix before the month is reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The month's figures for the press release's other tables were not entered (a month
    /// without activity says 0).
    ActivityMissing { month: NaiveDate },
    /// A visit whose time has passed and that was neither completed nor marked as not attended.
    NoOutcome { case_id: i64, reference: String, zone_id: i64, starts_at: NaiveDateTime },
    /// A finance consultation whose follow-up date has passed without the follow-up.
    FollowUpOverdue { case_id: Option<i64>, reference: String, due: NaiveDate },
    /// A finance consultation without the institution it was held with.
    NoInstitution { case_id: Option<i64>, reference: String, on: NaiveDate },
    /// An execution with an amount but no date, or a date but no amount.
    HalfExecution { case_id: Option<i64>, reference: String, on: NaiveDate },
    /// One company (by its name) under several business numbers.
    TwoNumbers { name: String, brns: Vec<String> },
    /// One business number under several names.
    TwoNames { brn: String, names: Vec<String> },
    /// An imported record that repeats one recorded in the app.
    ImportRepeats { brn: String, zone_id: i64, on: NaiveDate },
}

/// A company name as compared: without the legal form (㈜, 주식회사, (주), 유한회사, …), spaces
/// and case.
pub fn normalise_name(name: &str) -> String {
    let mut s = name.to_lowercase();
    for form in ["주식회사", "(주)", "㈜", "( 주 )", "(유)", "유한회사", "co.,ltd.", "co., ltd.", "inc.", "corp."]
    {
        s = s.replace(form, "");
    }
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[derive(Queryable)]
struct Row {
    case_id: Option<i64>,
    zone_id: i64,
    company: Option<String>,
    brn: Option<String>,
    consulted_on: Option<NaiveDate>,
    institution_id: Option<i64>,
    executed_won: Option<i64>,
    executed_on: Option<NaiveDate>,
    follow_up_on: Option<NaiveDate>,
    follow_up_done_at: Option<NaiveDateTime>,
    source: String,
}

/// The problems of the center's month `[from, to]` (local days; `start`..`end` the same in
/// UTC), as of `today` / `now`, in the order the page lists them.
#[allow(clippy::too_many_arguments)]
pub fn check(
    conn: &mut DbConn,
    center_id: i64,
    from: NaiveDate,
    to: NaiveDate,
    start: NaiveDateTime,
    end: NaiveDateTime,
    today: NaiveDate,
    now: NaiveDateTime,
) -> QueryResult<Vec<Problem>> {
    let mut out = Vec::new();
    if crate::db::activity::of_month(conn, center_id, from)?.is_none() {
        out.push(Problem::ActivityMissing { month: from });
    }
    let zone_kinds: Vec<(i64, String)> =
        zones::table.filter(zones::center_id.eq(center_id)).select((zones::id, zones::kind)).load(conn)?;
    let finance: BTreeSet<i64> = zone_kinds
        .iter()
        .filter(|(_, k)| crate::domain::ZoneType::of(k) == crate::domain::ZoneType::Finance)
        .map(|(id, _)| *id)
        .collect();
    let zone_ids: Vec<i64> = zone_kinds.iter().map(|(id, _)| *id).collect();

    // Past visits without an outcome.
    let open = [AppointmentStatus::Booked, AppointmentStatus::Waiting, AppointmentStatus::InConsultation];
    let unrecorded: Vec<(i64, String, i64, NaiveDateTime)> = appointments::table
        .inner_join(cases::table.on(cases::id.eq(appointments::case_id)))
        .filter(appointments::zone_id.eq_any(&zone_ids))
        .filter(appointments::starts_at.ge(start))
        .filter(appointments::starts_at.lt(end.min(now)))
        .filter(appointments::ends_at.lt(now))
        .filter(appointments::status.eq_any(open.map(|s| s.as_str())))
        .order(appointments::starts_at)
        .select((cases::id, cases::reference, appointments::zone_id, appointments::starts_at))
        .load(conn)?;
    out.extend(unrecorded.into_iter().map(|(case_id, reference, zone_id, starts_at)| Problem::NoOutcome {
        case_id,
        reference,
        zone_id,
        starts_at,
    }));

    // The month's consultations, with the company as the case's answers or the import name it.
    let rows: Vec<Row> = consultations::table
        .filter(consultations::center_id.eq(center_id))
        .filter(consultations::consulted_on.ge(from))
        .filter(consultations::consulted_on.le(to))
        .order((consultations::consulted_on, consultations::id))
        .select((
            consultations::case_id,
            consultations::zone_id,
            consultations::company,
            consultations::brn,
            consultations::consulted_on,
            consultations::institution_id,
            consultations::executed_won,
            consultations::executed_on,
            consultations::follow_up_on,
            consultations::follow_up_done_at,
            consultations::source,
        ))
        .load(conn)?;
    let case_ids: Vec<i64> = rows.iter().filter_map(|r| r.case_id).collect();
    let answers: BTreeMap<i64, (String, Option<String>, Option<String>)> = cases::table
        .inner_join(case_answers::table)
        .filter(cases::id.eq_any(&case_ids))
        .select((cases::id, cases::reference, case_answers::company_name, case_answers::brn))
        .load::<(i64, String, Option<String>, Option<String>)>(conn)?
        .into_iter()
        .map(|(id, r, n, b)| (id, (r, n, b)))
        .collect();
    let reference = |r: &Row| r.case_id.and_then(|c| answers.get(&c)).map(|a| a.0.clone()).unwrap_or_default();
    for r in &rows {
        let on = r.consulted_on.unwrap_or(from);
        if finance.contains(&r.zone_id) {
            if r.follow_up_on.is_some_and(|d| d < today) && r.follow_up_done_at.is_none() {
                let due = r.follow_up_on.unwrap_or(on);
                out.push(Problem::FollowUpOverdue { case_id: r.case_id, reference: reference(r), due });
            }
            if r.institution_id.is_none() {
                out.push(Problem::NoInstitution { case_id: r.case_id, reference: reference(r), on });
            }
        }
        if r.executed_won.is_some() != r.executed_on.is_some() {
            out.push(Problem::HalfExecution { case_id: r.case_id, reference: reference(r), on });
        }
    }

    // Companies: by name and by number, over the month's consultations.
    let company = |r: &Row| -> (Option<String>, Option<String>) {
        match r.case_id.and_then(|c| answers.get(&c)) {
            Some((_, name, brn)) => (name.clone(), brn.clone()),
            None => (r.company.clone(), r.brn.clone()),
        }
    };
    let mut numbers: BTreeMap<String, (String, BTreeSet<String>)> = BTreeMap::new();
    let mut names: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in &rows {
        let (Some(name), Some(brn)) = company(r) else { continue };
        let brn: String = brn.chars().filter(char::is_ascii_digit).collect();
        let e = numbers.entry(normalise_name(&name)).or_insert_with(|| (name.clone(), BTreeSet::new()));
        e.1.insert(brn.clone());
        names.entry(brn).or_default().insert(name);
    }
    for (_, (name, brns)) in numbers {
        if brns.len() > 1 {
            out.push(Problem::TwoNumbers { name, brns: brns.into_iter().collect() });
        }
    }
    for (brn, set) in names {
        let distinct: BTreeSet<String> = set.iter().map(|n| normalise_name(n)).collect();
        if distinct.len() > 1 {
            out.push(Problem::TwoNames { brn, names: set.into_iter().collect() });
        }
    }

    // Imported records repeating one recorded in the app.
    let key = |r: &Row| {
        company(r).1.map(|b| (b.chars().filter(char::is_ascii_digit).collect::<String>(), r.zone_id, r.consulted_on))
    };
    let recorded: BTreeSet<_> = rows.iter().filter(|r| r.source != "import").filter_map(key).collect();
    for r in rows.iter().filter(|r| r.source == "import") {
        if let Some(k) = key(r).filter(|k| recorded.contains(k)) {
            out.push(Problem::ImportRepeats { brn: k.0, zone_id: k.1, on: k.2.unwrap_or(from) });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_without_the_legal_form_and_spaces() {
        for same in ["주식회사 원스톱랩", "(주)원스톱랩", "㈜ 원스톱 랩", "원스톱랩 주식회사", "원스톱랩"]
        {
            assert_eq!(normalise_name(same), "원스톱랩", "{same}");
        }
        assert_ne!(normalise_name("원스톱랩"), normalise_name("원스톱바이오"));
    }
}
