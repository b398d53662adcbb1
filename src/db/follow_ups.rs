//! The follow-up queue: open follow-ups in a scope, and the four changes
//! to one (done, undo, reassign, snooze), each only at the version read.
//!
//! Which contacts exist is row-level security's business: the scopes only
//! narrow what the person may see anyway.

use crate::db::caseload::{ME, SCHOOLS};
use crate::db::interventions::detail::student_name;
use crate::db::interventions::error::refusal_of;
use crate::db::migrate::describe_pg_error;
use crate::db::unnamed::Unnamed;
use crate::domain::contact_log::{FollowUp, FollowUpChange, FollowUpList, FollowUpScope, Person};
use crate::domain::outcome::Written;
use tokio_postgres::{GenericClient, Row};
use uuid::Uuid;

/// How a follow-up write went: the row as it is now either way.
pub type FollowUpWritten = Written<FollowUp, FollowUp>;

/// The row's columns, over `c` (the contact) and its joins ([`FROM`]).
const COLUMNS: &str = concat!(
    "c.id, c.student_id, ",
    student_name!(),
    ", c.intervention_id, c.follow_up_due, c.purpose, c.channel, \
     NULLIF(btrim(g.first_name || ' ' || g.last_name), ''), c.follow_up_owner, o.display_name, \
     c.version, d.display_name, c.follow_up_done_at IS NOT NULL"
);

/// `c` with its student, guardian, owner and closer.
const JOINS: &str = "JOIN students s ON s.id = c.student_id \
     LEFT JOIN student_guardians g ON g.id = c.guardian_id \
     LEFT JOIN users o ON o.id = c.follow_up_owner \
     LEFT JOIN users d ON d.id = c.follow_up_done_by";

fn row(r: &Row) -> FollowUp {
    FollowUp {
        id: r.get(0),
        student_id: r.get(1),
        student_name: r.get(2),
        intervention_id: r.get(3),
        due: r.get(4),
        purpose: r.get(5),
        channel: r.get(6),
        guardian: r.get(7),
        owner_id: r.get(8),
        owner: r.get(9),
        version: r.get(10),
        done_by: r.get(11),
        done: r.get(12),
    }
}

/// The interventions that make up "my team": open ones I own or am on the
/// team of. Their students' follow-ups, and those of everyone on their
/// teams, are my team's.
const TEAMS: &str = "teams AS MATERIALIZED ( \
       SELECT i.id, i.student_id FROM interventions i, me \
       WHERE i.status NOT IN ('completed', 'discontinued') \
         AND (i.owner_id = me.id OR EXISTS (SELECT 1 FROM intervention_team t \
                                            WHERE t.intervention_id = i.id AND t.user_id = me.id))), \
     mates AS MATERIALIZED ( \
       SELECT me.id FROM me \
       UNION SELECT i.owner_id FROM interventions i JOIN teams USING (id) \
       UNION SELECT t.user_id FROM intervention_team t JOIN teams ON teams.id = t.intervention_id \
             WHERE t.user_id IS NOT NULL)";

/// The queue's query for `scope`: $1 the person (NULL: the signed-in one),
/// $2 the row bound. Overdue first falls out of the due-date order.
pub fn queue_sql(scope: FollowUpScope) -> String {
    let (ctes, whose) = match scope {
        FollowUpScope::Mine => (ME.to_string(), "c.follow_up_owner = (SELECT id FROM me)"),
        FollowUpScope::Team => (
            format!("{ME}, {TEAMS}"),
            "(c.student_id IN (SELECT student_id FROM teams) \
              OR c.follow_up_owner IN (SELECT id FROM mates))",
        ),
        FollowUpScope::School => (
            format!("{ME}, {SCHOOLS}"),
            "((SELECT wide FROM schools_in_scope) \
              OR s.school_id = ANY ((SELECT ids FROM schools_in_scope)::uuid[]))",
        ),
    };
    format!(
        "{ctes} SELECT {COLUMNS} FROM communication_log c {JOINS} \
         WHERE {whose} AND c.follow_up_due IS NOT NULL AND c.follow_up_done_at IS NULL \
         ORDER BY c.follow_up_due, c.occurred_at, c.id LIMIT $2"
    )
}

/// The open follow-ups of `scope` for `who` (None: the signed-in person),
/// at most `limit`, and whether there were more.
pub async fn queue(
    client: &(impl GenericClient + Sync),
    who: Option<Uuid>,
    scope: FollowUpScope,
    limit: i64,
) -> Result<FollowUpList, tokio_postgres::Error> {
    let one_more = limit.saturating_add(1);
    let rows = client.fetch(&queue_sql(scope), &[&who, &one_more]).await?;
    let more = i64::try_from(rows.len()).unwrap_or(i64::MAX) > limit;
    let rows = rows
        .iter()
        .take(usize::try_from(limit).unwrap_or(0))
        .map(row)
        .collect();
    Ok(FollowUpList { rows, more })
}

/// One follow-up as it is now; `None` when gone or not visible.
pub async fn load(
    client: &(impl GenericClient + Sync),
    id: Uuid,
) -> Result<Option<FollowUp>, tokio_postgres::Error> {
    let sql = format!("SELECT {COLUMNS} FROM communication_log c {JOINS} WHERE c.id = $1");
    Ok(client.fetch_opt(&sql, &[&id]).await?.as_ref().map(row))
}

/// Makes `change` to follow-up `id` if it is still at `version`. Closing
/// sets `follow_up_done_at` to anything: the database stamps the time and
/// the closer (0016).
pub async fn change(
    client: &(impl GenericClient + Sync),
    id: Uuid,
    version: i32,
    change: FollowUpChange,
) -> FollowUpWritten {
    match try_change(client, id, version, change).await {
        Ok(Some(now)) => Written::Saved(now),
        Ok(None) => match load(client, id).await {
            Ok(Some(theirs)) => Written::Conflict(theirs),
            Ok(None) => Written::Gone,
            Err(e) => Written::Failed(describe_pg_error(&e)),
        },
        Err(e) => match refusal_of(&e) {
            Some(r) => Written::Refused(r.to_string()),
            None => Written::Failed(describe_pg_error(&e)),
        },
    }
}

async fn try_change(
    client: &(impl GenericClient + Sync),
    id: Uuid,
    version: i32,
    change: FollowUpChange,
) -> Result<Option<FollowUp>, tokio_postgres::Error> {
    let set = match change {
        FollowUpChange::Done => "follow_up_done_at = now()",
        FollowUpChange::Reopen => "follow_up_done_at = NULL",
        FollowUpChange::Reassign { .. } => "follow_up_owner = $3::uuid",
        FollowUpChange::Snooze { .. } => "follow_up_due = $3::date",
    };
    let sql = format!(
        "WITH c AS (UPDATE communication_log SET {set} \
                    WHERE id = $1 AND version = $2 AND follow_up_due IS NOT NULL RETURNING *) \
         SELECT {COLUMNS} FROM c {JOINS}"
    );
    let found = match change {
        FollowUpChange::Done | FollowUpChange::Reopen => {
            client.fetch_opt(&sql, &[&id, &version]).await?
        }
        FollowUpChange::Reassign { owner } => {
            client.fetch_opt(&sql, &[&id, &version, &owner]).await?
        }
        FollowUpChange::Snooze { to } => client.fetch_opt(&sql, &[&id, &version, &to]).await?,
    };
    Ok(found.as_ref().map(row))
}

/// Active people a follow-up can be handed to, by name.
pub async fn people(
    client: &(impl GenericClient + Sync),
) -> Result<Vec<Person>, tokio_postgres::Error> {
    Ok(client
        .fetch(
            "SELECT id, display_name FROM users WHERE is_active \
             ORDER BY display_name COLLATE caseload_names, id LIMIT 5000",
            &[],
        )
        .await?
        .iter()
        .map(|r| Person {
            id: r.get(0),
            name: r.get(1),
        })
        .collect())
}
