//! The roster by name on a connection already in hand: its first page and a
//! deep one. A keyset page costs one index seek wherever it starts, but only
//! if the ORDER BY and the cursor's row comparison match an index's order
//! (collation included): otherwise the deep page sorts everything before it.

use crate::app::roster::PAGE_SIZE;
use crate::domain::enums::GradeLevel;
use crate::domain::roster::{PageRequest, RosterCursor, RosterQuery};
use color_eyre::eyre::Result;
use deadpool_postgres::Pool;
use std::time::Instant;
use uuid::Uuid;

pub const LABEL: &str =
    "roster by name, bare SQL: the first page, and the page after \"M\" (keyset page of 100)";

pub struct NamePages {
    /// Milliseconds per first page.
    pub first: Vec<f64>,
    /// Milliseconds per page after [`deep_cursor`].
    pub deep: Vec<f64>,
}

/// Before every surname from "M" on: half-way through the alphabet, as
/// deep as a person paging gets. Only the name sort's keys matter.
pub fn deep_cursor() -> RosterCursor {
    RosterCursor {
        last_name: "M".into(),
        first_name: String::new(),
        id: Uuid::nil(),
        grade: GradeLevel::G06,
        school: String::new(),
        last_session: None,
    }
}

/// Interleaves the two, so both see the same machine load.
pub async fn measure(pool: &Pool, iterations: usize) -> Result<NamePages> {
    let conn = pool.get().await?;
    let client: &tokio_postgres::Client = &conn;
    let query = RosterQuery::default();
    let deep = PageRequest::After(deep_cursor());
    let mut out = NamePages {
        first: Vec::with_capacity(iterations),
        deep: Vec::with_capacity(iterations),
    };
    for _ in 0..iterations {
        for (request, samples) in [
            (&PageRequest::First, &mut out.first),
            (&deep, &mut out.deep),
        ] {
            let t = Instant::now();
            crate::db::roster::roster_page(client, &query, request, PAGE_SIZE).await?;
            samples.push(t.elapsed().as_secs_f64() * 1e3);
        }
    }
    Ok(out)
}
