//! `caseload bench --only jobs`: noop jobs per second through two workers
//! (two pools, as two processes would have), each running two at a time,
//! from a queue filled beforehand to the last job recorded `succeeded`.

use crate::db::unnamed::Unnamed;
use std::sync::Arc;
use std::time::Instant;

use color_eyre::eyre::{Result, WrapErr, eyre};

use crate::config::{ConnParams, DatabaseConfig};
use crate::db::pool;
use crate::jobs::{Registry, runner};

pub async fn run(params: &ConnParams, db: &DatabaseConfig, jobs: u32) -> Result<String> {
    let mut owner = pool::connect_one(params).await?;
    // An empty database is fine: the jobs table is all this needs.
    crate::db::migrate::run(&mut owner, &crate::db::migrate::embedded())
        .await
        .wrap_err("migrating before the benchmark")?;
    let tag = uuid::Uuid::new_v4().to_string();
    owner
        .exec(
            "INSERT INTO public.jobs (kind, payload) \
             SELECT 'noop', jsonb_build_object('bench', $1::text, 'n', i) \
             FROM generate_series(1, $2::int4) i",
            &[&tag, &(jobs as i32)],
        )
        .await
        .wrap_err(
            "enqueueing the benchmark's jobs (run it as the database owner or a superuser, \
             which may also call the caseload_worker_* functions)",
        )?;
    let mut cfg = db.clone();
    cfg.pool_max_size = 4;
    let start = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..2 {
        let tls = crate::db::tls::Tls::for_params(params)?;
        let pool = pool::build_pool_with_tls(params, &cfg, &tls)?;
        let mut opts = runner::Options::new(runner::default_id());
        opts.once = true;
        opts.concurrency = 2;
        let wake = Arc::new(tokio::sync::Notify::new());
        workers.push(tokio::spawn(runner::run(
            pool,
            Registry::builtin(),
            opts,
            wake,
            std::future::pending(),
        )));
    }
    let mut per_worker = Vec::new();
    for w in workers {
        let s = w.await.map_err(|e| eyre!("a worker stopped: {e}"))??;
        per_worker.push(s.succeeded);
    }
    let elapsed = start.elapsed().as_secs_f64();
    let row = owner
        .fetch_one(
            "SELECT count(*) FILTER (WHERE status = 'succeeded'), count(*) \
             FROM public.jobs WHERE payload->>'bench' = $1",
            &[&tag],
        )
        .await?;
    let (done, all): (i64, i64) = (row.get(0), row.get(1));
    owner
        .exec(
            "DELETE FROM public.jobs WHERE payload->>'bench' = $1",
            &[&tag],
        )
        .await?;
    Ok(format!(
        "jobs throughput: {done} of {all} noop jobs succeeded in {elapsed:.2} s = {:.0} jobs/s \
         with two workers (concurrency 2 each; {} and {} jobs) on {}\n",
        done as f64 / elapsed,
        per_worker.first().copied().unwrap_or(0),
        per_worker.get(1).copied().unwrap_or(0),
        params.display_masked()
    ))
}
