//! The intervention forms, as one screen pushed over the detail (or the
//! student): create (pick a program or "custom", then the plan form), edit
//! the plan, add or edit a goal, enter a data point, delete the last one.
//! Every write carries an id chosen before it is sent, so a retry finds
//! its first attempt; edits carry the version they were read at, and a
//! conflict shows theirs against mine.

pub mod goal;
pub mod plan;

mod open;
pub(crate) use open::detail_key;
pub use open::new_intervention_form;
pub use open::open_new;

use crate::app::Read;
use crate::app::form::{FieldSpec, Form, FormKey};
use crate::app::keymap::{Action, Key};
use crate::app::{Effect, ReqId, Screen, State};
use crate::domain::goals::{Goal, GoalFields, Measurement, NewMeasurement};
use crate::domain::intervention::InterventionHeader;
use crate::domain::plan::{ContextFor, FormContext, Program};
use crate::domain::plan::{InterventionEdit, NewIntervention, Source};
use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent};
use uuid::Uuid;

const FIX_FIELDS: &str = "not saved: fix the fields marked in red";

/// What the form writes.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    NewIntervention {
        id: Uuid,
        student_id: Uuid,
        student_name: String,
        /// `None`: custom, until or unless a program is picked.
        program: Option<Program>,
    },
    EditIntervention(Box<InterventionHeader>),
    NewGoal {
        id: Uuid,
        intervention_id: Uuid,
        sort_order: i32,
        measure: Option<String>,
    },
    EditGoal(Box<Goal>),
    NewPoint {
        id: Uuid,
        goal_id: Uuid,
        statement: String,
        /// The day the detail was loaded on: points are not dated after it.
        today: Option<NaiveDate>,
    },
    DeletePoint {
        point: Measurement,
        statement: String,
    },
}

/// One write, ready for the worker.
#[derive(Debug, Clone, PartialEq)]
pub enum IvWrite {
    Create {
        new: NewIntervention,
        /// A username to own it; `None`: the signed-in person.
        owner: Option<String>,
    },
    Update {
        id: Uuid,
        version: i32,
        edit: InterventionEdit,
        /// A username to hand it to; `None`: `edit.owner_id` stays.
        owner: Option<String>,
    },
    AddGoal {
        id: Uuid,
        intervention_id: Uuid,
        fields: GoalFields,
    },
    UpdateGoal {
        id: Uuid,
        version: i32,
        fields: GoalFields,
    },
    AddPoint(NewMeasurement),
    DeletePoint {
        id: Uuid,
    },
}

/// How a form's write went; theirs is the row as it is now.
pub type IvWritten = crate::domain::outcome::Written<IvSaved, Theirs>;

/// What a saved form write gives back.
#[derive(Debug, Clone, PartialEq)]
pub enum IvSaved {
    /// A new intervention, to open.
    Created {
        id: Uuid,
        title: String,
    },
    Updated,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Theirs {
    Intervention(Box<InterventionHeader>),
    Goal(Box<Goal>),
}

/// Both versions after a save found the row changed; `kind` already holds
/// theirs (and their version), so mine saved now overwrites knowingly.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub mine: Vec<String>,
    pub theirs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Stage {
    /// Waiting for the programs and the person's rights.
    Loading,
    Picker {
        cursor: usize,
    },
    Form(Box<Form>),
    Conflict(Box<Conflict>),
    Confirm,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IvEditState {
    pub kind: Kind,
    pub stage: Stage,
    /// The form context being loaded.
    pub req: Option<ReqId>,
    /// A write in flight.
    pub saving: Option<ReqId>,
    pub programs: Vec<Program>,
    pub can_restrict: bool,
    pub error: Option<String>,
}

impl IvEditState {
    fn new(kind: Kind, stage: Stage) -> IvEditState {
        IvEditState {
            kind,
            stage,
            req: None,
            saving: None,
            programs: Vec::new(),
            can_restrict: false,
            error: None,
        }
    }

    pub fn title(&self) -> String {
        match &self.kind {
            Kind::NewIntervention {
                student_name,
                program,
                ..
            } => match (&self.stage, program) {
                (Stage::Picker { .. } | Stage::Loading, _) => {
                    format!("New intervention for {student_name}: pick a program")
                }
                (_, Some(p)) => format!("New intervention for {student_name} · {}", p.name),
                (_, None) => format!("New intervention for {student_name} · custom"),
            },
            Kind::EditIntervention(h) => format!("Edit {} · {}", h.student_name, h.name),
            Kind::NewGoal { .. } => "New goal".into(),
            Kind::EditGoal(g) => format!("Edit goal: {}", g.fields.statement),
            Kind::NewPoint { statement, .. } => format!("New data point: {statement}"),
            Kind::DeletePoint { statement, .. } => format!("Delete a data point: {statement}"),
        }
    }

    /// The form's fields for this kind.
    pub fn specs(&self) -> &'static [FieldSpec] {
        match &self.kind {
            Kind::NewIntervention { program, .. } => {
                plan::specs(program.is_none(), self.can_restrict)
            }
            Kind::EditIntervention(h) => plan::specs(h.program_id.is_none(), self.can_restrict),
            Kind::NewGoal { .. } | Kind::EditGoal(_) => goal::GOAL,
            Kind::NewPoint { .. } | Kind::DeletePoint { .. } => goal::POINT,
        }
    }

    /// The values the form starts from (what "dirty" compares against).
    fn start_values(&self) -> Vec<String> {
        let specs = self.specs();
        match &self.kind {
            Kind::NewIntervention { program, .. } => plan::new_values(specs, program.as_ref()),
            Kind::EditIntervention(h) => plan::values(specs, h),
            Kind::NewGoal { measure, .. } => goal::new_values(measure.as_deref()),
            Kind::EditGoal(g) => goal::values(&g.fields),
            Kind::NewPoint { .. } | Kind::DeletePoint { .. } => vec![String::new(); 3],
        }
    }

    fn open_form(&mut self) {
        let mut form = Form::new(self.specs(), self.start_values());
        revalidate(&self.kind, &mut form);
        self.stage = Stage::Form(Box::new(form));
    }

    /// What the context to load is about; `None` for forms that need none.
    pub fn context_for(&self) -> Option<ContextFor> {
        match &self.kind {
            Kind::NewIntervention { student_id, .. } => Some(ContextFor::Student(*student_id)),
            Kind::EditIntervention(h) => Some(ContextFor::Intervention(h.id)),
            Kind::NewGoal {
                intervention_id, ..
            } => Some(ContextFor::Intervention(*intervention_id)),
            _ => None,
        }
    }

    /// The picker's rows: the programs, then "custom".
    pub fn picker_len(&self) -> usize {
        self.programs.len() + 1
    }
}

/// The write the values make, or the messages per field.
fn parse(
    kind: &Kind,
    values: &[String],
    specs: &[FieldSpec],
) -> Result<IvWrite, Vec<(usize, String)>> {
    Ok(match kind {
        Kind::NewIntervention {
            id,
            student_id,
            program,
            ..
        } => {
            let p = plan::parse(specs, values, None)?;
            let source = match program {
                Some(pr) => Source::Program(pr.id),
                None => Source::Custom {
                    name: p.name.clone().unwrap_or_default(),
                    intervention_type: p.intervention_type,
                    tier: p.tier,
                },
            };
            let mut new = NewIntervention::new(*id, *student_id, source);
            new.concern = p.concern;
            new.start_date = p.start_date;
            new.planned_end_date = p.planned_end_date;
            new.intervention_type = Some(p.intervention_type);
            new.tier = Some(p.tier);
            new.sessions_per_week = p.sessions_per_week;
            new.minutes_per_session = p.minutes_per_session;
            new.is_restricted = p.is_restricted.unwrap_or(false);
            IvWrite::Create {
                new,
                owner: p.owner,
            }
        }
        Kind::EditIntervention(h) => {
            let p = plan::parse(specs, values, Some(h.status))?;
            let mut edit = InterventionEdit::from(&**h);
            if h.program_id.is_none() {
                edit.custom_name = p.name;
            }
            edit.intervention_type = p.intervention_type;
            edit.tier = p.tier;
            edit.concern = p.concern;
            edit.start_date = p.start_date;
            edit.planned_end_date = p.planned_end_date;
            edit.sessions_per_week = p.sessions_per_week;
            edit.minutes_per_session = p.minutes_per_session;
            edit.is_restricted = p.is_restricted.unwrap_or(h.is_restricted);
            IvWrite::Update {
                id: h.id,
                version: h.version,
                edit,
                owner: p.owner,
            }
        }
        Kind::NewGoal {
            id,
            intervention_id,
            sort_order,
            ..
        } => IvWrite::AddGoal {
            id: *id,
            intervention_id: *intervention_id,
            fields: goal::parse(values, *sort_order)?,
        },
        Kind::EditGoal(g) => IvWrite::UpdateGoal {
            id: g.id,
            version: g.version,
            fields: goal::parse(values, g.fields.sort_order)?,
        },
        Kind::NewPoint {
            id, goal_id, today, ..
        } => IvWrite::AddPoint(goal::parse_point(values, *id, *goal_id, *today)?),
        Kind::DeletePoint { point, .. } => IvWrite::DeletePoint { id: point.id },
    })
}

fn revalidate(kind: &Kind, form: &mut Form) {
    let errors = parse(kind, &form.values, &form.specs).err();
    form.set_errors(errors.unwrap_or_default());
}

fn top(state: &mut State) -> Option<&mut IvEditState> {
    match state.screens.last_mut() {
        Some(Screen::IvEdit(e)) => Some(e),
        _ => None,
    }
}

/// The answer to `Read::IvFormContext`.
pub(crate) fn on_context(state: &mut State, req: ReqId, ctx: FormContext) -> Vec<Effect> {
    let Some(e) = state.screens.iter_mut().find_map(|s| match s {
        Screen::IvEdit(e) if e.req == Some(req) => Some(e),
        _ => None,
    }) else {
        return vec![];
    };
    e.req = None;
    e.programs = ctx.programs;
    e.can_restrict = ctx.can_restrict;
    match &mut e.kind {
        Kind::NewIntervention { .. } => e.stage = Stage::Picker { cursor: 0 },
        Kind::NewGoal { measure, .. } => {
            *measure = ctx.measure;
            e.open_form();
        }
        _ => e.open_form(),
    }
    vec![]
}

/// Keys while the form screen is on top; it takes every key but quitting.
pub(crate) fn on_key(
    state: &mut State,
    key: &KeyEvent,
    action: Option<Action>,
) -> Option<Vec<Effect>> {
    let keymap = state.keymap.clone();
    let k = Key::from_event(key);
    let bound = |a: Action| keymap.keys(a).contains(&k);
    let e = top(state)?;
    let leave = bound(Action::Back) || key.code == KeyCode::Esc;
    match &mut e.stage {
        Stage::Loading => match action {
            _ if leave => Some(close(state)),
            // Retry asks for the programs again.
            Some(Action::Quit | Action::Help | Action::Command | Action::Retry) => None,
            _ => Some(vec![]),
        },
        Stage::Picker { cursor } => {
            let n = e.programs.len() + 1;
            match action {
                _ if leave => return Some(close(state)),
                Some(Action::Up) => *cursor = cursor.saturating_sub(1),
                Some(Action::Down) => *cursor = (*cursor + 1).min(n - 1),
                Some(Action::Top) => *cursor = 0,
                Some(Action::Bottom) => *cursor = n - 1,
                Some(Action::Open) => {
                    let chosen = e.programs.get(*cursor).cloned();
                    if let Kind::NewIntervention { program, .. } = &mut e.kind {
                        *program = chosen;
                    }
                    e.open_form();
                }
                Some(Action::Quit | Action::Help | Action::Command) => return None,
                _ => {}
            }
            Some(vec![])
        }
        Stage::Form(form) => Some(match form.key(key, &keymap) {
            r @ (FormKey::Edited | FormKey::Moved) => {
                if r == FormKey::Edited {
                    revalidate(&e.kind, form);
                }
                // The fields' own messages say the rest; the focused one's
                // shows in full below the form once this one is gone.
                if form.notice.as_deref() == Some(FIX_FIELDS) {
                    form.notice = None;
                }
                vec![]
            }
            FormKey::Ignored => vec![],
            FormKey::Cancel => {
                if matches!(e.kind, Kind::NewIntervention { .. }) {
                    // Back to the picker: maybe the other program.
                    let cursor = match &e.kind {
                        Kind::NewIntervention {
                            program: Some(p), ..
                        } => e.programs.iter().position(|x| x.id == p.id).unwrap_or(0),
                        _ => e.programs.len(),
                    };
                    e.stage = Stage::Picker { cursor };
                    vec![]
                } else {
                    close(state)
                }
            }
            FormKey::Save => save(state),
        }),
        Stage::Conflict(c) => {
            if e.saving.is_some() {
                return Some(vec![]);
            }
            let c = (**c).clone();
            if bound(Action::KeepMine) {
                return Some(match parse(&e.kind, &c.mine, e.specs()) {
                    Ok(write) => send(state, write),
                    Err(_) => {
                        edit_again(
                            e,
                            &c,
                            Some("fix the fields marked in red, then save".into()),
                        );
                        vec![]
                    }
                });
            }
            if bound(Action::TakeTheirs) {
                let effects = close(state);
                state.info("took their version; your changes were dropped");
                return Some(effects);
            }
            if bound(Action::EditAgain) {
                edit_again(e, &c, None);
            }
            Some(vec![])
        }
        Stage::Confirm => {
            if e.saving.is_some() {
                return Some(vec![]);
            }
            match key.code {
                KeyCode::Char('y') => {
                    let Ok(write) = parse(&e.kind, &[], &[]) else {
                        return Some(vec![]);
                    };
                    Some(send(state, write))
                }
                _ => Some(close(state)),
            }
        }
    }
}

/// The form again with my values on their version.
fn edit_again(e: &mut IvEditState, c: &Conflict, notice: Option<String>) {
    let mut form = Form::new(e.specs(), c.theirs.clone());
    form.values = c.mine.clone();
    form.show_all = true;
    form.notice = notice;
    revalidate(&e.kind, &mut form);
    e.stage = Stage::Form(Box::new(form));
}

fn close(state: &mut State) -> Vec<Effect> {
    match state.screens.pop() {
        Some(gone) => crate::app::nav::cancel_all(&gone),
        None => vec![],
    }
}

fn save(state: &mut State) -> Vec<Effect> {
    let Some(e) = top(state) else {
        return vec![];
    };
    let Stage::Form(form) = &mut e.stage else {
        return vec![];
    };
    revalidate(&e.kind, form);
    let write = match parse(&e.kind, &form.values, &form.specs) {
        Ok(w) => w,
        Err(_) => {
            form.notice = Some(FIX_FIELDS.into());
            return vec![];
        }
    };
    let editing = matches!(e.kind, Kind::EditIntervention(_) | Kind::EditGoal(_));
    if editing && !form.dirty() {
        let effects = close(state);
        state.info("nothing changed");
        return effects;
    }
    form.notice = None;
    send(state, write)
}

fn send(state: &mut State, write: IvWrite) -> Vec<Effect> {
    let req = state.alloc();
    let Some(e) = top(state) else {
        return vec![];
    };
    e.saving = Some(req);
    if let Stage::Form(form) = &mut e.stage {
        form.saving = Some(req);
    }
    vec![Effect::WriteIv { req, write }]
}

/// The answer to `Effect::WriteIv`.
pub(crate) fn on_written(state: &mut State, req: ReqId, outcome: IvWritten) -> Vec<Effect> {
    let Some(i) = state
        .screens
        .iter()
        .position(|s| matches!(s, Screen::IvEdit(e) if e.saving == Some(req)))
    else {
        return vec![];
    };
    let Screen::IvEdit(e) = &mut state.screens[i] else {
        return vec![];
    };
    e.saving = None;
    let mine = match &mut e.stage {
        Stage::Form(form) => {
            form.saving = None;
            Some(form.values.clone())
        }
        Stage::Conflict(c) => Some(c.mine.clone()),
        _ => None,
    };
    // Back to the form with everything typed (and the focus) kept; false
    // when there is no form to go back to (a delete).
    let not_saved = |e: &mut IvEditState, why: String| {
        let notice = Some(format!("not saved: {why}"));
        match &mut e.stage {
            Stage::Form(form) => {
                form.notice = notice;
                true
            }
            Stage::Conflict(c) => {
                let c = (**c).clone();
                edit_again(e, &c, notice);
                true
            }
            _ => false,
        }
    };
    match outcome {
        IvWritten::Saved(IvSaved::Created { id, title }) => {
            state.screens.remove(i);
            let mut effects =
                reload_where(state, |s| matches!(s, Screen::Student(_) | Screen::Home(_)));
            effects.extend(crate::app::open_intervention(state, id, title));
            state.info("created");
            effects
        }
        IvWritten::Saved(IvSaved::Updated) => {
            let gone = state.screens.remove(i);
            let target = match &gone {
                Screen::IvEdit(e) => match &e.kind {
                    Kind::EditIntervention(_) => "saved",
                    Kind::DeletePoint { .. } => "deleted the data point",
                    Kind::NewPoint { .. } => "data point saved",
                    _ => "goal saved",
                },
                _ => "saved",
            };
            let effects = reload_where(state, |s| {
                matches!(
                    s,
                    Screen::Intervention(_) | Screen::Home(_) | Screen::Student(_)
                )
            });
            state.info(target);
            effects
        }
        IvWritten::Conflict(theirs) => {
            let Some(mine) = mine else {
                return vec![];
            };
            let specs = e.specs();
            let theirs_values = match theirs {
                Theirs::Intervention(h) => {
                    let v = plan::values(specs, &h);
                    e.kind = Kind::EditIntervention(h);
                    v
                }
                Theirs::Goal(g) => {
                    let v = goal::values(&g.fields);
                    e.kind = Kind::EditGoal(g);
                    v
                }
            };
            e.stage = Stage::Conflict(Box::new(Conflict {
                mine,
                theirs: theirs_values,
            }));
            state.error(
                "someone else saved this first: compare, then keep mine, take theirs or edit again",
            );
            vec![]
        }
        IvWritten::Refused(why) | IvWritten::Failed(why) => {
            if !not_saved(e, why.clone()) {
                state.screens.remove(i);
                state.error(format!("not saved: {why}"));
            }
            vec![]
        }
        IvWritten::Gone => {
            let why = "it was deleted or is no longer visible to you".to_string();
            if !not_saved(e, why.clone()) {
                state.screens.remove(i);
                state.error(format!("not saved: {why}"));
            }
            vec![]
        }
    }
}

fn reload_where(state: &mut State, pick: impl Fn(&Screen) -> bool) -> Vec<Effect> {
    let mut effects = Vec::new();
    for j in 0..state.screens.len() {
        if pick(&state.screens[j]) {
            effects.extend(crate::app::nav::reload(state, j));
        }
    }
    effects
}

/// Pasted text, when a form is on top.
pub(crate) fn on_paste(state: &mut State, text: &str) -> bool {
    let Some(e) = top(state) else {
        return false;
    };
    let Stage::Form(form) = &mut e.stage else {
        return false;
    };
    let pasted = form.paste(text);
    if pasted {
        revalidate(&e.kind, form);
    }
    pasted
}

pub(crate) fn on_reply(state: &mut State, req: ReqId, data: crate::app::Data) -> Vec<Effect> {
    match data {
        crate::app::Data::IvFormContext { context } => on_context(state, req, context),
        _ => vec![],
    }
}

#[cfg(test)]
mod tests;
