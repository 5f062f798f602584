//! The center's report as an Excel workbook the ministry opens as it is (`rust_xlsxwriter`):
//! a sheet per view — the one-stop status as of the day (and the compared day), the
//! consultation records — with Korean headers, the header row frozen, numbers as numbers
//! (억원 with two decimals), dates as dates. Text goes in as text cells, never as formulas, so a
//! company named `=HYPERLINK(…)` stays a name.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use crate::services::reports::{Record, StatusReport};

fn header(ws: &mut Worksheet, titles: &[&str], bold: &Format) -> Result<(), XlsxError> {
    for (i, t) in titles.iter().enumerate() {
        let col = u16::try_from(i).unwrap_or(u16::MAX);
        ws.write_string_with_format(0, col, *t, bold)?;
        ws.set_column_width(col, if i == 0 { 18 } else { 14 })?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn date(ws: &mut Worksheet, row: u32, col: u16, d: NaiveDate, f: &Format) -> Result<(), XlsxError> {
    let m = u8::try_from(d.month()).unwrap_or(1);
    let day = u8::try_from(d.day()).unwrap_or(1);
    let y = u16::try_from(d.year()).unwrap_or(1900);
    ws.write_datetime_with_format(row, col, ExcelDateTime::from_ymd(y, m, day)?, f)?;
    Ok(())
}

/// The workbook: "원스톱 현황" (one row per day reported) and "상담 기록".
pub fn report(status: &[StatusReport], records: &[Record]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let eok = Format::new().set_num_format("0.00");
    let day = Format::new().set_num_format("yyyy-mm-dd");
    let count = Format::new().set_num_format("0");

    let ws = wb.add_worksheet();
    ws.set_name("원스톱 현황")?;
    header(
        ws,
        &["기준일", "법률존 상담(건)", "금융존 상담(건)", "금융시행(억원)", "IP존 상담(건)", "특허이전(건)"],
        &bold,
    )?;
    for (i, r) in status.iter().enumerate() {
        let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let t = &r.total;
        date(ws, row, 0, r.as_of, &day)?;
        ws.write_number_with_format(row, 1, t.legal as f64, &count)?;
        ws.write_number_with_format(row, 2, t.finance as f64, &count)?;
        ws.write_number_with_format(row, 3, t.finance_won as f64 / 100_000_000.0, &eok)?;
        ws.write_number_with_format(row, 4, t.ip as f64, &count)?;
        ws.write_number_with_format(row, 5, t.patents as f64, &count)?;
    }

    let ws = wb.add_worksheet();
    ws.set_name("상담 기록")?;
    header(
        ws,
        &["센터", "상담존", "상담일", "기업명", "사업자등록번호", "기관", "금융시행(억원)", "시행일", "특허이전(건)"],
        &bold,
    )?;
    for (i, r) in records.iter().enumerate() {
        let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
        ws.write_string(row, 0, &r.center)?;
        ws.write_string(row, 1, &r.zone)?;
        if let Some(d) = r.consulted_on {
            date(ws, row, 2, d, &day)?;
        }
        ws.write_string(row, 3, &r.company)?;
        // A business number is text: its leading zeros stay.
        ws.write_string(row, 4, &r.brn)?;
        ws.write_string(row, 5, &r.institution)?;
        if let Some(w) = r.executed_won {
            ws.write_number_with_format(row, 6, w as f64 / 100_000_000.0, &eok)?;
        }
        if let Some(d) = r.executed_on {
            date(ws, row, 7, d, &day)?;
        }
        if let Some(p) = r.patents {
            ws.write_number_with_format(row, 8, f64::from(p), &count)?;
        }
    }
    wb.save_to_buffer()
}
