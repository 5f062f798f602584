//! The center's consultation records as exported (the consultation records CSV and the
//! workbook's records sheet): the import file's columns, the company of an in-app case taken
//! from its answers.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::schema::{consultations, zones};
use crate::db::{DbConn, centers};
use crate::domain::ZoneType;

/// One consultation record as exported (CSV, XLSX): the import file's columns, typed.
#[derive(Debug, Clone)]
pub struct Record {
    pub center: String,
    pub zone: String,
    pub consulted_on: Option<NaiveDate>,
    pub company: String,
    pub brn: String,
    /// The institution's code, lower case (as the import takes it).
    pub institution: String,
    pub executed_won: Option<i64>,
    pub executed_on: Option<NaiveDate>,
    pub patents: Option<i32>,
}

pub fn records_csv(conn: &mut DbConn, center_id: i64) -> Result<String, anyhow::Error> {
    let mut w = crate::services::spreadsheet::Writer::new();
    w.row(crate::services::import::COLUMNS)?;
    for r in records(conn, center_id)? {
        w.row([
            r.center,
            r.zone,
            r.consulted_on.map(|d| d.to_string()).unwrap_or_default(),
            r.company,
            r.brn,
            r.institution,
            r.executed_won.map(|w| w.to_string()).unwrap_or_default(),
            r.executed_on.map(|d| d.to_string()).unwrap_or_default(),
            r.patents.map(|p| p.to_string()).unwrap_or_default(),
        ])?;
    }
    w.finish()
}

/// The center's consultation records, oldest first; the company of an in-app case from its
/// answers.
pub fn records(conn: &mut DbConn, center_id: i64) -> Result<Vec<Record>, anyhow::Error> {
    use crate::db::schema::{case_answers, cases, finance_institutions};
    let center = centers::by_id(conn, center_id)?.ok_or_else(|| anyhow::anyhow!("no center"))?;
    let kinds: std::collections::HashMap<i64, ZoneType> =
        zones::table.select((zones::id, zones::kind)).load::<(i64, ZoneType)>(conn)?.into_iter().collect();
    let institutions: std::collections::HashMap<i64, String> = finance_institutions::table
        .select((finance_institutions::id, finance_institutions::code))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    type Rec = (
        Option<i64>,
        i64,
        Option<NaiveDate>,
        Option<String>,
        Option<String>,
        Option<i64>,
        Option<i64>,
        Option<NaiveDate>,
        Option<i32>,
    );
    let rows: Vec<Rec> = consultations::table
        .filter(consultations::center_id.eq(center_id))
        .filter(consultations::consulted_on.is_not_null())
        .order((consultations::consulted_on, consultations::id))
        .select((
            consultations::case_id,
            consultations::zone_id,
            consultations::consulted_on,
            consultations::company,
            consultations::brn,
            consultations::institution_id,
            consultations::executed_won,
            consultations::executed_on,
            consultations::patents_transferred,
        ))
        .load(conn)?;
    // Company and business number of in-app cases come from their answers.
    let case_ids: Vec<i64> = rows.iter().filter_map(|r| r.0).collect();
    let answers: std::collections::HashMap<i64, (Option<String>, Option<String>)> = case_answers::table
        .inner_join(cases::table.on(cases::id.eq(case_answers::case_id)))
        .filter(case_answers::case_id.eq_any(&case_ids))
        .select((case_answers::case_id, case_answers::company_name, case_answers::brn))
        .load::<(i64, Option<String>, Option<String>)>(conn)?
        .into_iter()
        .map(|(id, c, b)| (id, (c, b)))
        .collect();
    Ok(rows
        .into_iter()
        .map(|(case_id, zone_id, on, company, brn, inst, won, won_on, patents)| {
            let (c2, b2) = case_id.and_then(|id| answers.get(&id).cloned()).unwrap_or((None, None));
            Record {
                center: center.slug.clone(),
                zone: kinds.get(&zone_id).map(|k| k.code().to_owned()).unwrap_or_default(),
                consulted_on: on,
                company: company.or(c2).unwrap_or_default(),
                brn: brn.or(b2).unwrap_or_default().replace('-', ""),
                institution: inst.and_then(|i| institutions.get(&i).map(|c| c.to_lowercase())).unwrap_or_default(),
                executed_won: won,
                executed_on: won_on,
                patents,
            }
        })
        .collect())
}
