//! A student's progress report for a family meeting: each goal in plain
//! words, where it started and where it aims, the latest measurement, a
//! chart and a plain-language verdict. Nothing restricted goes in, whoever
//! writes it (`Content::Public`), and no free text a family should not read
//! from the team's working notes: no concerns, session notes or point notes.

use super::data::{self, Content};
use super::html::Page;
use super::svg::num;
use super::{Built, ReportError, svg, words};
use crate::db::unnamed::Unnamed;
use crate::domain::enums::InterventionStatus;
use chrono::NaiveDate;
use tokio_postgres::GenericClient;
use uuid::Uuid;

pub async fn build(
    client: &(impl GenericClient + Sync),
    student: Uuid,
    today: NaiveDate,
    points: usize,
    progress: super::Progress<'_>,
) -> Result<Built, ReportError> {
    progress(10, "reading goals");
    let ivs = data::interventions(
        client,
        "i.student_id = $1 AND i.status NOT IN ('referred', 'planned')",
        &[&student],
        Content::Public,
        true,
    )
    .await?;
    let head = client
        .fetch_one(
            "SELECT COALESCE(NULLIF(btrim(s.preferred_name), ''), s.first_name) || ' ' \
                    || s.last_name, s.grade_level::text, sc.name \
             FROM students s JOIN schools sc ON sc.id = s.school_id WHERE s.id = $1",
            &[&student],
        )
        .await?;
    let name: String = head.get(0);
    let grade: String = head.get(1);
    let school: String = head.get(2);
    progress(60, "writing");
    let title = format!("Progress report: {name}");
    let mut page = Page::new();
    page.el("h1", &title).el_class(
        "p",
        "meta",
        &format!("Grade {grade} · {school} · {}", today.format("%B %-d, %Y")),
    );
    let shown: Vec<_> = ivs.iter().filter(|iv| !iv.goals.is_empty()).collect();
    if shown.is_empty() {
        page.el("p", "There are no goals to report yet.");
    }
    for iv in shown {
        page.raw("<section class=\"student\">");
        page.el(
            "h2",
            &format!("{} ({})", iv.name, words::plain_status(iv.status)),
        );
        for g in &iv.goals {
            let f = &g.goal.fields;
            page.el("h3", &f.statement);
            let unit = f
                .unit
                .as_deref()
                .map(|u| format!(" {u}"))
                .unwrap_or_default();
            let mut facts = Vec::new();
            if let (Some(v), Some(d)) = (f.baseline_value, f.baseline_date) {
                facts.push(format!("Started at {}{unit} on {d}.", num(v)));
            }
            if let (Some(v), Some(d)) = (f.target_value, f.target_date) {
                facts.push(format!("Aiming for {}{unit} by {d}.", num(v)));
            }
            if let Some(last) = g.points.iter().max_by_key(|p| p.measured_on) {
                facts.push(format!(
                    "Latest {}: {}{unit} on {}.",
                    f.measure.to_lowercase(),
                    num(last.value),
                    last.measured_on
                ));
            }
            if !facts.is_empty() {
                page.el("p", &facts.join(" "));
            }
            let verdict = if iv.status == InterventionStatus::Completed {
                "This support has finished.".to_string()
            } else {
                words::plain_verdict(g, points)
            };
            page.el_class("p", "verdict", &verdict);
            if let Some(chart) = svg::chart(g, &f.measure) {
                page.raw(&chart);
            }
        }
        page.raw("</section>");
    }
    page.el_class(
        "p",
        "meta",
        "The dashed line is the expected path from the starting point to the goal; the dots \
         are the measurements; the solid line is their trend.",
    );
    Ok(Built {
        title: title.clone(),
        html: page.finish(&title),
        csv: None,
        students: vec![student],
    })
}
