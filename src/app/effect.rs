//! What update() asks of the worker. Every request that is answered carries
//! a `ReqId`; the worker's reply names it back.

use super::iv_edit::IvWrite;
use super::screens::contact_edit::draft::ContactDraft;
use super::session_edit::draft::SessionDraft;
use super::{Read, ReqId};
use crate::config::Password;
use crate::domain::contact::ContactWrite;
use crate::domain::document::{DocChange, DownloadJob, UploadJob};
use crate::domain::enums::InterventionStatus;
use crate::domain::kinds::{Outcome, TeamRole};
use crate::domain::roster::{Filters, Sort};
use crate::domain::session::SessionWrite;
use crate::domain::student::Change;
use crate::domain::team::Member;
use uuid::Uuid;

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
    /// A read: answered with `Msg::Loaded` or `Msg::QueryFailed`.
    Load {
        req: ReqId,
        read: Read,
    },
    /// The same read `after_ms` milliseconds from now: a screen that polls
    /// (the Jobs screen's live progress) asks for its next look with it.
    /// Cancelled like any read, while it waits too.
    LoadLater {
        req: ReqId,
        read: Read,
        after_ms: u64,
    },
    /// Remember the roster filters and sort for the person (settings,
    /// scope user); answered only with `Msg::RosterFiltersSaved`.
    SaveRosterFilters {
        filters: Filters,
        sort: Sort,
    },
    /// Save a profile or guardian form onto row `id` if it is still at
    /// `version`; never cancelled once sent.
    SaveStudentRecord {
        req: ReqId,
        id: Uuid,
        version: i32,
        change: Change,
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
    /// An intervention, goal or data-point write from the forms; never
    /// cancelled once sent.
    WriteIv {
        req: ReqId,
        write: IvWrite,
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
    /// Log or change a contact with a family; never cancelled once sent.
    WriteContact {
        req: ReqId,
        write: ContactWrite,
    },
    /// The contact form's state to disk (coalesced, crash-safe).
    WriteContactDraft {
        draft: Box<ContactDraft>,
    },
    DeleteContactDraft {
        id: Uuid,
    },
    /// Close, reopen, reassign or snooze the follow-up of contact `id` if
    /// it is still at `version`; never cancelled.
    ChangeFollowUp {
        req: ReqId,
        id: Uuid,
        version: i32,
        change: crate::domain::contact_log::FollowUpChange,
    },
    /// Upload a file: checked (size, type by content), sent with
    /// `Msg::Files` progress, recorded only once the store holds exactly
    /// its bytes; `CancelFiles` stops it leaving nothing behind.
    Upload {
        req: ReqId,
        job: UploadJob,
    },
    /// Save a document into a folder (progress as for uploads).
    Download {
        req: ReqId,
        job: DownloadJob,
    },
    /// List the folder of a typed path, for Tab completion.
    ListFolder {
        req: ReqId,
        typed: String,
    },
    /// Stop an upload or download (Esc during its progress).
    CancelFiles {
        req: ReqId,
    },
    /// Put text on the person's clipboard through the terminal (OSC 52):
    /// written by the terminal loop, never by the worker.
    Clipboard {
        text: String,
    },
    /// Draw with theme `name` from now on (`:theme`): loaded by the
    /// terminal loop, which owns the theme and answers `Msg::ThemeApplied`.
    Theme {
        name: String,
    },
    /// Attach, detach or delete a document; never cancelled once sent.
    ChangeDocument {
        req: ReqId,
        change: DocChange,
    },
    /// A change to the catalogue (tools, grants, the menu) by an
    /// administrator; never cancelled once sent.
    Admin {
        req: ReqId,
        change: crate::domain::admin::AdminChange,
    },
    /// Cancel or retry a job (the database decides whether the person
    /// may); never cancelled once sent.
    JobAction {
        req: ReqId,
        id: Uuid,
        action: crate::domain::jobs::JobAction,
    },
    /// Enqueue a job of `kind` as the person (`caseload_job_enqueue`: the
    /// kind's tool decides whether they may); answered with
    /// `Wrote::Enqueued`. Reports and exports are jobs that run as their
    /// author. Never cancelled once sent.
    EnqueueJob {
        req: ReqId,
        kind: String,
        payload: serde_json::Value,
    },
    /// Open a file written here (a report) with the system's opener;
    /// answered with `Wrote::Opened`.
    OpenFile {
        req: ReqId,
        path: std::path::PathBuf,
    },
    /// A change to a person (the People screen), made as `caseload user …`
    /// makes it; never cancelled once sent. A password in it prints as
    /// stars.
    ChangePerson {
        req: ReqId,
        change: crate::app::screens::people::PersonChange,
    },
    /// A setting's value at a scope; `None` removes a school's own value.
    SaveSetting {
        req: ReqId,
        key: String,
        scope: crate::domain::settings::SettingScope,
        value: Option<serde_json::Value>,
    },
}
