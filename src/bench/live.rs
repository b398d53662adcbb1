//! Bytes sent to the terminal for a live refresh (issue 18, item 7): one
//! student on the open roster is renamed in the database (their preferred
//! name), the app is told as the listener would tell it, refetches the rows
//! on screen, and the frames drawn meanwhile are counted — against the
//! bytes of the changed text itself. The name is put back afterwards.

use super::headless::Headless;
use crate::app::Msg;
use crate::db::unnamed::Unnamed;
use crate::domain::live::Changes;
use color_eyre::eyre::{Result, eyre};
use deadpool_postgres::Pool;

pub struct LiveBytes {
    /// Every frame from the notice to the refreshed row (the spinner's
    /// frame included).
    pub frames: Vec<f64>,
    /// The new name cell's text, in bytes.
    pub text: f64,
}

/// What is written instead of the preferred name, then taken back.
const RENAMED: &str = "Livewire";

pub async fn measure(h: &mut Headless, pool: &Pool, iterations: usize) -> Result<LiveBytes> {
    let roster = h.roster().ok_or_else(|| eyre!("the roster is not open"))?;
    let row = roster
        .rows
        .get(roster.offset + 1)
        .or(roster.selected())
        .ok_or_else(|| eyre!("the roster shows no rows"))?
        .clone();
    let c = pool.get().await?;
    let mut out = LiveBytes {
        frames: Vec::new(),
        text: 0.0,
    };
    for i in 0..iterations.max(1) * 2 {
        let value = if i % 2 == 0 {
            Some(RENAMED.to_string())
        } else {
            row.preferred_name.clone()
        };
        let changed = c
            .exec(
                "UPDATE students SET preferred_name = $2 WHERE id = $1",
                &[&row.id, &value],
            )
            .await
            .map_err(|e| {
                eyre!(
                    "renaming a student on screen: {}",
                    crate::worker::describe_pg_error(&e)
                )
            })?;
        if changed == 0 {
            return Err(eyre!(
                "this login may not change the students it sees (run as an admin or the owner)"
            ));
        }
        let mut heard = Changes::default();
        heard.add_payload(&format!(
            r#"{{"t":"students","op":"U","n":1,"rows":[{{"id":"{}"}}]}}"#,
            row.id
        ));
        let effects = h.apply(Msg::Changed { changes: heard });
        // The real loop draws after the notice (the spinner) and again
        // after the rows arrive.
        let mut bytes = h.draw()?;
        h.settle(effects).await;
        bytes += h.draw()?;
        if i % 2 == 0 {
            out.frames.push(bytes as f64);
            let mut renamed = row.clone();
            renamed.preferred_name = value;
            out.text = crate::ui::screens::roster::name(&renamed).len() as f64;
        }
    }
    // Back as it was (an odd count of changes leaves the new name).
    c.exec(
        "UPDATE students SET preferred_name = $2 WHERE id = $1",
        &[&row.id, &row.preferred_name],
    )
    .await?;
    Ok(out)
}
