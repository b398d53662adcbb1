//! The contact form's follow-ups through update(): answering an open one
//! closes it (unless told not to), a due date before the contact is
//! refused, an edit says whose record it is, a filled-in date says how to
//! clear it.

use super::fields::Slot;
use super::tests::{
    STUDENT, answer, editing, editor, form_load, on_record, opened, sent, stored, tab_to, today,
    typed,
};
use crate::app::fixtures::{self, contact_context, ctrl, day, key};
use crate::app::test_prelude::*;
use crate::domain::contact::{ContactContext, ContactWrite};

/// The parent contact, and its follow-up due five days before
/// the fixtures' today (overdue), as the home's overdue row opens it.
const PARENT: u128 = 800;

fn parent_due() -> chrono::NaiveDate {
    day(fixtures::TODAY - 5)
}

/// The form on a new contact answering `PARENT`, its follow-up open.
pub(crate) fn answering() -> State {
    let mut s = on_record();
    let of = super::ContactFor {
        student_id: Uuid::from_u128(STUDENT),
        student_name: "Lee, Ana".into(),
        intervention_id: None,
        parent_id: Some(Uuid::from_u128(PARENT)),
    };
    s.screens.push(super::log(of));
    let top = s.screens.len() - 1;
    let (req, _) = form_load(&crate::app::screens::load(&mut s, top));
    let ctx = ContactContext {
        answers: Some(crate::domain::contact::OpenFollowUp {
            id: Uuid::from_u128(PARENT),
            due: parent_due(),
        }),
        ..contact_context(false)
    };
    answer(&mut s, req, ctx, None, vec![]);
    s
}

fn closes(write: &ContactWrite) -> bool {
    match write {
        ContactWrite::Insert { closes_parent, .. } => *closes_parent,
        other => panic!("{other:?}"),
    }
}

#[test]
fn answering_an_open_follow_up_closes_it_unless_told_not_to() {
    let mut s = answering();
    assert_eq!(
        editor(&s).value(Slot::Closes),
        "yes",
        "closing is the default"
    );
    typed(&mut s, "returning their call");
    let fx = update(&mut s, key(ctrl('s')));
    let (req, write) = sent(&fx).expect("sent");
    assert!(closes(write));
    update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Contact(crate::domain::contact::ContactWritten::Saved(1)),
        },
    );
    let said = s.message.clone().map(|(_, t)| t).unwrap_or_default();
    assert_eq!(
        said,
        format!(
            "contact logged for Lee, Ana; closed the follow-up due {}",
            parent_due()
        )
    );

    let mut s = answering();
    typed(&mut s, "returning their call");
    tab_to(&mut s, Slot::Closes);
    update(&mut s, key(' '));
    assert_eq!(editor(&s).value(Slot::Closes), "no");
    let fx = update(&mut s, key(ctrl('s')));
    let (_, write) = sent(&fx).expect("sent");
    assert!(!closes(write), "toggled off, the follow-up stays open");
}

#[test]
fn the_toggle_shows_only_when_the_answered_follow_up_is_open() {
    let s = opened(false);
    assert_eq!(editor(&s).index(Slot::Closes), None);
    let fx = {
        let mut s = s;
        typed(&mut s, "check-in");
        update(&mut s, key(ctrl('s')))
    };
    let (_, write) = sent(&fx).expect("sent");
    assert!(!closes(write));
}

#[test]
fn a_follow_up_due_before_the_contact_is_refused() {
    let mut s = opened(false);
    typed(&mut s, "check-in");
    tab_to(&mut s, Slot::FollowUp);
    update(&mut s, key(' '));
    tab_to(&mut s, Slot::Due);
    update(&mut s, key(ctrl('u')));
    let yesterday = today() - chrono::Days::new(1);
    typed(&mut s, &yesterday.to_string());
    let fx = update(&mut s, key(ctrl('s')));
    assert!(sent(&fx).is_none(), "nothing is sent");
    let e = editor(&s);
    let i = e.index(Slot::Due).unwrap();
    assert_eq!(
        e.form.shown_error(i),
        Some(
            format!(
                "{yesterday} is in the past: a follow-up is due today ({}) or later",
                today()
            )
            .as_str()
        )
    );
    assert_eq!(
        e.value(Slot::Due),
        yesterday.to_string(),
        "what was typed stays"
    );
    // Today itself is fine.
    update(&mut s, key(ctrl('u')));
    typed(&mut s, &today().to_string());
    let fx = update(&mut s, key(ctrl('s')));
    let (_, write) = sent(&fx).expect("sent");
    assert_eq!(write.fields().follow_up_due, Some(today()));
}

#[test]
fn a_follow_up_of_an_earlier_contact_is_due_from_that_day() {
    let mut s = opened(false);
    typed(&mut s, "check-in");
    tab_to(&mut s, Slot::When);
    let earlier = today() - chrono::Days::new(10);
    typed(&mut s, &format!("{earlier} 09:00"));
    tab_to(&mut s, Slot::FollowUp);
    update(&mut s, key(' '));
    tab_to(&mut s, Slot::Due);
    update(&mut s, key(ctrl('u')));
    typed(&mut s, &(earlier - chrono::Days::new(1)).to_string());
    let e = editor(&s);
    let i = e.index(Slot::Due).unwrap();
    assert!(
        e.form
            .shown_error(i)
            .is_some_and(|m| m.contains(&format!("is before the contact ({earlier})"))),
        "{:?}",
        e.form.shown_error(i)
    );
    update(&mut s, key(ctrl('u')));
    typed(&mut s, &(earlier + chrono::Days::new(2)).to_string());
    let fx = update(&mut s, key(ctrl('s')));
    assert!(
        sent(&fx).is_some(),
        "overdue already, but after the contact: saved"
    );
}

#[test]
fn an_edit_says_whose_record_it_is() {
    let s = editing(stored(3, "behavior"));
    let e = editor(&s);
    assert_eq!(
        e.label(),
        format!("Lee, Ana · logged by Omar Hale on {}", today())
    );
    assert_eq!(e.closed_label(), None, "its follow-up is not closed");
    let mut closed = stored(3, "behavior");
    closed.follow_up_done = true;
    closed.fields.follow_up_due = Some(today());
    closed.logged.closed_by = Some("Dana Reyes".into());
    closed.logged.closed_on = Some(today());
    closed.logged.by = None;
    let s = editing(closed);
    let e = editor(&s);
    assert_eq!(
        e.label(),
        format!("Lee, Ana · logged by someone not recorded on {}", today())
    );
    assert_eq!(
        e.closed_label(),
        Some(format!("follow-up closed by Dana Reyes on {}", today()))
    );
}

#[test]
fn a_filled_in_date_says_ctrl_u_clears_it() {
    let mut s = opened(false);
    tab_to(&mut s, Slot::FollowUp);
    update(&mut s, key(' '));
    tab_to(&mut s, Slot::Due);
    assert!(
        editor(&s)
            .form
            .focused_hint()
            .ends_with("; ctrl-u clears it")
    );
    update(&mut s, key(ctrl('u')));
    assert_eq!(editor(&s).value(Slot::Due), "");
    assert!(!editor(&s).form.focused_hint().contains("ctrl-u"));
}
