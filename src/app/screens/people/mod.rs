//! People (menu: Administration › People, target `admin.users`): everyone
//! with a `users` row, searched as you type and filtered by role, school,
//! active and sign-in; add a person, grant and revoke roles, deactivate and
//! activate, give a login role, set a password. Every change is an
//! `Effect::ChangePerson` carried out by `admin::users`, the code behind
//! `caseload user …`, in the database's `caseload_person_*` functions.

mod change;
mod forms;
mod secret;

pub use change::PersonChange;
pub use forms::{add_form, grant_form, parse_add, parse_grant};
pub use secret::PasswordPair;

use crate::app::confirm::{self, Answer};
use crate::app::form::{Form, FormKey};
use crate::app::hint::{GLOBAL, MOVE, section};
use crate::app::keymap::{Action, Context};
use crate::app::list::Cursor;
use crate::app::loadable::Loadable;
use crate::app::screens::room::{Cx, Nav, Room};
use crate::app::{Data, Effect, Read, ReqId, Wrote};
use crate::domain::people::{Directory, PeopleFilter, Person, next_of, next_tristate};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The menu's target for this screen (the `tools` row's key).
pub const TARGET: &str = "admin.users";
pub const TITLE: &str = "People";
/// `:people` opens it.
pub const COMMAND: &str = "people";

#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    List,
    /// Typing into the search box.
    Search,
    Add(Box<Form>),
    /// Granting a role to `username`.
    Grant {
        username: String,
        form: Box<Form>,
    },
    /// Choosing which of `username`'s grants to revoke.
    Revoke {
        username: String,
        at: usize,
    },
    Password(PasswordPair),
    /// Asking before a change: `y` sends it.
    Confirm(PersonChange),
}

#[derive(Debug, Clone, PartialEq)]
pub struct PeopleState {
    pub list: Loadable<Directory>,
    pub cursor: Cursor,
    pub filter: PeopleFilter,
    pub mode: Mode,
    /// The change on its way, what to say when it is done, and whose row
    /// it changes.
    pub saving: Option<(ReqId, String, String)>,
    /// The person whose row the cursor goes to when the list arrives: the
    /// one just added or changed, wherever the list now puts them.
    pub land_on: Option<String>,
}

impl Default for PeopleState {
    fn default() -> Self {
        PeopleState {
            list: Loadable::default(),
            cursor: Cursor::default(),
            filter: PeopleFilter::default(),
            mode: Mode::List,
            saving: None,
            land_on: None,
        }
    }
}

impl PeopleState {
    /// The people the filters let through, in list order.
    pub fn shown(&self) -> Vec<&Person> {
        self.list
            .get()
            .map(|d| d.people.iter().filter(|p| self.filter.admits(p)).collect())
            .unwrap_or_default()
    }

    pub fn selected(&self) -> Option<&Person> {
        self.shown().get(self.cursor.at()).copied()
    }

    fn roles(&self) -> Vec<String> {
        crate::domain::people::ROLE_KEYS
            .iter()
            .map(|r| (*r).to_string())
            .collect()
    }

    fn school_ids(&self) -> Vec<String> {
        self.list
            .get()
            .map(|d| d.schools.iter().map(|s| s.local_id.clone()).collect())
            .unwrap_or_default()
    }

    /// Sends `change`; the form or question stays until the answer.
    fn send(&mut self, cx: &mut Cx, change: PersonChange) -> Vec<Effect> {
        let req = cx.alloc();
        self.saving = Some((req, change.done(), change.username().to_string()));
        vec![Effect::ChangePerson { req, change }]
    }

    fn list_key(
        &mut self,
        cx: &mut Cx,
        key: &KeyEvent,
        action: Option<Action>,
    ) -> Option<Vec<Effect>> {
        let mine = cx.keymap.action_in(key, |c| c == Context::People);
        if let Some(a) = mine {
            return Some(self.people_action(cx, a));
        }
        let action = action?;
        if action == Action::Search {
            self.mode = Mode::Search;
            return Some(vec![]);
        }
        self.cursor
            .move_by(action.movement(cx.page())?, self.shown().len());
        Some(vec![])
    }

    fn people_action(&mut self, cx: &mut Cx, a: Action) -> Vec<Effect> {
        if self.saving.is_some() {
            cx.info("one change at a time: waiting for the last one");
            return vec![];
        }
        let refilter = |s: &mut Self| s.cursor.clamp(s.shown().len());
        match a {
            Action::PeopleRole => {
                self.filter.role = next_of(self.filter.role.as_deref(), &self.roles());
                refilter(self);
            }
            Action::PeopleSchool => {
                self.filter.school = next_of(self.filter.school.as_deref(), &self.school_ids());
                refilter(self);
            }
            Action::PeopleActive => {
                self.filter.active = next_tristate(self.filter.active);
                refilter(self);
            }
            Action::PeopleCanLogin => {
                self.filter.can_login = next_tristate(self.filter.can_login);
                refilter(self);
            }
            Action::PeopleAdd => self.mode = Mode::Add(Box::new(add_form())),
            _ => return self.on_person(cx, a),
        }
        vec![]
    }

    /// The actions on the selected person.
    fn on_person(&mut self, cx: &mut Cx, a: Action) -> Vec<Effect> {
        let Some(p) = self.selected().cloned() else {
            cx.info("nobody selected");
            return vec![];
        };
        let username = p.username.clone();
        match a {
            Action::PeopleGrant => {
                self.mode = Mode::Grant {
                    username,
                    form: Box::new(grant_form()),
                }
            }
            Action::PeopleRevoke if p.grants.is_empty() => {
                cx.info(format!("{} has no roles to revoke", p.username));
            }
            Action::PeopleRevoke => self.mode = Mode::Revoke { username, at: 0 },
            Action::PeopleToggleActive => {
                self.mode = Mode::Confirm(PersonChange::SetActive {
                    username,
                    active: !p.is_active,
                })
            }
            Action::PeoplePassword if !p.has_login => cx.info(format!(
                "{} has no login role yet: give them one first (w)",
                p.username
            )),
            Action::PeoplePassword => self.mode = Mode::Password(PasswordPair::new(username)),
            Action::PeopleLogin if p.has_login => {
                cx.info(format!("{} already has a login role", p.username))
            }
            Action::PeopleLogin => self.mode = Mode::Confirm(PersonChange::Login { username }),
            _ => {}
        }
        vec![]
    }

    fn search_key(&mut self, key: &KeyEvent) {
        let plain = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        match key.code {
            KeyCode::Esc if self.filter.search.is_empty() => self.mode = Mode::List,
            // Esc leaves the box; a second esc (on the list) is back.
            KeyCode::Esc | KeyCode::Enter => self.mode = Mode::List,
            KeyCode::Backspace => {
                self.filter.search.pop();
            }
            KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.filter.search.clear()
            }
            KeyCode::Char(c) if plain && !c.is_control() && self.filter.search.len() < 100 => {
                self.filter.search.push(c)
            }
            _ => return,
        }
        self.cursor = Cursor::default();
    }

    fn form_key(&mut self, cx: &mut Cx, key: &KeyEvent) -> Vec<Effect> {
        let schools = self
            .list
            .get()
            .map(|d| d.schools.clone())
            .unwrap_or_default();
        let (form, parsed) = match &mut self.mode {
            Mode::Add(form) => {
                let k = form.key(key, cx.keymap);
                let parsed = parse_add(form, &schools);
                (form, (k, parsed))
            }
            Mode::Grant { username, form } => {
                let k = form.key(key, cx.keymap);
                let parsed = parse_grant(form, username, &schools);
                (form, (k, parsed))
            }
            _ => return vec![],
        };
        let (k, parsed) = parsed;
        form.set_errors(parsed.as_ref().err().cloned().unwrap_or_default());
        match k {
            FormKey::Cancel => self.mode = Mode::List,
            FormKey::Save => match parsed {
                Ok(change) => {
                    form.notice = None;
                    let fx = self.send(cx, change);
                    if let (Mode::Add(f) | Mode::Grant { form: f, .. }, Some((req, _, _))) =
                        (&mut self.mode, &self.saving)
                    {
                        f.saving = Some(*req);
                    }
                    return fx;
                }
                Err(_) => form.fix_fields(),
            },
            _ => {}
        }
        vec![]
    }

    fn revoke_key(&mut self, cx: &mut Cx, key: &KeyEvent, action: Option<Action>) -> Vec<Effect> {
        let Mode::Revoke { username, at } = &mut self.mode else {
            return vec![];
        };
        let grants = self
            .list
            .get()
            .and_then(|d| d.people.iter().find(|p| &p.username == username))
            .map(|p| p.grants.clone())
            .unwrap_or_default();
        if key.code == KeyCode::Esc {
            self.mode = Mode::List;
            return vec![];
        }
        if key.code == KeyCode::Enter {
            let Some(g) = grants.get(*at) else {
                self.mode = Mode::List;
                return vec![];
            };
            let change = PersonChange::Revoke {
                username: username.clone(),
                role: g.role.clone(),
                school: g.school.clone(),
            };
            self.mode = Mode::Confirm(change);
            return vec![];
        }
        if let Some(d) = action.and_then(|a| a.movement(cx.page())) {
            let mut c = Cursor::default();
            c.move_by(*at as isize, grants.len());
            c.move_by(d, grants.len());
            *at = c.at();
        }
        vec![]
    }

    fn password_key(&mut self, cx: &mut Cx, key: &KeyEvent) -> Vec<Effect> {
        let Mode::Password(pair) = &mut self.mode else {
            return vec![];
        };
        match pair.key(key) {
            secret::Outcome::Cancel => self.mode = Mode::List,
            secret::Outcome::Ready(change) => {
                let fx = self.send(cx, change);
                if let (Mode::Password(p), Some((req, _, _))) = (&mut self.mode, &self.saving) {
                    p.saving = Some(*req);
                }
                return fx;
            }
            secret::Outcome::Typing => {}
        }
        vec![]
    }

    fn confirm_key(&mut self, cx: &mut Cx, key: &KeyEvent) -> Vec<Effect> {
        let Mode::Confirm(change) = &self.mode else {
            return vec![];
        };
        if self.saving.is_some() {
            return vec![];
        }
        match confirm::answer(key) {
            Answer::Yes => {
                let change = change.clone();
                self.send(cx, change)
            }
            Answer::No => {
                self.mode = Mode::List;
                vec![]
            }
            Answer::Unanswered => vec![],
        }
    }
}

/// The question a confirmation asks.
pub fn question(change: &PersonChange) -> String {
    match change {
        PersonChange::SetActive {
            username,
            active: false,
        } => format!("Deactivate {username}? They can no longer sign in; their records stay."),
        PersonChange::SetActive {
            username,
            active: true,
        } => format!("Activate {username} again? They can sign in with their password."),
        PersonChange::Login { username } => {
            format!("Give {username} a login role? Set a password (p) next so they can sign in.")
        }
        PersonChange::Revoke {
            username,
            role,
            school,
        } => format!(
            "Revoke {role} at {} from {username}?",
            school.as_deref().unwrap_or("all schools")
        ),
        other => other.done(),
    }
}

impl Room for PeopleState {
    fn title(&self) -> String {
        TITLE.into()
    }

    fn keys(&self) -> Vec<Action> {
        match self.mode {
            Mode::List => [
                &section(Context::People)[..],
                &[Action::Search][..],
                MOVE,
                GLOBAL,
            ]
            .concat(),
            // The forms, the box, the list of grants and the questions say
            // their keys where they ask: one line of keys, not two.
            Mode::Add(_)
            | Mode::Grant { .. }
            | Mode::Search
            | Mode::Revoke { .. }
            | Mode::Password(_)
            | Mode::Confirm(_) => vec![],
        }
    }

    fn in_flight(&self) -> Vec<ReqId> {
        self.list.req().into_iter().collect()
    }

    fn waits_for(&self, req: ReqId) -> bool {
        self.list.waits_for(req) || self.saving.as_ref().is_some_and(|(r, _, _)| *r == req)
    }

    fn busy(&self) -> bool {
        self.list.is_loading() || self.saving.is_some()
    }

    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        cx.load(&mut self.list, Read::Directory)
    }

    fn on_key(
        &mut self,
        cx: &mut Cx,
        key: &KeyEvent,
        action: Option<Action>,
    ) -> Option<Vec<Effect>> {
        Some(match self.mode {
            Mode::List => return self.list_key(cx, key, action),
            Mode::Search => {
                self.search_key(key);
                vec![]
            }
            Mode::Add(_) | Mode::Grant { .. } => self.form_key(cx, key),
            Mode::Revoke { .. } => self.revoke_key(cx, key, action),
            Mode::Password(_) => self.password_key(cx, key),
            Mode::Confirm(_) => self.confirm_key(cx, key),
        })
    }

    fn on_paste(&mut self, _cx: &mut Cx, text: &str) -> Option<Vec<Effect>> {
        match &mut self.mode {
            Mode::Search => {
                let clean: String = text.chars().filter(|c| !c.is_control()).take(100).collect();
                self.filter.search.push_str(&clean);
                self.cursor = Cursor::default();
            }
            Mode::Add(form) | Mode::Grant { form, .. } => {
                form.paste(text);
            }
            Mode::Password(pair) => pair.paste(text),
            _ => return None,
        }
        Some(vec![])
    }

    fn on_reply(&mut self, _cx: &mut Cx, req: ReqId, data: Data) -> Vec<Effect> {
        if let Data::Directory { dir } = data {
            self.list.arrive(req, *dir);
            let land_on = self.land_on.take();
            let shown = self.shown();
            let landed = land_on.and_then(|u| shown.iter().position(|p| p.username == u));
            let len = shown.len();
            match landed {
                Some(i) => self.cursor = Cursor::at_row(i, len),
                None => self.cursor.clamp(len),
            }
        }
        vec![]
    }

    fn on_written(&mut self, cx: &mut Cx, req: ReqId, wrote: Wrote) -> Vec<Effect> {
        let Wrote::Admin(result) = wrote else {
            return vec![];
        };
        let Some((_, done, whose)) = self.saving.take().filter(|(r, _, _)| *r == req) else {
            return vec![];
        };
        match result {
            Ok(()) => {
                cx.info(done);
                self.land_on = Some(whose);
                self.mode = Mode::List;
                cx.go(Nav::ReloadSelf);
            }
            // The form (or prompt) stays with what was typed; the
            // database's words say why.
            Err(why) => match &mut self.mode {
                Mode::Add(form) | Mode::Grant { form, .. } => {
                    form.saving = None;
                    form.notice = Some(why);
                }
                Mode::Password(pair) => {
                    pair.saving = None;
                    pair.note = Some(why);
                }
                _ => {
                    self.mode = Mode::List;
                    cx.error(why);
                }
            },
        }
        vec![]
    }

    fn on_failed(&mut self, _cx: &mut Cx, req: ReqId, why: &str) -> bool {
        self.list.fail(req, why)
    }
}

#[cfg(test)]
pub(crate) mod tests;
