//! Pure rules, the enums and the plain data shapes every layer shares: no
//! IO, no clock, no SQL. `db` reads and writes these shapes; `app` and `ui`
//! use them without knowing where they came from.
pub mod actions;
pub mod admin;
pub mod caseload;
pub mod contact;
pub mod contact_log;
pub mod document;
pub mod enums;
pub mod fidelity;
pub mod goals;
pub mod import;
pub mod intervention;
pub mod iv_list;
pub mod jobs;
pub mod kinds;
pub mod lifecycle;
pub mod markers;
pub mod menu_tree;
pub mod missed;
pub mod my_caseload;
pub mod navigation;
pub mod outcome;
pub mod people;
pub mod plan;
pub mod programs;
pub mod progress;
pub mod refusal;
pub mod roster;
pub mod school;
pub mod session;
pub mod settings;
pub mod student;
pub mod team;
pub mod text;
pub mod tools;
pub mod user;
