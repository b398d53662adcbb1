//! The People screen through update(): opened by `:people`, searched as you
//! type and filtered, a person added through the form, a role granted and
//! revoked, a password typed twice (and never printable), a deactivation
//! asked first, and the database's refusal kept with what was typed.

use super::PersonChange;
use super::{Mode, PeopleState};
use crate::app::fixtures::{ctrl, key};
use crate::app::iv_tests::at_home;
use crate::app::screens::schools::tests::open_tool;
use crate::app::test_prelude::*;
use crate::domain::people::{Directory, Grant, Person, SchoolRef};

fn person(name: &str, display: &str, active: bool, grants: &[(&str, Option<&str>)]) -> Person {
    Person {
        username: name.into(),
        display_name: display.into(),
        email: format!("{name}@school.example.org"),
        home_school: Some("N1".into()),
        is_active: active,
        can_login: active,
        has_login: true,
        grants: grants
            .iter()
            .map(|(r, s)| Grant {
                role: (*r).into(),
                school: s.map(String::from),
                expires: None,
                expired: false,
            })
            .collect(),
    }
}

pub(crate) fn directory() -> Directory {
    Directory {
        people: vec![
            person("a_admin", "Ada Admin", true, &[("admin", None)]),
            person(
                "d_okafor",
                "Dana Okafor",
                true,
                &[("counselor", Some("N1")), ("teacher", Some("S1"))],
            ),
            person("old_timer", "Olive Timer", false, &[]),
        ],
        schools: vec![
            SchoolRef {
                local_id: "N1".into(),
                name: "North".into(),
            },
            SchoolRef {
                local_id: "S1".into(),
                name: "South".into(),
            },
        ],
    }
}

fn people(s: &State) -> &PeopleState {
    match s.top() {
        Screen::People(x) => x,
        other => panic!("top is {}", other.title()),
    }
}

/// `:people`, the database's yes, and the directory: the loaded screen.
pub(crate) fn loaded() -> State {
    let mut s = at_home();
    let (tool, req, read) = open_tool(&mut s, "people", "People");
    assert_eq!(tool, "admin.users");
    assert!(matches!(read, Read::Directory), "{read:?}");
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::Directory {
                dir: Box::new(directory()),
            },
        },
    );
    assert_eq!(s.top().title(), "People");
    s
}

fn names(s: &State) -> Vec<String> {
    people(s)
        .shown()
        .iter()
        .map(|p| p.username.clone())
        .collect()
}

fn type_text(s: &mut State, text: &str) {
    for c in text.chars() {
        update(s, key(c));
    }
}

/// The change sent, and its request.
fn sent(fx: &[Effect]) -> (ReqId, PersonChange) {
    match fx {
        [Effect::ChangePerson { req, change }] => (*req, change.clone()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn search_as_you_type_and_filters_narrow_the_list() {
    let mut s = loaded();
    assert_eq!(names(&s), ["a_admin", "d_okafor", "old_timer"]);
    update(&mut s, key('/'));
    type_text(&mut s, "oka");
    assert_eq!(names(&s), ["d_okafor"], "each letter narrows at once");
    // Letters in the box are text, not commands: `d` did not deactivate.
    assert!(matches!(people(&s).mode, Mode::Search));
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, key(ctrl('u')));
    assert_eq!(
        people(&s).filter.search,
        "oka",
        "esc left the box, the search stays"
    );
    update(&mut s, key('/'));
    update(&mut s, key(ctrl('u')));
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(names(&s).len(), 3);

    update(&mut s, key('o')); // role: admin
    assert_eq!(names(&s), ["a_admin"]);
    update(&mut s, key('o')); // coordinator: nobody
    assert!(names(&s).is_empty());
    for _ in 0..5 {
        update(&mut s, key('o'));
    }
    assert_eq!(people(&s).filter.role, None, "after the last role, off");
    update(&mut s, key('h')); // school N1: Dana's grant, and homes
    assert_eq!(names(&s).len(), 3, "everyone's home is N1");
    update(&mut s, key('h')); // S1
    assert_eq!(names(&s), ["d_okafor"]);
    update(&mut s, key('h'));
    update(&mut s, key('a')); // active
    assert_eq!(names(&s), ["a_admin", "d_okafor"]);
    update(&mut s, key('a')); // inactive
    assert_eq!(names(&s), ["old_timer"]);
    update(&mut s, key('a'));
    update(&mut s, key('c')); // can log in
    update(&mut s, key('c')); // cannot
    assert_eq!(names(&s), ["old_timer"]);
}

#[test]
fn adding_a_person_sends_one_change_and_reloads_when_done() {
    let mut s = loaded();
    update(&mut s, key('n'));
    assert!(matches!(people(&s).mode, Mode::Add(_)));
    type_text(&mut s, "Bad Name");
    update(&mut s, key(KeyCode::Tab));
    let Mode::Add(f) = &people(&s).mode else {
        panic!()
    };
    assert!(
        f.shown_error(0)
            .is_some_and(|e| e.contains("invalid username")),
        "{:?}",
        f.errors
    );
    update(&mut s, key(KeyCode::BackTab));
    update(&mut s, key(ctrl('u')));
    type_text(&mut s, "j_new");
    update(&mut s, key(KeyCode::Tab));
    type_text(&mut s, "Jo New");
    update(&mut s, key(KeyCode::Tab));
    type_text(&mut s, "jo@school.example.org");
    update(&mut s, key(KeyCode::Tab));
    type_text(&mut s, "nor"); // a part of a school's name: North (N1)
    update(&mut s, key(KeyCode::Tab));
    type_text(&mut s, "cou"); // narrows the role picker to counselor
    update(&mut s, key(KeyCode::Tab));
    type_text(&mut s, "Z9");
    let fx = update(&mut s, key(KeyCode::Tab));
    assert!(fx.is_empty());
    let fx = update(&mut s, key(ctrl('s')));
    assert!(fx.is_empty(), "an unknown school is not sent: {fx:?}");
    let Mode::Add(f) = &people(&s).mode else {
        panic!()
    };
    assert!(
        f.shown_error(5)
            .is_some_and(|e| e.contains("no school called \"Z9\": type a name or local id")),
        "{:?}",
        f.errors
    );
    assert_eq!(f.focus, 5, "the refused save went to the field to fix");
    update(&mut s, key(ctrl('u')));
    let fx = update(&mut s, key(ctrl('s')));
    let (req, change) = sent(&fx);
    assert_eq!(
        change,
        PersonChange::Add {
            username: "j_new".into(),
            display_name: "Jo New".into(),
            email: "jo@school.example.org".into(),
            home_school: Some("N1".into()),
            grant: Some(("counselor".into(), None, None)),
        }
    );
    assert!(s.busy());
    let fx = update(&mut s, key('x'));
    assert!(fx.is_empty(), "typing while it saves changes nothing");
    let fx = update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Admin(Ok(())),
        },
    );
    assert!(matches!(people(&s).mode, Mode::List));
    assert!(
        matches!(
            fx[..],
            [Effect::Load {
                read: Read::Directory,
                ..
            }]
        ),
        "{fx:?}"
    );
    assert!(s.message.as_ref().is_some_and(|(_, m)| m == "added j_new"));
    // The list comes back with the new person in name order: the cursor
    // is on them, not on the first row.
    let Some(Effect::Load { req, .. }) = fx.first() else {
        panic!()
    };
    let mut dir = directory();
    dir.people
        .insert(2, person("j_new", "Jo New", true, &[("counselor", None)]));
    update(
        &mut s,
        Msg::Loaded {
            req: *req,
            data: Data::Directory { dir: Box::new(dir) },
        },
    );
    assert_eq!(
        people(&s).selected().map(|p| p.username.as_str()),
        Some("j_new")
    );
}

#[test]
fn a_refusal_keeps_the_form_and_says_why() {
    let mut s = loaded();
    update(&mut s, key('j')); // Dana
    update(&mut s, key('+'));
    let fx = update(&mut s, key(ctrl('s')));
    let (req, change) = sent(&fx);
    assert_eq!(
        change,
        PersonChange::Grant {
            username: "d_okafor".into(),
            role: "counselor".into(),
            school: None,
            expires: None,
        }
    );
    update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Admin(Err("only caseload admins may manage people".into())),
        },
    );
    let Mode::Grant { form, .. } = &people(&s).mode else {
        panic!()
    };
    assert_eq!(
        form.notice.as_deref(),
        Some("only caseload admins may manage people")
    );
    assert_eq!(form.values[0], "counselor", "what was chosen stays");
    assert!(form.saving.is_none(), "and can be sent again");
}

#[test]
fn revoke_chooses_a_grant_and_asks_first() {
    let mut s = loaded();
    update(&mut s, key('j'));
    update(&mut s, key('-'));
    update(&mut s, key('j'));
    let fx = update(&mut s, key(KeyCode::Enter));
    assert!(fx.is_empty());
    let Mode::Confirm(change) = &people(&s).mode else {
        panic!()
    };
    assert_eq!(
        *change,
        PersonChange::Revoke {
            username: "d_okafor".into(),
            role: "teacher".into(),
            school: Some("S1".into()),
        }
    );
    // Enter keeps things as they are.
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    assert!(matches!(people(&s).mode, Mode::List));
    update(&mut s, key('-'));
    update(&mut s, key(KeyCode::Enter));
    let (_, change) = sent(&update(&mut s, key('y')));
    assert!(matches!(change, PersonChange::Revoke { ref role, .. } if role == "counselor"));
}

#[test]
fn deactivate_asks_first_and_a_person_without_roles_has_nothing_to_revoke() {
    let mut s = loaded();
    update(&mut s, key('G')); // Olive, inactive, no roles
    update(&mut s, key('-'));
    assert!(matches!(people(&s).mode, Mode::List));
    assert!(
        s.message
            .as_ref()
            .is_some_and(|(_, m)| m.contains("no roles to revoke"))
    );
    update(&mut s, key('d'));
    let (_, change) = sent(&update(&mut s, key('y')));
    assert_eq!(
        change,
        PersonChange::SetActive {
            username: "old_timer".into(),
            active: true
        }
    );
}

#[test]
fn a_password_is_typed_twice_hidden_and_never_printable() {
    let mut s = loaded();
    update(&mut s, key('j'));
    update(&mut s, key('p'));
    type_text(&mut s, "short");
    update(&mut s, key(KeyCode::Enter));
    let Mode::Password(p) = &people(&s).mode else {
        panic!()
    };
    assert!(p.note.as_ref().is_some_and(|n| n.contains("too short")));
    type_text(&mut s, " but now long");
    update(&mut s, key(KeyCode::Enter));
    type_text(&mut s, "short but now lonG");
    let fx = update(&mut s, key(KeyCode::Enter));
    assert!(fx.is_empty());
    let Mode::Password(p) = &people(&s).mode else {
        panic!()
    };
    assert!(p.note.as_ref().is_some_and(|n| n.contains("differ")));
    assert!(
        p.first.is_empty() && p.second.is_empty(),
        "both typed again"
    );

    type_text(&mut s, "correct horse battery");
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, Msg::Paste(Password::new("correct horse battery\n")));
    let fx = update(&mut s, key(KeyCode::Enter));
    let (req, change) = sent(&fx);
    let PersonChange::SetPassword { username, password } = &change else {
        panic!()
    };
    assert_eq!(username, "d_okafor");
    assert_eq!(password.expose(), "correct horse battery");
    // Neither the Effect, the screen's state nor the whole State prints it.
    for printed in [
        format!("{fx:?}"),
        format!("{:?}", s.top()),
        format!("{s:?}"),
    ] {
        assert!(!printed.contains("horse"), "{printed}");
    }
    update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Admin(Ok(())),
        },
    );
    assert!(
        s.message
            .as_ref()
            .is_some_and(|(_, m)| m == "set a new password for d_okafor")
    );
}

#[test]
fn a_person_without_a_login_is_offered_one_before_a_password() {
    let mut s = loaded();
    if let Some(Screen::People(p)) = s.screens.last_mut()
        && let Some(d) = p.list.get_mut()
    {
        d.people[0].has_login = false;
        d.people[0].can_login = false;
    }
    update(&mut s, key('p'));
    assert!(matches!(people(&s).mode, Mode::List));
    assert!(
        s.message
            .as_ref()
            .is_some_and(|(_, m)| m.contains("no login role yet"))
    );
    update(&mut s, key('w'));
    let (_, change) = sent(&update(&mut s, key('y')));
    assert_eq!(
        change,
        PersonChange::Login {
            username: "a_admin".into()
        }
    );
}
