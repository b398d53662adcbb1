//! The closed lists that the schema keeps as CHECK-constrained text rather
//! than enum types (schools may widen them without an enum migration). Each
//! maps to and from its text column directly, so rows read and bind typed.

use bytes::BytesMut;
use postgres_types::{FromSql, IsNull, ToSql, Type, to_sql_checked};
use std::error::Error;
use std::fmt;
use std::str::FromStr;

/// A label that is not in the list, naming the list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} {given:?}")]
pub struct UnknownLabel {
    pub kind: &'static str,
    pub given: String,
}

macro_rules! text_kind {
    ($(#[$meta:meta])* $name:ident = $kind:literal { $($variant:ident = $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $label),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownLabel;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($label => Ok(Self::$variant),)+
                    _ => Err(UnknownLabel { kind: $kind, given: s.chars().take(64).collect() }),
                }
            }
        }

        // Text columns: sent as `unknown`, like any other text.
        impl crate::domain::pg_typed::PgTyped for $name {
            fn pg_type() -> Type {
                Type::UNKNOWN
            }
        }

        impl ToSql for $name {
            fn to_sql(&self, ty: &Type, out: &mut BytesMut)
                -> Result<IsNull, Box<dyn Error + Sync + Send>> {
                self.as_str().to_sql(ty, out)
            }
            fn accepts(ty: &Type) -> bool {
                <&str as ToSql>::accepts(ty)
            }
            to_sql_checked!();
        }

        // By label, as in the database: drafts and the outbox are read back
        // by later versions of caseload.
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }

        impl<'a> FromSql<'a> for $name {
            fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn Error + Sync + Send>> {
                Ok(<&str as FromSql>::from_sql(ty, raw)?.parse()?)
            }
            fn accepts(ty: &Type) -> bool {
                <&str as FromSql>::accepts(ty)
            }
        }
    };
}

text_kind!(
    /// Why an intervention that ran was closed.
    Outcome = "outcome" {
    GoalMet = "goal_met", PartialProgress = "partial_progress", NoProgress = "no_progress",
    ReferredForEvaluation = "referred_for_evaluation", Moved = "moved", Other = "other",
});

text_kind!(Attendance = "attendance" {
    Present = "present", StudentAbsent = "student_absent", StaffAbsent = "staff_absent",
    Cancelled = "cancelled",
});

text_kind!(TeamRole = "team role" {
    Owner = "owner", Interventionist = "interventionist", Teacher = "teacher",
    Counselor = "counselor", Coordinator = "coordinator", Observer = "observer",
});

text_kind!(GoalDirection = "goal direction" { Increase = "increase", Decrease = "decrease" });

text_kind!(GoalRule = "decision rule" { FourPoint = "four_point", Trend = "trend", None = "none" });

text_kind!(GoalStatus = "goal status" {
    Active = "active", Met = "met", NotMet = "not_met", Discontinued = "discontinued",
});

impl From<GoalDirection> for crate::domain::progress::Direction {
    fn from(d: GoalDirection) -> Self {
        match d {
            GoalDirection::Increase => Self::Increase,
            GoalDirection::Decrease => Self::Decrease,
        }
    }
}

impl From<GoalRule> for crate::domain::progress::DecisionRule {
    fn from(r: GoalRule) -> Self {
        match r {
            GoalRule::FourPoint => Self::FourPoint,
            GoalRule::Trend => Self::Trend,
            GoalRule::None => Self::None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip() {
        for o in Outcome::ALL {
            assert_eq!(o.as_str().parse::<Outcome>(), Ok(*o));
        }
        for r in TeamRole::ALL {
            assert_eq!(r.as_str().parse::<TeamRole>(), Ok(*r));
        }
        assert!("won".parse::<Outcome>().is_err());
    }
}

// communication_log (issue 14).

text_kind!(Channel = "channel" {
    Phone = "phone", Email = "email", Sms = "sms", Letter = "letter", InPerson = "in_person",
    Video = "video",
});

text_kind!(ContactDirection = "direction" { Outbound = "outbound", Inbound = "inbound" });

text_kind!(ContactResult = "result" {
    Reached = "reached", LeftMessage = "left_message", Unreachable = "unreachable",
    NoShow = "no_show",
});
