//! A contact with a family (`communication_log`): what the contact form
//! needs to open (the student's guardians, who may own a follow-up, the
//! follow-up setting, whether the person may restrict a row), the values
//! it writes, and a logged contact as it is now.

use crate::domain::kinds::{Channel, ContactDirection, ContactResult};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `settings.follow_up_days` when a district has removed it or made it
/// unusable (the migration's value).
pub const FOLLOW_UP_DAYS_DEFAULT: i64 = 7;

/// `communication_log.purpose` CHECK: 1 to 200 characters.
pub const PURPOSE_MAX: usize = 200;

/// `communication_log.summary` CHECK.
pub const SUMMARY_MAX: usize = 20_000;

/// One of the student's guardians, as the picker shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuardianChoice {
    pub id: Uuid,
    pub name: String,
    pub relationship: String,
    pub preferred_channel: Option<Channel>,
    pub preferred_language: Option<String>,
    pub has_custody: bool,
    pub has_educational_rights: bool,
    /// `false`: do not contact.
    pub receives_communications: bool,
}

impl GuardianChoice {
    /// Why contacting them needs a second thought, if it does.
    pub fn caution(&self) -> Option<&'static str> {
        match (self.receives_communications, self.has_educational_rights) {
            (false, false) => Some("do not contact; no educational rights"),
            (false, true) => Some("do not contact"),
            (true, false) => Some("no educational rights"),
            (true, true) => None,
        }
    }
}

/// Someone who can own a follow-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: Uuid,
    pub name: String,
}

/// What the form needs, read when it opens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactContext {
    pub student_id: Uuid,
    pub student_name: String,
    /// In contact priority order.
    pub guardians: Vec<GuardianChoice>,
    /// Who may own a follow-up: the person first, then those who work
    /// with the student.
    pub owners: Vec<Person>,
    pub follow_up_days: i64,
    /// `caseload_can_view_restricted()`: the restricted toggle shows.
    pub may_restrict: bool,
    /// `caseload_may_write_student()`: else the form does not open.
    pub may_write: bool,
    /// The signed-in person (`None`: a login with no users row).
    pub me: Option<Uuid>,
    /// A new contact answering one whose follow-up is still open: the form
    /// offers to close it with the save.
    #[serde(default)]
    pub answers: Option<OpenFollowUp>,
}

/// A contact's follow-up that is not done yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenFollowUp {
    pub id: Uuid,
    pub due: NaiveDate,
}

/// The values a contact is written with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactFields {
    /// `None`: no guardian (someone else, or a note to the file).
    pub guardian_id: Option<Uuid>,
    pub channel: Channel,
    pub direction: ContactDirection,
    pub purpose: String,
    pub result: Option<ContactResult>,
    pub summary: Option<String>,
    /// The follow-up's due date; `None`: no follow-up.
    pub follow_up_due: Option<NaiveDate>,
    pub follow_up_owner: Option<Uuid>,
    pub is_restricted: bool,
    /// In the server's time zone; `None`: now (new) or unchanged (edit).
    pub occurred_at: Option<NaiveDateTime>,
}

/// A logged contact, as it is now in the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredContact {
    pub id: Uuid,
    pub version: i32,
    pub student_id: Uuid,
    pub intervention_id: Option<Uuid>,
    pub parent_id: Option<Uuid>,
    pub fields: ContactFields,
    /// When it happened, to the minute, in the server's time zone.
    pub occurred_at: NaiveDateTime,
    pub follow_up_done: bool,
    /// Whose record it is, for the form's header.
    pub logged: Logged,
}

/// Who logged a contact and closed its follow-up, and on which day (the
/// server's time zone); a name is `None` when nobody was recorded (rows
/// from before the stamps) or the person is not visible.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Logged {
    pub by: Option<String>,
    pub on: Option<NaiveDate>,
    pub closed_by: Option<String>,
    pub closed_on: Option<NaiveDate>,
}

/// One write of the contact form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactWrite {
    /// `id` is chosen by the form, so a retried insert finds the first.
    Insert {
        id: Uuid,
        student_id: Uuid,
        intervention_id: Option<Uuid>,
        parent_id: Option<Uuid>,
        /// Closes the parent's open follow-up in the same statement.
        closes_parent: bool,
        fields: ContactFields,
    },
    Update {
        id: Uuid,
        version: i32,
        fields: ContactFields,
    },
}

impl ContactWrite {
    pub fn id(&self) -> Uuid {
        match self {
            ContactWrite::Insert { id, .. } | ContactWrite::Update { id, .. } => *id,
        }
    }

    pub fn fields(&self) -> &ContactFields {
        match self {
            ContactWrite::Insert { fields, .. } | ContactWrite::Update { fields, .. } => fields,
        }
    }
}

/// How a contact write went; theirs is the contact as it is now.
pub type ContactWritten = crate::domain::outcome::Written<i32, Box<StoredContact>>;
