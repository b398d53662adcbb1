//! The tool approval screen and the menu editor, as an administrator sees
//! them: 80×24 and 200×60, and without colour.

use crate::app::fixtures::key;
use crate::app::{Msg, update};
use crate::ui::iv_snapshots::{draw, text};

fn sized(s: &mut crate::app::State, width: u16, height: u16) {
    update(s, Msg::Resize { width, height });
}

#[test]
fn tools_80x24_with_the_review_of_the_selected_tool() {
    let mut s = crate::app::screens::tools::tests::loaded();
    sized(&mut s, 80, 24);
    update(&mut s, key('j'));
    let screen = text(&draw(&s, 80, 24, false));
    assert!(screen.contains("SIS import"), "{screen}");
    assert!(screen.contains("in review: on nobody's menu"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn tools_200x60_no_color_asking_before_a_rejection() {
    let mut s = crate::app::screens::tools::tests::loaded();
    sized(&mut s, 200, 60);
    update(&mut s, key('j'));
    update(&mut s, key('a'));
    update(&mut s, key('j'));
    update(&mut s, key(crossterm::event::KeyCode::Enter));
    for c in "no data agreement".chars() {
        update(&mut s, key(c));
    }
    update(&mut s, key(crossterm::event::KeyCode::Enter));
    let screen = text(&draw(&s, 200, 60, true));
    assert!(screen.contains("Reject \"SIS import\"?"), "{screen}");
    assert!(screen.contains("note: no data agreement"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn menu_editor_80x24_preview_below_the_tree() {
    let mut s = crate::app::screens::menu_editor::tests::loaded();
    sized(&mut s, 80, 24);
    let screen = text(&draw(&s, 80, 24, false));
    assert!(screen.contains("As a counselor sees it"), "{screen}");
    assert!(screen.contains("(rejected: on no menu)"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn menu_editor_200x60_no_color_side_by_side_renaming() {
    let mut s = crate::app::screens::menu_editor::tests::loaded();
    sized(&mut s, 200, 60);
    update(&mut s, key('e'));
    let screen = text(&draw(&s, 200, 60, true));
    assert!(screen.contains("Rename"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn programs_80x24_and_a_programs_fields() {
    let mut s = crate::app::screens::programs::tests::loaded();
    sized(&mut s, 80, 24);
    let screen = text(&draw(&s, 80, 24, false));
    assert!(screen.contains("Check-In/Check-Out"), "{screen}");
    insta::assert_snapshot!("programs_80x24", screen);
    update(&mut s, key('f'));
    update(&mut s, key('j'));
    update(&mut s, key('x'));
    let screen = text(&draw(&s, 80, 24, true));
    assert!(screen.contains("retired: not asked in new"), "{screen}");
    assert!(screen.contains("changed: ctrl-s saves"), "{screen}");
    insta::assert_snapshot!("program_fields_80x24_no_color", screen);
}
