//! `caseload user …`: each change to a person's `users`/`user_roles` rows and
//! to their login role happens in one transaction (PostgreSQL role DDL is
//! transactional), so a refusal or failure leaves nothing half done.

use super::scram_verifier;
use crate::app::screens::people::PersonChange;
use crate::db::migrate::describe_pg_error;
use crate::db::unnamed::Unnamed;
use crate::ui::sanitize;
use chrono::NaiveDate;
use color_eyre::eyre::{Report, Result, bail, eyre};
use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, GenericClient, Transaction};
use uuid::Uuid;

/// Group roles are named after role keys; the prefix is theirs alone.
pub const GROUP_PREFIX: &str = "caseload_";

/// One role for a person, at one school (`None`: all schools).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleGrant {
    pub role: String,
    pub school: Option<String>,
    /// The grant ends at the start of this day (server time zone).
    pub expires: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub home_school: Option<String>,
    pub roles: Vec<RoleGrant>,
}

/// A login role must be a name PostgreSQL would not need quoted and that
/// caseload may own: not reserved (pg_*) and not a group role's.
pub fn validate_username(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_');
    let rest_ok = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !first_ok || !rest_ok || name.len() > 63 {
        return Err(format!(
            "invalid username {:?}: use 1 to 63 lowercase letters, digits and underscores, \
             not starting with a digit",
            sanitize::clean(name)
        ));
    }
    if name.starts_with("pg_") {
        return Err(format!(
            "invalid username {name:?}: names starting with pg_ are reserved by PostgreSQL"
        ));
    }
    if name.starts_with(GROUP_PREFIX) {
        return Err(format!(
            "invalid username {name:?}: names starting with {GROUP_PREFIX} are caseload's group roles"
        ));
    }
    Ok(())
}

/// The same rule as the users.email CHECK, so the refusal names the problem
/// instead of quoting a constraint.
pub fn validate_email(email: &str) -> Result<(), String> {
    let bad = || {
        format!(
            "invalid email {:?}: expected name@domain.tld",
            sanitize::clean(email)
        )
    };
    if email.chars().any(char::is_whitespace) {
        return Err(bad());
    }
    let (local, domain) = email.split_once('@').ok_or_else(bad)?;
    let dot_inside = domain
        .char_indices()
        .any(|(i, c)| c == '.' && i > 0 && i + 1 < domain.len());
    if local.is_empty() || domain.contains('@') || !dot_inside {
        return Err(bad());
    }
    Ok(())
}

/// Refuses unless the connected role may manage people: an active caseload
/// admin, a superuser, or a CREATEROLE member of caseload_admin (migration
/// 0027's `caseload_may_manage_people`). The changes themselves run in the
/// database's `caseload_person_*` functions, so a caseload admin needs no
/// CREATEROLE of their own.
pub async fn check_privileges(client: &(impl GenericClient + Sync)) -> Result<()> {
    let row = client
        .fetch_one(
            "SELECT current_user::text, \
                    to_regprocedure('caseload_may_manage_people()') IS NOT NULL",
            &[],
        )
        .await
        .map_err(pg)?;
    let (me, schema): (String, bool) = (row.get(0), row.get(1));
    if !schema {
        bail!("this database has no caseload people functions yet: run `caseload migrate` first");
    }
    // Two statements: PostgreSQL checks EXECUTE on every function a
    // statement names, even in a CASE branch that never runs.
    let may_call: bool = client
        .fetch_one(
            "SELECT has_function_privilege('caseload_may_manage_people()', 'EXECUTE')",
            &[],
        )
        .await
        .map_err(pg)?
        .get(0);
    let may = may_call
        && client
            .fetch_one("SELECT caseload_may_manage_people()", &[])
            .await
            .map_err(pg)?
            .get::<_, bool>(0);
    if !may {
        bail!(
            "the role {me} may not manage people: sign in as a caseload admin, or connect as a \
             superuser with --database-url or PGUSER"
        );
    }
    Ok(())
}

/// A server error as one line; a missing privilege says who may.
fn pg(e: tokio_postgres::Error) -> Report {
    if e.code() == Some(&SqlState::INSUFFICIENT_PRIVILEGE) {
        return eyre!(
            "{} (managing people is for caseload admins)",
            describe_pg_error(&e)
        );
    }
    eyre!(describe_pg_error(&e))
}

async fn user_id(tx: &Transaction<'_>, username: &str) -> Result<Uuid> {
    tx.fetch_opt("SELECT id FROM users WHERE username = $1", &[&username])
        .await
        .map_err(pg)?
        .map(|r| r.get(0))
        .ok_or_else(|| {
            eyre!(
                "no caseload user called {:?} (see `caseload user list`)",
                sanitize::clean(username)
            )
        })
}

async fn role_id(tx: &Transaction<'_>, key: &str) -> Result<Uuid> {
    if let Some(row) = tx
        .fetch_opt("SELECT id FROM roles WHERE key = $1", &[&key])
        .await
        .map_err(pg)?
    {
        return Ok(row.get(0));
    }
    let known: Vec<String> = tx
        .fetch("SELECT key FROM roles ORDER BY key", &[])
        .await
        .map_err(pg)?
        .iter()
        .map(|r| r.get(0))
        .collect();
    bail!(
        "unknown role {:?} (roles: {})",
        sanitize::clean(key),
        known.join(", ")
    )
}

async fn school_id(tx: &Transaction<'_>, local_id: Option<&str>) -> Result<Option<Uuid>> {
    let Some(local_id) = local_id else {
        return Ok(None);
    };
    tx.fetch_opt("SELECT id FROM schools WHERE local_id = $1", &[&local_id])
        .await
        .map_err(pg)?
        .map(|r| Some(r.get(0)))
        .ok_or_else(|| eyre!("no school with local id {:?}", sanitize::clean(local_id)))
}

/// Adds the grant row (or moves its expiry) and makes the login role a
/// member of the group role (`caseload_person_grant`).
async fn grant_in(tx: &Transaction<'_>, username: &str, g: &RoleGrant) -> Result<()> {
    role_id(tx, &g.role).await?;
    let school = school_id(tx, g.school.as_deref()).await?;
    if let Some(day) = g.expires {
        let future: bool = tx
            .fetch_one("SELECT $1::date::timestamptz > now()", &[&day])
            .await
            .map_err(pg)?
            .get(0);
        if !future {
            bail!("the expiry {day} is not in the future");
        }
    }
    tx.exec(
        "SELECT caseload_person_grant($1, $2, $3, $4)",
        &[&username, &g.role, &school, &g.expires],
    )
    .await
    .map_err(pg)?;
    Ok(())
}

pub async fn add(client: &mut Client, new: &NewUser) -> Result<()> {
    validate_username(&new.username).map_err(Report::msg)?;
    validate_email(&new.email).map_err(Report::msg)?;
    if new.display_name.trim().is_empty() {
        bail!("the name must not be empty");
    }
    check_privileges(client).await?;
    let tx = client.transaction().await.map_err(pg)?;
    let name = new.username.as_str();
    if tx
        .fetch_opt("SELECT 1 FROM users WHERE username = $1", &[&name])
        .await
        .map_err(pg)?
        .is_some()
    {
        bail!("a caseload user called {name} already exists");
    }
    if let Some(row) = tx
        .fetch_opt(
            "SELECT username FROM users WHERE lower(email) = lower($1)",
            &[&new.email],
        )
        .await
        .map_err(pg)?
    {
        let other: String = row.get(0);
        bail!(
            "the email {} already belongs to {}",
            sanitize::clean(&new.email),
            sanitize::clean(&other)
        );
    }
    let home = school_id(&tx, new.home_school.as_deref()).await?;
    tx.exec(
        "SELECT caseload_person_add($1, $2, $3, $4)",
        &[&name, &new.display_name.trim(), &new.email, &home],
    )
    .await
    .map_err(pg)?;
    for g in &new.roles {
        grant_in(&tx, name, g).await?;
    }
    tx.commit().await.map_err(pg)
}

/// A person who is a `users` row without a login role (the demo seed's or
/// an import's staff) gets one, a member of the group role of each grant
/// they have, inside the caller's transaction (an import gives logins in
/// its own).
pub async fn login_in(tx: &Transaction<'_>, username: &str) -> Result<()> {
    validate_username(username).map_err(Report::msg)?;
    user_id(tx, username).await?;
    tx.exec("SELECT caseload_person_login($1)", &[&username])
        .await
        .map_err(pg)?;
    Ok(())
}

/// `caseload user login NAME`: [`login_in`] in its own transaction.
pub async fn login(client: &mut Client, username: &str) -> Result<()> {
    check_privileges(client).await?;
    let tx = client.transaction().await.map_err(pg)?;
    login_in(&tx, username).await?;
    tx.commit().await.map_err(pg)
}

pub async fn grant(client: &mut Client, username: &str, g: &RoleGrant) -> Result<()> {
    check_privileges(client).await?;
    let tx = client.transaction().await.map_err(pg)?;
    user_id(&tx, username).await?;
    grant_in(&tx, username, g).await?;
    tx.commit().await.map_err(pg)
}

/// Removes one grant row; the group membership goes only with the last row
/// of that role, so revoking one school of two keeps the role.
pub async fn revoke(
    client: &mut Client,
    username: &str,
    role: &str,
    school: Option<&str>,
) -> Result<()> {
    check_privileges(client).await?;
    let tx = client.transaction().await.map_err(pg)?;
    user_id(&tx, username).await?;
    role_id(&tx, role).await?;
    let school_id = school_id(&tx, school).await?;
    let held = tx
        .fetch_opt(
            "SELECT 1 FROM user_roles ur JOIN users u ON u.id = ur.user_id \
             JOIN roles r ON r.id = ur.role_id \
             WHERE u.username = $1 AND r.key = $2 AND ur.school_id IS NOT DISTINCT FROM $3",
            &[&username, &role, &school_id],
        )
        .await
        .map_err(pg)?
        .is_some();
    if !held {
        let at = school.map_or("all schools".to_string(), |s| {
            format!("school {}", sanitize::clean(s))
        });
        bail!("{username} has no {role} grant for {at} (see `caseload user list`)");
    }
    tx.exec(
        "SELECT caseload_person_revoke($1, $2, $3)",
        &[&username, &role, &school_id],
    )
    .await
    .map_err(pg)?;
    tx.commit().await.map_err(pg)
}

/// Deactivating keeps every row (history stays attributable) and stops the
/// login role from signing in; activating undoes exactly that.
pub async fn set_active(client: &mut Client, username: &str, active: bool) -> Result<()> {
    check_privileges(client).await?;
    let tx = client.transaction().await.map_err(pg)?;
    user_id(&tx, username).await?;
    tx.exec(
        "SELECT caseload_person_set_active($1, $2)",
        &[&username, &active],
    )
    .await
    .map_err(pg)?;
    tx.commit().await.map_err(pg)
}

/// Only the SCRAM verifier, computed here, reaches the server
/// (`caseload_person_set_password` refuses anything else).
pub async fn set_password(client: &mut Client, username: &str, password: &str) -> Result<()> {
    super::password::check_strength(password)?;
    check_privileges(client).await?;
    let tx = client.transaction().await.map_err(pg)?;
    user_id(&tx, username).await?;
    let verifier = scram_verifier(password);
    tx.exec(
        "SELECT caseload_person_set_password($1, $2)",
        &[&username, &verifier],
    )
    .await
    .map_err(pg)?;
    tx.commit().await.map_err(pg)
}

/// A change from the People screen, made by the same functions as the
/// command line's.
pub async fn apply(client: &mut Client, change: &PersonChange) -> Result<()> {
    match change {
        PersonChange::Add {
            username,
            display_name,
            email,
            home_school,
            grant,
        } => {
            let new = NewUser {
                username: username.clone(),
                display_name: display_name.clone(),
                email: email.clone(),
                home_school: home_school.clone(),
                roles: grant
                    .iter()
                    .map(|(role, school, expires)| RoleGrant {
                        role: role.clone(),
                        school: school.clone(),
                        expires: *expires,
                    })
                    .collect(),
            };
            add(client, &new).await
        }
        PersonChange::Login { username } => login(client, username).await,
        PersonChange::Grant {
            username,
            role,
            school,
            expires,
        } => {
            let g = RoleGrant {
                role: role.clone(),
                school: school.clone(),
                expires: *expires,
            };
            grant(client, username, &g).await
        }
        PersonChange::Revoke {
            username,
            role,
            school,
        } => revoke(client, username, role, school.as_deref()).await,
        PersonChange::SetActive { username, active } => set_active(client, username, *active).await,
        PersonChange::SetPassword { username, password } => {
            set_password(client, username, password.expose()).await
        }
    }
}

/// One line of `caseload user list`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    pub username: String,
    pub display_name: String,
    pub is_active: bool,
    /// "key@school" (or "key@all"), with " until YYYY-MM-DD" or " expired".
    pub roles: Vec<String>,
    /// The login role exists and may log in.
    pub can_login: bool,
}

pub async fn list(client: &(impl GenericClient + Sync)) -> Result<Vec<Listing>> {
    let rows = client
        .fetch(
            "SELECT u.username, u.display_name, u.is_active, \
                    COALESCE(p.rolcanlogin, false), \
                    COALESCE(array_agg( \
                        r.key || '@' || COALESCE(s.local_id, 'all') || \
                        CASE WHEN ur.expires_at IS NULL THEN '' \
                             WHEN ur.expires_at <= now() THEN ' expired' \
                             ELSE ' until ' || to_char(ur.expires_at, 'YYYY-MM-DD') END \
                        ORDER BY r.key, s.local_id NULLS FIRST) \
                      FILTER (WHERE r.key IS NOT NULL), '{}') \
             FROM users u \
             LEFT JOIN pg_roles p ON p.rolname = u.username \
             LEFT JOIN user_roles ur ON ur.user_id = u.id \
             LEFT JOIN roles r ON r.id = ur.role_id \
             LEFT JOIN schools s ON s.id = ur.school_id \
             GROUP BY u.id, p.rolcanlogin \
             ORDER BY u.username",
            &[],
        )
        .await
        .map_err(pg)?;
    Ok(rows
        .iter()
        .map(|r| Listing {
            username: r.get(0),
            display_name: r.get(1),
            is_active: r.get(2),
            can_login: r.get(3),
            roles: r.get(4),
        })
        .collect())
}

/// `list` as an aligned table; names from the database are sanitised like
/// everything else that reaches a terminal.
pub fn format_table(rows: &[Listing]) -> String {
    let header = ["USERNAME", "NAME", "ACTIVE", "LOGIN", "ROLES"];
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
    let body: Vec<[String; 5]> = rows
        .iter()
        .map(|l| {
            [
                sanitize::clean(&l.username).into_owned(),
                sanitize::clean(&l.display_name).into_owned(),
                yes_no(l.is_active),
                yes_no(l.can_login),
                sanitize::clean(&l.roles.join(", ")).into_owned(),
            ]
        })
        .collect();
    let mut widths = header.map(sanitize::width);
    for row in &body {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(sanitize::width(cell));
        }
    }
    let line = |cells: &[String]| {
        let mut out = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == cells.len() {
                out.push_str(cell);
            } else {
                out.push_str(&sanitize::fit(cell, w));
                out.push_str("  ");
            }
        }
        out.trim_end().to_string() + "\n"
    };
    let mut out = line(&header.map(String::from));
    for row in &body {
        out.push_str(&line(row));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        for ok in ["dana", "_x", "d_okafor2", &"a".repeat(63)] {
            assert!(validate_username(ok).is_ok(), "{ok}");
        }
        for (bad, why) in [
            ("", "lowercase"),
            ("Dana", "lowercase"),
            ("2dana", "lowercase"),
            ("da-na", "lowercase"),
            ("dana; drop role x", "lowercase"),
            (&"a".repeat(64), "lowercase"),
            ("pg_monitor", "reserved"),
            ("caseload_admin", "group roles"),
        ] {
            let e = validate_username(bad).unwrap_err();
            assert!(e.contains(why), "{bad}: {e}");
        }
    }

    #[test]
    fn emails() {
        assert!(validate_email("a.b@school.example.org").is_ok());
        for bad in ["", "a@b", "@b.c", "a@.c", "a@b.", "a b@c.d", "a@b@c.d"] {
            assert!(validate_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn table_aligns_and_sanitises() {
        let t = format_table(&[
            Listing {
                username: "dana".into(),
                display_name: "Dana \x1b[31mO".into(),
                is_active: true,
                roles: vec![
                    "coordinator@all".into(),
                    "counselor@LIN until 2030-01-01".into(),
                ],
                can_login: true,
            },
            Listing {
                username: "b".into(),
                display_name: "李".into(),
                is_active: false,
                roles: vec![],
                can_login: false,
            },
        ]);
        assert!(!t.contains('\x1b'));
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines.len(), 3);
        let col = |l: &str| sanitize::width(&l[..l.find("yes").or(l.find("no ")).unwrap()]);
        assert_eq!(col(lines[1]), col(lines[2]));
        assert!(lines[1].ends_with("coordinator@all, counselor@LIN until 2030-01-01"));
    }
}
