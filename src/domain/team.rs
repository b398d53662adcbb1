//! An intervention's team: its members, someone being added, and the users
//! who could join.

use crate::domain::kinds::TeamRole;
use crate::domain::refusal::Refusal;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamMember {
    pub id: Uuid,
    pub user_id: Option<Uuid>,
    /// The user's display name, or the outside person's name.
    pub name: String,
    pub external_org: Option<String>,
    pub role: TeamRole,
    pub can_edit: bool,
}

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

/// A caseload user who could join the team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: Uuid,
    pub name: String,
    /// Their roles' keys, to tell two people of the same name apart.
    pub roles: String,
}

/// How many candidates one search returns; the picker says when there are
/// more and typing narrows them.
pub const CANDIDATE_LIMIT: i64 = 50;

/// Refusals the team screen explains before asking the database.
pub fn check_role(role: TeamRole) -> Result<(), Refusal> {
    match role {
        TeamRole::Owner => Err(Refusal::OwnerRoleTaken),
        _ => Ok(()),
    }
}
