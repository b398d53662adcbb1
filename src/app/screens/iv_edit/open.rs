//! Opening the forms: a new plan from a student or the roster, and the
//! intervention detail's keys that open a plan, goal or data-point form.
//! The builders return the form unloaded: pushing it loads its context.

use super::*;
use crate::app::Screen;
use crate::app::intervention::{DetailState, Tab};
use crate::app::keymap::Action;
use crate::app::screens::room::Cx;

/// `n` on a student (or the roster's selected one): a new plan for them,
/// starting with the program picker.
pub fn new_intervention_form(student_id: Uuid, student_name: String) -> Screen {
    form(IvEditState::new(
        Kind::NewIntervention {
            student_id,
            student_name,
            program: None,
        },
        Stage::Loading,
    ))
}

/// The form a key of the intervention detail opens; `Err` says on the
/// status line why there is none, `None`: the key is not one of them.
pub fn form_for(d: &DetailState, action: Action) -> Option<Result<Screen, String>> {
    if !matches!(
        action,
        Action::Edit | Action::EditPlan | Action::New | Action::Measure | Action::DeletePoint
    ) {
        return None;
    }
    let Some(detail) = d.detail.as_deref() else {
        return Some(Err("not loaded yet".into()));
    };
    let on_goals = d.tab == Tab::Goals;
    let selected = on_goals.then(|| detail.goals.get(d.cursor)).flatten();
    let (kind, stage) = match (action, selected) {
        // e edits the selected goal on the goals tab, the plan elsewhere.
        (Action::EditPlan, _) | (Action::Edit, None) => (
            Kind::EditIntervention(Box::new(detail.header.clone())),
            Stage::Loading,
        ),
        (Action::Edit, Some(g)) => (Kind::EditGoal(Box::new(g.goal.clone())), Stage::Loading),
        (Action::New, _) if on_goals => (
            Kind::NewGoal {
                intervention_id: detail.header.id,
                sort_order: detail
                    .goals
                    .iter()
                    .map(|g| g.goal.fields.sort_order + 1)
                    .max()
                    .unwrap_or(0),
            },
            Stage::Loading,
        ),
        (Action::Measure, Some(g)) => (
            Kind::NewPoint {
                goal_id: g.goal.id,
                statement: g.goal.fields.statement.clone(),
                today: d.today,
            },
            Stage::Loading,
        ),
        (Action::DeletePoint, Some(g)) => match g.points.last() {
            Some(p) => (
                Kind::DeletePoint {
                    point: p.clone(),
                    statement: g.goal.fields.statement.clone(),
                },
                Stage::Confirm,
            ),
            None => return Some(Err("this goal has no data points".into())),
        },
        (Action::Measure | Action::DeletePoint, None) => {
            return Some(Err(if on_goals {
                "add a goal first: n"
            } else {
                "data points belong to goals: 1 shows the goals tab"
            }
            .into()));
        }
        // Other tabs may give n a meaning of their own (team: add someone).
        _ => return None,
    };
    let mut e = IvEditState::new(kind, stage);
    // A form without a context to wait for opens at once.
    if e.context_for().is_none() && e.stage == Stage::Loading {
        e.open_form();
    }
    Some(Ok(form(e)))
}

fn form(e: IvEditState) -> Screen {
    Screen::IvEdit(Box::new(e))
}

/// Pushes `screen` and loads it.
/// `n` on a student or the roster: the new plan's form over the screen,
/// or why not (it needs the database for its programs).
pub fn open_new(cx: &mut Cx, student_id: Uuid, student_name: String) {
    if !cx.is_connected() {
        cx.error("not connected: r to retry");
        return;
    }
    cx.push(new_intervention_form(student_id, student_name));
}
