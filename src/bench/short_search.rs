//! Search as you type on its first one and two letters, bare SQL on a
//! connection in hand: the server-bound case for someone who sees the whole
//! district (issue 19). No trigram index answers a token this short, so
//! the page is found by walking the name index (0035 made that walk
//! index-only).

use crate::app::roster::PAGE_SIZE;
use crate::domain::roster::{PageRequest, RosterQuery};
use color_eyre::eyre::{Result, eyre};
use deadpool_postgres::Pool;
use std::time::Instant;

pub const LABEL: &str = "search on one and two letters, bare SQL: the first letter and the first \
     two of 20 real surnames (folded, as typed), first page of 100";

/// The searches, in the order measured: each surname's first letter, then
/// its first two.
pub fn prefixes(names: &[String]) -> Vec<String> {
    let mut out = Vec::with_capacity(names.len() * 2);
    for name in names {
        let lower = name.to_lowercase();
        for n in [1, 2] {
            let p: String = lower.chars().take(n).collect();
            if p.chars().count() == n {
                out.push(p);
            }
        }
    }
    out
}

/// Milliseconds per page, cycling through [`prefixes`] of 20 surnames the
/// role sees.
pub async fn measure(pool: &Pool, iterations: usize) -> Result<Vec<f64>> {
    let conn = pool.get().await?;
    let client: &tokio_postgres::Client = &conn;
    let searches = prefixes(&super::latency::surnames(client, 20).await?);
    if searches.is_empty() {
        return Err(eyre!(
            "no surnames to type: the roster is empty for this role"
        ));
    }
    let mut out = Vec::with_capacity(iterations);
    for i in 0..iterations {
        let query = RosterQuery {
            search: searches[i % searches.len()].clone(),
            ..Default::default()
        };
        let t = Instant::now();
        crate::db::roster::roster_page(client, &query, &PageRequest::First, PAGE_SIZE).await?;
        out.push(t.elapsed().as_secs_f64() * 1e3);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_and_two_letters_of_each_name() {
        let names = ["García".to_string(), "Ó".to_string()];
        assert_eq!(prefixes(&names), ["g", "ga", "ó"]);
    }
}
