//! `caseload user …`: each change to a person's `users`/`user_roles` rows and
//! to their login role happens in one transaction (PostgreSQL role DDL is
//! transactional), so a refusal or failure leaves nothing half done.

use super::{build_ddl, run_ddl, scram_verifier};
use crate::db::migrate::describe_pg_error;
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

/// Refuses unless the connected role can create login roles and write the
/// people tables, saying which of the two is missing.
pub async fn check_privileges(client: &impl GenericClient) -> Result<()> {
    let row = client
        .query_one(
            "SELECT current_user::text, r.rolsuper, r.rolcreaterole, \
                    to_regclass('users') IS NOT NULL AND to_regclass('user_roles') IS NOT NULL \
             FROM pg_roles r WHERE r.rolname = current_user",
            &[],
        )
        .await
        .map_err(pg)?;
    let (me, superuser, createrole, schema): (String, bool, bool, bool) =
        (row.get(0), row.get(1), row.get(2), row.get(3));
    if !schema {
        bail!("this database has no caseload schema yet: run `caseload migrate` first");
    }
    if !superuser && !createrole {
        bail!(
            "the role {me} cannot create or change login roles: it needs CREATEROLE (or superuser). \
             Connect as an administrator's role with --database-url or PGUSER"
        );
    }
    let writable: bool = client
        .query_one(
            "SELECT has_table_privilege('users', 'INSERT, UPDATE') \
                AND has_table_privilege('user_roles', 'INSERT, UPDATE, DELETE')",
            &[],
        )
        .await
        .map_err(pg)?
        .get(0);
    if !writable {
        bail!(
            "the role {me} cannot change people: it needs INSERT and UPDATE on users and \
             INSERT, UPDATE and DELETE on user_roles (members of caseload_admin have them)"
        );
    }
    Ok(())
}

/// A server error as one line; a missing privilege says what to grant.
fn pg(e: tokio_postgres::Error) -> Report {
    if e.code() == Some(&SqlState::INSUFFICIENT_PRIVILEGE) {
        return eyre!(
            "{} (managing people needs a role with CREATEROLE and write access to users and \
             user_roles)",
            describe_pg_error(&e)
        );
    }
    eyre!(describe_pg_error(&e))
}

async fn user_id(tx: &Transaction<'_>, username: &str) -> Result<Uuid> {
    tx.query_opt("SELECT id FROM users WHERE username = $1", &[&username])
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
        .query_opt("SELECT id FROM roles WHERE key = $1", &[&key])
        .await
        .map_err(pg)?
    {
        return Ok(row.get(0));
    }
    let known: Vec<String> = tx
        .query("SELECT key FROM roles ORDER BY key", &[])
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
    tx.query_opt("SELECT id FROM schools WHERE local_id = $1", &[&local_id])
        .await
        .map_err(pg)?
        .map(|r| Some(r.get(0)))
        .ok_or_else(|| eyre!("no school with local id {:?}", sanitize::clean(local_id)))
}

fn group_role(key: &str) -> String {
    format!("{GROUP_PREFIX}{key}")
}

async fn role_exists(tx: &Transaction<'_>, name: &str) -> Result<bool> {
    Ok(tx
        .query_opt("SELECT 1 FROM pg_roles WHERE rolname = $1", &[&name])
        .await
        .map_err(pg)?
        .is_some())
}

/// Adds the grant row (or moves its expiry) and makes the login role a
/// member of the group role.
async fn grant_in(tx: &Transaction<'_>, user: Uuid, username: &str, g: &RoleGrant) -> Result<()> {
    let role = role_id(tx, &g.role).await?;
    let school = school_id(tx, g.school.as_deref()).await?;
    let group = group_role(&g.role);
    if !role_exists(tx, &group).await? {
        bail!("the group role {group} does not exist on this server: run `caseload migrate`");
    }
    if let Some(day) = g.expires {
        let future: bool = tx
            .query_one("SELECT $1::date::timestamptz > now()", &[&day])
            .await
            .map_err(pg)?
            .get(0);
        if !future {
            bail!("--expires {day} is not in the future");
        }
    }
    tx.execute(
        "INSERT INTO user_roles (user_id, role_id, school_id, granted_by, expires_at) \
         VALUES ($1, $2, $3, caseload_current_user_id(), $4::date::timestamptz) \
         ON CONFLICT (user_id, role_id, school_id) DO UPDATE SET expires_at = EXCLUDED.expires_at",
        &[&user, &role, &school, &g.expires],
    )
    .await
    .map_err(pg)?;
    run_ddl(tx, "GRANT %I TO %I", &[&group, username])
        .await
        .map_err(pg)
}

pub async fn add(client: &mut Client, new: &NewUser) -> Result<()> {
    validate_username(&new.username).map_err(Report::msg)?;
    validate_email(&new.email).map_err(Report::msg)?;
    if new.display_name.trim().is_empty() {
        bail!("--name must not be empty");
    }
    check_privileges(client).await?;
    let tx = client.transaction().await.map_err(pg)?;
    let name = new.username.as_str();
    if tx
        .query_opt("SELECT 1 FROM users WHERE username = $1", &[&name])
        .await
        .map_err(pg)?
        .is_some()
    {
        bail!("a caseload user called {name} already exists");
    }
    if role_exists(&tx, name).await? {
        bail!(
            "a PostgreSQL role called {name} already exists and is not a caseload user of this \
             database; refusing to adopt it (login roles are shared by every database on the server)"
        );
    }
    if let Some(row) = tx
        .query_opt(
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
    let id: Uuid = tx
        .query_one(
            "INSERT INTO users (username, display_name, email, home_school_id) \
             VALUES ($1, $2, $3, $4) RETURNING id",
            &[&name, &new.display_name.trim(), &new.email, &home],
        )
        .await
        .map_err(pg)?
        .get(0);
    login_in(&tx, name).await?;
    for g in &new.roles {
        grant_in(&tx, id, name, g).await?;
    }
    tx.commit().await.map_err(pg)
}

/// Creates the login role of an existing `users` row (LOGIN when the person
/// is active, NOLOGIN otherwise) and makes it a member of the group role of
/// each role they hold: what `user add` does after the row, for a person
/// who came without one (the demo seed, a OneRoster import). A role of that
/// name already on the server is never adopted: it may be another
/// database's person (login roles are server-wide).
pub async fn login_in(tx: &Transaction<'_>, username: &str) -> Result<()> {
    validate_username(username).map_err(Report::msg)?;
    let row = tx
        .query_opt(
            "SELECT is_active FROM users WHERE username = $1",
            &[&username],
        )
        .await
        .map_err(pg)?
        .ok_or_else(|| {
            eyre!(
                "no caseload user called {:?} (see `caseload user list`)",
                sanitize::clean(username)
            )
        })?;
    let active: bool = row.get(0);
    if role_exists(tx, username).await? {
        bail!(
            "a PostgreSQL role called {username} already exists: either {username} can sign in \
             already (see `caseload user list`), or the name is another database's login on this \
             server; refusing to adopt it"
        );
    }
    let ddl = if active {
        "CREATE ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS"
    } else {
        "CREATE ROLE %I WITH NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS"
    };
    run_ddl(tx, ddl, &[username]).await.map_err(pg)?;
    let keys: Vec<String> = tx
        .query(
            "SELECT DISTINCT r.key FROM user_roles ur JOIN roles r ON r.id = ur.role_id \
               JOIN users u ON u.id = ur.user_id WHERE u.username = $1 ORDER BY 1",
            &[&username],
        )
        .await
        .map_err(pg)?
        .iter()
        .map(|r| r.get(0))
        .collect();
    for key in keys {
        let group = group_role(&key);
        if !role_exists(tx, &group).await? {
            bail!("the group role {group} does not exist on this server: run `caseload migrate`");
        }
        run_ddl(tx, "GRANT %I TO %I", &[&group, username])
            .await
            .map_err(pg)?;
    }
    Ok(())
}

/// `caseload user login NAME`: `login_in` in its own transaction.
pub async fn login(client: &mut Client, username: &str) -> Result<()> {
    check_privileges(client).await?;
    let tx = client.transaction().await.map_err(pg)?;
    login_in(&tx, username).await?;
    tx.commit().await.map_err(pg)
}

pub async fn grant(client: &mut Client, username: &str, g: &RoleGrant) -> Result<()> {
    check_privileges(client).await?;
    let tx = client.transaction().await.map_err(pg)?;
    let id = user_id(&tx, username).await?;
    grant_in(&tx, id, username, g).await?;
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
    let user = user_id(&tx, username).await?;
    let role_id = role_id(&tx, role).await?;
    let school_id = school_id(&tx, school).await?;
    let gone = tx
        .execute(
            "DELETE FROM user_roles \
             WHERE user_id = $1 AND role_id = $2 AND school_id IS NOT DISTINCT FROM $3",
            &[&user, &role_id, &school_id],
        )
        .await
        .map_err(pg)?;
    if gone == 0 {
        let at = school.map_or("all schools".to_string(), |s| {
            format!("school {}", sanitize::clean(s))
        });
        bail!("{username} has no {role} grant for {at} (see `caseload user list`)");
    }
    let remaining: i64 = tx
        .query_one(
            "SELECT count(*) FROM user_roles WHERE user_id = $1 AND role_id = $2",
            &[&user, &role_id],
        )
        .await
        .map_err(pg)?
        .get(0);
    if remaining == 0 && role_exists(&tx, username).await? {
        run_ddl(&tx, "REVOKE %I FROM %I", &[&group_role(role), username])
            .await
            .map_err(pg)?;
    }
    tx.commit().await.map_err(pg)
}

/// Deactivating keeps every row (history stays attributable) and stops the
/// login role from signing in; activating undoes exactly that.
pub async fn set_active(client: &mut Client, username: &str, active: bool) -> Result<()> {
    check_privileges(client).await?;
    let tx = client.transaction().await.map_err(pg)?;
    user_id(&tx, username).await?;
    tx.execute(
        "UPDATE users SET is_active = $2 WHERE username = $1",
        &[&username, &active],
    )
    .await
    .map_err(pg)?;
    if !role_exists(&tx, username).await? {
        bail!(
            "{username} has no login role on this server; give them one with `caseload user login {username}`"
        );
    }
    let ddl = if active {
        "ALTER ROLE %I WITH LOGIN"
    } else {
        "ALTER ROLE %I WITH NOLOGIN"
    };
    run_ddl(&tx, ddl, &[username]).await.map_err(pg)?;
    tx.commit().await.map_err(pg)
}

/// The statement that sets `username`'s password: it carries only the
/// SCRAM verifier, never the plaintext.
pub async fn password_statement(
    client: &impl GenericClient,
    username: &str,
    password: &str,
) -> Result<String> {
    let verifier = scram_verifier(password);
    build_ddl(
        client,
        "ALTER ROLE %I WITH PASSWORD %L",
        &[username, &verifier],
    )
    .await
    .map_err(pg)
}

pub async fn set_password(client: &mut Client, username: &str, password: &str) -> Result<()> {
    super::password::check_strength(password)?;
    check_privileges(client).await?;
    let tx = client.transaction().await.map_err(pg)?;
    user_id(&tx, username).await?;
    if !role_exists(&tx, username).await? {
        bail!(
            "{username} has no login role on this server; give them one with `caseload user login {username}`"
        );
    }
    let ddl = password_statement(&tx, username, password).await?;
    tx.batch_execute(&ddl).await.map_err(pg)?;
    tx.commit().await.map_err(pg)
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

pub async fn list(client: &impl GenericClient) -> Result<Vec<Listing>> {
    let rows = client
        .query(
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
