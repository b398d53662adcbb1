//! Reading a new password without it showing anywhere: not echoed, not in
//! the process list (there is no flag that takes one), never logged.

use color_eyre::eyre::{Result, bail};
use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use crossterm::terminal;
use std::io::{BufRead, IsTerminal, Write};

pub const MIN_LEN: usize = 8;

pub fn check_strength(password: &str) -> Result<()> {
    if password.chars().count() < MIN_LEN {
        bail!("the password is too short: use at least {MIN_LEN} characters");
    }
    Ok(())
}

/// The first line of `input`, without its line ending, for scripts
/// (`--password-stdin`).
pub fn from_reader(mut input: impl BufRead) -> Result<String> {
    let mut line = String::new();
    input.read_line(&mut line)?;
    let password = line
        .strip_suffix('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .unwrap_or(&line)
        .to_string();
    check_strength(&password)?;
    Ok(password)
}

/// Asks twice on the terminal, without echo.
pub fn prompt_twice(username: &str) -> Result<String> {
    if !std::io::stdin().is_terminal() {
        bail!("no terminal to ask for the password on: pipe it in with --password-stdin");
    }
    let first = read_hidden(&format!("new password for {username}: "))?;
    check_strength(&first)?;
    let second = read_hidden("again: ")?;
    if first != second {
        bail!("the two passwords differ; nothing was changed");
    }
    Ok(first)
}

/// Leaves raw mode however the read ends, so an error never strands the
/// terminal without echo.
struct RawMode;

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = terminal::disable_raw_mode();
    }
}

fn read_hidden(prompt: &str) -> Result<String> {
    let mut err = std::io::stderr();
    write!(err, "{prompt}")?;
    err.flush()?;
    terminal::enable_raw_mode()?;
    let raw = RawMode;
    let mut password = String::new();
    loop {
        match event::read()? {
            Event::Key(k) if k.kind != KeyEventKind::Release => match k.code {
                KeyCode::Enter => break,
                KeyCode::Char('c' | 'd') if k.modifiers.contains(KeyModifiers::CONTROL) => {
                    drop(raw);
                    writeln!(err)?;
                    bail!("cancelled; nothing was changed");
                }
                KeyCode::Char('u') if k.modifiers.contains(KeyModifiers::CONTROL) => {
                    password.clear()
                }
                KeyCode::Char(c) => password.push(c),
                KeyCode::Backspace => {
                    password.pop();
                }
                _ => {}
            },
            Event::Paste(text) => password.push_str(&text),
            _ => {}
        }
    }
    drop(raw);
    writeln!(err)?;
    Ok(password)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdin_takes_one_line_without_its_ending() {
        assert_eq!(
            from_reader(&b"s3cret pass\r\nignored\n"[..]).unwrap(),
            "s3cret pass"
        );
        assert_eq!(from_reader(&b"no newline!"[..]).unwrap(), "no newline!");
        assert!(from_reader(&b"short\n"[..]).is_err());
    }
}
