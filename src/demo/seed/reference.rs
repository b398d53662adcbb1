//! The district: schools, staff and their roles, tools and menus, programs,
//! jobs. Small tables, generated whole from the seed's stream 0 before any
//! student, because students refer to all of them.

use super::copy::Rows;
use super::names::{self, CULTURES, Culture};
use super::{DEMO_ADMIN, DEMO_COORDINATOR, DEMO_COUNSELOR};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeSet;
use uuid::Uuid;

pub fn new_uuid(rng: &mut ChaCha8Rng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.random()).into_uuid()
}

pub fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

pub fn weighted<T: Copy>(rng: &mut ChaCha8Rng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut x = rng.random_range(0..total.max(1));
    for &(v, w) in items {
        if x < w {
            return v;
        }
        x -= w;
    }
    items[items.len() - 1].0
}

pub fn culture(rng: &mut ChaCha8Rng) -> &'static Culture {
    let total: u32 = CULTURES.iter().map(|c| c.weight).sum();
    let mut x = rng.random_range(0..total);
    for c in CULTURES {
        if x < c.weight {
            return c;
        }
        x -= c.weight;
    }
    &CULTURES[0]
}

pub fn at(d: NaiveDate, h: u32, m: u32) -> NaiveDateTime {
    d.and_hms_opt(h, m, 0).unwrap_or_default()
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Elementary,
    Middle,
    High,
}

pub struct School {
    pub id: Uuid,
    pub kind: Kind,
    /// Grade codes this school serves, lowest first.
    pub grades: &'static [&'static str],
    /// How many students the generator places here.
    pub enrolled: u32,
}

#[derive(Default)]
pub struct SchoolStaff {
    pub counselors: Vec<Uuid>,
    pub interventionists: Vec<Uuid>,
    pub teachers: Vec<Uuid>,
    pub coordinator: Option<Uuid>,
}

pub struct Program {
    pub id: Uuid,
    pub def: &'static ProgramDef,
    pub school: Option<usize>,
    pub active: bool,
}

pub enum FieldKind {
    Number {
        min: i32,
        max: i32,
        lo: i32,
        hi: i32,
    },
    Rating {
        min: i32,
        max: i32,
    },
    Multi(&'static [&'static str]),
    Single(&'static [&'static str]),
    Boolean,
    Text(&'static [&'static str]),
}

pub struct FieldDef {
    pub key: &'static str,
    pub label: &'static str,
    pub required: bool,
    /// `carry_over`: what stays the same from session to session (the
    /// level, the book, the target sound) opens filled; what is observed
    /// each time (scores, points, a mood) opens empty.
    pub carry: bool,
    pub kind: FieldKind,
}

pub struct ProgramDef {
    pub name: &'static str,
    pub itype: &'static str,
    pub tier: i64,
    pub per_week: i64,
    pub minutes: i64,
    pub weeks: i64,
    pub monitoring: &'static str,
    pub measure: &'static str,
    pub fields: &'static [FieldDef],
}

const ENGAGEMENT: FieldDef = FieldDef {
    key: "engagement",
    label: "Engagement",
    required: false,
    carry: false,
    kind: FieldKind::Rating { min: 1, max: 5 },
};

pub const PROGRAMS: &[ProgramDef] = &[
    ProgramDef {
        name: "Read Naturally Live",
        itype: "reading",
        tier: 2,
        per_week: 3,
        minutes: 30,
        weeks: 12,
        monitoring: "weekly",
        measure: "Words correct per minute (ORF)",
        fields: &[
            FieldDef {
                key: "wcpm",
                label: "Words correct per minute",
                required: true,
                carry: false,
                kind: FieldKind::Number {
                    min: 0,
                    max: 300,
                    lo: 30,
                    hi: 140,
                },
            },
            FieldDef {
                key: "story_level",
                label: "Story level",
                required: false,
                carry: true,
                kind: FieldKind::Single(&["1.0", "1.5", "2.0", "2.5", "3.0", "3.5", "4.0"]),
            },
            ENGAGEMENT,
            FieldDef {
                key: "skills",
                label: "Skills practised",
                required: false,
                carry: false,
                kind: FieldKind::Multi(&["phonics", "fluency", "vocabulary", "comprehension"]),
            },
        ],
    },
    ProgramDef {
        name: "Lexia Core5",
        itype: "reading",
        tier: 2,
        per_week: 4,
        minutes: 20,
        weeks: 16,
        monitoring: "biweekly",
        measure: "Units completed",
        fields: &[
            FieldDef {
                key: "units",
                label: "Units completed",
                required: true,
                carry: false,
                kind: FieldKind::Number {
                    min: 0,
                    max: 20,
                    lo: 0,
                    hi: 4,
                },
            },
            FieldDef {
                key: "level",
                label: "Core5 level",
                required: false,
                carry: true,
                kind: FieldKind::Single(&[
                    "Level 4", "Level 5", "Level 6", "Level 7", "Level 8", "Level 9",
                ]),
            },
            ENGAGEMENT,
        ],
    },
    ProgramDef {
        name: "Wilson Reading System",
        itype: "reading",
        tier: 3,
        per_week: 5,
        minutes: 45,
        weeks: 20,
        monitoring: "weekly",
        measure: "Nonsense word fluency",
        fields: &[
            FieldDef {
                key: "substep",
                label: "Substep",
                required: true,
                carry: true,
                kind: FieldKind::Single(&["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "2.1", "2.2"]),
            },
            FieldDef {
                key: "nwf",
                label: "Nonsense words correct",
                required: false,
                carry: false,
                kind: FieldKind::Number {
                    min: 0,
                    max: 100,
                    lo: 10,
                    hi: 60,
                },
            },
            FieldDef {
                key: "mastery",
                label: "Substep mastered",
                required: false,
                carry: false,
                kind: FieldKind::Boolean,
            },
        ],
    },
    ProgramDef {
        name: "Bridges Math Intervention",
        itype: "math",
        tier: 2,
        per_week: 3,
        minutes: 30,
        weeks: 10,
        monitoring: "weekly",
        measure: "Digits correct in 2 minutes",
        fields: &[
            FieldDef {
                key: "module",
                label: "Module",
                required: true,
                carry: true,
                kind: FieldKind::Single(&[
                    "Module 1", "Module 2", "Module 3", "Module 4", "Module 5",
                ]),
            },
            FieldDef {
                key: "digits_correct",
                label: "Digits correct (2 min)",
                required: false,
                carry: false,
                kind: FieldKind::Number {
                    min: 0,
                    max: 120,
                    lo: 8,
                    hi: 50,
                },
            },
            ENGAGEMENT,
        ],
    },
    ProgramDef {
        name: "Do the Math Now!",
        itype: "math",
        tier: 3,
        per_week: 5,
        minutes: 40,
        weeks: 15,
        monitoring: "weekly",
        measure: "Computation accuracy (%)",
        fields: &[
            FieldDef {
                key: "accuracy",
                label: "Accuracy %",
                required: true,
                carry: false,
                kind: FieldKind::Number {
                    min: 0,
                    max: 100,
                    lo: 40,
                    hi: 95,
                },
            },
            FieldDef {
                key: "strategies",
                label: "Strategies used",
                required: false,
                carry: false,
                kind: FieldKind::Multi(&[
                    "number line",
                    "arrays",
                    "make ten",
                    "partial sums",
                    "fact families",
                ]),
            },
        ],
    },
    ProgramDef {
        name: "Step Up to Writing",
        itype: "writing",
        tier: 2,
        per_week: 2,
        minutes: 30,
        weeks: 10,
        monitoring: "biweekly",
        measure: "Correct writing sequences (3 min)",
        fields: &[
            FieldDef {
                key: "cws",
                label: "Correct writing sequences",
                required: false,
                carry: false,
                kind: FieldKind::Number {
                    min: 0,
                    max: 150,
                    lo: 10,
                    hi: 60,
                },
            },
            FieldDef {
                key: "genre",
                label: "Genre",
                required: false,
                carry: true,
                kind: FieldKind::Single(&["narrative", "informative", "opinion"]),
            },
            FieldDef {
                key: "prompt",
                label: "Prompt",
                required: false,
                carry: false,
                kind: FieldKind::Text(&[
                    "My favorite place",
                    "A time I helped someone",
                    "Should recess be longer?",
                ]),
            },
        ],
    },
    ProgramDef {
        name: "Check-In/Check-Out",
        itype: "behavior",
        tier: 2,
        per_week: 5,
        minutes: 10,
        weeks: 8,
        monitoring: "weekly",
        measure: "Daily point card (% of points)",
        fields: &[
            FieldDef {
                key: "points_pct",
                label: "Points earned %",
                required: true,
                carry: false,
                kind: FieldKind::Number {
                    min: 0,
                    max: 100,
                    lo: 45,
                    hi: 95,
                },
            },
            FieldDef {
                key: "goal_met",
                label: "Daily goal met",
                required: false,
                carry: false,
                kind: FieldKind::Boolean,
            },
            FieldDef {
                key: "mood",
                label: "Mood at check-in",
                required: false,
                carry: false,
                kind: FieldKind::Single(&["great", "ok", "tired", "upset"]),
            },
        ],
    },
    ProgramDef {
        name: "Second Step small group",
        itype: "social_emotional",
        tier: 2,
        per_week: 1,
        minutes: 30,
        weeks: 8,
        monitoring: "biweekly",
        measure: "Self-regulation rating (1–5)",
        fields: &[
            FieldDef {
                key: "lesson",
                label: "Lesson",
                required: true,
                carry: false,
                kind: FieldKind::Single(&[
                    "Unit 1: Growth mindset",
                    "Unit 2: Emotion management",
                    "Unit 3: Empathy",
                    "Unit 4: Problem solving",
                ]),
            },
            FieldDef {
                key: "self_regulation",
                label: "Self-regulation",
                required: false,
                carry: false,
                kind: FieldKind::Rating { min: 1, max: 5 },
            },
            ENGAGEMENT,
        ],
    },
    ProgramDef {
        name: "Zones of Regulation",
        itype: "social_emotional",
        tier: 2,
        per_week: 2,
        minutes: 25,
        weeks: 10,
        monitoring: "weekly",
        measure: "Self-regulation rating (1–5)",
        fields: &[
            FieldDef {
                key: "zone",
                label: "Zone at start",
                required: false,
                carry: false,
                kind: FieldKind::Single(&["blue", "green", "yellow", "red"]),
            },
            FieldDef {
                key: "tools",
                label: "Tools used",
                required: false,
                carry: false,
                kind: FieldKind::Multi(&[
                    "deep breathing",
                    "movement break",
                    "fidget",
                    "talk to adult",
                    "quiet corner",
                ]),
            },
            FieldDef {
                key: "self_regulation",
                label: "Self-regulation",
                required: true,
                carry: false,
                kind: FieldKind::Rating { min: 1, max: 5 },
            },
        ],
    },
    ProgramDef {
        name: "Attendance mentoring",
        itype: "attendance",
        tier: 2,
        per_week: 1,
        minutes: 20,
        weeks: 12,
        monitoring: "monthly",
        measure: "Attendance rate (%)",
        fields: &[
            FieldDef {
                key: "days_absent_week",
                label: "Days absent this week",
                required: true,
                carry: false,
                kind: FieldKind::Number {
                    min: 0,
                    max: 5,
                    lo: 0,
                    hi: 2,
                },
            },
            FieldDef {
                key: "barriers",
                label: "Barriers discussed",
                required: false,
                carry: false,
                kind: FieldKind::Multi(&[
                    "transportation",
                    "health",
                    "sibling care",
                    "sleep",
                    "anxiety",
                    "housing",
                ]),
            },
            FieldDef {
                key: "family_contacted",
                label: "Family contacted",
                required: false,
                carry: false,
                kind: FieldKind::Boolean,
            },
        ],
    },
    ProgramDef {
        name: "Social skills lunch bunch",
        itype: "social_emotional",
        tier: 2,
        per_week: 1,
        minutes: 30,
        weeks: 6,
        monitoring: "biweekly",
        measure: "Positive peer interactions per session",
        fields: &[
            FieldDef {
                key: "interactions",
                label: "Positive peer interactions",
                required: false,
                carry: false,
                kind: FieldKind::Number {
                    min: 0,
                    max: 30,
                    lo: 1,
                    hi: 10,
                },
            },
            ENGAGEMENT,
        ],
    },
    ProgramDef {
        name: "Speech articulation group",
        itype: "communication_language",
        tier: 2,
        per_week: 2,
        minutes: 30,
        weeks: 12,
        monitoring: "monthly",
        measure: "Target sound accuracy (%)",
        fields: &[
            FieldDef {
                key: "target_sound",
                label: "Target sound",
                required: true,
                carry: true,
                kind: FieldKind::Single(&["/r/", "/s/", "/l/", "/th/", "/k/"]),
            },
            FieldDef {
                key: "accuracy",
                label: "Accuracy %",
                required: true,
                carry: false,
                kind: FieldKind::Number {
                    min: 0,
                    max: 100,
                    lo: 40,
                    hi: 95,
                },
            },
        ],
    },
    ProgramDef {
        name: "Fast ForWord (legacy)",
        itype: "reading",
        tier: 2,
        per_week: 5,
        minutes: 30,
        weeks: 8,
        monitoring: "weekly",
        measure: "Progress index",
        fields: &[],
    },
    ProgramDef {
        name: "Paws for Reading",
        itype: "reading",
        tier: 1,
        per_week: 1,
        minutes: 20,
        weeks: 8,
        monitoring: "monthly",
        measure: "Reading stamina (minutes)",
        fields: &[
            FieldDef {
                key: "minutes_read",
                label: "Minutes read aloud",
                required: true,
                carry: false,
                kind: FieldKind::Number {
                    min: 0,
                    max: 60,
                    lo: 5,
                    hi: 25,
                },
            },
            FieldDef {
                key: "book",
                label: "Book",
                required: false,
                carry: true,
                kind: FieldKind::Text(&[
                    "Frog and Toad",
                    "Dog Man",
                    "Last Stop on Market Street",
                    "Esperanza Rising",
                ]),
            },
        ],
    },
];

/// Index of the inactive district program and of the one offered only by
/// the first school.
pub const INACTIVE_PROGRAM: usize = 12;
pub const SCHOOL_PROGRAM: usize = 13;

pub fn session_fields_json(def: &ProgramDef) -> String {
    let arr: Vec<serde_json::Value> = def
        .fields
        .iter()
        .map(|f| {
            let mut o = serde_json::Map::new();
            o.insert("key".into(), f.key.into());
            o.insert("label".into(), f.label.into());
            let ft = match &f.kind {
                FieldKind::Number { .. } => "number",
                FieldKind::Rating { .. } => "rating_scale",
                FieldKind::Multi(_) => "multi_select",
                FieldKind::Single(_) => "single_select",
                FieldKind::Boolean => "boolean",
                FieldKind::Text(_) => "text",
            };
            o.insert("field_type".into(), ft.into());
            o.insert("required".into(), f.required.into());
            if f.carry {
                o.insert("carry_over".into(), true.into());
            }
            match &f.kind {
                FieldKind::Number { min, max, .. } | FieldKind::Rating { min, max } => {
                    o.insert("min".into(), (*min).into());
                    o.insert("max".into(), (*max).into());
                }
                FieldKind::Multi(opts) | FieldKind::Single(opts) => {
                    o.insert(
                        "options".into(),
                        opts.iter().map(|s| serde_json::Value::from(*s)).collect(),
                    );
                }
                FieldKind::Boolean | FieldKind::Text(_) => {}
            }
            serde_json::Value::Object(o)
        })
        .collect();
    serde_json::Value::Array(arr).to_string()
}

const ELEMENTARY_PK: &[&str] = &["PK", "KG", "01", "02", "03", "04", "05"];
const ELEMENTARY: &[&str] = &["KG", "01", "02", "03", "04", "05"];
const MIDDLE: &[&str] = &["06", "07", "08"];
const HIGH: &[&str] = &["09", "10", "11", "12"];

const KIND_PATTERN: &[Kind] = &[
    Kind::Elementary,
    Kind::Middle,
    Kind::High,
    Kind::Elementary,
    Kind::Elementary,
    Kind::Middle,
    Kind::Elementary,
    Kind::High,
    Kind::Elementary,
    Kind::Elementary,
];

pub struct User {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub home_school: Option<usize>,
    pub is_active: bool,
    pub last_login: Option<NaiveDateTime>,
}

pub struct UserRole {
    pub user: Uuid,
    pub role: &'static str,
    pub school: Option<usize>,
    pub granted_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
}

pub struct Tool {
    pub id: Uuid,
    pub key: &'static str,
    pub name: &'static str,
    pub status: &'static str,
}

/// Everything students are generated against.
pub struct District {
    pub today: NaiveDate,
    /// First day of the current school year (mid-August).
    pub year_start: NaiveDate,
    pub schools: Vec<School>,
    pub staff: Vec<SchoolStaff>,
    pub users: Vec<User>,
    pub user_roles: Vec<UserRole>,
    pub programs: Vec<Program>,
    pub tools: Vec<Tool>,
    pub demo_admin: Uuid,
    pub demo_coordinator: Uuid,
    pub demo_counselor: Uuid,
    /// Students of the first school (by per-school sequence) on the demo
    /// counselor's caseload.
    pub demo_caseload: u32,
    pub district_coordinators: Vec<Uuid>,
    pub domain: &'static str,
}

impl District {
    pub fn school_of(&self, student: u32) -> (usize, u32) {
        let n = self.schools.len() as u32;
        ((student % n) as usize, student / n)
    }
}

struct Usernames {
    taken: BTreeSet<String>,
}

impl Usernames {
    fn make(&mut self, rng: &mut ChaCha8Rng, given: &str, family: &str) -> String {
        let g = names::fold_ascii(given);
        let mut f = names::fold_ascii(family);
        f.truncate(20);
        let g0 = g.chars().next().unwrap_or('x');
        let base = if rng.random_bool(0.7) || f.is_empty() {
            format!("{g0}{f}")
        } else {
            format!("{f}_{g0}")
        };
        // Reserved or system-looking role names would make a bad login.
        let base = if base.starts_with("pg_") || base.starts_with("demo_") || base == "public" {
            format!("u_{base}")
        } else {
            base
        };
        let mut name = base.clone();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        self.taken.insert(name.clone());
        name
    }
}

fn person(rng: &mut ChaCha8Rng) -> (&'static str, &'static str) {
    let c = culture(rng);
    (*pick(rng, c.given), *pick(rng, c.family))
}

pub fn district(rng: &mut ChaCha8Rng, students: u32, today: NaiveDate) -> District {
    let year = if (today.month(), today.day()) >= (8, 15) {
        today.year()
    } else {
        today.year() - 1
    };
    let year_start = NaiveDate::from_ymd_opt(year, 8, 15).unwrap_or(today);
    let n_schools = (students.div_ceil(500)).max(3) as usize;
    let mut schools = Vec::with_capacity(n_schools);
    for s in 0..n_schools {
        let kind = KIND_PATTERN[s % KIND_PATTERN.len()];
        let grades = match kind {
            Kind::Elementary if s % 3 == 0 => ELEMENTARY_PK,
            Kind::Elementary => ELEMENTARY,
            Kind::Middle => MIDDLE,
            Kind::High => HIGH,
        };
        let base = students / n_schools as u32;
        let enrolled = base + u32::from((s as u32) < students % n_schools as u32);
        schools.push(School {
            id: new_uuid(rng),
            kind,
            grades,
            enrolled,
        });
    }

    let mut names = Usernames {
        taken: BTreeSet::new(),
    };
    for d in [DEMO_ADMIN, DEMO_COORDINATOR, DEMO_COUNSELOR] {
        names.taken.insert(d.to_string());
    }
    let long_ago = at(today - Duration::days(420), 9, 0);
    let mut users = Vec::new();
    let mut user_roles = Vec::new();
    let add = |users: &mut Vec<User>,
               roles: &mut Vec<UserRole>,
               rng: &mut ChaCha8Rng,
               username: String,
               display: String,
               role: &'static str,
               home: Option<usize>| {
        let id = new_uuid(rng);
        let last_login = rng.random_bool(0.8).then(|| {
            at(
                today - Duration::days(rng.random_range(0..30)),
                rng.random_range(12..23),
                0,
            )
        });
        users.push(User {
            id,
            username,
            display_name: display,
            home_school: home,
            is_active: true,
            last_login,
        });
        roles.push(UserRole {
            user: id,
            role,
            school: home,
            granted_at: long_ago,
            expires_at: None,
        });
        id
    };

    let demo_admin = add(
        &mut users,
        &mut user_roles,
        rng,
        DEMO_ADMIN.into(),
        "Ngozi Adébáyọ̀".into(),
        "admin",
        None,
    );
    let demo_coordinator = add(
        &mut users,
        &mut user_roles,
        rng,
        DEMO_COORDINATOR.into(),
        "María José Peña".into(),
        "coordinator",
        Some(0),
    );
    user_roles.push(UserRole {
        user: demo_coordinator,
        role: "coordinator",
        school: Some(1),
        granted_at: long_ago,
        expires_at: None,
    });
    if n_schools > 3 {
        user_roles.push(UserRole {
            user: demo_coordinator,
            role: "coordinator",
            school: Some(3),
            granted_at: at(today - Duration::days(20), 9, 0),
            expires_at: Some(at(today + Duration::days(70), 23, 59)),
        });
    }
    let demo_counselor = add(
        &mut users,
        &mut user_roles,
        rng,
        DEMO_COUNSELOR.into(),
        "Siobhán Ní Bhriain".into(),
        "counselor",
        Some(0),
    );

    let mut mk =
        |users: &mut Vec<User>, roles: &mut Vec<UserRole>, rng: &mut ChaCha8Rng, role, home| {
            let (g, f) = person(rng);
            let u = names.make(rng, g, f);
            add(users, roles, rng, u, format!("{g} {f}"), role, home)
        };

    mk(&mut users, &mut user_roles, rng, "admin", None);
    let mut district_coordinators = Vec::new();
    for k in 0..2 {
        let id = mk(&mut users, &mut user_roles, rng, "coordinator", None);
        if k == 1 {
            // An interim appointment that runs out at the end of the term.
            if let Some(r) = user_roles.last_mut() {
                r.granted_at = at(today - Duration::days(45), 9, 0);
                r.expires_at = Some(at(today + Duration::days(120), 23, 59));
            }
        }
        district_coordinators.push(id);
    }
    let viewer = mk(&mut users, &mut user_roles, rng, "viewer", Some(0));
    let _ = viewer;

    let mut staff: Vec<SchoolStaff> = (0..n_schools).map(|_| SchoolStaff::default()).collect();
    staff[0].counselors.push(demo_counselor);
    for s in 0..n_schools {
        if s % 5 == 0 {
            let id = mk(&mut users, &mut user_roles, rng, "coordinator", Some(s));
            for t in s + 1..(s + 5).min(n_schools) {
                user_roles.push(UserRole {
                    user: id,
                    role: "coordinator",
                    school: Some(t),
                    granted_at: long_ago,
                    expires_at: None,
                });
            }
            for st in staff.iter_mut().skip(s).take(5) {
                st.coordinator = Some(id);
            }
        }
        let enrolled = schools[s].enrolled;
        let counselors = ((enrolled + 125) / 250).max(1);
        for _ in 0..counselors {
            let id = mk(&mut users, &mut user_roles, rng, "counselor", Some(s));
            staff[s].counselors.push(id);
        }
        let interventionists = ((enrolled + 150) / 300).max(1);
        for _ in 0..interventionists {
            let id = mk(&mut users, &mut user_roles, rng, "interventionist", Some(s));
            staff[s].interventionists.push(id);
        }
        for _ in 0..2 {
            let id = mk(&mut users, &mut user_roles, rng, "teacher", Some(s));
            staff[s].teachers.push(id);
        }
    }
    // A teacher who covered as interventionist last year (expired), and a
    // former teacher whose account was deactivated.
    let covering = staff[0].teachers[0];
    user_roles.push(UserRole {
        user: covering,
        role: "interventionist",
        school: Some(0),
        granted_at: at(today - Duration::days(300), 9, 0),
        expires_at: Some(at(today - Duration::days(30), 23, 59)),
    });
    let temp = staff[1].teachers[0];
    user_roles.push(UserRole {
        user: temp,
        role: "interventionist",
        school: Some(1),
        granted_at: at(today - Duration::days(10), 9, 0),
        expires_at: Some(at(today + Duration::days(50), 23, 59)),
    });
    let former = mk(&mut users, &mut user_roles, rng, "teacher", Some(2));
    if let Some(u) = users.iter_mut().find(|u| u.id == former) {
        u.is_active = false;
        u.last_login = Some(at(today - Duration::days(200), 15, 0));
    }

    let n0 = schools[0].enrolled;
    let demo_caseload = (n0 * 4 / 5).min(120);

    let mut programs = Vec::new();
    for (i, def) in PROGRAMS.iter().enumerate() {
        programs.push(Program {
            id: new_uuid(rng),
            def,
            school: (i == SCHOOL_PROGRAM).then_some(0),
            active: i != INACTIVE_PROGRAM,
        });
    }

    let tools = TOOLS
        .iter()
        .map(|&(key, name, status)| Tool {
            id: new_uuid(rng),
            key,
            name,
            status,
        })
        .collect();

    District {
        today,
        year_start,
        schools,
        staff,
        users,
        user_roles,
        programs,
        tools,
        demo_admin,
        demo_coordinator,
        demo_counselor,
        demo_caseload,
        district_coordinators,
        domain: "riverbend-usd.example.org",
    }
}

pub const TOOLS: &[(&str, &str, &str)] = &[
    ("roster", "Student roster", "approved"),
    ("caseload", "Caseload home", "approved"),
    ("student", "Student record", "approved"),
    ("interventions", "Interventions", "approved"),
    ("communications", "Communication log", "approved"),
    ("documents", "Documents", "approved"),
    ("jobs", "Background jobs", "approved"),
    ("reports", "Reports", "approved"),
    ("import", "Roster import (CSV)", "approved"),
    ("export", "Export (CSV)", "approved"),
    ("admin.users", "People", "approved"),
    ("admin.tools", "Tool approval", "approved"),
    ("admin.settings", "Settings", "approved"),
    ("admin.schools", "Schools", "approved"),
    ("admin.programs", "Intervention programs", "approved"),
    ("reports.fidelity", "Fidelity report", "submitted"),
    ("import.sis", "SIS import (OneRoster API)", "in_review"),
    ("legacy.export", "Legacy state export", "retired"),
    ("ai.summary", "AI session summaries", "rejected"),
    ("sessions.bulk", "Bulk session entry", "draft"),
];

/// (role, tool, scope). Non-approved tools granted on purpose: menus must
/// still hide them.
const ROLE_TOOLS: &[(&str, &[(&str, &str)])] = &[
    (
        "coordinator",
        &[
            ("roster", "school"),
            ("caseload", "school"),
            ("student", "school"),
            ("interventions", "school"),
            ("communications", "school"),
            ("documents", "school"),
            ("jobs", "own"),
            ("reports", "school"),
            ("export", "school"),
            ("reports.fidelity", "school"),
            // Their schools' values and programs (0033, 0028 enforce it).
            ("admin.settings", "school"),
            ("admin.programs", "school"),
        ],
    ),
    (
        "counselor",
        &[
            ("roster", "school"),
            ("caseload", "own"),
            ("student", "own"),
            ("interventions", "own"),
            ("communications", "own"),
            ("documents", "own"),
            ("jobs", "own"),
            ("reports", "own"),
            ("export", "own"),
            ("ai.summary", "own"),
        ],
    ),
    (
        "interventionist",
        &[
            ("roster", "own"),
            ("caseload", "own"),
            ("student", "own"),
            ("interventions", "own"),
            ("communications", "own"),
            ("documents", "own"),
        ],
    ),
    (
        "teacher",
        &[
            ("roster", "own"),
            ("caseload", "own"),
            ("student", "own"),
            ("interventions", "own"),
            ("communications", "own"),
        ],
    ),
    ("viewer", &[("roster", "school"), ("student", "school")]),
];

/// kind, status, payload, progress, progress message, last error, result.
type JobRow = (
    &'static str,
    &'static str,
    &'static str,
    i64,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
);

pub struct Tables {
    pub list: Vec<(&'static str, &'static str, Rows)>,
}

pub fn encode(d: &District, rng: &mut ChaCha8Rng, role_ids: &[(String, Uuid)]) -> Tables {
    let today = d.today;
    let role_id = |k: &str| role_ids.iter().find(|(key, _)| key == k).map(|(_, id)| *id);
    let created = at(today - Duration::days(430), 8, 0);

    let mut schools = Rows::new();
    for (s, sc) in d.schools.iter().enumerate() {
        let base = names::SCHOOL_BASES[s % names::SCHOOL_BASES.len()];
        let round = s / names::SCHOOL_BASES.len();
        let (word, abbr) = match sc.kind {
            Kind::Elementary => ("Elementary", "ES"),
            Kind::Middle => ("Middle School", "MS"),
            Kind::High => ("High School", "HS"),
        };
        let suffix = match round {
            0 => String::new(),
            1..=4 => format!(" {}", ["North", "South", "East", "West"][round - 1]),
            _ => format!(" Campus {}", round + 1),
        };
        let name = format!("{base} {word}{suffix}");
        let short = format!("{base} {abbr}{suffix}");
        let short: String = short.chars().take(40).collect();
        schools
            .uuid(sc.id)
            .text(&name)
            .text(&short)
            .text(&format!("{:04}", 100 + s))
            .text(&format!("27-0{:03}-{:04}", 100 + s % 900, 1000 + s))
            .text(sc.grades[0])
            .text(sc.grades[sc.grades.len() - 1])
            .text(names::TIMEZONES[s % names::TIMEZONES.len()])
            .bool(true)
            .ts(created)
            .ts(created)
            .end();
    }

    let mut users = Rows::new();
    for u in &d.users {
        users
            .uuid(u.id)
            .text(&u.username)
            .text(&u.display_name)
            .text(&format!("{}@{}", u.username, d.domain))
            .opt_uuid(u.home_school.map(|s| d.schools[s].id))
            .bool(u.is_active)
            .opt_ts(u.last_login)
            .ts(created)
            .ts(created)
            .end();
    }

    let mut user_roles = Rows::new();
    for r in &d.user_roles {
        let Some(rid) = role_id(r.role) else { continue };
        user_roles
            .uuid(new_uuid(rng))
            .uuid(r.user)
            .uuid(rid)
            .opt_uuid(r.school.map(|s| d.schools[s].id))
            .opt_uuid((r.user != d.demo_admin).then_some(d.demo_admin))
            .ts(r.granted_at)
            .opt_ts(r.expires_at)
            .ts(r.granted_at)
            .ts(r.granted_at)
            .end();
    }

    let mut tools = Rows::new();
    let requester = d
        .district_coordinators
        .first()
        .copied()
        .unwrap_or(d.demo_admin);
    for t in &d.tools {
        let reviewed = matches!(t.status, "approved" | "rejected" | "retired");
        let note = match t.status {
            "rejected" => Some(
                "Sends student notes to a third-party service; not covered by the district's data agreement.",
            ),
            "retired" => {
                Some("Replaced by the CSV export; the state no longer accepts this format.")
            }
            "in_review" => Some("Checking the vendor's OneRoster 1.2 certification."),
            _ => None,
        };
        let definition = match t.key {
            "reports.fidelity" => Some(
                r#"{"fields":[{"key":"school","label":"School","field_type":"single_select"},{"key":"from","label":"From","field_type":"date"},{"key":"to","label":"To","field_type":"date"}]}"#,
            ),
            "export" => Some(
                r#"{"fields":[{"key":"format","label":"Format","field_type":"single_select","options":["csv","xlsx"]}]}"#,
            ),
            _ => None,
        };
        tools
            .uuid(t.id)
            .text(t.key)
            .text(t.name)
            .text(&format!("Unlocks the {} screen.", t.name.to_lowercase()))
            .text(t.status)
            .opt_text(definition)
            .opt_uuid((t.status != "approved").then_some(requester))
            .opt_uuid(reviewed.then_some(d.demo_admin))
            .opt_ts(reviewed.then(|| at(today - Duration::days(200), 10, 0)))
            .opt_text(note)
            .ts(created)
            .ts(created)
            .end();
    }

    let tool = |k: &str| d.tools.iter().find(|t| t.key == k);
    let mut role_tools = Rows::new();
    if let Some(admin) = role_id("admin") {
        for t in d
            .tools
            .iter()
            .filter(|t| t.status == "approved" || t.key == "legacy.export")
        {
            role_tools
                .uuid(admin)
                .uuid(t.id)
                .text("all")
                .ts(created)
                .end();
        }
    }
    for (role, grants) in ROLE_TOOLS {
        let Some(rid) = role_id(role) else { continue };
        for (key, scope) in grants.iter() {
            if let Some(t) = tool(key) {
                role_tools
                    .uuid(rid)
                    .uuid(t.id)
                    .text(scope)
                    .ts(created)
                    .end();
            }
        }
    }

    // The menu is drawn flat, so an item's letter is unique in the whole
    // tree, not only among its siblings as the index asks, and is none of
    // the keys the menu keeps (q, j, k, g): otherwise the menu gives it
    // another letter and `doctor` reports the clash.
    let mut nav = Rows::new();
    let mut item = |rng: &mut ChaCha8Rng,
                    parent: Option<Uuid>,
                    label: &str,
                    nav_type: &str,
                    target: Option<&str>,
                    hotkey: Option<&str>,
                    sort: i64,
                    visible: bool| {
        let id = new_uuid(rng);
        // A target is its tool's key or a screen of that tool
        // (`<tool>.<screen>`, e.g. `caseload.mine`), granted with it.
        let tool_id = target
            .and_then(|t| tool(t).or_else(|| t.rsplit_once('.').and_then(|(k, _)| tool(k))))
            .map(|t| t.id);
        nav.uuid(id)
            .opt_uuid(parent)
            .text(label)
            .text(nav_type)
            .opt_uuid(tool_id)
            .opt_text(target)
            .opt_text(hotkey)
            .int(sort)
            .bool(visible)
            .ts(created)
            .ts(created)
            .end();
        id
    };
    item(
        rng,
        None,
        "Caseload",
        "screen",
        Some("caseload"),
        Some("h"),
        10,
        true,
    );
    // Once a second "Roster" at the top level: the Students group has it.
    // Its id is still drawn so every later id stays what it was.
    new_uuid(rng);
    let g = item(rng, None, "Students", "group", None, Some("s"), 30, true);
    item(
        rng,
        Some(g),
        "Roster",
        "screen",
        Some("roster"),
        Some("r"),
        10,
        true,
    );
    item(
        rng,
        Some(g),
        "Student record",
        "screen",
        Some("student"),
        Some("t"),
        20,
        true,
    );
    item(
        rng,
        Some(g),
        "Documents",
        "screen",
        Some("documents"),
        Some("d"),
        30,
        true,
    );
    let g = item(
        rng,
        None,
        "Interventions",
        "group",
        None,
        Some("i"),
        40,
        true,
    );
    item(
        rng,
        Some(g),
        "Interventions",
        "screen",
        Some("interventions"),
        Some("i"),
        10,
        true,
    );
    item(
        rng,
        Some(g),
        "My caseload",
        "screen",
        Some("caseload.mine"),
        Some("c"),
        20,
        true,
    );
    // Every letter is taken in the flat menu: a digit (0020 asks the same).
    item(
        rng,
        Some(g),
        "Missed sessions",
        "screen",
        Some("interventions.missed"),
        Some("7"),
        25,
        true,
    );
    item(rng, Some(g), "", "separator", None, None, 30, true);
    item(
        rng,
        Some(g),
        "Bulk session entry",
        "screen",
        Some("sessions.bulk"),
        Some("b"),
        40,
        true,
    );
    let communication = item(
        rng,
        None,
        "Communication",
        "group",
        None,
        Some("c"),
        50,
        true,
    );
    let g = communication;
    item(
        rng,
        Some(g),
        "Communication log",
        "screen",
        Some("communications"),
        Some("l"),
        10,
        true,
    );
    // Once a second "Documents" (Students has it): drawn, not written.
    new_uuid(rng);
    let g = item(rng, None, "Reports", "group", None, Some("r"), 60, true);
    item(
        rng,
        Some(g),
        "Reports",
        "screen",
        Some("reports"),
        Some("p"),
        10,
        true,
    );
    item(
        rng,
        Some(g),
        "Fidelity report",
        "screen",
        Some("reports.fidelity"),
        Some("f"),
        20,
        true,
    );
    item(
        rng,
        Some(g),
        "Jobs",
        "screen",
        Some("jobs"),
        Some("w"),
        30,
        true,
    );
    item(rng, Some(g), "", "separator", None, None, 40, true);
    item(
        rng,
        Some(g),
        "Export",
        "action",
        Some("export"),
        Some("e"),
        50,
        true,
    );
    item(
        rng,
        Some(g),
        "Import",
        "action",
        Some("import"),
        Some("m"),
        60,
        true,
    );
    item(
        rng,
        Some(g),
        "SIS import",
        "action",
        Some("import.sis"),
        Some("y"),
        70,
        true,
    );
    item(
        rng,
        Some(g),
        "Legacy state export",
        "action",
        Some("legacy.export"),
        // Hidden and retired: its letter went to Follow-ups.
        None,
        80,
        false,
    );
    let admin = item(rng, None, "Admin", "group", None, Some("a"), 70, true);
    let g = admin;
    item(
        rng,
        Some(g),
        "People",
        "screen",
        Some("admin.users"),
        Some("u"),
        10,
        true,
    );
    item(
        rng,
        Some(g),
        "Tools",
        "screen",
        Some("admin.tools"),
        Some("z"),
        20,
        true,
    );
    item(
        rng,
        Some(g),
        "Settings",
        "screen",
        Some("admin.settings"),
        Some("v"),
        30,
        true,
    );
    item(
        rng,
        Some(g),
        "Schools",
        "screen",
        Some("admin.schools"),
        Some("s"),
        40,
        true,
    );
    item(
        rng,
        Some(g),
        "Programs",
        "screen",
        Some("admin.programs"),
        Some("a"),
        50,
        true,
    );
    // Last, so the ids drawn before it stay what they were.
    item(
        rng,
        Some(communication),
        "Follow-ups",
        "screen",
        Some("communications.follow_ups"),
        Some("x"),
        15,
        true,
    );
    // A screen of the tool approval tool (0028), after Tools.
    item(
        rng,
        Some(admin),
        "Menu editor",
        "screen",
        Some("admin.tools.navigation"),
        Some("8"),
        25,
        true,
    );

    let mut programs = Rows::new();
    for p in &d.programs {
        let def = p.def;
        programs
            .uuid(p.id)
            .text(def.name)
            .text(def.itype)
            .int(def.tier)
            .int(def.per_week)
            .int(def.minutes)
            .int(def.weeks)
            .text(def.monitoring)
            .text(def.measure)
            .text(&session_fields_json(def))
            .opt_uuid(p.school.map(|s| d.schools[s].id))
            .bool(p.active)
            .ts(created)
            .ts(created)
            .end();
    }

    let mut jobs = Rows::new();
    let now = at(today, 7, 30);
    let seeded = at(today - Duration::days(1), 6, 0);
    // Real kinds, so the Jobs screen shows what a district's week looks
    // like: no queued or retrying job of a kind that runs as its author
    // (the author's window would run it the moment they sign in).
    let job_rows: &[JobRow] = &[
        (
            "oneroster.import",
            "succeeded",
            r#"{"path":"/srv/sis/oneroster-2026-08-20.zip","dry_run":false,"logins":false}"#,
            100,
            Some("Imported demo district"),
            None,
            Some(r#"{"committed":true,"refused":0,"last":"imported: nothing refused"}"#),
        ),
        (
            "sleep",
            "running",
            r#"{"seconds":600}"#,
            40,
            Some("240.0 of 600 s"),
            None,
            None,
        ),
        (
            "oneroster.import",
            "failed",
            r#"{"path":"/srv/sis/roster_2024-25.zip","dry_run":true,"logins":false}"#,
            12,
            Some("failed"),
            Some(
                "students.csv:1187: grade \"13\" is not a grade level (expected PK, TK, KG, 01–12, UG)",
            ),
            None,
        ),
        ("noop", "queued", "{}", 0, None, None, None),
        ("sweep", "scheduled", r#"{"days":30}"#, 0, None, None, None),
        (
            "sleep",
            "retrying",
            r#"{"seconds":2}"#,
            0,
            Some("waiting to retry"),
            Some("connection reset by peer"),
            None,
        ),
        (
            "export.caseload",
            "cancelled",
            r#"{"spec":{"export":"caseload","counselor":null},"bom":false}"#,
            5,
            Some("cancelled"),
            None,
            None,
        ),
    ];
    for &(kind, status, payload, progress, message, error, result) in job_rows {
        let finished = matches!(status, "succeeded" | "failed" | "cancelled");
        let started = status != "queued" && status != "scheduled";
        let attempts = match status {
            "failed" => 3,
            "retrying" => 2,
            "queued" | "scheduled" => 0,
            _ => 1,
        };
        let run_at = if status == "scheduled" {
            at(today + Duration::days(1), 6, 0)
        } else {
            seeded
        };
        jobs.uuid(new_uuid(rng))
            .text(kind)
            .text("default")
            .text(payload)
            .text(status)
            .int(0)
            .int(progress)
            .opt_text(message)
            .int(attempts)
            .int(3)
            .ts(run_at)
            .opt_text((status == "running").then_some("worker-1"))
            .opt_ts((status == "running").then_some(now))
            .opt_ts((status == "running").then_some(now))
            .opt_text(error)
            .opt_text(result)
            .uuid(if kind == "oneroster.import" || kind == "sweep" {
                d.demo_admin
            } else {
                d.demo_coordinator
            })
            .opt_ts(started.then_some(seeded))
            .opt_ts(finished.then_some(seeded + Duration::minutes(3)))
            .ts(seeded)
            .ts(seeded)
            .end();
    }

    Tables {
        list: vec![
            (
                "schools",
                "id, name, short_name, local_id, state_id, low_grade, high_grade, timezone, is_active, created_at, updated_at",
                schools,
            ),
            (
                "users",
                "id, username, display_name, email, home_school_id, is_active, last_login_at, created_at, updated_at",
                users,
            ),
            (
                "user_roles",
                "id, user_id, role_id, school_id, granted_by, granted_at, expires_at, created_at, updated_at",
                user_roles,
            ),
            (
                "tools",
                "id, key, name, description, status, definition, requested_by, reviewed_by, reviewed_at, review_note, created_at, updated_at",
                tools,
            ),
            (
                "role_tools",
                "role_id, tool_id, scope, created_at",
                role_tools,
            ),
            (
                "navigation_items",
                "id, parent_id, label, nav_type, tool_id, target, hotkey, sort_order, is_visible, created_at, updated_at",
                nav,
            ),
            (
                "intervention_programs",
                "id, name, intervention_type, default_tier, default_sessions_per_week, default_minutes, default_weeks, monitoring_frequency, progress_measure, session_fields, school_id, is_active, created_at, updated_at",
                programs,
            ),
            (
                "jobs",
                "id, kind, queue, payload, status, priority, progress, progress_message, attempts, max_attempts, run_at, locked_by, locked_at, heartbeat_at, last_error, result, created_by, started_at, finished_at, created_at, updated_at",
                jobs,
            ),
        ],
    }
}
