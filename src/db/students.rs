//! Students: the roster row and a record's audit trail. The roster query
//! lives in `db::roster`, the whole record in `db::student_record`.

use crate::db::unnamed::Unnamed;
use tokio_postgres::GenericClient;
use uuid::Uuid;

use crate::domain::roster::RosterRow;
use crate::domain::student::ActivityEvent;

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

/// How many audit events the student screen shows.
pub const ACTIVITY_LIMIT: i64 = 20;

/// The student's recent audit events, as far as row-level security lets the
/// current user read them (coordinators and admins).
pub async fn activity(
    client: &(impl GenericClient + Sync),
    id: Uuid,
) -> Result<Vec<ActivityEvent>, tokio_postgres::Error> {
    Ok(client
        .fetch(
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
