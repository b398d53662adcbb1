//! Where a read meant for a standby goes (`database.read_url`): the first
//! host of the list that fits `target_session_attrs`, unless it is further
//! behind the primary than `max_standby_lag_secs`, or has not yet replayed
//! the person's own last save; then the primary (the worker's own pool).
//!
//! The hosts are asked what they are at most every [`RECHECK`], not per
//! read; a host that stops answering is dropped at once and asked again at
//! the next check. The person's own saves are followed by position: after
//! each write the worker notes the primary's WAL end (`note_write`), and a
//! standby serves reads again only once it has replayed that far.

use crate::app::Msg;
use crate::config::conn::{ReadTargets, SessionAttrs, host_port};
use crate::config::{DatabaseConfig, Password};
use crate::db::pool as db_pool;
use crate::db::standby::{self, Lsn};
use crate::db::tls::Tls;
use deadpool_postgres::{Object, Pool};
use std::sync::{Mutex, MutexGuard, OnceLock, RwLock};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedSender;

/// How long one look at the hosts holds.
pub const RECHECK: Duration = Duration::from_secs(3);

/// What the last look at the hosts found.
#[derive(Debug, Clone, PartialEq)]
pub enum Choice {
    /// Reads go to this host (index in the list).
    Host {
        index: usize,
        in_recovery: bool,
        lag_secs: Option<f64>,
    },
    /// The standby that fits is too far behind (or its lag is unknown).
    Lagging { index: usize, lag_secs: Option<f64> },
    /// No host fits, or none answers: why, per host.
    NoHost { why: String },
}

/// Where one read went.
pub enum Route {
    /// A connection to the read host, and the host's TLS settings (its
    /// cancel requests go there, not to the primary).
    Read(Box<Object>, Tls),
    /// The primary, and why (for the log).
    Primary(&'static str),
}

struct Seen {
    at: Option<Instant>,
    choice: Choice,
    /// The primary's WAL end after the person's last save; cleared once a
    /// standby is seen past it.
    must_see: Option<Lsn>,
    /// The last `Msg::ReadsFrom` note sent, so only changes are sent.
    said: Option<Option<String>>,
}

pub struct ReadRouter {
    targets: ReadTargets,
    db: DatabaseConfig,
    /// Per host, in the list's order.
    pools: RwLock<Vec<(Pool, Tls)>>,
    seen: Mutex<Seen>,
    /// One look at a time: reads that arrive meanwhile wait for it.
    looking: tokio::sync::Mutex<()>,
    notices: OnceLock<UnboundedSender<Msg>>,
}

impl std::fmt::Debug for ReadRouter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadRouter")
            .field("targets", &self.describe())
            .finish_non_exhaustive()
    }
}

impl ReadRouter {
    /// Builds a pool per host; opens no connection.
    pub fn new(targets: ReadTargets, db: &DatabaseConfig) -> Result<ReadRouter, String> {
        let pools = pools_for(&targets, db)?;
        Ok(ReadRouter {
            targets,
            db: db.clone(),
            pools: RwLock::new(pools),
            seen: Mutex::new(Seen {
                at: None,
                choice: Choice::NoHost {
                    why: "not checked yet".into(),
                },
                must_see: None,
                said: None,
            }),
            looking: tokio::sync::Mutex::new(()),
            notices: OnceLock::new(),
        })
    }

    /// Where `Msg::ReadsFrom` goes (the worker's reply channel).
    pub fn notify_to(&self, replies: UnboundedSender<Msg>) {
        let _ = self.notices.set(replies);
    }

    /// The hosts, for doctor and the log.
    pub fn describe(&self) -> String {
        self.targets.describe()
    }

    /// Signing in with another password: the read hosts get it too.
    pub fn use_password(&self, password: Option<Password>) -> Result<(), String> {
        let mut targets = self.targets.clone();
        for h in &mut targets.hosts {
            h.password = password.clone();
        }
        let pools = pools_for(&targets, &self.db)?;
        *self.pools.write().unwrap_or_else(|e| e.into_inner()) = pools;
        self.seen().at = None;
        Ok(())
    }

    fn seen(&self) -> MutexGuard<'_, Seen> {
        self.seen.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn pool(&self, index: usize) -> Option<(Pool, Tls)> {
        self.pools
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(index)
            .cloned()
    }

    /// What the last look found (looking first when it is stale).
    pub async fn choice(&self, primary: &Pool) -> Choice {
        self.look_if_stale(primary).await;
        self.seen().choice.clone()
    }

    /// After a write on `primary_conn` committed: reads of the person's
    /// own rows stay on the primary until a standby has replayed it.
    pub async fn note_write(&self, primary_conn: &tokio_postgres::Client) {
        match standby::current_lsn(primary_conn).await {
            Ok(Some(lsn)) => {
                let mut seen = self.seen();
                seen.must_see = Some(seen.must_see.map_or(lsn, |m| m.max(lsn)));
            }
            Ok(None) => {}
            // Not a primary (or no answer): a save there is not waited for.
            Err(e) => tracing::debug!(error = %e, "no WAL position after a write"),
        }
    }

    /// A connection for one read meant for the standby, or the primary.
    pub async fn route(&self, primary: &Pool) -> Route {
        self.look_if_stale(primary).await;
        let choice = self.seen().choice.clone();
        let (index, in_recovery) = match choice {
            Choice::Host {
                index, in_recovery, ..
            } => (index, in_recovery),
            Choice::Lagging { .. } => return Route::Primary("the standby is behind"),
            Choice::NoHost { .. } => return Route::Primary("no read host"),
        };
        let Some((pool, tls)) = self.pool(index) else {
            return Route::Primary("no read host");
        };
        let conn = match self.get(&pool).await {
            Ok(c) => c,
            Err(why) => {
                let why = format!("{}: {why}", self.host(index));
                tracing::info!(%why, "read host lost; reads go to the primary");
                self.settle(Choice::NoHost { why });
                return Route::Primary("the read host stopped answering");
            }
        };
        let must_see = self.seen().must_see;
        if let (true, Some(wanted)) = (in_recovery, must_see) {
            match standby::replay(&conn).await {
                Ok(r) if r.lsn.is_some_and(|l| l >= wanted) => {
                    let mut seen = self.seen();
                    if seen.must_see == Some(wanted) {
                        seen.must_see = None;
                    }
                }
                Ok(_) => return Route::Primary("own save not replayed yet"),
                Err(_) => return Route::Primary("the read host stopped answering"),
            }
        }
        Route::Read(Box::new(conn), tls)
    }

    /// A read on the read host failed with its connection closed: reads go
    /// to the primary until the next look.
    pub fn lost(&self) {
        self.settle(Choice::NoHost {
            why: "the read host stopped answering".into(),
        });
    }

    async fn get(&self, pool: &Pool) -> Result<Object, String> {
        let limit = pool.timeouts().create.unwrap_or(Duration::from_secs(5)) + RECHECK;
        match tokio::time::timeout(limit, pool.get()).await {
            Ok(Ok(c)) => Ok(c),
            Ok(Err(e)) => Err(super::describe_pool_error(&e)),
            Err(_) => Err(format!("no connection after {}s", limit.as_secs())),
        }
    }

    fn host(&self, index: usize) -> String {
        self.targets
            .hosts
            .get(index)
            .map(host_port)
            .unwrap_or_default()
    }

    async fn look_if_stale(&self, primary: &Pool) {
        let fresh = |s: &Seen| s.at.is_some_and(|at| at.elapsed() < RECHECK);
        if fresh(&self.seen()) {
            return;
        }
        let _one = self.looking.lock().await;
        if fresh(&self.seen()) {
            return;
        }
        let choice = self.look(primary).await;
        self.settle(choice);
    }

    /// Records a choice, and says so on the status line when what is said
    /// changes.
    fn settle(&self, choice: Choice) {
        let note = self.note(&choice);
        let mut seen = self.seen();
        seen.at = Some(Instant::now());
        seen.choice = choice;
        if seen.said.as_ref() != Some(&note) {
            seen.said = Some(note.clone());
            if let Some(tx) = self.notices.get() {
                let _ = tx.send(Msg::ReadsFrom { note });
            }
        }
    }

    /// The status line's words for a choice: nothing while reads go where
    /// they were meant to.
    pub fn note(&self, choice: &Choice) -> Option<String> {
        match choice {
            // prefer-standby's fallback: the read host is a primary.
            Choice::Host {
                in_recovery: false, ..
            } if self.targets.attrs == SessionAttrs::PreferStandby => {
                Some("reads from the primary: no standby answers".into())
            }
            Choice::Host { .. } => None,
            Choice::Lagging { index, lag_secs } => Some(format!(
                "reads from the primary: standby {} is {} (limit {} s)",
                self.host(*index),
                match lag_secs {
                    Some(l) => format!("{l:.0} s behind"),
                    None => "behind by an unknown time".into(),
                },
                self.db.max_standby_lag_secs
            )),
            Choice::NoHost { .. } => Some("reads from the primary: no read host answers".into()),
        }
    }

    /// One look at every host, in order, as libpq's target_session_attrs.
    async fn look(&self, primary: &Pool) -> Choice {
        let attrs = self.targets.attrs;
        let mut whys = Vec::new();
        // prefer-standby's second choice: the first host that answered.
        let mut first_up: Option<(usize, Object, standby::Role)> = None;
        let mut found = None;
        for index in 0..self.targets.hosts.len() {
            let Some((pool, _)) = self.pool(index) else {
                break;
            };
            let conn = match self.get(&pool).await {
                Ok(c) => c,
                Err(why) => {
                    whys.push(format!("{}: {why}", self.host(index)));
                    continue;
                }
            };
            let role = match standby::role(&conn).await {
                Ok(r) => r,
                Err(e) => {
                    whys.push(format!(
                        "{}: {}",
                        self.host(index),
                        super::describe_pg_error(&e)
                    ));
                    continue;
                }
            };
            if attrs.accepts(role.in_recovery, role.read_only) {
                found = Some((index, conn, role));
                break;
            }
            whys.push(format!(
                "{}: {}",
                self.host(index),
                if role.in_recovery {
                    "a standby"
                } else {
                    "not a standby"
                }
            ));
            if first_up.is_none() {
                first_up = Some((index, conn, role));
            }
        }
        if found.is_none() && attrs == SessionAttrs::PreferStandby {
            found = first_up;
        }
        let Some((index, conn, role)) = found else {
            let why = format!(
                "none fits target_session_attrs={attrs} ({})",
                whys.join("; ")
            );
            tracing::info!(%why, "reads go to the primary");
            return Choice::NoHost { why };
        };
        if !role.in_recovery {
            return Choice::Host {
                index,
                in_recovery: false,
                lag_secs: Some(0.0),
            };
        }
        let replay = standby::replay(&conn).await;
        drop(conn);
        let primary_lsn = match self.get(primary).await {
            Ok(p) => standby::current_lsn(&p).await.ok().flatten(),
            Err(_) => None,
        };
        let lag = match replay {
            Ok(r) => standby::lag_secs(&r, primary_lsn),
            Err(_) => None,
        };
        match lag {
            Some(l) if l <= self.db.max_standby_lag_secs as f64 => Choice::Host {
                index,
                in_recovery: true,
                lag_secs: Some(l),
            },
            _ => {
                tracing::info!(host = %self.host(index), ?lag, "standby behind; reads go to the primary");
                Choice::Lagging {
                    index,
                    lag_secs: lag,
                }
            }
        }
    }

    /// doctor's line: where reads go now and why.
    pub async fn report(&self, primary: &Pool) -> String {
        let choice = self.choice(primary).await;
        match &choice {
            Choice::Host {
                index,
                in_recovery: true,
                lag_secs,
            } => format!(
                "standby {} ({} behind, limit {} s)",
                self.host(*index),
                lag_secs.map_or("unknown".into(), |l| format!("{l:.1} s")),
                self.db.max_standby_lag_secs
            ),
            Choice::Host { index, .. } => format!("{} (not a standby)", self.host(*index)),
            Choice::Lagging { .. } => self.note(&choice).unwrap_or_default(),
            Choice::NoHost { why } => format!("the primary: {why}"),
        }
    }
}

fn pools_for(targets: &ReadTargets, db: &DatabaseConfig) -> Result<Vec<(Pool, Tls)>, String> {
    targets
        .hosts
        .iter()
        .map(|h| {
            let tls = Tls::for_params(h).map_err(|e| e.to_string())?;
            let pool = db_pool::build_pool_with_tls(h, db, &tls).map_err(|e| e.to_string())?;
            Ok((pool, tls))
        })
        .collect()
}
