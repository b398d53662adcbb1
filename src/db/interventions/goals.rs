//! Goals and their data points. Values are `numeric` in the database and
//! f64 here: progress scores are small measured quantities, and the chart
//! maths is floating point anyway.

use super::error::WriteError;
use super::kinds::{GoalDirection, GoalRule, GoalStatus};
use crate::domain::progress::{self, AimlineError, Point, Verdict};
use chrono::NaiveDate;
use tokio_postgres::types::ToSql;
use tokio_postgres::{GenericClient, Row};
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

pub(crate) const GOAL_COLUMNS: &str = "g.id, g.intervention_id, g.statement, g.measure, g.unit, \
     g.direction, g.baseline_value::float8, g.baseline_date, g.target_value::float8, \
     g.target_date, g.decision_rule, g.status, g.sort_order, g.version";

pub(crate) fn goal_row(r: &Row) -> Goal {
    goal_row_from(r, 0)
}

/// A goal from GOAL_COLUMNS placed at column `at` onwards.
pub(crate) fn goal_row_from(r: &Row, at: usize) -> Goal {
    Goal {
        id: r.get(at),
        intervention_id: r.get(at + 1),
        fields: GoalFields {
            statement: r.get(at + 2),
            measure: r.get(at + 3),
            unit: r.get(at + 4),
            direction: r.get(at + 5),
            baseline_value: r.get(at + 6),
            baseline_date: r.get(at + 7),
            target_value: r.get(at + 8),
            target_date: r.get(at + 9),
            decision_rule: r.get(at + 10),
            status: r.get(at + 11),
            sort_order: r.get(at + 12),
        },
        version: r.get(at + 13),
    }
}

pub(crate) const MEASUREMENT_COLUMNS: &str =
    "m.id, m.goal_id, m.session_id, m.measured_on, m.value::float8, m.note";

pub(crate) fn measurement_row(r: &Row) -> Measurement {
    Measurement {
        id: r.get(0),
        goal_id: r.get(1),
        session_id: r.get(2),
        measured_on: r.get(3),
        value: r.get(4),
        note: r.get(5),
    }
}

pub async fn load_goal(
    client: &impl GenericClient,
    id: Uuid,
) -> Result<Option<Goal>, tokio_postgres::Error> {
    let sql = format!("SELECT {GOAL_COLUMNS} FROM intervention_goals g WHERE g.id = $1");
    Ok(client.query_opt(&sql, &[&id]).await?.as_ref().map(goal_row))
}

/// Two leading parameters, then the fields as $3..$13 in GoalFields order.
fn with_fields<'a>(
    lead: [&'a (dyn ToSql + Sync); 2],
    f: &'a GoalFields,
) -> Vec<&'a (dyn ToSql + Sync)> {
    let fields: [&'a (dyn ToSql + Sync); 11] = [
        &f.statement,
        &f.measure,
        &f.unit,
        &f.direction,
        &f.baseline_value,
        &f.baseline_date,
        &f.target_value,
        &f.target_date,
        &f.decision_rule,
        &f.status,
        &f.sort_order,
    ];
    lead.into_iter().chain(fields).collect()
}

/// A new goal. `id` is generated by the client so that a retried save
/// finds its first attempt instead of adding a twin.
pub async fn add_goal(
    client: &impl GenericClient,
    id: Uuid,
    intervention_id: Uuid,
    f: &GoalFields,
) -> Result<Goal, WriteError<Goal>> {
    client
        .execute(
            "INSERT INTO intervention_goals (id, intervention_id, statement, measure, unit, \
               direction, baseline_value, baseline_date, target_value, target_date, \
               decision_rule, status, sort_order) \
             VALUES ($1, $2, $3, $4, $5, $6, $7::float8, $8, $9::float8, $10, $11, $12, $13) \
             ON CONFLICT (id) DO NOTHING",
            &with_fields([&id, &intervention_id], f),
        )
        .await?;
    load_goal(client, id).await?.ok_or(WriteError::NotFound)
}

/// Saves the fields if nobody changed the goal since `expected_version`;
/// returns the new version, or the goal as it is now.
pub async fn update_goal(
    client: &impl GenericClient,
    id: Uuid,
    expected_version: i32,
    f: &GoalFields,
) -> Result<i32, WriteError<Goal>> {
    let row = client
        .query_opt(
            "UPDATE intervention_goals SET statement = $3, measure = $4, unit = $5, \
               direction = $6, baseline_value = $7::float8, baseline_date = $8, \
               target_value = $9::float8, target_date = $10, decision_rule = $11, \
               status = $12, sort_order = $13 \
             WHERE id = $1 AND version = $2 RETURNING version",
            &with_fields([&id, &expected_version], f),
        )
        .await?;
    match row {
        Some(r) => Ok(r.get(0)),
        None => Err(WriteError::stale(load_goal(client, id).await?)),
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

pub async fn add_measurement(
    client: &impl GenericClient,
    m: &NewMeasurement,
) -> Result<Measurement, WriteError<Measurement>> {
    let sql = format!(
        "WITH ins AS ( \
           INSERT INTO progress_measurements (id, goal_id, session_id, measured_on, value, note, \
             created_by) \
           VALUES ($1, $2, $3, $4, $5::float8, $6, caseload_current_user_id()) \
           ON CONFLICT (id) DO NOTHING RETURNING *) \
         SELECT {MEASUREMENT_COLUMNS} FROM ins m \
         UNION ALL \
         SELECT {MEASUREMENT_COLUMNS} FROM progress_measurements m WHERE m.id = $1"
    );
    let rows = client
        .query(
            &sql,
            &[
                &m.id,
                &m.goal_id,
                &m.session_id,
                &m.measured_on,
                &m.value,
                &m.note,
            ],
        )
        .await?;
    rows.first()
        .map(measurement_row)
        .ok_or(WriteError::NotFound)
}

pub async fn delete_measurement(
    client: &impl GenericClient,
    id: Uuid,
) -> Result<(), WriteError<Measurement>> {
    match client
        .execute("DELETE FROM progress_measurements WHERE id = $1", &[&id])
        .await?
    {
        0 => Err(WriteError::NotFound),
        _ => Ok(()),
    }
}
