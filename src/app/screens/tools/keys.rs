//! The tools screen's keys: the list's, the move chooser's, the review
//! note's, the question's and the grants list's.

use super::{Mode, ToolsState};
use crate::app::Effect;
use crate::app::confirm::{self, Answer};
use crate::app::form::{self, Form, FormKey};
use crate::app::keymap::{Action, Context};
use crate::app::list::Cursor;
use crate::app::screens::room::Cx;
use crate::domain::admin::AdminChange;
use crate::domain::enums::ToolStatus;
use crate::domain::tools::{next_states, note_required, status_words, verb};
use crossterm::event::{KeyCode, KeyEvent};

/// Longest review note kept.
pub const NOTE_MAX: usize = 500;

static NOTE: &[form::FieldSpec] = &[form::text(
    "Review note",
    "why: required to reject, optional otherwise (enter goes on)",
)];

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
    }
    match cx.keymap.action_in(key, |c| c == Context::Tools) {
        Some(Action::ToolMove) => return Some(start_move(s, cx)),
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
            s.mode = Mode::Note {
                to,
                form: Form::new(NOTE, vec![String::new()]),
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
        FormKey::Cancel => s.mode = Mode::List,
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
                s.mode = Mode::Confirm {
                    to,
                    note: (!note.is_empty()).then_some(note),
                };
            }
        }
        FormKey::Edited | FormKey::Moved | FormKey::Ignored => {}
    }
    vec![]
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
    }
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
        let done = if grant {
            format!("{} may open {} now", role.name, t.name)
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
    let req = cx.alloc();
    s.writing = Some((req, done));
    vec![Effect::Admin { req, change }]
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

/// The question before a move.
pub fn question(name: &str, to: ToolStatus) -> String {
    format!("{} \"{name}\"?", capitalised(verb(to)))
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
