//! The menu as the menu editor sees it: every `navigation_items` row,
//! hidden ones too, with what decides who sees it (its tool's status and
//! the roles granted the tool). Moves are worked out here, without IO, as
//! the new parent and sibling order the database is then told.

use crate::domain::enums::{NavigationType, ToolStatus};
use crate::domain::navigation::NavItem;
use uuid::Uuid;

/// One row of `navigation_items`, with its tool's status and grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NavRow {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub label: String,
    pub nav_type: NavigationType,
    pub tool_id: Option<Uuid>,
    pub target: Option<String>,
    pub hotkey: Option<String>,
    pub sort_order: i32,
    pub is_visible: bool,
    pub tool_status: Option<ToolStatus>,
    /// Keys of the roles granted the item's tool.
    pub roles: Vec<String>,
}

impl NavRow {
    /// Screens and actions: what a letter opens.
    pub fn opens(&self) -> bool {
        matches!(
            self.nav_type,
            NavigationType::Screen | NavigationType::Action
        )
    }

    fn nav_item(&self) -> NavItem {
        NavItem {
            id: self.id,
            parent_id: self.parent_id,
            label: self.label.clone(),
            nav_type: self.nav_type,
            target: self.target.clone(),
            hotkey: self.hotkey.clone(),
            sort_order: self.sort_order,
        }
    }
}

/// What the menu editor loads: every row, and the approved tools a new
/// screen can open.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MenuTree {
    pub rows: Vec<NavRow>,
    /// (key, name) of every approved tool, by key.
    pub tools: Vec<(String, String)>,
}

/// The rows the menu query (`db::navigation::menu_items`) returns for a
/// person whose roles are `roles`: visible, and tool-less or with an
/// approved tool granted to one of them. The preview builds the menu from
/// these with the menu's own code, so it is what that person sees.
pub fn as_role_sees(rows: &[NavRow], roles: &[&str]) -> Vec<NavItem> {
    rows.iter()
        .filter(|r| r.is_visible)
        .filter(|r| {
            r.tool_id.is_none()
                || (r.tool_status == Some(ToolStatus::Approved)
                    && r.roles.iter().any(|k| roles.contains(&k.as_str())))
        })
        .map(NavRow::nav_item)
        .collect()
}

/// Siblings under `parent` in menu order (the order `menu::build` draws).
pub fn children(rows: &[NavRow], parent: Option<Uuid>) -> Vec<&NavRow> {
    let mut v: Vec<&NavRow> = rows.iter().filter(|r| r.parent_id == parent).collect();
    v.sort_by(|a, b| (a.sort_order, &a.label, a.id).cmp(&(b.sort_order, &b.label, b.id)));
    v
}

/// The tree in display order with each row's depth: what the editor lists.
pub fn flatten(rows: &[NavRow]) -> Vec<(usize, &NavRow)> {
    fn walk<'a>(
        rows: &'a [NavRow],
        parent: Option<Uuid>,
        depth: usize,
        out: &mut Vec<(usize, &'a NavRow)>,
    ) {
        // A parent cycle cannot be written (0028), but rows are data.
        if depth > 8 {
            return;
        }
        for r in children(rows, parent) {
            out.push((depth, r));
            if r.nav_type == NavigationType::Group {
                walk(rows, Some(r.id), depth + 1, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(rows, None, 0, &mut out);
    out
}

/// Where an item goes: its parent and the new order of that parent's
/// children (every id in it gets `sort_order` 10, 20, 30 …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub order: Vec<Uuid>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Up,
    Down,
    /// Into the group just above it, as its last item.
    In,
    /// Out of its group, just after it.
    Out,
}

/// The placement `mv` gives item `id`, or why it cannot move that way.
pub fn place(rows: &[NavRow], id: Uuid, mv: Move) -> Result<Placement, String> {
    let me = rows
        .iter()
        .find(|r| r.id == id)
        .ok_or_else(|| "that item is gone: reload (r)".to_string())?;
    let ids = |v: Vec<&NavRow>| v.into_iter().map(|r| r.id).collect::<Vec<Uuid>>();
    let mut siblings = ids(children(rows, me.parent_id));
    let at = siblings.iter().position(|&s| s == id).unwrap_or(0);
    match mv {
        Move::Up | Move::Down => {
            let to = match mv {
                Move::Up => at.checked_sub(1).ok_or("already the first in its group")?,
                _ => Some(at + 1)
                    .filter(|&t| t < siblings.len())
                    .ok_or("already the last in its group")?,
            };
            siblings.swap(at, to);
            Ok(Placement {
                id,
                parent_id: me.parent_id,
                order: siblings,
            })
        }
        Move::In => {
            let above = at
                .checked_sub(1)
                .and_then(|i| rows.iter().find(|r| r.id == siblings[i]))
                .filter(|r| r.nav_type == NavigationType::Group)
                .ok_or("only an item just below a group can go into it")?;
            let mut order = ids(children(rows, Some(above.id)));
            order.push(id);
            Ok(Placement {
                id,
                parent_id: Some(above.id),
                order,
            })
        }
        Move::Out => {
            let parent_id = me.parent_id.ok_or("already at the top level")?;
            let parent = rows
                .iter()
                .find(|r| r.id == parent_id)
                .ok_or("its group is gone: reload (r)")?;
            let mut order = ids(children(rows, parent.parent_id));
            let after = order.iter().position(|&s| s == parent_id).unwrap_or(0);
            order.insert(after + 1, id);
            Ok(Placement {
                id,
                parent_id: parent.parent_id,
                order,
            })
        }
    }
}

/// A change to the menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MenuChange {
    Place(Placement),
    Rename {
        id: Uuid,
        label: String,
    },
    Hotkey {
        id: Uuid,
        hotkey: Option<char>,
    },
    Visible {
        id: Uuid,
        visible: bool,
    },
    /// Item `id` goes (an empty group, a screen, an action, a separator).
    Delete {
        id: Uuid,
    },
    /// A new item placed by `at` (its id is `at.id`).
    Add {
        nav_type: NavigationType,
        label: String,
        /// For a screen: the tool's key, which is its target.
        tool_key: Option<String>,
        at: Placement,
    },
}

/// Where a new item `id` goes: just after `after` among its siblings, or
/// last at the top level when nothing is selected.
pub fn place_new(rows: &[NavRow], after: Option<Uuid>, id: Uuid) -> Placement {
    let parent_id = after
        .and_then(|a| rows.iter().find(|r| r.id == a))
        .and_then(|r| r.parent_id);
    let mut order: Vec<Uuid> = children(rows, parent_id).iter().map(|r| r.id).collect();
    let at = after
        .and_then(|a| order.iter().position(|&o| o == a))
        .map_or(order.len(), |i| i + 1);
    order.insert(at, id);
    Placement {
        id,
        parent_id,
        order,
    }
}

/// A label as typed, or why not (the table's rule: 1 to 60 characters).
pub fn label(typed: &str) -> Result<String, String> {
    let t = typed.trim();
    match t.chars().count() {
        0 => Err("a label cannot be empty".into()),
        n if n > 60 => Err(format!("a label is at most 60 characters (this is {n})")),
        _ if t.chars().any(char::is_control) => {
            Err("a label may not contain control characters".into())
        }
        _ => Ok(t.to_string()),
    }
}

/// A key letter as typed (empty: none), or why not. `holder` names the
/// visible screen or action that has it already: the menu is drawn flat, so
/// a letter opens one item in the whole tree.
pub fn hotkey(rows: &[NavRow], id: Uuid, typed: &str) -> Result<Option<char>, String> {
    let t = typed.trim();
    let mut chars = t.chars();
    let c = match (chars.next(), chars.next()) {
        (None, _) => return Ok(None),
        (Some(c), None) if c.is_ascii_alphanumeric() => c,
        _ => return Err(format!("a menu key is one letter or digit (not {t:?})")),
    };
    let me = rows.iter().find(|r| r.id == id);
    if me.is_some_and(|m| m.is_visible && m.opens())
        && let Some(holder) = rows.iter().find(|r| {
            r.id != id
                && r.is_visible
                && r.opens()
                && r.hotkey
                    .as_deref()
                    .is_some_and(|h| h.eq_ignore_ascii_case(&c.to_string()))
        })
    {
        return Err(format!("the key {c} is taken by \"{}\"", holder.label));
    }
    Ok(Some(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(n: u128, parent: Option<u128>, label: &str, t: NavigationType, sort: i32) -> NavRow {
        NavRow {
            id: Uuid::from_u128(n),
            parent_id: parent.map(Uuid::from_u128),
            label: label.into(),
            nav_type: t,
            tool_id: (t == NavigationType::Screen).then(|| Uuid::from_u128(1000 + n)),
            target: (t == NavigationType::Screen).then(|| label.to_lowercase()),
            hotkey: None,
            sort_order: sort,
            is_visible: true,
            tool_status: (t == NavigationType::Screen).then_some(ToolStatus::Approved),
            roles: vec!["admin".into()],
        }
    }

    fn tree() -> Vec<NavRow> {
        use NavigationType::*;
        vec![
            row(1, None, "Home", Screen, 10),
            row(2, None, "Students", Group, 20),
            row(3, Some(2), "Roster", Screen, 10),
            row(4, Some(2), "Schools", Screen, 20),
            row(5, None, "Reports", Screen, 30),
        ]
    }

    fn u(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    #[test]
    fn moves_reorder_siblings_and_cross_groups() {
        let t = tree();
        assert_eq!(
            place(&t, u(4), Move::Up).map(|p| p.order),
            Ok(vec![u(4), u(3)])
        );
        assert_eq!(
            place(&t, u(3), Move::Up),
            Err("already the first in its group".into())
        );
        // Reports sits below the Students group: in goes last into it.
        let p = place(&t, u(5), Move::In).expect("in");
        assert_eq!((p.parent_id, p.order), (Some(u(2)), vec![u(3), u(4), u(5)]));
        // Roster out of Students: right after the group, at the top level.
        let p = place(&t, u(3), Move::Out).expect("out");
        assert_eq!((p.parent_id, p.order), (None, vec![u(1), u(2), u(3), u(5)]));
        assert!(place(&t, u(2), Move::In).is_err(), "Home is not a group");
        assert!(place(&t, u(1), Move::Out).is_err());
    }

    #[test]
    fn a_letter_anywhere_in_the_tree_is_refused_naming_its_holder() {
        let mut t = tree();
        t[2].hotkey = Some("r".into());
        assert_eq!(
            hotkey(&t, u(5), "R"),
            Err("the key R is taken by \"Roster\"".into())
        );
        assert_eq!(hotkey(&t, u(3), "r"), Ok(Some('r')), "its own letter");
        assert_eq!(hotkey(&t, u(5), ""), Ok(None));
        assert!(hotkey(&t, u(5), "?").is_err());
        assert!(hotkey(&t, u(5), "ab").is_err());
        // A hidden item's letter is free (and a group's never counts).
        t[2].is_visible = false;
        assert_eq!(hotkey(&t, u(5), "r"), Ok(Some('r')));
    }

    #[test]
    fn a_role_sees_visible_items_of_approved_tools_granted_to_it() {
        let mut t = tree();
        t[3].tool_status = Some(ToolStatus::Rejected);
        t[4].roles = vec!["counselor".into()];
        let labels = |v: Vec<NavItem>| v.into_iter().map(|i| i.label).collect::<Vec<_>>();
        assert_eq!(
            labels(as_role_sees(&t, &["admin"])),
            ["Home", "Students", "Roster"]
        );
        assert_eq!(
            labels(as_role_sees(&t, &["counselor"])),
            ["Students", "Reports"]
        );
    }
}
