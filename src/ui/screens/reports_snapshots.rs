//! The Export and Reports screens at 80×24 and 120×40, with NO_COLOR, and a
//! report title carrying control characters.

use crate::app::reports::tests as reports;
use crate::app::{Msg, State, update};
use crate::ui::iv_snapshots::{draw, no_colours, text};

fn sized(mut s: State, width: u16, height: u16) -> State {
    update(&mut s, Msg::Resize { width, height });
    s
}

#[test]
fn reports_80x24() {
    let screen = text(&draw(&sized(reports::loaded(), 80, 24), 80, 24, false));
    assert!(screen.contains("reports on this computer only"), "{screen}");
    assert!(screen.contains("Progress report: Ava Nguyen"), "{screen}");
    assert!(
        screen.contains("3 recap of Lincoln Elementary (LIN)"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn reports_120x40_no_color_hostile_title() {
    let mut s = reports::loaded();
    if let crate::app::Screen::Reports(r) = s.top_mut()
        && let Some(l) = r.list.get_mut()
    {
        l.entries[0].title = "Summary\u{1b}[2J of\u{202e} X".into();
    }
    let t = draw(&sized(s, 120, 40), 120, 40, true);
    assert!(no_colours(&t));
    let screen = text(&t);
    assert!(
        !screen.contains('\x1b') && !screen.contains('\u{202e}'),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn export_80x24() {
    let (mut s, _) = crate::app::iv_tests::signed_in(&["counselor"], &["caseload", "export"]);
    crate::app::schools::tests::typed(&mut s, "export");
    let screen = text(&draw(&sized(s, 80, 24), 80, 24, false));
    assert!(screen.contains("Roster"), "{screen}");
    assert!(screen.contains("Sessions this month"), "{screen}");
    assert!(
        screen.contains("byte order mark (for Excel): off"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}
