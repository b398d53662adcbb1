//! One student and everything hanging off them: guardians, interventions,
//! goals, sessions, progress data, team, documents, communications.
//!
//! Each student draws from their own ChaCha stream (stream = index + 1), so
//! a student's rows depend only on (seed, index, today, district) and not on
//! how the work is chunked.

use super::copy::Rows;
use super::names::{self, CJK_FAMILY, CJK_PREFERRED, Culture, NICKNAMES};
use super::reference::{District, FieldKind, Kind, at, culture, new_uuid, pick, weighted};
use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Weekday};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use uuid::Uuid;

/// The per-chunk buffers, one per table, in the order they are loaded (each
/// table's foreign keys point only at tables before it).
pub struct Chunk {
    pub students: Rows,
    pub guardians: Rows,
    pub interventions: Rows,
    pub goals: Rows,
    pub sessions: Rows,
    pub measurements: Rows,
    pub team: Rows,
    pub documents: Rows,
    pub attachments: Rows,
    pub comms: Rows,
}

pub const STUDENT_COLS: &str = "id, school_id, local_id, state_id, sourced_id, first_name, last_name, \
     preferred_name, date_of_birth, grade_level, status, counselor_id, has_iep, has_504, \
     is_english_learner, enrollment_date, exit_date, created_at, updated_at";
pub const GUARDIAN_COLS: &str = "id, student_id, first_name, last_name, relationship, email, phone, \
     preferred_language, preferred_channel, contact_priority, has_custody, is_emergency_contact, \
     has_educational_rights, receives_communications, notes, created_at, updated_at";
pub const INTERVENTION_COLS: &str = "id, student_id, school_id, program_id, custom_name, \
     intervention_type, tier, status, concern, referred_by, referred_at, owner_id, start_date, \
     planned_end_date, ended_at, outcome, outcome_notes, parent_consent_at, \
     previous_intervention_id, sessions_per_week, minutes_per_session, is_restricted, created_by, \
     updated_by, created_at, updated_at";
pub const GOAL_COLS: &str = "id, intervention_id, statement, measure, unit, direction, \
     baseline_value, baseline_date, target_value, target_date, decision_rule, status, sort_order, \
     created_at, updated_at";
pub const SESSION_COLS: &str = "id, intervention_id, session_date, start_time, minutes, attendance, \
     fidelity, note, field_values, delivered_by, is_restricted, created_by, created_at, updated_at";
pub const MEASUREMENT_COLS: &str =
    "id, goal_id, session_id, measured_on, value, note, created_by, created_at, updated_at";
pub const TEAM_COLS: &str = "id, intervention_id, user_id, external_name, external_org, role, \
     can_edit, added_by, created_at, updated_at";
pub const DOCUMENT_COLS: &str = "id, student_id, storage, bucket, object_key, filename, content_type, \
     byte_size, sha256, uploaded_by, is_restricted, deleted_at, created_at, updated_at";
pub const ATTACHMENT_COLS: &str =
    "intervention_id, document_id, session_id, caption, attached_by, created_at";
pub const COMM_COLS: &str = "id, student_id, intervention_id, guardian_id, staff_id, direction, \
     channel, purpose, occurred_at, summary, result, follow_up_due, follow_up_owner, \
     follow_up_done_at, parent_id, is_restricted, created_at, updated_at";

impl Chunk {
    pub fn new() -> Chunk {
        Chunk {
            students: Rows::new(),
            guardians: Rows::new(),
            interventions: Rows::new(),
            goals: Rows::new(),
            sessions: Rows::new(),
            measurements: Rows::new(),
            team: Rows::new(),
            documents: Rows::new(),
            attachments: Rows::new(),
            comms: Rows::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.tables_ref().iter().map(|(_, _, r)| r.len()).sum()
    }

    fn tables_ref(&self) -> [(&'static str, &'static str, &Rows); 10] {
        [
            ("students", STUDENT_COLS, &self.students),
            ("student_guardians", GUARDIAN_COLS, &self.guardians),
            ("interventions", INTERVENTION_COLS, &self.interventions),
            ("intervention_goals", GOAL_COLS, &self.goals),
            ("intervention_sessions", SESSION_COLS, &self.sessions),
            (
                "progress_measurements",
                MEASUREMENT_COLS,
                &self.measurements,
            ),
            ("intervention_team", TEAM_COLS, &self.team),
            ("documents", DOCUMENT_COLS, &self.documents),
            (
                "intervention_attachments",
                ATTACHMENT_COLS,
                &self.attachments,
            ),
            ("communication_log", COMM_COLS, &self.comms),
        ]
    }

    pub fn tables(&mut self) -> [(&'static str, &'static str, &mut Rows); 10] {
        [
            ("students", STUDENT_COLS, &mut self.students),
            ("student_guardians", GUARDIAN_COLS, &mut self.guardians),
            ("interventions", INTERVENTION_COLS, &mut self.interventions),
            ("intervention_goals", GOAL_COLS, &mut self.goals),
            ("intervention_sessions", SESSION_COLS, &mut self.sessions),
            (
                "progress_measurements",
                MEASUREMENT_COLS,
                &mut self.measurements,
            ),
            ("intervention_team", TEAM_COLS, &mut self.team),
            ("documents", DOCUMENT_COLS, &mut self.documents),
            (
                "intervention_attachments",
                ATTACHMENT_COLS,
                &mut self.attachments,
            ),
            ("communication_log", COMM_COLS, &mut self.comms),
        ]
    }
}

impl Default for Chunk {
    fn default() -> Self {
        Self::new()
    }
}

const GRADES_ALL: &[&str] = &[
    "PK", "KG", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12",
];

fn grade_index(g: &str) -> i32 {
    GRADES_ALL
        .iter()
        .position(|x| *x == g)
        .map_or(1, |p| p as i32)
        - 1
}

struct Guardian {
    id: Uuid,
    email: bool,
    phone: bool,
    channel: Option<&'static str>,
}

struct Started {
    id: Uuid,
    start: NaiveDate,
    last: NaiveDate,
    itype: &'static str,
    owner: Uuid,
    team: Vec<Uuid>,
    sessions: Vec<(Uuid, NaiveDate, bool)>,
}

/// Per-student generation state.
struct Ctx<'a> {
    d: &'a District,
    rng: ChaCha8Rng,
    today: NaiveDate,
    school: usize,
    counselor: Option<Uuid>,
}

impl Ctx<'_> {
    fn days(&mut self, lo: i64, hi: i64) -> Duration {
        Duration::days(self.rng.random_range(lo..=hi))
    }
    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }
    fn interventionist(&mut self) -> Uuid {
        let s = &self.d.staff[self.school];
        *pick(&mut self.rng, &s.interventionists)
    }
    fn teacher(&mut self) -> Uuid {
        let s = &self.d.staff[self.school];
        *pick(&mut self.rng, &s.teachers)
    }
}

pub fn student(d: &District, base: &ChaCha8Rng, index: u32, out: &mut Chunk) {
    let mut rng = base.clone();
    rng.set_stream(u64::from(index) + 1);
    let (school, seq) = d.school_of(index);
    let counselor = counselor_for(d, school, seq, &mut rng);
    let mut c = Ctx {
        d,
        rng,
        today: d.today,
        school,
        counselor,
    };
    let id = new_uuid(&mut c.rng);
    let culture = culture(&mut c.rng);
    let (first, last, preferred) = student_name(&mut c.rng, culture, index);

    let sc = &d.schools[school];
    let grade = if sc.grades[0] == "PK" && c.chance(0.6) {
        // Pre-K classes are smaller than the grades above them.
        sc.grades[c.rng.random_range(1..sc.grades.len())]
    } else {
        pick(&mut c.rng, sc.grades)
    };
    let g = grade_index(grade);
    let year = d.year_start.year();
    let held_back = i32::from(c.chance(0.03));
    let born_year = year - g - 6 - held_back;
    let dob = NaiveDate::from_ymd_opt(born_year, 9, 2).unwrap_or(d.year_start) + c.days(0, 364);
    let years_here = (g - grade_index(sc.grades[0])).max(0);
    let mut enrolled = NaiveDate::from_ymd_opt(year - years_here, 8, 20).unwrap_or(d.year_start);
    if c.chance(0.12) {
        enrolled += c.days(20, 150);
    }
    let enrolled = enrolled.min(c.today - Duration::days(1));
    let mut status = weighted(
        &mut c.rng,
        &[
            ("active", 900),
            ("pending", 30),
            ("inactive", 25),
            ("transferred", 20),
            ("withdrawn", 15),
            ("graduated", 10),
        ],
    );
    if status == "graduated" && grade != "12" {
        status = "withdrawn";
    }
    let (enrolled, exit) = match status {
        "pending" => (c.today + c.days(1, 14), None),
        "transferred" | "withdrawn" | "graduated" => {
            let span = (c.today - enrolled).num_days().max(1);
            (enrolled, Some(enrolled + c.days(1, span.min(150))))
        }
        _ => (enrolled, None),
    };
    let iep = c.chance(0.14);
    let s504 = !iep && c.chance(0.055);
    let el = c.chance(if culture.language == "English" {
        0.02
    } else {
        0.2
    });
    let created = at(enrolled.min(c.today) - Duration::days(3), 13, 0);
    let sourced = new_uuid(&mut c.rng);
    out.students
        .uuid(id)
        .uuid(sc.id)
        .text(&format!("{:07}", 1_000_000 + index))
        .text(&format!(
            "{}",
            4_100_000_000u64 + (u64::from(index) * 2_654_435_761) % 1_000_000_000
        ))
        .text(&sourced.to_string())
        .text(first)
        .text(&last)
        .opt_text(preferred)
        .date(dob)
        .text(grade)
        .text(status)
        .opt_uuid(counselor)
        .bool(iep)
        .bool(s504)
        .bool(el)
        .date(enrolled)
        .opt_date(exit)
        .ts(created)
        .ts(created)
        .end();

    let guardians = guardians(&mut c, id, culture, &last, out);

    let on_demo = counselor == Some(d.demo_counselor);
    let p_interventions = if on_demo {
        0.5
    } else if iep || el {
        0.38
    } else {
        0.25
    };
    let mut started: Vec<Started> = Vec::new();
    let mut any_interventions = Vec::new();
    if matches!(status, "active" | "inactive") && c.chance(p_interventions) {
        let n = weighted(&mut c.rng, &[(1u8, 78), (2, 22)]);
        let mut used_types: Vec<&str> = Vec::new();
        for k in 0..n {
            let escalate = k == 0 && c.chance(0.15);
            let previous = if escalate {
                let earlier = intervention(&mut c, id, Plan::Earlier, None, &used_types, out);
                if let Some(s) = earlier.started {
                    started.push(s);
                }
                any_interventions.push(earlier.id);
                Some((earlier.id, earlier.itype, earlier.ended))
            } else {
                None
            };
            let made = intervention(&mut c, id, Plan::Current, previous, &used_types, out);
            used_types.push(made.itype);
            if let Some(s) = made.started {
                started.push(s);
            }
            any_interventions.push(made.id);
        }
    }
    documents(&mut c, id, &started, out);
    let p_comms = if started.is_empty() {
        if any_interventions.is_empty() {
            0.04
        } else {
            0.5
        }
    } else if on_demo {
        0.95
    } else {
        0.6
    };
    if c.chance(p_comms) {
        communications(&mut c, id, &guardians, &any_interventions, &started, out);
    }
}

fn counselor_for(d: &District, school: usize, seq: u32, rng: &mut ChaCha8Rng) -> Option<Uuid> {
    let list = &d.staff[school].counselors;
    if school == 0 {
        if seq < d.demo_caseload {
            return list.first().copied();
        }
        let others = &list[1.min(list.len())..];
        if others.is_empty() {
            return list.first().copied();
        }
        return Some(others[seq as usize % others.len()]);
    }
    if rng.random_bool(0.03) || list.is_empty() {
        return None;
    }
    Some(list[seq as usize % list.len()])
}

fn student_name(
    rng: &mut ChaCha8Rng,
    c: &'static Culture,
    index: u32,
) -> (&'static str, String, Option<&'static str>) {
    let first = *pick(rng, c.given);
    let mut last = (*pick(rng, c.family)).to_string();
    if c.double_family && rng.random_bool(0.2) {
        let second = *pick(rng, c.family);
        if second != last && !second.contains(' ') && !last.contains(' ') {
            last = format!("{last}-{second}");
        }
    }
    // Students 3 and 7 always get wide characters, so even a tiny demo
    // exercises the UI's width handling.
    let roll = match index {
        3 => 0,
        7 => 5,
        _ => rng.random_range(0..1000),
    };
    let preferred = if roll < 4 {
        Some(*pick(rng, CJK_PREFERRED))
    } else if roll < 100 {
        Some(*pick(rng, NICKNAMES))
    } else {
        None
    };
    if (4..7).contains(&roll) {
        last = (*pick(rng, CJK_FAMILY)).to_string();
    }
    (first, last, preferred)
}

const RELATIONSHIPS: &[(&str, u32)] = &[
    ("mother", 40),
    ("father", 30),
    ("parent", 5),
    ("grandparent", 8),
    ("stepparent", 4),
    ("aunt_uncle", 4),
    ("foster_parent", 2),
    ("guardian", 4),
    ("sibling", 1),
    ("other", 2),
];

const MAIL_DOMAINS: &[&str] = &[
    "gmail.com",
    "yahoo.com",
    "outlook.com",
    "icloud.com",
    "hotmail.com",
    "proton.me",
    "comcast.net",
];

const GUARDIAN_NOTES: &[&str] = &[
    "Works nights; call after 4 pm.",
    "Prefers an interpreter for meetings.",
    "Please don't call at work.",
    "Shares custody week on / week off.",
    "Grandma picks up on Tuesdays and Thursdays.",
    "Text first, then call.",
    "Dad is deployed until spring; mom is main contact.",
];

fn guardians(
    c: &mut Ctx,
    student: Uuid,
    culture: &'static Culture,
    last: &str,
    out: &mut Chunk,
) -> Vec<Guardian> {
    let n = weighted(&mut c.rng, &[(1u8, 30), (2, 60), (3, 10)]);
    let mut list = Vec::with_capacity(n as usize);
    let created = at(c.today - Duration::days(300), 14, 0);
    for k in 0..n {
        let id = new_uuid(&mut c.rng);
        let rel = weighted(&mut c.rng, RELATIONSHIPS);
        let female = match rel {
            "mother" => Some(true),
            "father" => Some(false),
            _ => None,
        };
        let given = culture.given[culture.given_index(c.rng.random(), female)];
        let family: String = if c.chance(0.75) {
            last.to_string()
        } else {
            (*pick(&mut c.rng, culture.family)).to_string()
        };
        let email = c.chance(0.8).then(|| {
            let mut local = names::fold_ascii(given);
            if local.is_empty() {
                local.push_str("family");
            }
            let f = names::fold_ascii(&family);
            if !f.is_empty() {
                local.push('.');
                local.push_str(&f);
            }
            let n: u32 = c.rng.random_range(1..999);
            format!("{local}{n}@{}", pick(&mut c.rng, MAIL_DOMAINS))
        });
        let phone = c.chance(0.9).then(|| {
            if c.chance(0.04) {
                format!(
                    "+52 33 {:04} {:04}",
                    c.rng.random_range(1000..9999),
                    c.rng.random_range(0..9999)
                )
            } else {
                format!(
                    "({}) 555-{:04}",
                    pick(&mut c.rng, &["612", "651", "763", "952", "320", "507"]),
                    c.rng.random_range(100..9999)
                )
            }
        });
        let channel = match (email.is_some(), phone.is_some()) {
            (true, true) => weighted(
                &mut c.rng,
                &[
                    (Some("phone"), 40),
                    (Some("sms"), 25),
                    (Some("email"), 25),
                    (None, 10),
                ],
            ),
            (false, true) => weighted(
                &mut c.rng,
                &[(Some("phone"), 60), (Some("sms"), 35), (None, 5)],
            ),
            (true, false) => Some("email"),
            (false, false) => {
                weighted(&mut c.rng, &[(Some("letter"), 60), (Some("in_person"), 40)])
            }
        };
        let language = if culture.language != "English" && c.chance(0.6) {
            culture.language
        } else {
            "English"
        };
        let parent = matches!(
            rel,
            "mother" | "father" | "parent" | "guardian" | "foster_parent"
        );
        let custody = parent || (rel == "grandparent" && c.chance(0.3));
        let no_contact = k > 0 && c.chance(0.01);
        let note = if no_contact {
            Some("Court order on file: no contact, no information released.")
        } else if c.chance(0.06) {
            Some(*pick(&mut c.rng, GUARDIAN_NOTES))
        } else {
            None
        };
        out.guardians
            .uuid(id)
            .uuid(student)
            .text(given)
            .text(&family)
            .text(rel)
            .opt_text(email.as_deref())
            .opt_text(phone.as_deref())
            .text(language)
            .opt_text(channel)
            .int(i64::from(k) + 1)
            .bool(custody && !no_contact)
            .bool(!no_contact && (k < 2 || c.chance(0.5)))
            .bool(parent && !no_contact)
            .bool(!no_contact && c.chance(0.97))
            .opt_text(note)
            .ts(created)
            .ts(created)
            .end();
        if !no_contact {
            list.push(Guardian {
                id,
                email: email.is_some(),
                phone: phone.is_some(),
                channel,
            });
        }
    }
    list
}

#[derive(Clone, Copy, PartialEq)]
enum Plan {
    /// The first link of an escalation chain: tier 2, already closed.
    Earlier,
    Current,
}

struct Made {
    id: Uuid,
    itype: &'static str,
    ended: Option<NaiveDate>,
    started: Option<Started>,
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

fn intervention(
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
        for k in 0..n {
            let t =
                &templates[(k as usize + c.rng.random_range(0..templates.len())) % templates.len()];
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

struct GoalTemplate {
    statement: &'static str,
    measure: &'static str,
    unit: &'static str,
    increase: bool,
    base: (f64, f64),
    delta: (f64, f64),
    max: f64,
}

struct GoalPlan {
    id: Uuid,
    base: f64,
    target: f64,
    max: f64,
    trajectory: f64,
    start: NaiveDate,
    target_date: NaiveDate,
}

fn goal_templates(itype: &str) -> &'static [GoalTemplate] {
    const READING: &[GoalTemplate] = &[
        GoalTemplate {
            statement: "Will read grade-level passages at {target} words correct per minute.",
            measure: "Oral reading fluency",
            unit: "wcpm",
            increase: true,
            base: (25.0, 90.0),
            delta: (15.0, 40.0),
            max: 250.0,
        },
        GoalTemplate {
            statement: "Will decode multisyllabic words with {target}% accuracy.",
            measure: "Decoding accuracy",
            unit: "%",
            increase: true,
            base: (45.0, 75.0),
            delta: (10.0, 25.0),
            max: 100.0,
        },
    ];
    const MATH: &[GoalTemplate] = &[
        GoalTemplate {
            statement: "Will compute {target} digits correct in 2 minutes on mixed probes.",
            measure: "Math computation (M-COMP)",
            unit: "digits",
            increase: true,
            base: (6.0, 30.0),
            delta: (8.0, 20.0),
            max: 120.0,
        },
        GoalTemplate {
            statement: "Will solve two-step word problems with {target}% accuracy.",
            measure: "Problem-solving accuracy",
            unit: "%",
            increase: true,
            base: (30.0, 60.0),
            delta: (15.0, 30.0),
            max: 100.0,
        },
    ];
    const WRITING: &[GoalTemplate] = &[GoalTemplate {
        statement: "Will write {target} correct writing sequences in 3 minutes.",
        measure: "Correct writing sequences",
        unit: "CWS",
        increase: true,
        base: (8.0, 30.0),
        delta: (8.0, 20.0),
        max: 150.0,
    }];
    const BEHAVIOR: &[GoalTemplate] = &[
        GoalTemplate {
            statement: "Will earn {target}% of daily point-card points.",
            measure: "Daily point card",
            unit: "%",
            increase: true,
            base: (40.0, 65.0),
            delta: (15.0, 30.0),
            max: 100.0,
        },
        GoalTemplate {
            statement: "Will have no more than {target} office referrals per week.",
            measure: "Office discipline referrals",
            unit: "per week",
            increase: false,
            base: (2.0, 6.0),
            delta: (2.0, 5.0),
            max: 20.0,
        },
    ];
    const SEL: &[GoalTemplate] = &[
        GoalTemplate {
            statement: "Will use a coping strategy when upset, rated {target} of 5 by staff.",
            measure: "Self-regulation rating",
            unit: "rating (1–5)",
            increase: true,
            base: (1.0, 2.5),
            delta: (1.5, 2.5),
            max: 5.0,
        },
        GoalTemplate {
            statement: "Will reduce classroom outbursts to {target} per week.",
            measure: "Outbursts",
            unit: "per week",
            increase: false,
            base: (3.0, 8.0),
            delta: (2.0, 6.0),
            max: 30.0,
        },
    ];
    const ATTENDANCE: &[GoalTemplate] = &[
        GoalTemplate {
            statement: "Will attend school {target}% of days.",
            measure: "Attendance rate",
            unit: "%",
            increase: true,
            base: (70.0, 86.0),
            delta: (6.0, 15.0),
            max: 100.0,
        },
        GoalTemplate {
            statement: "Will be tardy no more than {target} times per month.",
            measure: "Tardies",
            unit: "per month",
            increase: false,
            base: (5.0, 12.0),
            delta: (3.0, 8.0),
            max: 25.0,
        },
    ];
    const OTHER: &[GoalTemplate] = &[GoalTemplate {
        statement: "Will complete and turn in {target}% of assignments.",
        measure: "Assignment completion",
        unit: "%",
        increase: true,
        base: (20.0, 60.0),
        delta: (15.0, 35.0),
        max: 100.0,
    }];
    const SPEECH: &[GoalTemplate] = &[GoalTemplate {
        statement: "Will produce target sounds in conversation with {target}% accuracy.",
        measure: "Target sound accuracy",
        unit: "%",
        increase: true,
        base: (30.0, 60.0),
        delta: (15.0, 35.0),
        max: 100.0,
    }];
    match itype {
        "reading" => READING,
        "math" => MATH,
        "writing" => WRITING,
        "behavior" => BEHAVIOR,
        "social_emotional" => SEL,
        "attendance" => ATTENDANCE,
        "communication_language" => SPEECH,
        _ => OTHER,
    }
}

fn fmt_num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

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

fn sessions(
    c: &mut Ctx,
    s: &mut Started,
    def: Option<&'static super::reference::ProgramDef>,
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

fn field_values(c: &mut Ctx, def: Option<&'static super::reference::ProgramDef>) -> String {
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

const DOCS: &[(&str, &str, bool)] = &[
    ("Reading benchmark - Fall.pdf", "application/pdf", false),
    ("Signed consent form.pdf", "application/pdf", false),
    (
        "Behavior plan v2.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        false,
    ),
    ("Attendance letter (Spanish).pdf", "application/pdf", false),
    ("IEP at a glance.pdf", "application/pdf", true),
    ("Parent note – scan.jpg", "image/jpeg", false),
    ("Work sample: \"My summer\".png", "image/png", false),
    ("Psych eval summary.pdf", "application/pdf", true),
];

fn documents(c: &mut Ctx, student: Uuid, started: &[Started], out: &mut Chunk) {
    let p = if started.is_empty() { 0.02 } else { 0.2 };
    if !c.chance(p) {
        return;
    }
    let n = c.rng.random_range(1..=3);
    for _ in 0..n {
        let id = new_uuid(&mut c.rng);
        let (filename, ctype, restricted) = *pick(&mut c.rng, DOCS);
        let size: i64 = c.rng.random_range(18_000..2_400_000);
        let mut h = Sha256::new();
        h.update(format!("caseload demo document {id} {size}").as_bytes());
        let sha = hex::encode(h.finalize());
        let uploaded_by = started.first().map_or_else(|| c.teacher(), |s| s.owner);
        let when = at(c.today - c.days(1, 120), 16, c.rng.random_range(0..60));
        let deleted = c.chance(0.03).then(|| when + Duration::days(2));
        out.documents
            .uuid(id)
            .uuid(student)
            .text("s3")
            .text("caseload-demo")
            .text(&format!("students/{student}/{id}"))
            .text(filename)
            .text(ctype)
            .int(size)
            .text(&sha)
            .uuid(uploaded_by)
            .bool(restricted)
            .opt_ts(deleted)
            .ts(when)
            .ts(deleted.unwrap_or(when))
            .end();
        if let Some(s) = started.first()
            && c.chance(0.5)
        {
            let session =
                (!s.sessions.is_empty() && c.chance(0.3)).then(|| pick(&mut c.rng, &s.sessions).0);
            let caption = c.chance(0.7).then_some(match filename {
                f if f.starts_with("Reading") => "Baseline benchmark",
                f if f.starts_with("Signed") => "Parent consent",
                _ => "Supporting evidence",
            });
            out.attachments
                .uuid(s.id)
                .uuid(id)
                .opt_uuid(session)
                .opt_text(caption)
                .uuid(uploaded_by)
                .ts(when)
                .end();
        }
    }
}

const PURPOSES: &[&str] = &[
    "Intervention consent",
    "Progress update",
    "Attendance concern",
    "Schedule change",
    "Meeting request",
    "Behavior incident follow-up",
    "Celebrating progress",
    "Review meeting invitation",
];

const SUMMARIES: &[&str] = &[
    "Explained the reading group schedule; mom agreed and will sign the consent form.",
    "Shared the last 4 data points. Dad said he's noticed more reading at home.",
    "Left a voicemail asking for a call back about attendance.",
    "Parent asked, \"Can he stay in the group after winter break?\" — yes.",
    "Discussed the incident in the cafeteria. Agreed on a check-in plan.\nWill call again Friday.",
    "Sent the progress report and a link to the review meeting.",
    "Grandmother doesn't have email; will send a letter home instead.",
    "Used the district interpreter line (Somali). Family agreed to the plan.",
    "No answer; number may be out of date.",
];

fn communications(
    c: &mut Ctx,
    student: Uuid,
    guardians: &[Guardian],
    interventions: &[Uuid],
    started: &[Started],
    out: &mut Chunk,
) {
    let n = c.rng.random_range(1..=4);
    let staff = started
        .first()
        .map(|s| s.owner)
        .or(c.counselor)
        .unwrap_or_else(|| c.teacher());
    let mut thread_root: Option<(Uuid, chrono::NaiveDateTime, &'static str)> = None;
    for k in 0..n {
        let id = new_uuid(&mut c.rng);
        let guardian =
            (!guardians.is_empty() && c.chance(0.92)).then(|| pick(&mut c.rng, guardians));
        let reply_to = thread_root.filter(|_| k > 0 && c.chance(0.4));
        let occurred = match reply_to {
            Some((_, t, _)) => {
                (t + Duration::hours(c.rng.random_range(2..72))).min(at(c.today, 7, 0))
            }
            // Half of the contacts are recent, so the follow-up queue has
            // items due this week as well as overdue ones.
            None => at(
                c.today
                    - if c.chance(0.5) {
                        c.days(1, 10)
                    } else {
                        c.days(11, 75)
                    },
                c.rng.random_range(13..23),
                c.rng.random_range(0..60),
            ),
        };
        let channel: &'static str = match (reply_to, guardian) {
            (Some((_, _, ch)), _) => ch,
            (None, Some(g)) => g.channel.unwrap_or("phone"),
            (None, None) => "in_person",
        };
        let channel = match (channel, guardian) {
            ("email", Some(g)) if !g.email => "letter",
            ("phone" | "sms", Some(g)) if !g.phone => "letter",
            _ => channel,
        };
        let direction = if reply_to.is_some() {
            "inbound"
        } else {
            weighted(&mut c.rng, &[("outbound", 8), ("inbound", 2)])
        };
        let result = match channel {
            "phone" => Some(weighted(
                &mut c.rng,
                &[("reached", 6), ("left_message", 3), ("unreachable", 1)],
            )),
            "in_person" | "video" => Some(weighted(&mut c.rng, &[("reached", 9), ("no_show", 1)])),
            "sms" | "email" => c.chance(0.6).then_some("reached"),
            _ => None,
        };
        let purpose = *pick(&mut c.rng, PURPOSES);
        let summary = c.chance(0.9).then(|| *pick(&mut c.rng, SUMMARIES));
        let (due, done) = if c.chance(0.45) {
            let due = occurred.date() + c.days(2, 14);
            let p_done = if due < c.today { 0.7 } else { 0.1 };
            let done = c.chance(p_done).then(|| {
                at(due - c.days(0, 2), 19, 0)
                    .max(occurred)
                    .min(at(c.today, 7, 0))
            });
            (Some(due), done)
        } else {
            (None, None)
        };
        let intervention =
            (!interventions.is_empty() && c.chance(0.7)).then(|| *pick(&mut c.rng, interventions));
        out.comms
            .uuid(id)
            .uuid(student)
            .opt_uuid(intervention)
            .opt_uuid(guardian.map(|g| g.id))
            .uuid(staff)
            .text(direction)
            .text(channel)
            .text(purpose)
            .ts(occurred)
            .opt_text(summary)
            .opt_text(result)
            .opt_date(due)
            .opt_uuid(due.map(|_| staff))
            .opt_ts(done)
            .opt_uuid(reply_to.map(|r| r.0))
            .bool(c.chance(0.02))
            .ts(occurred)
            .ts(done.unwrap_or(occurred))
            .end();
        if thread_root.is_none() {
            thread_root = Some((id, occurred, channel));
        }
    }
}
