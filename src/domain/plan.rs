//! Creating and editing an intervention's plan: where it comes from, the
//! fields a person edits, and what the forms offer (programs, the restrict
//! right).

use crate::domain::enums::{InterventionStatus, InterventionType};
use crate::domain::intervention::InterventionHeader;
use chrono::{DateTime, NaiveDate, Utc};
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

/// An approved (active) program and the defaults it gives a new plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    pub id: Uuid,
    pub name: String,
    pub intervention_type: InterventionType,
    pub default_tier: i16,
    pub default_sessions_per_week: Option<i16>,
    pub default_minutes: Option<i16>,
    pub default_weeks: Option<i16>,
    pub monitoring_frequency: String,
    pub progress_measure: Option<String>,
}

/// What a form is about: a student getting a new plan, or a plan being
/// edited or given a goal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContextFor {
    Student(Uuid),
    Intervention(Uuid),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormContext {
    /// For a student: district programs and those of the student's school,
    /// by name. Empty for an intervention (editing keeps its program).
    pub programs: Vec<Program>,
    /// One of the person's roles has can_view_restricted.
    pub can_restrict: bool,
    /// For an intervention: its program's progress measure, which a new
    /// goal starts from.
    pub measure: Option<String>,
}
