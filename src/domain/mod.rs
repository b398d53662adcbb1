//! Pure rules: no IO, no clock.
pub mod actions;
pub mod fidelity;
pub mod lifecycle;
pub mod progress;
