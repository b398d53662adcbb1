//! The student record: a header, the tab bar, and the current tab (or the
//! form or conflict view over it). Every value from the database goes
//! through `sanitize`; columns are cut by display width.

use crate::app::labels::Label;
use crate::app::loadable::Pending as LoadPending;
use crate::app::student::{Mode, StudentState, Tab};
use crate::domain::student::StudentRecord;
use crate::ui::sanitize::{fit, squeeze, truncate};
use crate::ui::theme::Theme;
use crate::ui::widgets::pending::{self, BACK_OR_RETRY, loading_or_failed};
use crate::ui::widgets::table::{Column, Table};
use crate::ui::words;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

const LABEL: usize = 16;

fn date(d: Option<NaiveDate>) -> String {
    d.map_or_else(|| "—".to_string(), |d| d.to_string())
}

fn opt(s: &Option<String>) -> String {
    s.clone()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "—".to_string())
}

fn yes(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

pub fn render(frame: &mut Frame, area: Rect, s: &StudentState, theme: &Theme) {
    if let Some(p) = s.detail.pending() {
        let why = match p {
            LoadPending::Failed(why) => Some(why),
            LoadPending::Loading => None,
        };
        let p = loading_or_failed(why, "loading…", BACK_OR_RETRY);
        pending::render(frame, area, p, theme);
        return;
    }
    let Some(d) = s.detail.get() else {
        return;
    };
    let [head, tabs, body] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(2),
        Constraint::Fill(1),
    ])
    .areas(area);
    header(frame, head, d, theme);
    tab_bar(frame, tabs, s, d, theme);
    match &s.mode {
        Mode::Edit(ed) => {
            let what = match s.tab {
                Tab::Guardians => "Edit guardian",
                _ => "Edit profile",
            };
            crate::ui::form::render(frame, body, what, &ed.form, theme);
        }
        Mode::Conflict(c) => crate::ui::form::render_conflict(
            frame,
            body,
            &c.rows(),
            None,
            c.saving.is_some(),
            theme,
        ),
        Mode::View => {
            let body = if s.tab == Tab::Documents {
                crate::ui::widgets::doc_actions::split(frame, body, &s.docs, theme)
            } else {
                body
            };
            let height = usize::from(body.height);
            let lines = match s.tab {
                Tab::Profile => profile(d, usize::from(body.width), theme),
                Tab::Guardians => guardians(d, s.cursor(), body, theme),
                Tab::Interventions => interventions(d, s.cursor(), body, theme),
                Tab::Communications => communications(d, s.cursor(), body, theme),
                Tab::Documents => documents(d, s.cursor(), body, theme),
                Tab::Activity => activity(d, s.cursor(), body, theme),
            };
            let lines: Vec<Line> = lines.into_iter().take(height).collect();
            frame.render_widget(Paragraph::new(lines), body);
            if s.tab == Tab::Documents {
                crate::ui::widgets::doc_actions::overlay(frame, body, &s.docs, theme);
            }
        }
    }
}

fn header(frame: &mut Frame, area: Rect, d: &StudentRecord, theme: &Theme) {
    let p = &d.profile.value;
    let mut name = format!("{}, {}", p.last_name, p.first_name);
    if let Some(pref) = p.preferred_name.as_deref().filter(|s| !s.is_empty()) {
        name.push_str(&format!(" ({pref})"));
    }
    let (grade, status) = (format!("grade {}", p.grade), p.status.to_string());
    let text = squeeze(
        &[
            ("", &name, 12),
            (" · ", &grade, usize::MAX),
            (" · ", &status, usize::MAX),
            (" · ", &d.school_name, 16),
            (" · ", &d.local_id, usize::MAX),
        ],
        usize::from(area.width),
    );
    frame.render_widget(Paragraph::new(Line::styled(text, theme.group)), area);
}

/// How much of each tab's name the bar shows.
#[derive(Clone, Copy)]
enum TabNames {
    Full,
    /// Abbreviated titles, so all six fit at 80 columns.
    Short,
    /// Numbers only, but the selected tab's short title and count.
    Numbers,
}

fn short_title(t: Tab) -> &'static str {
    match t {
        Tab::Profile => "Profile",
        Tab::Guardians => "Guard.",
        Tab::Interventions => "Interv.",
        Tab::Communications => "Comms",
        Tab::Documents => "Docs",
        Tab::Activity => "Activity",
    }
}

/// The tab bar's labels, each a tab's number, name and count as `names`
/// allows.
fn tab_labels(s: &StudentState, d: &StudentRecord, names: TabNames) -> Vec<(Tab, String)> {
    Tab::ALL
        .iter()
        .enumerate()
        .map(|(i, &t)| {
            let count = match t {
                Tab::Profile => None,
                Tab::Guardians => Some(d.guardians.len()),
                Tab::Interventions => Some(d.interventions.len()),
                Tab::Communications => Some(d.communications.len()),
                Tab::Documents => Some(d.documents.len()),
                Tab::Activity => Some(d.activity.len()),
            };
            let title = match names {
                TabNames::Full => Some(t.title()),
                TabNames::Short => Some(short_title(t)),
                TabNames::Numbers => (t == s.tab).then(|| short_title(t)),
            };
            let label = match (title, count) {
                (Some(title), Some(n)) => format!(" {} {title} {n} ", i + 1),
                (Some(title), None) => format!(" {} {title} ", i + 1),
                (None, _) => format!(" {} ", i + 1),
            };
            (t, label)
        })
        .collect()
}

/// The labels shown at `width`: the fullest names with which every tab
/// fits, one space apart.
fn fitting_tab_labels(s: &StudentState, d: &StudentRecord, width: usize) -> Vec<(Tab, String)> {
    let fits = |labels: &[(Tab, String)]| {
        let gaps = labels.len().saturating_sub(1);
        labels
            .iter()
            .map(|(_, l)| crate::ui::sanitize::width(l))
            .sum::<usize>()
            + gaps
            <= width
    };
    [TabNames::Full, TabNames::Short]
        .into_iter()
        .map(|names| tab_labels(s, d, names))
        .find(|labels| fits(labels))
        .unwrap_or_else(|| tab_labels(s, d, TabNames::Numbers))
}

fn tab_bar(frame: &mut Frame, area: Rect, s: &StudentState, d: &StudentRecord, theme: &Theme) {
    let width = usize::from(area.width);
    let mut spans = Vec::new();
    for (t, label) in fitting_tab_labels(s, d, width) {
        if !spans.is_empty() {
            spans.push(Span::raw(" "));
        }
        let style = if t == s.tab {
            theme.selected
        } else {
            theme.dim
        };
        spans.push(Span::styled(label, style));
    }
    // Narrower than even the numbers: cut from the right, keeping whole
    // spans where they fit.
    let mut used = 0;
    let mut kept = Vec::new();
    for sp in spans {
        let w = crate::ui::sanitize::width(&sp.content);
        if used + w > width {
            break;
        }
        used += w;
        kept.push(sp);
    }
    let hint = match s.tab {
        Tab::Profile => "e edit · tab/1–6 switch tabs",
        Tab::Guardians => "j/k select · e edit the selected guardian",
        Tab::Interventions => "j/k select · enter opens the intervention · n new intervention",
        Tab::Communications => "j/k select · enter opens the contact · C log a contact",
        _ => "j/k scroll · tab/1–6 switch tabs",
    };
    crate::ui::hits::tabs(area, &kept);
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(kept),
            Line::styled(truncate(hint, width), theme.dim),
        ]),
        area,
    );
}

fn profile(d: &StudentRecord, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let p = &d.profile.value;
    let flags = [
        (p.has_iep, "IEP"),
        (p.has_504, "504"),
        (p.is_english_learner, "EL"),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, f)| *f)
    .collect::<Vec<_>>()
    .join(" ");
    let fields: Vec<(&str, String)> = vec![
        ("First name", p.first_name.clone()),
        ("Last name", p.last_name.clone()),
        ("Preferred name", opt(&p.preferred_name)),
        ("Born", date(p.date_of_birth)),
        ("Grade", p.grade.to_string()),
        ("Status", p.status.to_string()),
        (
            "Flags",
            if flags.is_empty() {
                "—".into()
            } else {
                flags
            },
        ),
        ("Enrolled", date(p.enrollment_date)),
        ("Exited", date(p.exit_date)),
        ("School", d.school_name.clone()),
        ("Local id", d.local_id.clone()),
        ("State id", opt(&d.state_id)),
        ("Counselor", opt(&d.counselor)),
    ];
    fields
        .into_iter()
        .map(|(label, value)| {
            Line::from(vec![
                Span::styled(fit(label, LABEL), theme.dim),
                Span::raw(truncate(&value, width.saturating_sub(LABEL))),
            ])
        })
        .collect()
}

/// A table (widgets::table): header, then the rows that fit around
/// `cursor` (highlighted when `select`), or `empty` when there are none.
fn table(
    area: Rect,
    columns: &[Column],
    rows: Vec<Vec<String>>,
    cursor: usize,
    select: bool,
    empty: &str,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let width = usize::from(area.width);
    if rows.is_empty() {
        return vec![Line::styled(truncate(empty, width), theme.dim)];
    }
    let t = Table {
        columns: columns.to_vec(),
        rows,
    };
    if select {
        t.note_rows(area, cursor);
    }
    t.lines(width, usize::from(area.height), cursor, select, theme)
}

fn guardians(d: &StudentRecord, cursor: usize, area: Rect, theme: &Theme) -> Vec<Line<'static>> {
    let rows = d
        .guardians
        .iter()
        .map(|g| {
            let g = &g.value;
            vec![
                g.contact_priority.to_string(),
                format!("{} {}", g.first_name, g.last_name),
                g.relationship.replace('_', " "),
                opt(&g.phone),
                opt(&g.email),
                opt(&g.preferred_channel),
                opt(&g.preferred_language),
            ]
        })
        .collect();
    // The list leaves room for the selected guardian's details below it.
    let list_area = Rect {
        height: area.height.saturating_sub(6).max(2),
        ..area
    };
    let mut lines = table(
        list_area,
        &[
            Column::whole("#"),
            Column::new("Name", 12, 30),
            Column::whole("Relationship"),
            Column::whole("Phone"),
            Column::new("Email", 12, 40),
            Column::whole("Prefers"),
            Column::new("Language", 8, 0),
        ],
        rows,
        cursor,
        true,
        "no guardians on record",
        theme,
    );
    if let Some(g) = d.guardians.get(cursor) {
        let g = &g.value;
        let width = usize::from(area.width);
        lines.push(Line::raw(""));
        let facts = [
            ("Custody", yes(g.has_custody)),
            ("Educational rights", yes(g.has_educational_rights)),
            ("Emergency contact", yes(g.is_emergency_contact)),
            ("Receives communications", yes(g.receives_communications)),
        ];
        for pair in facts.chunks(2) {
            let text = pair
                .iter()
                .map(|(l, v)| format!("{} {}", fit(l, 24), fit(v, 4)))
                .collect::<Vec<_>>()
                .join("  ");
            lines.push(Line::styled(truncate(&text, width), theme.dim));
        }
    }
    lines
}

fn interventions(
    d: &StudentRecord,
    cursor: usize,
    area: Rect,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let rows = d
        .interventions
        .iter()
        .map(|i| {
            vec![
                crate::ui::words::status(i.status),
                i.tier.to_string(),
                i.progress.label().to_string(),
                date(i.start_date),
                date(i.planned_end_date),
                opt(&i.owner),
                i.name.clone(),
            ]
        })
        .collect();
    table(
        area,
        &[
            Column::whole("Status"),
            Column::whole("Tier"),
            Column::whole("Progress"),
            Column::whole("Start"),
            Column::whole("Ends"),
            Column::new("Owner", 8, 24),
            Column::new("Name", 12, 60),
        ],
        rows,
        cursor,
        true,
        "no interventions visible to you",
        theme,
    )
}

fn communications(
    d: &StudentRecord,
    cursor: usize,
    area: Rect,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let rows = d
        .communications
        .iter()
        .map(|c| {
            let follow = match (c.follow_up_due, c.follow_up_done) {
                (Some(due), true) => format!("{due} done"),
                (Some(due), false) => format!("{due} due"),
                (None, _) => "—".into(),
            };
            vec![
                c.when.clone(),
                if c.direction == "inbound" {
                    "in"
                } else {
                    "out"
                }
                .to_string(),
                c.channel.replace('_', " "),
                opt(&c.guardian),
                opt(&c.result).replace('_', " "),
                follow,
                c.purpose.clone(),
            ]
        })
        .collect();
    table(
        area,
        &[
            Column::whole("When"),
            Column::whole("Dir"),
            Column::whole("Channel"),
            Column::new("Guardian", 8, 24),
            Column::whole("Result"),
            Column::whole("Follow-up"),
            Column::new("Purpose", 10, 60),
        ],
        rows,
        cursor,
        true,
        "no communications visible to you",
        theme,
    )
}

fn documents(d: &StudentRecord, cursor: usize, area: Rect, theme: &Theme) -> Vec<Line<'static>> {
    let rows = d
        .documents
        .iter()
        .map(|doc| {
            vec![
                doc.uploaded.clone(),
                crate::domain::document::human_size(u64::try_from(doc.byte_size).unwrap_or(0)),
                if doc.is_restricted { "restricted" } else { "" }.to_string(),
                doc.category
                    .as_deref()
                    .map(crate::domain::document::category_words)
                    .unwrap_or("")
                    .to_string(),
                doc.filename.clone(),
                doc.title.clone().unwrap_or_default(),
            ]
        })
        .collect();
    table(
        area,
        &[
            Column::whole("Uploaded"),
            Column::whole("Size"),
            Column::whole("Access"),
            Column::whole("Category"),
            Column::new("File", 12, 50),
            Column::new("Title", 0, 0),
        ],
        rows,
        cursor,
        true,
        "no documents visible to you: u uploads one",
        theme,
    )
}

/// Who viewed or changed the record, in words: "Dana Reyes changed the
/// profile: status, exit date". Row-level security gives the trail to
/// coordinators and admins only, so an empty list says so rather than
/// "nobody touched it".
fn activity(d: &StudentRecord, cursor: usize, area: Rect, theme: &Theme) -> Vec<Line<'static>> {
    let rows = d
        .activity
        .iter()
        .map(|e| {
            let fields: Vec<String> = e.changed.iter().map(|c| words::field(c)).collect();
            vec![
                e.when.clone(),
                e.who.clone(),
                words::activity(e),
                fields.join(", "),
            ]
        })
        .collect();
    table(
        area,
        &[
            Column::whole("When"),
            Column::new("Who", 8, 24),
            Column::new("What", 12, 30),
            Column::new("Fields", 0, 0),
        ],
        rows,
        cursor,
        true,
        "no activity visible to you",
        theme,
    )
}
