//! What the transition tests use unqualified: the names `app/mod.rs` had in
//! scope when it held everything.

pub use super::home::HomeState;
pub use super::intervention::{DetailState, WriteOutcome};
pub use super::roster::PageDir;
pub use super::*;
pub use crate::config::Password;
pub use crate::db::caseload::CaseloadHome;
pub use crate::db::enums::InterventionStatus;
pub use crate::db::interventions::Outcome;
pub use crate::db::navigation::{NavItem, ToolAccess};
pub use crate::db::roster::{Filters, RosterQuery, Sort};
pub use crate::db::sessions::SessionWrite;
pub use crate::db::students::{PageRequest, RosterPage};
pub use crate::db::users::Whoami;
pub use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
pub use std::collections::HashMap;
pub use uuid::Uuid;
