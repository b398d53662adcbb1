//! The missed-sessions list (every running intervention the role sees,
//! judged for last month, its widest period, worst 100) and My caseload (the role's students,
//! up to 500): the queries and their judging, as the bench's login role.
//! Information only: no target was set for them.

use crate::domain::missed::{MISSED_ROWS, Period};
use crate::domain::my_caseload::{CaseloadSort, MY_CASELOAD_ROWS};
use color_eyre::eyre::Result;
use deadpool_postgres::Pool;
use std::time::Instant;

pub const LABEL: &str = "missed sessions last month (worst 100) and my caseload (by name)";

pub struct ListTimes {
    /// Milliseconds per missed-sessions list, and the rows it had.
    pub missed: Vec<f64>,
    pub missed_rows: usize,
    /// Milliseconds per My caseload, and its students.
    pub my_caseload: Vec<f64>,
    pub my_caseload_rows: usize,
}

/// Interleaves the two, so both see the same machine load.
pub async fn measure(pool: &Pool, iterations: usize) -> Result<ListTimes> {
    let conn = pool.get().await?;
    let client: &tokio_postgres::Client = &conn;
    let today = crate::clock::today();
    let mut out = ListTimes {
        missed: Vec::with_capacity(iterations),
        missed_rows: 0,
        my_caseload: Vec::with_capacity(iterations),
        my_caseload_rows: 0,
    };
    for _ in 0..iterations {
        let t = Instant::now();
        // The widest span the list offers: a whole month.
        let span = Period::LastMonth.span(today);
        out.missed_rows = crate::db::missed::worst_in(client, span, today, MISSED_ROWS)
            .await?
            .len();
        out.missed.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        out.my_caseload_rows = crate::db::my_caseload::my_caseload(
            client,
            CaseloadSort::Name,
            today,
            MY_CASELOAD_ROWS,
        )
        .await?
        .students
        .len();
        out.my_caseload.push(t.elapsed().as_secs_f64() * 1e3);
    }
    Ok(out)
}
