//! Creating and editing an intervention. Creates are idempotent (the client
//! picks the id); edits are optimistic (`WHERE version = $seen`).

use super::detail::load_header;
use super::error::WriteError;
use crate::db::unnamed::Unnamed;
use crate::domain::intervention::InterventionHeader;
use crate::domain::plan::{InterventionEdit, NewIntervention, Source};
use crate::domain::refusal::Refusal;
use tokio_postgres::GenericClient;
use uuid::Uuid;

/// Creates the intervention, or finds the one a previous attempt with the
/// same id created. The school comes from the student; referrer and (by
/// default) owner are the signed-in person; the owner joins the team by
/// trigger.
pub async fn create(
    client: &(impl GenericClient + Sync),
    new: &NewIntervention,
) -> Result<InterventionHeader, WriteError<InterventionHeader>> {
    let (program_id, custom_name, custom_type, custom_tier) = match &new.source {
        Source::Program(p) => (Some(*p), None, None, None),
        Source::Custom {
            name,
            intervention_type,
            tier,
        } => (
            None,
            Some(name.as_str()),
            Some(*intervention_type),
            Some(*tier),
        ),
    };
    let intervention_type = new.intervention_type.or(custom_type);
    let tier = new.tier.or(custom_tier);
    // A program that does not exist (or is not visible) inserts nothing
    // rather than a row with the program's defaults missing.
    client
        .exec(
            "INSERT INTO interventions (id, student_id, school_id, program_id, custom_name, \
               intervention_type, tier, status, concern, referred_by, owner_id, start_date, \
               planned_end_date, sessions_per_week, minutes_per_session, \
               previous_intervention_id, is_restricted, created_by, updated_by) \
             SELECT $1::uuid, s.id, s.school_id, p.id, $4::text, \
               COALESCE($5::intervention_type, p.intervention_type), \
               COALESCE($6::smallint, p.default_tier, 2), $7::intervention_status, $8::text, \
               caseload_current_user_id(), COALESCE($9::uuid, caseload_current_user_id()), \
               $10::date, COALESCE($11::date, $10::date + p.default_weeks * 7), \
               COALESCE($12::smallint, p.default_sessions_per_week), \
               COALESCE($13::smallint, p.default_minutes), \
               $14::uuid, $15::boolean, caseload_current_user_id(), caseload_current_user_id() \
             FROM students s LEFT JOIN intervention_programs p ON p.id = $3 \
             WHERE s.id = $2 AND ($3::uuid IS NULL OR p.id IS NOT NULL) \
             ON CONFLICT (id) DO NOTHING",
            &[
                &new.id,
                &new.student_id,
                &program_id,
                &custom_name,
                &intervention_type,
                &tier,
                &new.status,
                &new.concern,
                &new.owner_id,
                &new.start_date,
                &new.planned_end_date,
                &new.sessions_per_week,
                &new.minutes_per_session,
                &new.previous_intervention_id,
                &new.is_restricted,
            ],
        )
        .await?;
    load_header(client, new.id)
        .await?
        .ok_or(WriteError::Refused(Refusal::UnknownStudentOrProgram))
}

/// Saves `changes` if the intervention is still at `expected_version`;
/// returns the new version, or Conflict with the intervention as it is now.
pub async fn update_intervention(
    client: &(impl GenericClient + Sync),
    id: Uuid,
    expected_version: i32,
    c: &InterventionEdit,
) -> Result<i32, WriteError<InterventionHeader>> {
    let row = client
        .fetch_opt(
            "UPDATE interventions SET program_id = $3, custom_name = $4, \
               intervention_type = $5, tier = $6, concern = $7, owner_id = $8, \
               start_date = $9, planned_end_date = $10, sessions_per_week = $11, \
               minutes_per_session = $12, parent_consent_at = $13, \
               previous_intervention_id = $14, is_restricted = $15, \
               updated_by = caseload_current_user_id() \
             WHERE id = $1 AND version = $2 RETURNING version",
            &[
                &id,
                &expected_version,
                &c.program_id,
                &c.custom_name,
                &c.intervention_type,
                &c.tier,
                &c.concern,
                &c.owner_id,
                &c.start_date,
                &c.planned_end_date,
                &c.sessions_per_week,
                &c.minutes_per_session,
                &c.parent_consent_at,
                &c.previous_intervention_id,
                &c.is_restricted,
            ],
        )
        .await?;
    match row {
        Some(r) => Ok(r.get(0)),
        None => Err(WriteError::stale(load_header(client, id).await?)),
    }
}
