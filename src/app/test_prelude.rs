//! What the transition tests use unqualified: the names `app/mod.rs` had in
//! scope when it held everything.

pub use super::home::HomeState;
pub use super::intervention::{DetailState, WriteOutcome};
pub use super::roster::PageDir;
pub use super::*;
pub use crate::config::Password;
pub use crate::domain::caseload::CaseloadHome;
pub use crate::domain::enums::InterventionStatus;
pub use crate::domain::kinds::Outcome;
pub use crate::domain::navigation::{NavItem, ToolAccess};
pub use crate::domain::roster::{Filters, RosterQuery, Sort};
pub use crate::domain::roster::{PageRequest, RosterPage};
pub use crate::domain::session::SessionWrite;
pub use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
pub use std::collections::HashMap;
pub use uuid::Uuid;
