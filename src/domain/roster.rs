//! The roster's shapes: what is asked (search, filters, sort), one line,
//! and a page of lines with its position in roster order.

use crate::domain::enums::{GradeLevel, StudentStatus};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One roster line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterRow {
    pub id: Uuid,
    pub last_name: String,
    pub first_name: String,
    pub preferred_name: Option<String>,
    pub grade: GradeLevel,
    pub school: String,
    pub local_id: String,
    pub status: StudentStatus,
    pub has_iep: bool,
    pub has_504: bool,
    pub is_english_learner: bool,
    /// For the roster's school filter.
    pub school_id: Uuid,
    /// The most recent session of the student's unrestricted interventions.
    pub last_session: Option<NaiveDate>,
}

/// Longest search text accepted, in characters.
pub const MAX_SEARCH_CHARS: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    #[default]
    Name,
    Grade,
    School,
    /// Most recent session first, students with none last.
    LastSession,
}

impl Sort {
    pub const ALL: [Sort; 4] = [Sort::Name, Sort::Grade, Sort::School, Sort::LastSession];

    pub fn next(self) -> Sort {
        let i = Sort::ALL.iter().position(|s| *s == self).unwrap_or(0);
        Sort::ALL[(i + 1) % Sort::ALL.len()]
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SchoolFilter {
    pub id: Uuid,
    /// For the chip; the query uses the id.
    pub name: String,
}

/// Every filter the roster offers; all set ones must hold. Serialized in
/// an export job's payload.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Filters {
    pub school: Option<SchoolFilter>,
    pub grade_min: Option<GradeLevel>,
    pub grade_max: Option<GradeLevel>,
    pub status: Option<StudentStatus>,
    /// Tier of an active (or review-due) intervention.
    pub tier: Option<i16>,
    pub iep: bool,
    pub section_504: bool,
    pub english_learner: bool,
    pub active_intervention: bool,
    pub my_caseload: bool,
}

/// One chip of the filter bar, removable on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chip {
    School,
    GradeMin,
    GradeMax,
    Status,
    Tier,
    Iep,
    Section504,
    EnglishLearner,
    ActiveIntervention,
    MyCaseload,
}

impl Filters {
    /// Clears the filter behind one chip of the bar.
    pub fn remove(&mut self, chip: Chip) {
        match chip {
            Chip::School => self.school = None,
            Chip::GradeMin => self.grade_min = None,
            Chip::GradeMax => self.grade_max = None,
            Chip::Status => self.status = None,
            Chip::Tier => self.tier = None,
            Chip::Iep => self.iep = false,
            Chip::Section504 => self.section_504 = false,
            Chip::EnglishLearner => self.english_learner = false,
            Chip::ActiveIntervention => self.active_intervention = false,
            Chip::MyCaseload => self.my_caseload = false,
        }
    }
}

/// What the roster shows: typed search text, filters and order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RosterQuery {
    pub search: String,
    pub filters: Filters,
    pub sort: Sort,
}

/// Search text as typed, made safe to keep: control characters (escape
/// sequences included) dropped. `Err` when it is longer than allowed.
pub fn clean_search(text: &str) -> Result<String, String> {
    let clean: String = text.chars().filter(|c| !c.is_control()).collect();
    if clean.chars().count() > MAX_SEARCH_CHARS {
        return Err(format!("search text is too long (max {MAX_SEARCH_CHARS})"));
    }
    Ok(clean)
}

/// Whitespace-separated tokens; each must occur in a student's folded names
/// or local id. The server folds them (`caseload_like_contains`) exactly as it
/// folded the stored text.
pub fn search_tokens(search: &str) -> Vec<&str> {
    search.split_whitespace().collect()
}

/// A position in roster order. It carries every sort's key so a page request
/// stays valid whatever the sort.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterCursor {
    pub last_name: String,
    pub first_name: String,
    pub id: Uuid,
    pub grade: GradeLevel,
    pub school: String,
    pub last_session: Option<NaiveDate>,
}

impl RosterRow {
    pub fn cursor(&self) -> RosterCursor {
        RosterCursor {
            last_name: self.last_name.clone(),
            first_name: self.first_name.clone(),
            id: self.id,
            grade: self.grade,
            school: self.school.clone(),
            last_session: self.last_session,
        }
    }
}

/// Which page to fetch. Before/After exclude the cursor row itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageRequest {
    First,
    Last,
    After(RosterCursor),
    Before(RosterCursor),
    /// From this row on, itself included: the rows on screen again (live
    /// refresh), the first one even if it changed.
    From(RosterCursor),
}

/// Rows always in ascending roster order; `more` says whether rows exist
/// beyond the page in the direction it was fetched.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RosterPage {
    pub rows: Vec<RosterRow>,
    pub more: bool,
}
