//! The add-a-person and grant-a-role forms, and what their values make.
//! Usernames and emails are checked by the same rules as `caseload user
//! add` (`admin::users`); the database checks them again.

use crate::admin::users::{validate_email, validate_username};
use crate::app::choices::Choice;
use crate::app::form::{self, Errors, FieldSpec, Form};
use crate::app::screens::people::PersonChange;
use crate::domain::people::{SchoolRef, find_school};
use chrono::NaiveDate;

/// The roles a form offers (`domain::people::ROLE_KEYS`), and none.
pub const ROLES: &[Choice] = &[
    Choice {
        value: "none",
        words: "no role yet",
    },
    GRANTABLE[0],
    GRANTABLE[1],
    GRANTABLE[2],
    GRANTABLE[3],
    GRANTABLE[4],
    GRANTABLE[5],
];

/// The roles a grant can name.
pub const GRANTABLE: [Choice; 6] = [
    Choice {
        value: "admin",
        words: "admin",
    },
    Choice {
        value: "coordinator",
        words: "coordinator",
    },
    Choice {
        value: "counselor",
        words: "counselor",
    },
    Choice {
        value: "interventionist",
        words: "interventionist",
    },
    Choice {
        value: "teacher",
        words: "teacher",
    },
    Choice {
        value: "viewer",
        words: "viewer",
    },
];

const ADD: &[FieldSpec] = &[
    form::text(
        "Username",
        "their sign-in name: lowercase letters, digits, _ (e.g. d_okafor)",
    ),
    form::text("Name", "as colleagues see it"),
    form::text("Email", "name@school.org"),
    form::text("Home school", "a school's name or local id, or empty"),
    form::pick_with("Role", ROLES, "←/→ choose; more roles later with +"),
    form::text(
        "Role school",
        "a school's name or local id; empty: all schools",
    ),
    form::text("Role expires", "YYYY-MM-DD (it ends that day), or empty"),
];

const GRANT: &[FieldSpec] = &[
    form::pick_with("Role", &GRANTABLE, "←/→ choose"),
    form::text("School", "a school's name or local id; empty: all schools"),
    form::text("Expires", "YYYY-MM-DD (it ends that day), or empty"),
];

pub fn add_form() -> Form {
    Form::new(
        ADD,
        vec![
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            "none".into(),
            String::new(),
            String::new(),
        ],
    )
}

pub fn grant_form() -> Form {
    Form::new(
        GRANT,
        vec!["counselor".into(), String::new(), String::new()],
    )
}

/// The local id of the school typed (a name or local id): empty is none.
fn school(s: &str, schools: &[SchoolRef]) -> Result<Option<String>, String> {
    find_school(s, schools).map(|f| f.map(|s| s.local_id.clone()))
}

fn role(s: &str) -> Result<Option<String>, String> {
    form::choice(
        s,
        "role",
        &ROLES.iter().map(|c| c.value).collect::<Vec<_>>(),
    )
    .map(|r| (r != "none").then(|| r.to_string()))
}

fn expires(s: &str) -> Result<Option<NaiveDate>, String> {
    form::date(s)
}

pub fn parse_add(f: &Form, schools: &[SchoolRef]) -> Result<PersonChange, Vec<(usize, String)>> {
    let v = |i: usize| f.values.get(i).map_or("", String::as_str);
    let mut e = Errors(Vec::new());
    let username = e.take(
        0,
        validate_username(v(0).trim()).map(|()| v(0).trim().to_string()),
    );
    let name = e.take(1, form::required(v(1), "the name", 200));
    let email = e.take(
        2,
        validate_email(v(2).trim()).map(|()| v(2).trim().to_string()),
    );
    let home = e.take(3, school(v(3), schools));
    let role = e.take(4, role(v(4)));
    let role_school = e.take(5, school(v(5), schools));
    let until = e.take(6, expires(v(6)));
    if matches!(role, Some(None)) && (!v(5).trim().is_empty() || !v(6).trim().is_empty()) {
        e.0.push((4, "choose a role for the school and expiry below".into()));
    }
    match (username, name, email, home, role, role_school, until) {
        (
            Some(username),
            Some(display_name),
            Some(email),
            Some(home_school),
            Some(r),
            Some(s),
            Some(x),
        ) if e.0.is_empty() => Ok(PersonChange::Add {
            username,
            display_name,
            email,
            home_school,
            grant: r.map(|r| (r, s, x)),
        }),
        _ => Err(e.0),
    }
}

pub fn parse_grant(
    f: &Form,
    username: &str,
    schools: &[SchoolRef],
) -> Result<PersonChange, Vec<(usize, String)>> {
    let v = |i: usize| f.values.get(i).map_or("", String::as_str);
    let mut e = Errors(Vec::new());
    let role = e.take(
        0,
        role(v(0)).and_then(|r| r.ok_or_else(|| "choose a role".to_string())),
    );
    let school = e.take(1, school(v(1), schools));
    let until = e.take(2, expires(v(2)));
    match (role, school, until) {
        (Some(role), Some(school), Some(expires)) if e.0.is_empty() => Ok(PersonChange::Grant {
            username: username.to_string(),
            role,
            school,
            expires,
        }),
        _ => Err(e.0),
    }
}
