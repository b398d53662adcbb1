//! Who is connected: the person behind the login and what the status line
//! says about the session.

use uuid::Uuid;

/// The person behind the connection, when the login role has a `users` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseloadUser {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    /// Keys of the roles granted by non-expired `user_roles` rows, sorted.
    pub role_keys: Vec<String>,
}

/// What the status line needs to say about the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Whoami {
    /// `session_user`: the login role, which may have no `users` row.
    pub login_role: String,
    pub server_version: String,
    pub user: Option<CaseloadUser>,
}
