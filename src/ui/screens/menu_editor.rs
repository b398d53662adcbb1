//! The menu editor: the tree on the left (hidden items dimmed and marked,
//! an item whose tool reaches no menu marked with its status), the menu as
//! the chosen role sees it on the right (below, on a narrow terminal), and
//! whatever asks at the foot.

use crate::app::loadable::Pending as LoadPending;
use crate::app::menu::{EntryKind, MenuEntry};
use crate::app::screens::menu_editor::{MenuEditorState, Mode, NewItem};
use crate::domain::enums::{NavigationType, ToolStatus};
use crate::domain::menu_tree::NavRow;
use crate::domain::tools::status_words;
use crate::ui::sanitize::{clean, fit, truncate};
use crate::ui::theme::Theme;
use crate::ui::widgets::form;
use crate::ui::widgets::pending::{self, Pending};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};

/// Below this width the preview goes under the tree.
const SIDE_BY_SIDE: u16 = 90;

pub fn render(frame: &mut Frame, area: Rect, s: &MenuEditorState, theme: &Theme) {
    let why;
    let waiting = match s.tree.pending() {
        None => None,
        Some(LoadPending::Failed(w)) => {
            why = clean(w);
            Some(Pending::Failed {
                why: &why,
                hint: pending::BACK_OR_RETRY,
            })
        }
        Some(LoadPending::Loading) => Some(Pending::Loading("loading the menu's tree…")),
    };
    if let Some(p) = waiting {
        pending::render(frame, area, p, theme);
        return;
    }
    let foot_h = match s.mode {
        Mode::List => 0,
        Mode::Add { .. } => 8.min(area.height / 2),
        Mode::Delete { .. } => 2,
        _ => 6.min(area.height / 2),
    };
    let [main, foot] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(foot_h)]).areas(area);
    let (tree, preview) = if area.width >= SIDE_BY_SIDE {
        let [a, b] = Layout::horizontal([Constraint::Fill(3), Constraint::Fill(2)]).areas(main);
        (a, b)
    } else {
        let [a, b] = Layout::vertical([Constraint::Fill(3), Constraint::Fill(2)]).areas(main);
        (a, b)
    };
    render_tree(frame, tree, s, theme);
    render_preview(frame, preview, s, theme);
    let width = usize::from(foot.width);
    match &s.mode {
        Mode::List => {}
        Mode::Delete { id } => {
            if let Some(row) = s.rows().iter().find(|r| r.id == *id) {
                let q = crate::app::screens::menu_editor::keys::delete_question(row);
                let lines =
                    crate::ui::widgets::question::lines(&q, "delete", "keep it", width, theme);
                frame.render_widget(Paragraph::new(lines), foot);
            }
        }
        Mode::Rename(f) => form::render(frame, foot, "Rename", f, theme),
        Mode::Hotkey(f) => form::render(frame, foot, "Key letter", f, theme),
        Mode::NewLabel { form: f, .. } => form::render(frame, foot, "New item", f, theme),
        Mode::Add { choices, at } => {
            let mut lines = vec![Line::styled(
                truncate("Add after the selected item:", width),
                theme.group,
            )];
            let rows = usize::from(foot.height).saturating_sub(2);
            let offset = crate::ui::scroll_offset(0, at.at(), rows, choices.len());
            lines.extend(
                choices
                    .iter()
                    .enumerate()
                    .skip(offset)
                    .take(rows)
                    .map(|(i, c)| {
                        let text = match c {
                            NewItem::Group => "a group".to_string(),
                            NewItem::Separator => "a separator".to_string(),
                            NewItem::Screen(key, name) => format!("{} ({key})", clean(name)),
                        };
                        let text = truncate(&format!("  {text}"), width);
                        if i == at.at() {
                            Line::styled(text, theme.selected)
                        } else {
                            Line::raw(text)
                        }
                    }),
            );
            lines.push(Line::styled("enter chooses · esc adds nothing", theme.dim));
            frame.render_widget(Paragraph::new(lines), foot);
        }
    }
}

fn render_tree(frame: &mut Frame, area: Rect, s: &MenuEditorState, theme: &Theme) {
    let width = usize::from(area.width);
    let lines_all = s.lines();
    let height = usize::from(area.height);
    let offset = crate::ui::scroll_offset(0, s.cursor.at(), height, lines_all.len());
    let lines: Vec<Line> = lines_all
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(i, (depth, r))| {
            let text = fit(&tree_line(*depth, r), width);
            let style = if i == s.cursor.at()
                && matches!(s.mode, Mode::List | Mode::Rename(_) | Mode::Hotkey(_))
            {
                theme.selected
            } else if !r.is_visible || (r.opens() && r.tool_status != Some(ToolStatus::Approved)) {
                theme.dim
            } else if r.nav_type == NavigationType::Group {
                theme.group
            } else {
                ratatui::style::Style::default()
            };
            Line::styled(text, style)
        })
        .collect();
    if lines.is_empty() {
        crate::ui::centered_text(frame, area, "the menu is empty: n adds an item", theme.dim);
        return;
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// One row of the tree: indent, key, label, what it opens, and why it
/// reaches nobody when it does not.
fn tree_line(depth: usize, r: &NavRow) -> String {
    let indent = "  ".repeat(depth);
    let key = r
        .hotkey
        .as_deref()
        .map_or("   ".to_string(), |k| format!("[{}]", clean(k)));
    let mut text = match r.nav_type {
        NavigationType::Separator => format!("{indent}    ──────"),
        NavigationType::Group => format!("{indent}    {}/", clean(&r.label)),
        _ => format!(
            "{indent}{key} {}  → {}",
            clean(&r.label),
            clean(r.target.as_deref().unwrap_or(""))
        ),
    };
    if !r.is_visible {
        text.push_str("  (hidden)");
    }
    if r.opens() {
        match r.tool_status {
            Some(ToolStatus::Approved) => {}
            Some(st) => text.push_str(&format!("  ({}: on no menu)", status_words(st))),
            None => text.push_str("  (no tool)"),
        }
    }
    text
}

fn render_preview(frame: &mut Frame, area: Rect, s: &MenuEditorState, theme: &Theme) {
    let title = format!(" As a {} sees it (p: next role) ", s.role());
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(truncate(&title, usize::from(area.width.saturating_sub(2))));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = usize::from(inner.width);
    if s.preview.is_empty() {
        let text = format!("a {} sees an empty menu", s.role());
        frame.render_widget(
            Paragraph::new(Line::styled(truncate(&text, width), theme.dim)),
            inner,
        );
        return;
    }
    let lines: Vec<Line> = s
        .preview
        .iter()
        .take(usize::from(inner.height))
        .map(|e| preview_line(e, width, theme))
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// A preview line as the menu draws it.
fn preview_line<'a>(e: &MenuEntry, width: usize, theme: &Theme) -> Line<'a> {
    let indent = "  ".repeat(e.depth);
    match &e.kind {
        EntryKind::Header => Line::styled(
            truncate(&format!("{indent}{}", clean(&e.label)), width),
            theme.group,
        ),
        EntryKind::Separator => Line::styled(
            truncate(&format!("{indent}{}", "─".repeat(12)), width),
            theme.dim,
        ),
        EntryKind::Item { .. } => {
            let key = e.hotkey.map_or("   ".to_string(), |k| format!("[{k}]"));
            Line::raw(truncate(
                &format!("{indent}{key} {}", clean(&e.label)),
                width,
            ))
        }
    }
}
