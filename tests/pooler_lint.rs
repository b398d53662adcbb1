//! No named prepared statement in caseload's own code: tokio-postgres's
//! `query`, `query_one`, `query_opt`, `execute`, `query_raw`, `execute_raw`,
//! `prepare*` and `copy_in`/`copy_out` on a `&str` prepare a named statement
//! and run it in a second round trip, which a transaction-mode pooler may
//! send to another server connection. Every statement goes through
//! `db::unnamed` (`fetch`, `fetch_one`, `fetch_opt`, `exec`) instead.
//! `tests/pooler.rs` checks the same on a live PgBouncer.

use std::path::{Path, PathBuf};

const NAMED: &[&str] = &[
    ".query(",
    ".query_one(",
    ".query_opt(",
    ".execute(",
    ".query_raw(",
    ".execute_raw(",
    ".prepare(",
    ".prepare_typed(",
    ".prepare_cached(",
];

/// Where a named statement cannot reach a pooler: migrations and the seed
/// connect directly as a superuser, inside one transaction (a COPY's
/// statement is prepared and run there).
const ALLOWED: &[(&str, &str)] = &[("src/demo/seed/copy.rs", ".copy_in")];

/// The data worker's own `execute(Effect)`, which is no SQL call.
const WORKER_EXECUTE: &[&str] = &["worker.execute(", "w.execute(e)"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `source` without `//` comments, so prose may name the calls.
fn code_lines(source: &str) -> impl Iterator<Item = (usize, &str)> {
    source.lines().enumerate().filter_map(|(i, line)| {
        let code = line.split("//").next().unwrap_or("");
        (!code.trim().is_empty()).then_some((i + 1, code))
    })
}

fn offences(rel: &str, source: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (n, code) in code_lines(source) {
        for call in NAMED.iter().chain(&[".copy_in", ".copy_out"]) {
            let allowed = ALLOWED
                .iter()
                .any(|(file, c)| *file == rel && call.starts_with(c));
            let worker = *call == ".execute(" && WORKER_EXECUTE.iter().any(|w| code.contains(w));
            if code.contains(call) && !allowed && !worker {
                found.push(format!("{rel}:{n}: {}", code.trim()));
            }
        }
    }
    found
}

#[test]
fn no_named_prepared_statement_in_src() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    assert!(files.len() > 100, "found only {} files", files.len());
    let mut found = Vec::new();
    for path in files {
        let rel = path
            .strip_prefix(root)
            .expect("under the crate")
            .to_string_lossy()
            .into_owned();
        let source = std::fs::read_to_string(&path).expect("read");
        found.extend(offences(&rel, &source));
    }
    assert!(
        found.is_empty(),
        "named prepared statements (use db::unnamed's fetch/fetch_one/fetch_opt/exec):\n{}",
        found.join("\n")
    );
}

/// The lint itself catches what it is for, also split over lines as
/// rustfmt writes it, and lets comments be.
#[test]
fn the_lint_sees_a_named_statement() {
    let code = "let r = client\n    .query_one(\"SELECT 1\", &[])\n    .await?;\n";
    assert_eq!(offences("src/db/x.rs", code).len(), 1);
    assert_eq!(
        offences("src/db/x.rs", "tx.execute(\"DELETE FROM t\", &[]).await?;").len(),
        1
    );
    assert!(offences("src/db/x.rs", "// never .query( here").is_empty());
    assert!(offences("src/worker/x.rs", "self.worker.execute(e).await").is_empty());
    assert!(offences("src/db/x.rs", "client.fetch(\"SELECT 1\", &[]).await?;").is_empty());
    assert!(offences("src/demo/seed/copy.rs", "tx.copy_in::<_, B>(&s)").is_empty());
    assert_eq!(offences("src/db/x.rs", "tx.copy_in(&s)").len(), 1);
}
