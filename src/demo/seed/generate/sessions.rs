//! The sessions of a started intervention, the progress measurements taken
//! in them, and the program's per-session field values.

use super::goals::GoalPlan;
use super::{Chunk, Ctx, Started};
use crate::demo::seed::reference::{FieldKind, ProgramDef, at, new_uuid, pick, weighted};
use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Weekday};
use rand::Rng;
use std::fmt::Write as _;
use uuid::Uuid;

/// Session notes by kind of work, so a math session does not read like a
/// counselling one.
const ACADEMIC_NOTES: &[&str] = &[
    "Good focus today; finished everything we planned.",
    "Arrived 5 min late from lunch.",
    "Great effort. Asked if we could meet again tomorrow.",
    "Quiet today but completed the work.",
    "Mom's note: she's been practising at home every night.",
];
const READING_NOTES: &[&str] = &[
    "Worked on short vowel sounds; still mixing up /e/ and /i/.",
    "Didn't want to read aloud at first, warmed up after the first page.",
    "Said \"this is easy!\" after the second passage — moving up a level next week.",
    "Retold the story in order with only one prompt.",
    "Warm-up: sight words (14/20).\nMain: repeated reading, 3 timings.\nNext time: start level 2.5 stories.",
];
const MATH_NOTES: &[&str] = &[
    "Used the number line without prompting.",
    "Struggled with regrouping; we'll revisit with base-ten blocks.",
    "Played the fact-fluency game; beat last week's score.",
    "Skills: fractions on a number line.\n- Could place 1/2 and 1/4\n- Confused 2/3 vs 3/4\nHomework: practice sheet B.",
];
const SEL_NOTES: &[&str] = &[
    "Checked in calm; goal sheet signed by teacher.",
    "Practised deep breathing and the \"5-4-3-2-1\" grounding strategy.",
    "Talked about what's been going on at home; will follow up with counselor.",
    "Earned all points before lunch, lost two in math. Said \"I'll do better tomorrow.\"",
    "Check-in went well.\nTeacher reported two rough moments after recess.\nWe made a plan: ask for a break card before it escalates.",
    "Quiet today; said she's tired because she's been up late with her baby brother.",
];

fn present_notes(itype: &str) -> &'static [&'static str] {
    match itype {
        "reading" | "writing" | "communication_language" => {
            if itype == "reading" {
                READING_NOTES
            } else {
                ACADEMIC_NOTES
            }
        }
        "math" => MATH_NOTES,
        "behavior" | "social_emotional" | "attendance" | "other" => SEL_NOTES,
        _ => ACADEMIC_NOTES,
    }
}

/// Whether the district has school on a weekday: not in summer or over the
/// winter break.
fn in_session(d: NaiveDate) -> bool {
    let (m, day) = (d.month(), d.day());
    !(m == 7
        || (m == 6 && day > 15)
        || (m == 8 && day < 15)
        || (m == 12 && day > 21)
        || (m == 1 && day < 3))
}

const ABSENT_NOTES: &[&str] = &[
    "Student absent (sick).",
    "Field trip.",
    "Student at dentist appointment.",
    "Testing day — session skipped.",
];
const STAFF_ABSENT_NOTES: &[&str] = &[
    "Interventionist out; no sub available.",
    "Staff covering a class.",
];
const CANCELLED_NOTES: &[&str] = &[
    "Assembly.",
    "Early release day.",
    "Fire drill ran long.",
    "Snow delay — schedule changed.",
];

fn weekdays(per_week: i64) -> &'static [Weekday] {
    match per_week {
        1 => &[Weekday::Tue],
        2 => &[Weekday::Tue, Weekday::Thu],
        3 => &[Weekday::Mon, Weekday::Wed, Weekday::Fri],
        4 => &[Weekday::Mon, Weekday::Tue, Weekday::Thu, Weekday::Fri],
        _ => &[
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ],
    }
}

pub(super) fn sessions(
    c: &mut Ctx,
    s: &mut Started,
    def: Option<&'static ProgramDef>,
    per_week: i64,
    minutes: i64,
    goals: &[GoalPlan],
    out: &mut Chunk,
) {
    let days = weekdays(per_week);
    let mut date = s.start;
    let start_hour = c.rng.random_range(8..14);
    let start_min = 5 * c.rng.random_range(0..12);
    let time = NaiveTime::from_hms_opt(start_hour, start_min, 0);
    let monitoring_every = match def.map(|p| p.monitoring) {
        Some("biweekly") => 2,
        Some("monthly") => 4,
        _ => 1,
    };
    let mut week_measured = None;
    let mut weeks_seen = 0;
    let mut last_week = None;
    while date <= s.last {
        let wd = date.weekday();
        let week = date.iso_week().week();
        if last_week != Some(week) {
            last_week = Some(week);
            weeks_seen += 1;
        }
        if days.contains(&wd) && in_session(date) {
            let sid = new_uuid(&mut c.rng);
            let attendance = weighted(
                &mut c.rng,
                &[
                    ("present", 85),
                    ("student_absent", 8),
                    ("staff_absent", 3),
                    ("cancelled", 4),
                ],
            );
            let present = attendance == "present";
            let mins = if present {
                (minutes + c.rng.random_range(-5..=5)).clamp(5, 600)
            } else {
                0
            };
            let fidelity = (present && c.chance(0.9)).then(|| c.rng.random_range(70..=100));
            let note: Option<&str> = match attendance {
                "present" => match c.rng.random_range(0..100) {
                    0..=14 => None,
                    15..=35 => Some(*pick(&mut c.rng, ACADEMIC_NOTES)),
                    _ => Some(*pick(&mut c.rng, present_notes(s.itype))),
                },
                "student_absent" => Some(*pick(&mut c.rng, ABSENT_NOTES)),
                "staff_absent" => Some(*pick(&mut c.rng, STAFF_ABSENT_NOTES)),
                _ => Some(*pick(&mut c.rng, CANCELLED_NOTES)),
            };
            let delivered = if s.team.len() > 1 && c.chance(0.2) {
                *pick(&mut c.rng, &s.team)
            } else {
                s.owner
            };
            let values = if present {
                field_values(c, def)
            } else {
                String::from("{}")
            };
            let created = at(date, 20, c.rng.random_range(0..60));
            out.sessions
                .uuid(sid)
                .uuid(s.id)
                .date(date)
                .opt_time(time)
                .int(mins)
                .text(attendance)
                .opt_int(fidelity)
                .opt_text(note)
                .text(&values)
                .uuid(delivered)
                .bool(c.chance(0.01))
                .uuid(delivered)
                .ts(created)
                .ts(created)
                .end();
            s.sessions.push((sid, date, present));
            // Progress monitoring: the first present session of a monitored week.
            if present && week_measured != Some(week) && (weeks_seen - 1) % monitoring_every == 0 {
                week_measured = Some(week);
                for g in goals {
                    measurement(c, g, Some(sid), date, delivered, out);
                }
            }
        }
        date += Duration::days(1);
    }
    // A screening data point outside any session, for a few interventions:
    // progress charts must cope with measurements that have no session.
    let screening = s.start + Duration::days(10);
    if screening <= s.last && c.chance(0.1) {
        for g in goals {
            measurement(c, g, None, screening, s.owner, out);
        }
    }
}

fn measurement(
    c: &mut Ctx,
    g: &GoalPlan,
    session: Option<Uuid>,
    on: NaiveDate,
    by: Uuid,
    out: &mut Chunk,
) {
    let total = (g.target_date - g.start).num_days().max(1) as f64;
    let f = ((on - g.start).num_days() as f64 / total).clamp(0.0, 1.5);
    let span = g.target - g.base;
    let noise = span.abs() * 0.12 * (c.rng.random::<f64>() * 2.0 - 1.0);
    let v = (g.base + span * f * g.trajectory + noise).clamp(0.0, g.max);
    let note = c
        .chance(0.05)
        .then_some("Probe given by classroom teacher.");
    let created = at(on, 21, 0);
    out.measurements
        .uuid(new_uuid(&mut c.rng))
        .uuid(g.id)
        .opt_uuid(session)
        .date(on)
        .num1(if g.max > 10.0 { v.round() } else { v })
        .opt_text(note)
        .uuid(by)
        .ts(created)
        .ts(created)
        .end();
}

fn field_values(c: &mut Ctx, def: Option<&'static ProgramDef>) -> String {
    let Some(def) = def else {
        return String::from("{}");
    };
    let mut s = String::with_capacity(96);
    s.push('{');
    let mut first = true;
    for f in def.fields {
        if !f.required && c.chance(0.15) {
            continue;
        }
        if !first {
            s.push_str(", ");
        }
        first = false;
        let _ = write!(s, "\"{}\": ", f.key);
        match &f.kind {
            FieldKind::Number { lo, hi, .. } => {
                let _ = write!(s, "{}", c.rng.random_range(*lo..=*hi));
            }
            FieldKind::Rating { min, max } => {
                let _ = write!(s, "{}", c.rng.random_range((*min + 1).min(*max)..=*max));
            }
            FieldKind::Boolean => s.push_str(if c.chance(0.6) { "true" } else { "false" }),
            FieldKind::Single(opts) => {
                let _ = write!(s, "{}", serde_json::Value::from(*pick(&mut c.rng, opts)));
            }
            FieldKind::Text(opts) => {
                let _ = write!(s, "{}", serde_json::Value::from(*pick(&mut c.rng, opts)));
            }
            FieldKind::Multi(opts) => {
                s.push('[');
                let mut any = false;
                for (i, o) in opts.iter().enumerate() {
                    if c.chance(0.4) || (i == opts.len() - 1 && !any) {
                        if any {
                            s.push_str(", ");
                        }
                        any = true;
                        let _ = write!(s, "{}", serde_json::Value::from(*o));
                    }
                }
                s.push(']');
            }
        }
    }
    s.push('}');
    s
}
