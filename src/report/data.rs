//! What the reports read, through the author's own connection (row-level
//! security decides every row): interventions with their students, goals
//! and data points, status changes, open follow-ups.

use crate::db::interventions::goals::{
    GOAL_COLUMNS, MEASUREMENT_COLUMNS, goal_row, measurement_row,
};
use crate::db::unnamed::{Param, Unnamed};
use crate::domain::enums::InterventionStatus;
use crate::domain::fidelity::Delivery;
use crate::domain::goals::GoalWithPoints;
use chrono::NaiveDate;
use tokio_postgres::GenericClient;
use uuid::Uuid;

/// One intervention as the reports use it.
#[derive(Debug, Clone)]
pub struct Iv {
    pub id: Uuid,
    pub student_id: Uuid,
    pub local_id: String,
    /// "Last, First".
    pub student: String,
    /// The name the student goes by, then the last name ("Sam Lee").
    pub student_plain: String,
    pub grade: String,
    pub school: String,
    pub school_id: Uuid,
    pub name: String,
    pub kind: String,
    pub tier: i16,
    pub status: InterventionStatus,
    pub owner: Option<String>,
    pub counselor: Option<String>,
    pub counselor_id: Option<Uuid>,
    pub is_restricted: bool,
    pub off_track: bool,
    pub delivery: Delivery,
    pub goals: Vec<GoalWithPoints>,
}

/// Which rows a report may include.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// Everything the author sees.
    All,
    /// Nothing restricted, even when the author may see it: no restricted
    /// intervention (nor its goals), no point taken in a restricted session.
    Public,
}

/// Interventions matching `cond` (over `i`, `s`), students in the
/// district's name order; with goals and points when `goals`.
pub async fn interventions(
    client: &(impl GenericClient + Sync),
    cond: &str,
    params: &[&dyn Param],
    content: Content,
    goals: bool,
) -> Result<Vec<Iv>, tokio_postgres::Error> {
    let public = match content {
        Content::All => "",
        Content::Public => "AND NOT i.is_restricted",
    };
    // intervention_list_restricted counts restricted sessions too (for
    // those who may see them): a public report must not, or its totals
    // would tell the family a restricted session took place.
    let delivered = match content {
        Content::All => {
            "COALESCE(lr.sessions_delivered, l.sessions_delivered, 0)::int8, \
                         COALESCE(lr.minutes_delivered, l.minutes_delivered, 0)::int8"
        }
        Content::Public => {
            "COALESCE(l.sessions_delivered, 0)::int8, \
                            COALESCE(l.minutes_delivered, 0)::int8"
        }
    };
    let sql = format!(
        "SELECT i.id, i.student_id, s.local_id, s.last_name || ', ' || s.first_name, \
                COALESCE(NULLIF(btrim(s.preferred_name), ''), s.first_name) || ' ' || s.last_name, \
                s.grade_level::text, COALESCE(sc.short_name, sc.name), s.school_id, \
                COALESCE(p.name, i.custom_name, ''), i.intervention_type::text, i.tier, i.status, \
                o.display_name, c.display_name, s.counselor_id, i.is_restricted, \
                COALESCE(l.off_track, false), i.start_date, i.planned_end_date, i.ended_at::date, \
                i.sessions_per_week, i.minutes_per_session, {delivered} \
         FROM interventions i JOIN students s ON s.id = i.student_id \
         JOIN schools sc ON sc.id = s.school_id \
         LEFT JOIN intervention_programs p ON p.id = i.program_id \
         LEFT JOIN users o ON o.id = i.owner_id \
         LEFT JOIN users c ON c.id = s.counselor_id \
         LEFT JOIN intervention_list l ON l.intervention_id = i.id \
         LEFT JOIN intervention_list_restricted lr ON lr.intervention_id = i.id \
         WHERE ({cond}) {public} \
         ORDER BY s.last_name COLLATE caseload_names, s.first_name COLLATE caseload_names, \
                  s.id, i.start_date, i.id"
    );
    let rows = client.fetch(&sql, params).await?;
    let mut out: Vec<Iv> = rows
        .iter()
        .map(|r| Iv {
            id: r.get(0),
            student_id: r.get(1),
            local_id: r.get(2),
            student: r.get(3),
            student_plain: r.get(4),
            grade: r.get(5),
            school: r.get(6),
            school_id: r.get(7),
            name: r.get(8),
            kind: r.get(9),
            tier: r.get(10),
            status: r.get(11),
            owner: r.get(12),
            counselor: r.get(13),
            counselor_id: r.get(14),
            is_restricted: r.get(15),
            off_track: r.get(16),
            delivery: Delivery {
                start_date: r.get(17),
                planned_end_date: r.get(18),
                ended_on: r.get(19),
                sessions_per_week: r.get(20),
                minutes_per_session: r.get(21),
                sessions_delivered: r.get(22),
                minutes_delivered: r.get(23),
            },
            goals: Vec::new(),
        })
        .collect();
    if goals && !out.is_empty() {
        attach_goals(client, &mut out, content).await?;
    }
    Ok(out)
}

async fn attach_goals(
    client: &(impl GenericClient + Sync),
    ivs: &mut [Iv],
    content: Content,
) -> Result<(), tokio_postgres::Error> {
    let ids: Vec<Uuid> = ivs.iter().map(|i| i.id).collect();
    let goals = client
        .fetch(
            &format!(
                "SELECT {GOAL_COLUMNS} FROM intervention_goals g \
                 WHERE g.intervention_id = ANY ($1) ORDER BY g.sort_order, g.id"
            ),
            &[&ids],
        )
        .await?;
    let public = match content {
        Content::All => "",
        // A point taken in a session counts only when that session is
        // seen and neither it nor its plan is restricted: one hidden from
        // the author by row-level security is left out too.
        Content::Public => {
            "AND (m.session_id IS NULL OR EXISTS (SELECT 1 FROM intervention_sessions x \
               JOIN interventions xi ON xi.id = x.intervention_id \
               WHERE x.id = m.session_id AND NOT x.is_restricted AND NOT xi.is_restricted))"
        }
    };
    let points = client
        .fetch(
            &format!(
                "SELECT {MEASUREMENT_COLUMNS} FROM progress_measurements m \
                 JOIN intervention_goals g ON g.id = m.goal_id \
                 WHERE g.intervention_id = ANY ($1) {public}"
            ),
            &[&ids],
        )
        .await?;
    let grouped = GoalWithPoints::group(
        goals.iter().map(goal_row).collect(),
        points.iter().map(measurement_row).collect(),
    );
    for g in grouped {
        if let Some(iv) = ivs.iter_mut().find(|i| i.id == g.goal.intervention_id) {
            iv.goals.push(g);
        }
    }
    for iv in ivs.iter_mut() {
        iv.goals.sort_by_key(|g| g.goal.fields.sort_order);
    }
    Ok(())
}

/// A status change: when, from, to, by whom.
#[derive(Debug, Clone)]
pub struct Change {
    pub intervention_id: Uuid,
    pub on: NaiveDate,
    pub from: Option<InterventionStatus>,
    pub to: InterventionStatus,
    pub by: Option<String>,
}

/// Status changes of `ids` from `from` to `to` (both included), oldest
/// first.
pub async fn changes(
    client: &(impl GenericClient + Sync),
    ids: &[Uuid],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Change>, tokio_postgres::Error> {
    let rows = client
        .fetch(
            "SELECT c.intervention_id, c.changed_at::date, c.from_status, c.to_status, \
                    u.display_name \
             FROM intervention_status_changes c LEFT JOIN users u ON u.id = c.changed_by \
             WHERE c.intervention_id = ANY ($1) AND c.changed_at::date BETWEEN $2 AND $3 \
             ORDER BY c.changed_at, c.id",
            &[&ids, &from, &to],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| Change {
            intervention_id: r.get(0),
            on: r.get(1),
            from: r.get(2),
            to: r.get(3),
            by: r.get(4),
        })
        .collect())
}

/// An open follow-up on a contact with a family.
#[derive(Debug, Clone)]
pub struct FollowUp {
    pub due: NaiveDate,
    pub student_id: Uuid,
    pub student: String,
    pub school_id: Uuid,
    pub school: String,
    pub counselor_id: Option<Uuid>,
    pub counselor: Option<String>,
    pub purpose: String,
    pub owner: Option<String>,
}

/// Open follow-ups due on or before `by`, matching `cond` (over `s`),
/// earliest first.
pub async fn follow_ups(
    client: &(impl GenericClient + Sync),
    cond: &str,
    params: &[&dyn Param],
    by_param: &str,
) -> Result<Vec<FollowUp>, tokio_postgres::Error> {
    let sql = format!(
        "SELECT c.follow_up_due, s.id, s.last_name || ', ' || s.first_name, s.school_id, \
                COALESCE(sc.short_name, sc.name), s.counselor_id, u.display_name, \
                COALESCE(c.purpose, ''), o.display_name \
         FROM communication_log c JOIN students s ON s.id = c.student_id \
         JOIN schools sc ON sc.id = s.school_id \
         LEFT JOIN users u ON u.id = s.counselor_id \
         LEFT JOIN users o ON o.id = c.follow_up_owner \
         WHERE ({cond}) AND c.follow_up_due IS NOT NULL AND c.follow_up_done_at IS NULL \
           AND c.follow_up_due <= {by_param} \
         ORDER BY c.follow_up_due, s.last_name COLLATE caseload_names, c.id"
    );
    let rows = client.fetch(&sql, params).await?;
    Ok(rows
        .iter()
        .map(|r| FollowUp {
            due: r.get(0),
            student_id: r.get(1),
            student: r.get(2),
            school_id: r.get(3),
            school: r.get(4),
            counselor_id: r.get(5),
            counselor: r.get(6),
            purpose: r.get(7),
            owner: r.get(8),
        })
        .collect())
}
