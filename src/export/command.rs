//! `caseload export …`: the command line around [`super::run`], as the
//! person signed in, in one repeatable-read transaction (the audit event
//! commits with the reads it describes).

use super::{ExportError, Options, Spec};
use crate::cli::{ExportCommand, ExportOut, ExportRosterArgs, RosterSortArg};
use crate::domain::enums::{GradeLevel, StudentStatus};
use crate::domain::roster::{Filters, RosterQuery, SchoolFilter, Sort, clean_search};
use color_eyre::eyre::{Result, eyre};
use std::path::PathBuf;
use tokio_postgres::GenericClient;

fn dir(out: &ExportOut, env: &dyn Fn(&str) -> Option<String>) -> Result<PathBuf> {
    out.out
        .clone()
        .or_else(|| super::file::default_dir(env))
        .ok_or_else(|| eyre!("no download folder (HOME is not set): give one with --out DIR"))
}

/// The roster query the flags describe (a school by local id).
pub async fn roster_query(
    client: &(impl GenericClient + Sync),
    a: &ExportRosterArgs,
) -> Result<RosterQuery> {
    let school = match &a.school {
        Some(local) => {
            let id = super::school_id(client, local).await?;
            Some(SchoolFilter {
                id,
                name: local.clone(),
            })
        }
        None => None,
    };
    let grade = |g: &Option<String>| -> Result<Option<GradeLevel>> {
        g.as_deref()
            .map(|g| g.parse::<GradeLevel>().map_err(|e| eyre!("{e}")))
            .transpose()
    };
    Ok(RosterQuery {
        search: clean_search(&a.search).map_err(|e| eyre!(e))?,
        filters: Filters {
            school,
            grade_min: grade(&a.grade_from)?,
            grade_max: grade(&a.grade_to)?,
            status: a
                .status
                .as_deref()
                .map(|s| s.parse::<StudentStatus>().map_err(|e| eyre!("{e}")))
                .transpose()?,
            tier: a.tier,
            iep: a.iep,
            section_504: a.section_504,
            english_learner: a.english_learner,
            active_intervention: a.active,
            my_caseload: a.mine,
        },
        sort: match a.sort {
            RosterSortArg::Name => Sort::Name,
            RosterSortArg::Grade => Sort::Grade,
            RosterSortArg::School => Sort::School,
            RosterSortArg::LastSession => Sort::LastSession,
        },
    })
}

pub async fn export(
    client: &mut tokio_postgres::Client,
    cmd: &ExportCommand,
    today: chrono::NaiveDate,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<()> {
    let tx = client
        .build_transaction()
        .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
        .start()
        .await?;
    let (spec, out) = match cmd {
        ExportCommand::Roster(a) => (Spec::Roster(roster_query(&tx, a).await?), &a.out),
        ExportCommand::Caseload(a) => (
            Spec::Caseload {
                counselor: a.counselor.clone(),
            },
            &a.out,
        ),
        ExportCommand::Sessions(a) => (
            Spec::Sessions {
                from: a.from,
                to: a.to.unwrap_or(today),
                school: a.school.clone(),
            },
            &a.out,
        ),
    };
    let opts = Options {
        dir: dir(out, env)?,
        bom: out.bom,
        today,
    };
    let written = super::run(&tx, &spec, &opts, &mut |_, _| {}).await;
    let written = match written {
        Ok(w) => w,
        Err(ExportError::Invalid(m)) => return Err(eyre!(m)),
        Err(e) => return Err(e.into()),
    };
    if let Err(e) = tx.commit().await {
        for f in &written.files {
            let _ = std::fs::remove_file(&f.path);
        }
        return Err(e.into());
    }
    crate::outln!("{}", written.summary());
    Ok(())
}
