//! One letter, one item. Hotkeys are data (`navigation_items.hotkey`), unique
//! only among siblings, while the menu is flat: a letter can come twice, or be
//! a key the menu keeps for itself. The first item in display order keeps its
//! letter; a later one gets a free letter, drawn in its place.

use super::state::MenuEntry;
use crate::app::keymap::{Action, KeyMap};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::fmt;

/// Keys the menu never gives up to an item's letter: leaving, help and moving
/// must work on every menu, whatever the data says. Every other binding
/// (retry, open, another screen's keys) means little on the menu, so a
/// letter wins over it.
pub fn beats_hotkeys(action: Action) -> bool {
    use Action::*;
    matches!(
        action,
        Quit | Help | Command | Back | Up | Down | PageUp | PageDown | Top | Bottom
    )
}

/// The action that would take `c` (typed plain or with shift, as letters are
/// matched without case) from an item on the menu, if any.
pub fn reserved(keymap: &KeyMap, c: char) -> Option<Action> {
    let forms = c.to_lowercase().chain(c.to_uppercase());
    forms
        .filter_map(|f| {
            let mods = if f.is_uppercase() {
                KeyModifiers::SHIFT
            } else {
                KeyModifiers::NONE
            };
            keymap.action(&KeyEvent::new(KeyCode::Char(f), mods))
        })
        .find(|&a| beats_hotkeys(a))
}

/// Who already has the letter an item asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holder {
    /// An earlier item, by label.
    Item(String),
    /// A key binding the menu keeps.
    Key(Action),
}

/// An item that could not have the letter it asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clash {
    pub label: String,
    pub wanted: char,
    pub holder: Holder,
    /// The letter it was given instead; `None` when every letter was taken.
    pub given: Option<char>,
}

impl fmt::Display for Clash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Clash {
            label,
            wanted,
            holder,
            given,
        } = self;
        match holder {
            Holder::Item(other) => write!(f, "{label:?} asks for [{wanted}], which {other:?} has")?,
            Holder::Key(a) => write!(
                f,
                "{label:?} asks for [{wanted}], the key for {:?}",
                a.name()
            )?,
        }
        match given {
            Some(g) => write!(f, ": shown as [{g}]"),
            None => f.write_str(": shown without a letter (none is free)"),
        }
    }
}

/// Gives every item a letter no earlier item and no kept key has, and says
/// which items did not get the one they asked for. Items that asked for
/// none stay without one.
pub fn settle(entries: &mut [MenuEntry], keymap: &KeyMap) -> Vec<Clash> {
    let same = |a: char, b: char| a.to_lowercase().eq(b.to_lowercase());
    // First the letters that stand, so that a moved item never takes a
    // letter a later item asked for in its own right.
    let mut owners: Vec<(char, String)> = Vec::new();
    let mut losers: Vec<(usize, Holder)> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let Some(h) = e.hotkey.filter(|_| e.is_item()) else {
            continue;
        };
        if let Some(a) = reserved(keymap, h) {
            losers.push((i, Holder::Key(a)));
        } else if let Some((_, other)) = owners.iter().find(|(o, _)| same(*o, h)) {
            losers.push((i, Holder::Item(other.clone())));
        } else {
            owners.push((h, e.label.clone()));
        }
    }
    let mut clashes = Vec::new();
    for (i, holder) in losers {
        let Some(entry) = entries.get_mut(i) else {
            continue;
        };
        let wanted = entry.hotkey.unwrap_or(' ');
        let given = free_letter(&entry.label, |c| {
            reserved(keymap, c).is_none() && !owners.iter().any(|(o, _)| same(*o, c))
        });
        if let Some(g) = given {
            owners.push((g, entry.label.clone()));
        }
        entry.hotkey = given;
        clashes.push(Clash {
            label: entry.label.clone(),
            wanted,
            holder,
            given,
        });
    }
    clashes
}

/// The label's own letters first (a reader can guess them), then the
/// alphabet, then digits.
fn free_letter(label: &str, free: impl Fn(char) -> bool) -> Option<char> {
    label
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .chain('a'..='z')
        .chain('0'..='9')
        .find(|&c| free(c))
}

#[cfg(test)]
mod tests {
    use super::super::state::EntryKind;
    use super::*;
    use std::collections::HashMap;

    fn item(label: &str, key: Option<char>) -> MenuEntry {
        MenuEntry {
            label: label.into(),
            depth: 1,
            hotkey: key,
            kind: EntryKind::Item {
                target: label.to_lowercase(),
            },
        }
    }

    fn letters(entries: &[MenuEntry]) -> Vec<Option<char>> {
        entries.iter().map(|e| e.hotkey).collect()
    }

    #[test]
    fn a_repeated_letter_moves_to_a_free_one_of_the_label() {
        let mut m = vec![
            item("Roster", Some('r')),
            item("Reports", Some('r')),
            item("Export", Some('e')),
            item("Documents", Some('D')),
            item("Documents", Some('d')),
        ];
        let clashes = settle(&mut m, &KeyMap::default());
        // Reports skips r and e (Export asked for it first, even though it
        // comes later) and takes p; the second Documents takes o.
        assert_eq!(
            letters(&m),
            [Some('r'), Some('p'), Some('e'), Some('D'), Some('o')]
        );
        assert_eq!(
            clashes.iter().map(ToString::to_string).collect::<Vec<_>>(),
            [
                "\"Reports\" asks for [r], which \"Roster\" has: shown as [p]",
                "\"Documents\" asks for [d], which \"Documents\" has: shown as [o]",
            ]
        );
    }

    #[test]
    fn letters_the_menu_keeps_are_never_given() {
        // j moves down, q quits, G goes to the bottom; r (retry), l (open),
        // s (the roster's sort) and a (actions) mean nothing on the menu.
        let mut m = vec![
            item("Jobs", Some('j')),
            item("Queue", Some('q')),
            item("Grades", Some('g')),
            item("Reports", Some('r')),
            item("Log", Some('l')),
            item("Schools", Some('s')),
            item("Actions", Some('a')),
            item("Nothing asked", None),
        ];
        let clashes = settle(&mut m, &KeyMap::default());
        assert_eq!(
            letters(&m),
            [
                Some('o'),
                Some('u'),
                Some('d'),
                Some('r'),
                Some('l'),
                Some('s'),
                Some('a'),
                None
            ]
        );
        assert_eq!(
            clashes[0].to_string(),
            "\"Jobs\" asks for [j], the key for \"down\": shown as [o]"
        );
        assert_eq!(clashes.len(), 3);
    }

    #[test]
    fn rebound_keys_move_letters_with_them() {
        let keys = HashMap::from([("down".to_string(), vec!["n".to_string()])]);
        let (km, _) = KeyMap::new(&keys);
        let mut m = vec![item("Notes", Some('n')), item("Jobs", Some('j'))];
        settle(&mut m, &km);
        // n moves down now; j is free again.
        assert_eq!(letters(&m), [Some('o'), Some('j')]);
    }

    #[test]
    fn no_free_letter_leaves_the_item_without_one() {
        let mut m: Vec<MenuEntry> = ('a'..='z')
            .chain('0'..='9')
            .map(|c| item(&format!("Item {c}"), Some(c)))
            .collect();
        m.push(item("Late", Some('l')));
        let clashes = settle(&mut m, &KeyMap::default());
        assert_eq!(m.last().and_then(|e| e.hotkey), None);
        assert!(clashes.last().is_some_and(|c| c.given.is_none()));
    }
}
