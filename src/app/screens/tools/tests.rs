//! Tool approval through update(): opened by `:admin.tools`, a move chosen
//! among the legal ones, a rejection that needs a note, the question before
//! every move, grants toggled, and the menus reloaded after a change.

use super::{Mode, ToolsState};
use crate::app::fixtures::key;
use crate::app::iv_tests::at_home;
use crate::app::schools::tests::typed;
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
            tool(
                2,
                "import.sis",
                "SIS import",
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
    let mut s = at_home();
    let fx = typed(&mut s, "admin.tools");
    let [
        Effect::Load {
            req,
            read: Read::Tool { ref key },
        },
    ] = fx[..]
    else {
        panic!("{fx:?}")
    };
    let fx = update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::Tool {
                key: key.clone(),
                access: ToolAccess::Allowed {
                    name: "Tool approval".into(),
                },
            },
        },
    );
    let [
        Effect::Load {
            req,
            read: Read::ToolCatalogue,
        },
    ] = fx[..]
    else {
        panic!("{fx:?}")
    };
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::ToolCatalogue {
                catalogue: Box::new(catalogue()),
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
fn approving_a_tool_in_review_asks_then_sends_the_move_and_reloads_the_menus() {
    let mut s = loaded();
    assert_eq!(tools(&s).tools().len(), 3);
    update(&mut s, key('j')); // SIS import, in review
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
    assert!(matches!(tools(&s).mode, Mode::Note { .. }));
    send_keys(&mut s, "OneRoster 1.2 certified");
    update(&mut s, key(KeyCode::Enter));
    assert!(matches!(tools(&s).mode, Mode::Confirm { .. }));
    // Enter keeps things as they are: nothing is sent.
    let fx = update(&mut s, key(KeyCode::Enter));
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(tools(&s).mode, Mode::List);

    update(&mut s, key('a'));
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, key(KeyCode::Enter)); // no note: fine for approving
    let fx = update(&mut s, key('y'));
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
    update(&mut s, key(KeyCode::Enter));
    let fx = update(&mut s, key('y'));
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

    // Approved → retired; the database refuses (a stale screen): said in words.
    update(&mut s, key('g'));
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
    update(&mut s, key('j')); // SIS import: coordinator
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
