//! The schools screen through update(): opened by `:schools`, loaded,
//! moved through, inactive schools hidden and shown, a failure retried.

use super::SchoolsState;
use crate::app::fixtures::{ctrl, key, only_load};
use crate::app::iv_tests::at_home;
use crate::app::test_prelude::*;
use crate::domain::enums::GradeLevel;
use crate::domain::school::School;

pub(crate) fn school(n: u128, name: &str, short: Option<&str>, active: bool) -> School {
    School {
        id: Uuid::from_u128(n),
        name: name.into(),
        short_name: short.map(Into::into),
        local_id: format!("SCH-{n:03}"),
        low_grade: GradeLevel::KG,
        high_grade: GradeLevel::G05,
        is_active: active,
        timezone: "America/Chicago".into(),
    }
}

pub(crate) fn three() -> Vec<School> {
    vec![
        school(1, "Lincoln Elementary", Some("Lincoln"), true),
        school(2, "Washington Middle", None, true),
        school(3, "Old Mill School", Some("Old Mill Elementary"), false),
    ]
}

fn schools(s: &State) -> &SchoolsState {
    match s.top() {
        Screen::Schools(x) => x,
        other => panic!("top is {}", other.title()),
    }
}

/// `:` and `line` typed, then Enter.
pub(crate) fn typed(s: &mut State, line: &str) -> Vec<Effect> {
    update(s, key(':'));
    typed_on(s, line)
}

/// `line` and enter on the open palette.
pub(crate) fn typed_on(s: &mut State, line: &str) -> Vec<Effect> {
    for c in line.chars() {
        update(s, key(c));
    }
    // The palette's own search for students named like the line, which
    // enter cancels (tested in `palette::tests`), is not the command's.
    let search = s.palette.students.asking.as_ref().map(|(r, _)| *r);
    let mut fx = update(s, key(KeyCode::Enter));
    fx.retain(|e| !matches!(e, Effect::Cancel { req } if Some(*req) == search));
    fx
}

/// `:line` typed and the database's yes to its tool, as `name`: the tool's
/// key, and the first load of the screen it opened.
pub(crate) fn open_tool(s: &mut State, line: &str, name: &str) -> (String, ReqId, Read) {
    let fx = typed(s, line);
    let [
        Effect::Load {
            req,
            read: Read::Tool { ref key },
        },
    ] = fx[..]
    else {
        panic!("{fx:?}")
    };
    let key = key.clone();
    let fx = update(
        s,
        Msg::Loaded {
            req,
            data: Data::Tool {
                key: key.clone(),
                access: ToolAccess::Allowed { name: name.into() },
            },
        },
    );
    let (req, read) = only_load(&fx);
    (key, req, read.clone())
}

/// At home, `:schools` and the database's yes: the screen, loading.
pub(crate) fn opened() -> (State, ReqId) {
    let mut s = at_home();
    let (tool, req, read) = open_tool(&mut s, "schools", "Schools");
    assert_eq!(tool, "admin.schools", "the command names the tool");
    assert!(matches!(read, Read::AllSchools), "{read:?}");
    assert_eq!(s.screens.len(), 2, "over the menu, like a menu item");
    (s, req)
}

#[test]
fn schools_open_by_command_load_and_move() {
    let (mut s, req) = opened();
    assert_eq!(s.top().title(), "Schools");
    assert!(s.busy(), "the spinner turns while the list loads");
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::AllSchools { schools: three() },
        },
    );
    assert_eq!(schools(&s).shown().len(), 3);
    update(&mut s, key('G'));
    assert_eq!(
        schools(&s).selected().map(|x| x.id),
        Some(Uuid::from_u128(3))
    );

    // `i` hides the inactive school; the cursor stays on a shown row.
    update(&mut s, key('i'));
    assert_eq!(schools(&s).shown().len(), 2);
    assert_eq!(
        schools(&s).selected().map(|x| x.id),
        Some(Uuid::from_u128(2))
    );
    update(&mut s, key('i'));
    assert_eq!(schools(&s).shown().len(), 3);

    update(&mut s, key(KeyCode::Esc));
    assert!(matches!(s.top(), Screen::Menu(_)));
}

#[test]
fn a_failed_list_says_why_and_r_asks_again() {
    let (mut s, req) = opened();
    update(
        &mut s,
        Msg::QueryFailed {
            req,
            reason: "permission denied for table schools".into(),
        },
    );
    assert!(
        schools(&s)
            .list
            .error()
            .is_some_and(|w| w.contains("permission"))
    );
    let fx = update(&mut s, key('r'));
    let [
        Effect::Load {
            req: again,
            read: Read::AllSchools,
        },
    ] = fx[..]
    else {
        panic!("{fx:?}")
    };
    // The old answer, arriving late, is not the one waited for.
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::AllSchools { schools: vec![] },
        },
    );
    assert_eq!(schools(&s).list.req(), Some(again));
}

#[test]
fn an_admin_adds_a_school_and_a_refusal_keeps_what_was_typed() {
    use crate::domain::admin::AdminChange;
    let (mut s, req) = opened();
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::AllSchools { schools: three() },
        },
    );
    update(&mut s, key('n'));
    assert_eq!(s.top().title(), "New school");
    for c in "Riverside High".chars() {
        update(&mut s, key(c));
    }
    update(&mut s, key(KeyCode::Tab));
    update(&mut s, key(KeyCode::Tab));
    for c in "RHS".chars() {
        update(&mut s, key(c));
    }
    // Highest grade before the lowest: said at the field, nothing sent.
    update(&mut s, key(KeyCode::Tab));
    update(&mut s, key(KeyCode::Tab));
    for _ in 0..6 {
        update(&mut s, key(KeyCode::Left)); // Grade 5 → Transitional kindergarten
    }
    let fx = update(&mut s, key(ctrl('s')));
    assert!(fx.is_empty(), "{fx:?}");
    let form = &schools(&s).edit.as_ref().expect("form").form;
    assert_eq!(
        form.shown_error(4),
        Some("the highest grade comes after the lowest")
    );
    for _ in 0..13 {
        update(&mut s, key(KeyCode::Right));
    }
    let fx = update(&mut s, key(ctrl('s')));
    let [
        Effect::Admin {
            req,
            change: AdminChange::School(ref w),
        },
    ] = fx[..]
    else {
        panic!("{fx:?}")
    };
    assert_eq!(
        (
            w.name.as_str(),
            w.local_id.as_str(),
            w.low_grade,
            w.high_grade,
            w.is_active
        ),
        (
            "Riverside High",
            "RHS",
            GradeLevel::KG,
            GradeLevel::G12,
            true
        )
    );
    update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Admin(Err(
                "'Mars/Olympus' is not a time zone this server knows".into()
            )),
        },
    );
    let form = &schools(&s).edit.as_ref().expect("the form stays").form;
    assert_eq!(form.values[0], "Riverside High");
    assert!(
        form.notice
            .as_deref()
            .is_some_and(|n| n.contains("time zone"))
    );
    let fx = update(&mut s, key(ctrl('s')));
    let [Effect::Admin { req, .. }] = fx[..] else {
        panic!("{fx:?}")
    };
    let fx = update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Admin(Ok(())),
        },
    );
    assert_eq!(s.top().title(), "Schools");
    assert!(fx.iter().any(|e| matches!(
        e,
        Effect::Load {
            read: Read::AllSchools,
            ..
        }
    )));
}

#[test]
fn editing_a_school_deactivates_it() {
    use crate::domain::admin::AdminChange;
    let (mut s, req) = opened();
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::AllSchools { schools: three() },
        },
    );
    update(&mut s, key('e'));
    assert_eq!(s.top().title(), "Edit school");
    for _ in 0..6 {
        update(&mut s, key(KeyCode::Tab));
    }
    update(&mut s, key(' '));
    let fx = update(&mut s, key(KeyCode::Enter));
    let [
        Effect::Admin {
            change: AdminChange::School(ref w),
            ..
        },
    ] = fx[..]
    else {
        panic!("{fx:?}")
    };
    assert_eq!((w.id, w.is_active), (Uuid::from_u128(1), false));
}
