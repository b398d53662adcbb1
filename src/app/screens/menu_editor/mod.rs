//! The menu editor (issue 17, part 3): the tree of `navigation_items`,
//! hidden items too; move items up, down, into the group above and out of
//! their group, rename them, change their key letter (a letter another
//! visible item has is refused naming it, as the database refuses it), hide
//! and show them, add groups, separators and tools' screens, delete them (a
//! group only once it is empty, naming what is in it). Beside it, the
//! menu as a chosen role sees it, built by the menu's own code
//! (`menu::build`, `menu::settle`) from the rows the menu query would give
//! that role.

pub mod keys;

use crate::app::form::Form;
use crate::app::hint::{GLOBAL, MOVE};
use crate::app::keymap::Action;
use crate::app::list::Cursor;
use crate::app::loadable::Loadable;
use crate::app::menu::{self, MenuEntry};
use crate::app::request::Wrote;
use crate::app::screens::room::{Cx, Room};
use crate::app::screens::{Screen, admin_write};
use crate::app::{Data, Effect, Read, ReqId};
use crate::domain::menu_tree::{self, MenuTree, NavRow};
use crossterm::event::KeyEvent;
use uuid::Uuid;

/// The menu's target for this screen: a screen of the tool approval tool.
pub const TARGET: &str = "admin.tools.navigation";
pub const TITLE: &str = "Menu editor";

/// The roles the preview can show the menu as, in turn.
pub const PREVIEW_ROLES: &[&str] = &[
    "counselor",
    "coordinator",
    "interventionist",
    "teacher",
    "viewer",
    "admin",
];

/// What a new item is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewItem {
    Group,
    Separator,
    /// A tool's screen: (key, name).
    Screen(String, String),
}

/// What has the keys besides the tree.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Mode {
    #[default]
    List,
    Rename(Form),
    Hotkey(Form),
    /// Choosing what to add (`at` into `choices`).
    Add {
        choices: Vec<NewItem>,
        at: Cursor,
    },
    /// Asking before item `id` is deleted.
    Delete {
        id: Uuid,
    },
    /// The new group's or screen's label.
    NewLabel {
        item: NewItem,
        form: Form,
    },
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct MenuEditorState {
    pub tree: Loadable<MenuTree>,
    /// Into `lines()`.
    pub cursor: Cursor,
    pub mode: Mode,
    /// Into `PREVIEW_ROLES`.
    pub role: usize,
    /// The menu as that role sees it, settled as the menu settles letters.
    pub preview: Vec<MenuEntry>,
    /// A change on its way, and what to say when it is made.
    pub writing: admin_write::Writing,
    /// Once the tree reloads, the cursor goes back to this item.
    pub keep: Option<Uuid>,
}

impl MenuEditorState {
    pub fn rows(&self) -> &[NavRow] {
        self.tree.get().map_or(&[], |t| t.rows.as_slice())
    }

    /// The tree in display order with depths.
    pub fn lines(&self) -> Vec<(usize, &NavRow)> {
        menu_tree::flatten(self.rows())
    }

    pub fn selected(&self) -> Option<&NavRow> {
        self.lines().get(self.cursor.at()).map(|(_, r)| *r)
    }

    pub fn role(&self) -> &'static str {
        PREVIEW_ROLES[self.role % PREVIEW_ROLES.len()]
    }

    /// Builds the preview for the chosen role with the menu's own code.
    fn refresh_preview(&mut self, cx: &Cx) {
        let items = menu_tree::as_role_sees(self.rows(), &[self.role()]);
        let mut entries = menu::build(&items);
        menu::settle(&mut entries, cx.keymap);
        self.preview = entries;
    }
}

/// The person's own menu shows what was just changed.
fn is_menu(s: &Screen) -> bool {
    matches!(s, Screen::Menu(_))
}

impl Room for MenuEditorState {
    fn title(&self) -> String {
        TITLE.into()
    }

    fn keys(&self) -> Vec<Action> {
        use Action::*;
        match self.mode {
            Mode::List => [
                &[
                    NavRename, NavHotkey, NavUp, NavDown, NavIn, NavOut, NavHide, NavAdd,
                    NavDelete, NavPreview,
                ][..],
                MOVE,
                GLOBAL,
            ]
            .concat(),
            Mode::Add { .. } => MOVE.to_vec(),
            // The question says its keys.
            Mode::Delete { .. } => vec![],
            // The forms say their keys where they ask.
            Mode::Rename(_) | Mode::Hotkey(_) | Mode::NewLabel { .. } => vec![],
        }
    }

    fn in_flight(&self) -> Vec<ReqId> {
        self.tree.req().into_iter().collect()
    }

    fn waits_for(&self, req: ReqId) -> bool {
        self.tree.waits_for(req) || admin_write::waits_for(&self.writing, req)
    }

    fn busy(&self) -> bool {
        self.tree.req().is_some() || self.writing.is_some()
    }

    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        cx.load(&mut self.tree, Read::MenuTree)
    }

    fn on_key(
        &mut self,
        cx: &mut Cx,
        key: &KeyEvent,
        action: Option<Action>,
    ) -> Option<Vec<Effect>> {
        let fx = keys::on_key(self, cx, key, action);
        self.refresh_preview(cx);
        fx
    }

    fn on_reply(&mut self, cx: &mut Cx, req: ReqId, data: Data) -> Vec<Effect> {
        if let Data::MenuTree { tree } = data
            && self.tree.arrive(req, *tree)
        {
            if let Some(id) = self.keep.take()
                && let Some(i) = self.lines().iter().position(|(_, r)| r.id == id)
            {
                self.cursor = Cursor::default();
                self.cursor.move_by(i as isize, i + 1);
            }
            self.cursor.clamp(self.lines().len());
            self.refresh_preview(cx);
        }
        vec![]
    }

    fn on_written(&mut self, cx: &mut Cx, req: ReqId, wrote: Wrote) -> Vec<Effect> {
        admin_write::written(&mut self.writing, cx, req, wrote, is_menu)
    }

    fn on_failed(&mut self, _cx: &mut Cx, req: ReqId, why: &str) -> bool {
        self.tree.fail(req, why)
    }

    fn on_resize(&mut self, _cx: &mut Cx) {
        self.cursor.clamp(self.lines().len());
    }
}

#[cfg(test)]
pub(crate) mod tests;
