use super::*;

#[test]
fn the_log_keeps_whole_recent_lines_within_its_cap() {
    let mut log = String::new();
    for i in 0..10_000 {
        append_log(&mut log, &format!("line {i}"));
    }
    assert!(log.len() <= LOG_MAX);
    assert!(
        log.starts_with("line "),
        "cut at a line start: {:?}",
        &log[..20]
    );
    assert!(log.ends_with("line 9999\n"));
}

#[test]
fn backoff_doubles_from_the_base_and_stops_at_an_hour() {
    assert_eq!(backoff_seconds(1, 10.0), 10.0);
    assert_eq!(backoff_seconds(2, 10.0), 20.0);
    assert_eq!(backoff_seconds(3, 10.0), 40.0);
    assert_eq!(backoff_seconds(40, 10.0), 3600.0);
}

#[test]
fn progress_is_clamped_and_taken_once() {
    let shared = Arc::new(Shared::default());
    let pool = deadpool_postgres::Pool::builder(deadpool_postgres::Manager::new(
        tokio_postgres::Config::new(),
        tokio_postgres::NoTls,
    ))
    .max_size(1)
    .build()
    .unwrap();
    let mut ctx = JobCtx::new(Uuid::nil(), "noop".into(), 1, None, pool, shared.clone());
    ctx.progress(250, "almost");
    let r = shared.take_report().unwrap();
    assert_eq!((r.progress, r.message.as_deref()), (100, Some("almost")));
    assert_eq!(shared.take_report(), None, "nothing new to write");
    ctx.log("one");
    ctx.log("two");
    assert_eq!(shared.take_report().unwrap().log, "one\ntwo\n");
    ctx.log("three");
    assert_eq!(
        shared.final_report().log,
        "three\n",
        "each line is sent once: the database appends"
    );
    assert_eq!(ctx.checkpoint(), Ok(()));
    shared.cancel();
    assert_eq!(ctx.checkpoint(), Err(JobError::Cancelled));
}

#[test]
fn the_builtin_registry_names_its_kinds_sorted() {
    assert_eq!(Registry::builtin().names(), ["noop", "sleep", "sweep"]);
}
