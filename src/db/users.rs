//! Who is connected: the login role, its `users` row and role keys.

use crate::db::unnamed::Unnamed;
use crate::domain::user::{CaseloadUser, Whoami};
use tokio_postgres::GenericClient;
use uuid::Uuid;

/// Non-expired grants of the current user; shared by the queries that scope
/// by role or school so that "expired" means the same thing everywhere.
pub(crate) const ACTIVE_GRANTS: &str = "SELECT ur.role_id, ur.school_id FROM user_roles ur \
     WHERE ur.user_id = caseload_current_user_id() \
       AND (ur.expires_at IS NULL OR ur.expires_at > now())";

pub async fn whoami(client: &(impl GenericClient + Sync)) -> Result<Whoami, tokio_postgres::Error> {
    let sql = format!(
        "SELECT session_user::text, split_part(current_setting('server_version'), ' ', 1), \
                u.id, u.username, u.display_name, \
                COALESCE((SELECT array_agg(DISTINCT r.key ORDER BY r.key) \
                          FROM ({ACTIVE_GRANTS}) g JOIN roles r ON r.id = g.role_id), \
                         '{{}}'::text[]) \
         FROM (SELECT caseload_current_user_id() AS id) me \
         LEFT JOIN users u ON u.id = me.id"
    );
    let row = client.fetch_one(&sql, &[]).await?;
    let id: Option<Uuid> = row.get(2);
    let user = id.map(|id| CaseloadUser {
        id,
        username: row.get(3),
        display_name: row.get(4),
        role_keys: row.get(5),
    });
    Ok(Whoami {
        login_role: row.get(0),
        server_version: row.get(1),
        user,
    })
}

/// When `whoami` failed because this database is not (or not yet)
/// caseload's, what to tell the person instead of PostgreSQL's "function
/// caseload_current_user_id() does not exist"; `None` for any other failure,
/// which keeps its own words.
pub async fn not_caseloads(
    client: &(impl GenericClient + Sync),
    failure: &tokio_postgres::Error,
) -> Option<String> {
    use tokio_postgres::error::SqlState;
    let code = failure.code()?;
    if *code != SqlState::UNDEFINED_FUNCTION && *code != SqlState::UNDEFINED_TABLE {
        return None;
    }
    let row = client
        .fetch_one(
            "SELECT current_database()::text, to_regclass('public.migration_log') IS NOT NULL",
            &[],
        )
        .await
        .ok()?;
    let (dbname, migrated_once): (String, bool) = (row.get(0), row.get(1));
    Some(if migrated_once {
        crate::db::migrate::not_migrated(&dbname)
    } else {
        crate::db::migrate::no_tables(&dbname)
    })
}
