//! caseload: a keyboard-driven terminal client for school intervention teams.
//!
//! The binary is a thin shell over this library so that integration tests can
//! drive the same code: `app` (pure state machine), `worker` (all IO), `ui`
//! (rendering), `db` (schema, queries), `config` (settings and connections).

pub mod admin;
pub mod app;
pub mod bench;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod doctor;
pub mod domain;
pub mod drafts;
pub mod export;
pub mod jobs;
pub mod logging;
pub mod oneroster;
pub mod report;
pub mod soak;
pub mod stdout;
pub mod storage;
pub mod tui;
pub mod ui;
pub mod worker;
