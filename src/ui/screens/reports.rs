//! The Reports screen: the person's report jobs as they go, then the
//! reports in this computer's folder, and the keys that queue new ones.

use crate::app::screens::reports::{ReportsState, Row};
use crate::ui::theme::Theme;
use crate::ui::widgets::listing::{self, Listing};
use crate::ui::widgets::own_jobs;
use crate::ui::widgets::pending::{self, BACK_OR_RETRY, loading_or_failed};
use ratatui::Frame;
use ratatui::layout::Rect;

pub fn render(frame: &mut Frame, area: Rect, s: &ReportsState, theme: &Theme) {
    let Some(list) = s.list.get() else {
        let p = loading_or_failed(s.list.error(), "reading your reports…", BACK_OR_RETRY);
        pending::render(frame, area, p, theme);
        return;
    };
    let dir = list
        .dir
        .as_ref()
        .map(|d| d.display().to_string())
        .unwrap_or_else(|| "no data folder".into());
    let title = match s.jobs.error() {
        Some(why) => format!("your report jobs could not be read ({why}); folder: {dir}"),
        None => format!(
            "your reports: jobs run as you by your caseload window or `caseload worker --mine`; folder: {dir}"
        ),
    };
    let mut table = own_jobs::table(s.own_jobs());
    table.rows.extend(s.rows().into_iter().filter_map(|r| match r {
        Row::File(e) => Some(vec![
            e.written_at.format("%m-%d %H:%M").to_string(),
            e.title.clone(),
            "in the folder".to_string(),
            e.html.clone(),
        ]),
        Row::Job(_) => None,
    }));
    let school = s
        .chosen_school()
        .map(|sc| format!("{} ({})", sc.name, sc.local_id))
        .unwrap_or_else(|| "no school".into());
    let range = match s.range() {
        Some((from, to)) => format!("{} ({from} to {to})", s.period.phrase()),
        None => s.period.phrase().to_string(),
    };
    let fidelity = format!("4 fidelity of {school} {range} (s: school, p: period)");
    let others = format!("1 summary by school · 2 by counselor · 3 recap of {school}");
    let foot = if s.fidelity {
        format!("queue: {fidelity} · {others}")
    } else {
        format!("queue: {others} · {fidelity}")
    };
    listing::render(
        frame,
        area,
        Listing {
            title: &title,
            table,
            cursor: s.cursor.at(),
            empty: if s.fidelity {
                "no reports yet: 4 queues a fidelity report"
            } else {
                "no reports yet: 1, 2, 3 or 4 queues one"
            },
            foot: &foot,
        },
        theme,
    );
}
