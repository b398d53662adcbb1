//! One folder per screen: its state, its keys, its replies and its tests,
//! behind the contract in `room.rs`. This file is the registry: the
//! `Screen` stack entry (one line per screen), the menu targets that open
//! them, and the one place that hands a key, a reply, a failure or a reload
//! to the screen it belongs to and then carries out what the screen asked
//! of the stack.

pub mod admin_write;
pub mod communications;
pub mod contact_edit;
pub mod doc_upload;
pub mod documents;
pub mod export;
pub mod follow_ups;
pub mod home;
pub mod import;
pub mod intervention;
pub mod iv_edit;
pub mod iv_list;
pub mod jobs;
pub mod menu;
pub mod menu_editor;
pub mod missed;
pub mod my_caseload;
pub mod people;
pub mod placeholder;
pub mod programs;
pub mod reports;
pub mod room;
pub mod roster;
pub mod schools;
pub mod session_edit;
pub mod settings;
pub mod student;
pub mod tools;

use crate::app::keymap::Action;
use crate::app::nav::{cancel_all, reload};
use crate::app::request::Wrote;
use crate::app::{Conn, Data, Effect, ReqId, State, session_log};
use communications::CommsState;
use crossterm::event::KeyEvent;
use doc_upload::UploadState;
use documents::DocsState;
use export::ExportState;
use follow_ups::FollowUpsState;
use home::HomeState;
use import::ImportState;
use intervention::DetailState;
use iv_edit::IvEditState;
use iv_list::IvListState;
use jobs::JobsState;
use menu::MenuState;
use menu_editor::MenuEditorState;
use missed::MissedState;
use my_caseload::MyCaseloadState;
use people::PeopleState;
use placeholder::Placeholder;
use programs::ProgramsState;
use reports::ReportsState;
use room::{Cx, Nav, Room};
use roster::RosterState;
use schools::SchoolsState;
use session_edit::SessionScreen;
use session_edit::recover::DraftsState;
use settings::SettingsState;
use student::StudentState;
use tools::ToolsState;

/// Commands that open a screen by another name than its menu target.
pub const COMMANDS: &[(&str, &str)] = &[
    (schools::COMMAND, schools::TARGET),
    (follow_ups::COMMAND, follow_ups::TARGET),
    (missed::COMMAND, missed::TARGET),
    (people::COMMAND, people::TARGET),
    (settings::COMMAND, settings::TARGET),
];

/// Declares the stack entry, one line a screen, and each entry's room.
macro_rules! screens {
    ($($(#[$doc:meta])* $name:ident($ty:ty),)+) => {
        #[derive(Debug, Clone)]
        pub enum Screen {
            $($(#[$doc])* $name($ty),)+
        }

        impl Screen {
            pub(crate) fn room(&self) -> &dyn Room {
                match self {
                    $(Screen::$name(s) => s,)+
                }
            }

            fn room_mut(&mut self) -> Option<&mut (dyn Room + 'static)> {
                Some(match self {
                    $(Screen::$name(s) => s,)+
                })
            }
        }
    };
}

screens! {
    Menu(MenuState),
    Roster(RosterState),
    Student(StudentState),
    Home(HomeState),
    Intervention(DetailState),
    /// The intervention, goal and data-point forms.
    IvEdit(Box<IvEditState>),
    /// The session note editor.
    Session(Box<SessionScreen>),
    /// Unsent session notes on this machine.
    Drafts(DraftsState),
    Schools(SchoolsState),
    /// Open follow-ups: mine, my team's, my schools'.
    FollowUps(FollowUpsState),
    /// Every contact with families the person may see.
    Communications(CommsState),
    /// Interventions with the most sessions missed this month.
    Missed(MissedState),
    /// The person's students, one line each.
    MyCaseload(MyCaseloadState),
    /// Every intervention the person may see (menu: Interventions).
    IvList(IvListState),
    /// The person's background jobs (admins: all), live.
    Jobs(JobsState),
    /// CSV exports (menu: Export).
    Export(ExportState),
    /// Reports written on this computer (menu: Reports).
    Reports(ReportsState),
    /// A OneRoster CSV import: dry run, report, real run (menu: Import).
    Import(Box<ImportState>),
    /// A menu target this version has no screen for, said honestly.
    Placeholder(Placeholder),
    /// The contact form (log or edit a contact with a family).
    Contact(Box<contact_edit::ContactScreen>),
    /// Uploading a file to a student (or an intervention).
    DocUpload(Box<UploadState>),
    /// Every document the person may see (menu: Documents).
    Documents(DocsState),
    /// Tool approval and grants (admin).
    Tools(ToolsState),
    /// The menu's tree (admin).
    MenuEditor(MenuEditorState),
    /// Intervention programs and their session fields (admin).
    Programs(ProgramsState),
    /// Administration: people, their roles and logins.
    People(Box<PeopleState>),
    /// Administration: district, school and personal settings.
    Settings(Box<SettingsState>),
}

impl Screen {
    fn session_mut(&mut self) -> Option<&mut SessionScreen> {
        match self {
            Screen::Session(s) => Some(s),
            _ => None,
        }
    }

    /// Loads this screen waits for (cancelled when it goes).
    pub(crate) fn in_flight(&self) -> Vec<ReqId> {
        self.room().in_flight()
    }

    /// Waiting on something: a load or a save.
    pub(crate) fn busy(&self) -> bool {
        self.room().busy()
    }

    pub fn title(&self) -> String {
        self.room().title()
    }

    /// See `Room::hint`.
    pub fn hint(&self, action: Action) -> Option<&'static str> {
        self.room().hint(action)
    }

    /// The actions its keys do now (see `Room::keys`), each once, where
    /// it first comes.
    pub fn keys(&self) -> Vec<Action> {
        let mut seen = Vec::new();
        for a in self.room().keys() {
            if !seen.contains(&a) {
                seen.push(a);
            }
        }
        seen
    }

    /// This screen's latest load, or a write it sent, is `req`.
    pub(crate) fn waits_for(&self, req: ReqId) -> bool {
        self.room().waits_for(req)
    }
}

/// Runs `f` on screen `i` with its context, then carries out what it asked
/// of the stack; `None` when there is no screen `i`.
fn enter<R>(
    state: &mut State,
    i: usize,
    f: impl FnOnce(&mut (dyn Room + 'static), &mut Cx) -> R,
) -> Option<(R, Vec<Effect>)> {
    visit(state, i, Screen::room_mut, f)
}

/// What `f` returned and what the screen asked of the stack, in that order.
fn enter_then<T>(
    state: &mut State,
    i: usize,
    f: impl FnOnce(&mut (dyn Room + 'static), &mut Cx) -> T,
) -> T
where
    T: Default + Extend<Effect>,
{
    let Some((mut own, fx)) = enter(state, i, f) else {
        return T::default();
    };
    own.extend(fx);
    own
}

/// The outbox answers by session id, not by request: `f` visits the
/// session editors, bottom to top, each with its context, until one says
/// the answer was its own (`true`); what they asked of the stack is carried
/// out. `false` when none took it.
pub(crate) fn for_sessions(
    state: &mut State,
    mut f: impl FnMut(&mut SessionScreen, &mut Cx) -> bool,
) -> (bool, Vec<Effect>) {
    let mut fx = Vec::new();
    for i in 0..state.screens.len() {
        if let Some((took, more)) = visit(state, i, Screen::session_mut, &mut f) {
            fx.extend(more);
            if took {
                return (true, fx);
            }
        }
    }
    (false, fx)
}

/// Runs `f` on what `pick` finds in screen `i`, with its context, then
/// carries out what it asked of the stack; `None` when `pick` finds nothing.
fn visit<T: ?Sized, R>(
    state: &mut State,
    i: usize,
    pick: fn(&mut Screen) -> Option<&mut T>,
    f: impl FnOnce(&mut T, &mut Cx) -> R,
) -> Option<(R, Vec<Effect>)> {
    let State {
        screens,
        keymap,
        conn,
        outbox,
        ids,
        message,
        message_age,
        width,
        height,
        ..
    } = state;
    let room = pick(screens.get_mut(i)?)?;
    let mut cx = Cx {
        keymap,
        width: *width,
        height: *height,
        whoami: match conn {
            Conn::Connected(w) => Some(w),
            _ => None,
        },
        outbox,
        ids,
        message,
        message_age,
        nav: Vec::new(),
    };
    let r = f(room, &mut cx);
    let navs = std::mem::take(&mut cx.nav);
    Some((r, apply(state, i, navs)))
}

/// Carries out, in order, what screen `me` asked of the stack.
fn apply(state: &mut State, me: usize, navs: Vec<Nav>) -> Vec<Effect> {
    let mut me = Some(me);
    let mut fx = Vec::new();
    for nav in navs {
        match nav {
            Nav::Push(screen) => fx.extend(push(state, *screen)),
            Nav::Close => {
                if let Some(i) = me.filter(|_| state.screens.len() > 1) {
                    let gone = state.screens.remove(i);
                    fx.extend(cancel_all(&gone));
                    me = None;
                }
            }
            Nav::ReloadSelf => {
                if let Some(i) = me {
                    fx.extend(reload(state, i));
                }
            }
            Nav::Reload(pick) => {
                for j in 0..state.screens.len() {
                    if pick(&state.screens[j]) {
                        fx.extend(reload(state, j));
                    }
                }
            }
            Nav::Open { target, label } => fx.extend(open(state, &target, label)),
            Nav::LogSession(of) => fx.extend(session_log::log_for(state, of)),
            Nav::LogContact(of) => fx.extend(push(state, contact_edit::log(of))),
            Nav::EditContact(id) => fx.extend(push(state, contact_edit::edit(id))),
            Nav::StartScreen => fx.extend(crate::app::nav::open_start_screen(state)),
            Nav::Help => crate::app::help::open(state),
            Nav::Keep(kept) => state.kept = kept,
        }
    }
    fx
}

/// The screens that show what a save can change (a student's record, an
/// intervention with its sessions and scores, the home's lists and the
/// urgency they feed): after any save they load again, so their lists and
/// tab counts match the data. Not the roster, whose reload would lose the
/// person's place in it.
pub fn shows_records(screen: &Screen) -> bool {
    matches!(
        screen,
        Screen::Intervention(_)
            | Screen::Home(_)
            | Screen::Student(_)
            | Screen::Missed(_)
            | Screen::MyCaseload(_)
            | Screen::Communications(_)
            | Screen::Documents(_)
    )
}

/// After a save that no screen asked for (the outbox's): every screen
/// that shows records loads again.
pub(crate) fn reload_records(state: &mut State) -> Vec<Effect> {
    let mut fx = Vec::new();
    for i in 0..state.screens.len() {
        if shows_records(&state.screens[i]) {
            fx.extend(reload(state, i));
        }
    }
    fx
}

/// Opens `screen` on top and loads it.
pub(crate) fn push(state: &mut State, screen: Screen) -> Vec<Effect> {
    state.screens.push(screen);
    reload(state, state.screens.len() - 1)
}

/// (Re)load screen `i`.
pub(crate) fn load(state: &mut State, i: usize) -> Vec<Effect> {
    enter_then(state, i, |r, cx| r.load(cx))
}

/// The top screen's meaning of the key, if it has one.
pub(crate) fn on_key(
    state: &mut State,
    key: &KeyEvent,
    action: Option<Action>,
) -> Option<Vec<Effect>> {
    let top = state.screens.len() - 1;
    let (own, fx) = enter(state, top, |r, cx| r.on_key(cx, key, action))?;
    let mut own = own?;
    own.extend(fx);
    Some(own)
}

/// The index of the screen waiting for `req`; replies to anything older
/// find nothing and are dropped.
fn waiting(state: &State, req: ReqId) -> Option<usize> {
    state.screens.iter().position(|s| s.waits_for(req))
}

/// A reply for the screen waiting for `req`.
pub(crate) fn on_reply(state: &mut State, req: ReqId, data: Data) -> Vec<Effect> {
    match waiting(state, req) {
        Some(i) => enter_then(state, i, |r, cx| r.on_reply(cx, req, data)),
        None => vec![],
    }
}

/// The answer to a write, for the screen that sent it.
pub(crate) fn on_written(state: &mut State, req: ReqId, wrote: Wrote) -> Vec<Effect> {
    match waiting(state, req) {
        Some(i) => enter_then(state, i, |r, cx| r.on_written(cx, req, wrote)),
        None => vec![],
    }
}

/// News of a file transfer, for the screen that started it.
pub(crate) fn on_files(
    state: &mut State,
    req: ReqId,
    event: crate::domain::document::FileEvent,
) -> Vec<Effect> {
    match waiting(state, req) {
        Some(i) => enter_then(state, i, |r, cx| r.on_files(cx, req, event)),
        None => vec![],
    }
}

/// Request `req` failed: the screen waiting for it says so; `false` when
/// nobody waits or the screen said it itself (no status-line message).
pub(crate) fn on_failed(state: &mut State, req: ReqId, reason: &str) -> bool {
    let Some(i) = waiting(state, req) else {
        return false;
    };
    let (say, fx) = enter(state, i, |r, cx| r.on_failed(cx, req, reason)).unwrap_or_default();
    debug_assert!(fx.is_empty(), "a failure asks nothing of the stack");
    say
}

/// How a menu target opens: the screen, or what to say instead.
type Opener = fn(&State) -> Result<Screen, &'static str>;

/// Every menu target this version of caseload opens, one line each: `open`
/// goes through this list, and the Tools screen refuses to approve a tool
/// no line here opens (its menu item would lead nowhere).
pub const TARGETS: &[(&str, Opener)] = &[
    ("roster", |_| Ok(Screen::Roster(RosterState::default()))),
    // A record needs a student: the roster is where one is chosen (the
    // palette's `:student` left people on the menu with only a message).
    ("student", |_| Ok(Screen::Roster(RosterState::default()))),
    ("caseload", |s| {
        Ok(Screen::Home(HomeState::new(home::scope_for(&role_keys(s)))))
    }),
    (schools::TARGET, |_| {
        Ok(Screen::Schools(SchoolsState::default()))
    }),
    (follow_ups::TARGET, |s| {
        Ok(Screen::FollowUps(follow_ups::for_roles(&role_keys(s))))
    }),
    (communications::TARGET, |_| {
        Ok(Screen::Communications(CommsState::default()))
    }),
    (missed::TARGET, |_| {
        Ok(Screen::Missed(MissedState::default()))
    }),
    (my_caseload::TARGET, |_| {
        Ok(Screen::MyCaseload(MyCaseloadState::default()))
    }),
    (iv_list::TARGET, |_| {
        Ok(Screen::IvList(IvListState::default()))
    }),
    (documents::TARGET, |_| {
        Ok(Screen::Documents(DocsState::default()))
    }),
    (tools::TARGET, |_| Ok(Screen::Tools(ToolsState::default()))),
    (menu_editor::TARGET, |_| {
        Ok(Screen::MenuEditor(MenuEditorState::default()))
    }),
    (programs::TARGET, |_| {
        Ok(Screen::Programs(ProgramsState::default()))
    }),
    (jobs::TARGET, |_| Ok(Screen::Jobs(JobsState::default()))),
    (export::TARGET, |_| {
        Ok(Screen::Export(ExportState::default()))
    }),
    (reports::TARGET, |s| {
        Ok(Screen::Reports(ReportsState::default().kept(&s.kept)))
    }),
    (people::TARGET, |_| Ok(Screen::People(Box::default()))),
    (settings::TARGET, |_| Ok(Screen::Settings(Box::default()))),
    (import::TARGET, |_| {
        Ok(Screen::Import(Box::new(ImportState::new(false))))
    }),
    (import::SIS_TARGET, |_| {
        Ok(Screen::Import(Box::new(ImportState::new(true))))
    }),
    (reports::FIDELITY_TARGET, |s| {
        Ok(Screen::Reports(ReportsState::for_fidelity().kept(&s.kept)))
    }),
];

/// Some line of `TARGETS` opens `target`.
pub fn opens(target: &str) -> bool {
    TARGETS.iter().any(|(t, _)| *t == target)
}

/// A menu item of tool `key` can lead somewhere: its own target, or one of
/// its screens (`<key>.<screen>`), is in `TARGETS`.
pub fn tool_has_screen(key: &str) -> bool {
    TARGETS.iter().any(|(t, _)| {
        *t == key
            || t.strip_prefix(key)
                .is_some_and(|rest| rest.starts_with('.'))
    })
}

/// Opens the screen for a menu target (or a tool the database allowed).
pub(crate) fn open(state: &mut State, target: &str, label: String) -> Vec<Effect> {
    let opened = TARGETS
        .iter()
        .find(|(t, _)| *t == target)
        .map(|(_, f)| f(state));
    let screen = match opened {
        Some(Ok(screen)) => screen,
        Some(Err(say)) => {
            state.info(say);
            return vec![];
        }
        // A target from a newer (or older) menu than this client knows.
        None => Screen::Placeholder(Placeholder { label }),
    };
    push(state, screen)
}

/// The signed-in person's role keys (none while not connected).
fn role_keys(state: &State) -> Vec<String> {
    match &state.conn {
        Conn::Connected(w) => w.user.as_ref().map(|u| u.role_keys.clone()),
        _ => None,
    }
    .unwrap_or_default()
}

/// Pasted text for the top screen's focused text box, if it has one.
pub(crate) fn on_paste(state: &mut State, text: &str) -> Vec<Effect> {
    let top = state.screens.len() - 1;
    match enter(state, top, |r, cx| r.on_paste(cx, text)) {
        Some((own, fx)) => own.into_iter().flatten().chain(fx).collect(),
        None => vec![],
    }
}

/// Rows changed in the database: every screen in the stack, bottom to
/// top, refetches what of it it shows.
pub(crate) fn on_changed(state: &mut State, changes: &crate::domain::live::Changes) -> Vec<Effect> {
    let mut fx = Vec::new();
    for i in 0..state.screens.len() {
        fx.extend(enter_then(state, i, |r, cx| r.on_changed(cx, changes)));
    }
    fx
}

/// The terminal changed size: screens that keep a scroll offset keep the
/// cursor on screen.
pub(crate) fn on_resize(state: &mut State) {
    for i in 0..state.screens.len() {
        let _ = enter(state, i, |r, cx| r.on_resize(cx));
    }
}
