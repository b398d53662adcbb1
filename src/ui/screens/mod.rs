//! Drawing, one file per screen, mirroring `app/screens`.

pub mod home;
pub mod intervention;
pub mod iv_edit;
pub mod menu;
pub mod roster;
pub mod schools;
#[cfg(test)]
mod schools_snapshots;
pub mod session_edit;
pub mod student;
pub mod team;
