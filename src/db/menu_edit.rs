//! The menu editor's reads and writes on `navigation_items`. The database
//! keeps the tree sound (0028: parents are groups, no cycles, a target is
//! its tool's, one letter per visible item) and only admins may write it.

use crate::db::unnamed::Unnamed;
use crate::domain::menu_tree::{MenuChange, MenuTree, NavRow, Placement};
use tokio_postgres::GenericClient;

/// Every item, hidden ones too, with its tool's status and grants, and
/// the approved tools a new screen may open.
pub async fn tree(client: &(impl GenericClient + Sync)) -> Result<MenuTree, tokio_postgres::Error> {
    let tools = client
        .fetch(
            "SELECT key, name FROM tools WHERE status = 'approved' ORDER BY key",
            &[],
        )
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    Ok(MenuTree {
        rows: rows(client).await?,
        tools,
    })
}

async fn rows(client: &(impl GenericClient + Sync)) -> Result<Vec<NavRow>, tokio_postgres::Error> {
    Ok(client
        .fetch(
            "SELECT n.id, n.parent_id, n.label, n.nav_type, n.tool_id, n.target, n.hotkey, \
                    n.sort_order, n.is_visible, t.status, \
                    COALESCE((SELECT array_agg(r.key ORDER BY r.key) FROM role_tools rt \
                              JOIN roles r ON r.id = rt.role_id WHERE rt.tool_id = n.tool_id), \
                             '{}'::text[]) \
             FROM navigation_items n LEFT JOIN tools t ON t.id = n.tool_id \
             ORDER BY n.sort_order, n.label, n.id",
            &[],
        )
        .await?
        .iter()
        .map(|r| NavRow {
            id: r.get(0),
            parent_id: r.get(1),
            label: r.get(2),
            nav_type: r.get(3),
            tool_id: r.get(4),
            target: r.get(5),
            hotkey: r.get(6),
            sort_order: r.get(7),
            is_visible: r.get(8),
            tool_status: r.get(9),
            roles: r.get(10),
        })
        .collect())
}

/// Applies `change` in one transaction.
pub async fn apply(
    client: &mut tokio_postgres::Client,
    change: &MenuChange,
) -> Result<(), tokio_postgres::Error> {
    let tx = client.transaction().await?;
    match change {
        MenuChange::Place(p) => place(&tx, p).await?,
        MenuChange::Rename { id, label } => {
            tx.exec(
                "UPDATE navigation_items SET label = $2 WHERE id = $1",
                &[id, label],
            )
            .await?;
        }
        MenuChange::Hotkey { id, hotkey } => {
            let h = hotkey.map(|c| c.to_string());
            tx.exec(
                "UPDATE navigation_items SET hotkey = $2 WHERE id = $1",
                &[id, &h],
            )
            .await?;
        }
        MenuChange::Delete { id } => {
            tx.exec("DELETE FROM navigation_items WHERE id = $1", &[id])
                .await?;
        }
        MenuChange::Visible { id, visible } => {
            tx.exec(
                "UPDATE navigation_items SET is_visible = $2 WHERE id = $1",
                &[id, visible],
            )
            .await?;
        }
        MenuChange::Add {
            nav_type,
            label,
            tool_key,
            at,
        } => {
            tx.exec(
                "INSERT INTO navigation_items (id, parent_id, label, nav_type, tool_id, target) \
                 VALUES ($1, $2, $3, $4, (SELECT id FROM tools WHERE key = $5), $5)",
                &[&at.id, &at.parent_id, label, nav_type, tool_key],
            )
            .await?;
            place(&tx, at).await?;
        }
    }
    tx.commit().await
}

/// Puts `p.id` under `p.parent_id` and numbers the siblings in `p.order`.
async fn place(
    tx: &tokio_postgres::Transaction<'_>,
    p: &Placement,
) -> Result<(), tokio_postgres::Error> {
    tx.exec(
        "UPDATE navigation_items SET parent_id = $2 WHERE id = $1 AND parent_id IS DISTINCT FROM $2",
        &[&p.id, &p.parent_id],
    )
    .await?;
    tx.exec(
        "UPDATE navigation_items n SET sort_order = o.n * 10 \
         FROM unnest($1::uuid[]) WITH ORDINALITY AS o(id, n) \
         WHERE n.id = o.id AND n.sort_order IS DISTINCT FROM (o.n * 10)::int",
        &[&p.order],
    )
    .await?;
    Ok(())
}
