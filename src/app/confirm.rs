//! One way to ask before something that cannot be taken back (deleting a
//! data point or a session, removing a team member, discarding a form's
//! changes, forgetting a stored password, moving an intervention on): `y`
//! does it; `n`, `Esc` and `Enter` keep things as they are, so a tired
//! finger on Enter never deletes; any other key leaves the question open.
//! `ui::widgets::question` draws every such question the same way.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Yes,
    No,
    /// Not an answer: the question stays.
    Unanswered,
}

pub fn answer(key: &KeyEvent) -> Answer {
    if key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    {
        return Answer::Unanswered;
    }
    match key.code {
        KeyCode::Char('y' | 'Y') => Answer::Yes,
        KeyCode::Char('n' | 'N') | KeyCode::Esc | KeyCode::Enter => Answer::No,
        _ => Answer::Unanswered,
    }
}

/// The keys under every question: `yes` says what `y` does, `no` what the
/// safe answer keeps ("delete" / "keep it").
pub fn keys(yes: &str, no: &str) -> String {
    format!("y {yes} · n, esc or enter {no}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_y_says_yes_and_enter_keeps() {
        let k = |c| KeyEvent::new(c, KeyModifiers::NONE);
        assert_eq!(answer(&k(KeyCode::Char('y'))), Answer::Yes);
        assert_eq!(answer(&k(KeyCode::Char('Y'))), Answer::Yes);
        for no in [KeyCode::Char('n'), KeyCode::Esc, KeyCode::Enter] {
            assert_eq!(answer(&k(no)), Answer::No, "{no:?}");
        }
        for other in [KeyCode::Char('x'), KeyCode::Char(' '), KeyCode::Tab] {
            assert_eq!(answer(&k(other)), Answer::Unanswered, "{other:?}");
        }
        let ctrl_y = KeyEvent::new(KeyCode::Char('y'), KeyModifiers::CONTROL);
        assert_eq!(answer(&ctrl_y), Answer::Unanswered);
        assert_eq!(
            keys("delete", "keep it"),
            "y delete · n, esc or enter keep it"
        );
    }
}
