//! Settings (menu: Administration › Settings, target `admin.settings`):
//! the district's settings with their description and built-in default, at
//! the district scope, at each school (for settings a reader looks up per
//! school), and the person's own saved state. A value is edited in a
//! one-field form built and checked as the session editor builds and checks
//! a program's fields; the database's trigger checks it again. A
//! coordinator sees the district's values and edits only their own
//! schools' (the database allows no more, 0033).

use crate::app::form::{Form, FormKey};
use crate::app::hint::{GLOBAL, MOVE, section};
use crate::app::keymap::{Action, Context};
use crate::app::list::Cursor;
use crate::app::loadable::Loadable;
use crate::app::screens::room::{Cx, Nav, Room};
use crate::app::session_edit::slots::{field_spec, field_value};
use crate::app::{Data, Effect, Read, ReqId, Wrote};
use crate::domain::enums::FieldType;
use crate::domain::settings::{Setting, SettingScope, SettingsBook, as_text};
use crossterm::event::KeyEvent;
use serde_json::Value;
use std::borrow::Cow;

pub const TARGET: &str = "admin.settings";
pub const TITLE: &str = "Settings";
/// `:settings` opens it.
pub const COMMAND: &str = "settings";

/// Which values the list shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum View {
    #[default]
    District,
    /// The school at this index of the book's schools.
    School(usize),
    /// The person's own rows.
    Mine,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Editing {
    pub key: String,
    pub scope: SettingScope,
    pub form: Box<Form>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SettingsState {
    pub book: Loadable<SettingsBook>,
    pub view: View,
    pub cursor: Cursor,
    pub editing: Option<Editing>,
    /// A write on its way, and what to say when it is done.
    pub saving: Option<(ReqId, String)>,
}

impl SettingsState {
    /// The rows of the current view: settings (district and school views).
    pub fn settings(&self) -> Vec<&Setting> {
        let Some(b) = self.book.get() else {
            return vec![];
        };
        match self.view {
            View::District => b.settings.iter().collect(),
            View::School(_) => b.settings.iter().filter(|s| s.per_school).collect(),
            View::Mine => vec![],
        }
    }

    pub fn rows(&self) -> usize {
        match self.view {
            View::Mine => self.book.get().map_or(0, |b| b.mine.len()),
            _ => self.settings().len(),
        }
    }

    /// The scope the view edits; `None` for the person's own rows.
    pub fn scope(&self) -> Option<SettingScope> {
        match self.view {
            View::District => Some(SettingScope::System),
            View::School(i) => self
                .book
                .get()
                .and_then(|b| b.schools.get(i))
                .map(|s| SettingScope::School(s.local_id.clone())),
            View::Mine => None,
        }
    }

    pub fn scope_label(&self) -> String {
        match (&self.view, self.scope()) {
            (View::Mine, _) => "my own".into(),
            (_, Some(SettingScope::School(id))) => self.school_words(&id),
            _ => "district".into(),
        }
    }

    /// A school as the screen says it: by name (a local id means little
    /// to whoever reads it), the id when the book does not hold it.
    fn school_words(&self, id: &str) -> String {
        let schools = self.book.get().map_or(&[][..], |b| b.schools.as_slice());
        crate::domain::people::school_name(schools, id).to_string()
    }

    fn next_view(&mut self) {
        let schools = self.book.get().map_or(0, |b| b.schools.len());
        self.view = match self.view {
            View::District if schools > 0 => View::School(0),
            View::School(i) if i + 1 < schools => View::School(i + 1),
            View::District | View::School(_) => View::Mine,
            View::Mine => View::District,
        };
        self.cursor = Cursor::default();
    }

    fn open_editor(&mut self, cx: &mut Cx) {
        let Some(scope) = self.scope() else {
            cx.info("your own rows are the state caseload keeps for you (the roster's filters): change them where they are used");
            return;
        };
        let Some(s) = self.settings().get(self.cursor.at()).copied().cloned() else {
            return;
        };
        if scope == SettingScope::System && !self.book.get().is_some_and(|b| b.district) {
            let schools = self.book.get().map_or(0, |b| b.schools.len());
            cx.info(if schools == 0 {
                "district values are the administrators' to change".to_string()
            } else {
                "district values are the administrators' to change: s shows your schools', which you may set".to_string()
            });
            return;
        }
        let current = s.value_at(&scope).unwrap_or(&s.value);
        let mut spec = field_spec(&s.field());
        spec.label = Cow::Owned("Value".into());
        let value = match s.value_type {
            FieldType::Boolean => crate::app::form::flag_text(current.as_bool().unwrap_or(false)),
            _ => as_text(current),
        };
        let form = Form::with_specs(Cow::Owned(vec![spec]), vec![value]);
        self.editing = Some(Editing {
            key: s.key,
            scope,
            form: Box::new(form),
        });
    }

    fn edit_key(&mut self, cx: &mut Cx, key: &KeyEvent) -> Vec<Effect> {
        let Some(def) = self
            .editing
            .as_ref()
            .and_then(|e| self.book.get()?.settings.iter().find(|s| s.key == e.key))
            .map(Setting::field)
        else {
            self.editing = None;
            return vec![];
        };
        let school_names = match self.editing.as_ref().map(|e| &e.scope) {
            Some(SettingScope::School(id)) => Some(self.school_words(id)),
            _ => None,
        };
        let Some(ed) = self.editing.as_mut() else {
            return vec![];
        };
        let k = ed.form.key(key, cx.keymap);
        let parsed = field_value(&def, &ed.form.values[0], true);
        let parsed = match parsed {
            Ok(None) => Err(format!("{} needs a value", def.label)),
            Ok(Some(v)) => Ok(whole(v)),
            Err(e) => Err(e),
        };
        ed.form.set_errors(match &parsed {
            Err(e) => vec![(0, e.clone())],
            Ok(_) => vec![],
        });
        match k {
            FormKey::Cancel => self.editing = None,
            FormKey::Save => match parsed {
                Ok(value) => {
                    let req = cx.alloc();
                    ed.form.saving = Some(req);
                    ed.form.notice = None;
                    let at = match &ed.scope {
                        SettingScope::System => "district".to_string(),
                        SettingScope::School(s) => school_names.unwrap_or_else(|| s.clone()),
                    };
                    let done = format!("{} is now {} ({at})", def.label, as_text(&value));
                    self.saving = Some((req, done));
                    return vec![Effect::SaveSetting {
                        req,
                        key: ed.key.clone(),
                        scope: ed.scope.clone(),
                        value: Some(value),
                    }];
                }
                Err(_) => ed.form.fix_fields(),
            },
            _ => {}
        }
        vec![]
    }

    fn reset(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Some(SettingScope::School(school)) = self.scope() else {
            cx.info("only a school's own value can be removed: the district's is always needed");
            return vec![];
        };
        let Some(s) = self.settings().get(self.cursor.at()).copied().cloned() else {
            return vec![];
        };
        if s.value_at(&SettingScope::School(school.clone())).is_none() {
            cx.info(format!(
                "{} already follows the district",
                self.school_words(&school)
            ));
            return vec![];
        }
        let req = cx.alloc();
        self.saving = Some((
            req,
            format!(
                "{} follows the district's {} again",
                self.school_words(&school),
                s.label
            ),
        ));
        vec![Effect::SaveSetting {
            req,
            key: s.key,
            scope: SettingScope::School(school),
            value: None,
        }]
    }
}

/// A whole number as an integer: `10`, not `10.0`, which the readers of
/// day and point counts (`as_i64`) would not take.
fn whole(v: Value) -> Value {
    match v.as_f64() {
        Some(f) if v.is_f64() && f.fract() == 0.0 && f.abs() < 9.0e15 => Value::from(f as i64),
        _ => v,
    }
}

impl Room for SettingsState {
    fn title(&self) -> String {
        TITLE.into()
    }

    fn keys(&self) -> Vec<Action> {
        if self.editing.is_some() {
            // The form says its keys under it: one line of keys, not two.
            return vec![];
        }
        [
            &[Action::Open][..],
            &section(Context::Settings),
            MOVE,
            GLOBAL,
        ]
        .concat()
    }

    fn in_flight(&self) -> Vec<ReqId> {
        self.book.req().into_iter().collect()
    }

    fn waits_for(&self, req: ReqId) -> bool {
        self.book.waits_for(req) || self.saving.as_ref().is_some_and(|(r, _)| *r == req)
    }

    fn busy(&self) -> bool {
        self.book.is_loading() || self.saving.is_some()
    }

    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        cx.load(&mut self.book, Read::Settings)
    }

    fn on_key(
        &mut self,
        cx: &mut Cx,
        key: &KeyEvent,
        action: Option<Action>,
    ) -> Option<Vec<Effect>> {
        if self.editing.is_some() {
            return Some(self.edit_key(cx, key));
        }
        if self.saving.is_some() {
            return action.is_none().then(Vec::new);
        }
        match cx.keymap.action_in(key, |c| c == Context::Settings) {
            Some(Action::SettingsScope) => {
                self.next_view();
                return Some(vec![]);
            }
            Some(Action::SettingsReset) => return Some(self.reset(cx)),
            _ => {}
        }
        let action = action?;
        if action == Action::Open {
            self.open_editor(cx);
            return Some(vec![]);
        }
        self.cursor
            .move_by(action.movement(cx.page())?, self.rows());
        Some(vec![])
    }

    fn on_paste(&mut self, _cx: &mut Cx, text: &str) -> Option<Vec<Effect>> {
        let ed = self.editing.as_mut()?;
        ed.form.paste(text);
        Some(vec![])
    }

    fn on_reply(&mut self, _cx: &mut Cx, req: ReqId, data: Data) -> Vec<Effect> {
        if let Data::Settings { book } = data {
            let first = self.book.get().is_none();
            self.book.arrive(req, *book);
            let schools = self.book.get().map_or(0, |b| b.schools.len());
            if matches!(self.view, View::School(i) if i >= schools) {
                self.view = View::District;
            }
            // A coordinator opens on what they may change: their school.
            let district = self.book.get().is_some_and(|b| b.district);
            if first && !district && schools > 0 && self.view == View::District {
                self.view = View::School(0);
            }
            self.cursor.clamp(self.rows());
        }
        vec![]
    }

    fn on_written(&mut self, cx: &mut Cx, req: ReqId, wrote: Wrote) -> Vec<Effect> {
        let Wrote::Admin(result) = wrote else {
            return vec![];
        };
        let Some((_, done)) = self.saving.take().filter(|(r, _)| *r == req) else {
            return vec![];
        };
        match result {
            Ok(()) => {
                cx.info(done);
                self.editing = None;
                cx.go(Nav::ReloadSelf);
            }
            Err(why) => match self.editing.as_mut() {
                Some(ed) => {
                    ed.form.saving = None;
                    ed.form.notice = Some(why);
                }
                None => cx.error(why),
            },
        }
        vec![]
    }

    fn on_failed(&mut self, _cx: &mut Cx, req: ReqId, why: &str) -> bool {
        self.book.fail(req, why)
    }
}

#[cfg(test)]
pub(crate) mod tests;
