//! The intervention forms, as one screen pushed over the detail (or the
//! student): create (pick a program or "custom", then the plan form), edit
//! the plan, add or edit a goal, enter a data point, delete the last one.
//! Every write carries an id chosen before it is sent, so a retry finds
//! its first attempt; edits carry the version they were read at, and a
//! conflict shows theirs against mine.

pub mod goal;
pub mod plan;

mod open;
mod room;
pub use open::{form_for, new_intervention_form, open_new};

use crate::app::ReqId;
use crate::app::form::{FieldSpec, Form};
use crate::app::loadable::Loadable;
use crate::domain::goals::{Goal, GoalFields, Measurement, NewMeasurement};
use crate::domain::intervention::InterventionHeader;
use crate::domain::plan::{ContextFor, FormContext, Program};
use crate::domain::plan::{InterventionEdit, NewIntervention, Source};
use chrono::NaiveDate;
use uuid::Uuid;

/// What the form writes.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    NewIntervention {
        student_id: Uuid,
        student_name: String,
        /// `None`: custom, until or unless a program is picked.
        program: Option<Program>,
    },
    EditIntervention(Box<InterventionHeader>),
    /// Its measure is the program's, from the context.
    NewGoal {
        intervention_id: Uuid,
        sort_order: i32,
    },
    EditGoal(Box<Goal>),
    NewPoint {
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
    /// Who saved theirs and when ("Dana Ruiz at 10:42"), once asked.
    pub by: Option<String>,
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
    /// The programs, the person's rights and a new goal's measure; only
    /// the forms that `context_for` names load it.
    pub context: Loadable<FormContext>,
    /// A write in flight.
    pub saving: Option<ReqId>,
    /// The id a new plan, goal or data point is written with: drawn at the
    /// first save and kept, so a retry finds the first attempt.
    pub row_id: Option<Uuid>,
    /// The worker's date when the context arrived: a new plan starts on it.
    pub today: Option<NaiveDate>,
    /// Asking who changed the row open in the form (live refresh), or who
    /// saved first (a conflict).
    pub stale: Option<ReqId>,
    /// The conflict the form was opened again from ("edit again"): saving
    /// asks once more which to keep, since theirs is not on screen.
    pub reopened: Option<Box<Conflict>>,
}

impl IvEditState {
    fn new(kind: Kind, stage: Stage) -> IvEditState {
        IvEditState {
            kind,
            stage,
            context: Loadable::default(),
            saving: None,
            row_id: None,
            today: None,
            stale: None,
            reopened: None,
        }
    }

    /// The row the form edits and the version it was read at.
    fn edited_row(&self) -> Option<(crate::domain::live::Table, Uuid, i32)> {
        use crate::domain::live::Table;
        match &self.kind {
            Kind::EditIntervention(h) => Some((Table::Interventions, h.id, h.version)),
            Kind::EditGoal(g) => Some((Table::Goals, g.id, g.version)),
            _ => None,
        }
    }

    /// Someone wrote the row the open form edits: ask who, through
    /// row-level security; the form itself is never touched.
    pub fn on_changed(
        &mut self,
        cx: &mut crate::app::screens::room::Cx,
        changes: &crate::domain::live::Changes,
    ) -> Vec<crate::app::Effect> {
        let Some((table, id, _)) = self.edited_row() else {
            return vec![];
        };
        if !matches!(self.stage, Stage::Form(_)) || !changes.touches_row(table, id) {
            return vec![];
        }
        let req = cx.alloc();
        self.stale = Some(req);
        vec![crate::app::Effect::Load {
            req,
            read: crate::app::Read::ChangedBy { table, id },
        }]
    }

    /// Who changed it: the form says so unless the row is still at the
    /// version the form was opened on; a conflict names who saved first.
    pub fn on_changed_by(&mut self, found: Option<&crate::domain::live::ChangedBy>) {
        let Some((_, _, version)) = self.edited_row() else {
            return;
        };
        if let Stage::Conflict(c) = &mut self.stage {
            c.by = found.and_then(crate::domain::live::ChangedBy::who_and_when);
            return;
        }
        if let (Stage::Form(f), Some(say)) = (
            &mut self.stage,
            crate::domain::live::ChangedBy::notice(found, version),
        ) {
            f.notice = Some(say);
        }
    }

    /// The programs to pick from (none before the context arrives).
    pub fn programs(&self) -> &[Program] {
        self.context.get().map_or(&[], |c| &c.programs)
    }

    /// The person may mark a plan restricted.
    pub fn can_restrict(&self) -> bool {
        self.context.get().is_some_and(|c| c.can_restrict)
    }

    /// The heading over the form, naming whom or what it is about (the
    /// stack's short title is `Room::title`).
    pub fn heading(&self) -> String {
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
                plan::specs(program.is_none(), self.can_restrict())
            }
            Kind::EditIntervention(h) => plan::specs(h.program_id.is_none(), self.can_restrict()),
            Kind::NewGoal { .. } | Kind::EditGoal(_) => goal::GOAL,
            Kind::NewPoint { .. } | Kind::DeletePoint { .. } => goal::POINT,
        }
    }

    /// The values the form starts from (what "dirty" compares against).
    fn start_values(&self) -> Vec<String> {
        let specs = self.specs();
        match &self.kind {
            Kind::NewIntervention { program, .. } => {
                plan::new_values(specs, program.as_ref(), self.today)
            }
            Kind::EditIntervention(h) => plan::values(specs, h),
            Kind::NewGoal { .. } => {
                goal::new_values(self.context.get().and_then(|c| c.measure.as_deref()))
            }
            Kind::EditGoal(g) => goal::values(&g.fields),
            Kind::NewPoint { today, .. } => vec![
                today.map(|d| d.to_string()).unwrap_or_default(),
                String::new(),
                String::new(),
            ],
            Kind::DeletePoint { .. } => vec![String::new(); 3],
        }
    }

    fn open_form(&mut self) {
        let mut form = Form::new(self.specs(), self.start_values());
        revalidate(&self.kind, &mut form);
        // A data point measured today needs only its value.
        if matches!(self.kind, Kind::NewPoint { today: Some(_), .. }) {
            form.focus = 1;
            form.cursor = 0;
        }
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
        self.programs().len() + 1
    }

    /// The write `values` make, or the messages per field; a new row's id
    /// is drawn by `mint` the first time.
    fn write(
        &mut self,
        values: &[String],
        mint: impl FnOnce() -> Uuid,
    ) -> Result<IvWrite, Vec<(usize, String)>> {
        let creates = matches!(
            self.kind,
            Kind::NewIntervention { .. } | Kind::NewGoal { .. } | Kind::NewPoint { .. }
        );
        let id = match self.row_id {
            Some(id) => id,
            None if creates => *self.row_id.insert(mint()),
            None => Uuid::nil(),
        };
        parse(&self.kind, id, values, self.specs())
    }
}

/// The write the values make, or the messages per field; `id` is the new
/// row's (unused by edits and deletes).
fn parse(
    kind: &Kind,
    id: Uuid,
    values: &[String],
    specs: &[FieldSpec],
) -> Result<IvWrite, Vec<(usize, String)>> {
    Ok(match kind {
        Kind::NewIntervention {
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
            let mut new = NewIntervention::new(id, *student_id, source);
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
            intervention_id,
            sort_order,
        } => IvWrite::AddGoal {
            id,
            intervention_id: *intervention_id,
            fields: goal::parse(values, *sort_order)?,
        },
        Kind::EditGoal(g) => IvWrite::UpdateGoal {
            id: g.id,
            version: g.version,
            fields: goal::parse(values, g.fields.sort_order)?,
        },
        Kind::NewPoint { goal_id, today, .. } => {
            IvWrite::AddPoint(goal::parse_point(values, id, *goal_id, *today)?)
        }
        Kind::DeletePoint { point, .. } => IvWrite::DeletePoint { id: point.id },
    })
}

/// The fields' messages for what is typed now (no write is made, so no id
/// is drawn).
fn revalidate(kind: &Kind, form: &mut Form) {
    let errors = parse(kind, Uuid::nil(), &form.values, &form.specs).err();
    form.set_errors(errors.unwrap_or_default());
}

#[cfg(test)]
mod tests;
