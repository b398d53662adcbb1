//! The menu through `update`: letters as the person sees and presses them.

use crate::app::fixtures::key;
use crate::app::test_prelude::*;
use crate::app::tests::{nav, signed_in};
use crate::ui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The demo's navigation before its letters were made unique: Reports asks
/// for Roster's r, Jobs for j (down), Schools for s (the roster's sort).
fn clashing_menu() -> State {
    let items = vec![
        nav(1, "Roster", "roster", "r"),
        nav(2, "Reports", "reports", "r"),
        nav(3, "Jobs", "jobs", "j"),
        nav(4, "Schools", "admin.schools", "s"),
    ];
    let (mut s, _) = signed_in(Options::default(), items);
    update(&mut s, key(KeyCode::Esc)); // from the roster that opened by itself
    assert!(matches!(s.top(), Screen::Menu(_)), "{:?}", s.top());
    s
}

fn screen_text(s: &State) -> String {
    let mut t = Terminal::new(TestBackend::new(60, 10)).unwrap();
    t.draw(|f| crate::ui::render(f, s, &Theme::new(true)))
        .unwrap();
    let b = t.backend().buffer();
    (0..b.area.height)
        .map(|y| (0..b.area.width).map(|x| b[(x, y)].symbol()).collect())
        .collect::<Vec<String>>()
        .join("\n")
}

/// The screen on top, unless it is still the menu.
fn opened(s: &State) -> Option<String> {
    (!matches!(s.top(), Screen::Menu(_))).then(|| s.top().title())
}

#[test]
fn a_clashing_letter_is_drawn_once_and_the_moved_item_shows_its_new_one() {
    let s = clashing_menu();
    let text = screen_text(&s);
    assert_eq!(text.matches("[r]").count(), 1, "{text}");
    for line in ["[r] Roster", "[e] Reports", "[o] Jobs", "[s] Schools"] {
        assert!(text.contains(line), "{line}:\n{text}");
    }
    assert!(!text.contains("[j]"), "{text}");
}

#[test]
fn each_drawn_letter_opens_its_own_item() {
    let mut s = clashing_menu();
    for (letter, label) in [
        ('e', "Reports"),
        ('o', "Jobs"),
        ('s', "Schools"),
        ('r', "Roster"),
    ] {
        update(&mut s, key(letter));
        assert_eq!(opened(&s).as_deref(), Some(label), "{letter}");
        update(&mut s, key(KeyCode::Esc));
    }
    // j still moves, and opens nothing.
    update(&mut s, key('j'));
    assert!(
        matches!(s.top(), Screen::Menu(m) if m.cursor == 1),
        "{:?}",
        s.top()
    );
}
