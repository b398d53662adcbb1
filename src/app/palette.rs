//! The command palette (`:` or ctrl-p): the `:` line, with below it every
//! action the screen on top offers now (`Room::keys`, the list the hint
//! line and help are drawn from) and every tool the person's menu offers
//! (the database filtered it), narrowed by fuzzy matching as they type,
//! recent picks first; the built-in themes; and students whose names
//! match what is typed (`students.rs`, asked of the database as they
//! type). Enter runs the selected entry: an action by pressing its key,
//! so it does exactly what the key does; a tool by opening it as `:name`
//! does; a student by opening their record. A line that is a command
//! (`open x`, `drafts`, `quit`, `theme light`, a tool key) still runs as
//! one.

use super::command::{self, CommandLine, Edit};
use super::keymap::{Action, Key};
use super::{Effect, Modal, Screen, State, menu};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Matcher, Utf32Str};

/// Where the palette's selection is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Palette {
    /// Among the entries that match the line.
    pub selected: usize,
    /// Moved with the arrows since the last keystroke: enter runs the
    /// selection even if the line is a command.
    pub moved: bool,
    /// Students whose names match the line.
    pub students: students::Found,
}

/// What an entry does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Run {
    /// Press the action's first key on the screen on top.
    Action(Action),
    /// Open a tool the menu offers.
    Open { target: String, label: String },
    /// `:drafts`.
    Drafts,
    /// `:theme name`.
    Theme(String),
    /// Open a student's record.
    Student { id: uuid::Uuid, title: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// What it does, in words.
    pub label: String,
    /// How to do it without the palette: its keys, or `:name`.
    pub keys: String,
    /// Typed exactly, it runs this entry; also matched, and the id kept
    /// among the recent picks.
    pub name: String,
    pub run: Run,
}

impl Entry {
    fn id(&self) -> String {
        match &self.run {
            Run::Action(a) => format!("action:{}", a.name()),
            Run::Open { target, .. } => format!("open:{target}"),
            Run::Drafts => "drafts".into(),
            Run::Theme(name) => format!("theme:{name}"),
            Run::Student { id, .. } => format!("student:{id}"),
        }
    }
}

/// How many recent picks are kept (the terminal loop keeps them between
/// runs: `tui/recent.rs`).
const RECENT: usize = 10;

/// Every entry, before any typing: recent picks first, then the screen's
/// actions in its own order, then the tools in menu order.
pub fn entries(state: &State) -> Vec<Entry> {
    let mut out = Vec::new();
    for a in state.top().keys() {
        if a == Action::Command || a.movement(1).is_some() {
            continue;
        }
        let keys: Vec<String> = state.keymap.keys(a).iter().map(Key::to_string).collect();
        if keys.is_empty() {
            continue;
        }
        out.push(Entry {
            label: capitalised(a.description()),
            keys: keys.join(", "),
            name: a.name().to_string(),
            run: Run::Action(a),
        });
    }
    if let Screen::Menu(m) = &state.screens[0] {
        for e in m.entries() {
            let menu::EntryKind::Item { target } = &e.kind else {
                continue;
            };
            let name = super::screens::COMMANDS
                .iter()
                .find(|(_, t)| t == target)
                .map_or(target.as_str(), |(c, _)| c);
            if target.is_empty() || out.iter().any(|x: &Entry| x.name == name) {
                continue;
            }
            out.push(Entry {
                label: format!("Open {}", e.label),
                keys: format!(":{name}"),
                name: name.to_string(),
                run: Run::Open {
                    target: target.clone(),
                    label: e.label.clone(),
                },
            });
        }
    }
    out.push(Entry {
        label: "Unsent session notes on this machine".into(),
        keys: ":drafts".into(),
        name: "drafts".into(),
        run: Run::Drafts,
    });
    for name in crate::config::THEMES {
        out.push(Entry {
            label: format!("Theme {name}"),
            keys: format!(":theme {name}"),
            name: format!("theme {name}"),
            run: Run::Theme((*name).to_string()),
        });
    }
    let rank = |e: &Entry| {
        state
            .recent
            .iter()
            .position(|r| *r == e.id())
            .unwrap_or(usize::MAX)
    };
    // Stable: the rest keep their order.
    out.sort_by_key(rank);
    out
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The entries that match what is typed, best first (ties: recent first,
/// then the order of `entries`). Students found by name come after the
/// entries whose name or words contain the line itself and before those
/// matched only loosely, so a name and enter opens that student rather
/// than an action whose letters happen to be scattered in it.
pub fn matches(state: &State) -> Vec<Entry> {
    let all = entries(state);
    let line = state.command.text.trim();
    if line.is_empty() {
        return all;
    }
    let lower = line.to_lowercase();
    let strong = |e: &Entry| {
        e.name.to_lowercase().contains(&lower) || e.label.to_lowercase().contains(&lower)
    };
    let pattern = Pattern::parse(line, CaseMatching::Ignore, Normalization::Smart);
    let mut matcher = Matcher::new(nucleo_matcher::Config::DEFAULT);
    let mut buf = Vec::new();
    // The short name counts double: `rost` is the roster before an action
    // whose description mentions the roster.
    let mut score = |hay: &str| pattern.score(Utf32Str::new(hay, &mut buf), &mut matcher);
    let mut scored: Vec<(u32, Entry)> = all
        .into_iter()
        .filter_map(|e| {
            let by_name = score(&e.name.replace(['_', '.'], " ")).map(|s| s.saturating_mul(2));
            let by_label = score(&e.label);
            Some((by_name.max(by_label)?, e))
        })
        .collect();
    scored.sort_by_key(|e| std::cmp::Reverse(e.0));
    let (close, loose): (Vec<Entry>, Vec<Entry>) =
        scored.into_iter().map(|(_, e)| e).partition(strong);
    let found = students::shown(&state.palette.students, line)
        .into_iter()
        .map(students::entry)
        .filter(|s| !close.iter().any(|e| e.name == s.name))
        .collect::<Vec<_>>();
    close.into_iter().chain(found).chain(loose).collect()
}

/// `:` or ctrl-p: an empty line, the first entry selected.
pub(super) fn open(state: &mut State) {
    state.modal = Some(Modal::Command);
    state.command = CommandLine::default();
    state.palette = Palette {
        // What was found the last time stays for the next keystroke's
        // list; the line decides whether any of it is shown.
        students: std::mem::take(&mut state.palette.students),
        ..Palette::default()
    };
}

/// A key while the palette is open: it takes every key.
pub(super) fn on_key(state: &mut State, key: &KeyEvent) -> Vec<Effect> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let step: Option<isize> = match key.code {
        KeyCode::Up => Some(-1),
        KeyCode::Down => Some(1),
        KeyCode::Char('p') if ctrl => Some(-1),
        KeyCode::Char('n') if ctrl => Some(1),
        KeyCode::PageUp => Some(-10),
        KeyCode::PageDown => Some(10),
        _ => None,
    };
    if let Some(step) = step {
        let n = matches(state).len();
        let p = &mut state.palette;
        p.selected = p
            .selected
            .saturating_add_signed(step)
            .min(n.saturating_sub(1));
        p.moved = true;
        return vec![];
    }
    let before = state.command.text.clone();
    match state.command.key(key) {
        Edit::Editing => {
            if state.command.text == before {
                return vec![];
            }
            state.palette.selected = 0;
            state.palette.moved = false;
            students::search(state)
        }
        Edit::Cancel => {
            state.modal = None;
            students::cancel(state)
        }
        Edit::Run(line) => {
            // `key` took the text; matching needs it once more.
            state.command.text = line.clone();
            let found = matches(state);
            let picked = pick(state, &line, &found);
            state.modal = None;
            state.command = CommandLine::default();
            let mut fx = students::cancel(state);
            fx.extend(match picked {
                Some(entry) => run(state, entry),
                None => command::run(state, &line),
            });
            fx
        }
    }
}

/// Which entry enter runs, if any (`None`: the line runs as a command).
fn pick(state: &State, line: &str, found: &[Entry]) -> Option<Entry> {
    if state.palette.moved {
        return found.get(state.palette.selected).cloned();
    }
    let line = line.trim();
    if line.is_empty() {
        return None;
    }
    if let Some(e) = found.iter().find(|e| e.name == line) {
        return Some(e.clone());
    }
    // Commands the palette does not list, and tools (`schools`, or a key
    // with a dot) that the menu does not offer and only the database can
    // allow.
    let typed = matches!(
        command::parse(line),
        Ok(command::Command::Quit
            | command::Command::Help
            | command::Command::Drafts
            | command::Command::Theme(_))
    ) || matches!(line.split_whitespace().next(), Some("open" | "theme"))
        || line.contains('.')
        || super::screens::COMMANDS.iter().any(|(c, _)| *c == line);
    if typed {
        return None;
    }
    found.get(state.palette.selected).cloned()
}

fn run(state: &mut State, entry: Entry) -> Vec<Effect> {
    // Recent picks are kept on disk between runs: students are not.
    if !matches!(entry.run, Run::Student { .. }) {
        let id = entry.id();
        state.recent.retain(|r| *r != id);
        state.recent.insert(0, id);
        state.recent.truncate(RECENT);
    }
    match entry.run {
        Run::Action(a) => match state.keymap.keys(a).first() {
            Some(k) => super::route::on_key(state, event_of(*k)),
            None => vec![],
        },
        Run::Open { target, .. } => command::run(state, &target),
        Run::Drafts => vec![Effect::LoadDrafts { show: true }],
        Run::Theme(name) => command::theme(state, &name),
        Run::Student { id, title } => super::screens::push(
            state,
            Screen::Student(super::student::StudentState::new(id, title)),
        ),
    }
}

/// The key event a terminal sends for `k` (shift-tab arrives as BackTab).
fn event_of(k: Key) -> KeyEvent {
    if k.code == KeyCode::Tab && k.mods.contains(KeyModifiers::SHIFT) {
        return KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
    }
    KeyEvent::new(k.code, k.mods)
}

pub mod students;

#[cfg(test)]
mod tests;
