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
}
