//! The session note editor, transition by transition: open from the home,
//! the quick path and its keystroke count, validation, drafts on every
//! change, pastes, leaving, saving through the outbox, conflicts and
//! recovery; no terminal, no database.

use super::test_setup::{answer, editor, found, log_from_home, press_log};
use crate::app::fixtures::{self, ctrl, day, key};
use crate::app::iv_tests::at_home;
use crate::app::session_edit::draft::SessionDraft;
use crate::app::session_edit::{Editor, Stage};
use crate::app::test_prelude::*;
use crate::domain::kinds::Attendance;
use crate::domain::session::{SessionValues, StoredSession};

pub(super) fn typed(s: &mut State, text: &str) -> Vec<Effect> {
    text.chars().flat_map(|c| update(s, key(c))).collect()
}

pub(super) fn editor_mut(s: &mut State) -> &mut Editor {
    match s.top_mut() {
        Screen::Session(x) => x.editor_mut().expect("editor open"),
        _ => panic!("no editor"),
    }
}

/// Where the field called `label` is in the editor.
pub(super) fn field(s: &State, label: &str) -> usize {
    editor(s)
        .form
        .specs
        .iter()
        .position(|x| x.label == label)
        .unwrap_or_else(|| panic!("no field {label}"))
}

pub(super) fn value(s: &State, label: &str) -> String {
    editor(s).form.values[field(s, label)].clone()
}

/// The message shown under the field called `label`.
pub(super) fn shown_error(s: &State, label: &str) -> Option<String> {
    editor(s)
        .form
        .shown_error(field(s, label))
        .map(str::to_string)
}

pub(super) fn focus_field(s: &mut State, label: &str) {
    let i = field(s, label);
    let e = editor_mut(s);
    e.note_focus = false;
    e.form.focus = i;
    e.form.cursor = e.form.values[i].chars().count();
}

pub(super) fn submitted(fx: &[Effect]) -> Option<&SessionWrite> {
    fx.iter().find_map(|f| match f {
        Effect::SubmitSession { write, .. } => Some(write.as_ref()),
        _ => None,
    })
}

pub(super) fn last_draft(fx: &[Effect]) -> Option<&SessionDraft> {
    fx.iter().rev().find_map(|f| match f {
        Effect::WriteDraft { draft } => Some(draft.as_ref()),
        _ => None,
    })
}

#[test]
fn opens_prefilled_on_the_first_score() {
    let (s, _) = log_from_home();
    assert_eq!(value(&s, "Date"), "2026-10-31");
    assert_eq!(value(&s, "Attendance"), "present");
    assert_eq!(value(&s, "Minutes"), "30");
    assert_eq!(value(&s, "Book"), "Dog Man", "carried over from last time");
    assert_eq!(value(&s, "Level"), "3", "carried over from last time");
    // Last session's focus, materials and praise do not carry over: they
    // open empty, so last time's answers are not recorded as today's.
    assert_eq!(value(&s, "Focus"), "");
    assert_eq!(value(&s, "Materials"), "");
    assert_eq!(value(&s, "Praise given"), "no");
    assert_eq!(value(&s, "Restricted"), "no");
    let e = editor(&s);
    assert!(!e.note_focus);
    assert_eq!(e.form.specs[e.form.focus].label, "Score");
    assert!(e.form.is_valid(), "{:?}", e.form.errors);
}

#[test]
fn the_quick_path_takes_five_keys_beyond_the_note() {
    let (mut s, mut keys) = log_from_home();
    typed(&mut s, "42");
    keys += 2;
    update(&mut s, key(KeyCode::Tab));
    keys += 1;
    assert!(
        editor(&s).note_focus,
        "tab from the last score reaches the note"
    );
    let note = "Read two passages; fewer errors on the second.";
    typed(&mut s, note);
    let fx = update(&mut s, key(ctrl('s')));
    keys += 1;
    let w = submitted(&fx).expect("submitted");
    assert_eq!(w.base_version, None);
    assert_eq!(w.values.attendance, Attendance::Present);
    assert_eq!(w.values.minutes, 30);
    assert_eq!(w.values.session_date, day(fixtures::TODAY));
    assert_eq!(w.values.note.as_deref(), Some(note));
    assert_eq!(w.values.scores.len(), 1);
    assert_eq!(w.values.scores[0].value, 42.0);
    assert_eq!(
        w.values.field_values,
        serde_json::json!({"book": "Dog Man", "level": 3, "praise": false})
    );
    assert_eq!(editor(&s).stage, Stage::Saving);
    // L, 4, 2, tab, ctrl-s: the target is at most 12.
    assert_eq!(keys, 5);
}

#[test]
fn every_change_reaches_a_draft_with_everything_typed() {
    let (mut s, _) = log_from_home();
    let fx = typed(&mut s, "7");
    let d = last_draft(&fx).expect("a draft after a score");
    assert_eq!(d.id, editor(&s).id);
    assert_eq!(d.values, editor(&s).form.values);
    update(&mut s, key(KeyCode::Tab));
    let fx = typed(&mut s, "Nguyễn read 读书 ✓");
    let d = last_draft(&fx).expect("a draft after each note key");
    assert_eq!(d.note, "Nguyễn read 读书 ✓");
    let fx = update(&mut s, key(KeyCode::Enter));
    assert_eq!(
        last_draft(&fx).map(|d| d.note.as_str()),
        Some("Nguyễn read 读书 ✓\n")
    );
    // Moving changes nothing, so writes nothing.
    assert!(last_draft(&update(&mut s, key(KeyCode::Left))).is_none());
}

#[test]
fn a_draft_reopens_exactly_as_it_was() {
    let (mut s, _) = log_from_home();
    typed(&mut s, "42");
    update(&mut s, key(KeyCode::Tab));
    let fx = typed(&mut s, "line one");
    update(&mut s, key(KeyCode::Enter));
    let fx2 = typed(&mut s, "line two");
    let d = last_draft(&fx2).or(last_draft(&fx)).expect("draft").clone();
    let json = serde_json::to_string(&d).expect("serialises");
    let back: SessionDraft = serde_json::from_str(&json).expect("reads back");
    assert_eq!(back, d);

    // A new start finds it and offers it; enter opens it.
    let mut t = at_home();
    found(&mut t, vec![back]);
    assert!(matches!(t.top(), Screen::Drafts(_)));
    assert!(
        t.message
            .as_ref()
            .is_some_and(|m| m.1.contains("1 unsent session note"))
    );
    update(&mut t, key(KeyCode::Enter));
    let e = editor(&t);
    assert_eq!(e.id, d.id);
    assert_eq!(e.note_text(), "line one\nline two");
    assert_eq!(value(&t, "Score"), "42");
    assert!(e.dirty(), "recovered text is unsaved text");
}

#[test]
fn bad_values_are_explained_on_their_fields_and_nothing_is_sent() {
    let (mut s, _) = log_from_home();
    focus_field(&mut s, "Date");
    update(&mut s, key(ctrl('u')));
    let fx = typed(&mut s, "2026-02-30");
    assert!(
        last_draft(&fx).is_some(),
        "the bad value is kept in the draft"
    );
    focus_field(&mut s, "Minutes");
    update(&mut s, key(ctrl('u')));
    typed(&mut s, "700");
    focus_field(&mut s, "Focus");
    typed(&mut s, "spelling");
    let fx = update(&mut s, key(ctrl('s')));
    assert!(submitted(&fx).is_none());
    let e = editor(&s);
    assert_eq!(e.stage, Stage::Editing);
    assert!(
        e.notice
            .as_deref()
            .unwrap_or("")
            .contains("3 values to fix")
    );
    let msg = |label: &str| shown_error(&s, label).unwrap_or_default();
    assert_eq!(
        msg("Date"),
        "2026-02-30 does not exist: check the month and the day"
    );
    assert_eq!(msg("Minutes"), "minutes is a whole number from 0 to 600");
    assert_eq!(
        msg("Focus"),
        "\"spelling\" is not an option of Focus; choose one of: fluency, comprehension, phonics"
    );
    assert_eq!(value(&s, "Date"), "2026-02-30", "what was typed stays");
    assert_eq!(
        e.form.specs[e.form.focus].label, "Date",
        "focus on the first problem"
    );
}

#[test]
fn a_multi_select_names_the_unknown_option() {
    let (mut s, _) = log_from_home();
    focus_field(&mut s, "Materials");
    typed(&mut s, "cards, crayons");
    update(&mut s, key(ctrl('s')));
    let shown = shown_error(&s, "Materials").unwrap_or_default();
    assert!(
        shown.starts_with("\"crayons\" is not an option of Materials"),
        "{shown}"
    );
}

#[test]
fn required_fields_are_required_only_of_sessions_that_happened() {
    let (mut s, _) = log_from_home();
    focus_field(&mut s, "Level");
    update(&mut s, key(ctrl('u')));
    update(&mut s, key(ctrl('s')));
    assert_eq!(
        shown_error(&s, "Level").as_deref(),
        Some("Level is required when the student was present")
    );
    focus_field(&mut s, "Attendance");
    update(&mut s, key(KeyCode::Right));
    let fx = update(&mut s, key(ctrl('s')));
    let w = submitted(&fx).expect("an absence needs no level");
    assert_eq!(w.values.attendance, Attendance::StudentAbsent);
    assert_eq!(w.values.minutes, 0);
}

#[test]
fn choices_cycle_with_arrows_and_absence_means_no_minutes() {
    let (mut s, _) = log_from_home();
    focus_field(&mut s, "Attendance");
    update(&mut s, key(KeyCode::Right));
    assert_eq!(value(&s, "Attendance"), "student_absent");
    assert_eq!(value(&s, "Minutes"), "0");
    update(&mut s, key(KeyCode::Left));
    assert_eq!(value(&s, "Attendance"), "present");
    assert_eq!(value(&s, "Minutes"), "30", "planned minutes again");
    focus_field(&mut s, "Level");
    update(&mut s, key(KeyCode::Right));
    assert_eq!(value(&s, "Level"), "4");
    focus_field(&mut s, "Focus");
    update(&mut s, key(KeyCode::Right));
    assert_eq!(value(&s, "Focus"), "fluency");
}

#[test]
fn a_huge_paste_is_refused_whole_and_the_note_kept() {
    let (mut s, _) = log_from_home();
    update(&mut s, key(KeyCode::Tab));
    typed(&mut s, "kept");
    let five_mb = "x".repeat(5 * 1024 * 1024);
    let fx = update(&mut s, Msg::Paste(crate::config::Password::new(five_mb)));
    assert!(fx.is_empty(), "{fx:?}");
    let e = editor(&s);
    assert_eq!(e.note_text(), "kept");
    assert_eq!(
        e.notice.as_deref(),
        Some(
            "paste not inserted: 5,242,880 characters would make the note longer than the \
             100,000 a session note holds; your note is unchanged"
        )
    );
    // A reasonable paste goes in, escape sequences stripped, lines kept.
    let fx = update(
        &mut s,
        Msg::Paste(crate::config::Password::new(
            " and\r\nmore \u{1b}[31mred".to_string(),
        )),
    );
    assert_eq!(editor(&s).note_text(), "kept and\nmore [31mred");
    assert!(last_draft(&fx).is_some());
}

#[test]
fn undo_and_redo_in_the_note() {
    let (mut s, _) = log_from_home();
    update(&mut s, key(KeyCode::Tab));
    typed(&mut s, "abc");
    let fx = update(&mut s, key(ctrl('z')));
    assert_ne!(editor(&s).note_text(), "abc");
    assert!(last_draft(&fx).is_some(), "an undo is a change too");
    update(&mut s, key(ctrl('y')));
    assert_eq!(editor(&s).note_text(), "abc");
}

#[test]
fn tab_leaves_the_note_instead_of_indenting() {
    let (mut s, _) = log_from_home();
    update(&mut s, key(KeyCode::Tab));
    assert!(editor(&s).note_focus);
    typed(&mut s, "a");
    update(&mut s, key(KeyCode::Tab));
    let e = editor(&s);
    assert!(!e.note_focus);
    assert_eq!(e.form.focus, 0, "round to the first field");
    assert_eq!(e.note_text(), "a");
    update(
        &mut s,
        key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)),
    );
    assert!(editor(&s).note_focus);
}

#[test]
fn leaving_asks_and_keeps_or_discards_the_draft() {
    let (mut s, _) = log_from_home();
    typed(&mut s, "5");
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(editor(&s).stage, Stage::Leaving);
    update(&mut s, key('z'));
    assert_eq!(editor(&s).stage, Stage::Editing, "any other key: back");
    update(&mut s, key(KeyCode::Esc));
    let id = editor(&s).id;
    let fx = update(&mut s, key('k'));
    assert!(fx.iter().all(|f| !matches!(f, Effect::DeleteDraft { .. })));
    assert!(matches!(s.top(), Screen::Home(_)));

    let req = press_log(&mut s);
    answer(&mut s, req);
    typed(&mut s, "5");
    update(&mut s, key(KeyCode::Esc));
    let id2 = editor(&s).id;
    assert_ne!(id, id2, "every new session has its own id");
    let fx = update(&mut s, key('d'));
    assert!(fx.contains(&Effect::DeleteDraft { id: id2 }));

    // Untouched: esc closes at once, and there is nothing to keep.
    let (mut s, _) = log_from_home();
    let id3 = editor(&s).id;
    let fx = update(&mut s, key(KeyCode::Esc));
    assert!(fx.contains(&Effect::DeleteDraft { id: id3 }));
    assert!(matches!(s.top(), Screen::Home(_)));
}

fn saved_quickly() -> (State, SessionWrite) {
    let (mut s, _) = log_from_home();
    typed(&mut s, "42");
    let fx = update(&mut s, key(ctrl('s')));
    let w = submitted(&fx).expect("submitted").clone();
    (s, w)
}

#[test]
fn a_confirmed_save_closes_the_editor_and_reloads() {
    let (mut s, w) = saved_quickly();
    let fx = update(
        &mut s,
        Msg::SessionSaved {
            id: w.id,
            version: 1,
            label: "Nguyen, An · Read Naturally · 2026-10-31".into(),
        },
    );
    assert!(matches!(s.top(), Screen::Home(_)));
    assert!(fx.iter().any(|f| matches!(
        f,
        Effect::Load {
            read: Read::Home { .. },
            ..
        }
    )));
    assert_eq!(
        s.message.as_ref().map(|m| m.1.as_str()),
        Some("session saved: Nguyen, An · Read Naturally · 2026-10-31")
    );
}

#[test]
fn offline_the_editor_hands_over_to_the_outbox() {
    let (mut s, _) = saved_quickly();
    update(
        &mut s,
        Msg::OutboxPending {
            count: 1,
            last_error: Some("connection refused (is the server running?)".into()),
        },
    );
    assert!(matches!(s.top(), Screen::Home(_)));
    assert_eq!(s.outbox.pending, 1);
    assert!(
        s.message
            .as_ref()
            .unwrap()
            .1
            .contains("waits in the outbox")
    );
    let mut out = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 10)).unwrap();
    out.draw(|f| crate::ui::render(f, &s, &crate::ui::theme::Theme::new(true)))
        .unwrap();
    // The status line's news, on the hint line's row too when it is long.
    let last: String = (8..10)
        .flat_map(|y| (0..100).map(move |x| (x, y)))
        .map(|at| out.backend().buffer()[at].symbol().to_string())
        .collect();
    assert!(
        last.contains("⇡ 1 unsent (connection refused"),
        "the count and why: {last}"
    );
}

fn theirs(w: &SessionWrite) -> StoredSession {
    StoredSession {
        id: w.id,
        intervention_id: w.intervention_id,
        version: 3,
        values: SessionValues {
            minutes: 25,
            note: Some("Their note".into()),
            ..w.values.clone()
        },
        updated_by_name: Some("Sam Lee".into()),
        updated_at: day(1).and_hms_opt(9, 0, 0).unwrap().and_utc(),
    }
}

fn conflict(s: &mut State, w: &SessionWrite) {
    update(
        s,
        Msg::SessionConflict {
            id: w.id,
            theirs: Box::new(theirs(w)),
            label: String::new(),
        },
    );
}

#[test]
fn a_conflict_offers_mine_theirs_or_merging() {
    let (mut s, w) = saved_quickly();
    conflict(&mut s, &w);
    assert!(matches!(editor(&s).stage, Stage::Conflict(_)));
    // Keep mine: sent again, on their version.
    let fx = update(&mut s, key('m'));
    let again = submitted(&fx).expect("resubmitted");
    assert_eq!(again.base_version, Some(3));
    assert_eq!(again.values.minutes, 30);

    // Merge by hand: my values, their version, their note under mine.
    conflict(&mut s, &w);
    update(&mut s, key('e'));
    let e = editor(&s);
    assert_eq!(e.stage, Stage::Editing);
    assert_eq!(e.base_version, Some(3));
    assert!(e.note_text().ends_with("Their note"), "{}", e.note_text());
    assert_eq!(value(&s, "Minutes"), "30");

    // Keep theirs: the draft goes.
    conflict(&mut s, &w);
    let fx = update(&mut s, key('t'));
    assert!(fx.contains(&Effect::DeleteDraft { id: w.id }));
    assert!(matches!(s.top(), Screen::Home(_)));
}

#[test]
fn a_refusal_keeps_every_value() {
    let (mut s, w) = saved_quickly();
    update(
        &mut s,
        Msg::SessionRefused {
            id: w.id,
            why: "you may not log or change sessions of this intervention".into(),
            label: String::new(),
        },
    );
    let e = editor(&s);
    assert_eq!(e.stage, Stage::Editing);
    assert_eq!(
        e.notice.as_deref(),
        Some("not saved: you may not log or change sessions of this intervention")
    );
    assert_eq!(value(&s, "Score"), "42");
}
