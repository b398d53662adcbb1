//! `caseload bench`: the performance figures of issue 4, measured on the
//! real pieces (state machine, worker, pool, rendering, frame output, the
//! binary itself) against whatever database the connection points at.

pub mod bytes;
pub mod drafts;
pub mod headless;
pub mod import;
pub mod iv_list;
pub mod jobs;
pub mod latency;
pub mod lists;
pub mod live;
pub mod memory;
pub mod pages;
pub mod pgbouncer;
pub mod render;
pub mod short_search;
pub mod sink;
pub mod startup;
pub mod stats;
pub mod storage;

use crate::db::tls::Tls;
use crate::db::unnamed::Unnamed;
use color_eyre::eyre::Result;
use deadpool_postgres::Pool;
use headless::{HEIGHT, Headless, WIDTH};
use latency::RosterSource;
use serde::Serialize;
use std::fmt::Write as _;

/// Roster pages scrolled through before reading resident memory.
pub const MEMORY_PAGES: u64 = 20;

pub struct Options {
    pub iterations: usize,
    /// The connection as the person gave it, for the report (password masked).
    pub database: String,
    /// Where to find the binary for the cold-start figures; `None` skips them.
    pub startup: Option<startup::Target>,
    /// Only the Interventions list's figures (`--only interventions`).
    pub interventions_only: bool,
    /// Only the one- and two-letter search's bare SQL (`--only search`).
    pub short_search_only: bool,
    /// Only the live refresh's bytes (`--only live`).
    pub live_only: bool,
    /// Only the cold start (`--only startup`).
    pub startup_only: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub name: String,
    /// `None` when the measurement failed; `note` says why.
    pub value: Option<f64>,
    pub unit: &'static str,
    /// The figure passes when `value <= target`; `None`: information only.
    pub target: Option<f64>,
    pub result: &'static str,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub database: String,
    pub login_role: String,
    /// Students this login role sees (row-level security applies).
    pub students_visible: Option<i64>,
    /// The planner's estimate of the whole table; `None` before ANALYZE.
    pub students_in_table: Option<i64>,
    pub iterations: usize,
    pub terminal: String,
    pub profile: &'static str,
    pub load: String,
    pub measured_query: String,
    pub figures: Vec<Figure>,
}

impl Figure {
    fn new(
        name: impl Into<String>,
        value: Option<f64>,
        unit: &'static str,
        target: Option<f64>,
    ) -> Figure {
        let result = match (value, target) {
            (None, _) => "ERROR",
            (Some(_), None) => "-",
            (Some(v), Some(t)) if v <= t => "PASS",
            (Some(_), Some(_)) => "MISS",
        };
        Figure {
            name: name.into(),
            value,
            unit,
            target,
            result,
            note: None,
        }
    }

    fn failed(
        name: impl Into<String>,
        unit: &'static str,
        target: Option<f64>,
        why: String,
    ) -> Figure {
        Figure {
            note: Some(why),
            ..Figure::new(name, None, unit, target)
        }
    }
}

/// p50 (information) and p95 (against `target`) of a measurement that may
/// have failed as a whole.
fn percentiles(
    out: &mut Vec<Figure>,
    name: &str,
    samples: Result<&[f64], &color_eyre::Report>,
    unit: &'static str,
    target: f64,
) {
    match samples.map(stats::summarize) {
        Ok(Some(s)) => {
            out.push(Figure::new(format!("{name} p50"), Some(s.p50), unit, None));
            out.push(Figure::new(
                format!("{name} p95"),
                Some(s.p95),
                unit,
                Some(target),
            ));
        }
        Ok(None) => out.push(Figure::failed(
            name,
            unit,
            Some(target),
            "no samples".into(),
        )),
        Err(e) => out.push(Figure::failed(name, unit, Some(target), format!("{e:#}"))),
    }
}

/// Keystroke → painted and the bare SQL (p50, p95) and their ratio, for
/// one latency source.
fn latency_figures(
    figures: &mut Vec<Figure>,
    name: &str,
    lat: Result<&latency::Latency, &color_eyre::Report>,
) {
    percentiles(
        figures,
        &format!("{name}: key -> painted"),
        lat.map(|l| l.painted.as_slice()),
        "ms",
        30.0,
    );
    percentiles(
        figures,
        &format!("{name}: bare SQL"),
        lat.map(|l| l.bare.as_slice()),
        "ms",
        30.0,
    );
    let ratio = format!("{name}: painted / bare SQL");
    match lat.map(|l| (stats::summarize(&l.painted), stats::summarize(&l.bare))) {
        Ok((Some(p), Some(b))) if b.p50 > 0.0 => {
            let mut f = Figure::new(
                format!("{ratio} (p50)"),
                Some(p.p50 / b.p50),
                "x",
                Some(1.5),
            );
            f.note = Some(format!(
                "p95 ratio {:.2}",
                p.p95 / b.p95.max(f64::MIN_POSITIVE)
            ));
            figures.push(f);
        }
        Ok(_) => figures.push(Figure::failed(ratio, "x", Some(1.5), "no samples".into())),
        Err(e) => figures.push(Figure::failed(ratio, "x", Some(1.5), format!("{e:#}"))),
    }
}

pub fn load_note() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into());
    format!(
        "{cores} cores, 1-min load average {load} at the end (shared machine: figures are noisy)"
    )
}

pub async fn run(pool: Pool, tls: Tls, opts: Options) -> Result<Report> {
    let n = opts.iterations.max(1);
    let mut figures = Vec::new();

    // First, before the other measurements allocate anything.
    let memory =
        if opts.interventions_only || opts.short_search_only || opts.live_only || opts.startup_only
        {
            Err(color_eyre::eyre::eyre!("not measured (--only)"))
        } else {
            memory::measure(pool.clone(), tls.clone(), MEMORY_PAGES).await
        };
    match memory {
        Ok(m) => {
            let mut rss = Figure::new(
                "resident memory (VmRSS)",
                Some(m.rss_kib as f64 / 1024.0),
                "MiB",
                Some(60.0),
            );
            rss.note = Some(format!(
                "after sign-in, menu and {} roster pages; peak (VmHWM) {:.1} MiB",
                m.pages,
                m.peak_kib as f64 / 1024.0
            ));
            figures.push(rss);
        }
        Err(e) => figures.push(Figure::failed(
            "resident memory (VmRSS)",
            "MiB",
            Some(60.0),
            format!("{e:#}"),
        )),
    }

    let mut h = Headless::start(pool.clone(), tls).await?;
    // Cold start is timed to the first screen of data: the caseload home's
    // first section when it opens first (its heading has a count once its
    // rows are in; the home's other parts come later), else the roster's
    // first row.
    let marker = if let Some(scope) = h.started_on_home {
        Some(format!(
            "{} (",
            crate::app::home::Section::Active.title(scope)
        ))
    } else {
        h.first_row().map(|r| r.local_id.clone())
    };
    let (login_role, students_visible, students_in_table) = {
        let c = pool.get().await?;
        let role: String = c.fetch_one("SELECT session_user::text", &[]).await?.get(0);
        let visible =
            crate::db::roster::roster_count(&**c, &crate::domain::roster::RosterQuery::default())
                .await
                .ok()
                .map(|(n, _estimated)| n as i64);
        let estimate: Option<i64> = c
            .fetch_opt(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = 'students'::regclass AND reltuples >= 0",
                &[],
            )
            .await
            .ok()
            .flatten()
            .map(|r| r.get(0));
        (role, visible, estimate)
    };
    let report = |figures, measured: Vec<String>| Report {
        database: opts.database.clone(),
        login_role: login_role.clone(),
        students_visible,
        students_in_table,
        iterations: n,
        terminal: format!("{WIDTH}x{HEIGHT}"),
        profile: if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        load: load_note(),
        measured_query: measured.join("; "),
        figures,
    };
    if opts.live_only {
        live_figures(&mut figures, &mut h, &pool, n).await;
        return Ok(report(figures, vec!["live refresh".to_string()]));
    }
    if opts.interventions_only {
        interventions(&mut figures, &mut h, &pool, n).await;
        return Ok(report(figures, vec![iv_list::LABEL.to_string()]));
    }

    if opts.short_search_only {
        short_search_figure(&mut figures, &pool, n).await;
        return Ok(report(figures, vec![short_search::LABEL.to_string()]));
    }
    let on_home = h.started_on_home.is_some();
    if opts.startup_only {
        cold_start(&mut figures, opts.startup, marker, on_home, n).await?;
        return Ok(report(figures, vec!["cold start".to_string()]));
    }

    let render = render::measure(&h, n * 10);
    percentiles(
        &mut figures,
        "frame render 200x60",
        render.as_deref(),
        "ms",
        1.0,
    );

    match bytes::measure(&mut h, n).await {
        Ok(b) => {
            for (name, samples, target) in [
                ("bytes per cursor move (j/k)", &b.cursor, 512.0),
                (
                    "bytes per scrolling key (j at bottom)",
                    &b.scroll_line,
                    3072.0,
                ),
                ("bytes per scrolling key (PgDn)", &b.page_down, 3072.0),
            ] {
                match stats::summarize(samples) {
                    Some(s) => figures.push(Figure::new(
                        format!("{name} p95"),
                        Some(s.p95),
                        "B",
                        Some(target),
                    )),
                    None => {
                        figures.push(Figure::failed(name, "B", Some(target), "no samples".into()))
                    }
                }
            }
            let ratio_name = "PgDn bytes / the new rows' own text";
            match stats::summarize(&b.page_down_ratio) {
                Some(s) => {
                    let mut f =
                        Figure::new(format!("{ratio_name} p95"), Some(s.p95), "x", Some(1.2));
                    f.note = Some(format!(
                        "p50 {:.2}x; {} of {} PgDn brought rows",
                        s.p50,
                        b.page_down_ratio.len(),
                        b.page_down.len()
                    ));
                    figures.push(f);
                }
                None => figures.push(Figure::failed(
                    ratio_name,
                    "x",
                    Some(1.2),
                    "no samples".into(),
                )),
            }
            // A PgDn that only moved the cursor is a cursor move: the j/k
            // target applies.
            if let Some(s) = stats::summarize(&b.page_down_no_rows) {
                let mut f = Figure::new(
                    "bytes per PgDn that brought no rows p95",
                    Some(s.p95),
                    "B",
                    Some(512.0),
                );
                f.note = Some(format!(
                    "{} of {} PgDn",
                    b.page_down_no_rows.len(),
                    b.page_down.len()
                ));
                figures.push(f);
            }
            // Information only: frame render's target covers rendering.
            if let Some(s) = stats::summarize(&b.page_down_ms) {
                for (p, v) in [("p50", s.p50), ("p95", s.p95)] {
                    figures.push(Figure::new(
                        format!("PgDn frame drawn, diffed and encoded 200x60 {p}"),
                        Some(v),
                        "ms",
                        None,
                    ));
                }
            }
        }
        Err(e) => figures.push(Figure::failed(
            "bytes per keystroke",
            "B",
            Some(512.0),
            format!("{e:#}"),
        )),
    }

    live_figures(&mut figures, &mut h, &pool, n).await;

    // The page load first: the search leaves its text in the box.
    let mut latencies = Vec::new();
    let page_load = latency::PageLoad;
    let pages = latency::measure(&mut h, &pool, &page_load, n).await;
    latencies.push(("page load", page_load.label().to_string(), pages));
    let search = {
        let c = pool.get().await?;
        latency::Search::from_data(&c, 20).await
    };
    let searched = match &search {
        Ok(source) => latency::measure(&mut h, &pool, source, n).await,
        Err(e) => Err(color_eyre::eyre::eyre!("{e:#}")),
    };
    let search_label = search.as_ref().map_or("search as you type", |s| s.label());
    // The headline first.
    latencies.insert(0, ("search", search_label.to_string(), searched));
    let mut measured = Vec::new();
    for (name, label, lat) in &latencies {
        latency_figures(&mut figures, name, lat.as_ref());
        measured.push(format!("{name}: {label}"));
    }
    short_search_figure(&mut figures, &pool, n).await;
    measured.push(short_search::LABEL.to_string());
    let by_name = pages::measure(&pool, n).await;
    for (name, pick) in [
        (
            "roster by name, first page: bare SQL",
            (|p: &pages::NamePages| p.first.as_slice()) as fn(&pages::NamePages) -> &[f64],
        ),
        (
            "roster by name, page after \"M\": bare SQL",
            |p: &pages::NamePages| p.deep.as_slice(),
        ),
    ] {
        percentiles(&mut figures, name, by_name.as_ref().map(pick), "ms", 30.0);
    }
    measured.push(pages::LABEL.to_string());

    // Missed sessions and My caseload: information only, no target.
    match lists::measure(&pool, n).await {
        Ok(l) => {
            for (name, samples, rows) in [
                ("missed sessions this month", &l.missed, l.missed_rows),
                ("my caseload by name", &l.my_caseload, l.my_caseload_rows),
            ] {
                if let Some(s) = stats::summarize(samples) {
                    for (p, v) in [("p50", s.p50), ("p95", s.p95)] {
                        let mut f = Figure::new(format!("{name} {p}"), Some(v), "ms", None);
                        f.note = Some(format!("{rows} rows"));
                        figures.push(f);
                    }
                }
            }
        }
        Err(e) => figures.push(Figure::failed(lists::LABEL, "ms", None, format!("{e:#}"))),
    }
    measured.push(lists::LABEL.to_string());

    // Last, as it leaves its screen on top.
    interventions(&mut figures, &mut h, &pool, n).await;
    measured.push(iv_list::LABEL.to_string());

    // Drafts go where the person's would: the state directory's disk.
    let draft_dir = crate::config::state_dir(&|k| std::env::var(k).ok())
        .unwrap_or_else(std::env::temp_dir)
        .join(format!("bench-drafts-{}", std::process::id()));
    let drafted = drafts::measure(&draft_dir, n.min(50)).await;
    let _ = std::fs::remove_dir_all(&draft_dir);
    for (name, pick) in [
        (
            "session note change -> draft on disk (80 chars)",
            (|d: &drafts::DraftLatency| d.short.as_slice()) as fn(&drafts::DraftLatency) -> &[f64],
        ),
        (
            "session note change -> draft on disk (100,000 chars)",
            |d: &drafts::DraftLatency| d.longest.as_slice(),
        ),
    ] {
        percentiles(&mut figures, name, drafted.as_ref().map(pick), "ms", 1000.0);
    }

    cold_start(&mut figures, opts.startup, marker, on_home, n).await?;

    Ok(report(figures, measured))
}

/// The real binary started `n` times (at most 20) in a pty: to its first
/// frame, and to the frame that shows `marker` (the first screen of data).
async fn cold_start(
    figures: &mut Vec<Figure>,
    target: Option<startup::Target>,
    marker: Option<String>,
    on_home: bool,
    n: usize,
) -> Result<()> {
    let (Some(mut target), Some(marker)) = (target, marker) else {
        figures.push(Figure::failed(
            "cold start",
            "ms",
            Some(50.0),
            "not measured (no binary or empty roster)".into(),
        ));
        return Ok(());
    };
    target.marker = marker;
    let runs = n.min(20);
    let s = tokio::task::spawn_blocking(move || startup::measure(&target, runs)).await?;
    let s = s.as_ref();
    percentiles(
        figures,
        "cold start -> first paint",
        s.map(|s| s.first_paint.as_slice()),
        "ms",
        50.0,
    );
    let data = match on_home {
        true => "cold start -> first data screen (the home's first section painted)",
        false => "cold start -> first data screen (first roster page)",
    };
    percentiles(
        figures,
        data,
        s.map(|s| s.first_data.as_slice()),
        "ms",
        200.0,
    );
    Ok(())
}

/// Search on one and two letters, bare SQL (issue 19): p95 against 30 ms.
async fn short_search_figure(figures: &mut Vec<Figure>, pool: &Pool, n: usize) {
    let short = short_search::measure(pool, n).await;
    percentiles(
        figures,
        "search on one and two letters: bare SQL",
        short.as_deref(),
        "ms",
        30.0,
    );
}

/// The Interventions list's figures (issue 14).
async fn interventions(figures: &mut Vec<Figure>, h: &mut Headless, pool: &Pool, n: usize) {
    match iv_list::measure(h, pool, n).await {
        Ok(l) => {
            latency_figures(figures, "interventions first page", Ok(&l.first));
            latency_figures(figures, "interventions filter change", Ok(&l.filter));
        }
        Err(e) => {
            latency_figures(figures, "interventions first page", Err(&e));
            latency_figures(figures, "interventions filter change", Err(&e));
        }
    }
}

fn number(v: Option<i64>) -> String {
    v.map_or_else(|| "unknown".into(), |n| n.to_string())
}

pub fn format_table(r: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "database      {}", r.database);
    let _ = writeln!(s, "login role    {}", r.login_role);
    let _ = writeln!(
        s,
        "students      {} visible to this role, ~{} in the table",
        number(r.students_visible),
        number(r.students_in_table)
    );
    let _ = writeln!(
        s,
        "iterations    {} (render x10, cold starts up to 20)",
        r.iterations
    );
    let _ = writeln!(s, "terminal      {}", r.terminal);
    let _ = writeln!(s, "build         {}", r.profile);
    let _ = writeln!(s, "machine       {}", r.load);
    let _ = writeln!(s, "query         {}", r.measured_query);
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "{:<44} {:>12} {:>10}  result",
        "figure", "value", "target"
    );
    for f in &r.figures {
        let value = f
            .value
            .map_or_else(|| "-".into(), |v| format!("{v:.2} {}", f.unit));
        let target = f
            .target
            .map_or_else(String::new, |t| format!("<= {t} {}", f.unit));
        let _ = write!(s, "{:<44} {value:>12} {target:>10}  {}", f.name, f.result);
        if let Some(note) = &f.note {
            let _ = write!(s, "  ({note})");
        }
        let _ = writeln!(s);
    }
    s
}

/// Issue 18: the bytes of a live refresh of one changed row (a slow link).
async fn live_figures(figures: &mut Vec<Figure>, h: &mut Headless, pool: &Pool, n: usize) {
    const NAME: &str = "bytes for a live refresh of one changed roster row";
    match live::measure(h, pool, n).await {
        Ok(l) => {
            match stats::summarize(&l.frames) {
                Some(s) => figures.push(Figure::new(
                    format!("{NAME} p95"),
                    Some(s.p95),
                    "B",
                    Some(512.0),
                )),
                None => figures.push(Figure::failed(NAME, "B", Some(512.0), "no samples".into())),
            }
            figures.push(Figure::new(
                "the changed row's new name cell (text bytes)",
                Some(l.text),
                "B",
                None,
            ));
        }
        Err(e) => figures.push(Figure::failed(NAME, "B", Some(512.0), format!("{e:#}"))),
    }
}
