//! What the create and edit forms need besides the intervention itself: the
//! programs a student's plan can start from, whether the signed-in person
//! may restrict a plan, and an owner named by username.

use crate::db::unnamed::Unnamed;
use crate::domain::plan::{ContextFor, FormContext, Program};
use tokio_postgres::GenericClient;
use uuid::Uuid;

/// Active programs open to a student's school or an intervention's
/// program measure, and the restrict right.
pub async fn form_context(
    client: &(impl GenericClient + Sync),
    about: ContextFor,
) -> Result<FormContext, tokio_postgres::Error> {
    let programs = match about {
        ContextFor::Intervention(_) => Vec::new(),
        ContextFor::Student(sid) => client
            .fetch(
                "SELECT p.id, p.name, p.intervention_type, p.default_tier, \
                   p.default_sessions_per_week, p.default_minutes, p.default_weeks, \
                   p.monitoring_frequency, p.progress_measure \
                 FROM intervention_programs p \
                 WHERE p.is_active AND (p.school_id IS NULL \
                   OR p.school_id = (SELECT s.school_id FROM students s WHERE s.id = $1)) \
                 ORDER BY p.name COLLATE caseload_names, p.id",
                &[&sid],
            )
            .await?
            .iter()
            .map(|r| Program {
                id: r.get(0),
                name: r.get(1),
                intervention_type: r.get(2),
                default_tier: r.get(3),
                default_sessions_per_week: r.get(4),
                default_minutes: r.get(5),
                default_weeks: r.get(6),
                monitoring_frequency: r.get(7),
                progress_measure: r.get(8),
            })
            .collect(),
    };
    let measure = match about {
        ContextFor::Student(_) => None,
        ContextFor::Intervention(id) => client
            .fetch_opt(
                "SELECT p.progress_measure FROM interventions i \
                 JOIN intervention_programs p ON p.id = i.program_id WHERE i.id = $1",
                &[&id],
            )
            .await?
            .and_then(|r| r.get(0)),
    };
    let can_restrict = client
        .fetch_one("SELECT caseload_can_view_restricted()", &[])
        .await?
        .get(0);
    Ok(FormContext {
        programs,
        can_restrict,
        measure,
    })
}

/// The active user whose login is `username` (case-insensitive).
pub async fn user_by_username(
    client: &(impl GenericClient + Sync),
    username: &str,
) -> Result<Option<Uuid>, tokio_postgres::Error> {
    Ok(client
        .fetch_opt(
            "SELECT id FROM users WHERE lower(username) = lower($1) AND is_active",
            &[&username],
        )
        .await?
        .map(|r| r.get(0)))
}
