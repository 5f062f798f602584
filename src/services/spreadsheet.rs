//! CSV for spreadsheet programs: every export goes through this writer, which neutralises cells
//! a spreadsheet would run as a formula (`=HYPERLINK(…)`, `+`, `-`, `@`, or a leading TAB or
//! CR) by prefixing `'` — whatever their source, imported values included. Plain numbers
//! (`-5`, `1.25`) stay numbers. Files are UTF-8 with a BOM, so that Excel reads Korean.

use std::borrow::Cow;

/// The cell as a spreadsheet may safely read it.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    let risky = matches!(cell.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r'));
    if risky && !is_plain_number(cell) { Cow::Owned(format!("'{cell}")) } else { Cow::Borrowed(cell) }
}

fn is_plain_number(s: &str) -> bool {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    let mut parts = digits.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let frac = parts.next();
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// A CSV file being written (in memory: exports are bounded by a center's records).
pub struct Writer {
    w: csv::Writer<Vec<u8>>,
}

impl Default for Writer {
    fn default() -> Self {
        Self::new()
    }
}

impl Writer {
    pub fn new() -> Self {
        Writer { w: csv::Writer::from_writer(Vec::new()) }
    }

    /// One row; every cell neutralised.
    pub fn row<I, S>(&mut self, cells: I) -> csv::Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.w.write_record(cells.into_iter().map(|c| neutralise(c.as_ref()).into_owned()))
    }

    /// The file's text, with the BOM.
    pub fn finish(self) -> anyhow::Result<String> {
        let body = self.w.into_inner().map_err(|e| anyhow::anyhow!("{}", e.error()))?;
        Ok(format!("\u{feff}{}", String::from_utf8(body)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised_and_numbers_are_not() {
        for bad in ["=HYPERLINK(\"http://x\",\"y\")", "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx", "=1"] {
            assert!(neutralise(bad).starts_with('\''), "{bad:?}");
        }
        for ok in ["-5", "1.25", "-0.5", "주식회사 =랩", "", "100"] {
            assert_eq!(neutralise(ok), ok, "{ok:?}");
        }
        let mut w = Writer::new();
        w.row(["=cmd|' /C calc'!A0", "ok"]).unwrap();
        assert_eq!(w.finish().unwrap(), "\u{feff}'=cmd|' /C calc'!A0,ok\n");
    }
}
