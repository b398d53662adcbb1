//! `y`: the selected thing as text for the person's clipboard. The text
//! leaves through `Effect::Clipboard` (OSC 52, written by the terminal
//! loop, wrapped for tmux or screen there); `ui.copy = false` drops every
//! such effect in `update`, whichever screen asked.

use super::Effect;
use super::screens::room::Cx;
use crate::domain::intervention::{InterventionDetail, SessionRow};

/// A student as other systems take them: the district's id, then the name.
pub fn student(local_id: &str, name: &str) -> String {
    format!("{local_id} {name}")
}

/// An intervention's summary: what a coordinator pastes into an email or
/// a meeting's notes.
pub fn intervention(d: &InterventionDetail) -> String {
    let h = &d.header;
    let mut lines = vec![
        format!(
            "{} (tier {}, {}, {})",
            h.name, h.tier, h.intervention_type, h.status
        ),
        format!(
            "Student: {} ({}), {}",
            h.student_name, h.student_local_id, h.school_name
        ),
    ];
    let day = |d: Option<chrono::NaiveDate>| d.map_or("?".to_string(), |d| d.to_string());
    lines.push(format!(
        "Dates: {} to {}",
        day(h.start_date),
        day(h.planned_end_date)
    ));
    if let Some(o) = &h.owner_name {
        lines.push(format!("Owner: {o}"));
    }
    if let Some(c) = h.concern.as_deref().filter(|c| !c.trim().is_empty()) {
        lines.push(format!("Concern: {c}"));
    }
    for g in &d.goals {
        lines.push(format!("Goal: {}", g.goal.fields.statement));
    }
    lines.push(format!("Sessions: {}", d.sessions_total));
    lines.join("\n")
}

/// A session's note with the line that says which session it was; `None`
/// when it has no note.
pub fn session_note(s: &SessionRow) -> Option<String> {
    let note = s.note.as_deref().filter(|n| !n.trim().is_empty())?;
    Some(format!(
        "{} · {} · {} min\n{note}",
        s.session_date, s.attendance, s.minutes
    ))
}

/// Puts `text` on the clipboard and says what was copied.
pub fn to_clipboard(cx: &mut Cx, what: &str, text: String) -> Vec<Effect> {
    cx.info(format!("sent {what} to the clipboard"));
    vec![Effect::Clipboard { text }]
}

/// `ui.copy = false`: nothing reaches the terminal's clipboard, and the
/// person is told why `y` did nothing. `true` when something was dropped.
pub(super) fn withhold(effects: &mut Vec<Effect>) -> bool {
    let before = effects.len();
    effects.retain(|e| !matches!(e, Effect::Clipboard { .. }));
    effects.len() != before
}

pub const OFF: &str = "copying is off (ui.copy = false in the config file)";

#[cfg(test)]
mod tests {
    use crate::app::fixtures::key;
    use crate::app::iv_tests::at_detail;
    use crate::app::test_prelude::*;
    use crate::app::tests::on_roster;
    use crate::domain::enums::InterventionStatus;

    fn copied(fx: &[Effect]) -> Vec<&str> {
        fx.iter()
            .filter_map(|e| match e {
                Effect::Clipboard { text } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    fn said(s: &State) -> String {
        s.message.clone().map(|(_, t)| t).unwrap_or_default()
    }

    #[test]
    fn y_on_the_roster_copies_the_selected_students_id_and_name() {
        let mut s = on_roster();
        update(&mut s, key('j'));
        let fx = update(&mut s, key('y'));
        assert_eq!(copied(&fx), ["S1 Last0001, Ann"]);
        assert!(said(&s).contains("sent S1 Last0001, Ann"), "{}", said(&s));
    }

    #[test]
    fn y_on_a_student_copies_the_record_id_and_name() {
        let mut s = on_roster();
        update(&mut s, key(KeyCode::Enter));
        // Not loaded yet: nothing to copy, and it says so.
        let fx = update(&mut s, key('y'));
        assert!(copied(&fx).is_empty());
        assert!(said(&s).contains("wait for the record"), "{}", said(&s));
        let Screen::Student(st) = s.top() else {
            panic!()
        };
        let req = st.detail.req().unwrap();
        let detail = Some(Box::new(crate::app::fixtures::student_record(0)));
        update(
            &mut s,
            Msg::Loaded {
                req,
                data: Data::Student { detail },
            },
        );
        let fx = update(&mut s, key('y'));
        assert_eq!(copied(&fx), ["S5 Lee, Ana"], "the record's own name");
    }

    #[test]
    fn y_on_an_intervention_copies_its_summary_and_on_sessions_the_note() {
        let mut s = at_detail(InterventionStatus::Active);
        let fx = update(&mut s, key('y'));
        let text = copied(&fx).concat();
        for part in [
            "Read Naturally (tier 2, reading, active)",
            "Student: Ava Nguyen (100201), Lincoln Elementary",
            "Owner: Dana Reyes",
            "Goal: Read 90 words correct per minute",
            "Sessions: 5",
        ] {
            assert!(text.contains(part), "{part:?} missing from {text:?}");
        }
        update(&mut s, key('2'));
        let fx = update(&mut s, key('y'));
        assert_eq!(
            copied(&fx),
            ["2026-10-11 · present · 30 min\ngood focus\x1b]0;pwned\x07"]
        );
        // The next session has no note: nothing copied, and why.
        update(&mut s, key('j'));
        let fx = update(&mut s, key('y'));
        assert!(copied(&fx).is_empty());
        assert!(said(&s).contains("no note"), "{}", said(&s));
    }

    #[test]
    fn with_copy_off_y_copies_nothing_and_says_so() {
        let mut s = on_roster();
        s.copy_off = true;
        let fx = update(&mut s, key('y'));
        assert!(copied(&fx).is_empty(), "{fx:?}");
        assert_eq!(said(&s), super::OFF);
    }

    #[test]
    fn where_nothing_is_selectable_y_says_where_it_works() {
        let mut s = on_roster();
        update(&mut s, key(KeyCode::Esc));
        assert!(matches!(s.top(), Screen::Menu(_)));
        let fx = update(&mut s, key('y'));
        assert!(copied(&fx).is_empty());
        assert!(said(&s).contains("nothing to copy here"), "{}", said(&s));
    }

    #[test]
    fn a_clipboard_note_is_said_after_a_copy() {
        let mut s = on_roster();
        s.clipboard_note = Some("inside tmux it needs allow-passthrough".into());
        update(&mut s, key('y'));
        assert!(
            said(&s).ends_with("; inside tmux it needs allow-passthrough"),
            "{}",
            said(&s)
        );
    }
}
