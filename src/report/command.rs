//! `caseload report …`: the command line around [`super::run`], as the
//! person signed in.

use super::{GroupBy, Options, ReportError, Spec};
use crate::cli::{GroupByArg, ReportCommand};
use color_eyre::eyre::{Result, eyre};

/// The spec and the folder the command asks for.
pub fn spec(cmd: &ReportCommand, today: chrono::NaiveDate) -> (Spec, Option<std::path::PathBuf>) {
    match cmd {
        ReportCommand::Recap(a) => (
            Spec::Recap {
                school: a.school.clone(),
                date: a.date,
                since: a.since,
                students: a.students.clone(),
            },
            a.out.clone(),
        ),
        ReportCommand::Summary(a) => (
            Spec::Summary {
                by: match a.by {
                    GroupByArg::School => GroupBy::School,
                    GroupByArg::Counselor => GroupBy::Counselor,
                },
                school: a.school.clone(),
                counselor: a.counselor.clone(),
            },
            a.out.clone(),
        ),
        ReportCommand::Student(a) => (
            Spec::Student {
                student: a.student.clone(),
                school: a.school.clone(),
            },
            a.out.clone(),
        ),
        ReportCommand::Fidelity(a) => (
            Spec::Fidelity {
                school: a.school.clone(),
                from: a.from,
                to: a.to.unwrap_or(today),
            },
            a.out.clone(),
        ),
    }
}

pub async fn report(
    client: &mut tokio_postgres::Client,
    cmd: &ReportCommand,
    today: chrono::NaiveDate,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<()> {
    let (spec, out) = spec(cmd, today);
    let who = super::store::whose(client).await?;
    let dir = out
        .or_else(|| super::store::default_dir(env, &who))
        .ok_or_else(|| {
            eyre!("no data folder for reports (HOME is not set): give one with --out DIR")
        })?;
    let tx = client
        .build_transaction()
        .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
        .start()
        .await?;
    let written = match super::run(&tx, &spec, &Options { dir, today }, &mut |_, _| {}).await {
        Ok(w) => w,
        Err(ReportError::Invalid(m)) => return Err(eyre!(m)),
        Err(e) => return Err(e.into()),
    };
    if let Err(e) = tx.commit().await {
        super::store::remove(&written);
        return Err(e.into());
    }
    crate::outln!("{}: {}", written.title, written.html.display());
    if let Some(csv) = &written.csv {
        crate::outln!("table: {}", csv.display());
    }
    Ok(())
}
