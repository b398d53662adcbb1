//! Administration from the command line: people (`users`, `user_roles`) and
//! their PostgreSQL login roles, kept in step.

pub mod password;
pub mod users;

use crate::db::unnamed::Unnamed;
use tokio_postgres::GenericClient;

/// Builds a DDL statement on the server. DDL takes no bind parameters, so
/// the values travel as parameters to `format()`, which quotes them (%I for
/// identifiers, %L for literals); user input is never spliced into SQL here.
pub async fn build_ddl(
    client: &(impl GenericClient + Sync),
    template: &'static str,
    args: &[&str],
) -> Result<String, tokio_postgres::Error> {
    let args: Vec<&str> = args.to_vec();
    let row = client
        .fetch_one(
            "SELECT format($1::text, VARIADIC $2::text[])",
            &[&template, &args],
        )
        .await?;
    Ok(row.get(0))
}

/// `build_ddl`, then runs the statement.
pub async fn run_ddl(
    client: &(impl GenericClient + Sync),
    template: &'static str,
    args: &[&str],
) -> Result<(), tokio_postgres::Error> {
    let ddl = build_ddl(client, template, args).await?;
    client.batch_execute(&ddl).await
}

/// The SCRAM-SHA-256 verifier PostgreSQL stores for `password`. Computed
/// here so that the plaintext never reaches the server, whose statement log
/// and pg_stat_activity would otherwise show it.
pub fn scram_verifier(password: &str) -> String {
    postgres_protocol::password::scram_sha_256(password.as_bytes())
}
