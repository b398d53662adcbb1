//! The tool catalogue and its approval workflow (issue 17). The database
//! trigger `tool_lifecycle` (0028) enforces the same table; this copy lets
//! the tools screen offer only the legal moves and say why before a round
//! trip.

use crate::domain::enums::ToolStatus::{self, *};
use chrono::{DateTime, Utc};
use uuid::Uuid;

pub fn allowed(from: ToolStatus, to: ToolStatus) -> bool {
    matches!(
        (from, to),
        (Draft, Submitted)
            | (Submitted, InReview)
            | (InReview, Approved | Rejected)
            | (Approved, Retired)
            | (Rejected, Draft)
    )
}

/// The moves legal from `from`, in the enum's order.
pub fn next_states(from: ToolStatus) -> Vec<ToolStatus> {
    use crate::domain::enums::PgEnum;
    ToolStatus::ALL
        .iter()
        .copied()
        .filter(|&to| allowed(from, to))
        .collect()
}

/// Rejecting says why: the trigger refuses a rejection without a note.
pub fn note_required(to: ToolStatus) -> bool {
    to == Rejected
}

/// What a move is called on the screen ("approve", "send back to draft").
pub fn verb(to: ToolStatus) -> &'static str {
    match to {
        Draft => "send back to draft",
        Submitted => "submit for review",
        InReview => "start the review",
        Approved => "approve",
        Rejected => "reject",
        Retired => "retire",
    }
}

/// A status in words.
pub fn status_words(s: ToolStatus) -> &'static str {
    match s {
        Draft => "draft",
        Submitted => "submitted",
        InReview => "in review",
        Approved => "approved",
        Rejected => "rejected",
        Retired => "retired",
    }
}

/// `role_tools.scope`'s values (its CHECK, 0001), narrowest first: the
/// role's own records, its school's, all.
pub const GRANT_SCOPES: &[&str] = &["own", "school", "all"];

/// The scope after `scope`, round again after the last.
pub fn next_scope(scope: &str) -> &'static str {
    let at = GRANT_SCOPES.iter().position(|s| *s == scope);
    GRANT_SCOPES[at.map_or(0, |i| (i + 1) % GRANT_SCOPES.len())]
}

/// Why `key` cannot name a new tool (the table's CHECK, said in words).
pub fn key_problem(key: &str) -> Option<&'static str> {
    let ok_chars = key
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.');
    if !(2..=64).contains(&key.len()) {
        Some("2 to 64 characters")
    } else if !key.starts_with(|c: char| c.is_ascii_lowercase()) || !ok_chars {
        Some(
            "lower-case letters, digits, _ and . (starting with a letter), e.g. reports.attendance",
        )
    } else {
        None
    }
}

/// Longest tool name (the table's CHECK, 0033).
pub const NAME_MAX: usize = 80;

/// A tool as the tools screen lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tool {
    pub id: Uuid,
    pub key: String,
    pub name: String,
    pub description: Option<String>,
    pub status: ToolStatus,
    pub requested_by: Option<String>,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub review_note: Option<String>,
    /// Keys of the roles granted the tool (`role_tools`), sorted.
    pub roles: Vec<String>,
    /// Each granted role's scope, in the order of `roles`.
    pub scopes: Vec<String>,
    /// Who moved it when, oldest first.
    pub history: Vec<StatusChange>,
}

impl Tool {
    /// Reaches a menu: approved (and then only for the granted roles).
    pub fn reaches_menus(&self) -> bool {
        self.status == Approved
    }

    /// The scope role `key` is granted the tool with, if it is.
    pub fn scope_of(&self, key: &str) -> Option<&str> {
        let i = self.roles.iter().position(|r| r == key)?;
        Some(self.scopes.get(i).map_or("own", String::as_str))
    }
}

/// One move of a tool, from `tool_status_changes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub at: DateTime<Utc>,
    pub from: Option<ToolStatus>,
    pub to: ToolStatus,
    pub by: Option<String>,
    pub note: Option<String>,
}

/// A role as the grants editor offers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleChoice {
    pub id: Uuid,
    pub key: String,
    pub name: String,
}

/// The tools screen's data: every tool and every role.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ToolCatalogue {
    pub tools: Vec<Tool>,
    pub roles: Vec<RoleChoice>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::enums::PgEnum;

    #[test]
    fn the_workflow_is_the_issues_table_and_nothing_else() {
        let legal: Vec<(ToolStatus, ToolStatus)> = ToolStatus::ALL
            .iter()
            .flat_map(|&f| ToolStatus::ALL.iter().map(move |&t| (f, t)))
            .filter(|&(f, t)| allowed(f, t))
            .collect();
        assert_eq!(
            legal,
            [
                (Draft, Submitted),
                (Submitted, InReview),
                (InReview, Approved),
                (InReview, Rejected),
                (Approved, Retired),
                (Rejected, Draft),
            ]
        );
        assert!(next_states(Retired).is_empty(), "retired is the end");
        assert_eq!(next_states(InReview), [Approved, Rejected]);
    }
}
