//! Idle release: a pooled connection unused for `database.idle_release_secs`
//! is closed, so a caseload left open all day holds no server connection (a
//! district has thousands of them). The next action opens a new one through
//! the pool as usual, which costs one connect and says nothing.

use std::time::Duration;

use deadpool_postgres::Pool;

/// How often the pool is looked over: often enough that no connection
/// outlives the limit by more than a quarter of it.
fn check_every(idle: Duration) -> Duration {
    (idle / 4).clamp(Duration::from_millis(100), Duration::from_secs(15))
}

/// Closes the connections of `pool` that have sat unused for `idle`, until
/// the pool is dropped. Without a tokio runtime (nothing could connect
/// either) it does nothing.
pub fn release_after(pool: &Pool, idle: Duration) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        tracing::debug!("no runtime: idle connections are not released");
        return;
    };
    let weak = pool.weak();
    runtime.spawn(async move {
        let mut tick = tokio::time::interval(check_every(idle));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let Some(pool) = weak.upgrade() else { break };
            let released = release_idle(&pool, idle);
            if released > 0 {
                tracing::debug!(released, "closed idle database connections");
            }
        }
    });
}

/// Closes the idle connections unused for `idle` now; how many it closed.
pub fn release_idle(pool: &Pool, idle: Duration) -> usize {
    // `last_used` counts from the last checkout, so a connection that just
    // came back from a long query may go early; reconnecting costs one
    // connect, holding it costs a server backend.
    pool.retain(|_, metrics| metrics.last_used() < idle)
        .removed
        .len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_often_enough_but_not_busily() {
        assert_eq!(
            check_every(Duration::from_secs(60)),
            Duration::from_secs(15)
        );
        assert_eq!(check_every(Duration::from_secs(4)), Duration::from_secs(1));
        assert_eq!(
            check_every(Duration::from_millis(10)),
            Duration::from_millis(100)
        );
        assert_eq!(
            check_every(Duration::from_secs(3600)),
            Duration::from_secs(15)
        );
    }
}
