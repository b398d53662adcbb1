//! The Interventions list (issue 14): its first page and a filter change,
//! keystroke → painted against the same page query on a connection in hand.

use super::headless::{Headless, key};
use super::latency::{Latency, painted};
use crate::app::roster::PAGE_SIZE;
use crate::app::{Read, Screen};
use crate::db::interventions::list::iv_page;
use crate::domain::iv_list::{IvPageRequest, IvQuery};
use color_eyre::eyre::{Result, eyre};
use crossterm::event::KeyCode;
use deadpool_postgres::Pool;
use std::time::Instant;

pub const LABEL: &str = "interventions list: first page (r reloads it: page of 100, next session \
     due) and a filter change (f, then u: each press the next status chip)";

pub struct IvLatency {
    pub first: Latency,
    pub filter: Latency,
}

fn is_page(r: &Read) -> bool {
    matches!(r, Read::IvPage { .. })
}

fn query(h: &Headless) -> Option<IvQuery> {
    match h.state.top() {
        Screen::IvList(l) => Some(l.query.clone()),
        _ => None,
    }
}

/// Opens the list from the menu target, as the menu does, then times each
/// keystroke interleaved with its bare query, so both see the same load.
pub async fn measure(h: &mut Headless, pool: &Pool, iterations: usize) -> Result<IvLatency> {
    let fx = crate::app::screens::open(
        &mut h.state,
        crate::app::screens::iv_list::TARGET,
        "Interventions".into(),
    );
    h.settle(fx).await;
    match h.state.top() {
        Screen::IvList(l) if !l.list.rows.is_empty() => {}
        Screen::IvList(l) => {
            return Err(eyre!(
                "the interventions list is empty for this role{}",
                l.error
                    .as_ref()
                    .map(|e| format!(": {e}"))
                    .unwrap_or_default()
            ));
        }
        _ => return Err(eyre!("the interventions list did not open")),
    }
    let conn = pool.get().await?;
    let client: &tokio_postgres::Client = &conn;
    let today = crate::clock::today();
    let mut out = IvLatency {
        first: Latency {
            painted: Vec::new(),
            bare: Vec::new(),
        },
        filter: Latency {
            painted: Vec::new(),
            bare: Vec::new(),
        },
    };
    for (into, filtering) in [(&mut out.first, false), (&mut out.filter, true)] {
        if filtering {
            let fx = h.press(KeyCode::Char('f'));
            h.settle(fx).await;
        }
        for _ in 0..iterations {
            let press = if filtering { 'u' } else { 'r' };
            let Some((ms, follow)) = painted(h, key(KeyCode::Char(press)), is_page).await? else {
                return Err(eyre!("'{press}' loaded no page"));
            };
            into.painted.push(ms);
            h.settle(follow).await;
            // The same query the key just ran, bare.
            let q = query(h).ok_or_else(|| eyre!("the list closed"))?;
            let t = Instant::now();
            iv_page(client, &q, &IvPageRequest::First, PAGE_SIZE, today).await?;
            into.bare.push(t.elapsed().as_secs_f64() * 1e3);
        }
    }
    Ok(out)
}
