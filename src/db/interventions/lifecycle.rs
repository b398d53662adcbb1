//! Moving an intervention through its lifecycle. The domain table is checked
//! first so the refusal is immediate and precise; the database trigger
//! checks again for everyone who does not come through here.

use super::detail::load_header;
use super::error::WriteError;
use crate::db::unnamed::Unnamed;
use crate::domain::intervention::InterventionHeader;
use crate::domain::lifecycle::{Transition, check, is_final};
use chrono::NaiveDate;
use tokio_postgres::GenericClient;
use uuid::Uuid;

/// Moves the intervention to `t.to` if it is still at `expected_version`.
/// Activating one without a start date starts it `today` (and, from a
/// program, plans its end the program's default weeks later). Returns the
/// new version.
pub async fn transition(
    client: &(impl GenericClient + Sync),
    id: Uuid,
    expected_version: i32,
    t: &Transition,
    today: NaiveDate,
) -> Result<i32, WriteError<InterventionHeader>> {
    let current = load_header(client, id).await?.ok_or(WriteError::NotFound)?;
    if current.version != expected_version {
        return Err(WriteError::stale(Some(current)));
    }
    check(current.status, t)?;
    let closing = is_final(t.to);
    let (outcome, notes) = if closing {
        (t.outcome, t.notes.as_deref())
    } else {
        (None, None)
    };
    let row = client
        .fetch_opt(
            "UPDATE interventions i SET status = $3::intervention_status, \
               start_date = CASE WHEN $3 = 'active' THEN COALESCE(i.start_date, $4::date) \
                                 ELSE i.start_date END, \
               planned_end_date = CASE WHEN $3 = 'active' AND i.start_date IS NULL \
                 THEN COALESCE(i.planned_end_date, $4 + (SELECT p.default_weeks * 7 \
                   FROM intervention_programs p WHERE p.id = i.program_id)) \
                 ELSE i.planned_end_date END, \
               outcome = CASE WHEN $5::boolean THEN COALESCE($6::text, i.outcome) \
                              ELSE i.outcome END, \
               outcome_notes = CASE WHEN $5 THEN COALESCE($7::text, i.outcome_notes) \
                                    ELSE i.outcome_notes END, \
               updated_by = caseload_current_user_id() \
             WHERE i.id = $1 AND i.version = $2 RETURNING i.version",
            &[
                &id,
                &expected_version,
                &t.to,
                &today,
                &closing,
                &outcome,
                &notes,
            ],
        )
        .await?;
    match row {
        Some(r) => Ok(r.get(0)),
        None => Err(WriteError::stale(load_header(client, id).await?)),
    }
}
