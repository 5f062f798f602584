//! One convention for every form: a raw form (the strings as sent, kept to show them again)
//! has `parse(..) -> Result<Value, Vec<FieldError>>`; each failed field gets the message key
//! that says why. Pages look errors up by field (`Errors::get`) and list them in the order the
//! form asks (`Errors::all`).

use super::text::{self, TextError};

/// A field that failed, and the message key that says why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub key: &'static str,
}

pub(crate) fn err(field: &'static str, key: &'static str) -> FieldError {
    FieldError { field, key }
}

/// The errors of a form as a page shows them.
#[derive(Debug, Default, Clone)]
pub struct Errors(Vec<FieldError>);

impl Errors {
    pub fn get(&self, field: &str) -> Option<&'static str> {
        self.0.iter().find(|e| e.field == field).map(|e| e.key)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn all(&self) -> &[FieldError] {
        &self.0
    }
}

impl From<Vec<FieldError>> for Errors {
    fn from(v: Vec<FieldError>) -> Self {
        Errors(v)
    }
}

const REQUIRED: &str = "apply.error.required";

/// A one-line answer (names, the company): no line breaks or control characters.
pub(crate) fn text(
    errors: &mut Vec<FieldError>,
    field: &'static str,
    raw: &str,
    max: usize,
    required: bool,
) -> Option<String> {
    checked(errors, field, text::single_line(raw, max), required.then_some(REQUIRED))
}

/// A one-line answer that must be given, with the form's own words for a missing one.
pub(crate) fn required_text(
    errors: &mut Vec<FieldError>,
    field: &'static str,
    raw: &str,
    max: usize,
    missing: &'static str,
) -> Option<String> {
    checked(errors, field, text::single_line(raw, max), Some(missing))
}

/// An answer that may span lines (the question, the purpose of the funds).
pub(crate) fn long_text(
    errors: &mut Vec<FieldError>,
    field: &'static str,
    raw: &str,
    max: usize,
    required: bool,
) -> Option<String> {
    checked(errors, field, text::multi_line(raw, max), required.then_some(REQUIRED))
}

fn checked(
    errors: &mut Vec<FieldError>,
    field: &'static str,
    value: Result<Option<String>, TextError>,
    missing: Option<&'static str>,
) -> Option<String> {
    match value {
        Ok(None) => {
            if let Some(key) = missing {
                errors.push(err(field, key));
            }
            None
        }
        Ok(Some(v)) => Some(v),
        Err(TextError::TooLong) => {
            errors.push(err(field, "apply.error.too_long"));
            None
        }
        Err(TextError::Characters) => {
            errors.push(err(field, "apply.error.characters"));
            None
        }
        Err(TextError::Empty) => {
            errors.push(err(field, missing.unwrap_or(REQUIRED)));
            None
        }
    }
}

/// One of a list of codes (a select or radio group): missing or unknown both say "choose".
pub(crate) fn choice<T>(
    errors: &mut Vec<FieldError>,
    field: &'static str,
    raw: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Option<T> {
    choice_or(errors, field, raw, parse, "apply.error.choose")
}

/// The same, with the form's own words.
pub(crate) fn choice_or<T>(
    errors: &mut Vec<FieldError>,
    field: &'static str,
    raw: &str,
    parse: impl Fn(&str) -> Option<T>,
    missing: &'static str,
) -> Option<T> {
    let v = raw.trim();
    let parsed = if v.is_empty() { None } else { parse(v) };
    if parsed.is_none() {
        errors.push(err(field, missing));
    }
    parsed
}

/// A date as `YYYY-MM-DD`.
pub(crate) fn date(
    errors: &mut Vec<FieldError>,
    field: &'static str,
    raw: &str,
    bad: &'static str,
) -> Option<chrono::NaiveDate> {
    let parsed = chrono::NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok();
    if parsed.is_none() {
        errors.push(err(field, bad));
    }
    parsed
}
