//! Black-box tests: the real application on port 0 with a fresh database per test (SQLite by
//! default; PostgreSQL when ONESTOP_TEST_DATABASE_URL names a server).

mod fixtures;
mod helpers;

mod activity;
mod auth;
mod availability;
mod booking;
mod calls;
mod case_flow;
mod cli;
mod confirm;
mod desk;
mod expert;
mod hardening;
mod health;
mod holidays;
mod i18n;
mod journeys;
mod mail;
mod no_show;
mod page_quality;
mod pages;
mod privacy;
mod questionnaire;
mod report_check;
mod reports;
mod rights;
mod scale_out;
mod security;
mod settings;
