//! One intervention with its team and goals, and (once it has started) its
//! sessions; an escalation chain is an earlier, closed tier 2 intervention
//! followed by a tier 3 one.

use super::goals::{GoalPlan, fmt_num, goal_templates, spare_template};
use super::sessions::sessions;
use super::{Chunk, Ctx, Started};
use crate::demo::seed::names;
use crate::demo::seed::reference::{Kind, at, new_uuid, pick, weighted};
use chrono::{Duration, NaiveDate};
use rand::Rng;
use uuid::Uuid;

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Plan {
    /// The first link of an escalation chain: tier 2, already closed.
    Earlier,
    Current,
}

pub(super) struct Made {
    pub(super) id: Uuid,
    pub(super) itype: &'static str,
    pub(super) ended: Option<NaiveDate>,
    pub(super) started: Option<Started>,
}

const CUSTOM: &[(&str, &str)] = &[
    ("Lunch bunch with counselor", "social_emotional"),
    ("Morning check-in with Ms. Ortiz", "behavior"),
    ("Peer tutoring: fractions", "math"),
    ("Sight-word practice (home–school)", "reading"),
    ("Walking club before school", "health_physical"),
    ("Mentoring: \"Big Brothers\" match", "other"),
    ("Typing & keyboarding support", "writing"),
];

const CONCERNS: &[(&str, &str)] = &[
    (
        "reading",
        "Below the 20th percentile on fall ORF benchmark; guesses at multisyllabic words.",
    ),
    (
        "reading",
        "Teacher reports the student avoids reading aloud and can't retell what they've read.",
    ),
    (
        "math",
        "Struggles with basic facts; fall screener well below benchmark.",
    ),
    (
        "math",
        "Can't yet compare fractions; relies on counting fingers for addition.",
    ),
    (
        "writing",
        "Writes 1–2 sentences when asked for a paragraph; spelling errors in most words.",
    ),
    (
        "behavior",
        "Frequent classroom disruptions after lunch; 4 office referrals since September.",
    ),
    (
        "behavior",
        "Leaves the classroom without permission when frustrated.",
    ),
    (
        "social_emotional",
        "Withdrawn, few peer interactions; parent says \"she doesn't want to come to school\".",
    ),
    (
        "social_emotional",
        "Big reactions to small setbacks; difficulty calming down.",
    ),
    (
        "attendance",
        "Chronically absent: 14% of days missed so far this year.",
    ),
    (
        "communication_language",
        "Articulation errors with /r/ and /s/ affect intelligibility.",
    ),
    (
        "health_physical",
        "Low stamina in PE; nurse recommends daily movement breaks.",
    ),
    (
        "other",
        "New to the district mid-year; needs an adult connection at school.",
    ),
];

const OUTCOME_NOTES: &[&str] = &[
    "Met the goal for four consecutive weeks; exiting to Tier 1 with monthly check-ins.",
    "Some growth, but gap is not closing fast enough. Team recommends Tier 3.",
    "Family moved out of district.",
    "No measurable response after 10 weeks; referred for special education evaluation.",
    "Parent requested we stop; will revisit in the spring.",
];

pub(super) fn intervention(
    c: &mut Ctx,
    student: Uuid,
    plan: Plan,
    previous: Option<(Uuid, &'static str, Option<NaiveDate>)>,
    used_types: &[&str],
    out: &mut Chunk,
) -> Made {
    let d = c.d;
    let today = c.today;
    let id = new_uuid(&mut c.rng);
    // Program, or a custom intervention.
    let mut program = None;
    let (itype, custom): (&'static str, Option<&'static str>) = if let Some((_, t, _)) = previous {
        program = pick_program(c, Some(t), 3);
        (t, None)
    } else if c.chance(0.1) {
        let (name, t) = *pick(&mut c.rng, CUSTOM);
        (t, Some(name))
    } else {
        for _ in 0..4 {
            program = pick_program(c, None, 0);
            if let Some(p) = program
                && !used_types.contains(&d.programs[p].def.itype)
            {
                break;
            }
        }
        (program.map_or("other", |p| d.programs[p].def.itype), None)
    };
    let (name_custom, program) = match (custom, program) {
        (Some(n), _) => (Some(n), None),
        (None, Some(p)) => (None, Some(p)),
        (None, None) => (Some("Individual check-ins"), None),
    };
    let def = program.map(|p| d.programs[p].def);
    let tier = match (plan, previous) {
        (Plan::Earlier, _) => 2,
        (_, Some(_)) => 3,
        _ => def.map_or(2, |p| p.tier.max(if c.chance(0.15) { 3 } else { 1 })),
    };
    let per_week = def
        .map_or(c.rng.random_range(1..=3), |p| p.per_week)
        .clamp(1, 5);
    let minutes = def.map_or(30, |p| p.minutes);
    let weeks = def.map_or(8, |p| p.weeks);

    let status: &'static str = match plan {
        Plan::Earlier => weighted(&mut c.rng, &[("completed", 60), ("discontinued", 40)]),
        Plan::Current if previous.is_some() => weighted(
            &mut c.rng,
            &[
                ("planned", 15),
                ("active", 60),
                ("review_due", 15),
                ("paused", 10),
            ],
        ),
        Plan::Current => weighted(
            &mut c.rng,
            &[
                ("referred", 8),
                ("planned", 8),
                ("active", 46),
                ("paused", 5),
                ("review_due", 9),
                ("completed", 15),
                ("discontinued", 9),
            ],
        ),
    };
    // Dates: (referred, start, planned_end, last day delivered, ended).
    let mut start = None;
    let mut planned_end = None;
    let mut last = None;
    let mut ended = None;
    let mut outcome = None;
    let referred: NaiveDate;
    let span = Duration::days(weeks * 7);
    let not_before = previous
        .and_then(|(_, _, e)| e)
        .map(|e| e + Duration::days(5));
    match (plan, status) {
        (Plan::Earlier, _) => {
            let end = today - c.days(40, 100);
            let s = end - span;
            referred = s - c.days(7, 21);
            start = Some(s);
            planned_end = Some(s + span);
            last = Some(end);
            ended = Some(end);
            outcome = Some(if status == "completed" {
                weighted(&mut c.rng, &[("no_progress", 1), ("partial_progress", 2)])
            } else {
                weighted(
                    &mut c.rng,
                    &[("no_progress", 2), ("referred_for_evaluation", 1)],
                )
            });
        }
        (_, "referred") => {
            referred = today - c.days(1, 25);
        }
        (_, "planned") => {
            referred = today - c.days(10, 40);
            if c.chance(0.6) {
                let s = today + c.days(1, 14);
                start = Some(s);
                planned_end = Some(s + span);
            }
        }
        (_, "active") => {
            let mut s = today - c.days(7, 100);
            if let Some(nb) = not_before {
                s = s.max(nb).min(today - Duration::days(3));
            }
            referred = s - c.days(7, 21);
            start = Some(s);
            // Active with no planned end: a data-quality warning on purpose.
            planned_end = (!c.chance(0.05)).then(|| (s + span).max(today + c.days(0, 20)));
            last = Some(today - Duration::days(1));
        }
        (_, "paused") => {
            let mut s = today - c.days(30, 100);
            if let Some(nb) = not_before {
                s = s.max(nb).min(today - Duration::days(20));
            }
            referred = s - c.days(7, 21);
            start = Some(s);
            planned_end = Some((s + span).max(today + c.days(7, 30)));
            last = Some((today - c.days(3, 20)).max(s));
        }
        (_, "review_due") => {
            let mut s = today - c.days(50, 120);
            if let Some(nb) = not_before {
                s = s.max(nb).min(today - Duration::days(30));
            }
            referred = s - c.days(7, 21);
            start = Some(s);
            planned_end = Some((today - c.days(0, 10)).max(s));
            last = Some(today - Duration::days(1));
        }
        (_, "completed") => {
            let end = today - c.days(5, 60);
            let s = end - span;
            referred = s - c.days(7, 21);
            start = Some(s);
            planned_end = Some(end);
            last = Some(end);
            ended = Some(end);
            outcome = Some(weighted(
                &mut c.rng,
                &[
                    ("goal_met", 50),
                    ("partial_progress", 30),
                    ("no_progress", 10),
                    ("referred_for_evaluation", 10),
                ],
            ));
        }
        _ => {
            // discontinued: either after it ran (outcome required), or
            // dropped before it started (no outcome needed).
            if c.chance(0.6) {
                let s = today - c.days(40, 160);
                let end = s + c.days(14, 35);
                referred = s - c.days(7, 21);
                start = Some(s);
                planned_end = Some(s + span);
                last = Some(end);
                ended = Some(end);
                outcome = Some(weighted(
                    &mut c.rng,
                    &[
                        ("moved", 3),
                        ("no_progress", 2),
                        ("other", 2),
                        ("referred_for_evaluation", 1),
                    ],
                ));
            } else {
                referred = today - c.days(20, 120);
                ended = Some(referred + c.days(3, 18));
                outcome = c.chance(0.3).then_some("moved");
            }
        }
    }

    let teacher = c.teacher();
    let referred_by = if c.chance(0.7) {
        teacher
    } else {
        c.counselor.unwrap_or(teacher)
    };
    let on_demo = c.counselor == Some(d.demo_counselor);
    let behavioral = matches!(
        itype,
        "behavior" | "social_emotional" | "attendance" | "other"
    );
    let owner: Option<Uuid> = if status == "referred" && c.chance(0.4) {
        None
    } else if on_demo && c.chance(0.7) {
        Some(d.demo_counselor)
    } else if behavioral && c.counselor.is_some() && c.chance(0.6) {
        c.counselor
    } else if c.chance(0.8) {
        Some(c.interventionist())
    } else {
        Some(teacher)
    };
    let restricted = behavioral && c.chance(0.04);
    let concern = CONCERNS
        .iter()
        .filter(|(t, _)| *t == itype)
        .nth(c.rng.random_range(0..2))
        .or_else(|| CONCERNS.iter().find(|(t, _)| *t == itype))
        .map(|(_, s)| *s);
    let consent = (tier == 3 || c.chance(0.5))
        .then(|| start.map(|s| at(s - c.days(1, 6), 18, 30)))
        .flatten();
    let referred_at = at(
        referred,
        c.rng.random_range(13..22),
        c.rng.random_range(0..60),
    );
    let updated = at(ended.or(last).unwrap_or(referred).min(today), 22, 0);
    out.interventions
        .uuid(id)
        .uuid(student)
        .uuid(d.schools[c.school].id)
        .opt_uuid(program.map(|p| d.programs[p].id))
        .opt_text(name_custom)
        .text(itype)
        .int(tier)
        .text(status)
        .opt_text(concern)
        .uuid(referred_by)
        .ts(referred_at)
        .opt_uuid(owner)
        .opt_date(start)
        .opt_date(planned_end)
        .opt_ts(ended.map(|e| at(e, 21, 0)))
        .opt_text(outcome)
        .opt_text(outcome.map(|o| match o {
            "goal_met" => OUTCOME_NOTES[0],
            "partial_progress" => OUTCOME_NOTES[1],
            "moved" => OUTCOME_NOTES[2],
            "referred_for_evaluation" | "no_progress" => OUTCOME_NOTES[3],
            _ => OUTCOME_NOTES[4],
        }))
        .opt_ts(consent)
        .opt_uuid(previous.map(|p| p.0))
        .int(per_week)
        .int(minutes)
        .bool(restricted)
        .uuid(referred_by)
        .opt_uuid(owner)
        .ts(referred_at)
        .ts(updated)
        .end();

    // Team: the owner first, then the people who work with the student.
    let mut team: Vec<Uuid> = Vec::new();
    let added_by = owner.unwrap_or(referred_by);
    let created = referred_at + Duration::hours(1);
    let mut member = |c: &mut Ctx, user: Uuid, role: &str, edit: bool, team: &mut Vec<Uuid>| {
        if team.contains(&user) {
            return;
        }
        team.push(user);
        out.team
            .uuid(new_uuid(&mut c.rng))
            .uuid(id)
            .uuid(user)
            .null()
            .null()
            .text(role)
            .bool(edit)
            .uuid(added_by)
            .ts(created)
            .ts(created)
            .end();
    };
    if let Some(o) = owner {
        member(c, o, "owner", true, &mut team);
    } else {
        member(c, referred_by, "teacher", false, &mut team);
    }
    if status != "referred" {
        if let Some(cn) = c.counselor {
            member(c, cn, "counselor", true, &mut team);
        }
        if c.chance(0.5) {
            let i = c.interventionist();
            member(c, i, "interventionist", true, &mut team);
        }
        if c.chance(0.4) {
            member(c, teacher, "teacher", false, &mut team);
        }
        if tier == 3
            && let Some(co) = d.staff[c.school].coordinator
        {
            member(c, co, "coordinator", false, &mut team);
        }
        if c.chance(0.04) {
            let (name, org) = *pick(&mut c.rng, names::STAFF_TITLES_EXTERNAL);
            out.team
                .uuid(new_uuid(&mut c.rng))
                .uuid(id)
                .null()
                .text(name)
                .text(org)
                .text("observer")
                .bool(false)
                .uuid(added_by)
                .ts(created)
                .ts(created)
                .end();
        }
    }

    // Goals: for every intervention that has a plan.
    let has_plan = start.is_some() || status == "planned";
    let mut goal_rows = Vec::new();
    if has_plan {
        let n = if status == "planned" {
            1
        } else {
            weighted(&mut c.rng, &[(1u8, 60), (2, 40)])
        };
        let s = start.unwrap_or(today);
        let baseline_date = s - c.days(0, 6);
        let target_date = planned_end
            .unwrap_or(s + Duration::days(70))
            .max(baseline_date + Duration::days(14));
        let templates = goal_templates(itype);
        let mut taken: Vec<&str> = Vec::with_capacity(usize::from(n));
        for k in 0..n {
            let drawn =
                &templates[(k as usize + c.rng.random_range(0..templates.len())) % templates.len()];
            // Two active goals on one measure would ask for the same score
            // twice under the same label, so a goal that drew a measure an
            // earlier one has takes another. The draw stays as it was: every
            // row seeded after it keeps its random stream, and every goal
            // that did not repeat a measure stays as it was.
            let Some(t) = std::iter::once(drawn)
                .chain(templates)
                .chain(spare_template(itype))
                .find(|t| !taken.contains(&t.measure))
            else {
                break;
            };
            taken.push(t.measure);
            let gid = new_uuid(&mut c.rng);
            // Counts and percentages are whole numbers, ratings halves.
            let step = if t.max > 10.0 { 1.0 } else { 0.5 };
            let tidy = |v: f64| (v / step).round() * step;
            let base = tidy(c.rng.random_range(t.base.0..=t.base.1));
            let delta = tidy(c.rng.random_range(t.delta.0..=t.delta.1)).max(step);
            let target = if t.increase {
                (base + delta).min(t.max).max(base + step)
            } else {
                (base - delta).max(0.0).min(base - step)
            };
            let (baseline, bdate) = match c.rng.random_range(0..100) {
                0..=2 => (None, None),
                3..=5 if t.increase => (Some(0.0), Some(baseline_date)),
                _ => (Some(base), Some(baseline_date)),
            };
            let rule = weighted(&mut c.rng, &[("four_point", 6), ("trend", 3), ("none", 1)]);
            let trajectory = weighted(&mut c.rng, &[(1.0, 45), (0.1, 25), (1.5, 15), (0.5, 15)]);
            let gstatus = match (status, outcome) {
                ("completed", Some("goal_met")) => "met",
                ("completed", _) => "not_met",
                ("discontinued", _) => "discontinued",
                _ => "active",
            };
            out.goals
                .uuid(gid)
                .uuid(id)
                .text(&t.statement.replace("{target}", &fmt_num(target)))
                .text(t.measure)
                .text(t.unit)
                .text(if t.increase { "increase" } else { "decrease" })
                .opt_num1(baseline)
                .opt_date(bdate)
                .num1(target)
                .date(target_date)
                .text(rule)
                .text(gstatus)
                .int(k as i64)
                .ts(created)
                .ts(created)
                .end();
            goal_rows.push(GoalPlan {
                id: gid,
                base,
                target,
                max: t.max,
                trajectory,
                start: s,
                target_date,
            });
        }
    }

    let started = match (start, last) {
        (Some(s), Some(l)) if s <= today => Some(Started {
            id,
            start: s,
            last: l.min(today - Duration::days(1)),
            itype,
            owner: owner.unwrap_or(referred_by),
            team,
            sessions: Vec::new(),
        }),
        _ => None,
    };
    let mut started = started;
    if let Some(s) = &mut started {
        let prog = program.map(|p| &d.programs[p]);
        sessions(
            c,
            s,
            prog.map(|p| p.def),
            per_week,
            minutes,
            &goal_rows,
            out,
        );
    }
    Made {
        id,
        itype,
        ended,
        started,
    }
}

fn pick_program(c: &mut Ctx, itype: Option<&str>, tier: i64) -> Option<usize> {
    let d = c.d;
    let school = c.school;
    let kind = d.schools[school].kind;
    let ok: Vec<usize> = d
        .programs
        .iter()
        .enumerate()
        .filter(|(_, p)| p.active && p.school.is_none_or(|s| s == school))
        .filter(|(_, p)| itype.is_none_or(|t| p.def.itype == t))
        .filter(|(_, p)| tier == 0 || p.def.tier == tier || itype.is_some())
        .filter(|(_, p)| kind == Kind::Elementary || p.def.name != "Paws for Reading")
        .map(|(i, _)| i)
        .collect();
    if ok.is_empty() {
        return None;
    }
    // Prefer the tier asked for when one exists.
    if tier != 0
        && let Some(&i) = ok.iter().find(|&&i| d.programs[i].def.tier == tier)
    {
        return Some(i);
    }
    Some(*pick(&mut c.rng, &ok))
}
