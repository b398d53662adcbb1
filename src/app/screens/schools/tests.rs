//! The schools screen through update(): opened by `:schools`, loaded,
//! moved through, inactive schools hidden and shown, a failure retried.

use super::SchoolsState;
use crate::app::fixtures::key;
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
    for c in line.chars() {
        update(s, key(c));
    }
    update(s, key(KeyCode::Enter))
}

/// At home, `:schools` and the database's yes: the screen, loading.
pub(crate) fn opened() -> (State, ReqId) {
    let mut s = at_home();
    let fx = typed(&mut s, "schools");
    let [
        Effect::Load {
            req,
            read: Read::Tool { ref key },
        },
    ] = fx[..]
    else {
        panic!("{fx:?}")
    };
    assert_eq!(key, "admin.schools", "the command names the tool");
    let fx = update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::Tool {
                key: key.clone(),
                access: ToolAccess::Allowed {
                    name: "Schools".into(),
                },
            },
        },
    );
    let [
        Effect::Load {
            req,
            read: Read::AllSchools,
        },
    ] = fx[..]
    else {
        panic!("{fx:?}")
    };
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
