//! Contacts with families as the follow-up queue and the communication log
//! list them (issue 14, items 2 and 3): the rows, whose follow-ups a scope
//! takes in, the log's filters and its keyset pages.

use crate::domain::kinds::{Channel, ContactDirection, ContactResult};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// Whose open follow-ups the queue lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowUpScope {
    /// The follow-ups I own.
    Mine,
    /// Mine, those of the students of every open intervention I own or am
    /// on the team of, and those owned by anyone on one of those teams.
    Team,
    /// Every one in the schools of my grants (all schools for a
    /// district-wide grant): coordinators and administrators.
    School,
}

impl FollowUpScope {
    /// The next scope `s` switches to; `School` only for those who oversee
    /// schools.
    pub fn next(self, oversees: bool) -> FollowUpScope {
        match self {
            FollowUpScope::Mine => FollowUpScope::Team,
            FollowUpScope::Team if oversees => FollowUpScope::School,
            FollowUpScope::Team | FollowUpScope::School => FollowUpScope::Mine,
        }
    }

    /// What the scope takes in, in the screen's words.
    pub fn says(self) -> &'static str {
        match self {
            FollowUpScope::Mine => "mine: follow-ups I own",
            FollowUpScope::Team => {
                "my team's: mine, the students of open interventions I own or am on the team of, \
                 and follow-ups owned by my teammates"
            }
            FollowUpScope::School => "my schools': every open follow-up in the schools I oversee",
        }
    }
}

/// One open (or, on screen, just closed) follow-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    /// The contact (`communication_log.id`) that asked for it.
    pub id: Uuid,
    pub student_id: Uuid,
    pub student_name: String,
    pub intervention_id: Option<Uuid>,
    pub due: NaiveDate,
    pub purpose: String,
    pub channel: Channel,
    pub guardian: Option<String>,
    pub owner_id: Option<Uuid>,
    pub owner: Option<String>,
    pub version: i32,
    /// Closed, by whom (a name) — for a row closed while on screen, and a
    /// conflict's "who".
    pub done_by: Option<String>,
    pub done: bool,
}

impl FollowUp {
    /// Days past due on `today` (0 when not yet due).
    pub fn days_overdue(&self, today: NaiveDate) -> i64 {
        (today - self.due).num_days().max(0)
    }
}

/// The queue: at most the bound, and whether more were cut.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FollowUpList {
    pub rows: Vec<FollowUp>,
    pub more: bool,
}

/// A change to one follow-up, made only if the row is still at the version
/// the screen read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowUpChange {
    /// Closed now, by me (the database stamps both).
    Done,
    /// Open again (undo).
    Reopen,
    Reassign { owner: Uuid },
    Snooze { to: NaiveDate },
}

/// Someone the follow-up can be handed to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: Uuid,
    pub name: String,
}

/// Most rows the queue loads; one more says "more…".
pub const FOLLOW_UP_ROWS: i64 = 300;

/// One contact as the log lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRow {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub student_id: Uuid,
    pub student_name: String,
    pub intervention_id: Option<Uuid>,
    pub guardian: Option<String>,
    pub channel: Channel,
    pub direction: ContactDirection,
    pub result: Option<ContactResult>,
    pub purpose: String,
    pub follow_up: FollowUpState,
}

/// Where a contact's follow-up stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowUpState {
    None,
    Open { due: NaiveDate },
    Done,
}

/// The log's filters; each `Some`/`true` narrows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ContactFilters {
    /// Words of the student's name or local id.
    pub student: Option<String>,
    pub channel: Option<Channel>,
    pub result: Option<ContactResult>,
    pub from: Option<NaiveDate>,
    /// Through this day, inclusive.
    pub to: Option<NaiveDate>,
    pub open_follow_up: bool,
    /// I logged it, or I own its follow-up.
    pub mine: bool,
}

impl ContactFilters {
    pub fn is_empty(&self) -> bool {
        *self == ContactFilters::default()
    }
}

/// A row's place in the log's order (newest first; the id breaks ties).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContactCursor {
    pub occurred_at: DateTime<Utc>,
    pub id: Uuid,
}

impl From<&ContactRow> for ContactCursor {
    fn from(r: &ContactRow) -> Self {
        ContactCursor {
            occurred_at: r.occurred_at,
            id: r.id,
        }
    }
}

/// Which page of the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactPageRequest {
    Newest,
    Oldest,
    /// The rows after this one (older).
    Older(ContactCursor),
    /// The rows before this one (newer).
    Newer(ContactCursor),
}

/// Rows newest first; whether rows exist on either side of the page.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ContactPage {
    pub rows: Vec<ContactRow>,
    pub newer: bool,
    pub older: bool,
}
