//! Plans of the statements the application's own code runs, as a given
//! person: auto_explain reports each one (nested ones included) as a notice.

use futures::StreamExt;
use std::sync::{Arc, Mutex};
use tokio_postgres::{AsyncMessage, Client};

/// The plans reported so far, one notice each.
pub type Plans = Arc<Mutex<Vec<String>>>;

/// A connection to `conninfo` (a superuser's, which alone may load
/// auto_explain) that then becomes `role`: row-level security applies as for
/// that person's own login. Every statement's plan lands in the returned
/// list.
pub async fn explaining_as(conninfo: &str, role: &str) -> (Client, Plans) {
    let (client, mut conn) = tokio_postgres::connect(conninfo, tokio_postgres::NoTls)
        .await
        .expect("connect");
    let notices: Plans = Arc::new(Mutex::new(Vec::new()));
    let sink = notices.clone();
    tokio::spawn(async move {
        let mut messages = futures::stream::poll_fn(move |cx| conn.poll_message(cx));
        while let Some(Ok(m)) = messages.next().await {
            if let AsyncMessage::Notice(n) = m {
                sink.lock().expect("notices").push(n.message().to_string());
            }
        }
    });
    client
        .batch_execute(&format!(
            "LOAD 'auto_explain'; SET auto_explain.log_min_duration = 0; \
             SET auto_explain.log_nested_statements = on; SET auto_explain.log_level = notice; \
             SET SESSION AUTHORIZATION {role}"
        ))
        .await
        .expect("auto_explain");
    (client, notices)
}

/// The plans reported since the last call, emptying the list.
pub fn take(plans: &Plans) -> Vec<String> {
    std::mem::take(&mut *plans.lock().expect("notices"))
}
