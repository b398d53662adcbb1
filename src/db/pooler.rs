//! Whether a transaction-mode connection pooler (PgBouncer) sits between
//! caseload and the server. Behind one, consecutive transactions may run on
//! different server connections, so nothing that lives in a session can be
//! relied on: LISTEN (live refresh polls instead), SET, advisory locks, temp
//! tables, startup options such as `statement_timeout`. Named prepared
//! statements are never used anywhere (`db::unnamed`), pooler or not.

use tokio_postgres::GenericClient;

use crate::config::{ConnParams, PoolerSetting};
use crate::db::unnamed::Unnamed;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pooler {
    /// Straight to the server: sessions are caseload's own.
    Direct,
    /// Behind a transaction-mode pooler (or something that must be treated
    /// as one): no session state outlives a transaction.
    Transaction(Why),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// `database.pooler = "transaction"`.
    Configured,
    /// The server listens on another port than the one dialled, so
    /// something forwards the connection.
    PortDiffers { dialled: u16, server: u16 },
}

/// What a transaction pooler turns off, for `doctor` and the log.
pub const TURNS_OFF: &str = "live refresh polls instead of LISTEN/NOTIFY; the statement \
     timeout is not sent when connecting (set it on the server: ALTER ROLE … SET \
     statement_timeout, or PgBouncer's connect_query); storage.mode = \"direct\" (a session \
     setting) does not work through it; migrations and `caseload worker` must connect to the \
     server directly";

/// The error text PgBouncer gives for startup options, which caseload sends
/// only for `database.statement_timeout_ms`.
const REFUSED_OPTIONS: &str = "unsupported startup parameter: options";

impl Pooler {
    pub fn is_transaction(&self) -> bool {
        matches!(self, Pooler::Transaction(_))
    }

    /// One line for `doctor`.
    pub fn describe(&self) -> String {
        match self {
            Pooler::Direct => "none (connected to the server directly)".to_string(),
            Pooler::Transaction(Why::Configured) => {
                format!("transaction pooling (database.pooler = \"transaction\"): {TURNS_OFF}")
            }
            Pooler::Transaction(Why::PortDiffers { dialled, server }) => format!(
                "transaction pooling assumed: the server listens on port {server}, caseload \
                 dialled {dialled}, so a pooler or proxy is in between (database.pooler = \"none\" \
                 if it is a plain port forward): {TURNS_OFF}"
            ),
        }
    }
}

/// Which pooler `params` reach, by `setting` or, for `auto`, by asking the
/// server which port it listens on (one query on `client`, a connection
/// made from `params`).
pub async fn detect(
    client: &(impl GenericClient + Sync),
    params: &ConnParams,
    setting: PoolerSetting,
) -> Result<Pooler, tokio_postgres::Error> {
    match setting {
        PoolerSetting::None => return Ok(Pooler::Direct),
        PoolerSetting::Transaction => return Ok(Pooler::Transaction(Why::Configured)),
        PoolerSetting::Auto => {}
    }
    let row = client
        .fetch_one("SELECT current_setting('port')::int", &[])
        .await?;
    let server = row.get::<_, i32>(0);
    Ok(judge(params.port, server))
}

/// Refuses `what` (`caseload migrate`, `caseload worker`) through a
/// transaction pooler: both need a session of their own (advisory locks
/// across statements, LISTEN, long transactions), which a pooler would
/// share. `database.pooler = "transaction"` is not taken as the answer
/// here: the same config may pass a direct `--database-url` for these
/// commands, so the server is asked; only `"none"` is trusted (a plain port
/// forward).
pub async fn require_direct(
    client: &(impl GenericClient + Sync),
    params: &ConnParams,
    setting: PoolerSetting,
    what: &str,
) -> Result<(), String> {
    if setting == PoolerSetting::None {
        return Ok(());
    }
    let row = client
        .fetch_one(
            "SELECT current_setting('port')::int, host(inet_server_addr())",
            &[],
        )
        .await
        .map_err(|e| {
            format!(
                "{what}: cannot tell whether a pooler is in between: {}",
                crate::db::migrate::describe_pg_error(&e)
            )
        })?;
    let (server, addr): (i32, Option<String>) = (row.get(0), row.get(1));
    match judge(params.port, server) {
        Pooler::Direct => Ok(()),
        Pooler::Transaction(_) => Err(through_pooler(what, params, server, addr.as_deref())),
    }
}

/// What to say when `what` was pointed at a pooler: that it connects to
/// PostgreSQL itself, and the connection that would do.
fn through_pooler(what: &str, params: &ConnParams, server: i32, addr: Option<&str>) -> String {
    // The address the pooler reached the server on, when it used TCP; the
    // host dialled otherwise (PgBouncer often runs beside the server).
    let host = addr.unwrap_or(&params.host);
    format!(
        "{what} connects to PostgreSQL directly, not through a connection pooler: {} reached \
         a server listening on port {server}, so a pooler (PgBouncer) is in between. Give it the \
         server's own address, e.g. --database-url \"host={host} port={server} user={} \
         dbname={}\" (or DATABASE_URL / PGHOST and PGPORT for this command); database.pooler = \
         \"none\" if the port only forwards",
        params.display_masked(),
        params.user,
        params.dbname
    )
}

fn judge(dialled: u16, server: i32) -> Pooler {
    match u16::try_from(server) {
        Ok(server) if server == dialled => Pooler::Direct,
        Ok(server) => Pooler::Transaction(Why::PortDiffers { dialled, server }),
        // Not a port at all: nothing to compare, so trust the direct path.
        Err(_) => Pooler::Direct,
    }
}

/// A sentence to add to a connection error when a pooler refused the
/// startup options caseload sent.
pub fn explain_refusal(message: &str) -> Option<&'static str> {
    message.contains(REFUSED_OPTIONS).then_some(
        "a connection pooler (PgBouncer) refused the statement timeout caseload sends when \
         connecting (database.statement_timeout_ms); set database.pooler = \"transaction\" and \
         set the timeout on the server (ALTER ROLE … SET statement_timeout)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_port_other_than_the_dialled_one_means_a_pooler() {
        assert_eq!(judge(5432, 5432), Pooler::Direct);
        assert_eq!(
            judge(6432, 5432),
            Pooler::Transaction(Why::PortDiffers {
                dialled: 6432,
                server: 5432
            })
        );
        assert!(judge(6432, 5432).describe().contains("LISTEN"));
        assert_eq!(judge(5432, -1), Pooler::Direct);
    }

    #[test]
    fn the_pooler_refusal_names_the_servers_port_and_a_direct_url() {
        let params = crate::config::conn::resolve(
            Some("host=db.example port=6432 user=ops dbname=district"),
            &|_| None,
            None,
        )
        .unwrap();
        let said = through_pooler("caseload migrate", &params, 5432, Some("10.0.0.5"));
        assert!(
            said.starts_with("caseload migrate connects to PostgreSQL directly"),
            "{said}"
        );
        assert!(
            said.contains("--database-url \"host=10.0.0.5 port=5432 user=ops dbname=district\""),
            "{said}"
        );
        let said = through_pooler("caseload worker", &params, 5432, None);
        assert!(said.contains("host=db.example port=5432"), "{said}");
    }

    #[test]
    fn pgbouncers_refusal_is_explained() {
        let msg = "db error: FATAL: unsupported startup parameter: options";
        assert!(explain_refusal(msg).unwrap().contains("database.pooler"));
        assert_eq!(explain_refusal("password authentication failed"), None);
    }
}
