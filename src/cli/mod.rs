//! The commands of the `onestop` binary, one file each.

pub mod bench;
pub mod demo;
pub mod import;
pub mod mail;
pub mod migrate;
pub mod purge;
pub mod report;
pub mod serve;
pub mod user;
