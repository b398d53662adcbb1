//! Tool approval through update(): opened by `:admin.tools`, a move chosen
//! among the legal ones, a rejection that needs a note, enter on the note
//! making the move, a tool without a screen refused approval, grants
//! toggled and scoped, tools added and renamed, and the menus reloaded
//! after a change.

use super::{Mode, ToolsState};
use crate::app::fixtures::{ctrl, key};
use crate::app::iv_tests::at_home;
use crate::app::schools::tests::open_tool;
use crate::app::test_prelude::*;
use crate::domain::admin::AdminChange;
use crate::domain::enums::ToolStatus;
use crate::domain::tools::{RoleChoice, Tool, ToolCatalogue};

pub(crate) fn tool(n: u128, key: &str, name: &str, status: ToolStatus, roles: &[&str]) -> Tool {
    Tool {
        id: Uuid::from_u128(n),
        key: key.into(),
        name: name.into(),
        description: Some(format!("Unlocks the {name} screen.")),
        status,
        requested_by: Some("Casey Coordinator".into()),
        reviewed_by: None,
        reviewed_at: None,
        review_note: None,
        roles: roles.iter().map(|r| r.to_string()).collect(),
        scopes: roles.iter().map(|_| "school".to_string()).collect(),
        history: vec![],
    }
}

pub(crate) fn catalogue() -> ToolCatalogue {
    ToolCatalogue {
        tools: vec![
            tool(
                1,
                "admin.tools",
                "Tool approval",
                ToolStatus::Approved,
                &["admin"],
            ),
            // A tool this client has a screen for, in review.
            tool(
                2,
                "caseload.mine",
                "My caseload",
                ToolStatus::InReview,
                &["coordinator"],
            ),
            tool(
                3,
                "legacy.export",
                "Legacy export",
                ToolStatus::Retired,
                &[],
            ),
        ],
        roles: ["admin", "coordinator", "counselor"]
            .iter()
            .enumerate()
            .map(|(i, k)| RoleChoice {
                id: Uuid::from_u128(100 + i as u128),
                key: k.to_string(),
                name: k.to_string(),
            })
            .collect(),
    }
}

fn tools(s: &State) -> &ToolsState {
    match s.top() {
        Screen::Tools(x) => x,
        other => panic!("top is {}", other.title()),
    }
}

/// At home, `:admin.tools`, the database's yes and the catalogue: the
/// screen with the list loaded.
pub(crate) fn loaded() -> State {
    loaded_with(catalogue())
}

/// As `loaded`, with this catalogue.
pub(crate) fn loaded_with(cat: ToolCatalogue) -> State {
    let mut s = at_home();
    let (_, req, read) = open_tool(&mut s, "admin.tools", "Tool approval");
    assert!(matches!(read, Read::ToolCatalogue), "{read:?}");
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::ToolCatalogue {
                catalogue: Box::new(cat),
            },
        },
    );
    s
}

fn send_keys(s: &mut State, keys: &str) -> Vec<Effect> {
    let mut fx = vec![];
    for c in keys.chars() {
        fx = update(s, key(c));
    }
    fx
}

#[test]
fn approving_a_tool_in_review_sends_the_move_on_the_notes_enter_and_reloads_the_menus() {
    let mut s = loaded();
    assert_eq!(tools(&s).tools().len(), 3);
    update(&mut s, key('j')); // My caseload, in review
    update(&mut s, key('a'));
    let Mode::ChooseMove { moves, .. } = &tools(&s).mode else {
        panic!("{:?}", tools(&s).mode)
    };
    assert_eq!(
        moves,
        &[ToolStatus::Approved, ToolStatus::Rejected],
        "only the legal moves"
    );
    update(&mut s, key(KeyCode::Enter)); // approve
    let Mode::Note { form, .. } = &tools(&s).mode else {
        panic!("{:?}", tools(&s).mode)
    };
    // The note's hint says what its enter does.
    assert!(
        form.focused_hint().contains("enter: approve"),
        "{}",
        form.focused_hint()
    );
    // Esc: nothing moves.
    let fx = update(&mut s, key(KeyCode::Esc));
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(tools(&s).mode, Mode::List);

    update(&mut s, key('a'));
    update(&mut s, key(KeyCode::Enter));
    // No note: fine for approving; enter is the approval, no second question.
    let fx = update(&mut s, key(KeyCode::Enter));
    let [Effect::Admin { req, ref change }] = fx[..] else {
        panic!("{fx:?}")
    };
    assert_eq!(
        change,
        &AdminChange::MoveTool {
            id: Uuid::from_u128(2),
            from: ToolStatus::InReview,
            to: ToolStatus::Approved,
            note: None,
        }
    );
    assert!(s.busy(), "the spinner turns while it saves");
    let fx = update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Admin(Ok(())),
        },
    );
    assert!(
        s.message
            .as_ref()
            .is_some_and(|(_, m)| m.starts_with("approved")),
        "{:?}",
        s.message
    );
    // The list and the menu beneath load again.
    let reads: Vec<&Read> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::Load { read, .. } => Some(read),
            _ => None,
        })
        .collect();
    assert!(reads.contains(&&Read::ToolCatalogue), "{fx:?}");
    assert!(reads.contains(&&Read::Menu), "{fx:?}");
}

#[test]
fn a_rejection_needs_a_note_and_keeps_what_was_typed() {
    let mut s = loaded();
    update(&mut s, key('j'));
    update(&mut s, key('a'));
    update(&mut s, key('j')); // reject
    update(&mut s, key(KeyCode::Enter));
    let fx = update(&mut s, key(KeyCode::Enter));
    assert!(fx.is_empty());
    let Mode::Note { to, form } = &tools(&s).mode else {
        panic!("{:?}", tools(&s).mode)
    };
    assert_eq!(*to, ToolStatus::Rejected);
    assert!(
        form.shown_error(0).is_some_and(|e| e.contains("say why")),
        "{:?}",
        form.errors
    );
    send_keys(&mut s, "no data agreement");
    let fx = update(&mut s, key(KeyCode::Enter));
    let [
        Effect::Admin {
            change: AdminChange::MoveTool { ref note, to, .. },
            ..
        },
    ] = fx[..]
    else {
        panic!("{fx:?}")
    };
    assert_eq!(
        (to, note.as_deref()),
        (ToolStatus::Rejected, Some("no data agreement"))
    );
}

#[test]
fn a_retired_tool_offers_no_move_and_a_refusal_is_said() {
    let mut s = loaded();
    update(&mut s, key('G'));
    let fx = update(&mut s, key('a'));
    assert!(fx.is_empty());
    assert_eq!(tools(&s).mode, Mode::List);
    assert!(
        s.message
            .as_ref()
            .is_some_and(|(_, m)| m.contains("retired")),
        "{:?}",
        s.message
    );

    // Approved → retired, for good: after the note a question, which
    // Enter answers "keep it".
    update(&mut s, key('g'));
    update(&mut s, key('a'));
    update(&mut s, key(KeyCode::Enter));
    let fx = update(&mut s, key(KeyCode::Enter));
    assert!(fx.is_empty(), "{fx:?}");
    assert!(matches!(tools(&s).mode, Mode::Confirm { .. }));
    let fx = update(&mut s, key(KeyCode::Enter));
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(tools(&s).mode, Mode::List);
    // Again, with y; the database refuses (a stale screen): said in words.
    update(&mut s, key('a'));
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, key(KeyCode::Enter));
    let fx = update(&mut s, key('y'));
    let [Effect::Admin { req, .. }] = fx[..] else {
        panic!("{fx:?}")
    };
    update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Admin(Err("only administrators may change tools".into())),
        },
    );
    assert_eq!(
        s.message.as_ref().map(|(_, m)| m.as_str()),
        Some("not saved: only administrators may change tools")
    );
}

#[test]
fn grants_toggle_per_role() {
    let mut s = loaded();
    update(&mut s, key('j')); // My caseload: coordinator
    update(&mut s, key('p'));
    assert!(matches!(tools(&s).mode, Mode::Grants { .. }));
    update(&mut s, key('j')); // coordinator: granted → take away
    let fx = update(&mut s, key(' '));
    let [Effect::Admin { ref change, .. }] = fx[..] else {
        panic!("{fx:?}")
    };
    assert_eq!(
        change,
        &AdminChange::Grant {
            tool: Uuid::from_u128(2),
            role: Uuid::from_u128(101),
            grant: false
        }
    );
    // One change at a time.
    update(&mut s, key('j'));
    let fx = update(&mut s, key(' '));
    assert!(fx.is_empty(), "{fx:?}");
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(tools(&s).mode, Mode::List);
}

#[test]
fn a_tool_no_screen_opens_is_not_approved_and_says_why() {
    let mut cat = catalogue();
    cat.tools[1] = tool(
        2,
        "sessions.bulk",
        "Bulk session entry",
        ToolStatus::InReview,
        &[],
    );
    let mut s = loaded_with(cat);
    update(&mut s, key('j'));
    update(&mut s, key('a'));
    let fx = update(&mut s, key(KeyCode::Enter)); // approve
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(tools(&s).mode, Mode::List);
    assert_eq!(
        s.message.as_ref().map(|(_, m)| m.as_str()),
        Some(
            "this version of caseload has no screen for Bulk session entry; \
             approving it would show an empty menu item"
        )
    );
    // Rejecting it is still possible.
    update(&mut s, key('a'));
    update(&mut s, key('j'));
    update(&mut s, key(KeyCode::Enter));
    assert!(matches!(
        tools(&s).mode,
        Mode::Note {
            to: ToolStatus::Rejected,
            ..
        }
    ));
}

#[test]
fn a_new_tool_is_checked_as_typed_and_sent_as_a_draft() {
    let mut s = loaded();
    update(&mut s, key('n'));
    assert!(matches!(tools(&s).mode, Mode::Edit { editing: None, .. }));
    // A key already taken, then a bad one: said on the field.
    send_keys(&mut s, "admin.tools");
    let Mode::Edit { form, .. } = &tools(&s).mode else {
        panic!()
    };
    assert_eq!(
        form.errors[0].as_deref(),
        Some("another tool has the key admin.tools")
    );
    update(&mut s, key(ctrl('u')));
    send_keys(&mut s, "Reports");
    let Mode::Edit { form, .. } = &tools(&s).mode else {
        panic!()
    };
    assert!(
        form.errors[0]
            .as_deref()
            .is_some_and(|e| e.starts_with("lower-case letters")),
        "{:?}",
        form.errors
    );
    update(&mut s, key(ctrl('u')));
    send_keys(&mut s, "reports.attendance");
    update(&mut s, key(KeyCode::Enter));
    send_keys(&mut s, "Attendance report");
    update(&mut s, key(KeyCode::Enter));
    let fx = update(&mut s, key(KeyCode::Enter)); // no description: fine
    let [Effect::Admin { ref change, .. }] = fx[..] else {
        panic!("{fx:?}")
    };
    assert_eq!(
        change,
        &AdminChange::NewTool {
            key: "reports.attendance".into(),
            name: "Attendance report".into(),
            description: None,
        }
    );
}

#[test]
fn renaming_keeps_the_key_and_sends_name_and_description() {
    let mut s = loaded();
    update(&mut s, key('e'));
    let Mode::Edit { editing, form } = &tools(&s).mode else {
        panic!("{:?}", tools(&s).mode)
    };
    assert_eq!(*editing, Some(Uuid::from_u128(1)));
    assert_eq!(form.values[0], "Tool approval");
    update(&mut s, key(ctrl('u')));
    // An empty name is refused.
    update(&mut s, key(KeyCode::Enter));
    let fx = update(&mut s, key(KeyCode::Enter));
    assert!(fx.is_empty(), "{fx:?}");
    assert!(matches!(tools(&s).mode, Mode::Edit { .. }));
    // The failed save went back to the name.
    send_keys(&mut s, "Tools");
    update(&mut s, key(KeyCode::Enter));
    let fx = update(&mut s, key(KeyCode::Enter));
    let [Effect::Admin { ref change, .. }] = fx[..] else {
        panic!("{fx:?}")
    };
    assert_eq!(
        change,
        &AdminChange::EditTool {
            id: Uuid::from_u128(1),
            name: "Tools".into(),
            description: Some("Unlocks the Tool approval screen.".into()),
        }
    );
}

#[test]
fn a_grants_scope_goes_round_own_school_all() {
    let mut s = loaded();
    update(&mut s, key('j')); // My caseload: coordinator, scope school
    update(&mut s, key('p'));
    // admin: not granted, nothing to scope.
    let fx = update(&mut s, key('s'));
    assert!(fx.is_empty(), "{fx:?}");
    assert!(
        s.message
            .as_ref()
            .is_some_and(|(_, m)| m.contains("space grants it first")),
        "{:?}",
        s.message
    );
    update(&mut s, key('j')); // coordinator
    let fx = update(&mut s, key('s'));
    let [Effect::Admin { ref change, .. }] = fx[..] else {
        panic!("{fx:?}")
    };
    assert_eq!(
        change,
        &AdminChange::GrantScope {
            tool: Uuid::from_u128(2),
            role: Uuid::from_u128(101),
            scope: "all",
        }
    );
}

#[test]
fn the_targets_list_is_what_open_and_the_tools_screen_agree_on() {
    use crate::app::screens::{TARGETS, opens, tool_has_screen};
    for (t, _) in TARGETS {
        assert!(opens(t));
        assert!(tool_has_screen(t), "{t}");
    }
    // A tool opens through its own screens too.
    assert!(tool_has_screen("admin.tools"));
    assert!(tool_has_screen("interventions"));
    assert!(!tool_has_screen("admin.tool"), "a prefix only up to a dot");
    assert!(!tool_has_screen("ai.summary"));
    assert!(!tool_has_screen("sessions.bulk"));
    let mut seen: Vec<&str> = TARGETS.iter().map(|(t, _)| *t).collect();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), TARGETS.len(), "each target once");
}
