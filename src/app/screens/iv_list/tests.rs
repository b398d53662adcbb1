//! The Interventions list through update(): opened from the menu target,
//! pages asked for and arriving, filter chips added and removed, the sort
//! cycled, Enter and L.

use super::IvListState;
use crate::app::fixtures::key;
use crate::app::iv_tests::at_home;
use crate::app::test_prelude::*;
use crate::domain::enums::InterventionType;
use crate::domain::iv_list::{IvPage, IvPageRequest, IvQuery, IvRow, IvSort};
use chrono::NaiveDate;

pub(crate) fn row(n: u128) -> IvRow {
    let day = |d: u32| NaiveDate::from_ymd_opt(2026, 12, d);
    IvRow {
        id: Uuid::from_u128(n),
        student_id: Uuid::from_u128(1000 + n),
        last_name: format!("Student{n:03}"),
        first_name: "Ana".into(),
        name: if n.is_multiple_of(2) {
            "Read Naturally".into()
        } else {
            "Check-in/Check-out".into()
        },
        tier: 2 + (n % 2) as i16,
        status: InterventionStatus::Active,
        kind: InterventionType::Reading,
        program_id: Some(Uuid::from_u128(77)),
        owner_id: Some(Uuid::from_u128(88)),
        owner: Some("Maya Okafor".into()),
        school_id: Uuid::from_u128(5),
        school: "Lincoln".into(),
        start_date: day(1),
        next_session_due: day(1 + (n % 28) as u32),
        review_on: day(20),
        off_track: n.is_multiple_of(3),
        fidelity_low: n.is_multiple_of(4),
        gap_days: n.is_multiple_of(5).then_some(15),
    }
}

pub(crate) fn rows(from: u128, n: u128) -> Vec<IvRow> {
    (from..from + n).map(row).collect()
}

pub(crate) fn list(s: &State) -> &IvListState {
    match s.top() {
        Screen::IvList(x) => x,
        other => panic!("top is {}", other.title()),
    }
}

/// The page and count requests in `fx`, in order.
fn loads(fx: &[Effect]) -> Vec<(ReqId, Read)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Load { req, read } => Some((*req, read.clone())),
            _ => None,
        })
        .collect()
}

/// At home, the menu's Interventions: the screen, asking for the first page
/// and the count together.
pub(crate) fn opened() -> (State, ReqId, ReqId) {
    let mut s = at_home();
    let fx = crate::app::screens::open(&mut s, super::TARGET, "Interventions".into());
    let l = loads(&fx);
    let [
        (
            page,
            Read::IvPage {
                page: IvPageRequest::First,
                ..
            },
        ),
        (count, Read::IvCount { .. }),
    ] = &l[..]
    else {
        panic!("{fx:?}")
    };
    assert_eq!(s.top().title(), "Interventions");
    (s, *page, *count)
}

pub(crate) fn with_rows(n: u128, more: bool) -> State {
    let (mut s, page, count) = opened();
    update(
        &mut s,
        Msg::Loaded {
            req: page,
            data: Data::IvPage {
                page: IvPage {
                    rows: rows(0, n),
                    more,
                },
            },
        },
    );
    update(
        &mut s,
        Msg::Loaded {
            req: count,
            data: Data::IvCount {
                total: if more { 42_317 } else { n as u64 },
                estimated: more,
            },
        },
    );
    s
}

fn asked_query(fx: &[Effect]) -> IvQuery {
    loads(fx)
        .into_iter()
        .find_map(|(_, r)| match r {
            Read::IvPage { query, .. } => Some(query),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no page asked: {fx:?}"))
}

#[test]
fn the_menu_item_opens_the_list_and_rows_arrive() {
    let s = with_rows(30, false);
    let l = list(&s);
    assert_eq!(l.list.rows.len(), 30);
    assert_eq!(l.count_text(), "30 interventions");
    assert_eq!(l.list.position(), Some(1));
    assert!(!s.busy(), "nothing left in flight");
}

#[test]
fn an_estimated_count_says_about() {
    let s = with_rows(100, true);
    assert_eq!(list(&s).count_text(), "about 42,000 interventions");
}

#[test]
fn moving_near_the_loaded_edge_asks_for_the_next_page_by_keyset() {
    let mut s = with_rows(100, true);
    let fx = update(&mut s, key(KeyCode::PageDown));
    assert!(loads(&fx).is_empty(), "far from the edge: {fx:?}");
    let mut asked = None;
    for _ in 0..5 {
        let fx = update(&mut s, key(KeyCode::PageDown));
        if let Some((_, Read::IvPage { page, .. })) = loads(&fx).into_iter().next() {
            asked = Some(page);
            break;
        }
    }
    assert_eq!(asked, Some(IvPageRequest::After(row(99).cursor())));
    // The end key with more rows after asks for the last page.
    let fx = update(&mut s, key('G'));
    let l = loads(&fx);
    assert!(
        matches!(
            l.last(),
            Some((
                _,
                Read::IvPage {
                    page: IvPageRequest::Last,
                    ..
                }
            ))
        ),
        "{fx:?}"
    );
    assert!(
        fx.iter().any(|e| matches!(e, Effect::Cancel { .. })),
        "the next page is superseded"
    );
}

#[test]
fn chips_are_added_and_removed_with_keys_and_each_asks_again() {
    let mut s = with_rows(10, false);
    update(&mut s, key('f'));
    assert_eq!(list(&s).filter_focus, Some(0));
    let fx = update(&mut s, key('u'));
    assert_eq!(
        asked_query(&fx).filters.status,
        Some(InterventionStatus::Referred)
    );
    assert!(
        loads(&fx)
            .iter()
            .any(|(_, r)| matches!(r, Read::IvCount { query } if query.filters.status.is_some())),
        "counts again with the filter: {fx:?}"
    );
    update(&mut s, key('t'));
    update(&mut s, key('!'));
    update(&mut s, key('v'));
    update(&mut s, key('v'));
    let fx = update(&mut s, key('s'));
    let q = asked_query(&fx);
    assert_eq!(q.filters.tier, Some(1));
    assert!(q.filters.off_track);
    assert_eq!(q.filters.review_within, Some(14));
    let chips: Vec<String> = list(&s)
        .query
        .filters
        .chips()
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    assert_eq!(
        chips,
        [
            "status: referred",
            "tier: 1",
            "school: Lincoln",
            "review ≤ 14 days",
            "off track"
        ]
    );
    // The selected chip (→ twice: the school) goes with x.
    update(&mut s, key(KeyCode::Right));
    update(&mut s, key(KeyCode::Right));
    let fx = update(&mut s, key('x'));
    assert_eq!(asked_query(&fx).filters.school, None);
    assert_eq!(list(&s).query.filters.chips().len(), 4);
    // c clears them all; esc leaves the bar, and the sort key sorts again.
    let fx = update(&mut s, key('c'));
    assert_eq!(asked_query(&fx).filters, Default::default());
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(list(&s).filter_focus, None);
    assert_eq!(s.top().title(), "Interventions", "esc left the bar only");
}

#[test]
fn owner_and_program_come_from_the_selected_row_and_toggle_off() {
    let mut s = with_rows(10, false);
    update(&mut s, key('f'));
    let fx = update(&mut s, key('o'));
    let owner = asked_query(&fx).filters.owner.expect("owner");
    assert_eq!(owner.name, "Maya Okafor");
    let fx = update(&mut s, key('o'));
    assert_eq!(asked_query(&fx).filters.owner, None, "again: off");
    let fx = update(&mut s, key('p'));
    assert_eq!(
        asked_query(&fx).filters.program.map(|p| p.name),
        Some("Read Naturally".into())
    );
    update(&mut s, key('y'));
    update(&mut s, key('d'));
    let fx = update(&mut s, key('n'));
    let f = asked_query(&fx).filters;
    assert_eq!(f.kind, Some(InterventionType::Reading));
    assert!(f.fidelity_low);
    assert_eq!(f.no_session_days, Some(7));
}

#[test]
fn the_sort_key_cycles_every_sort_and_starts_over() {
    let mut s = with_rows(10, false);
    let mut seen = vec![list(&s).query.sort];
    for _ in 0..4 {
        let fx = update(&mut s, key('s'));
        let q = asked_query(&fx);
        assert_eq!(q.sort, list(&s).query.sort);
        seen.push(q.sort);
    }
    assert_eq!(
        seen,
        [
            IvSort::NextDue,
            IvSort::Review,
            IvSort::Student,
            IvSort::Start,
            IvSort::NextDue
        ]
    );
}

#[test]
fn enter_opens_the_detail_and_l_logs_a_session() {
    let mut s = with_rows(10, false);
    update(&mut s, key('j'));
    update(&mut s, key(KeyCode::Enter));
    match s.top() {
        Screen::Intervention(d) => assert_eq!(d.id, Uuid::from_u128(1)),
        other => panic!("top is {}", other.title()),
    }
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(s.top().title(), "Interventions");
    let fx = update(&mut s, key('L'));
    assert!(
        fx.iter().any(|e| matches!(
            e,
            Effect::Load {
                read: Read::SessionContext { intervention_id, .. },
                ..
            } if *intervention_id == Uuid::from_u128(1)
        )),
        "{fx:?}"
    );
}

#[test]
fn a_failed_page_says_why_and_r_asks_again() {
    let (mut s, page, _) = opened();
    update(
        &mut s,
        Msg::QueryFailed {
            req: page,
            reason: "permission denied".into(),
        },
    );
    assert_eq!(list(&s).error.as_deref(), Some("permission denied"));
    let fx = update(&mut s, key('r'));
    assert!(
        loads(&fx)
            .iter()
            .any(|(_, r)| matches!(r, Read::IvPage { .. })),
        "{fx:?}"
    );
}
