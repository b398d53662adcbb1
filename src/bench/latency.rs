//! Keystroke → results painted, against the same query run bare.

use super::headless::Headless;
use crate::app::Effect;
use crate::app::roster::PAGE_SIZE;
use crate::db::students::PageRequest;
use color_eyre::eyre::{Result, eyre};
use crossterm::event::KeyCode;
use deadpool_postgres::Pool;
use futures::future::BoxFuture;
use std::time::Instant;

/// The query under test: the keystroke that asks for it and the same query
/// on a bare client. Today a roster page load; a search-as-you-type source
/// (typed prefixes of real names) plugs in here without touching the loop.
pub trait RosterSource: Sync {
    /// Says in the report which query was measured.
    fn label(&self) -> &'static str;
    fn key(&self, step: usize) -> KeyCode;
    /// Runs the query `key(step)` makes the app run; returns its row count.
    fn bare<'a>(
        &'a self,
        client: &'a tokio_postgres::Client,
        step: usize,
    ) -> BoxFuture<'a, Result<usize, tokio_postgres::Error>>;
}

/// Bottom, then top, and again: each jump leaves the loaded window, so each
/// keystroke loads a roster page (the last one, then the first one).
pub struct PageLoad;

impl PageLoad {
    fn request(step: usize) -> PageRequest {
        if step.is_multiple_of(2) {
            PageRequest::Last
        } else {
            PageRequest::First
        }
    }
}

impl RosterSource for PageLoad {
    fn label(&self) -> &'static str {
        "roster page load (End/Home, keyset page of 100; no search text yet)"
    }
    fn key(&self, step: usize) -> KeyCode {
        match Self::request(step) {
            PageRequest::Last => KeyCode::End,
            _ => KeyCode::Home,
        }
    }
    fn bare<'a>(
        &'a self,
        client: &'a tokio_postgres::Client,
        step: usize,
    ) -> BoxFuture<'a, Result<usize, tokio_postgres::Error>> {
        Box::pin(async move {
            let page = crate::db::roster::roster_page(
                client,
                &crate::db::roster::RosterQuery::default(),
                &Self::request(step),
                PAGE_SIZE,
            )
            .await?;
            Ok(page.rows.len())
        })
    }
}

pub struct Latency {
    /// Milliseconds from the key to the flushed frame showing the reply.
    pub painted: Vec<f64>,
    /// Milliseconds of the same query on a connection already in hand.
    pub bare: Vec<f64>,
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1e3
}

/// Interleaves the two, so both see the same machine load.
pub async fn measure(
    h: &mut Headless,
    pool: &Pool,
    source: &dyn RosterSource,
    iterations: usize,
) -> Result<Latency> {
    // From the first page, whatever earlier measurements left on screen:
    // with the window at the roster's end, End would load nothing.
    let effects = h.press(KeyCode::Home);
    h.settle(effects).await;
    let conn = pool.get().await?;
    let client: &tokio_postgres::Client = &conn;
    let mut out = Latency {
        painted: Vec::with_capacity(iterations),
        bare: Vec::with_capacity(iterations),
    };
    for step in 0..iterations {
        let t = Instant::now();
        source.bare(client, step).await?;
        out.bare.push(ms(t));

        let t = Instant::now();
        let effects = h.press(source.key(step));
        if !effects
            .iter()
            .any(|e| matches!(e, Effect::LoadRosterPage { .. }))
        {
            return Err(eyre!(
                "the keystroke loaded nothing: the roster fits in one window, too small to measure"
            ));
        }
        // As in the real loop: the worker runs the query while the key's own
        // frame is drawn.
        let running: Vec<_> = effects
            .into_iter()
            .map(|e| {
                let w = h.worker.clone();
                tokio::spawn(async move { w.execute(e).await })
            })
            .collect();
        h.draw()?;
        let mut follow = Vec::new();
        for task in running {
            if let Some(msg) = task.await? {
                follow.extend(h.apply(msg));
            }
        }
        h.draw()?;
        out.painted.push(ms(t));
        if let Some(err) = h.roster().and_then(|r| r.error.clone()) {
            return Err(eyre!("roster query failed: {err}"));
        }
        // Prefetches the reply asked for, outside the timing: the real loop
        // does not wait for them before painting.
        h.settle(follow).await;
    }
    Ok(out)
}
