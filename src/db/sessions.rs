//! Intervention sessions: what the session note editor needs to open
//! (offline too, so it is all in one serialisable context), and saves that
//! are idempotent by the client-generated id and optimistic on version.

use crate::db::interventions::WriteError;
use crate::db::unnamed::{Param, Unnamed};
use crate::domain::enums::FieldType;
use crate::domain::refusal::Refusal;
use crate::domain::session::{
    FieldDef, GoalToScore, LogTarget, Score, SessionContext, SessionValues, SessionWrite,
    StoredSession, planned_minutes, same_values, validate,
};
use tokio_postgres::error::SqlState;
use tokio_postgres::{GenericClient, Row};
use uuid::Uuid;

pub type SaveError = WriteError<StoredSession>;

const CONTEXT_SQL: &str = "SELECT i.id, i.student_id, \
       s.last_name || ', ' || COALESCE(NULLIF(btrim(s.preferred_name), ''), s.first_name), \
       COALESCE(p.name, i.custom_name, ''), i.status, i.minutes_per_session, \
       (SELECT st.value FROM settings st \
         WHERE st.key = 'default_session_minutes' \
           AND (st.scope = 'system' OR (st.scope = 'school' AND st.school_id = i.school_id)) \
         ORDER BY st.scope = 'school' DESC LIMIT 1), \
       COALESCE(p.session_fields, '[]'::jsonb), caseload_can_view_restricted(), \
       caseload_may_log_session(i.id) \
     FROM interventions i \
     JOIN students s ON s.id = i.student_id \
     LEFT JOIN intervention_programs p ON p.id = i.program_id \
     WHERE i.id = $1";

const GOALS_SQL: &str = "SELECT g.id, g.statement, g.measure, g.unit, g.target_value::float8 \
     FROM intervention_goals g WHERE g.intervention_id = $1 AND g.status = 'active' \
     ORDER BY g.sort_order, g.created_at, g.id";

const LAST_VALUES_SQL: &str = "SELECT se.field_values, se.session_date FROM intervention_sessions se \
     WHERE se.intervention_id = $1 AND se.field_values <> '{}'::jsonb \
     ORDER BY se.session_date DESC, se.start_time DESC NULLS LAST, se.created_at DESC, se.id \
     LIMIT 1";

/// The editor's context for a new or edited session of `intervention_id`;
/// `None` when the intervention is not visible. Three queries, pipelined:
/// about one round trip.
pub async fn context(
    client: &tokio_postgres::Client,
    intervention_id: Uuid,
) -> Result<Option<SessionContext>, tokio_postgres::Error> {
    let by_id: [&dyn Param; 1] = [&intervention_id];
    let (head, goals, last) = futures::try_join!(
        client.fetch_opt(CONTEXT_SQL, &by_id),
        client.fetch(GOALS_SQL, &by_id),
        client.fetch_opt(LAST_VALUES_SQL, &by_id),
    )?;
    let Some(h) = head else {
        return Ok(None);
    };
    let plan_minutes: Option<i16> = h.get(5);
    let setting: Option<serde_json::Value> = h.get(6);
    let session_fields: serde_json::Value = h.get(7);
    Ok(Some(SessionContext {
        intervention_id: h.get(0),
        student_id: h.get(1),
        student_name: h.get(2),
        intervention_name: h.get(3),
        status: h.get(4),
        planned_minutes: planned_minutes(plan_minutes, setting.as_ref()),
        fields: parse_fields(&session_fields),
        goals: goals
            .iter()
            .map(|r| GoalToScore {
                id: r.get(0),
                statement: r.get(1),
                measure: r.get(2),
                unit: r.get(3),
                target: r.get(4),
            })
            .collect(),
        last_field_values: last
            .as_ref()
            .map(|r| r.get::<_, serde_json::Value>(0))
            .filter(serde_json::Value::is_object)
            .unwrap_or_else(|| serde_json::json!({})),
        last_session_date: last.as_ref().map(|r| r.get(1)),
        can_restrict: h.get(8),
        may_write: h.get(9),
    }))
}

/// A program's `session_fields`, in order. Entries without a key are
/// skipped; an unknown field type is shown as text.
pub fn parse_fields(v: &serde_json::Value) -> Vec<FieldDef> {
    let Some(items) = v.as_array() else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|f| {
            let key = f.get("key")?.as_str()?.trim();
            if key.is_empty() {
                return None;
            }
            let label = f
                .get("label")
                .and_then(|l| l.as_str())
                .filter(|l| !l.trim().is_empty())
                .unwrap_or(key);
            let field_type = f
                .get("field_type")
                .and_then(|t| t.as_str())
                .and_then(|t| t.parse().ok())
                .unwrap_or(FieldType::Text);
            let options = f
                .get("options")
                .and_then(|o| o.as_array())
                .map(|o| {
                    o.iter()
                        .map(|x| match x {
                            serde_json::Value::String(s) => s.clone(),
                            other => other.to_string(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            Some(FieldDef {
                key: key.to_string(),
                label: label.to_string(),
                field_type,
                required: f.get("required").and_then(|r| r.as_bool()).unwrap_or(false),
                options,
                min: f.get("min").and_then(|m| m.as_f64()),
                max: f.get("max").and_then(|m| m.as_f64()),
                carry: f
                    .get("carry_over")
                    .and_then(|c| c.as_bool())
                    .unwrap_or(false),
                retired: f.get("retired").and_then(|c| c.as_bool()).unwrap_or(false),
            })
        })
        .collect()
}

/// The student's interventions a session can be logged for.
pub async fn targets_for_student(
    client: &tokio_postgres::Client,
    student_id: Uuid,
) -> Result<Vec<LogTarget>, tokio_postgres::Error> {
    Ok(client
        .fetch(
            "SELECT i.id, COALESCE(p.name, i.custom_name, ''), i.status \
             FROM interventions i LEFT JOIN intervention_programs p ON p.id = i.program_id \
             WHERE i.student_id = $1 AND i.status IN ('active', 'paused', 'review_due') \
             ORDER BY 2, i.referred_at, i.id",
            &[&student_id],
        )
        .await?
        .iter()
        .map(|r| LogTarget {
            intervention_id: r.get(0),
            name: r.get(1),
            status: r.get(2),
        })
        .collect())
}

const SESSION_SQL: &str = "SELECT se.id, se.intervention_id, se.version, se.session_date, \
       se.start_time, se.minutes, se.attendance, se.fidelity, se.note, se.field_values, \
       se.is_restricted, u.display_name, se.updated_at \
     FROM intervention_sessions se LEFT JOIN users u ON u.id = se.updated_by \
     WHERE se.id = $1";

const SCORES_SQL: &str = "SELECT m.goal_id, m.value::float8 FROM progress_measurements m \
     WHERE m.session_id = $1 ORDER BY m.goal_id";

fn stored(r: &Row, scores: &[Row]) -> StoredSession {
    StoredSession {
        id: r.get(0),
        intervention_id: r.get(1),
        version: r.get(2),
        values: SessionValues {
            session_date: r.get(3),
            start_time: r.get(4),
            minutes: r.get(5),
            attendance: r.get(6),
            fidelity: r.get(7),
            note: r.get(8),
            field_values: r.get(9),
            is_restricted: r.get(10),
            scores: scores
                .iter()
                .map(|s| Score {
                    goal_id: s.get(0),
                    value: s.get(1),
                })
                .collect(),
        },
        updated_by_name: r.get(11),
        updated_at: r.get(12),
    }
}

async fn load_with(
    client: &(impl GenericClient + Sync),
    id: Uuid,
) -> Result<Option<StoredSession>, tokio_postgres::Error> {
    let by_id: [&dyn Param; 1] = [&id];
    let (row, scores) = futures::try_join!(
        client.fetch_opt(SESSION_SQL, &by_id),
        client.fetch(SCORES_SQL, &by_id),
    )?;
    Ok(row.map(|r| stored(&r, &scores)))
}

/// One session with its scores; `None` when gone or not visible.
pub async fn load(
    client: &tokio_postgres::Client,
    id: Uuid,
) -> Result<Option<StoredSession>, tokio_postgres::Error> {
    load_with(client, id).await
}

const INSERT_SQL: &str = "INSERT INTO intervention_sessions (id, intervention_id, session_date, \
       start_time, minutes, attendance, fidelity, note, field_values, is_restricted, \
       delivered_by) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, caseload_current_user_id()) \
     ON CONFLICT (id) DO NOTHING RETURNING version";

const UPDATE_SQL: &str = "UPDATE intervention_sessions SET session_date = $3, start_time = $4, \
       minutes = $5, attendance = $6, fidelity = $7, note = $8, field_values = $9, \
       is_restricted = $10 \
     WHERE id = $1 AND version = $2 RETURNING version";

/// Scores of the intervention's own goals only; the count tells whether
/// every score found its goal.
const UPSERT_SCORES_SQL: &str = "INSERT INTO progress_measurements (goal_id, session_id, \
       measured_on, value) \
     SELECT g.id, $1, $2, x.value::numeric \
     FROM unnest($3::uuid[], $4::float8[]) AS x(goal_id, value) \
     JOIN intervention_goals g ON g.id = x.goal_id AND g.intervention_id = $5 \
     ON CONFLICT (session_id, goal_id) WHERE session_id IS NOT NULL \
     DO UPDATE SET value = EXCLUDED.value, measured_on = EXCLUDED.measured_on";

const DROP_SCORES_SQL: &str = "DELETE FROM progress_measurements \
     WHERE session_id = $1 AND goal_id <> ALL ($2::uuid[])";

/// Inserts (base_version `None`) or updates (at base_version) the session
/// and its scores in one transaction; returns the version now stored.
/// Retrying the same write after an ambiguous failure is safe: an existing
/// row with equal values counts as saved.
pub async fn save(client: &mut tokio_postgres::Client, w: &SessionWrite) -> Result<i32, SaveError> {
    validate(&w.values)?;
    let tx = client.transaction().await?;
    let version = save_in(&tx, w).await?;
    tx.commit().await?;
    Ok(version)
}

async fn save_in(tx: &tokio_postgres::Transaction<'_>, w: &SessionWrite) -> Result<i32, SaveError> {
    let v = &w.values;
    // Who may do what, first: a person reads "not visible" or the rule,
    // not a row-level security error.
    let rights = tx
        .fetch_one(
            "SELECT EXISTS (SELECT 1 FROM interventions WHERE id = $1), \
               caseload_may_log_session($1), caseload_can_view_restricted()",
            &[&w.intervention_id],
        )
        .await?;
    let (visible, may_write, can_restrict): (bool, bool, bool) =
        (rights.get(0), rights.get(1), rights.get(2));
    if !visible {
        return Err(WriteError::NotFound);
    }
    if !may_write {
        return Err(Refusal::MayNotLogSessions.into());
    }
    if v.is_restricted && !can_restrict {
        return Err(Refusal::RestrictNotAllowed.into());
    }
    let params: [&dyn Param; 10] = [
        &w.id,
        &w.intervention_id,
        &v.session_date,
        &v.start_time,
        &v.minutes,
        &v.attendance,
        &v.fidelity,
        &v.note,
        &v.field_values,
        &v.is_restricted,
    ];
    let written = match w.base_version {
        None => tx.fetch_opt(INSERT_SQL, &params).await?,
        Some(base) => {
            let mut p = params;
            p[1] = &base;
            tx.fetch_opt(UPDATE_SQL, &p).await?
        }
    };
    let Some(row) = written else {
        // Nothing written: a retry of a save that went through (equal
        // values), someone else's change, a delete, or no right to this row.
        let current = load_with(tx, w.id).await?;
        return match current {
            None => Err(WriteError::NotFound),
            Some(c) if c.intervention_id == w.intervention_id && same_values(v, &c.values) => {
                Ok(c.version)
            }
            Some(c) if w.base_version == Some(c.version) => Err(Refusal::MayNotLogSessions.into()),
            Some(c) => Err(WriteError::Conflict {
                current: Box::new(c),
            }),
        };
    };
    let version: i32 = row.get(0);
    let goals: Vec<Uuid> = v.scores.iter().map(|s| s.goal_id).collect();
    let values: Vec<f64> = v.scores.iter().map(|s| s.value).collect();
    let upsert: [&dyn Param; 5] = [&w.id, &v.session_date, &goals, &values, &w.intervention_id];
    let drop_others: [&dyn Param; 2] = [&w.id, &goals];
    let (upserted, _) = futures::try_join!(
        tx.exec(UPSERT_SCORES_SQL, &upsert),
        tx.exec(DROP_SCORES_SQL, &drop_others),
    )?;
    if upserted != goals.len() as u64 {
        return Err(Refusal::ScoreForOtherGoal.into());
    }
    Ok(version)
}

/// Deletes the session if it is still at `version` (its scores go with it).
pub async fn delete(
    client: &mut tokio_postgres::Client,
    id: Uuid,
    version: i32,
) -> Result<(), SaveError> {
    let tx = client.transaction().await?;
    // The scores first: deleting the session would only unlink them
    // (ON DELETE SET NULL). Rolled back below if the session stays.
    tx.exec(
        "DELETE FROM progress_measurements WHERE session_id = $1 \
           AND EXISTS (SELECT 1 FROM intervention_sessions WHERE id = $1 AND version = $2)",
        &[&id, &version],
    )
    .await?;
    let deleted = tx
        .exec(
            "DELETE FROM intervention_sessions WHERE id = $1 AND version = $2",
            &[&id, &version],
        )
        .await?;
    if deleted == 1 {
        tx.commit().await?;
        return Ok(());
    }
    let current = load_with(&tx, id).await?;
    drop(tx);
    match current {
        Some(c) if c.version == version => Err(Refusal::MayNotLogSessions.into()),
        other => Err(WriteError::stale(other)),
    }
}

/// The connection failed or the server went away: the same write may
/// succeed later, so an outbox retries it rather than giving it back.
pub fn is_transient(e: &tokio_postgres::Error) -> bool {
    if e.is_closed() {
        return true;
    }
    if let Some(code) = e.code() {
        return code.code().starts_with("08")
            || [
                SqlState::ADMIN_SHUTDOWN,
                SqlState::CRASH_SHUTDOWN,
                SqlState::CANNOT_CONNECT_NOW,
                SqlState::T_R_SERIALIZATION_FAILURE,
                SqlState::T_R_DEADLOCK_DETECTED,
            ]
            .contains(code);
    }
    // No server answer at all: a socket error somewhere in the chain, or
    // the connect timeout.
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if s.is::<std::io::Error>() {
            return true;
        }
        source = s.source();
    }
    e.to_string().contains("timeout")
}

#[cfg(test)]
mod tests {
    use super::*;

    use serde_json::json;

    #[test]
    fn fields_skip_keyless_entries_and_read_unknown_types_as_text() {
        let fields = parse_fields(&json!([
            {"key": "passages", "label": "Passages read", "field_type": "number",
             "required": true, "min": 0, "max": 10},
            {"label": "no key"},
            {"key": "  "},
            {"key": "mood", "field_type": "emoji_picker"},
            {"key": "focus", "label": "Focus", "field_type": "single_select",
             "options": ["phonics", "fluency", 3], "carry_over": true},
        ]));
        let keys: Vec<&str> = fields.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, ["passages", "mood", "focus"]);
        assert_eq!(fields[0].field_type, FieldType::Number);
        assert!(fields[0].required);
        assert_eq!((fields[0].min, fields[0].max), (Some(0.0), Some(10.0)));
        assert_eq!(fields[1].field_type, FieldType::Text);
        assert_eq!(
            fields[1].label, "mood",
            "the key stands in for a missing label"
        );
        assert!(!fields[1].required);
        assert_eq!(fields[2].options, ["phonics", "fluency", "3"]);
        assert_eq!(
            fields.iter().map(|f| f.carry).collect::<Vec<_>>(),
            [false, false, true],
            "only what the program marks carries over"
        );
        assert!(parse_fields(&json!({"not": "an array"})).is_empty());
    }
}
