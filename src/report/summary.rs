//! The caseload summary, one row per school or per counselor (the
//! students' counselor): students, interventions by status, open ones by
//! tier, off track (by the goals' decision rules, as the Interventions list
//! flags them), fidelity under the threshold (`domain::fidelity`), sessions
//! missed this month (`domain::missed`, as the Missed sessions screen
//! counts them) and overdue follow-ups.

use super::data::{self, Content, Iv};
use super::html::Page;
use super::{Built, ReportError};
use crate::db::unnamed::Param;
use crate::domain::enums::{InterventionStatus, PgEnum};
use crate::domain::fidelity::fidelity;
use crate::domain::missed::Period;
use chrono::{Days, NaiveDate};
use std::collections::{BTreeMap, HashMap, HashSet};
use tokio_postgres::GenericClient;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    School,
    Counselor,
}

/// One row of the summary.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Line {
    pub group: String,
    pub students: usize,
    pub interventions: usize,
    /// By `InterventionStatus::ALL` order.
    pub by_status: [usize; 7],
    /// Open (active or review due) by tier 1–3.
    pub by_tier: [usize; 3],
    pub off_track: usize,
    pub fidelity_low: usize,
    pub missed_sessions: u32,
    pub overdue_follow_ups: usize,
}

/// Which interventions and follow-ups a summary counts: conditions over
/// `i`/`s` and over `c` (the contact)/`s`, each with the one parameter `$1`.
pub struct Scope<'a> {
    pub interventions: &'a str,
    pub follow_ups: &'a str,
    pub param: &'a dyn Param,
}

pub struct Summary<'a> {
    pub by: GroupBy,
    /// The scope, or everything the author sees.
    pub scope: Option<Scope<'a>>,
    pub scope_label: &'a str,
    pub today: NaiveDate,
    pub threshold: f64,
}

fn running(s: InterventionStatus) -> bool {
    matches!(
        s,
        InterventionStatus::Active | InterventionStatus::ReviewDue
    )
}

/// A line's (label, id): lines sort by label, and two schools or people
/// of the same name stay apart.
fn key(
    by: GroupBy,
    school: (Uuid, &str),
    counselor: (Option<Uuid>, Option<&str>),
) -> (String, String) {
    match by {
        GroupBy::School => (school.1.to_string(), school.0.to_string()),
        GroupBy::Counselor => (
            counselor.1.unwrap_or("(no counselor)").to_string(),
            counselor.0.map(|u| u.to_string()).unwrap_or_default(),
        ),
    }
}

/// The lines, computed from what was read (pure, so the arithmetic is
/// tested without a database).
pub fn lines(
    by: GroupBy,
    ivs: &[Iv],
    missed: &HashMap<Uuid, u32>,
    overdue: &[data::FollowUp],
    today: NaiveDate,
    threshold: f64,
) -> Vec<Line> {
    let mut groups: BTreeMap<(String, String), (Line, HashSet<Uuid>)> = BTreeMap::new();
    for iv in ivs {
        let k = key(
            by,
            (iv.school_id, &iv.school),
            (iv.counselor_id, iv.counselor.as_deref()),
        );
        let (line, students) = groups.entry(k).or_default();
        students.insert(iv.student_id);
        line.interventions += 1;
        if let Some(i) = InterventionStatus::ALL.iter().position(|s| *s == iv.status) {
            line.by_status[i] += 1;
        }
        if running(iv.status) {
            if let Some(slot) = usize::try_from(iv.tier - 1)
                .ok()
                .and_then(|t| line.by_tier.get_mut(t))
            {
                *slot += 1;
            }
            if iv.off_track {
                line.off_track += 1;
            }
            if fidelity(&iv.delivery, today, threshold).is_some_and(|f| f.below_threshold) {
                line.fidelity_low += 1;
            }
        }
        line.missed_sessions += missed.get(&iv.id).copied().unwrap_or(0);
    }
    for f in overdue {
        let k = key(
            by,
            (f.school_id, &f.school),
            (f.counselor_id, f.counselor.as_deref()),
        );
        groups.entry(k).or_default().0.overdue_follow_ups += 1;
    }
    groups
        .into_iter()
        .map(|((label, _), (mut line, students))| {
            line.group = label;
            line.students = students.len();
            line
        })
        .collect()
}

/// The header of the table and the CSV.
pub fn head(by: GroupBy) -> Vec<&'static str> {
    let mut h = vec![
        match by {
            GroupBy::School => "school",
            GroupBy::Counselor => "counselor",
        },
        "students",
        "interventions",
    ];
    h.extend([
        "referred",
        "planned",
        "active",
        "paused",
        "review_due",
        "completed",
        "discontinued",
        "tier_1",
        "tier_2",
        "tier_3",
        "off_track",
        "fidelity_low",
        "missed_sessions_this_month",
        "overdue_follow_ups",
    ]);
    h
}

fn cells(l: &Line) -> Vec<String> {
    let mut c = vec![
        l.group.clone(),
        l.students.to_string(),
        l.interventions.to_string(),
    ];
    c.extend(l.by_status.iter().map(|n| n.to_string()));
    c.extend(l.by_tier.iter().map(|n| n.to_string()));
    c.extend([
        l.off_track.to_string(),
        l.fidelity_low.to_string(),
        l.missed_sessions.to_string(),
        l.overdue_follow_ups.to_string(),
    ]);
    c
}

pub async fn build(
    client: &(impl GenericClient + Sync),
    s: &Summary<'_>,
    progress: super::Progress<'_>,
) -> Result<Built, ReportError> {
    progress(10, "reading interventions");
    let (cond, fcond, params): (&str, &str, Vec<&dyn Param>) = match &s.scope {
        Some(sc) => (sc.interventions, sc.follow_ups, vec![sc.param]),
        None => ("true", "true", vec![]),
    };
    let ivs = data::interventions(client, cond, &params, Content::All, false).await?;
    progress(40, "counting missed sessions");
    let span = Period::ThisMonth.span(s.today);
    let wanted: HashSet<Uuid> = ivs.iter().map(|i| i.id).collect();
    let missed: HashMap<Uuid, u32> = crate::db::missed::worst_in(client, span, s.today, usize::MAX)
        .await?
        .into_iter()
        .filter(|m| wanted.contains(&m.of.intervention_id))
        .map(|m| (m.of.intervention_id, m.tally.missed_sessions()))
        .collect();
    progress(60, "reading follow-ups");
    let yesterday = s.today - Days::new(1);
    let mut fparams = params.clone();
    fparams.push(&yesterday);
    let by_param = format!("${}", fparams.len());
    let overdue = data::follow_ups(client, fcond, &fparams, &by_param).await?;
    let lines = lines(s.by, &ivs, &missed, &overdue, s.today, s.threshold);
    progress(80, "writing");
    let title = format!(
        "Caseload summary by {}: {} ({})",
        match s.by {
            GroupBy::School => "school",
            GroupBy::Counselor => "counselor",
        },
        s.scope_label,
        s.today
    );
    let head = head(s.by);
    let rows: Vec<Vec<String>> = lines.iter().map(cells).collect();
    let mut page = Page::new();
    page.el("h1", &title).el_class(
        "p",
        "meta",
        &format!(
            "Tiers count running interventions (active or review due); off track, fidelity \
             under {:.0}% and missed sessions ({} to {}) likewise; follow-ups overdue before {}.",
            s.threshold * 100.0,
            span.0,
            span.1,
            s.today
        ),
    );
    page.table("summary", &head, &rows);
    let mut students: Vec<Uuid> = ivs.iter().map(|i| i.student_id).collect();
    students.extend(overdue.iter().map(|f| f.student_id));
    students.sort_unstable();
    students.dedup();
    Ok(Built {
        title: title.clone(),
        html: page.finish(&title),
        csv: Some(crate::export::csv::Table {
            columns: head,
            rows: rows
                .into_iter()
                .map(|r| r.into_iter().map(Some).collect())
                .collect(),
        }),
        students,
    })
}
