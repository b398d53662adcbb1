//! The menu screen's state, built from navigation_items rows.

use crate::domain::enums::NavigationType;
use crate::domain::navigation::NavItem;
use uuid::Uuid;

use crate::app::loadable::Loadable;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    Header,
    Separator,
    /// A screen or action; `target` is its screen or action key.
    Item {
        target: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuEntry {
    pub label: String,
    pub depth: usize,
    pub hotkey: Option<char>,
    pub kind: EntryKind,
}

impl MenuEntry {
    pub fn is_item(&self) -> bool {
        matches!(self.kind, EntryKind::Item { .. })
    }
}

/// Deeper menus than this are a data error (or a parent cycle); cut them off.
const MAX_DEPTH: usize = 6;

/// Flattens the rows into display order. Only rows reachable from a root
/// appear (children of hidden groups are hidden too), groups with no items
/// below them disappear, and separators never lead, trail or repeat.
pub fn build(items: &[NavItem]) -> Vec<MenuEntry> {
    walk(items, None, 0)
}

fn walk(items: &[NavItem], parent: Option<Uuid>, depth: usize) -> Vec<MenuEntry> {
    if depth > MAX_DEPTH {
        return Vec::new();
    }
    let mut children: Vec<&NavItem> = items.iter().filter(|i| i.parent_id == parent).collect();
    children.sort_by(|a, b| (a.sort_order, &a.label).cmp(&(b.sort_order, &b.label)));
    let mut out: Vec<MenuEntry> = Vec::new();
    for item in children {
        let entry = |kind| MenuEntry {
            label: item.label.clone(),
            depth,
            hotkey: item.hotkey.as_deref().and_then(|h| h.chars().next()),
            kind,
        };
        match item.nav_type {
            NavigationType::Group => {
                let below = walk(items, Some(item.id), depth + 1);
                if below.iter().any(MenuEntry::is_item) {
                    out.push(entry(EntryKind::Header));
                    out.extend(below);
                }
            }
            NavigationType::Separator => {
                if out.last().is_some_and(|e| e.kind != EntryKind::Separator) {
                    out.push(entry(EntryKind::Separator));
                }
            }
            NavigationType::Screen | NavigationType::Action => {
                let target = item.target.clone().unwrap_or_default();
                out.push(entry(EntryKind::Item { target }));
            }
        }
    }
    if out.last().is_some_and(|e| e.kind == EntryKind::Separator) {
        out.pop();
    }
    out
}

#[derive(Debug, Clone, Default)]
pub struct MenuState {
    pub list: Loadable<Vec<MenuEntry>>,
    /// Index into `entries()`, on an item whenever there is one.
    pub cursor: usize,
}

impl MenuState {
    /// The lines of the menu; none before it arrives.
    pub fn entries(&self) -> &[MenuEntry] {
        self.list.get().map_or(&[], Vec::as_slice)
    }

    /// The menu arrived (it may be empty: no tool granted).
    pub fn loaded(&self) -> bool {
        self.list.get().is_some()
    }

    /// Shows `entries`, the cursor on the first item.
    pub fn set_entries(&mut self, entries: Vec<MenuEntry>) {
        self.list.set(entries);
        self.cursor = self
            .entries()
            .iter()
            .position(MenuEntry::is_item)
            .unwrap_or(0);
    }

    /// Moves by `delta` items (not lines), clamped at the ends.
    pub fn move_by(&mut self, delta: isize) {
        let items: Vec<usize> = self.item_indices();
        let Some(now) = items.iter().position(|&i| i == self.cursor) else {
            return;
        };
        let next = now
            .saturating_add_signed(delta)
            .min(items.len().saturating_sub(1));
        self.cursor = items[next];
    }

    pub fn to_end(&mut self, last: bool) {
        let items = self.item_indices();
        let pick = if last { items.last() } else { items.first() };
        if let Some(&i) = pick {
            self.cursor = i;
        }
    }

    /// Put the cursor on the first item opening `target`; false if the
    /// person's menu has none (the tool is not granted or not approved).
    pub fn select_target(&mut self, target: &str) -> bool {
        let found = self
            .entries()
            .iter()
            .position(|e| matches!(&e.kind, EntryKind::Item { target: t } if t == target));
        if let Some(i) = found {
            self.cursor = i;
        }
        found.is_some()
    }

    pub fn selected(&self) -> Option<&MenuEntry> {
        self.entries().get(self.cursor).filter(|e| e.is_item())
    }

    /// The first item, in display order, with this hotkey (case-insensitive).
    pub fn by_hotkey(&self, c: char) -> Option<usize> {
        self.entries().iter().position(|e| {
            e.is_item()
                && e.hotkey
                    .is_some_and(|h| h.to_lowercase().eq(c.to_lowercase()))
        })
    }

    fn item_indices(&self) -> Vec<usize> {
        self.entries()
            .iter()
            .enumerate()
            .filter(|(_, e)| e.is_item())
            .map(|(i, _)| i)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nav(id: u128, parent: Option<u128>, label: &str, t: NavigationType, order: i32) -> NavItem {
        NavItem {
            id: Uuid::from_u128(id),
            parent_id: parent.map(Uuid::from_u128),
            label: label.into(),
            nav_type: t,
            target: matches!(t, NavigationType::Screen | NavigationType::Action)
                .then(|| label.to_lowercase()),
            hotkey: Some(label[..1].to_lowercase()),
            sort_order: order,
        }
    }

    #[test]
    fn empty_groups_orphans_and_stray_separators_disappear() {
        use NavigationType::*;
        let rows = vec![
            nav(1, None, "Students", Group, 1),
            nav(2, Some(1), "Roster", Screen, 2),
            nav(3, Some(1), "-", Separator, 3),
            nav(4, None, "Admin", Group, 2), // its only child was filtered out by SQL
            nav(5, None, "-", Separator, 0),
            nav(6, Some(99), "Orphan", Screen, 1), // parent hidden
            nav(7, None, "Caseload", Screen, 3),
        ];
        let labels: Vec<(String, usize)> = build(&rows)
            .into_iter()
            .map(|e| (e.label, e.depth))
            .collect();
        assert_eq!(
            labels,
            vec![
                ("Students".into(), 0),
                ("Roster".into(), 1),
                ("Caseload".into(), 0)
            ]
        );
    }

    #[test]
    fn cursor_skips_headers() {
        use NavigationType::*;
        let rows = vec![
            nav(1, None, "Students", Group, 1),
            nav(2, Some(1), "Roster", Screen, 1),
            nav(3, Some(1), "Caseload", Screen, 2),
        ];
        let mut m = MenuState::default();
        m.set_entries(build(&rows));
        assert_eq!(m.cursor, 1);
        m.move_by(-1);
        assert_eq!(m.cursor, 1);
        m.move_by(5);
        assert_eq!(m.cursor, 2);
        assert_eq!(m.by_hotkey('R'), Some(1));
    }
}
