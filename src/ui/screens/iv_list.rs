//! The Interventions list: sort and count, filter chips, one line per
//! intervention. Only the rows on screen become widgets.

use crate::app::screens::iv_list::IvListState;
use crate::domain::iv_list::IvRow;
use crate::ui::sanitize::{self, Claim, fit, share};
use crate::ui::theme::Theme;
use crate::ui::widgets::chips;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Col {
    Student,
    Name,
    Tier,
    Status,
    Owner,
    School,
    Due,
    Review,
    Flags,
}

const COLUMNS: [(Col, &str); 9] = [
    (Col::Student, "Student"),
    (Col::Name, "Intervention"),
    (Col::Tier, "T"),
    (Col::Status, "Status"),
    (Col::Owner, "Owner"),
    (Col::School, "School"),
    (Col::Due, "Next due"),
    (Col::Review, "Review"),
    (Col::Flags, "Flags"),
];

/// Narrow terminals drop columns in this order; student, intervention and
/// flags stay.
const DROP_ORDER: [Col; 6] = [
    Col::School,
    Col::Owner,
    Col::Review,
    Col::Status,
    Col::Tier,
    Col::Due,
];
const MIN_TEXT: usize = 12;

/// The flags as the legend reads them: ! off track (the filter's key), ⚑
/// fidelity under the threshold (as on the home and the detail), and how
/// many days since the last session when overdue.
pub fn flags(r: &IvRow) -> String {
    let mut out = Vec::new();
    if r.off_track {
        out.push("!".to_string());
    }
    if r.fidelity_low {
        out.push(crate::ui::words::FLAG.to_string());
    }
    if let Some(d) = r.gap_days {
        out.push(format!("{d}d"));
    }
    out.join(" ")
}

fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

fn cell(r: &IvRow, col: Col) -> String {
    match col {
        Col::Student => r.student(),
        Col::Name => r.name.clone(),
        Col::Tier => r.tier.to_string(),
        Col::Status => crate::ui::words::status(r.status),
        Col::Owner => r.owner.clone().unwrap_or_default(),
        Col::School => r.school.clone(),
        Col::Due => date(r.next_session_due),
        Col::Review => date(r.review_on),
        Col::Flags => flags(r),
    }
}

fn claim(col: Col, title: &str, rows: &[IvRow], width: usize) -> Claim {
    let cells: Vec<String> = std::iter::once(title.to_string())
        .chain(rows.iter().map(|r| cell(r, col)))
        .collect();
    let of = |min, max| Claim::of(cells.iter().map(String::as_str), min, max);
    match col {
        Col::Student | Col::Name => of(MIN_TEXT, width * 2 / 5),
        Col::Owner | Col::School => of(8, 24),
        _ => Claim::fixed(of(0, 12).want),
    }
}

fn layout(width: usize, rows: &[IvRow]) -> Vec<(Col, &'static str, usize)> {
    let mut cols: Vec<(Col, &str, Claim)> = COLUMNS
        .iter()
        .map(|&(c, title)| (c, title, claim(c, title, rows, width)))
        .collect();
    let mins = |cols: &[(Col, &str, Claim)]| {
        cols.iter()
            .map(|c| c.2.min + 1)
            .sum::<usize>()
            .saturating_sub(1)
    };
    for drop in DROP_ORDER {
        if mins(&cols) <= width {
            break;
        }
        cols.retain(|c| c.0 != drop);
    }
    let claims: Vec<Claim> = cols.iter().map(|c| c.2).collect();
    let widths = share(width.saturating_sub(cols.len() - 1), &claims, None);
    cols.iter()
        .zip(widths)
        .map(|(&(c, title, _), w)| (c, title, w))
        .collect()
}

fn join(cols: &[(Col, &str, usize)], text: impl Fn(Col, &str) -> String) -> String {
    cols.iter()
        .map(|&(c, title, w)| fit(&text(c, title), w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The sort on the left, the count on the right.
fn top_line(s: &IvListState, width: usize, theme: &Theme) -> Line<'static> {
    let count = format!(" {}", s.count_text());
    let room = width.saturating_sub(sanitize::width(&count));
    let sort = format!("sorted by {}   f filters   s sort", s.query.sort.label());
    Line::from(vec![
        Span::styled(fit(&sort, room), theme.dim),
        Span::styled(sanitize::truncate(&count, width), theme.dim),
    ])
}

/// The filter chips; the selected one reversed while the bar has the keys.
fn chip_line(s: &IvListState, width: usize, theme: &Theme) -> Line<'static> {
    let empty = if s.filter_focus.is_some() {
        "filters: none yet (u status, t tier, y type, ! off track, d fidelity, ? all keys)"
    } else {
        "no filters · flags: ! off track, ⚑ fidelity low, 12d no session for 12 days"
    };
    let chips = s.query.filters.chips();
    let labels = chips.iter().map(|(_, label)| label.as_str());
    chips::chip_line(labels, s.filter_focus, empty, width, theme)
}

pub fn render(frame: &mut Frame, area: Rect, s: &IvListState, theme: &Theme) {
    let [top, chips, header, table, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let width = usize::from(area.width);
    let list = &s.list;
    frame.render_widget(Paragraph::new(top_line(s, width, theme)), top);
    frame.render_widget(Paragraph::new(chip_line(s, width, theme)), chips);
    let cols = layout(width, &list.rows);
    let head = fit(&join(&cols, |_, title| title.to_string()), width);
    frame.render_widget(Paragraph::new(head).style(theme.header), header);

    if list.rows.is_empty() {
        let text = match (&s.error, list.loaded) {
            (Some(e), _) => format!("could not load the interventions: {e} (r to retry)"),
            (None, false) => "loading the interventions…".to_string(),
            (None, true) if chips_empty(s) => "no interventions to show".to_string(),
            (None, true) => "no interventions match these filters (f, then x removes one)".into(),
        };
        let style = if s.error.is_some() {
            theme.error
        } else {
            theme.dim
        };
        crate::ui::centered_text(frame, table, &text, style);
    } else {
        let height = usize::from(table.height);
        let offset = crate::ui::scroll_offset(list.offset, list.cursor, height, list.rows.len());
        let lines: Vec<Line> = list.rows[offset..]
            .iter()
            .take(height)
            .enumerate()
            .map(|(i, row)| {
                let text = fit(&join(&cols, |c, _| cell(row, c)), width);
                if offset + i == list.cursor {
                    Line::styled(text, theme.selected)
                } else if row.off_track || row.fidelity_low {
                    Line::styled(text, theme.error)
                } else {
                    Line::raw(text)
                }
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), table);
    }

    let mut info = Vec::new();
    if let Some(p) = list.position() {
        info.push(format!("row {p}"));
    }
    if !list.rows.is_empty() {
        info.push(format!("{} loaded", list.rows.len()));
    }
    if s.pending.is_some() && list.loaded {
        info.push("loading…".into());
    }
    info.push("enter open · L log a session".into());
    let line = sanitize::truncate(&info.join(" · "), width);
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(line, theme.dim))),
        footer,
    );
}

fn chips_empty(s: &IvListState) -> bool {
    s.query.filters.chips().is_empty()
}
