//! The communication log through update(): opened from the menu, filter
//! chips set, typed (bad dates said in words, nothing typed lost) and
//! cleared, and paging over either edge of a page.

use super::{CommsState, PAGE_ROWS, chips};
use crate::app::fixtures::{self, day, key, only_load};
use crate::app::iv_tests::signed_in;
use crate::app::test_prelude::*;
use crate::domain::contact_log::{
    ContactCursor, ContactFilters, ContactPage, ContactPageRequest, ContactRow, FollowUpState,
};
use crate::domain::kinds::{Channel, ContactDirection, ContactResult};
use chrono::{TimeZone, Utc};

pub(crate) fn contact(n: u32, student: &str) -> ContactRow {
    ContactRow {
        id: Uuid::from_u128(500 + u128::from(n)),
        occurred_at: Utc
            .with_ymd_and_hms(2026, 10, 20, 15, 0, 0)
            .single()
            .expect("time")
            - chrono::Duration::hours(i64::from(n)),
        student_id: Uuid::from_u128(200 + u128::from(n % 3)),
        student_name: student.into(),
        intervention_id: None,
        guardian: Some("Maria Lopez".into()),
        channel: Channel::Phone,
        direction: ContactDirection::Outbound,
        result: Some(ContactResult::LeftMessage),
        purpose: "attendance check-in".into(),
        follow_up: match n % 3 {
            0 => FollowUpState::Open { due: day(61) },
            1 => FollowUpState::Done,
            _ => FollowUpState::None,
        },
    }
}

pub(crate) fn page(from: u32, n: u32, newer: bool, older: bool) -> ContactPage {
    let names = ["Ana Lopez", "Ben Okafor", "Chen Wu"];
    ContactPage {
        rows: (from..from + n)
            .map(|i| contact(i, names[i as usize % 3]))
            .collect(),
        newer,
        older,
    }
}

/// Signed in as a counselor on the log, its first load answered with `p`.
pub(crate) fn opened(p: ContactPage) -> State {
    let (mut s, _) = signed_in(&["counselor"], &["communications"]);
    let fx = crate::app::screens::open(&mut s, "communications", "Communication log".into());
    let (req, read) = only_load(&fx);
    assert_eq!(
        read,
        &Read::Contacts {
            filters: ContactFilters::default(),
            page: ContactPageRequest::Newest,
            limit: PAGE_ROWS,
        },
        "the log opens on its newest page"
    );
    answer(&mut s, req, p);
    s
}

fn answer(s: &mut State, req: ReqId, page: ContactPage) {
    update(
        s,
        Msg::Loaded {
            req,
            data: Data::Contacts {
                page,
                today: day(fixtures::TODAY),
            },
        },
    );
}

fn log(s: &State) -> &CommsState {
    match s.top() {
        Screen::Communications(c) => c,
        other => panic!("top is {}", other.title()),
    }
}

/// The page and filters the one load in `fx` asks for.
fn asked(fx: &[Effect]) -> (ReqId, ContactFilters, ContactPageRequest) {
    match only_load(fx) {
        (req, Read::Contacts { filters, page, .. }) => (req, filters.clone(), *page),
        other => panic!("{other:?}"),
    }
}

#[test]
fn channel_and_result_chips_step_through_their_values_then_off() {
    let mut s = opened(page(0, 3, false, false));
    let (_, f, at) = asked(&update(&mut s, key('c')));
    assert_eq!((f.channel, at), (Some(Channel::Phone), ContactPageRequest::Newest));
    let (_, f, _) = asked(&update(&mut s, key('c')));
    assert_eq!(f.channel, Some(Channel::Email));
    for _ in 2..Channel::ALL.len() {
        update(&mut s, key('c'));
    }
    let (_, f, _) = asked(&update(&mut s, key('c')));
    assert_eq!(f.channel, None, "after the last value: off");

    update(&mut s, key('o'));
    update(&mut s, key('o'));
    update(&mut s, key('f'));
    let (_, f, _) = asked(&update(&mut s, key('m')));
    assert_eq!(
        chips(&f),
        ["result: left message", "open follow-up", "mine"],
        "the chips say what is set, in words"
    );
    let (_, f, _) = asked(&update(&mut s, key('x')));
    assert!(f.is_empty() && chips(&f).is_empty());
    assert!(update(&mut s, key('x')).is_empty(), "nothing to clear: no load");
}

#[test]
fn a_typed_student_filter_applies_on_enter_and_empty_clears_it() {
    let mut s = opened(page(0, 3, false, false));
    update(&mut s, key('/'));
    for c in "lopez".chars() {
        update(&mut s, key(c));
    }
    assert!(log(&s).typing.is_some(), "the keys type while the line is open");
    let (_, f, _) = asked(&update(&mut s, key(KeyCode::Enter)));
    assert_eq!(f.student.as_deref(), Some("lopez"));
    assert_eq!(chips(&f), ["student: lopez"]);

    update(&mut s, key('/'));
    assert_eq!(log(&s).typing.as_ref().map(|t| t.text.as_str()), Some("lopez"));
    update(&mut s, key(fixtures::ctrl('u')));
    let (_, f, _) = asked(&update(&mut s, key(KeyCode::Enter)));
    assert_eq!(f.student, None);
}

#[test]
fn dates_are_refused_in_words_and_the_typed_text_is_kept() {
    let mut s = opened(page(0, 3, false, false));
    update(&mut s, key('['));
    for c in "2026-11-31".chars() {
        update(&mut s, key(c));
    }
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    let t = log(&s).typing.clone().expect("still typing");
    assert_eq!(t.text, "2026-11-31");
    assert_eq!(
        t.error.as_deref(),
        Some("2026-11-31 does not exist: check the month and the day")
    );
    for _ in 0..2 {
        update(&mut s, key(KeyCode::Backspace));
    }
    for c in "20".chars() {
        update(&mut s, key(c));
    }
    let (_, f, _) = asked(&update(&mut s, key(KeyCode::Enter)));
    assert_eq!(f.from, Some(day(80)), "2026-11-20");

    // A "through" before "from" matches no day: said, not sent.
    update(&mut s, key(']'));
    for c in "2026-11-01".chars() {
        update(&mut s, key(c));
    }
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    let e = log(&s).typing.clone().and_then(|t| t.error).unwrap_or_default();
    assert!(e.contains("is after"), "{e}");
    update(&mut s, key(KeyCode::Esc));
    assert!(log(&s).typing.is_none());
    assert_eq!(log(&s).filters.to, None, "esc keeps the filters as they were");
}

#[test]
fn moving_past_a_page_edge_asks_for_the_next_page_by_the_edge_row() {
    let mut s = opened(page(0, 4, false, true));
    for _ in 0..3 {
        assert!(update(&mut s, key('j')).is_empty(), "within the page");
    }
    let (req, _, at) = asked(&update(&mut s, key('j')));
    assert_eq!(
        at,
        ContactPageRequest::Older(ContactCursor::from(&contact(3, "Ana Lopez")))
    );
    answer(&mut s, req, page(4, 4, true, false));
    assert_eq!(log(&s).cursor.at(), 0, "on the first row of the older page");
    assert!(update(&mut s, key('j')).is_empty());
    update(&mut s, key('k'));
    let (req, _, at) = asked(&update(&mut s, key('k')));
    assert_eq!(
        at,
        ContactPageRequest::Newer(ContactCursor::from(&contact(4, "Ben Okafor")))
    );
    answer(&mut s, req, page(0, 4, false, true));
    assert_eq!(log(&s).cursor.at(), 3, "on the last row of the newer page");

    // G jumps to the oldest page, g back to the newest.
    let (req, _, at) = asked(&update(&mut s, key('G')));
    assert_eq!(at, ContactPageRequest::Oldest);
    answer(&mut s, req, page(6, 4, true, false));
    let (_, _, at) = asked(&update(&mut s, key('g')));
    assert_eq!(at, ContactPageRequest::Newest);
}

#[test]
fn a_filter_starts_again_from_the_newest_page() {
    let mut s = opened(page(0, 2, false, true));
    update(&mut s, key('j'));
    let (req, _, _) = asked(&update(&mut s, key('j')));
    answer(&mut s, req, page(2, 2, true, false));
    let (_, _, at) = asked(&update(&mut s, key('m')));
    assert_eq!(at, ContactPageRequest::Newest);
}
