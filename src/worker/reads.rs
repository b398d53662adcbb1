//! Every read, one line each: the query that answers it. The runner
//! (`Worker::load`) gets a connection registered for cancelling, calls
//! this, and answers `Msg::Loaded` with the request id.

use super::Failure;
use crate::app::{Data, Read};
use crate::db::interventions::{self as iv, programs};
use crate::db::{caseload, navigation, roster, schools, sessions, student_record};
use crate::db::{communications, documents, follow_ups};
use crate::domain::caseload::HOME_ROWS;
use crate::domain::contact_log::FOLLOW_UP_ROWS;
use crate::domain::missed::MISSED_ROWS;
use crate::domain::my_caseload::MY_CASELOAD_ROWS;
use crate::domain::session::{SessionContext, StoredSession};
use chrono::NaiveDate;
use tokio_postgres::Client;
use uuid::Uuid;

/// The reads that may go to `database.read_url` (a standby): the
/// interventions list and its count, and the Missed sessions list, which
/// read widely and are not about a row the person just saved (the worker
/// sends even these to the primary until the standby has replayed the
/// person's last save). Everything else, and every write, stays on the
/// primary. Reports and exports read there too (`report::job`,
/// `export::job`, through the job's read pool).
pub(super) fn on_standby(read: &Read) -> bool {
    matches!(
        read,
        Read::IvPage { .. } | Read::IvCount { .. } | Read::Missed { .. }
    )
}

/// `today` is the worker's date, for the reads that judge rows by it.
pub(super) async fn run(c: &Client, read: Read, today: NaiveDate) -> Result<Data, Failure> {
    Ok(match read {
        Read::ChangedBy { table, id } => Data::ChangedBy {
            found: crate::db::live::changed_by(c, table, id).await?,
        },
        Read::Menu => Data::Menu {
            items: navigation::menu_items(c).await?,
        },
        Read::RosterPage { query, page, limit } => Data::RosterPage {
            page: roster::roster_page(c, &query, &page, limit).await?,
        },
        Read::RosterCount { query } => {
            let (total, estimated) = roster::roster_count(c, &query).await?;
            Data::RosterCount { total, estimated }
        }
        Read::RosterFilters => Data::RosterFilters {
            saved: roster::load_filters(c).await?,
        },
        Read::Schools => Data::Schools {
            schools: schools::active_schools(c).await?,
        },
        Read::Student { id } => Data::Student {
            detail: student_record::load(c, id).await?.map(Box::new),
        },
        Read::Tool { key } => {
            let access = navigation::tool_access(c, &key).await?;
            Data::Tool { key, access }
        }
        Read::Home { scope, part } => Data::Home {
            part: Box::new(caseload::load_part(c, None, scope, today, HOME_ROWS, part).await?),
            today,
        },
        Read::Intervention { id } => Data::Intervention {
            detail: iv::load_detail(c, id, today).await?.map(Box::new),
            today,
        },
        Read::TeamCandidates {
            intervention_id,
            search,
        } => Data::TeamCandidates {
            found: iv::team::candidates(c, intervention_id, &search).await?,
        },
        Read::IvFormContext { about } => Data::IvFormContext {
            context: programs::form_context(c, about).await?,
            today,
        },
        Read::SessionContext {
            intervention_id,
            session_id,
        } => Data::SessionContext {
            loaded: session_context(c, intervention_id, session_id).await?,
            today,
            offline: None,
        },
        Read::LogTargets { student_id } => Data::LogTargets {
            targets: sessions::targets_for_student(c, student_id).await?,
        },
        Read::AllSchools => Data::AllSchools {
            schools: schools::all_schools(c).await?,
        },
        Read::ContactForm { about } => super::contact::form(c, about, today).await?,
        Read::FollowUps { scope } => Data::FollowUps {
            list: follow_ups::queue(c, None, scope, FOLLOW_UP_ROWS).await?,
            today,
        },
        Read::People => Data::People {
            people: follow_ups::people(c).await?,
        },
        Read::Contacts {
            filters,
            page,
            limit,
        } => Data::Contacts {
            page: communications::page(c, &filters, page, limit).await?,
            today,
        },
        Read::Missed { period } => {
            let span = period.span(today);
            Data::Missed {
                rows: crate::db::missed::worst_in(c, span, today, MISSED_ROWS).await?,
                period,
                span,
            }
        }
        Read::Reports => {
            let dir = super::exports::reports_dir(c).await?;
            let entries = match &dir {
                Some(d) => crate::report::store::list(d)
                    .map_err(|e| Failure::Reason(format!("{}: {e}", d.display())))?,
                None => Vec::new(),
            };
            Data::Reports {
                dir,
                entries,
                schools: schools::active_schools(c).await?,
            }
        }
        Read::OwnJobs { prefix } => Data::OwnJobs {
            jobs: crate::db::jobs::own(c, &prefix, crate::domain::jobs::OWN_JOB_ROWS).await?,
            today,
        },
        Read::MyCaseload { sort } => Data::MyCaseload {
            list: Box::new(
                crate::db::my_caseload::my_caseload(c, sort, today, MY_CASELOAD_ROWS).await?,
            ),
        },
        Read::IvPage { query, page, limit } => Data::IvPage {
            page: iv::list::iv_page(c, &query, &page, limit, today).await?,
        },
        Read::IvCount { query } => {
            let limit = iv::list::EXACT_COUNT_LIMIT;
            let (total, estimated) = iv::list::iv_count(c, &query, today, limit).await?;
            Data::IvCount { total, estimated }
        }
        Read::Documents { page, limit } => Data::Documents {
            page: documents::page(c, page, limit).await?,
        },
        Read::DocumentLink { id } => {
            let (url, expires_at) = documents::link(c, id).await?;
            let env = |k: &str| std::env::var(k).ok();
            Data::DocumentLink {
                url,
                expires_at,
                note: crate::storage::clipboard::support_note(&env),
            }
        }
        Read::UploadContext { student_id } => Data::UploadContext {
            context: documents::upload_context(c, student_id).await?,
        },
        Read::ToolCatalogue => Data::ToolCatalogue {
            catalogue: Box::new(crate::db::tools::catalogue(c).await?),
        },
        Read::Programs => Data::Programs {
            programs: crate::db::programs::all(c).await?,
            schools: crate::db::schools::writable(c).await?,
        },
        Read::MenuTree => Data::MenuTree {
            tree: Box::new(crate::db::menu_edit::tree(c).await?),
        },
        Read::Jobs => Data::Jobs {
            list: Box::new(crate::db::jobs::list(c, crate::domain::jobs::JOB_ROWS).await?),
        },
        Read::Job { id } => Data::Job {
            detail: crate::db::jobs::detail(c, id).await?.map(Box::new),
        },
        Read::Directory => Data::Directory {
            dir: Box::new(crate::db::people::directory(c).await?),
        },
        Read::Settings => Data::Settings {
            book: Box::new(crate::db::settings::book(c).await?),
        },
    })
}

/// The editor's context, and for an edit the session as it is now; `None`
/// when the intervention is not visible.
async fn session_context(
    c: &Client,
    intervention_id: Uuid,
    session_id: Option<Uuid>,
) -> Result<Option<Box<(SessionContext, Option<StoredSession>)>>, Failure> {
    let Some(mut ctx) = sessions::context(c, intervention_id).await? else {
        return Ok(None);
    };
    let stored = match session_id {
        Some(id) => sessions::load(c, id).await?,
        None => None,
    };
    ctx.fields = crate::domain::session::fields_for(
        &ctx.fields,
        stored.as_ref().map(|s| &s.values.field_values),
    );
    Ok(Some(Box::new((ctx, stored))))
}
