//! Drawing, one file per screen, mirroring `app/screens`; `render` hands the
//! top screen to its file.

#[cfg(test)]
mod admin_snapshots;
pub mod communications;
pub mod contact_edit;
#[cfg(test)]
mod contact_log_snapshots;
pub mod doc_upload;
pub mod documents;
pub mod export;
pub mod follow_ups;
pub mod home;
pub mod import;
#[cfg(test)]
mod import_snapshots;
pub mod intervention;
pub mod iv_edit;
pub mod iv_list;
#[cfg(test)]
mod iv_list_snapshots;
pub mod jobs;
#[cfg(test)]
mod jobs_snapshots;
pub mod menu;
pub mod menu_editor;
pub mod missed;
#[cfg(test)]
mod missed_snapshots;
pub mod my_caseload;
pub mod people;
#[cfg(test)]
mod people_snapshots;
pub mod programs;
pub mod reports;
#[cfg(test)]
mod reports_snapshots;
pub mod roster;
pub mod schools;
#[cfg(test)]
mod schools_snapshots;
pub mod session_edit;
pub mod settings;
pub mod student;
pub mod team;
pub mod tools;

use crate::app::{Screen, State};
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;

/// The screen on top.
pub fn render(frame: &mut Frame, body: Rect, state: &State, theme: &Theme) {
    match state.top() {
        Screen::Menu(m) => menu::render(frame, body, m, state, theme),
        Screen::Roster(r) => roster::render(frame, body, r, theme),
        Screen::Student(s) => student::render(frame, body, s, theme),
        Screen::Home(h) => home::render(frame, body, h, theme),
        Screen::Intervention(d) => intervention::render(frame, body, d, theme),
        Screen::IvEdit(e) => iv_edit::render(frame, body, e, theme),
        Screen::Session(s) => session_edit::render(frame, body, s, theme),
        Screen::Drafts(d) => session_edit::render_drafts(frame, body, d, theme),
        Screen::Schools(s) => schools::render(frame, body, s, theme),
        Screen::Contact(c) => contact_edit::render(frame, body, c, theme),
        Screen::FollowUps(f) => follow_ups::render(frame, body, f, theme),
        Screen::Communications(c) => communications::render(frame, body, c, theme),
        Screen::Missed(m) => missed::render(frame, body, m, theme),
        Screen::MyCaseload(m) => my_caseload::render(frame, body, m, theme),
        Screen::IvList(s) => iv_list::render(frame, body, s, theme),
        Screen::DocUpload(u) => doc_upload::render(frame, body, u, theme),
        Screen::Documents(d) => documents::render(frame, body, d, theme),
        Screen::Tools(t) => tools::render(frame, body, t, theme),
        Screen::MenuEditor(m) => menu_editor::render(frame, body, m, theme),
        Screen::Programs(p) => programs::render(frame, body, p, theme),
        Screen::Jobs(j) => jobs::render(frame, body, j, theme),
        Screen::Export(s) => export::render(frame, body, s, theme),
        Screen::Reports(s) => reports::render(frame, body, s, theme),
        Screen::Import(s) => import::render(frame, body, s, theme),
        Screen::People(p) => people::render(frame, body, p, theme),
        Screen::Settings(s) => settings::render(frame, body, s, theme),
        Screen::Placeholder(p) => crate::ui::centered_text(
            frame,
            body,
            &format!(
                "this version of caseload has no screen for {}",
                crate::ui::sanitize::clean(&p.label)
            ),
            theme.dim,
        ),
    }
}
