//! Progress monitoring maths: the aimline from baseline to target, the
//! least-squares trend of the data points, and the decision rules that turn
//! them into advice. Pure functions over days and values, so every rule can
//! be checked against a hand-computed example.

use chrono::NaiveDate;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Higher is better (words correct per minute).
    Increase,
    /// Lower is better (office referrals per week).
    Decrease,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub on: NaiveDate,
    pub value: f64,
}

/// A straight line over calendar days: value = at_origin + slope × days
/// since `origin`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Line {
    pub origin: NaiveDate,
    pub at_origin: f64,
    /// Change in value per day.
    pub slope: f64,
}

impl Line {
    pub fn value_on(&self, day: NaiveDate) -> f64 {
        self.at_origin + self.slope * days_between(self.origin, day)
    }
}

fn days_between(from: NaiveDate, to: NaiveDate) -> f64 {
    (to - from).num_days() as f64
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Goal {
    pub direction: Direction,
    pub baseline: Point,
    pub target: Point,
}

/// Why a goal has no aimline, in the words the screen shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AimlineError {
    MissingBaseline,
    MissingTarget,
    TargetNotAfterBaseline,
}

impl std::fmt::Display for AimlineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            AimlineError::MissingBaseline => "no baseline: record a baseline value and date",
            AimlineError::MissingTarget => "no target: set a target value and date",
            AimlineError::TargetNotAfterBaseline => {
                "the target date must be after the baseline date"
            }
        })
    }
}

impl Goal {
    /// A goal from its (nullable) columns; the aimline needs all four.
    pub fn from_parts(
        direction: Direction,
        baseline: (Option<f64>, Option<NaiveDate>),
        target: (Option<f64>, Option<NaiveDate>),
    ) -> Result<Goal, AimlineError> {
        let (Some(bv), Some(bd)) = baseline else {
            return Err(AimlineError::MissingBaseline);
        };
        let (Some(tv), Some(td)) = target else {
            return Err(AimlineError::MissingTarget);
        };
        if td <= bd {
            return Err(AimlineError::TargetNotAfterBaseline);
        }
        Ok(Goal {
            direction,
            baseline: Point { on: bd, value: bv },
            target: Point { on: td, value: tv },
        })
    }

    /// The expected path from baseline to target.
    pub fn aimline(&self) -> Line {
        let days = days_between(self.baseline.on, self.target.on);
        Line {
            origin: self.baseline.on,
            at_origin: self.baseline.value,
            slope: (self.target.value - self.baseline.value) / days,
        }
    }

    /// How far `value` is on the good side of `expected` (positive = better
    /// than expected), whichever way the goal points.
    fn ahead_by(&self, value: f64, expected: f64) -> f64 {
        match self.direction {
            Direction::Increase => value - expected,
            Direction::Decrease => expected - value,
        }
    }
}

/// Fewer points than this give no trend line.
pub const MIN_TREND_POINTS: usize = 3;

/// Ordinary least squares over (days since the first point, value). None
/// below three points, or when every point falls on the same day.
pub fn trend(points: &[Point]) -> Option<Line> {
    if points.len() < MIN_TREND_POINTS {
        return None;
    }
    let origin = points.iter().map(|p| p.on).min()?;
    let n = points.len() as f64;
    let xs: Vec<f64> = points.iter().map(|p| days_between(origin, p.on)).collect();
    let mean_x = xs.iter().sum::<f64>() / n;
    let mean_y = points.iter().map(|p| p.value).sum::<f64>() / n;
    let sxx: f64 = xs.iter().map(|x| (x - mean_x).powi(2)).sum();
    if sxx == 0.0 {
        return None;
    }
    let sxy: f64 = xs
        .iter()
        .zip(points)
        .map(|(x, p)| (x - mean_x) * (p.value - mean_y))
        .sum();
    let slope = sxy / sxx;
    Some(Line {
        origin,
        at_origin: mean_y - slope * mean_x,
        slope,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecisionRule {
    /// The last N points all on one side of the aimline.
    FourPoint,
    /// The trend's slope against the aimline's.
    Trend,
    None,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    NotEnoughData {
        have: usize,
        need: usize,
    },
    OnTrack,
    /// Consider changing the intervention.
    OffTrack,
    /// Consider raising the goal.
    Exceeding,
    NoRule,
}

impl Verdict {
    pub fn advice(&self) -> String {
        match self {
            Verdict::NotEnoughData { have, need } => {
                format!("not enough data: {have} of {need} points")
            }
            Verdict::OnTrack => "on track".into(),
            Verdict::OffTrack => "off track: consider changing the intervention".into(),
            Verdict::Exceeding => "exceeding: consider raising the goal".into(),
            Verdict::NoRule => "no decision rule".into(),
        }
    }
}

/// Points on or after the baseline, oldest first: the ones a rule judges.
fn judged(goal: &Goal, points: &[Point]) -> Vec<Point> {
    let mut ps: Vec<Point> = points
        .iter()
        .copied()
        .filter(|p| p.on >= goal.baseline.on)
        .collect();
    ps.sort_by_key(|p| p.on);
    ps
}

/// The last `n` points all below the aimline (on the bad side) → off track;
/// all on the good side → exceeding; a point on the line, or a mix, → on
/// track.
pub fn four_point(goal: &Goal, points: &[Point], n: usize) -> Verdict {
    let n = n.max(1);
    let ps = judged(goal, points);
    if ps.len() < n {
        return Verdict::NotEnoughData {
            have: ps.len(),
            need: n,
        };
    }
    let aim = goal.aimline();
    let margins: Vec<f64> = ps[ps.len() - n..]
        .iter()
        .map(|p| goal.ahead_by(p.value, aim.value_on(p.on)))
        .collect();
    if margins.iter().all(|&m| m < 0.0) {
        Verdict::OffTrack
    } else if margins.iter().all(|&m| m > 0.0) {
        Verdict::Exceeding
    } else {
        Verdict::OnTrack
    }
}

/// Slopes within this share of the aimline's count as equal: daily data are
/// noisy, and a trend 2% flatter than the aim is not a reason to act.
pub const TREND_TOLERANCE: f64 = 0.05;

/// The trend of the points against the aimline: flatter (in the goal's
/// direction) → off track; steeper → exceeding.
pub fn trend_rule(goal: &Goal, points: &[Point]) -> Verdict {
    let ps = judged(goal, points);
    let Some(t) = trend(&ps) else {
        return Verdict::NotEnoughData {
            have: ps.len(),
            need: MIN_TREND_POINTS,
        };
    };
    let aim = goal.aimline();
    let better_by = goal.ahead_by(t.slope, aim.slope);
    let tolerance = aim.slope.abs() * TREND_TOLERANCE;
    if better_by < -tolerance {
        Verdict::OffTrack
    } else if better_by > tolerance {
        Verdict::Exceeding
    } else {
        Verdict::OnTrack
    }
}

pub fn decide(rule: DecisionRule, goal: &Goal, points: &[Point], n: usize) -> Verdict {
    match rule {
        DecisionRule::FourPoint => four_point(goal, points, n),
        DecisionRule::Trend => trend_rule(goal, points),
        DecisionRule::None => Verdict::NoRule,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 9, 1).unwrap() + chrono::Days::new(u64::from(day))
    }

    fn p(day: u32, value: f64) -> Point {
        Point { on: d(day), value }
    }

    /// 40 → 90 words correct per minute over 100 days: 0.5 a day.
    fn reading() -> Goal {
        Goal {
            direction: Direction::Increase,
            baseline: p(0, 40.0),
            target: p(100, 90.0),
        }
    }

    /// 10 → 2 referrals over 80 days: -0.1 a day.
    fn referrals() -> Goal {
        Goal {
            direction: Direction::Decrease,
            baseline: p(0, 10.0),
            target: p(80, 2.0),
        }
    }

    #[test]
    fn aimline_runs_from_baseline_to_target() {
        let aim = reading().aimline();
        assert_eq!(aim.slope, 0.5);
        assert_eq!(aim.value_on(d(0)), 40.0);
        assert_eq!(aim.value_on(d(30)), 55.0);
        assert_eq!(aim.value_on(d(100)), 90.0);
        let down = referrals().aimline();
        assert_eq!(down.slope, -0.1);
        assert_eq!(down.value_on(d(40)), 6.0);
    }

    #[test]
    fn trend_is_ordinary_least_squares() {
        // x = 0, 7, 14; y = 40, 44, 51. mean x = 7, mean y = 45;
        // sxy = (-7)(-5) + 0 + 7·6 = 77; sxx = 98; slope = 77/98 = 0.7857…;
        // intercept = 45 - 0.7857·7 = 39.5.
        let t = trend(&[p(0, 40.0), p(7, 44.0), p(14, 51.0)]).unwrap();
        assert!((t.slope - 77.0 / 98.0).abs() < 1e-12);
        assert!((t.at_origin - 39.5).abs() < 1e-12);
        assert_eq!(t.origin, d(0));
    }

    #[test]
    fn no_trend_below_three_points_or_on_one_day() {
        assert_eq!(trend(&[p(0, 1.0), p(7, 2.0)]), None);
        assert_eq!(trend(&[p(3, 1.0), p(3, 2.0), p(3, 5.0)]), None);
        let v = trend_rule(&reading(), &[p(1, 41.0), p(8, 45.0)]);
        assert_eq!(v, Verdict::NotEnoughData { have: 2, need: 3 });
        assert_eq!(v.advice(), "not enough data: 2 of 3 points");
    }

    #[test]
    fn four_points_below_an_increasing_aimline_are_off_track() {
        // Aimline on days 10, 20, 30, 40: 45, 50, 55, 60.
        let pts = [p(10, 44.0), p(20, 48.0), p(30, 54.9), p(40, 59.0)];
        assert_eq!(four_point(&reading(), &pts, 4), Verdict::OffTrack);
        assert_eq!(
            four_point(&reading(), &pts, 4).advice(),
            "off track: consider changing the intervention"
        );
    }

    #[test]
    fn four_points_above_are_exceeding_and_one_on_the_line_is_not() {
        let above = [p(10, 46.0), p(20, 51.0), p(30, 56.0), p(40, 61.0)];
        assert_eq!(four_point(&reading(), &above, 4), Verdict::Exceeding);
        let touching = [p(10, 46.0), p(20, 50.0), p(30, 56.0), p(40, 61.0)];
        assert_eq!(four_point(&reading(), &touching, 4), Verdict::OnTrack);
    }

    #[test]
    fn only_the_last_n_points_count() {
        // Old points far below, the last three above: with N = 3 exceeding.
        let pts = [p(5, 10.0), p(10, 46.0), p(20, 51.0), p(30, 56.0)];
        assert_eq!(four_point(&reading(), &pts, 3), Verdict::Exceeding);
        assert_eq!(four_point(&reading(), &pts, 4), Verdict::OnTrack);
        assert_eq!(
            four_point(&reading(), &pts, 5),
            Verdict::NotEnoughData { have: 4, need: 5 }
        );
    }

    #[test]
    fn a_decreasing_goal_is_off_track_when_values_stay_high() {
        // Aimline on days 10, 20, 30, 40: 9, 8, 7, 6. Values above it are bad.
        let high = [p(10, 9.5), p(20, 8.5), p(30, 7.5), p(40, 6.5)];
        assert_eq!(four_point(&referrals(), &high, 4), Verdict::OffTrack);
        let low = [p(10, 8.0), p(20, 7.0), p(30, 6.0), p(40, 5.0)];
        assert_eq!(four_point(&referrals(), &low, 4), Verdict::Exceeding);
    }

    #[test]
    fn trend_rule_compares_slopes_in_the_goals_direction() {
        // Increase, aim 0.5/day. Slope 0.25/day: off track.
        let flat = [p(0, 40.0), p(10, 42.5), p(20, 45.0), p(30, 47.5)];
        assert_eq!(trend_rule(&reading(), &flat), Verdict::OffTrack);
        // Slope 1/day: exceeding.
        let steep = [p(0, 40.0), p(10, 50.0), p(20, 60.0)];
        assert_eq!(trend_rule(&reading(), &steep), Verdict::Exceeding);
        // Slope 0.51/day is within 5% of 0.5: on track.
        let close = [p(0, 40.0), p(10, 45.1), p(20, 50.2)];
        assert_eq!(trend_rule(&reading(), &close), Verdict::OnTrack);
        // Decrease, aim -0.1/day. Slope -0.05/day is too slow: off track.
        let slow = [p(0, 10.0), p(20, 9.0), p(40, 8.0)];
        assert_eq!(trend_rule(&referrals(), &slow), Verdict::OffTrack);
        // Slope -0.2/day: exceeding.
        let fast = [p(0, 10.0), p(10, 8.0), p(20, 6.0)];
        assert_eq!(trend_rule(&referrals(), &fast), Verdict::Exceeding);
    }

    #[test]
    fn points_before_the_baseline_are_not_judged() {
        let g = Goal {
            baseline: p(10, 45.0),
            ..reading()
        };
        let pts = [p(0, 0.0), p(1, 0.0), p(20, 60.0), p(30, 70.0)];
        assert_eq!(
            four_point(&g, &pts, 3),
            Verdict::NotEnoughData { have: 2, need: 3 }
        );
    }

    #[test]
    fn goals_without_baseline_or_target_have_no_aimline() {
        let none = Goal::from_parts(
            Direction::Increase,
            (None, Some(d(0))),
            (Some(1.0), Some(d(9))),
        );
        assert_eq!(none, Err(AimlineError::MissingBaseline));
        let backwards = Goal::from_parts(
            Direction::Increase,
            (Some(1.0), Some(d(9))),
            (Some(5.0), Some(d(9))),
        );
        assert_eq!(backwards, Err(AimlineError::TargetNotAfterBaseline));
        let ok = Goal::from_parts(
            Direction::Decrease,
            (Some(10.0), Some(d(0))),
            (Some(2.0), Some(d(80))),
        );
        assert_eq!(ok, Ok(referrals()));
    }

    #[test]
    fn decide_dispatches_on_the_goals_rule() {
        let pts = [p(10, 44.0), p(20, 48.0), p(30, 54.0), p(40, 59.0)];
        assert_eq!(
            decide(DecisionRule::FourPoint, &reading(), &pts, 4),
            Verdict::OffTrack
        );
        assert_eq!(
            decide(DecisionRule::None, &reading(), &pts, 4),
            Verdict::NoRule
        );
    }
}
