//! The intervention detail screen's state: the loaded record, the tab, the
//! selected row, and the lifecycle prompt (action → outcome → notes →
//! confirm) that ends in one versioned write.

use crate::app::ReqId;
use crate::app::command::{CommandLine, Edit};
use crate::app::confirm::{self, Answer};
use crate::app::loadable::Loadable;
use crate::domain::actions::{Action, available_actions};
use crate::domain::enums::InterventionStatus;
use crate::domain::intervention::{InterventionDetail, InterventionHeader};
use crate::domain::kinds::Outcome;
use crate::domain::lifecycle::outcome_required;
use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Goals,
    Sessions,
    Team,
    Attachments,
    Communications,
}

impl Tab {
    pub const ALL: [Tab; 5] = [
        Tab::Goals,
        Tab::Sessions,
        Tab::Team,
        Tab::Attachments,
        Tab::Communications,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Goals => "goals",
            Tab::Sessions => "sessions",
            Tab::Team => "team",
            Tab::Attachments => "attachments",
            Tab::Communications => "communications",
        }
    }

    fn index(self) -> usize {
        Tab::ALL.iter().position(|&t| t == self).unwrap_or(0)
    }

    pub fn cycled(self, forward: bool) -> Tab {
        let n = Tab::ALL.len();
        let i = self.index();
        Tab::ALL[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }]
    }
}

/// The lifecycle prompt, one step at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    Actions {
        actions: Vec<Action>,
        cursor: usize,
    },
    Outcome {
        action: Action,
        cursor: usize,
    },
    Notes {
        action: Action,
        outcome: Outcome,
        line: CommandLine,
    },
    Confirm {
        action: Action,
        outcome: Option<Outcome>,
        notes: Option<String>,
    },
}

/// A confirmed change, ready to become an Effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submit {
    pub id: Uuid,
    pub expected_version: i32,
    pub to: InterventionStatus,
    pub outcome: Option<Outcome>,
    pub notes: Option<String>,
}

/// How a lifecycle move went: saved at a new version, or theirs (the row
/// as it is now).
pub type WriteOutcome = crate::domain::outcome::Written<i32, Box<InterventionHeader>>;

#[derive(Debug, Clone)]
pub struct DetailState {
    pub id: Uuid,
    /// Shown while loading, from the row that was opened.
    pub title: String,
    pub detail: Loadable<Box<InterventionDetail>>,
    /// The day the worker loaded it on, for fidelity.
    pub today: Option<NaiveDate>,
    pub tab: Tab,
    /// Selected row of the current tab (on goals: the charted goal).
    pub cursor: usize,
    pub prompt: Option<Prompt>,
    /// A lifecycle write in flight, and the status it moves to.
    pub saving: Option<(ReqId, InterventionStatus)>,
    /// Adding or removing a team member (team tab).
    pub team_edit: Option<crate::app::team::TeamEdit>,
    /// Deleting a session (sessions tab): asked first, then sent.
    pub session_delete: Option<SessionDelete>,
    /// Saving, opening, detaching a document (attachments tab).
    pub docs: crate::app::screens::documents::actions::DocActions,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionDelete {
    pub id: Uuid,
    pub version: i32,
    /// "2026-11-20 · present · 30 min", for the question.
    pub label: String,
    /// Set once confirmed and sent.
    pub req: Option<ReqId>,
}

impl DetailState {
    pub fn new(id: Uuid, title: String) -> DetailState {
        DetailState {
            id,
            title,
            detail: Loadable::default(),
            today: None,
            tab: Tab::Goals,
            cursor: 0,
            prompt: None,
            saving: None,
            team_edit: None,
            docs: Default::default(),
            session_delete: None,
        }
    }

    pub fn rows(&self) -> usize {
        let Some(d) = self.detail.get() else {
            return 0;
        };
        match self.tab {
            Tab::Goals => d.goals.len(),
            Tab::Sessions => d.sessions.len(),
            Tab::Team => d.team.len(),
            Tab::Attachments => d.attachments.len(),
            Tab::Communications => d.communications.len(),
        }
    }

    pub fn set_tab(&mut self, tab: Tab) {
        if tab != self.tab {
            self.tab = tab;
            self.cursor = 0;
        }
    }

    pub fn move_by(&mut self, delta: isize) {
        let last = self.rows().saturating_sub(1);
        self.cursor = self.cursor.saturating_add_signed(delta).min(last);
    }

    /// The id of row `i` of the current tab.
    fn row_id(&self, i: usize) -> Option<Uuid> {
        let d = self.detail.get()?;
        match self.tab {
            Tab::Goals => d.goals.get(i).map(|g| g.goal.id),
            Tab::Sessions => d.sessions.get(i).map(|s| s.id),
            Tab::Team => d.team.get(i).map(|m| m.id),
            Tab::Attachments => d.attachments.get(i).map(|a| a.document_id),
            Tab::Communications => d.communications.get(i).map(|c| c.id),
        }
    }

    /// The answer to load `req`; dropped when another load superseded it.
    /// The cursor stays on the row it was on (a session logged elsewhere
    /// and refreshed in live puts a new row above it), else in range.
    pub fn arrive(&mut self, req: ReqId, detail: Box<InterventionDetail>, today: NaiveDate) {
        let title = format!("{} · {}", detail.header.student_name, detail.header.name);
        let selected = self.row_id(self.cursor);
        if self.detail.arrive(req, detail) {
            self.title = title;
            self.today = Some(today);
            let rows = self.rows();
            self.cursor = selected
                .and_then(|id| (0..rows).find(|&i| self.row_id(i) == Some(id)))
                .unwrap_or(self.cursor.min(rows.saturating_sub(1)));
        }
    }

    /// Opens the action list; says why not when there is nothing to offer.
    pub fn open_actions(&mut self) -> Result<(), String> {
        if self.saving.is_some() {
            return Err("saving…".into());
        }
        let Some(d) = self.detail.get() else {
            return Err("not loaded yet".into());
        };
        let actions = available_actions(d.header.status);
        if actions.is_empty() {
            return Err(format!(
                "a {} intervention has no further actions",
                d.header.status
            ));
        }
        self.prompt = Some(Prompt::Actions { actions, cursor: 0 });
        Ok(())
    }

    fn submit(&self, action: Action, outcome: Option<Outcome>, notes: Option<String>) -> Submit {
        let (id, version) = self
            .detail
            .get()
            .map_or((self.id, 0), |d| (d.header.id, d.header.version));
        Submit {
            id,
            expected_version: version,
            to: action.target(),
            outcome,
            notes,
        }
    }
}

/// What a key in the prompt means, keymap-independent so that typing notes
/// never triggers a binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKey {
    Up,
    Down,
    Accept,
    Cancel,
    Other,
}

pub fn prompt_key_of(key: &KeyEvent, action: Option<crate::app::keymap::Action>) -> PromptKey {
    use crate::app::keymap::Action as K;
    match (key.code, action) {
        (KeyCode::Enter, _) | (KeyCode::Char('y'), _) => PromptKey::Accept,
        (KeyCode::Esc, _) | (KeyCode::Char('n'), _) => PromptKey::Cancel,
        (_, Some(K::Up)) => PromptKey::Up,
        (_, Some(K::Down)) => PromptKey::Down,
        (_, Some(K::Back | K::Quit)) => PromptKey::Cancel,
        _ => PromptKey::Other,
    }
}

/// Advances the prompt by one key; `Some` when the person confirmed.
pub fn prompt_key(
    d: &mut DetailState,
    key: &KeyEvent,
    action: Option<crate::app::keymap::Action>,
) -> Option<Submit> {
    let prompt = d.prompt.take()?;
    // Notes are free text: only the line editor reads the key.
    if let Prompt::Notes {
        action,
        outcome,
        mut line,
    } = prompt
    {
        d.prompt = Some(match line.key(key) {
            Edit::Editing => Prompt::Notes {
                action,
                outcome,
                line,
            },
            Edit::Cancel => Prompt::Outcome {
                action,
                cursor: Outcome::ALL.iter().position(|&o| o == outcome).unwrap_or(0),
            },
            Edit::Run(text) => {
                let text = text.trim().to_string();
                Prompt::Confirm {
                    action,
                    outcome: Some(outcome),
                    notes: (!text.is_empty()).then_some(text),
                }
            }
        });
        return None;
    }
    // The last step is a yes/no question like every other (`app::confirm`):
    // Enter keeps the intervention as it is. No goes back to the notes, so
    // an outcome and notes already typed are not lost.
    if let Prompt::Confirm {
        action,
        outcome,
        notes,
    } = prompt
    {
        d.prompt = match confirm::answer(key) {
            Answer::Yes => return Some(d.submit(action, outcome, notes)),
            Answer::No => outcome.map(|outcome| {
                let text = notes.unwrap_or_default();
                Prompt::Notes {
                    action,
                    outcome,
                    line: CommandLine {
                        cursor: text.chars().count(),
                        text,
                    },
                }
            }),
            Answer::Unanswered => Some(Prompt::Confirm {
                action,
                outcome,
                notes,
            }),
        };
        return None;
    }
    let k = prompt_key_of(key, action);
    let status = d.detail.get().map(|x| x.header.status);
    d.prompt = match (prompt, k) {
        (_, PromptKey::Cancel) => None,
        (Prompt::Actions { actions, cursor }, PromptKey::Accept) => {
            let chosen = actions.get(cursor).copied()?;
            if status.is_some_and(|s| outcome_required(s, chosen.target())) {
                Some(Prompt::Outcome {
                    action: chosen,
                    cursor: 0,
                })
            } else {
                Some(Prompt::Confirm {
                    action: chosen,
                    outcome: None,
                    notes: None,
                })
            }
        }
        (Prompt::Actions { actions, cursor }, dir @ (PromptKey::Up | PromptKey::Down)) => {
            let cursor = step(cursor, dir, actions.len());
            Some(Prompt::Actions { actions, cursor })
        }
        (Prompt::Outcome { action, cursor }, PromptKey::Accept) => Some(Prompt::Notes {
            action,
            outcome: Outcome::ALL.get(cursor).copied()?,
            line: CommandLine::default(),
        }),
        (Prompt::Outcome { action, cursor }, dir @ (PromptKey::Up | PromptKey::Down)) => {
            Some(Prompt::Outcome {
                action,
                cursor: step(cursor, dir, Outcome::ALL.len()),
            })
        }
        (p, _) => Some(p),
    };
    None
}

fn step(cursor: usize, dir: PromptKey, len: usize) -> usize {
    match dir {
        PromptKey::Up => cursor.saturating_sub(1),
        _ => (cursor + 1).min(len.saturating_sub(1)),
    }
}
