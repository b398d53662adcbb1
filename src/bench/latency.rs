//! Keystroke → results painted, against the same query run bare.

use super::headless::Headless;
use crate::app::Effect;
use crate::app::Read;
use crate::app::roster::PAGE_SIZE;
use crate::db::unnamed::Unnamed;
use crate::domain::roster::PageRequest;
use color_eyre::eyre::{Result, eyre};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use deadpool_postgres::Pool;
use futures::future::BoxFuture;
use std::time::Instant;

/// The query under test: the keystroke that asks for it and the same query
/// on a bare client: search as you type ([`Search`]) or a page load
/// ([`PageLoad`]).
pub trait RosterSource: Sync {
    /// Says in the report which query was measured.
    fn label(&self) -> &'static str;
    /// Keys pressed (and settled) before the measured ones.
    fn setup(&self) -> Vec<KeyEvent> {
        Vec::new()
    }
    fn key(&self, step: usize) -> KeyEvent;
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
    fn key(&self, step: usize) -> KeyEvent {
        super::headless::key(match Self::request(step) {
            PageRequest::Last => KeyCode::End,
            _ => KeyCode::Home,
        })
    }
    fn bare<'a>(
        &'a self,
        client: &'a tokio_postgres::Client,
        step: usize,
    ) -> BoxFuture<'a, Result<usize, tokio_postgres::Error>> {
        Box::pin(async move {
            let page = crate::db::roster::roster_page(
                client,
                &crate::domain::roster::RosterQuery::default(),
                &Self::request(step),
                PAGE_SIZE,
            )
            .await?;
            Ok(page.rows.len())
        })
    }
}

/// Search as you type: `/`, then the surnames of real students (as this
/// login role sees them) typed a character at a time up to
/// [`Search::PREFIX`] characters, each name cleared with Ctrl-U (itself a
/// keystroke that reloads the unfiltered roster). Every keystroke changes
/// the search text, so every one supersedes the previous query.
pub struct Search {
    /// The search text after each step.
    texts: Vec<String>,
    keys: Vec<KeyEvent>,
}

impl Search {
    /// Characters typed of each name: past a handful, a name matches few
    /// rows and nobody types on.
    pub const PREFIX: usize = 6;

    /// Surnames sampled deterministically from what the role can see.
    pub async fn from_data(client: &tokio_postgres::Client, names: i64) -> Result<Search> {
        let names = surnames(client, names).await?;
        if names.is_empty() {
            return Err(eyre!(
                "no surnames to type: the roster is empty for this role"
            ));
        }
        Ok(Search::typing(&names))
    }

    pub fn typing(names: &[String]) -> Search {
        let mut s = Search {
            texts: Vec::new(),
            keys: Vec::new(),
        };
        for name in names {
            let mut typed = String::new();
            for c in name.chars().take(Self::PREFIX) {
                typed.push(c);
                s.texts.push(typed.clone());
                s.keys.push(super::headless::key(KeyCode::Char(c)));
            }
            s.texts.push(String::new());
            s.keys
                .push(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        }
        s
    }

    fn at(&self, step: usize) -> usize {
        step % self.keys.len().max(1)
    }
}

impl RosterSource for Search {
    fn label(&self) -> &'static str {
        "search as you type (prefixes of real surnames, up to 6 characters, then Ctrl-U)"
    }
    fn setup(&self) -> Vec<KeyEvent> {
        vec![super::headless::key(KeyCode::Char('/'))]
    }
    fn key(&self, step: usize) -> KeyEvent {
        let esc = super::headless::key(KeyCode::Esc);
        self.keys.get(self.at(step)).copied().unwrap_or(esc)
    }
    fn bare<'a>(
        &'a self,
        client: &'a tokio_postgres::Client,
        step: usize,
    ) -> BoxFuture<'a, Result<usize, tokio_postgres::Error>> {
        Box::pin(async move {
            let query = crate::domain::roster::RosterQuery {
                search: self.texts.get(self.at(step)).cloned().unwrap_or_default(),
                ..Default::default()
            };
            let page =
                crate::db::roster::roster_page(client, &query, &PageRequest::First, PAGE_SIZE)
                    .await?;
            Ok(page.rows.len())
        })
    }
}

/// Up to `n` surnames of students the connection's role sees, sampled
/// deterministically (by `md5`), letters only, at least three of them.
pub async fn surnames(
    client: &tokio_postgres::Client,
    n: i64,
) -> Result<Vec<String>, tokio_postgres::Error> {
    let rows = client
        .fetch(
            "SELECT last_name FROM (SELECT DISTINCT last_name FROM students \
               WHERE last_name ~ '^[[:alpha:]]{3,}$') n ORDER BY md5(last_name) LIMIT $1",
            &[&n],
        )
        .await?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// Presses `key` and times it until the page it asks for (the load
/// `is_page` picks) is applied and painted, as the real loop does: the
/// worker runs the queries while the key's own frame is drawn, and the
/// other loads (the count) run alongside and land afterwards. `None` when
/// the key asked for no page. Also returns what the replies asked for next
/// (prefetches), for the caller to settle outside the timing.
pub async fn painted(
    h: &mut Headless,
    key: KeyEvent,
    is_page: fn(&Read) -> bool,
) -> Result<Option<(f64, Vec<Effect>)>> {
    let t = Instant::now();
    let effects = h.apply(crate::app::Msg::Key(key));
    let asks = |e: &Effect| matches!(e, Effect::Load { read, .. } if is_page(read));
    if !effects.iter().any(asks) {
        return Ok(None);
    }
    let (page, others): (Vec<_>, Vec<_>) = effects.into_iter().partition(asks);
    let spawn = |e: Effect| {
        let w = h.worker.clone();
        tokio::spawn(async move { w.execute(e).await })
    };
    let page: Vec<_> = page.into_iter().map(spawn).collect();
    let others: Vec<_> = others.into_iter().map(spawn).collect();
    h.draw()?;
    let mut follow = Vec::new();
    for task in page {
        if let Some(msg) = task.await? {
            follow.extend(h.apply(msg));
        }
    }
    h.draw()?;
    let took = ms(t);
    for task in others {
        if let Some(msg) = task.await? {
            follow.extend(h.apply(msg));
        }
    }
    Ok(Some((took, follow)))
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
    for k in source.setup() {
        let effects = h.apply(crate::app::Msg::Key(k));
        h.settle(effects).await;
    }
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

        let is_page: fn(&Read) -> bool = |r| matches!(r, Read::RosterPage { .. });
        let Some((painted, follow)) = painted(h, source.key(step), is_page).await? else {
            return Err(eyre!(
                "the keystroke loaded nothing: the roster fits in one window, too small to measure"
            ));
        };
        out.painted.push(painted);
        if let Some(err) = h.roster().and_then(|r| r.error.clone()) {
            return Err(eyre!("roster query failed: {err}"));
        }
        // Prefetches the reply asked for, outside the timing: the real loop
        // does not wait for them before painting.
        h.settle(follow).await;
    }
    Ok(out)
}
