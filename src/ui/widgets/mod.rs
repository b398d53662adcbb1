//! Widgets shared by screens.

pub mod chart;
pub mod chips;
pub mod doc_actions;
pub mod form;
pub mod listing;
pub mod own_jobs;
pub mod pending;
pub mod picker;
pub mod question;
pub mod table;
