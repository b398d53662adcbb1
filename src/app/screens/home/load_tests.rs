//! The home in parts (issue 19): the top painted first, the rest as it
//! comes, the totals last and said to be counting meanwhile; answers in any
//! order make the same home; a reload replaces the home whole; an answer
//! not waited for is dropped.

use super::{HomeLine, Section};
use crate::app::fixtures::{self, key};
use crate::app::intervention::tests::{home, signed_in};
use crate::app::test_prelude::*;
use crate::domain::caseload::Scope;
use crate::domain::home_parts::HomeQuery;

/// The home's reads in `fx`: (request, part).
fn asked(fx: &[Effect]) -> Vec<(ReqId, HomeQuery)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Load {
                req,
                read: Read::Home { part, .. },
            } => Some((*req, *part)),
            _ => None,
        })
        .collect()
}

/// Answers the reads in `fx` for `parts`, in that order, with those parts of
/// `loaded`; the effects the answers ask for.
fn answer(s: &mut State, fx: &[Effect], loaded: &CaseloadHome, parts: &[HomeQuery]) -> Vec<Effect> {
    let reads = asked(fx);
    let mut out = Vec::new();
    for &p in parts {
        let (req, _) = reads
            .iter()
            .find(|(_, q)| *q == p)
            .unwrap_or_else(|| panic!("{p:?} not asked for: {fx:?}"));
        out.extend(update(s, fixtures::home_arrived(*req, loaded, p)));
    }
    out
}

/// A coordinator just signed in: the home's reads on their way.
fn coordinator() -> (State, Vec<Effect>) {
    let (s, fx) = signed_in(&["coordinator"], &["caseload"]);
    assert_eq!(fixtures::home_loads(&fx), Some(Scope::Schools), "{fx:?}");
    (s, fx)
}

/// What a person reads of the home: every line's text.
fn read(s: &State) -> Vec<String> {
    let h = home(s);
    let rows = h.rows();
    h.lines()
        .into_iter()
        .map(|l| match l {
            HomeLine::Gap => String::new(),
            HomeLine::Heading(sec) => h.section_heading(sec),
            HomeLine::Nothing(_) => "nothing".into(),
            HomeLine::Waiting(_) => "loading".into(),
            HomeLine::Row(i) => format!("{:?}", rows[i]),
        })
        .chain(h.bound_note())
        .collect()
}

#[test]
fn the_top_shows_first_the_rest_says_it_is_loading_and_the_totals_counting() {
    let (mut s, fx) = coordinator();
    let parts: Vec<HomeQuery> = asked(&fx).into_iter().map(|(_, q)| q).collect();
    assert_eq!(parts, [HomeQuery::Open], "the top first, alone");
    assert!(home(&s).home.get().is_none());
    let more = answer(&mut s, &fx, &fixtures::cut_home(), &[HomeQuery::Open]);
    let then: Vec<HomeQuery> = asked(&more).into_iter().map(|(_, q)| q).collect();
    assert_eq!(
        then,
        [HomeQuery::FollowUps, HomeQuery::Goals, HomeQuery::Counts],
        "once the top is in: the rest, and the totals of the lists cut"
    );
    let h = home(&s);
    assert_eq!(h.len(), 4, "the active interventions and the review");
    assert_eq!(
        h.section_heading(Section::Active),
        "Active interventions in your schools (3 shown; counting all…)"
    );
    assert_eq!(h.section_heading(Section::OffTrack), "Goals off track");
    for sec in [Section::OffTrack, Section::FollowUps, Section::Warnings] {
        assert!(
            h.lines().contains(&HomeLine::Waiting(sec)),
            "{sec:?} says it is loading, not that there is nothing"
        );
        assert!(!h.lines().contains(&HomeLine::Nothing(sec)));
    }
    assert_eq!(
        h.bound_note().as_deref(),
        Some(
            "Showing the 3 most urgent open interventions (counting all…) — narrow them in \
             the roster (:open roster)"
        )
    );
    assert!(s.busy(), "still loading");

    answer(
        &mut s,
        &more,
        &fixtures::cut_home(),
        &[HomeQuery::FollowUps, HomeQuery::Counts],
    );
    let h = home(&s);
    assert_eq!(
        h.section_heading(Section::Active),
        "Active interventions in your schools (3 of 85,776 shown)"
    );
    assert_eq!(
        h.section_heading(Section::FollowUps),
        "Overdue follow-ups (1 oldest; more not shown)"
    );
    assert!(h.lines().contains(&HomeLine::Waiting(Section::Warnings)));
    answer(&mut s, &more, &fixtures::cut_home(), &[HomeQuery::Goals]);
    let h = home(&s);
    assert!(!h.lines().iter().any(|l| matches!(l, HomeLine::Waiting(_))));
    assert_eq!(h.len(), 7);
    assert!(!s.busy());
}

#[test]
fn parts_in_any_order_make_the_same_home() {
    let whole = fixtures::cut_home();
    let rest = [HomeQuery::FollowUps, HomeQuery::Goals, HomeQuery::Counts];
    let (mut in_order, fx) = coordinator();
    let more = answer(&mut in_order, &fx, &whole, &HomeQuery::AT_ONCE);
    answer(&mut in_order, &more, &whole, &rest);

    let (mut backwards, fx) = coordinator();
    let more = answer(&mut backwards, &fx, &whole, &HomeQuery::AT_ONCE);
    answer(
        &mut backwards,
        &more,
        &whole,
        &[HomeQuery::Counts, HomeQuery::Goals],
    );
    assert_eq!(
        home(&backwards).section_heading(Section::Warnings),
        "Data-quality warnings (1 among those shown)",
        "whole once the open part and the goals are in"
    );
    assert!(
        home(&backwards)
            .lines()
            .contains(&HomeLine::Waiting(Section::FollowUps))
    );
    answer(&mut backwards, &more, &whole, &[HomeQuery::FollowUps]);
    assert_eq!(read(&backwards), read(&in_order));
    assert_eq!(home(&backwards).home.get(), Some(&whole));
}

#[test]
fn a_reload_replaces_the_home_whole_once_every_part_is_in_and_keeps_the_cursor() {
    let (mut s, fx) = coordinator();
    fixtures::home_loaded(&mut s, &fx, &fixtures::home());
    update(&mut s, key('j'));
    let before = home(&s).selected();
    let shown = read(&s);

    // Someone else's save moved Ben's next session to the top and added a
    // warning.
    let mut after = fixtures::home();
    after.active.swap(0, 1);
    after.warnings.push(after.warnings[0].clone());
    let fx = update(&mut s, key('r'));
    assert_eq!(asked(&fx).len(), 1, "{fx:?}");
    let more = answer(&mut s, &fx, &after, &HomeQuery::AT_ONCE);
    answer(&mut s, &more, &after, &[HomeQuery::FollowUps]);
    assert_eq!(
        read(&s),
        shown,
        "no new list beside an old one while the rest is on its way"
    );
    answer(&mut s, &more, &after, &[HomeQuery::Goals]);
    let h = home(&s);
    assert_eq!(h.home.get(), Some(&after));
    assert_eq!(h.selected(), before, "the cursor stays on its row");
    assert_eq!(h.cursor, 0, "which moved up");
}

#[test]
fn an_answer_not_waited_for_is_dropped() {
    let (mut s, first) = coordinator();
    let rest = answer(&mut s, &first, &fixtures::home(), &[HomeQuery::Open]);
    // `r` before the first load is in: its other reads are cancelled.
    let again = update(&mut s, key('r'));
    let cancelled: Vec<ReqId> = again
        .iter()
        .filter_map(|e| match e {
            Effect::Cancel { req } => Some(*req),
            _ => None,
        })
        .collect();
    assert_eq!(cancelled.len(), 2, "follow-ups and goals: {again:?}");
    let shown = read(&s);
    // The superseded reads answer anyway: nothing changes.
    answer(
        &mut s,
        &rest,
        &fixtures::cut_home(),
        &[HomeQuery::FollowUps, HomeQuery::Goals],
    );
    assert_eq!(read(&s), shown);
    // An answer naming the wrong part for a request is not taken either.
    let h = match s.top_mut() {
        Screen::Home(h) => h,
        _ => panic!(),
    };
    let (open, _) = asked(&again)[0];
    assert!(
        h.arrive(
            open,
            fixtures::home_part(&fixtures::home(), HomeQuery::Goals),
            fixtures::day(fixtures::TODAY),
        )
        .is_none()
    );
    fixtures::home_loaded(&mut s, &again, &fixtures::home());
    assert_eq!(home(&s).len(), 7);
    assert!(!s.busy());
}

#[test]
fn a_part_that_fails_says_so_where_its_rows_would_be() {
    let (mut s, fx) = coordinator();
    let more = answer(&mut s, &fx, &fixtures::home(), &[HomeQuery::Open]);
    let (goals, _) = asked(&more)[1];
    update(&mut s, fixtures::query_failed(goals, "statement timeout"));
    let h = home(&s);
    assert_eq!(h.home.error(), Some("statement timeout"));
    assert!(h.lines().contains(&HomeLine::Waiting(Section::OffTrack)));
    assert!(!s.busy(), "the load is given up; r asks again");
    // The follow-ups of the load given up are not taken.
    answer(&mut s, &more, &fixtures::home(), &[HomeQuery::FollowUps]);
    assert!(
        home(&s)
            .lines()
            .contains(&HomeLine::Waiting(Section::FollowUps))
    );
}

#[test]
fn a_part_arriving_above_the_cursor_does_not_move_it_off_its_row() {
    let (mut s, fx) = coordinator();
    let more = answer(&mut s, &fx, &fixtures::home(), &HomeQuery::AT_ONCE);
    answer(&mut s, &more, &fixtures::home(), &[HomeQuery::FollowUps]);
    update(&mut s, key(KeyCode::End));
    let on = home(&s).selected();
    assert!(
        matches!(on, Some(super::Target::Student { .. })),
        "on the follow-up: {on:?}"
    );
    // The goals off track come in above the follow-ups.
    answer(&mut s, &more, &fixtures::home(), &[HomeQuery::Goals]);
    assert_eq!(home(&s).selected(), on);
}
