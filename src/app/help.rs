//! The help overlay: opening it, and scrolling it while it takes the keys.
//! Its lines come from the key table (`keymap.rs`): the keys of the screen
//! on top first, then the global ones, then the rest of the table.

use super::keymap::{Action, Context, Key};
use super::{Modal, State};

pub(crate) fn open(state: &mut State) {
    state.modal = Some(Modal::Help);
    state.help_scroll = 0;
}

/// While help is open it takes every key; only its own way out does more
/// than scroll.
pub(super) fn on_key(state: &mut State, action: Option<Action>) {
    if matches!(action, Some(Action::Help | Action::Back | Action::Quit)) {
        state.modal = None;
    } else {
        scroll(state, action);
    }
}
/// One titled group of the help overlay: each action with its keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub title: &'static str,
    pub rows: Vec<(Action, String)>,
}

/// The help overlay's groups: the top screen's keys as it is now, then the
/// global ones, then every other section of the table with what is left
/// of it, so each binding is listed exactly once.
pub fn sections(state: &State) -> Vec<Section> {
    let keys = |a: Action| {
        let keys: Vec<String> = state.keymap.keys(a).iter().map(Key::to_string).collect();
        (a, keys.join(", "))
    };
    let here: Vec<Action> = state
        .top()
        .keys()
        .into_iter()
        .filter(|a| a.context() != Context::Global)
        .collect();
    let mut out = Vec::new();
    if !here.is_empty() {
        out.push(Section {
            title: "This screen",
            rows: here.iter().map(|&a| keys(a)).collect(),
        });
    }
    let rest = Action::ALL.iter().copied().filter(|a| !here.contains(a));
    let (global, other): (Vec<Action>, Vec<Action>) =
        rest.partition(|a| a.context() == Context::Global);
    let mut groups: Vec<(Context, Vec<Action>)> = vec![(Context::Global, global)];
    for a in other {
        match groups.iter_mut().find(|(c, _)| *c == a.context()) {
            Some((_, list)) => list.push(a),
            None => groups.push((a.context(), vec![a])),
        }
    }
    out.extend(groups.into_iter().map(|(c, list)| Section {
        title: c.title(),
        rows: list.into_iter().map(keys).collect(),
    }));
    out
}

/// Lines of the help overlay: per section a title and its actions, a
/// blank line between sections, then the menu's hotkey paragraph (blank,
/// title, line) and the connection's (blank, title, where, who).
/// `ui::help` draws exactly these; a test there keeps them equal.
pub fn help_line_count(state: &State) -> usize {
    let help = sections(state);
    let cols = description_cols(state.width);
    let body: usize = help
        .iter()
        .map(|s| {
            1 + s
                .rows
                .iter()
                .map(|(a, _)| wrap(a.description(), cols).len())
                .sum::<usize>()
        })
        .sum();
    body + help.len().saturating_sub(1) + 3 + 4
}

/// Columns of the overlay's key column, its indent included.
pub const KEY_COLS: usize = 22;

/// Columns a description may take in a terminal `width` wide: the
/// overlay's borders and padding and the key column off. Descriptions wrap
/// there (at 80 columns most were cut off mid-word).
pub fn description_cols(width: u16) -> usize {
    usize::from(width).saturating_sub(4 + KEY_COLS).max(16)
}

/// `text`'s words in lines of at most `cols` characters; a longer word has
/// a line of its own.
pub fn wrap(text: &str, cols: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let len = line.chars().count();
        if len > 0 && len + 1 + word.chars().count() > cols {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

/// Rows of help text that fit: the screen minus the title bar, the hint
/// line, the status line and the overlay's border.
pub fn help_rows(state: &State) -> usize {
    usize::from(state.height.saturating_sub(super::FRAME_ROWS + 2)).max(1)
}

fn scroll(state: &mut State, action: Option<Action>) {
    let rows = help_rows(state);
    let max = help_line_count(state).saturating_sub(rows);
    let at = state.help_scroll.min(max);
    state.help_scroll = match action {
        Some(Action::Down) => (at + 1).min(max),
        Some(Action::Up) => at.saturating_sub(1),
        Some(Action::PageDown) => (at + rows).min(max),
        Some(Action::PageUp) => at.saturating_sub(rows),
        Some(Action::Top) => 0,
        Some(Action::Bottom) => max,
        _ => at,
    };
}

#[cfg(test)]
mod wrap_tests {
    use super::wrap;

    #[test]
    fn descriptions_wrap_between_words() {
        assert_eq!(
            wrap("log a contact with the family", 12),
            ["log a", "contact with", "the family"]
        );
        assert_eq!(wrap("short", 40), ["short"]);
        assert_eq!(wrap("", 10), [""]);
        assert_eq!(wrap("a verylongword b", 5), ["a", "verylongword", "b"]);
    }
}
