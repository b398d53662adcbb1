//! The demo's sign-in: a real login role for a seeded person, a member of
//! their group role, and neither superuser nor owner, so row-level security
//! applies to the demo exactly as to a school's staff.

use color_eyre::eyre::{Result, WrapErr, bail};
use rand::RngCore;
use tokio_postgres::Client;

/// Create or refresh `username`'s login role with a fresh random password,
/// and return that password (kept only in memory for this run).
pub async fn ensure_login(admin: &Client, username: &str, group_role: &str) -> Result<String> {
    let known = admin
        .query_opt(
            "SELECT 1 FROM users WHERE username = $1 AND is_active",
            &[&username],
        )
        .await?
        .is_some();
    if !known {
        bail!(
            "the demo user {username} is not in this database; seed it with `caseload seed --force`"
        );
    }
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    let password = hex::encode(bytes);
    // DDL takes no bind parameters, so the server quotes the values itself
    // (format %I/%L) and we run the statement it built.
    let ddl: String = admin
        .query_one(
            "SELECT format(CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) \
               THEN 'ALTER ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD %L' \
               ELSE 'CREATE ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD %L' END, \
             $1::text, $2::text)",
            &[&username, &password],
        )
        .await?
        .get(0);
    admin
        .batch_execute(&ddl)
        .await
        .wrap_err_with(|| format!("could not create the login role {username}"))?;
    let grant: String = admin
        .query_one(
            "SELECT format('GRANT %I TO %I', $1::text, $2::text)",
            &[&group_role, &username],
        )
        .await?
        .get(0);
    admin
        .batch_execute(&grant)
        .await
        .wrap_err_with(|| format!("could not grant {group_role} to {username}"))?;
    Ok(password)
}
