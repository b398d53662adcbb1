//! The home as a person moves through it (issue 13, items 9, 12 and 17):
//! Tab brings the next section's heading to the top, the heading of the
//! section on screen stays while its rows scroll, the first section is
//! named for whose work it lists, and a dirty name is a warning.

use super::{HomeLine, Section, Window};
use crate::app::fixtures::key;
use crate::app::fixtures::{self, day};
use crate::app::intervention::tests::{at_home_with, home, signed_in};
use crate::app::test_prelude::*;
use crate::domain::caseload::{Problem, Scope};

/// 30 active and 30 reviews at 80×24: a 22-line list of 67 lines.
fn busy() -> State {
    at_home_with(fixtures::busy_home(30, 30))
}

fn window(s: &State) -> Window {
    let h = home(s);
    h.window(h.list_rows(s.width, s.height))
}

#[test]
fn tab_brings_the_next_section_to_the_top_and_back_tab_the_previous() {
    let mut s = busy();
    assert_eq!(home(&s).list_rows(80, 24), 22);
    update(&mut s, key(KeyCode::Tab));
    let h = home(&s);
    assert_eq!(h.current_section(), Some(Section::Reviews));
    assert_eq!(h.cursor, 30);
    let reviews = h
        .lines()
        .iter()
        .position(|l| *l == HomeLine::Heading(Section::Reviews));
    assert_eq!(reviews, Some(32));
    assert_eq!(
        window(&s),
        Window {
            offset: 32,
            sticky: None,
            rows: 22
        },
        "the heading is the first line"
    );
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(home(&s).current_section(), Some(Section::OffTrack));
    let w = window(&s);
    assert_eq!(
        w.offset + w.rows,
        home(&s).lines().len(),
        "a section near the end comes as high as the list allows, no higher"
    );
    update(&mut s, key(KeyCode::BackTab));
    update(&mut s, key(KeyCode::BackTab));
    assert_eq!(home(&s).cursor, 0);
    assert_eq!(window(&s).offset, 0);
}

#[test]
fn the_section_heading_stays_while_its_rows_scroll() {
    let mut s = busy();
    for _ in 0..25 {
        update(&mut s, key('j'));
    }
    // Row 25 is line 26; with the heading pinned, 21 rows show: 6..=26.
    assert_eq!(
        window(&s),
        Window {
            offset: 6,
            sticky: Some(Section::Active),
            rows: 21
        }
    );
    // Into the reviews: while an active row is the top line, its heading
    // stays pinned; once the reviews' heading has scrolled past, theirs is.
    for _ in 0..10 {
        update(&mut s, key('j'));
    }
    assert_eq!(home(&s).current_section(), Some(Section::Reviews));
    assert_eq!(window(&s).sticky, Some(Section::Active));
    for _ in 0..20 {
        update(&mut s, key('j'));
    }
    assert_eq!(
        window(&s),
        Window {
            offset: 38,
            sticky: Some(Section::Reviews),
            rows: 21
        }
    );
    // Back up: the view moves only as far as keeps the cursor in sight.
    let before = window(&s).offset;
    update(&mut s, key('k'));
    assert_eq!(window(&s).offset, before);
    // g goes home, where no heading needs pinning.
    update(&mut s, key('g'));
    assert_eq!(
        window(&s),
        Window {
            offset: 0,
            sticky: None,
            rows: 22
        }
    );
}

#[test]
fn a_page_keeps_a_line_for_the_pinned_heading() {
    let mut s = busy();
    update(&mut s, key(KeyCode::PageDown));
    assert_eq!(
        home(&s).cursor,
        20,
        "a page of 22 lines less the heading and one of overlap"
    );
    let w = window(&s);
    assert!(w.offset <= 21 && 21 < w.offset + w.rows, "{w:?}");
}

#[test]
fn a_short_home_never_scrolls() {
    let mut s = at_home_with(fixtures::home());
    for c in [KeyCode::Tab, KeyCode::Tab, KeyCode::Tab, KeyCode::Tab] {
        update(&mut s, key(c));
        assert_eq!(window(&s).offset, 0);
    }
    assert_eq!(home(&s).current_section(), Some(Section::Warnings));
}

#[test]
fn the_first_section_says_whose_interventions_it_lists() {
    let s = busy();
    assert_eq!(
        home(&s).section_heading(Section::Active),
        "My active interventions (30)"
    );
    let (mut s, fx) = signed_in(&["coordinator"], &["caseload"]);
    assert_eq!(fixtures::home_loads(&fx), Some(Scope::Schools), "{fx:?}");
    fixtures::home_loaded(&mut s, &fx, &fixtures::home());
    assert_eq!(
        home(&s).section_heading(Section::Active),
        "Active interventions in your schools (3)"
    );
}

#[test]
fn a_name_with_control_characters_is_a_data_quality_warning() {
    use crate::domain::caseload::{OpenRow, assemble};
    use crate::domain::enums::InterventionStatus;
    use crate::domain::fidelity::Delivery;
    let open = |n: u128, student: &str, name: &str| OpenRow {
        of: fixtures::iref(n, student, name),
        status: InterventionStatus::Active,
        tier: 2,
        owner_name: None,
        last_session: Some(day(59)),
        delivery: Delivery {
            start_date: Some(day(0)),
            planned_end_date: Some(day(90)),
            ended_on: None,
            sessions_per_week: Some(2),
            minutes_per_session: None,
            sessions_delivered: 0,
            minutes_delivered: 0,
        },
    };
    let home = assemble(
        vec![
            open(1, "Ava Nguyen", "Read Naturally"),
            open(2, "Ro\x1b[2Jse Lee", "Read Naturally"),
            open(3, "Bo Li", "Math\u{202E} Boost"),
            open(4, "Tab\tby Name", "Lexia"),
        ],
        vec![],
        vec![],
        vec![],
        Default::default(),
        day(fixtures::TODAY),
        &Default::default(),
    );
    let flagged: Vec<u128> = home
        .warnings
        .iter()
        .filter(|w| w.problem == Problem::ControlCharsInName)
        .map(|w| w.of.intervention_id.as_u128() - 1000)
        .collect();
    assert_eq!(flagged, [3, 2, 4], "by student name, the clean one not");
}
