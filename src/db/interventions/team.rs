//! The intervention's team. The owner's row is kept by the database
//! (0005_interventions.sql): it follows interventions.owner_id and cannot be
//! removed or demoted here.

use super::detail::{TEAM_SQL, TeamMember, team_row};
use super::error::{Refusal, WriteError};
use super::kinds::TeamRole;
use tokio_postgres::GenericClient;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Member {
    User(Uuid),
    /// Someone outside the system: a name and their organisation.
    External {
        name: String,
        org: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMember {
    /// Client-generated, so a retried add is a no-op.
    pub id: Uuid,
    pub member: Member,
    pub role: TeamRole,
    pub can_edit: bool,
}

pub async fn load_team(
    client: &impl GenericClient,
    intervention_id: Uuid,
) -> Result<Vec<TeamMember>, tokio_postgres::Error> {
    Ok(client
        .query(TEAM_SQL, &[&intervention_id])
        .await?
        .iter()
        .map(team_row)
        .collect())
}

/// Adds a member. A user already on the team is refused with AlreadyOnTeam
/// (unless it is this very add, retried).
pub async fn add_member(
    client: &impl GenericClient,
    intervention_id: Uuid,
    m: &NewMember,
) -> Result<Vec<TeamMember>, WriteError<()>> {
    let (user_id, name, org) = match &m.member {
        Member::User(u) => (Some(*u), None, None),
        Member::External { name, org } => (None, Some(name.as_str()), Some(org.as_str())),
    };
    let inserted = client
        .execute(
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

pub async fn remove_member(
    client: &impl GenericClient,
    member_id: Uuid,
) -> Result<(), WriteError<()>> {
    match client
        .execute("DELETE FROM intervention_team WHERE id = $1", &[&member_id])
        .await?
    {
        0 => Err(WriteError::NotFound),
        _ => Ok(()),
    }
}

pub async fn change_role(
    client: &impl GenericClient,
    member_id: Uuid,
    role: TeamRole,
    can_edit: bool,
) -> Result<(), WriteError<()>> {
    match client
        .execute(
            "UPDATE intervention_team SET role = $2, can_edit = $3 WHERE id = $1",
            &[&member_id, &role, &can_edit],
        )
        .await?
    {
        0 => Err(WriteError::NotFound),
        _ => Ok(()),
    }
}

/// Refusals the team screen explains before asking the database.
pub fn check_role(role: TeamRole) -> Result<(), Refusal> {
    match role {
        TeamRole::Owner => Err(Refusal::OwnerRoleTaken),
        _ => Ok(()),
    }
}
