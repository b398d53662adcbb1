//! The menu as data: navigation_items the current user may see.

use crate::db::unnamed::Unnamed;
use crate::db::users::ACTIVE_GRANTS;
use crate::domain::navigation::{NavItem, ToolAccess};
use tokio_postgres::GenericClient;

const COLUMNS: &str = "n.id, n.parent_id, n.label, n.nav_type, n.target, n.hotkey, n.sort_order";

/// Visible items whose tool is approved and granted to one of the current
/// user's non-expired roles, plus tool-less items (groups, separators).
/// Pruning empty groups and orphans of hidden parents needs the tree, so the
/// caller does it (`app::menu::build`).
pub async fn menu_items(
    client: &(impl GenericClient + Sync),
) -> Result<Vec<NavItem>, tokio_postgres::Error> {
    let sql = format!(
        "SELECT {COLUMNS} \
         FROM navigation_items n \
         WHERE n.is_visible \
           AND (n.tool_id IS NULL OR n.tool_id IN ( \
                SELECT rt.tool_id FROM ({ACTIVE_GRANTS}) g \
                JOIN role_tools rt ON rt.role_id = g.role_id \
                JOIN tools t ON t.id = rt.tool_id AND t.status = 'approved')) \
         ORDER BY n.sort_order, n.label, n.id"
    );
    items(client, &sql).await
}

/// Every item someone could be granted: visible, with an approved tool or
/// none. The widest menu, what `doctor` checks the letters of.
pub async fn all_menu_items(
    client: &(impl GenericClient + Sync),
) -> Result<Vec<NavItem>, tokio_postgres::Error> {
    let sql = format!(
        "SELECT {COLUMNS} \
         FROM navigation_items n LEFT JOIN tools t ON t.id = n.tool_id \
         WHERE n.is_visible AND (n.tool_id IS NULL OR t.status = 'approved') \
         ORDER BY n.sort_order, n.label, n.id"
    );
    items(client, &sql).await
}

async fn items(
    client: &(impl GenericClient + Sync),
    sql: &str,
) -> Result<Vec<NavItem>, tokio_postgres::Error> {
    Ok(client.fetch(sql, &[]).await?.iter().map(nav_item).collect())
}

fn nav_item(r: &tokio_postgres::Row) -> NavItem {
    NavItem {
        id: r.get(0),
        parent_id: r.get(1),
        label: r.get(2),
        nav_type: r.get(3),
        target: r.get(4),
        hotkey: r.get(5),
        sort_order: r.get(6),
    }
}

/// The database decides (`caseload_tool_allowed`, the same rule as the
/// menu's), so a client that skips its own menu gains nothing. A target
/// that names a screen of a tool (`<tool>.<screen>`, e.g.
/// `interventions.missed`) is that tool's to allow, unless a tool has the
/// whole key.
pub async fn tool_access(
    client: &(impl GenericClient + Sync),
    key: &str,
) -> Result<ToolAccess, tokio_postgres::Error> {
    let row = client
        .fetch_opt(
            "SELECT t.name, caseload_tool_allowed(t.key) FROM tools t \
             WHERE t.key = $1 OR left($1, length(t.key) + 1) = t.key || '.' \
             ORDER BY length(t.key) DESC LIMIT 1",
            &[&key],
        )
        .await?;
    Ok(match row {
        None => ToolAccess::NoSuchTool,
        Some(r) if r.get::<_, bool>(1) => ToolAccess::Allowed { name: r.get(0) },
        Some(_) => ToolAccess::Refused,
    })
}
