//! My caseload: the signed-in person's students — their counselees, and the
//! students of interventions they own or are on the team of (the roster's
//! "mine" filter) — one row each with what the screen shows. Row-level
//! security applies to every count: restricted interventions and contacts
//! the person may not see are not counted.

use crate::db::unnamed::Unnamed;
use crate::domain::enums::InterventionStatus;
use crate::domain::my_caseload::{CaseloadSort, MyCaseload, MyStudent};
use chrono::NaiveDate;
use tokio_postgres::GenericClient;

/// Open interventions, the most urgent first.
const URGENCY_RANK: &str = "CASE i.status WHEN 'review_due' THEN 0 WHEN 'active' THEN 1 \
     WHEN 'paused' THEN 2 WHEN 'planned' THEN 3 ELSE 4 END";

/// Names in the district's alphabet (`caseload_names`, as the roster).
const BY_NAME: &str =
    "s.last_name COLLATE caseload_names, s.first_name COLLATE caseload_names, s.id";

fn sql(sort: CaseloadSort) -> String {
    let order = match sort {
        CaseloadSort::Name => BY_NAME.to_string(),
        CaseloadSort::Urgency => {
            format!("fu.overdue DESC, COALESCE(iv.rank, 5), fu.open DESC, {BY_NAME}")
        }
    };
    format!(
        "WITH me AS (SELECT caseload_current_user_id() AS id), \
         mine AS ( \
           SELECT s.id FROM students s, me WHERE s.counselor_id = me.id \
           UNION SELECT i.student_id FROM interventions i, me WHERE i.owner_id = me.id \
           UNION SELECT i.student_id FROM intervention_team t \
             JOIN interventions i ON i.id = t.intervention_id, me WHERE t.user_id = me.id) \
         SELECT s.id, \
           s.last_name || ', ' || COALESCE(NULLIF(btrim(s.preferred_name), ''), s.first_name), \
           s.grade_level, COALESCE(sc.short_name, sc.name), \
           COALESCE(iv.open, 0), iv.name, iv.status, fu.open, fu.overdue, \
           lc.occurred_at::date, lc.channel \
         FROM mine JOIN students s ON s.id = mine.id \
         JOIN schools sc ON sc.id = s.school_id \
         LEFT JOIN LATERAL ( \
           SELECT count(*) OVER () AS open, COALESCE(p.name, i.custom_name, '') AS name, \
                  i.status, {URGENCY_RANK} AS rank \
           FROM interventions i LEFT JOIN intervention_programs p ON p.id = i.program_id \
           WHERE i.student_id = s.id \
             AND i.status IN ('referred', 'planned', 'active', 'paused', 'review_due') \
           ORDER BY 4, i.planned_end_date NULLS LAST, i.id LIMIT 1) iv ON true \
         CROSS JOIN LATERAL ( \
           SELECT count(*) AS open, count(*) FILTER (WHERE c.follow_up_due < $1) AS overdue \
           FROM communication_log c WHERE c.student_id = s.id \
             AND c.follow_up_due IS NOT NULL AND c.follow_up_done_at IS NULL) fu \
         LEFT JOIN LATERAL ( \
           SELECT c.occurred_at, c.channel FROM communication_log c WHERE c.student_id = s.id \
           ORDER BY c.occurred_at DESC, c.id DESC LIMIT 1) lc ON true \
         ORDER BY {order} LIMIT $2"
    )
}

/// The person's students in `sort` order, at most `limit` (`more` says
/// whether there were more); follow-ups due before `today` are overdue.
pub async fn my_caseload(
    client: &(impl GenericClient + Sync),
    sort: CaseloadSort,
    today: NaiveDate,
    limit: usize,
) -> Result<MyCaseload, tokio_postgres::Error> {
    let ask = i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1);
    let rows = client.fetch(&sql(sort), &[&today, &ask]).await?;
    let more = rows.len() > limit;
    let students = rows
        .iter()
        .take(limit)
        .map(|r| MyStudent {
            student_id: r.get(0),
            name: r.get(1),
            grade: r.get(2),
            school: r.get(3),
            open_interventions: r.get(4),
            most_urgent: r
                .get::<_, Option<String>>(5)
                .zip(r.get::<_, Option<InterventionStatus>>(6)),
            open_follow_ups: r.get(7),
            overdue_follow_ups: r.get(8),
            last_contact: r
                .get::<_, Option<NaiveDate>>(9)
                .zip(r.get::<_, Option<String>>(10)),
        })
        .collect();
    Ok(MyCaseload {
        students,
        more,
        today,
    })
}
