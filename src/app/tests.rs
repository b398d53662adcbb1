//! Transition tests: every behaviour of `update`, no terminal, no database.

use super::fixtures::{self, ctrl, key, roster_row as row, whoami};
use super::test_prelude::*;
use crate::domain::enums::NavigationType;
use roster::RosterState;

pub(super) fn page(range: std::ops::Range<u128>, more: bool) -> RosterPage {
    RosterPage {
        rows: range.map(row).collect(),
        more,
    }
}

pub(super) fn nav(id: u128, label: &str, target: &str, hotkey: &str) -> NavItem {
    NavItem {
        id: Uuid::from_u128(id),
        parent_id: None,
        label: label.into(),
        nav_type: NavigationType::Screen,
        target: Some(target.into()),
        hotkey: Some(hotkey.into()),
        sort_order: id as i32,
    }
}

/// Signed in as the coordinator Dana with `opts` and the menu rows `items`;
/// returns the state and what the menu's arrival asked for.
pub(super) fn signed_in(opts: Options, items: Vec<NavItem>) -> (State, Vec<Effect>) {
    fixtures::signed_in(opts, whoami(&["coordinator"]), items)
}

/// Started and connected, menu loaded with Roster (r) and Reports (p); the
/// roster opened by itself and the person went back to the menu.
pub(super) fn connected() -> State {
    let items = vec![
        nav(1, "Roster", "roster", "r"),
        nav(2, "Reports", "reports", "p"),
    ];
    let (mut s, _) = signed_in(Options::default(), items);
    update(&mut s, key(KeyCode::Esc));
    assert!(matches!(s.top(), Screen::Menu(_)), "{:?}", s.top());
    s
}

#[test]
fn the_roster_opens_by_itself_once_the_menu_grants_it() {
    let items = vec![
        nav(2, "Reports", "reports", "p"),
        nav(1, "Roster", "roster", "r"),
    ];
    let (s, fx) = signed_in(Options::default(), items);
    assert!(matches!(s.top(), Screen::Roster(_)), "{:?}", s.top());
    let first_page = |e: &Effect| {
        matches!(
            e,
            Effect::Load {
                read: Read::RosterPage {
                    page: PageRequest::First,
                    ..
                },
                ..
            }
        )
    };
    assert!(fx.iter().any(first_page), "{fx:?}");
    assert_eq!(s.screens.len(), 2, "esc leads back to the menu");
}

#[test]
fn without_the_roster_tool_the_menu_stays() {
    let (s, fx) = signed_in(Options::default(), vec![nav(2, "Reports", "reports", "p")]);
    assert!(fx.is_empty(), "{fx:?}");
    assert!(matches!(s.top(), Screen::Menu(_)));
}

pub(super) fn pending(s: &State) -> Option<(ReqId, PageDir)> {
    match s.top() {
        Screen::Roster(r) => r.pending,
        _ => None,
    }
}

pub(super) fn roster(s: &State) -> &RosterState {
    match s.top() {
        Screen::Roster(r) => r,
        other => panic!("top is {other:?}"),
    }
}

/// Connected, roster open with the first page (rows 0..100 of more) loaded.
pub(super) fn on_roster() -> State {
    let mut s = connected();
    let fx = update(&mut s, key(KeyCode::Enter));
    assert!(
        matches!(
            fx[0],
            Effect::Load {
                read: Read::RosterPage {
                    page: PageRequest::First,
                    ..
                },
                ..
            }
        ),
        "{fx:?}"
    );
    let (req, _) = pending(&s).unwrap();
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::RosterPage {
                page: page(0..100, true),
            },
        },
    );
    s
}

#[test]
fn startup_connects_then_loads_the_menu() {
    let mut s = State::new(Options::default());
    assert!(s.busy());
    let fx = update(&mut s, Msg::Start);
    // Drafts are read whether or not the database answers.
    let [Effect::Connect { req }, Effect::LoadDrafts { show: false }] = fx[..] else {
        panic!("{fx:?}")
    };
    let fx = update(
        &mut s,
        Msg::Connected {
            req,
            whoami: whoami(&["coordinator"]),
        },
    );
    assert!(
        matches!(
            fx[..],
            [Effect::Load {
                read: Read::Menu,
                ..
            }]
        ),
        "{fx:?}"
    );
    assert!(matches!(&s.conn, Conn::Connected(w) if w.login_role == "dana"));
}

#[test]
fn connection_failure_is_shown_and_r_retries() {
    let mut s = State::new(Options::default());
    let fx = update(&mut s, Msg::Start);
    let Effect::Connect { req } = fx[0] else {
        panic!()
    };
    update(
        &mut s,
        Msg::ConnectionFailed {
            req,
            reason: "connection refused".into(),
        },
    );
    assert!(matches!(&s.conn, Conn::Failed { reason, .. } if reason == "connection refused"));
    let fx = update(&mut s, key('r'));
    let Effect::Connect { req: again } = fx[0] else {
        panic!("{fx:?}")
    };
    assert_ne!(again, req);
    // The old attempt's late answer is ignored.
    update(
        &mut s,
        Msg::Connected {
            req,
            whoami: whoami(&["coordinator"]),
        },
    );
    assert!(matches!(s.conn, Conn::Connecting { .. }));
}

#[test]
fn help_captures_keys_until_closed() {
    let mut s = on_roster();
    update(&mut s, key('?'));
    assert_eq!(s.modal, Some(Modal::Help));
    assert!(update(&mut s, key('j')).is_empty());
    assert_eq!(roster(&s).cursor, 0, "j moved the roster under the help");
    update(&mut s, key('q'));
    assert_eq!(s.modal, None);
    assert!(!s.quit, "q inside a modal closes it");
    update(&mut s, key('q'));
    assert!(s.quit);
}

#[test]
fn help_scrolls_on_a_short_terminal_and_stops_at_its_last_line() {
    let mut s = on_roster();
    update(
        &mut s,
        Msg::Resize {
            width: 80,
            height: 24,
        },
    );
    update(&mut s, key('?'));
    let rows = help_rows(&s);
    let max = help_line_count(&s) - rows;
    assert!(max > 0, "the bindings must not fit 24 rows for this test");
    update(&mut s, key('j'));
    assert_eq!(s.help_scroll, 1);
    update(&mut s, key('G'));
    assert_eq!(s.help_scroll, max, "bottom shows the last line last");
    update(&mut s, key('j'));
    assert_eq!(s.help_scroll, max, "no scrolling past the end");
    update(&mut s, key('k'));
    assert_eq!(s.help_scroll, max - 1, "one up from the end moves at once");
    update(&mut s, key('g'));
    assert_eq!(s.help_scroll, 0);
    update(&mut s, key('?'));
    assert_eq!(s.modal, None);
    update(&mut s, key('?'));
    assert_eq!(s.help_scroll, 0, "help opens at the top again");
}

#[test]
fn ctrl_c_always_quits() {
    let mut s = on_roster();
    update(&mut s, key('?'));
    update(&mut s, key(ctrl('c')));
    assert!(s.quit);
}

/// A menu item whose target caseload has no screen for opens the
/// placeholder under the item's label (the target is made up, so this
/// stays true whichever screens get built).
#[test]
fn hotkey_on_unbuilt_target_opens_placeholder() {
    let items = vec![
        nav(1, "Roster", "roster", "r"),
        nav(2, "Bus routes", "example.unbuilt", "b"),
    ];
    let (mut s, _) = signed_in(Options::default(), items);
    update(&mut s, key(KeyCode::Esc));
    let fx = update(&mut s, key('b'));
    assert!(fx.is_empty());
    assert!(matches!(s.top(), Screen::Placeholder(p) if p.label == "Bus routes"));
}

#[test]
fn keymap_override_from_options() {
    let keys = HashMap::from([("down".to_string(), vec!["n".to_string()])]);
    let opts = Options {
        keys,
        ..Options::default()
    };
    let items = vec![
        nav(1, "Roster", "roster", "x"),
        nav(2, "Reports", "reports", "y"),
    ];
    let (mut s, _) = signed_in(opts, items);
    assert!(s.message.is_none());
    update(&mut s, key(KeyCode::Esc)); // from the roster that opened by itself
    let Screen::Menu(m) = s.top() else { panic!() };
    assert_eq!(m.cursor, 0);
    update(&mut s, key('n'));
    let Screen::Menu(m) = s.top() else { panic!() };
    assert_eq!(m.cursor, 1);
}

#[test]
fn bad_key_string_becomes_a_status_message() {
    let keys = HashMap::from([("top".to_string(), vec!["ctrl-".to_string()])]);
    let s = State::new(Options {
        keys,
        ..Options::default()
    });
    let (level, text) = s.message.clone().unwrap();
    assert_eq!(level, Level::Error);
    assert!(text.contains("keys.top"), "{text}");
}

#[test]
fn query_failure_reaches_the_status_line() {
    let mut s = connected();
    update(&mut s, key(KeyCode::Enter));
    let (req, _) = pending(&s).unwrap();
    update(
        &mut s,
        Msg::QueryFailed {
            req,
            reason: "canceling statement".into(),
        },
    );
    let (level, text) = s.message.clone().unwrap();
    assert_eq!(level, Level::Error);
    assert!(text.contains("canceling statement"));
    assert!(pending(&s).is_none());
    // r reloads the screen.
    let fx = update(&mut s, key('r'));
    assert!(
        fx.iter().any(|e| matches!(
            e,
            Effect::Load {
                read: Read::RosterPage {
                    page: PageRequest::First,
                    ..
                },
                ..
            }
        )),
        "{fx:?}"
    );
}

#[test]
fn spinner_ticks_only_while_busy() {
    let mut s = connected();
    let before = s.spinner;
    update(&mut s, Msg::Tick);
    assert_eq!(s.spinner, before);
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, Msg::Tick);
    assert_eq!(s.spinner, before + 1);
}

#[test]
fn menu_hotkey_beats_retry_but_not_movement() {
    let mut s = connected();
    let fx = update(&mut s, key('r'));
    assert!(
        matches!(
            fx[0],
            Effect::Load {
                read: Read::RosterPage { .. },
                ..
            }
        ),
        "{fx:?}"
    );
    assert!(matches!(s.top(), Screen::Roster(_)));
    // On the roster, r is retry again: reload, cancelling what was asked.
    let fx = update(&mut s, key('r'));
    assert!(
        fx.iter().any(|e| matches!(e, Effect::Cancel { .. })),
        "{fx:?}"
    );
    assert!(
        fx.iter().any(|e| matches!(
            e,
            Effect::Load {
                read: Read::RosterPage {
                    page: PageRequest::First,
                    ..
                },
                ..
            }
        )),
        "{fx:?}"
    );
}

#[test]
fn leaving_a_loading_screen_cancels_its_request() {
    let mut s = on_roster();
    let fx = update(&mut s, key(KeyCode::Enter));
    let Effect::Load {
        req,
        read: Read::Student { .. },
    } = fx[0]
    else {
        panic!("{fx:?}")
    };
    let fx = update(&mut s, key(KeyCode::Esc));
    assert_eq!(fx, vec![Effect::Cancel { req }]);
    // Its late answer finds no screen and changes nothing.
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::Student { detail: None },
        },
    );
    assert!(matches!(s.top(), Screen::Roster(_)));
    assert!(s.message.is_none());
}

#[test]
fn the_next_key_dismisses_a_message() {
    let keys = HashMap::from([("top".to_string(), vec!["ctrl-".to_string()])]);
    let mut s = State::new(Options {
        keys,
        ..Options::default()
    });
    assert!(s.message.is_some());
    update(&mut s, key('j'));
    assert!(s.message.is_none());
}

fn type_command(s: &mut State, line: &str) -> Vec<Effect> {
    assert!(update(s, key(':')).is_empty());
    assert_eq!(s.modal, Some(Modal::Command));
    // The rest is `typed`'s: the line, then enter without the palette's
    // own student search.
    crate::app::schools::tests::typed_on(s, line)
}

#[test]
fn colon_opens_a_prompt_where_bound_keys_are_text() {
    let mut s = connected();
    update(&mut s, key(':'));
    for c in "qj?".chars() {
        update(&mut s, key(c));
    }
    assert!(!s.quit);
    assert_eq!(s.command.text, "qj?");
    assert_eq!(s.modal, Some(Modal::Command));
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(s.modal, None);
    assert!(matches!(s.top(), Screen::Menu(_)));
    // Reopening starts from an empty line.
    update(&mut s, key(':'));
    assert_eq!(s.command.text, "");
}

#[test]
fn opening_a_tool_outside_the_menu_asks_the_database_and_is_refused() {
    let mut s = connected();
    let fx = type_command(&mut s, "open admin.users");
    let [
        Effect::Load {
            req,
            read: Read::Tool { key },
        },
    ] = fx.as_slice()
    else {
        panic!("{fx:?}")
    };
    assert_eq!(key, "admin.users");
    assert!(s.busy());
    let fx = update(
        &mut s,
        Msg::Loaded {
            req: *req,
            data: Data::Tool {
                key: key.clone(),
                access: ToolAccess::Refused,
            },
        },
    );
    assert!(fx.is_empty());
    assert!(!s.busy());
    assert_eq!(
        s.message,
        Some((
            Level::Error,
            "you don't have access to admin.users: none of your roles grants that tool (an administrator can grant it)".to_string()
        ))
    );
    assert_eq!(s.screens.len(), 1);
}

#[test]
fn an_allowed_tool_opens_like_the_menu_and_unknown_ones_are_named() {
    let mut s = connected();
    let fx = type_command(&mut s, "transport.bus_routes");
    let [
        Effect::Load {
            req,
            read: Read::Tool { .. },
        },
    ] = fx.as_slice()
    else {
        panic!("{fx:?}")
    };
    let access = ToolAccess::Allowed {
        name: "Bus routes".into(),
    };
    // A tool with no screen of its own yet.
    let key = "transport.bus_routes".to_string();
    update(
        &mut s,
        Msg::Loaded {
            req: *req,
            data: Data::Tool { key, access },
        },
    );
    // Whatever screen the tool gets, it opens under the tool's name.
    assert_eq!(s.top().title(), "Bus routes");
    assert_eq!(s.screens.len(), 2);

    let fx = type_command(&mut s, "open nope");
    let [
        Effect::Load {
            req,
            read: Read::Tool { .. },
        },
    ] = fx.as_slice()
    else {
        panic!("{fx:?}")
    };
    let (req, key) = (*req, "nope".to_string());
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::Tool {
                key,
                access: ToolAccess::NoSuchTool,
            },
        },
    );
    // Saying no, it says what the person may open (the menu's tools).
    assert_eq!(
        s.message,
        Some((
            Level::Error,
            "no tool called nope: you may open roster, reports".into()
        ))
    );
    assert_eq!(s.screens.len(), 2, "a refusal leaves the screen alone");

    // Not a tool key at all: refused without asking.
    assert!(type_command(&mut s, "open Bad;Key").is_empty());
    assert_eq!(
        s.message,
        Some((
            Level::Error,
            "no tool called Bad;Key: you may open roster, reports".into()
        ))
    );
    type_command(&mut s, "open");
    assert_eq!(
        s.message,
        Some((
            Level::Error,
            "open what? you may open roster, reports".into()
        ))
    );
}

#[test]
fn a_tool_the_menu_offers_opens_at_once_over_the_menu() {
    let mut s = on_roster();
    let fx = type_command(&mut s, "reports");
    assert!(
        fx.iter().all(|e| matches!(
            e,
            Effect::Cancel { .. }
                | Effect::Load {
                    read: Read::Reports | Read::OwnJobs { .. },
                    ..
                }
        )),
        "{fx:?}"
    );
    assert_eq!(s.top().title(), "Reports");
    assert_eq!(s.screens.len(), 2, "esc leads back to the menu");
    let fx = type_command(&mut s, "open roster");
    assert!(matches!(s.top(), Screen::Roster(_)));
    assert!(
        fx.iter().any(|e| matches!(
            e,
            Effect::Load {
                read: Read::RosterPage { .. },
                ..
            }
        )),
        "{fx:?}"
    );
}

#[test]
fn a_superseded_tool_check_is_cancelled_and_its_reply_dropped() {
    let mut s = connected();
    let fx = type_command(&mut s, "admin.users");
    let [
        Effect::Load {
            req: first,
            read: Read::Tool { .. },
        },
    ] = fx.as_slice()
    else {
        panic!("{fx:?}")
    };
    let first = *first;
    let fx = type_command(&mut s, "admin.tools");
    assert_eq!(fx[0], Effect::Cancel { req: first });
    let access = ToolAccess::Allowed { name: "x".into() };
    let key = "admin.users".to_string();
    update(
        &mut s,
        Msg::Loaded {
            req: first,
            data: Data::Tool { key, access },
        },
    );
    assert_eq!(s.screens.len(), 1);
    let Effect::Load {
        req,
        read: Read::Tool { .. },
    } = &fx[1]
    else {
        panic!("{fx:?}")
    };
    let reason = "server closed the connection".to_string();
    update(&mut s, Msg::QueryFailed { req: *req, reason });
    assert!(!s.busy());
    assert!(matches!(&s.message, Some((Level::Error, m)) if m.contains("could not check access")));
}

#[test]
fn quit_help_and_nonsense_commands() {
    let mut s = connected();
    type_command(&mut s, "help");
    assert_eq!(s.modal, Some(Modal::Help));
    update(&mut s, key(KeyCode::Esc));
    type_command(&mut s, "open two words");
    assert!(matches!(&s.message, Some((Level::Error, m)) if m.contains("not a command")));
    type_command(&mut s, "quit");
    assert!(s.quit);
}

#[test]
fn no_key_opens_a_screen_the_menu_does_not_offer() {
    let mut s = connected();
    for c in "abcdefhimnostuvwxyz0123456789".chars() {
        let fx = update(&mut s, key(c));
        assert!(fx.is_empty(), "{c}: {fx:?}");
        assert_eq!(s.screens.len(), 1, "{c}");
    }
}
