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
    assert!(screen.contains("My caseload"), "{screen}");
    assert!(screen.contains("in review: on nobody's menu"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn tools_200x60_no_color_the_note_before_a_rejection() {
    let mut s = crate::app::screens::tools::tests::loaded();
    sized(&mut s, 200, 60);
    update(&mut s, key('j'));
    update(&mut s, key('a'));
    update(&mut s, key('j'));
    update(&mut s, key(crossterm::event::KeyCode::Enter));
    for c in "no data agreement".chars() {
        update(&mut s, key(c));
    }
    let screen = text(&draw(&s, 200, 60, true));
    assert!(screen.contains("reject \"My caseload\""), "{screen}");
    assert!(
        screen.contains("enter: reject, esc: keep it as it is"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

/// A tool this version has no screen for, marked in the list and said in
/// its review; then the new-tool form.
#[test]
fn tools_80x24_a_tool_without_a_screen_and_the_new_tool_form() {
    let mut cat = crate::app::screens::tools::tests::catalogue();
    cat.tools[1].key = "sessions.bulk".into();
    cat.tools[1].name = "Bulk session entry".into();
    cat.tools[1].description = Some("Enter a group's sessions at once.".into());
    let mut s = crate::app::screens::tools::tests::loaded_with(cat);
    sized(&mut s, 80, 24);
    update(&mut s, key('j'));
    let screen = text(&draw(&s, 80, 24, false));
    assert!(screen.contains("in review, no screen"), "{screen}");
    assert!(
        screen.contains("this version of caseload has no screen for Bulk session"),
        "{screen}"
    );
    insta::assert_snapshot!("tools_80x24_no_screen", screen);
    update(&mut s, key('n'));
    let screen = text(&draw(&s, 80, 24, false));
    assert!(
        screen.contains("New tool (it starts as a draft)"),
        "{screen}"
    );
    insta::assert_snapshot!("tools_80x24_new_tool_form", screen);
}

#[test]
fn menu_editor_80x24_asking_before_a_delete() {
    let mut s = crate::app::screens::menu_editor::tests::loaded();
    sized(&mut s, 80, 24);
    update(&mut s, key('G'));
    update(&mut s, key('d'));
    let screen = text(&draw(&s, 80, 24, false));
    assert!(
        screen.contains("Delete the menu item \"Tools\"?  y delete · n, esc or enter keep it"),
        "{screen}"
    );
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

#[test]
fn tools_80x24_retiring_asks_for_good() {
    let mut s = crate::app::screens::tools::tests::loaded();
    sized(&mut s, 80, 24);
    update(&mut s, key('a'));
    update(&mut s, key(crossterm::event::KeyCode::Enter));
    update(&mut s, key(crossterm::event::KeyCode::Enter));
    let screen = text(&draw(&s, 80, 24, false));
    assert!(
        screen.contains("Retire \"Tool approval\" for good? It can never move again."),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}
