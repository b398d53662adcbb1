//! Tool approval (issue 17, part 2): every tool with its status, who moved
//! it when and the note they left; `a` offers the moves the workflow allows
//! from the selected tool's status, then asks for a review note (required
//! to reject) whose enter makes the move; `p` lists the roles, `space`
//! granting or taking the tool away and `s` changing a grant's scope; `n`
//! adds a tool (a draft), `e` renames one. Only an approved tool reaches a
//! menu, and only for the roles granted it: after every change the menu
//! loads again, so an administrator sees it at once. A tool no screen of
//! this client opens (`screens::tool_has_screen`) is marked and cannot be
//! approved: its menu item would lead nowhere.

pub mod keys;

use crate::app::form::Form;
use crate::app::hint::{GLOBAL, MOVE};
use crate::app::keymap::Action;
use crate::app::list::Cursor;
use crate::app::loadable::Loadable;
use crate::app::request::Wrote;
use crate::app::screens::room::{Cx, Room};
use crate::app::screens::{Screen, admin_write};
use crate::app::{Data, Effect, Read, ReqId};
use crate::domain::enums::ToolStatus;
use crate::domain::tools::{Tool, ToolCatalogue};
use crossterm::event::KeyEvent;

/// The menu's target for this screen (the `tools` row's key).
pub const TARGET: &str = "admin.tools";
pub const TITLE: &str = "Tool approval";

/// What has the keys besides the list.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Mode {
    #[default]
    List,
    /// Choosing one of the legal moves (`at` into `moves`).
    ChooseMove { moves: Vec<ToolStatus>, at: Cursor },
    /// The review note for a move (required to reject); its enter makes
    /// the move (the move was chosen already: a second question after the
    /// note read as "enter keeps it" to people who had just said what to do).
    Note { to: ToolStatus, form: Form },
    /// Retiring is for good (a retired tool has no move left): asked once
    /// more after the note, `y` only.
    Confirm {
        to: ToolStatus,
        note: Option<String>,
    },
    /// The roles, `at` the selected one: space grants or takes away, `s`
    /// changes the scope.
    Grants { at: Cursor },
    /// A new tool (`editing` none) or the selected one's name and description.
    Edit {
        editing: Option<uuid::Uuid>,
        form: Form,
    },
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ToolsState {
    pub list: Loadable<ToolCatalogue>,
    pub cursor: Cursor,
    pub mode: Mode,
    /// A change on its way, and what to say when it is made.
    pub writing: admin_write::Writing,
}

impl ToolsState {
    pub fn tools(&self) -> &[Tool] {
        self.list.get().map_or(&[], |c| c.tools.as_slice())
    }

    pub fn selected(&self) -> Option<&Tool> {
        self.tools().get(self.cursor.at())
    }
}

/// Why tool `t` may not be approved in this client, if it may not.
pub fn unapprovable(t: &Tool) -> Option<String> {
    (!crate::app::screens::tool_has_screen(&t.key)).then(|| {
        format!(
            "this version of caseload has no screen for {}; approving it would show an empty menu item",
            t.name
        )
    })
}

/// Menus show what was just changed: the person's own menu loads again.
fn is_menu(s: &Screen) -> bool {
    matches!(s, Screen::Menu(_) | Screen::MenuEditor(_))
}

impl Room for ToolsState {
    fn title(&self) -> String {
        TITLE.into()
    }

    fn keys(&self) -> Vec<Action> {
        match self.mode {
            Mode::List => [
                &[
                    Action::ToolMove,
                    Action::ToolGrants,
                    Action::ToolNew,
                    Action::ToolEdit,
                ][..],
                MOVE,
                GLOBAL,
            ]
            .concat(),
            Mode::ChooseMove { .. } | Mode::Grants { .. } => MOVE.to_vec(),
            // The forms say their keys where they ask.
            Mode::Note { .. } | Mode::Edit { .. } | Mode::Confirm { .. } => vec![],
        }
    }

    fn in_flight(&self) -> Vec<ReqId> {
        self.list.req().into_iter().collect()
    }

    fn waits_for(&self, req: ReqId) -> bool {
        self.list.waits_for(req) || admin_write::waits_for(&self.writing, req)
    }

    fn busy(&self) -> bool {
        self.list.req().is_some() || self.writing.is_some()
    }

    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        cx.load(&mut self.list, Read::ToolCatalogue)
    }

    fn on_key(
        &mut self,
        cx: &mut Cx,
        key: &KeyEvent,
        action: Option<Action>,
    ) -> Option<Vec<Effect>> {
        keys::on_key(self, cx, key, action)
    }

    fn on_reply(&mut self, _cx: &mut Cx, req: ReqId, data: Data) -> Vec<Effect> {
        if let Data::ToolCatalogue { catalogue } = data
            && self.list.arrive(req, *catalogue)
        {
            self.cursor.clamp(self.tools().len());
        }
        vec![]
    }

    fn on_written(&mut self, cx: &mut Cx, req: ReqId, wrote: Wrote) -> Vec<Effect> {
        admin_write::written(&mut self.writing, cx, req, wrote, is_menu)
    }

    fn on_failed(&mut self, _cx: &mut Cx, req: ReqId, why: &str) -> bool {
        self.list.fail(req, why)
    }

    fn on_resize(&mut self, _cx: &mut Cx) {
        self.cursor.clamp(self.tools().len());
    }
}

#[cfg(test)]
pub(crate) mod tests;
