//! Drawing, one file per screen, mirroring `app/screens`.

pub mod schools;
#[cfg(test)]
mod schools_snapshots;
