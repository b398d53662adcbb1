//! The intervention detail's team tab: adding a member — a caseload user
//! picked by name as you type, or someone outside the system with their
//! organisation — with a role, and removing one after confirmation. The
//! owner's row is the database's to keep (0005_interventions.sql): the tab
//! never offers removing it and says why, and a refusal that still comes
//! back (the owner changed meanwhile) is shown as the database said it.

use super::{DetailState, Tab};
use crate::app::Read;
use crate::app::choices;
use crate::app::command::{CommandLine, Edit};
use crate::app::confirm::{self, Answer};
use crate::app::form::{self, FieldSpec, Form, FormKey};
use crate::app::keymap::{Action, Key};
use crate::app::screens::room::{Cx, Nav};
use crate::app::screens::shows_records;
use crate::app::{Effect, ReqId};
use crate::domain::kinds::TeamRole;
use crate::domain::refusal::Refusal;
use crate::domain::team::TeamMember;
use crate::domain::team::{Candidate, Member};
use crossterm::event::{KeyCode, KeyEvent};
use uuid::Uuid;

/// How a team change went: saved gives the team as it is now.
pub type TeamOutcome =
    crate::domain::outcome::Written<Vec<TeamMember>, crate::domain::outcome::NoConflict>;

/// Choosing who joins: row 0 is "someone outside caseload", then the users
/// the search found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picker {
    pub line: CommandLine,
    /// The search in flight; its reply replaces `found`.
    pub req: Option<ReqId>,
    pub found: Vec<Candidate>,
    pub cursor: usize,
    pub error: Option<String>,
}

/// Role and rights (and, for someone outside, name and organisation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberForm {
    /// The caseload user being added; None for someone outside the system.
    pub user: Option<(Uuid, String)>,
    pub form: Form,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TeamEdit {
    Pick(Picker),
    /// Boxed: a form is the largest thing the detail holds.
    Form(Box<MemberForm>),
    ConfirmRemove {
        member_id: Uuid,
        name: String,
        saving: Option<ReqId>,
    },
}

impl TeamEdit {
    /// The request this editor waits on, of any kind.
    pub fn req(&self) -> Option<ReqId> {
        match self {
            TeamEdit::Pick(p) => p.req,
            TeamEdit::Form(f) => f.form.saving,
            TeamEdit::ConfirmRemove { saving, .. } => *saving,
        }
    }
}

const ROLE: FieldSpec = form::pick("Role", choices::TEAM_ROLES);

const USER_SPECS: &[FieldSpec] = &[ROLE, form::flag("Can edit")];

const EXTERNAL_SPECS: &[FieldSpec] = &[
    form::text("Name", "the person's name (required)"),
    form::text(
        "Organisation",
        "where they work, e.g. a clinic or agency (required)",
    ),
    ROLE,
    form::flag("Can edit"),
];

/// The team role someone's caseload roles suggest (a counselor joins as
/// counselor); interventionist when none of them is a team role.
fn default_role(roles: &str) -> &'static str {
    roles
        .split(',')
        .find_map(|r| {
            choices::TEAM_ROLES
                .iter()
                .find(|c| c.value.eq_ignore_ascii_case(r.trim()) && c.value != "observer")
        })
        .map_or("interventionist", |c| c.value)
}

impl MemberForm {
    fn for_user(c: &Candidate) -> MemberForm {
        let values = vec![default_role(&c.roles).into(), "no".into()];
        MemberForm {
            user: Some((c.id, c.name.clone())),
            form: Form::new(USER_SPECS, values),
        }
    }

    fn external() -> MemberForm {
        let values = vec![String::new(), String::new(), "observer".into(), "no".into()];
        let mut f = MemberForm {
            user: None,
            form: Form::new(EXTERNAL_SPECS, values),
        };
        f.revalidate();
        f
    }

    pub fn title(&self) -> String {
        match &self.user {
            Some((_, name)) => format!("add {name} to the team"),
            None => "add someone outside caseload to the team".into(),
        }
    }

    fn revalidate(&mut self) {
        let errors = self.parse().err().unwrap_or_default();
        self.form.set_errors(errors);
    }

    /// The member, role and rights the values say, or every field's error
    /// as (field index, message).
    pub fn parse(&self) -> Result<(Member, TeamRole, bool), Vec<(usize, String)>> {
        let v = &self.form.values;
        let mut errors = Vec::new();
        let (member, role_at) = match &self.user {
            Some((id, _)) => (Some(Member::User(*id)), 0),
            None => {
                let name = v[0].trim().to_string();
                let org = v[1].trim().to_string();
                if name.is_empty() {
                    errors.push((0, "a name is required".to_string()));
                }
                if org.is_empty() {
                    errors.push((1, "an organisation is required".to_string()));
                }
                let ok = !name.is_empty() && !org.is_empty();
                (ok.then_some(Member::External { name, org }), 2)
            }
        };
        let role = match v[role_at].trim().to_lowercase().parse::<TeamRole>() {
            Ok(TeamRole::Owner) => {
                errors.push((role_at, Refusal::OwnerRoleTaken.to_string()));
                None
            }
            Ok(r) => Some(r),
            Err(_) => {
                let roles: Vec<&str> = choices::TEAM_ROLES.iter().map(|c| c.words).collect();
                errors.push((role_at, format!("one of: {}", roles.join(", "))));
                None
            }
        };
        let can_edit = v[role_at + 1] == "yes";
        match (member, role) {
            (Some(m), Some(r)) if errors.is_empty() => Ok((m, r, can_edit)),
            _ => Err(errors),
        }
    }
}

/// Keys for the team tab; `None` leaves the key to the detail's bindings
/// (and on other tabs, every key). An open picker, form or confirmation
/// takes every key.
pub(super) fn on_key(d: &mut DetailState, cx: &mut Cx, key: &KeyEvent) -> Option<Vec<Effect>> {
    if d.tab != Tab::Team {
        return None;
    }
    let k = Key::from_event(key);
    let keymap = cx.keymap;
    let bound = |a: Action| keymap.keys(a).contains(&k);
    let Some(edit) = d.team_edit.take() else {
        if bound(Action::AddMember) {
            if d.detail.get().is_none() {
                cx.info("not loaded yet");
                return Some(vec![]);
            }
            d.team_edit = Some(TeamEdit::Pick(Picker {
                line: CommandLine::default(),
                req: None,
                found: vec![],
                cursor: 0,
                error: None,
            }));
            return Some(search(d, cx));
        }
        if bound(Action::RemoveMember) {
            let member = d.detail.get().and_then(|x| x.team.get(d.cursor)).cloned();
            match member {
                None => cx.info("nobody selected"),
                Some(m) if m.role == TeamRole::Owner => {
                    cx.info(format!("{}: {}", m.name, Refusal::OwnerKept));
                }
                Some(m) => {
                    d.team_edit = Some(TeamEdit::ConfirmRemove {
                        member_id: m.id,
                        name: m.name,
                        saving: None,
                    });
                }
            }
            return Some(vec![]);
        }
        return None;
    };
    match edit {
        TeamEdit::Pick(p) => Some(pick_key(d, cx, p, key)),
        TeamEdit::Form(mut f) => {
            match f.form.key(key, cx.keymap) {
                FormKey::Cancel => {}
                FormKey::Save => {
                    d.team_edit = Some(TeamEdit::Form(f));
                    return Some(save(d, cx));
                }
                FormKey::Edited => {
                    f.revalidate();
                    d.team_edit = Some(TeamEdit::Form(f));
                }
                FormKey::Moved | FormKey::Ignored => d.team_edit = Some(TeamEdit::Form(f)),
            }
            Some(vec![])
        }
        TeamEdit::ConfirmRemove {
            member_id,
            name,
            saving,
        } => {
            if saving.is_some() {
                d.team_edit = Some(TeamEdit::ConfirmRemove {
                    member_id,
                    name,
                    saving,
                });
                return Some(vec![]);
            }
            // Removing takes a deliberate yes; Enter keeps them.
            match confirm::answer(key) {
                Answer::Yes => {
                    let req = cx.alloc();
                    d.team_edit = Some(TeamEdit::ConfirmRemove {
                        member_id,
                        name,
                        saving: Some(req),
                    });
                    return Some(vec![Effect::RemoveTeamMember {
                        req,
                        intervention_id: d.id,
                        member_id,
                    }]);
                }
                Answer::No => {}
                Answer::Unanswered => {
                    d.team_edit = Some(TeamEdit::ConfirmRemove {
                        member_id,
                        name,
                        saving,
                    });
                }
            }
            Some(vec![])
        }
    }
}

/// Pasted text goes into the picker's search or the form's field.
pub(super) fn on_paste(d: &mut DetailState, cx: &mut Cx, text: &str) -> Option<Vec<Effect>> {
    if d.tab != Tab::Team {
        return None;
    }
    match d.team_edit.as_mut()? {
        TeamEdit::Pick(p) => {
            for c in text.chars().filter(|c| !c.is_control()) {
                p.line.key(&KeyEvent::from(KeyCode::Char(c)));
            }
            Some(search(d, cx))
        }
        TeamEdit::Form(f) => {
            if f.form.paste(text) {
                f.revalidate();
            }
            Some(vec![])
        }
        TeamEdit::ConfirmRemove { .. } => Some(vec![]),
    }
}

fn pick_key(d: &mut DetailState, cx: &mut Cx, mut p: Picker, key: &KeyEvent) -> Vec<Effect> {
    let rows = p.found.len() + 1;
    match key.code {
        KeyCode::Esc => {
            // Closed: its search, if any, is nobody's to read.
            return p
                .req
                .map(|req| Effect::Cancel { req })
                .into_iter()
                .collect();
        }
        KeyCode::Up => p.cursor = p.cursor.saturating_sub(1),
        KeyCode::Down => p.cursor = (p.cursor + 1).min(rows - 1),
        KeyCode::Enter => {
            let cancel: Vec<Effect> = p
                .req
                .map(|req| Effect::Cancel { req })
                .into_iter()
                .collect();
            d.team_edit = Some(TeamEdit::Form(Box::new(match p.cursor {
                0 => MemberForm::external(),
                i => match p.found.get(i - 1) {
                    Some(c) => MemberForm::for_user(c),
                    None => {
                        d.team_edit = Some(TeamEdit::Pick(p));
                        return vec![];
                    }
                },
            })));
            return cancel;
        }
        _ => {
            let before = p.line.text.clone();
            // The picker closes with Esc only: Enter picks, and Backspace on
            // an empty search simply does nothing.
            if !matches!(p.line.key(key), Edit::Editing) {
                p.line.text = before.clone();
            }
            let changed = p.line.text != before;
            d.team_edit = Some(TeamEdit::Pick(p));
            return if changed { search(d, cx) } else { vec![] };
        }
    }
    d.team_edit = Some(TeamEdit::Pick(p));
    vec![]
}

/// Asks for the users matching the picker's text, superseding the last ask.
fn search(d: &mut DetailState, cx: &mut Cx) -> Vec<Effect> {
    let req = cx.alloc();
    let intervention_id = d.id;
    let Some(TeamEdit::Pick(p)) = d.team_edit.as_mut() else {
        return vec![];
    };
    let old = p.req.replace(req);
    p.error = None;
    old.map(|req| Effect::Cancel { req })
        .into_iter()
        .chain([Effect::Load {
            req,
            read: Read::TeamCandidates {
                intervention_id,
                search: p.line.text.clone(),
            },
        }])
        .collect()
}

fn save(d: &mut DetailState, cx: &mut Cx) -> Vec<Effect> {
    let req = cx.alloc();
    let intervention_id = d.id;
    let Some(TeamEdit::Form(f)) = d.team_edit.as_mut() else {
        return vec![];
    };
    f.revalidate();
    match f.parse() {
        Ok((member, role, can_edit)) => {
            f.form.saving = Some(req);
            f.form.notice = None;
            vec![Effect::AddTeamMember {
                req,
                intervention_id,
                member,
                role,
                can_edit,
            }]
        }
        Err(_) => {
            f.form.fix_fields();
            vec![]
        }
    }
}

/// The team editor's picker, when its search is `req`.
fn searching(d: &mut DetailState, req: ReqId) -> Option<&mut Picker> {
    match d.team_edit.as_mut() {
        Some(TeamEdit::Pick(p)) if p.req == Some(req) => Some(p),
        _ => None,
    }
}

/// The answer to `Read::TeamCandidates`.
pub(super) fn on_candidates(d: &mut DetailState, req: ReqId, found: Vec<Candidate>) {
    if let Some(p) = searching(d, req) {
        p.req = None;
        // Typing a name looks for a person: the first match is highlighted,
        // not "someone outside caseload", unless the cursor was moved.
        let searched = !p.line.text.trim().is_empty();
        p.cursor = if p.cursor == 0 && searched && !found.is_empty() {
            1
        } else {
            p.cursor.min(found.len())
        };
        p.found = found;
    }
}

/// The answer to `Effect::AddTeamMember` or `Effect::RemoveTeamMember`.
pub(super) fn on_changed(d: &mut DetailState, cx: &mut Cx, req: ReqId, outcome: TeamOutcome) {
    if d.team_edit.as_ref().and_then(TeamEdit::req) != Some(req) {
        return;
    }
    let Some(edit) = d.team_edit.take() else {
        return;
    };
    let who = match &edit {
        TeamEdit::Form(f) => match &f.user {
            Some((_, name)) => name.clone(),
            None => f.form.values[0].trim().to_string(),
        },
        TeamEdit::ConfirmRemove { name, .. } => name.clone(),
        TeamEdit::Pick(_) => String::new(),
    };
    let adding = matches!(edit, TeamEdit::Form(_));
    match outcome {
        TeamOutcome::Saved(team) => {
            if let Some(x) = d.detail.get_mut() {
                x.team = team;
            }
            d.move_by(0);
            cx.info(if adding {
                format!("added {who} to the team")
            } else {
                format!("removed {who} from the team")
            });
            // Whose interventions the home lists depends on the team.
            cx.go(Nav::Reload(shows_records));
        }
        TeamOutcome::Refused(why) | TeamOutcome::Failed(why) => {
            if let TeamEdit::Form(mut f) = edit {
                // Back to the form with everything typed, and the reason.
                f.form.saving = None;
                f.form.notice = Some(format!("not saved: {why}"));
                d.team_edit = Some(TeamEdit::Form(f));
            } else {
                cx.error(format!("{who} not removed: {why}"));
            }
        }
        TeamOutcome::Gone => {
            cx.error(if adding {
                "not saved: this intervention was deleted or is no longer visible to you"
                    .to_string()
            } else {
                format!("{who} is no longer on the team: reloaded")
            });
            cx.go(Nav::ReloadSelf);
        }
    }
}

/// A request of the team editor failed: a search is said in the picker,
/// which stays usable. `false` when `req` is not the editor's.
pub(super) fn on_failed(d: &mut DetailState, req: ReqId, why: &str) -> bool {
    if d.team_edit.as_ref().and_then(TeamEdit::req) != Some(req) {
        return false;
    }
    if let Some(p) = searching(d, req) {
        p.req = None;
        p.error = Some(format!("search failed: {why}"));
    }
    true
}
