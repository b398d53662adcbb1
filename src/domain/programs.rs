//! Intervention programs as an administrator edits them (issue 17, part 5):
//! their defaults and evidence level, and their session fields. A field once
//! defined is never removed or retyped (0028): sessions keep their values
//! under its key, so a field no longer wanted is retired.

use crate::domain::enums::{FieldType, InterventionType};
use serde_json::{Map, Value};
use uuid::Uuid;

/// ESSA's evidence levels, strongest first.
pub const EVIDENCE_LEVELS: &[&str] = &["strong", "moderate", "promising", "rationale"];

/// A program as the programs screen lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgramRow {
    pub id: Uuid,
    pub name: String,
    pub intervention_type: InterventionType,
    pub default_tier: i16,
    pub per_week: Option<i16>,
    pub minutes: Option<i16>,
    pub weeks: Option<i16>,
    pub monitoring_frequency: String,
    pub evidence_level: Option<String>,
    /// The school it is limited to; `None`: the district's.
    pub school: Option<String>,
    pub is_active: bool,
    /// `session_fields`, each entry as stored (keys caseload does not know,
    /// such as `carry_over`, are kept as they are).
    pub fields: Vec<Value>,
    /// Sessions saved under this program.
    pub sessions: i64,
}

/// A program's defaults as its form writes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramDefaults {
    pub id: Uuid,
    pub name: String,
    pub intervention_type: InterventionType,
    pub default_tier: i16,
    pub per_week: Option<i16>,
    pub minutes: Option<i16>,
    pub weeks: Option<i16>,
    pub monitoring_frequency: String,
    pub evidence_level: Option<String>,
    pub is_active: bool,
    /// The school (local id) it is limited to; `None`: the district's.
    pub school: Option<String>,
}

/// One session field as typed into the field form.
#[derive(Debug, Clone, PartialEq)]
pub struct NewField {
    pub key: String,
    pub label: String,
    pub field_type: FieldType,
    pub required: bool,
    pub options: Vec<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

impl NewField {
    pub fn to_json(&self) -> Value {
        use crate::domain::enums::PgEnum;
        let mut o = Map::new();
        o.insert("key".into(), self.key.clone().into());
        o.insert("label".into(), self.label.clone().into());
        o.insert("field_type".into(), self.field_type.label().into());
        o.insert("required".into(), self.required.into());
        if !self.options.is_empty() {
            o.insert("options".into(), self.options.clone().into());
        }
        if let Some(m) = self.min {
            o.insert("min".into(), m.into());
        }
        if let Some(m) = self.max {
            o.insert("max".into(), m.into());
        }
        Value::Object(o)
    }
}

/// A field's key (the word sessions store its value under), or why not:
/// lower-case letters, digits and `_`, starting with a letter, at most 40,
/// and not one the program has (retired ones included).
pub fn field_key(typed: &str, fields: &[Value]) -> Result<String, String> {
    let k = typed.trim();
    let ok = k.len() <= 40
        && k.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && k.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !ok {
        return Err(
            "a key is lower-case letters, digits and _, starting with a letter (at most 40)".into(),
        );
    }
    if fields.iter().any(|f| key_of(f) == Some(k)) {
        return Err(format!(
            "the program has a field {k} already (retired ones count: their values are kept)"
        ));
    }
    Ok(k.to_string())
}

pub fn key_of(f: &Value) -> Option<&str> {
    f.get("key").and_then(Value::as_str)
}

pub fn is_retired(f: &Value) -> bool {
    f.get("retired").and_then(Value::as_bool).unwrap_or(false)
}

/// Retires a field, or brings a retired one back.
pub fn toggle_retired(f: &mut Value) {
    let now = !is_retired(f);
    if let Some(o) = f.as_object_mut() {
        if now {
            o.insert("retired".into(), true.into());
        } else {
            o.remove("retired");
        }
    }
}

/// A field in a line: "Points (number, 0–100, required)".
pub fn describe(f: &Value) -> String {
    let label = f.get("label").and_then(Value::as_str).unwrap_or("");
    let key = key_of(f).unwrap_or("?");
    let t = f.get("field_type").and_then(Value::as_str).unwrap_or("?");
    let mut bits = vec![t.replace('_', " ")];
    let num = |k: &str| f.get(k).and_then(Value::as_f64);
    if let (Some(lo), Some(hi)) = (num("min"), num("max")) {
        bits.push(format!("{lo}–{hi}"));
    }
    if let Some(o) = f.get("options").and_then(Value::as_array) {
        let o: Vec<&str> = o.iter().filter_map(Value::as_str).collect();
        bits.push(o.join("/"));
    }
    if f.get("required").and_then(Value::as_bool).unwrap_or(false) {
        bits.push("required".into());
    }
    if is_retired(f) {
        bits.push("retired: not asked in new sessions".into());
    }
    format!("{label} [{key}] ({})", bits.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_words_sessions_can_keep_and_never_reused() {
        let fields = vec![serde_json::json!({"key": "mood", "retired": true})];
        assert_eq!(field_key(" points ", &fields), Ok("points".into()));
        assert!(field_key("Points", &fields).is_err());
        assert!(field_key("1st", &fields).is_err());
        assert!(field_key("mood", &fields).is_err_and(|e| e.contains("retired ones count")));
    }

    #[test]
    fn retiring_marks_and_unmarks_and_is_said() {
        let mut f = NewField {
            key: "points".into(),
            label: "Points".into(),
            field_type: FieldType::Number,
            required: true,
            options: vec![],
            min: Some(0.0),
            max: Some(100.0),
        }
        .to_json();
        assert_eq!(describe(&f), "Points [points] (number, 0–100, required)");
        toggle_retired(&mut f);
        assert!(is_retired(&f));
        assert!(describe(&f).ends_with("retired: not asked in new sessions)"));
        toggle_retired(&mut f);
        assert!(f.get("retired").is_none());
    }
}
