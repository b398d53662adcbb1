//! The tool catalogue (issue 17): tools with their grants and history, the
//! approval workflow's moves and the role grants. The database enforces the
//! workflow (`tool_lifecycle`, 0028) and who may write (admins only, by
//! grant); this module only reads and asks.

use crate::db::unnamed::Unnamed;
use crate::domain::enums::ToolStatus;
use crate::domain::tools::{RoleChoice, StatusChange, Tool, ToolCatalogue};
use tokio_postgres::GenericClient;
use uuid::Uuid;

/// Every tool, by key, with the roles granted it and its history; every
/// role, by key.
pub async fn catalogue(
    client: &(impl GenericClient + Sync),
) -> Result<ToolCatalogue, tokio_postgres::Error> {
    let rows = client
        .fetch(
            "SELECT t.id, t.key, t.name, t.description, t.status, rq.display_name, \
                    rv.display_name, t.reviewed_at, t.review_note, \
                    COALESCE((SELECT array_agg(r.key ORDER BY r.key) FROM role_tools rt \
                              JOIN roles r ON r.id = rt.role_id WHERE rt.tool_id = t.id), \
                             '{}'::text[]), \
                    COALESCE((SELECT array_agg(rt.scope ORDER BY r.key) FROM role_tools rt \
                              JOIN roles r ON r.id = rt.role_id WHERE rt.tool_id = t.id), \
                             '{}'::text[]) \
             FROM tools t \
             LEFT JOIN users rq ON rq.id = t.requested_by \
             LEFT JOIN users rv ON rv.id = t.reviewed_by \
             ORDER BY t.key",
            &[],
        )
        .await?;
    let changes = client
        .fetch(
            "SELECT c.tool_id, c.changed_at, c.from_status, c.to_status, u.display_name, c.note \
             FROM tool_status_changes c LEFT JOIN users u ON u.id = c.changed_by \
             ORDER BY c.tool_id, c.changed_at, c.id",
            &[],
        )
        .await?;
    let tools = rows
        .iter()
        .map(|r| {
            let id: Uuid = r.get(0);
            Tool {
                id,
                key: r.get(1),
                name: r.get(2),
                description: r.get(3),
                status: r.get(4),
                requested_by: r.get(5),
                reviewed_by: r.get(6),
                reviewed_at: r.get(7),
                review_note: r.get(8),
                roles: r.get(9),
                scopes: r.get(10),
                history: changes
                    .iter()
                    .filter(|c| c.get::<_, Uuid>(0) == id)
                    .map(|c| StatusChange {
                        at: c.get(1),
                        from: c.get(2),
                        to: c.get(3),
                        by: c.get(4),
                        note: c.get(5),
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(ToolCatalogue {
        tools,
        roles: roles(client).await?,
    })
}

/// Every role, by key.
pub async fn roles(
    client: &(impl GenericClient + Sync),
) -> Result<Vec<RoleChoice>, tokio_postgres::Error> {
    Ok(client
        .fetch("SELECT id, key, name FROM roles ORDER BY key", &[])
        .await?
        .iter()
        .map(|r| RoleChoice {
            id: r.get(0),
            key: r.get(1),
            name: r.get(2),
        })
        .collect())
}

/// Moves tool `id` from `from` to `to` with `note`, the review note of
/// this move (none clears the last one, so the history never repeats an
/// older move's note). `Ok(false)`: the tool is no longer at `from` (someone moved it
/// first) or is gone.
pub async fn move_tool(
    client: &(impl GenericClient + Sync),
    id: Uuid,
    from: ToolStatus,
    to: ToolStatus,
    note: Option<&str>,
) -> Result<bool, tokio_postgres::Error> {
    let n = client
        .exec(
            "UPDATE tools SET status = $3, review_note = $4 WHERE id = $1 AND status = $2",
            &[&id, &from, &to, &note],
        )
        .await?;
    Ok(n == 1)
}

/// Grants tool `tool` to role `role` (`grant`) or takes it away. Granting
/// twice or taking away what was not granted changes nothing.
pub async fn set_grant(
    client: &(impl GenericClient + Sync),
    tool: Uuid,
    role: Uuid,
    grant: bool,
) -> Result<(), tokio_postgres::Error> {
    if grant {
        client
            .exec(
                "INSERT INTO role_tools (role_id, tool_id) VALUES ($1, $2) \
                 ON CONFLICT (role_id, tool_id) DO NOTHING",
                &[&role, &tool],
            )
            .await?;
    } else {
        client
            .exec(
                "DELETE FROM role_tools WHERE role_id = $1 AND tool_id = $2",
                &[&role, &tool],
            )
            .await?;
    }
    Ok(())
}

/// Sets the scope of role `role`'s grant of tool `tool`. `Ok(false)`: the
/// role is not granted it (any more).
pub async fn set_scope(
    client: &(impl GenericClient + Sync),
    tool: Uuid,
    role: Uuid,
    scope: &str,
) -> Result<bool, tokio_postgres::Error> {
    let n = client
        .exec(
            "UPDATE role_tools SET scope = $3 WHERE role_id = $2 AND tool_id = $1",
            &[&tool, &role, &scope],
        )
        .await?;
    Ok(n == 1)
}

/// A new tool, as a draft (the trigger makes any other status a refusal
/// and stamps who asked for it).
pub async fn create(
    client: &(impl GenericClient + Sync),
    key: &str,
    name: &str,
    description: Option<&str>,
) -> Result<(), tokio_postgres::Error> {
    client
        .exec(
            "INSERT INTO tools (key, name, description) VALUES ($1, $2, $3)",
            &[&key, &name, &description],
        )
        .await?;
    Ok(())
}

/// Renames tool `id` and sets its description. `Ok(false)`: it is gone.
pub async fn edit(
    client: &(impl GenericClient + Sync),
    id: Uuid,
    name: &str,
    description: Option<&str>,
) -> Result<bool, tokio_postgres::Error> {
    let n = client
        .exec(
            "UPDATE tools SET name = $2, description = $3 WHERE id = $1",
            &[&id, &name, &description],
        )
        .await?;
    Ok(n == 1)
}
