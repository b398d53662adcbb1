//! Opening the forms: a new plan from a student or the roster, and the
//! intervention detail's keys that open a plan, goal or data-point form.

use super::*;

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
    let mut e = new_plan(id, student_id, student_name);
    e.req = Some(req);
    push(state, e);
    vec![Effect::Load {
        req,
        read: Read::IvFormContext {
            about: ContextFor::Student(student_id),
        },
    }]
}

/// The new-plan form for a student, to push (`Nav::Push` loads its
/// context, the programs to pick from); `id` is the row it will create.
pub fn new_intervention_form(id: Uuid, student_id: Uuid, student_name: String) -> Screen {
    Screen::IvEdit(Box::new(new_plan(id, student_id, student_name)))
}

fn new_plan(id: Uuid, student_id: Uuid, student_name: String) -> IvEditState {
    IvEditState::new(
        Kind::NewIntervention {
            id,
            student_id,
            student_name,
            program: None,
        },
        Stage::Loading,
    )
}

/// The keys of the intervention detail that open a form; `None` when the
/// key is not one of them.
pub(crate) fn detail_key(state: &mut State, action: Action) -> Option<Vec<Effect>> {
    if !matches!(
        action,
        Action::Edit | Action::EditPlan | Action::New | Action::Measure | Action::DeletePoint
    ) || !matches!(state.screens.last(), Some(Screen::Intervention(_)))
    {
        return None;
    }
    // Drawn before looking at the screen; an id left unused costs nothing.
    let new_id = state.mint_id();
    let Some(Screen::Intervention(d)) = state.screens.last() else {
        return None;
    };
    let Some(detail) = d.detail.as_deref() else {
        state.info("not loaded yet");
        return Some(vec![]);
    };
    let on_goals = d.tab == crate::app::intervention::Tab::Goals;
    let selected = on_goals.then(|| detail.goals.get(d.cursor)).flatten();
    let mut e = match (action, selected) {
        // e edits the selected goal on the goals tab, the plan elsewhere.
        (Action::EditPlan, _) | (Action::Edit, None) => {
            return Some(edit_plan(state, detail.header.clone()));
        }
        (Action::Edit, Some(g)) => {
            IvEditState::new(Kind::EditGoal(Box::new(g.goal.clone())), Stage::Loading)
        }
        (Action::New, _) if on_goals => IvEditState::new(
            Kind::NewGoal {
                id: new_id,
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
                id: new_id,
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
            None => {
                state.info("this goal has no data points");
                return Some(vec![]);
            }
        },
        (Action::Measure | Action::DeletePoint, None) => {
            state.info(if on_goals {
                "add a goal first: n"
            } else {
                "data points belong to goals: 1 shows the goals tab"
            });
            return Some(vec![]);
        }
        // Other tabs may give n a meaning of their own (team: add someone).
        _ => return None,
    };
    let mut effects = vec![];
    match e.context_for() {
        // A new goal asks for its program's measure first.
        Some(about) => {
            let req = state.alloc();
            e.req = Some(req);
            effects.push(Effect::Load {
                req,
                read: Read::IvFormContext { about },
            });
        }
        None if e.stage == Stage::Loading => e.open_form(),
        None => {}
    }
    push(state, e);
    Some(effects)
}

fn edit_plan(state: &mut State, header: InterventionHeader) -> Vec<Effect> {
    let req = state.alloc();
    let id = header.id;
    let mut e = IvEditState::new(Kind::EditIntervention(Box::new(header)), Stage::Loading);
    e.req = Some(req);
    push(state, e);
    vec![Effect::Load {
        req,
        read: Read::IvFormContext {
            about: ContextFor::Intervention(id),
        },
    }]
}
