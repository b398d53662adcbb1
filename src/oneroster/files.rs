//! The four files caseload reads, field by field: what each must hold, what
//! is refused in words, and the staging row (COPY text) each good record
//! becomes. Everything that needs the database (does that org exist, is
//! that local id someone else's) is decided later, in SQL (`stage.rs`).

use super::csvfile::{self, Record};
use super::report::FileReport;
use crate::admin::users::{validate_email, validate_username};
use crate::demo::seed::copy::Rows;
use crate::domain::text::has_control;
use chrono::NaiveDate;
use color_eyre::eyre::Result;
use std::collections::HashMap;
use std::io::Read;

pub const GRADES: [&str; 16] = [
    "PK", "TK", "KG", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "UG",
];

const ORG_TYPES: [&str; 6] = [
    "district",
    "school",
    "department",
    "local",
    "state",
    "national",
];

/// Staff roles and the caseload role a new person is granted at their
/// school; `None`: a users row without a grant.
pub fn staff_role(role: &str) -> Option<Option<&'static str>> {
    match role {
        "teacher" => Some(Some("teacher")),
        "aide" => Some(Some("interventionist")),
        "counselor" => Some(Some("counselor")),
        "administrator" => Some(Some("coordinator")),
        "proctor" => Some(None),
        _ => None,
    }
}

/// The staging rows of one import, ready for COPY.
#[derive(Default)]
pub struct Staged {
    pub orgs: Rows,
    pub users: Rows,
    pub demographics: Rows,
    pub enrollments: Rows,
    /// Org sourcedId → its type, for picking a user's school.
    org_types: HashMap<String, String>,
    /// users.csv sourcedIds refused before staging → their line, so their
    /// demographics and enrollments say why they are refused too.
    refused_users: HashMap<String, u64>,
    pub students: usize,
}

impl Staged {
    pub fn new() -> Staged {
        Staged::default()
    }
}

/// `seen[id]` is the first line with that sourcedId.
fn first_time(seen: &mut HashMap<String, u64>, id: &str, line: u64) -> Result<(), String> {
    if let Some(first) = seen.get(id) {
        return Err(format!("duplicate sourcedId {id} (first on line {first})"));
    }
    seen.insert(id.to_string(), line);
    Ok(())
}

/// Refuses a line about a person whose users.csv line was refused.
fn user_not_refused(st: &Staged, id: &str) -> Result<(), String> {
    match st.refused_users.get(id) {
        Some(line) => Err(format!("its user was refused (users.csv line {line})")),
        None => Ok(()),
    }
}

fn sourced_id<'a>(r: &'a Record<'_>) -> Result<&'a str, String> {
    let id = r.get("sourcedId");
    if id.is_empty() {
        return Err("sourcedId is empty".into());
    }
    if id.len() > 255 || has_control(id) {
        return Err("sourcedId is longer than 255 characters or holds control characters".into());
    }
    Ok(id)
}

fn name<'a>(r: &'a Record<'_>, column: &str, max: usize) -> Result<&'a str, String> {
    let v = r.get(column);
    if v.is_empty() {
        return Err(format!("{column} is empty"));
    }
    if v.chars().count() > max {
        return Err(format!("{column} is longer than {max} characters"));
    }
    if has_control(v) {
        return Err(format!(
            "{column} holds control characters (a line break, tab or escape)"
        ));
    }
    Ok(v)
}

fn local_id<'a>(r: &'a Record<'_>, sourced: &'a str) -> Result<&'a str, String> {
    let id = match r.get("identifier") {
        "" => sourced,
        id => id,
    };
    if id.chars().count() > 64 || has_control(id) {
        return Err(format!(
            "identifier {id:?} cannot be a local id (at most 64 characters, no control characters)"
        ));
    }
    Ok(id)
}

fn date(r: &Record<'_>, column: &str) -> Result<Option<NaiveDate>, String> {
    match r.get(column) {
        "" => Ok(None),
        v => NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| format!("bad {column} {v:?} (expected YYYY-MM-DD)")),
    }
}

pub fn orgs(input: impl Read, report: &mut FileReport, st: &mut Staged) -> Result<bool> {
    let mut seen = HashMap::new();
    csvfile::read(
        input,
        report,
        &["sourcedId", "name", "type"],
        |r, report| {
            let id = sourced_id(r)?;
            first_time(&mut seen, id, r.line)?;
            let kind = r.get("type");
            if !ORG_TYPES.contains(&kind) {
                return Err(format!(
                    "unknown org type {kind:?} (expected one of {})",
                    ORG_TYPES.join(", ")
                ));
            }
            st.org_types.insert(id.to_string(), kind.to_string());
            if kind != "school" {
                report.skip(r.line, format!("{kind} {id}: caseload keeps schools only"));
                return Ok(());
            }
            let school = name(r, "name", 200)?;
            let local = local_id(r, id)?;
            st.orgs
                .int(r.line as i64)
                .text(id)
                .text(school)
                .text(local)
                .end();
            Ok(())
        },
    )
}

pub const ORG_COLS: &str = "line, sourced_id, name, local_id";

/// The org a person belongs to: the first listed that is a school in this
/// export, else the first not known here as something else (the database
/// then says whether it is a school it has).
fn school_of(st: &Staged, orgs: &str) -> Option<String> {
    let ids: Vec<&str> = orgs
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    ids.iter()
        .find(|id| st.org_types.get(**id).is_some_and(|t| t == "school"))
        .or_else(|| ids.iter().find(|id| !st.org_types.contains_key(**id)))
        .map(|s| s.to_string())
}

pub fn users(input: impl Read, report: &mut FileReport, st: &mut Staged) -> Result<bool> {
    let mut seen = HashMap::new();
    let required = [
        "sourcedId",
        "enabledUser",
        "orgSourcedIds",
        "role",
        "username",
        "givenName",
        "familyName",
        "grades",
    ];
    csvfile::read(input, report, &required, |r, report| {
        let id = sourced_id(r)?;
        first_time(&mut seen, id, r.line)?;
        user(r, id, report, st).inspect_err(|_| {
            st.refused_users.insert(id.to_string(), r.line);
        })
    })
}

/// A users.csv record that is not a repeat of an earlier sourcedId.
fn user(r: &Record<'_>, id: &str, report: &mut FileReport, st: &mut Staged) -> Result<(), String> {
    {
        let role = r.get("role");
        let enabled = match r.get("enabledUser").to_ascii_lowercase().as_str() {
            "" | "true" => true,
            "false" => false,
            other => {
                return Err(format!(
                    "bad enabledUser {other:?} (expected true or false)"
                ));
            }
        };
        let given = name(r, "givenName", 100)?;
        let family = name(r, "familyName", 100)?;
        let orgs = r.get("orgSourcedIds");
        let org = school_of(st, orgs);
        if role == "student" {
            let Some(org) = org else {
                return Err(if orgs.is_empty() {
                    "orgSourcedIds is empty: a student needs a school".into()
                } else {
                    format!("no school among orgSourcedIds {orgs:?}")
                });
            };
            let grade = r.get("grades").split(',').next().unwrap_or("").trim();
            if grade.is_empty() {
                return Err("grades is empty: a student needs a grade".into());
            }
            if !GRADES.contains(&grade) {
                return Err(format!(
                    "bad grade {grade:?} (caseload knows PK, TK, KG, 01–12 and UG)"
                ));
            }
            let local = local_id(r, id)?;
            st.users
                .int(r.line as i64)
                .text(id)
                .bool(true)
                .null()
                .bool(enabled)
                .text(&org)
                .null()
                .text(given)
                .text(family)
                .text(local)
                .null()
                .text(grade)
                .end();
            st.students += 1;
            return Ok(());
        }
        let Some(grant) = staff_role(role) else {
            if matches!(role, "guardian" | "parent" | "relative") {
                report.skip(
                    r.line,
                    format!("{role} {id}: caseload keeps guardians with the student, not as users"),
                );
                return Ok(());
            }
            return Err(format!(
                "unknown role {role:?} (expected student, teacher, administrator, aide, \
                 counselor, proctor, guardian, parent or relative)"
            ));
        };
        let username = login_name(r.get("username"))?;
        let email = r.get("email");
        if email.is_empty() {
            return Err("email is empty: staff need one".into());
        }
        validate_email(email)?;
        st.users
            .int(r.line as i64)
            .text(id)
            .bool(false)
            .opt_text(grant)
            .bool(enabled)
            .opt_text(org.as_deref())
            .text(&username)
            .text(given)
            .text(family)
            .null()
            .text(email)
            .null()
            .end();
        Ok(())
    }
}

pub const USER_COLS: &str = "line, sourced_id, is_student, grant_role, enabled, org, username, given, family, local_id, email, grade";

/// A OneRoster username as a caseload username (also the PostgreSQL login
/// role): lowercased, the part before an `@`, dots and hyphens as
/// underscores; what still is not a safe role name is refused.
pub fn login_name(raw: &str) -> Result<String, String> {
    if raw.is_empty() {
        return Err("username is empty: staff need one".into());
    }
    let base = raw.split('@').next().unwrap_or(raw).to_lowercase();
    let name: String = base
        .chars()
        .map(|c| if c == '.' || c == '-' { '_' } else { c })
        .collect();
    validate_username(&name).map_err(|e| format!("username {raw:?} → {e}"))?;
    Ok(name)
}

pub fn demographics(input: impl Read, report: &mut FileReport, st: &mut Staged) -> Result<bool> {
    let mut seen = HashMap::new();
    csvfile::read(input, report, &["sourcedId", "birthDate"], |r, report| {
        let id = sourced_id(r)?;
        first_time(&mut seen, id, r.line)?;
        user_not_refused(st, id)?;
        let Some(birth) = date(r, "birthDate")? else {
            report.skip(r.line, format!("{id}: no birthDate"));
            return Ok(());
        };
        if birth <= NaiveDate::from_ymd_opt(1990, 1, 1).unwrap_or_default() {
            return Err(format!("birthDate {birth} is not after 1990-01-01"));
        }
        st.demographics
            .int(r.line as i64)
            .text(id)
            .date(birth)
            .end();
        Ok(())
    })
}

pub const DEMOGRAPHIC_COLS: &str = "line, sourced_id, birth";

pub fn enrollments(input: impl Read, report: &mut FileReport, st: &mut Staged) -> Result<bool> {
    let mut seen = HashMap::new();
    let required = [
        "sourcedId",
        "classSourcedId",
        "schoolSourcedId",
        "userSourcedId",
        "role",
    ];
    csvfile::read(input, report, &required, |r, _| {
        let id = sourced_id(r)?;
        first_time(&mut seen, id, r.line)?;
        let user = r.get("userSourcedId");
        let school = r.get("schoolSourcedId");
        if user.is_empty() || school.is_empty() {
            return Err("userSourcedId and schoolSourcedId must not be empty".into());
        }
        user_not_refused(st, user)?;
        let begin = date(r, "beginDate")?;
        st.enrollments
            .int(r.line as i64)
            .text(user)
            .text(school)
            .bool(r.get("role") == "student")
            .opt_date(begin)
            .end();
        Ok(())
    })
}

pub const ENROLLMENT_COLS: &str = "line, user_sid, school_sid, is_student, begin_date";
