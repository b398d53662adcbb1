//! Intervention programs for the programs screen (issue 17): every program
//! with its session count, and the writes of its defaults and its session
//! fields. Admins any, coordinators their schools' (0028, row-level
//! security); 0028 also checks the fields and keeps every field a saved
//! session may hold a value for.

use crate::db::unnamed::Unnamed;
use crate::domain::programs::{ProgramDefaults, ProgramRow};
use tokio_postgres::GenericClient;
use uuid::Uuid;

pub async fn all(
    client: &(impl GenericClient + Sync),
) -> Result<Vec<ProgramRow>, tokio_postgres::Error> {
    Ok(client
        .fetch(
            "SELECT p.id, p.name, p.intervention_type, p.default_tier, p.default_sessions_per_week, \
                    p.default_minutes, p.default_weeks, p.monitoring_frequency, p.evidence_level, \
                    s.name, p.is_active, p.session_fields, \
                    (SELECT count(*) FROM intervention_sessions se \
                     JOIN interventions i ON i.id = se.intervention_id WHERE i.program_id = p.id) \
             FROM intervention_programs p LEFT JOIN schools s ON s.id = p.school_id \
             ORDER BY p.is_active DESC, p.name COLLATE caseload_names, p.id",
            &[],
        )
        .await?
        .iter()
        .map(|r| ProgramRow {
            id: r.get(0),
            name: r.get(1),
            intervention_type: r.get(2),
            default_tier: r.get(3),
            per_week: r.get(4),
            minutes: r.get(5),
            weeks: r.get(6),
            monitoring_frequency: r.get(7),
            evidence_level: r.get(8),
            school: r.get(9),
            is_active: r.get(10),
            fields: r
                .get::<_, serde_json::Value>(11)
                .as_array()
                .cloned()
                .unwrap_or_default(),
            sessions: r.get(12),
        })
        .collect())
}

/// Adds program `d.id` (for the district or one school) or changes its
/// defaults and school.
pub async fn save_defaults(
    client: &(impl GenericClient + Sync),
    d: &ProgramDefaults,
) -> Result<(), tokio_postgres::Error> {
    client
        .exec(
            "INSERT INTO intervention_programs (id, name, intervention_type, default_tier, \
               default_sessions_per_week, default_minutes, default_weeks, monitoring_frequency, \
               evidence_level, is_active, school_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
                     (SELECT id FROM schools WHERE local_id = $11)) \
             ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, \
               intervention_type = EXCLUDED.intervention_type, default_tier = EXCLUDED.default_tier, \
               default_sessions_per_week = EXCLUDED.default_sessions_per_week, \
               default_minutes = EXCLUDED.default_minutes, default_weeks = EXCLUDED.default_weeks, \
               monitoring_frequency = EXCLUDED.monitoring_frequency, \
               evidence_level = EXCLUDED.evidence_level, is_active = EXCLUDED.is_active, \
               school_id = EXCLUDED.school_id",
            &[
                &d.id,
                &d.name,
                &d.intervention_type,
                &d.default_tier,
                &d.per_week,
                &d.minutes,
                &d.weeks,
                &d.monitoring_frequency,
                &d.evidence_level,
                &d.is_active,
                &d.school,
            ],
        )
        .await?;
    Ok(())
}

/// Replaces program `id`'s session fields with `fields`, in that order.
/// `Ok(false)`: no such program the person may change (row-level security
/// leaves a coordinator only their schools' programs to update).
pub async fn save_fields(
    client: &(impl GenericClient + Sync),
    id: Uuid,
    fields: &[serde_json::Value],
) -> Result<bool, tokio_postgres::Error> {
    let v = serde_json::Value::Array(fields.to_vec());
    let n = client
        .exec(
            "UPDATE intervention_programs SET session_fields = $2 WHERE id = $1",
            &[&id, &v],
        )
        .await?;
    Ok(n == 1)
}
