//! The roster table. Only the rows on screen become widgets.

use crate::app::labels::Label;
use crate::app::roster::RosterState;
use crate::domain::enums::PgEnum;
use crate::domain::roster::RosterRow;
use crate::domain::roster::Sort;
use crate::ui::sanitize::{self, Claim, fit, share};
use crate::ui::theme::Theme;
use crate::ui::widgets::chips;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Col {
    Name,
    Grade,
    School,
    LocalId,
    Status,
    Flags,
    LastSession,
}

const COLUMNS: [(Col, &str); 7] = [
    (Col::Name, "Name"),
    (Col::Grade, "Grade"),
    (Col::School, "School"),
    (Col::LocalId, "Local id"),
    (Col::Status, "Status"),
    (Col::Flags, "Flags"),
    (Col::LastSession, "Last session"),
];

/// Narrow terminals drop columns in this order so the name stays readable;
/// the last-session column goes first unless the roster is sorted by it.
const DROP_ORDER: [Col; 4] = [Col::LastSession, Col::LocalId, Col::School, Col::Flags];
const DROP_ORDER_BY_SESSION: [Col; 4] = [Col::LocalId, Col::LastSession, Col::School, Col::Flags];
const MIN_NAME: usize = 20;
/// Columns are dropped until the name can have this much (or all it needs).
const ROOMY_NAME: usize = 30;
const MAX_SCHOOL: usize = 36;

/// What a column asks of the width, from the rows loaded (not only those on
/// screen, so the columns do not jump as the cursor moves): grade, id,
/// status, flags and dates whole; the name and school share the rest.
fn claim(col: Col, title: &str, rows: &[RosterRow], width: usize) -> Claim {
    let cells = std::iter::once(title.to_string()).chain(rows.iter().map(|r| cell(r, col)));
    let cells: Vec<String> = cells.collect();
    let of = |min, max| Claim::of(cells.iter().map(String::as_str), min, max);
    match col {
        // Up to three fifths of the screen: a hostile 10,000-character name
        // leaves the school its share.
        Col::Name => of(MIN_NAME, width * 3 / 5),
        Col::School => of(10, MAX_SCHOOL),
        _ => Claim::fixed(of(0, 20).want),
    }
}

fn layout(width: usize, sort: Sort, rows: &[RosterRow]) -> Vec<(Col, &'static str, usize)> {
    let mut cols: Vec<(Col, &str, Claim)> = COLUMNS
        .iter()
        .map(|&(c, title)| (c, title, claim(c, title, rows, width)))
        .collect();
    // The name as wide as it needs up to ROOMY_NAME, the others at their
    // minimum, one space between.
    let mins = |cols: &[(Col, &str, Claim)]| {
        cols.iter()
            .map(|c| match c.0 {
                Col::Name => c.2.want.min(ROOMY_NAME).max(c.2.min),
                _ => c.2.min,
            } + 1)
            .sum::<usize>()
            - 1
    };
    let order = if sort == Sort::LastSession {
        DROP_ORDER_BY_SESSION
    } else {
        DROP_ORDER
    };
    for drop in order {
        if mins(&cols) <= width {
            break;
        }
        cols.retain(|c| c.0 != drop);
    }
    let claims: Vec<Claim> = cols.iter().map(|c| c.2).collect();
    // Whatever is left after every column's want stays blank at the end of
    // the line, where it does not push the columns apart.
    let widths = share(width.saturating_sub(cols.len() - 1), &claims, None);
    cols.iter()
        .zip(widths)
        .map(|(&(c, title, _), w)| (c, title, w))
        .collect()
}

/// "Last, First (Preferred)", as every screen writes a student's name.
pub(crate) fn name(row: &RosterRow) -> String {
    match row
        .preferred_name
        .as_deref()
        .filter(|p| !p.trim().is_empty())
    {
        Some(p) => format!("{}, {} ({p})", row.last_name, row.first_name),
        None => format!("{}, {}", row.last_name, row.first_name),
    }
}

/// The empty roster, before any search or filter: who a person sees.
const NOBODY: &[&str] = &[
    "No students to show.",
    "Counselors, interventionists and teachers see the students they are the counselor of \
     and those on the teams of their interventions; coordinators see their schools', \
     administrators everyone.",
    "To see a student, ask a coordinator or an administrator to make you the student's \
     counselor or to add you to one of the student's interventions.",
];

/// The student's programme flags, e.g. "IEP 504 EL"; empty when none.
pub(crate) fn flags(row: &RosterRow) -> String {
    [
        (row.has_iep, "IEP"),
        (row.has_504, "504"),
        (row.is_english_learner, "EL"),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, f)| *f)
    .collect::<Vec<_>>()
    .join(" ")
}

fn cell(row: &RosterRow, col: Col) -> String {
    match col {
        Col::Name => name(row),
        Col::Grade => row.grade.to_string(),
        Col::School => row.school.clone(),
        Col::LocalId => row.local_id.clone(),
        Col::Status => row.status.to_string(),
        Col::Flags => flags(row),
        Col::LastSession => row
            .last_session
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
    }
}

fn join(cols: &[(Col, &str, usize)], text: impl Fn(Col, &str) -> String) -> String {
    cols.iter()
        .map(|&(c, title, w)| fit(&text(c, title), w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The search box: what was typed (sanitised; its end stays in view while
/// typing), or a hint; the sort on the right.
fn search_line(r: &RosterState, width: usize, theme: &Theme) -> Line<'static> {
    let sort = format!(" sort: {}", r.query.sort.label());
    let room = width.saturating_sub(sanitize::width(&sort));
    let text = sanitize::clean(&r.query.search).into_owned();
    let (body, style) = if r.search_focus {
        let shown = tail(&format!("/ {text}"), room.saturating_sub(1));
        (format!("{shown}▏"), theme.selected)
    } else if text.is_empty() {
        ("/ search   f filters   s sort".to_string(), theme.dim)
    } else {
        (format!("/ {text}"), theme.hotkey)
    };
    Line::from(vec![
        Span::styled(fit(&body, room), style),
        Span::styled(sort, theme.dim),
    ])
}

/// The last `cols` columns of `s`.
fn tail(s: &str, cols: usize) -> String {
    let mut out: Vec<char> = Vec::new();
    let mut used = 0;
    for c in s.chars().rev() {
        let w = sanitize::width(c.encode_utf8(&mut [0; 4]));
        if used + w > cols {
            break;
        }
        used += w;
        out.push(c);
    }
    out.into_iter().rev().collect()
}

/// The filter chips; the selected one reversed while the bar has the keys.
fn chip_line(r: &RosterState, width: usize, theme: &Theme) -> Line<'static> {
    let empty = if r.filter_focus.is_some() {
        "filters: none yet (? lists the keys: i IEP, a active, m mine, t tier, …)"
    } else {
        "no filters"
    };
    let chips = r.chips();
    let labels = chips.iter().map(|(_, label)| label.as_str());
    chips::chip_line(labels, r.filter_focus, empty, width, theme)
}

pub fn render(frame: &mut Frame, area: Rect, r: &RosterState, theme: &Theme) {
    let [search, chips, header, table, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let width = usize::from(area.width);
    frame.render_widget(Paragraph::new(search_line(r, width, theme)), search);
    frame.render_widget(Paragraph::new(chip_line(r, width, theme)), chips);
    let cols = layout(width, r.query.sort, &r.rows);
    let head = fit(&join(&cols, |_, title| title.to_string()), width);
    frame.render_widget(Paragraph::new(head).style(theme.header), header);

    let nobody = r.rows.is_empty()
        && r.error.is_none()
        && r.loaded
        && r.query.search.is_empty()
        && r.chips().is_empty();
    if nobody {
        // A new counselor with a school grant sees nobody: say why, and how
        // that changes (the cold tryout's confusion).
        let lines: Vec<Line> = NOBODY
            .iter()
            .enumerate()
            .map(|(i, l)| Line::styled(*l, if i == 0 { theme.group } else { theme.dim }))
            .collect();
        let [mid] = Layout::vertical([Constraint::Length(8)])
            .flex(ratatui::layout::Flex::Center)
            .areas(table);
        frame.render_widget(
            Paragraph::new(lines)
                .alignment(ratatui::layout::Alignment::Center)
                .wrap(ratatui::widgets::Wrap { trim: true }),
            mid,
        );
    } else if r.rows.is_empty() {
        let text = match (&r.error, r.loaded) {
            (Some(e), _) => format!("could not load the roster: {e} (r to retry)"),
            (None, false) => "loading the roster…".to_string(),
            (None, true) if r.query.search.is_empty() && r.chips().is_empty() => {
                "no students to show".to_string()
            }
            (None, true) => "no students match".to_string(),
        };
        let style = if r.error.is_some() {
            theme.error
        } else {
            theme.dim
        };
        crate::ui::centered_text(frame, table, &text, style);
    } else {
        let height = usize::from(table.height);
        let offset = crate::ui::scroll_offset(r.offset, r.cursor, height, r.rows.len());
        let lines: Vec<Line> = r.rows[offset..]
            .iter()
            .take(height)
            .enumerate()
            .map(|(i, row)| {
                let text = fit(&join(&cols, |c, _| cell(row, c)), width);
                if offset + i == r.cursor {
                    Line::styled(text, theme.selected)
                } else {
                    Line::raw(text)
                }
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), table);
        crate::ui::hits::rows(table, offset, r.rows.len(), r.cursor);
    }

    let mut info = Vec::new();
    if !r.rows.is_empty() {
        let total = r
            .total
            .map(|t| format!("{}{t}", if r.total_estimated { "~" } else { "" }));
        info.push(match (r.position(), total) {
            (Some(p), Some(t)) => format!("row {p} of {t}"),
            (Some(p), None) => format!("row {p}"),
            (None, Some(t)) => format!("{t} students"),
            (None, None) => String::new(),
        });
        info.push(format!("{} loaded", r.rows.len()));
    }
    if r.pending.is_some() && r.loaded {
        info.push("loading…".into());
    }
    let line = sanitize::truncate(
        &info
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · "),
        width,
    );
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(line, theme.dim))),
        footer,
    );
    if let Some(p) = &r.school_picker {
        let [_, popup, _] = Layout::horizontal([
            Constraint::Fill(1),
            Constraint::Length(area.width.min(72)),
            Constraint::Fill(1),
        ])
        .areas(table);
        crate::ui::picker::render(
            frame,
            popup,
            "School",
            p,
            crate::app::roster::school_label,
            |s| crate::ui::picker::Shown {
                label: format!("{} {}", if s.mine { "★" } else { " " }, s.name),
                detail: format!(
                    "{}–{} · {}",
                    s.low_grade.label(),
                    s.high_grade.label(),
                    s.local_id
                ),
            },
            theme,
        );
    }
}
