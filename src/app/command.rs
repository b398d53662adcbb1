//! The `:` command line: a one-line editor and the commands it understands.
//! Typed keys are text here, not bindings, so `q` or `j` can be typed.

use super::nav::open_by_command;
use super::{Effect, Screen, State, help, menu};
use crate::app::Read;
use crate::domain::navigation::ToolAccess;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandLine {
    pub text: String,
    /// In characters, 0..=text's length.
    pub cursor: usize,
}

/// What a key did to the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    Editing,
    Run(String),
    Cancel,
}

impl CommandLine {
    fn byte_at(&self, char_index: usize) -> usize {
        self.text
            .char_indices()
            .nth(char_index)
            .map_or(self.text.len(), |(i, _)| i)
    }

    pub fn key(&mut self, key: &KeyEvent) -> Edit {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let len = self.text.chars().count();
        match key.code {
            KeyCode::Enter => return Edit::Run(std::mem::take(&mut self.text)),
            KeyCode::Esc => return Edit::Cancel,
            // Like a shell: backspace on an empty line leaves it.
            KeyCode::Backspace if self.text.is_empty() => return Edit::Cancel,
            KeyCode::Backspace if self.cursor > 0 => {
                self.cursor -= 1;
                let at = self.byte_at(self.cursor);
                self.text.remove(at);
            }
            KeyCode::Delete if self.cursor < len => {
                let at = self.byte_at(self.cursor);
                self.text.remove(at);
            }
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(len),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = len,
            KeyCode::Char('a') if ctrl => self.cursor = 0,
            KeyCode::Char('e') if ctrl => self.cursor = len,
            KeyCode::Char('u') if ctrl => {
                let at = self.byte_at(self.cursor);
                self.text.drain(..at);
                self.cursor = 0;
            }
            KeyCode::Char(c)
                if !ctrl && !key.modifiers.contains(KeyModifiers::ALT) && !c.is_control() =>
            {
                let at = self.byte_at(self.cursor);
                self.text.insert(at, c);
                self.cursor += 1;
            }
            _ => {}
        }
        Edit::Editing
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Nothing,
    Open(String),
    Quit,
    Help,
    /// The unsent session notes on this machine.
    Drafts,
    /// Colours from now on: a built-in theme or a theme file.
    Theme(String),
}

pub const USAGE: &str = "commands: open <tool>, <tool>, theme <name>, drafts, quit, help";
const OPEN_WHAT: &str = "open what?";

/// `open <tool>` or a bare `<tool>`, `quit` (`q`), `help`.
pub fn parse(line: &str) -> Result<Command, String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    match words.as_slice() {
        [] => Ok(Command::Nothing),
        ["quit" | "q"] => Ok(Command::Quit),
        ["help"] => Ok(Command::Help),
        ["drafts"] => Ok(Command::Drafts),
        ["theme"] => Err(format!(
            "theme which? {} or your own (themes/NAME.toml beside the config file)",
            crate::config::THEMES.join(", ")
        )),
        ["theme", name] => Ok(Command::Theme((*name).to_string())),
        ["open"] => Err(OPEN_WHAT.into()),
        ["open", key] | [key] => Ok(Command::Open((*key).to_string())),
        _ => Err(format!("not a command: {} ({USAGE})", line.trim())),
    }
}

/// The shape of tools.key (its CHECK); anything else cannot name a tool.
pub fn is_tool_key(key: &str) -> bool {
    let mut chars = key.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && (2..=64).contains(&key.len())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
}

/// Runs a typed line (the palette, when no entry is picked).
pub(super) fn run(state: &mut State, line: &str) -> Vec<Effect> {
    match parse(line) {
        Err(e) if e == OPEN_WHAT => {
            state.error(format!("{e} {}", may_open(state)));
            vec![]
        }
        Err(e) => {
            state.error(e);
            vec![]
        }
        Ok(Command::Nothing) => vec![],
        Ok(Command::Quit) => {
            state.quit = true;
            vec![]
        }
        Ok(Command::Help) => {
            help::open(state);
            vec![]
        }
        Ok(Command::Open(key)) => {
            // A screen may answer to a shorter name than its tool's key.
            let key = match super::screens::COMMANDS.iter().find(|(c, _)| *c == key) {
                Some((_, target)) => (*target).to_string(),
                None => key,
            };
            open_tool(state, key)
        }
        Ok(Command::Drafts) => vec![Effect::LoadDrafts { show: true }],
        Ok(Command::Theme(name)) => theme(state, &name),
    }
}

/// `:theme name`: the terminal loop loads it (a theme file is IO) and
/// answers with `Msg::ThemeApplied`.
pub(super) fn theme(_state: &mut State, name: &str) -> Vec<Effect> {
    vec![Effect::Theme {
        name: name.to_string(),
    }]
}

/// The terminal loop's answer to `Effect::Theme`: on the status line, with
/// how to keep it, since a switch lasts until caseload closes.
pub(super) fn theme_applied(
    state: &mut State,
    name: &str,
    outcome: Result<ThemeNote, String>,
) -> Vec<Effect> {
    match outcome {
        Ok(note) => {
            let keep = format!("to keep it, set ui.theme = \"{name}\" in the config file");
            let text = match note {
                ThemeNote::Applied => format!("theme {name}; {keep}"),
                ThemeNote::NoColor => format!(
                    "theme {name}, without colours while NO_COLOR (or ui.no_color) is set; {keep}"
                ),
            };
            state.info(text);
        }
        Err(why) => state.error(format!("theme unchanged: {why}")),
    }
    vec![]
}

/// How a theme switch went, when it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThemeNote {
    Applied,
    /// Applied, but NO_COLOR takes its colours out.
    NoColor,
}

/// `:open key`. What the menu offers opens at once (the database already
/// filtered it); anything else is for the database to allow or refuse.
fn open_tool(state: &mut State, key: String) -> Vec<Effect> {
    if !is_tool_key(&key) {
        no_such_tool(state, &key);
        return vec![];
    }
    let offered = match &state.screens[0] {
        Screen::Menu(m) => m
            .entries()
            .iter()
            .find(|e| matches!(&e.kind, menu::EntryKind::Item { target } if *target == key)),
        _ => None,
    };
    if let Some(entry) = offered {
        let label = entry.label.clone();
        return open_by_command(state, &key, label);
    }
    if !state.is_connected() {
        state.error("not connected: r to retry");
        return vec![];
    }
    let req = state.alloc();
    let superseded = state
        .tool_check
        .replace(req)
        .map(|old| Effect::Cancel { req: old });
    superseded
        .into_iter()
        .chain([Effect::Load {
            req,
            read: Read::Tool { key },
        }])
        .collect()
}

/// The database's verdict on `:open key`.
pub(super) fn on_tool_checked(state: &mut State, data: crate::app::Data) -> Vec<Effect> {
    let crate::app::Data::Tool { key, access } = data else {
        return vec![];
    };
    match access {
        ToolAccess::Allowed { name } => open_by_command(state, &key, name),
        ToolAccess::Refused => {
            // Say why and who can change it: the tool key alone reads as jargon.
            state.error(format!(
                "you don't have access to {key}: none of your roles grants that tool (an administrator can grant it)"
            ));
            vec![]
        }
        ToolAccess::NoSuchTool => {
            no_such_tool(state, &key);
            vec![]
        }
    }
}

fn no_such_tool(state: &mut State, key: &str) {
    let text = format!("no tool called {key}: {}", may_open(state));
    state.error(text);
}

/// What the person may open, by the names `:` takes: the menu's targets
/// (what the database offers them), a screen's shorter command name where
/// it has one.
fn may_open(state: &State) -> String {
    let Screen::Menu(m) = &state.screens[0] else {
        return String::new();
    };
    let mut names: Vec<&str> = Vec::new();
    for e in m.entries() {
        let menu::EntryKind::Item { target } = &e.kind else {
            continue;
        };
        let name = super::screens::COMMANDS
            .iter()
            .find(|(_, t)| t == target)
            .map_or(target.as_str(), |(c, _)| c);
        if !name.is_empty() && !names.contains(&name) {
            names.push(name);
        }
    }
    if names.is_empty() {
        return "your menu offers nothing yet".into();
    }
    format!("you may open {}", names.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::fixtures::{Press, ctrl};

    fn press(line: &mut CommandLine, code: KeyCode) -> Edit {
        line.key(&code.event())
    }

    fn typed(s: &str) -> CommandLine {
        let mut line = CommandLine::default();
        for c in s.chars() {
            press(&mut line, KeyCode::Char(c));
        }
        line
    }

    #[test]
    fn edits_in_the_middle_of_the_line() {
        let mut line = typed("opn rostér");
        for _ in 0..8 {
            press(&mut line, KeyCode::Left);
        }
        press(&mut line, KeyCode::Char('e'));
        assert_eq!((line.text.as_str(), line.cursor), ("open rostér", 3));
        press(&mut line, KeyCode::End);
        press(&mut line, KeyCode::Backspace);
        press(&mut line, KeyCode::Backspace);
        assert_eq!(line.text, "open rost");
        press(&mut line, KeyCode::Home);
        press(&mut line, KeyCode::Delete);
        assert_eq!(line.text, "pen rost");
        line.key(&ctrl('u'));
        assert_eq!(line.text, "pen rost", "ctrl-u at the start removes nothing");
        assert_eq!(
            press(&mut line, KeyCode::Enter),
            Edit::Run("pen rost".into())
        );
    }

    #[test]
    fn esc_or_backspace_on_empty_cancels() {
        assert_eq!(press(&mut typed("x"), KeyCode::Esc), Edit::Cancel);
        let mut line = typed("x");
        assert_eq!(press(&mut line, KeyCode::Backspace), Edit::Editing);
        assert_eq!(press(&mut line, KeyCode::Backspace), Edit::Cancel);
    }

    #[test]
    fn parses_commands() {
        assert_eq!(parse("  "), Ok(Command::Nothing));
        assert_eq!(parse("q"), Ok(Command::Quit));
        assert_eq!(parse("help"), Ok(Command::Help));
        assert_eq!(parse("open roster"), Ok(Command::Open("roster".into())));
        assert_eq!(
            parse(" admin.users "),
            Ok(Command::Open("admin.users".into()))
        );
        assert!(parse("open").unwrap_err().contains("open what"));
        assert!(parse("open a b").unwrap_err().contains("not a command"));
    }

    #[test]
    fn tool_keys() {
        assert!(is_tool_key("admin.users"));
        assert!(!is_tool_key("Roster"));
        assert!(!is_tool_key("r"));
        assert!(!is_tool_key("a;b"));
    }
}
