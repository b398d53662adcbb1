//! The intervention forms' writes: one `IvWrite` in, one `IvWritten` out,
//! with every refusal put in words the form can show.

use crate::app::iv_edit::IvSaved;
use crate::app::iv_edit::{IvWrite, IvWritten, Theirs};
use crate::db::interventions::goals;
use crate::db::interventions::programs::user_by_username;
use crate::db::interventions::{WriteError, edit};
use crate::domain::goals::Goal;
use crate::domain::intervention::InterventionHeader;
use tokio_postgres::GenericClient;
use uuid::Uuid;

/// Runs the write. Creates and added rows carry ids chosen by the form, so
/// running the same write twice leaves one row.
pub async fn run(client: &(impl GenericClient + Sync), write: IvWrite) -> IvWritten {
    match write {
        IvWrite::Create { mut new, owner } => {
            match owner_id(client, owner.as_deref()).await {
                Ok(Some(id)) => new.owner_id = Some(id),
                Ok(None) => {}
                Err(w) => return w,
            }
            match edit::create(client, &new).await {
                Ok(h) => IvWritten::Saved(IvSaved::Created {
                    id: h.id,
                    title: format!("{} · {}", h.student_name, h.name),
                }),
                Err(e) => outcome(e, plan_conflict),
            }
        }
        IvWrite::Update {
            id,
            version,
            mut edit,
            owner,
        } => {
            match owner_id(client, owner.as_deref()).await {
                Ok(Some(o)) => edit.owner_id = Some(o),
                Ok(None) => {}
                Err(w) => return w,
            }
            match edit::update_intervention(client, id, version, &edit).await {
                Ok(_) => IvWritten::Saved(IvSaved::Updated),
                Err(e) => outcome(e, plan_conflict),
            }
        }
        IvWrite::AddGoal {
            id,
            intervention_id,
            fields,
        } => match goals::add_goal(client, id, intervention_id, &fields).await {
            Ok(_) => IvWritten::Saved(IvSaved::Updated),
            Err(e) => outcome(e, goal_conflict),
        },
        IvWrite::UpdateGoal {
            id,
            version,
            fields,
        } => match goals::update_goal(client, id, version, &fields).await {
            Ok(_) => IvWritten::Saved(IvSaved::Updated),
            Err(e) => outcome(e, goal_conflict),
        },
        IvWrite::AddPoint(m) => match goals::add_measurement(client, &m).await {
            Ok(_) => IvWritten::Saved(IvSaved::Updated),
            Err(e) => outcome(e, no_conflict),
        },
        IvWrite::DeletePoint { id } => match goals::delete_measurement(client, id).await {
            Ok(()) => IvWritten::Saved(IvSaved::Updated),
            Err(e) => outcome(e, no_conflict),
        },
    }
}

/// Data points have no version, so their writes never report a conflict;
/// should one appear, the form says so in words.
fn no_conflict<C>(_: C) -> IvWritten {
    IvWritten::Failed("changed by someone else in the meantime".into())
}

fn plan_conflict(h: InterventionHeader) -> IvWritten {
    IvWritten::Conflict(Theirs::Intervention(Box::new(h)))
}

fn goal_conflict(g: Goal) -> IvWritten {
    IvWritten::Conflict(Theirs::Goal(Box::new(g)))
}

/// The user a typed username names; `Err` says who was not found.
async fn owner_id(
    client: &(impl GenericClient + Sync),
    username: Option<&str>,
) -> Result<Option<Uuid>, IvWritten> {
    let Some(name) = username else {
        return Ok(None);
    };
    match user_by_username(client, name).await {
        Ok(Some(id)) => Ok(Some(id)),
        Ok(None) => Err(IvWritten::Refused(format!(
            "no active user with the username {name:?}: the owner is named by username"
        ))),
        Err(e) => Err(outcome::<()>(e.into(), no_conflict)),
    }
}

fn outcome<C: std::fmt::Debug>(
    e: WriteError<C>,
    conflict: impl FnOnce(C) -> IvWritten,
) -> IvWritten {
    match e {
        WriteError::Conflict { current } => conflict(*current),
        WriteError::NotFound => IvWritten::Gone,
        WriteError::Refused(why) => IvWritten::Refused(why.to_string()),
        e @ WriteError::Db(_) => IvWritten::Failed(e.to_string()),
    }
}
