//! The config file: finding, reading, parsing and checking it.

use super::*;
use std::collections::HashMap;

fn env_of(pairs: &[(&str, String)]) -> impl Fn(&str) -> Option<String> + use<> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    move |k| map.get(k).cloned()
}

#[test]
fn default_toml_documents_the_defaults() {
    let text = include_str!("../../config/default.toml");
    let parsed = parse(text, Path::new("config/default.toml")).unwrap();
    assert_eq!(parsed, Config::default());
}

#[test]
fn empty_file_is_all_defaults() {
    assert_eq!(parse("", Path::new("x")).unwrap(), Config::default());
}

#[test]
fn values_override_defaults() {
    let c = parse(
        "[database]\npool_max_size = 3\nstatement_timeout_ms = 100\n[keys]\nquit = [\"q\", \"ctrl-c\"]\n",
        Path::new("x"),
    )
    .unwrap();
    assert_eq!(c.database.pool_max_size, 3);
    assert_eq!(c.database.wait_timeout_secs, 5);
    assert_eq!(c.database.statement_timeout_ms, Some(100));
    assert_eq!(c.keys["quit"], vec!["q", "ctrl-c"]);
}

#[test]
fn unknown_key_names_key_file_and_line() {
    let e = parse(
        "[ui]\ntheme = \"default\"\ncolour = true\n",
        Path::new("/etc/c.toml"),
    )
    .unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("colour"), "{msg}");
    assert!(msg.contains("/etc/c.toml"), "{msg}");
    assert!(msg.contains("line 3"), "{msg}");
    let msg = parse("[databse]\n", Path::new("c.toml"))
        .unwrap_err()
        .to_string();
    assert!(msg.contains("databse") && msg.contains("line 1"), "{msg}");
}

#[test]
fn mouse_and_copy_are_settings_and_page_size_is_gone() {
    let c = parse("[ui]\nmouse = true\ncopy = false\n", Path::new("c.toml")).unwrap();
    assert!(c.ui.mouse);
    assert!(!c.ui.copy);
    let d = Config::default();
    assert!(
        !d.ui.mouse,
        "off by default: terminal text selection keeps working"
    );
    assert!(d.ui.copy);
    let msg = parse("[ui]\npage_size = 100\n", Path::new("c.toml"))
        .unwrap_err()
        .to_string();
    assert!(msg.contains("page_size"), "{msg}");
}

#[test]
fn unknown_theme_names_key_value_file_line_and_choices() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = tmp.path().join("config.toml");
    std::fs::write(&cfg, "[ui]\nmouse = true\ntheme = \"solarized\"\n").unwrap();
    std::fs::create_dir(tmp.path().join("themes")).unwrap();
    std::fs::write(tmp.path().join("themes/mine.toml"), "base = \"light\"\n").unwrap();
    let msg = load(Some(&cfg), &|_| None).unwrap_err().to_string();
    for part in [
        "ui.theme",
        "\"solarized\"",
        "config.toml",
        "line 3",
        "\"dark\"",
        "\"high-contrast\"",
        "\"mine\"",
        "themes/<name>.toml",
    ] {
        assert!(msg.contains(part), "{part} missing: {msg}");
    }
    // A theme file beside the config is a theme; so are the built-ins and
    // the name from before themes.
    for name in ["mine", "light", "16", "default"] {
        std::fs::write(&cfg, format!("[ui]\ntheme = \"{name}\"\n")).unwrap();
        let l = load(Some(&cfg), &|_| None).unwrap();
        assert_eq!(l.config.ui.theme, name);
        assert_eq!(l.config_dir(), Some(tmp.path()));
    }
    // A path is never a theme name, even if the file exists.
    std::fs::write(tmp.path().join("evil.toml"), "").unwrap();
    std::fs::write(&cfg, "[ui]\ntheme = \"../evil\"\n").unwrap();
    assert!(load(Some(&cfg), &|_| None).is_err());
}

#[test]
fn devices_and_fifos_are_refused_unopened() {
    let e = load(Some(Path::new("/dev/zero")), &|_| None)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("/dev/zero") && e.contains("not a regular file"),
        "{e}"
    );
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("fifo.toml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    // Opening it would block until a writer came; refusal returns.
    let e = load(Some(&fifo), &|_| None).unwrap_err().to_string();
    assert!(
        e.contains("fifo.toml") && e.contains("not a regular file"),
        "{e}"
    );
}

#[test]
fn files_over_the_cap_are_refused_and_at_the_cap_read() {
    let tmp = tempfile::tempdir().unwrap();
    let at_cap = tmp.path().join("at_cap.toml");
    let comment = format!("#{}\n", "x".repeat(MAX_CONFIG_BYTES as usize - 2));
    std::fs::write(&at_cap, &comment).unwrap();
    assert_eq!(
        load(Some(&at_cap), &|_| None).unwrap().config,
        Config::default()
    );
    let big = tmp.path().join("big.toml");
    std::fs::write(&big, format!("{comment}\n")).unwrap();
    let e = load(Some(&big), &|_| None).unwrap_err().to_string();
    assert!(e.contains("big.toml") && e.contains("1024 KiB"), "{e}");
}

#[test]
fn zero_limits_are_refused() {
    let msg = parse("[database]\nwait_timeout_secs = 0\n", Path::new("c.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("database.wait_timeout_secs must be at least 1"),
        "{msg}"
    );
    assert!(msg.contains("c.toml"), "{msg}");
}

#[test]
fn conn_params_use_the_file_url_and_timeout_last() {
    let loaded = Loaded {
        config: parse(
            "[database]\nurl = \"postgres://filehost/filedb\"\nconnect_timeout_secs = 3\n",
            Path::new("c.toml"),
        )
        .unwrap(),
        path: None,
        path_source: "--config",
    };
    let p = loaded.conn_params(None, &|_| None, None).unwrap();
    assert_eq!(p.host, "filehost");
    assert_eq!(p.connect_timeout, Some(Duration::from_secs(3)));
    let env = |k: &str| (k == "PGCONNECT_TIMEOUT").then(|| "9".to_string());
    let p = loaded
        .conn_params(Some("host=flaghost"), &env, None)
        .unwrap();
    assert_eq!(p.host, "flaghost");
    assert_eq!(
        p.dbname, p.user,
        "the file URL is not merged under the flag"
    );
    assert_eq!(p.connect_timeout, Some(Duration::from_secs(9)));
}

#[test]
fn wrong_type_is_precise() {
    let msg = parse(
        "[database]\npool_max_size = \"many\"\n",
        Path::new("c.toml"),
    )
    .unwrap_err()
    .to_string();
    assert!(msg.contains("line 2"), "{msg}");
}

#[test]
fn location_order() {
    let tmp = tempfile::tempdir().unwrap();
    let xdg = tmp.path().join("xdg");
    let home = tmp.path().join("home");
    std::fs::create_dir_all(xdg.join("caseload")).unwrap();
    std::fs::create_dir_all(home.join(".config/caseload")).unwrap();
    std::fs::write(xdg.join("caseload/config.toml"), "[log]\nlevel = \"xdg\"\n").unwrap();
    std::fs::write(
        home.join(".config/caseload/config.toml"),
        "[log]\nlevel = \"home\"\n",
    )
    .unwrap();
    let explicit = tmp.path().join("explicit.toml");
    std::fs::write(&explicit, "[log]\nlevel = \"explicit\"\n").unwrap();
    let flag = tmp.path().join("flag.toml");
    std::fs::write(&flag, "[log]\nlevel = \"flag\"\n").unwrap();

    let all = env_of(&[
        ("CASELOAD_CONFIG", explicit.display().to_string()),
        ("XDG_CONFIG_HOME", xdg.display().to_string()),
        ("HOME", home.display().to_string()),
    ]);
    let l = load(Some(&flag), &all).unwrap();
    assert_eq!(
        (l.config.log.level.as_str(), l.path_source),
        ("flag", "--config")
    );
    let l = load(None, &all).unwrap();
    assert_eq!(
        (l.config.log.level.as_str(), l.path_source),
        ("explicit", "CASELOAD_CONFIG")
    );
    let env = env_of(&[
        ("XDG_CONFIG_HOME", xdg.display().to_string()),
        ("HOME", home.display().to_string()),
    ]);
    let l = load(None, &env).unwrap();
    assert_eq!(
        (l.config.log.level.as_str(), l.path_source),
        ("xdg", "XDG_CONFIG_HOME")
    );
    let env = env_of(&[("HOME", home.display().to_string())]);
    let l = load(None, &env).unwrap();
    assert_eq!(
        (l.config.log.level.as_str(), l.path_source),
        ("home", "~/.config")
    );
    assert_eq!(l.path, Some(home.join(".config/caseload/config.toml")));
}

#[test]
fn missing_default_file_is_fine_missing_explicit_is_not() {
    let tmp = tempfile::tempdir().unwrap();
    let env = env_of(&[
        (
            "XDG_CONFIG_HOME",
            tmp.path().join("x").display().to_string(),
        ),
        ("HOME", tmp.path().join("h").display().to_string()),
    ]);
    let l = load(None, &env).unwrap();
    // The platform directory is the real one and may hold a file; only
    // assert when it does not.
    if l.path.is_none() {
        assert_eq!(l.path_source, "none (defaults)");
        assert_eq!(l.config, Config::default());
    }
    let missing = tmp.path().join("missing.toml");
    let e = load(Some(&missing), &env).unwrap_err().to_string();
    assert!(e.contains("missing.toml") && e.contains("--config"), "{e}");
    let env = env_of(&[("CASELOAD_CONFIG", missing.display().to_string())]);
    let e = load(None, &env).unwrap_err().to_string();
    assert!(e.contains("CASELOAD_CONFIG"), "{e}");
}

#[test]
fn no_color_env_forces_no_color() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("c.toml");
    std::fs::write(&f, "[ui]\nno_color = false\n").unwrap();
    let l = load(Some(&f), &env_of(&[("NO_COLOR", "1".into())])).unwrap();
    assert!(l.config.ui.no_color);
    let l = load(Some(&f), &env_of(&[("NO_COLOR", String::new())])).unwrap();
    assert!(!l.config.ui.no_color);
}

#[test]
fn log_file_defaults_to_state_dir() {
    let env = env_of(&[("XDG_STATE_HOME", "/state".into())]);
    assert_eq!(
        LogConfig::default().file_or_default(&env),
        Some(PathBuf::from("/state/caseload/caseload.log"))
    );
}
