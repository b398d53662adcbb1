//! The follow-up queue and the communication log at 80×24 and 120×40, in
//! colour and with NO_COLOR: overdue rows first with their days late, a
//! row marked done, the snooze prompt's refusal, the log's chips and its
//! page line; text from the database drawn sanitised.

use crate::app::fixtures::{day, key};
use crate::app::screens::communications::tests::{opened as log_opened, page};
use crate::app::screens::follow_ups::tests::{follow_up, loaded as queue_loaded};
use crate::app::{Data, Effect, Msg, Screen, State, Wrote, update};
use crate::domain::outcome::Written;
use crate::ui::iv_snapshots::{draw, no_colours, text};
use crossterm::event::KeyCode;

fn sized(mut s: State, width: u16, height: u16) -> State {
    update(&mut s, Msg::Resize { width, height });
    s
}

/// The queue with its second row closed here, and a purpose carrying an
/// escape sequence.
fn queue_with_one_done(width: u16, height: u16) -> State {
    let mut s = sized(queue_loaded(), width, height);
    update(&mut s, key('j'));
    let fx = update(&mut s, key('d'));
    let [Effect::ChangeFollowUp { req, .. }] = fx[..] else {
        panic!("{fx:?}")
    };
    let mut now = follow_up(2, "Ben Okafor", day(crate::app::fixtures::TODAY - 1));
    now.done = true;
    now.purpose = "call back\x1b[31m (red)".into();
    update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::FollowUp(Written::Saved(now)),
        },
    );
    s
}

#[test]
fn follow_ups_80x24() {
    let s = queue_with_one_done(80, 24);
    let screen = text(&draw(&s, 80, 24, false));
    assert!(screen.contains("9 d late"), "{screen}");
    assert!(
        !screen.contains("Owner"),
        "mine leaves out the owner when narrow: {screen}"
    );
    assert!(screen.contains("✓ done"), "{screen}");
    assert!(!screen.contains('\x1b'), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn follow_ups_120x40_no_color_with_a_refused_snooze() {
    let mut s = queue_with_one_done(120, 40);
    update(&mut s, key('k'));
    update(&mut s, key('z'));
    for c in "2026-02-30".chars() {
        update(&mut s, key(c));
    }
    update(&mut s, key(KeyCode::Enter));
    let t = draw(&s, 120, 40, true);
    assert!(no_colours(&t));
    let screen = text(&t);
    assert!(screen.contains("2026-02-30 does not exist"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn communications_80x24() {
    let s = sized(log_opened(page(0, 30, false, true)), 80, 24);
    let screen = text(&draw(&s, 80, 24, false));
    assert!(screen.contains("older below"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn communications_120x40_no_color_with_chips() {
    let mut s = sized(log_opened(page(0, 30, false, true)), 120, 40);
    update(&mut s, key('c'));
    update(&mut s, key('m'));
    let Some(req) = (match s.top() {
        Screen::Communications(c) => c.page.req(),
        _ => None,
    }) else {
        panic!("no load")
    };
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::Contacts {
                page: page(3, 5, true, false),
                today: day(crate::app::fixtures::TODAY),
            },
        },
    );
    let t = draw(&s, 120, 40, true);
    assert!(no_colours(&t));
    let screen = text(&t);
    assert!(
        screen.contains("Filters: channel: phone · mine"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}
