//! The MTSS meeting recap for one school: the students discussed, each
//! intervention's status, progress verdict and chart, the decisions taken
//! (status changes) with who made them and who owns the intervention, and
//! the follow-ups due.
//!
//! Discussed, unless the students are named: every open intervention at the
//! school that is due for review, off track by its goals' decision rules,
//! changed status since the last meeting, or reaches its planned end within
//! two weeks of this one.

use super::data::{self, Content, Iv};
use super::html::Page;
use super::{Built, ReportError, svg, words};
use crate::domain::enums::InterventionStatus;
use crate::domain::progress::Verdict;
use chrono::{Days, NaiveDate};
use std::collections::HashSet;
use tokio_postgres::GenericClient;
use uuid::Uuid;

/// Days after the meeting within which a planned end puts an intervention
/// on the agenda, and follow-ups due count as "due".
pub const LOOKAHEAD_DAYS: u64 = 14;

pub struct Recap<'a> {
    pub school: Uuid,
    pub school_name: &'a str,
    pub date: NaiveDate,
    pub since: NaiveDate,
    /// Students named (their ids); empty = chosen by the rule above.
    pub students: &'a [Uuid],
    pub points: usize,
}

fn open(s: InterventionStatus) -> bool {
    !matches!(
        s,
        InterventionStatus::Completed | InterventionStatus::Discontinued
    )
}

fn off_track(iv: &Iv, points: usize) -> bool {
    iv.off_track
        || iv
            .goals
            .iter()
            .any(|g| matches!(g.verdict(points), Ok(Verdict::OffTrack)))
}

pub async fn build(
    client: &(impl GenericClient + Sync),
    r: &Recap<'_>,
    progress: super::Progress<'_>,
) -> Result<Built, ReportError> {
    progress(10, "reading interventions");
    let ivs = data::interventions(
        client,
        "s.school_id = $1 AND (i.status NOT IN ('completed', 'discontinued') \
           OR EXISTS (SELECT 1 FROM intervention_status_changes c WHERE c.intervention_id = i.id \
                      AND c.changed_at::date BETWEEN $2 AND $3))",
        &[&r.school, &r.since, &r.date],
        Content::All,
        true,
    )
    .await?;
    progress(40, "reading decisions");
    let ids: Vec<Uuid> = ivs.iter().map(|i| i.id).collect();
    let changes = data::changes(client, &ids, r.since, r.date).await?;
    let changed: HashSet<Uuid> = changes.iter().map(|c| c.intervention_id).collect();
    let horizon = r.date + Days::new(LOOKAHEAD_DAYS);
    let discussed: Vec<&Iv> = ivs
        .iter()
        .filter(|iv| {
            if !r.students.is_empty() {
                return r.students.contains(&iv.student_id);
            }
            changed.contains(&iv.id)
                || (open(iv.status)
                    && (iv.status == InterventionStatus::ReviewDue
                        || off_track(iv, r.points)
                        || iv.delivery.planned_end_date.is_some_and(|d| d <= horizon)))
        })
        .collect();
    progress(60, "reading follow-ups");
    let follow_ups = data::follow_ups(client, "s.school_id = $1", &[&r.school, &horizon], "$2")
        .await?
        .into_iter()
        .filter(|f| r.students.is_empty() || r.students.contains(&f.student_id))
        .collect::<Vec<_>>();

    progress(80, "writing");
    let title = format!("MTSS meeting recap: {} ({})", r.school_name, r.date);
    let mut page = Page::new();
    page.el("h1", &title).el_class(
        "p",
        "meta",
        &format!(
            "Meeting on {}. Decisions since {}. Follow-ups due by {}.",
            r.date, r.since, horizon
        ),
    );
    let mut students: Vec<Uuid> = discussed.iter().map(|i| i.student_id).collect();
    students.dedup();
    page.el("h2", &format!("Students discussed ({})", students.len()));
    let rows: Vec<Vec<String>> = discussed
        .iter()
        .map(|iv| {
            vec![
                iv.student.clone(),
                iv.local_id.clone(),
                iv.grade.clone(),
                iv.name.clone(),
                iv.tier.to_string(),
                words::status(iv.status).to_string(),
                progress_cell(iv, r.points),
                iv.owner.clone().unwrap_or_default(),
            ]
        })
        .collect();
    page.table(
        "discussed",
        &[
            "Student",
            "ID",
            "Grade",
            "Intervention",
            "Tier",
            "Status",
            "Progress",
            "Owner",
        ],
        &rows,
    );
    for iv in &discussed {
        page.raw("<section class=\"student\">");
        page.el(
            "h3",
            &format!("{} ({}): {}", iv.student, iv.local_id, iv.name),
        );
        page.el(
            "p",
            &format!(
                "Tier {} · {} · owner {}",
                iv.tier,
                words::status(iv.status),
                iv.owner.as_deref().unwrap_or("none")
            ),
        );
        if iv.goals.is_empty() {
            page.el("p", "No goals yet: the team sets them at this meeting.");
        }
        for g in &iv.goals {
            page.el(
                "p",
                &format!(
                    "{}: {}",
                    // A statement ends with its own full stop.
                    g.goal.fields.statement.trim_end().trim_end_matches('.'),
                    words::verdict(g, r.points)
                ),
            );
            if let Some(chart) = svg::chart(g, &g.goal.fields.measure) {
                page.raw(&chart);
            }
        }
        page.raw("</section>");
    }
    page.el("h2", "Decisions and owners");
    let name_of = |id: Uuid| ivs.iter().find(|i| i.id == id);
    let decision_rows: Vec<Vec<String>> = changes
        .iter()
        .filter(|c| discussed.iter().any(|d| d.id == c.intervention_id))
        .filter_map(|c| {
            let iv = name_of(c.intervention_id)?;
            Some(vec![
                c.on.to_string(),
                iv.student.clone(),
                iv.name.clone(),
                match c.from {
                    Some(f) => format!("{} → {}", words::status(f), words::status(c.to)),
                    None => format!("created as {}", words::status(c.to)),
                },
                c.by.clone().unwrap_or_default(),
                iv.owner.clone().unwrap_or_default(),
            ])
        })
        .collect();
    page.table(
        "decisions",
        &["Date", "Student", "Intervention", "Decision", "By", "Owner"],
        &decision_rows,
    );
    page.el("h2", "Follow-ups due");
    let fu_rows: Vec<Vec<String>> = follow_ups
        .iter()
        .map(|f| {
            vec![
                if f.due < r.date {
                    format!("{} (overdue)", f.due)
                } else {
                    f.due.to_string()
                },
                f.student.clone(),
                f.purpose.clone(),
                f.owner.clone().unwrap_or_default(),
            ]
        })
        .collect();
    page.table(
        "follow-ups",
        &["Due", "Student", "Purpose", "Owner"],
        &fu_rows,
    );

    let csv = crate::export::csv::Table {
        columns: vec![
            "student",
            "student_id",
            "grade",
            "intervention",
            "tier",
            "status",
            "progress",
            "owner",
        ],
        rows: rows
            .into_iter()
            .map(|r| r.into_iter().map(Some).collect())
            .collect(),
    };
    let mut all: Vec<Uuid> = students;
    all.extend(follow_ups.iter().map(|f| f.student_id));
    all.sort_unstable();
    all.dedup();
    Ok(Built {
        title: title.clone(),
        html: page.finish(&title),
        csv: Some(csv),
        students: all,
    })
}

/// Each goal's verdict, joined.
fn progress_cell(iv: &Iv, points: usize) -> String {
    if iv.goals.is_empty() {
        return "no goals".into();
    }
    // With more than one goal, each verdict says which goal it is about.
    let several = iv.goals.len() > 1;
    iv.goals
        .iter()
        .map(|g| match several {
            true => format!("{}: {}", g.goal.fields.measure, words::verdict(g, points)),
            false => words::verdict(g, points),
        })
        .collect::<Vec<_>>()
        .join("; ")
}
