//! One intervention as the detail screen shows it, loaded with pipelined
//! queries on one connection: the header, goals with their data points,
//! sessions, team, attachments, communications, delivery counts and the
//! settings the rules need.

use super::delivery::{DELIVERY_SQL, delivery_row};
use super::goals::{GOAL_COLUMNS, MEASUREMENT_COLUMNS, goal_row, measurement_row};
use super::settings::{RULE_SETTINGS_SQL, rule_settings};
use crate::db::unnamed::{Param, Unnamed};
use crate::domain::goals::{Goal, GoalWithPoints};
use crate::domain::intervention::{
    Attachment, ChainLink, Communication, InterventionDetail, InterventionHeader, SessionRow,
};
use crate::domain::markers::{StatusChange, markers};
use crate::domain::team::TeamMember;
use chrono::NaiveDate;
use tokio_postgres::{GenericClient, Row};
use uuid::Uuid;

/// A student `s`'s name as people use it: preferred (else first) and last.
macro_rules! student_name {
    () => {
        "(COALESCE(NULLIF(btrim(s.preferred_name), ''), s.first_name) || ' ' || s.last_name)"
    };
}
pub(crate) use student_name;

const HEADER_SQL: &str = concat!(
    "SELECT i.id, i.student_id, ",
    student_name!(),
    ", s.local_id, i.school_id, sc.name, i.program_id, i.custom_name, \
       COALESCE(p.name, i.custom_name, ''), i.intervention_type, i.tier, i.status, i.concern, \
       i.owner_id, o.display_name, i.referred_by, i.referred_at, i.start_date, \
       i.planned_end_date, i.ended_at, i.sessions_per_week, i.minutes_per_session, i.outcome, \
       i.outcome_notes, i.parent_consent_at, i.previous_intervention_id, i.is_restricted, \
       i.version \
     FROM interventions i \
     JOIN students s ON s.id = i.student_id \
     JOIN schools sc ON sc.id = i.school_id \
     LEFT JOIN intervention_programs p ON p.id = i.program_id \
     LEFT JOIN users o ON o.id = i.owner_id \
     WHERE i.id = $1"
);

fn header_row(r: &Row) -> InterventionHeader {
    InterventionHeader {
        id: r.get(0),
        student_id: r.get(1),
        student_name: r.get(2),
        student_local_id: r.get(3),
        school_id: r.get(4),
        school_name: r.get(5),
        program_id: r.get(6),
        custom_name: r.get(7),
        name: r.get(8),
        intervention_type: r.get(9),
        tier: r.get(10),
        status: r.get(11),
        concern: r.get(12),
        owner_id: r.get(13),
        owner_name: r.get(14),
        referred_by: r.get(15),
        referred_at: r.get(16),
        start_date: r.get(17),
        planned_end_date: r.get(18),
        ended_at: r.get(19),
        sessions_per_week: r.get(20),
        minutes_per_session: r.get(21),
        outcome: r.get(22),
        outcome_notes: r.get(23),
        parent_consent_at: r.get(24),
        previous_intervention_id: r.get(25),
        is_restricted: r.get(26),
        version: r.get(27),
    }
}

pub async fn load_header(
    client: &(impl GenericClient + Sync),
    id: Uuid,
) -> Result<Option<InterventionHeader>, tokio_postgres::Error> {
    Ok(client
        .fetch_opt(HEADER_SQL, &[&id])
        .await?
        .as_ref()
        .map(header_row))
}

/// The detail screen shows the most recent sessions; older ones are paged
/// by the sessions screen.
pub const SESSION_LIMIT: i64 = 200;

const SESSIONS_SQL: &str = "SELECT se.id, se.session_date, se.start_time, se.minutes, \
       se.attendance, se.fidelity, se.note, se.field_values, se.delivered_by, u.display_name, \
       se.is_restricted, se.version, count(*) OVER () \
     FROM intervention_sessions se LEFT JOIN users u ON u.id = se.delivered_by \
     WHERE se.intervention_id = $1 \
     ORDER BY se.session_date DESC, se.start_time DESC NULLS LAST, se.id \
     LIMIT $2";

fn session_row(r: &Row) -> SessionRow {
    SessionRow {
        id: r.get(0),
        session_date: r.get(1),
        start_time: r.get(2),
        minutes: r.get(3),
        attendance: r.get(4),
        fidelity: r.get(5),
        note: r.get(6),
        field_values: r.get(7),
        delivered_by: r.get(8),
        delivered_by_name: r.get(9),
        is_restricted: r.get(10),
        version: r.get(11),
    }
}

pub(crate) const TEAM_SQL: &str = "SELECT t.id, t.user_id, \
       COALESCE(u.display_name, t.external_name, ''), t.external_org, t.role, t.can_edit \
     FROM intervention_team t LEFT JOIN users u ON u.id = t.user_id \
     WHERE t.intervention_id = $1 \
     ORDER BY t.role <> 'owner', COALESCE(u.display_name, t.external_name) COLLATE caseload_names, \
       t.id";

pub(crate) fn team_row(r: &Row) -> TeamMember {
    TeamMember {
        id: r.get(0),
        user_id: r.get(1),
        name: r.get(2),
        external_org: r.get(3),
        role: r.get(4),
        can_edit: r.get(5),
    }
}

const ATTACHMENTS_SQL: &str = "SELECT a.document_id, a.session_id, d.filename, d.content_type, \
       d.byte_size, a.caption, a.created_at \
     FROM intervention_attachments a JOIN documents d ON d.id = a.document_id \
     WHERE a.intervention_id = $1 AND d.deleted_at IS NULL \
     ORDER BY a.created_at DESC, a.document_id";

const COMMUNICATIONS_SQL: &str = "SELECT c.id, c.occurred_at, c.direction, c.channel, \
       c.purpose, c.summary, c.result, st.display_name, g.first_name || ' ' || g.last_name, \
       c.follow_up_due, fo.display_name, c.follow_up_done_at \
     FROM communication_log c \
     LEFT JOIN users st ON st.id = c.staff_id \
     LEFT JOIN student_guardians g ON g.id = c.guardian_id \
     LEFT JOIN users fo ON fo.id = c.follow_up_owner \
     WHERE c.intervention_id = $1 \
     ORDER BY c.occurred_at DESC, c.id";

fn communication_row(r: &Row) -> Communication {
    Communication {
        id: r.get(0),
        occurred_at: r.get(1),
        direction: r.get(2),
        channel: r.get(3),
        purpose: r.get(4),
        summary: r.get(5),
        result: r.get(6),
        staff_name: r.get(7),
        guardian_name: r.get(8),
        follow_up_due: r.get(9),
        follow_up_owner_name: r.get(10),
        follow_up_done_at: r.get(11),
    }
}

const CHAIN_SQL: &str = "SELECT x.id, COALESCE(p.name, x.custom_name, ''), x.tier, x.status, \
       x.start_date, x.ended_at::date, x.id IS NOT DISTINCT FROM me.previous_intervention_id \
     FROM interventions me \
     JOIN interventions x ON x.id = me.previous_intervention_id \
                          OR x.previous_intervention_id = me.id \
     LEFT JOIN intervention_programs p ON p.id = x.program_id \
     WHERE me.id = $1 \
     ORDER BY x.referred_at, x.id";

fn chain_row(r: &Row) -> ChainLink {
    ChainLink {
        id: r.get(0),
        name: r.get(1),
        tier: r.get(2),
        status: r.get(3),
        start_date: r.get(4),
        ended_on: r.get(5),
        is_previous: r.get(6),
    }
}

const STATUS_CHANGES_SQL: &str = "SELECT changed_at::date, from_status, to_status \
     FROM intervention_status_changes WHERE intervention_id = $1 ORDER BY changed_at, id";

/// Everything the detail screen shows, or None if the intervention does not
/// exist or is not visible. The queries are sent together and answered in
/// one pipeline, so the cost is about one round trip. They run outside a
/// transaction: a write landing in between can make a tab a moment newer
/// than the header, which the next reload settles.
pub async fn load_detail(
    client: &(impl GenericClient + Sync),
    id: Uuid,
    today: NaiveDate,
) -> Result<Option<InterventionDetail>, tokio_postgres::Error> {
    let ids = [id];
    let goals_sql = format!(
        "SELECT {GOAL_COLUMNS} FROM intervention_goals g WHERE g.intervention_id = $1 \
         ORDER BY g.sort_order, g.created_at, g.id"
    );
    let points_sql = format!(
        "SELECT {MEASUREMENT_COLUMNS} FROM progress_measurements m \
         JOIN intervention_goals g ON g.id = m.goal_id \
         WHERE g.intervention_id = $1 ORDER BY m.goal_id, m.measured_on, m.created_at, m.id"
    );
    let ids = &ids[..];
    let by_id: [&dyn Param; 1] = [&id];
    let sessions_params: [&dyn Param; 2] = [&id, &SESSION_LIMIT];
    let delivery_params: [&dyn Param; 2] = [&ids, &today];
    let (
        header,
        goals,
        points,
        sessions,
        team,
        attachments,
        comms,
        chain,
        delivery,
        settings,
        history,
    ) = futures::try_join!(
        client.fetch_opt(HEADER_SQL, &by_id),
        client.fetch(&goals_sql, &by_id),
        client.fetch(&points_sql, &by_id),
        client.fetch(SESSIONS_SQL, &sessions_params),
        client.fetch(TEAM_SQL, &by_id),
        client.fetch(ATTACHMENTS_SQL, &by_id),
        client.fetch(COMMUNICATIONS_SQL, &by_id),
        client.fetch(CHAIN_SQL, &by_id),
        client.fetch(DELIVERY_SQL, &delivery_params),
        client.fetch(RULE_SETTINGS_SQL, &[]),
        client.fetch(STATUS_CHANGES_SQL, &by_id),
    )?;
    let history: Vec<StatusChange> = history
        .iter()
        .map(|r| StatusChange {
            on: r.get(0),
            from: r.get(1),
            to: r.get(2),
        })
        .collect();
    let Some(header) = header.as_ref().map(header_row) else {
        return Ok(None);
    };
    let chain: Vec<ChainLink> = chain.iter().map(chain_row).collect();
    let Some(delivery) = delivery.first().map(delivery_row) else {
        return Ok(None);
    };
    Ok(Some(InterventionDetail {
        markers: markers(&header, &chain, &history),
        history,
        goals: GoalWithPoints::group(
            goals.iter().map(goal_row).collect::<Vec<Goal>>(),
            points.iter().map(measurement_row).collect(),
        ),
        sessions_total: sessions.first().map_or(0, |r| r.get(12)),
        sessions: sessions.iter().map(session_row).collect(),
        team: team.iter().map(team_row).collect(),
        attachments: attachments
            .iter()
            .map(|r| Attachment {
                document_id: r.get(0),
                session_id: r.get(1),
                filename: r.get(2),
                content_type: r.get(3),
                byte_size: r.get(4),
                caption: r.get(5),
                attached_at: r.get(6),
            })
            .collect(),
        communications: comms.iter().map(communication_row).collect(),
        chain,
        delivery,
        settings: rule_settings(&settings),
        header,
    }))
}
