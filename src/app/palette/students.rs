//! Students found by name from the palette: each keystroke asks the
//! roster's own search (`Read::RosterPage`, so row-level security decides
//! who is found) and cancels the search it supersedes; typing never waits
//! for an answer. Only for people whose menu offers the roster, where the
//! same students are a search away anyway.

use super::Run;
use crate::app::{Data, Effect, Read, ReqId, State};
use crate::domain::roster::{PageRequest, RosterQuery, RosterRow, clean_search, search_tokens};

/// Students offered at most: the palette is for jumping to one; the
/// roster is for lists.
pub const MOST: usize = 6;

/// One letter finds half the school.
const LEAST_CHARS: usize = 2;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Found {
    /// The search on its way, and the text it is for.
    pub asking: Option<(ReqId, String)>,
    /// What `rows` were found for.
    pub text: String,
    pub rows: Vec<RosterRow>,
    /// Why the last search failed.
    pub failed: Option<String>,
}

/// The line changed: cancel the search on its way and, when the line may
/// be a name, ask for this one.
pub(super) fn search(state: &mut State) -> Vec<Effect> {
    let mut fx = cancel(state);
    let line = state.command.text.trim().to_string();
    if line.chars().count() < LEAST_CHARS
        || is_command(&line)
        || !state.is_connected()
        || !roster_offered(state)
    {
        state.palette.students = Found::default();
        return fx;
    }
    let Ok(search) = clean_search(&line) else {
        return fx;
    };
    let req = state.alloc();
    state.palette.students.asking = Some((req, line));
    fx.push(Effect::Load {
        req,
        read: Read::RosterPage {
            query: RosterQuery {
                search,
                ..RosterQuery::default()
            },
            page: PageRequest::First,
            limit: MOST,
        },
    });
    fx
}

/// The palette closes: nobody will read the answer.
pub(super) fn cancel(state: &mut State) -> Vec<Effect> {
    state
        .palette
        .students
        .asking
        .take()
        .map(|(req, _)| Effect::Cancel { req })
        .into_iter()
        .collect()
}

/// Commands the line runs as typed are not names to look for.
fn is_command(line: &str) -> bool {
    matches!(
        line.split_whitespace().next(),
        Some("open" | "theme" | "quit" | "q" | "help" | "drafts")
    )
}

fn roster_offered(state: &State) -> bool {
    super::entries(state)
        .iter()
        .any(|e| matches!(&e.run, Run::Open { target, .. } if target == "roster"))
}

pub fn waiting_for(state: &State, req: ReqId) -> bool {
    matches!(&state.palette.students.asking, Some((r, _)) if *r == req)
}

pub fn on_reply(state: &mut State, data: Data) -> Vec<Effect> {
    let found = &mut state.palette.students;
    let Some((_, text)) = found.asking.take() else {
        return vec![];
    };
    if let Data::RosterPage { page } = data {
        *found = Found {
            asking: None,
            text,
            rows: page.rows.into_iter().take(MOST).collect(),
            failed: None,
        };
    }
    vec![]
}

pub fn on_failed(state: &mut State, reason: &str) {
    let found = &mut state.palette.students;
    found.asking = None;
    found.rows.clear();
    found.failed = Some(format!("students not searched: {reason}"));
}

/// The students to list for `line`: the answer for it, or while that is
/// on its way the last answer's students that still match every word
/// (fewer, never wrong ones), so the list does not flicker empty.
pub fn shown<'a>(found: &'a Found, line: &str) -> Vec<&'a RosterRow> {
    if found.text == line {
        return found.rows.iter().collect();
    }
    let words: Vec<String> = search_tokens(line)
        .iter()
        .map(|w| w.to_lowercase())
        .collect();
    found
        .rows
        .iter()
        .filter(|r| {
            let hay = format!(
                "{} {} {} {}",
                r.last_name,
                r.first_name,
                r.preferred_name.as_deref().unwrap_or(""),
                r.local_id
            )
            .to_lowercase();
            words.iter().all(|w| hay.contains(w.as_str()))
        })
        .collect()
}

/// How a student reads in the list; `Run::Student` opens their record
/// under the title the roster gives it.
pub fn entry(r: &RosterRow) -> super::Entry {
    let preferred = r
        .preferred_name
        .as_deref()
        .filter(|p| *p != r.first_name)
        .map(|p| format!(" ({p})"))
        .unwrap_or_default();
    super::Entry {
        label: format!(
            "Student {}, {}{preferred} · grade {} · {}",
            r.last_name, r.first_name, r.grade, r.school
        ),
        keys: r.local_id.clone(),
        name: r.local_id.clone(),
        run: Run::Student {
            id: r.id,
            title: format!("{}, {}", r.last_name, r.first_name),
        },
    }
}
