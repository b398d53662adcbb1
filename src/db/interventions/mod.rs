//! Interventions: one student's plan, its goals and data points, its team,
//! its lifecycle. Typed rows, parameterised SQL, and writes that come back
//! with a `WriteError` the screen can show as it is.

pub mod delivery;
pub mod detail;
pub mod edit;
pub mod error;
pub mod goals;
pub mod lifecycle;
pub mod list;
pub mod programs;
pub mod settings;
pub mod team;

pub use detail::{load_detail, load_header};
pub use error::WriteError;
pub use settings::load_rule_settings;
