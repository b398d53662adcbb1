//! `caseload doctor`: what caseload would use and what is wrong with it.
//! Never prints a password.

use crate::app::keymap::KeyMap;
use crate::config::DatabaseConfig;
use crate::config::conn::ConnParams;
use crate::db::migrate::{self, State};
use crate::db::pool::ConnectError;
use crate::db::pooler::{self, Pooler};
use crate::db::unnamed::Unnamed;
use crate::worker::read_target::{Choice, ReadRouter};
use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Arc;

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
    /// The config file's `[keys]`: which letters the menu keeps for itself.
    pub keys: HashMap<String, Vec<String>>,
    /// Where documents live and which storage mode is on.
    pub storage: String,
    /// `database.read_url`, resolved (or why it could not be).
    pub reads: Result<Option<Arc<ReadRouter>>, String>,
    /// `[database]`: the pool, the pooler setting, the statement timeout.
    pub database: DatabaseConfig,
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
    let _ = writeln!(out, "storage     {}", input.storage);
    let (keymap, key_problems) = KeyMap::new(&input.keys);
    problems.extend(key_problems);
    reads_section(&input, &mut out, &mut problems).await;
    let checked = match crate::db::pool::connect_one(&input.params).await {
        Err(e) => {
            let server = unconnected(&e, &input.params);
            let _ = writeln!(out, "server      {server}");
            // A server that turned the login down was reached: the problem
            // is the sign-in, not the connection.
            problems.push(if server == "unreachable" {
                format!("cannot connect: {e}")
            } else {
                format!("cannot sign in: the server is {server} ({e})")
            });
            None
        }
        Ok(client) => {
            let db = server_section(&client, &keymap, &mut out, &mut problems).await;
            pooler_section(&client, &input, &mut out, &mut problems).await;
            db
        }
    };
    // Said again at the end: the verdict is about one database, and the
    // first lines may have scrolled away.
    let db = checked.map_or(String::new(), |d| format!(" in database \"{d}\""));
    if problems.is_empty() {
        let _ = writeln!(out, "\nno problems found{db}");
    } else {
        let _ = writeln!(out, "\nproblems{db}:");
        for p in &problems {
            let _ = writeln!(out, "  - {p}");
        }
    }
    (out, problems.is_empty())
}

/// The server line when no connection was made: a server that answered and
/// turned the login down is not unreachable, and the fix is another
/// password, not a network.
fn unconnected(e: &ConnectError, params: &ConnParams) -> String {
    let ConnectError::Postgres { source, .. } = e else {
        return "unreachable".into();
    };
    match source.as_db_error() {
        // PgBouncer says it under 08P01, the server under 28P01.
        Some(db)
            if db.code() == &tokio_postgres::error::SqlState::INVALID_PASSWORD
                || db.message().contains("authentication failed") =>
        {
            format!("reachable, but it refused the password for {}", params.user)
        }
        Some(db) => format!("reachable, but it refused the login: {}", db.message()),
        // tokio-postgres's own refusal to go on without one.
        None if crate::worker::is_auth_error(source) => format!(
            "reachable, but it asks for a password for {} and none was given \
             (PGPASSWORD, ~/.pgpass or the keyring)",
            params.user
        ),
        None => "unreachable".into(),
    }
}

/// Where reads meant for a standby go now, and how far behind it is; a
/// read_url that is wrong or where no host fits is a problem.
async fn reads_section(input: &Input, out: &mut String, problems: &mut Vec<String>) {
    let router = match &input.reads {
        Ok(None) => return,
        Ok(Some(r)) => r,
        Err(e) => {
            let _ = writeln!(out, "reads       not usable");
            problems.push(e.clone());
            return;
        }
    };
    let _ = writeln!(out, "read_url    {}", router.describe());
    let primary = match crate::db::pool::build_pool(&input.params, &input.database) {
        Ok(p) => p,
        Err(e) => {
            problems.push(format!("reads: {e}"));
            return;
        }
    };
    // Why no host fits is said once, among the problems.
    match router.choice(&primary).await {
        Choice::NoHost { why } => {
            let _ = writeln!(
                out,
                "reads       the primary: no read host fits (see problems)"
            );
            problems.push(format!("database.read_url: {why}; reads go to the primary"));
        }
        _ => {
            let _ = writeln!(out, "reads       {}", router.report(&primary).await);
        }
    }
}

/// Whether a pooler is in between and what that turns off; a statement
/// timeout the configuration asks for but the session lacks is a problem.
async fn pooler_section(
    client: &tokio_postgres::Client,
    input: &Input,
    out: &mut String,
    problems: &mut Vec<String>,
) {
    let found = match pooler::detect(client, &input.params, input.database.pooler).await {
        Ok(p) => p,
        Err(e) => {
            problems.push(format!(
                "cannot tell whether a pooler is in between: {}",
                migrate::describe_pg_error(&e)
            ));
            return;
        }
    };
    let _ = writeln!(out, "pooler      {}", found.describe());
    let Some(wanted) = input.database.statement_timeout_ms else {
        return;
    };
    if found == Pooler::Direct {
        return;
    }
    // Behind a pooler the timeout is whatever the server gives the role.
    match client
        .fetch_one("SELECT current_setting('statement_timeout')", &[])
        .await
    {
        Ok(row) => {
            let has: String = row.get(0);
            let _ = writeln!(out, "            statement_timeout here: {has}");
            if has == "0" {
                problems.push(format!(
                    "database.statement_timeout_ms = {wanted} cannot be sent through a pooler and                      the server sets none for this role: ALTER ROLE … SET statement_timeout = {wanted}"
                ));
            }
        }
        Err(e) => problems.push(format!(
            "cannot read statement_timeout: {}",
            migrate::describe_pg_error(&e)
        )),
    }
}

/// The server's facts and caseload's state in the database; returns the
/// name of the database it checked (the server's word for it, which a
/// service file or a default may have chosen).
async fn server_section(
    client: &tokio_postgres::Client,
    keymap: &KeyMap,
    out: &mut String,
    problems: &mut Vec<String>,
) -> Option<String> {
    let q = client
        .fetch_one(
            "SELECT current_setting('server_version'), session_user::text, r.rolsuper, r.rolbypassrls, \
             EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tableowner = session_user), \
             current_database()::text \
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
            return None;
        }
    };
    let (version, role, superuser, bypass, owner): (String, String, bool, bool, bool) =
        (row.get(0), row.get(1), row.get(2), row.get(3), row.get(4));
    let db: String = row.get(5);
    let _ = writeln!(out, "server      PostgreSQL {version}");
    let tls = client
        .fetch_opt(
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
    let mut applied_any = false;
    match migrate::status(client, &migrate::embedded()).await {
        Err(e) => problems.push(format!("cannot read migration status: {e}")),
        Ok(rows)
            if rows
                .iter()
                .all(|r| r.state == State::Pending { last_error: None }) =>
        {
            // One line for a database that is not caseload's (yet), not one
            // per migration.
            let _ = writeln!(out, "migrations  none applied");
            problems.push(migrate::no_tables(&db));
        }
        Ok(rows) => {
            applied_any = true;
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
    if applied_any {
        menu_section(client, keymap, out, problems).await;
    }
    if let Ok(r) = client
        .fetch_one(
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
    Some(db)
}

/// Menu letters that would clash, in the widest menu (every visible item
/// with an approved tool: what an admin sees). The menu copes by giving the
/// later item another letter, but then the letter people were told about
/// opens something else.
async fn menu_section(
    client: &tokio_postgres::Client,
    keymap: &KeyMap,
    out: &mut String,
    problems: &mut Vec<String>,
) {
    let items = match crate::db::navigation::all_menu_items(client).await {
        Ok(items) => items,
        Err(e) => {
            problems.push(format!(
                "cannot read the navigation: {}",
                migrate::describe_pg_error(&e)
            ));
            return;
        }
    };
    let mut entries = crate::app::menu::build(&items);
    let clashes = crate::app::menu::settle(&mut entries, keymap);
    let n = entries.iter().filter(|e| e.is_item()).count();
    if clashes.is_empty() {
        let _ = writeln!(out, "menu        {n} items, no letter twice");
        return;
    }
    let _ = writeln!(
        out,
        "menu        {n} items, {} of them cannot have the letter they ask for",
        clashes.len()
    );
    for c in clashes {
        problems.push(format!("menu letter: {c}"));
    }
}
