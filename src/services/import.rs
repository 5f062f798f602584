//! Importing past consultation records from CSV (the columns the record export writes):
//! `center, zone, consulted_on, company, brn, institution, executed_won, executed_on,
//! patents_transferred`. All rows or none: every row is checked and each bad one reported with
//! its line number, and nothing is imported while one is bad. Each record gets a key (a hash of
//! its content and how many identical rows came before it in the file), so importing the same
//! file again adds nothing.
//!
//! A large file must not stop the desk. The file is read as a stream; checked rows go into the
//! staging table `import_rows` in short transactions of [`CHUNK`] rows, and one statement in one
//! short transaction then moves the whole batch into `consultations` (skipping keys imported
//! before). Memory stays bounded by a chunk plus a 16-byte digest per distinct row, not by the
//! file; a batch left behind by a crash is purged with the other housekeeping.

use std::collections::{BTreeSet, HashMap};

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::Text;
use sha2::{Digest, Sha256};

use crate::db::schema::{consultations, import_rows, zones};
use crate::db::{self, DbConn, centers};

/// Rows per staging transaction: each is a few milliseconds of write lock.
pub const CHUNK: usize = 2_000;
/// Bad rows reported one by one; past these, one line says how many more there are.
pub const REPORTED: usize = 100;
/// A staged batch older than this belongs to an import that died: housekeeping removes it.
pub const STALE: Duration = Duration::hours(1);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRow {
    /// 1-based line in the file (the header is line 1).
    pub line: u64,
    pub reason: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Nothing was imported: the first [`REPORTED`] bad rows, and how many there are in all.
    #[error("{total} bad row(s)")]
    Invalid { rows: Vec<BadRow>, total: usize },
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

/// A checked row, as it is staged.
#[derive(Insertable)]
#[diesel(table_name = import_rows)]
struct Staged {
    batch: i64,
    center_id: i64,
    zone_kind: String,
    consulted_on: NaiveDate,
    consulted_at: NaiveDateTime,
    company: Option<String>,
    brn: Option<String>,
    institution_id: Option<i64>,
    executed_won: Option<i64>,
    executed_on: Option<NaiveDate>,
    patents_transferred: Option<i32>,
    import_key: String,
    created_at: NaiveDateTime,
}

/// Checks the whole file, staging its good rows, then imports them in one short transaction.
/// `only_center`: rows of other centers are refused (staff import their own center's records).
pub fn consultations_csv(
    conn: &mut DbConn,
    data: impl std::io::Read,
    only_center: Option<i64>,
    now: NaiveDateTime,
) -> Result<Imported, ImportError> {
    // A random batch number: two imports at once never mix their rows.
    let batch = i64::from_le_bytes(crate::token::random_bytes::<8>()) & i64::MAX;
    let result = check_and_stage(conn, data, only_center, now, batch).and_then(|(staged, pairs)| {
        let added = move_batch(conn, batch, &pairs)?;
        Ok(Imported { added, already: staged - added })
    });
    // Staged rows are only a means: whatever happened, they go (in short steps, after the move).
    if let Err(e) = discard(conn, batch) {
        tracing::warn!(batch, error = %e, "could not remove an import's staged rows; housekeeping will");
    }
    result
}

/// Reads and checks every row; while all are good, stages them in chunks. Returns how many
/// rows were staged and the (center, zone kind) pairs they need.
fn check_and_stage(
    conn: &mut DbConn,
    data: impl std::io::Read,
    only_center: Option<i64>,
    now: NaiveDateTime,
    batch: i64,
) -> Result<(usize, BTreeSet<(i64, String)>), ImportError> {
    let centers_all = centers::all(conn)?;
    let institutions = centers::institutions(conn)?;
    // Zone kinds are data (more may be added); a center's zone is made on first use.
    let kinds: Vec<String> =
        crate::db::schema::zone_kinds::table.select(crate::db::schema::zone_kinds::code).load(conn)?;
    let mut reader = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(data);
    let mut bad = Vec::new();
    let mut more_bad = 0usize;
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.trim_start_matches('\u{feff}').to_lowercase()).collect(),
        Err(e) => {
            let rows = vec![BadRow { line: 1, reason: format!("unreadable header: {e}") }];
            return Err(ImportError::Invalid { rows, total: 1 });
        }
    };
    let col = |name: &str| headers.iter().position(|h| h == name);
    for required in ["center", "zone", "consulted_on"] {
        if col(required).is_none() {
            bad.push(BadRow { line: 1, reason: format!("missing column `{required}`") });
        }
    }
    if !bad.is_empty() {
        let total = bad.len();
        return Err(ImportError::Invalid { rows: bad, total });
    }
    let mut report = |bad: &mut Vec<BadRow>, row: BadRow| {
        if bad.len() < REPORTED {
            bad.push(row);
        } else {
            more_bad += 1;
        }
    };
    let mut chunk: Vec<Staged> = Vec::with_capacity(CHUNK);
    let mut staged = 0usize;
    let mut pairs = BTreeSet::new();
    // How many identical rows came before: keyed by a digest of the row, not the row itself.
    let mut seen: HashMap<[u8; 16], u32> = HashMap::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                report(&mut bad, BadRow { line, reason: format!("unreadable row: {e}") });
                // A reader error past the end of a field cannot be resumed reliably: stop there.
                if !matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) {
                    break;
                }
                continue;
            }
        }
        let row = &record;
        // The line the record starts on (a quoted field may span lines, so not a row count).
        let line = row.position().map_or(0, |p| p.line());
        // No column of a record holds a line break: one inside a field means a quote opened
        // there and closed only much later, or never (the rest of the file read as one field).
        if row.iter().any(|f| f.contains(['\n', '\r'])) {
            report(
                &mut bad,
                BadRow { line, reason: "a quote opened on this line is not closed before the line ends".into() },
            );
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
        let zone = crate::domain::ZoneType::of(&zone_kind);
        let (finance, ip) = (zone == crate::domain::ZoneType::Finance, zone == crate::domain::ZoneType::Ip);
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
        let (Some(center), Some(consulted_on), true) = (center, consulted_on, why.is_empty()) else {
            report(&mut bad, BadRow { line, reason: why.join("; ") });
            continue;
        };
        if !bad.is_empty() {
            // Nothing will be imported: keep checking (to report every bad row), stage nothing.
            continue;
        }
        let content = COLUMNS.iter().map(|c| get(c)).collect::<Vec<_>>().join("\u{1f}");
        let mut digest = [0u8; 16];
        digest.copy_from_slice(&Sha256::digest(content.as_bytes())[..16]);
        let n = seen.entry(digest).or_insert(0);
        *n += 1;
        let key = hex::encode(Sha256::digest(format!("{content}\u{1e}{n}").as_bytes()));
        pairs.insert((center.id, zone_kind.clone()));
        chunk.push(Staged {
            batch,
            center_id: center.id,
            zone_kind,
            consulted_on,
            consulted_at: consulted_on.and_hms_opt(12, 0, 0).unwrap_or(now),
            company: Some(get("company")).filter(|s| !s.is_empty()),
            brn: Some(brn).filter(|s| !s.is_empty()),
            institution_id,
            executed_won,
            executed_on,
            patents_transferred: patents,
            import_key: key,
            created_at: now,
        });
        if chunk.len() == CHUNK {
            staged += stage(conn, &mut chunk)?;
        }
    }
    if !bad.is_empty() {
        let total = bad.len() + more_bad;
        return Err(ImportError::Invalid { rows: bad, total });
    }
    staged += stage(conn, &mut chunk)?;
    Ok((staged, pairs))
}

/// Writes a chunk of checked rows to the staging table in its own short transaction.
fn stage(conn: &mut DbConn, chunk: &mut Vec<Staged>) -> QueryResult<usize> {
    if chunk.is_empty() {
        return Ok(0);
    }
    // The multi-backend connection does not batch inserts: run it on the backend's own.
    db::write_tx(conn, |conn| match conn {
        DbConn::Sqlite(c) => diesel::insert_into(import_rows::table).values(chunk.as_slice()).execute(c),
        DbConn::Postgres(c) => diesel::insert_into(import_rows::table).values(chunk.as_slice()).execute(c),
    })?;
    let n = chunk.len();
    chunk.clear();
    Ok(n)
}

/// The one short transaction: makes the zones the batch needs, then moves its rows into
/// `consultations` in one statement, skipping keys already imported. Returns how many were
/// added.
fn move_batch(conn: &mut DbConn, batch: i64, pairs: &BTreeSet<(i64, String)>) -> Result<usize, ImportError> {
    db::write_tx(conn, |conn| {
        // Two imports of the same records at once: the second waits, then finds them there.
        db::lock_key(conn, "import")?;
        for (center_id, kind) in pairs {
            centers::ensure_zone(conn, *center_id, kind)?;
        }
        let rows = import_rows::table
            .inner_join(
                zones::table
                    .on(zones::center_id.eq(import_rows::center_id).and(zones::kind.eq(import_rows::zone_kind))),
            )
            .filter(import_rows::batch.eq(batch))
            // In key order, the unique index on the key is written front to back (a third faster).
            .order(import_rows::import_key)
            .select((
                import_rows::center_id,
                zones::id,
                import_rows::company,
                import_rows::brn,
                import_rows::consulted_at,
                import_rows::consulted_at.nullable(),
                import_rows::consulted_on.nullable(),
                import_rows::institution_id,
                import_rows::executed_won,
                import_rows::executed_on,
                import_rows::patents_transferred,
                "import".into_sql::<Text>(),
                import_rows::import_key.nullable(),
            ));
        let columns = (
            consultations::center_id,
            consultations::zone_id,
            consultations::company,
            consultations::brn,
            consultations::started_at,
            consultations::completed_at,
            consultations::consulted_on,
            consultations::institution_id,
            consultations::executed_won,
            consultations::executed_on,
            consultations::patents_transferred,
            consultations::source,
            consultations::import_key,
        );
        let insert = diesel::insert_into(consultations::table)
            .values(rows)
            .into_columns(columns)
            .on_conflict(consultations::import_key)
            .do_nothing();
        Ok(match conn {
            // PostgreSQL's totals trigger runs once per statement, over all the rows inserted.
            DbConn::Postgres(c) => insert.execute(c)?,
            // SQLite's runs once per row: it stands aside while the bulk row is there, and the
            // totals of the rows inserted (all after the highest id before: one writer) are
            // added in one grouped statement.
            DbConn::Sqlite(c) => {
                diesel::sql_query("INSERT INTO consultation_totals_bulk (id) VALUES (1)").execute(c)?;
                let before: Option<i64> = consultations::table.select(diesel::dsl::max(consultations::id)).first(c)?;
                let added = insert.execute(c)?;
                diesel::sql_query(SQLITE_TOTALS_AFTER)
                    .bind::<diesel::sql_types::BigInt, _>(before.unwrap_or(0))
                    .execute(c)?;
                diesel::sql_query("DELETE FROM consultation_totals_bulk").execute(c)?;
                added
            }
        })
    })
}

/// The report totals of the consultations after an id, added in one grouped upsert (the same
/// contributions as SQLite's row trigger `consultation_totals_insert`, migration 10).
const SQLITE_TOTALS_AFTER: &str = "\
INSERT INTO consultation_totals (measure, level, bucket, center_id, zone_id, consultations, patents, executed_won)
SELECT x.measure, l.level,
       CASE l.level WHEN 'd' THEN x.day WHEN 'm' THEN date(x.day, 'start of month') ELSE date(x.day, 'start of year') END AS b,
       x.center_id, x.zone_id, SUM(x.n), SUM(x.p), SUM(x.w)
FROM (SELECT 'd' AS level UNION ALL SELECT 'm' UNION ALL SELECT 'y') AS l,
     (SELECT 'count' AS measure, consulted_on AS day, center_id, zone_id, 1 AS n, COALESCE(patents_transferred, 0) AS p, 0 AS w
      FROM consultations WHERE id > ?1 AND consulted_on IS NOT NULL
      UNION ALL
      SELECT 'won', COALESCE(executed_on, consulted_on), center_id, zone_id, 0, 0, executed_won
      FROM consultations WHERE id > ?1 AND executed_won IS NOT NULL AND COALESCE(executed_on, consulted_on) IS NOT NULL) AS x
GROUP BY x.measure, l.level, b, x.center_id, x.zone_id
ON CONFLICT (level, bucket, measure, center_id, zone_id) DO UPDATE SET
    consultations = consultations + excluded.consultations,
    patents = patents + excluded.patents,
    executed_won = executed_won + excluded.executed_won";

/// Removes a batch's staged rows in short steps.
fn discard(conn: &mut DbConn, batch: i64) -> QueryResult<()> {
    loop {
        let ids: Vec<i64> = import_rows::table
            .filter(import_rows::batch.eq(batch))
            .select(import_rows::id)
            .limit(CHUNK as i64 * 5)
            .load(conn)?;
        if ids.is_empty() {
            return Ok(());
        }
        db::write_tx(conn, |conn| {
            diesel::delete(import_rows::table.filter(import_rows::id.eq_any(&ids))).execute(conn)
        })?;
    }
}

/// Housekeeping: staged rows of imports that died before they finished.
pub fn purge_stale(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
    db::write_tx(conn, |conn| {
        diesel::delete(import_rows::table.filter(import_rows::created_at.lt(now - STALE))).execute(conn)
    })
}
