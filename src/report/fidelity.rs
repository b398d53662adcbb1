//! The fidelity report: for one school and a date range, per intervention
//! and per program, the sessions the plan's frequency promised against
//! those delivered and missed, minutes planned against delivered, the
//! share delivered, and a flag under the district's threshold.
//!
//! Planned sessions are counted exactly as the Missed sessions screen
//! counts them (`domain::missed::weeks`: school days Monday to Friday,
//! pauses left out, inside the delivery window and the range), so the two
//! never disagree; missed = planned − delivered, week by week, never below
//! zero in a week. Minutes planned = planned sessions × the plan's minutes
//! per session; minutes delivered = the minutes of the sessions counted as
//! delivered.

use super::html::Page;
use super::{Built, ReportError};
use crate::db::interventions::detail::student_name;
use crate::db::unnamed::Unnamed;
use crate::domain::enums::InterventionStatus;
use crate::domain::fidelity::Delivery;
use crate::domain::kinds::Attendance;
use crate::domain::markers::StatusChange;
use crate::domain::missed::{self, Logged, monday_of};
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashSet};
use tokio_postgres::GenericClient;
use uuid::Uuid;

/// $1 first day, $2 last day, $3 the school. Interventions that ran in the
/// range with a frequency (referred and planned ones have not begun).
const SQL: &str = concat!(
    "SELECT i.id, i.student_id, ",
    student_name!(),
    ", s.local_id, COALESCE(p.name, i.custom_name, ''), p.name, i.status, i.start_date, \
       i.planned_end_date, i.ended_at::date, i.sessions_per_week, i.minutes_per_session, \
       se.dates, se.attendance, se.minutes, h.dates, h.from_status, h.to_status \
     FROM interventions i \
     JOIN students s ON s.id = i.student_id \
     LEFT JOIN intervention_programs p ON p.id = i.program_id \
     CROSS JOIN LATERAL ( \
       SELECT COALESCE(array_agg(x.session_date), '{}') AS dates, \
              COALESCE(array_agg(x.attendance), '{}') AS attendance, \
              COALESCE(array_agg(x.minutes::int4), '{}') AS minutes \
       FROM intervention_sessions x \
       WHERE x.intervention_id = i.id AND x.session_date BETWEEN $1 AND $2) se \
     CROSS JOIN LATERAL ( \
       SELECT COALESCE(array_agg(c.changed_at::date ORDER BY c.changed_at, c.id), '{}') AS dates, \
              COALESCE(array_agg(c.from_status ORDER BY c.changed_at, c.id), '{}') \
                AS from_status, \
              COALESCE(array_agg(c.to_status ORDER BY c.changed_at, c.id), '{}') AS to_status \
       FROM intervention_status_changes c \
       WHERE c.intervention_id = i.id AND c.changed_at::date <= $2) h \
     WHERE i.school_id = $3 \
       AND i.status NOT IN ('referred', 'planned') \
       AND i.sessions_per_week > 0 AND i.start_date <= $2 \
       AND (i.ended_at IS NULL OR i.ended_at::date >= $1) \
     ORDER BY s.last_name, s.first_name, s.id, i.start_date, i.id"
);

/// One intervention's delivery over the range.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub student_id: Uuid,
    pub student: String,
    pub local_id: String,
    pub name: String,
    /// `None`: a custom plan, no program.
    pub program: Option<String>,
    pub status: InterventionStatus,
    pub sessions_per_week: i16,
    pub counts: Counts,
}

/// Sessions and minutes, planned and delivered.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Counts {
    pub planned: f64,
    pub delivered: u32,
    pub missed: f64,
    /// `None` when no plan of the sum says how long a session is.
    pub minutes_planned: Option<f64>,
    /// In a sum, only of the plans that say how long a session is, so the
    /// two minutes compare like with like.
    pub minutes_delivered: i64,
}

impl Counts {
    fn plus(self, o: Counts) -> Counts {
        Counts {
            planned: self.planned + o.planned,
            delivered: self.delivered + o.delivered,
            missed: self.missed + o.missed,
            minutes_planned: match (self.minutes_planned, o.minutes_planned) {
                (None, None) => None,
                (a, b) => Some(a.unwrap_or(0.0) + b.unwrap_or(0.0)),
            },
            minutes_delivered: self.minutes_delivered
                + if o.minutes_planned.is_some() {
                    o.minutes_delivered
                } else {
                    0
                },
        }
    }

    /// Delivered ÷ planned sessions (`None` when nothing was planned).
    pub fn sessions_ratio(&self) -> Option<f64> {
        (self.planned > 0.0).then(|| f64::from(self.delivered) / self.planned)
    }

    pub fn minutes_ratio(&self) -> Option<f64> {
        self.minutes_planned
            .filter(|p| *p > 0.0)
            .map(|p| self.minutes_delivered as f64 / p)
    }

    /// Under the threshold in sessions or minutes, once one whole session
    /// was due (as `domain::fidelity` judges).
    pub fn flagged(&self, threshold: f64) -> bool {
        self.planned >= 1.0
            && (self.sessions_ratio().is_some_and(|r| r < threshold)
                || self.minutes_ratio().is_some_and(|r| r < threshold))
    }
}

/// Counts one intervention: `logged` are its sessions in the range (date,
/// attendance, minutes). Pure, for the tests.
pub fn count(
    plan: &Delivery,
    history: &[StatusChange],
    logged: &[(NaiveDate, Attendance, i32)],
    range: (NaiveDate, NaiveDate),
    today: NaiveDate,
) -> Counts {
    let sessions: Vec<Logged> = logged
        .iter()
        .map(|&(on, attendance, _)| Logged { on, attendance })
        .collect();
    let weeks = missed::weeks(plan, history, &sessions, range, today);
    let tally = missed::tally(&weeks);
    // Minutes of the very sessions `weeks` counted as delivered: present,
    // inside the window and the range, in a week that counted.
    let counted: HashSet<NaiveDate> = weeks.iter().map(|w| w.monday).collect();
    let bounds =
        crate::domain::fidelity::window(plan, today).map(|(s, e)| (s.max(range.0), e.min(range.1)));
    let minutes_delivered = match bounds {
        Some((lo, hi)) => logged
            .iter()
            .filter(|(on, a, _)| {
                *a == Attendance::Present
                    && *on >= lo
                    && *on <= hi
                    && counted.contains(&monday_of(*on))
            })
            .map(|(_, _, m)| i64::from(*m))
            .sum(),
        None => 0,
    };
    Counts {
        planned: tally.expected,
        delivered: tally.delivered,
        missed: tally.missed,
        minutes_planned: plan
            .minutes_per_session
            .filter(|m| *m > 0)
            .map(|m| tally.expected * f64::from(m)),
        minutes_delivered,
    }
}

pub async fn lines(
    client: &(impl GenericClient + Sync),
    school: Uuid,
    range: (NaiveDate, NaiveDate),
    today: NaiveDate,
) -> Result<Vec<Line>, tokio_postgres::Error> {
    let rows = client.fetch(SQL, &[&range.0, &range.1, &school]).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let plan = Delivery {
            start_date: r.get(7),
            planned_end_date: r.get(8),
            ended_on: r.get(9),
            sessions_per_week: r.get(10),
            minutes_per_session: r.get(11),
            sessions_delivered: 0,
            minutes_delivered: 0,
        };
        let dates: Vec<NaiveDate> = r.get(12);
        let attendance: Vec<Attendance> = r.get(13);
        let minutes: Vec<i32> = r.get(14);
        let logged: Vec<(NaiveDate, Attendance, i32)> = dates
            .into_iter()
            .zip(attendance)
            .zip(minutes)
            .map(|((d, a), m)| (d, a, m))
            .collect();
        let on: Vec<NaiveDate> = r.get(15);
        let from: Vec<Option<InterventionStatus>> = r.get(16);
        let to: Vec<InterventionStatus> = r.get(17);
        let history: Vec<StatusChange> = on
            .into_iter()
            .zip(from)
            .zip(to)
            .map(|((on, from), to)| StatusChange { on, from, to })
            .collect();
        out.push(Line {
            student_id: r.get(1),
            student: r.get(2),
            local_id: r.get(3),
            name: r.get(4),
            program: r.get(5),
            status: r.get(6),
            sessions_per_week: plan.sessions_per_week.unwrap_or(0),
            counts: count(&plan, &history, &logged, range, today),
        });
    }
    Ok(out)
}

/// Per program (custom plans together), in name order.
pub fn by_program(lines: &[Line]) -> Vec<(String, usize, Counts)> {
    let mut groups: BTreeMap<(bool, String), (usize, Counts)> = BTreeMap::new();
    for l in lines {
        let key = match &l.program {
            Some(p) => (false, p.clone()),
            None => (true, "(custom plans, no program)".to_string()),
        };
        let g = groups.entry(key).or_default();
        g.0 += 1;
        g.1 = g.1.plus(l.counts);
    }
    groups
        .into_iter()
        .map(|((_, name), (n, c))| (name, n, c))
        .collect()
}

fn one(v: f64) -> String {
    format!("{v:.1}")
}

fn pct(r: Option<f64>) -> String {
    r.map(|r| format!("{:.0}%", r * 100.0)).unwrap_or_default()
}

fn flag(c: &Counts, threshold: f64) -> String {
    if c.flagged(threshold) {
        format!("below {:.0}%", threshold * 100.0)
    } else {
        String::new()
    }
}

/// The counts' cells: planned, delivered, missed, minutes planned,
/// minutes delivered, sessions %, minutes %, flag.
fn count_cells(c: &Counts, threshold: f64) -> Vec<String> {
    vec![
        one(c.planned),
        c.delivered.to_string(),
        one(c.missed),
        c.minutes_planned
            .map(|m| format!("{m:.0}"))
            .unwrap_or_default(),
        c.minutes_delivered.to_string(),
        pct(c.sessions_ratio()),
        pct(c.minutes_ratio()),
        flag(c, threshold),
    ]
}

const COUNT_HEAD: [&str; 8] = [
    "sessions_planned",
    "sessions_delivered",
    "sessions_missed",
    "minutes_planned",
    "minutes_delivered",
    "sessions_fidelity",
    "minutes_fidelity",
    "flag",
];

/// Where `program` sits in the interventions' table.
const PROGRAM_COLUMN: usize = 3;

pub struct Fidelity<'a> {
    pub school: Uuid,
    pub school_name: &'a str,
    pub range: (NaiveDate, NaiveDate),
    pub today: NaiveDate,
    pub threshold: f64,
}

pub async fn build(
    client: &(impl GenericClient + Sync),
    f: &Fidelity<'_>,
    progress: super::Progress<'_>,
) -> Result<Built, ReportError> {
    progress(10, "reading interventions and sessions");
    let lines = lines(client, f.school, f.range, f.today).await?;
    progress(70, "writing");
    let title = format!(
        "Fidelity: {} ({} to {})",
        f.school_name, f.range.0, f.range.1
    );
    let programs = by_program(&lines);
    let mut head = vec!["program", "interventions"];
    head.extend(COUNT_HEAD);
    let program_rows: Vec<Vec<String>> = programs
        .iter()
        .map(|(name, n, c)| {
            let mut row = vec![name.clone(), n.to_string()];
            row.extend(count_cells(c, f.threshold));
            row
        })
        .collect();
    let mut iv_head = vec![
        "student",
        "local_id",
        "intervention",
        "program",
        "status",
        "per_week",
    ];
    iv_head.extend(COUNT_HEAD);
    let iv_rows: Vec<Vec<String>> = lines
        .iter()
        .map(|l| {
            let mut row = vec![
                l.student.clone(),
                l.local_id.clone(),
                l.name.clone(),
                l.program.clone().unwrap_or_default(),
                l.status.to_string(),
                l.sessions_per_week.to_string(),
            ];
            row.extend(count_cells(&l.counts, f.threshold));
            row
        })
        .collect();
    let flagged = lines
        .iter()
        .filter(|l| l.counts.flagged(f.threshold))
        .count();
    let mut page = Page::new();
    page.el("h1", &title).el_class(
        "p",
        "meta",
        &format!(
            "Planned sessions follow each plan's sessions per week over its school days \
             (Monday to Friday) inside the range and up to {} (the end or planned end if \
             earlier), leaving out paused days; delivered sessions are those with the student \
             present; missed is counted week by week. Flagged: under {:.0}% of the planned \
             sessions or minutes; a program's minutes count only the plans that set minutes \
             per session. {} of {} interventions flagged.",
            f.today.min(f.range.1),
            f.threshold * 100.0,
            flagged,
            lines.len()
        ),
    );
    page.el("h2", "By program");
    page.table("programs", &head, &program_rows);
    page.el("h2", "By intervention");
    if iv_rows.is_empty() {
        page.el(
            "p",
            "No intervention you can see ran at this school in the range with a planned frequency.",
        );
    }
    // On paper the program column goes (the intervention is named after
    // it, and the table above groups by it): fourteen columns do not fit
    // A4 portrait readably. The CSV keeps it, for sorting and pivots.
    let without_program = |row: &[String]| -> Vec<String> {
        row.iter()
            .enumerate()
            .filter(|(i, _)| *i != PROGRAM_COLUMN)
            .map(|(_, c)| c.clone())
            .collect()
    };
    let paper_head: Vec<&str> = iv_head
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != PROGRAM_COLUMN)
        .map(|(_, h)| *h)
        .collect();
    let paper_rows: Vec<Vec<String>> = iv_rows.iter().map(|r| without_program(r)).collect();
    page.table("interventions", &paper_head, &paper_rows);
    let mut students: Vec<Uuid> = lines.iter().map(|l| l.student_id).collect();
    students.sort_unstable();
    students.dedup();
    Ok(Built {
        title: title.clone(),
        html: page.finish(&title),
        csv: Some(crate::export::csv::Table {
            columns: iv_head,
            rows: iv_rows
                .into_iter()
                .map(|r| r.into_iter().map(Some).collect())
                .collect(),
        }),
        students,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    /// Three a week of 30 minutes from Monday 2 November; the range is the
    /// two weeks to Sunday 15 November, judged on 3 December.
    #[test]
    fn two_weeks_of_a_three_a_week_plan_counted_by_hand() {
        let plan = Delivery {
            start_date: Some(d(11, 2)),
            planned_end_date: None,
            ended_on: None,
            sessions_per_week: Some(3),
            minutes_per_session: Some(30),
            sessions_delivered: 0,
            minutes_delivered: 0,
        };
        let logged = [
            (d(11, 3), Attendance::Present, 30),
            (d(11, 5), Attendance::Present, 20),
            (d(11, 6), Attendance::StudentAbsent, 0),
            (d(11, 10), Attendance::Present, 30),
            // Outside the range: not counted.
            (d(11, 16), Attendance::Present, 30),
        ];
        let c = count(&plan, &[], &logged, (d(11, 2), d(11, 15)), d(12, 3));
        // Planned 3 + 3; delivered 2 + 1; missed 1 + 2; minutes 180 vs 80.
        assert_eq!(c.planned, 6.0);
        assert_eq!(c.delivered, 3);
        assert_eq!(c.missed, 3.0);
        assert_eq!(c.minutes_planned, Some(180.0));
        assert_eq!(c.minutes_delivered, 80);
        assert_eq!(pct(c.sessions_ratio()), "50%");
        assert_eq!(pct(c.minutes_ratio()), "44%");
        assert!(c.flagged(0.8));
        // Judged on the first Wednesday: Monday to Wednesday only (3 × 3/5).
        let early = count(&plan, &[], &logged, (d(11, 2), d(11, 15)), d(11, 4));
        assert!((early.planned - 1.8).abs() < 1e-9);
        assert_eq!(early.delivered, 1);
    }

    #[test]
    fn programs_add_up_and_custom_plans_go_last() {
        let line = |program: Option<&str>, planned: f64, delivered: u32| Line {
            student_id: Uuid::nil(),
            student: String::new(),
            local_id: String::new(),
            name: String::new(),
            program: program.map(str::to_string),
            status: InterventionStatus::Active,
            sessions_per_week: 3,
            counts: Counts {
                planned,
                delivered,
                missed: planned - f64::from(delivered),
                minutes_planned: None,
                minutes_delivered: 0,
            },
        };
        let p = by_program(&[
            line(None, 3.0, 3),
            line(Some("Read Naturally"), 6.0, 3),
            line(Some("Read Naturally"), 4.0, 4),
        ]);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].0, "Read Naturally");
        assert_eq!((p[0].1, p[0].2.planned, p[0].2.delivered), (2, 10.0, 7));
        assert_eq!(pct(p[0].2.sessions_ratio()), "70%");
        assert!(p[0].2.flagged(0.8));
        assert_eq!(p[1].0, "(custom plans, no program)");
        assert!(!p[1].2.flagged(0.8));
    }
}
