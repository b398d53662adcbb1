//! The listener (issue 18): one connection of its own — never the pool's,
//! whose connections drop notifications and which the idle release hands
//! back — that hears what others write and is the heartbeat.
//!
//! - `listen` mode: `LISTEN caseload_changes` (0034); payloads heard within
//!   `coalesce` of the first become one `Msg::Changed`. A `SELECT 1` every
//!   `heartbeat` (bounded by the same time) tells a dead server from a
//!   quiet one.
//! - `poll` mode, where LISTEN cannot work (a transaction-mode pooler): every
//!   `poll` the write counters of the watched tables (`pg_stat_user_tables`,
//!   table-level numbers every login may read, no rows), and a changed
//!   counter is a change of that table's rows, unnamed. The poll is the
//!   heartbeat.
//!
//! Losing the connection says `Msg::Link { online: false }` once, with the
//! time; it is retried with backoff (1 s doubling to 10 s); once back it says
//! `Msg::Link { online: true }` and sends `Changes::everything()`, since
//! whatever was written meanwhile went unheard.

use crate::app::Msg;
use crate::config::ConnParams;
use crate::db::unnamed::Unnamed;
use crate::domain::live::{CHANNEL, Changes, Table};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio::sync::mpsc::UnboundedSender;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Listen,
    Poll,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub mode: Mode,
    /// How often the server is asked whether it is there (listen mode),
    /// and how long it has to answer.
    pub heartbeat: Duration,
    /// How often poll mode looks.
    pub poll: Duration,
    /// Payloads heard within this of the first become one message.
    pub coalesce: Duration,
    /// `database.pooler` when the mode was not forced: listen mode looks
    /// on its connection and polls instead behind a transaction pooler
    /// (LISTEN needs a session of its own, which such a pooler never keeps).
    pub pooler: Option<crate::config::PoolerSetting>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            mode: Mode::Listen,
            heartbeat: Duration::from_secs(3),
            poll: Duration::from_secs(2),
            coalesce: Duration::from_millis(150),
            pooler: None,
        }
    }
}

/// Where the lead decides, from the connection settings and the config,
/// whether this connection can LISTEN: `forced` (`live.mode`) wins; `auto`
/// is listen until pooler detection (the PgBouncer work) says otherwise.
pub fn mode_for(_params: &ConnParams, forced: Option<Mode>) -> Mode {
    forced.unwrap_or(Mode::Listen)
}

/// `application_name` of the listening connection (psql: pg_stat_activity).
pub const APPLICATION_NAME: &str = "caseload live";

/// The connection settings as they are now (a typed password included).
pub type Params = Arc<dyn Fn() -> ConnParams + Send + Sync>;

/// Runs until `replies` closes; starts at the first `start.notify_one()`
/// (signed in), so a login that fails is not also reported offline.
pub async fn run(
    params: Params,
    settings: Settings,
    start: Arc<Notify>,
    replies: UnboundedSender<Msg>,
) {
    start.notified().await;
    let mut link = Link::default();
    let mut backoff = Duration::from_secs(1);
    let mut mode = settings.mode;
    loop {
        let p = params().with_application_name(APPLICATION_NAME);
        let ended = match mode {
            Mode::Listen => listen(&p, &settings, &replies, &mut link).await,
            Mode::Poll => poll(&p, &settings, &replies, &mut link).await,
        };
        match ended {
            Ended::Closed => return,
            Ended::Pooled => {
                tracing::info!("live refresh: behind a transaction pooler; polling instead");
                mode = Mode::Poll;
                continue;
            }
            Ended::Lost { was_up, why } => {
                tracing::warn!(%why, "live refresh: connection lost");
                if was_up {
                    backoff = Duration::from_secs(1);
                }
                if !link.down_reported {
                    link.down_reported = true;
                    let down = Msg::Link {
                        online: false,
                        at: now(),
                    };
                    if replies.send(down).is_err() {
                        return;
                    }
                }
            }
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(10));
        if replies.is_closed() {
            return;
        }
    }
}

/// What the listener has said of the server so far.
#[derive(Default)]
struct Link {
    down_reported: bool,
    connected_before: bool,
}

impl Link {
    /// Connected (again): back online if it was said to be down, and
    /// everything refetched if this is a reconnect.
    fn up(&mut self, replies: &UnboundedSender<Msg>) {
        if std::mem::take(&mut self.down_reported) {
            let _ = replies.send(Msg::Link {
                online: true,
                at: now(),
            });
        }
        if std::mem::replace(&mut self.connected_before, true) {
            let _ = replies.send(Msg::Changed {
                changes: Changes::everything(),
            });
        }
    }
}

/// A connection attempt gives up after this (a server that accepts and
/// never answers, or a connect_timeout left unset).
const CONNECT_WITHIN: Duration = Duration::from_secs(10);

enum Ended {
    /// Nobody listens to the replies any more.
    Closed,
    /// Reached through a transaction pooler: LISTEN would hear nothing.
    Pooled,
    Lost {
        was_up: bool,
        why: String,
    },
}

fn now() -> String {
    chrono::Local::now().format("%H:%M").to_string()
}

async fn listen(
    params: &ConnParams,
    s: &Settings,
    replies: &UnboundedSender<Msg>,
    link: &mut Link,
) -> Ended {
    let lost = |was_up: bool, why: String| Ended::Lost { was_up, why };
    let connecting = crate::db::pool::connect_listening(params);
    let (client, mut heard) = match tokio::time::timeout(CONNECT_WITHIN, connecting).await {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => return lost(false, e.to_string()),
        Err(_) => return lost(false, "no connection in time".into()),
    };
    if let Some(setting) = s.pooler {
        match crate::db::pooler::detect(&client, params, setting).await {
            Ok(found) if found.is_transaction() => return Ended::Pooled,
            Ok(_) => {}
            Err(e) => return lost(false, e.to_string()),
        }
    }
    let listening = tokio::time::timeout(
        s.heartbeat.max(Duration::from_secs(1)),
        client.batch_execute(&format!("LISTEN {CHANNEL}")),
    )
    .await;
    match listening {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return lost(false, e.to_string()),
        Err(_) => return lost(false, "LISTEN timed out".into()),
    }
    link.up(replies);
    let mut beat = tokio::time::interval(s.heartbeat);
    beat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    beat.reset();
    let mut pending = Changes::default();
    let mut due: Option<tokio::time::Instant> = None;
    loop {
        let flush_at =
            due.unwrap_or_else(|| tokio::time::Instant::now() + Duration::from_secs(3600));
        tokio::select! {
            n = heard.recv() => match n {
                Some(n) => {
                    if n.channel() == CHANNEL && pending.add_payload(n.payload()) && due.is_none() {
                        due = Some(tokio::time::Instant::now() + s.coalesce);
                    }
                }
                None => return lost(true, "the listening connection closed".into()),
            },
            _ = tokio::time::sleep_until(flush_at), if due.is_some() => {
                due = None;
                let changes = std::mem::take(&mut pending);
                if replies.send(Msg::Changed { changes }).is_err() {
                    return Ended::Closed;
                }
            }
            _ = beat.tick() => {
                match tokio::time::timeout(s.heartbeat, client.simple_query("SELECT 1")).await {
                    Ok(Ok(_)) => {}
                    Ok(Err(e)) => return lost(true, e.to_string()),
                    Err(_) => return lost(true, format!("no answer to the heartbeat in {:?}", s.heartbeat)),
                }
                if replies.is_closed() {
                    return Ended::Closed;
                }
            }
        }
    }
}

/// The counters of every watched table: inserts + updates + deletes.
const COUNTERS: &str = "SELECT relname::text, (n_tup_ins + n_tup_upd + n_tup_del)::bigint \
                        FROM pg_catalog.pg_stat_user_tables \
                        WHERE schemaname = 'public' AND relname = ANY($1)";

async fn counters(
    client: &tokio_postgres::Client,
    within: Duration,
) -> Result<HashMap<String, i64>, String> {
    let names: Vec<&str> = Table::ALL.iter().map(|t| t.name()).collect();
    match tokio::time::timeout(within, client.fetch(COUNTERS, &[&names])).await {
        Ok(Ok(rows)) => Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!("no answer to the poll in {within:?}")),
    }
}

async fn poll(
    params: &ConnParams,
    s: &Settings,
    replies: &UnboundedSender<Msg>,
    link: &mut Link,
) -> Ended {
    let lost = |was_up: bool, why: String| Ended::Lost { was_up, why };
    let client =
        match tokio::time::timeout(CONNECT_WITHIN, crate::db::pool::connect_one(params)).await {
            Ok(Ok(c)) => c,
            Ok(Err(e)) => return lost(false, e.to_string()),
            Err(_) => return lost(false, "no connection in time".into()),
        };
    let within = s.poll.max(Duration::from_secs(1));
    let mut seen = match counters(&client, within).await {
        Ok(c) => c,
        Err(why) => return lost(false, why),
    };
    link.up(replies);
    loop {
        tokio::time::sleep(s.poll).await;
        if replies.is_closed() {
            return Ended::Closed;
        }
        let now = match counters(&client, within).await {
            Ok(c) => c,
            Err(why) => return lost(true, why),
        };
        let changed: Vec<Table> = Table::ALL
            .into_iter()
            .filter(|t| now.get(t.name()) != seen.get(t.name()))
            .collect();
        seen = now;
        if !changed.is_empty()
            && replies
                .send(Msg::Changed {
                    changes: Changes::tables(changed),
                })
                .is_err()
        {
            return Ended::Closed;
        }
    }
}
