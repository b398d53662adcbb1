//! The reads update() may ask for, and their answers. The worker runs every
//! read through one runner (`worker/reads.rs`): a connection registered for
//! cancelling, the query, and `Msg::Loaded` (or `Msg::QueryFailed`) naming
//! the request id; update() hands the answer to whoever waits for that id.
//!
//! Adding a read: a query function in `db/`, a variant here with its answer
//! (and the one line in `worker/reads.rs` that calls the query), and the
//! screen's handling of the answer in its `on_reply`. See the README.

use crate::app::intervention::WriteOutcome;
use crate::app::iv_edit::IvWritten;
use crate::app::screens::contact_edit::draft::ContactDraft;
use crate::app::team::TeamOutcome;
use crate::domain::caseload::Scope;
use crate::domain::contact::{ContactContext, ContactWritten, StoredContact};
use crate::domain::contact_log::{
    ContactFilters, ContactPage, ContactPageRequest, FollowUp, FollowUpList, FollowUpScope, Person,
};
use crate::domain::document::{DocPage, DocPageRequest, UploadContext};
use crate::domain::home_parts::{HomePart, HomeQuery};
use crate::domain::intervention::InterventionDetail;
use crate::domain::iv_list::{IvPage, IvPageRequest, IvQuery};
use crate::domain::menu_tree::MenuTree;
use crate::domain::missed::{MissedRow, Period};
use crate::domain::my_caseload::{CaseloadSort, MyCaseload};
use crate::domain::navigation::{NavItem, ToolAccess};
use crate::domain::plan::{ContextFor, FormContext};
use crate::domain::programs::ProgramRow;
use crate::domain::roster::{Filters, PageRequest, RosterPage, RosterQuery, Sort};
use crate::domain::school::{School, SchoolChoice};
use crate::domain::session::{LogTarget, SessionContext, StoredSession};
use crate::domain::student::SaveOutcome;
use crate::domain::student::StudentRecord;
use crate::domain::team::Candidate;
use crate::domain::tools::ToolCatalogue;
use chrono::NaiveDate;
use uuid::Uuid;

/// A read; superseded ones are cancelled (`Effect::Cancel`).
#[derive(Debug, Clone, PartialEq)]
pub enum Read {
    /// The person's menu.
    Menu,
    /// Who last changed a row a form has open, and when (live refresh):
    /// read through row-level security, unlike the notice that named it.
    ChangedBy {
        table: crate::domain::live::Table,
        id: Uuid,
    },
    RosterPage {
        query: RosterQuery,
        page: PageRequest,
        limit: usize,
    },
    RosterCount {
        query: RosterQuery,
    },
    /// The person's saved roster filters and sort.
    RosterFilters,
    /// The active schools, for the roster's school picker.
    Schools,
    Student {
        id: Uuid,
    },
    /// May the person open this tool? Asked of the database for tools the
    /// menu does not offer (`:open`).
    Tool {
        key: String,
    },
    /// One part of the caseload home (the screen asks for them together,
    /// the counts once the open part says a list was cut).
    Home {
        scope: Scope,
        part: HomeQuery,
    },
    Intervention {
        id: Uuid,
    },
    /// Active users not on the intervention's team whose name contains
    /// every word of `search`.
    TeamCandidates {
        intervention_id: Uuid,
        search: String,
    },
    /// The programs a new plan for a student may start from (or an
    /// intervention's program measure), and whether the person may
    /// restrict a plan.
    IvFormContext {
        about: ContextFor,
    },
    /// What the session editor needs for `intervention_id`, and for an
    /// edit the session as it is now.
    SessionContext {
        intervention_id: Uuid,
        session_id: Option<Uuid>,
    },
    /// The student's interventions a session can be logged for.
    LogTargets {
        student_id: Uuid,
    },
    /// Every school, for the schools screen.
    AllSchools,
    /// What the contact form needs (and, for an edit, the contact as it is
    /// now), with the contact drafts left on this machine.
    ContactForm {
        about: crate::app::screens::contact_edit::About,
    },
    /// The open follow-ups of a scope (bounded).
    FollowUps {
        scope: FollowUpScope,
    },
    /// Active people a follow-up can be handed to.
    People,
    /// A page of the communication log.
    Contacts {
        filters: ContactFilters,
        page: ContactPageRequest,
        limit: i64,
    },
    /// The interventions with the most sessions missed in `period`.
    Missed {
        period: Period,
    },
    /// The person's students, in `sort` order.
    MyCaseload {
        sort: CaseloadSort,
    },
    /// A page of the Interventions list.
    IvPage {
        query: IvQuery,
        page: IvPageRequest,
        limit: usize,
    },
    IvCount {
        query: IvQuery,
    },
    /// A page of the documents the person may see, newest first.
    Documents {
        page: DocPageRequest,
        limit: i64,
    },
    /// A presigned link to one document (`y`), for the clipboard.
    DocumentLink {
        id: Uuid,
    },
    /// What the upload form needs about the student.
    UploadContext {
        student_id: Uuid,
    },
    /// Every tool with its grants and history, and every role (the tools
    /// screen).
    ToolCatalogue,
    /// Every menu item, hidden ones too, with its tool's status and grants
    /// (the menu editor).
    MenuTree,
    /// Every intervention program with its session count (the programs
    /// screen).
    Programs,
    /// The person's jobs (admins: all), newest first, and whether a worker
    /// runs.
    Jobs,
    /// One job with its payload, result and log.
    Job {
        id: Uuid,
    },
    /// The reports written on this computer, and the schools a report can
    /// be for.
    Reports,
    /// The person's own jobs whose kind starts with `prefix` (`report.`,
    /// `export.`), newest first.
    OwnJobs {
        prefix: String,
    },
    /// Everyone, with their grants and logins, for the People screen.
    Directory,
    /// Every district setting with its school and personal overrides.
    Settings,
}

/// The answer to a [`Read`], variant for variant. `today` is the worker's
/// date: update() reads no clock.
#[derive(Debug, Clone)]
pub enum Data {
    Menu {
        items: Vec<NavItem>,
    },
    /// `None`: the row is gone, or no longer visible to the person.
    ChangedBy {
        found: Option<crate::domain::live::ChangedBy>,
    },
    RosterPage {
        page: RosterPage,
    },
    RosterCount {
        total: u64,
        /// The planner's estimate ("~N"), the exact count being too costly.
        estimated: bool,
    },
    /// `None` when never saved.
    RosterFilters {
        saved: Option<(Filters, Sort)>,
    },
    Schools {
        schools: Vec<SchoolChoice>,
    },
    /// `None`: the student is not (or no longer) visible to this user.
    Student {
        detail: Option<Box<StudentRecord>>,
    },
    Tool {
        key: String,
        access: ToolAccess,
    },
    Home {
        part: Box<HomePart>,
        today: NaiveDate,
    },
    /// `None`: the intervention is not (or no longer) visible to this user.
    Intervention {
        detail: Option<Box<InterventionDetail>>,
        today: NaiveDate,
    },
    TeamCandidates {
        found: Vec<Candidate>,
    },
    IvFormContext {
        context: FormContext,
        /// The worker's date: a new plan starts on it unless changed.
        today: NaiveDate,
    },
    /// `None` when the intervention is not visible; the stored session for
    /// an edit.
    SessionContext {
        loaded: Option<Box<(SessionContext, Option<StoredSession>)>>,
        today: NaiveDate,
        /// Set when the database could not be reached and the context is
        /// the one kept from an earlier opening: why it could not.
        offline: Option<String>,
    },
    LogTargets {
        targets: Vec<LogTarget>,
    },
    AllSchools {
        schools: Vec<School>,
    },
    /// `None` when the student (or the contact) is not visible.
    ContactForm {
        loaded: Option<Box<(ContactContext, Option<StoredContact>)>>,
        today: NaiveDate,
        /// Unsent contact forms on this machine (the form offers its own).
        drafts: Vec<ContactDraft>,
    },
    FollowUps {
        list: FollowUpList,
        today: NaiveDate,
    },
    People {
        people: Vec<Person>,
    },
    Contacts {
        page: ContactPage,
        today: NaiveDate,
    },
    /// Worst first, at most `domain::missed::MISSED_ROWS`, over `span`
    /// (both ends included): `period` as of the worker's today.
    Missed {
        rows: Vec<MissedRow>,
        period: Period,
        span: (NaiveDate, NaiveDate),
    },
    MyCaseload {
        list: Box<MyCaseload>,
    },
    IvPage {
        page: IvPage,
    },
    IvCount {
        total: u64,
        /// Estimated from a sample ("about N"), the exact count being too
        /// costly.
        estimated: bool,
    },
    Documents {
        page: DocPage,
    },
    /// The link, when it stops working, and why the terminal may not put
    /// it on the clipboard (`None`: nothing suggests a problem).
    DocumentLink {
        url: String,
        expires_at: chrono::DateTime<chrono::Utc>,
        note: Option<String>,
    },
    /// `None`: the student is not visible.
    UploadContext {
        context: Option<UploadContext>,
    },
    ToolCatalogue {
        catalogue: Box<ToolCatalogue>,
    },
    MenuTree {
        tree: Box<MenuTree>,
    },
    Programs {
        programs: Vec<ProgramRow>,
        /// The schools this person may make programs for.
        schools: Vec<crate::domain::people::SchoolRef>,
    },
    Jobs {
        list: Box<crate::domain::jobs::JobList>,
    },
    /// `None`: not (or no longer) visible to this person.
    Job {
        detail: Option<Box<crate::domain::jobs::JobDetail>>,
    },
    Reports {
        /// The reports folder (`None`: no data folder on this computer).
        dir: Option<std::path::PathBuf>,
        /// Newest first.
        entries: Vec<crate::report::store::Entry>,
        schools: Vec<SchoolChoice>,
    },
    OwnJobs {
        jobs: Vec<crate::domain::jobs::OwnJob>,
        /// The worker's today: the screens turn "this month" into dates.
        today: chrono::NaiveDate,
    },
    Directory {
        dir: Box<crate::domain::people::Directory>,
    },
    Settings {
        book: Box<crate::domain::settings::SettingsBook>,
    },
}

/// The answer to a write, for the screen that sent it (`Msg::Written`).
#[derive(Debug, Clone)]
pub enum Wrote {
    /// `Effect::SaveStudentRecord`.
    Student(SaveOutcome),
    /// `Effect::Transition`.
    Transition(WriteOutcome),
    /// `Effect::AddTeamMember` and `Effect::RemoveTeamMember`.
    Team(TeamOutcome),
    /// `Effect::WriteIv`.
    Iv(IvWritten),
    /// `Effect::DeleteSession` (`Err`: why not).
    SessionDeleted(Result<(), String>),
    /// `Effect::WriteContact`.
    Contact(ContactWritten),
    /// `Effect::ChangeFollowUp`: the row as it is now.
    FollowUp(crate::domain::outcome::Written<FollowUp, FollowUp>),
    /// `Effect::ChangeDocument`: `Ok(false)` when it was attached already;
    /// `Err` in the database's words.
    Document(Result<bool, String>),
    /// `Effect::Admin`, `Effect::ChangePerson` and `Effect::SaveSetting`:
    /// done, or why not in people's words.
    Admin(Result<(), String>),
    /// `Effect::JobAction`: what to say (`Err`: the refusal, in words).
    Job(Result<String, String>),
    /// `Effect::EnqueueJob`: the new job's id, or why not (in the
    /// database's words).
    Enqueued(Result<Uuid, String>),
    /// `Effect::OpenFile`: the file handed to the opener, or why not.
    Opened(Result<std::path::PathBuf, String>),
}
