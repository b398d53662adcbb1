//! The application as a pure state machine: `update(&mut State, Msg) ->
//! Vec<Effect>` does no IO, so every behaviour is testable without a
//! terminal or a database. The worker turns Effects into Msgs.

pub mod auth;
pub mod command;
pub mod form;
pub mod home;
pub mod intervention;
pub mod iv_edit;
pub mod keymap;
pub mod menu;
pub mod picker;
pub mod roster;
pub mod session_edit;
pub mod session_log;
pub mod student;
pub mod team;

use crate::config::Password;
use crate::domain::caseload::{CaseloadHome, Scope};
use crate::domain::enums::InterventionStatus;
use crate::domain::intervention::InterventionDetail;
use crate::domain::kinds::{Outcome, TeamRole};
use crate::domain::navigation::{NavItem, ToolAccess};
use crate::domain::plan::{ContextFor, FormContext};
use crate::domain::roster::{Filters, RosterQuery, Sort};
use crate::domain::roster::{PageRequest, RosterPage};
use crate::domain::school::SchoolChoice;
use crate::domain::session::{LogTarget, SessionContext, SessionWrite, StoredSession};
use crate::domain::student::{Change, SaveOutcome, StudentRecord};
use crate::domain::team::{Candidate, Member};
use crate::domain::user::Whoami;
use chrono::NaiveDate;
use command::{Command, CommandLine, Edit};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use home::HomeState;
use intervention::{DetailState, WriteOutcome};
use iv_edit::{IvEditState, IvWrite, IvWritten};
use keymap::{Action, KeyMap};
use menu::MenuState;
use roster::{PageDir, RosterState};
use session_edit::SessionScreen;
use session_edit::draft::SessionDraft;
use session_edit::recover::DraftsState;
use std::collections::HashMap;
use student::StudentState;
use uuid::Uuid;

/// Identifies one request, so that replies to superseded ones can be dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReqId(pub u64);

#[derive(Debug, Clone)]
pub enum Msg {
    /// The loop has started; the first frame is (about to be) on screen.
    Start,
    Key(KeyEvent),
    Resize {
        width: u16,
        height: u16,
    },
    /// Spinner frame; sent only while a request is in flight.
    Tick,
    Connected {
        req: ReqId,
        whoami: Whoami,
    },
    ConnectionFailed {
        req: ReqId,
        reason: String,
    },
    /// The server wants a password we do not have, or rejected ours.
    AuthRequired {
        req: ReqId,
        /// `user@host:port/dbname`.
        target: String,
        /// The server's reason, for the prompt.
        reason: String,
        /// The rejected password came from the keyring: offer to forget it.
        stored_secret_failed: bool,
    },
    /// Connected with a password from the prompt; `keyring` is the outcome
    /// of remembering it (`Ok` info, `Err` error), when that was asked for.
    Authenticated {
        req: ReqId,
        whoami: Whoami,
        keyring: Option<Result<String, String>>,
    },
    /// How forgetting a stored password went: `Ok` info, `Err` error.
    KeyringDone {
        result: Result<String, String>,
    },
    /// Bracketed paste. Masked in Debug: it is usually a password.
    Paste(Password),
    MenuLoaded {
        req: ReqId,
        items: Vec<NavItem>,
    },
    RosterPage {
        req: ReqId,
        page: RosterPage,
    },
    RosterCount {
        req: ReqId,
        total: u64,
        /// The planner's estimate ("~N"), the exact count being too costly.
        estimated: bool,
    },
    /// The person's saved roster filters and sort; `None` when never saved.
    RosterFiltersLoaded {
        req: ReqId,
        saved: Option<(Filters, Sort)>,
    },
    SchoolsLoaded {
        req: ReqId,
        schools: Vec<SchoolChoice>,
    },
    /// How saving the roster filters went (`Err`: why not).
    RosterFiltersSaved {
        result: Result<(), String>,
    },
    /// `None`: the student is not (or no longer) visible to this user.
    StudentLoaded {
        req: ReqId,
        detail: Option<Box<StudentRecord>>,
    },
    /// The answer to `Effect::SaveStudentRecord`.
    StudentSaved {
        req: ReqId,
        outcome: SaveOutcome,
    },
    QueryFailed {
        req: ReqId,
        reason: String,
    },
    /// The answer to `Effect::CheckTool`.
    ToolChecked {
        req: ReqId,
        key: String,
        access: ToolAccess,
    },
    /// `today` is the worker's date: update() reads no clock.
    HomeLoaded {
        req: ReqId,
        home: Box<CaseloadHome>,
        today: NaiveDate,
    },
    /// `None`: the intervention is not (or no longer) visible to this user.
    InterventionLoaded {
        req: ReqId,
        detail: Option<Box<InterventionDetail>>,
        today: NaiveDate,
    },
    /// The answer to `Effect::Transition`.
    TransitionDone {
        req: ReqId,
        outcome: WriteOutcome,
    },
    /// The answer to `Effect::LoadTeamCandidates`.
    TeamCandidates {
        req: ReqId,
        found: Vec<Candidate>,
    },
    /// The answer to `Effect::AddTeamMember` and `Effect::RemoveTeamMember`.
    TeamChanged {
        req: ReqId,
        outcome: team::TeamOutcome,
    },
    /// The answer to `Effect::LoadIvFormContext`.
    IvFormContext {
        req: ReqId,
        context: FormContext,
    },
    /// The answer to `Effect::WriteIv`.
    IvWritten {
        req: ReqId,
        outcome: IvWritten,
    },
    /// The answer to `Effect::LoadSessionContext`: `None` when the
    /// intervention is not visible; the stored session for an edit.
    SessionContext {
        req: ReqId,
        loaded: Option<Box<(SessionContext, Option<StoredSession>)>>,
        today: NaiveDate,
        /// Set when the database could not be reached and the context is
        /// the one kept from an earlier opening: why it could not.
        offline: Option<String>,
    },
    /// The answer to `Effect::LoadLogTargets`.
    LogTargets {
        req: ReqId,
        targets: Vec<LogTarget>,
    },
    /// The drafts on disk (`Effect::LoadDrafts`); `show` when asked for by
    /// `:drafts` rather than at start.
    DraftsFound {
        drafts: Vec<SessionDraft>,
        unreadable: Vec<String>,
        show: bool,
    },
    /// A draft could not be written: the person must know their note is
    /// not safe on disk.
    DraftFailed {
        why: String,
    },
    /// `Effect::SubmitSession` could not even be written to the outbox.
    SubmitFailed {
        id: Uuid,
        why: String,
    },
    /// The database confirmed a session save from the outbox.
    SessionSaved {
        id: Uuid,
        version: i32,
        label: String,
    },
    SessionConflict {
        id: Uuid,
        theirs: Box<StoredSession>,
        label: String,
    },
    SessionRefused {
        id: Uuid,
        why: String,
        label: String,
    },
    /// How many saves wait in the outbox, and why the last try failed.
    OutboxPending {
        count: usize,
        last_error: Option<String>,
    },
    /// The answer to `Effect::DeleteSession`.
    SessionDeleted {
        req: ReqId,
        outcome: Result<(), String>,
    },
}

// Not Eq: a goal's numbers are f64.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Nobody will read this request's answer: stop it on the server.
    Cancel {
        req: ReqId,
    },
    /// Get a connection and say who we are.
    Connect {
        req: ReqId,
    },
    /// Connect again with a password typed into the prompt; on success
    /// store it in the keyring when `remember`.
    Authenticate {
        req: ReqId,
        password: Password,
        remember: bool,
    },
    /// Delete this connection's password from the keyring.
    ForgetKeyring,
    LoadMenu {
        req: ReqId,
    },
    LoadRosterPage {
        req: ReqId,
        query: RosterQuery,
        page: PageRequest,
        limit: usize,
    },
    CountRoster {
        req: ReqId,
        query: RosterQuery,
    },
    /// Read the person's saved roster filters and sort.
    LoadRosterFilters {
        req: ReqId,
    },
    /// Remember the roster filters and sort for the person (settings,
    /// scope user); answered only with `Msg::RosterFiltersSaved`.
    SaveRosterFilters {
        filters: Filters,
        sort: Sort,
    },
    LoadStudent {
        req: ReqId,
        id: Uuid,
    },
    /// The active schools, for the roster's school picker.
    LoadSchools {
        req: ReqId,
    },
    /// Save a profile or guardian form onto row `id` if it is still at
    /// `version`; never cancelled once sent.
    SaveStudentRecord {
        req: ReqId,
        id: Uuid,
        version: i32,
        change: Change,
    },
    /// May the person open this tool? Asked of the database for tools the
    /// menu does not offer (`:open`).
    CheckTool {
        req: ReqId,
        key: String,
    },
    LoadHome {
        req: ReqId,
        scope: Scope,
    },
    LoadIntervention {
        req: ReqId,
        id: Uuid,
    },
    /// A lifecycle move, only if the row is still at `expected_version`.
    Transition {
        req: ReqId,
        id: Uuid,
        expected_version: i32,
        to: InterventionStatus,
        outcome: Option<Outcome>,
        notes: Option<String>,
    },
    /// Active users not on the intervention's team whose name contains
    /// every word of `search`.
    LoadTeamCandidates {
        req: ReqId,
        intervention_id: Uuid,
        search: String,
    },
    /// Never cancelled once sent; answered with the team as it is then.
    AddTeamMember {
        req: ReqId,
        intervention_id: Uuid,
        member: Member,
        role: TeamRole,
        can_edit: bool,
    },
    RemoveTeamMember {
        req: ReqId,
        intervention_id: Uuid,
        member_id: Uuid,
    },
    /// The programs a new plan for a student may start from (or an
    /// intervention's program measure), and whether the person may
    /// restrict a plan.
    LoadIvFormContext {
        req: ReqId,
        about: ContextFor,
    },
    /// An intervention, goal or data-point write from the forms; never
    /// cancelled once sent.
    WriteIv {
        req: ReqId,
        write: IvWrite,
    },
    /// What the session editor needs for `intervention_id`, and for an
    /// edit the session as it is now.
    LoadSessionContext {
        req: ReqId,
        intervention_id: Uuid,
        session_id: Option<Uuid>,
    },
    /// The student's interventions a session can be logged for.
    LoadLogTargets {
        req: ReqId,
        student_id: Uuid,
    },
    /// Write the editor's state to disk (coalesced, crash-safe).
    WriteDraft {
        draft: Box<SessionDraft>,
    },
    DeleteDraft {
        id: Uuid,
    },
    /// Put a session save in the outbox (on disk first), which sends it
    /// until the database confirms.
    SubmitSession {
        write: Box<SessionWrite>,
        label: String,
        /// Written first, so the draft on disk is the one submitted.
        draft: Box<SessionDraft>,
    },
    /// Read the drafts on disk; `show` opens the list even when empty.
    LoadDrafts {
        show: bool,
    },
    /// Delete a session if it is still at `version`; never cancelled.
    DeleteSession {
        req: ReqId,
        id: Uuid,
        version: i32,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conn {
    Connecting { req: ReqId },
    Connected(Whoami),
    Failed { req: ReqId, reason: String },
}

#[derive(Debug, Clone)]
pub enum Screen {
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
    /// A menu target that is not built yet, said honestly.
    Placeholder {
        label: String,
    },
}

impl Screen {
    /// Requests whose answers this screen is waiting for.
    fn in_flight(&self) -> Vec<ReqId> {
        match self {
            Screen::Menu(m) => m.req.into_iter().collect(),
            Screen::Roster(r) => r
                .pending
                .map(|(req, _)| req)
                .into_iter()
                .chain(r.count_req)
                .chain(r.settings_req)
                .collect(),
            Screen::Student(s) => s.req.into_iter().collect(),
            Screen::Home(h) => h.req.into_iter().collect(),
            // A write in flight is not listed: leaving must not cancel it.
            Screen::Intervention(d) => d.req.into_iter().collect(),
            Screen::IvEdit(e) => e.req.into_iter().collect(),
            Screen::Session(s) => s.req.into_iter().collect(),
            Screen::Drafts(_) | Screen::Placeholder { .. } => vec![],
        }
    }

    /// Waiting on something: a load or a save.
    fn busy(&self) -> bool {
        !self.in_flight().is_empty()
            || matches!(self, Screen::Student(s) if s.save_req().is_some())
            || matches!(self, Screen::IvEdit(e) if e.saving.is_some())
            || matches!(self, Screen::Session(s) if s.editor.as_ref()
                .is_some_and(|e| e.stage == session_edit::Stage::Saving))
    }

    pub fn title(&self) -> String {
        match self {
            Screen::Menu(_) => "Menu".into(),
            Screen::Roster(_) => "Roster".into(),
            Screen::Student(s) => s.title.clone(),
            Screen::Home(_) => "Caseload".into(),
            Screen::Intervention(d) => d.title.clone(),
            Screen::IvEdit(e) => match e.kind {
                iv_edit::Kind::NewIntervention { .. } => "New intervention".into(),
                iv_edit::Kind::EditIntervention(_) => "Edit".into(),
                iv_edit::Kind::NewGoal { .. } => "New goal".into(),
                iv_edit::Kind::EditGoal(_) => "Edit goal".into(),
                iv_edit::Kind::NewPoint { .. } => "New data point".into(),
                iv_edit::Kind::DeletePoint { .. } => "Delete data point".into(),
            },
            Screen::Session(s) => match &s.editor {
                Some(e) if e.base_version.is_some() => "Edit session".into(),
                _ => "Log session".into(),
            },
            Screen::Drafts(_) => "Unsent notes".into(),
            Screen::Placeholder { label } => label.clone(),
        }
    }
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
}

#[derive(Debug, Clone)]
pub struct State {
    pub conn: Conn,
    pub connection_label: String,
    pub screens: Vec<Screen>,
    pub modal: Option<Modal>,
    /// The password prompt, above everything else while open.
    pub auth: Option<auth::AuthPrompt>,
    pub keymap: KeyMap,
    pub message: Option<(Level, String)>,
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
    start_targets: Option<&'static [&'static str]>,
    next_req: u64,
    /// Mixed into the ids new rows get before they are saved (random in the
    /// terminal, zero in tests), so update() stays free of IO.
    pub id_seed: u128,
    next_id: u64,
    pub outbox: OutboxStatus,
    /// Over any screen: which intervention to log a session for.
    pub log_pick: Option<LogPick>,
}

impl State {
    pub fn new(opts: Options) -> State {
        let (keymap, problems) = KeyMap::new(&opts.keys);
        State {
            conn: Conn::Connecting { req: ReqId(0) },
            connection_label: opts.connection_label,
            screens: vec![Screen::Menu(MenuState::default())],
            modal: None,
            auth: None,
            keymap,
            message: (!problems.is_empty()).then(|| (Level::Error, problems.join("; "))),
            width: 80,
            height: 24,
            spinner: 0,
            quit: false,
            command: CommandLine::default(),
            tool_check: None,
            help_scroll: 0,
            start_targets: Some(START_TARGETS),
            next_req: 1,
            id_seed: 0,
            next_id: 0,
            outbox: OutboxStatus::default(),
            log_pick: None,
        }
    }

    /// An id for a row about to be created: a retried save reuses it, so
    /// the database keeps one row.
    fn mint_id(&mut self) -> Uuid {
        self.next_id += 1;
        // splitmix64 over seed and counter: distinct per counter, and with a
        // random seed unlikely to meet another client's ids.
        let mix = |mut z: u64| {
            z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        let hi = mix((self.id_seed >> 64) as u64 ^ self.next_id);
        let lo = mix(self.id_seed as u64 ^ self.next_id.rotate_left(32));
        let bytes = ((u128::from(hi) << 64) | u128::from(lo)).to_be_bytes();
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    }

    fn alloc(&mut self) -> ReqId {
        let r = ReqId(self.next_req);
        self.next_req += 1;
        r
    }

    pub fn top(&self) -> &Screen {
        // The stack is never empty: Back refuses to pop the last screen.
        &self.screens[self.screens.len() - 1]
    }

    fn top_mut(&mut self) -> &mut Screen {
        let last = self.screens.len() - 1;
        &mut self.screens[last]
    }

    /// A request is in flight, so the spinner has something to show.
    pub fn busy(&self) -> bool {
        matches!(self.conn, Conn::Connecting { .. })
            || self.tool_check.is_some()
            || self.screens.iter().any(|s| {
                s.busy()
                    || matches!(s, Screen::Intervention(d) if d.saving.is_some()
                    || d.team_edit.as_ref().and_then(team::TeamEdit::req).is_some())
            })
    }

    pub fn is_connected(&self) -> bool {
        matches!(self.conn, Conn::Connected(_))
    }

    fn info(&mut self, text: impl Into<String>) {
        self.message = Some((Level::Info, text.into()));
    }

    fn error(&mut self, text: impl Into<String>) {
        self.message = Some((Level::Error, text.into()));
    }

    fn view(&self) -> usize {
        roster::visible_rows(self.height)
    }
}

/// The first screen a person sees: the first of these their menu grants.
pub const START_TARGETS: &[&str] = &["caseload", "roster"];

pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Start => {
            let mut fx = connect(state);
            // Drafts are local: offered whether or not the database answers.
            fx.push(Effect::LoadDrafts { show: false });
            fx
        }
        Msg::Key(key) => on_key(state, key),
        Msg::Resize { width, height } => {
            state.width = width;
            state.height = height;
            let view = state.view();
            if let Screen::Roster(r) = state.top_mut() {
                r.scroll_into_view(view);
            }
            vec![]
        }
        Msg::Tick => {
            if state.busy() {
                state.spinner = state.spinner.wrapping_add(1);
            }
            vec![]
        }
        Msg::Connected { req, whoami } => connected(state, req, whoami),
        Msg::Authenticated {
            req,
            whoami,
            keyring,
        } => {
            let effects = connected(state, req, whoami);
            match keyring {
                Some(Ok(text)) => state.info(text),
                Some(Err(text)) => state.error(text),
                None => {}
            }
            effects
        }
        Msg::ConnectionFailed { req, reason } => {
            if state.conn == (Conn::Connecting { req }) {
                state.conn = Conn::Failed { req, reason };
            }
            vec![]
        }
        Msg::AuthRequired {
            req,
            target,
            reason,
            stored_secret_failed,
        } => {
            if state.conn == (Conn::Connecting { req }) {
                state.conn = Conn::Failed {
                    req,
                    reason: reason.clone(),
                };
                auth::open(state, target, reason, stored_secret_failed);
            }
            vec![]
        }
        Msg::KeyringDone { result } => {
            match result {
                Ok(text) => state.info(text),
                Err(text) => state.error(text),
            }
            if let Some(p) = state.auth.as_mut() {
                p.note = None;
            }
            vec![]
        }
        Msg::Paste(text) => {
            if state.auth.is_none()
                && let Some(effects) = roster_search_paste(state, text.expose())
            {
                return effects;
            }
            if state.auth.is_none()
                && let Some(effects) = team::on_paste(state, text.expose())
            {
                return effects;
            }
            if state.auth.is_none() && student::on_paste(state, text.expose()) {
                return vec![];
            }
            if state.auth.is_none() && iv_edit::on_paste(state, text.expose()) {
                return vec![];
            }
            if state.auth.is_none()
                && let Some(effects) = session_edit::on_paste(state, text.expose())
            {
                return effects;
            }
            auth::on_paste(state, &text);
            vec![]
        }
        Msg::MenuLoaded { req, items } => {
            let Some(Screen::Menu(m)) = find_req(state, req) else {
                return vec![];
            };
            m.req = None;
            m.set_entries(menu::build(&items));
            open_start_screen(state)
        }
        Msg::RosterPage { req, page } => {
            let view = state.view();
            let Some(Screen::Roster(r)) = find_req(state, req) else {
                return vec![];
            };
            let Some((_, dir)) = r.pending.take() else {
                return vec![];
            };
            r.apply_page(dir, page, view);
            prefetch(state)
        }
        Msg::RosterCount {
            req,
            total,
            estimated,
        } => {
            if let Some(Screen::Roster(r)) = find_req(state, req) {
                r.count_req = None;
                r.apply_count(total, estimated);
            }
            vec![]
        }
        Msg::RosterFiltersLoaded { req, saved } => roster_restored(state, req, saved),
        Msg::SchoolsLoaded { req, schools } => {
            if let Some(Screen::Roster(r)) = find_req(state, req) {
                // The filter's school if there is one, else the selected
                // student's: the likeliest pick either way.
                let likely = r
                    .query
                    .filters
                    .school
                    .as_ref()
                    .map(|f| f.id)
                    .or(r.selected().map(|row| row.school_id));
                if let Some(p) = r.school_picker.as_mut() {
                    p.loaded(schools, |sc| Some(sc.id) == likely);
                }
            }
            vec![]
        }
        Msg::RosterFiltersSaved { result } => {
            if let Err(e) = result {
                state.error(format!("filters not remembered: {e}"));
            }
            vec![]
        }
        Msg::StudentLoaded { req, detail } => {
            if let Some(Screen::Student(s)) = find_req(state, req) {
                s.req = None;
                match detail {
                    Some(d) => s.detail = Some(d),
                    None => s.error = Some("this student is not visible to you".into()),
                }
            }
            vec![]
        }
        Msg::StudentSaved { req, outcome } => student::on_saved(state, req, outcome),
        Msg::ToolChecked { req, key, access } => {
            if state.tool_check != Some(req) {
                return vec![];
            }
            state.tool_check = None;
            match access {
                ToolAccess::Allowed { name } => open_by_command(state, &key, name),
                ToolAccess::Refused => {
                    state.error(format!("you don't have access to {key}"));
                    vec![]
                }
                ToolAccess::NoSuchTool => {
                    state.error(format!("no tool called {key}"));
                    vec![]
                }
            }
        }
        Msg::HomeLoaded { req, home, today } => {
            if let Some(Screen::Home(h)) = find_req(state, req) {
                h.req = None;
                h.apply(*home, today);
            }
            vec![]
        }
        Msg::InterventionLoaded { req, detail, today } => {
            if let Some(Screen::Intervention(d)) = find_req(state, req) {
                d.req = None;
                match detail {
                    Some(x) => d.apply(*x, today),
                    None => d.error = Some("this intervention is not visible to you".into()),
                }
            }
            vec![]
        }
        Msg::TransitionDone { req, outcome } => transition_done(state, req, outcome),
        Msg::TeamCandidates { req, found } => team::on_candidates(state, req, found),
        Msg::TeamChanged { req, outcome } => team::on_changed(state, req, outcome),
        Msg::QueryFailed { req, reason } if team::is_waiting(state, req) => {
            team::on_failed(state, req, reason)
        }
        Msg::IvFormContext { req, context } => iv_edit::on_context(state, req, context),
        Msg::IvWritten { req, outcome } => iv_edit::on_written(state, req, outcome),
        Msg::SessionContext {
            req,
            loaded,
            today,
            offline,
        } => session_edit::on_context(state, req, loaded.map(|b| *b), today, offline),
        Msg::LogTargets { req, targets } => session_log::on_targets(state, req, targets),
        Msg::DraftsFound {
            drafts,
            unreadable,
            show,
        } => session_edit::recover::on_found(state, drafts, unreadable, show),
        Msg::DraftFailed { why } => {
            state.error(format!("draft NOT saved on this machine: {why}"));
            vec![]
        }
        Msg::SubmitFailed { id, why } => {
            session_edit::on_refused(state, id, &format!("could not write the outbox: {why}"), "");
            vec![]
        }
        Msg::SessionSaved { id, label, .. } => {
            let mut fx = session_edit::on_saved(state, id, &label);
            fx.extend(session_log::reload_views(state));
            fx
        }
        Msg::SessionConflict { id, theirs, label } => {
            session_edit::on_conflict(state, id, *theirs, &label);
            vec![]
        }
        Msg::SessionRefused { id, why, label } => {
            session_edit::on_refused(state, id, &why, &label);
            vec![]
        }
        Msg::OutboxPending { count, last_error } => {
            state.outbox = OutboxStatus {
                pending: count,
                last_error: last_error.clone(),
            };
            if count > 0 && last_error.is_some() {
                session_edit::on_waiting(state);
            }
            vec![]
        }
        Msg::SessionDeleted { req, outcome } => session_log::on_deleted(state, req, outcome),
        Msg::QueryFailed { req, reason } if session_log::waiting_for(state, req) => {
            session_log::on_failed(state, reason);
            vec![]
        }
        Msg::QueryFailed { req, reason } if state.tool_check == Some(req) => {
            state.tool_check = None;
            state.error(format!("could not check access: {reason}"));
            vec![]
        }
        Msg::QueryFailed { req, reason } if roster_settings_req(state, req) => {
            // Without the saved filters the roster still works, unfiltered.
            let effects = roster_restored(state, req, None);
            state.error(format!("could not read your saved filters: {reason}"));
            effects
        }
        Msg::QueryFailed { req, reason } => {
            match find_req(state, req) {
                Some(Screen::Menu(m)) => m.req = None,
                Some(Screen::Roster(r)) => {
                    if let Some(p) = r.school_picker.as_mut().filter(|p| p.req == Some(req)) {
                        p.failed(format!("could not load the schools: {reason}"));
                        return vec![];
                    }
                    if r.count_req == Some(req) {
                        r.count_req = None;
                    } else {
                        r.pending = None;
                        r.error = Some(reason.clone());
                    }
                }
                Some(Screen::Student(s)) => {
                    s.req = None;
                    s.error = Some(reason.clone());
                }
                Some(Screen::Home(h)) => {
                    h.req = None;
                    h.error = Some(reason.clone());
                }
                Some(Screen::Intervention(d)) => {
                    d.req = None;
                    d.error = Some(reason.clone());
                }
                Some(Screen::IvEdit(e)) => {
                    e.req = None;
                    e.error = Some(reason.clone());
                }
                Some(Screen::Session(s)) => {
                    s.req = None;
                    s.error = Some(reason.clone());
                }
                Some(Screen::Drafts(_) | Screen::Placeholder { .. }) | None => return vec![],
            }
            state.error(format!("query failed: {reason}"));
            vec![]
        }
    }
}

fn connected(state: &mut State, req: ReqId, whoami: Whoami) -> Vec<Effect> {
    if state.conn != (Conn::Connecting { req }) {
        return vec![];
    }
    state.conn = Conn::Connected(whoami);
    state.auth = None;
    let mut effects = Vec::new();
    for i in 0..state.screens.len() {
        effects.extend(reload(state, i));
    }
    effects
}

fn connect(state: &mut State) -> Vec<Effect> {
    let req = state.alloc();
    state.conn = Conn::Connecting { req };
    vec![Effect::Connect { req }]
}

/// The screen whose latest request is `req`; replies to anything older find
/// nothing and are dropped.
fn find_req(state: &mut State, req: ReqId) -> Option<&mut Screen> {
    state.screens.iter_mut().find(|s| match s {
        Screen::Menu(m) => m.req == Some(req),
        Screen::Roster(r) => {
            r.pending.map(|(p, _)| p) == Some(req)
                || r.count_req == Some(req)
                || r.settings_req == Some(req)
                || r.school_picker.as_ref().and_then(|p| p.req) == Some(req)
        }
        Screen::Student(s) => s.req == Some(req),
        Screen::Home(h) => h.req == Some(req),
        Screen::Intervention(d) => d.req == Some(req),
        Screen::IvEdit(e) => e.req == Some(req),
        Screen::Session(s) => s.req == Some(req),
        Screen::Drafts(_) | Screen::Placeholder { .. } => false,
    })
}

/// (Re)load what screen `i` shows.
fn reload(state: &mut State, i: usize) -> Vec<Effect> {
    if !state.is_connected() {
        return vec![];
    }
    let (a, b, c) = (state.alloc(), state.alloc(), state.alloc());
    let mut effects = cancel_all(&state.screens[i]);
    effects.extend(match &mut state.screens[i] {
        Screen::Menu(m) => {
            m.req = Some(a);
            vec![Effect::LoadMenu { req: a }]
        }
        Screen::Roster(r) => {
            r.error = None;
            let mut effects = r.requery(a, b);
            r.settings_req = None;
            if !r.restored {
                // Asked alongside the first page, which then shows at once
                // when nothing was saved; saved filters supersede it.
                r.settings_req = Some(c);
                effects.push(Effect::LoadRosterFilters { req: c });
            }
            effects
        }
        Screen::Student(s) => {
            s.req = Some(a);
            s.error = None;
            vec![Effect::LoadStudent { req: a, id: s.id }]
        }
        Screen::Home(h) => {
            h.req = Some(a);
            vec![Effect::LoadHome {
                req: a,
                scope: h.scope,
            }]
        }
        Screen::Intervention(d) => {
            d.req = Some(a);
            vec![Effect::LoadIntervention { req: a, id: d.id }]
        }
        // Only a form still waiting for its context asks again.
        Screen::IvEdit(e) => match e.context_for() {
            Some(about) if e.stage == iv_edit::Stage::Loading => {
                e.req = Some(a);
                e.error = None;
                vec![Effect::LoadIvFormContext { req: a, about }]
            }
            _ => vec![],
        },
        // The editor loads its context once; an open editor needs nothing.
        Screen::Session(s) if s.editor.is_none() => {
            s.req = Some(a);
            s.error = None;
            vec![Effect::LoadSessionContext {
                req: a,
                intervention_id: s.intervention_id,
                session_id: s.session_id,
            }]
        }
        Screen::Session(_) | Screen::Drafts(_) | Screen::Placeholder { .. } => vec![],
    });
    effects
}

fn cancel_all(screen: &Screen) -> Vec<Effect> {
    screen
        .in_flight()
        .into_iter()
        .map(|req| Effect::Cancel { req })
        .collect()
}

fn roster_fetch(state: &mut State, dir: PageDir) -> Vec<Effect> {
    let req = state.alloc();
    let Screen::Roster(r) = state.top_mut() else {
        return vec![];
    };
    let Some(page) = r.request_for(dir) else {
        return vec![];
    };
    // Latest wins: a pending request in another direction is superseded.
    let superseded = r
        .pending
        .replace((req, dir))
        .map(|(old, _)| Effect::Cancel { req: old });
    let load = Effect::LoadRosterPage {
        req,
        query: r.query.clone(),
        page,
        limit: roster::PAGE_SIZE,
    };
    superseded.into_iter().chain([load]).collect()
}

fn prefetch(state: &mut State) -> Vec<Effect> {
    match state.top() {
        Screen::Roster(r) => match r.prefetch() {
            Some(dir) => roster_fetch(state, dir),
            None => vec![],
        },
        _ => vec![],
    }
}

fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        state.quit = true;
        return vec![];
    }
    // A message answers the previous key; the next key dismisses it.
    state.message = None;
    // The password prompt sits above everything, the command line included.
    if state.auth.is_some() {
        return auth::on_key(state, key);
    }
    if state.modal == Some(Modal::Command) {
        return command_key(state, &key);
    }
    let action = state.keymap.action(&key);
    if let Screen::Intervention(d) = state.top_mut()
        && d.prompt.is_some()
    {
        return match intervention::prompt_key(d, &key, action) {
            Some(submit) => submit_transition(state, submit),
            None => vec![],
        };
    }
    if state.modal.is_some() {
        // Modals capture everything; only their own way out does anything.
        if matches!(action, Some(Action::Help | Action::Back | Action::Quit)) {
            state.modal = None;
        } else if state.modal == Some(Modal::Help) {
            scroll_help(state, action);
        }
        return vec![];
    }
    if state.log_pick.is_some() {
        return session_log::pick_key(state, &key);
    }
    if let Some(effects) = session_edit::on_key(state, &key) {
        return effects;
    }
    if let Some(effects) = session_edit::recover::on_key(state, &key, action) {
        return effects;
    }
    if let Some(effects) = team::on_key(state, &key) {
        return effects;
    }
    if let Some(effects) = roster_input_key(state, &key) {
        return effects;
    }
    if let Some(effects) = menu_hotkey(state, &key, action) {
        return effects;
    }
    if let Some(effects) = student::on_key(state, &key, action) {
        return effects;
    }
    if let Some(effects) = iv_edit::on_key(state, &key, action) {
        return effects;
    }
    // After every text box and form above has had its keys: `L` typed
    // into a search or a field is a letter, not a command.
    if action == Some(Action::LogSession)
        && let Some(effects) = session_log::log_session(state)
    {
        return effects;
    }
    if let Some(effects) = session_log::sessions_tab_key(state, &key, action) {
        return effects;
    }
    if let Some(a) = action
        && let Some(effects) = iv_edit::detail_key(state, a)
    {
        return effects;
    }
    match action {
        Some(Action::Quit) => {
            state.quit = true;
            vec![]
        }
        Some(Action::Help) => {
            open_help(state);
            vec![]
        }
        Some(Action::Command) => {
            state.modal = Some(Modal::Command);
            state.command = CommandLine::default();
            vec![]
        }
        Some(Action::Back) => {
            if let Some(effects) = roster_back(state) {
                return effects;
            }
            if state.screens.len() > 1
                && let Some(gone) = state.screens.pop()
            {
                return cancel_all(&gone);
            }
            vec![]
        }
        Some(Action::Retry) => match state.conn {
            Conn::Failed { .. } => connect(state),
            Conn::Connecting { .. } => vec![],
            Conn::Connected(_) => {
                let top = state.screens.len() - 1;
                reload(state, top)
            }
        },
        // Digits are the student record's tab keys too; on a detail they
        // pick the detail's own tabs.
        Some(_)
            if matches!(state.top(), Screen::Intervention(_))
                && matches!(key.code, KeyCode::Char('1'..='9')) =>
        {
            digit_tab(state, &key)
        }
        Some(a) => list_action(state, a),
        None => digit_tab(state, &key),
    }
}

/// 1–5 pick a detail tab directly.
fn digit_tab(state: &mut State, key: &KeyEvent) -> Vec<Effect> {
    if let (Screen::Intervention(d), KeyCode::Char(c)) = (state.top_mut(), key.code)
        && let Some(tab) = c
            .to_digit(10)
            .and_then(|n| intervention::Tab::ALL.get((n as usize).checked_sub(1)?))
    {
        d.set_tab(*tab);
    }
    vec![]
}

/// Menu hotkeys are data, so they may collide with bindings. They win over
/// keys that are merely convenient on the menu (retry, open, unbound keys)
/// but never over quitting, help, going back or moving.
fn menu_hotkey(state: &mut State, key: &KeyEvent, action: Option<Action>) -> Option<Vec<Effect>> {
    let KeyCode::Char(c) = key.code else {
        return None;
    };
    if !key.modifiers.difference(KeyModifiers::SHIFT).is_empty()
        || !matches!(action, None | Some(Action::Retry | Action::Open))
            && !action.is_some_and(|a| {
                matches!(
                    a.context(),
                    keymap::Context::Student
                        | keymap::Context::Team
                        | keymap::Context::Intervention
                        | keymap::Context::Form
                        | keymap::Context::Conflict
                )
            })
    {
        return None;
    }
    let Screen::Menu(m) = state.top_mut() else {
        return None;
    };
    m.cursor = m.by_hotkey(c)?;
    Some(open_menu_item(state))
}

fn list_action(state: &mut State, action: Action) -> Vec<Effect> {
    let view = state.view();
    let page = view.saturating_sub(1).max(1) as isize;
    match state.top_mut() {
        Screen::Menu(m) => {
            match action {
                Action::Up => m.move_by(-1),
                Action::Down => m.move_by(1),
                Action::PageUp => m.move_by(-page),
                Action::PageDown => m.move_by(page),
                Action::Top => m.to_end(false),
                Action::Bottom => m.to_end(true),
                Action::Open => return open_menu_item(state),
                _ => {}
            }
            vec![]
        }
        Screen::Roster(r) => {
            match action {
                Action::Up => r.move_by(-1, view),
                Action::Down => r.move_by(1, view),
                Action::PageUp => r.move_by(-page, view),
                Action::PageDown => r.move_by(page, view),
                Action::Top if r.more_before || !r.loaded => {
                    return roster_fetch(state, PageDir::First);
                }
                Action::Top => r.move_by(isize::MIN, view),
                Action::Bottom if r.more_after || !r.loaded => {
                    return roster_fetch(state, PageDir::Last);
                }
                Action::Bottom => r.move_by(isize::MAX, view),
                Action::Open => return open_student(state),
                Action::New => {
                    let Some(row) = r.selected() else {
                        return vec![];
                    };
                    let name = format!("{}, {}", row.last_name, row.first_name);
                    let id = row.id;
                    return iv_edit::open_new(state, id, name);
                }
                _ => return roster_action(state, action),
            }
            prefetch(state)
        }
        Screen::Home(h) => {
            match action {
                Action::Up => h.move_by(-1),
                Action::Down => h.move_by(1),
                Action::PageUp => h.move_by(-page),
                Action::PageDown => h.move_by(page),
                Action::Top => h.move_by(isize::MIN),
                Action::Bottom => h.move_by(isize::MAX),
                Action::NextTab => h.jump_section(true),
                Action::PrevTab => h.jump_section(false),
                Action::Open => return open_home_row(state),
                _ => {}
            }
            vec![]
        }
        Screen::Intervention(d) => {
            match action {
                Action::Up => d.move_by(-1),
                Action::Down => d.move_by(1),
                Action::PageUp => d.move_by(-page),
                Action::PageDown => d.move_by(page),
                Action::Top => d.move_by(isize::MIN),
                Action::Bottom => d.move_by(isize::MAX),
                Action::NextTab => d.set_tab(d.tab.cycled(true)),
                Action::PrevTab => d.set_tab(d.tab.cycled(false)),
                Action::Actions => {
                    if let Err(why) = d.open_actions() {
                        state.info(why);
                    }
                }
                _ => {}
            }
            vec![]
        }
        Screen::Student(_)
        | Screen::IvEdit(_)
        | Screen::Session(_)
        | Screen::Drafts(_)
        | Screen::Placeholder { .. } => vec![],
    }
}

fn open_home_row(state: &mut State) -> Vec<Effect> {
    let Screen::Home(h) = state.top() else {
        return vec![];
    };
    match h.selected() {
        Some(home::Target::Intervention { id, title }) => open_intervention(state, id, title),
        Some(home::Target::Student { id, title }) => push_student(state, id, title),
        None => vec![],
    }
}

/// Pushes the intervention detail for `id` and loads it; `title` shows
/// until it arrives. For any screen that lists interventions.
pub fn open_intervention(state: &mut State, id: Uuid, title: String) -> Vec<Effect> {
    state
        .screens
        .push(Screen::Intervention(DetailState::new(id, title)));
    let top = state.screens.len() - 1;
    reload(state, top)
}

fn submit_transition(state: &mut State, s: intervention::Submit) -> Vec<Effect> {
    let req = state.alloc();
    if let Screen::Intervention(d) = state.top_mut() {
        d.saving = Some(req);
    }
    vec![Effect::Transition {
        req,
        id: s.id,
        expected_version: s.expected_version,
        to: s.to,
        outcome: s.outcome,
        notes: s.notes,
    }]
}

fn transition_done(state: &mut State, req: ReqId, outcome: WriteOutcome) -> Vec<Effect> {
    let Some(i) = state
        .screens
        .iter()
        .position(|s| matches!(s, Screen::Intervention(d) if d.saving == Some(req)))
    else {
        return vec![];
    };
    let Screen::Intervention(d) = &mut state.screens[i] else {
        return vec![];
    };
    d.saving = None;
    let mut reload_all = false;
    match outcome {
        WriteOutcome::Saved { .. } => {
            reload_all = true;
            state.info("saved: reloading");
        }
        WriteOutcome::Conflict(current) => {
            // Show the row as it is now at once; the full reload follows.
            let status = current.status;
            if let Some(x) = d.detail.as_mut() {
                x.header = *current;
            }
            reload_all = true;
            state.error(format!(
                "changed by someone else: reloaded (now {status}); nothing was saved"
            ));
        }
        WriteOutcome::Refused(why) => state.error(why),
        WriteOutcome::NotFound => state.error("not found (deleted, or not visible to you)"),
        WriteOutcome::Failed(why) => state.error(format!("not saved: {why}")),
    }
    if !reload_all {
        return vec![];
    }
    // The home lists depend on status too.
    let mut effects = reload(state, i);
    for j in 0..state.screens.len() {
        if matches!(state.screens[j], Screen::Home(_)) {
            effects.extend(reload(state, j));
        }
    }
    effects
}

/// Once, at sign-in: open the start screen over the menu, so Esc leads back
/// to the menu. A person whose menu lacks it simply stays on the menu.
fn open_start_screen(state: &mut State) -> Vec<Effect> {
    let Some(targets) = state.start_targets.take() else {
        return vec![];
    };
    // Unsent notes offered at start (and an editor opened from them) stay
    // on top; the start screen goes beneath, where Esc from them leads.
    let recovered = state
        .screens
        .iter()
        .skip(1)
        .all(|s| matches!(s, Screen::Drafts(_) | Screen::Session(_)));
    if !recovered {
        return vec![];
    }
    let above = state.screens.split_off(1);
    let found = match state.top_mut() {
        Screen::Menu(m) => targets.iter().any(|t| m.select_target(t)),
        _ => false,
    };
    let effects = if found { open_menu_item(state) } else { vec![] };
    state.screens.extend(above);
    effects
}

fn open_menu_item(state: &mut State) -> Vec<Effect> {
    let Screen::Menu(m) = state.top() else {
        return vec![];
    };
    let Some(entry) = m.selected() else {
        return vec![];
    };
    let label = entry.label.clone();
    let target = match &entry.kind {
        menu::EntryKind::Item { target } => target.clone(),
        _ => return vec![],
    };
    open_target(state, &target, label)
}

/// Opens a screen the person may open: the menu offered it, or the database
/// said yes to `:open`.
fn open_target(state: &mut State, target: &str, label: String) -> Vec<Effect> {
    match target {
        "roster" => {
            state.screens.push(Screen::Roster(RosterState::default()));
            let top = state.screens.len() - 1;
            reload(state, top)
        }
        "student" => {
            state.info("students open from the roster: choose one there and press enter");
            vec![]
        }
        "caseload" => {
            let roles = match &state.conn {
                Conn::Connected(w) => w.user.as_ref().map(|u| u.role_keys.clone()),
                _ => None,
            };
            let scope = home::scope_for(&roles.unwrap_or_default());
            state.screens.push(Screen::Home(HomeState::new(scope)));
            let top = state.screens.len() - 1;
            reload(state, top)
        }
        _ => {
            state.screens.push(Screen::Placeholder { label });
            vec![]
        }
    }
}

fn open_student(state: &mut State) -> Vec<Effect> {
    let Screen::Roster(r) = state.top() else {
        return vec![];
    };
    let Some(row) = r.selected() else {
        return vec![];
    };
    let title = format!("{}, {}", row.last_name, row.first_name);
    let id = row.id;
    push_student(state, id, title)
}

fn push_student(state: &mut State, id: Uuid, title: String) -> Vec<Effect> {
    state
        .screens
        .push(Screen::Student(StudentState::new(id, title)));
    let top = state.screens.len() - 1;
    reload(state, top)
}

fn command_key(state: &mut State, key: &KeyEvent) -> Vec<Effect> {
    match state.command.key(key) {
        Edit::Editing => vec![],
        Edit::Cancel => {
            state.modal = None;
            vec![]
        }
        Edit::Run(line) => {
            state.modal = None;
            state.command = CommandLine::default();
            run_command(state, &line)
        }
    }
}

fn run_command(state: &mut State, line: &str) -> Vec<Effect> {
    match command::parse(line) {
        Err(e) => {
            state.error(e);
            vec![]
        }
        Ok(Command::Nothing) => vec![],
        Ok(Command::Quit) => {
            state.quit = true;
            vec![]
        }
        Ok(Command::Help) => {
            open_help(state);
            vec![]
        }
        Ok(Command::Open(key)) => open_tool(state, key),
        Ok(Command::Drafts) => vec![Effect::LoadDrafts { show: true }],
    }
}

/// `:open key`. What the menu offers opens at once (the database already
/// filtered it); anything else is for the database to allow or refuse.
fn open_tool(state: &mut State, key: String) -> Vec<Effect> {
    if !command::is_tool_key(&key) {
        state.error(format!("no tool called {key}"));
        return vec![];
    }
    let offered = match &state.screens[0] {
        Screen::Menu(m) => m
            .entries
            .iter()
            .find(|e| matches!(&e.kind, menu::EntryKind::Item { target } if *target == key)),
        _ => None,
    };
    if let Some(entry) = offered {
        let label = entry.label.clone();
        return open_by_command(state, &key, label);
    }
    if !state.is_connected() {
        state.error("not connected: r to retry");
        return vec![];
    }
    let req = state.alloc();
    let superseded = state
        .tool_check
        .replace(req)
        .map(|old| Effect::Cancel { req: old });
    superseded
        .into_iter()
        .chain([Effect::CheckTool { req, key }])
        .collect()
}

/// Opens over the menu, as if chosen there, so Esc leads back to it.
fn open_by_command(state: &mut State, target: &str, label: String) -> Vec<Effect> {
    let mut effects = Vec::new();
    while state.screens.len() > 1 {
        if let Some(gone) = state.screens.pop() {
            effects.extend(cancel_all(&gone));
        }
    }
    effects.extend(open_target(state, target, label));
    effects
}

/// The roster's requests were superseded (new search text, filters or
/// sort): cancel them and start again from the first page.
fn roster_requery(state: &mut State) -> Vec<Effect> {
    let top = state.screens.len() - 1;
    reload(state, top)
}

fn roster_settings_req(state: &State, req: ReqId) -> bool {
    state
        .screens
        .iter()
        .any(|s| matches!(s, Screen::Roster(r) if r.settings_req == Some(req)))
}

fn roster_restored(state: &mut State, req: ReqId, saved: Option<(Filters, Sort)>) -> Vec<Effect> {
    let Some(i) = state
        .screens
        .iter()
        .position(|s| matches!(s, Screen::Roster(r) if r.settings_req == Some(req)))
    else {
        return vec![];
    };
    let Screen::Roster(r) = &mut state.screens[i] else {
        return vec![];
    };
    let before = r.query.clone();
    r.restore(saved);
    if r.query == before {
        return vec![];
    }
    reload(state, i)
}

/// Roster keys that are not list movement: search, sort, the filter bar.
fn roster_action(state: &mut State, action: Action) -> Vec<Effect> {
    let Screen::Roster(r) = state.top_mut() else {
        return vec![];
    };
    match action {
        Action::Search => {
            r.search_focus = true;
            r.filter_focus = None;
            vec![]
        }
        Action::Filters => {
            r.filter_focus = Some(0);
            r.search_focus = false;
            vec![]
        }
        Action::Sort => {
            r.cycle_sort();
            let sort = r.query.sort;
            state.info(format!("sorted by {}", sort.label()));
            filters_changed(state)
        }
        _ => vec![],
    }
}

/// New filters or sort: fetch again and remember them for the person.
fn filters_changed(state: &mut State) -> Vec<Effect> {
    let Screen::Roster(r) = state.top() else {
        return vec![];
    };
    let save = Effect::SaveRosterFilters {
        filters: r.query.filters.clone(),
        sort: r.query.sort,
    };
    let mut effects = roster_requery(state);
    effects.push(save);
    effects
}

/// Esc on the roster: leaves the filter bar, then clears the search text,
/// and only then closes the screen.
fn roster_back(state: &mut State) -> Option<Vec<Effect>> {
    let Screen::Roster(r) = state.top_mut() else {
        return None;
    };
    if r.filter_focus.take().is_some() {
        return Some(vec![]);
    }
    if r.query.search.is_empty() {
        return None;
    }
    let changed = r.set_search("").unwrap_or(true);
    Some(if changed {
        roster_requery(state)
    } else {
        vec![]
    })
}

/// Keys for the roster's search box or filter bar, when one has them.
fn roster_input_key(state: &mut State, key: &KeyEvent) -> Option<Vec<Effect>> {
    let Screen::Roster(r) = state.top_mut() else {
        return None;
    };
    if r.school_picker.is_some() {
        return Some(school_picker_key(state, key));
    }
    if r.search_focus {
        return Some(search_key(state, key));
    }
    r.filter_focus?;
    let action = state
        .keymap
        .action_in(key, |c| c == keymap::Context::FilterBar)?;
    let Screen::Roster(r) = state.top_mut() else {
        return None;
    };
    use roster::FilterEdit as E;
    let edit = match action {
        Action::ChipPrev => {
            r.select_chip(-1);
            return Some(vec![]);
        }
        Action::ChipNext => {
            r.select_chip(1);
            return Some(vec![]);
        }
        Action::FilterDone => {
            r.filter_focus = None;
            return Some(vec![]);
        }
        Action::ChipRemove => {
            return Some(if r.remove_selected_chip() {
                filters_changed(state)
            } else {
                vec![]
            });
        }
        Action::FilterSchoolPick => {
            let req = state.alloc();
            if let Screen::Roster(r) = state.top_mut() {
                r.school_picker = Some(Box::new(picker::Picker::loading(req)));
            }
            return Some(vec![Effect::LoadSchools { req }]);
        }
        Action::FilterSchool => E::SchoolOfSelected,
        Action::FilterGradeFrom => E::GradeFromSelected,
        Action::FilterGradeTo => E::GradeToSelected,
        Action::FilterStatus => E::CycleStatus,
        Action::FilterTier => E::CycleTier,
        Action::FilterIep => E::Iep,
        Action::Filter504 => E::Section504,
        Action::FilterEl => E::EnglishLearner,
        Action::FilterActive => E::ActiveIntervention,
        Action::FilterMine => E::MyCaseload,
        Action::FilterClear => E::ClearAll,
        _ => return None,
    };
    Some(if r.edit_filters(edit) {
        filters_changed(state)
    } else {
        vec![]
    })
}

/// The school list over the roster: a pick filters to that school.
fn school_picker_key(state: &mut State, key: &KeyEvent) -> Vec<Effect> {
    let page = roster::visible_rows(state.height).saturating_sub(4).max(1);
    let Screen::Roster(r) = state.top_mut() else {
        return vec![];
    };
    let Some(p) = r.school_picker.as_mut() else {
        return vec![];
    };
    match p.key(key, page, school_label) {
        picker::PickerKey::Handled => vec![],
        picker::PickerKey::Closed => {
            let req = p.req;
            r.school_picker = None;
            req.map(|req| vec![Effect::Cancel { req }])
                .unwrap_or_default()
        }
        picker::PickerKey::Picked(school) => {
            r.school_picker = None;
            if r.pick_school(&school) {
                filters_changed(state)
            } else {
                vec![]
            }
        }
    }
}

/// What typing in the school picker matches: name and local id.
pub fn school_label(s: &SchoolChoice) -> String {
    format!("{} {}", s.name, s.local_id)
}

/// The search box: each change of the typed words supersedes the previous
/// query; arrows still move through the results.
fn search_key(state: &mut State, key: &KeyEvent) -> Vec<Effect> {
    let Screen::Roster(r) = state.top_mut() else {
        return vec![];
    };
    let mut text = r.query.search.clone();
    match key.code {
        KeyCode::Esc | KeyCode::Enter => {
            r.search_focus = false;
            return vec![];
        }
        KeyCode::Up | KeyCode::Down | KeyCode::PageUp | KeyCode::PageDown => {
            let action = match key.code {
                KeyCode::Up => Action::Up,
                KeyCode::Down => Action::Down,
                KeyCode::PageUp => Action::PageUp,
                _ => Action::PageDown,
            };
            return list_action(state, action);
        }
        KeyCode::Backspace => {
            text.pop();
        }
        KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => text.clear(),
        KeyCode::Char('w') if key.modifiers.contains(KeyModifiers::CONTROL) => {
            let kept = text
                .trim_end()
                .rfind(char::is_whitespace)
                .map_or(0, |i| i + 1);
            text.truncate(kept);
        }
        KeyCode::Char(c)
            if !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            text.push(c);
        }
        _ => return vec![],
    }
    set_search(state, &text)
}

/// A paste into the focused search box; `None` when the box is not focused.
fn roster_search_paste(state: &mut State, pasted: &str) -> Option<Vec<Effect>> {
    let Screen::Roster(r) = state.top() else {
        return None;
    };
    if !r.search_focus {
        return None;
    }
    let text = format!("{}{pasted}", r.query.search);
    Some(set_search(state, &text))
}

fn set_search(state: &mut State, text: &str) -> Vec<Effect> {
    let Screen::Roster(r) = state.top_mut() else {
        return vec![];
    };
    match r.set_search(text) {
        Ok(true) => roster_requery(state),
        Ok(false) => vec![],
        Err(e) => {
            state.error(e);
            vec![]
        }
    }
}

#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod iv_edit_tests;
#[cfg(test)]
mod iv_tests;
#[cfg(test)]
mod session_tests;
#[cfg(test)]
mod team_tests;
#[cfg(test)]
mod tests;

pub(crate) fn open_help(state: &mut State) {
    state.modal = Some(Modal::Help);
    state.help_scroll = 0;
}

/// Lines of the help overlay: per context a title and its actions, a blank
/// line between contexts, then the menu's hotkey paragraph (blank, title,
/// line). `ui::help` draws exactly these; a test there keeps them equal.
pub fn help_line_count(keymap: &KeyMap) -> usize {
    let help = keymap.help();
    let body: usize = help.iter().map(|(_, actions)| 1 + actions.len()).sum();
    body + help.len().saturating_sub(1) + 3
}

/// Rows of help text that fit: the screen minus the title bar, the status
/// line and the overlay's border.
pub fn help_rows(state: &State) -> usize {
    usize::from(state.height.saturating_sub(4)).max(1)
}

fn scroll_help(state: &mut State, action: Option<Action>) {
    let rows = help_rows(state);
    let max = help_line_count(&state.keymap).saturating_sub(rows);
    let at = state.help_scroll.min(max);
    state.help_scroll = match action {
        Some(Action::Down) => (at + 1).min(max),
        Some(Action::Up) => at.saturating_sub(1),
        Some(Action::PageDown) => (at + rows).min(max),
        Some(Action::PageUp) => at.saturating_sub(rows),
        Some(Action::Top) => 0,
        Some(Action::Bottom) => max,
        _ => at,
    };
}
