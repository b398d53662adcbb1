//! Every write, run on a connection the runner (`Worker::write`) got, and
//! what each answers when no connection could be had. Writes are never
//! cancelled: once sent, the screen must learn whether they happened.

use super::iv_write;
use crate::app::intervention::WriteOutcome;
use crate::app::iv_edit::IvWritten;
use crate::app::team::TeamOutcome;
use crate::app::{Effect, Msg, Wrote};
use crate::db::interventions::{self as iv, WriteError, lifecycle};
use crate::db::{roster, sessions, student_record};
use crate::domain::lifecycle::Transition;
use crate::domain::student::SaveOutcome;
use chrono::NaiveDate;
use deadpool_postgres::Object;

/// `None` for an Effect that is not a write.
pub(super) async fn run(c: &mut Object, effect: Effect, today: NaiveDate) -> Option<Msg> {
    let pg: &tokio_postgres::Client = c;
    Some(match effect {
        Effect::SaveRosterFilters { filters, sort } => Msg::RosterFiltersSaved {
            result: roster::save_filters(pg, &filters, sort)
                .await
                .map_err(|e| super::describe_pg_error(&e)),
        },
        Effect::SaveStudentRecord {
            req,
            id,
            version,
            change,
        } => Msg::Written {
            req,
            wrote: Wrote::Student(student_record::save(pg, id, version, &change).await),
        },
        Effect::Transition {
            req,
            id,
            expected_version,
            to,
            outcome,
            notes,
        } => {
            let t = Transition { to, outcome, notes };
            let outcome = match lifecycle::transition(pg, id, expected_version, &t, today).await {
                Ok(version) => WriteOutcome::Saved(version),
                Err(WriteError::Conflict { current }) => WriteOutcome::Conflict(current),
                Err(WriteError::NotFound) => WriteOutcome::Gone,
                Err(WriteError::Refused(why)) => WriteOutcome::Refused(why.to_string()),
                Err(e @ WriteError::Db(_)) => WriteOutcome::Failed(e.to_string()),
            };
            Msg::Written {
                req,
                wrote: Wrote::Transition(outcome),
            }
        }
        Effect::AddTeamMember {
            req,
            intervention_id,
            member,
            role,
            can_edit,
        } => {
            let m = crate::domain::team::NewMember {
                // The id is made here, not in update(), which stays free
                // of randomness; a retried insert of it is a no-op.
                id: uuid::Uuid::new_v4(),
                member,
                role,
                can_edit,
            };
            let outcome = iv::team::add_member(pg, intervention_id, &m)
                .await
                .map_or_else(team_outcome, TeamOutcome::Saved);
            Msg::Written {
                req,
                wrote: Wrote::Team(outcome),
            }
        }
        Effect::RemoveTeamMember {
            req,
            intervention_id,
            member_id,
        } => {
            let outcome = match iv::team::remove_member(pg, intervention_id, member_id).await {
                Ok(()) => iv::team::load_team(pg, intervention_id)
                    .await
                    .map_or_else(|e| team_outcome(e.into()), TeamOutcome::Saved),
                Err(e) => team_outcome(e),
            };
            Msg::Written {
                req,
                wrote: Wrote::Team(outcome),
            }
        }
        Effect::DeleteSession { req, id, version } => Msg::Written {
            req,
            wrote: Wrote::SessionDeleted(
                sessions::delete(c, id, version)
                    .await
                    .map_err(|e| e.to_string()),
            ),
        },
        Effect::WriteIv { req, write } => Msg::Written {
            req,
            wrote: Wrote::Iv(iv_write::run(pg, write).await),
        },
        Effect::WriteContact { req, write } => Msg::Written {
            req,
            wrote: Wrote::Contact(super::contact::write(c, write).await),
        },
        Effect::ChangeFollowUp {
            req,
            id,
            version,
            change,
        } => Msg::Written {
            req,
            wrote: Wrote::FollowUp(crate::db::follow_ups::change(pg, id, version, change).await),
        },
        Effect::ChangeDocument { req, change } => Msg::Written {
            req,
            wrote: Wrote::Document(
                crate::db::documents::change(pg, change)
                    .await
                    .map_err(|e| super::describe_pg_error(&e)),
            ),
        },
        Effect::JobAction { req, id, action } => Msg::Written {
            req,
            wrote: Wrote::Job(
                crate::db::jobs::act(pg, id, action)
                    .await
                    .map_err(|e| super::describe_pg_error(&e)),
            ),
        },
        Effect::Admin { req, change } => Msg::Written {
            req,
            wrote: Wrote::Admin(super::admin::write(c, change).await),
        },
        Effect::EnqueueJob {
            req,
            kind,
            mut payload,
        } => {
            let home = directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf());
            super::own_jobs::absolute_paths(&mut payload, home.as_deref());
            Msg::Written {
                req,
                wrote: Wrote::Enqueued(
                    crate::db::jobs::enqueue(pg, &kind, &payload, None)
                        .await
                        .map_err(|e| super::describe_pg_error(&e)),
                ),
            }
        }
        Effect::ChangePerson { req, change } => {
            let client: &mut tokio_postgres::Client = c;
            let result = crate::admin::users::apply(client, &change)
                .await
                .map_err(|e| e.to_string());
            Msg::Written {
                req,
                wrote: Wrote::Admin(result),
            }
        }
        Effect::SaveSetting {
            req,
            key,
            scope,
            value,
        } => {
            let result = match crate::db::settings::save(pg, &key, &scope, value.as_ref()).await {
                Ok(true) => Ok(()),
                Ok(false) => Err(format!(
                    "there is no setting {key} (or no such school) any more"
                )),
                Err(e) => Err(super::describe_pg_error(&e)),
            };
            Msg::Written {
                req,
                wrote: Wrote::Admin(result),
            }
        }
        _ => return None,
    })
}

/// The answer to a write that never reached the database: `why` in the
/// words each screen shows.
pub(super) fn not_sent(effect: Effect, why: String) -> Option<Msg> {
    Some(match effect {
        Effect::SaveRosterFilters { .. } => Msg::RosterFiltersSaved { result: Err(why) },
        Effect::SaveStudentRecord { req, .. } => Msg::Written {
            req,
            wrote: Wrote::Student(SaveOutcome::Refused(why)),
        },
        Effect::Transition { req, .. } => Msg::Written {
            req,
            wrote: Wrote::Transition(WriteOutcome::Failed(why)),
        },
        Effect::AddTeamMember { req, .. } | Effect::RemoveTeamMember { req, .. } => Msg::Written {
            req,
            wrote: Wrote::Team(TeamOutcome::Failed(why)),
        },
        Effect::DeleteSession { req, .. } => Msg::Written {
            req,
            wrote: Wrote::SessionDeleted(Err(why)),
        },
        Effect::WriteIv { req, .. } => Msg::Written {
            req,
            wrote: Wrote::Iv(IvWritten::Failed(why)),
        },
        Effect::WriteContact { req, .. } => Msg::Written {
            req,
            wrote: Wrote::Contact(crate::domain::contact::ContactWritten::Failed(why)),
        },
        Effect::ChangeFollowUp { req, .. } => Msg::Written {
            req,
            wrote: Wrote::FollowUp(crate::domain::outcome::Written::Failed(why)),
        },
        Effect::ChangeDocument { req, .. } => Msg::Written {
            req,
            wrote: Wrote::Document(Err(why)),
        },
        Effect::Admin { req, .. } => Msg::Written {
            req,
            wrote: Wrote::Admin(Err(why)),
        },
        Effect::JobAction { req, .. } => Msg::Written {
            req,
            wrote: Wrote::Job(Err(why)),
        },
        Effect::EnqueueJob { req, .. } => Msg::Written {
            req,
            wrote: Wrote::Enqueued(Err(why)),
        },
        Effect::ChangePerson { req, .. } | Effect::SaveSetting { req, .. } => Msg::Written {
            req,
            wrote: Wrote::Admin(Err(why)),
        },
        _ => return None,
    })
}

/// A team write's failure as the screen shows it.
fn team_outcome(e: WriteError<()>) -> TeamOutcome {
    match e {
        WriteError::Refused(why) => TeamOutcome::Refused(why.to_string()),
        WriteError::NotFound | WriteError::Conflict { .. } => TeamOutcome::Gone,
        e @ WriteError::Db(_) => TeamOutcome::Failed(e.to_string()),
    }
}
