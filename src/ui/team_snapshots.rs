//! The detail's team tab: the members with what the keys do, the picker,
//! the form for someone outside, and the removal question; at 80×24 and
//! 200×60, and with NO_COLOR.

use super::iv_snapshots::{at_detail, draw, no_colours, text};
use crate::app::fixtures::{ctrl, key};
use crate::app::team::TeamOutcome;
use crate::app::{Data, Read};
use crate::app::{Effect, Msg, State, update};
use crate::domain::kinds::TeamRole;
use crate::domain::team::Candidate;
use crate::domain::team::TeamMember;
use crossterm::event::KeyCode;
use uuid::Uuid;

fn type_text(s: &mut State, text: &str) -> Vec<Effect> {
    text.chars().flat_map(|c| update(s, key(c))).collect()
}

/// The team tab with the owner, a teacher and an outside therapist whose
/// organisation has a wide name.
fn on_team(width: u16, height: u16) -> State {
    let mut s = at_detail(width, height);
    update(&mut s, key('3'));
    if let Some(crate::app::Screen::Intervention(d)) = s.screens.last_mut()
        && let Some(x) = d.detail.get_mut()
    {
        x.team.push(TeamMember {
            id: Uuid::from_u128(7002),
            user_id: Some(Uuid::from_u128(2)),
            name: "Lee Okafor".into(),
            external_org: None,
            role: TeamRole::Teacher,
            can_edit: false,
        });
        x.team.push(TeamMember {
            id: Uuid::from_u128(7003),
            user_id: None,
            name: "Dr. Mei\x1b[2J Chen".into(),
            external_org: Some("東京 Speech Clinic".into()),
            role: TeamRole::Observer,
            can_edit: false,
        });
    }
    s
}

fn picker(width: u16, height: u16) -> State {
    let mut s = on_team(width, height);
    update(&mut s, key('n'));
    let Some(Effect::Load {
        req,
        read: Read::TeamCandidates { .. },
    }) = type_text(&mut s, "ma").pop()
    else {
        panic!()
    };
    let found = (0..12)
        .map(|i| Candidate {
            id: Uuid::from_u128(50 + i),
            name: format!("Mara Lind {i}"),
            roles: if i % 2 == 0 {
                "teacher"
            } else {
                "interventionist, teacher"
            }
            .into(),
        })
        .collect();
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::TeamCandidates { found },
        },
    );
    // The first match is highlighted as the answer arrives.
    s
}

#[test]
fn members_80x24_with_the_owner_selected() {
    let s = on_team(80, 24);
    let screen = text(&draw(&s, 80, 24, false));
    assert!(
        screen.contains("the owner always stays on the team"),
        "{screen}"
    );
    assert!(!screen.contains('\x1b'));
    insta::assert_snapshot!(screen);
}

#[test]
fn picker_80x24_and_200x60() {
    insta::assert_snapshot!("picker_80x24", text(&draw(&picker(80, 24), 80, 24, false)));
    insta::assert_snapshot!(
        "picker_200x60",
        text(&draw(&picker(200, 60), 200, 60, false))
    );
}

#[test]
fn outside_form_200x60_no_color() {
    let mut s = picker(200, 60);
    update(&mut s, key(KeyCode::Up));
    update(&mut s, key(KeyCode::Enter));
    type_text(&mut s, "Dr. Okafor");
    // Enter moves on; Ctrl-S tries to save and shows what is missing.
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, key(ctrl('s')));
    let t = draw(&s, 200, 60, true);
    assert!(no_colours(&t));
    let screen = text(&t);
    assert!(screen.contains("an organisation is required"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn remove_question_80x24_no_color_and_the_refusal() {
    let mut s = on_team(80, 24);
    update(&mut s, key('j'));
    update(&mut s, key('x'));
    let t = draw(&s, 80, 24, true);
    assert!(no_colours(&t));
    insta::assert_snapshot!("remove_question_80x24", text(&t));
    let Some(Effect::RemoveTeamMember { req, .. }) = update(&mut s, key('y')).pop() else {
        panic!()
    };
    update(
        &mut s,
        Msg::Written {
            req,
            wrote: crate::app::Wrote::Team(TeamOutcome::Refused(
                "the owner is always on the team: change the owner first".into(),
            )),
        },
    );
    let screen = text(&draw(&s, 80, 24, true));
    assert!(
        screen.contains("Lee Okafor not removed: the owner is always on the team"),
        "{screen}"
    );
}
