//! What a server says about itself for read routing: whether it is a
//! standby, how far it has replayed, where the primary's WAL ends. Every
//! function here is callable by any login role (no table, no privilege),
//! and goes through unnamed statements, so a pooler in between is fine.

use std::fmt;
use tokio_postgres::Client;

/// A WAL position (`pg_lsn`), compared as the server compares them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Lsn(pub u64);

impl Lsn {
    /// `16/B374D848`, as `pg_lsn` prints.
    pub fn parse(s: &str) -> Option<Lsn> {
        let (hi, lo) = s.split_once('/')?;
        let hi = u64::from_str_radix(hi, 16).ok()?;
        let lo = u64::from_str_radix(lo, 16).ok()?;
        (hi <= u64::from(u32::MAX) && lo <= u64::from(u32::MAX)).then_some(Lsn((hi << 32) | lo))
    }
}

impl fmt::Display for Lsn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:X}/{:X}", self.0 >> 32, self.0 & 0xFFFF_FFFF)
    }
}

/// What kind of server a connection reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Role {
    pub in_recovery: bool,
    pub read_only: bool,
}

pub async fn role(c: &Client) -> Result<Role, tokio_postgres::Error> {
    let rows = c
        .query_typed(
            "SELECT pg_is_in_recovery(), current_setting('transaction_read_only') = 'on'",
            &[],
        )
        .await?;
    let row = rows.first();
    Ok(Role {
        in_recovery: row.is_some_and(|r| r.get(0)),
        read_only: row.is_some_and(|r| r.get(1)),
    })
}

/// How far a standby has replayed, and how old the last transaction it
/// replayed is (seconds; `None` before it has replayed any).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Replay {
    pub lsn: Option<Lsn>,
    pub last_xact_age_secs: Option<f64>,
}

pub async fn replay(c: &Client) -> Result<Replay, tokio_postgres::Error> {
    let rows = c
        .query_typed(
            "SELECT pg_last_wal_replay_lsn()::text, \
             extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp())::float8",
            &[],
        )
        .await?;
    let row = rows.first();
    Ok(Replay {
        lsn: row
            .and_then(|r| r.get::<_, Option<String>>(0))
            .and_then(|s| Lsn::parse(&s)),
        last_xact_age_secs: row.and_then(|r| r.get(1)),
    })
}

/// The primary's current WAL end: every transaction committed before this
/// call is at or below it.
pub async fn current_lsn(c: &Client) -> Result<Option<Lsn>, tokio_postgres::Error> {
    let rows = c
        .query_typed("SELECT pg_current_wal_lsn()::text", &[])
        .await?;
    Ok(rows
        .first()
        .and_then(|r| r.get::<_, Option<String>>(0))
        .and_then(|s| Lsn::parse(&s)))
}

/// How far behind a standby is, judged by position first: a standby that
/// has replayed everything the primary has written is not behind, however
/// old its last replayed transaction (an idle primary writes none). Only
/// when it is short of the primary's position does the age of its last
/// replayed transaction say how long it has been so (an upper bound).
/// `None`: not known (nothing replayed, or the primary did not say).
pub fn lag_secs(replay: &Replay, primary: Option<Lsn>) -> Option<f64> {
    match (replay.lsn, primary) {
        (Some(r), Some(p)) if r >= p => Some(0.0),
        (Some(_), Some(_)) => replay.last_xact_age_secs.map(|a| a.max(0.0)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lsn_round_trips_and_orders() {
        let a = Lsn::parse("16/B374D848").unwrap();
        assert_eq!(a.to_string(), "16/B374D848");
        assert!(Lsn::parse("0/FF").unwrap() < Lsn::parse("1/0").unwrap());
        assert_eq!(Lsn::parse("nonsense"), None);
        assert_eq!(Lsn::parse("100000000/0"), None);
    }

    #[test]
    fn lag_is_zero_when_caught_up_whatever_the_last_commit_age() {
        let at = |lsn: &str, age: Option<f64>| Replay {
            lsn: Lsn::parse(lsn),
            last_xact_age_secs: age,
        };
        // An idle primary: the last replayed commit is an hour old, but
        // nothing is missing.
        assert_eq!(
            lag_secs(&at("0/500", Some(3600.0)), Lsn::parse("0/500")),
            Some(0.0)
        );
        assert_eq!(
            lag_secs(&at("0/400", Some(12.5)), Lsn::parse("0/500")),
            Some(12.5)
        );
        assert_eq!(lag_secs(&at("0/400", None), Lsn::parse("0/500")), None);
        assert_eq!(lag_secs(&at("0/400", Some(1.0)), None), None);
    }
}
