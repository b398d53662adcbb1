//! The district's schools, for the roster's school picker.

use crate::domain::school::SchoolChoice;
use tokio_postgres::GenericClient;

/// Active schools, the person's own first, then by name. Schools are not
/// secret (no row-level security on them); which students show is.
pub async fn active_schools(
    client: &impl GenericClient,
) -> Result<Vec<SchoolChoice>, tokio_postgres::Error> {
    let rows = client
        .query(
            "SELECT s.id, s.name, s.local_id, s.low_grade, s.high_grade, \
                    s.id = ANY (coalesce((SELECT caseload_coordinator_school_ids()), '{}')) \
             FROM schools s WHERE s.is_active \
             ORDER BY 6 DESC, s.name, s.local_id",
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
