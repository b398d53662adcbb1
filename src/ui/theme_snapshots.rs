//! Every built-in theme on the caseload home, the roster and a student's
//! record at 80×24. The snapshots hold the styles, not only the text: each
//! row's runs of one style (colours and emphasis), so a theme that loses
//! its colours or its selection shows up here.

use super::iv_snapshots::{at_home_as, text};
use crate::app::fixtures;
use crate::app::roster::RosterState;
use crate::app::student::StudentState;
use crate::app::{Screen, State};
use crate::ui::{self, theme::Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Cell;
use ratatui::style::{Color, Modifier};
use std::fmt::Write;
use uuid::Uuid;

const W: u16 = 80;
const H: u16 = 24;

fn home() -> State {
    at_home_as(W, H, fixtures::home(), &["counselor"])
}

fn roster() -> State {
    let mut s = home();
    let mut r = RosterState {
        rows: (1..=40).map(fixtures::roster_row).collect(),
        loaded: true,
        total: Some(40),
        ..RosterState::default()
    };
    r.cursor = 2;
    s.screens.push(Screen::Roster(r));
    s
}

fn student() -> State {
    let mut s = home();
    let mut st = StudentState::new(Uuid::from_u128(5), "Lee, Ana".into());
    st.detail.set(Box::new(fixtures::student_record(5)));
    s.screens.push(Screen::Student(st));
    s
}

fn draw(s: &State, theme: &Theme) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(W, H)).unwrap();
    t.draw(|f| ui::render(f, s, theme)).unwrap();
    t
}

fn colour(c: Color) -> String {
    match c {
        Color::Reset => "-".into(),
        Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
        other => format!("{other:?}"),
    }
}

fn style_of(c: &Cell) -> String {
    let mut mods = Vec::new();
    for (m, n) in [
        (Modifier::BOLD, "b"),
        (Modifier::UNDERLINED, "u"),
        (Modifier::REVERSED, "r"),
        (Modifier::ITALIC, "i"),
    ] {
        if c.modifier.contains(m) {
            mods.push(n);
        }
    }
    format!("{}/{} {}", colour(c.fg), colour(c.bg), mods.join(""))
}

/// The screen's text, then per row its runs of one style:
/// `row: from-to fg/bg mods`.
fn styled(t: &Terminal<TestBackend>) -> String {
    let b = t.backend().buffer();
    let mut out = text(t);
    out.push_str("--- styles (fg/bg, b bold u underlined r reversed) ---\n");
    for y in 0..b.area.height {
        let mut runs: Vec<(u16, u16, String)> = Vec::new();
        for x in 0..b.area.width {
            let s = style_of(&b[(x, y)]);
            match runs.last_mut() {
                Some((_, end, last)) if *last == s => *end = x,
                _ => runs.push((x, x, s)),
            }
        }
        let line: Vec<String> = runs
            .iter()
            .map(|(a, z, s)| format!("{a}-{z} {}", s.trim_end()))
            .collect();
        let _ = writeln!(out, "{y:2}: {}", line.join(" | "));
    }
    out
}

fn check(name: &str, screen: &str, s: &State) {
    let theme = Theme::builtin(name).unwrap();
    let t = draw(s, &theme);
    let b = t.backend().buffer();
    // The title bar wears the theme's title style; the page its text style.
    assert_eq!(
        b[(0, 0)].fg,
        theme.title.fg.unwrap_or(Color::Reset),
        "{name}"
    );
    assert_eq!(
        b[(0, 0)].bg,
        theme.title.bg.unwrap_or(Color::Reset),
        "{name}"
    );
    let page = theme.text.bg.unwrap_or(Color::Reset);
    let blank = b
        .content
        .iter()
        .find(|c| c.symbol() == " " && c.bg != theme.title.bg.unwrap_or(Color::Reset));
    assert_eq!(blank.map(|c| c.bg), Some(page), "{name}: the page");
    let file = name.replace('-', "_");
    insta::assert_snapshot!(format!("{screen}_{file}_80x24"), styled(&t));
}

#[test]
fn every_built_in_theme_renders_the_home() {
    for name in crate::ui::theme::BUILTIN {
        check(name, "home", &home());
    }
}

#[test]
fn every_built_in_theme_renders_the_roster() {
    let s = roster();
    for name in crate::ui::theme::BUILTIN {
        check(name, "roster", &s);
        // The selected row stands out from its neighbours.
        let t = draw(&s, &Theme::builtin(name).unwrap());
        let b = t.backend().buffer();
        let row_of = |needle: &str| {
            (0..H)
                .find(|&y| {
                    (0..W)
                        .map(|x| b[(x, y)].symbol())
                        .collect::<String>()
                        .contains(needle)
                })
                .unwrap()
        };
        let (sel, other) = (row_of("Last0003"), row_of("Last0004"));
        assert_ne!(style_of(&b[(2, sel)]), style_of(&b[(2, other)]), "{name}");
    }
}

#[test]
fn every_built_in_theme_renders_a_student() {
    for name in crate::ui::theme::BUILTIN {
        check(name, "student", &student());
    }
}

/// The mouse (`ui::hits`): what a frame notes as clickable, clicked, moves
/// the cursor to the row drawn there, through update like keys.
#[test]
fn a_click_on_a_drawn_row_selects_it_on_the_roster_and_the_home() {
    use crate::app::{Msg, update};
    use crate::ui::hits;
    use crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
    let click = |s: &mut State, needle: &str| {
        hits::clear();
        let t = draw(s, &Theme::new(false));
        let notes = hits::take();
        let b = t.backend().buffer();
        let y = (0..H)
            .find(|&y| {
                (0..W)
                    .map(|x| b[(x, y)].symbol())
                    .collect::<String>()
                    .contains(needle)
            })
            .unwrap_or_else(|| panic!("{needle} not drawn"));
        let ev = MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: 5,
            row: y,
            modifiers: KeyModifiers::NONE,
        };
        for k in hits::mouse_keys(&ev, &notes) {
            update(s, Msg::Key(k));
        }
    };
    let mut s = roster();
    click(&mut s, "Last0007");
    let Screen::Roster(r) = s.top() else { panic!() };
    assert_eq!(r.selected().map(|r| r.local_id.as_str()), Some("S7"));
    click(&mut s, "Last0001");
    let Screen::Roster(r) = s.top() else { panic!() };
    assert_eq!(r.cursor, 0);

    let mut s = home();
    let Screen::Home(h) = s.top() else { panic!() };
    assert_eq!(h.cursor, 0);
    // The second row of the first section.
    let t = draw(&s, &Theme::new(false));
    let b = t.backend().buffer();
    let line = |y: u16| (0..W).map(|x| b[(x, y)].symbol()).collect::<String>();
    let second = line(3).trim().chars().take(12).collect::<String>();
    click(&mut s, &second);
    let Screen::Home(h) = s.top() else { panic!() };
    assert_eq!(h.cursor, 1, "{second:?}");
}

/// Popups clear their cells; a theme with a page of its own still shows it
/// there (no cell left to the terminal's background), and `dark` leaves
/// every page cell to the terminal.
#[test]
fn overlays_wear_the_themes_page_too() {
    let mut s = roster();
    s.modal = Some(crate::app::Modal::Help);
    for name in crate::ui::theme::BUILTIN {
        let theme = Theme::builtin(name).unwrap();
        let t = draw(&s, &theme);
        let b = t.backend().buffer();
        assert!(text(&t).contains("Keys"), "help is open");
        let reset = b.content.iter().filter(|c| c.bg == Color::Reset).count();
        match theme.text.bg {
            Some(_) => assert_eq!(reset, 0, "{name}"),
            None => assert!(reset > 0, "{name}"),
        }
    }
}
