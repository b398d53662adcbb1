//! The roster through update(): paging in a bounded window, search, the
//! filter bar, the school picker, saved filters.

use crate::app::fixtures::{ctrl, key};
use crate::app::test_prelude::*;
use crate::app::tests::{connected, on_roster, page, pending, roster};
use crate::domain::enums::GradeLevel;
use crate::domain::roster::RosterCursor;
use crate::domain::school::SchoolChoice;
use roster::RosterState;

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
    update(&mut s, key(KeyCode::Enter));
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
    let fx = update(&mut s, key(KeyCode::End));
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
    update(&mut s, key(KeyCode::Enter));
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
    let fx = update(&mut s, key(KeyCode::Enter));
    assert!(
        matches!(fx[..], [Effect::Load { read: Read::Student { id, .. }, .. }] if id == Uuid::from_u128(1)),
        "{fx:?}"
    );
    assert!(matches!(s.top(), Screen::Student(st) if st.title == "Last0001, Ann"));
    update(&mut s, key(KeyCode::Esc));
    assert!(matches!(s.top(), Screen::Roster(_)));
    update(&mut s, key(KeyCode::Backspace));
    assert!(matches!(s.top(), Screen::Menu(_)));
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(s.screens.len(), 1, "the last screen stays");
    assert!(!s.quit);
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
    assert_eq!(loads(&update(&mut s, key(KeyCode::Backspace)))[..].len(), 0);
    assert_eq!(
        loads(&update(&mut s, key(KeyCode::Backspace)))[0].1.search,
        "j"
    );
    let fx = update(&mut s, key(ctrl('u')));
    assert_eq!(loads(&fx)[0].1.search, "");
}

#[test]
fn esc_leaves_the_search_box_then_clears_it_then_closes_the_roster() {
    let mut s = on_roster();
    update(&mut s, key('/'));
    update(&mut s, key('a'));
    assert!(update(&mut s, key(KeyCode::Esc)).is_empty());
    let r = roster_state(&s);
    assert!(!r.search_focus);
    assert_eq!(r.query.search, "a", "kept");
    // Keys are list keys again.
    assert!(loads(&update(&mut s, key('j'))).is_empty());
    let fx = update(&mut s, key(KeyCode::Esc));
    assert_eq!(loads(&fx)[0].1.search, "");
    assert!(matches!(s.top(), Screen::Roster(_)));
    update(&mut s, key(KeyCode::Esc));
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
    update(&mut s, key(KeyCode::Right));
    let fx = update(&mut s, key('x'));
    let q = &loads(&fx)[0].1;
    assert_eq!(q.filters.tier, None, "the selected chip went");
    assert!(q.filters.iep && q.filters.school.is_some());
    update(&mut s, key(KeyCode::Delete));
    let labels: Vec<String> = roster_state(&s).chips().into_iter().map(|c| c.1).collect();
    assert_eq!(labels, ["school: North"]);
    // Esc leaves the bar; the filter stays.
    update(&mut s, key(KeyCode::Esc));
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
    let fx = update(&mut s, key(KeyCode::Enter));
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
    assert!(update(&mut s, key(KeyCode::Esc)).is_empty());
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
    let fx = update(&mut s, key(KeyCode::Enter));
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
    assert!(matches!(s.top(), Screen::IvEdit(e) if e.heading().contains("Last0001, Ann")));
    // Esc while it loads leaves; in the search box, n is a letter.
    update(&mut s, key(KeyCode::Esc));
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

#[test]
fn unreadable_saved_filters_leave_the_roster_unfiltered_and_say_why() {
    let mut s = connected();
    let fx = update(&mut s, key(KeyCode::Enter));
    let Some(Effect::Load {
        req,
        read: Read::RosterFilters,
    }) = fx.last()
    else {
        panic!("{fx:?}")
    };
    let fx = update(
        &mut s,
        Msg::QueryFailed {
            req: *req,
            reason: "permission denied".into(),
        },
    );
    assert!(
        fx.is_empty(),
        "the first page already asked is kept: {fx:?}"
    );
    assert_eq!(
        s.message,
        Some((
            Level::Error,
            "could not read your saved filters: permission denied".into()
        )),
        "said once, not as a failed query"
    );
    let r = roster_state(&s);
    assert!(r.restored && r.settings_req.is_none());
    assert!(pending(&s).is_some(), "the first page still comes");
    // r asks for the rows again, not for the saved filters.
    let fx = update(&mut s, key('r'));
    assert!(
        !fx.iter().any(|e| matches!(
            e,
            Effect::Load {
                read: Read::RosterFilters,
                ..
            }
        )),
        "{fx:?}"
    );
    assert_eq!(loads(&fx).len(), 1, "{fx:?}");
}

/// Live refresh: a change to students fetches the rows on screen again from
/// the first one shown, and the cursor stays on its student.
#[test]
fn a_change_refetches_the_rows_on_screen_keeping_the_cursor_on_its_student() {
    use crate::domain::live::{Changes, Table};
    let mut s = on_roster();
    // Nothing saved: the first page is the one to keep fresh.
    let req = roster(&s)
        .settings_req
        .expect("the saved filters asked for");
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::RosterFilters { saved: None },
        },
    );
    for _ in 0..30 {
        update(&mut s, key('j'));
    }
    let (offset, cursor) = (roster(&s).offset, roster(&s).cursor);
    assert!(offset > 0);
    let on = roster(&s).selected().unwrap().id;
    let unrelated = update(
        &mut s,
        Msg::Changed {
            changes: Changes::tables([Table::Documents]),
        },
    );
    assert!(unrelated.is_empty(), "{unrelated:?}");
    let fx = update(
        &mut s,
        Msg::Changed {
            changes: Changes::tables([Table::Students]),
        },
    );
    let first_shown = roster(&s).rows[offset].cursor();
    let req = fx
        .iter()
        .find_map(|e| match e {
            Effect::Load {
                req,
                read:
                    Read::RosterPage {
                        page: PageRequest::From(c),
                        ..
                    },
            } if *c == first_shown => Some(*req),
            _ => None,
        })
        .unwrap_or_else(|| panic!("the rows on screen asked again: {fx:?}"));
    assert!(
        fx.iter().any(|e| matches!(
            e,
            Effect::Load {
                read: Read::RosterCount { .. },
                ..
            }
        )),
        "and the count: {fx:?}"
    );

    // A student above the cursor went away meanwhile.
    let gone = offset as u128 + 1;
    let rows: Vec<u128> = (offset as u128..offset as u128 + 101)
        .filter(|i| *i != gone)
        .collect();
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::RosterPage {
                page: RosterPage {
                    rows: rows
                        .iter()
                        .map(|i| crate::app::fixtures::roster_row(*i))
                        .collect(),
                    more: true,
                },
            },
        },
    );
    let r = roster(&s);
    assert_eq!(
        r.selected().unwrap().id,
        on,
        "the cursor stays on its student"
    );
    assert_eq!(r.cursor, cursor - offset - 1);
    assert!(r.more_before && r.more_after);
    assert_eq!(r.rows[0].cursor(), first_shown);
}
