//! The school form: its fields, checked as typed with the table's rules
//! (and the grade span's order); the time zone is checked by the database,
//! whose refusal shows in the form with everything typed kept.

use super::{SchoolForm, SchoolsState};
use crate::app::Effect;
use crate::app::choices::GRADES;
use crate::app::form::{self, Errors, Form, FormKey};
use crate::app::screens::room::Cx;
use crate::domain::admin::AdminChange;
use crate::domain::enums::GradeLevel;
use crate::domain::school::{School, SchoolWrite};
use crossterm::event::KeyEvent;
use uuid::Uuid;

pub const NAME: usize = 0;

static FIELDS: &[form::FieldSpec] = &[
    form::text("Name", "1 to 200 characters"),
    form::text("Short name", "optional, at most 40 characters"),
    form::text("Local id", "the district's id, unique, 1 to 64 characters"),
    form::pick("Lowest grade", GRADES),
    form::pick("Highest grade", GRADES),
    form::text("Time zone", "an IANA zone, e.g. America/Chicago"),
    form::flag("Active"),
];

pub fn new(id: Uuid) -> SchoolForm {
    SchoolForm {
        id,
        new: true,
        form: Form::new(
            FIELDS,
            vec![
                String::new(),
                String::new(),
                String::new(),
                "KG".into(),
                "05".into(),
                "America/New_York".into(),
                form::flag_text(true),
            ],
        ),
    }
}

pub fn of(s: &School) -> SchoolForm {
    use crate::domain::enums::PgEnum;
    SchoolForm {
        id: s.id,
        new: false,
        form: Form::new(
            FIELDS,
            vec![
                s.name.clone(),
                s.short_name.clone().unwrap_or_default(),
                s.local_id.clone(),
                s.low_grade.label().into(),
                s.high_grade.label().into(),
                s.timezone.clone(),
                form::flag_text(s.is_active),
            ],
        ),
    }
}

/// The write the values make, or each field's problem.
pub fn parse(id: Uuid, v: &[String]) -> Result<SchoolWrite, Vec<(usize, String)>> {
    let mut e = Errors(Vec::new());
    let name = e.take(0, form::required(&v[0], "the name", 200));
    let short = v[1].trim();
    let short_name = e.take(
        1,
        if short.chars().count() > 40 {
            Err("the short name is at most 40 characters".to_string())
        } else {
            Ok(form::optional(short))
        },
    );
    let local_id = e.take(2, form::required(&v[2], "the local id", 64));
    let grade = |s: &str| {
        s.trim()
            .parse::<GradeLevel>()
            .map_err(|_| "choose a grade".to_string())
    };
    let low = e.take(3, grade(&v[3]));
    let high = e.take(4, grade(&v[4]));
    if let (Some(l), Some(h)) = (low, high)
        && l > h
    {
        e.0.push((4, "the highest grade comes after the lowest".into()));
    }
    let timezone = e.take(
        5,
        form::required(&v[5], "the time zone", 64).and_then(|t| {
            if t.contains(char::is_whitespace) {
                Err("a time zone has no spaces: e.g. America/Chicago".into())
            } else {
                Ok(t)
            }
        }),
    );
    match (name, short_name, local_id, low, high, timezone) {
        (
            Some(name),
            Some(short_name),
            Some(local_id),
            Some(low_grade),
            Some(high_grade),
            Some(timezone),
        ) if e.0.is_empty() => Ok(SchoolWrite {
            id,
            name,
            short_name,
            local_id,
            low_grade,
            high_grade,
            timezone,
            is_active: form::yes_no(&v[6]),
        }),
        _ => Err(e.0),
    }
}

pub(super) fn on_key(s: &mut SchoolsState, cx: &mut Cx, key: &KeyEvent) -> Vec<Effect> {
    let Some(ed) = s.edit.as_mut() else {
        return vec![];
    };
    match ed.form.key(key, cx.keymap) {
        FormKey::Cancel => s.edit = None,
        FormKey::Edited | FormKey::Moved => {
            ed.form.notice = None;
            let errors = parse(ed.id, &ed.form.values).err().unwrap_or_default();
            ed.form.set_errors(errors);
        }
        FormKey::Save => match parse(ed.id, &ed.form.values) {
            Ok(w) => {
                let req = cx.alloc();
                ed.form.saving = Some(req);
                ed.form.notice = None;
                return vec![Effect::Admin {
                    req,
                    change: AdminChange::School(w),
                }];
            }
            Err(errors) => {
                ed.form.set_errors(errors);
                ed.form.fix_fields();
            }
        },
        FormKey::Ignored => {}
    }
    vec![]
}
