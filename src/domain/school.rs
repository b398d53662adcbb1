//! A school as the roster's school picker offers it.

use crate::domain::enums::GradeLevel;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolChoice {
    pub id: Uuid,
    pub name: String,
    pub local_id: String,
    pub low_grade: GradeLevel,
    pub high_grade: GradeLevel,
    /// One of the schools the person's coordinator grants name: listed
    /// first, since those are the ones their roster holds.
    pub mine: bool,
}

/// A school as the schools screen lists it, inactive ones included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct School {
    pub id: Uuid,
    pub name: String,
    pub short_name: Option<String>,
    pub local_id: String,
    pub low_grade: GradeLevel,
    pub high_grade: GradeLevel,
    pub is_active: bool,
    /// An IANA zone the server knows (`America/Chicago`), checked by 0028.
    pub timezone: String,
}

/// A school as the schools screen's form writes it (a new one with a fresh
/// id; an edit with its own). Deactivating is `is_active: false`: a school
/// is never deleted, its students and history point at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolWrite {
    pub id: Uuid,
    pub name: String,
    pub short_name: Option<String>,
    pub local_id: String,
    pub low_grade: GradeLevel,
    pub high_grade: GradeLevel,
    pub timezone: String,
    pub is_active: bool,
}
