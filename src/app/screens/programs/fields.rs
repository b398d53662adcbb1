//! A program's session fields: the list (move, retire, add) and the new
//! field's form. Nothing is written until `ctrl-s`; `esc` with changes asks
//! first.

use super::{FieldsEdit, Mode, ProgramsState};
use crate::app::Effect;
use crate::app::choices::Choice;
use crate::app::confirm::{self, Answer};
use crate::app::form::{self, Errors, Form, FormKey};
use crate::app::keymap::{Action, Context, Key};
use crate::app::list::Cursor;
use crate::app::screens::room::Cx;
use crate::domain::admin::AdminChange;
use crate::domain::enums::FieldType;
use crate::domain::programs::{self, NewField, ProgramRow};
use crossterm::event::KeyEvent;

const fn c(value: &'static str, words: &'static str) -> Choice {
    Choice { value, words }
}

/// field_type, in its order.
pub const FIELD_TYPES: &[Choice] = &[
    c("text", "text"),
    c("textarea", "long text"),
    c("number", "number"),
    c("date", "date"),
    c("time", "time"),
    c("boolean", "yes/no"),
    c("single_select", "one of a list"),
    c("multi_select", "several of a list"),
    c("rating_scale", "rating scale"),
    c("email", "e-mail"),
    c("phone", "phone"),
    c("url", "web address"),
];

static NEW_FIELD: &[form::FieldSpec] = &[
    form::text(
        "Key",
        "stored with each session: lower-case letters, digits, _",
    ),
    form::text("Label", "what the session editor shows, 1 to 60 characters"),
    form::pick("Type", FIELD_TYPES),
    form::flag("Required (of sessions attended)"),
    form::text("Options", "for lists: separated by commas"),
    form::text("Lowest", "for numbers and ratings; empty: none"),
    form::text("Highest", "for numbers and ratings; empty: none"),
];

pub fn of(p: &ProgramRow) -> Mode {
    Mode::Fields(Box::new(FieldsEdit {
        id: p.id,
        name: p.name.clone(),
        fields: p.fields.clone(),
        original: p.fields.clone(),
        at: Cursor::default(),
        adding: None,
        saving: None,
        notice: None,
        confirm_discard: false,
    }))
}

/// The new field the form's values make, or each field's problem.
pub fn parse(v: &[String], fields: &[serde_json::Value]) -> Result<NewField, Vec<(usize, String)>> {
    let mut e = Errors(Vec::new());
    let key = e.take(0, programs::field_key(&v[0], fields));
    let label = e.take(1, form::required(&v[1], "the label", 60));
    let field_type = e.take(
        2,
        v[2].trim()
            .parse::<FieldType>()
            .map_err(|_| "choose a type".to_string()),
    );
    let options: Vec<String> = v[4]
        .split(',')
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .map(String::from)
        .collect();
    let listed = matches!(
        field_type,
        Some(FieldType::SingleSelect | FieldType::MultiSelect)
    );
    if listed && options.len() < 2 {
        e.0.push((
            4,
            "a list needs at least two options, separated by commas".into(),
        ));
    }
    let min = e
        .take(5, form::decimal(&v[5], "the lowest value"))
        .flatten();
    let max = e
        .take(6, form::decimal(&v[6], "the highest value"))
        .flatten();
    if let (Some(lo), Some(hi)) = (min, max)
        && lo > hi
    {
        e.0.push((6, "the highest value is below the lowest".into()));
    }
    match (key, label, field_type) {
        (Some(key), Some(label), Some(field_type)) if e.0.is_empty() => Ok(NewField {
            key,
            label,
            field_type,
            required: form::yes_no(&v[3]),
            options: if listed { options } else { vec![] },
            min,
            max,
        }),
        _ => Err(e.0),
    }
}

pub(super) fn on_key(
    s: &mut ProgramsState,
    cx: &mut Cx,
    key: &KeyEvent,
    action: Option<Action>,
) -> Vec<Effect> {
    let Mode::Fields(f) = &mut s.mode else {
        return vec![];
    };
    if f.saving.is_some() {
        return vec![];
    }
    if f.confirm_discard {
        match confirm::answer(key) {
            Answer::Yes => s.mode = Mode::List,
            Answer::No => f.confirm_discard = false,
            Answer::Unanswered => {}
        }
        return vec![];
    }
    if let Some(new) = &mut f.adding {
        match new.key(key, cx.keymap) {
            FormKey::Cancel => f.adding = None,
            FormKey::Edited | FormKey::Moved => {
                new.set_errors(parse(&new.values, &f.fields).err().unwrap_or_default());
            }
            FormKey::Save => match parse(&new.values, &f.fields) {
                Ok(field) => {
                    let at = (f.at.at() + 1).min(f.fields.len());
                    f.fields.insert(at, field.to_json());
                    f.at.move_by(isize::MAX, at + 1);
                    f.adding = None;
                    cx.info(format!("added {}: ctrl-s saves the fields", field.label));
                }
                Err(errors) => {
                    new.set_errors(errors);
                    new.fix_fields();
                }
            },
            FormKey::Ignored => {}
        }
        return vec![];
    }
    let k = Key::from_event(key);
    if cx.keymap.keys(Action::Save).contains(&k) {
        let req = cx.alloc();
        f.saving = Some(req);
        f.notice = None;
        return vec![Effect::Admin {
            req,
            change: AdminChange::ProgramFields {
                id: f.id,
                fields: f.fields.clone(),
            },
        }];
    }
    if cx.keymap.keys(Action::CancelForm).contains(&k) {
        if f.fields == f.original {
            s.mode = Mode::List;
        } else {
            f.confirm_discard = true;
        }
        return vec![];
    }
    let n = f.fields.len();
    let i = f.at.at();
    match cx.keymap.action_in(key, |c| c == Context::ProgramFields) {
        Some(Action::FieldAdd) => {
            let values = ["", "", "number", "no", "", "", ""];
            f.adding = Some(Form::new(
                NEW_FIELD,
                values.iter().map(|v| v.to_string()).collect(),
            ));
        }
        Some(Action::FieldRetire) => {
            if let Some(field) = f.fields.get_mut(i) {
                programs::toggle_retired(field);
            }
        }
        Some(Action::FieldUp) if i > 0 && i < n => {
            f.fields.swap(i, i - 1);
            f.at.move_by(-1, n);
        }
        Some(Action::FieldDown) if i + 1 < n => {
            f.fields.swap(i, i + 1);
            f.at.move_by(1, n);
        }
        Some(_) => {}
        None => {
            if let Some(m) = action.and_then(|a| a.movement(cx.page())) {
                f.at.move_by(m, n);
            }
        }
    }
    vec![]
}
