//! The contact form through update(): the quick path's keys, defaults,
//! validation, the do-not-contact question, the follow-up's due date, the
//! restricted toggle, pastes, drafts and a conflict.

use super::draft::ContactDraft;
use super::fields::Slot;
use super::{About, ContactScreen, Editor, Stage};
use crate::app::fixtures::{self, contact_context, ctrl, day, key};
use crate::app::iv_tests::at_home;
use crate::app::student::StudentState;
use crate::app::test_prelude::*;
use crate::domain::contact::{ContactContext, ContactFields, ContactWrite, StoredContact};
use crate::domain::kinds::{Channel, ContactDirection, ContactResult};

pub(crate) const STUDENT: u128 = 5;

pub(crate) fn today() -> chrono::NaiveDate {
    day(fixtures::TODAY)
}

pub(crate) fn on_record() -> State {
    let mut s = at_home();
    s.screens.push(Screen::Student(StudentState::new(
        Uuid::from_u128(STUDENT),
        "Lee, Ana".into(),
    )));
    s
}

/// The form's one load in `fx`.
pub(crate) fn form_load(fx: &[Effect]) -> (ReqId, About) {
    let found = fx.iter().find_map(|e| match e {
        Effect::Load {
            req,
            read: Read::ContactForm { about },
        } => Some((*req, about.clone())),
        _ => None,
    });
    found.unwrap_or_else(|| panic!("no contact form load: {fx:?}"))
}

pub(crate) fn answer(
    s: &mut State,
    req: ReqId,
    ctx: ContactContext,
    stored: Option<StoredContact>,
    drafts: Vec<ContactDraft>,
) {
    let data = Data::ContactForm {
        loaded: Some(Box::new((ctx, stored))),
        today: today(),
        drafts,
    };
    update(s, Msg::Loaded { req, data });
}

/// `C` on Ana Lee's record, and the form's context arriving.
pub(crate) fn opened(may_restrict: bool) -> State {
    let mut s = on_record();
    let (req, about) = form_load(&update(&mut s, key('C')));
    let About::New(of) = about else {
        panic!("{about:?}")
    };
    assert_eq!(of.student_id, Uuid::from_u128(STUDENT));
    assert_eq!((of.intervention_id, of.parent_id), (None, None));
    answer(&mut s, req, contact_context(may_restrict), None, vec![]);
    s
}

fn screen(s: &State) -> &ContactScreen {
    match s.top() {
        Screen::Contact(c) => c,
        other => panic!("top is {}", other.title()),
    }
}

pub(crate) fn editor(s: &State) -> &Editor {
    screen(s).editor().expect("the form is open")
}

fn press(s: &mut State, keys: impl IntoIterator<Item = KeyEvent>) -> Vec<Effect> {
    keys.into_iter().flat_map(|k| update(s, key(k))).collect()
}

pub(crate) fn typed(s: &mut State, text: &str) -> Vec<Effect> {
    press(
        s,
        text.chars()
            .map(|c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
    )
}

fn k(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

pub(crate) fn sent(fx: &[Effect]) -> Option<(ReqId, &ContactWrite)> {
    fx.iter().find_map(|e| match e {
        Effect::WriteContact { req, write } => Some((*req, write)),
        _ => None,
    })
}

/// Moves the focus to `slot` with tab.
pub(crate) fn tab_to(s: &mut State, slot: Slot) {
    for _ in 0..20 {
        if editor(s).slot() == Some(slot) {
            return;
        }
        update(s, key(KeyCode::Tab));
        if matches!(editor(s).stage, Stage::AskGuardian { .. }) {
            update(s, key('y'));
        }
    }
    panic!("no {slot:?} field");
}

#[test]
fn the_quick_path_is_six_keys_beyond_the_summary() {
    let mut s = on_record();
    let mut keys = 0;
    let mut count = |s: &mut State, k: KeyEvent| {
        keys += 1;
        update(s, key(k))
    };
    let (req, _) = form_load(&count(
        &mut s,
        KeyEvent::new(KeyCode::Char('C'), KeyModifiers::NONE),
    ));
    answer(&mut s, req, contact_context(true), None, vec![]);
    assert_eq!(
        editor(&s).slot(),
        Some(Slot::Purpose),
        "it opens where a value is needed"
    );
    count(&mut s, k(KeyCode::Right)); // purpose: check-in
    count(&mut s, k(KeyCode::Enter));
    count(&mut s, k(KeyCode::Right)); // result: reached
    count(&mut s, k(KeyCode::Enter));
    assert_eq!(editor(&s).slot(), None, "on the summary");
    typed(&mut s, "Talked with mom; all good");
    let fx = count(&mut s, ctrl('s'));
    assert_eq!(keys, 6, "C, →, enter, →, enter, ctrl-s");
    let (_, write) = sent(&fx).expect("saved");
    let ContactWrite::Insert {
        student_id,
        parent_id,
        fields,
        ..
    } = write
    else {
        panic!("{write:?}")
    };
    assert_eq!(*student_id, Uuid::from_u128(STUDENT));
    assert_eq!(*parent_id, None);
    assert_eq!(
        *fields,
        ContactFields {
            guardian_id: Some(Uuid::from_u128(501)),
            channel: Channel::Phone,
            direction: ContactDirection::Outbound,
            purpose: "check-in".into(),
            result: Some(ContactResult::Reached),
            summary: Some("Talked with mom; all good".into()),
            follow_up_due: None,
            follow_up_owner: None,
            is_restricted: false,
            occurred_at: None,
        }
    );
    // The draft on disk is the one sent.
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::WriteContactDraft { .. }))
    );
}

#[test]
fn a_purpose_is_required_and_nothing_is_sent_without_one() {
    let mut s = opened(false);
    typed(&mut s, "x");
    update(&mut s, key(KeyCode::Backspace));
    let fx = update(&mut s, key(ctrl('s')));
    assert!(sent(&fx).is_none());
    let e = editor(&s);
    assert_eq!(
        e.notice.as_deref(),
        Some("not saved: 1 value to fix (shown under the field)")
    );
    let i = e.index(Slot::Purpose).unwrap();
    assert_eq!(e.form.shown_error(i), Some("the purpose is required"));
    assert_eq!(e.slot(), Some(Slot::Purpose));
    let long = "p".repeat(201);
    typed(&mut s, &long);
    update(&mut s, key(ctrl('s')));
    let e = editor(&s);
    assert_eq!(
        e.form.shown_error(i),
        Some("the purpose is at most 200 characters")
    );
    assert_eq!(e.value(Slot::Purpose), long, "nothing typed is lost");
}

#[test]
fn a_do_not_contact_guardian_is_marked_and_asked_about_once() {
    let mut s = opened(false);
    assert_eq!(
        editor(&s).value(Slot::Guardian),
        "Rosa Lee",
        "the one who may be called"
    );
    typed(&mut s, "records request");
    update(&mut s, key(KeyCode::BackTab));
    update(&mut s, key(KeyCode::BackTab));
    update(&mut s, key(KeyCode::BackTab));
    assert_eq!(editor(&s).slot(), Some(Slot::Guardian));
    update(&mut s, key(KeyCode::Right));
    let e = editor(&s);
    assert_eq!(e.value(Slot::Guardian), "Tom Lee");
    assert_eq!(e.value(Slot::Channel), "email", "his preferred channel");
    // Leaving the field asks; n keeps the form on the guardian.
    update(&mut s, key(KeyCode::Enter));
    assert!(matches!(editor(&s).stage, Stage::AskGuardian { .. }));
    update(&mut s, key('n'));
    assert_eq!(editor(&s).stage, Stage::Editing);
    assert_eq!(editor(&s).slot(), Some(Slot::Guardian));
    // Saving asks too; y saves.
    let fx = update(&mut s, key(ctrl('s')));
    assert!(sent(&fx).is_none());
    assert!(matches!(editor(&s).stage, Stage::AskGuardian { .. }));
    let fx = update(&mut s, key('y'));
    let (_, write) = sent(&fx).expect("saved after yes");
    assert_eq!(write.fields().guardian_id, Some(Uuid::from_u128(502)));
    // "No guardian" is a choice too.
    let mut s = opened(false);
    tab_to(&mut s, Slot::Guardian);
    update(&mut s, key(KeyCode::Left));
    assert_eq!(editor(&s).value(Slot::Guardian), super::fields::NO_GUARDIAN);
    assert_eq!(editor(&s).value(Slot::Channel), "phone");
}

#[test]
fn a_follow_up_is_due_after_the_districts_days_and_mine_by_default() {
    let mut s = opened(false);
    typed(&mut s, "check-in");
    assert!(
        !editor(&s)
            .order()
            .iter()
            .any(|a| matches!(a, super::At::Field(i) if editor(&s).slots[*i] == Slot::Due)),
        "no due date to step through without a follow-up"
    );
    tab_to(&mut s, Slot::FollowUp);
    update(&mut s, key(' '));
    let e = editor(&s);
    assert_eq!(
        e.value(Slot::Due),
        (today() + chrono::Days::new(7)).to_string()
    );
    assert_eq!(e.value(Slot::Owner), "Dana Reyes (me)");
    tab_to(&mut s, Slot::Owner);
    update(&mut s, key(KeyCode::Right));
    assert_eq!(editor(&s).value(Slot::Owner), "Omar Hale");
    tab_to(&mut s, Slot::Due);
    update(&mut s, key(ctrl('u')));
    typed(&mut s, "2026-02-30");
    let fx = update(&mut s, key(ctrl('s')));
    assert!(sent(&fx).is_none());
    let e = editor(&s);
    let i = e.index(Slot::Due).unwrap();
    assert_eq!(
        e.form.shown_error(i),
        Some("2026-02-30 does not exist: check the month and the day")
    );
    update(&mut s, key(ctrl('u')));
    typed(&mut s, "2026-11-20");
    let fx = update(&mut s, key(ctrl('s')));
    let (_, w) = sent(&fx).expect("saved");
    assert_eq!(
        w.fields().follow_up_due,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 20)
    );
    assert_eq!(w.fields().follow_up_owner, Some(Uuid::from_u128(7)));
}

#[test]
fn the_restricted_toggle_shows_only_to_those_who_may_see_restricted_rows() {
    let s = opened(false);
    assert!(editor(&s).index(Slot::Restricted).is_none());
    let mut s = opened(true);
    assert!(editor(&s).index(Slot::Restricted).is_some());
    typed(&mut s, "behavior");
    tab_to(&mut s, Slot::Restricted);
    update(&mut s, key(' '));
    let fx = update(&mut s, key(ctrl('s')));
    assert!(sent(&fx).expect("saved").1.fields().is_restricted);
}

#[test]
fn a_contact_is_not_dated_after_today() {
    let mut s = opened(false);
    typed(&mut s, "check-in");
    tab_to(&mut s, Slot::When);
    typed(&mut s, "2026-12-25 10:00");
    let fx = update(&mut s, key(ctrl('s')));
    assert!(sent(&fx).is_none());
    let e = editor(&s);
    assert_eq!(
        e.form.shown_error(e.index(Slot::When).unwrap()),
        Some("2026-12-25 is after today: log a contact once it happened")
    );
    update(&mut s, key(ctrl('u')));
    typed(&mut s, "2026-10-30 9h05");
    update(&mut s, key(ctrl('s')));
    let e = editor(&s);
    assert!(
        e.form
            .shown_error(e.index(Slot::When).unwrap())
            .unwrap()
            .contains("HH:MM")
    );
    update(&mut s, key(ctrl('u')));
    typed(&mut s, "2026-10-30 09:05");
    let fx = update(&mut s, key(ctrl('s')));
    let at = sent(&fx).expect("saved").1.fields().occurred_at;
    assert_eq!(
        at.map(|t| t.to_string()).as_deref(),
        Some("2026-10-30 09:05:00")
    );
}

#[test]
fn a_huge_paste_is_refused_in_words_and_the_summary_kept() {
    let mut s = opened(false);
    tab_to(&mut s, Slot::Result);
    update(&mut s, key(KeyCode::Enter));
    typed(&mut s, "keep me");
    let fx = update(
        &mut s,
        Msg::Paste(Password::new("x".repeat(5 * 1024 * 1024))),
    );
    assert!(fx.is_empty());
    let e = editor(&s);
    assert_eq!(e.summary_text(), "keep me");
    assert_eq!(
        e.notice.as_deref(),
        Some(
            "paste not inserted: 5,242,880 characters would make the summary longer than the \
             20,000 it holds; your summary is unchanged"
        )
    );
}

#[test]
fn a_draft_left_from_before_is_offered_when_the_form_opens_again() {
    let mut s = opened(false);
    typed(&mut s, "schedule a meeting");
    tab_to(&mut s, Slot::Result);
    update(&mut s, key(KeyCode::Enter));
    let fx = typed(&mut s, "Asked about Tuesday");
    let draft = fx
        .iter()
        .rev()
        .find_map(|e| match e {
            Effect::WriteContactDraft { draft } => Some((**draft).clone()),
            _ => None,
        })
        .expect("every change is written as a draft");
    // The client dies; the form opens again for Ana.
    let mut s = on_record();
    let (req, _) = form_load(&update(&mut s, key('C')));
    answer(
        &mut s,
        req,
        contact_context(false),
        None,
        vec![draft.clone()],
    );
    assert!(matches!(editor(&s).stage, Stage::OfferDraft(_)));
    update(&mut s, key('r'));
    let e = editor(&s);
    assert_eq!(e.stage, Stage::Editing);
    assert_eq!(e.value(Slot::Purpose), "schedule a meeting");
    assert_eq!(e.summary_text(), "Asked about Tuesday");
    assert_eq!(
        e.id, draft.id,
        "saved under the draft's id: a retry finds it"
    );
    // d discards it instead.
    let mut s = on_record();
    let (req, _) = form_load(&update(&mut s, key('C')));
    answer(
        &mut s,
        req,
        contact_context(false),
        None,
        vec![draft.clone()],
    );
    let fx = update(&mut s, key('d'));
    assert_eq!(fx, vec![Effect::DeleteContactDraft { id: draft.id }]);
    assert_eq!(editor(&s).value(Slot::Purpose), "");
}

pub(crate) fn stored(version: i32, purpose: &str) -> StoredContact {
    StoredContact {
        id: Uuid::from_u128(900),
        version,
        student_id: Uuid::from_u128(STUDENT),
        intervention_id: None,
        parent_id: None,
        fields: ContactFields {
            guardian_id: Some(Uuid::from_u128(501)),
            channel: Channel::Phone,
            direction: ContactDirection::Inbound,
            purpose: purpose.into(),
            result: Some(ContactResult::Reached),
            summary: Some("first words".into()),
            follow_up_due: None,
            follow_up_owner: None,
            is_restricted: false,
            occurred_at: None,
        },
        occurred_at: today().and_hms_opt(9, 30, 0).unwrap_or_default(),
        follow_up_done: false,
        logged: crate::domain::contact::Logged {
            by: Some("Omar Hale".into()),
            on: Some(today()),
            closed_by: None,
            closed_on: None,
        },
    }
}

/// The form on Ana's logged contact `stored`, loaded from the record.
pub(crate) fn editing(stored: StoredContact) -> State {
    let mut s = on_record();
    let screen = ContactScreen::new(About::Edit(stored.id));
    s.screens.push(Screen::Contact(Box::new(screen)));
    let top = s.screens.len() - 1;
    let (req, _) = form_load(&crate::app::screens::load(&mut s, top));
    answer(&mut s, req, contact_context(false), Some(stored), vec![]);
    s
}

#[test]
fn an_edit_carries_its_version_and_a_conflict_shows_theirs() {
    let mut s = editing(stored(3, "behavior"));
    let e = editor(&s);
    assert_eq!(e.value(Slot::When), format!("{} 09:30", today()));
    assert_eq!(e.value(Slot::Direction), "inbound");
    tab_to(&mut s, Slot::Purpose);
    typed(&mut s, " plan");
    let fx = update(&mut s, key(ctrl('s')));
    let (req, write) = sent(&fx).expect("saved");
    let ContactWrite::Update {
        version, fields, ..
    } = write
    else {
        panic!("{write:?}")
    };
    assert_eq!(*version, 3);
    assert_eq!(fields.purpose, "behavior plan");
    assert_eq!(fields.occurred_at, None, "an unchanged time is left alone");
    let theirs = stored(4, "behavior, called back");
    update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Contact(crate::domain::contact::ContactWritten::Conflict(Box::new(
                theirs,
            ))),
        },
    );
    assert!(matches!(editor(&s).stage, Stage::Conflict(_)));
    // Keep mine: saved over theirs, on their version.
    let fx = update(&mut s, key('m'));
    let (_, write) = sent(&fx).expect("saved again");
    let ContactWrite::Update {
        version, fields, ..
    } = write
    else {
        panic!("{write:?}")
    };
    assert_eq!((*version, fields.purpose.as_str()), (4, "behavior plan"));
}

#[test]
fn a_refusal_keeps_everything_typed_and_a_save_closes_and_reloads() {
    let mut s = opened(false);
    typed(&mut s, "check-in");
    let fx = update(&mut s, key(ctrl('s')));
    let (req, _) = sent(&fx).expect("sent");
    let why = "you may not log or change contacts for this student";
    let refused = crate::domain::contact::ContactWritten::Refused(why.into());
    update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Contact(refused),
        },
    );
    let e = editor(&s);
    assert_eq!(
        e.notice.as_deref(),
        Some(format!("not saved: {why}").as_str())
    );
    assert_eq!(e.value(Slot::Purpose), "check-in");
    let fx = update(&mut s, key(ctrl('s')));
    let (req, _) = sent(&fx).expect("sent again");
    let id = editor(&s).id;
    let saved = crate::domain::contact::ContactWritten::Saved(1);
    let fx = update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Contact(saved),
        },
    );
    assert!(matches!(s.top(), Screen::Student(_)), "the form closed");
    assert!(fx.contains(&Effect::DeleteContactDraft { id }));
    assert!(
        fx.iter().any(|e| matches!(
            e,
            Effect::Load {
                read: Read::Student { .. },
                ..
            }
        )),
        "the record loads again: {fx:?}"
    );
}

#[test]
fn on_the_homes_follow_up_the_contact_answers_it() {
    let mut s = at_home();
    // The fixture home's follow-up is its sixth row.
    for _ in 0..5 {
        update(&mut s, key('j'));
    }
    let (_, about) = form_load(&update(&mut s, key('C')));
    let About::New(of) = about else {
        panic!("{about:?}")
    };
    assert_eq!(of.parent_id, Some(Uuid::from_u128(4001)));
    assert_eq!(of.student_id, Uuid::from_u128(2009));
    assert_eq!(of.student_name, "Cy Park");
}

#[test]
fn esc_with_changes_asks_to_keep_or_discard_and_without_closes() {
    let mut s = opened(false);
    typed(&mut s, "check-in");
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(editor(&s).stage, Stage::Leaving);
    let fx = update(&mut s, key('k'));
    assert!(fx.is_empty(), "the draft stays: {fx:?}");
    assert!(matches!(s.top(), Screen::Student(_)));

    let mut s = opened(false);
    typed(&mut s, "check-in");
    let id = editor(&s).id;
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, key('x'));
    assert_eq!(
        editor(&s).stage,
        Stage::Editing,
        "any other key: back to editing"
    );
    update(&mut s, key(KeyCode::Esc));
    let fx = update(&mut s, key('d'));
    assert_eq!(fx, vec![Effect::DeleteContactDraft { id }]);
    assert!(matches!(s.top(), Screen::Student(_)));

    let mut s = opened(false);
    update(&mut s, key(KeyCode::Esc));
    assert!(
        matches!(s.top(), Screen::Student(_)),
        "nothing typed: it just closes"
    );
}

#[test]
fn a_letter_on_the_guardian_or_the_owner_goes_to_the_next_name_with_it() {
    let mut s = opened(false);
    tab_to(&mut s, Slot::Guardian);
    update(&mut s, key('t'));
    assert_eq!(editor(&s).value(Slot::Guardian), "Tom Lee");
    assert_eq!(editor(&s).value(Slot::Channel), "email");
    update(&mut s, key('R'));
    assert_eq!(editor(&s).value(Slot::Guardian), "Rosa Lee");
    update(&mut s, key('z'));
    assert_eq!(
        editor(&s).value(Slot::Guardian),
        "Rosa Lee",
        "no name: unchanged"
    );
    tab_to(&mut s, Slot::FollowUp);
    update(&mut s, key(' '));
    tab_to(&mut s, Slot::Owner);
    update(&mut s, key('o'));
    assert_eq!(editor(&s).value(Slot::Owner), "Omar Hale");
}

#[test]
fn a_logged_contact_keeps_a_time() {
    let mut s = editing(stored(3, "behavior"));
    tab_to(&mut s, Slot::When);
    update(&mut s, key(ctrl('u')));
    let fx = update(&mut s, key(ctrl('s')));
    assert!(sent(&fx).is_none());
    let e = editor(&s);
    assert_eq!(
        e.form.shown_error(e.index(Slot::When).unwrap()),
        Some("a logged contact keeps its time: type it as YYYY-MM-DD HH:MM")
    );
}

#[test]
fn someone_who_may_only_read_the_record_is_told_before_typing() {
    let mut s = on_record();
    let (req, _) = form_load(&update(&mut s, key('C')));
    let mut ctx = contact_context(false);
    ctx.may_write = false;
    answer(&mut s, req, ctx, None, vec![]);
    let c = screen(&s);
    assert!(c.editor().is_none());
    assert_eq!(
        c.editing.error(),
        Some(
            "you may read Lee, Ana's record but not log contacts for them: their counselor, their \
             school's coordinators and the people who deliver their interventions do"
        )
    );
    update(&mut s, key(KeyCode::Esc));
    assert!(matches!(s.top(), Screen::Student(_)));
}
