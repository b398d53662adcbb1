//! The whole application state: the connection, the stack of screens, and
//! the layers that can sit above them (password prompt, command line, help,
//! the session-log picker).

use super::command::CommandLine;
use super::keymap::KeyMap;
use super::menu::MenuState;
use super::{ReqId, Screen, auth, picker};
use crate::domain::session::LogTarget;
use crate::domain::user::Whoami;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conn {
    Connecting { req: ReqId },
    Connected(Whoami),
    Failed { req: ReqId, reason: String },
}

/// The server as the listener's heartbeat last saw it (`Msg::Link`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Link {
    /// Reachable, or not heard of yet.
    #[default]
    Up,
    /// Lost at this time of day ("10:42").
    Down { since: String },
}

/// The outbox as the status line shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboxStatus {
    pub pending: usize,
    pub last_error: Option<String>,
}

/// Choosing which of a student's interventions a session is for.
#[derive(Debug, Clone)]
pub struct LogPick {
    pub student_name: String,
    pub picker: picker::Picker<LogTarget>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Modal {
    Help,
    /// The `:` line; its text is `State::command`.
    Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Error,
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Action name -> key strings, from the config file's `[keys]`.
    pub keys: HashMap<String, Vec<String>>,
    /// Where we connect, with any password masked.
    pub connection_label: String,
    /// The same, short (`dana@caseload_demo`), for the status line.
    pub connection_short: String,
    /// `ui.copy = false`: `y` copies nothing.
    pub copy_off: bool,
    /// Why the terminal may not take OSC 52 (tmux without passthrough, …),
    /// said after each copy.
    pub clipboard_note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct State {
    pub conn: Conn,
    /// Where we connect, in full with the password masked (help shows it).
    pub connection_label: String,
    /// Login and database, for the status line.
    pub connection_short: String,
    pub screens: Vec<Screen>,
    pub modal: Option<Modal>,
    /// The password prompt, above everything else while open.
    pub auth: Option<auth::AuthPrompt>,
    pub keymap: KeyMap,
    pub message: Option<(Level, String)>,
    /// Ticks the message has been on the status line (see `MESSAGE_TICKS`).
    pub message_age: u32,
    pub width: u16,
    pub height: u16,
    pub spinner: usize,
    pub quit: bool,
    pub command: CommandLine,
    /// A `:open` waiting for the database's verdict.
    pub tool_check: Option<ReqId>,
    /// First line of the help overlay on screen; it scrolls when the
    /// bindings do not fit the terminal.
    pub help_scroll: usize,
    /// Screens to open once the menu arrives: the first the menu offers.
    pub(crate) start_targets: Option<&'static [&'static str]>,
    pub ids: Ids,
    pub outbox: OutboxStatus,
    /// Over any screen: which intervention to log a session for.
    pub log_pick: Option<LogPick>,
    /// `ui.copy = false`: clipboard effects are dropped (see `update`).
    pub copy_off: bool,
    pub clipboard_note: Option<String>,
    /// The command palette's selection (its line is `command`).
    pub palette: super::palette::Palette,
    /// The command palette's recent picks, newest first.
    pub recent: Vec<String>,
    /// What screens keep for the session (`Nav::Keep`).
    pub kept: super::screens::room::Kept,
    /// Whether the server answers the heartbeat.
    pub link: Link,
    /// Why reads meant for a standby go elsewhere (`Msg::ReadsFrom`);
    /// stays on the status line while it holds.
    pub reads_note: Option<String>,
}

impl State {
    pub fn new(opts: Options) -> State {
        let (keymap, problems) = KeyMap::new(&opts.keys);
        State {
            conn: Conn::Connecting { req: ReqId(0) },
            connection_label: opts.connection_label,
            connection_short: opts.connection_short,
            screens: vec![Screen::Menu(MenuState::default())],
            modal: None,
            auth: None,
            keymap,
            message: (!problems.is_empty()).then(|| (Level::Error, problems.join("; "))),
            message_age: 0,
            width: 80,
            height: 24,
            spinner: 0,
            quit: false,
            command: CommandLine::default(),
            tool_check: None,
            help_scroll: 0,
            start_targets: Some(START_TARGETS),
            ids: Ids::default(),
            outbox: OutboxStatus::default(),
            log_pick: None,
            copy_off: opts.copy_off,
            clipboard_note: opts.clipboard_note,
            palette: Default::default(),
            recent: Vec::new(),
            kept: Default::default(),
            link: Link::Up,
            reads_note: None,
        }
    }

    pub(crate) fn alloc(&mut self) -> ReqId {
        self.ids.req()
    }

    pub fn top(&self) -> &Screen {
        // The stack is never empty: Back refuses to pop the last screen.
        &self.screens[self.screens.len() - 1]
    }

    pub(crate) fn top_mut(&mut self) -> &mut Screen {
        let last = self.screens.len() - 1;
        &mut self.screens[last]
    }

    /// A request is in flight, so the spinner has something to show.
    pub fn busy(&self) -> bool {
        matches!(self.conn, Conn::Connecting { .. })
            || self.tool_check.is_some()
            || self.screens.iter().any(Screen::busy)
    }

    /// `Msg::Tick` is wanted: the spinner turns, or an info message is
    /// waiting to fade.
    pub fn ticking(&self) -> bool {
        self.busy() || matches!(self.message, Some((Level::Info, _)))
    }

    /// The terminal is smaller than anything is drawn for: only "too
    /// small" is on screen, so keys must not act unseen.
    pub fn too_small(&self) -> bool {
        !fits(self.width, self.height)
    }

    pub fn is_connected(&self) -> bool {
        matches!(self.conn, Conn::Connected(_))
    }

    pub(crate) fn info(&mut self, text: impl Into<String>) {
        self.message = Some((Level::Info, text.into()));
        self.message_age = 0;
    }

    pub(crate) fn error(&mut self, text: impl Into<String>) {
        self.message = Some((Level::Error, text.into()));
        self.message_age = 0;
    }
}

/// The smallest terminal the screens are drawn for; below it the ui says
/// "too small" and the router lets only quit and help through.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;

/// Rows around every screen: the title bar above, the hint line and the
/// status line below.
pub const FRAME_ROWS: u16 = 3;

pub fn fits(width: u16, height: u16) -> bool {
    width >= MIN_WIDTH && height >= MIN_HEIGHT
}

/// How often `Msg::Tick` comes while `State::ticking`.
pub const TICK: std::time::Duration = std::time::Duration::from_millis(100);

/// An info message fades after this many ticks (6 s); an error stays until
/// the next key, so it cannot be missed.
pub const MESSAGE_TICKS: u32 = 60;

/// Where request ids and new rows' ids come from.
#[derive(Debug, Clone, Default)]
pub struct Ids {
    next_req: u64,
    /// Mixed into the ids new rows get before they are saved (random in the
    /// terminal, zero in tests), so update() stays free of IO.
    pub seed: u128,
    next_row: u64,
}

impl Ids {
    pub(crate) fn req(&mut self) -> ReqId {
        // 0 is the placeholder of a connection not yet asked for.
        self.next_req += 1;
        ReqId(self.next_req)
    }

    /// An id for a row about to be created: a retried save reuses it, so
    /// the database keeps one row.
    pub(crate) fn row(&mut self) -> Uuid {
        self.next_row += 1;
        // splitmix64 over seed and counter: distinct per counter, and with a
        // random seed unlikely to meet another client's ids.
        let mix = |mut z: u64| {
            z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        let hi = mix((self.seed >> 64) as u64 ^ self.next_row);
        let lo = mix(self.seed as u64 ^ self.next_row.rotate_left(32));
        let bytes = ((u128::from(hi) << 64) | u128::from(lo)).to_be_bytes();
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    }
}

/// The first screen a person sees: the first of these their menu grants.
pub const START_TARGETS: &[&str] = &["caseload", "roster"];
