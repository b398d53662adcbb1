//! One folder per screen: its state, its keys (`on_key`, `None` for a key
//! it gives no meaning) and its handling of the replies it asked for.

pub mod home;
pub mod intervention;
pub mod iv_edit;
pub mod menu;
pub mod roster;
pub mod schools;
pub mod session_edit;
pub mod student;

/// Commands that open a screen by another name than its menu target.
pub const COMMANDS: &[(&str, &str)] = &[(schools::COMMAND, schools::TARGET)];
