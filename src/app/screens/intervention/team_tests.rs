//! The detail's team tab, key by key: the picker's search as you type, the
//! member form, removal with confirmation, the owner kept; and the way back
//! from an intervention to where it was opened.

use crate::app::fixtures::{ctrl, key, loads, only_load, query_failed};
use crate::app::iv_tests::{at_detail, at_home, detail, home};
use crate::app::team::{TeamEdit, TeamOutcome};
use crate::app::test_prelude::*;
use crate::domain::kinds::TeamRole;
use crate::domain::team::TeamMember;
use crate::domain::team::{Candidate, Member};

const OWNER_KEPT: &str = "the owner is always on the team: change the owner first";

fn member(n: u128, name: &str, role: TeamRole) -> TeamMember {
    TeamMember {
        id: Uuid::from_u128(7000 + n),
        user_id: Some(Uuid::from_u128(n)),
        name: name.into(),
        external_org: None,
        role,
        can_edit: false,
    }
}

fn candidate(n: u128, name: &str) -> Candidate {
    Candidate {
        id: Uuid::from_u128(n),
        name: name.into(),
        roles: "teacher".into(),
    }
}

/// On the team tab of an active intervention owned by Dana, with a teacher.
fn on_team() -> State {
    let mut s = at_detail(InterventionStatus::Active);
    update(&mut s, key('3'));
    let d = detail(&mut s);
    assert_eq!(d.tab, intervention::Tab::Team);
    if let Some(x) = d.detail.get_mut() {
        x.team.push(member(2, "Lee Okafor", TeamRole::Teacher));
    }
    s
}

fn typed(s: &mut State, text: &str) -> Vec<Effect> {
    text.chars().flat_map(|c| update(s, key(c))).collect()
}

fn edit(s: &mut State) -> Option<TeamEdit> {
    detail(s).team_edit.clone()
}

fn message(s: &State) -> String {
    s.message
        .as_ref()
        .map(|(_, m)| m.clone())
        .unwrap_or_default()
}

/// `n`: the picker opens and searches at once; the search's request and
/// text.
fn add(s: &mut State) -> (ReqId, String) {
    let fx = update(s, key('n'));
    let (req, Read::TeamCandidates { search, .. }) = only_load(&fx) else {
        panic!("{fx:?}")
    };
    (req, search.clone())
}

/// `n`, the search answered with `found`.
fn picking(found: Vec<Candidate>) -> State {
    let mut s = on_team();
    let (req, search) = add(&mut s);
    assert_eq!(search, "");
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::TeamCandidates { found },
        },
    );
    s
}

#[test]
fn n_searches_users_as_you_type_and_drops_superseded_answers() {
    let mut s = on_team();
    let (first, _) = add(&mut s);
    let fx = typed(&mut s, "ma");
    // Each keystroke cancels the previous search and asks again.
    assert!(
        matches!(fx[0], Effect::Cancel { req } if req == first),
        "{fx:?}"
    );
    let Some(Effect::Load {
        req: latest,
        read: Read::TeamCandidates {
            search,
            intervention_id,
        },
    }) = fx.last().cloned()
    else {
        panic!("{fx:?}")
    };
    assert_eq!(search, "ma");
    assert_eq!(intervention_id, Uuid::from_u128(1001));
    // Typed letters are text here, never bindings: `a` did not open actions.
    assert!(detail(&mut s).prompt.is_none());
    update(
        &mut s,
        Msg::Loaded {
            req: first,
            data: Data::TeamCandidates {
                found: vec![candidate(40, "Stale Answer")],
            },
        },
    );
    let Some(TeamEdit::Pick(p)) = edit(&mut s) else {
        panic!()
    };
    assert!(p.found.is_empty(), "a superseded answer is dropped");
    update(
        &mut s,
        Msg::Loaded {
            req: latest,
            data: Data::TeamCandidates {
                found: vec![candidate(41, "Mara Lind"), candidate(42, "Max Ma")],
            },
        },
    );
    let Some(TeamEdit::Pick(p)) = edit(&mut s) else {
        panic!()
    };
    assert_eq!(p.found.len(), 2);
    assert!(p.req.is_none());
    // A typed name looks for a person: the first match is highlighted, so
    // Enter does not open the form for someone outside caseload.
    assert_eq!(p.cursor, 1, "Mara Lind, not the outside row");
    // Esc closes the picker and adds nobody.
    let fx = update(&mut s, key(KeyCode::Esc));
    assert!(fx.is_empty(), "{fx:?}");
    assert!(edit(&mut s).is_none());
    assert!(
        matches!(s.top(), Screen::Intervention(_)),
        "still on the detail"
    );
}

#[test]
fn picking_a_user_then_a_role_adds_them() {
    let mut max = candidate(42, "Max Ma");
    max.roles = "counselor".into();
    let mut s = picking(vec![candidate(41, "Mara Lind"), max]);
    update(&mut s, key(KeyCode::Down));
    update(&mut s, key(KeyCode::Down));
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    let Some(TeamEdit::Form(f)) = edit(&mut s) else {
        panic!()
    };
    assert_eq!(f.title(), "add Max Ma to the team");
    assert_eq!(
        f.form.values[0], "counselor",
        "a counselor joins as counselor unless changed"
    );
    // Role: typed in their words; can edit: yes.
    typed(&mut s, "Teacher");
    update(&mut s, key(KeyCode::Tab));
    update(&mut s, key(' '));
    let fx = update(&mut s, key(KeyCode::Enter));
    let [
        Effect::AddTeamMember {
            req,
            intervention_id,
            ref member,
            role,
            can_edit,
        },
    ] = fx[..]
    else {
        panic!("{fx:?}")
    };
    assert_eq!(intervention_id, Uuid::from_u128(1001));
    assert_eq!(*member, Member::User(Uuid::from_u128(42)));
    assert_eq!((role, can_edit), (TeamRole::Teacher, true));
    assert!(s.busy(), "the spinner shows while saving");
    // Keys while saving change nothing that is on its way.
    assert!(update(&mut s, key('x')).is_empty());

    let mut team = detail(&mut s).detail.as_ref().unwrap().team.clone();
    team.push(member_row(42, "Max Ma"));
    update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Team(TeamOutcome::Saved(team)),
        },
    );
    assert!(edit(&mut s).is_none());
    assert_eq!(detail(&mut s).detail.as_ref().unwrap().team.len(), 3);
    assert_eq!(message(&s), "added Max Ma to the team");
}

fn member_row(n: u128, name: &str) -> TeamMember {
    member(n, name, TeamRole::Teacher)
}

#[test]
fn someone_outside_needs_a_name_and_organisation_and_a_real_role() {
    let mut s = picking(vec![candidate(41, "Mara Lind")]);
    // Row 0 is always "someone outside caseload".
    update(&mut s, key(KeyCode::Enter));
    let Some(TeamEdit::Form(f)) = edit(&mut s) else {
        panic!()
    };
    assert!(f.user.is_none());
    // Enter on the first field moves on: a half-filled form is not saved.
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    let Some(TeamEdit::Form(f)) = edit(&mut s) else {
        panic!()
    };
    assert_eq!((f.form.focus, f.form.notice.as_deref()), (1, None));
    // Ctrl-S saves from anywhere: the empty form sends nothing, says what
    // is missing and goes to the first field to fix.
    assert!(update(&mut s, key(ctrl('s'))).is_empty());
    let Some(TeamEdit::Form(f)) = edit(&mut s) else {
        panic!()
    };
    assert_eq!(f.form.shown_error(0), Some("a name is required"));
    assert_eq!(f.form.shown_error(1), Some("an organisation is required"));
    assert!(f.form.notice.as_deref().unwrap().contains("fix the fields"));
    assert_eq!(f.form.focus, 0);

    typed(&mut s, "Dr. Okafor");
    update(&mut s, key(KeyCode::Enter));
    typed(&mut s, "Riverside Speech Clinic");
    update(&mut s, key(KeyCode::Enter));
    // The role is a picker, someone outside starts as an observer, and the
    // owner's role is not among the choices: typing narrows ("o" is
    // observer) and a letter no choice has is not taken.
    let role = |s: &mut State| match edit(s) {
        Some(TeamEdit::Form(f)) => (f.form.values[2].clone(), f.form.typed.clone()),
        other => panic!("{other:?}"),
    };
    assert_eq!(role(&mut s), ("observer".into(), String::new()));
    typed(&mut s, "owner");
    assert_eq!(role(&mut s), ("observer".into(), "o".into()));
    // ←/→ move through what the typed text matches: only observer.
    update(&mut s, key(KeyCode::Left));
    assert_eq!(role(&mut s).0, "observer");
    update(&mut s, key(ctrl('u')));
    update(&mut s, key(KeyCode::Left));
    assert_eq!(role(&mut s).0, "coordinator");
    update(&mut s, key(KeyCode::Right));
    update(&mut s, key(KeyCode::Right));
    assert_eq!(role(&mut s).0, "interventionist", "it wraps around");
    typed(&mut s, "obs");
    // Enter on the role moves to the last field; Enter there saves.
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    let fx = update(&mut s, key(KeyCode::Enter));
    let [
        Effect::AddTeamMember {
            req,
            ref member,
            role,
            can_edit,
            ..
        },
    ] = fx[..]
    else {
        panic!("{fx:?}")
    };
    assert_eq!(
        *member,
        Member::External {
            name: "Dr. Okafor".into(),
            org: "Riverside Speech Clinic".into()
        }
    );
    assert_eq!((role, can_edit), (TeamRole::Observer, false));

    // The database refuses (say a rule this client does not know): back to
    // the form, everything typed still there, and the reason.
    update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Team(TeamOutcome::Refused("already on the team".into())),
        },
    );
    let Some(TeamEdit::Form(f)) = edit(&mut s) else {
        panic!()
    };
    assert!(f.form.saving.is_none());
    assert_eq!(
        f.form.notice.as_deref(),
        Some("not saved: already on the team")
    );
    assert_eq!(f.form.values[0], "Dr. Okafor");
    assert_eq!(f.form.values[1], "Riverside Speech Clinic");
}

#[test]
fn the_owner_is_not_offered_for_removal_and_others_need_a_yes() {
    let mut s = on_team();
    // The owner is listed first and selected.
    assert!(update(&mut s, key('x')).is_empty());
    assert!(edit(&mut s).is_none(), "no confirmation for the owner");
    assert_eq!(message(&s), format!("Dana Reyes: {OWNER_KEPT}"));

    update(&mut s, key('j'));
    update(&mut s, key(KeyCode::Delete));
    let Some(TeamEdit::ConfirmRemove { name, .. }) = edit(&mut s) else {
        panic!()
    };
    assert_eq!(name, "Lee Okafor");
    // n, Esc and Enter keep them; a key that is no answer leaves the
    // question open.
    assert!(update(&mut s, key('j')).is_empty());
    assert!(matches!(edit(&mut s), Some(TeamEdit::ConfirmRemove { .. })));
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    assert!(edit(&mut s).is_none(), "Enter keeps them");
    update(&mut s, key('x'));
    assert!(update(&mut s, key(KeyCode::Esc)).is_empty());
    assert!(edit(&mut s).is_none());
    update(&mut s, key('x'));
    assert!(update(&mut s, key('n')).is_empty());
    assert!(edit(&mut s).is_none());
    assert_eq!(detail(&mut s).detail.as_ref().unwrap().team.len(), 2);

    update(&mut s, key('x'));
    let fx = update(&mut s, key('y'));
    let [
        Effect::RemoveTeamMember {
            req,
            intervention_id,
            member_id,
        },
    ] = fx[..]
    else {
        panic!("{fx:?}")
    };
    assert_eq!(
        (intervention_id, member_id),
        (Uuid::from_u128(1001), Uuid::from_u128(7002))
    );
    let owner_only = vec![detail(&mut s).detail.as_ref().unwrap().team[0].clone()];
    update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Team(TeamOutcome::Saved(owner_only)),
        },
    );
    assert_eq!(message(&s), "removed Lee Okafor from the team");
    let d = detail(&mut s);
    assert_eq!(d.detail.as_ref().unwrap().team.len(), 1);
    assert_eq!(d.cursor, 0, "the cursor stays on a row that exists");
}

#[test]
fn a_refused_removal_is_shown_as_the_database_said_it() {
    // Ownership moved elsewhere meanwhile: this screen still thinks Lee is a
    // teacher, but the database knows Lee is now the owner.
    let mut s = on_team();
    update(&mut s, key('j'));
    update(&mut s, key('x'));
    let fx = update(&mut s, key('y'));
    let [Effect::RemoveTeamMember { req, .. }] = fx[..] else {
        panic!("{fx:?}")
    };
    update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Team(TeamOutcome::Refused(OWNER_KEPT.into())),
        },
    );
    assert_eq!(s.message.as_ref().map(|(l, _)| *l), Some(Level::Error));
    assert_eq!(message(&s), format!("Lee Okafor not removed: {OWNER_KEPT}"));
    assert_eq!(detail(&mut s).detail.as_ref().unwrap().team.len(), 2);
    // Gone already (someone else removed them): say so and reload.
    update(&mut s, key('x'));
    let fx = update(&mut s, key('y'));
    let [Effect::RemoveTeamMember { req, .. }] = fx[..] else {
        panic!("{fx:?}")
    };
    let fx = update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Team(TeamOutcome::Gone),
        },
    );
    assert!(
        loads(&fx, |r| matches!(r, Read::Intervention { .. })),
        "{fx:?}"
    );
    assert!(message(&s).contains("no longer on the team"));
}

#[test]
fn a_failed_search_is_said_in_the_picker() {
    let mut s = on_team();
    let (req, _) = add(&mut s);
    update(&mut s, query_failed(req, "connection lost"));
    let Some(TeamEdit::Pick(p)) = edit(&mut s) else {
        panic!()
    };
    assert_eq!(p.error.as_deref(), Some("search failed: connection lost"));
    assert!(p.req.is_none());
}

#[test]
fn team_keys_do_nothing_on_other_tabs() {
    let mut s = at_detail(InterventionStatus::Active);
    // The sessions tab: n and x mean nothing there (on goals they add a
    // goal and delete a data point).
    update(&mut s, key('2'));
    assert!(update(&mut s, key('n')).is_empty());
    assert!(update(&mut s, key('x')).is_empty());
    assert!(edit(&mut s).is_none());
}

#[test]
fn every_home_row_opens_and_esc_comes_back_to_the_same_row() {
    let mut s = at_home();
    let rows = home(&s).len();
    assert_eq!(rows, 7);
    let mut opened = Vec::new();
    for i in 0..rows {
        let fx = update(&mut s, key(KeyCode::Enter));
        match fx[..] {
            [
                Effect::Load {
                    read: Read::Intervention { id, .. },
                    ..
                },
            ] => {
                assert!(matches!(s.top(), Screen::Intervention(d) if d.id == id));
                opened.push(id);
            }
            [
                Effect::Load {
                    read: Read::Student { id, .. },
                    ..
                },
            ] => {
                assert!(matches!(s.top(), Screen::Student(st) if st.id == id));
                opened.push(id);
            }
            _ => panic!("row {i} opened nothing: {fx:?}"),
        }
        update(&mut s, key(KeyCode::Esc));
        assert!(
            matches!(s.top(), Screen::Home(_)),
            "esc back home from row {i}"
        );
        update(&mut s, key('j'));
    }
    let n = |k: u128| Uuid::from_u128(k);
    assert_eq!(
        opened,
        [
            n(1001),
            n(1002),
            n(1003),
            n(1002),
            n(1001),
            n(2009),
            n(1003)
        ]
    );
}
