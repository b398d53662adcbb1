//! The application as a pure state machine: `update(&mut State, Msg) ->
//! Vec<Effect>` does no IO, so every behaviour is testable without a
//! terminal or a database. The worker turns Effects into Msgs.
//!
//! The map:
//! - `msg.rs`, `effect.rs`: what update() is told, and what it asks for;
//! - `request.rs`: the reads (`Read`) and their answers (`Data`);
//! - `state.rs`: the state (connection, screen stack, layers above it);
//! - `update.rs`: the top-level transition, delegating each message;
//! - `route.rs`: which layer gets a key, else the top screen;
//! - `nav.rs`: the screen stack (open, reload, which screen waits for a reply);
//! - `keymap.rs`: the key table, one section per screen, from which help is drawn;
//! - `hint.rs`: the one-line hint of the top screen's keys (`Room::keys`);
//! - `screens/mod.rs`: the registry handing each screen its keys, replies and
//!   reloads; `screens/<screen>/`: each screen's state, keys, replies, tests;
//! - `help.rs`, `command.rs`, `auth.rs`, `session_log.rs`: the layers over the screens;
//! - `outbox.rs`: the outbox's and the drafts directory's news, by session id;
//! - `loadable.rs`, `list.rs`, `form.rs`, `picker.rs`, `choices.rs`, `confirm.rs`: shapes
//!   shared by screens (closed sets of values in words; the one yes/no question).

pub mod auth;
pub mod choices;
pub mod command;
pub mod confirm;
pub mod copy;
mod effect;
pub mod form;
pub mod help;
pub mod hint;
pub mod keymap;
pub mod labels;
pub mod list;
pub mod live;
pub mod loadable;
mod msg;
pub mod nav;
pub mod outbox;
pub mod own_jobs;
pub mod paged;
pub mod palette;
pub mod path_tab;
pub mod picker;
pub mod request;
pub mod route;
pub mod screens;
pub mod session_log;
mod state;
pub mod timeline;
mod update;

pub use effect::Effect;
pub use help::{help_line_count, help_rows};
pub use msg::{Msg, ReqId};
pub use request::{Data, Read, Wrote};
pub use screens::Screen;
pub use screens::intervention::team;
pub use screens::{
    doc_upload, documents, export, home, intervention, iv_edit, menu, missed, my_caseload, reports,
    roster, schools, session_edit, student,
};
pub use state::{
    Conn, FRAME_ROWS, Level, Link, LogPick, MESSAGE_TICKS, MIN_HEIGHT, MIN_WIDTH, Modal, Options,
    OutboxStatus, START_TARGETS, State, TICK, fits,
};
pub use update::update;

#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
pub(crate) use screens::intervention::tests as iv_tests;
#[cfg(test)]
mod route_tests;
#[cfg(test)]
mod save_tests;
#[cfg(test)]
mod test_prelude;
#[cfg(test)]
mod tests;
