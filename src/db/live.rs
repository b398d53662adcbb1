//! Live refresh's one read: who last changed a row a form has open.

use crate::db::unnamed::Unnamed;
use crate::domain::live::{ChangedBy, Table};
use tokio_postgres::GenericClient;
use uuid::Uuid;

/// Through row-level security, as the person: `None` when the row is gone
/// or hidden. The table name comes from `Table`, never from input; the
/// columns a table lacks (`version`, `updated_by`) read as NULL.
pub async fn changed_by(
    c: &(impl GenericClient + Sync),
    table: Table,
    id: Uuid,
) -> Result<Option<ChangedBy>, tokio_postgres::Error> {
    let sql = format!(
        "SELECT (pg_catalog.to_jsonb(t) ->> 'version')::int, \
                (SELECT u.display_name FROM users u \
                  WHERE u.id = (pg_catalog.to_jsonb(t) ->> 'updated_by')::uuid), \
                pg_catalog.to_char(t.updated_at, 'HH24:MI') \
           FROM public.{} t WHERE t.id = $1",
        table.name()
    );
    let row = c.fetch_opt(&sql, &[&id]).await?;
    Ok(row.map(|r| ChangedBy {
        version: r.get(0),
        by: r.get(1),
        at: r.get(2),
    }))
}
