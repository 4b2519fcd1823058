//! The integration tests, as one test binary (one link instead of one per file): each
//! module drives the `archlint` binary or the library crates as a user would.

mod common;

mod architecture;
mod baseline;
mod cli;
mod config;
mod custom_rules;
mod defaults;
mod defects;
mod design_facts;
mod diff;
mod docs;
mod drift;
mod editor;
mod estimate;
mod fix;
mod formats;
mod gallery;
mod graph;
mod hardening;
mod import;
mod invalid;
mod journeys;
mod learn;
mod models;
mod output;
mod playground;
mod projection;
mod properties;
mod recovery;
mod reference;
mod report_html;
mod rules;
mod scale;
mod server;
mod test_rules;
mod traffic;
mod untrusted;
mod width;
