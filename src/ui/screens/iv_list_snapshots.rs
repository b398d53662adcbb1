//! The Interventions list at 80×24, 120×40 and 200×60 (and 80×24 with
//! NO_COLOR): the sort and count, the chips, the columns that fit, the
//! flags.

use crate::app::fixtures::key;
use crate::app::screens::iv_list::tests::{list, opened, rows, with_rows};
use crate::app::{Data, Effect, Read};
use crate::app::{Msg, update};
use crate::domain::iv_list::IvPage;
use crate::ui::iv_snapshots::{draw, text};

fn sized(width: u16, height: u16) -> crate::app::State {
    let mut s = with_rows(100, true);
    update(&mut s, Msg::Resize { width, height });
    // A filter chip, and the bar left, so the chips line shows one.
    update(&mut s, key('f'));
    let fx = update(&mut s, key('t'));
    update(&mut s, key(crossterm::event::KeyCode::Esc));
    for e in fx {
        let Effect::Load { req, read } = e else {
            continue;
        };
        let data = match read {
            Read::IvPage { .. } => Data::IvPage {
                page: IvPage {
                    rows: rows(0, 100),
                    more: true,
                },
            },
            _ => Data::IvCount {
                total: 42_317,
                estimated: true,
            },
        };
        update(&mut s, Msg::Loaded { req, data });
    }
    s
}

#[test]
fn iv_list_80x24() {
    let s = sized(80, 24);
    let screen = text(&draw(&s, 80, 24, false));
    assert!(screen.contains("about 42,000 interventions"), "{screen}");
    assert!(screen.contains("[tier: 1]"), "{screen}");
    assert!(screen.contains("Student000, Ana"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn iv_list_80x24_no_color() {
    let s = sized(80, 24);
    insta::assert_snapshot!(text(&draw(&s, 80, 24, true)));
}

#[test]
fn iv_list_120x40() {
    let s = sized(120, 40);
    let screen = text(&draw(&s, 120, 40, false));
    assert!(
        screen.contains("Owner"),
        "owner shows when there is room: {screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn iv_list_200x60() {
    let s = sized(200, 60);
    let screen = text(&draw(&s, 200, 60, false));
    assert!(screen.contains("School"), "{screen}");
    assert!(screen.contains("! ⚑ 15d"), "all three flags: {screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn iv_list_loading_empty_and_tiny() {
    let (s, _, _) = opened();
    let screen = text(&draw(&s, 80, 24, false));
    assert!(screen.contains("loading the interventions…"), "{screen}");
    assert!(list(&s).list.rows.is_empty());
    // Tiny terminals draw without panicking.
    let s = sized(20, 5);
    for (w, h) in [(1, 1), (10, 3), (20, 5), (40, 8)] {
        let _ = text(&draw(&s, w, h, false));
    }
}
