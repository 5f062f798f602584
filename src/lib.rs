//! onestop: the booking and case system for the one-stop service desks of Korea's 17 Creative
//! Economy Innovation Centers.

pub mod clock;
pub mod config;
pub mod db;
pub mod domain;
pub mod i18n;
pub mod services;
pub mod startup;
pub mod telemetry;
pub mod token;
pub mod web;
