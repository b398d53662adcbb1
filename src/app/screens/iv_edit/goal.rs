//! The goal form and the data-point form: fields, values and parsing. The
//! goal checks mirror the table's CHECKs (the target lies on the side of
//! the baseline its direction says, and after it in time) with messages
//! that name the numbers involved.

use crate::app::choices::{DECISION_RULES, DIRECTIONS, GOAL_STATUSES};
use crate::app::form::{
    Errors, FieldSpec, choice, date, decimal, optional, pick, pick_with, required, text,
};
use crate::domain::goals::{GoalFields, NewMeasurement};
use crate::domain::kinds::{GoalDirection, GoalRule, GoalStatus};
use chrono::NaiveDate;
use uuid::Uuid;

pub const GOAL: &[FieldSpec] = &[
    text("Statement", "required: what the student will do, by when"),
    text(
        "Measure",
        "required: how it is measured, e.g. words correct per minute",
    ),
    text("Unit", "optional, e.g. wcpm, %, incidents"),
    pick_with("Direction", DIRECTIONS, "which way is progress"),
    text("Baseline value", "a number, e.g. 42 or 3.5"),
    text("Baseline date", "YYYY-MM-DD"),
    text(
        "Target value",
        "a number beyond the baseline in the goal's direction",
    ),
    text("Target date", "YYYY-MM-DD, after the baseline date"),
    pick("Decision rule", DECISION_RULES),
    pick("Status", GOAL_STATUSES),
];

pub const POINT: &[FieldSpec] = &[
    text("Date", "YYYY-MM-DD: the day it was measured"),
    text("Value", "a number, e.g. 42 or 3.5"),
    text("Note", "optional"),
];

fn labels<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|x| name(*x)).collect()
}

/// The text of a number as people typed it: 42, not 42.0.
pub fn number_text(v: f64) -> String {
    let s = format!("{v}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

fn opt_num(v: Option<f64>) -> String {
    v.map(number_text).unwrap_or_default()
}

fn opt_day(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// A new goal: increasing, judged by the four-point rule, active; the
/// measure suggested by the program when it names one.
pub fn new_values(measure: Option<&str>) -> Vec<String> {
    vec![
        String::new(),
        measure.unwrap_or_default().to_string(),
        String::new(),
        "increase".into(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        "four_point".into(),
        "active".into(),
    ]
}

pub fn values(f: &GoalFields) -> Vec<String> {
    vec![
        f.statement.clone(),
        f.measure.clone(),
        f.unit.clone().unwrap_or_default(),
        f.direction.as_str().into(),
        opt_num(f.baseline_value),
        opt_day(f.baseline_date),
        opt_num(f.target_value),
        opt_day(f.target_date),
        f.decision_rule.as_str().into(),
        f.status.as_str().into(),
    ]
}

pub fn parse(v: &[String], sort_order: i32) -> Result<GoalFields, Vec<(usize, String)>> {
    let mut e = Errors(Vec::new());
    let statement = e.take(0, required(&v[0], "the statement", 2000));
    let measure = e.take(1, required(&v[1], "the measure", 200));
    let unit = e.take(
        2,
        match optional(&v[2]) {
            Some(u) if u.chars().count() > 50 => Err("the unit is at most 50 characters".into()),
            u => Ok(u),
        },
    );
    let direction = e
        .take(
            3,
            choice(
                &v[3],
                "direction",
                &labels(GoalDirection::ALL, GoalDirection::as_str),
            ),
        )
        .and_then(|d| d.parse::<GoalDirection>().ok());
    let baseline = e.take(4, decimal(&v[4], "the baseline"));
    let baseline_on = e.take(5, date(&v[5]));
    let target = e.take(6, decimal(&v[6], "the target"));
    let target_on = e.take(7, date(&v[7]));
    if let (Some(Some(b)), Some(Some(t))) = (baseline_on, target_on)
        && t <= b
    {
        e.0.push((
            7,
            format!("the target date must be after the baseline date ({b})"),
        ));
    }
    if let (Some(d), Some(Some(b)), Some(Some(t))) = (direction, baseline, target) {
        let (ok, which, side) = match d {
            GoalDirection::Increase => (t > b, "an increasing", "above"),
            GoalDirection::Decrease => (t < b, "a decreasing", "below"),
        };
        if !ok {
            e.0.push((
                6,
                format!(
                    "{which} goal needs a target {side} the baseline ({})",
                    number_text(b)
                ),
            ));
        }
    }
    let rule = e
        .take(
            8,
            choice(
                &v[8],
                "decision rule",
                &labels(GoalRule::ALL, GoalRule::as_str),
            ),
        )
        .and_then(|r| r.parse::<GoalRule>().ok());
    let status = e
        .take(
            9,
            choice(
                &v[9],
                "goal status",
                &labels(GoalStatus::ALL, GoalStatus::as_str),
            ),
        )
        .and_then(|s| s.parse::<GoalStatus>().ok());
    match (
        statement,
        measure,
        unit,
        direction,
        baseline,
        baseline_on,
        target,
        target_on,
        rule,
        status,
    ) {
        (
            Some(statement),
            Some(measure),
            Some(unit),
            Some(direction),
            Some(baseline_value),
            Some(baseline_date),
            Some(target_value),
            Some(target_date),
            Some(decision_rule),
            Some(status),
        ) if e.0.is_empty() => Ok(GoalFields {
            statement,
            measure,
            unit,
            direction,
            baseline_value,
            baseline_date,
            target_value,
            target_date,
            decision_rule,
            status,
            sort_order,
        }),
        _ => Err(e.0),
    }
}

/// A data point for `goal_id` entered on its own (no session).
pub fn parse_point(
    v: &[String],
    id: Uuid,
    goal_id: Uuid,
    today: Option<NaiveDate>,
) -> Result<NewMeasurement, Vec<(usize, String)>> {
    let mut e = Errors(Vec::new());
    let on = e.take(
        0,
        date(&v[0]).and_then(|d| match (d, today) {
            (None, _) => Err("the date is required".to_string()),
            (Some(d), Some(t)) if d > t => Err(format!(
                "{d} is after today ({t}): enter a point once it is measured"
            )),
            (Some(d), _) => Ok(d),
        }),
    );
    let value = e.take(
        1,
        decimal(&v[1], "the value").and_then(|d| d.ok_or_else(|| "the value is required".into())),
    );
    let note = e.take(
        2,
        match optional(&v[2]) {
            Some(n) if n.chars().count() > 2000 => {
                Err("the note is at most 2000 characters".into())
            }
            n => Ok(n),
        },
    );
    match (on, value, note) {
        (Some(measured_on), Some(value), Some(note)) if e.0.is_empty() => Ok(NewMeasurement {
            id,
            goal_id,
            session_id: None,
            measured_on,
            value,
            note,
        }),
        _ => Err(e.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn goal(dir: &str, b: &str, bd: &str, t: &str, td: &str) -> Vec<String> {
        let mut v = new_values(Some("wcpm"));
        v[0] = "Reads 90 wcpm".into();
        v[3] = dir.into();
        v[4] = b.into();
        v[5] = bd.into();
        v[6] = t.into();
        v[7] = td.into();
        v
    }

    #[test]
    fn the_target_must_lie_beyond_the_baseline() {
        let e = parse(&goal("increase", "40", "2026-09-01", "30", "2026-12-01"), 0).unwrap_err();
        assert_eq!(
            e,
            vec![(
                6,
                "an increasing goal needs a target above the baseline (40)".into()
            )]
        );
        let e = parse(&goal("decrease", "4", "2026-09-01", "6.5", "2026-12-01"), 0).unwrap_err();
        assert_eq!(
            e,
            vec![(
                6,
                "a decreasing goal needs a target below the baseline (4)".into()
            )]
        );
        let ok = parse(&goal("Decrease", "4", "2026-09-01", "1", "2026-12-01"), 3).unwrap();
        assert_eq!(ok.direction, GoalDirection::Decrease);
        assert_eq!(ok.sort_order, 3);
    }

    #[test]
    fn the_target_date_follows_the_baseline_date() {
        let e = parse(&goal("increase", "40", "2026-09-01", "90", "2026-09-01"), 0).unwrap_err();
        assert_eq!(
            e,
            vec![(
                7,
                "the target date must be after the baseline date (2026-09-01)".into()
            )]
        );
    }

    #[test]
    fn rules_and_directions_list_their_values() {
        let mut v = goal("sideways", "", "", "", "");
        v[8] = "gut".into();
        let e = parse(&v, 0).unwrap_err();
        assert_eq!(
            e[0],
            (
                3,
                "unknown direction \"sideways\"; expected one of: increase, decrease".into()
            )
        );
        assert_eq!(
            e[1],
            (
                8,
                "unknown decision rule \"gut\"; expected one of: four_point, trend, none".into()
            )
        );
    }

    #[test]
    fn a_point_needs_a_date_and_a_number() {
        let v = ["", "4,5", ""].map(String::from);
        let e = parse_point(&v, Uuid::nil(), Uuid::nil(), None).unwrap_err();
        assert_eq!(e[0], (0, "the date is required".into()));
        assert!(e[1].1.contains("\"4,5\" is not a number"), "{e:?}");
        let v = ["2026-10-01", "47.5", " good day "].map(String::from);
        let p = parse_point(
            &v,
            Uuid::nil(),
            Uuid::nil(),
            NaiveDate::from_ymd_opt(2026, 10, 1),
        )
        .unwrap();
        assert_eq!((p.value, p.note.as_deref()), (47.5, Some("good day")));
        let e = parse_point(
            &v,
            Uuid::nil(),
            Uuid::nil(),
            NaiveDate::from_ymd_opt(2026, 9, 30),
        )
        .unwrap_err();
        assert_eq!(
            e,
            vec![(
                0,
                "2026-10-01 is after today (2026-09-30): enter a point once it is measured".into()
            )]
        );
    }

    #[test]
    fn numbers_read_back_as_typed() {
        assert_eq!(number_text(42.0), "42");
        assert_eq!(number_text(3.5), "3.5");
    }
}
