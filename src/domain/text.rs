//! Free text as people type it, checked before it is stored: every value may later go into an
//! HTML page (escaped by askama), a mail header or greeting, a calendar file (`.ics`), a CSV
//! cell or a log line. A **single-line** field (names, companies, reasons, titles) refuses
//! line breaks and every other control character (NUL, ESC, TAB, DEL, C1), the Unicode line and
//! paragraph separators and the bidirectional overrides that can make text read differently
//! from what it is; a **multi-line** field (a question, a summary) allows line breaks and tabs
//! (CRLF and CR become LF) and refuses the rest.

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("required")]
    Empty,
    #[error("too long")]
    TooLong,
    /// A line break in a single-line field, or a control character anywhere.
    #[error("characters that cannot be used")]
    Characters,
}

/// Characters no field accepts, whatever it is: controls other than line breaks and tabs, the
/// line/paragraph separators and bidirectional embedding, override and isolate controls.
fn forbidden_anywhere(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

/// A one-line value, trimmed; `Ok(None)` when empty. `max` counts characters.
pub fn single_line(raw: &str, max: usize) -> Result<Option<String>, TextError> {
    let v = raw.trim();
    if v.is_empty() {
        return Ok(None);
    }
    if v.chars().any(|c| forbidden_anywhere(c) || matches!(c, '\n' | '\r' | '\t')) {
        return Err(TextError::Characters);
    }
    if v.chars().count() > max {
        return Err(TextError::TooLong);
    }
    Ok(Some(v.to_owned()))
}

/// A required one-line value.
pub fn required_line(raw: &str, max: usize) -> Result<String, TextError> {
    single_line(raw, max)?.ok_or(TextError::Empty)
}

/// A value that may span lines, trimmed, line breaks normalised to `\n`; `Ok(None)` when empty.
pub fn multi_line(raw: &str, max: usize) -> Result<Option<String>, TextError> {
    let v = raw.trim();
    if v.is_empty() {
        return Ok(None);
    }
    if v.chars().any(forbidden_anywhere) {
        return Err(TextError::Characters);
    }
    let v = v.replace("\r\n", "\n").replace('\r', "\n");
    if v.chars().count() > max {
        return Err(TextError::TooLong);
    }
    Ok(Some(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_line_fields_refuse_breaks_and_controls() {
        assert_eq!(single_line("  주식회사 랩 ", 10), Ok(Some("주식회사 랩".into())));
        assert_eq!(single_line("   ", 10), Ok(None));
        for bad in [
            "a\nURL:http://evil",
            "a\rb",
            "a\tb",
            "a\0b",
            "a\u{1b}[31mb",
            "a\u{7f}",
            "a\u{85}b",
            "a\u{2028}b",
            "a\u{202e}b",
        ] {
            assert_eq!(single_line(bad, 100), Err(TextError::Characters), "{bad:?}");
        }
        assert_eq!(single_line("abcdef", 5), Err(TextError::TooLong));
        assert_eq!(required_line("", 5), Err(TextError::Empty));
    }

    #[test]
    fn multi_line_fields_keep_breaks_and_refuse_other_controls() {
        assert_eq!(multi_line("one\r\ntwo\rthree\n\tfour", 100), Ok(Some("one\ntwo\nthree\n\tfour".into())));
        assert_eq!(multi_line("a\0b", 100), Err(TextError::Characters));
        assert_eq!(multi_line("a\u{1b}b", 100), Err(TextError::Characters));
    }
}
