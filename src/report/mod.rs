//! Reports (issue 16): the MTSS meeting recap, the caseload summary and a
//! student's progress report for a family, as self-contained HTML that
//! prints well, with CSV beside the tabular ones.
//!
//! The handler contract for the job runner: [`run`] takes the author's own
//! connection (row-level security applies, so a report holds only what its
//! author may see: it must run as the author's login role, where
//! `session_user` is that role), a [`Spec`] (serde, for a job's payload),
//! [`Options`] and a progress callback `(percent, message)`. It writes the
//! files, records the audit event (0026) and returns what it wrote. For now
//! reports are kept in a local folder ([`store`]); the documents store can
//! take them later.

pub mod command;
pub mod data;
pub mod family;
pub mod fidelity;
pub mod html;
pub mod job;
pub mod recap;
pub mod store;
pub mod summary;
pub mod svg;
pub mod words;

use crate::db::interventions::load_rule_settings;
use crate::db::unnamed::Unnamed;
use crate::export::{self, csv::Table, file};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use tokio_postgres::GenericClient;
use uuid::Uuid;

pub use summary::GroupBy;

/// Which report, for whom. Schools and students by local id, people by
/// username, as on the command line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "report", rename_all = "lowercase")]
pub enum Spec {
    Recap {
        school: String,
        /// The meeting's day (default today).
        date: Option<NaiveDate>,
        /// Decisions since (default two weeks before the meeting).
        since: Option<NaiveDate>,
        /// Students to discuss (local ids); empty = the rule in `recap`.
        #[serde(default)]
        students: Vec<String>,
    },
    Summary {
        by: GroupBy,
        school: Option<String>,
        counselor: Option<String>,
    },
    Student {
        student: String,
        school: Option<String>,
    },
    /// Sessions and minutes planned against delivered at one school, from
    /// `from` to `to` (both included).
    Fidelity {
        school: String,
        from: NaiveDate,
        to: NaiveDate,
    },
}

impl Spec {
    /// The audit event's kind (0026).
    pub fn kind(&self) -> &'static str {
        match self {
            Spec::Recap { .. } => "report.recap",
            Spec::Summary { .. } => "report.summary",
            Spec::Student { .. } => "report.student",
            Spec::Fidelity { .. } => "report.fidelity",
        }
    }

    /// In a few words, for a list of jobs.
    pub fn describe(&self) -> String {
        match self {
            Spec::Recap { school, date, .. } => match date {
                Some(d) => format!("meeting recap {school} {d}"),
                None => format!("meeting recap {school}"),
            },
            Spec::Summary {
                by,
                school,
                counselor,
            } => {
                let by = match by {
                    GroupBy::School => "school",
                    GroupBy::Counselor => "counselor",
                };
                match school.as_deref().or(counselor.as_deref()) {
                    Some(of) => format!("summary by {by}: {of}"),
                    None => format!("summary by {by}"),
                }
            }
            Spec::Student { student, .. } => format!("progress report {student}"),
            Spec::Fidelity { school, from, to } => format!("fidelity {school} {from} to {to}"),
        }
    }

    /// File names start with this.
    fn stem(&self, today: NaiveDate) -> String {
        match self {
            Spec::Recap { school, date, .. } => {
                format!(
                    "recap-{}-{}",
                    file::name_part(school),
                    date.unwrap_or(today)
                )
            }
            Spec::Summary {
                by,
                school,
                counselor,
            } => {
                let scope = school
                    .as_deref()
                    .or(counselor.as_deref())
                    .map(file::name_part)
                    .unwrap_or_else(|| "all".into());
                let by = match by {
                    GroupBy::School => "school",
                    GroupBy::Counselor => "counselor",
                };
                format!("summary-by-{by}-{scope}-{today}")
            }
            Spec::Student { student, .. } => {
                format!("progress-{}-{today}", file::name_part(student))
            }
            Spec::Fidelity { school, from, to } => {
                format!("fidelity-{}-{from}-to-{to}", file::name_part(school))
            }
        }
    }
}

/// A report, built, not yet written.
#[derive(Debug, Clone)]
pub struct Built {
    pub title: String,
    pub html: String,
    pub csv: Option<Table>,
    /// The students in it (for the audit trail).
    pub students: Vec<Uuid>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// The reports folder ([`store::default_dir`]).
    pub dir: PathBuf,
    pub today: NaiveDate,
}

/// What a run wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    pub title: String,
    pub html: PathBuf,
    pub csv: Option<PathBuf>,
    pub students: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("{0}")]
    Invalid(String),
    #[error("{}", crate::export::pg_message(.0))]
    Db(#[from] tokio_postgres::Error),
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl From<export::ExportError> for ReportError {
    fn from(e: export::ExportError) -> Self {
        match e {
            export::ExportError::Invalid(m) => ReportError::Invalid(m),
            export::ExportError::Db(e) => ReportError::Db(e),
            export::ExportError::Io { path, source } => ReportError::Io { path, source },
        }
    }
}

pub type Progress<'a> = export::Progress<'a>;

/// A student by local id (and school, when the id is not unique).
pub async fn student_id(
    client: &(impl GenericClient + Sync),
    local_id: &str,
    school: Option<&str>,
) -> Result<Uuid, ReportError> {
    let rows = client
        .fetch(
            "SELECT s.id FROM students s JOIN schools sc ON sc.id = s.school_id \
             WHERE s.local_id = $1 AND ($2::text IS NULL OR sc.local_id = $2) LIMIT 2",
            &[&local_id.trim(), &school.map(str::trim)],
        )
        .await?;
    match rows.as_slice() {
        [one] => Ok(one.get(0)),
        [] => Err(ReportError::Invalid(format!(
            "no student you can see has the local id {local_id:?}{}",
            school
                .map(|s| format!(" at school {s:?}"))
                .unwrap_or_default()
        ))),
        _ => Err(ReportError::Invalid(format!(
            "more than one student has the local id {local_id:?}: name the school too (--school)"
        ))),
    }
}

async fn school(
    client: &(impl GenericClient + Sync),
    local_id: &str,
) -> Result<(Uuid, String), ReportError> {
    let row = client
        .fetch_opt(
            "SELECT id, name FROM schools WHERE local_id = $1",
            &[&local_id.trim()],
        )
        .await?
        .ok_or_else(|| ReportError::Invalid(format!("no school has the local id {local_id:?}")))?;
    Ok((row.get(0), row.get(1)))
}

/// Builds the report `spec` describes, as of `today`.
pub async fn build(
    client: &(impl GenericClient + Sync),
    spec: &Spec,
    today: NaiveDate,
    progress: Progress<'_>,
) -> Result<Built, ReportError> {
    export::without_jit(client).await?;
    let rules = load_rule_settings(client).await?;
    match spec {
        Spec::Recap {
            school: local,
            date,
            since,
            students,
        } => {
            let (id, name) = school(client, local).await?;
            let date = date.unwrap_or(today);
            let since = since.unwrap_or(date - Days::new(14));
            if since > date {
                return Err(ReportError::Invalid(format!(
                    "--since {since} is after the meeting ({date})"
                )));
            }
            let mut ids = Vec::new();
            for s in students {
                ids.push(student_id(client, s, Some(local)).await?);
            }
            recap::build(
                client,
                &recap::Recap {
                    school: id,
                    school_name: &name,
                    date,
                    since,
                    students: &ids,
                    points: rules.decision_rule_points,
                },
                progress,
            )
            .await
        }
        Spec::Summary {
            by,
            school: at,
            counselor,
        } => {
            let school_id;
            let person;
            let (scope, label) = match (at, counselor) {
                (Some(_), Some(_)) => {
                    return Err(ReportError::Invalid(
                        "a summary is for one school or one counselor, not both".into(),
                    ));
                }
                (Some(s), None) => {
                    school_id = school(client, s).await?;
                    (
                        Some(summary::Scope {
                            interventions: "s.school_id = $1",
                            follow_ups: "s.school_id = $1",
                            param: &school_id.0,
                        }),
                        school_id.1.clone(),
                    )
                }
                (None, Some(c)) => {
                    person = export::person_id(client, Some(c)).await?;
                    (
                        Some(summary::Scope {
                            interventions: "s.counselor_id = $1 OR i.owner_id = $1",
                            follow_ups: "s.counselor_id = $1 OR c.follow_up_owner = $1",
                            param: &person,
                        }),
                        c.clone(),
                    )
                }
                (None, None) => (None, "everything you see".to_string()),
            };
            summary::build(
                client,
                &summary::Summary {
                    by: *by,
                    scope,
                    scope_label: &label,
                    today,
                    threshold: rules.fidelity_threshold,
                },
                progress,
            )
            .await
        }
        Spec::Student { student, school } => {
            let id = student_id(client, student, school.as_deref()).await?;
            family::build(client, id, today, rules.decision_rule_points, progress).await
        }
        Spec::Fidelity {
            school: local,
            from,
            to,
        } => {
            if to < from {
                return Err(ReportError::Invalid(format!(
                    "the range ends ({to}) before it starts ({from})"
                )));
            }
            let (id, name) = school(client, local).await?;
            fidelity::build(
                client,
                &fidelity::Fidelity {
                    school: id,
                    school_name: &name,
                    range: (*from, *to),
                    today,
                    threshold: rules.fidelity_threshold,
                },
                progress,
            )
            .await
        }
    }
}

/// Builds, writes (HTML, CSV when tabular, and the spec beside them for
/// re-runs) and records the audit event. Files are removed again when the
/// audit event cannot be written.
pub async fn run(
    client: &(impl GenericClient + Sync),
    spec: &Spec,
    opts: &Options,
    progress: Progress<'_>,
) -> Result<Written, ReportError> {
    let built = build(client, spec, opts.today, progress).await?;
    let written = publish(client, spec, opts, &built).await?;
    progress(100, "done");
    Ok(written)
}

/// Writes a built report and records its audit event (the second half of
/// [`run`]; a job checks for cancel between the two).
pub async fn publish(
    client: &(impl GenericClient + Sync),
    spec: &Spec,
    opts: &Options,
    built: &Built,
) -> Result<Written, ReportError> {
    let written = store::save(&opts.dir, spec, &spec.stem(opts.today), built)?;
    let detail = serde_json::json!({
        "spec": spec,
        "file": written.html.file_name().map(|n| n.to_string_lossy().into_owned()),
    });
    if let Err(e) = export::record(client, spec.kind(), &built.students, detail).await {
        store::remove(&written);
        return Err(e.into());
    }
    Ok(written)
}
