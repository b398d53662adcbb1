//! The screen contract. A screen is a room: it owns its state, its keys,
//! its replies and its title, and it sees the rest of the application only
//! through a [`Cx`]: the key table, the terminal's size, who is signed in,
//! request and row ids, the status line, and [`Nav`] — what it asks of the
//! stack (open a screen, close itself, reload others). The registry
//! (`screens/mod.rs`) hands it each key, reply and failure and then carries
//! out what it asked, so no screen touches another screen or the stack.

use crate::app::hint::GLOBAL;
use crate::app::keymap::{Action, KeyMap};
use crate::app::loadable::Loadable;
use crate::app::request::{Data, Read, Wrote};
use crate::app::screens::Screen;
use crate::app::screens::contact_edit::ContactFor;
use crate::app::state::Ids;
use crate::app::{Effect, Level, OutboxStatus, ReqId};
use crate::domain::live::{Changes, Table};
use crate::domain::user::Whoami;
use crossterm::event::KeyEvent;
use uuid::Uuid;

pub trait Room {
    fn title(&self) -> String;

    /// The key-table actions that do something here as the screen is now
    /// (its tab, an open form or question), the most useful first: the
    /// hint line shows as many as fit, and help lists them before the
    /// rest. `hint::GLOBAL` among them says the global bindings reach
    /// through (no text box or question of the screen has the keys). Keys
    /// the table does not hold (a question's y, a picker's typing) are said
    /// where the question is asked.
    fn keys(&self) -> Vec<Action> {
        GLOBAL.to_vec()
    }

    /// The hint line's word for `action` here, where the table's own would
    /// mislead (the home's Tab goes to the next section, not a tab).
    fn hint(&self, action: Action) -> Option<&'static str> {
        action.short()
    }

    /// Loads on their way: cancelled when the screen goes or loads again.
    fn in_flight(&self) -> Vec<ReqId> {
        vec![]
    }

    /// Any request whose answer this screen waits for: its loads, and the
    /// writes it sent (which leaving does not cancel).
    fn waits_for(&self, req: ReqId) -> bool {
        self.in_flight().contains(&req)
    }

    /// Waiting on something, so the spinner turns.
    fn busy(&self) -> bool {
        !self.in_flight().is_empty()
    }

    /// (Re)load what it shows; called when it opens, on `r`, and after
    /// (re)connecting.
    fn load(&mut self, _cx: &mut Cx) -> Vec<Effect> {
        vec![]
    }

    /// A key while this screen is on top; `None` leaves it to the global
    /// bindings (quit, help, back, retry, the command line).
    fn on_key(
        &mut self,
        cx: &mut Cx,
        key: &KeyEvent,
        action: Option<Action>,
    ) -> Option<Vec<Effect>>;

    /// The answer to a read this screen asked for.
    fn on_reply(&mut self, _cx: &mut Cx, _req: ReqId, _data: Data) -> Vec<Effect> {
        vec![]
    }

    /// The answer to a write this screen sent.
    fn on_written(&mut self, _cx: &mut Cx, _req: ReqId, _wrote: Wrote) -> Vec<Effect> {
        vec![]
    }

    /// News of an upload, download or folder listing this screen started.
    fn on_files(
        &mut self,
        _cx: &mut Cx,
        _req: ReqId,
        _event: crate::domain::document::FileEvent,
    ) -> Vec<Effect> {
        vec![]
    }

    /// A request of this screen's failed. `true`: the status line says
    /// "query failed: …" too; `false`: the screen said it itself.
    fn on_failed(&mut self, _cx: &mut Cx, _req: ReqId, _why: &str) -> bool {
        true
    }

    /// Pasted text for its focused text box; `None` when it has none.
    fn on_paste(&mut self, _cx: &mut Cx, _text: &str) -> Option<Vec<Effect>> {
        None
    }

    /// The terminal changed size (a list keeps its cursor on screen).
    fn on_resize(&mut self, _cx: &mut Cx) {}

    /// Someone wrote rows (`Msg::Changed`; the rows' ids at most, never
    /// their content): a screen showing them refetches in place, keeping
    /// its cursor on the same row; a form being edited is never
    /// overwritten but says that its record changed. Called for every
    /// screen in the stack.
    fn on_changed(&mut self, _cx: &mut Cx, _changes: &Changes) -> Vec<Effect> {
        vec![]
    }
}

/// Forms and editors are boxed in the stack; they are rooms all the same.
impl<T: Room + ?Sized> Room for Box<T> {
    fn title(&self) -> String {
        (**self).title()
    }
    fn keys(&self) -> Vec<Action> {
        (**self).keys()
    }
    fn hint(&self, action: Action) -> Option<&'static str> {
        (**self).hint(action)
    }
    fn in_flight(&self) -> Vec<ReqId> {
        (**self).in_flight()
    }
    fn waits_for(&self, req: ReqId) -> bool {
        (**self).waits_for(req)
    }
    fn busy(&self) -> bool {
        (**self).busy()
    }
    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        (**self).load(cx)
    }
    fn on_key(
        &mut self,
        cx: &mut Cx,
        key: &KeyEvent,
        action: Option<Action>,
    ) -> Option<Vec<Effect>> {
        (**self).on_key(cx, key, action)
    }
    fn on_reply(&mut self, cx: &mut Cx, req: ReqId, data: Data) -> Vec<Effect> {
        (**self).on_reply(cx, req, data)
    }
    fn on_written(&mut self, cx: &mut Cx, req: ReqId, wrote: Wrote) -> Vec<Effect> {
        (**self).on_written(cx, req, wrote)
    }
    fn on_files(
        &mut self,
        cx: &mut Cx,
        req: ReqId,
        event: crate::domain::document::FileEvent,
    ) -> Vec<Effect> {
        (**self).on_files(cx, req, event)
    }
    fn on_failed(&mut self, cx: &mut Cx, req: ReqId, why: &str) -> bool {
        (**self).on_failed(cx, req, why)
    }
    fn on_paste(&mut self, cx: &mut Cx, text: &str) -> Option<Vec<Effect>> {
        (**self).on_paste(cx, text)
    }
    fn on_resize(&mut self, cx: &mut Cx) {
        (**self).on_resize(cx)
    }
    fn on_changed(&mut self, cx: &mut Cx, changes: &Changes) -> Vec<Effect> {
        (**self).on_changed(cx, changes)
    }
}

/// `on_changed` for a screen whose load keeps its cursor on the same row:
/// load again when any of `tables` changed.
pub fn reload_if(cx: &mut Cx, changes: &Changes, tables: &[Table]) -> Vec<Effect> {
    if changes.touches(tables) {
        cx.go(Nav::ReloadSelf);
    }
    vec![]
}

/// What a screen asks of the stack; carried out, in order, once the
/// screen's handler returns.
#[derive(Debug)]
pub enum Nav {
    /// Open a screen on top and load it.
    Push(Box<Screen>),
    /// Close the screen that asks (wherever it is in the stack),
    /// cancelling its loads. The first screen never closes.
    Close,
    /// Load the screen that asks again.
    ReloadSelf,
    /// Load again every screen this picks out (they show what was just
    /// written); the screen that asks included, if picked.
    Reload(fn(&Screen) -> bool),
    /// Open a menu target (or a tool the database allowed), as the menu does.
    Open { target: String, label: String },
    /// `L`: the session editor, for a student first the choice of which of
    /// their interventions (a layer over the screens); or the editor on a
    /// saved session.
    LogSession(LogFor),
    /// The contact form, to log a contact with a family.
    LogContact(ContactFor),
    /// The contact form on a logged contact (`communication_log.id`).
    EditContact(Uuid),
    /// Once, at sign-in: the first screen the menu offers, over the menu.
    StartScreen,
    /// The help overlay, for a screen that keeps the help key for typing
    /// and opens help on F1 whatever the key table says.
    Help,
    /// Keep a choice for the rest of the session: the screen opened again
    /// starts from it (`State::kept`).
    Keep(Kept),
}

/// Choices a screen keeps for the session, beyond its own life.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Kept {
    /// The Reports screen's fidelity period.
    pub report_period: Option<crate::domain::missed::Period>,
}

/// Whom a session is logged for, or the saved session to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogFor {
    Intervention {
        id: Uuid,
        title: String,
    },
    Student {
        id: Uuid,
        name: String,
    },
    /// A saved session, as it is now in the database (the intervention's
    /// sessions tab).
    Saved {
        intervention_id: Uuid,
        session_id: Uuid,
        title: String,
    },
}

/// What a screen may use besides itself.
pub struct Cx<'a> {
    pub keymap: &'a KeyMap,
    pub width: u16,
    pub height: u16,
    /// Who is signed in; `None` while not connected.
    pub whoami: Option<&'a Whoami>,
    pub outbox: &'a OutboxStatus,
    pub(crate) ids: &'a mut Ids,
    pub(crate) message: &'a mut Option<(Level, String)>,
    /// Reset with each message, which then has its full time to fade.
    pub(crate) message_age: &'a mut u32,
    pub(crate) nav: Vec<Nav>,
}

impl Cx<'_> {
    /// A fresh request id.
    pub fn alloc(&mut self) -> ReqId {
        self.ids.req()
    }

    /// An id for a row about to be created (see `Ids::row`).
    pub fn mint_id(&mut self) -> Uuid {
        self.ids.row()
    }

    pub fn info(&mut self, text: impl Into<String>) {
        *self.message = Some((Level::Info, text.into()));
        *self.message_age = 0;
    }

    pub fn error(&mut self, text: impl Into<String>) {
        *self.message = Some((Level::Error, text.into()));
        *self.message_age = 0;
    }

    pub fn is_connected(&self) -> bool {
        self.whoami.is_some()
    }

    /// How many list rows fit (the roster's measure, used by every list).
    pub fn view(&self) -> usize {
        crate::app::roster::visible_rows(self.height)
    }

    /// How many rows a page key moves in a list of `view()` rows.
    pub fn page(&self) -> isize {
        self.view().saturating_sub(1).max(1) as isize
    }

    /// Open `screen` on top (and load it) once this handler returns.
    pub fn push(&mut self, screen: Screen) {
        self.nav.push(Nav::Push(Box::new(screen)));
    }

    /// Asks for `read` with a fresh request kept in `into` (whose value
    /// stays on screen meanwhile; the stack has cancelled the request this
    /// one supersedes): the effect to send.
    pub fn load<T>(&mut self, into: &mut Loadable<T>, read: Read) -> Vec<Effect> {
        let req = self.alloc();
        into.start(req);
        vec![Effect::Load { req, read }]
    }

    /// Ask the stack for something (see [`Nav`]).
    pub fn go(&mut self, nav: Nav) {
        self.nav.push(nav);
    }
}
