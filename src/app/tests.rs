//! Transition tests: every behaviour of `update`, no terminal, no database.

use super::fixtures::roster_row as row;
use super::test_prelude::*;
use crate::domain::enums::{GradeLevel, NavigationType};
use crate::domain::roster::RosterCursor;
use crate::domain::school::SchoolChoice;
use crate::domain::user::CaseloadUser;
use roster::RosterState;

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn code(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

fn whoami() -> Whoami {
    Whoami {
        login_role: "dana".into(),
        server_version: "15.4".into(),
        user: Some(CaseloadUser {
            id: Uuid::from_u128(1),
            username: "dana".into(),
            display_name: "Dana Reyes".into(),
            role_keys: vec!["coordinator".into()],
        }),
    }
}

fn page(range: std::ops::Range<u128>, more: bool) -> RosterPage {
    RosterPage {
        rows: range.map(row).collect(),
        more,
    }
}

fn nav(id: u128, label: &str, target: &str, hotkey: &str) -> NavItem {
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

/// Started with `opts`, connected, and the menu rows `items` delivered;
/// returns the state and what the menu's arrival asked for.
fn signed_in(opts: Options, items: Vec<NavItem>) -> (State, Vec<Effect>) {
    let mut s = State::new(opts);
    let fx = update(&mut s, Msg::Start);
    let Effect::Connect { req } = fx[0] else {
        panic!("{fx:?}")
    };
    let whoami = whoami();
    let fx = update(&mut s, Msg::Connected { req, whoami });
    let Effect::Load {
        req,
        read: Read::Menu,
    } = fx[0]
    else {
        panic!("{fx:?}")
    };
    let fx = update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::Menu { items },
        },
    );
    (s, fx)
}

/// Started and connected, menu loaded with Roster (r) and Reports (p); the
/// roster opened by itself and the person went back to the menu.
fn connected() -> State {
    let items = vec![
        nav(1, "Roster", "roster", "r"),
        nav(2, "Reports", "reports", "p"),
    ];
    let (mut s, _) = signed_in(Options::default(), items);
    update(&mut s, code(KeyCode::Esc));
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

fn pending(s: &State) -> Option<(ReqId, PageDir)> {
    match s.top() {
        Screen::Roster(r) => r.pending,
        _ => None,
    }
}

fn roster(s: &State) -> &RosterState {
    match s.top() {
        Screen::Roster(r) => r,
        other => panic!("top is {other:?}"),
    }
}

/// Connected, roster open with the first page (rows 0..100 of more) loaded.
fn on_roster() -> State {
    let mut s = connected();
    let fx = update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
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
            whoami: whoami(),
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
            whoami: whoami(),
        },
    );
    assert!(matches!(s.conn, Conn::Connecting { .. }));
}

#[test]
fn roster_page_fills_rows() {
    let s = on_roster();
    let r = roster(&s);
    assert_eq!(r.rows.len(), 100);
    assert_eq!((r.cursor, r.position()), (0, Some(1)));
    assert!(r.more_after && !r.more_before);
}

#[test]
fn stale_reply_is_dropped() {
    let mut s = connected();
    update(&mut s, code(KeyCode::Enter));
    let (first, _) = pending(&s).unwrap();
    // G supersedes the first-page request before it answers.
    let fx = update(&mut s, key('G'));
    assert_eq!(
        fx[0],
        Effect::Cancel { req: first },
        "the superseded query is cancelled"
    );
    assert!(
        matches!(
            fx[1],
            Effect::Load {
                read: Read::RosterPage {
                    page: PageRequest::Last,
                    ..
                },
                ..
            }
        ),
        "{fx:?}"
    );
    update(
        &mut s,
        Msg::Loaded {
            req: first,
            data: Data::RosterPage {
                page: page(0..100, true),
            },
        },
    );
    assert!(roster(&s).rows.is_empty(), "stale page applied");
    let (last, _) = pending(&s).unwrap();
    update(
        &mut s,
        Msg::Loaded {
            req: last,
            data: Data::RosterPage {
                page: page(900..1000, true),
            },
        },
    );
    assert_eq!(roster(&s).rows[0].id, Uuid::from_u128(900));
    assert_eq!(roster(&s).cursor, 99);
}

#[test]
fn moving_near_the_end_fetches_the_next_page_after_the_last_row() {
    let mut s = on_roster();
    let mut fetched = Vec::new();
    for _ in 0..80 {
        fetched.extend(update(&mut s, key('j')));
    }
    assert_eq!(fetched.len(), 1, "{fetched:?}");
    let Effect::Load {
        req,
        read:
            Read::RosterPage {
                page: PageRequest::After(c),
                limit,
                ..
            },
    } = &fetched[0]
    else {
        panic!("{fetched:?}")
    };
    assert_eq!(*limit, roster::PAGE_SIZE);
    assert_eq!(
        c,
        &RosterCursor {
            last_name: "Last0099".into(),
            first_name: "Ann".into(),
            id: Uuid::from_u128(99),
            grade: GradeLevel::G03,
            school: "North".into(),
            last_session: None,
        }
    );
    update(
        &mut s,
        Msg::Loaded {
            req: *req,
            data: Data::RosterPage {
                page: page(100..200, true),
            },
        },
    );
    assert_eq!(roster(&s).rows.len(), 200);
    assert_eq!(roster(&s).position(), Some(81));
}

#[test]
fn window_stays_bounded_and_scrolling_back_fetches_before_the_first_row() {
    // Plain walk: keep pressing j and answering next pages.
    let mut s = on_roster();
    let mut next = 100u128;
    for _ in 0..700 {
        for fx in update(&mut s, key('j')) {
            if let Effect::Load {
                req,
                read:
                    Read::RosterPage {
                        page: PageRequest::After(_),
                        ..
                    },
            } = fx
            {
                update(
                    &mut s,
                    Msg::Loaded {
                        req,
                        data: Data::RosterPage {
                            page: page(next..next + 100, true),
                        },
                    },
                );
                next += 100;
            }
        }
        assert!(roster(&s).rows.len() <= roster::MAX_WINDOW);
    }
    let r = roster(&s);
    assert!(r.more_before);
    assert_eq!(r.position(), Some(701));
    let first = r.rows[0].id.as_u128();
    // Back up until the window's start comes near: expect Before(first row).
    let mut got = None;
    for _ in 0..700 {
        if let Some(Effect::Load {
            read:
                Read::RosterPage {
                    page: PageRequest::Before(c),
                    ..
                },
            ..
        }) = update(&mut s, key('k')).into_iter().next()
        {
            got = Some(c);
            break;
        }
    }
    assert_eq!(got.map(|c| c.id.as_u128()), Some(first));
}

#[test]
fn g_and_big_g_jump_by_query_when_rows_lie_beyond() {
    let mut s = on_roster();
    let fx = update(&mut s, code(KeyCode::End));
    assert!(
        matches!(
            fx[..],
            [Effect::Load {
                read: Read::RosterPage {
                    page: PageRequest::Last,
                    ..
                },
                ..
            }]
        ),
        "{fx:?}"
    );
    let (req, _) = pending(&s).unwrap();
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::RosterPage {
                page: page(900..1000, true),
            },
        },
    );
    update(
        &mut s,
        Msg::Loaded {
            req: ReqId(0),
            data: Data::RosterCount {
                total: 1,
                estimated: false,
            },
        },
    ); // stale: ignored
    let fx = update(&mut s, key('g'));
    assert!(
        matches!(
            fx[..],
            [Effect::Load {
                read: Read::RosterPage {
                    page: PageRequest::First,
                    ..
                },
                ..
            }]
        ),
        "{fx:?}"
    );
}

#[test]
fn short_roster_jumps_without_queries() {
    let mut s = connected();
    update(&mut s, code(KeyCode::Enter));
    let (req, _) = pending(&s).unwrap();
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::RosterPage {
                page: page(0..30, false),
            },
        },
    );
    assert!(update(&mut s, key('G')).is_empty());
    assert_eq!(roster(&s).cursor, 29);
    assert!(update(&mut s, key('g')).is_empty());
    assert_eq!(roster(&s).cursor, 0);
}

#[test]
fn enter_opens_the_student_and_esc_goes_back() {
    let mut s = on_roster();
    update(&mut s, key('j'));
    let fx = update(&mut s, code(KeyCode::Enter));
    assert!(
        matches!(fx[..], [Effect::Load { read: Read::Student { id, .. }, .. }] if id == Uuid::from_u128(1)),
        "{fx:?}"
    );
    assert!(matches!(s.top(), Screen::Student(st) if st.title == "Last0001, Ann"));
    update(&mut s, code(KeyCode::Esc));
    assert!(matches!(s.top(), Screen::Roster(_)));
    update(&mut s, code(KeyCode::Backspace));
    assert!(matches!(s.top(), Screen::Menu(_)));
    update(&mut s, code(KeyCode::Esc));
    assert_eq!(s.screens.len(), 1, "the last screen stays");
    assert!(!s.quit);
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
    let max = help_line_count(&s.keymap) - rows;
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
    update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
    );
    assert!(s.quit);
}

#[test]
fn hotkey_on_unbuilt_target_opens_placeholder() {
    let mut s = connected();
    let fx = update(&mut s, key('p'));
    assert!(fx.is_empty());
    assert!(matches!(s.top(), Screen::Placeholder { label } if label == "Reports"));
}

#[test]
fn keymap_override_from_options() {
    let keys = HashMap::from([("down".to_string(), vec!["n".to_string()])]);
    let opts = Options {
        keys,
        connection_label: String::new(),
    };
    let items = vec![
        nav(1, "Roster", "roster", "x"),
        nav(2, "Reports", "reports", "y"),
    ];
    let (mut s, _) = signed_in(opts, items);
    assert!(s.message.is_none());
    update(&mut s, code(KeyCode::Esc)); // from the roster that opened by itself
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
        connection_label: String::new(),
    });
    let (level, text) = s.message.clone().unwrap();
    assert_eq!(level, Level::Error);
    assert!(text.contains("keys.top"), "{text}");
}

#[test]
fn query_failure_reaches_the_status_line() {
    let mut s = connected();
    update(&mut s, code(KeyCode::Enter));
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
    update(&mut s, code(KeyCode::Enter));
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
    let fx = update(&mut s, code(KeyCode::Enter));
    let Effect::Load {
        req,
        read: Read::Student { .. },
    } = fx[0]
    else {
        panic!("{fx:?}")
    };
    let fx = update(&mut s, code(KeyCode::Esc));
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
        connection_label: String::new(),
    });
    assert!(s.message.is_some());
    update(&mut s, key('j'));
    assert!(s.message.is_none());
}

fn type_command(s: &mut State, line: &str) -> Vec<Effect> {
    assert!(update(s, key(':')).is_empty());
    assert_eq!(s.modal, Some(Modal::Command));
    for c in line.chars() {
        update(s, key(c));
    }
    update(s, code(KeyCode::Enter))
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
    update(&mut s, code(KeyCode::Esc));
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
            "you don't have access to admin.users".to_string()
        ))
    );
    assert_eq!(s.screens.len(), 1);
}

#[test]
fn an_allowed_tool_opens_like_the_menu_and_unknown_ones_are_named() {
    let mut s = connected();
    let fx = type_command(&mut s, "admin.users");
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
        name: "Users and roles".into(),
    };
    let key = "admin.users".to_string();
    update(
        &mut s,
        Msg::Loaded {
            req: *req,
            data: Data::Tool { key, access },
        },
    );
    assert!(matches!(s.top(), Screen::Placeholder { label } if label == "Users and roles"));
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
    assert_eq!(
        s.message,
        Some((Level::Error, "no tool called nope".into()))
    );
    assert_eq!(s.screens.len(), 2, "a refusal leaves the screen alone");

    // Not a tool key at all: refused without asking.
    assert!(type_command(&mut s, "open Bad;Key").is_empty());
    assert_eq!(
        s.message,
        Some((Level::Error, "no tool called Bad;Key".into()))
    );
}

#[test]
fn a_tool_the_menu_offers_opens_at_once_over_the_menu() {
    let mut s = on_roster();
    let fx = type_command(&mut s, "reports");
    assert!(
        fx.iter().all(|e| matches!(e, Effect::Cancel { .. })),
        "{fx:?}"
    );
    assert!(matches!(s.top(), Screen::Placeholder { label } if label == "Reports"));
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
    update(&mut s, code(KeyCode::Esc));
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

fn roster_state(s: &State) -> &RosterState {
    match s.top() {
        Screen::Roster(r) => r,
        other => panic!("{other:?}"),
    }
}

fn loads(fx: &[Effect]) -> Vec<(ReqId, RosterQuery)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Load {
                req,
                read:
                    Read::RosterPage {
                        query,
                        page: PageRequest::First,
                        ..
                    },
            } => Some((*req, query.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn each_search_keystroke_supersedes_and_cancels_the_last_query() {
    let mut s = on_roster();
    assert!(update(&mut s, key('/')).is_empty());
    assert!(roster_state(&s).search_focus);
    let fx = update(&mut s, key('j'));
    let [(first, q)] = &loads(&fx)[..] else {
        panic!("{fx:?}")
    };
    assert_eq!(q.search, "j", "j types, it does not move");
    let fx = update(&mut s, key('o'));
    assert!(fx.contains(&Effect::Cancel { req: *first }), "{fx:?}");
    let [(second, q)] = &loads(&fx)[..] else {
        panic!("{fx:?}")
    };
    assert_eq!(q.search, "jo");
    // The stale reply is dropped; the current one is shown.
    update(
        &mut s,
        Msg::Loaded {
            req: *first,
            data: Data::RosterPage {
                page: page(500..501, false),
            },
        },
    );
    assert_eq!(roster_state(&s).rows.len(), 100);
    update(
        &mut s,
        Msg::Loaded {
            req: *second,
            data: Data::RosterPage {
                page: page(7..9, false),
            },
        },
    );
    assert_eq!(roster_state(&s).rows.len(), 2);
    // A space changes no token: nothing is asked.
    assert!(loads(&update(&mut s, key(' '))).is_empty());
    // Backspace narrows again; ctrl-u empties.
    assert_eq!(
        loads(&update(&mut s, code(KeyCode::Backspace)))[..].len(),
        0
    );
    assert_eq!(
        loads(&update(&mut s, code(KeyCode::Backspace)))[0].1.search,
        "j"
    );
    let fx = update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
    );
    assert_eq!(loads(&fx)[0].1.search, "");
}

#[test]
fn esc_leaves_the_search_box_then_clears_it_then_closes_the_roster() {
    let mut s = on_roster();
    update(&mut s, key('/'));
    update(&mut s, key('a'));
    assert!(update(&mut s, code(KeyCode::Esc)).is_empty());
    let r = roster_state(&s);
    assert!(!r.search_focus);
    assert_eq!(r.query.search, "a", "kept");
    // Keys are list keys again.
    assert!(loads(&update(&mut s, key('j'))).is_empty());
    let fx = update(&mut s, code(KeyCode::Esc));
    assert_eq!(loads(&fx)[0].1.search, "");
    assert!(matches!(s.top(), Screen::Roster(_)));
    update(&mut s, code(KeyCode::Esc));
    assert!(matches!(s.top(), Screen::Menu(_)));
}

#[test]
fn search_text_is_capped_and_control_characters_dropped() {
    let mut s = on_roster();
    update(&mut s, key('/'));
    let fx = update(&mut s, Msg::Paste(Password::new("o'\x1b[31mbr%_\\ien")));
    assert_eq!(loads(&fx)[0].1.search, "o'[31mbr%_\\ien");
    let long = "x".repeat(300);
    let fx = update(&mut s, Msg::Paste(Password::new(long)));
    assert!(fx.is_empty());
    assert_eq!(
        s.message,
        Some((Level::Error, "search text is too long (max 200)".into()))
    );
    assert_eq!(roster_state(&s).query.search, "o'[31mbr%_\\ien");
}

#[test]
fn filter_chips_are_added_selected_and_removed_one_by_one() {
    let mut s = on_roster();
    assert!(update(&mut s, key('f')).is_empty());
    let fx = update(&mut s, key('i'));
    assert!(loads(&fx)[0].1.filters.iep, "{fx:?}");
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::SaveRosterFilters { filters, .. } if filters.iep)),
        "remembered: {fx:?}"
    );
    update(&mut s, key('t'));
    update(&mut s, key('t'));
    update(&mut s, key('s'));
    let r = roster_state(&s);
    assert_eq!(r.query.filters.tier, Some(2));
    assert_eq!(
        r.query.filters.school.as_ref().map(|f| f.id),
        Some(Uuid::from_u128(7)),
        "the selected student's school"
    );
    let labels: Vec<String> = r.chips().into_iter().map(|c| c.1).collect();
    assert_eq!(labels, ["school: North", "tier 2", "IEP"]);
    update(&mut s, code(KeyCode::Right));
    let fx = update(&mut s, key('x'));
    let q = &loads(&fx)[0].1;
    assert_eq!(q.filters.tier, None, "the selected chip went");
    assert!(q.filters.iep && q.filters.school.is_some());
    update(&mut s, code(KeyCode::Delete));
    let labels: Vec<String> = roster_state(&s).chips().into_iter().map(|c| c.1).collect();
    assert_eq!(labels, ["school: North"]);
    // Esc leaves the bar; the filter stays.
    update(&mut s, code(KeyCode::Esc));
    assert_eq!(roster_state(&s).filter_focus, None);
    assert!(matches!(s.top(), Screen::Roster(_)));
    // Outside the bar, s sorts.
    let fx = update(&mut s, key('s'));
    assert_eq!(loads(&fx)[0].1.sort, Sort::Grade);
}

fn school(n: u128, name: &str, mine: bool) -> SchoolChoice {
    SchoolChoice {
        id: Uuid::from_u128(n),
        name: name.into(),
        local_id: format!("{n:04}"),
        low_grade: GradeLevel::KG,
        high_grade: GradeLevel::G05,
        mine,
    }
}

#[test]
fn the_school_picker_narrows_as_you_type_and_filters_to_the_pick() {
    let mut s = on_roster();
    update(&mut s, key('f'));
    let fx = update(&mut s, key('S'));
    let [
        Effect::Load {
            req,
            read: Read::Schools,
        },
    ] = fx[..]
    else {
        panic!("{fx:?}")
    };
    assert!(roster_state(&s).school_picker.is_some());
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::Schools {
                schools: vec![
                    school(9, "Lincoln High", true),
                    school(7, "North", true),
                    school(8, "Lincoln Elementary", false),
                ],
            },
        },
    );
    let p = roster_state(&s).school_picker.clone().expect("open");
    assert_eq!(p.cursor, 1, "starts on the selected student's school");
    // Letters type (j does not move), so names with any letter can be found.
    for c in "linc el".chars() {
        assert!(update(&mut s, key(c)).is_empty());
    }
    let fx = update(&mut s, code(KeyCode::Enter));
    assert_eq!(
        loads(&fx)[0]
            .1
            .filters
            .school
            .as_ref()
            .map(|f| f.name.as_str()),
        Some("Lincoln Elementary"),
        "{fx:?}"
    );
    let r = roster_state(&s);
    assert!(r.school_picker.is_none(), "picking closes the list");
    assert_eq!(r.filter_focus, Some(0), "back on the filter bar");

    // Esc closes without touching the filters; a failed load says why.
    let fx = update(&mut s, key('S'));
    let [
        Effect::Load {
            req,
            read: Read::Schools,
        },
    ] = fx[..]
    else {
        panic!("{fx:?}")
    };
    update(
        &mut s,
        Msg::QueryFailed {
            req,
            reason: "connection reset".into(),
        },
    );
    let p = roster_state(&s).school_picker.clone().expect("still open");
    assert_eq!(
        p.error.as_deref(),
        Some("could not load the schools: connection reset")
    );
    assert!(update(&mut s, code(KeyCode::Esc)).is_empty());
    let r = roster_state(&s);
    assert!(r.school_picker.is_none());
    assert_eq!(
        r.query.filters.school.as_ref().map(|f| f.name.as_str()),
        Some("Lincoln Elementary")
    );
}

#[test]
fn saved_filters_supersede_the_unfiltered_first_page() {
    let mut s = connected();
    let fx = update(&mut s, code(KeyCode::Enter));
    let [(page_req, _)] = &loads(&fx)[..] else {
        panic!("{fx:?}")
    };
    let Some(Effect::Load {
        req,
        read: Read::RosterFilters,
    }) = fx.last()
    else {
        panic!("{fx:?}")
    };
    let saved = Filters {
        english_learner: true,
        ..Filters::default()
    };
    let fx = update(
        &mut s,
        Msg::Loaded {
            req: *req,
            data: Data::RosterFilters {
                saved: Some((saved, Sort::School)),
            },
        },
    );
    assert!(fx.contains(&Effect::Cancel { req: *page_req }), "{fx:?}");
    let q = &loads(&fx)[0].1;
    assert!(q.filters.english_learner);
    assert_eq!(q.sort, Sort::School);
    assert!(
        !fx.iter().any(|e| matches!(
            e,
            Effect::Load {
                read: Read::RosterFilters,
                ..
            }
        )),
        "asked once"
    );
}

#[test]
fn n_on_the_roster_starts_a_plan_for_the_selected_student() {
    use crate::domain::plan::ContextFor;
    let mut s = on_roster();
    update(&mut s, key('j'));
    let fx = update(&mut s, key('n'));
    assert!(
        matches!(
            fx[..],
            [Effect::Load { read: Read::IvFormContext { about: ContextFor::Student(id), .. }, .. }]
                if id == Uuid::from_u128(1)
        ),
        "{fx:?}"
    );
    assert!(matches!(s.top(), Screen::IvEdit(e) if e.title().contains("Last0001, Ann")));
    // Esc while it loads leaves; in the search box, n is a letter.
    update(&mut s, code(KeyCode::Esc));
    update(&mut s, key('/'));
    let fx = update(&mut s, key('n'));
    assert!(!fx.iter().any(|e| matches!(
        e,
        Effect::Load {
            read: Read::IvFormContext { .. },
            ..
        }
    )));
    assert!(matches!(s.top(), Screen::Roster(r) if r.query.search == "n"));
}
