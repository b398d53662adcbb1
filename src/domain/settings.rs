//! District settings (the `settings` table) as the Settings editor shows
//! them: each with its type, bounds, description and the value the code
//! uses when the row is missing, its school overrides where a reader looks
//! for one, and the person's own saved state (user scope).
//!
//! A value is edited as text and checked by the session editor's field
//! rules (`FieldDef`), the same rules the database's trigger applies.

use crate::domain::enums::FieldType;
use crate::domain::people::SchoolRef;
use crate::domain::session::FieldDef;
use serde_json::Value;

/// Every setting the code reads, with its built-in default and who reads
/// it. A test checks each has a row with a description in a migrated
/// database, and that every system row is one of these.
pub const KNOWN: &[(&str, &str, &str)] = &[
    (
        "decision_rule_points",
        "4",
        "db/interventions/settings.rs: goal verdicts",
    ),
    (
        "fidelity_threshold",
        "0.8",
        "db/interventions/settings.rs, db/interventions/list.rs: fidelity flags",
    ),
    (
        "default_session_minutes",
        "30",
        "db/sessions.rs: a new session's minutes (per school)",
    ),
    (
        "follow_up_days",
        "7",
        "db/contacts.rs: a follow-up's default due date",
    ),
    (
        "documents.retention_days",
        "30",
        "storage/sweep.rs: days a deleted document is kept before the sweeper purges it",
    ),
    (
        "names.collation",
        "und",
        "caseload migrate (0014): the alphabet names sort in",
    ),
];

/// Where a value applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingScope {
    System,
    /// A school, by local id.
    School(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    pub key: String,
    pub label: String,
    pub description: String,
    pub value_type: FieldType,
    /// The district's value.
    pub value: Value,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub choices: Vec<String>,
    /// A reader looks for school values of it.
    pub per_school: bool,
    /// School local id and value, for the schools that have one.
    pub schools: Vec<(String, Value)>,
}

impl Setting {
    /// The value the code uses when there is no row (from [`KNOWN`]).
    pub fn built_in(&self) -> Option<&'static str> {
        KNOWN
            .iter()
            .find(|(k, _, _)| *k == self.key)
            .map(|(_, d, _)| *d)
    }

    /// Its value at `scope` (`None`: a school without its own).
    pub fn value_at(&self, scope: &SettingScope) -> Option<&Value> {
        match scope {
            SettingScope::System => Some(&self.value),
            SettingScope::School(s) => self.schools.iter().find(|(id, _)| id == s).map(|(_, v)| v),
        }
    }

    /// The field rules the session editor uses, for this setting.
    pub fn field(&self) -> FieldDef {
        FieldDef {
            key: self.key.clone(),
            label: self.label.clone(),
            field_type: self.value_type,
            required: true,
            options: self.choices.clone(),
            min: self.min,
            max: self.max,
            carry: false,
            retired: false,
        }
    }
}

/// One of the person's own rows (user scope): state the client keeps.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnSetting {
    pub key: String,
    pub value: Value,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SettingsBook {
    pub settings: Vec<Setting>,
    /// The schools whose values this person may set: every active one for
    /// an administrator, a coordinator's own schools (0033).
    pub schools: Vec<SchoolRef>,
    pub mine: Vec<OwnSetting>,
    /// An administrator: the district's values are theirs to change.
    pub district: bool,
}

/// A value as the editor shows it for typing: text without quotes, a
/// list joined by commas, yes/no.
pub fn as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(b) => if *b { "yes" } else { "no" }.into(),
        Value::Array(a) => a.iter().map(as_text).collect::<Vec<_>>().join(", "),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Reads `min`, `max`, the choices and the overrides from `options`.
pub fn read_options(options: Option<&Value>) -> (Option<f64>, Option<f64>, Vec<String>, bool) {
    let Some(o) = options else {
        return (None, None, vec![], false);
    };
    let choices = o
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|c| c.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let per_school = o
        .get("overrides")
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().any(|s| s == "school"));
    (
        o.get("min").and_then(Value::as_f64),
        o.get("max").and_then(Value::as_f64),
        choices,
        per_school,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn options_and_text() {
        let (lo, hi, choices, school) = read_options(Some(
            &json!({"min": 1, "max": 600, "overrides": ["school"]}),
        ));
        assert_eq!(
            (lo, hi, choices.len(), school),
            (Some(1.0), Some(600.0), 0, true)
        );
        let (_, _, choices, school) = read_options(Some(&json!(["a", "b"])));
        assert_eq!((choices, school), (vec!["a".into(), "b".into()], false));
        assert_eq!(as_text(&json!("und")), "und");
        assert_eq!(as_text(&json!(0.8)), "0.8");
        assert_eq!(as_text(&json!(true)), "yes");
        assert_eq!(as_text(&json!(["a", "b"])), "a, b");
    }
}
