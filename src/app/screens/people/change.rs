//! The changes the People screen asks for, carried out by `admin::users`,
//! the code behind `caseload user …` too.

use crate::config::Password;
use chrono::NaiveDate;

/// One change to a person, as `caseload user …` makes it. The password is
/// a [`Password`], whose Debug prints stars: an Effect holding one can be
/// logged.
#[derive(Debug, Clone, PartialEq)]
pub enum PersonChange {
    Add {
        username: String,
        display_name: String,
        email: String,
        home_school: Option<String>,
        /// The first grant, if any.
        grant: Option<(String, Option<String>, Option<NaiveDate>)>,
    },
    /// A `users` row without a login role gets one.
    Login {
        username: String,
    },
    Grant {
        username: String,
        role: String,
        school: Option<String>,
        expires: Option<NaiveDate>,
    },
    Revoke {
        username: String,
        role: String,
        school: Option<String>,
    },
    SetActive {
        username: String,
        active: bool,
    },
    SetPassword {
        username: String,
        password: Password,
    },
}

impl PersonChange {
    /// Whose row it changes (or adds).
    pub fn username(&self) -> &str {
        match self {
            PersonChange::Add { username, .. }
            | PersonChange::Login { username }
            | PersonChange::Grant { username, .. }
            | PersonChange::Revoke { username, .. }
            | PersonChange::SetActive { username, .. }
            | PersonChange::SetPassword { username, .. } => username,
        }
    }

    /// What the status line says once it is done.
    pub fn done(&self) -> String {
        match self {
            PersonChange::Add { username, .. } => format!("added {username}"),
            PersonChange::Login { username } => format!("{username} can now sign in"),
            PersonChange::Grant { username, role, .. } => format!("granted {role} to {username}"),
            PersonChange::Revoke { username, role, .. } => {
                format!("revoked {role} from {username}")
            }
            PersonChange::SetActive { username, active } => format!(
                "{username} {}",
                if *active {
                    "is active again"
                } else {
                    "is deactivated"
                }
            ),
            PersonChange::SetPassword { username, .. } => {
                format!("set a new password for {username}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_change_prints_no_password() {
        let c = PersonChange::SetPassword {
            username: "dana".into(),
            password: Password::new("hunter2hunter2"),
        };
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}
