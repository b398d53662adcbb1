//! Opening the forms: a new plan from a student or the roster, and the
//! plan, goal or data-point form a key of the intervention detail opens.

use super::*;
use crate::app::intervention::{DetailState, Tab};

fn push(state: &mut State, e: IvEditState) {
    state.screens.push(Screen::IvEdit(Box::new(e)));
}

/// `n` on a student (or the roster's selected one): a new plan for them,
/// starting with the program picker.
pub fn open_new(state: &mut State, student_id: Uuid, student_name: String) -> Vec<Effect> {
    if !state.is_connected() {
        state.error("not connected: r to retry");
        return vec![];
    }
    let id = state.mint_id();
    let req = state.alloc();
    let mut e = IvEditState::new(
        Kind::NewIntervention {
            id,
            student_id,
            student_name,
            program: None,
        },
        Stage::Loading,
    );
    e.req = Some(req);
    push(state, e);
    vec![Effect::Load {
        req,
        read: Read::IvFormContext {
            about: ContextFor::Student(student_id),
        },
    }]
}

/// The form a key of the intervention detail opens over it, built from
/// the detail alone (the detail pushes it; pushed, it loads its context).
/// `new_id` is asked only by a form that creates a row. `None` when the key
/// opens no form there; `Err`, what to say instead.
pub fn form_for(
    d: &DetailState,
    action: Action,
    new_id: impl FnOnce() -> Uuid,
) -> Option<Result<Screen, &'static str>> {
    if !matches!(
        action,
        Action::Edit | Action::EditPlan | Action::New | Action::Measure | Action::DeletePoint
    ) {
        return None;
    }
    let Some(detail) = d.detail.get() else {
        return Some(Err("not loaded yet"));
    };
    let on_goals = d.tab == Tab::Goals;
    let selected = on_goals.then(|| detail.goals.get(d.cursor)).flatten();
    let mut e = match (action, selected) {
        // e edits the selected goal on the goals tab, the plan elsewhere.
        (Action::EditPlan, _) | (Action::Edit, None) => IvEditState::new(
            Kind::EditIntervention(Box::new(detail.header.clone())),
            Stage::Loading,
        ),
        (Action::Edit, Some(g)) => {
            IvEditState::new(Kind::EditGoal(Box::new(g.goal.clone())), Stage::Loading)
        }
        (Action::New, _) if on_goals => IvEditState::new(
            Kind::NewGoal {
                id: new_id(),
                intervention_id: detail.header.id,
                sort_order: detail
                    .goals
                    .iter()
                    .map(|g| g.goal.fields.sort_order + 1)
                    .max()
                    .unwrap_or(0),
                measure: None,
            },
            Stage::Loading,
        ),
        (Action::Measure, Some(g)) => IvEditState::new(
            Kind::NewPoint {
                id: new_id(),
                goal_id: g.goal.id,
                statement: g.goal.fields.statement.clone(),
                today: d.today,
            },
            Stage::Loading,
        ),
        (Action::DeletePoint, Some(g)) => match g.points.last() {
            Some(p) => IvEditState::new(
                Kind::DeletePoint {
                    point: p.clone(),
                    statement: g.goal.fields.statement.clone(),
                },
                Stage::Confirm,
            ),
            None => return Some(Err("this goal has no data points")),
        },
        (Action::Measure | Action::DeletePoint, None) => {
            return Some(Err(if on_goals {
                "add a goal first: n"
            } else {
                "data points belong to goals: 1 shows the goals tab"
            }));
        }
        // Other tabs may give n a meaning of their own (team: add someone).
        _ => return None,
    };
    // A form with no context to wait for opens at once.
    if e.context_for().is_none() && e.stage == Stage::Loading {
        e.open_form();
    }
    Some(Ok(Screen::IvEdit(Box::new(e))))
}
