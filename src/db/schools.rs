//! The district's schools: the roster's school picker and the schools screen.

use crate::db::unnamed::Unnamed;
use crate::domain::school::{School, SchoolChoice, SchoolWrite};
use tokio_postgres::GenericClient;
use uuid::Uuid;

/// Active schools, the person's own first, then by name (in the district's
/// alphabet, `caseload_names`, as every list of names). Schools are not
/// secret (no row-level security on them); which students show is.
pub async fn active_schools(
    client: &(impl GenericClient + Sync),
) -> Result<Vec<SchoolChoice>, tokio_postgres::Error> {
    let rows = client
        .fetch(
            "SELECT s.id, s.name, s.local_id, s.low_grade, s.high_grade, \
                    (s.id = ANY (coalesce((SELECT caseload_coordinator_school_ids()), '{}')) \
                     OR EXISTS (SELECT 1 FROM caseload_active_grants() g \
                                WHERE g.school_id = s.id)) \
             FROM schools s WHERE s.is_active \
             ORDER BY 6 DESC, s.name COLLATE caseload_names, s.local_id",
            &[],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| SchoolChoice {
            id: r.get(0),
            name: r.get(1),
            local_id: r.get(2),
            low_grade: r.get(3),
            high_grade: r.get(4),
            mine: r.get(5),
        })
        .collect())
}

/// The active schools whose settings and programs this person may write:
/// every one for an administrator, a coordinator's own (the policies of
/// 0028 and 0033 allow no more), by local id.
pub async fn writable(
    client: &(impl GenericClient + Sync),
) -> Result<Vec<crate::domain::people::SchoolRef>, tokio_postgres::Error> {
    Ok(client
        .fetch(
            "SELECT local_id, name FROM schools \
             WHERE is_active AND ((SELECT caseload_is_admin()) \
                                  OR id = ANY ((SELECT caseload_coordinator_school_ids())::uuid[])) \
             ORDER BY local_id",
            &[],
        )
        .await?
        .iter()
        .map(|r| crate::domain::people::SchoolRef {
            local_id: r.get(0),
            name: r.get(1),
        })
        .collect())
}

/// Every school, active ones first, then by name.
pub async fn all_schools(
    client: &(impl GenericClient + Sync),
) -> Result<Vec<School>, tokio_postgres::Error> {
    let rows = client
        .fetch(
            "SELECT id, name, short_name, local_id, low_grade, high_grade, is_active, timezone \
             FROM schools ORDER BY is_active DESC, name COLLATE caseload_names, local_id",
            &[],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| School {
            id: r.get(0),
            name: r.get(1),
            short_name: r.get(2),
            local_id: r.get(3),
            low_grade: r.get(4),
            high_grade: r.get(5),
            is_active: r.get(6),
            timezone: r.get(7),
        })
        .collect())
}

/// Adds the school `w.id`, or changes it if it exists (a retried save finds
/// the row it made). Admins only (0002); the time zone is checked by 0028.
pub async fn save(
    client: &(impl GenericClient + Sync),
    w: &SchoolWrite,
) -> Result<(), tokio_postgres::Error> {
    let id: &Uuid = &w.id;
    client
        .exec(
            "INSERT INTO schools (id, name, short_name, local_id, low_grade, high_grade, timezone, is_active) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, short_name = EXCLUDED.short_name, \
               local_id = EXCLUDED.local_id, low_grade = EXCLUDED.low_grade, \
               high_grade = EXCLUDED.high_grade, timezone = EXCLUDED.timezone, \
               is_active = EXCLUDED.is_active",
            &[id, &w.name, &w.short_name, &w.local_id, &w.low_grade, &w.high_grade, &w.timezone, &w.is_active],
        )
        .await?;
    Ok(())
}
