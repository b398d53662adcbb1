//! The queue's keys: the list's, the snooze prompt's and the people
//! picker's.

use super::{FollowUpsState, Mode};
use crate::app::form;
use crate::app::keymap::{Action, Context};
use crate::app::picker::{Picker, PickerKey};
use crate::app::screens::contact_edit::ContactFor;
use crate::app::screens::room::{Cx, Nav};
use crate::app::{Effect, Read};
use crate::domain::contact_log::FollowUpChange;
use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Longest text the snooze prompt keeps (a date is 10).
const MAX_DATE_TEXT: usize = 20;

pub(super) fn on_key(
    s: &mut FollowUpsState,
    cx: &mut Cx,
    key: &KeyEvent,
    action: Option<Action>,
) -> Option<Vec<Effect>> {
    match &mut s.mode {
        Mode::Snooze { .. } => return Some(snooze_key(s, cx, key)),
        Mode::Reassign(_) => return Some(reassign_key(s, cx, key)),
        Mode::List => {}
    }
    if let Some(a) = cx.keymap.action_in(key, |c| c == Context::FollowUps) {
        return Some(list_action(s, cx, a));
    }
    match action? {
        Action::LogContact => Some(list_action(s, cx, Action::LogContact)),
        Action::Open => {
            if let Some(r) = s.selected() {
                cx.go(Nav::EditContact(r.id));
            }
            Some(vec![])
        }
        a => {
            let m = a.movement(cx.page())?;
            s.cursor.move_by(m, s.rows().len());
            Some(vec![])
        }
    }
}

fn list_action(s: &mut FollowUpsState, cx: &mut Cx, a: Action) -> Vec<Effect> {
    if a == Action::FollowUpScope {
        s.scope = s.scope.next(s.oversees);
        s.cursor = Default::default();
        cx.info(s.scope.says());
        return cx.load(&mut s.list, Read::FollowUps { scope: s.scope });
    }
    let Some(row) = s.selected() else {
        cx.info("no follow-up selected");
        return vec![];
    };
    match a {
        Action::FollowUpDone if row.done => {
            cx.info("already done here; u reopens it");
            vec![]
        }
        Action::FollowUpDone => s.send(cx, FollowUpChange::Done),
        Action::FollowUpUndo if !row.done => {
            cx.info("only a follow-up marked done here can be reopened");
            vec![]
        }
        Action::FollowUpUndo => s.send(cx, FollowUpChange::Reopen),
        Action::FollowUpSnooze | Action::FollowUpReassign if row.done => {
            cx.info("this follow-up is done; u reopens it first");
            vec![]
        }
        Action::FollowUpSnooze => {
            s.mode = Mode::Snooze {
                text: String::new(),
                error: None,
            };
            vec![]
        }
        Action::FollowUpReassign => {
            let req = cx.alloc();
            s.mode = Mode::Reassign(Picker::loading(req));
            vec![Effect::Load {
                req,
                read: Read::People,
            }]
        }
        Action::LogContact => {
            cx.go(Nav::LogContact(ContactFor {
                student_id: row.student_id,
                student_name: row.student_name.clone(),
                intervention_id: row.intervention_id,
                parent_id: Some(row.id),
            }));
            vec![]
        }
        _ => vec![],
    }
}

/// Why `text` is no day to snooze to on `today`; the day otherwise.
pub fn snooze_date(text: &str, today: Option<NaiveDate>) -> Result<NaiveDate, String> {
    let Some(day) = form::date(text)? else {
        return Err("type the new due date, YYYY-MM-DD (esc: keep it as it is)".into());
    };
    match today {
        Some(t) if day < t => Err(format!(
            "{day} is in the past: snooze to today ({t}) or later"
        )),
        _ => Ok(day),
    }
}

fn snooze_key(s: &mut FollowUpsState, cx: &mut Cx, key: &KeyEvent) -> Vec<Effect> {
    let Mode::Snooze { text, error } = &mut s.mode else {
        return vec![];
    };
    match key.code {
        KeyCode::Esc => s.mode = Mode::List,
        KeyCode::Enter => match snooze_date(text, s.today) {
            Ok(to) => {
                s.mode = Mode::List;
                return s.send(cx, FollowUpChange::Snooze { to });
            }
            Err(why) => *error = Some(why),
        },
        KeyCode::Backspace => {
            text.pop();
            *error = None;
        }
        KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
            text.clear();
            *error = None;
        }
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) && !c.is_control() => {
            if text.chars().count() < MAX_DATE_TEXT {
                text.push(c);
                *error = None;
            } else {
                // Said, not dropped silently: the person sees why the key did nothing.
                *error = Some(format!(
                    "a date is YYYY-MM-DD: {MAX_DATE_TEXT} characters at most here (ctrl-u clears)"
                ));
            }
        }
        _ => {}
    }
    vec![]
}

fn reassign_key(s: &mut FollowUpsState, cx: &mut Cx, key: &KeyEvent) -> Vec<Effect> {
    let page = cx.view();
    let Mode::Reassign(p) = &mut s.mode else {
        return vec![];
    };
    match p.key(key, page, |x| x.name.clone()) {
        PickerKey::Handled => vec![],
        PickerKey::Closed => {
            s.mode = Mode::List;
            vec![]
        }
        PickerKey::Picked(to) => {
            s.mode = Mode::List;
            if s.selected().and_then(|r| r.owner_id) == Some(to.id) {
                cx.info(format!("{} owns it already", to.name));
                return vec![];
            }
            s.send(cx, FollowUpChange::Reassign { owner: to.id })
        }
    }
}
