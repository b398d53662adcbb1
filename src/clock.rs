//! The one place caseload reads the calendar. `CASELOAD_TODAY=YYYY-MM-DD`
//! pins it, so that end-to-end tests and recorded demos see the same data on
//! every day they run (the demo data is generated relative to today). The
//! database's own clock is untouched: timestamps it writes stay real.

use chrono::NaiveDate;
use std::sync::OnceLock;

pub const TODAY_VAR: &str = "CASELOAD_TODAY";

/// The date `CASELOAD_TODAY` asks for, `None` when it is unset or empty, or
/// a message naming the variable and the expected form.
pub fn pinned_from(value: Option<&str>) -> Result<Option<NaiveDate>, String> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| format!("{TODAY_VAR}={v:?} is not a date; write it as YYYY-MM-DD")),
    }
}

/// Checks `CASELOAD_TODAY` once at start, so a mistyped pin stops the
/// program with a message instead of silently using the real date.
pub fn check_env() -> Result<(), String> {
    pinned_from(std::env::var(TODAY_VAR).ok().as_deref()).map(|_| ())
}

static PINNED: OnceLock<Option<NaiveDate>> = OnceLock::new();

/// Pins today for this process (tests that drive the worker in-process,
/// where setting an environment variable would race other threads). The
/// first pin or the first read wins; true when today is now `date`.
pub fn pin(date: NaiveDate) -> bool {
    let _ = PINNED.set(Some(date));
    today() == date
}

/// Today: the pinned date if `CASELOAD_TODAY` holds one, else the local date.
pub fn today() -> NaiveDate {
    PINNED
        .get_or_init(|| {
            pinned_from(std::env::var(TODAY_VAR).ok().as_deref())
                .ok()
                .flatten()
        })
        .unwrap_or_else(|| chrono::Local::now().date_naive())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pinned_date_is_read_and_a_bad_one_is_named() {
        assert_eq!(pinned_from(None), Ok(None));
        assert_eq!(pinned_from(Some(" ")), Ok(None));
        assert_eq!(
            pinned_from(Some("2026-11-02")),
            Ok(NaiveDate::from_ymd_opt(2026, 11, 2))
        );
        let err = pinned_from(Some("02/11/2026")).unwrap_err();
        assert!(err.contains("CASELOAD_TODAY=\"02/11/2026\""), "{err}");
        assert!(err.contains("YYYY-MM-DD"), "{err}");
    }
}
