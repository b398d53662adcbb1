//! Goals and their data points. Values are `numeric` in the database and
//! f64 here: progress scores are small measured quantities, and the chart
//! maths is floating point anyway.

use crate::domain::kinds::{GoalDirection, GoalRule, GoalStatus};
use crate::domain::progress::{self, AimlineError, Point, Verdict};
use chrono::NaiveDate;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq)]
pub struct Goal {
    pub id: Uuid,
    pub intervention_id: Uuid,
    pub fields: GoalFields,
    pub version: i32,
}

/// Everything a person edits on a goal.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalFields {
    pub statement: String,
    pub measure: String,
    pub unit: Option<String>,
    pub direction: GoalDirection,
    pub baseline_value: Option<f64>,
    pub baseline_date: Option<NaiveDate>,
    pub target_value: Option<f64>,
    pub target_date: Option<NaiveDate>,
    pub decision_rule: GoalRule,
    pub status: GoalStatus,
    pub sort_order: i32,
}

impl Goal {
    /// The goal as the progress maths sees it; an error says what is missing.
    pub fn progress_goal(&self) -> Result<progress::Goal, AimlineError> {
        let f = &self.fields;
        progress::Goal::from_parts(
            f.direction.into(),
            (f.baseline_value, f.baseline_date),
            (f.target_value, f.target_date),
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    pub id: Uuid,
    pub goal_id: Uuid,
    pub session_id: Option<Uuid>,
    pub measured_on: NaiveDate,
    pub value: f64,
    pub note: Option<String>,
}

impl Measurement {
    pub fn point(&self) -> Point {
        Point {
            on: self.measured_on,
            value: self.value,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct GoalWithPoints {
    pub goal: Goal,
    /// Oldest first.
    pub points: Vec<Measurement>,
}

impl GoalWithPoints {
    /// Pairs goals with their points; goals keep their order.
    pub fn group(goals: Vec<Goal>, mut points: Vec<Measurement>) -> Vec<GoalWithPoints> {
        points.sort_by_key(|p| (p.goal_id, p.measured_on));
        goals
            .into_iter()
            .map(|goal| {
                let start = points.partition_point(|p| p.goal_id < goal.id);
                let end = points.partition_point(|p| p.goal_id <= goal.id);
                GoalWithPoints {
                    points: points[start..end].to_vec(),
                    goal,
                }
            })
            .collect()
    }

    /// The goal's decision rule applied to its points; a goal without a
    /// complete baseline and target has no aimline to judge against.
    pub fn verdict(&self, n: usize) -> Result<Verdict, AimlineError> {
        let goal = self.goal.progress_goal()?;
        let points: Vec<Point> = self.points.iter().map(Measurement::point).collect();
        Ok(progress::decide(
            self.goal.fields.decision_rule.into(),
            &goal,
            &points,
            n,
        ))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewMeasurement {
    /// Client-generated: a retried save is a no-op.
    pub id: Uuid,
    pub goal_id: Uuid,
    /// The session it was taken in, when entered with a session.
    pub session_id: Option<Uuid>,
    pub measured_on: NaiveDate,
    pub value: f64,
    pub note: Option<String>,
}
