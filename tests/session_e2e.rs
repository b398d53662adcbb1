//! End to end: the session note editor in the real binary, in a
//! pseudo-terminal, signed in as the demo counselor's own login role (under
//! row-level security) on a seeded database. A session logged from the
//! caseload home lands in the database and on the intervention; a client
//! killed mid-note offers the note again at the next start; a value the
//! database would refuse is explained and the typing stays on disk.

mod common;

use caseload::app::session_edit::draft::SessionDraft;
use caseload::app::session_edit::slots::{self, Slot};
use caseload::db::caseload::load_home;
use caseload::db::interventions::detail::load_detail;
use caseload::demo::seed;
use caseload::domain::caseload::{HOME_ROWS, Scope};
use caseload::domain::intervention::InterventionDetail;
use caseload::domain::session::SessionContext;
use caseload::ui::chart::{self, ChartModel};
use common::TestDb;
use common::pty::Pty;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tokio_postgres::Client;
use uuid::Uuid;

const WAIT: Duration = Duration::from_secs(30);
const COLS: u16 = 120;
const ROWS: u16 = 40;

const TAB: &str = "\t";
const UP: &str = "\x1b[A";
const CTRL_S: &str = "\x13";
const CTRL_U: &str = "\x15";

/// A seeded district, the demo counselor's login, a connection as that
/// role, and a state directory of the test's own (drafts, outbox).
struct Setup {
    _db: TestDb,
    admin: Client,
    me: Client,
    url: String,
    password: String,
    state: tempfile::TempDir,
    today: chrono::NaiveDate,
}

impl Setup {
    async fn new() -> Setup {
        // The seed and the program (CASELOAD_TODAY, set by Pty) agree on a
        // pinned today, so the home shows the same rows on every day.
        let today = common::today();
        let (db, admin) = TestDb::seeded(400, 7, today).await;
        let (url, password) = db
            .demo_login(&admin, seed::DEMO_COUNSELOR, "caseload_counselor")
            .await;
        let me = common::connect(&format!("{url} password={password}")).await;
        Setup {
            _db: db,
            admin,
            me,
            url,
            password,
            state: tempfile::tempdir().expect("state dir"),
            today,
        }
    }

    /// caseload with this setup's state directory: the env given here is
    /// applied after Pty's own, so XDG_STATE_HOME is ours and survives a
    /// restart.
    fn spawn(&self) -> Pty {
        let state = self.state.path().to_str().expect("utf-8 temp path");
        Pty::spawn(
            &["--database-url", &self.url],
            &[("PGPASSWORD", &self.password), ("XDG_STATE_HOME", state)],
            COLS,
            ROWS,
        )
    }

    /// The files in `drafts/` (or `outbox/`) of every connection target
    /// under this state directory.
    fn files(&self, which: &str) -> Vec<PathBuf> {
        let sessions = self.state.path().join("caseload").join("sessions");
        let Ok(targets) = std::fs::read_dir(&sessions) else {
            return vec![];
        };
        let mut out = Vec::new();
        for t in targets.flatten() {
            if let Ok(files) = std::fs::read_dir(t.path().join(which)) {
                out.extend(files.flatten().map(|f| f.path()));
            }
        }
        out.sort();
        out
    }

    /// The index on the home of the first active intervention whose goals
    /// are all active (at least one) and whose program asks for no
    /// required session field: the quick path applies to it as is. Also
    /// its editor context, as the counselor's own role reads it.
    async fn quick_row(&self) -> (usize, SessionContext) {
        let home = load_home(&self.me, None, Scope::Mine, self.today, HOME_ROWS)
            .await
            .expect("home");
        for (i, row) in home.active.iter().enumerate() {
            let id = row.of.intervention_id;
            let r = self
                .admin
                .query_one(
                    "SELECT count(*) FILTER (WHERE g.status = 'active'), count(g.id), \
                       COALESCE((SELECT jsonb_path_exists(p.session_fields, \
                                   '$[*] ? (@.required == true)') \
                                 FROM intervention_programs p WHERE p.id = i.program_id), \
                                false) \
                     FROM interventions i LEFT JOIN intervention_goals g \
                       ON g.intervention_id = i.id \
                     WHERE i.id = $1 GROUP BY i.id",
                    &[&id],
                )
                .await
                .expect("goals and fields");
            let (active, all, required): (i64, i64, bool) = (r.get(0), r.get(1), r.get(2));
            if active >= 1 && active == all && !required {
                let ctx = caseload::db::sessions::context(&self.me, id)
                    .await
                    .expect("context")
                    .expect("visible to the counselor");
                assert!(ctx.may_write, "the counselor may log sessions of {id}");
                return (i, ctx);
            }
        }
        panic!("no active intervention of the demo counselor fits the quick path");
    }

    async fn detail(&self, id: Uuid) -> InterventionDetail {
        load_detail(&self.admin, id, self.today)
            .await
            .expect("detail")
            .expect("the intervention exists")
    }

    async fn sessions_of(&self, id: Uuid) -> i64 {
        self.admin
            .query_one(
                "SELECT count(*) FROM intervention_sessions WHERE intervention_id = $1",
                &[&id],
            )
            .await
            .expect("count sessions")
            .get(0)
    }
}

/// What the goals tab says about the first goal: its decision line and
/// the chart's value axis (top and bottom labels).
fn goal_view(d: &InterventionDetail) -> (String, String, String) {
    let g = d.goals.first().expect("a goal");
    let verdict = match g.verdict(d.settings.decision_rule_points) {
        Ok(v) => format!(
            "decision: {} ({} rule)",
            v.advice(),
            g.goal.fields.decision_rule.as_str().replace('_', "-")
        ),
        Err(why) => format!("decision: {why}"),
    };
    let m = ChartModel::new(g, &d.markers).expect("a chart");
    (
        verdict,
        format!("{:.0}", m.y_bounds[1]),
        format!("{:.0}", m.y_bounds[0]),
    )
}

/// What the goals tab's chart shows: the data-point glyphs between the
/// decision line and the legend, and the value axis's top and bottom
/// labels.
#[derive(Debug)]
struct ChartShown {
    points: usize,
    labels: (String, String),
}

fn chart_of(screen: &str) -> ChartShown {
    let lines: Vec<&str> = screen.lines().collect();
    let top = lines
        .iter()
        .position(|l| l.starts_with("decision: "))
        .expect("the decision line")
        + 1;
    let legend = lines
        .iter()
        .position(|l| l.starts_with(&format!("{} points", chart::POINT)))
        .expect("the legend");
    let plot = &lines[top..legend - 1];
    let label = |l: &str| {
        // The value axis draws its labels as "41┤".
        l.split(|c: char| c.is_whitespace() || c == '┤')
            .find(|w| !w.is_empty())
            .filter(|w| w.parse::<i64>().is_ok())
            .unwrap_or("")
            .to_string()
    };
    ChartShown {
        points: plot.iter().map(|l| l.matches(chart::POINT).count()).sum(),
        labels: (
            label(plot.first().copied().unwrap_or("")),
            label(plot.last().copied().unwrap_or("")),
        ),
    }
}

/// Keys sent, counted as a person presses them: one per key, one per
/// character typed.
struct Keys {
    pressed: usize,
}

impl Keys {
    fn press(&mut self, pty: &mut Pty, key: &str) {
        self.pressed += 1;
        pty.send(key);
    }

    fn type_text(&mut self, pty: &mut Pty, text: &str) {
        self.pressed += text.chars().count();
        pty.send(text);
    }
}

fn wait_until_empty(files: impl Fn() -> Vec<PathBuf>, what: &str) {
    let start = Instant::now();
    while !files().is_empty() {
        assert!(start.elapsed() < WAIT, "{what} still holds {:?}", files());
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn focus_on_score(ctx: &SessionContext) -> (Vec<Slot>, usize) {
    let s = slots::slots(ctx);
    let first = s
        .iter()
        .position(|x| matches!(x, Slot::Score(_)))
        .expect("a score field");
    (s, first)
}

/// The editor is open on a new session of `ctx`, prefilled.
fn wait_editor(pty: &mut Pty, ctx: &SessionContext, today: chrono::NaiveDate) -> String {
    let title = format!(
        "{} · {} · new session",
        ctx.student_name, ctx.intervention_name
    );
    let date = today.format("%Y-%m-%d").to_string();
    let screen = pty.wait_for(&[&title, "Score", "Note", &date], WAIT);
    assert!(
        screen.contains(&format!("Minutes                 {}", ctx.planned_minutes)),
        "minutes prefilled with the planned {}:\n{screen}",
        ctx.planned_minutes
    );
    assert!(
        screen.contains("Attendance              present"),
        "present by default:\n{screen}"
    );
    screen
}

/// 1. The quick path: from the home, `L`, a score, tab to the note, a note,
/// ctrl-s. The session is in the database with the planned minutes and
/// present, the score is a data point tied to it, the intervention shows
/// both, and nothing is left in drafts or the outbox.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_a_session_from_the_home_and_sees_it_on_the_intervention() {
    let s = Setup::new().await;
    let (row, ctx) = s.quick_row().await;
    let iv = ctx.intervention_id;
    let goal = ctx.goals[0].id;
    let before = s.detail(iv).await;
    let view_before = goal_view(&before);
    let sessions_before = s.sessions_of(iv).await;
    let note = "Zoë a lu « Le Petit Prince » — très bien, 読書 ½ ✓";

    let mut pty = s.spawn();
    pty.wait_for(&["My active interventions"], WAIT);
    for _ in 0..row {
        pty.send("j");
    }
    // The chart as it is before: open the row, look, come back.
    let wanted = format!("{} · {}", before.header.student_name, ctx.intervention_name);
    pty.send("\r");
    let screen = pty.wait_for(&["1 goals", &wanted, &view_before.0, "points ·"], WAIT);
    let chart_before = chart_of(&screen);
    assert_eq!(
        chart_before.labels,
        (view_before.1.clone(), view_before.2.clone()),
        "{screen}"
    );
    pty.send("\x1b");
    // The home back on screen means the Esc was read, on its own: the L
    // that follows cannot join it as alt-L.
    pty.wait_for(&["My active interventions"], WAIT);

    let mut keys = Keys { pressed: 0 };
    keys.press(&mut pty, "L");
    wait_editor(&mut pty, &ctx, s.today);
    // Focus starts on the first score; after the last score, tab is the note.
    keys.type_text(&mut pty, "42");
    for _ in 0..ctx.goals.len() {
        keys.press(&mut pty, TAB);
    }
    pty.wait_for(&["Note: enter starts a new line"], WAIT);
    pty.send(note);
    pty.wait_for(&[note], WAIT);
    keys.press(&mut pty, CTRL_S);
    let screen = pty.wait_for(&["session saved"], WAIT);
    assert!(
        screen.contains("My active interventions"),
        "back on the home:\n{screen}"
    );
    println!("quick path: {} keystrokes beyond the note", keys.pressed);
    assert!(
        keys.pressed <= 12,
        "the quick path takes {} keystrokes beyond the note",
        keys.pressed
    );

    // The database, as admin: one new session, planned minutes, present,
    // the note exactly; the score a data point of the session.
    let rows = s
        .admin
        .query(
            "SELECT id, minutes, attendance::text, session_date, note, field_values \
             FROM intervention_sessions WHERE intervention_id = $1 AND note = $2",
            &[&iv, &note],
        )
        .await
        .expect("sessions");
    assert_eq!(rows.len(), 1, "exactly one session with the note");
    // Last session's answers were not recorded again: only the fields the
    // program carries over have a value nobody typed (a yes/no is saved as
    // no when left alone).
    let saved: serde_json::Value = rows[0].get(5);
    for (k, v) in saved.as_object().expect("an object") {
        let f = ctx.fields.iter().find(|f| &f.key == k).expect("a field");
        assert!(
            f.carry || *v == serde_json::Value::Bool(false),
            "{k} = {v} was recorded though nobody typed it"
        );
    }
    let session: Uuid = rows[0].get(0);
    assert_eq!(rows[0].get::<_, i16>(1), ctx.planned_minutes);
    assert_eq!(rows[0].get::<_, String>(2), "present");
    assert_eq!(rows[0].get::<_, chrono::NaiveDate>(3), s.today);
    assert_eq!(s.sessions_of(iv).await, sessions_before + 1);
    let points = s
        .admin
        .query(
            "SELECT goal_id, value::float8, measured_on FROM progress_measurements \
             WHERE session_id = $1",
            &[&session],
        )
        .await
        .expect("points");
    assert_eq!(points.len(), 1, "one score, one data point");
    assert_eq!(points[0].get::<_, Uuid>(0), goal);
    assert_eq!(points[0].get::<_, f64>(1), 42.0);
    assert_eq!(points[0].get::<_, chrono::NaiveDate>(2), s.today);

    wait_until_empty(|| s.files("drafts"), "drafts/");
    wait_until_empty(|| s.files("outbox"), "outbox/");

    // Enter on the home row should open the intervention the session was
    // for: the cursor stays with the row it was on. The home reloads after
    // the save and re-sorts (a session today moves the next one due); if
    // the cursor kept its index instead, the bug is noted, the flow goes on
    // on the right row, and the test fails at the end.
    let mut bugs: Vec<String> = Vec::new();
    pty.send("\r");
    let screen = pty.wait_for(&["1 goals", "2 sessions"], WAIT);
    if !screen.contains(&wanted) {
        let home = load_home(&s.me, None, Scope::Mine, s.today, HOME_ROWS)
            .await
            .expect("home");
        let now = home
            .active
            .iter()
            .position(|r| r.of.intervention_id == iv)
            .expect("still active");
        let opened = screen.lines().nth(1).unwrap_or("").trim().to_string();
        bugs.push(format!(
            "after saving a session logged with L on home row {row} ({wanted}), the home \
             reloaded with that intervention at row {now} but the cursor stayed at row \
             {row}: Enter opened {opened:?} instead"
        ));
        pty.send("\x1b");
        pty.wait_for(&["My active interventions"], WAIT);
        let (key, n) = if now > row {
            ("j", now - row)
        } else {
            ("k", row - now)
        };
        for _ in 0..n {
            pty.send(key);
        }
        let r = &home.active[now].of;
        wait_on_row(&mut pty, &r.student_name, &r.name);
        pty.send("\r");
        pty.wait_for(&["1 goals", &wanted], WAIT);
    }
    pty.send("2");
    let today = s.today.to_string();
    let screen = pty.wait_for(&["date", "attendance", &today, note], WAIT);
    assert!(
        screen.contains(&format!("2 sessions ({})", sessions_before + 1)),
        "the tab counts the new session:\n{screen}"
    );
    let line = screen
        .lines()
        .find(|l| l.contains(note))
        .expect("the session's line");
    assert!(
        line.contains(&today) && line.contains("present"),
        "today, present: {line}"
    );

    // Goals: the chart has the new point.
    pty.send("1");
    let after = s.detail(iv).await;
    assert_eq!(
        after.goals[0].points.len(),
        before.goals[0].points.len() + 1
    );
    let view_after = goal_view(&after);
    let screen = pty.wait_for(&[&view_after.0, "points ·"], WAIT);
    let chart_after = chart_of(&screen);
    assert_eq!(
        chart_after.points,
        chart_before.points + 1,
        "one more point on the chart; before {chart_before:?}, now:\n{screen}"
    );
    // The value axis is the one the data with the new point makes; 42
    // being above everything drawn before, the axis grew to hold it.
    let m = ChartModel::new(&before.goals[0], &before.markers).expect("a chart");
    let drawn_before = m
        .points
        .iter()
        .chain(m.aimline.iter().flatten())
        .chain(m.trend.iter().flatten())
        .map(|&(_, y)| y)
        .fold(f64::NEG_INFINITY, f64::max);
    assert!(
        drawn_before < 42.0,
        "the seed changed: 42 no longer tops this goal's chart ({drawn_before})"
    );
    assert_eq!(
        chart_after.labels,
        (view_after.1.clone(), view_after.2.clone()),
        "{screen}"
    );
    assert_ne!(chart_before.labels, chart_after.labels, "{screen}");

    pty.send("q");
    pty.finish();
    assert!(bugs.is_empty(), "{}", bugs.join("\n"));
}

/// Opens the editor from the home on row `row` of My active interventions.
fn open_editor(pty: &mut Pty, row: usize, ctx: &SessionContext, today: chrono::NaiveDate) {
    pty.wait_for(&["My active interventions"], WAIT);
    for _ in 0..row {
        pty.send("j");
    }
    // The editor's context names the student "Last, First", the home
    // "First Last".
    let (last, first) = ctx.student_name.split_once(", ").unwrap_or_default();
    wait_on_row(pty, &format!("{first} {last}"), &ctx.intervention_name);
    pty.send("L");
    wait_editor(pty, ctx, today);
}

/// Wait until the home's highlighted row shows `student` and the
/// intervention `name`: the start of each, as much as any column shows.
fn wait_on_row(pty: &mut Pty, student: &str, name: &str) {
    let start = |s: &str| {
        let mut out = String::new();
        for c in s.chars() {
            out.push(c);
            if caseload::ui::sanitize::width(&out) > 10 {
                out.pop();
                break;
            }
        }
        out
    };
    pty.wait_selected(&[&start(student), &start(name)], WAIT);
}

/// The drafts on disk, parsed.
fn drafts_of(s: &Setup) -> Vec<SessionDraft> {
    s.files("drafts")
        .iter()
        .filter_map(|f| std::fs::read(f).ok())
        .filter_map(|b| serde_json::from_slice(&b).ok())
        .collect()
}

/// Wait until a draft on disk satisfies `ok`; return it.
fn wait_draft(s: &Setup, what: &str, ok: impl Fn(&SessionDraft) -> bool) -> SessionDraft {
    let start = Instant::now();
    loop {
        if let Some(d) = drafts_of(s).into_iter().find(&ok) {
            return d;
        }
        assert!(
            start.elapsed() < WAIT,
            "no draft {what} in {:?}",
            s.files("drafts")
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// 2. A note typed, autosaved, then the client SIGKILLed (no flush, no
/// goodbye): the next start offers it on "Unsent notes"; enter reopens it
/// with every character and the score; ctrl-s saves exactly that.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_client_offers_its_draft_at_the_next_start() {
    let s = Setup::new().await;
    let (row, ctx) = s.quick_row().await;
    let iv = ctx.intervention_id;
    let lines = [
        "Première séance : Zoë a lu « Le Petit Prince » à voix haute",
        "第二行：读得很好。Ñandú, Straße, Ærø — ½ page, 3×",
        "",
        "Dernière ligne ✓ (ça va, señor Łukasz)",
    ];
    let note = lines.join("\n");

    let mut pty = s.spawn();
    open_editor(&mut pty, row, &ctx, s.today);
    pty.send("17");
    for _ in 0..ctx.goals.len() {
        pty.send(TAB);
    }
    pty.wait_for(&["Note: enter starts a new line"], WAIT);
    // Enter in the note is a new line; the terminal sends it as CR.
    pty.send(&lines.join("\r"));
    let shown: Vec<&str> = lines.iter().copied().filter(|l| !l.is_empty()).collect();
    pty.wait_for(&shown, WAIT);
    // Autosave: within ~150 ms of a change; give it well over that.
    std::thread::sleep(Duration::from_millis(1500));
    let draft = wait_draft(&s, "with the whole note", |d| d.note == note);
    assert_eq!(draft.context.intervention_id, iv);
    pty.kill_hard();
    assert_eq!(
        pty.count(b"\x1b[?1049l"),
        0,
        "killed without leaving the alternate screen: no goodbye"
    );
    drop(pty);
    assert!(s.files("outbox").is_empty(), "nothing was submitted");

    // The next start, same state directory: the note is offered.
    let mut pty = s.spawn();
    // The row is cut to the terminal's width with "…", so what a person can
    // count on seeing is whose note it is and how the note starts.
    let start = "Première séance";
    let screen = pty.wait_for(
        &[
            "Unsent notes",
            "Session notes on this machine that were never saved to the database:",
            start,
        ],
        WAIT,
    );
    let row = screen
        .lines()
        .find(|l| l.contains(start))
        .unwrap_or_default();
    assert!(
        row.trim_start()
            .starts_with(&format!("{} · {}", ctx.student_name, ctx.intervention_name)),
        "the list says whose note it is:\n{screen}"
    );
    pty.send("\r");
    let title = format!(
        "{} · {} · new session",
        ctx.student_name, ctx.intervention_name
    );
    let mut needles = shown.clone();
    needles.push(&title);
    let screen = pty.wait_for(&needles, WAIT);
    // The note, line by line, exactly as typed (the empty line too).
    let note_rows: Vec<String> = screen
        .lines()
        .skip_while(|l| !l.contains("Note"))
        .skip(1)
        .take_while(|l| !l.starts_with('└'))
        .map(|l| {
            l.trim_start_matches('│')
                .trim_end()
                .trim_end_matches('│')
                .trim_end()
                .to_string()
        })
        .collect();
    assert_eq!(
        &note_rows[..lines.len()],
        &lines.map(str::to_string)[..],
        "the note as typed:\n{screen}"
    );
    // The first score's line: its label, the value, then its goal.
    let score = screen
        .lines()
        .find(|l| l.starts_with("  Score") || l.starts_with("› Score"))
        .expect("the score line");
    let value: String = score.chars().skip(26).collect();
    assert!(
        value.trim_start().starts_with("17 "),
        "the score as typed: {score:?}"
    );
    pty.send(CTRL_S);
    pty.wait_for(&["session saved"], WAIT);

    let rows = s
        .admin
        .query(
            "SELECT id, note FROM intervention_sessions WHERE intervention_id = $1 \
               AND note LIKE 'Première séance%'",
            &[&iv],
        )
        .await
        .expect("sessions");
    assert_eq!(rows.len(), 1, "exactly one session from the recovered note");
    assert_eq!(rows[0].get::<_, String>(1), note, "every character intact");
    let session: Uuid = rows[0].get(0);
    assert_eq!(
        rows[0].get::<_, Uuid>(0),
        draft.id,
        "saved under the draft's id"
    );
    let value: f64 = s
        .admin
        .query_one(
            "SELECT value::float8 FROM progress_measurements WHERE session_id = $1",
            &[&session],
        )
        .await
        .expect("the score's data point")
        .get(0);
    assert_eq!(value, 17.0);
    wait_until_empty(|| s.files("drafts"), "drafts/");
    wait_until_empty(|| s.files("outbox"), "outbox/");

    pty.send("q");
    pty.finish();
}

/// 3. Minutes over the limit: ctrl-s explains it on the field and says
/// nothing was saved; the database has no new row; the draft on disk
/// keeps what was typed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_value_is_explained_and_nothing_is_lost() {
    let s = Setup::new().await;
    let (row, ctx) = s.quick_row().await;
    let iv = ctx.intervention_id;
    let sessions_before = s.sessions_of(iv).await;
    let (slots, score) = focus_on_score(&ctx);
    let minutes = slots
        .iter()
        .position(|x| *x == Slot::Minutes)
        .expect("minutes");

    let mut pty = s.spawn();
    open_editor(&mut pty, row, &ctx, s.today);
    // Up from the first score, field by field, to Minutes.
    for _ in minutes..score {
        pty.send(UP);
    }
    pty.wait_for(
        &["Minutes: 0 to 600; 0 when the student was not present"],
        WAIT,
    );
    pty.send(CTRL_U);
    pty.send("700");
    pty.wait_for(&["Minutes                 700"], WAIT);
    pty.send(CTRL_S);
    let screen = pty.wait_for(
        &["minutes is a whole number from 0 to 600", "not saved"],
        WAIT,
    );
    assert!(
        screen.contains("not saved: 1 value to fix"),
        "one value to fix:\n{screen}"
    );
    // Still the editor, the value as typed.
    assert!(screen.contains("Minutes                 700"), "{screen}");

    let draft = wait_draft(&s, "with 700 minutes", |d| {
        d.values.get(minutes).map(String::as_str) == Some("700")
    });
    assert_eq!(draft.context.intervention_id, iv);
    let text = std::fs::read_to_string(s.files("drafts").first().expect("a draft"))
        .expect("read the draft");
    assert!(text.contains("\"700\""), "{text}");
    assert!(s.files("outbox").is_empty(), "nothing was queued");
    // Give a save that should not have happened every chance to show.
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(s.sessions_of(iv).await, sessions_before, "no row saved");

    // Leaving keeps the draft.
    pty.send("\x1b");
    pty.wait_for(&["k keep as draft"], WAIT);
    pty.send("k");
    pty.wait_for(&["My active interventions", "kept as a draft"], WAIT);
    pty.send("q");
    pty.finish();
    let kept = drafts_of(&s);
    assert_eq!(kept.len(), 1, "the draft stays after quitting");
    assert_eq!(kept[0].values[minutes], "700");
    assert_eq!(s.sessions_of(iv).await, sessions_before, "no row saved");
}

/// Closing the terminal window (SIGHUP) a moment after the last key: the
/// note is written before caseload ends, not lost with the coalescing
/// delay.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_the_terminal_right_after_typing_keeps_every_word() {
    let s = Setup::new().await;
    let (row, ctx) = s.quick_row().await;
    let mut pty = s.spawn();
    open_editor(&mut pty, row, &ctx, s.today);
    for _ in 0..ctx.goals.len() {
        pty.send(TAB);
    }
    pty.wait_for(&["Note: enter starts a new line"], WAIT);
    let note = "Last words before the window closed — ¡sí! 終わり";
    pty.send(note);
    pty.wait_for(&[note], WAIT);
    // No pause: the window closes as soon as the words are on screen.
    pty.signal("-HUP");
    let draft = wait_draft(&s, "with the last words", |d| d.note == note);
    assert_eq!(draft.context.intervention_id, ctx.intervention_id);
}
