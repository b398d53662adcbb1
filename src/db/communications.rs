//! The communication log: every contact the person may see (row-level
//! security decides which), newest first, keyset-paged on
//! `(occurred_at, id)` in both directions, never OFFSET, so rows logged
//! meanwhile neither repeat nor hide a row.

use crate::db::interventions::detail::student_name;
use crate::db::roster::Params;
use crate::db::unnamed::Unnamed;
use crate::domain::contact_log::{
    ContactFilters, ContactPage, ContactPageRequest, ContactRow, FollowUpState,
};
use crate::domain::roster::search_tokens;
use chrono::NaiveDate;
use tokio_postgres::{GenericClient, Row};

const COLUMNS: &str = concat!(
    "c.id, c.occurred_at, c.student_id, ",
    student_name!(),
    ", c.intervention_id, NULLIF(btrim(g.first_name || ' ' || g.last_name), ''), c.channel, \
     c.direction, c.result, c.purpose, c.follow_up_due, c.follow_up_done_at IS NOT NULL"
);

const FROM: &str = "FROM communication_log c JOIN students s ON s.id = c.student_id \
     LEFT JOIN student_guardians g ON g.id = c.guardian_id";

fn row(r: &Row) -> ContactRow {
    let due: Option<NaiveDate> = r.get(10);
    let done: bool = r.get(11);
    ContactRow {
        id: r.get(0),
        occurred_at: r.get(1),
        student_id: r.get(2),
        student_name: r.get(3),
        intervention_id: r.get(4),
        guardian: r.get(5),
        channel: r.get(6),
        direction: r.get(7),
        result: r.get(8),
        purpose: r.get(9),
        follow_up: match (due, done) {
            (_, true) => FollowUpState::Done,
            (Some(due), false) => FollowUpState::Open { due },
            (None, false) => FollowUpState::None,
        },
    }
}

/// The WHERE terms of the filters (without the keyset).
fn conditions(f: &ContactFilters, p: &mut Params) -> Vec<String> {
    let mut w = Vec::new();
    for token in search_tokens(f.student.as_deref().unwrap_or("")) {
        // Names and local ids, folded as the roster's search folds them.
        let t = p.bind(token.to_string());
        w.push(format!("s.search_text LIKE caseload_like_contains({t})"));
    }
    if let Some(ch) = f.channel {
        w.push(format!("c.channel = {}", p.bind(ch.as_str().to_string())));
    }
    if let Some(r) = f.result {
        w.push(format!("c.result = {}", p.bind(r.as_str().to_string())));
    }
    // Days in the server's time zone, as the log shows them.
    if let Some(from) = f.from {
        w.push(format!("c.occurred_at >= {}::date", p.bind(from)));
    }
    if let Some(to) = f.to {
        w.push(format!("c.occurred_at < {}::date + 1", p.bind(to)));
    }
    if f.open_follow_up {
        w.push("c.follow_up_due IS NOT NULL AND c.follow_up_done_at IS NULL".into());
    }
    if f.mine {
        w.push(
            "(c.staff_id = caseload_current_user_id() \
              OR c.follow_up_owner = caseload_current_user_id())"
                .into(),
        );
    }
    w
}

/// The query of one page, its parameters, and whether it runs oldest
/// first (its rows are then turned around).
fn page_sql(f: &ContactFilters, page: ContactPageRequest, limit: i64) -> (String, Params, bool) {
    let mut p = Params::default();
    let mut w = conditions(f, &mut p);
    let ascending = match page {
        ContactPageRequest::Newest => false,
        ContactPageRequest::Oldest => true,
        ContactPageRequest::Older(at) => {
            let (t, id) = (p.bind(at.occurred_at), p.bind(at.id));
            w.push(format!("(c.occurred_at, c.id) < ({t}, {id})"));
            false
        }
        ContactPageRequest::Newer(at) => {
            let (t, id) = (p.bind(at.occurred_at), p.bind(at.id));
            w.push(format!("(c.occurred_at, c.id) > ({t}, {id})"));
            true
        }
    };
    let dir = if ascending { "ASC" } else { "DESC" };
    let lim = p.bind(limit.saturating_add(1));
    let wh = if w.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", w.join(" AND "))
    };
    let sql = format!(
        "SELECT {COLUMNS} {FROM} {wh} ORDER BY c.occurred_at {dir}, c.id {dir} LIMIT {lim}"
    );
    (sql, p, ascending)
}

/// One page of at most `limit` contacts, newest first.
pub async fn page(
    client: &(impl GenericClient + Sync),
    f: &ContactFilters,
    page: ContactPageRequest,
    limit: i64,
) -> Result<ContactPage, tokio_postgres::Error> {
    let (sql, p, ascending) = page_sql(f, page, limit);
    let found = client.fetch(&sql, &p.refs()).await?;
    let beyond = i64::try_from(found.len()).unwrap_or(i64::MAX) > limit;
    let mut rows: Vec<ContactRow> = found
        .iter()
        .take(usize::try_from(limit).unwrap_or(0))
        .map(row)
        .collect();
    if ascending {
        rows.reverse();
    }
    let (newer, older) = match page {
        ContactPageRequest::Newest => (false, beyond),
        ContactPageRequest::Oldest => (beyond, false),
        ContactPageRequest::Older(_) => (true, beyond),
        ContactPageRequest::Newer(_) => (beyond, true),
    };
    Ok(ContactPage { rows, newer, older })
}
