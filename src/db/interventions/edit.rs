//! Creating and editing an intervention. Creates are idempotent (the client
//! picks the id); edits are optimistic (`WHERE version = $seen`).

use super::detail::{InterventionHeader, load_header};
use super::error::{Refusal, WriteError};
use crate::db::enums::{InterventionStatus, InterventionType};
use chrono::{DateTime, NaiveDate, Utc};
use tokio_postgres::GenericClient;
use uuid::Uuid;

/// Where the plan comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A program: its defaults fill whatever the overrides leave empty.
    Program(Uuid),
    /// No program: a name, and the type and tier a program would have given.
    Custom {
        name: String,
        intervention_type: InterventionType,
        tier: i16,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewIntervention {
    /// Client-generated, so that a retried create returns the first one.
    pub id: Uuid,
    pub student_id: Uuid,
    pub source: Source,
    /// Referred (the default) or planned; later states go through
    /// `lifecycle::transition`.
    pub status: InterventionStatus,
    pub concern: Option<String>,
    /// None: the signed-in person.
    pub owner_id: Option<Uuid>,
    pub start_date: Option<NaiveDate>,
    /// None: start date + the program's default weeks (when both exist).
    pub planned_end_date: Option<NaiveDate>,
    /// Overrides of the program's defaults.
    pub intervention_type: Option<InterventionType>,
    pub tier: Option<i16>,
    pub sessions_per_week: Option<i16>,
    pub minutes_per_session: Option<i16>,
    pub previous_intervention_id: Option<Uuid>,
    /// Hidden from roles without can_view_restricted (the database refuses
    /// it from them).
    pub is_restricted: bool,
}

impl NewIntervention {
    /// A referral for `student_id` with nothing overridden.
    pub fn new(id: Uuid, student_id: Uuid, source: Source) -> Self {
        NewIntervention {
            id,
            student_id,
            source,
            status: InterventionStatus::Referred,
            concern: None,
            owner_id: None,
            start_date: None,
            planned_end_date: None,
            intervention_type: None,
            tier: None,
            sessions_per_week: None,
            minutes_per_session: None,
            previous_intervention_id: None,
            is_restricted: false,
        }
    }
}

/// Creates the intervention, or finds the one a previous attempt with the
/// same id created. The school comes from the student; referrer and (by
/// default) owner are the signed-in person; the owner joins the team by
/// trigger.
pub async fn create(
    client: &impl GenericClient,
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
        .execute(
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

/// The editable fields, saved together: the form shows them all, and the
/// version check makes a whole-form save safe.
#[derive(Debug, Clone, PartialEq)]
pub struct InterventionEdit {
    pub program_id: Option<Uuid>,
    pub custom_name: Option<String>,
    pub intervention_type: InterventionType,
    pub tier: i16,
    pub concern: Option<String>,
    pub owner_id: Option<Uuid>,
    pub start_date: Option<NaiveDate>,
    pub planned_end_date: Option<NaiveDate>,
    pub sessions_per_week: Option<i16>,
    pub minutes_per_session: Option<i16>,
    pub parent_consent_at: Option<DateTime<Utc>>,
    pub previous_intervention_id: Option<Uuid>,
    pub is_restricted: bool,
}

impl From<&InterventionHeader> for InterventionEdit {
    fn from(h: &InterventionHeader) -> Self {
        InterventionEdit {
            program_id: h.program_id,
            custom_name: h.custom_name.clone(),
            intervention_type: h.intervention_type,
            tier: h.tier,
            concern: h.concern.clone(),
            owner_id: h.owner_id,
            start_date: h.start_date,
            planned_end_date: h.planned_end_date,
            sessions_per_week: h.sessions_per_week,
            minutes_per_session: h.minutes_per_session,
            parent_consent_at: h.parent_consent_at,
            previous_intervention_id: h.previous_intervention_id,
            is_restricted: h.is_restricted,
        }
    }
}

/// Saves `changes` if the intervention is still at `expected_version`;
/// returns the new version, or Conflict with the intervention as it is now.
pub async fn update_intervention(
    client: &impl GenericClient,
    id: Uuid,
    expected_version: i32,
    c: &InterventionEdit,
) -> Result<i32, WriteError<InterventionHeader>> {
    let row = client
        .query_opt(
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
