//! My caseload: the person's students, one line each, with their open
//! interventions, open follow-ups and last contact.

use crate::domain::enums::{GradeLevel, InterventionStatus};
use chrono::NaiveDate;
use uuid::Uuid;

/// The list shows at most this many students ("more…" says there are more).
pub const MY_CASELOAD_ROWS: usize = 500;

/// The two orders of the list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CaseloadSort {
    /// By last name, then first name, in the district's alphabet.
    #[default]
    Name,
    /// Most urgent first: overdue follow-ups, then the most urgent open
    /// intervention (review due, active, paused, planned, referred), then
    /// open follow-ups; then by name.
    Urgency,
}

impl CaseloadSort {
    pub fn next(self) -> Self {
        match self {
            Self::Name => Self::Urgency,
            Self::Urgency => Self::Name,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Urgency => "most urgent",
        }
    }
}

/// One student of the person's caseload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MyStudent {
    pub student_id: Uuid,
    /// "Last, First" (the preferred name when there is one).
    pub name: String,
    pub grade: GradeLevel,
    /// The school's short name, else its name.
    pub school: String,
    /// Interventions not completed or discontinued.
    pub open_interventions: i64,
    /// The most urgent open one: its name and status.
    pub most_urgent: Option<(String, InterventionStatus)>,
    /// Follow-ups due and not done, and of those the ones due before today.
    pub open_follow_ups: i64,
    pub overdue_follow_ups: i64,
    /// The last contact with the family: its day and channel.
    pub last_contact: Option<(NaiveDate, String)>,
}

/// The list as loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MyCaseload {
    pub students: Vec<MyStudent>,
    /// More students than `MY_CASELOAD_ROWS`.
    pub more: bool,
    pub today: NaiveDate,
}
