//! After the run: every save a client was told is in the database must be
//! there exactly once. Each note (session) or summary (contact) begins with
//! a line unique to its save (`soak <run> <client>-<kind>-<n>`), so a save
//! written twice under two ids shows up as a duplicate, and one written
//! without its client hearing back as "saved, not acknowledged" (allowed:
//! the client will be told when its outbox tries again).

use super::client::Ack;
use crate::db::unnamed::Unnamed;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Saves {
    pub acknowledged: usize,
    pub exactly_once: usize,
    /// Acknowledged, but not in the database: a lost save.
    pub missing: usize,
    /// Acknowledged, in the database more than once.
    pub duplicated: usize,
    /// In the database, never acknowledged.
    pub unacknowledged: usize,
}

/// `table` and `column` are this module's constants, never input.
async fn check(
    admin: &tokio_postgres::Client,
    table: &str,
    column: &str,
    run: &str,
    acks: &[Ack],
) -> Result<Saves, tokio_postgres::Error> {
    let sql =
        format!("SELECT id, split_part({column}, E'\\n', 1) FROM {table} WHERE {column} LIKE $1");
    let rows = admin.fetch(&sql, &[&format!("soak {run} %")]).await?;
    let mut by_marker: HashMap<String, Vec<Uuid>> = HashMap::new();
    for r in &rows {
        by_marker.entry(r.get(1)).or_default().push(r.get(0));
    }
    Ok(tally(&by_marker, acks))
}

fn tally(found: &HashMap<String, Vec<Uuid>>, acks: &[Ack]) -> Saves {
    let mut s = Saves {
        acknowledged: acks.len(),
        ..Saves::default()
    };
    let mut acked = HashSet::new();
    for a in acks {
        acked.insert(a.marker.as_str());
        match found.get(&a.marker).map(Vec::as_slice) {
            Some([id]) if *id == a.id => s.exactly_once += 1,
            Some([]) | None => s.missing += 1,
            // Under another id, or more than once.
            Some(_) => s.duplicated += 1,
        }
    }
    s.unacknowledged = found.keys().filter(|m| !acked.contains(m.as_str())).count();
    s
}

pub async fn sessions(
    admin: &tokio_postgres::Client,
    run: &str,
    acks: &[Ack],
) -> Result<Saves, tokio_postgres::Error> {
    check(admin, "intervention_sessions", "note", run, acks).await
}

pub async fn contacts(
    admin: &tokio_postgres::Client,
    run: &str,
    acks: &[Ack],
) -> Result<Saves, tokio_postgres::Error> {
    check(admin, "communication_log", "summary", run, acks).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ack(m: &str) -> Ack {
        Ack {
            id: Uuid::new_v4(),
            marker: m.into(),
        }
    }

    #[test]
    fn lost_twice_and_unheard_saves_are_told_apart() {
        let (a, b, c, d) = (
            ack("soak r 1-s-1"),
            ack("soak r 1-s-2"),
            ack("soak r 2-s-1"),
            ack("soak r 3-s-1"),
        );
        let mut found = HashMap::new();
        found.insert(a.marker.clone(), vec![a.id]);
        found.insert(b.marker.clone(), vec![b.id, Uuid::new_v4()]);
        // c is not there at all; d is there under another id.
        found.insert(d.marker.clone(), vec![Uuid::new_v4()]);
        found.insert("soak r 9-s-9".into(), vec![Uuid::new_v4()]);
        let s = tally(&found, &[a, b, c, d]);
        assert_eq!(
            s,
            Saves {
                acknowledged: 4,
                exactly_once: 1,
                missing: 1,
                duplicated: 2,
                unacknowledged: 1,
            }
        );
    }
}
