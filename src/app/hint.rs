//! The hint line: the keys of the screen as it is now, one line, drawn
//! from the key table (`keymap.rs`) so it says what the keys really are,
//! overrides included. Each screen says which actions apply (`Room::keys`);
//! the key table gives each its short name (`hint "…"`; none: help only,
//! like page keys or the second of a pair); this module puts the line together.

use super::State;
use super::keymap::{Action, Context, Key, KeyMap};
use super::route::{Layer, layer};
use crossterm::event::KeyCode;

/// The global bindings, in the order the hint line offers them (help is
/// always shown, last). A screen lists them among its keys when no text
/// box or question of its own has the keys.
pub const GLOBAL: &[Action] = &[
    Action::Back,
    Action::Quit,
    Action::Command,
    Action::Retry,
    Action::Help,
];

/// Moving through a list.
pub const MOVE: &[Action] = &[
    Action::Down,
    Action::Up,
    Action::PageDown,
    Action::PageUp,
    Action::Top,
    Action::Bottom,
];

/// Every action of one section of the key table, in table order.
pub fn section(ctx: Context) -> Vec<Action> {
    Action::ALL
        .iter()
        .copied()
        .filter(|a| a.context() == ctx)
        .collect()
}

/// One entry of the hint line: `j/k` and `move`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    pub keys: String,
    pub label: &'static str,
}

/// The hint line: the screen's entries in order (drawn while they fit),
/// and help, which is always drawn.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hints {
    pub entries: Vec<Hint>,
    pub help: Option<Hint>,
}

/// The hint line for what has the keys. Only a screen gets one: the
/// password prompt, the command line, help and the session-log picker say
/// their keys in their own box.
pub fn hints(state: &State) -> Hints {
    if layer(state) != Layer::Screen {
        return Hints::default();
    }
    let top = state.top();
    build(&state.keymap, &top.keys(), |a| top.hint(a))
}

fn build(
    keymap: &KeyMap,
    actions: &[Action],
    word: impl Fn(Action) -> Option<&'static str>,
) -> Hints {
    let mut entries: Vec<Hint> = Vec::new();
    for &a in actions.iter().filter(|&&a| a != Action::Help) {
        let (Some(label), Some(key)) = (word(a), keymap.keys(a).first()) else {
            continue;
        };
        let key = compact(key);
        match entries.last_mut() {
            Some(last) if last.label == label => {
                last.keys.push('/');
                last.keys.push_str(&key);
            }
            _ => entries.push(Hint { keys: key, label }),
        }
    }
    // Where the screen keeps the help key for typing, a function key bound
    // to help still opens it (the router sees to that).
    let help_keys: Vec<&Key> = if actions.contains(&Action::Help) {
        keymap.keys(Action::Help).iter().take(1).collect()
    } else {
        keymap
            .keys(Action::Help)
            .iter()
            .filter(|k| matches!(k.code, KeyCode::F(_)))
            .take(1)
            .collect()
    };
    let help = help_keys.first().map(|k| Hint {
        keys: compact(k),
        label: "help",
    });
    Hints { entries, help }
}

/// A key as the hint line shows it: arrows as arrows.
fn compact(key: &Key) -> String {
    match (key.code, key.mods.is_empty()) {
        (KeyCode::Up, true) => "↑".into(),
        (KeyCode::Down, true) => "↓".into(),
        (KeyCode::Left, true) => "←".into(),
        (KeyCode::Right, true) => "→".into(),
        _ => key.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn line(h: &Hints) -> String {
        h.entries
            .iter()
            .chain(&h.help)
            .map(|e| format!("{} {}", e.keys, e.label))
            .collect::<Vec<_>>()
            .join(" · ")
    }

    #[test]
    fn pairs_share_an_entry_and_help_comes_last() {
        let km = KeyMap::default();
        let h = build(
            &km,
            &[MOVE, &[Action::Open], GLOBAL].concat(),
            Action::short,
        );
        assert_eq!(
            line(&h),
            "j/k move · enter open · esc back · q quit · : command · r reload · ? help"
        );
    }

    #[test]
    fn a_screen_that_keeps_the_help_key_for_typing_offers_f1() {
        let km = KeyMap::default();
        let h = build(&km, &section(Context::Form), Action::short);
        assert_eq!(
            line(&h),
            "ctrl-s save · tab next field · esc cancel · f1 help"
        );
    }

    #[test]
    fn the_keys_are_the_table_s_as_overridden() {
        let o = HashMap::from([("search".to_string(), vec!["ctrl-f".to_string()])]);
        let (km, _) = KeyMap::new(&o);
        let h = build(&km, &[Action::Search, Action::Down], Action::short);
        assert_eq!(line(&h), "ctrl-f search · j move · f1 help");
    }
}
