//! `caseload bench` end to end on a small seeded district: every figure is
//! produced. Values are not checked: timings on a shared machine are noise.

mod common;

use caseload::bench::{self, startup::Target};
use caseload::db::pool;
use caseload::db::tls::Tls;
use caseload::demo::seed;
use common::TestDb;
use common::roles::LoginRoles;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_figure_is_produced() {
    let roles = LoginRoles::create(
        &common::connect(&common::admin_conninfo()).await,
        "caseload_admin",
        1,
    )
    .await;
    let login = roles.0[0].clone();
    let (db, admin) = TestDb::seeded(
        300,
        7,
        chrono::NaiveDate::from_ymd_opt(2026, 3, 2).expect("date"),
    )
    .await;
    // The seeded admin (every school, so more than one roster page) signs in
    // as this test's own login role, never the superuser that skips RLS.
    admin
        .execute(
            "UPDATE users SET username = $1 WHERE username = $2",
            &[&login, &seed::DEMO_ADMIN],
        )
        .await
        .expect("rename demo admin");

    let url = LoginRoles::conninfo_as(&db.conninfo(), &login);
    let params = caseload::config::conn::resolve(Some(&url), &|_| None, None).expect("params");
    let tls = Tls::for_params(&params).expect("tls");
    let pool = pool::build_pool_with_tls(&params, &Default::default(), &tls).expect("pool");
    let home = tempfile::tempdir().expect("tempdir");
    let home_dir = home.path().display().to_string();
    let opts = bench::Options {
        iterations: 3,
        database: params.display_masked(),
        startup: Some(Target {
            exe: env!("CARGO_BIN_EXE_caseload").into(),
            args: vec!["--database-url".into(), url.clone()],
            env: vec![
                ("XDG_STATE_HOME".into(), home_dir.clone()),
                ("XDG_CONFIG_HOME".into(), home_dir),
            ],
            marker: String::new(),
        }),
        interventions_only: false,
        short_search_only: false,
        live_only: false,
        startup_only: false,
    };
    let report = bench::run(pool, tls, opts).await.expect("bench");
    let table = bench::format_table(&report);

    assert_eq!(report.login_role, login);
    assert_eq!(report.students_visible, Some(300), "{table}");
    for f in &report.figures {
        assert!(
            f.value.is_some(),
            "{} failed: {:?}\n{table}",
            f.name,
            f.note
        );
    }
    let names: Vec<&str> = report.figures.iter().map(|f| f.name.as_str()).collect();
    // The search is the headline latency, before the page load.
    let first_latency = names.iter().position(|n| n.contains("painted"));
    assert_eq!(
        first_latency.map(|i| names[i]),
        Some("search: key -> painted p50")
    );
    for expected in [
        "interventions first page: key -> painted p95",
        "interventions filter change: painted / bare SQL (p50)",
        "resident memory (VmRSS)",
        "frame render 200x60 p95",
        "bytes per cursor move (j/k) p95",
        "bytes per scrolling key (j at bottom) p95",
        "bytes per scrolling key (PgDn) p95",
        "bytes for a live refresh of one changed roster row p95",
        "search: key -> painted p50",
        "search: key -> painted p95",
        "search: bare SQL p95",
        "search: painted / bare SQL (p50)",
        "page load: key -> painted p50",
        "page load: key -> painted p95",
        "page load: bare SQL p95",
        "page load: painted / bare SQL (p50)",
        "roster by name, first page: bare SQL p95",
        "roster by name, page after \"M\": bare SQL p95",
        "cold start -> first paint p95",
        "cold start -> first data screen (the home's first section painted) p95",
    ] {
        assert!(names.contains(&expected), "{expected} missing:\n{table}");
    }
    let json = serde_json::to_value(&report).expect("json");
    assert!(
        json["figures"]
            .as_array()
            .is_some_and(|a| a.len() == names.len())
    );
}
