//! The application without a terminal: the real `update`, the real worker
//! on the real pool, and frames drawn through the TUI's own output path
//! into a byte counter.

use super::sink::CountingSink;
use crate::app::{self, Conn, Effect, Msg, Screen as AppScreen, State};
use crate::db::tls::Tls;
use crate::domain::roster::RosterRow;
use crate::tui::Screen;
use crate::ui::theme::Theme;
use crate::worker::Worker;
use color_eyre::eyre::{Result, eyre};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use deadpool_postgres::Pool;

pub const WIDTH: u16 = 200;
pub const HEIGHT: u16 = 60;

pub fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

pub struct Headless {
    pub state: State,
    pub worker: Worker,
    pub theme: Theme,
    pub screen: Screen<CountingSink>,
    pub sink: CountingSink,
    /// The caseload home, not the roster, was the first screen: whose work
    /// it listed.
    pub started_on_home: Option<crate::domain::caseload::Scope>,
}

impl Headless {
    /// Signed in, menu loaded and the first roster page on screen, as after
    /// a real start; an error when the roster does not open.
    pub async fn start(pool: Pool, tls: Tls) -> Result<Headless> {
        let sink = CountingSink::default();
        let mut h = Headless {
            state: State::new(app::Options {
                keys: Default::default(),
                connection_label: "bench".into(),
                ..Default::default()
            }),
            worker: Worker::new(pool, tls),
            theme: Theme::new(false),
            screen: Screen::fixed(sink.clone(), WIDTH, HEIGHT)?,
            sink,
            started_on_home: None,
        };
        h.apply(Msg::Resize {
            width: WIDTH,
            height: HEIGHT,
        });
        let effects = app::update(&mut h.state, Msg::Start);
        h.settle(effects).await;
        if let Conn::Failed { reason, .. } = &h.state.conn {
            return Err(eyre!("could not connect: {reason}"));
        }
        if h.roster().is_none() {
            h.started_on_home = match h.state.top() {
                app::Screen::Home(home) => Some(home.scope),
                _ => None,
            };
            // The caseload home opens first when granted; go to the roster
            // the way a person would, through the command line.
            for c in ":roster".chars() {
                let effects = h.apply(Msg::Key(KeyEvent::new(
                    KeyCode::Char(c),
                    KeyModifiers::NONE,
                )));
                h.settle(effects).await;
            }
            let effects = h.apply(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
            h.settle(effects).await;
        }
        match h.roster() {
            Some(r) if r.loaded && !r.rows.is_empty() => {}
            Some(r) if r.loaded => return Err(eyre!("the roster is empty for this login role")),
            _ => {
                let said = h.state.message.as_ref().map(|(_, m)| m.as_str());
                return Err(eyre!(
                    "the roster did not open (does this login role have the roster tool?){}",
                    said.map(|m| format!(": {m}")).unwrap_or_default()
                ));
            }
        }
        h.draw()?;
        Ok(h)
    }

    pub fn apply(&mut self, msg: Msg) -> Vec<Effect> {
        app::update(&mut self.state, msg)
    }

    pub fn press(&mut self, code: KeyCode) -> Vec<Effect> {
        self.apply(Msg::Key(key(code)))
    }

    /// Runs effects and everything their replies ask for, until nothing is
    /// left; returns whether any reply arrived (the real loop would draw).
    pub async fn settle(&mut self, mut effects: Vec<Effect>) -> bool {
        let mut replied = false;
        while !effects.is_empty() {
            let replies =
                futures::future::join_all(effects.drain(..).map(|e| self.worker.execute(e))).await;
            for msg in replies.into_iter().flatten() {
                replied = true;
                effects.extend(self.apply(msg));
            }
        }
        replied
    }

    /// Draws a frame and returns the bytes it sent.
    pub fn draw(&mut self) -> Result<u64> {
        let before = self.sink.bytes();
        self.screen.draw(&self.state, &self.theme)?;
        Ok(self.sink.bytes() - before)
    }

    pub fn roster(&self) -> Option<&app::roster::RosterState> {
        match self.state.top() {
            AppScreen::Roster(r) => Some(r),
            _ => None,
        }
    }

    pub fn first_row(&self) -> Option<&RosterRow> {
        self.roster().and_then(|r| r.rows.first())
    }
}
