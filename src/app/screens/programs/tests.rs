//! The programs screen through update(): defaults checked as typed, a
//! program's fields added, reordered and retired (never removed), saved in
//! one write, and a refusal that keeps every change.

use super::{Mode, ProgramsState};
use crate::app::fixtures::{ctrl, key};
use crate::app::iv_tests::at_home;
use crate::app::schools::tests::open_tool;
use crate::app::test_prelude::*;
use crate::domain::admin::AdminChange;
use crate::domain::enums::InterventionType;
use crate::domain::programs::{ProgramRow, is_retired, key_of};

fn program() -> ProgramRow {
    ProgramRow {
        id: Uuid::from_u128(7),
        name: "Check-In/Check-Out".into(),
        intervention_type: InterventionType::Behavior,
        default_tier: 2,
        per_week: Some(5),
        minutes: Some(10),
        weeks: Some(8),
        monitoring_frequency: "weekly".into(),
        evidence_level: Some("moderate".into()),
        school: None,
        is_active: true,
        fields: vec![
            serde_json::json!({"key": "points", "label": "Points", "field_type": "number", "min": 0, "max": 100}),
            serde_json::json!({"key": "mood", "label": "Mood", "field_type": "single_select", "options": ["ok", "low"], "carry_over": true}),
        ],
        sessions: 412,
    }
}

fn programs(s: &State) -> &ProgramsState {
    match s.top() {
        Screen::Programs(x) => x,
        other => panic!("top is {}", other.title()),
    }
}

pub(crate) fn loaded() -> State {
    let mut s = at_home();
    let (_, req, read) = open_tool(&mut s, "admin.programs", "Programs");
    assert!(matches!(read, Read::Programs), "{read:?}");
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::Programs {
                programs: vec![program()],
                schools: vec![],
            },
        },
    );
    s
}

fn typing(s: &mut State, text: &str) {
    for c in text.chars() {
        update(s, key(c));
    }
}

#[test]
fn fields_are_added_moved_and_retired_then_saved_in_one_write() {
    let mut s = loaded();
    update(&mut s, key('f'));
    assert_eq!(s.top().title(), "Session fields of Check-In/Check-Out");
    update(&mut s, key('n'));
    // A key the program has, even retired, is refused.
    typing(&mut s, "mood");
    update(&mut s, key(KeyCode::Tab));
    typing(&mut s, "Goal met");
    let fx = update(&mut s, key(ctrl('s')));
    assert!(fx.is_empty());
    let Mode::Fields(f) = &programs(&s).mode else {
        panic!()
    };
    let form = f.adding.as_ref().expect("still adding");
    assert!(
        form.shown_error(0).is_some_and(|e| e.contains("already")),
        "{:?}",
        form.errors
    );
    // The save went to the field to fix: the key.
    update(&mut s, key(ctrl('u')));
    typing(&mut s, "goal_met");
    update(&mut s, key(ctrl('s')));
    let Mode::Fields(f) = &programs(&s).mode else {
        panic!()
    };
    assert!(f.adding.is_none(), "{:?}", f.adding);
    assert_eq!(
        f.fields.iter().filter_map(key_of).collect::<Vec<_>>(),
        ["points", "goal_met", "mood"]
    );
    update(&mut s, key('K')); // goal_met first
    update(&mut s, key('G'));
    update(&mut s, key('x')); // retire mood
    let fx = update(&mut s, key(ctrl('s')));
    let [
        Effect::Admin {
            req,
            change: AdminChange::ProgramFields { id, ref fields },
        },
    ] = fx[..]
    else {
        panic!("{fx:?}")
    };
    assert_eq!(id, Uuid::from_u128(7));
    assert_eq!(
        fields.iter().filter_map(key_of).collect::<Vec<_>>(),
        ["goal_met", "points", "mood"]
    );
    assert!(is_retired(&fields[2]));
    assert_eq!(
        fields[2]["carry_over"], true,
        "what caseload does not edit is kept"
    );
    update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Admin(Err("session field mood cannot be removed".into())),
        },
    );
    let Mode::Fields(f) = &programs(&s).mode else {
        panic!("the edit stays")
    };
    assert_eq!(f.fields.len(), 3);
    assert!(
        f.notice
            .as_deref()
            .is_some_and(|n| n.contains("cannot be removed"))
    );
    // Esc with changes asks; n keeps editing, y drops them.
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, key('n'));
    assert!(matches!(programs(&s).mode, Mode::Fields(_)));
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, key('y'));
    assert_eq!(programs(&s).mode, Mode::List);
}

#[test]
fn defaults_are_checked_as_typed_and_sent_whole() {
    let mut s = loaded();
    update(&mut s, key('e'));
    assert_eq!(s.top().title(), "Edit program");
    for _ in 0..3 {
        update(&mut s, key(KeyCode::Tab));
    }
    update(&mut s, key(ctrl('u')));
    typing(&mut s, "20");
    let Mode::Defaults { form, .. } = &programs(&s).mode else {
        panic!()
    };
    assert_eq!(
        form.shown_error(3),
        Some("sessions a week is a whole number from 1 to 14")
    );
    update(&mut s, key(KeyCode::Backspace));
    let fx = update(&mut s, key(ctrl('s')));
    let [
        Effect::Admin {
            change: AdminChange::Program(ref d),
            ..
        },
    ] = fx[..]
    else {
        panic!("{fx:?}")
    };
    assert_eq!(
        (d.per_week, d.evidence_level.as_deref(), d.default_tier),
        (Some(2), Some("moderate"), 2)
    );
}
