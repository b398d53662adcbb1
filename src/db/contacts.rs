//! The contact form's reads and writes (`communication_log`): one contact
//! for editing, the student's guardians and who may own a follow-up, the
//! `follow_up_days` setting, and the insert and the versioned update. Row-
//! level security decides what is visible and writable; the 0016 guard
//! keeps a contact with its student and a reply with a visible parent.

use crate::db::interventions::WriteError;
use crate::db::unnamed::Unnamed;
use crate::domain::contact::{
    ContactContext, ContactFields, FOLLOW_UP_DAYS_DEFAULT, GuardianChoice, Logged, OpenFollowUp,
    Person, StoredContact,
};
use crate::domain::refusal::Refusal;
use tokio_postgres::error::SqlState;
use tokio_postgres::{GenericClient, Row};
use uuid::Uuid;

pub type ContactError = WriteError<StoredContact>;

const STORED_SQL: &str = "SELECT c.id, c.version, c.student_id, c.intervention_id, \
       c.parent_id, c.guardian_id, c.channel, c.direction, c.purpose, c.result, c.summary, \
       c.follow_up_due, c.follow_up_owner, c.is_restricted, \
       date_trunc('minute', c.occurred_at)::timestamp, c.follow_up_done_at IS NOT NULL, \
       lb.display_name, c.created_at::date, cb.display_name, c.follow_up_done_at::date \
     FROM communication_log c \
     LEFT JOIN users lb ON lb.id = c.staff_id \
     LEFT JOIN users cb ON cb.id = c.follow_up_done_by \
     WHERE c.id = $1";

fn stored(r: &Row) -> StoredContact {
    StoredContact {
        id: r.get(0),
        version: r.get(1),
        student_id: r.get(2),
        intervention_id: r.get(3),
        parent_id: r.get(4),
        fields: ContactFields {
            guardian_id: r.get(5),
            channel: r.get(6),
            direction: r.get(7),
            purpose: r.get(8),
            result: r.get(9),
            summary: r.get(10),
            follow_up_due: r.get(11),
            follow_up_owner: r.get(12),
            is_restricted: r.get(13),
            occurred_at: None,
        },
        occurred_at: r.get(14),
        follow_up_done: r.get(15),
        logged: Logged {
            by: r.get(16),
            on: r.get(17),
            closed_by: r.get(18),
            closed_on: r.get(19),
        },
    }
}

/// The contact as it is now; `None` when it is gone or not visible.
pub async fn load_contact(
    client: &(impl GenericClient + Sync),
    id: Uuid,
) -> Result<Option<StoredContact>, tokio_postgres::Error> {
    Ok(client
        .fetch_opt(STORED_SQL, &[&id])
        .await?
        .map(|r| stored(&r)))
}

/// The follow-up of contact `id` while it is open (and visible); a new
/// contact answering it offers to close it.
pub async fn open_follow_up(
    client: &(impl GenericClient + Sync),
    id: Uuid,
) -> Result<Option<OpenFollowUp>, tokio_postgres::Error> {
    Ok(client
        .fetch_opt(
            "SELECT id, follow_up_due FROM communication_log \
             WHERE id = $1 AND follow_up_due IS NOT NULL AND follow_up_done_at IS NULL",
            &[&id],
        )
        .await?
        .map(|r| OpenFollowUp {
            id: r.get(0),
            due: r.get(1),
        }))
}

/// `settings.follow_up_days` (system scope); the default when it is
/// missing or not a whole number of days from 0 to 365.
pub async fn follow_up_days(
    client: &(impl GenericClient + Sync),
) -> Result<i64, tokio_postgres::Error> {
    let row = client
        .fetch_opt(
            "SELECT value FROM settings WHERE key = 'follow_up_days' AND scope = 'system' LIMIT 1",
            &[],
        )
        .await?;
    let value: Option<serde_json::Value> = row.map(|r| r.get(0));
    Ok(value
        .and_then(|v| v.as_i64().or_else(|| v.as_str()?.trim().parse().ok()))
        .filter(|d| (0..=365).contains(d))
        .unwrap_or(FOLLOW_UP_DAYS_DEFAULT))
}

/// The student's guardians, in contact priority order.
pub async fn guardians(
    client: &(impl GenericClient + Sync),
    student_id: Uuid,
) -> Result<Vec<GuardianChoice>, tokio_postgres::Error> {
    let rows = client
        .fetch(
            "SELECT id, first_name || ' ' || last_name, relationship, preferred_channel, \
               preferred_language, has_custody, has_educational_rights, receives_communications \
             FROM student_guardians WHERE student_id = $1 \
             ORDER BY contact_priority, last_name COLLATE caseload_names, id",
            &[&student_id],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| GuardianChoice {
            id: r.get(0),
            name: r.get(1),
            relationship: r.get(2),
            preferred_channel: r.get(3),
            preferred_language: r.get(4),
            has_custody: r.get(5),
            has_educational_rights: r.get(6),
            receives_communications: r.get(7),
        })
        .collect())
}

/// Who may own a follow-up: the person, the student's counselor, and the
/// owners and members of the student's visible interventions (people who
/// can see the student), plus `also` (an edited contact's owner).
pub async fn owners(
    client: &(impl GenericClient + Sync),
    student_id: Uuid,
    also: Option<Uuid>,
) -> Result<Vec<Person>, tokio_postgres::Error> {
    let rows = client
        .fetch(
            "SELECT u.id, u.display_name FROM users u \
             WHERE (u.is_active AND ( \
                 u.id = caseload_current_user_id() \
                 OR u.id = (SELECT s.counselor_id FROM students s WHERE s.id = $1) \
                 OR u.id IN (SELECT i.owner_id FROM interventions i WHERE i.student_id = $1) \
                 OR u.id IN (SELECT t.user_id FROM intervention_team t \
                             JOIN interventions i ON i.id = t.intervention_id \
                             WHERE i.student_id = $1))) \
                OR u.id = $2 \
             ORDER BY u.id = caseload_current_user_id() DESC, \
                      u.display_name COLLATE caseload_names, u.id \
             LIMIT 100",
            &[&student_id, &also],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| Person {
            id: r.get(0),
            name: r.get(1),
        })
        .collect())
}

/// What the form needs for a contact about `student_id`; `None` when the
/// student is not visible. `owner` is an edited contact's follow-up owner.
pub async fn context(
    client: &(impl GenericClient + Sync),
    student_id: Uuid,
    owner: Option<Uuid>,
) -> Result<Option<ContactContext>, tokio_postgres::Error> {
    let Some(head) = client
        .fetch_opt(
            "SELECT s.last_name || ', ' || COALESCE(NULLIF(btrim(s.preferred_name), ''), \
               s.first_name), caseload_can_view_restricted(), caseload_current_user_id(), \
               caseload_may_write_student(s.id) \
             FROM students s WHERE s.id = $1",
            &[&student_id],
        )
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(ContactContext {
        student_id,
        student_name: head.get(0),
        guardians: guardians(client, student_id).await?,
        owners: owners(client, student_id, owner).await?,
        follow_up_days: follow_up_days(client).await?,
        may_restrict: head.get::<_, Option<bool>>(1).unwrap_or(false),
        may_write: head.get::<_, Option<bool>>(3).unwrap_or(false),
        me: head.get(2),
        answers: None,
    }))
}

/// A guardian of another student (or none visible) is refused before the
/// database sees it: the schema's foreign key alone would accept it.
async fn check_guardian(
    client: &(impl GenericClient + Sync),
    student_id: Uuid,
    guardian_id: Option<Uuid>,
) -> Result<(), ContactError> {
    let Some(g) = guardian_id else {
        return Ok(());
    };
    let ok = client
        .fetch_opt(
            "SELECT 1 FROM student_guardians WHERE id = $1 AND student_id = $2",
            &[&g, &student_id],
        )
        .await
        .map_err(write_error)?;
    match ok {
        Some(_) => Ok(()),
        None => Err(WriteError::Refused(Refusal::ContactGuardianNotTheirs)),
    }
}

/// Where a new contact goes: whom it is about, what it was logged from
/// and answers, and whether it closes the follow-up it answers.
#[derive(Debug, Clone, Copy)]
pub struct NewContact {
    pub id: Uuid,
    pub student_id: Uuid,
    pub intervention_id: Option<Uuid>,
    pub parent_id: Option<Uuid>,
    pub closes_parent: bool,
}

/// Logs a new contact that closes nothing (see [`log_new`]).
pub async fn insert(
    client: &(impl GenericClient + Sync),
    id: Uuid,
    student_id: Uuid,
    intervention_id: Option<Uuid>,
    parent_id: Option<Uuid>,
    f: &ContactFields,
) -> Result<i32, ContactError> {
    let new = NewContact {
        id,
        student_id,
        intervention_id,
        parent_id,
        closes_parent: false,
    };
    log_new(client, new, f).await
}

/// Logs a new contact with the id the form chose; running it twice leaves
/// one row (the second finds the first and answers its version). With
/// `closes_parent` the parent's open follow-up is closed by the same
/// statement, so both happen or neither does, and only by the attempt
/// that inserted (the 0016 guard stamps who and when).
pub async fn log_new(
    client: &(impl GenericClient + Sync),
    new: NewContact,
    f: &ContactFields,
) -> Result<i32, ContactError> {
    let NewContact {
        id,
        student_id,
        intervention_id,
        parent_id,
        closes_parent,
    } = new;
    check_guardian(client, student_id, f.guardian_id).await?;
    let row = client
        .fetch_opt(
            "WITH ins AS ( \
               INSERT INTO communication_log (id, student_id, intervention_id, parent_id, \
                 guardian_id, channel, direction, purpose, result, summary, follow_up_due, \
                 follow_up_owner, is_restricted, occurred_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, \
                 COALESCE($14::timestamp::timestamptz, now())) \
               ON CONFLICT (id) DO NOTHING RETURNING version), \
             closed AS ( \
               UPDATE communication_log SET follow_up_done_at = now() \
               WHERE $15 AND id = $4 AND student_id = $2 AND follow_up_done_at IS NULL \
                 AND follow_up_due IS NOT NULL AND EXISTS (SELECT 1 FROM ins) \
               RETURNING id) \
             SELECT version, (SELECT count(*) FROM closed) FROM ins",
            &[
                &id,
                &student_id,
                &intervention_id,
                &parent_id,
                &f.guardian_id,
                &f.channel,
                &f.direction,
                &f.purpose,
                &f.result,
                &f.summary,
                &f.follow_up_due,
                &f.follow_up_owner,
                &f.is_restricted,
                &f.occurred_at,
                &closes_parent,
            ],
        )
        .await
        .map_err(write_error)?;
    match row {
        Some(r) => Ok(r.get(0)),
        // Written by an earlier attempt of this same save.
        None => match load_contact(client, id).await.map_err(write_error)? {
            Some(c) if c.student_id == student_id => Ok(c.version),
            _ => Err(WriteError::NotFound),
        },
    }
}

/// Saves `f` onto contact `id` if it is still at `version`; the contact as
/// it is now when it moved on.
pub async fn update(
    client: &(impl GenericClient + Sync),
    id: Uuid,
    version: i32,
    f: &ContactFields,
) -> Result<i32, ContactError> {
    let Some(now) = load_contact(client, id).await.map_err(write_error)? else {
        return Err(WriteError::NotFound);
    };
    check_guardian(client, now.student_id, f.guardian_id).await?;
    let row = client
        .fetch_opt(
            "UPDATE communication_log SET guardian_id = $3, channel = $4, direction = $5, \
               purpose = $6, result = $7, summary = $8, follow_up_due = $9, \
               follow_up_owner = $10, is_restricted = $11, \
               occurred_at = COALESCE($12::timestamp::timestamptz, occurred_at) \
             WHERE id = $1 AND version = $2 RETURNING version",
            &[
                &id,
                &version,
                &f.guardian_id,
                &f.channel,
                &f.direction,
                &f.purpose,
                &f.result,
                &f.summary,
                &f.follow_up_due,
                &f.follow_up_owner,
                &f.is_restricted,
                &f.occurred_at,
            ],
        )
        .await
        .map_err(write_error)?;
    match row {
        Some(r) => Ok(r.get(0)),
        None => Err(WriteError::stale(
            load_contact(client, id).await.map_err(write_error)?,
        )),
    }
}

/// Row-level security and the contact's own rules in words; the rest as
/// every write maps them.
fn write_error(e: tokio_postgres::Error) -> ContactError {
    let Some(db) = e.as_db_error() else {
        return WriteError::Db(e);
    };
    let m = db.message();
    let refusal = match (db.code(), db.constraint().unwrap_or_default()) {
        (c, _) if *c == SqlState::INSUFFICIENT_PRIVILEGE => {
            if m.contains("\"communication_log_restricted\"") {
                Refusal::ContactRestrictNotAllowed
            } else {
                Refusal::MayNotLogContacts
            }
        }
        (_, "communication_log_parent_same_student") => Refusal::ContactParentHidden,
        (_, "communication_log_student_fixed") => Refusal::ContactStudentFixed,
        (_, "communication_log_check") => Refusal::ContactDoneNeedsDue,
        (_, "communication_log_purpose_check") => Refusal::ContactPurpose,
        (_, "communication_log_summary_check") => Refusal::ContactSummaryTooLong,
        (_, "communication_log_follow_up_owner_fkey") => Refusal::ContactOwnerGone,
        (_, "communication_log_guardian_id_fkey") => Refusal::ContactGuardianNotTheirs,
        _ => return e.into(),
    };
    WriteError::Refused(refusal)
}
