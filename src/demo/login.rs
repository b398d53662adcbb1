//! The demo's sign-in: a real login role for a seeded person, a member of
//! their group role, and neither superuser nor owner, so row-level security
//! applies to the demo exactly as to a school's staff.

use crate::db::unnamed::Unnamed;
use color_eyre::eyre::{Result, WrapErr, bail};
use rand::RngCore;
use tokio_postgres::Client;

/// Create or refresh `username`'s login role with a fresh random password,
/// and return that password (kept only in memory for this run).
pub async fn ensure_login(admin: &Client, username: &str, group_role: &str) -> Result<String> {
    let known = admin
        .fetch_opt(
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
    // Only the SCRAM verifier goes to the server, never the password.
    let verifier = crate::admin::scram_verifier(&password);
    let template = if admin
        .fetch_opt("SELECT 1 FROM pg_roles WHERE rolname = $1", &[&username])
        .await?
        .is_some()
    {
        "ALTER ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD %L"
    } else {
        "CREATE ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD %L"
    };
    crate::admin::run_ddl(admin, template, &[username, &verifier])
        .await
        .wrap_err_with(|| format!("could not create the login role {username}"))?;
    crate::admin::run_ddl(admin, "GRANT %I TO %I", &[group_role, username])
        .await
        .wrap_err_with(|| format!("could not grant {group_role} to {username}"))?;
    // Made by caseload for this database: the People screen may change it.
    admin
        .exec(
            "INSERT INTO caseload_login_roles (rolname) VALUES ($1) ON CONFLICT DO NOTHING",
            &[&username],
        )
        .await
        .wrap_err("could not record the demo login role")?;
    Ok(password)
}
