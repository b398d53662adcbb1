//! The editor's one-line fields for a session: which there are (the fixed
//! ones, the program's session fields by field_type, a restricted toggle
//! for those allowed it, a score per active goal), the values they start
//! from, and parsing them into what is saved, with a message per field.

use crate::app::form::{self, Errors, FieldSpec, Kind};
use crate::domain::enums::FieldType;
use crate::domain::kinds::Attendance;
use crate::domain::session::{FieldDef, Score, SessionContext, SessionValues};
use chrono::{NaiveDate, NaiveTime};
use serde_json::{Map, Value};
use std::borrow::Cow;

/// Longest note the database accepts, in characters.
pub const NOTE_MAX: usize = 100_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    Date,
    Start,
    Attendance,
    Minutes,
    Fidelity,
    /// The program's session field at this index.
    Field(usize),
    Restricted,
    /// A score for the active goal at this index.
    Score(usize),
}

/// In focus order: the scores come last, right before the note, so the
/// quick path (score, note, save) needs no travelling; the program's
/// fields, which may need typing each session, right before the scores.
pub fn slots(ctx: &SessionContext) -> Vec<Slot> {
    let mut s = vec![
        Slot::Date,
        Slot::Start,
        Slot::Attendance,
        Slot::Minutes,
        Slot::Fidelity,
    ];
    if ctx.can_restrict {
        s.push(Slot::Restricted);
    }
    s.extend((0..ctx.fields.len()).map(Slot::Field));
    s.extend((0..ctx.goals.len()).map(Slot::Score));
    s
}

pub const ATTENDANCE: &[&str] = &["present", "student_absent", "staff_absent", "cancelled"];

pub fn specs(ctx: &SessionContext, slots: &[Slot]) -> Vec<FieldSpec> {
    slots.iter().map(|s| spec(ctx, *s)).collect()
}

fn spec(ctx: &SessionContext, slot: Slot) -> FieldSpec {
    match slot {
        Slot::Date => form::text("Date", "YYYY-MM-DD: the day of the session"),
        Slot::Start => form::text("Start time", "HH:MM (24-hour), or empty"),
        Slot::Attendance => form::text(
            "Attendance",
            "←/→ choose: present, student_absent, staff_absent, cancelled",
        ),
        Slot::Minutes => form::text("Minutes", "0 to 600; 0 when the student was not present"),
        Slot::Fidelity => form::text(
            "Fidelity %",
            "0 to 100, or empty: how closely the program was followed",
        ),
        Slot::Restricted => form::flag("Restricted"),
        Slot::Field(i) => {
            let Some(f) = ctx.fields.get(i) else {
                return form::text("?", "");
            };
            field_spec(f)
        }
        Slot::Score(i) => {
            let Some(g) = ctx.goals.get(i) else {
                return form::text("?", "");
            };
            // The label column is narrow: it names the score by the goal's
            // place (as on the goals tab); the measure and the target, which
            // tell goals on one measure apart, follow the value.
            let label = if ctx.goals.len() == 1 {
                "Score".to_string()
            } else {
                format!("Score for goal {}", i + 1)
            };
            FieldSpec {
                label: Cow::Owned(label),
                kind: Kind::Text,
                hint: Cow::Owned(format!(
                    "\"{}\": a number, or empty if not scored this session",
                    g.statement
                )),
            }
        }
    }
}

/// What score `i` measures, and its target with the unit (kept whole when
/// the measure has to be cut): ("Office discipline referrals",
/// " · target 1 per week").
pub fn score_about(ctx: &SessionContext, i: usize) -> Option<(String, String)> {
    let g = ctx.goals.get(i)?;
    let unit = g.unit.as_deref().filter(|u| !u.trim().is_empty());
    let measure = g.measure.as_deref().filter(|m| !m.trim().is_empty());
    Some(match (g.target, measure) {
        (Some(t), m) => {
            let unit = match unit {
                Some("%") => "%".to_string(),
                Some(u) => format!(" {u}"),
                None => String::new(),
            };
            (
                m.unwrap_or(&g.statement).to_string(),
                format!(" · target {}{unit}", number_text(t)),
            )
        }
        (None, Some(m)) => (
            unit.map_or_else(|| m.to_string(), |u| format!("{m} ({u})")),
            String::new(),
        ),
        (None, None) => (g.statement.clone(), String::new()),
    })
}

/// The value slot `slot` opens with when carried over from the last
/// session: a program field marked `carry_over` that the last session
/// filled. `None` for every other slot.
pub fn carried(ctx: &SessionContext, slot: Slot) -> Option<String> {
    let Slot::Field(i) = slot else {
        return None;
    };
    let f = ctx.fields.get(i).filter(|f| f.carry)?;
    let v = ctx.last_field_values.get(&f.key)?;
    (!v.is_null()).then(|| field_text(f, Some(v)))
}

fn field_hint(f: &FieldDef) -> String {
    let range = match (f.min, f.max) {
        (Some(lo), Some(hi)) => format!(" from {lo} to {hi}"),
        (Some(lo), None) => format!(" of at least {lo}"),
        (None, Some(hi)) => format!(" of at most {hi}"),
        (None, None) => String::new(),
    };
    match f.field_type {
        FieldType::Number => format!("a number{range}"),
        FieldType::RatingScale => format!("a whole number{range}; ←/→ step"),
        FieldType::SingleSelect => format!("←/→ choose: {}", f.options.join(", ")),
        FieldType::MultiSelect => format!("any of, by commas: {}", f.options.join(", ")),
        FieldType::Boolean => "space toggles".into(),
        FieldType::Date => "YYYY-MM-DD".into(),
        FieldType::Time => "HH:MM (24-hour)".into(),
        FieldType::Email => "an email address".into(),
        FieldType::Phone => "a phone number".into(),
        FieldType::Url => "a web address (https://…)".into(),
        FieldType::Text | FieldType::Textarea => "text".into(),
    }
}

/// The values of a new session: today, present, the planned minutes, the
/// program fields empty unless they carry over from last time, no scores.
pub fn new_values(ctx: &SessionContext, today: NaiveDate, slots: &[Slot]) -> Vec<String> {
    slots
        .iter()
        .map(|s| match s {
            Slot::Date => today.format("%Y-%m-%d").to_string(),
            Slot::Start | Slot::Fidelity | Slot::Score(_) => String::new(),
            Slot::Attendance => "present".into(),
            Slot::Minutes => ctx.planned_minutes.to_string(),
            Slot::Restricted => form::flag_text(false),
            Slot::Field(i) => carried(ctx, *s).unwrap_or_else(|| {
                ctx.fields
                    .get(*i)
                    .map(|f| field_text(f, None))
                    .unwrap_or_default()
            }),
        })
        .collect()
}

/// The values of a saved session, as the fields show them.
pub fn stored_values(ctx: &SessionContext, slots: &[Slot], v: &SessionValues) -> Vec<String> {
    slots
        .iter()
        .map(|s| match s {
            Slot::Date => v.session_date.format("%Y-%m-%d").to_string(),
            Slot::Start => v
                .start_time
                .map(|t| t.format("%H:%M").to_string())
                .unwrap_or_default(),
            Slot::Attendance => v.attendance.as_str().into(),
            Slot::Minutes => v.minutes.to_string(),
            Slot::Fidelity => v.fidelity.map(|f| f.to_string()).unwrap_or_default(),
            Slot::Restricted => form::flag_text(v.is_restricted),
            Slot::Field(i) => ctx
                .fields
                .get(*i)
                .map(|f| field_text(f, v.field_values.get(&f.key)))
                .unwrap_or_default(),
            Slot::Score(i) => ctx
                .goals
                .get(*i)
                .and_then(|g| v.scores.iter().find(|sc| sc.goal_id == g.id))
                .map(|sc| number_text(sc.value))
                .unwrap_or_default(),
        })
        .collect()
}

fn number_text(v: f64) -> String {
    // 42 rather than 42.0: what a person would have typed.
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        v.to_string()
    }
}

/// A stored field value as its field shows it; a value of the wrong shape
/// (the program changed since) shows as text, for the check to explain.
fn field_text(f: &FieldDef, v: Option<&Value>) -> String {
    match (f.field_type, v) {
        (_, None | Some(Value::Null)) => {
            if f.field_type == FieldType::Boolean {
                form::flag_text(false)
            } else {
                String::new()
            }
        }
        (FieldType::Boolean, Some(Value::Bool(b))) => form::flag_text(*b),
        (_, Some(Value::String(s))) => s.clone(),
        (_, Some(Value::Number(n))) => n.as_f64().map(number_text).unwrap_or_default(),
        (_, Some(Value::Array(items))) => items
            .iter()
            .map(|i| match i {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        (_, Some(other)) => other.to_string(),
    }
}

/// ←/→ on a choosing field: the next (or previous) choice; `None` where
/// arrows move the cursor instead.
pub fn cycle(ctx: &SessionContext, slot: Slot, value: &str, forward: bool) -> Option<String> {
    let step = |choices: &[String]| -> Option<String> {
        if choices.is_empty() {
            return None;
        }
        let n = choices.len();
        let at = choices
            .iter()
            .position(|c| c.eq_ignore_ascii_case(value.trim()));
        let next = match (at, forward) {
            (None, true) => 0,
            (None, false) => n - 1,
            (Some(i), true) => (i + 1) % n,
            (Some(i), false) => (i + n - 1) % n,
        };
        Some(choices[next].clone())
    };
    match slot {
        Slot::Attendance => step(&ATTENDANCE.iter().map(|s| s.to_string()).collect::<Vec<_>>()),
        Slot::Field(i) => {
            let f = ctx.fields.get(i)?;
            match f.field_type {
                FieldType::SingleSelect => step(&f.options),
                FieldType::RatingScale => {
                    let (lo, hi) = (f.min.unwrap_or(1.0) as i64, f.max.unwrap_or(5.0) as i64);
                    if hi < lo || hi - lo > 100 {
                        return None;
                    }
                    step(&(lo..=hi).map(|n| n.to_string()).collect::<Vec<_>>())
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// The form field for a typed field (a program's session field, a
/// district setting): a flag for yes/no, else text with what it accepts.
pub fn field_spec(f: &FieldDef) -> FieldSpec {
    let mut hint = field_hint(f);
    if f.required {
        hint.push_str(" (required)");
    }
    FieldSpec {
        label: Cow::Owned(f.label.clone()),
        kind: if f.field_type == FieldType::Boolean {
            Kind::Flag
        } else {
            Kind::Text
        },
        hint: Cow::Owned(hint),
    }
}

/// What the values make, or the message per field (by slot index). The
/// note is checked by the editor, which owns it.
pub fn parse(
    ctx: &SessionContext,
    slots: &[Slot],
    values: &[String],
    note: &str,
) -> Result<SessionValues, Vec<(usize, String)>> {
    let mut e = Errors(Vec::new());
    let at = |s: Slot| slots.iter().position(|x| *x == s);
    let get = |s: Slot| at(s).and_then(|i| values.get(i)).map_or("", String::as_str);
    let date_i = at(Slot::Date).unwrap_or(0);
    let session_date = match form::date(get(Slot::Date)) {
        Ok(Some(d)) => Some(d),
        Ok(None) => e.take(date_i, Err("the date is required".into())),
        Err(m) => e.take(date_i, Err(m)),
    };
    let start_time = e
        .take(at(Slot::Start).unwrap_or(0), time(get(Slot::Start)))
        .flatten();
    let att_i = at(Slot::Attendance).unwrap_or(0);
    let attendance = e.take(
        att_i,
        form::choice(get(Slot::Attendance), "attendance", ATTENDANCE)
            .and_then(|a| a.parse::<Attendance>().map_err(|x| x.to_string())),
    );
    let min_i = at(Slot::Minutes).unwrap_or(0);
    let minutes = match form::number_in(get(Slot::Minutes), "minutes", 0, 600) {
        Ok(Some(m)) => Some(m),
        Ok(None) => e.take(min_i, Err("minutes is required (0 if none)".into())),
        Err(m) => e.take(min_i, Err(m)),
    };
    if let (Some(a), Some(m)) = (attendance, minutes)
        && a != Attendance::Present
        && m != 0
    {
        e.0.push((
            min_i,
            format!("minutes must be 0 when the session is {}", a.as_str()),
        ));
    }
    let fidelity = e
        .take(
            at(Slot::Fidelity).unwrap_or(0),
            form::number_in(get(Slot::Fidelity), "fidelity", 0, 100),
        )
        .flatten();
    let mut field_values = Map::new();
    // A session that did not happen has nothing to record: the program's
    // required fields are required of sessions the student attended.
    let held = attendance.is_none_or(|a| a == Attendance::Present);
    for (i, f) in ctx.fields.iter().enumerate() {
        let Some(si) = at(Slot::Field(i)) else {
            continue;
        };
        if let Some(Some(v)) = e.take(si, field_value(f, get(Slot::Field(i)), held)) {
            field_values.insert(f.key.clone(), v);
        }
    }
    let mut scores = Vec::new();
    for (i, g) in ctx.goals.iter().enumerate() {
        let Some(si) = at(Slot::Score(i)) else {
            continue;
        };
        if let Some(Some(value)) = e.take(si, form::decimal(get(Slot::Score(i)), "the score")) {
            scores.push(Score {
                goal_id: g.id,
                value,
            });
        }
    }
    scores.sort_by_key(|s| s.goal_id);
    let is_restricted = ctx.can_restrict && form::yes_no(get(Slot::Restricted));
    match (session_date, attendance, minutes) {
        (Some(session_date), Some(attendance), Some(minutes)) if e.0.is_empty() => {
            Ok(SessionValues {
                session_date,
                start_time,
                minutes,
                attendance,
                fidelity,
                note: (!note.trim().is_empty()).then(|| note.to_string()),
                field_values: Value::Object(field_values),
                is_restricted,
                scores,
            })
        }
        _ => Err(e.0),
    }
}

/// HH:MM or H:MM, 24-hour; empty is `None`.
fn time(s: &str) -> Result<Option<NaiveTime>, String> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    NaiveTime::parse_from_str(t, "%H:%M")
        .map(Some)
        .map_err(|_| {
            format!(
                "{:?} is not a time: use HH:MM, 24-hour, e.g. 09:30 or 14:05",
                t.chars().take(32).collect::<String>()
            )
        })
}

/// A program field's value as saved (`None`: left empty), or why not.
pub fn field_value(f: &FieldDef, s: &str, held: bool) -> Result<Option<Value>, String> {
    let t = s.trim();
    let what = &f.label;
    if f.field_type == FieldType::Boolean {
        return Ok(Some(Value::Bool(form::yes_no(t))));
    }
    if t.is_empty() {
        return if f.required && held {
            Err(format!("{what} is required when the student was present"))
        } else {
            Ok(None)
        };
    }
    let in_range = |v: f64| -> Result<f64, String> {
        match (f.min, f.max) {
            (Some(lo), _) if v < lo => Err(format!("{what} is at least {lo}")),
            (_, Some(hi)) if v > hi => Err(format!("{what} is at most {hi}")),
            _ => Ok(v),
        }
    };
    let option = |o: &str| -> Result<String, String> {
        f.options
            .iter()
            .find(|c| c.eq_ignore_ascii_case(o.trim()))
            .cloned()
            .ok_or_else(|| {
                format!(
                    "{:?} is not an option of {what}; choose one of: {}",
                    o.trim().chars().take(64).collect::<String>(),
                    f.options.join(", ")
                )
            })
    };
    Ok(Some(match f.field_type {
        FieldType::Number => {
            let v = form::decimal(t, what)?.unwrap_or_default();
            serde_json::Number::from_f64(in_range(v)?).map_or(Value::Null, Value::Number)
        }
        FieldType::RatingScale => {
            let v: i64 = t
                .parse()
                .map_err(|_| format!("{what} is a whole number, e.g. 3"))?;
            in_range(v as f64)?;
            Value::from(v)
        }
        FieldType::SingleSelect => Value::String(option(t)?),
        FieldType::MultiSelect => Value::Array(
            t.split(',')
                .filter(|p| !p.trim().is_empty())
                .map(|p| option(p).map(Value::String))
                .collect::<Result<_, _>>()?,
        ),
        FieldType::Date => Value::String(
            form::date(t)?
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
        ),
        FieldType::Time => Value::String(
            time(t)?
                .map(|d| d.format("%H:%M").to_string())
                .unwrap_or_default(),
        ),
        FieldType::Email if !t.contains('@') || t.contains(char::is_whitespace) => {
            return Err(format!("{what}: {t:?} is not an email address"));
        }
        FieldType::Url if !(t.starts_with("https://") || t.starts_with("http://")) => {
            return Err(format!("{what}: a web address starts with https://"));
        }
        FieldType::Phone
            if !t
                .chars()
                .all(|c| c.is_ascii_digit() || " +-().x".contains(c)) =>
        {
            return Err(format!(
                "{what}: a phone number has digits, spaces and + - ( ) only"
            ));
        }
        _ if t.chars().count() > 1000 => {
            return Err(format!("{what} is at most 1000 characters"));
        }
        _ => Value::String(t.to_string()),
    }))
}

/// Keeps a note drawable and storable: newlines and tabs stay, every other
/// control character (escape sequences included) goes.
pub fn clean_note(s: &str) -> Cow<'_, str> {
    let bad = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !s.contains(bad) && !s.contains('\r') {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.replace("\r\n", "\n").replace('\r', "\n").replace(bad, ""))
}
