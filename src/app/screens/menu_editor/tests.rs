//! The menu editor through update(): the tree loaded, moves worked out as
//! placements, a rename, a key letter refused naming the item that has it
//! (and a key the menu keeps), hiding, adding, and the preview built by the
//! menu's own code as the chosen role sees it.

use super::{MenuEditorState, Mode};
use crate::app::fixtures::{ctrl, key};
use crate::app::iv_tests::at_home;
use crate::app::menu::EntryKind;
use crate::app::schools::tests::open_tool;
use crate::app::test_prelude::*;
use crate::domain::admin::AdminChange;
use crate::domain::enums::{NavigationType, ToolStatus};
use crate::domain::menu_tree::{MenuChange, MenuTree, NavRow};

fn row(
    n: u128,
    parent: Option<u128>,
    label: &str,
    t: NavigationType,
    hotkey: Option<&str>,
    roles: &[&str],
) -> NavRow {
    let opens = matches!(t, NavigationType::Screen | NavigationType::Action);
    NavRow {
        id: Uuid::from_u128(n),
        parent_id: parent.map(Uuid::from_u128),
        label: label.into(),
        nav_type: t,
        tool_id: opens.then(|| Uuid::from_u128(1000 + n)),
        target: opens.then(|| label.to_lowercase().replace(' ', "_")),
        hotkey: hotkey.map(Into::into),
        sort_order: n as i32 * 10,
        is_visible: true,
        tool_status: opens.then_some(ToolStatus::Approved),
        roles: roles.iter().map(|r| r.to_string()).collect(),
    }
}

pub(crate) fn tree() -> MenuTree {
    use NavigationType::*;
    let mut rows = vec![
        row(
            1,
            None,
            "Caseload",
            Screen,
            Some("h"),
            &["counselor", "admin"],
        ),
        row(2, None, "Students", Group, Some("s"), &[]),
        row(
            3,
            Some(2),
            "Roster",
            Screen,
            Some("r"),
            &["counselor", "admin"],
        ),
        row(
            4,
            Some(2),
            "SIS import",
            Screen,
            Some("y"),
            &["counselor", "admin"],
        ),
        row(5, None, "Tools", Screen, Some("z"), &["admin"]),
    ];
    rows[3].tool_status = Some(ToolStatus::Rejected);
    MenuTree {
        rows,
        tools: vec![("roster".into(), "Student roster".into())],
    }
}

fn editor(s: &State) -> &MenuEditorState {
    match s.top() {
        Screen::MenuEditor(x) => x,
        other => panic!("top is {}", other.title()),
    }
}

pub(crate) fn loaded() -> State {
    let mut s = at_home();
    let (_, req, read) = open_tool(&mut s, "admin.tools.navigation", "Menu editor");
    assert!(matches!(read, Read::MenuTree), "{read:?}");
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::MenuTree {
                tree: Box::new(tree()),
            },
        },
    );
    s
}

fn written(s: &mut State, fx: &[Effect]) -> MenuChange {
    let [
        Effect::Admin {
            req,
            change: AdminChange::Menu(ref change),
        },
    ] = fx[..]
    else {
        panic!("{fx:?}")
    };
    let change = change.clone();
    update(
        s,
        Msg::Written {
            req,
            wrote: Wrote::Admin(Ok(())),
        },
    );
    change
}

fn labels(s: &State) -> Vec<String> {
    editor(s)
        .preview
        .iter()
        .map(|e| match &e.kind {
            EntryKind::Item { .. } => format!("[{}] {}", e.hotkey.unwrap_or(' '), e.label),
            _ => e.label.clone(),
        })
        .collect()
}

#[test]
fn the_preview_is_the_menu_a_counselor_gets_and_p_turns_to_the_next_role() {
    let mut s = loaded();
    assert_eq!(editor(&s).role(), "counselor");
    // The rejected SIS import and the admins' Tools are left out.
    assert_eq!(labels(&s), ["[h] Caseload", "Students", "[r] Roster"]);
    let fx = update(&mut s, key('p'));
    assert!(fx.is_empty());
    assert_eq!(editor(&s).role(), "coordinator");
    assert!(
        labels(&s).is_empty(),
        "no tool granted to coordinators here"
    );
}

#[test]
fn renaming_sends_the_new_label_and_the_cursor_stays_on_the_item() {
    let mut s = loaded();
    update(&mut s, key('j'));
    update(&mut s, key('j')); // Roster
    update(&mut s, key('e'));
    assert!(matches!(editor(&s).mode, Mode::Rename(_)));
    update(&mut s, key(ctrl('u')));
    for c in "Class list".chars() {
        update(&mut s, key(c));
    }
    let fx = update(&mut s, key(KeyCode::Enter));
    let change = written(&mut s, &fx);
    assert_eq!(
        change,
        MenuChange::Rename {
            id: Uuid::from_u128(3),
            label: "Class list".into()
        }
    );
    assert_eq!(editor(&s).keep, Some(Uuid::from_u128(3)));
    assert!(
        s.message
            .as_ref()
            .is_some_and(|(_, m)| m == "renamed: Class list")
    );
}

#[test]
fn an_empty_label_is_refused_in_words_and_the_form_stays() {
    let mut s = loaded();
    update(&mut s, key('e'));
    update(&mut s, key(ctrl('u')));
    let fx = update(&mut s, key(KeyCode::Enter));
    assert!(fx.is_empty());
    let Mode::Rename(f) = &editor(&s).mode else {
        panic!()
    };
    assert_eq!(f.shown_error(0), Some("a label cannot be empty"));
}

#[test]
fn a_key_letter_another_item_has_is_refused_naming_it() {
    let mut s = loaded();
    update(&mut s, key('G')); // Tools [z]
    update(&mut s, key('h'));
    update(&mut s, key(ctrl('u')));
    update(&mut s, key('R'));
    let fx = update(&mut s, key(KeyCode::Enter));
    assert!(fx.is_empty(), "{fx:?}");
    let Mode::Hotkey(f) = &editor(&s).mode else {
        panic!("{:?}", editor(&s).mode)
    };
    assert_eq!(f.shown_error(0), Some("the key R is taken by \"Roster\""));
    // q quits on every menu.
    update(&mut s, key(ctrl('u')));
    update(&mut s, key('q'));
    let Mode::Hotkey(f) = &editor(&s).mode else {
        panic!()
    };
    assert!(
        f.shown_error(0).is_some_and(|e| e.contains("\"quit\"")),
        "{:?}",
        f.errors
    );
    update(&mut s, key(ctrl('u')));
    update(&mut s, key('t'));
    let fx = update(&mut s, key(KeyCode::Enter));
    assert_eq!(
        written(&mut s, &fx),
        MenuChange::Hotkey {
            id: Uuid::from_u128(5),
            hotkey: Some('t')
        }
    );
}

#[test]
fn moves_hide_and_add_are_sent_as_the_database_is_told() {
    let mut s = loaded();
    update(&mut s, key('G')); // Tools, below Students
    let fx = update(&mut s, key('>'));
    let MenuChange::Place(p) = written(&mut s, &fx) else {
        panic!()
    };
    assert_eq!(p.parent_id, Some(Uuid::from_u128(2)));
    assert_eq!(p.order.last(), Some(&Uuid::from_u128(5)));
    // First row: nothing above it.
    update(&mut s, key('g'));
    let fx = update(&mut s, key('K'));
    assert!(fx.is_empty());
    assert!(s.message.as_ref().is_some_and(|(_, m)| m.contains("first")));
    let fx = update(&mut s, key('x'));
    assert_eq!(
        written(&mut s, &fx),
        MenuChange::Visible {
            id: Uuid::from_u128(1),
            visible: false
        }
    );
    update(&mut s, key('n'));
    update(&mut s, key('j'));
    let fx = update(&mut s, key(KeyCode::Enter)); // a separator, at once
    let MenuChange::Add { nav_type, at, .. } = written(&mut s, &fx) else {
        panic!()
    };
    assert_eq!(nav_type, NavigationType::Separator);
    assert_eq!(at.order.get(1), Some(&at.id), "just after Caseload");
}

#[test]
fn a_group_with_items_is_not_deleted_and_its_items_are_named() {
    let mut s = loaded();
    update(&mut s, key('j')); // Students: Roster and SIS import in it
    let fx = update(&mut s, key('d'));
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(editor(&s).mode, Mode::List, "no question: nothing to ask");
    assert_eq!(
        s.message.as_ref().map(|(_, m)| m.as_str()),
        Some("the group Students holds Roster, SIS import: move or delete them first")
    );
}

#[test]
fn deleting_an_item_asks_and_only_y_deletes() {
    let mut s = loaded();
    update(&mut s, key('G')); // Tools
    update(&mut s, key('d'));
    assert_eq!(
        editor(&s).mode,
        Mode::Delete {
            id: Uuid::from_u128(5)
        }
    );
    // Enter, the tired finger, keeps it.
    let fx = update(&mut s, key(KeyCode::Enter));
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(editor(&s).mode, Mode::List);
    update(&mut s, key('d'));
    let fx = update(&mut s, key('y'));
    assert_eq!(
        written(&mut s, &fx),
        MenuChange::Delete {
            id: Uuid::from_u128(5)
        }
    );
    assert!(
        s.message
            .as_ref()
            .is_some_and(|(_, m)| m == "deleted: Tools"),
        "{:?}",
        s.message
    );
}
