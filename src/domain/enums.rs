//! The nine PostgreSQL enum types, mirrored in Rust. Variant order matches the
//! database declaration order, so `Ord` on the Rust side agrees with SQL
//! comparisons such as `grade_level BETWEEN 'KG' AND '05'`.

use postgres_types::{FromSql, ToSql};
use std::fmt;
use std::str::FromStr;

/// Implemented by every enum here: the database labels, in declaration order.
pub trait PgEnum: Sized + Copy + 'static {
    const TYPE_NAME: &'static str;
    const ALL: &'static [Self];
    fn label(self) -> &'static str;
}

/// The error for a label that is not one of the enum's values: it names the
/// type and lists what would have been accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {type_name} value {given:?}; expected one of: {expected}")]
pub struct UnknownEnumValue {
    pub type_name: &'static str,
    pub given: String,
    pub expected: String,
}

pub fn parse_enum<E: PgEnum>(s: &str) -> Result<E, UnknownEnumValue> {
    E::ALL
        .iter()
        .copied()
        .find(|v| v.label().eq_ignore_ascii_case(s.trim()))
        .ok_or_else(|| UnknownEnumValue {
            type_name: E::TYPE_NAME,
            given: s.chars().take(64).collect(),
            expected: E::ALL
                .iter()
                .map(|v| v.label())
                .collect::<Vec<_>>()
                .join(", "),
        })
}

macro_rules! pg_enum {
    ($(#[$meta:meta])* $name:ident = $pg:literal { $($variant:ident = $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, ToSql, FromSql)]
        #[postgres(name = $pg)]
        pub enum $name {
            $(#[postgres(name = $label)] $variant),+
        }

        impl PgEnum for $name {
            const TYPE_NAME: &'static str = $pg;
            const ALL: &'static [Self] = &[$(Self::$variant),+];
            fn label(self) -> &'static str {
                match self { $(Self::$variant => $label),+ }
            }
        }

        impl crate::domain::pg_typed::PgTyped for $name {
            fn pg_type() -> postgres_types::Type {
                crate::domain::pg_typed::enum_type($pg, &[$($label),+])
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.label())
            }
        }

        impl FromStr for $name {
            type Err = UnknownEnumValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                parse_enum(s)
            }
        }

        // By label, as in the database: drafts and the outbox are read back
        // by later versions of caseload.
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.label())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

pg_enum!(ExecutionStatus = "execution_status" {
    Pending = "pending", Running = "running", Succeeded = "succeeded", Failed = "failed",
    Skipped = "skipped", RolledBack = "rolled_back",
});

pg_enum!(FieldType = "field_type" {
    Text = "text", Textarea = "textarea", Number = "number", Date = "date", Time = "time",
    Boolean = "boolean", SingleSelect = "single_select", MultiSelect = "multi_select",
    RatingScale = "rating_scale", Email = "email", Phone = "phone", Url = "url",
});

pg_enum!(
    /// OneRoster / CEDS grade codes, so roster imports need no mapping.
    GradeLevel = "grade_level" {
    PK = "PK", TK = "TK", KG = "KG", G01 = "01", G02 = "02", G03 = "03", G04 = "04", G05 = "05",
    G06 = "06", G07 = "07", G08 = "08", G09 = "09", G10 = "10", G11 = "11", G12 = "12",
    UG = "UG",
});

pg_enum!(InterventionStatus = "intervention_status" {
    Referred = "referred", Planned = "planned", Active = "active", Paused = "paused",
    ReviewDue = "review_due", Completed = "completed", Discontinued = "discontinued",
});

pg_enum!(InterventionType = "intervention_type" {
    Reading = "reading", Math = "math", Writing = "writing", Behavior = "behavior",
    SocialEmotional = "social_emotional", Attendance = "attendance",
    CommunicationLanguage = "communication_language", HealthPhysical = "health_physical",
    Other = "other",
});

pg_enum!(JobStatus = "job_status" {
    Scheduled = "scheduled", Queued = "queued", Running = "running", Retrying = "retrying",
    Succeeded = "succeeded", Failed = "failed", Cancelled = "cancelled",
});

pg_enum!(NavigationType = "navigation_type" {
    Group = "group", Screen = "screen", Action = "action", Separator = "separator",
});

pg_enum!(StudentStatus = "student_status" {
    Active = "active", Pending = "pending", Inactive = "inactive", Transferred = "transferred",
    Withdrawn = "withdrawn", Graduated = "graduated",
});

pg_enum!(ToolStatus = "tool_status" {
    Draft = "draft", Submitted = "submitted", InReview = "in_review", Approved = "approved",
    Rejected = "rejected", Retired = "retired",
});

/// Every enum's name and labels, for tests and `doctor` to compare against
/// the database.
pub fn all_enums() -> Vec<(&'static str, Vec<&'static str>)> {
    fn of<E: PgEnum>() -> (&'static str, Vec<&'static str>) {
        (E::TYPE_NAME, E::ALL.iter().map(|v| v.label()).collect())
    }
    vec![
        of::<ExecutionStatus>(),
        of::<FieldType>(),
        of::<GradeLevel>(),
        of::<InterventionStatus>(),
        of::<InterventionType>(),
        of::<JobStatus>(),
        of::<NavigationType>(),
        of::<StudentStatus>(),
        of::<ToolStatus>(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grade_order_matches_declaration() {
        assert!(GradeLevel::KG < GradeLevel::G01);
        assert!(GradeLevel::G12 < GradeLevel::UG);
        assert!(GradeLevel::PK < GradeLevel::TK);
    }

    #[test]
    fn unknown_value_names_type_and_choices() {
        let err = "sometimes".parse::<InterventionStatus>().unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("intervention_status"), "{msg}");
        assert!(msg.contains("\"sometimes\""), "{msg}");
        assert!(msg.contains("review_due"), "{msg}");
    }

    #[test]
    fn labels_parse_back() {
        for (name, labels) in all_enums() {
            assert!(!labels.is_empty(), "{name}");
        }
        assert_eq!("01".parse::<GradeLevel>(), Ok(GradeLevel::G01));
        assert_eq!(
            " Active ".parse::<StudentStatus>(),
            Ok(StudentStatus::Active)
        );
    }
}
