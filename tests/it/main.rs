//! The integration tests as one binary, each file a module: the library
//! and its dependencies are linked once, not once per file.

mod common;

mod attachments;
mod audience;
mod browser;
mod bundled_site;
mod check_rules;
mod deployment;
mod export;
mod fuzz;
mod import;
mod invalid_sites;
mod live_preview;
mod new_command;
mod nginx;
mod reliability;
mod search;
mod search_api;
mod search_assist;
mod serve_static;
mod site_build;
mod snapshots;
mod static_parity;
mod study;
