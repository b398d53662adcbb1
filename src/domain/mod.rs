//! Pure rules: no IO, no clock.
pub mod lifecycle;
pub mod progress;
