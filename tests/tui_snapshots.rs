//! Frames rendered to ratatui's TestBackend and compared with reviewed
//! snapshots (tests/snapshots/). Regenerate with `INSTA_UPDATE=always cargo
//! test --test tui_snapshots`, then read the .snap diffs before committing.

use caseload::app::{self, Effect, Msg, Options, State, update};
use caseload::app::{Data, Read};
use caseload::domain::enums::{GradeLevel, NavigationType, StudentStatus};
use caseload::domain::navigation::{NavItem, ToolAccess};
use caseload::domain::roster::{RosterPage, RosterQuery, RosterRow, Sort};
use caseload::domain::user::{CaseloadUser, Whoami};
use caseload::ui::{self, sanitize, theme::Theme};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use uuid::Uuid;

const LABEL: &str = "dana@/var/run/postgresql:5432/caseload_demo";

fn render(state: &State, width: u16, height: u16, no_color: bool) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(width, height)).unwrap();
    t.draw(|f| ui::render(f, state, &Theme::new(no_color)))
        .unwrap();
    t
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn student(n: u128, last: &str, first: &str, preferred: Option<&str>) -> RosterRow {
    RosterRow {
        id: Uuid::from_u128(n),
        last_name: last.into(),
        first_name: first.into(),
        preferred_name: preferred.map(Into::into),
        grade: GRADES[(n as usize) % GRADES.len()],
        school: "Lincoln El".into(),
        local_id: format!("{:06}", 100200 + n),
        status: if n % 4 == 3 {
            StudentStatus::Pending
        } else {
            StudentStatus::Active
        },
        has_iep: n.is_multiple_of(3),
        has_504: n.is_multiple_of(5),
        is_english_learner: n.is_multiple_of(2),
        school_id: Uuid::from_u128(1),
        // Every third student has had a session, on a day that follows n.
        last_session: n.is_multiple_of(3).then(|| {
            chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap_or_default()
                + chrono::Days::new(u64::try_from(n % 28).unwrap_or(0))
        }),
    }
}

const GRADES: [GradeLevel; 5] = [
    GradeLevel::KG,
    GradeLevel::G01,
    GradeLevel::G03,
    GradeLevel::G05,
    GradeLevel::G12,
];

fn rows() -> Vec<RosterRow> {
    let mut v = vec![
        student(1, "Abbott", "Lena", None),
        student(2, "Baptiste", "Jean-Luc", Some("JL")),
        // Wide characters: each takes two columns.
        student(3, "王", "小明", Some("Xiaoming")),
        // An attempt to clear the screen and turn the terminal red.
        student(4, "Evil\x1b[2J\x1b[31m", "Mallory\u{202E}", None),
        student(5, "Nu\u{301}n\u{303}ez", "José", None),
        student(
            6,
            "Oyelaran-Whitfield-Montgomery",
            "Oluwaseun Alexandra",
            Some("Seun"),
        ),
    ];
    v.extend((7..40).map(|n| student(n, &format!("Student{n:02}"), "Pat", None)));
    v
}

fn whoami() -> Whoami {
    Whoami {
        login_role: "dana".into(),
        server_version: "15.8".into(),
        user: Some(CaseloadUser {
            id: Uuid::from_u128(1),
            username: "dana".into(),
            display_name: "Dana Reyes".into(),
            role_keys: vec!["coordinator".into()],
        }),
    }
}

fn state_with(width: u16, height: u16) -> State {
    let mut s = State::new(Options {
        connection_label: LABEL.into(),
        connection_short: "dana@caseload_demo".into(),
        ..Options::default()
    });
    update(&mut s, Msg::Resize { width, height });
    s
}

fn connected(width: u16, height: u16) -> State {
    let mut s = state_with(width, height);
    let Effect::Connect { req } = update(&mut s, Msg::Start)[0] else {
        panic!()
    };
    let Effect::Load {
        req,
        read: Read::Menu,
    } = update(
        &mut s,
        Msg::Connected {
            req,
            whoami: whoami(),
        },
    )[0]
    else {
        panic!()
    };
    let nav = |id: u128,
               parent: Option<u128>,
               label: &str,
               t: NavigationType,
               target: Option<&str>,
               hk: Option<&str>| NavItem {
        id: Uuid::from_u128(id),
        parent_id: parent.map(Uuid::from_u128),
        label: label.into(),
        nav_type: t,
        target: target.map(Into::into),
        hotkey: hk.map(Into::into),
        sort_order: id as i32,
    };
    use NavigationType::*;
    let items = vec![
        nav(1, None, "Students", Group, None, None),
        nav(2, Some(1), "Roster", Screen, Some("roster"), Some("r")),
        nav(
            3,
            Some(1),
            "My caseload",
            Screen,
            Some("caseload"),
            Some("c"),
        ),
        nav(4, None, "", Separator, None, None),
        nav(5, None, "Reports", Screen, Some("reports"), Some("p")),
    ];
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::Menu { items },
        },
    );
    // The caseload home opens by itself; these tests start from the menu,
    // cursor on its first item.
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, key(KeyCode::Home));
    s
}

fn on_roster(width: u16, height: u16) -> State {
    let mut s = connected(width, height);
    let fx = update(&mut s, key(KeyCode::Enter));
    assert!(
        matches!(
            &fx[..],
            [
                Effect::Load {
                    read: Read::RosterPage { .. },
                    ..
                },
                Effect::Load {
                    read: Read::RosterCount { .. },
                    ..
                },
                Effect::Load {
                    read: Read::RosterFilters,
                    ..
                },
            ]
        ),
        "{fx:?}"
    );
    let query = answer(&mut s, &fx, rows());
    assert_eq!(query, RosterQuery::default());
    for _ in 0..3 {
        update(&mut s, key(KeyCode::Down));
    }
    s
}

/// Answers the roster's requests among `fx` as the server would: `rows` as
/// the one page of matches, their number as the count, and no saved filters.
/// Returns the query the page was asked for, so a test can check that the
/// rows it passed are what that query finds.
fn answer(s: &mut State, fx: &[Effect], rows: Vec<RosterRow>) -> RosterQuery {
    let mut asked = None;
    let total = rows.len() as u64;
    let mut rows = Some(rows);
    for effect in fx {
        let Effect::Load { req, read } = effect else {
            continue;
        };
        let data = match read {
            Read::RosterPage { query, .. } => {
                asked = Some(query.clone());
                Data::RosterPage {
                    page: RosterPage {
                        rows: rows.take().expect("one page asked"),
                        more: false,
                    },
                }
            }
            Read::RosterCount { .. } => Data::RosterCount {
                total,
                estimated: false,
            },
            Read::RosterFilters => Data::RosterFilters { saved: None },
            other => panic!("not a roster read: {other:?}"),
        };
        update(s, Msg::Loaded { req: *req, data });
    }
    asked.expect("no roster page was asked for")
}

#[test]
fn roster_80x24() {
    let t = render(&on_roster(80, 24), 80, 24, false);
    insta::assert_snapshot!(t.backend());
}

/// A new counselor with a school grant and nobody assigned: the empty
/// roster says who a counselor sees and how students come to them (the
/// cold tryout found it silent).
#[test]
fn an_empty_roster_says_who_a_person_sees_80x24() {
    let mut s = connected(80, 24);
    let fx = update(&mut s, key(KeyCode::Enter));
    answer(&mut s, &fx, vec![]);
    let t = render(&s, 80, 24, false);
    let text = t.backend().to_string();
    assert!(text.contains("No students to show."), "{text}");
    assert!(
        text.contains("add you to one of the student's interventions"),
        "{text}"
    );
    insta::assert_snapshot!(t.backend());
}

#[test]
fn roster_120x40() {
    let t = render(&on_roster(120, 40), 120, 40, false);
    insta::assert_snapshot!(t.backend());
}

/// The screen as lines of text, skipping the cells hidden under wide characters.
/// Issue 13, item 8: the columns take the width their cells need, so a
/// wide screen cuts no name while it has room, and at 80 columns the flags
/// and statuses stay whole while the names share what is left.
#[test]
fn roster_200x60_columns_share_the_width() {
    let t = render(&on_roster(200, 60), 200, 60, false);
    let text = lines(t.backend().buffer()).join("\n");
    assert!(
        text.contains("Oyelaran-Whitfield-Montgomery, Oluwaseun Alexandra (Seun)"),
        "{text}"
    );
    assert!(!text.contains('…'), "{text}");
    insta::assert_snapshot!(t.backend());
    let t = render(&on_roster(80, 24), 80, 24, false);
    let rows = lines(t.backend().buffer());
    let row = |who: &str| {
        rows.iter()
            .find(|l| l.contains(who))
            .cloned()
            .unwrap_or_default()
    };
    assert!(row("Student15").contains("pending IEP 504"), "{rows:#?}");
    assert!(
        row("Oyelaran").contains("Oyelaran-Whitfield-Montgomery, Olu"),
        "{rows:#?}"
    );
}

fn lines(buf: &Buffer) -> Vec<String> {
    (0..buf.area.height)
        .map(|y| {
            let mut line = String::new();
            let mut x = 0;
            while x < buf.area.width {
                let sym = buf[(x, y)].symbol();
                line.push_str(sym);
                x += u16::try_from(sanitize::width(sym).max(1)).unwrap();
            }
            line
        })
        .collect()
}

/// Every line has the same display width, no escape byte or bidi override
/// reaches the buffer, and the columns after a wide or hostile name start
/// where they start on a plain row.
#[test]
fn hostile_and_wide_names_keep_columns_aligned() {
    for (w, h) in [(80, 24), (120, 40), (40, 14)] {
        let t = render(&on_roster(w, h), w, h, false);
        let lines = lines(t.backend().buffer());
        for (y, line) in lines.iter().enumerate() {
            assert!(
                !line.contains('\x1b') && !line.contains('\u{202E}'),
                "{line:?}"
            );
            assert_eq!(sanitize::width(line), usize::from(w), "row {y}: {line:?}");
        }
        let status_col = |needle: &str| {
            let l = lines.iter().find(|l| l.contains(needle)).unwrap();
            let at = l.find(" active").or(l.find(" pending")).unwrap();
            sanitize::width(&l[..at])
        };
        let plain = status_col("Abbott");
        assert_eq!(status_col("王"), plain, "at {w}x{h}");
        assert_eq!(status_col("Evil"), plain, "at {w}x{h}");
        assert_eq!(status_col("Nu\u{301}"), plain, "at {w}x{h}");
    }
}

#[test]
fn menu_while_connected() {
    insta::assert_snapshot!(render(&connected(80, 24), 80, 24, false).backend());
}

#[test]
fn first_frame_before_the_database_answers() {
    let mut s = state_with(80, 12);
    update(&mut s, Msg::Start);
    insta::assert_snapshot!(render(&s, 80, 12, false).backend());
}

#[test]
fn help_overlay() {
    let mut s = on_roster(80, 30);
    update(&mut s, key(KeyCode::Char('?')));
    insta::assert_snapshot!(render(&s, 80, 30, false).backend());
}

#[test]
fn too_small_terminal() {
    // Keys do nothing while the terminal is too small: the roster is
    // opened first, then the terminal shrinks.
    let mut s = on_roster(80, 24);
    update(
        &mut s,
        Msg::Resize {
            width: 20,
            height: 5,
        },
    );
    insta::assert_snapshot!(render(&s, 20, 5, false).backend());
    // Degenerate sizes must not panic either.
    for (w, h) in [(0, 0), (1, 1), (39, 10), (40, 9), (200, 2)] {
        render(&s, w, h, false);
    }
}

#[test]
fn connection_error_status_line() {
    let mut s = state_with(100, 12);
    let Effect::Connect { req } = update(&mut s, Msg::Start)[0] else {
        panic!()
    };
    update(
        &mut s,
        Msg::ConnectionFailed {
            req,
            reason: "password authentication failed for user \"dana\"".into(),
        },
    );
    let t = render(&s, 100, 12, false);
    insta::assert_snapshot!(t.backend());
    let buf = t.backend().buffer();
    let c = &buf[(0, 11)];
    assert_eq!(c.fg, Color::Red, "the error is red");
}

#[test]
fn not_a_caseload_user() {
    let mut s = state_with(100, 12);
    let Effect::Connect { req } = update(&mut s, Msg::Start)[0] else {
        panic!()
    };
    let whoami = Whoami {
        login_role: "postgres".into(),
        server_version: "15.8".into(),
        user: None,
    };
    update(&mut s, Msg::Connected { req, whoami });
    let text = render(&s, 100, 12, false).backend().to_string();
    assert!(
        text.contains("dana@caseload_demo: not a caseload user"),
        "{text}"
    );
    // Help says who, in full, at its end.
    update(&mut s, key(KeyCode::Char('?')));
    update(&mut s, key(KeyCode::Char('G')));
    let text = render(&s, 100, 12, false).backend().to_string();
    assert!(
        text.contains("signed in as postgres, who is not a caseload user"),
        "{text}"
    );
}

fn assert_no_colours(buf: &Buffer) {
    for cell in buf.content() {
        assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset), "{cell:?}");
    }
}

#[test]
fn no_color_keeps_emphasis_but_no_colours() {
    let s = on_roster(80, 24);
    let t = render(&s, 80, 24, true);
    insta::assert_snapshot!(t.backend());
    let buf = t.backend().buffer();
    assert_no_colours(buf);
    // The selected row (title, search box, chips, header, 3 rows above) is
    // reversed and bold.
    let selected = &buf[(0, 7)];
    assert!(
        selected
            .modifier
            .contains(Modifier::REVERSED | Modifier::BOLD),
        "{selected:?}"
    );
    let title = &buf[(0, 0)];
    assert!(title.modifier.contains(Modifier::REVERSED));

    let mut s = on_roster(80, 24);
    update(&mut s, key(KeyCode::Char('?')));
    assert_no_colours(render(&s, 80, 24, true).backend().buffer());
    // And the coloured theme really does use colour.
    let coloured = render(&on_roster(80, 24), 80, 24, false);
    assert!(
        coloured
            .backend()
            .buffer()
            .content()
            .iter()
            .any(|c| c.fg != Color::Reset)
    );
}

/// `:open <tool>` typed and entered on the menu, and the database's answer
/// `access` to the question it asked.
fn open_tool(tool: &str, access: ToolAccess) -> State {
    let mut s = connected(80, 12);
    for c in format!(":open {tool}").chars() {
        update(&mut s, key(KeyCode::Char(c)));
    }
    let fx = update(&mut s, key(KeyCode::Enter));
    let [
        Effect::Load {
            req,
            read: Read::Tool { key },
        },
    ] = fx.as_slice()
    else {
        panic!("{fx:?}")
    };
    assert_eq!(key, tool);
    let data = Data::Tool {
        key: key.clone(),
        access,
    };
    update(&mut s, Msg::Loaded { req: *req, data });
    s
}

/// A tool the district approved that caseload has no screen for: the
/// screen says this version has no screen for it. The tool key is made
/// up, so this stays true whichever screens get built.
#[test]
fn an_approved_tool_without_a_screen_says_this_version_has_none() {
    let name = "Bus routes".to_string();
    let s = open_tool("example.unbuilt", ToolAccess::Allowed { name });
    let text = render(&s, 80, 12, false).backend().to_string();
    assert!(
        text.contains("this version of caseload has no screen for Bus routes"),
        "{text}"
    );
    assert!(text.contains("Menu › Bus routes"), "{text}");
}

#[test]
fn command_prompt() {
    let mut s = connected(80, 12);
    for c in ":open admin.users".chars() {
        update(&mut s, key(KeyCode::Char(c)));
    }
    let mut t = render(&s, 80, 12, false);
    insta::assert_snapshot!(t.backend());
    // The cursor sits after the text, on the status line.
    assert_eq!(
        t.get_cursor_position().unwrap(),
        ratatui::layout::Position::new(17, 11)
    );
}

#[test]
fn refused_tool_message() {
    let s = open_tool("admin.users", ToolAccess::Refused);
    let t = render(&s, 80, 12, false);
    // Too long for one line, the message takes the hint line's row too and
    // is read whole.
    let status: String = (10..12)
        .flat_map(|y| (0..80).map(move |x| (x, y)))
        .map(|at| t.backend().buffer()[at].symbol().to_string())
        .collect();
    assert!(
        status.starts_with("you don't have access to admin.users"),
        "{status}"
    );
    assert!(status.contains("administrator can grant it)"), "{status}");
}

/// The roster after `typed` was typed into the search box and `pasted`
/// pasted there, then five filters added from the filter bar (the grade
/// from the selected student, Mallory, in grade 12), the bar still holding
/// the keys; the server's answer to that query is `matches`.
fn searched_and_filtered(
    width: u16,
    height: u16,
    (typed, pasted): (&str, &str),
    matches: Vec<RosterRow>,
) -> State {
    let mut s = on_roster(width, height);
    update(&mut s, key(KeyCode::Char('/')));
    for c in typed.chars() {
        update(&mut s, key(KeyCode::Char(c)));
    }
    update(&mut s, Msg::Paste(caseload::config::Password::new(pasted)));
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, key(KeyCode::Char('f')));
    let mut fx = Vec::new();
    for c in ['i', 't', 't', 's', 'm', '['] {
        fx = update(&mut s, key(KeyCode::Char(c)));
    }
    let query = answer(&mut s, &fx, matches);
    let f = &query.filters;
    assert_eq!(
        f.school.as_ref().map(|s| s.name.as_str()),
        Some("Lincoln El")
    );
    assert_eq!((f.grade_min, f.grade_max), (Some(GradeLevel::G12), None));
    assert_eq!((f.tier, f.iep, f.my_caseload), (Some(2), true, true));
    assert!(!f.section_504 && !f.english_learner && !f.active_intervention);
    update(&mut s, key(KeyCode::Right));
    s
}

/// Students the search "garcía o'b" finds (every word in a name, accents
/// and apostrophes folded: "ob" is in Tobías and Obregón too) who also pass
/// every filter: Lincoln El, grade 12, IEP. The rows do not say whose
/// caseload a student is on or the tier of their interventions; these are
/// taken to be on it, in tier 2.
fn garcia_ob_in_grade_12_with_an_iep() -> (State, State) {
    let found = || {
        // student(n) is in grade 12 when n % 5 == 4 and has an IEP when
        // n % 3 == 0.
        let v = vec![
            student(54, "García", "Tobías", None),
            student(69, "García-O'Brien", "Ana", Some("Anita")),
            student(84, "Obregón García", "Luis", None),
        ];
        for r in &v {
            assert_eq!((r.grade, r.has_iep), (GradeLevel::G12, true));
        }
        v
    };
    let typed = ("garcía o'b", "");
    (
        searched_and_filtered(80, 24, typed, found()),
        searched_and_filtered(200, 60, typed, found()),
    )
}

#[test]
fn roster_search_and_chips_80x24() {
    let (s, _) = garcia_ob_in_grade_12_with_an_iep();
    let t = render(&s, 80, 24, false);
    let text = lines(t.backend().buffer()).join("\n");
    assert!(text.contains("row 1 of 3 · 3 loaded"), "{text}");
    assert!(
        !text.contains("loading") && !text.contains("Abbott"),
        "{text}"
    );
    insta::assert_snapshot!(t.backend());
}

#[test]
fn roster_search_and_chips_200x60() {
    let (_, s) = garcia_ob_in_grade_12_with_an_iep();
    let t = render(&s, 200, 60, false);
    insta::assert_snapshot!(t.backend());
}

/// Hostile search text (wildcards, an emoji, an escape sequence and a bidi
/// override pasted) matches nobody: what reaches the screen is the text made
/// harmless and "no students match", in no colour.
#[test]
fn roster_search_and_chips_no_color() {
    let s = searched_and_filtered(80, 24, ("garcía o'b%_\\ 😀", "\x1b[2J\u{202E}"), vec![]);
    let t = render(&s, 80, 24, true);
    insta::assert_snapshot!(t.backend());
    assert_no_colours(t.backend().buffer());
    let lines = lines(t.backend().buffer());
    for line in &lines {
        assert!(
            !line.contains('\x1b') && !line.contains('\u{202E}'),
            "{line:?}"
        );
        assert_eq!(sanitize::width(line), 80, "{line:?}");
    }
    assert!(lines.iter().any(|l| l.contains("no students match")));
}

/// The roster sorted by last session: the column stays even at 80 columns
/// (the local id gives way), most recent first, students with none last
/// (in name order, as the fixture's rows are).
fn by_last_session(width: u16, height: u16) -> State {
    let mut s = on_roster(width, height);
    let mut fx = Vec::new();
    for _ in 0..3 {
        fx = update(&mut s, key(KeyCode::Char('s')));
    }
    let mut sorted = rows();
    sorted.sort_by_key(|r| (r.last_session.is_none(), std::cmp::Reverse(r.last_session)));
    let query = answer(&mut s, &fx, sorted);
    assert_eq!(query.sort, Sort::LastSession);
    s
}

#[test]
fn roster_by_last_session_80x24() {
    let t = render(&by_last_session(80, 24), 80, 24, false);
    let text = lines(t.backend().buffer()).join("\n");
    assert!(text.contains("sort: last session"), "{text}");
    assert!(text.contains("Last session"), "{text}");
    assert!(!text.contains("Local id"), "{text}");
    // The first row is the most recent session, the footer has nothing
    // left to load.
    let first = text.lines().nth(4).unwrap_or_default();
    assert!(first.contains("2026-10-28"), "{text}");
    assert!(text.contains("row 1 of 39 · 39 loaded "), "{text}");
    assert!(!text.contains("loading"), "{text}");
    insta::assert_snapshot!(t.backend());
}

#[test]
fn roster_by_last_session_200x60_no_color() {
    let t = render(&by_last_session(200, 60), 200, 60, true);
    assert_no_colours(t.backend().buffer());
    insta::assert_snapshot!(t.backend());
}

/// A terminal emulator (vt100) fed the TUI's own frame output.
struct Replay {
    screen: caseload::tui::Screen<Tap>,
    out: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    vt: vt100::Parser,
    theme: Theme,
    size: (u16, u16),
}

struct Tap(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Tap {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A ratatui colour as vt100 reports it: named colours are the first 16
/// of the palette.
fn vt_colour(c: Color) -> vt100::Color {
    let named = [
        Color::Black,
        Color::Red,
        Color::Green,
        Color::Yellow,
        Color::Blue,
        Color::Magenta,
        Color::Cyan,
        Color::Gray,
        Color::DarkGray,
        Color::LightRed,
        Color::LightGreen,
        Color::LightYellow,
        Color::LightBlue,
        Color::LightMagenta,
        Color::LightCyan,
        Color::White,
    ];
    match c {
        Color::Reset => vt100::Color::Default,
        Color::Indexed(i) => vt100::Color::Idx(i),
        Color::Rgb(r, g, b) => vt100::Color::Rgb(r, g, b),
        named_colour => {
            vt100::Color::Idx(named.iter().position(|n| *n == named_colour).unwrap() as u8)
        }
    }
}

impl Replay {
    fn new(w: u16, h: u16) -> Replay {
        let out = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        Replay {
            screen: caseload::tui::Screen::fixed(Tap(out.clone()), w, h).unwrap(),
            out,
            vt: vt100::Parser::new(h, w, 0),
            theme: Theme::new(false),
            size: (w, h),
        }
    }

    /// Draws `s`, feeds the bytes to the emulator and checks that it shows
    /// what ratatui rendered: every cell's text, and the colours and
    /// attributes that can be seen (on a blank, its background and
    /// reverse only). Returns the bytes sent.
    fn frame(&mut self, s: &State) -> usize {
        let (w, h) = self.size;
        self.screen.draw(s, &self.theme).unwrap();
        let bytes = std::mem::take(&mut *self.out.lock().unwrap());
        // vt100 swallows U+FFFD (its own decoder's mark for bad UTF-8)
        // where a terminal draws it: sanitize's marker reaches it as '?'.
        self.vt.process(
            String::from_utf8_lossy(&bytes)
                .replace(sanitize::MARK, "?")
                .as_bytes(),
        );
        let mut want = Terminal::new(TestBackend::new(w, h)).unwrap();
        want.draw(|f| ui::render(f, s, &self.theme)).unwrap();
        let want = want.backend().buffer();
        let screen = self.vt.screen();
        for y in 0..h {
            for x in 0..w {
                let cell = screen.cell(y, x).unwrap();
                if cell.is_wide_continuation() {
                    continue;
                }
                let got = match cell.contents() {
                    "" => " ".to_string(),
                    c => c.to_string(),
                };
                let wanted = &want[(x, y)];
                let text = wanted.symbol().replace(sanitize::MARK, "?");
                assert_eq!(got, text, "cell {x},{y}");
                let m = wanted.modifier;
                let at = format!("cell {x},{y} {text:?}");
                assert_eq!(cell.bgcolor(), vt_colour(wanted.bg), "{at} background");
                assert_eq!(
                    cell.inverse(),
                    m.contains(Modifier::REVERSED),
                    "{at} reverse"
                );
                if text != " " {
                    assert_eq!(cell.fgcolor(), vt_colour(wanted.fg), "{at} colour");
                    assert_eq!(cell.bold(), m.contains(Modifier::BOLD), "{at} bold");
                    assert_eq!(cell.dim(), m.contains(Modifier::DIM), "{at} dim");
                    assert_eq!(cell.italic(), m.contains(Modifier::ITALIC), "{at} italic");
                    assert_eq!(
                        cell.underline(),
                        m.contains(Modifier::UNDERLINED),
                        "{at} underline"
                    );
                }
            }
        }
        bytes.len()
    }
}

fn cursor_row(s: &State) -> usize {
    match s.top() {
        app::Screen::Roster(r) => r.cursor,
        _ => panic!("not on the roster"),
    }
}

/// Frame output replayed into a terminal emulator (vt100): whatever the
/// output path does to save bytes (scroll regions, diffs, relative moves,
/// writing through unchanged cells, erasing line ends, one SGR per
/// change), the emulated screen must equal the frame ratatui rendered,
/// cell by cell and colour by colour, after every key; and scrolling one
/// line must cost far less than repainting.
#[test]
fn scrolled_frames_replayed_in_a_terminal_match_the_rendered_ones() {
    let (w, h) = (120u16, 20u16);
    let mut t = Replay::new(w, h);
    let mut s = on_roster(w, h);
    let full = t.frame(&s);
    let mut scrolls = Vec::new();
    // Down past the bottom of the view (it scrolls), then back up past the
    // top (it scrolls the other way).
    for code in std::iter::repeat_n(KeyCode::Down, 30).chain(std::iter::repeat_n(KeyCode::Up, 30)) {
        let before = cursor_row(&s);
        update(&mut s, key(code));
        let bytes = t.frame(&s);
        if cursor_row(&s) != before {
            scrolls.push(bytes);
        }
    }
    let worst = scrolls.iter().max().copied().unwrap_or(0);
    assert!(
        worst * 3 < full,
        "a one-line move costs {worst} B, a full frame {full} B"
    );
}

/// Pages, the search field, the command line with its text cursor, themes
/// of other colours and back: the emulated screen equals the rendered one after each.
#[test]
fn pages_search_and_themes_replayed_in_a_terminal_match_the_rendered_ones() {
    let (w, h) = (120u16, 20u16);
    let mut t = Replay::new(w, h);
    let mut s = on_roster(w, h);
    t.frame(&s);
    for code in [
        KeyCode::PageDown,
        KeyCode::PageDown,
        KeyCode::End,
        KeyCode::PageUp,
        KeyCode::Home,
    ] {
        update(&mut s, key(code));
        t.frame(&s);
    }
    update(&mut s, key(KeyCode::Char('/')));
    t.frame(&s);
    for c in "Stud".chars() {
        update(&mut s, key(KeyCode::Char(c)));
        t.frame(&s);
    }
    update(&mut s, key(KeyCode::Esc));
    t.frame(&s);
    assert!(t.vt.screen().hide_cursor(), "no text cursor on the roster");
    update(&mut s, key(KeyCode::Char(':')));
    for c in "ro".chars() {
        update(&mut s, key(KeyCode::Char(c)));
        t.frame(&s);
        assert!(
            !t.vt.screen().hide_cursor(),
            "the text cursor shows on the command line"
        );
        let (row, col) = t.vt.screen().cursor_position();
        assert_eq!(row, h - 1, "on the command line");
        assert!(col >= 2, "after what was typed: {col}");
    }
    update(&mut s, key(KeyCode::Esc));
    t.frame(&s);
    assert!(t.vt.screen().hide_cursor(), "and hides after");
    for name in ["light", "high-contrast", "16", "dark"] {
        t.theme = Theme::builtin(name).unwrap();
        t.frame(&s);
        update(&mut s, key(KeyCode::PageDown));
        t.frame(&s);
    }
    assert_eq!(t.frame(&s), 0, "a frame that changes nothing sends nothing");
}
