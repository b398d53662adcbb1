//! The schools screen at 80×24: the table, the inactive school dimmed and
//! marked, and the count below.

use crate::app::schools::tests::{opened, three};
use crate::app::{Data, Msg, update};
use crate::ui::iv_snapshots::{draw, text};

#[test]
fn schools_80x24() {
    let (mut s, req) = opened();
    update(
        &mut s,
        Msg::Resize {
            width: 80,
            height: 24,
        },
    );
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::AllSchools { schools: three() },
        },
    );
    let screen = text(&draw(&s, 80, 24, false));
    assert!(screen.contains("Old Mill School"), "{screen}");
    // A long short name is shown whole while the name column has room.
    assert!(screen.contains("Old Mill Elementary "), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn schools_loading_and_failed() {
    let (mut s, req) = opened();
    let screen = text(&draw(&s, 80, 24, false));
    assert!(screen.contains("loading the schools…"), "{screen}");
    update(
        &mut s,
        Msg::QueryFailed {
            req,
            reason: "permission denied".into(),
        },
    );
    let screen = text(&draw(&s, 80, 24, false));
    assert!(
        screen.contains("permission denied (r to retry, esc to go back)"),
        "{screen}"
    );
}
