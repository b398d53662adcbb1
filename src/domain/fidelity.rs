//! Fidelity: was the intervention delivered as planned? Sessions and minutes
//! delivered against what the plan promised over the weeks it has run, and
//! the session schedule the caseload home checks. Pure: `today` comes in.

use chrono::{Days, NaiveDate};

/// What the plan says and what happened, for one intervention.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Delivery {
    pub start_date: Option<NaiveDate>,
    pub planned_end_date: Option<NaiveDate>,
    /// The day it was completed or discontinued.
    pub ended_on: Option<NaiveDate>,
    pub sessions_per_week: Option<i16>,
    pub minutes_per_session: Option<i16>,
    /// Sessions with the student present inside `window`.
    pub sessions_delivered: i64,
    pub minutes_delivered: i64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fidelity {
    /// First and last day counted, both included.
    pub window: (NaiveDate, NaiveDate),
    pub planned_sessions: f64,
    pub planned_minutes: Option<f64>,
    /// Delivered ÷ planned; above 1 when more was delivered than planned.
    pub sessions_ratio: f64,
    pub minutes_ratio: Option<f64>,
    pub below_threshold: bool,
}

/// The days delivery is judged over: from the start to the earliest of
/// today, the end and the planned end. None before the start or without a
/// start. The SQL that counts sessions uses the same bounds
/// (`db::interventions::delivery`).
pub fn window(d: &Delivery, today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let start = d.start_date?;
    let end = [Some(today), d.ended_on, d.planned_end_date]
        .into_iter()
        .flatten()
        .min()?;
    (end >= start).then_some((start, end))
}

/// Planned sessions = weeks run × sessions per week, weeks counted in days
/// (both ends included) ÷ 7, so a plan judged mid-week is not penalised for
/// sessions not yet due. None when nothing was planned yet.
///
/// Missed sessions (`domain::missed`) pro-rate a partial week by school
/// days (÷ 5) instead: over whole weeks the two plan the same, but a first
/// or last partial week differs (Tuesday to Friday of a five-a-week plan:
/// 4 days ÷ 7 × 5 ≈ 2.9 here, 4 there; a weekend alone: 2 days ÷ 7 × 5
/// here, nothing there).
pub fn fidelity(d: &Delivery, today: NaiveDate, threshold: f64) -> Option<Fidelity> {
    let (start, end) = window(d, today)?;
    let per_week = f64::from(d.sessions_per_week.filter(|&n| n > 0)?);
    let weeks = ((end - start).num_days() + 1) as f64 / 7.0;
    let planned_sessions = weeks * per_week;
    let planned_minutes = d
        .minutes_per_session
        .filter(|&m| m > 0)
        .map(|m| planned_sessions * f64::from(m));
    let sessions_ratio = d.sessions_delivered as f64 / planned_sessions;
    let minutes_ratio = planned_minutes.map(|p| d.minutes_delivered as f64 / p);
    // Not judged before one whole session was due: on its first day a new
    // plan has delivered 0 of 0.6 sessions, which is no shortfall.
    let below_threshold = planned_sessions >= 1.0
        && (sessions_ratio < threshold || minutes_ratio.is_some_and(|r| r < threshold));
    Some(Fidelity {
        window: (start, end),
        planned_sessions,
        planned_minutes,
        sessions_ratio,
        minutes_ratio,
        below_threshold,
    })
}

/// Days between planned sessions (7 ÷ sessions per week).
pub fn interval_days(sessions_per_week: i16) -> Option<f64> {
    (sessions_per_week > 0).then(|| 7.0 / f64::from(sessions_per_week))
}

/// When the next session is due: the interval after the last session
/// (rounded up to whole days), or the start date before the first one.
pub fn next_session_due(
    start_date: Option<NaiveDate>,
    last_session: Option<NaiveDate>,
    sessions_per_week: Option<i16>,
) -> Option<NaiveDate> {
    match last_session {
        None => start_date,
        Some(last) => {
            let days = interval_days(sessions_per_week?)?.ceil() as u64;
            last.checked_add_days(Days::new(days))
        }
    }
}

/// No session (or, before the first, no start) for more than twice the
/// planned interval: how many days it has been, when it is that long.
pub fn session_gap(
    start_date: Option<NaiveDate>,
    last_session: Option<NaiveDate>,
    sessions_per_week: Option<i16>,
    today: NaiveDate,
) -> Option<i64> {
    let since = last_session.or(start_date)?;
    let days = (today - since).num_days();
    let limit = 2.0 * interval_days(sessions_per_week?)?;
    (days as f64 > limit).then_some(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    fn plan() -> Delivery {
        Delivery {
            start_date: Some(d(9, 7)),
            planned_end_date: Some(d(11, 29)),
            ended_on: None,
            sessions_per_week: Some(3),
            minutes_per_session: Some(30),
            sessions_delivered: 0,
            minutes_delivered: 0,
        }
    }

    #[test]
    fn four_weeks_of_three_sessions() {
        // 7 Sep .. 4 Oct = 28 days = 4 weeks → 12 sessions, 360 minutes planned.
        // 10 delivered (10/12 = 0.833), 270 minutes (270/360 = 0.75 < 0.8).
        let f = fidelity(
            &Delivery {
                sessions_delivered: 10,
                minutes_delivered: 270,
                ..plan()
            },
            d(10, 4),
            0.8,
        )
        .unwrap();
        assert_eq!(f.window, (d(9, 7), d(10, 4)));
        assert!((f.planned_sessions - 12.0).abs() < 1e-9);
        assert_eq!(f.planned_minutes, Some(360.0));
        assert!((f.sessions_ratio - 10.0 / 12.0).abs() < 1e-9);
        assert_eq!(f.minutes_ratio, Some(0.75));
        assert!(f.below_threshold, "minutes fall short");
    }

    #[test]
    fn full_delivery_is_not_flagged_and_the_plan_ends_the_window() {
        // Ended by plan on 29 Nov: 7 Sep .. 29 Nov = 84 days = 12 weeks → 36 sessions.
        let f = fidelity(
            &Delivery {
                sessions_delivered: 36,
                minutes_delivered: 1080,
                ..plan()
            },
            d(12, 20),
            0.8,
        )
        .unwrap();
        assert_eq!(f.window.1, d(11, 29));
        assert!((f.sessions_ratio - 1.0).abs() < 1e-9);
        assert_eq!(f.minutes_ratio, Some(1.0));
        assert!(!f.below_threshold);
    }

    #[test]
    fn an_early_end_closes_the_window() {
        // Discontinued 13 Sep: 7 days = 1 week → 3 planned; 2 delivered = 0.667.
        let f = fidelity(
            &Delivery {
                ended_on: Some(d(9, 13)),
                minutes_per_session: None,
                sessions_delivered: 2,
                ..plan()
            },
            d(10, 1),
            0.6,
        )
        .unwrap();
        assert!((f.planned_sessions - 3.0).abs() < 1e-9);
        assert_eq!(f.minutes_ratio, None);
        assert!(!f.below_threshold, "0.667 is above 0.6");
    }

    #[test]
    fn nothing_planned_yet() {
        assert_eq!(fidelity(&plan(), d(9, 6), 0.8), None, "before the start");
        let unstarted = Delivery {
            start_date: None,
            ..plan()
        };
        assert_eq!(fidelity(&unstarted, d(10, 1), 0.8), None);
        let no_frequency = Delivery {
            sessions_per_week: None,
            ..plan()
        };
        assert_eq!(fidelity(&no_frequency, d(10, 1), 0.8), None);
    }

    #[test]
    fn schedule() {
        // 3 a week: every 2.33 days, due 3 whole days after the last.
        assert_eq!(
            next_session_due(Some(d(9, 7)), Some(d(9, 10)), Some(3)),
            Some(d(9, 13))
        );
        assert_eq!(
            next_session_due(Some(d(9, 7)), None, Some(3)),
            Some(d(9, 7))
        );
        assert_eq!(next_session_due(None, Some(d(9, 10)), None), None);
        // Twice the interval of 1 a week is 14 days: 14 is fine, 15 is a gap.
        assert_eq!(session_gap(None, Some(d(9, 1)), Some(1), d(9, 15)), None);
        assert_eq!(
            session_gap(None, Some(d(9, 1)), Some(1), d(9, 16)),
            Some(15)
        );
        assert_eq!(session_gap(Some(d(9, 1)), None, Some(5), d(9, 4)), Some(3));
    }

    #[test]
    fn a_plan_is_not_flagged_before_one_session_was_due() {
        let p = Delivery {
            sessions_per_week: Some(4),
            ..plan()
        };
        let first = fidelity(&p, d(9, 7), 0.8).expect("judged");
        assert!(first.planned_sessions < 1.0);
        assert!(!first.below_threshold, "0 of 0.6 is no shortfall");
        let second = fidelity(&p, d(9, 8), 0.8).expect("judged");
        assert!(second.planned_sessions >= 1.0);
        assert!(second.below_threshold, "a whole session due and none given");
    }
}
