//! Any form, and the side-by-side view of a save conflict. Values typed by
//! people are drawn through `sanitize` like database text: they may have
//! been pasted from anywhere.

use crate::app::choices;
use crate::app::form::{FieldSpec, Form, Kind};
use crate::ui::sanitize::{fit, truncate, width, wrap_all};
use crate::ui::theme::Theme;
use crate::ui::widgets::question;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

const LABEL: usize = 26;

/// The focused value with a visible cursor (reverse video on the character
/// under it, or on a space at the end).
fn with_cursor<'a>(value: &str, cursor: usize, cols: usize, theme: &Theme) -> Vec<Span<'a>> {
    let chars: Vec<char> = crate::ui::sanitize::clean(value).chars().collect();
    let cursor = cursor.min(chars.len());
    // Keep the cursor on screen in a long value: show its tail.
    let before: String = chars[..cursor].iter().collect();
    let mut skip = 0;
    while width(&before.chars().skip(skip).collect::<String>()) + 1 > cols && skip < cursor {
        skip += 1;
    }
    let head: String = chars[skip..cursor].iter().collect();
    let at: String = chars.get(cursor).map_or(" ".to_string(), char::to_string);
    let tail: String = chars.iter().skip(cursor + 1).collect();
    let room = cols.saturating_sub(width(&head) + width(&at));
    vec![
        Span::raw(head),
        Span::styled(at, theme.selected),
        Span::raw(truncate(&tail, room)),
    ]
}

pub fn render(frame: &mut Frame, area: Rect, title: &str, form: &Form, theme: &Theme) {
    let w = usize::from(area.width);
    let [body, help] = Layout::vertical([Constraint::Fill(1), Constraint::Length(3)]).areas(area);
    let mut lines = vec![Line::styled(truncate(title, w), theme.group)];
    // The form's notice (someone changed the row, why it was not saved)
    // leads, under the title: at the foot it went unseen. A mark of its
    // own says it without colour.
    if let Some(n) = &form.notice {
        let style = theme.error.add_modifier(Modifier::BOLD);
        for (i, l) in wrap_all(n, w.saturating_sub(2)).into_iter().enumerate() {
            let mark = if i == 0 { "! " } else { "  " };
            lines.push(Line::styled(format!("{mark}{l}"), style));
        }
    }
    let (fields, focus) = field_lines(form, w, true, theme);
    let focus_line = lines.len() + focus;
    lines.extend(fields);
    let height = usize::from(body.height);
    let offset = crate::ui::scroll_offset(0, focus_line, height, lines.len());
    let shown: Vec<Line> = lines.into_iter().skip(offset).take(height).collect();
    frame.render_widget(Paragraph::new(shown), body);

    // Below the fields: the whole message of the focused field (the inline
    // one may be cut), the form's state, and the keys.
    let [msg, k] = Layout::vertical([Constraint::Length(2), Constraint::Length(1)]).areas(help);
    if form.confirm_discard {
        let q = question::lines("discard your changes?", "discard", "keep editing", w, theme);
        frame.render_widget(Paragraph::new(q), msg);
    } else {
        let spec = &form.specs[form.focus];
        let (about, style) = if let Some(e) = form.shown_error(form.focus) {
            (format!("{}: {e}", spec.label), theme.error)
        } else if form.saving.is_some() {
            ("saving…".to_string(), theme.busy)
        } else {
            (format!("{}: {}", spec.label, hint(form)), theme.dim)
        };
        let about = Line::styled(crate::ui::sanitize::clean(&about).into_owned(), style);
        frame.render_widget(Paragraph::new(about).wrap(Wrap { trim: true }), msg);
    }
    // While the question is open its own keys are the only ones that act.
    if !form.confirm_discard {
        let keys = Line::styled(truncate(&keys(form), w), theme.dim);
        frame.render_widget(Paragraph::new(keys), k);
    }
}

/// What the focused field accepts; a picker lists its choices (those the
/// typed text still matches).
fn hint(form: &Form) -> String {
    let spec = &form.specs[form.focus];
    let Kind::Pick(set) = spec.kind else {
        return form.focused_hint();
    };
    let words: Vec<&str> = choices::matching(set, &form.typed)
        .iter()
        .map(|c| c.words)
        .collect();
    let choose = format!("←/→ or type to choose: {}", words.join(", "));
    if spec.hint.is_empty() {
        choose
    } else {
        format!("{}; {choose}", spec.hint)
    }
}

/// The keys of the focused field: Enter saves only from the last one.
fn keys(form: &Form) -> String {
    let last = form.focus + 1 >= form.specs.len();
    let pick = matches!(form.specs[form.focus].kind, Kind::Pick(_));
    let save = form.submit;
    match (pick, last) {
        (false, false) => {
            format!("enter/tab next field · ctrl-s {save} · shift-tab back · esc cancel")
        }
        (false, true) => format!("enter or ctrl-s {save} · shift-tab back · esc cancel"),
        (true, false) => format!("←/→ choose · enter/tab next field · ctrl-s {save} · esc cancel"),
        (true, true) => {
            format!("←/→ choose · enter or ctrl-s {save} · shift-tab back · esc cancel")
        }
    }
}

/// Text after a field's value, on its line: what the value is about or
/// where it came from. `text` is cut to fit, `keep` never is.
#[derive(Debug, Clone, PartialEq)]
pub struct Aside {
    pub text: String,
    pub keep: String,
    pub style: Style,
}

/// Columns a value keeps before its aside, however short the value.
const ASIDE_AFTER: usize = 6;

/// One line per field (plus one under each field with a message shown),
/// and the index of the focused field's line; `focused` is false when the
/// focus is elsewhere (the session editor's note).
pub fn field_lines<'a>(
    form: &Form,
    w: usize,
    focused: bool,
    theme: &Theme,
) -> (Vec<Line<'a>>, usize) {
    field_lines_with(form, w, focused, theme, &[])
}

/// [`field_lines`] with an aside after the value of field `i` when
/// `asides[i]` has one.
pub fn field_lines_with<'a>(
    form: &Form,
    w: usize,
    focused: bool,
    theme: &Theme,
    asides: &[Option<Aside>],
) -> (Vec<Line<'a>>, usize) {
    let all_cols = w.saturating_sub(LABEL + 2).max(1);
    let mut lines = Vec::new();
    let mut focus_line = 0;
    for (i, spec) in form.specs.iter().enumerate() {
        let focused = focused && i == form.focus;
        let marker = if focused { "›" } else { " " };
        // A space always separates the label from its value, however long.
        let label = format!("{marker} {} ", fit(&spec.label, LABEL - 3));
        let mut spans = vec![Span::styled(
            label,
            if focused { theme.hotkey } else { theme.dim },
        )];
        let value = &form.values[i];
        let editing = focused && form.saving.is_none();
        let shown = match spec.kind {
            Kind::Flag => format!("[{}] {value}", if value == "yes" { "x" } else { " " }),
            _ => spec.shown(value).to_string(),
        };
        let aside = asides.get(i).and_then(Option::as_ref);
        // With an aside the value takes what it needs (and a space for the
        // cursor), the aside the rest.
        let value_cols = match aside {
            Some(_) => all_cols.min((width(&shown) + 1).max(ASIDE_AFTER)),
            None => all_cols,
        };
        let before = spans.len();
        match spec.kind {
            Kind::Text if editing => {
                spans.extend(with_cursor(value, form.cursor, value_cols, theme));
            }
            Kind::Pick(_) if editing => spans.extend(picker(form, spec, value, value_cols, theme)),
            _ => {
                let style = if focused {
                    theme.selected
                } else {
                    Style::new()
                };
                spans.push(Span::styled(truncate(&shown, value_cols), style));
            }
        }
        if let Some(a) = aside {
            let used: usize = spans[before..].iter().map(Span::width).sum();
            let room = all_cols.saturating_sub(value_cols + 1);
            let text = format!(
                "{}{}",
                truncate(&a.text, room.saturating_sub(width(&a.keep))),
                a.keep
            );
            spans.push(Span::raw(" ".repeat(value_cols.saturating_sub(used) + 1)));
            spans.push(Span::styled(truncate(&text, room), a.style));
        }
        if focused {
            focus_line = lines.len();
        }
        lines.push(Line::from(spans));
        if let Some(e) = form.shown_error(i) {
            lines.push(Line::styled(
                truncate(&format!("{:LABEL$}↳ {e}", ""), w),
                theme.error,
            ));
        }
    }
    (lines, focus_line)
}

/// The focused picker: its choice in words between arrows, and what was
/// typed to narrow it.
fn picker<'a>(
    form: &Form,
    spec: &FieldSpec,
    value: &str,
    cols: usize,
    theme: &Theme,
) -> Vec<Span<'a>> {
    let shown = spec.shown(value);
    let words = if shown.trim().is_empty() {
        "choose one"
    } else {
        shown
    };
    let chosen = truncate(&format!("‹ {words} ›"), cols);
    let room = cols.saturating_sub(width(&chosen) + 2);
    let mut spans = vec![Span::styled(chosen, theme.selected)];
    if !form.typed.is_empty() && room > 0 {
        spans.push(Span::raw("  "));
        spans.push(Span::styled(
            truncate(
                &format!("{}▏", crate::ui::sanitize::clean(&form.typed)),
                room,
            ),
            theme.hotkey,
        ));
    }
    spans
}

/// Theirs against mine, field by field: `rows` holds (label, mine, theirs);
/// `by` names who saved theirs (and when) once known; `saving` while mine
/// is on its way.
pub fn render_conflict(
    frame: &mut Frame,
    area: Rect,
    rows: &[(&str, String, String)],
    by: Option<&str>,
    saving: bool,
    theme: &Theme,
) {
    render_conflict_with(frame, area, rows, CHOICES, by, saving, theme);
}

const CHOICES: &str = "m keep mine (save over theirs) · t take theirs · e edit again";

/// [`render_conflict`] with its own line of choices.
pub fn render_conflict_with(
    frame: &mut Frame,
    area: Rect,
    rows: &[(&str, String, String)],
    choices: &str,
    by: Option<&str>,
    saving: bool,
    theme: &Theme,
) {
    let w = usize::from(area.width);
    let col = w.saturating_sub(LABEL + 3) / 2;
    // "≠ label" (LABEL + 1), a space, mine, a space: the rest is theirs.
    let theirs_col = w.saturating_sub(LABEL + 3 + col).max(1);
    let who = by.map_or_else(
        || "Someone else".to_string(),
        |b| crate::ui::sanitize::clean(b).into_owned(),
    );
    let mut lines = vec![
        Line::styled(
            truncate(
                &format!("{who} saved this first. Nothing of yours is saved yet."),
                w,
            ),
            theme.error,
        ),
        Line::styled(truncate(choices, w), theme.hotkey),
        Line::raw(""),
        Line::styled(
            truncate(
                &format!(
                    "  {} {} {}",
                    fit("Field", LABEL - 1),
                    fit("Mine", col),
                    "Theirs"
                ),
                w,
            ),
            theme.header,
        ),
    ];
    // A field that differs shows both values whole, wrapped in its
    // columns: the choice is about them, and a cut text hides the very
    // words that changed.
    let blocks: Vec<Vec<String>> = rows
        .iter()
        .map(|(label, mine, theirs)| {
            if mine == theirs {
                return vec![truncate(
                    &format!("  {} {} {}", fit(label, LABEL - 1), fit(mine, col), theirs),
                    w,
                )];
            }
            let (m, t) = (wrap_all(mine, col), wrap_all(theirs, theirs_col));
            (0..m.len().max(t.len()))
                .map(|i| {
                    let head = if i == 0 {
                        format!("≠ {}", fit(label, LABEL - 1))
                    } else {
                        " ".repeat(LABEL + 1)
                    };
                    let mine = m.get(i).map_or("", String::as_str);
                    let theirs = t.get(i).map_or("", String::as_str);
                    truncate(&format!("{head} {} {theirs}", fit(mine, col)), w)
                })
                .collect()
        })
        .collect();
    let room = usize::from(area.height).saturating_sub(lines.len() + 2);
    // On a short terminal the fields that differ are what the choice is
    // about: unchanged ones give way (the last first) until the rest fit,
    // and say so.
    let mut over = blocks
        .iter()
        .map(Vec::len)
        .sum::<usize>()
        .saturating_sub(room);
    let mut hide = vec![false; rows.len()];
    for (i, (_, mine, theirs)) in rows.iter().enumerate().rev() {
        if over == 0 {
            break;
        }
        if mine == theirs {
            hide[i] = true;
            over -= 1;
        }
    }
    // The line saying how many are not shown needs room too.
    if hide.iter().any(|h| *h)
        && let Some(i) = (0..rows.len()).find(|&i| !hide[i] && rows[i].1 == rows[i].2)
    {
        hide[i] = true;
    }
    let mut hidden = 0;
    for (((_, mine, theirs), block), hide) in rows.iter().zip(blocks).zip(hide) {
        let differs = mine != theirs;
        if hide {
            hidden += 1;
            continue;
        }
        let style = if differs {
            theme.busy.add_modifier(Modifier::BOLD)
        } else {
            theme.dim
        };
        lines.extend(block.into_iter().map(|l| Line::styled(l, style)));
    }
    if hidden > 0 {
        lines.push(Line::styled(
            truncate(
                &format!("  {hidden} unchanged fields not shown (the terminal is short)"),
                w,
            ),
            theme.dim,
        ));
    }
    if saving {
        lines.push(Line::raw(""));
        lines.push(Line::styled("saving mine…", theme.busy));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn screen(t: &Terminal<TestBackend>) -> Vec<String> {
        let b = t.backend().buffer();
        (0..b.area.height)
            .map(|y| (0..b.area.width).map(|x| b[(x, y)].symbol()).collect())
            .collect()
    }

    /// A cold tryout could not tell what differed in a long note (cut at
    /// the column's edge) nor who had saved it: both texts show whole, and
    /// the first line names them.
    #[test]
    fn a_conflict_shows_long_texts_whole_and_names_who_saved_first() {
        let mine = "Reading fluency below benchmark in the fall screener; parents asked for \
                    a second check-in each week";
        let theirs = "Reading fluency below benchmark; the winter screener moved the \
                      student up a band, so weekly sessions drop to two";
        // A word longer than a column is split at the column's width: a
        // column one too wide for the screen showed as a cut (seen at 80
        // columns in a cold tryout, a word lost to "…").
        let long = "q".repeat(70);
        let rows = vec![
            ("Tier", "2".to_string(), "2".to_string()),
            ("Concern", mine.to_string(), theirs.to_string()),
            ("Notes", "x".to_string(), long.clone()),
        ];
        let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
        let theme = Theme::new(false);
        t.draw(|f| {
            render_conflict(
                f,
                f.area(),
                &rows,
                Some("Dana Ruiz at 10:42"),
                false,
                &theme,
            )
        })
        .unwrap();
        let lines = screen(&t);
        assert!(
            lines[0].starts_with("Dana Ruiz at 10:42 saved this first."),
            "{lines:#?}"
        );
        let all = lines.join(" ");
        for word in mine.split_whitespace().chain(theirs.split_whitespace()) {
            assert!(all.contains(word), "{word:?} is missing: {lines:#?}");
        }
        assert!(!all.contains('…'), "nothing cut: {lines:#?}");
        let qs: usize = lines.iter().map(|l| l.matches('q').count()).sum();
        assert_eq!(qs, long.len(), "the long word whole: {lines:#?}");
    }

    /// The notice leads the form, marked so it reads without colour too.
    #[test]
    fn the_forms_notice_is_its_first_line_after_the_title() {
        let specs = crate::app::iv_edit::goal::GOAL;
        let mut form = Form::new(specs, vec![String::new(); specs.len()]);
        form.notice = Some("changed by Dana Ruiz at 10:42 — Esc to see theirs".into());
        for no_color in [false, true] {
            let theme = Theme::new(no_color);
            let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
            t.draw(|f| render(f, f.area(), "Edit goal", &form, &theme))
                .unwrap();
            let lines = screen(&t);
            assert!(
                lines[1].starts_with("! changed by Dana Ruiz at 10:42"),
                "{lines:#?}"
            );
            let cell = &t.backend().buffer()[(2, 1)];
            assert!(
                cell.modifier.contains(Modifier::BOLD),
                "{no_color}: {cell:?}"
            );
            assert_eq!(
                lines.iter().filter(|l| l.contains("Dana Ruiz")).count(),
                1,
                "said once: {lines:#?}"
            );
        }
    }
}
