//! One student and everything hanging off them: guardians, interventions,
//! goals, sessions, progress data, team, documents, communications.
//!
//! Each student draws from their own ChaCha stream (stream = index + 1), so
//! a student's rows depend only on (seed, index, today, district) and not on
//! how the work is chunked.

mod communications;
mod documents;
mod goals;
mod guardians;
mod interventions;
mod sessions;

use super::copy::Rows;
use super::names::{CJK_FAMILY, CJK_PREFERRED, Culture, NICKNAMES};
use super::reference::{District, at, culture, new_uuid, pick, weighted};
use chrono::{Datelike, Duration, NaiveDate};
use communications::communications;
use documents::documents;
use guardians::guardians;
use interventions::{Plan, intervention};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
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
