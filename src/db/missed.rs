//! Missed sessions over a span (a month, the recent weeks), for every
//! intervention the person may see (row-level security decides which): the
//! plan, the span's sessions and the status history of each running
//! intervention, judged by `domain::missed`, worst first.

use super::interventions::detail::student_name;
use crate::db::unnamed::Unnamed;
use crate::domain::caseload::InterventionRef;
use crate::domain::enums::InterventionStatus;
use crate::domain::fidelity::Delivery;
use crate::domain::kinds::Attendance;
use crate::domain::markers::StatusChange;
use crate::domain::missed::{self, Logged, MissedRow};
use chrono::NaiveDate;
use tokio_postgres::GenericClient;

/// $1 the span's first day, $2 its last. Bounded to what can miss a
/// session in it: running (active, paused, review due) with a frequency,
/// begun by its last day; each with its sessions in the span (one index
/// range on `intervention_sessions (intervention_id, session_date)`) and
/// its status history up to the span's end (a handful of rows, for the
/// pauses).
const SPAN_SQL: &str = concat!(
    "SELECT i.id, i.student_id, ",
    student_name!(),
    ", COALESCE(p.name, i.custom_name, ''), i.status, i.start_date, i.planned_end_date, \
       i.ended_at::date, i.sessions_per_week, se.dates, se.attendance, \
       h.dates, h.from_status, h.to_status \
     FROM interventions i \
     JOIN students s ON s.id = i.student_id \
     LEFT JOIN intervention_programs p ON p.id = i.program_id \
     CROSS JOIN LATERAL ( \
       SELECT COALESCE(array_agg(x.session_date), '{}') AS dates, \
              COALESCE(array_agg(x.attendance), '{}') AS attendance \
       FROM intervention_sessions x \
       WHERE x.intervention_id = i.id AND x.session_date BETWEEN $1 AND $2) se \
     CROSS JOIN LATERAL ( \
       SELECT COALESCE(array_agg(c.changed_at::date ORDER BY c.changed_at, c.id), '{}') AS dates, \
              COALESCE(array_agg(c.from_status ORDER BY c.changed_at, c.id), '{}') \
                AS from_status, \
              COALESCE(array_agg(c.to_status ORDER BY c.changed_at, c.id), '{}') AS to_status \
       FROM intervention_status_changes c \
       WHERE c.intervention_id = i.id AND c.changed_at::date <= $2) h \
     WHERE i.status IN ('active', 'paused', 'review_due') \
       AND i.sessions_per_week > 0 AND i.start_date <= $2"
);

/// The interventions with the most sessions missed in `span` (both ends
/// included; `domain::missed::Period::span`), judged as of `today`, worst
/// first, at most `limit`; those that missed no whole session are left
/// out.
pub async fn worst_in(
    client: &(impl GenericClient + Sync),
    span: (NaiveDate, NaiveDate),
    today: NaiveDate,
    limit: usize,
) -> Result<Vec<MissedRow>, tokio_postgres::Error> {
    let rows = client.fetch(SPAN_SQL, &[&span.0, &span.1]).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let plan = Delivery {
            start_date: r.get(5),
            planned_end_date: r.get(6),
            ended_on: r.get(7),
            sessions_per_week: r.get(8),
            minutes_per_session: None,
            sessions_delivered: 0,
            minutes_delivered: 0,
        };
        let dates: Vec<NaiveDate> = r.get(9);
        let attendance: Vec<Attendance> = r.get(10);
        let logged: Vec<Logged> = dates
            .into_iter()
            .zip(attendance)
            .map(|(on, attendance)| Logged { on, attendance })
            .collect();
        let on: Vec<NaiveDate> = r.get(11);
        let from_status: Vec<Option<InterventionStatus>> = r.get(12);
        let to_status: Vec<InterventionStatus> = r.get(13);
        let history: Vec<StatusChange> = on
            .into_iter()
            .zip(from_status)
            .zip(to_status)
            .map(|((on, from), to)| StatusChange { on, from, to })
            .collect();
        let weeks = missed::weeks(&plan, &history, &logged, span, today);
        out.push(MissedRow {
            of: InterventionRef {
                intervention_id: r.get(0),
                student_id: r.get(1),
                student_name: r.get(2),
                name: r.get(3),
            },
            status: r.get(4),
            sessions_per_week: plan.sessions_per_week.unwrap_or(0),
            tally: missed::tally(&weeks),
        });
    }
    Ok(missed::worst_first(out, limit))
}
