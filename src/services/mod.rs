//! Use cases: one function per action, one transaction each. Time comes in as a parameter so
//! that tests control it; nothing here knows about HTTP.

pub mod access;
pub mod access_review;
pub mod action;
pub mod activity;
pub mod auth;
pub mod availability;
pub mod booking;
pub mod calendar;
pub mod case_flow;
pub mod closures;
pub mod consult;
pub mod demo;
pub mod desk;
pub mod documents;
pub mod import;
pub mod mail;
pub mod mailer;
pub mod no_show;
pub mod open_data;
pub mod passwords;
pub mod people;
pub mod purge;
pub mod questionnaire;
pub mod records;
pub mod report_check;
pub mod reports;
pub mod retention;
pub mod rights;
pub mod routing;
pub mod scale;
pub mod schedule;
pub mod spreadsheet;
pub mod submissions;
pub mod users;
pub mod xlsx;

/// A database failure, or a rule of the use case said no.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}
