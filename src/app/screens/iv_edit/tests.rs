//! The intervention forms, transition by transition: open, validate, save
//! effect, refusal, conflict; no terminal, no database.

use crate::app::fixtures::{self, ctrl, day, key};
use crate::app::form::Form;
use crate::app::iv_edit::IvSaved;
use crate::app::iv_edit::{IvEditState, IvWrite, IvWritten, Kind, Stage, Theirs};
use crate::app::iv_tests::at_detail;
use crate::app::test_prelude::*;
use crate::domain::enums::InterventionType;
use crate::domain::intervention::InterventionHeader;
use crate::domain::kinds::GoalDirection;
use crate::domain::plan::Source;
use crate::domain::plan::{ContextFor, FormContext, Program};

fn typed(s: &mut State, text: &str) {
    for c in text.chars() {
        update(s, key(c));
    }
}

/// Clears the focused field and types `text` into it.
fn retype(s: &mut State, text: &str) {
    update(s, key(ctrl('u')));
    typed(s, text);
}

fn tabs(s: &mut State, n: usize) {
    for _ in 0..n {
        update(s, key(KeyCode::Tab));
    }
}

fn ed(s: &State) -> &IvEditState {
    match s.top() {
        Screen::IvEdit(e) => e,
        other => panic!("top is {}", other.title()),
    }
}

fn form(s: &State) -> &Form {
    match &ed(s).stage {
        Stage::Form(f) => f,
        other => panic!("{other:?}"),
    }
}

fn program() -> Program {
    fixtures::program(
        0,
        "Read Naturally",
        InterventionType::Reading,
        2,
        (3, 30, 8),
    )
}

fn context(programs: Vec<Program>, can_restrict: bool, measure: Option<&str>) -> FormContext {
    FormContext {
        programs,
        can_restrict,
        measure: measure.map(str::to_string),
    }
}

/// The write came back saved: the form is gone and the detail reloads.
fn saved_back_on_detail(s: &mut State, req: ReqId) {
    let fx = update(
        s,
        Msg::Written {
            req,
            wrote: Wrote::Iv(IvWritten::Saved(IvSaved::Updated)),
        },
    );
    assert!(
        matches!(s.top(), Screen::Intervention(_)),
        "{}",
        s.top().title()
    );
    assert!(
        fx.iter().any(|e| matches!(
            e,
            Effect::Load {
                read: Read::Intervention { .. },
                ..
            }
        )),
        "{fx:?}"
    );
}

/// The one write a key sent.
fn write_of(fx: &[Effect]) -> (ReqId, IvWrite) {
    match fx {
        [Effect::WriteIv { req, write }] => (*req, write.clone()),
        _ => panic!("expected one write, got {fx:?}"),
    }
}

/// A student record on top, and `n` pressed: the context is asked for.
fn new_from_student(can_restrict: bool) -> State {
    let mut s = at_detail(crate::domain::enums::InterventionStatus::Active);
    s.screens.push(Screen::Student(student::StudentState::new(
        Uuid::from_u128(77),
        "Lee, Ana".into(),
    )));
    let fx = update(&mut s, key('n'));
    assert_eq!(ed(&s).stage, Stage::Loading);
    let about = fixtures::answer_context(&mut s, &fx, context(vec![program()], can_restrict, None));
    assert_eq!(about, ContextFor::Student(Uuid::from_u128(77)));
    s
}

#[test]
fn a_new_plan_starts_from_a_program_and_a_retry_reuses_its_id() {
    let mut s = new_from_student(false);
    assert_eq!(ed(&s).stage, Stage::Picker { cursor: 0 });
    assert_eq!(ed(&s).picker_len(), 2, "the program, then custom");
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(
        form(&s).values,
        ["reading", "2", "", "2026-10-31", "", "3", "30", ""],
        "the program's defaults, starting today (the worker's date), no restricted flag for this role"
    );
    assert_eq!(ed(&s).today, Some(day(fixtures::TODAY)));
    // Start after the end: the end date says so, and nothing is sent.
    tabs(&mut s, 3);
    retype(&mut s, "2026-09-10");
    tabs(&mut s, 1);
    typed(&mut s, "2026-09-01");
    let fx = update(&mut s, key(ctrl('s')));
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(
        form(&s).shown_error(4),
        Some("the planned end date must be on or after the start date")
    );
    assert_eq!(
        form(&s).notice.as_deref(),
        Some("not saved: fix the fields marked in red")
    );
    assert_eq!(form(&s).focus, 4, "at the field to fix");
    retype(&mut s, "2026-11-01");
    let (req, write) = write_of(&update(&mut s, key(ctrl('s'))));
    let IvWrite::Create { new, owner } = write else {
        panic!("{write:?}")
    };
    assert_eq!(owner, None, "empty owner: the signed-in person");
    assert_eq!(new.source, Source::Program(program().id));
    assert_eq!(new.student_id, Uuid::from_u128(77));
    assert_eq!(new.start_date, Some(day(9)));
    assert_eq!(new.sessions_per_week, Some(3));
    assert!(!new.is_restricted);
    // Typing while it saves changes nothing.
    update(&mut s, key('x'));
    assert_eq!(form(&s).values[4], "2026-11-01");

    // The database refuses: the message shows, every value and the focus stay.
    update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Iv(IvWritten::Refused("no such student or program".into())),
        },
    );
    assert_eq!(
        form(&s).notice.as_deref(),
        Some("not saved: no such student or program")
    );
    assert_eq!(form(&s).values[3..5], ["2026-09-10", "2026-11-01"]);
    assert_eq!(form(&s).focus, 4);
    let (req, again) = write_of(&update(&mut s, key(ctrl('s'))));
    let IvWrite::Create { new: new2, .. } = again else {
        panic!()
    };
    assert_eq!(new2.id, new.id, "a retry carries the same id");

    // Created: the detail of the new plan opens where the form was, and
    // the student record under it reloads.
    let fx = update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Iv(IvWritten::Saved(IvSaved::Created {
                id: new.id,
                title: "Ana Lee · Read Naturally".into(),
            })),
        },
    );
    assert!(
        matches!(s.top(), Screen::Intervention(d) if d.id == new.id),
        "{}",
        s.top().title()
    );
    assert!(fx.iter().any(|e| matches!(
        e,
        Effect::Load {
            read: Read::Student { .. },
            ..
        }
    )));
    assert!(fx.iter().any(
        |e| matches!(e, Effect::Load { read: Read::Intervention { id, .. }, .. } if *id == new.id)
    ));
    assert!(
        !s.screens.iter().any(|x| matches!(x, Screen::IvEdit(_))),
        "the form is gone"
    );
}

#[test]
fn a_custom_plan_needs_a_name_and_a_known_type() {
    let mut s = new_from_student(true);
    update(&mut s, key('j'));
    update(&mut s, key(KeyCode::Enter));
    let f = form(&s);
    assert_eq!(f.specs[0].label, "Name");
    assert_eq!(f.specs.last().map(|x| x.label.as_ref()), Some("Restricted"));
    assert_eq!(f.values[1], "", "no type is guessed for a custom plan");
    let fx = update(&mut s, key(ctrl('s')));
    assert!(fx.is_empty());
    assert_eq!(
        form(&s).shown_error(0),
        Some("a plan without a program needs a name")
    );
    assert_eq!(
        form(&s).shown_error(1),
        Some("choose a type: ←/→, or type its first letters")
    );
    assert!(form(&s).notice.is_some());
    typed(&mut s, "Lunch bunch");
    assert_eq!(
        form(&s).notice,
        None,
        "once editing resumes, the focused field's own message shows in full"
    );
    tabs(&mut s, 1);
    typed(&mut s, "Behavior");
    tabs(&mut s, 8);
    update(&mut s, key(' '));
    let (_, write) = write_of(&update(&mut s, key(KeyCode::Enter)));
    let IvWrite::Create { new, .. } = write else {
        panic!()
    };
    assert_eq!(
        new.source,
        Source::Custom {
            name: "Lunch bunch".into(),
            intervention_type: InterventionType::Behavior,
            tier: 2
        }
    );
    assert!(new.is_restricted);
    // Esc on an untouched picker-form goes back to the picker.
    let mut s = new_from_student(false);
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(ed(&s).stage, Stage::Picker { cursor: 0 });
    update(&mut s, key(KeyCode::Esc));
    assert!(matches!(s.top(), Screen::Student(_)));
}

/// `E` on the detail, the context answered: the plan form.
fn editing_plan() -> State {
    let mut s = at_detail(crate::domain::enums::InterventionStatus::Active);
    let fx = update(&mut s, key('E'));
    let about = fixtures::answer_context(&mut s, &fx, context(vec![], false, None));
    assert_eq!(about, ContextFor::Intervention(Uuid::from_u128(1001)));
    s
}

fn theirs() -> InterventionHeader {
    let mut h = fixtures::header_at(crate::domain::enums::InterventionStatus::Active, 4);
    h.sessions_per_week = Some(5);
    h
}

fn conflicted() -> State {
    let mut s = editing_plan();
    tabs(&mut s, 1);
    retype(&mut s, "3");
    let (req, write) = write_of(&update(&mut s, key(ctrl('s'))));
    let IvWrite::Update {
        id, version, edit, ..
    } = write
    else {
        panic!("{write:?}")
    };
    assert_eq!((id, version, edit.tier), (Uuid::from_u128(1001), 3, 3));
    update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Iv(IvWritten::Conflict(Theirs::Intervention(
                Box::new(theirs()),
            ))),
        },
    );
    s
}

#[test]
fn editing_the_plan_resolves_a_conflict_three_ways() {
    let s = editing_plan();
    let h = fixtures::header_at(crate::domain::enums::InterventionStatus::Active, 3);
    assert_eq!(form(&s).values[1], h.tier.to_string());
    assert_eq!(form(&s).values[2], "", "owner: empty keeps the owner");

    // Keep mine: my values again, on their version.
    let mut s = conflicted();
    let Stage::Conflict(c) = &ed(&s).stage else {
        panic!()
    };
    assert_eq!(c.mine[1], "3");
    assert_eq!(c.theirs[5], "5");
    let (req, write) = write_of(&update(&mut s, key('m')));
    let IvWrite::Update { version, edit, .. } = write else {
        panic!()
    };
    assert_eq!((version, edit.tier), (4, 3));
    saved_back_on_detail(&mut s, req);
    assert_eq!(s.message, Some((Level::Info, "plan saved".into())));

    // Take theirs: the form closes and the detail reloads.
    let mut s = conflicted();
    let fx = update(&mut s, key('t'));
    assert!(matches!(s.top(), Screen::Intervention(_)));
    assert!(fx.is_empty() || fx.iter().all(|e| matches!(e, Effect::Cancel { .. })));
    assert!(
        s.message
            .as_ref()
            .is_some_and(|m| m.1.contains("took their version"))
    );

    // Edit again: my values on their version, dirty against theirs.
    let mut s = conflicted();
    update(&mut s, key('e'));
    let f = form(&s);
    assert_eq!(f.values[1], "3");
    assert_eq!(f.original[5], "5");
    assert!(f.dirty());
    // Saving asks again which to keep, with both on screen; keeping mine
    // then writes on their version.
    let fx = update(&mut s, key(ctrl('s')));
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::WriteIv { .. })),
        "nothing written over theirs unasked: {fx:?}"
    );
    let Stage::Conflict(c) = &ed(&s).stage else {
        panic!("{:?}", ed(&s).stage)
    };
    assert_eq!((c.mine[1].as_str(), c.theirs[5].as_str()), ("3", "5"));
    let (_, write) = write_of(&update(&mut s, key('m')));
    assert!(matches!(write, IvWrite::Update { version: 4, .. }));
}

/// The conflict names who saved first, once the worker says; "edit again"
/// says on the form's first lines that saving will ask, and does; a form
/// changed back to theirs saves nothing.
#[test]
fn a_conflict_names_who_saved_first_and_edit_again_asks_before_saving() {
    use crate::domain::live::ChangedBy;
    let mut s = conflicted();
    let asked = ed(&s).stale.expect("who saved first is asked for");
    update(
        &mut s,
        Msg::Loaded {
            req: asked,
            data: Data::ChangedBy {
                found: Some(ChangedBy {
                    version: Some(4),
                    by: Some("Dana Ruiz".into()),
                    at: "10:42".into(),
                }),
            },
        },
    );
    let Stage::Conflict(c) = &ed(&s).stage else {
        panic!("{:?}", ed(&s).stage)
    };
    assert_eq!(c.by.as_deref(), Some("Dana Ruiz at 10:42"));
    update(&mut s, key('e'));
    assert!(
        form(&s)
            .notice
            .as_deref()
            .is_some_and(|n| n.contains("Dana Ruiz") && n.contains("which to keep")),
        "{:?}",
        form(&s).notice
    );
    // Back to their tier; the form still holds the sessions per week it
    // was opened with, which would undo theirs: saving asks, showing it.
    tabs(&mut s, 1);
    retype(&mut s, &theirs().tier.to_string());
    let fx = update(&mut s, key(ctrl('s')));
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::WriteIv { .. })),
        "{fx:?}"
    );
    let Stage::Conflict(c) = &ed(&s).stage else {
        panic!("{:?}", ed(&s).stage)
    };
    let differ: Vec<usize> = (0..c.mine.len())
        .filter(|&i| c.mine[i] != c.theirs[i])
        .collect();
    assert_eq!(differ, [5], "only the sessions per week: {c:?}");
    assert_eq!(c.by.as_deref(), Some("Dana Ruiz at 10:42"), "still named");
}

#[test]
fn an_unchanged_plan_is_not_written() {
    let mut s = editing_plan();
    let fx = update(&mut s, key(ctrl('s')));
    assert!(fx.is_empty(), "{fx:?}");
    assert!(matches!(s.top(), Screen::Intervention(_)));
    assert_eq!(s.message, Some((Level::Info, "nothing changed".into())));
}

#[test]
fn a_goal_checks_its_target_against_the_baseline() {
    let mut s = at_detail(crate::domain::enums::InterventionStatus::Active);
    let fx = update(&mut s, key('n'));
    let about = fixtures::answer_context(&mut s, &fx, context(vec![], false, Some("ORF")));
    assert_eq!(about, ContextFor::Intervention(Uuid::from_u128(1001)));
    assert_eq!(
        form(&s).values[1..4],
        ["ORF", "", "increase"],
        "the program's measure"
    );
    typed(&mut s, "Reads 90 wcpm");
    tabs(&mut s, 1);
    tabs(&mut s, 2);
    retype(&mut s, "decrease");
    tabs(&mut s, 1);
    typed(&mut s, "40");
    tabs(&mut s, 1);
    typed(&mut s, "2026-09-01");
    tabs(&mut s, 1);
    typed(&mut s, "90");
    tabs(&mut s, 1);
    typed(&mut s, "2026-09-01");
    let fx = update(&mut s, key(ctrl('s')));
    assert!(fx.is_empty());
    assert_eq!(
        form(&s).shown_error(6),
        Some("a decreasing goal needs a target below the baseline (40)")
    );
    assert_eq!(
        form(&s).shown_error(7),
        Some("the target date must be after the baseline date (2026-09-01)")
    );
    assert_eq!(form(&s).focus, 6, "at the first field to fix");
    tabs(&mut s, 1);
    retype(&mut s, "2026-12-01");
    tabs(&mut s, 6);
    retype(&mut s, "increase");
    let (req, write) = write_of(&update(&mut s, key(ctrl('s'))));
    let IvWrite::AddGoal {
        intervention_id,
        fields,
        ..
    } = write
    else {
        panic!("{write:?}")
    };
    assert_eq!(intervention_id, Uuid::from_u128(1001));
    assert_eq!(fields.direction, GoalDirection::Increase);
    assert_eq!(
        (fields.baseline_value, fields.target_value),
        (Some(40.0), Some(90.0))
    );
    assert_eq!(fields.sort_order, 3, "after the two goals there");
    saved_back_on_detail(&mut s, req);
}

#[test]
fn e_on_the_goals_tab_edits_the_selected_goal() {
    let mut s = at_detail(crate::domain::enums::InterventionStatus::Active);
    update(&mut s, key('j'));
    update(&mut s, key('e'));
    assert!(matches!(&ed(&s).kind, Kind::EditGoal(g) if g.id == Uuid::from_u128(3002)));
    assert_eq!(form(&s).values[0], "Fewer office referrals");
    tabs(&mut s, 6);
    retype(&mut s, "2");
    let (req, write) = write_of(&update(&mut s, key(ctrl('s'))));
    assert!(
        matches!(write, IvWrite::UpdateGoal { id, version: 1, ref fields } if id == Uuid::from_u128(3002) && fields.target_value == Some(2.0)),
        "{write:?}"
    );
    let mut current = match &ed(&s).kind {
        Kind::EditGoal(g) => (**g).clone(),
        _ => panic!(),
    };
    current.version = 2;
    current.fields.statement = "No office referrals".into();
    update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Iv(IvWritten::Conflict(Theirs::Goal(Box::new(current)))),
        },
    );
    let Stage::Conflict(c) = &ed(&s).stage else {
        panic!()
    };
    assert_eq!(c.theirs[0], "No office referrals");
    assert_eq!(c.mine[6], "2");
    let (_, write) = write_of(&update(&mut s, key('m')));
    assert!(matches!(write, IvWrite::UpdateGoal { version: 2, .. }));
}

#[test]
fn data_points_are_entered_and_the_last_deleted_after_asking() {
    let mut s = at_detail(crate::domain::enums::InterventionStatus::Active);
    update(&mut s, key('m'));
    assert!(
        matches!(&ed(&s).kind, Kind::NewPoint { goal_id, .. } if *goal_id == Uuid::from_u128(3001))
    );
    // Dated today, the worker's date; the value is what is left to type.
    assert_eq!(form(&s).values[0], day(fixtures::TODAY).to_string());
    assert_eq!(form(&s).focus, 1);
    typed(&mut s, "51.5");
    assert!(
        update(&mut s, key(KeyCode::Enter)).is_empty(),
        "to the note"
    );
    assert_eq!(form(&s).focus, 2);
    // A day after today is refused.
    update(&mut s, key(KeyCode::BackTab));
    update(&mut s, key(KeyCode::BackTab));
    retype(&mut s, &day(fixtures::TODAY + 1).to_string());
    assert!(update(&mut s, key(ctrl('s'))).is_empty());
    assert!(
        form(&s)
            .shown_error(0)
            .is_some_and(|e| e.contains("is after today")),
        "{:?}",
        form(&s).errors
    );
    retype(&mut s, &day(fixtures::TODAY).to_string());
    // Enter to the value, to the note, and on the last field it saves.
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    let (req, write) = write_of(&update(&mut s, key(KeyCode::Enter)));
    let IvWrite::AddPoint(p) = write else {
        panic!("{write:?}")
    };
    assert_eq!(
        (p.goal_id, p.value, p.session_id),
        (Uuid::from_u128(3001), 51.5, None)
    );
    // The chart reloads.
    saved_back_on_detail(&mut s, req);
    assert_eq!(s.message, Some((Level::Info, "data point saved".into())));

    // x asks; n, Esc and Enter keep the point, a key that is no answer
    // leaves the question open, y deletes.
    for keep in [key('n'), key(KeyCode::Esc), key(KeyCode::Enter)] {
        update(&mut s, key('x'));
        assert_eq!(ed(&s).stage, Stage::Confirm);
        assert!(update(&mut s, keep).is_empty());
        assert!(matches!(s.top(), Screen::Intervention(_)));
    }
    update(&mut s, key('x'));
    assert!(update(&mut s, key('j')).is_empty());
    assert_eq!(ed(&s).stage, Stage::Confirm);
    let (req, write) = write_of(&update(&mut s, key('y')));
    assert_eq!(
        write,
        IvWrite::DeletePoint {
            id: Uuid::from_u128(5105)
        },
        "the goal's last point"
    );
    update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Iv(IvWritten::Gone),
        },
    );
    assert!(matches!(s.top(), Screen::Intervention(_)));
    assert!(matches!(&s.message, Some((Level::Error, m)) if m.contains("no longer visible")));
}

#[test]
fn minted_ids_differ_per_form_and_per_seed() {
    let mut a = State::new(Options::default());
    let mut b = State::new(Options::default());
    b.ids.seed = 42;
    let (a1, a2, b1) = (a.ids.row(), a.ids.row(), b.ids.row());
    assert_ne!(a1, a2);
    assert_ne!(a1, b1);
    assert_eq!(a1.get_version_num(), 4);
}

/// What the detail's keys build, without a state: the form unloaded (its
/// context is asked for once it is pushed), or why there is none.
#[test]
fn the_detail_keys_build_a_form_or_say_why_not() {
    use crate::app::intervention::Tab;
    use crate::app::iv_edit::form_for;
    use crate::app::keymap::Action;
    let why = |d: &DetailState, a| form_for(d, a).and_then(Result::err);
    let unloaded = DetailState::new(Uuid::from_u128(1001), "x".into());
    assert_eq!(
        why(&unloaded, Action::Edit).as_deref(),
        Some("not loaded yet")
    );
    let s = at_detail(crate::domain::enums::InterventionStatus::Active);
    let Screen::Intervention(d) = s.top() else {
        panic!("{}", s.top().title())
    };
    assert!(form_for(d, Action::Up).is_none(), "not a form's key");
    assert!(matches!(
        form_for(d, Action::New),
        Some(Ok(Screen::IvEdit(e))) if e.stage == Stage::Loading && !e.context.is_loading()
    ));
    assert!(matches!(
        form_for(d, Action::Measure),
        Some(Ok(Screen::IvEdit(e))) if matches!(e.stage, Stage::Form(_)) && e.row_id.is_none()
    ));
    let mut elsewhere = d.clone();
    elsewhere.tab = Tab::Sessions;
    assert_eq!(
        why(&elsewhere, Action::Measure).as_deref(),
        Some("data points belong to goals: 1 shows the goals tab")
    );
    assert!(
        form_for(&elsewhere, Action::New).is_none(),
        "n is the tab's own"
    );
}

/// `n` on the goals tab, the program's measure answered: the goal form.
fn new_goal() -> State {
    let mut s = at_detail(crate::domain::enums::InterventionStatus::Active);
    let fx = update(&mut s, key('n'));
    fixtures::answer_context(&mut s, &fx, context(vec![], false, Some("ORF")));
    s
}

/// Web habits: Enter moves to the next field and saves only from the last
/// one; Ctrl-S saves from any field.
#[test]
fn enter_moves_on_and_saves_only_from_the_last_field() {
    let mut s = new_goal();
    typed(&mut s, "Reads 90 wcpm");
    let last = form(&s).specs.len() - 1;
    for i in 1..=last {
        assert!(update(&mut s, key(KeyCode::Enter)).is_empty(), "field {i}");
        assert_eq!(form(&s).focus, i);
        assert_eq!(form(&s).notice, None, "nothing was tried");
    }
    let (_, write) = write_of(&update(&mut s, key(KeyCode::Enter)));
    assert!(
        matches!(write, IvWrite::AddGoal { ref fields, .. } if fields.statement == "Reads 90 wcpm")
    );

    // Ctrl-S from the second field.
    let mut s = new_goal();
    typed(&mut s, "Reads 90 wcpm");
    update(&mut s, key(KeyCode::Enter));
    assert!(matches!(
        write_of(&update(&mut s, key(ctrl('s')))).1,
        IvWrite::AddGoal { .. }
    ));
}

/// Closed sets are pickers: ←/→ choose, typing narrows in people's words,
/// and the values stay the database's.
#[test]
fn decision_rule_and_status_are_chosen_not_typed() {
    let mut s = new_goal();
    typed(&mut s, "Reads 90 wcpm");
    tabs(&mut s, 8);
    assert_eq!(form(&s).specs[8].label, "Decision rule");
    assert_eq!(form(&s).values[8], "four_point");
    update(&mut s, key(KeyCode::Right));
    assert_eq!(form(&s).values[8], "trend");
    update(&mut s, key(KeyCode::Right));
    update(&mut s, key(KeyCode::Right));
    assert_eq!(form(&s).values[8], "four_point", "round again");
    update(&mut s, key(KeyCode::Left));
    assert_eq!(form(&s).values[8], "none");
    assert_eq!(form(&s).specs[8].shown("none"), "no decision rule");
    tabs(&mut s, 1);
    typed(&mut s, "not m");
    assert_eq!(form(&s).values[9], "not_met");
    assert_eq!(form(&s).specs[9].shown("not_met"), "not met");
    // A letter no status has is not taken; backspace widens again.
    update(&mut s, key('z'));
    assert_eq!(form(&s).typed, "not m");
    update(&mut s, key(KeyCode::Backspace));
    assert_eq!(form(&s).values[9], "not_met");
    let (_, write) = write_of(&update(&mut s, key(KeyCode::Enter)));
    let IvWrite::AddGoal { fields, .. } = write else {
        panic!("{write:?}")
    };
    use crate::domain::kinds::{GoalRule, GoalStatus};
    assert_eq!(
        (fields.decision_rule, fields.status),
        (GoalRule::None, GoalStatus::NotMet)
    );
}

/// Esc on a changed form asks like every question: Enter keeps editing.
#[test]
fn discarding_changes_takes_a_y() {
    let mut s = new_goal();
    typed(&mut s, "Reads");
    update(&mut s, key(KeyCode::Esc));
    assert!(form(&s).confirm_discard);
    update(&mut s, key('x'));
    assert!(form(&s).confirm_discard, "no answer yet");
    assert_eq!(form(&s).values[0], "Reads", "nothing typed while asking");
    update(&mut s, key(KeyCode::Enter));
    assert!(!form(&s).confirm_discard);
    assert!(matches!(s.top(), Screen::IvEdit(_)), "still editing");
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, key('n'));
    assert!(matches!(s.top(), Screen::IvEdit(_)));
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, key('y'));
    assert!(matches!(s.top(), Screen::Intervention(_)), "discarded");
}

/// Live refresh: someone saves the intervention being edited. The form
/// keeps what was typed, asks who changed it, and says so; the detail
/// beneath loads again.
#[test]
fn a_form_whose_row_changed_keeps_the_edit_and_says_who_changed_it() {
    use crate::domain::live::{ChangedBy, Changes, Table};
    let mut s = editing_plan();
    tabs(&mut s, 1);
    retype(&mut s, "2");
    let mut heard = Changes::default();
    assert!(heard.add_payload(
        r#"{"t":"interventions","op":"U","n":1,"rows":[{"id":"00000000-0000-0000-0000-0000000003e9","v":4}]}"#
    ));
    let fx = update(&mut s, Msg::Changed { changes: heard });
    let req = fx
        .iter()
        .find_map(|e| match e {
            Effect::Load {
                req,
                read: Read::ChangedBy { table, id },
            } => {
                assert_eq!((*table, *id), (Table::Interventions, Uuid::from_u128(1001)));
                Some(*req)
            }
            _ => None,
        })
        .expect("who changed it is asked");
    assert!(
        fx.iter().any(|e| matches!(
            e,
            Effect::Load {
                read: Read::Intervention { .. },
                ..
            }
        )),
        "the detail beneath loads again: {fx:?}"
    );
    let values = form(&s).values.clone();
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::ChangedBy {
                found: Some(ChangedBy {
                    version: Some(4),
                    by: Some("Dana Ruiz".into()),
                    at: "10:42".into(),
                }),
            },
        },
    );
    let f = form(&s);
    assert_eq!(f.values, values, "the edit is kept");
    assert_eq!(f.values[1], "2");
    assert!(
        f.notice
            .as_deref()
            .is_some_and(|n| n.starts_with("changed by Dana Ruiz at 10:42")),
        "{:?}",
        f.notice
    );
}

#[test]
fn a_notice_about_a_row_still_at_the_forms_version_says_nothing() {
    use crate::domain::live::{ChangedBy, Changes};
    let mut s = editing_plan();
    let fx = update(
        &mut s,
        Msg::Changed {
            changes: Changes::everything(),
        },
    );
    let req = fx
        .iter()
        .find_map(|e| match e {
            Effect::Load {
                req,
                read: Read::ChangedBy { .. },
            } => Some(*req),
            _ => None,
        })
        .expect("asked");
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::ChangedBy {
                found: Some(ChangedBy {
                    version: Some(3),
                    by: Some("Dana Ruiz".into()),
                    at: "10:42".into(),
                }),
            },
        },
    );
    assert_eq!(form(&s).notice, None);
}
