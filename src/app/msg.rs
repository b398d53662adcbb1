//! What update() is told: keys, timer ticks, and the worker's replies, each
//! reply carrying the id of the request it answers.

use super::Data;
use super::request::Wrote;
use super::session_edit::draft::SessionDraft;
use crate::config::Password;
use crate::domain::session::StoredSession;
use crate::domain::user::Whoami;
use crossterm::event::KeyEvent;
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
    /// Every `TICK` while `State::ticking`: a request in flight (the
    /// spinner turns) or an info message waiting to fade.
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
    /// The terminal loop's answer to `Effect::Theme`.
    ThemeApplied {
        name: String,
        outcome: Result<super::command::ThemeNote, String>,
    },
    /// The answer to `Effect::Load`.
    Loaded {
        req: ReqId,
        data: Data,
    },
    /// How saving the roster filters went (`Err`: why not).
    RosterFiltersSaved {
        result: Result<(), String>,
    },
    /// The answer to a write: `Effect::SaveStudentRecord`, `Transition`,
    /// `AddTeamMember`, `RemoveTeamMember`, `WriteIv`, `DeleteSession`.
    Written {
        req: ReqId,
        wrote: Wrote,
    },
    QueryFailed {
        req: ReqId,
        reason: String,
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
    /// News of an upload, download or folder listing (`Effect::Upload`,
    /// `Download`, `ListFolder`), for the screen waiting for `req`.
    Files {
        req: ReqId,
        event: crate::domain::document::FileEvent,
    },
    /// How many saves wait in the outbox, and why the last try failed.
    OutboxPending {
        count: usize,
        last_error: Option<String>,
    },
    /// What others (or this person elsewhere) wrote since the last one,
    /// heard by the listener (`worker/live.rs`): open screens that show it
    /// refetch it in place.
    Changed {
        changes: crate::domain::live::Changes,
    },
    /// The listener lost the server, or has it back. `at` is the worker's
    /// wall-clock time ("10:42"): update() has no clock.
    Link {
        online: bool,
        at: String,
    },
    /// Where reads meant for the standby (`database.read_url`) go now, when
    /// that is worth saying ("reads from the primary: the standby is 45 s
    /// behind"); `None` once they go to a standby in time again.
    ReadsFrom {
        note: Option<String>,
    },
}
