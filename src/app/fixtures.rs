//! A small caseload and one intervention, shared by the state-machine
//! tests and the rendering snapshots.

use crate::app::{Data, Effect, Msg, Options, Read, ReqId, State, update};
use crate::domain::caseload::{
    ActiveRow, CaseloadHome, Counts, FollowUpRow, GoalFlag, InterventionRef, NameOrder, Problem,
    ReviewReason, ReviewRow, Totals, Warning,
};
use crate::domain::enums::{InterventionStatus, InterventionType};
use crate::domain::fidelity::{Delivery, Fidelity};
use crate::domain::goals::{Goal, GoalFields, GoalWithPoints, Measurement};
use crate::domain::home_parts::{FollowUpsPart, GoalsPart, HomePart, HomeQuery, OpenPart};
use crate::domain::intervention::DeliveryRow;
use crate::domain::intervention::SessionRow;
use crate::domain::intervention::{InterventionDetail, InterventionHeader, RuleSettings};
use crate::domain::kinds::{Attendance, GoalDirection, GoalRule, GoalStatus, TeamRole};
use crate::domain::markers::{Marker, StatusChange, StatusMarker};
use crate::domain::navigation::NavItem;
use crate::domain::plan::{ContextFor, FormContext, Program};
use crate::domain::progress::Verdict;
use crate::domain::team::TeamMember;
use crate::domain::user::{CaseloadUser, Whoami};
use chrono::{DateTime, NaiveDate, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use uuid::Uuid;

/// What a test presses: a character, a key, or a key with modifiers
/// ([`ctrl`], or any `KeyEvent`).
pub trait Press {
    fn event(self) -> KeyEvent;
}

impl Press for char {
    fn event(self) -> KeyEvent {
        KeyCode::Char(self).event()
    }
}

impl Press for KeyCode {
    fn event(self) -> KeyEvent {
        KeyEvent::new(self, KeyModifiers::NONE)
    }
}

impl Press for KeyEvent {
    fn event(self) -> KeyEvent {
        self
    }
}

/// A key press as the terminal reports it: `key('j')`, `key(KeyCode::Esc)`,
/// `key(ctrl('s'))`.
pub fn key(k: impl Press) -> Msg {
    Msg::Key(k.event())
}

/// `c` with Ctrl held.
pub fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

/// Dana Reyes, signed in through the login role `dana`, with `roles`.
pub fn whoami(roles: &[&str]) -> Whoami {
    Whoami {
        login_role: "dana".into(),
        server_version: "15.4".into(),
        user: Some(CaseloadUser {
            id: Uuid::from_u128(1),
            username: "dana".into(),
            display_name: "Dana Reyes".into(),
            role_keys: roles.iter().map(|r| r.to_string()).collect(),
        }),
    }
}

/// Started with `opts`: the state, and the request of its connection.
pub fn started(opts: Options) -> (State, ReqId) {
    let mut s = State::new(opts);
    let fx = update(&mut s, Msg::Start);
    let Some(&Effect::Connect { req }) = fx.first() else {
        panic!("{fx:?}")
    };
    (s, req)
}

/// The connection `req` made as `who`, and the menu rows `items`
/// delivered; returns what the menu's arrival asked for.
pub fn connected_as(s: &mut State, req: ReqId, who: Whoami, items: Vec<NavItem>) -> Vec<Effect> {
    let fx = update(s, Msg::Connected { req, whoami: who });
    let menu = fx.iter().find_map(|e| match e {
        Effect::Load {
            req,
            read: Read::Menu,
        } => Some(*req),
        _ => None,
    });
    let Some(req) = menu else {
        panic!("the menu was not asked for: {fx:?}")
    };
    let data = Data::Menu { items };
    update(s, Msg::Loaded { req, data })
}

/// Started with `opts`, connected as `who`, and the menu rows `items`
/// delivered: the sign-in every screen's tests start from. Returns the
/// state and what the menu's arrival asked for.
pub fn signed_in(opts: Options, who: Whoami, items: Vec<NavItem>) -> (State, Vec<Effect>) {
    let (mut s, req) = started(opts);
    let fx = connected_as(&mut s, req, who, items);
    (s, fx)
}

pub fn day(n: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 9, 1).expect("date") + chrono::Days::new(n)
}

pub const TODAY: u64 = 60;

/// The one effect in `fx`, a load: its request and what it reads. Panics
/// with `fx` when there is anything else, or nothing.
pub fn only_load(fx: &[Effect]) -> (ReqId, &Read) {
    match fx {
        [Effect::Load { req, read }] => (*req, read),
        _ => panic!("expected one load, got {fx:?}"),
    }
}

/// Some effect in `fx` loads what `pick` picks.
pub fn loads(fx: &[Effect], pick: impl Fn(&Read) -> bool) -> bool {
    fx.iter()
        .any(|e| matches!(e, Effect::Load { read, .. } if pick(read)))
}

/// The worker's answer that request `req` failed.
pub fn query_failed(req: ReqId, reason: &str) -> Msg {
    Msg::QueryFailed {
        req,
        reason: reason.into(),
    }
}

fn at(n: u64) -> DateTime<Utc> {
    day(n).and_hms_opt(10, 0, 0).expect("time").and_utc()
}

pub fn iref(n: u128, student: &str, name: &str) -> InterventionRef {
    InterventionRef {
        intervention_id: Uuid::from_u128(1000 + n),
        student_id: Uuid::from_u128(2000 + n),
        student_name: student.into(),
        name: name.into(),
    }
}

/// The part `part` of a whole `home`, as the worker would answer it.
pub fn home_part(home: &CaseloadHome, part: HomeQuery) -> HomePart {
    let t = &home.totals;
    let of_goals = |w: &&Warning| {
        matches!(
            w.problem,
            Problem::MissingBaseline { .. } | Problem::ZeroBaseline { .. }
        )
    };
    match part {
        HomeQuery::Open => HomePart::Open(OpenPart {
            active: home.active.clone(),
            reviews_due: home.reviews_due.clone(),
            warnings: home
                .warnings
                .iter()
                .filter(|w| !of_goals(w))
                .cloned()
                .collect(),
            settings: home.settings,
            names: NameOrder::new(home.warnings.iter().map(|w| w.of.student_name.clone())),
            loaded: t.loaded,
            full: t.loaded < t.open,
        }),
        HomeQuery::Goals => HomePart::Goals(GoalsPart {
            off_track: home.goals_off_track.clone(),
            warnings: home.warnings.iter().filter(of_goals).cloned().collect(),
        }),
        HomeQuery::FollowUps => HomePart::FollowUps(FollowUpsPart {
            rows: home.follow_ups.clone(),
            more: t.more_follow_ups,
        }),
        HomeQuery::Counts => HomePart::Counts(Counts {
            open: t.open,
            active: t.active,
            reviews: t.reviews,
        }),
    }
}

/// The answer to request `req` for `part` of `home`, as of [`TODAY`].
pub fn home_arrived(req: ReqId, home: &CaseloadHome, part: HomeQuery) -> Msg {
    Msg::Loaded {
        req,
        data: Data::Home {
            part: Box::new(home_part(home, part)),
            today: day(TODAY),
        },
    }
}

/// Answers every read of the home in `fx`, in order, with the parts of
/// `home`, and the reads those answers ask for (the counts); the other
/// effects, from `fx` and the answers.
pub fn home_loaded(s: &mut State, fx: &[Effect], home: &CaseloadHome) -> Vec<Effect> {
    let mut queue: std::collections::VecDeque<Effect> = fx.iter().cloned().collect();
    let mut rest = Vec::new();
    while let Some(e) = queue.pop_front() {
        match e {
            Effect::Load {
                req,
                read: Read::Home { part, .. },
            } => queue.extend(update(s, home_arrived(req, home, part))),
            other => rest.push(other),
        }
    }
    rest
}

/// The home's reads in `fx`, all for one scope: that scope.
pub fn home_loads(fx: &[Effect]) -> Option<crate::domain::caseload::Scope> {
    let scopes: Vec<_> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::Load {
                read: Read::Home { scope, .. },
                ..
            } => Some(*scope),
            _ => None,
        })
        .collect();
    let first = *scopes.first()?;
    (scopes.len() == HomeQuery::AT_ONCE.len() && scopes.iter().all(|&s| s == first))
        .then_some(first)
}

pub fn home() -> CaseloadHome {
    let fid = |ratio: f64| Fidelity {
        window: (day(0), day(TODAY)),
        planned_sessions: 10.0,
        planned_minutes: Some(300.0),
        sessions_ratio: ratio,
        minutes_ratio: Some(ratio),
        below_threshold: ratio < 0.8,
    };
    let active = |n: u128, student: &str, name: &str, due: u64, overdue: bool, f: f64| ActiveRow {
        of: iref(n, student, name),
        tier: 2,
        owner_name: Some("Dana Reyes".into()),
        start_date: Some(day(0)),
        planned_end_date: Some(day(70)),
        sessions_per_week: Some(3),
        last_session: Some(day(due - 3)),
        next_session_due: Some(day(due)),
        overdue,
        fidelity: Some(fid(f)),
    };
    CaseloadHome {
        active: vec![
            active(1, "Ava Nguyen", "Read Naturally", 55, true, 0.62),
            active(2, "Ben Okafor", "Check In/Check Out", 61, false, 0.9),
            // Control characters from the database must not reach the terminal.
            active(3, "Evil\x1b[2J Name", "Math\u{202E} Boost", 62, false, 1.0),
        ],
        reviews_due: vec![ReviewRow {
            of: iref(2, "Ben Okafor", "Check In/Check Out"),
            status: InterventionStatus::Active,
            reason: ReviewReason::EndsSoon(day(70)),
        }],
        goals_off_track: vec![GoalFlag {
            of: iref(1, "Ava Nguyen", "Read Naturally"),
            goal_id: Uuid::from_u128(3001),
            statement: "Read 90 words correct per minute".into(),
            verdict: Verdict::OffTrack,
            last_value: Some((day(50), 44.0)),
        }],
        follow_ups: vec![FollowUpRow {
            communication_id: Uuid::from_u128(4001),
            student_id: Uuid::from_u128(2009),
            student_name: "Cy Park".into(),
            intervention_id: None,
            purpose: "attendance_concern".into(),
            channel: "phone".into(),
            occurred_at: at(40),
            follow_up_due: day(50),
            days_overdue: 10,
        }],
        warnings: vec![Warning {
            of: iref(3, "Evil\x1b[2J Name", "Math\u{202E} Boost"),
            problem: Problem::NoPlannedEnd,
        }],
        settings: RuleSettings::default(),
        totals: Totals {
            loaded: 3,
            open: 3,
            active: 3,
            reviews: 1,
            more_follow_ups: false,
        },
    }
}

/// A home with `active` active interventions and `reviews` reviews due
/// (besides one of each other section): longer than a screen, for moving
/// through the sections.
pub fn busy_home(active: u128, reviews: u128) -> CaseloadHome {
    let mut h = home();
    let row = h.active[1].clone();
    h.active = (0..active)
        .map(|n| ActiveRow {
            of: iref(100 + n, &format!("Student {n:02}"), "Read Naturally"),
            ..row.clone()
        })
        .collect();
    let review = h.reviews_due[0].clone();
    h.reviews_due = (0..reviews)
        .map(|n| ReviewRow {
            of: iref(200 + n, &format!("Reviewed {n:02}"), "Check In/Check Out"),
            ..review.clone()
        })
        .collect();
    h.totals.active = active as u64;
    h.totals.reviews = reviews as u64;
    h
}

/// What a newcomer reads on the home: a long student and program name that
/// fit a wide screen, delivery above plan, a flag raised by the minutes, a
/// follow-up made in person one day overdue and a name stored with control
/// characters.
pub fn reading_home() -> CaseloadHome {
    let mut h = home();
    let long = iref(
        4,
        "Oluwaseun Oyelaran-Whitfield-Montgomery",
        "Mentoring: \"Big Brothers Big Sisters\" community match",
    );
    if let Some(f) = h.active[1].fidelity.as_mut() {
        f.sessions_ratio = 1.1;
        f.minutes_ratio = Some(1.04);
        f.below_threshold = false;
    }
    if let Some(f) = h.active[0].fidelity.as_mut() {
        f.sessions_ratio = 0.89;
        f.minutes_ratio = Some(0.65);
    }
    h.active.push(ActiveRow {
        of: long.clone(),
        ..h.active[1].clone()
    });
    h.follow_ups[0].days_overdue = 1;
    h.follow_ups[0].channel = "in_person".into();
    h.warnings.push(Warning {
        of: h.active[2].of.clone(),
        problem: Problem::ControlCharsInName,
    });
    h.reviews_due.push(ReviewRow {
        of: long,
        ..h.reviews_due[0].clone()
    });
    h
}

/// The home of a district administrator at 500,000 students: the same rows,
/// cut from far more by the bound (domain::caseload::HOME_ROWS).
pub fn cut_home() -> CaseloadHome {
    CaseloadHome {
        totals: Totals {
            loaded: 3,
            open: 101_476,
            active: 85_776,
            reviews: 31_402,
            more_follow_ups: true,
        },
        ..home()
    }
}

fn header(status: InterventionStatus, version: i32) -> InterventionHeader {
    InterventionHeader {
        id: Uuid::from_u128(1001),
        student_id: Uuid::from_u128(2001),
        student_name: "Ava Nguyen".into(),
        student_local_id: "100201".into(),
        school_id: Uuid::from_u128(9),
        school_name: "Lincoln Elementary".into(),
        program_id: Some(Uuid::from_u128(8)),
        custom_name: None,
        name: "Read Naturally".into(),
        intervention_type: InterventionType::Reading,
        tier: 2,
        status,
        concern: None,
        owner_id: Some(Uuid::from_u128(1)),
        owner_name: Some("Dana Reyes".into()),
        referred_by: None,
        referred_at: at(0),
        start_date: Some(day(0)),
        planned_end_date: Some(day(70)),
        ended_at: None,
        sessions_per_week: Some(3),
        minutes_per_session: Some(30),
        outcome: None,
        outcome_notes: None,
        parent_consent_at: None,
        previous_intervention_id: None,
        is_restricted: false,
        version,
    }
}

pub fn header_at(status: InterventionStatus, version: i32) -> InterventionHeader {
    header(status, version)
}

fn goal(n: u128, statement: &str, dir: GoalDirection, base: f64, target: f64) -> Goal {
    Goal {
        id: Uuid::from_u128(3000 + n),
        intervention_id: Uuid::from_u128(1001),
        fields: GoalFields {
            statement: statement.into(),
            measure: "ORF".into(),
            unit: Some("wcpm".into()),
            direction: dir,
            baseline_value: Some(base),
            baseline_date: Some(day(0)),
            target_value: Some(target),
            target_date: Some(day(70)),
            decision_rule: GoalRule::FourPoint,
            status: GoalStatus::Active,
            sort_order: n as i32,
        },
        version: 1,
    }
}

fn points(goal: u128, values: &[(u64, f64)]) -> Vec<Measurement> {
    values
        .iter()
        .enumerate()
        .map(|(i, &(d, v))| Measurement {
            id: Uuid::from_u128(5000 + goal * 100 + i as u128),
            goal_id: Uuid::from_u128(3000 + goal),
            session_id: None,
            measured_on: day(d),
            value: v,
            note: None,
        })
        .collect()
}

pub fn detail(status: InterventionStatus) -> InterventionDetail {
    let h = header(status, 3);
    InterventionDetail {
        goals: vec![
            GoalWithPoints {
                goal: goal(
                    1,
                    "Read 90 words correct per minute",
                    GoalDirection::Increase,
                    40.0,
                    90.0,
                ),
                // Below the aimline for the last four: off track.
                points: points(
                    1,
                    &[
                        (7, 42.0),
                        (14, 45.0),
                        (21, 44.0),
                        (28, 47.0),
                        (35, 49.0),
                        (42, 50.0),
                    ],
                ),
            },
            GoalWithPoints {
                goal: goal(
                    2,
                    "Fewer office referrals",
                    GoalDirection::Decrease,
                    8.0,
                    1.0,
                ),
                points: points(2, &[(10, 7.0), (20, 6.0)]),
            },
        ],
        sessions: (0..5)
            .map(|i| SessionRow {
                id: Uuid::from_u128(6000 + i),
                session_date: day(40 - 3 * i as u64),
                start_time: None,
                minutes: 30,
                attendance: if i == 2 {
                    Attendance::StudentAbsent
                } else {
                    Attendance::Present
                },
                fidelity: None,
                note: (i == 0).then(|| "good focus\x1b]0;pwned\x07".into()),
                field_values: serde_json::Value::Null,
                delivered_by: None,
                delivered_by_name: Some("Dana Reyes".into()),
                is_restricted: false,
                version: 1,
            })
            .collect(),
        sessions_total: 5,
        team: vec![TeamMember {
            id: Uuid::from_u128(7001),
            user_id: Some(Uuid::from_u128(1)),
            name: "Dana Reyes".into(),
            external_org: None,
            role: TeamRole::Owner,
            can_edit: true,
        }],
        attachments: vec![],
        communications: vec![],
        chain: vec![],
        markers: vec![
            StatusMarker {
                on: day(0),
                marker: Marker::Started,
            },
            StatusMarker {
                on: day(16),
                marker: Marker::Paused,
            },
            StatusMarker {
                on: day(24),
                marker: Marker::Resumed,
            },
        ],
        history: vec![
            StatusChange {
                on: day(16),
                from: Some(InterventionStatus::Active),
                to: InterventionStatus::Paused,
            },
            StatusChange {
                on: day(24),
                from: Some(InterventionStatus::Paused),
                to: InterventionStatus::Active,
            },
        ],
        delivery: DeliveryRow {
            intervention_id: h.id,
            delivery: Delivery {
                start_date: h.start_date,
                planned_end_date: h.planned_end_date,
                ended_on: None,
                sessions_per_week: h.sessions_per_week,
                minutes_per_session: h.minutes_per_session,
                sessions_delivered: 12,
                minutes_delivered: 360,
            },
        },
        settings: RuleSettings::default(),
        header: h,
    }
}

/// An approved program with its defaults: sessions per week, minutes,
/// weeks.
pub fn program(
    n: u128,
    name: &str,
    kind: InterventionType,
    tier: i16,
    plan: (i16, i16, i16),
) -> Program {
    Program {
        id: Uuid::from_u128(900 + n),
        name: name.into(),
        intervention_type: kind,
        default_tier: tier,
        default_sessions_per_week: Some(plan.0),
        default_minutes: Some(plan.1),
        default_weeks: Some(plan.2),
        monitoring_frequency: "weekly".into(),
        progress_measure: Some("ORF words correct per minute".into()),
    }
}

/// Answers the one `LoadIvFormContext` among `fx` with `context`; returns
/// what it was about.
pub fn answer_context(
    s: &mut crate::app::State,
    fx: &[crate::app::Effect],
    context: FormContext,
) -> ContextFor {
    let [
        crate::app::Effect::Load {
            req,
            read: Read::IvFormContext { about },
        },
    ] = fx[..]
    else {
        panic!("expected the form context to be asked for, got {fx:?}")
    };
    crate::app::update(
        s,
        crate::app::Msg::Loaded {
            req,
            data: Data::IvFormContext {
                context,
                today: day(TODAY),
            },
        },
    );
    about
}

/// The session editor's context for intervention 1001: a program with a
/// text, a rating, a single- and a multi-select and a yes/no field (the
/// book and the level carry over from the last session, on day 57; the
/// rest open empty), one active goal, and last session's field values.
pub fn session_context() -> crate::domain::session::SessionContext {
    use crate::domain::enums::FieldType;
    use crate::domain::session::{FieldDef, GoalToScore, SessionContext};
    let field = |key: &str, label: &str, ft: FieldType, required: bool| FieldDef {
        key: key.into(),
        label: label.into(),
        field_type: ft,
        required,
        options: vec![],
        min: None,
        max: None,
        carry: false,
        retired: false,
    };
    SessionContext {
        intervention_id: Uuid::from_u128(1001),
        student_id: Uuid::from_u128(2001),
        student_name: "Nguyen, An".into(),
        intervention_name: "Read Naturally".into(),
        status: InterventionStatus::Active,
        planned_minutes: 30,
        fields: vec![
            FieldDef {
                carry: true,
                ..field("book", "Book", FieldType::Text, false)
            },
            FieldDef {
                min: Some(1.0),
                max: Some(5.0),
                carry: true,
                ..field("level", "Level", FieldType::RatingScale, true)
            },
            FieldDef {
                options: vec!["fluency".into(), "comprehension".into(), "phonics".into()],
                ..field("focus", "Focus", FieldType::SingleSelect, false)
            },
            FieldDef {
                options: vec!["cards".into(), "timer".into(), "tablet".into()],
                ..field("materials", "Materials", FieldType::MultiSelect, false)
            },
            field("praise", "Praise given", FieldType::Boolean, false),
        ],
        goals: vec![GoalToScore {
            id: Uuid::from_u128(5001),
            statement: "Reads 90 words correct per minute".into(),
            measure: Some("oral reading fluency".into()),
            unit: Some("wcpm".into()),
            target: Some(90.0),
        }],
        last_field_values: serde_json::json!({
            "book": "Dog Man", "level": 3, "focus": "phonics", "materials": ["timer"],
            "praise": true
        }),
        last_session_date: Some(day(57)),
        can_restrict: true,
        may_write: true,
    }
}

/// A roster row: `Last{n}`, Ann, grade 3 at North (school 7).
pub fn roster_row(n: u128) -> crate::domain::roster::RosterRow {
    use crate::domain::enums::{GradeLevel, StudentStatus};
    crate::domain::roster::RosterRow {
        id: Uuid::from_u128(n),
        last_name: format!("Last{n:04}"),
        first_name: "Ann".into(),
        preferred_name: None,
        grade: GradeLevel::G03,
        school: "North".into(),
        local_id: format!("S{n}"),
        status: StudentStatus::Active,
        has_iep: false,
        has_504: false,
        is_english_learner: false,
        school_id: Uuid::from_u128(7),
        last_session: None,
    }
}

/// Ana Lee's record (student `id`), grade 3 at North, with nothing on its
/// tabs.
pub fn student_record(id: u128) -> crate::domain::student::StudentRecord {
    use crate::domain::enums::{GradeLevel, StudentStatus};
    use crate::domain::student::{Profile, StudentRecord, Versioned};
    StudentRecord {
        profile: Versioned {
            id: Uuid::from_u128(id),
            version: 1,
            value: Profile {
                first_name: "Ana".into(),
                last_name: "Lee".into(),
                preferred_name: None,
                date_of_birth: None,
                grade: GradeLevel::G03,
                status: StudentStatus::Active,
                has_iep: false,
                has_504: false,
                is_english_learner: false,
                enrollment_date: None,
                exit_date: None,
            },
        },
        school_name: "North".into(),
        local_id: "S5".into(),
        state_id: None,
        counselor: None,
        guardians: vec![],
        interventions: vec![],
        communications: vec![],
        documents: vec![],
        activity: vec![],
    }
}

/// What the contact form loads for Ana Lee (student 5): her mother (phone,
/// Spanish), her father (do not contact, no educational rights), Dana
/// (me) and her counselor as follow-up owners, seven follow-up days.
pub fn contact_context(may_restrict: bool) -> crate::domain::contact::ContactContext {
    use crate::domain::contact::{ContactContext, GuardianChoice, Person};
    use crate::domain::kinds::Channel;
    let guardian = |n: u128, name: &str, rel: &str, ch: Option<Channel>, ok: bool| GuardianChoice {
        id: Uuid::from_u128(n),
        name: name.into(),
        relationship: rel.into(),
        preferred_channel: ch,
        preferred_language: ok.then(|| "Spanish".to_string()),
        has_custody: ok,
        has_educational_rights: ok,
        receives_communications: ok,
    };
    ContactContext {
        student_id: Uuid::from_u128(5),
        student_name: "Lee, Ana".into(),
        guardians: vec![
            guardian(501, "Rosa Lee", "mother", Some(Channel::Phone), true),
            guardian(502, "Tom Lee", "father", Some(Channel::Email), false),
        ],
        owners: vec![
            Person {
                id: Uuid::from_u128(1),
                name: "Dana Reyes".into(),
            },
            Person {
                id: Uuid::from_u128(7),
                name: "Omar Hale".into(),
            },
        ],
        follow_up_days: 7,
        may_restrict,
        may_write: true,
        me: Some(Uuid::from_u128(1)),
        answers: None,
    }
}
