//! The layers flow one way (ARCHITECTURE.md, issue 12): domain (pure rules,
//! enums and data shapes) ← db (SQL and row mapping) ← worker, and
//! domain ← app ← ui. This reads every source file under src/ and fails on
//! a `crate::` path into a layer the file's layer may not use, so a
//! shortcut shows up in CI rather than in review.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What a layer may not use. Domain may use nothing but itself: every other
/// top-level module is off limits to it (the list comes from src/lib.rs).
enum Forbidden {
    AllBut(&'static [&'static str]),
    These(&'static [&'static str]),
}

/// Checked in test code too: a ui snapshot that reaches into db would hide
/// the same shortcut.
const RULES: &[(&str, Forbidden)] = &[
    ("domain", Forbidden::AllBut(&["domain"])),
    (
        "db",
        Forbidden::These(&["app", "ui", "worker", "demo", "bench"]),
    ),
    ("app", Forbidden::These(&["db", "worker"])),
    ("ui", Forbidden::These(&["db", "worker"])),
];

/// app must not draw: ui depends on app, not the reverse. Its tests may
/// render a frame to check what a person would see, so only code outside
/// test files and `#[cfg(test)]` modules is held to this one.
const OUTSIDE_TESTS: &[(&str, &[&str])] = &[("app", &["ui"])];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The crate's top-level modules, from `pub mod x;` / `mod x;` in lib.rs.
fn top_modules() -> BTreeSet<String> {
    let lib = std::fs::read_to_string(src().join("lib.rs")).expect("read src/lib.rs");
    lib.lines()
        .filter_map(|l| {
            let l = l.trim();
            let rest = l
                .strip_prefix("pub mod ")
                .or_else(|| l.strip_prefix("mod "))?;
            Some(rest.strip_suffix(';')?.trim().to_string())
        })
        .collect()
}

/// Source with line comments blanked, so doc text naming a module is not
/// taken for a use of it. Lines are kept, for line numbers.
fn code_only(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Source before the first `#[cfg(test)]`: the test module closes a file
/// by convention here.
fn outside_tests(text: &str) -> &str {
    text.find("#[cfg(test)]").map_or(text, |i| &text[..i])
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Every top-level module a `crate::` path names, with its line:
/// `crate::db::x`, and each branch of `crate::{db::x, app::y}`.
fn crate_paths(code: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let line_of = |at: usize| code[..at].matches('\n').count() + 1;
    let mut from = 0;
    while let Some(found) = code[from..].find("crate::") {
        let at = from + found;
        from = at + "crate::".len();
        if code[..at].chars().next_back().is_some_and(is_ident) {
            continue;
        }
        let rest = &code[from..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let mut start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    ',' if depth == 1 => start = true,
                    c if start && is_ident(c) => {
                        let name: String =
                            group[i..].chars().take_while(|&c| is_ident(c)).collect();
                        out.push((line_of(from + 1 + i), name));
                        start = false;
                    }
                    _ => {}
                }
            }
        } else {
            let name: String = rest.chars().take_while(|&c| is_ident(c)).collect();
            out.push((line_of(at), name));
        }
    }
    out
}

/// The file's layer: its top-level module under src/.
fn layer_of(file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src()).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    Some(first.trim_end_matches(".rs").to_string())
}

fn is_test_file(file: &Path) -> bool {
    let name = file.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    name == "tests"
        || name.ends_with("_tests")
        || name.ends_with("_snapshots")
        || name.starts_with("test_")
}

/// The breaches in one file's text: "file:line: layer uses other".
fn breaches(file: &Path, layer: &str, text: &str, tops: &BTreeSet<String>) -> Vec<String> {
    let code = code_only(text);
    let mut out = Vec::new();
    let shown = file
        .strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(file);
    let mut report = |line: usize, name: &str| {
        out.push(format!(
            "{}:{line}: {layer} uses crate::{name}",
            shown.display()
        ))
    };
    for (rule_layer, forbidden) in RULES {
        if *rule_layer != layer {
            continue;
        }
        for (line, name) in crate_paths(&code) {
            let bad = match forbidden {
                Forbidden::AllBut(allowed) => tops.contains(&name) && !allowed.contains(&&*name),
                Forbidden::These(these) => these.contains(&&*name),
            };
            if bad {
                report(line, &name);
            }
        }
    }
    if !is_test_file(file) {
        for (rule_layer, these) in OUTSIDE_TESTS {
            if *rule_layer != layer {
                continue;
            }
            for (line, name) in crate_paths(outside_tests(&code)) {
                if these.contains(&&*name) {
                    report(line, &name);
                }
            }
        }
    }
    out
}

#[test]
fn layers_use_only_the_layers_below_them() {
    let tops = top_modules();
    assert!(
        ["domain", "db", "app", "ui", "worker"]
            .iter()
            .all(|m| tops.contains(*m)),
        "lib.rs lists {tops:?}"
    );
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut checked = 0;
    let mut found = Vec::new();
    for file in &files {
        let Some(layer) = layer_of(file) else {
            continue;
        };
        if !RULES.iter().any(|(l, _)| *l == layer) {
            continue;
        }
        let text = std::fs::read_to_string(file)
            .unwrap_or_else(|e| panic!("read {}: {e}", file.display()));
        checked += 1;
        found.extend(breaches(file, &layer, &text, &tops));
    }
    assert!(checked > 50, "only {checked} files checked under src/");
    assert!(
        found.is_empty(),
        "layers used against the flow (domain ← db ← worker, domain ← app ← ui):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_sees_plain_grouped_and_inline_paths() {
    let tops: BTreeSet<String> = ["domain", "db", "app", "ui", "worker", "config"]
        .map(String::from)
        .into();
    let check = |layer: &str, file: &str, text: &str| {
        breaches(&src().join(layer).join(file), layer, text, &tops)
    };
    let ui = "use crate::app::State;\n\
              use crate::{domain::roster::Sort, db::pool};\n\
              fn f() { crate::worker::run(); }\n\
              // crate::db in a comment is no use of it\n";
    let found = check("ui", "roster.rs", ui);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].ends_with(":2: ui uses crate::db"), "{found:?}");
    assert!(found[1].ends_with(":3: ui uses crate::worker"), "{found:?}");

    let domain = "use crate::domain::enums::GradeLevel;\nuse crate::config::Password;\n";
    assert_eq!(check("domain", "x.rs", domain).len(), 1);
    assert!(check("db", "x.rs", "use crate::app::Msg;").len() == 1);
    assert!(check("app", "x.rs", "use crate::db::pool;").len() == 1);
    assert!(check("app", "x.rs", "use crate::domain::roster::Sort;").is_empty());

    let drawing = "use crate::ui::render;\n";
    assert_eq!(check("app", "mod.rs", drawing).len(), 1);
    assert!(check("app", "session_tests.rs", drawing).is_empty());
    let test_module = "fn f() {}\n#[cfg(test)]\nmod tests { use crate::ui::render; }\n";
    assert!(check("app", "mod.rs", test_module).is_empty());
}

/// The lines of a screen's source (outside its tests) that name the whole
/// application `State`: a room sees the rest only through its `Cx`.
fn state_uses(text: &str) -> Vec<usize> {
    let code = code_only(text);
    outside_tests(&code)
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            l.match_indices("State").any(|(i, _)| {
                let before = l[..i].chars().next_back();
                let after = l[i + "State".len()..].chars().next();
                !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
            })
        })
        .map(|(i, _)| i + 1)
        .collect()
}

/// Issue 12's screen contract: every screen's folder under
/// `src/app/screens/` takes what it needs through its `Cx` and asks the
/// stack through `Nav`; only the registry (`screens/mod.rs`) holds `State`.
#[test]
fn screens_take_only_their_context_not_the_whole_state() {
    let dir = src().join("app").join("screens");
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    let mut found = Vec::new();
    let mut checked = 0;
    for file in files.iter().filter(|f| f.parent() != Some(dir.as_path())) {
        if is_test_file(file) {
            continue;
        }
        checked += 1;
        let text = std::fs::read_to_string(file)
            .unwrap_or_else(|e| panic!("read {}: {e}", file.display()));
        for line in state_uses(&text) {
            found.push(format!("{}:{line}", file.display()));
        }
    }
    assert!(checked > 15, "only {checked} screen files checked");
    assert!(
        found.is_empty(),
        "screens that take the whole State (use the Cx instead):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_state_check_sees_the_word_not_the_screen_states() {
    assert_eq!(state_uses("fn f(state: &mut State) {}"), vec![1]);
    assert_eq!(state_uses("use crate::app::{Data, State};"), vec![1]);
    assert!(state_uses("fn f(s: &mut HomeState, t: StateOf) {}").is_empty());
    assert!(state_uses("// State in a comment\n").is_empty());
    assert!(state_uses("fn f() {}\n#[cfg(test)]\nmod t { use State; }").is_empty());
}
