//! The intervention's team. The owner's row is kept by the database
//! (0005_interventions.sql): it follows interventions.owner_id and cannot be
//! removed or demoted here.

use super::detail::{TEAM_SQL, team_row};
use super::error::WriteError;
use crate::db::unnamed::Unnamed;
use crate::domain::kinds::TeamRole;
use crate::domain::team::{CANDIDATE_LIMIT, Candidate, Member, NewMember, TeamMember};
use tokio_postgres::GenericClient;
use uuid::Uuid;

pub async fn load_team(
    client: &(impl GenericClient + Sync),
    intervention_id: Uuid,
) -> Result<Vec<TeamMember>, tokio_postgres::Error> {
    Ok(client
        .fetch(TEAM_SQL, &[&intervention_id])
        .await?
        .iter()
        .map(team_row)
        .collect())
}

/// Adds a member. A user already on the team is refused with AlreadyOnTeam
/// (unless it is this very add, retried).
pub async fn add_member(
    client: &(impl GenericClient + Sync),
    intervention_id: Uuid,
    m: &NewMember,
) -> Result<Vec<TeamMember>, WriteError<()>> {
    let (user_id, name, org) = match &m.member {
        Member::User(u) => (Some(*u), None, None),
        Member::External { name, org } => (None, Some(name.as_str()), Some(org.as_str())),
    };
    let inserted = client
        .exec(
            "INSERT INTO intervention_team (id, intervention_id, user_id, external_name, \
               external_org, role, can_edit, added_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, caseload_current_user_id()) \
             ON CONFLICT (id) DO NOTHING",
            &[
                &m.id,
                &intervention_id,
                &user_id,
                &name,
                &org,
                &m.role,
                &m.can_edit,
            ],
        )
        .await?;
    let team = load_team(client, intervention_id).await?;
    if inserted == 0 && !team.iter().any(|t| t.id == m.id) {
        return Err(WriteError::NotFound);
    }
    Ok(team)
}

/// Removes one member of this intervention's team (a row of another
/// intervention's team is NotFound here, whatever its id).
pub async fn remove_member(
    client: &(impl GenericClient + Sync),
    intervention_id: Uuid,
    member_id: Uuid,
) -> Result<(), WriteError<()>> {
    match client
        .exec(
            "DELETE FROM intervention_team WHERE id = $1 AND intervention_id = $2",
            &[&member_id, &intervention_id],
        )
        .await?
    {
        0 => Err(WriteError::NotFound),
        _ => Ok(()),
    }
}

pub async fn change_role(
    client: &(impl GenericClient + Sync),
    member_id: Uuid,
    role: TeamRole,
    can_edit: bool,
) -> Result<(), WriteError<()>> {
    match client
        .exec(
            "UPDATE intervention_team SET role = $2, can_edit = $3 WHERE id = $1",
            &[&member_id, &role, &can_edit],
        )
        .await?
    {
        0 => Err(WriteError::NotFound),
        _ => Ok(()),
    }
}

/// Active users not yet on the team whose display name contains every word
/// of `search` (folded like the roster's search: no accents, no case),
/// by name. Users are reference data every role may read.
pub async fn candidates(
    client: &(impl GenericClient + Sync),
    intervention_id: Uuid,
    search: &str,
) -> Result<Vec<Candidate>, tokio_postgres::Error> {
    let words: Vec<String> = search
        .split_whitespace()
        .take(8)
        .map(|w| w.chars().take(50).collect())
        .collect();
    Ok(client
        .fetch(
            "SELECT u.id, u.display_name, \
               COALESCE((SELECT string_agg(DISTINCT r.key, ', ' ORDER BY r.key) \
                 FROM user_roles ur JOIN roles r ON r.id = ur.role_id \
                 WHERE ur.user_id = u.id), '') \
             FROM users u \
             WHERE u.is_active \
               AND caseload_fold(u.display_name) LIKE ALL \
                 (SELECT caseload_like_contains(w) FROM unnest($2::text[]) w) \
               AND NOT EXISTS (SELECT 1 FROM intervention_team t \
                               WHERE t.intervention_id = $1 AND t.user_id = u.id) \
             ORDER BY u.display_name COLLATE caseload_names, u.id LIMIT $3",
            &[&intervention_id, &words, &CANDIDATE_LIMIT],
        )
        .await?
        .iter()
        .map(|r| Candidate {
            id: r.get(0),
            name: r.get(1),
            roles: r.get(2),
        })
        .collect())
}
