//! Live refresh and connection truth (issue 18): what the listener heard
//! (`Msg::Changed`) goes to every screen in the stack, each deciding
//! whether it shows what changed (`Room::on_changed`); the heartbeat's news
//! (`Msg::Link`) sets what the status line says of the server.

use super::{Effect, Level, Link, State};
use crate::domain::live::Changes;

pub(super) fn on_changed(state: &mut State, changes: &Changes) -> Vec<Effect> {
    // Not signed in: the screens load anyway once connected.
    if !state.is_connected() || changes.is_empty() {
        return vec![];
    }
    super::screens::on_changed(state, changes)
}

/// The listener's connection went (`online = false`) or came back; `at` is
/// the time of day it saw it. The screens are refreshed by the
/// `Msg::Changed` the listener sends after every reconnect.
pub(super) fn on_link(state: &mut State, online: bool, at: String) {
    match (online, &state.link) {
        (false, Link::Up) => {
            // A "reconnected" still on the line would contradict it.
            if matches!(&state.message, Some((Level::Info, m)) if m.starts_with("reconnected at")) {
                state.message = None;
            }
            state.link = Link::Down { since: at };
        }
        (true, Link::Down { .. }) => {
            state.link = Link::Up;
            state.info(format!("reconnected at {at}"));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{Msg, Options, update};

    #[test]
    fn offline_since_then_reconnected() {
        let mut s = State::new(Options::default());
        let fx = update(
            &mut s,
            Msg::Link {
                online: false,
                at: "10:42".into(),
            },
        );
        assert!(fx.is_empty());
        assert_eq!(
            s.link,
            Link::Down {
                since: "10:42".into()
            }
        );
        // A second report keeps the first time: offline since then.
        update(
            &mut s,
            Msg::Link {
                online: false,
                at: "10:43".into(),
            },
        );
        assert_eq!(
            s.link,
            Link::Down {
                since: "10:42".into()
            }
        );
        update(
            &mut s,
            Msg::Link {
                online: true,
                at: "10:45".into(),
            },
        );
        assert_eq!(s.link, Link::Up);
        assert_eq!(
            s.message.as_ref().map(|(_, t)| t.as_str()),
            Some("reconnected at 10:45")
        );
    }

    #[test]
    fn changes_before_sign_in_ask_nothing() {
        let mut s = State::new(Options::default());
        let fx = update(
            &mut s,
            Msg::Changed {
                changes: Changes::everything(),
            },
        );
        assert!(fx.is_empty());
    }
}
