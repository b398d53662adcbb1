//! The reports folder and opening a file: IO the Reports screen asks for.
//! Exports and reports themselves are jobs now (`export::job`,
//! `report::job`), enqueued with `Effect::EnqueueJob` and run as their
//! author.

use crate::report;
use std::path::PathBuf;

fn env(k: &str) -> Option<String> {
    std::env::var(k).ok()
}

/// The person's reports folder for this database, where the Reports
/// screen lists and their report jobs write.
pub(super) async fn reports_dir(
    c: &(impl tokio_postgres::GenericClient + Sync),
) -> Result<Option<PathBuf>, tokio_postgres::Error> {
    let who = report::store::whose(c).await?;
    Ok(report::store::default_dir(&env, &who))
}

/// Hands `path` to the system's opener without waiting for it.
pub(super) async fn open(path: PathBuf) -> Result<PathBuf, String> {
    if !path.is_file() {
        return Err(format!("{} is not there any more", path.display()));
    }
    super::files::spawn_opener(&path)
        .map(|()| path.clone())
        .map_err(|(program, e)| {
            format!(
                "could not run {program} ({e}); the file is {}",
                path.display()
            )
        })
}
