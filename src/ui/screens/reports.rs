//! The Reports screen: the person's report jobs as they go, then the
//! reports in this computer's folder, and the keys that queue new ones.

use crate::app::screens::reports::{ReportsState, Row};
use crate::domain::jobs::JobStatus;
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
    let mut table = own_jobs::table(s.own_jobs());
    table
        .rows
        .extend(s.rows().into_iter().filter_map(|r| match r {
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
    let title = if s.fidelity {
        format!("4 queues a fidelity report of {school} (s) over {range} (p)")
    } else {
        format!("3 recap, 4 fidelity of {school} (s); 4 over {range} (p)")
    };
    // The selected line in full: a failure's reason, a report's path.
    let foot = match (s.jobs.error(), s.selected()) {
        (Some(why), _) => format!("your report jobs could not be read: {why}"),
        (None, Some(Row::Job(j))) => match j.file() {
            Some(f) if j.row.status == JobStatus::Succeeded => format!("done: {}", f.display()),
            _ => j.state(),
        },
        (None, Some(Row::File(e))) => format!("in {dir}: {}", e.html),
        (None, None) => {
            "reports run as you: in your caseload window or `caseload worker --mine`".into()
        }
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
