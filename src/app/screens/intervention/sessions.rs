//! The detail's sessions tab: enter or `e` opens the selected session in
//! the session editor, `x` deletes it after a yes.

use super::{DetailState, SessionDelete, Tab};
use crate::app::confirm::{self, Answer};
use crate::app::keymap::Action;
use crate::app::screens::room::{Cx, LogFor, Nav};
use crate::app::screens::shows_records;
use crate::app::{Effect, ReqId};
use crossterm::event::KeyEvent;

/// Keys of the sessions tab; `None` leaves the key to the detail. The
/// question before deleting takes every key: only y deletes (`app::confirm`).
pub(super) fn on_key(
    d: &mut DetailState,
    cx: &mut Cx,
    key: &KeyEvent,
    action: Option<Action>,
) -> Option<Vec<Effect>> {
    if let Some(del) = d.session_delete.as_mut() {
        if del.req.is_some() {
            return Some(vec![]);
        }
        match confirm::answer(key) {
            Answer::Yes => {
                let req = cx.alloc();
                del.req = Some(req);
                return Some(vec![Effect::DeleteSession {
                    req,
                    id: del.id,
                    version: del.version,
                }]);
            }
            Answer::No => d.session_delete = None,
            Answer::Unanswered => {}
        }
        return Some(vec![]);
    }
    if d.tab != Tab::Sessions || d.prompt.is_some() {
        return None;
    }
    let row = d.detail.get()?.sessions.get(d.cursor)?;
    match action {
        Some(Action::Edit | Action::Open) => {
            cx.go(Nav::LogSession(LogFor::Saved {
                intervention_id: d.id,
                session_id: row.id,
                title: format!("{} · session of {}", d.title, row.session_date),
            }));
            Some(vec![])
        }
        Some(Action::DeletePoint) => {
            d.session_delete = Some(SessionDelete {
                id: row.id,
                version: row.version,
                label: format!(
                    "{} · {} · {} min",
                    row.session_date, row.attendance, row.minutes
                ),
                req: None,
            });
            Some(vec![])
        }
        _ => None,
    }
}

/// The answer to `Effect::DeleteSession`: every screen showing sessions
/// (or what they feed) loads again.
pub(super) fn on_deleted(
    d: &mut DetailState,
    cx: &mut Cx,
    req: ReqId,
    outcome: Result<(), String>,
) {
    if d.session_delete.as_ref().and_then(|x| x.req) != Some(req) {
        return;
    }
    d.session_delete = None;
    match outcome {
        Ok(()) => {
            cx.info("session deleted");
            cx.go(Nav::Reload(shows_records));
        }
        Err(why) => cx.error(format!("not deleted: {why}")),
    }
}
