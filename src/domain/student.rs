//! One student's whole record for the tabbed student screen, and the saves
//! it offers (profile, guardian) with how they end.

use crate::domain::enums::{GradeLevel, InterventionStatus, StudentStatus};
use crate::domain::goals::GoalWithPoints;
use crate::domain::progress::Verdict;
use chrono::NaiveDate;
use std::collections::HashMap;
use uuid::Uuid;

/// A row as read, with the version a save must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Versioned<T> {
    pub id: Uuid,
    pub version: i32,
    pub value: T,
}

/// The student's editable fields, saved together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub first_name: String,
    pub last_name: String,
    pub preferred_name: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub grade: GradeLevel,
    pub status: StudentStatus,
    pub has_iep: bool,
    pub has_504: bool,
    pub is_english_learner: bool,
    pub enrollment_date: Option<NaiveDate>,
    pub exit_date: Option<NaiveDate>,
}

/// A guardian's editable fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardianFields {
    pub first_name: String,
    pub last_name: String,
    pub relationship: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub preferred_channel: Option<String>,
    pub preferred_language: Option<String>,
    pub contact_priority: i16,
    pub has_custody: bool,
    pub has_educational_rights: bool,
    pub is_emergency_contact: bool,
    pub receives_communications: bool,
}

/// The relationship CHECK of student_guardians, in its order.
pub const RELATIONSHIPS: &[&str] = &[
    "mother",
    "father",
    "parent",
    "stepparent",
    "grandparent",
    "aunt_uncle",
    "sibling",
    "foster_parent",
    "guardian",
    "other",
];

/// The channel CHECK shared by guardians and the communication log.
pub const CHANNELS: &[&str] = &["phone", "email", "sms", "letter", "in_person", "video"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterventionLine {
    pub id: Uuid,
    pub status: InterventionStatus,
    pub tier: i16,
    /// The program's name, else the custom name.
    pub name: String,
    pub owner: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub planned_end_date: Option<NaiveDate>,
    /// Its active goals judged by their decision rules.
    pub progress: Progress,
}

/// How an intervention's active goals stand, the most pressing first: one
/// goal off track makes the intervention off track.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Progress {
    OffTrack,
    Exceeding,
    OnTrack,
    NotEnoughData,
    /// No active goal with a baseline, target and rule to judge by.
    NoGoals,
}

impl Progress {
    fn of(v: &Verdict) -> Progress {
        match v {
            Verdict::OffTrack => Progress::OffTrack,
            Verdict::Exceeding => Progress::Exceeding,
            Verdict::OnTrack => Progress::OnTrack,
            Verdict::NotEnoughData { .. } => Progress::NotEnoughData,
            Verdict::NoRule => Progress::NoGoals,
        }
    }

    /// Each intervention's most pressing goal verdict.
    pub fn by_intervention(goals: Vec<GoalWithPoints>, n: usize) -> HashMap<Uuid, Progress> {
        let mut out: HashMap<Uuid, Progress> = HashMap::new();
        for g in goals {
            let Ok(v) = g.verdict(n) else { continue };
            let p = Progress::of(&v);
            out.entry(g.goal.intervention_id)
                .and_modify(|q| *q = (*q).min(p))
                .or_insert(p);
        }
        out
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommunicationLine {
    /// `communication_log.id`: Enter opens it.
    pub id: Uuid,
    /// Formatted by the server, in the session's time zone.
    pub when: String,
    pub direction: String,
    pub channel: String,
    pub guardian: Option<String>,
    pub purpose: String,
    pub result: Option<String>,
    pub follow_up_due: Option<NaiveDate>,
    pub follow_up_done: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentLine {
    pub id: Uuid,
    pub filename: String,
    pub title: Option<String>,
    pub category: Option<String>,
    pub content_type: String,
    pub byte_size: i64,
    pub uploaded: String,
    pub is_restricted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudentRecord {
    pub profile: Versioned<Profile>,
    pub school_name: String,
    pub local_id: String,
    pub state_id: Option<String>,
    pub counselor: Option<String>,
    pub guardians: Vec<Versioned<GuardianFields>>,
    pub interventions: Vec<InterventionLine>,
    pub communications: Vec<CommunicationLine>,
    pub documents: Vec<DocumentLine>,
    /// Empty for people who may not read the audit trail.
    pub activity: Vec<ActivityEvent>,
}

/// One save from the student screen: which row is said by the id that goes
/// with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Profile(Profile),
    Guardian(GuardianFields),
}

/// How saving a profile or guardian went; a connection failure is Failed.
pub type SaveOutcome = crate::domain::outcome::Written<i32, StudentTheirs>;

/// Someone saved first: the row as it is now, nothing of ours written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudentTheirs {
    pub version: i32,
    pub theirs: Change,
}

/// One line of a record's audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityEvent {
    /// Formatted by the server, in the session's time zone.
    pub when: String,
    /// Display name, or the login role when it has no users row.
    pub who: String,
    /// insert, update, delete or read.
    pub action: String,
    pub table: String,
    /// Columns an update changed (empty for other actions).
    pub changed: Vec<String>,
}
