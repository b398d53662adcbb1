//! The spans the missed-sessions list looks at, each judged as of `today`.

use super::monday_of;
use chrono::{Datelike, Days, NaiveDate};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Period {
    /// From the first of today's month to today.
    #[default]
    ThisMonth,
    /// The whole calendar month before today's.
    LastMonth,
    /// Today's ISO week and the three before it, to today: the same weeks
    /// the intervention detail shows (`recent_weeks_from`).
    Last4Weeks,
}

/// How many weeks `Period::Last4Weeks` covers.
const RECENT: u64 = 4;

/// The first day of `today`'s calendar month.
pub fn month_start(today: NaiveDate) -> NaiveDate {
    today.with_day(1).unwrap_or(today)
}

/// The Monday `n` ISO weeks back, counting `today`'s week as the first.
pub fn recent_weeks_from(today: NaiveDate, n: u64) -> NaiveDate {
    monday_of(today) - Days::new(7 * n.saturating_sub(1))
}

impl Period {
    /// The next period in turn (the period key cycles through them).
    pub fn next(self) -> Period {
        match self {
            Period::ThisMonth => Period::LastMonth,
            Period::LastMonth => Period::Last4Weeks,
            Period::Last4Weeks => Period::ThisMonth,
        }
    }

    /// Its first and last day, both included, as of `today`.
    pub fn span(self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        match self {
            Period::ThisMonth => (month_start(today), today),
            Period::LastMonth => {
                let last = month_start(today) - Days::new(1);
                (month_start(last), last)
            }
            Period::Last4Weeks => (recent_weeks_from(today, RECENT), today),
        }
    }

    /// How a sentence names it: "missed sessions this month".
    pub fn phrase(self) -> &'static str {
        match self {
            Period::ThisMonth => "this month",
            Period::LastMonth => "last month",
            Period::Last4Weeks => "in the last 4 weeks",
        }
    }
}

/// "1–4 Dec 2026", "2 Nov – 4 Dec 2026", "29 Dec 2025 – 4 Jan 2026".
pub fn dates((from, to): (NaiveDate, NaiveDate)) -> String {
    let end = to.format("%-d %b %Y");
    if from.year() != to.year() {
        format!("{} – {end}", from.format("%-d %b %Y"))
    } else if from.month() != to.month() {
        format!("{} – {end}", from.format("%-d %b"))
    } else {
        format!("{}–{end}", from.day())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn each_period_as_of_friday_4_december() {
        let today = d(2026, 12, 4);
        assert_eq!(
            Period::ThisMonth.span(today),
            (d(2026, 12, 1), d(2026, 12, 4))
        );
        assert_eq!(
            Period::LastMonth.span(today),
            (d(2026, 11, 1), d(2026, 11, 30))
        );
        // Mon 30 Nov is this week's Monday; three weeks before it, Mon 9 Nov.
        assert_eq!(
            Period::Last4Weeks.span(today),
            (d(2026, 11, 9), d(2026, 12, 4))
        );
        assert_eq!(Period::default(), Period::ThisMonth);
        let cycle = [Period::LastMonth, Period::Last4Weeks, Period::ThisMonth];
        let mut p = Period::ThisMonth;
        for want in cycle {
            p = p.next();
            assert_eq!(p, want);
        }
    }

    #[test]
    fn last_month_in_january_is_last_years_december() {
        let (from, to) = Period::LastMonth.span(d(2027, 1, 1));
        assert_eq!((from, to), (d(2026, 12, 1), d(2026, 12, 31)));
        assert_eq!(dates((from, to)), "1–31 Dec 2026");
        assert_eq!(
            dates(Period::Last4Weeks.span(d(2027, 1, 6))),
            "14 Dec 2026 – 6 Jan 2027"
        );
        assert_eq!(
            dates(Period::Last4Weeks.span(d(2026, 12, 4))),
            "9 Nov – 4 Dec 2026"
        );
    }
}
