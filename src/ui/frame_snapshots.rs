//! The two lines under every screen: the hint line (the screen's keys as it
//! is now) and the status line (what just happened first, the connection
//! short on the right), at 80×24 and 200×60.

use super::iv_snapshots::{at_detail, draw, text};
use crate::app::fixtures::{self, day};
use crate::app::{Data, Effect, Msg, Read, State, Wrote, update};
use crate::domain::enums::InterventionStatus;
use crate::domain::outcome::Written;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn press(s: &mut State, code: KeyCode) -> Vec<Effect> {
    update(s, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

/// The detail on tab `tab` after pausing it: the status line says so.
fn paused(width: u16, height: u16, tab: char) -> State {
    let mut s = at_detail(width, height);
    s.connection_short = "dana@caseload".into();
    press(&mut s, KeyCode::Char(tab));
    press(&mut s, KeyCode::Char('a'));
    press(&mut s, KeyCode::Enter);
    let fx = press(&mut s, KeyCode::Char('y'));
    let [Effect::Transition { req, .. }] = fx[..] else {
        panic!("{fx:?}")
    };
    let fx = update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Transition(Written::Saved(4)),
        },
    );
    // The reloads it asked for arrive (and those they ask for in turn: the
    // home's later parts): the header says paused.
    let mut pending: std::collections::VecDeque<Effect> = fx.into();
    while let Some(e) = pending.pop_front() {
        let Effect::Load { req, read } = e else {
            continue;
        };
        let data = match read {
            Read::Intervention { .. } => Data::Intervention {
                detail: Some(Box::new(fixtures::detail(InterventionStatus::Paused))),
                today: day(fixtures::TODAY),
            },
            Read::Home { part, .. } => Data::Home {
                part: Box::new(fixtures::home_part(&fixtures::home(), part)),
                today: day(fixtures::TODAY),
            },
            _ => continue,
        };
        pending.extend(update(&mut s, Msg::Loaded { req, data }));
    }
    assert!(!s.busy());
    s
}

/// The last two lines of the screen.
fn bottom(screen: &str) -> (String, String) {
    let lines: Vec<&str> = screen.lines().collect();
    let n = lines.len();
    (
        lines[n - 2].trim_end().into(),
        lines[n - 1].trim_end().into(),
    )
}

#[test]
fn hint_and_status_lines_80x24() {
    let s = paused(80, 24, '1');
    let screen = text(&draw(&s, 80, 24, false));
    let (hint, status) = bottom(&screen);
    assert!(
        hint.starts_with(" n new · m measure · e edit · x delete"),
        "{hint}"
    );
    assert!(hint.ends_with("? help"), "{hint}");
    assert!(
        status.starts_with("saved: the intervention is paused now"),
        "the message first: {status}"
    );
    assert!(
        status.ends_with("dana@caseload"),
        "the connection short: {status}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn hint_and_status_lines_200x60_sessions_tab() {
    let s = paused(200, 60, '2');
    let screen = text(&draw(&s, 200, 60, true));
    let (hint, status) = bottom(&screen);
    assert!(
        hint.contains(
            "e edit · x delete · enter open · L log session · a actions · C contact · E plan"
        ),
        "{hint}"
    );
    assert!(!hint.contains("measure"), "{hint}");
    assert!(
        status.starts_with("saved: the intervention is paused now  "),
        "{status}"
    );
    assert!(status.ends_with(" dana@caseload"), "{status}");
    insta::assert_snapshot!(screen);
}

/// A message too long for one line takes the hint line's row too, until
/// it goes; longer still, it is cut and the connection gives way.
#[test]
fn a_long_message_takes_the_hint_row_too() {
    let mut s = paused(80, 24, '1');
    let tools = "no tool called nope: you may open caseload, roster, student, documents, \
                 interventions, communications, reports, jobs, export";
    s.message = Some((crate::app::Level::Error, tools.into()));
    let screen = text(&draw(&s, 80, 24, false));
    let (first, second) = bottom(&screen);
    assert_eq!(
        first,
        "no tool called nope: you may open caseload, roster, student, documents,"
    );
    assert!(second.starts_with("interventions, communications, reports, jobs, export "));
    assert!(second.ends_with(" dana@caseload"), "{second}");
    insta::assert_snapshot!(screen);

    s.message = Some((crate::app::Level::Error, "word ".repeat(40)));
    let screen = text(&draw(&s, 80, 24, false));
    let (_, second) = bottom(&screen);
    assert!(second.ends_with('…'), "{second}");
    assert!(!second.contains("dana"), "{second}");
}

/// Reads meant for the standby that go to the primary say so on the status
/// line for as long as it holds (not fading like a message), beside the
/// connection; the worker's all-clear takes it away.
#[test]
fn reads_from_the_primary_stay_on_the_status_line_until_taken_back() {
    let mut s = paused(120, 24, '1');
    s.message = None;
    let note = "reads from the primary: standby 10.0.0.2:5432 is 45 s behind (limit 30 s)";
    let fx = update(
        &mut s,
        Msg::ReadsFrom {
            note: Some(format!("{note}\u{1b}[2J")),
        },
    );
    assert!(fx.is_empty(), "{fx:?}");
    for _ in 0..crate::app::MESSAGE_TICKS + 2 {
        update(&mut s, Msg::Tick);
    }
    let (_, status) = bottom(&text(&draw(&s, 120, 24, false)));
    assert!(status.starts_with(note), "{status}");
    assert!(!status.contains('\u{1b}'), "sanitised: {status:?}");
    assert!(status.ends_with(" dana@caseload"), "{status}");

    update(&mut s, Msg::ReadsFrom { note: None });
    let (_, status) = bottom(&text(&draw(&s, 120, 24, false)));
    assert!(!status.contains("reads from"), "{status}");
}
