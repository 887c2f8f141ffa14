//! aula's integration tests: one binary, so a 2-core machine links once.
//! Each module builds fixture sites from tests/fixtures/ in a temp folder
//! and asserts on the output files or on the diagnostics.

mod budget;
mod build;
mod cli;
mod common;
mod courses;
mod credentials;
mod docs;
mod errors;
mod faults;
mod images;
mod imported;
mod incremental;
mod lms;
mod offline;
mod repo;
mod search;
mod serve;
mod serve_abuse;
mod site_locales;
mod translations;
mod trust;
mod warnings;
