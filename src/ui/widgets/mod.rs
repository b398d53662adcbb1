//! Widgets shared by screens.

pub mod pending;
