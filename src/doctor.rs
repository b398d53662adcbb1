//! `caseload doctor`: what caseload would use and what is wrong with it.
//! Never prints a password.

use crate::config::conn::ConnParams;
use crate::db::migrate::{self, State};
use std::fmt::Write;

pub struct Input {
    /// e.g. "/home/x/.config/caseload/config.toml (XDG_CONFIG_HOME)" or "none (built-in defaults)".
    pub config: String,
    /// The connection target with the password masked.
    pub target: String,
    /// Where each connection setting came from.
    pub sources: Vec<(String, String)>,
    pub warnings: Vec<String>,
    /// Facts worth showing that are not problems (e.g. no keyring here).
    pub notes: Vec<String>,
    pub params: ConnParams,
}

/// The report as text and whether everything is healthy.
pub async fn report(input: Input) -> (String, bool) {
    let mut out = String::new();
    let mut problems: Vec<String> = input.warnings.clone();
    let _ = writeln!(out, "config      {}", input.config);
    let _ = writeln!(out, "database    {}", input.target);
    for (field, source) in &input.sources {
        let _ = writeln!(out, "            {field:<9} from {source}");
    }
    for note in &input.notes {
        let _ = writeln!(out, "            {note}");
    }
    match crate::db::pool::connect_one(&input.params).await {
        Err(e) => {
            let _ = writeln!(out, "server      unreachable");
            problems.push(format!("cannot connect: {e}"));
        }
        Ok(client) => {
            server_section(&client, &mut out, &mut problems).await;
        }
    }
    if problems.is_empty() {
        let _ = writeln!(out, "\nno problems found");
    } else {
        let _ = writeln!(out, "\nproblems:");
        for p in &problems {
            let _ = writeln!(out, "  - {p}");
        }
    }
    (out, problems.is_empty())
}

async fn server_section(
    client: &tokio_postgres::Client,
    out: &mut String,
    problems: &mut Vec<String>,
) {
    let q = client
        .query_one(
            "SELECT current_setting('server_version'), session_user::text, r.rolsuper, r.rolbypassrls, \
             EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tableowner = session_user) \
             FROM pg_roles r WHERE r.rolname = session_user",
            &[],
        )
        .await;
    let row = match q {
        Ok(r) => r,
        Err(e) => {
            problems.push(format!(
                "cannot read server facts: {}",
                migrate::describe_pg_error(&e)
            ));
            return;
        }
    };
    let (version, role, superuser, bypass, owner): (String, String, bool, bool, bool) =
        (row.get(0), row.get(1), row.get(2), row.get(3), row.get(4));
    let _ = writeln!(out, "server      PostgreSQL {version}");
    let tls = client
        .query_opt(
            "SELECT ssl, version, cipher FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .await;
    let tls_line = match tls {
        Ok(Some(r)) if r.get::<_, bool>(0) => format!(
            "on ({}, {})",
            r.get::<_, Option<String>>(1).unwrap_or_default(),
            r.get::<_, Option<String>>(2).unwrap_or_default()
        ),
        Ok(_) => "off".to_string(),
        Err(e) => format!("unknown ({})", migrate::describe_pg_error(&e)),
    };
    let _ = writeln!(out, "tls         {tls_line}");
    let _ = writeln!(out, "login role  {role}");
    if superuser || bypass || owner {
        let why = [
            (superuser, "a superuser"),
            (bypass, "BYPASSRLS"),
            (owner, "the owner of caseload's tables"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, w)| *w)
        .collect::<Vec<_>>()
        .join(", ");
        let _ = writeln!(
            out,
            "            WARNING: {role} is {why}: row-level security does not apply to it"
        );
        problems.push(format!(
            "everyday use should sign in as a person's own login role, not {role} ({why})"
        ));
    }
    match migrate::status(client, &migrate::embedded()).await {
        Err(e) => problems.push(format!("cannot read migration status: {e}")),
        Ok(rows) => {
            let applied = rows
                .iter()
                .filter(|r| {
                    matches!(
                        r.state,
                        State::Applied {
                            checksum_ok: true,
                            ..
                        }
                    )
                })
                .count();
            let _ = writeln!(
                out,
                "migrations  {applied} of {} applied",
                migrate::embedded().len()
            );
            for r in &rows {
                match &r.state {
                    State::Applied {
                        checksum_ok: true, ..
                    } => {}
                    State::Applied {
                        checksum_ok: false, ..
                    } => {
                        problems.push(format!("migration {} differs from the one applied", r.name))
                    }
                    State::Pending { last_error } => {
                        let mut p =
                            format!("migration {} is pending (run `caseload migrate`)", r.name);
                        if let Some(e) = last_error {
                            p.push_str(&format!("; its last attempt failed: {e}"));
                        }
                        problems.push(p);
                    }
                }
            }
        }
    }
    if let Ok(r) = client
        .query_one(
            "SELECT CASE WHEN to_regprocedure('caseload_current_user_id()') IS NULL THEN NULL \
             ELSE (SELECT display_name FROM users WHERE username = session_user) END",
            &[],
        )
        .await
    {
        match r.get::<_, Option<String>>(0) {
            Some(name) => {
                let _ = writeln!(out, "caseload    signed in as {name}");
            }
            None => {
                let _ = writeln!(
                    out,
                    "caseload    {role} is not a caseload user (no users row)"
                );
            }
        }
    }
}
