//! What the editor's fields say about themselves: which goal each score
//! is for, and which values came over from the last session (and until
//! when they say so).

use super::test_setup::{answer_with, editor, log_from_home, press_log};
use super::tests::{field, submitted, typed, value};
use crate::app::fixtures::ctrl;
use crate::app::fixtures::key;
use crate::app::fixtures::{self, day};
use crate::app::iv_tests::at_home;
use crate::app::session_edit::{Editor, slots};
use crate::app::test_prelude::*;
use crate::domain::session::{GoalToScore, SessionContext};

fn marker(s: &State, label: &str) -> Option<String> {
    editor(s).carried_from(field(s, label))
}

/// Two goals on one measure, told apart by their targets, and a third.
pub(crate) fn three_goals() -> SessionContext {
    let goal = |n: u128, statement: &str, measure: &str, unit: &str, target: f64| GoalToScore {
        id: Uuid::from_u128(n),
        statement: statement.into(),
        measure: Some(measure.into()),
        unit: Some(unit.into()),
        target: Some(target),
    };
    SessionContext {
        goals: vec![
            goal(
                5001,
                "Will have no more than 1 office referral per week.",
                "Office discipline referrals",
                "per week",
                1.0,
            ),
            goal(
                5002,
                "Will have no office referrals by the spring review.",
                "Office discipline referrals",
                "per week",
                0.0,
            ),
            goal(
                5003,
                "Will use a coping strategy when upset.",
                "Self-regulation rating",
                "rating (1–5)",
                3.5,
            ),
        ],
        ..fixtures::session_context()
    }
}

/// The editor on a new session of `ctx`.
pub(crate) fn log_with(ctx: SessionContext) -> State {
    let mut s = at_home();
    let req = press_log(&mut s);
    answer_with(&mut s, req, ctx);
    s
}

#[test]
fn each_score_says_which_goal_it_scores() {
    let s = log_with(three_goals());
    let e = editor(&s);
    let labels: Vec<&str> = e.form.specs.iter().map(|x| x.label.as_ref()).collect();
    assert_eq!(
        labels[labels.len() - 3..],
        ["Score for goal 1", "Score for goal 2", "Score for goal 3"]
    );
    let about: Vec<_> = (0..3)
        .map(|i| slots::score_about(&e.context, i).unwrap())
        .collect();
    assert_eq!(
        about,
        [
            (
                "Office discipline referrals".to_string(),
                " · target 1 per week".to_string()
            ),
            (
                "Office discipline referrals".to_string(),
                " · target 0 per week".to_string()
            ),
            (
                "Self-regulation rating".to_string(),
                " · target 3.5 rating (1–5)".to_string()
            ),
        ]
    );
    // Without a target, the unit goes with the measure; a percentage
    // sticks to its number.
    let mut ctx = three_goals();
    ctx.goals[0].target = None;
    ctx.goals[1].unit = Some("%".into());
    ctx.goals[2].measure = None;
    ctx.goals[2].target = None;
    let about = |i| slots::score_about(&ctx, i).unwrap();
    assert_eq!(
        about(0),
        ("Office discipline referrals (per week)".into(), "".into())
    );
    assert_eq!(about(1).1, " · target 0%");
    assert_eq!(about(2).0, "Will use a coping strategy when upset.");
    // The focused score's hint starts with its goal's own words.
    assert_eq!(
        e.form.specs[e.form.focus].hint,
        "\"Will have no more than 1 office referral per week.\": a number, or empty if not \
         scored this session"
    );
    // One goal needs no number.
    let (s, _) = log_from_home();
    assert_eq!(editor(&s).form.specs[editor(&s).form.focus].label, "Score");
}

#[test]
fn carried_values_are_marked_until_confirmed_or_changed() {
    let (mut s, _) = log_from_home();
    assert_eq!(marker(&s, "Book").as_deref(), Some("↺ from 28 Oct"));
    assert_eq!(marker(&s, "Level").as_deref(), Some("↺ from 28 Oct"));
    for label in ["Focus", "Materials", "Praise given", "Date", "Score"] {
        assert_eq!(marker(&s, label), None, "{label} does not carry over");
    }
    // Up from the score: through Praise, Materials and Focus to Level;
    // looking at a carried value is not confirming it yet.
    for _ in 0..4 {
        update(&mut s, key(KeyCode::Up));
    }
    assert_eq!(editor(&s).form.focus, field(&s, "Level"));
    assert!(marker(&s, "Level").is_some());
    // Leaving it confirms it.
    update(&mut s, key(KeyCode::Up));
    assert_eq!(marker(&s, "Level"), None, "confirmed by moving on");
    // Changing one ends the marker at once.
    assert_eq!(editor(&s).form.focus, field(&s, "Book"));
    typed(&mut s, "s");
    assert_eq!(value(&s, "Book"), "Dog Mans");
    assert_eq!(marker(&s, "Book"), None, "changed");
    // Saved as shown: the carried values too.
    let fx = update(&mut s, key(ctrl('s')));
    let w = submitted(&fx).expect("saved");
    assert_eq!(
        w.values.field_values,
        serde_json::json!({"book": "Dog Mans", "level": 3, "praise": false})
    );
}

#[test]
fn the_marker_says_the_year_of_an_older_session_and_never_shows_on_an_edit() {
    let mut ctx = fixtures::session_context();
    ctx.last_session_date = Some(chrono::NaiveDate::from_ymd_opt(2025, 6, 12).unwrap());
    let s = log_with(ctx.clone());
    assert_eq!(marker(&s, "Book").as_deref(), Some("↺ from 12 Jun 2025"));
    // A draft from before the date was kept still says where it came from.
    ctx.last_session_date = None;
    let s = log_with(ctx.clone());
    assert_eq!(
        marker(&s, "Book").as_deref(),
        Some("↺ from the last session")
    );
    // An edit shows what was saved, carried or not.
    let mut e = Editor::new_session(Uuid::from_u128(9), ctx, day(fixtures::TODAY));
    e.base_version = Some(2);
    assert_eq!(
        e.carried_from(
            e.slots
                .iter()
                .position(|x| *x == slots::Slot::Field(0))
                .unwrap()
        ),
        None
    );
}

/// A required field that does not carry over opens empty: the editor
/// starts on it, and the quick path costs its digits and the tabs to the
/// score.
#[test]
fn a_required_field_that_does_not_carry_over_takes_the_focus() {
    let mut ctx = fixtures::session_context();
    ctx.fields[1].carry = false;
    let mut s = log_with(ctx);
    let mut keys = 1; // L
    assert_eq!(value(&s, "Level"), "");
    assert_eq!(editor(&s).form.focus, field(&s, "Level"));
    assert!(!editor(&s).note_focus);
    typed(&mut s, "4");
    keys += 1;
    // Focus, Materials, Praise given, the score.
    for _ in 0..4 {
        update(&mut s, key(KeyCode::Tab));
        keys += 1;
    }
    assert_eq!(editor(&s).form.focus, field(&s, "Score"));
    typed(&mut s, "42");
    update(&mut s, key(KeyCode::Tab));
    keys += 3;
    assert!(editor(&s).note_focus);
    typed(&mut s, "Read two passages.");
    let fx = update(&mut s, key(ctrl('s')));
    keys += 1;
    let w = submitted(&fx).expect("saved");
    assert_eq!(w.values.field_values["level"], 4);
    assert_eq!(keys, 10, "L, 4, 4 tabs, 4, 2, tab, ctrl-s");
}
