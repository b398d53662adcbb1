//! The contact form at 80×24 and 120×40, with NO_COLOR: the quick path
//! half done, a follow-up with a marked guardian being asked about, the
//! conflict view, and a tiny terminal.

use super::iv_snapshots::{draw, no_colours, text};
use crate::app::fixtures::{ctrl, key};
use crate::app::screens::contact_edit::fields::Slot;
use crate::app::screens::contact_edit::tests::{editor, opened, tab_to, typed};
use crate::app::{Msg, State, update};
use crossterm::event::KeyCode;

/// Purpose and result chosen, a summary with wide and combining characters
/// and an escape sequence that must not reach the terminal.
fn quick(may_restrict: bool) -> State {
    let mut s = opened(may_restrict);
    update(&mut s, key(KeyCode::Right));
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, key(KeyCode::Right));
    update(&mut s, key(KeyCode::Enter));
    typed(&mut s, "Nguyễn spoke with 読書 tutor; e\u{301}cole. ");
    update(
        &mut s,
        Msg::Paste(crate::config::Password::new(
            "Mom \u{1b}[2Jsays fine.".to_string(),
        )),
    );
    s
}

#[test]
fn form_80x24() {
    let t = draw(&quick(false), 80, 24, false);
    let screen = text(&t);
    assert!(!screen.contains('\x1b'));
    assert!(screen.contains("Rosa Lee"), "{screen}");
    assert!(screen.contains("Mom [2Jsays fine."), "{screen}");
    assert!(!screen.contains("Restricted"), "{screen}");
    insta::assert_snapshot!(screen);
}

/// A follow-up on, the restricted toggle shown, and the father (do not
/// contact, no educational rights) chosen: the question is asked.
fn asking(may_restrict: bool) -> State {
    let mut s = quick(may_restrict);
    tab_to(&mut s, Slot::FollowUp);
    update(&mut s, key(' '));
    tab_to(&mut s, Slot::Guardian);
    assert_eq!(editor(&s).value(Slot::Guardian), "Rosa Lee");
    update(&mut s, key(KeyCode::Right));
    update(&mut s, key(KeyCode::Tab));
    s
}

#[test]
fn follow_up_and_a_marked_guardian_120x40_no_color() {
    let t = draw(&asking(true), 120, 40, true);
    assert!(no_colours(&t));
    let screen = text(&t);
    assert!(screen.contains("DO NOT CONTACT"), "{screen}");
    assert!(screen.contains("contact them anyway?"), "{screen}");
    assert!(screen.contains("Restricted"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn follow_up_and_a_marked_guardian_80x24() {
    insta::assert_snapshot!(text(&draw(&asking(false), 80, 24, false)));
}

#[test]
fn messages_80x24() {
    let mut s = opened(false);
    update(&mut s, key(ctrl('s')));
    let screen = text(&draw(&s, 80, 24, false));
    assert!(screen.contains("the purpose is required"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn tiny_terminals_do_not_panic() {
    let s = asking(true);
    for (w, h) in [(1, 1), (10, 3), (20, 5), (40, 10), (80, 8)] {
        let _ = draw(&s, w, h, false);
    }
}

#[test]
fn conflict_80x24() {
    use crate::app::screens::contact_edit::tests::{editing, stored};
    use crate::app::{Effect, Wrote};
    let mut s = editing(stored(3, "behavior"));
    tab_to(&mut s, Slot::Purpose);
    typed(&mut s, " plan");
    let fx = update(&mut s, key(ctrl('s')));
    let Some(req) = fx.iter().find_map(|e| match e {
        Effect::WriteContact { req, .. } => Some(*req),
        _ => None,
    }) else {
        panic!("{fx:?}")
    };
    let theirs = Box::new(stored(4, "behavior, called back"));
    let wrote = Wrote::Contact(crate::domain::contact::ContactWritten::Conflict(theirs));
    update(&mut s, Msg::Written { req, wrote });
    let screen = text(&draw(&s, 80, 24, false));
    assert!(screen.contains("behavior, called back"), "{screen}");
    insta::assert_snapshot!(screen);
}

/// Answering an overdue follow-up: the toggle that closes it, on by
/// default with its due date beside it, and an empty When in focus,
/// "now" where values start.
#[test]
fn answering_a_follow_up_80x24() {
    use crate::app::screens::contact_edit::follow_up_tests::answering;
    let mut s = answering();
    typed(&mut s, "returning their call");
    tab_to(&mut s, Slot::When);
    let screen = text(&draw(&s, 80, 24, false));
    assert!(
        screen.contains("Closes the follow-up    [x] yes  due "),
        "{screen}"
    );
    let column = |line: &str, what: &str| {
        let l = screen.lines().find(|l| l.contains(line)).unwrap_or("");
        l.find(what).map(|b| l[..b].chars().count())
    };
    let values_start = column("Guardian", "Rosa");
    assert!(values_start.is_some(), "{screen}");
    assert_eq!(column("When", "now"), values_start, "{screen}");
    assert_eq!(column("Closes", "[x]"), values_start, "{screen}");
    insta::assert_snapshot!(screen);
}

/// A colleague's contact whose follow-up was closed: the header says both
/// whose record it is and who closed it.
#[test]
fn editing_a_colleagues_closed_contact_80x24() {
    use crate::app::screens::contact_edit::tests::{editing, stored};
    let mut c = stored(3, "behavior");
    c.fields.follow_up_due = Some(c.occurred_at.date());
    c.follow_up_done = true;
    c.logged.closed_by = Some("Dana \u{1b}[2JReyes".into());
    c.logged.closed_on = Some(c.occurred_at.date());
    let screen = text(&draw(&editing(c), 80, 24, false));
    assert!(!screen.contains('\x1b'));
    assert!(screen.contains("logged by Omar Hale on "), "{screen}");
    assert!(screen.contains("follow-up closed by Dana"), "{screen}");
    insta::assert_snapshot!(screen);
}
