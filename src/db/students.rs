//! Students: the roster row and one student's record. The roster query
//! itself lives in `db::roster`.

use crate::db::enums::{GradeLevel, StudentStatus};
use crate::db::users::ACTIVE_GRANTS;
use chrono::NaiveDate;
use tokio_postgres::GenericClient;
use tokio_postgres::types::ToSql;
use uuid::Uuid;

pub use crate::db::roster::{PageRequest, RosterCursor, RosterPage};

/// One roster line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterRow {
    pub id: Uuid,
    pub last_name: String,
    pub first_name: String,
    pub preferred_name: Option<String>,
    pub grade: GradeLevel,
    pub school: String,
    pub local_id: String,
    pub status: StudentStatus,
    pub has_iep: bool,
    pub has_504: bool,
    pub is_english_learner: bool,
    /// For the roster's school filter.
    pub school_id: Uuid,
    /// The most recent session of the student's unrestricted interventions.
    pub last_session: Option<NaiveDate>,
}

/// The schools the current user may see, as one row: any non-expired grant
/// with a NULL school means all of them; a user with no grants sees nothing.
fn scope() -> String {
    format!(
        "SELECT COALESCE(bool_or(g.school_id IS NULL), false) AS all_schools, \
                COALESCE(array_agg(g.school_id) FILTER (WHERE g.school_id IS NOT NULL), '{{}}') \
                  AS schools \
         FROM ({ACTIVE_GRANTS}) g"
    )
}

fn scoped_from() -> String {
    format!(
        "FROM students s JOIN schools sc ON sc.id = s.school_id \
         CROSS JOIN ({}) scope \
         WHERE (scope.all_schools OR s.school_id = ANY (scope.schools))",
        scope()
    )
}

pub(crate) const ROSTER_COLUMNS: &str = "s.id, s.last_name, s.first_name, s.preferred_name, s.grade_level, \
     COALESCE(sc.short_name, sc.name), s.local_id, s.status, s.has_iep, s.has_504, \
     s.is_english_learner, s.last_session_date";
/// How many columns [`ROSTER_COLUMNS`] selects: a query selecting more after
/// them reads those from this index on.
pub(crate) const ROSTER_COLUMN_COUNT: usize = 12;

pub(crate) fn roster_row(r: &tokio_postgres::Row) -> RosterRow {
    RosterRow {
        id: r.get(0),
        last_name: r.get(1),
        first_name: r.get(2),
        preferred_name: r.get(3),
        grade: r.get(4),
        school: r.get(5),
        local_id: r.get(6),
        status: r.get(7),
        has_iep: r.get(8),
        has_504: r.get(9),
        is_english_learner: r.get(10),
        // By name: every query using this selects `s.school_id` last.
        school_id: r.get("school_id"),
        last_session: r.get(ROSTER_COLUMN_COUNT - 1),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guardian {
    pub first_name: String,
    pub last_name: String,
    pub relationship: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub preferred_channel: Option<String>,
    pub preferred_language: Option<String>,
    pub contact_priority: i16,
    pub is_emergency_contact: bool,
}

/// One student's profile, as the student screen shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudentDetail {
    pub row: RosterRow,
    pub school_name: String,
    pub state_id: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub enrollment_date: Option<NaiveDate>,
    pub exit_date: Option<NaiveDate>,
    pub counselor: Option<String>,
    pub guardians: Vec<Guardian>,
    /// Recent audit events, newest first; empty for people who may not read
    /// the audit trail (row-level security returns them nothing).
    pub activity: Vec<ActivityEvent>,
}

/// One line of a record's audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityEvent {
    /// Formatted by the server, in the session's time zone.
    pub when: String,
    /// Display name, or the login role when it has no users row.
    pub who: String,
    /// insert, update, delete or read.
    pub action: String,
    pub table: String,
    /// Columns an update changed (empty for other actions).
    pub changed: Vec<String>,
}

/// How many audit events the student screen shows.
pub const ACTIVITY_LIMIT: i64 = 20;

/// The student, if they are in the current user's schools. Opening the
/// record is itself recorded (`caseload_record_student_view`, which refuses
/// students the user cannot see); the read, the profile, the guardians and
/// the activity are pipelined on the one connection. Pipelined statements may
/// be sent in any order, so the activity waits for the read, which then
/// heads it.
pub async fn student_detail(
    client: &impl GenericClient,
    id: Uuid,
) -> Result<Option<StudentDetail>, tokio_postgres::Error> {
    let sql = format!(
        "SELECT {ROSTER_COLUMNS}, sc.name, s.state_id, s.date_of_birth, s.enrollment_date, \
                s.exit_date, (SELECT u.display_name FROM users u WHERE u.id = s.counselor_id), \
                s.school_id \
         {} AND s.id = $1",
        scoped_from()
    );
    let by_id: [&(dyn ToSql + Sync); 1] = [&id];
    let read_then_activity = async {
        client
            .query_one("SELECT caseload_record_student_view($1)", &by_id)
            .await?;
        activity(client, id).await
    };
    let (found, guardians, activity) = tokio::try_join!(
        client.query_opt(&sql, &by_id),
        guardians(client, id),
        read_then_activity,
    )?;
    let Some(r) = found else {
        return Ok(None);
    };
    Ok(Some(StudentDetail {
        row: roster_row(&r),
        school_name: r.get(ROSTER_COLUMN_COUNT),
        state_id: r.get(ROSTER_COLUMN_COUNT + 1),
        date_of_birth: r.get(ROSTER_COLUMN_COUNT + 2),
        enrollment_date: r.get(ROSTER_COLUMN_COUNT + 3),
        exit_date: r.get(ROSTER_COLUMN_COUNT + 4),
        counselor: r.get(ROSTER_COLUMN_COUNT + 5),
        guardians,
        activity,
    }))
}

async fn guardians(
    client: &impl GenericClient,
    id: Uuid,
) -> Result<Vec<Guardian>, tokio_postgres::Error> {
    Ok(client
        .query(
            "SELECT first_name, last_name, relationship, phone, email, preferred_channel, \
                    preferred_language, contact_priority, is_emergency_contact \
             FROM student_guardians WHERE student_id = $1 \
             ORDER BY contact_priority, last_name, first_name, id",
            &[&id],
        )
        .await?
        .iter()
        .map(|g| Guardian {
            first_name: g.get(0),
            last_name: g.get(1),
            relationship: g.get(2),
            phone: g.get(3),
            email: g.get(4),
            preferred_channel: g.get(5),
            preferred_language: g.get(6),
            contact_priority: g.get(7),
            is_emergency_contact: g.get(8),
        })
        .collect())
}

/// The student's recent audit events, as far as row-level security lets the
/// current user read them (coordinators and admins).
pub async fn activity(
    client: &impl GenericClient,
    id: Uuid,
) -> Result<Vec<ActivityEvent>, tokio_postgres::Error> {
    Ok(client
        .query(
            "SELECT to_char(e.occurred_at, 'YYYY-MM-DD HH24:MI'), \
                    COALESCE(u.display_name, e.actor_role), e.action, e.table_name, \
                    CASE WHEN e.action = 'update' THEN e.changed_columns END \
             FROM audit_events e LEFT JOIN users u ON u.id = e.actor_id \
             WHERE e.student_id = $1 \
             ORDER BY e.occurred_at DESC, e.id DESC LIMIT $2",
            &[&id, &ACTIVITY_LIMIT],
        )
        .await?
        .iter()
        .map(|r| ActivityEvent {
            when: r.get(0),
            who: r.get(1),
            action: r.get(2),
            table: r.get(3),
            changed: r.get::<_, Option<Vec<String>>>(4).unwrap_or_default(),
        })
        .collect())
}
