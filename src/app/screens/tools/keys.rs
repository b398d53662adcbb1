//! The tools screen's keys: the list's, the move chooser's, the review
//! note's, the grants list's and the tool form's.

use super::{Mode, ToolsState};
use crate::app::Effect;
use crate::app::confirm::{self, Answer};
use crate::app::form::{self, Form, FormKey};
use crate::app::keymap::{Action, Context};
use crate::app::list::Cursor;
use crate::app::screens::admin_write;
use crate::app::screens::room::Cx;
use crate::domain::admin::AdminChange;
use crate::domain::enums::ToolStatus;
use crate::domain::tools::{
    NAME_MAX, key_problem, next_scope, next_states, note_required, status_words, verb,
};
use crossterm::event::{KeyCode, KeyEvent};
use std::borrow::Cow;

/// Longest review note kept.
pub const NOTE_MAX: usize = 500;

/// The review note's field: its hint says what enter does, since enter is
/// the move itself.
fn note_form(to: ToolStatus) -> Form {
    let need = if note_required(to) {
        "why: required to reject"
    } else {
        "optional"
    };
    let spec = form::FieldSpec {
        hint: Cow::Owned(if super::keys::is_final(to) {
            format!("{need}; enter, then y: {} for good", verb(to))
        } else {
            format!("{need}; enter: {}, esc: keep it as it is", verb(to))
        }),
        ..form::text("Review note", "")
    };
    Form::with_specs(Cow::Owned(vec![spec]), vec![String::new()])
}

static NEW_TOOL: &[form::FieldSpec] = &[
    form::text(
        "Key",
        "what menu items name: lower-case letters, digits, _ and ., e.g. reports.attendance",
    ),
    form::text("Name", "as people see it, 1 to 80 characters"),
    form::text("Description", "optional: what it unlocks"),
];

static EDIT_TOOL: &[form::FieldSpec] = &[
    form::text("Name", "as people see it, 1 to 80 characters"),
    form::text("Description", "optional: what it unlocks"),
];

pub(super) fn on_key(
    s: &mut ToolsState,
    cx: &mut Cx,
    key: &KeyEvent,
    action: Option<Action>,
) -> Option<Vec<Effect>> {
    match s.mode {
        Mode::List => {}
        Mode::ChooseMove { .. } => return Some(choose_key(s, cx, key, action)),
        Mode::Note { .. } => return Some(note_key(s, cx, key)),
        Mode::Confirm { .. } => return Some(confirm_key(s, cx, key)),
        Mode::Grants { .. } => return Some(grants_key(s, cx, key, action)),
        Mode::Edit { .. } => return Some(edit_key(s, cx, key)),
    }
    match cx.keymap.action_in(key, |c| c == Context::Tools) {
        Some(Action::ToolMove) => return Some(start_move(s, cx)),
        Some(Action::ToolNew) => {
            s.mode = Mode::Edit {
                editing: None,
                form: Form::new(NEW_TOOL, vec![String::new(); 3]),
            };
            return Some(vec![]);
        }
        Some(Action::ToolEdit) => {
            if let Some(t) = s.selected() {
                let values = vec![t.name.clone(), t.description.clone().unwrap_or_default()];
                s.mode = Mode::Edit {
                    editing: Some(t.id),
                    form: Form::new(EDIT_TOOL, values),
                };
            } else {
                cx.info("no tool selected: n adds one");
            }
            return Some(vec![]);
        }
        Some(Action::ToolGrants) => {
            if s.selected().is_some() {
                s.mode = Mode::Grants {
                    at: Cursor::default(),
                };
            }
            return Some(vec![]);
        }
        _ => {}
    }
    let m = action?.movement(cx.page())?;
    s.cursor.move_by(m, s.tools().len());
    Some(vec![])
}

fn start_move(s: &mut ToolsState, cx: &mut Cx) -> Vec<Effect> {
    let Some(t) = s.selected() else {
        cx.info("no tool selected");
        return vec![];
    };
    if s.writing.is_some() {
        cx.info("still saving the last change");
        return vec![];
    }
    let moves = next_states(t.status);
    if moves.is_empty() {
        cx.info(format!(
            "{} is {}: that is the end of its road",
            t.name,
            status_words(t.status)
        ));
        return vec![];
    }
    s.mode = Mode::ChooseMove {
        moves,
        at: Cursor::default(),
    };
    vec![]
}

fn choose_key(
    s: &mut ToolsState,
    cx: &mut Cx,
    key: &KeyEvent,
    action: Option<Action>,
) -> Vec<Effect> {
    let Mode::ChooseMove { moves, at } = &mut s.mode else {
        return vec![];
    };
    match action {
        Some(Action::Back) => s.mode = Mode::List,
        Some(Action::Open) => {
            let Some(&to) = moves.get(at.at()) else {
                return vec![];
            };
            if to == ToolStatus::Approved
                && let Some(why) = s.selected().and_then(super::unapprovable)
            {
                cx.error(why);
                s.mode = Mode::List;
                return vec![];
            }
            s.mode = Mode::Note {
                to,
                form: note_form(to),
            };
        }
        Some(a) => {
            if let Some(m) = a.movement(cx.page()) {
                at.move_by(m, moves.len());
            }
        }
        None if key.code == KeyCode::Esc => s.mode = Mode::List,
        None => {}
    }
    vec![]
}

fn note_key(s: &mut ToolsState, cx: &mut Cx, key: &KeyEvent) -> Vec<Effect> {
    let Mode::Note { to, form } = &mut s.mode else {
        return vec![];
    };
    let to = *to;
    match form.key(key, cx.keymap) {
        FormKey::Cancel => {
            s.mode = Mode::List;
            cx.info("nothing changed");
        }
        FormKey::Save => {
            let note = form.values[0].trim().to_string();
            if note_required(to) && note.is_empty() {
                form.set_errors(vec![(
                    0,
                    "say why it is rejected: the person who asked reads it".into(),
                )]);
            } else if note.chars().count() > NOTE_MAX {
                form.set_errors(vec![(0, format!("at most {NOTE_MAX} characters"))]);
            } else {
                let note = (!note.is_empty()).then_some(note);
                if is_final(to) {
                    s.mode = Mode::Confirm { to, note };
                    return vec![];
                }
                s.mode = Mode::List;
                return make_move(s, cx, to, note);
            }
        }
        FormKey::Edited | FormKey::Moved | FormKey::Ignored => {}
    }
    vec![]
}

/// A move nothing can undo: retiring (a retired tool has no move left).
pub fn is_final(to: ToolStatus) -> bool {
    crate::domain::tools::next_states(to).is_empty()
}

fn make_move(s: &mut ToolsState, cx: &mut Cx, to: ToolStatus, note: Option<String>) -> Vec<Effect> {
    let Some(t) = s.selected() else {
        return vec![];
    };
    let done = format!("{}: {}", done_words(to), t.name);
    let change = AdminChange::MoveTool {
        id: t.id,
        from: t.status,
        to,
        note,
    };
    send(s, cx, change, done)
}

fn confirm_key(s: &mut ToolsState, cx: &mut Cx, key: &KeyEvent) -> Vec<Effect> {
    let Mode::Confirm { to, note } = &s.mode else {
        return vec![];
    };
    let (to, note) = (*to, note.clone());
    match confirm::answer(key) {
        Answer::Unanswered => vec![],
        Answer::No => {
            s.mode = Mode::List;
            cx.info("nothing changed");
            vec![]
        }
        Answer::Yes => {
            s.mode = Mode::List;
            make_move(s, cx, to, note)
        }
    }
}

/// The question before a move nothing can undo.
pub fn question(name: &str, to: ToolStatus) -> String {
    format!(
        "{} \"{name}\" for good? It can never move again.",
        capitalised(verb(to))
    )
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn edit_key(s: &mut ToolsState, cx: &mut Cx, key: &KeyEvent) -> Vec<Effect> {
    let Mode::Edit { editing, form } = &mut s.mode else {
        return vec![];
    };
    let editing = *editing;
    let k = form.key(key, cx.keymap);
    // The new-tool form has the key first; the rename form has none.
    let first = usize::from(editing.is_none());
    let key_value = form.values[0].trim().to_string();
    let name = form.values[first].trim().to_string();
    let description = form::optional(&form.values[first + 1]);
    let mut errors = vec![];
    if editing.is_none()
        && let Some(why) = key_problem(&key_value)
    {
        errors.push((0, why.to_string()));
    }
    if let Err(e) = form::required(&name, "the name", NAME_MAX) {
        errors.push((first, e));
    }
    if editing.is_none() && s.tools().iter().any(|t| t.key == key_value) {
        errors.push((0, format!("another tool has the key {key_value}")));
    }
    let Mode::Edit { form, .. } = &mut s.mode else {
        return vec![];
    };
    let ok = errors.is_empty();
    form.set_errors(errors);
    match k {
        FormKey::Cancel => s.mode = Mode::List,
        FormKey::Save if !ok => form.fix_fields(),
        FormKey::Save if s.writing.is_some() => cx.info("still saving the last change"),
        FormKey::Save => {
            s.mode = Mode::List;
            let (change, done) = match editing {
                None => (
                    AdminChange::NewTool {
                        key: key_value.clone(),
                        name: name.clone(),
                        description,
                    },
                    format!("added {name} ({key_value}) as a draft: a to submit it, p to grant it"),
                ),
                Some(id) => (
                    AdminChange::EditTool {
                        id,
                        name: name.clone(),
                        description,
                    },
                    format!("renamed: {name}"),
                ),
            };
            return send(s, cx, change, done);
        }
        FormKey::Edited | FormKey::Moved | FormKey::Ignored => {}
    }
    vec![]
}

fn grants_key(
    s: &mut ToolsState,
    cx: &mut Cx,
    key: &KeyEvent,
    action: Option<Action>,
) -> Vec<Effect> {
    let Mode::Grants { at } = &mut s.mode else {
        return vec![];
    };
    let roles = s.list.get().map_or(0, |c| c.roles.len());
    if key.code == KeyCode::Char('s') {
        let at = at.at();
        let (Some(t), Some(role)) = (s.selected(), s.list.get().and_then(|c| c.roles.get(at)))
        else {
            return vec![];
        };
        let Some(scope) = t.scope_of(&role.key) else {
            cx.info(format!(
                "{} is not granted {}: space grants it first",
                role.name, t.name
            ));
            return vec![];
        };
        if s.writing.is_some() {
            cx.info("still saving the last change");
            return vec![];
        }
        let scope = next_scope(scope);
        let done = format!("{} uses {} with scope {scope}", role.name, t.name);
        let change = AdminChange::GrantScope {
            tool: t.id,
            role: role.id,
            scope,
        };
        return send(s, cx, change, done);
    }
    if key.code == KeyCode::Char(' ') {
        let at = at.at();
        let (Some(t), Some(role)) = (s.selected(), s.list.get().and_then(|c| c.roles.get(at)))
        else {
            return vec![];
        };
        if s.writing.is_some() {
            cx.info("still saving the last change");
            return vec![];
        }
        let grant = !t.roles.contains(&role.key);
        let done = if grant && t.status == ToolStatus::Approved {
            format!("{} may open {} now", role.name, t.name)
        } else if grant {
            // A grant reaches a menu only once the tool is approved.
            format!("{} may open {} once it is approved", role.name, t.name)
        } else {
            format!("{} may no longer open {}", role.name, t.name)
        };
        let change = AdminChange::Grant {
            tool: t.id,
            role: role.id,
            grant,
        };
        return send(s, cx, change, done);
    }
    match action {
        Some(Action::Back | Action::Open) => s.mode = Mode::List,
        Some(a) => {
            if let Some(m) = a.movement(cx.page()) {
                at.move_by(m, roles);
            }
        }
        None if key.code == KeyCode::Esc => s.mode = Mode::List,
        None => {}
    }
    vec![]
}

fn send(s: &mut ToolsState, cx: &mut Cx, change: AdminChange, done: String) -> Vec<Effect> {
    admin_write::send(&mut s.writing, cx, change, done)
}

/// "approved", "rejected", … for the status line.
fn done_words(to: ToolStatus) -> &'static str {
    match to {
        ToolStatus::Draft => "back to draft",
        ToolStatus::Submitted => "submitted for review",
        ToolStatus::InReview => "in review",
        ToolStatus::Approved => "approved (it reaches the menus of the roles granted it)",
        ToolStatus::Rejected => "rejected",
        ToolStatus::Retired => "retired (it leaves every menu)",
    }
}
