//! `caseload soak`: many people at once against one server (issue 19).
//!
//! N headless clients in this process, each a real `app::update` and
//! worker (its own pool, outbox and drafts folder) signed in as its own
//! login role, live a compressed day: counselors reload their caseload
//! home, log sessions (the editor's context read, a note of realistic size,
//! the editor's own checks, the outbox) and contacts with families;
//! coordinators search the roster as they type and page through it. A
//! separate admin connection samples the server meanwhile. Afterwards every
//! acknowledged save is looked for in the database.

pub mod check;
pub mod client;
pub mod people;
pub mod pooler;
pub mod server;
pub mod tally;

use crate::config::{ConnParams, DatabaseConfig};
use crate::db::tls::Tls;
use crate::db::unnamed::Unnamed;
use crate::drafts::DraftStore;
use crate::worker::Worker;
use client::{Ack, Client};
use color_eyre::eyre::{Result, WrapErr, eyre};
use people::Kind;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tally::Tally;
use uuid::Uuid;

pub struct Options {
    pub clients: usize,
    pub duration: Duration,
    /// Mean think time between one client's actions.
    pub think: Duration,
    /// Sign-ins are spread over this long from the start (`None`: the
    /// first fifth of the run, at most 20 s).
    pub ramp: Option<Duration>,
    /// Where the clients connect (its user is replaced by each person's).
    pub target: ConnParams,
    /// A direct connection allowed to create login roles and read every
    /// row and pg_stat_activity: picks the people, samples the server and
    /// checks the saves.
    pub admin: ConnParams,
    /// Each client's pool (as a person's caseload would have it).
    pub database: DatabaseConfig,
    /// Where the clients' drafts and outboxes go (removed afterwards).
    pub scratch: PathBuf,
    /// Through a private PgBouncer (transaction mode) allowed this many
    /// server connections in all, instead of straight to `target`.
    pub pgbouncer: Option<u32>,
}

pub struct Report {
    pub target: String,
    pub clients: usize,
    pub counselors: usize,
    pub coordinators: usize,
    pub signed_in: usize,
    pub logins_created: usize,
    pub pool_size: usize,
    pub think: Duration,
    pub ramp: Duration,
    pub wall: Duration,
    pub tally: Tally,
    pub server: server::Peak,
    pub max_connections: Option<i64>,
    pub client_rss_end_kib: Option<u64>,
    pub client_hwm_kib: Option<u64>,
    pub sessions: Result<check::Saves, String>,
    pub contacts: Result<check::Saves, String>,
    pub pooler: Option<pooler::PoolerReport>,
}

/// "90", "90s", "2m", "500ms", "1h".
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(s.len());
    let (n, unit) = s.split_at(split);
    let n: f64 = n
        .parse()
        .map_err(|_| format!("{s:?} is not a duration (e.g. 90s, 5m, 500ms)"))?;
    let secs = match unit.trim() {
        "" | "s" => n,
        "ms" => n / 1e3,
        "m" | "min" => n * 60.0,
        "h" => n * 3600.0,
        other => return Err(format!("unknown unit {other:?} in {s:?} (ms, s, m or h)")),
    };
    Duration::try_from_secs_f64(secs).map_err(|_| format!("{s:?} is out of range"))
}

pub async fn run(opts: Options) -> Result<Report> {
    let admin_params = opts
        .admin
        .clone()
        .with_application_name("caseload soak (admin)");
    let mut admin = crate::db::pool::connect_one(&admin_params)
        .await
        .wrap_err("the admin connection (--admin-url) failed")?;
    let people = people::pick(&admin, opts.clients).await?;
    let logins_created = people::give_logins(&mut admin, &people)
        .await
        .wrap_err("giving the people login roles (the admin connection needs CREATEROLE)")?;
    let max_connections: Option<i64> = admin
        .fetch_one("SELECT current_setting('max_connections')::bigint", &[])
        .await
        .ok()
        .map(|r| r.get(0));
    let run = Uuid::new_v4().simple().to_string()[..8].to_string();
    let scratch = opts.scratch.join(format!("soak-{run}"));
    let (bouncer, target, pooler) = match opts.pgbouncer {
        Some(max) => {
            let users = people.iter().map(|p| p.username.clone()).collect();
            let (b, via, report) =
                pooler::start(&opts.target, users, max, opts.database.pool_max_size)?;
            (Some(b), via, Some(report))
        }
        None => (None, opts.target.clone(), None),
    };
    let tls = Tls::for_params(&target)?;

    let counselors = people.iter().filter(|p| p.kind == Kind::Counselor).count();
    let coordinators = people.len() - counselors;
    let mut clients = Vec::with_capacity(people.len());
    for (i, person) in people.into_iter().enumerate() {
        let mut params = target.clone().with_application_name("caseload soak");
        params.user = person.username.clone();
        let pool = crate::db::pool::build_pool_with_tls(&params, &opts.database, &tls)?;
        let store = DraftStore::open(&scratch.join(i.to_string()))
            .wrap_err_with(|| format!("the scratch folder {}", scratch.display()))?;
        // Credentials as the terminal has them: the worker then notices a
        // pooler at sign-in and behaves behind it as a person's would.
        let creds = crate::worker::Credentials {
            params,
            db: opts.database.clone(),
            store: Arc::new(crate::config::keyring::MemoryKeyring::default()),
        };
        let worker = Worker::new(pool.clone(), tls.clone())
            .with_drafts(Arc::new(store))
            .with_credentials(creds);
        let (replies_tx, replies) = tokio::sync::mpsc::unbounded_channel();
        let effects = crate::worker::spawn_worker(worker, replies_tx);
        clients.push((Client::new(person, i, &run, effects, replies), pool));
    }

    let stop = Arc::new(AtomicBool::new(false));
    let sampler = tokio::spawn(server::sample(
        Arc::new(admin),
        server::is_local(&opts.admin.host),
        Duration::from_millis(500),
        stop.clone(),
    ));
    let started = Instant::now();
    let deadline = tokio::time::Instant::now() + opts.duration;
    // Sign-ins spread over the first part of the run, as a morning's are.
    let ramp = opts
        .ramp
        .unwrap_or_else(|| (opts.duration / 5).min(Duration::from_secs(20)))
        .min(opts.duration);
    let n = clients.len().max(1) as u32;
    let tasks: Vec<_> = clients
        .into_iter()
        .enumerate()
        .map(|(i, (mut c, pool))| {
            let think = opts.think;
            let delay = ramp / n * i as u32;
            tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                day(&mut c, &pool, think, deadline).await;
                c
            })
        })
        .collect();
    let mut tally = Tally::default();
    let mut sessions: Vec<Ack> = Vec::new();
    let mut contacts: Vec<Ack> = Vec::new();
    let mut signed_in = 0;
    for t in tasks {
        let c = t.await.map_err(|e| eyre!("a client stopped: {e}"))?;
        signed_in += usize::from(c.tally.samples.contains_key(SIGN_IN));
        sessions.extend(c.sessions.iter().cloned());
        contacts.extend(c.contacts.iter().cloned());
        tally.merge(c.tally);
    }
    let wall = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let server = sampler.await.unwrap_or_default();
    let client_rss_end_kib = server::proc_status_kib("self", "VmRSS");
    let client_hwm_kib = server::proc_status_kib("self", "VmHWM");
    let pooler = bouncer
        .as_ref()
        .zip(pooler)
        .map(|(b, r)| pooler::finish(b, r));
    drop(bouncer);

    let admin = crate::db::pool::connect_one(&admin_params).await?;
    let sessions = check::sessions(&admin, &run, &sessions)
        .await
        .map_err(|e| crate::db::pool::with_causes(&e));
    let contacts = check::contacts(&admin, &run, &contacts)
        .await
        .map_err(|e| crate::db::pool::with_causes(&e));
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(Report {
        target: opts.target.display_masked(),
        clients: opts.clients,
        counselors,
        coordinators,
        signed_in,
        logins_created,
        pool_size: opts.database.pool_max_size,
        think: opts.think,
        ramp,
        wall,
        tally,
        server,
        max_connections,
        client_rss_end_kib,
        client_hwm_kib,
        sessions,
        contacts,
        pooler,
    })
}

const SIGN_IN: &str = "sign in -> first screen";

/// One person's day: sign in, then act and think until the deadline.
async fn day(
    c: &mut Client,
    pool: &deadpool_postgres::Pool,
    think: Duration,
    deadline: tokio::time::Instant,
) {
    match c.sign_in().await {
        Ok(ms) => c.tally.sample(SIGN_IN, ms),
        Err(why) => return c.tally.error("sign in", &why),
    }
    if c.person.kind == Kind::Coordinator {
        // The names this coordinator would type: what they see.
        match pool.get().await {
            Ok(conn) => match crate::bench::latency::surnames(&conn, 30).await {
                Ok(names) => c.names = names,
                Err(e) => c.tally.error("sign in", &e.to_string()),
            },
            Err(e) => c.tally.error("sign in", &e.to_string()),
        }
    }
    while tokio::time::Instant::now() < deadline {
        let pause = c.think(think);
        tokio::time::sleep_until((tokio::time::Instant::now() + pause).min(deadline)).await;
        if tokio::time::Instant::now() >= deadline {
            break;
        }
        c.act().await;
    }
    // Counts and prefetches still on their way land before the client ends.
    c.settle(Duration::from_millis(500)).await;
}

fn kib(v: Option<u64>) -> String {
    v.map_or_else(
        || "not measured".into(),
        |k| format!("{:.1} MiB", k as f64 / 1024.0),
    )
}

fn saves(name: &str, s: &Result<check::Saves, String>) -> String {
    match s {
        Ok(s) => format!(
            "{name}: {} acknowledged, {} in the database exactly once, {} lost, {} duplicated; \
             {} saved without the client hearing back",
            s.acknowledged, s.exactly_once, s.missing, s.duplicated, s.unacknowledged
        ),
        Err(e) => format!("{name}: not checked: {e}"),
    }
}

pub fn format(r: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "target        {}", r.target);
    let _ = writeln!(
        s,
        "clients       {} ({} counselors and interventionists, {} coordinators; {} signed in; {} login roles created), \
         pool of up to {} connections each",
        r.clients, r.counselors, r.coordinators, r.signed_in, r.logins_created, r.pool_size
    );
    let _ = writeln!(
        s,
        "run           {:.1} s wall, sign-ins spread over the first {:.0} s, think time {:.1} s on \
         average between a client's actions; {}",
        r.wall.as_secs_f64(),
        r.ramp.as_secs_f64(),
        r.think.as_secs_f64(),
        crate::bench::load_note()
    );
    let _ = writeln!(
        s,
        "\n{:<34} {:>7} {:>9} {:>9} {:>9} {:>9}",
        "action", "count", "p50 ms", "p95 ms", "p99 ms", "max ms"
    );
    for (name, samples) in &r.tally.samples {
        let mut sorted = samples.clone();
        sorted.sort_by(f64::total_cmp);
        let p = |q| crate::bench::stats::percentile(&sorted, q).unwrap_or(f64::NAN);
        let _ = writeln!(
            s,
            "{:<34} {:>7} {:>9.1} {:>9.1} {:>9.1} {:>9.1}",
            name,
            sorted.len(),
            p(50.0),
            p(95.0),
            p(99.0),
            sorted.last().copied().unwrap_or(f64::NAN)
        );
    }
    let secs = r.wall.as_secs_f64().max(f64::MIN_POSITIVE);
    let _ = writeln!(
        s,
        "\nactions       {} in {:.0} s: {:.1} per second",
        r.tally.actions(),
        secs,
        r.tally.actions() as f64 / secs
    );
    if r.tally.errors.is_empty() {
        let _ = writeln!(s, "errors        0");
    } else {
        let _ = writeln!(
            s,
            "errors        {} (by kind, as the person was told):",
            r.tally.error_count()
        );
        for (kind, n) in &r.tally.errors {
            let _ = writeln!(s, "  {n:>6}  {kind}");
        }
    }
    let _ = writeln!(
        s,
        "server        peak {} connections to this database ({} running a statement at once), \
         max_connections {}; {} samples{}",
        r.server.connections,
        r.server.active,
        r.max_connections
            .map_or_else(|| "?".into(), |m| m.to_string()),
        r.server.samples,
        if r.server.failures > 0 {
            format!(", {} failed", r.server.failures)
        } else {
            String::new()
        }
    );
    if let Some(p) = &r.pooler {
        let _ = writeln!(
            s,
            "pooler        PgBouncer, transaction mode: at most {} server connections in all \
             (max_db_connections), {} per person, idle ones closed after {} s; its memory \
             (VmRSS) {} at the end; {}",
            p.max_server_connections,
            p.per_person_pool,
            p.server_idle_timeout,
            kib(p.rss_kib),
            if p.problems.is_empty() {
                "no warnings or errors in its log".to_string()
            } else {
                "its log's warnings and errors:".to_string()
            }
        );
        for (n, text) in &p.problems {
            let _ = writeln!(s, "  {n:>6}  {text}");
        }
    }
    let _ = writeln!(
        s,
        "server memory backends' private memory (sum of RssAnon) peak {}; sum of VmRSS peak {} \
         (counts shared buffers once per backend)",
        kib(r.server.anon_kib),
        kib(r.server.rss_kib)
    );
    let _ = writeln!(
        s,
        "client memory this process (all clients): VmRSS {} at the end, {} peak sampled, VmHWM {}",
        kib(r.client_rss_end_kib),
        kib(r.server.client_rss_kib),
        kib(r.client_hwm_kib)
    );
    let _ = writeln!(s, "{}", saves("sessions", &r.sessions));
    let _ = writeln!(s, "{}", saves("contacts", &r.contacts));
    s
}

/// Saves lost or written twice: the run failed whatever its speed.
pub fn lost_any(r: &Report) -> bool {
    [&r.sessions, &r.contacts]
        .iter()
        .any(|s| s.as_ref().map_or(true, |s| s.missing + s.duplicated > 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_as_people_write_them() {
        assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("5 parsecs").is_err());
    }
}
