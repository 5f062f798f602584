//! Importing past consultation records from CSV (the columns the record export writes):
//! `center, zone, consulted_on, company, brn, institution, executed_won, executed_on,
//! patents_transferred`. Every row is checked first and each bad one reported with its line
//! number; then all rows go in one transaction, or none. Each record gets a key (a hash of its
//! content and how many identical rows came before it in the file), so importing the same file
//! again adds nothing.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::schema::consultations;
use crate::db::{self, DbConn, centers};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRow {
    /// 1-based line in the file (the header is line 1).
    pub line: u64,
    pub reason: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{} bad row(s)", .0.len())]
    Invalid(Vec<BadRow>),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Imported {
    pub added: usize,
    pub already: usize,
}

pub const COLUMNS: [&str; 9] = [
    "center",
    "zone",
    "consulted_on",
    "company",
    "brn",
    "institution",
    "executed_won",
    "executed_on",
    "patents_transferred",
];

struct Record {
    center_id: i64,
    zone_kind: String,
    consulted_on: NaiveDate,
    company: Option<String>,
    brn: Option<String>,
    institution_id: Option<i64>,
    executed_won: Option<i64>,
    executed_on: Option<NaiveDate>,
    patents: Option<i32>,
    key: String,
}

/// Validates the whole file, then imports it in one transaction.
/// `only_center`: rows of other centers are refused (staff import their own center's records).
pub fn consultations_csv(
    conn: &mut DbConn,
    data: &[u8],
    only_center: Option<i64>,
    now: NaiveDateTime,
) -> Result<Imported, ImportError> {
    let centers_all = centers::all(conn)?;
    let institutions = centers::institutions(conn)?;
    // Zone kinds are data (more may be added); a center's zone is made on first use.
    let kinds: Vec<String> =
        crate::db::schema::zone_kinds::table.select(crate::db::schema::zone_kinds::code).load(conn)?;
    let mut reader = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(data);
    let mut bad = Vec::new();
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.trim_start_matches('\u{feff}').to_lowercase()).collect(),
        Err(e) => {
            return Err(ImportError::Invalid(vec![BadRow { line: 1, reason: format!("unreadable header: {e}") }]));
        }
    };
    let col = |name: &str| headers.iter().position(|h| h == name);
    for required in ["center", "zone", "consulted_on"] {
        if col(required).is_none() {
            bad.push(BadRow { line: 1, reason: format!("missing column `{required}`") });
        }
    }
    if !bad.is_empty() {
        return Err(ImportError::Invalid(bad));
    }
    let mut records = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for row in reader.records() {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                bad.push(BadRow { line, reason: format!("unreadable row: {e}") });
                continue;
            }
        };
        // The line the record starts on (a quoted field may span lines, so not a row count).
        let line = row.position().map_or(0, |p| p.line());
        // No column of a record holds a line break: one inside a field means a quote opened
        // there and closed only much later, or never (the rest of the file read as one field).
        if row.iter().any(|f| f.contains(['\n', '\r'])) {
            bad.push(BadRow { line, reason: "a quote opened on this line is not closed before the line ends".into() });
            continue;
        }
        let get = |name: &str| col(name).and_then(|i| row.get(i)).unwrap_or("").trim().to_owned();
        let mut why = Vec::new();
        let center = centers_all.iter().find(|c| c.slug == get("center"));
        match center {
            None => why.push(format!("unknown center `{}`", get("center"))),
            Some(c) if only_center.is_some_and(|o| o != c.id) => {
                why.push(format!("center `{}` is not yours", c.slug));
            }
            Some(_) => {}
        }
        let zone_kind = get("zone");
        if !kinds.contains(&zone_kind) {
            why.push(format!("unknown zone `{zone_kind}` (known: {})", kinds.join(", ")));
        }
        let date = |name: &str, why: &mut Vec<String>| match get(name).as_str() {
            "" => None,
            s => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    why.push(format!("`{name}` is not a date (YYYY-MM-DD): `{s}`"));
                    None
                }
            },
        };
        let consulted_on = date("consulted_on", &mut why);
        if consulted_on.is_none() && get("consulted_on").is_empty() {
            why.push("`consulted_on` is required".into());
        }
        let executed_on = date("executed_on", &mut why);
        let finance = zone_kind == "finance";
        let ip = zone_kind == "ip";
        let institution = get("institution");
        let institution_id = match (finance, institution.as_str()) {
            (_, "") => None,
            (true, code) => match institutions.iter().find(|i| i.code.eq_ignore_ascii_case(code)) {
                Some(i) => Some(i.id),
                None => {
                    why.push(format!("unknown institution `{code}`"));
                    None
                }
            },
            (false, _) => {
                why.push("`institution` is for finance records only".into());
                None
            }
        };
        let executed_won = match get("executed_won").as_str() {
            "" => None,
            s if !finance => {
                why.push(format!("`executed_won` is for finance records only (`{s}`)"));
                None
            }
            s => match s.parse::<i64>() {
                Ok(w) if w >= 0 => Some(w),
                _ => {
                    why.push(format!("`executed_won` must be whole won, 0 or more: `{s}`"));
                    None
                }
            },
        };
        if executed_on.is_some() && executed_won.is_none() {
            why.push("`executed_on` without `executed_won`".into());
        }
        let patents = match get("patents_transferred").as_str() {
            "" => None,
            s if !ip => {
                why.push(format!("`patents_transferred` is for IP records only (`{s}`)"));
                None
            }
            s => match s.parse::<i32>() {
                Ok(n) if n >= 0 => Some(n),
                _ => {
                    why.push(format!("`patents_transferred` must be a whole number, 0 or more: `{s}`"));
                    None
                }
            },
        };
        let brn = get("brn").chars().filter(char::is_ascii_digit).collect::<String>();
        if !brn.is_empty() && crate::domain::brn::Brn::parse(&brn).is_err() {
            why.push(format!("`brn` is not a valid business registration number: `{}`", get("brn")));
        }
        if !why.is_empty() {
            bad.push(BadRow { line, reason: why.join("; ") });
            continue;
        }
        let content = COLUMNS.iter().map(|c| get(c)).collect::<Vec<_>>().join("\u{1f}");
        let n = seen.entry(content.clone()).or_insert(0);
        *n += 1;
        let key = hex::encode(Sha256::digest(format!("{content}\u{1e}{n}").as_bytes()));
        records.push(Record {
            center_id: center.map(|c| c.id).unwrap_or_default(),
            zone_kind: zone_kind.clone(),
            consulted_on: consulted_on.unwrap_or_default(),
            company: Some(get("company")).filter(|s| !s.is_empty()),
            brn: Some(brn).filter(|s| !s.is_empty()),
            institution_id,
            executed_won,
            executed_on,
            patents,
            key,
        });
    }
    if !bad.is_empty() {
        return Err(ImportError::Invalid(bad));
    }
    db::write_tx(conn, |conn| {
        let mut out = Imported { added: 0, already: 0 };
        let mut zone_ids: HashMap<(i64, String), i64> = HashMap::new();
        for r in &records {
            let exists =
                consultations::table.filter(consultations::import_key.eq(&r.key)).count().get_result::<i64>(conn)? > 0;
            if exists {
                out.already += 1;
                continue;
            }
            let at = r.consulted_on.and_hms_opt(12, 0, 0).unwrap_or(now);
            let zone_id = match zone_ids.get(&(r.center_id, r.zone_kind.clone())) {
                Some(id) => *id,
                None => {
                    let id = centers::ensure_zone(conn, r.center_id, &r.zone_kind)?;
                    zone_ids.insert((r.center_id, r.zone_kind.clone()), id);
                    id
                }
            };
            diesel::insert_into(consultations::table)
                .values((
                    (
                        consultations::center_id.eq(r.center_id),
                        consultations::zone_id.eq(zone_id),
                        consultations::company.eq(r.company.as_deref()),
                        consultations::brn.eq(r.brn.as_deref()),
                        consultations::started_at.eq(at),
                        consultations::completed_at.eq(Some(at)),
                        consultations::consulted_on.eq(Some(r.consulted_on)),
                    ),
                    (
                        consultations::institution_id.eq(r.institution_id),
                        consultations::executed_won.eq(r.executed_won),
                        consultations::executed_on.eq(r.executed_on),
                        consultations::patents_transferred.eq(r.patents),
                        consultations::source.eq("import"),
                        consultations::import_key.eq(Some(&r.key)),
                    ),
                ))
                .execute(conn)?;
            out.added += 1;
        }
        Ok(out)
    })
}
