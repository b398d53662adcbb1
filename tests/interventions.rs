//! Interventions against a real server: lifecycle through the API and past
//! it (the trigger), outcomes, optimistic concurrency, creation defaults and
//! idempotency, the owner always on the team, goal validation, measurements,
//! fidelity counts and the detail load.

mod common;

use caseload::app::iv_edit::IvSaved;
use caseload::app::iv_edit::{IvWrite, IvWritten, Theirs};
use caseload::db::interventions::delivery::delivery_counts;
use caseload::db::interventions::edit::{create, update_intervention};
use caseload::db::interventions::error::refusal_of;
use caseload::db::interventions::goals::{
    add_goal, add_measurement, delete_measurement, update_goal,
};
use caseload::db::interventions::lifecycle::transition;
use caseload::db::interventions::programs::{form_context, user_by_username};
use caseload::db::interventions::team::{add_member, change_role, load_team, remove_member};
use caseload::db::interventions::{WriteError, load_detail, load_header};
use caseload::domain::enums::{InterventionStatus, InterventionType, PgEnum};
use caseload::domain::fidelity;
use caseload::domain::goals::{GoalFields, NewMeasurement};
use caseload::domain::intervention::InterventionHeader;
use caseload::domain::kinds::{GoalDirection, GoalRule, GoalStatus, Outcome, TeamRole};
use caseload::domain::lifecycle::{Transition, allowed, outcome_required};
use caseload::domain::plan::{ContextFor, InterventionEdit, NewIntervention, Source};
use caseload::domain::refusal::Refusal;
use caseload::domain::team::{Member, NewMember};
use caseload::worker::iv_write;
use chrono::NaiveDate;
use common::TestDb;
use common::roles::LoginRoles;
use tokio_postgres::Client;
use uuid::Uuid;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 11).unwrap()
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

struct Fx {
    db: TestDb,
    c: Client,
    student: Uuid,
    program: Uuid,
    users: Vec<Uuid>,
}

async fn fixture() -> Fx {
    let (db, c) = TestDb::seeded(60, 7, today()).await;
    let student = c
        .query_one("SELECT id FROM students ORDER BY id LIMIT 1", &[])
        .await
        .unwrap()
        .get(0);
    let program = c
        .query_one(
            "SELECT id FROM intervention_programs WHERE default_weeks IS NOT NULL \
             AND default_sessions_per_week IS NOT NULL AND default_minutes IS NOT NULL \
             ORDER BY name LIMIT 1",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    let users = c
        .query(
            "SELECT id FROM users WHERE is_active ORDER BY username LIMIT 4",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    Fx {
        db,
        c,
        student,
        program,
        users,
    }
}

impl Fx {
    /// An intervention from the program, inserted directly in `status`.
    async fn make(&self, status: InterventionStatus) -> InterventionHeader {
        let mut n =
            NewIntervention::new(Uuid::new_v4(), self.student, Source::Program(self.program));
        n.status = status;
        n.owner_id = Some(self.users[0]);
        if !matches!(
            status,
            InterventionStatus::Referred | InterventionStatus::Planned
        ) {
            n.start_date = Some(day(1, 12));
        }
        create(&self.c, &n).await.expect("create")
    }
}

#[tokio::test]
async fn every_transition_through_the_api_and_past_it() {
    let fx = fixture().await;
    for &from in InterventionStatus::ALL {
        for &to in InterventionStatus::ALL {
            let h = fx.make(from).await;
            let t = if outcome_required(from, to) {
                Transition::closing(to, Outcome::PartialProgress, Some("n".into()))
            } else {
                Transition::to(to)
            };
            let result = transition(&fx.c, h.id, h.version, &t, today()).await;
            if allowed(from, to) {
                let v = result.unwrap_or_else(|e| panic!("{from} -> {to}: {e}"));
                let now = load_header(&fx.c, h.id).await.unwrap().unwrap();
                assert_eq!((now.status, now.version), (to, v), "{from} -> {to}");
            } else {
                match result {
                    Err(WriteError::Refused(Refusal::IllegalTransition { from: f, to: t })) => {
                        assert_eq!((f, t), (from, to))
                    }
                    other => panic!("{from} -> {to}: expected a refusal, got {other:?}"),
                }
                if from == to {
                    continue;
                }
                // Past the domain check, straight to the table: the trigger refuses.
                let e =
                    fx.c.execute(
                        "UPDATE interventions SET status = $2, outcome = 'other' WHERE id = $1",
                        &[&h.id, &to],
                    )
                    .await
                    .expect_err("the trigger refuses");
                assert_eq!(
                    refusal_of(&e),
                    Some(Refusal::IllegalTransition { from, to }),
                    "{from} -> {to}"
                );
            }
        }
    }
}

#[tokio::test]
async fn activating_starts_today_and_plans_the_end() {
    let fx = fixture().await;
    let h = fx.make(InterventionStatus::Planned).await;
    assert_eq!(h.start_date, None);
    let v = transition(
        &fx.c,
        h.id,
        h.version,
        &Transition::to(InterventionStatus::Active),
        today(),
    )
    .await
    .unwrap();
    let now = load_header(&fx.c, h.id).await.unwrap().unwrap();
    let weeks: i16 =
        fx.c.query_one(
            "SELECT default_weeks FROM intervention_programs WHERE id = $1",
            &[&fx.program],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(now.version, v);
    assert_eq!(now.start_date, Some(today()));
    assert_eq!(
        now.planned_end_date,
        Some(today() + chrono::Days::new(7 * weeks as u64))
    );
}

#[tokio::test]
async fn closing_a_started_intervention_needs_an_outcome() {
    let fx = fixture().await;
    let h = fx.make(InterventionStatus::Active).await;
    let e = transition(
        &fx.c,
        h.id,
        h.version,
        &Transition::to(InterventionStatus::Completed),
        today(),
    )
    .await
    .unwrap_err();
    assert_eq!(e.refusal(), Some(&Refusal::OutcomeRequired));
    assert_eq!(
        e.to_string(),
        "closing an intervention that has started requires an outcome"
    );
    let raw =
        fx.c.execute(
            "UPDATE interventions SET status = 'completed' WHERE id = $1",
            &[&h.id],
        )
        .await
        .unwrap_err();
    assert_eq!(refusal_of(&raw), Some(Refusal::OutcomeRequired));

    let t = Transition::closing(
        InterventionStatus::Completed,
        Outcome::GoalMet,
        Some("met".into()),
    );
    transition(&fx.c, h.id, h.version, &t, today())
        .await
        .unwrap();
    let now = load_header(&fx.c, h.id).await.unwrap().unwrap();
    assert_eq!(now.outcome, Some(Outcome::GoalMet));
    assert_eq!(now.outcome_notes.as_deref(), Some("met"));
    assert!(now.ended_at.is_some());

    // One that never started can be dropped without one.
    let r = fx.make(InterventionStatus::Referred).await;
    transition(
        &fx.c,
        r.id,
        r.version,
        &Transition::to(InterventionStatus::Discontinued),
        today(),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn a_stale_version_gets_the_current_row() {
    let fx = fixture().await;
    let other = fx.db.admin().await;
    let h = fx.make(InterventionStatus::Active).await;

    // Client one edits; client two still holds the first version.
    let mut edit = InterventionEdit::from(&h);
    edit.sessions_per_week = Some(5);
    let v2 = update_intervention(&fx.c, h.id, h.version, &edit)
        .await
        .unwrap();
    assert_eq!(v2, h.version + 1);

    let mut theirs = InterventionEdit::from(&h);
    theirs.tier = 3;
    match update_intervention(&other, h.id, h.version, &theirs).await {
        Err(WriteError::Conflict { current }) => {
            assert_eq!(current.version, v2);
            assert_eq!(current.sessions_per_week, Some(5));
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    match transition(
        &other,
        h.id,
        h.version,
        &Transition::to(InterventionStatus::Paused),
        today(),
    )
    .await
    {
        Err(WriteError::Conflict { current }) => {
            assert_eq!(current.version, v2);
            assert_eq!(current.status, InterventionStatus::Active);
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    // With the current version it goes through.
    transition(
        &other,
        h.id,
        v2,
        &Transition::to(InterventionStatus::Paused),
        today(),
    )
    .await
    .unwrap();
    match update_intervention(&other, Uuid::new_v4(), 1, &theirs).await {
        Err(WriteError::NotFound) => {}
        other => panic!("expected NotFound, got {other:?}"),
    }
    // Constraint refusals come back typed.
    let mut backwards = InterventionEdit::from(&load_header(&fx.c, h.id).await.unwrap().unwrap());
    backwards.planned_end_date = Some(day(1, 1));
    let e = update_intervention(&fx.c, h.id, v2 + 1, &backwards)
        .await
        .unwrap_err();
    assert_eq!(e.refusal(), Some(&Refusal::EndBeforeStart));
}

#[tokio::test]
async fn create_from_a_program_fills_its_defaults_and_is_idempotent() {
    let fx = fixture().await;
    let p =
        fx.c.query_one(
            "SELECT name, intervention_type, default_tier, default_sessions_per_week, \
                    default_minutes, default_weeks FROM intervention_programs WHERE id = $1",
            &[&fx.program],
        )
        .await
        .unwrap();
    let school: Uuid =
        fx.c.query_one(
            "SELECT school_id FROM students WHERE id = $1",
            &[&fx.student],
        )
        .await
        .unwrap()
        .get(0);
    let mut n = NewIntervention::new(Uuid::new_v4(), fx.student, Source::Program(fx.program));
    n.start_date = Some(day(3, 2));
    n.owner_id = Some(fx.users[1]);
    let h = create(&fx.c, &n).await.unwrap();
    let weeks: i16 = p.get(5);
    assert_eq!(h.name, p.get::<_, String>(0));
    assert_eq!(h.intervention_type, p.get::<_, InterventionType>(1));
    assert_eq!(h.tier, p.get::<_, i16>(2));
    assert_eq!(h.sessions_per_week, p.get(3));
    assert_eq!(h.minutes_per_session, p.get(4));
    assert_eq!(
        h.planned_end_date,
        Some(day(3, 2) + chrono::Days::new(7 * weeks as u64))
    );
    assert_eq!(h.school_id, school);
    assert_eq!(h.status, InterventionStatus::Referred);

    // The same id again: the first row, not a second one.
    let mut again = n.clone();
    again.tier = Some(1);
    let h2 = create(&fx.c, &again).await.unwrap();
    assert_eq!(h2, h);
    let count: i64 =
        fx.c.query_one("SELECT count(*) FROM interventions WHERE id = $1", &[&n.id])
            .await
            .unwrap()
            .get(0);
    assert_eq!(count, 1);

    // Overrides win; a custom one needs its own name.
    let mut custom = NewIntervention::new(
        Uuid::new_v4(),
        fx.student,
        Source::Custom {
            name: "Lunch bunch".into(),
            intervention_type: InterventionType::SocialEmotional,
            tier: 2,
        },
    );
    custom.sessions_per_week = Some(1);
    custom.previous_intervention_id = Some(h.id);
    let c = create(&fx.c, &custom).await.unwrap();
    // The escalation chain, seen from both ends.
    let before = load_detail(&fx.c, h.id, today()).await.unwrap().unwrap();
    let after = load_detail(&fx.c, c.id, today()).await.unwrap().unwrap();
    assert_eq!(
        before
            .chain
            .iter()
            .map(|l| (l.id, l.is_previous))
            .collect::<Vec<_>>(),
        vec![(c.id, false)]
    );
    assert_eq!(
        after
            .chain
            .iter()
            .map(|l| (l.id, l.is_previous))
            .collect::<Vec<_>>(),
        vec![(h.id, true)]
    );
    assert_eq!(
        (c.name.as_str(), c.program_id, c.sessions_per_week),
        ("Lunch bunch", None, Some(1))
    );
    let nameless = NewIntervention::new(
        Uuid::new_v4(),
        fx.student,
        Source::Custom {
            name: " ".into(),
            intervention_type: InterventionType::Other,
            tier: 1,
        },
    );
    assert_eq!(
        create(&fx.c, &nameless).await.unwrap_err().refusal(),
        Some(&Refusal::NameRequired)
    );
    let unknown = NewIntervention::new(Uuid::new_v4(), fx.student, Source::Program(Uuid::new_v4()));
    assert_eq!(
        create(&fx.c, &unknown).await.unwrap_err().refusal(),
        Some(&Refusal::UnknownStudentOrProgram)
    );
}

#[tokio::test]
async fn the_owner_is_always_on_the_team() {
    let fx = fixture().await;
    let (u0, u1, u2) = (fx.users[0], fx.users[1], fx.users[2]);
    let h = fx.make(InterventionStatus::Active).await;
    let team = load_team(&fx.c, h.id).await.unwrap();
    assert_eq!(team.len(), 1);
    assert_eq!(
        (team[0].user_id, team[0].role, team[0].can_edit),
        (Some(u0), TeamRole::Owner, true)
    );

    // A new owner joins as owner; the old one stays, as an interventionist.
    let mut edit = InterventionEdit::from(&h);
    edit.owner_id = Some(u1);
    update_intervention(&fx.c, h.id, h.version, &edit)
        .await
        .unwrap();
    let team = load_team(&fx.c, h.id).await.unwrap();
    let role_of = |u: Uuid| team.iter().find(|t| t.user_id == Some(u)).map(|t| t.role);
    assert_eq!(role_of(u1), Some(TeamRole::Owner));
    assert_eq!(role_of(u0), Some(TeamRole::Interventionist));
    assert_eq!(team.iter().filter(|t| t.role == TeamRole::Owner).count(), 1);

    let owner_row = team.iter().find(|t| t.user_id == Some(u1)).unwrap().id;
    let e = remove_member(&fx.c, h.id, owner_row).await.unwrap_err();
    assert_eq!(e.refusal(), Some(&Refusal::OwnerKept));
    assert_eq!(
        e.to_string(),
        "the owner is always on the team: change the owner first"
    );
    let e = change_role(&fx.c, owner_row, TeamRole::Observer, true)
        .await
        .unwrap_err();
    assert_eq!(e.refusal(), Some(&Refusal::OwnerKept));
    let raw =
        fx.c.execute("DELETE FROM intervention_team WHERE id = $1", &[&owner_row])
            .await
            .unwrap_err();
    assert_eq!(refusal_of(&raw), Some(Refusal::OwnerKept));

    // Members: users and people from outside, with roles.
    let add = |member, role| NewMember {
        id: Uuid::new_v4(),
        member,
        role,
        can_edit: false,
    };
    let teacher = add(Member::User(u2), TeamRole::Teacher);
    add_member(&fx.c, h.id, &teacher).await.unwrap();
    let team = add_member(&fx.c, h.id, &teacher)
        .await
        .expect("a retried add is a no-op");
    assert_eq!(team.len(), 3);
    let twin = add(Member::User(u2), TeamRole::Observer);
    assert_eq!(
        add_member(&fx.c, h.id, &twin).await.unwrap_err().refusal(),
        Some(&Refusal::AlreadyOnTeam)
    );
    let usurper = add(Member::User(fx.users[3]), TeamRole::Owner);
    assert_eq!(
        add_member(&fx.c, h.id, &usurper)
            .await
            .unwrap_err()
            .refusal(),
        Some(&Refusal::OwnerRoleTaken)
    );
    let vague = add(
        Member::External {
            name: "Dr. Okafor".into(),
            org: "".into(),
        },
        TeamRole::Observer,
    );
    assert_eq!(
        add_member(&fx.c, h.id, &vague).await.unwrap_err().refusal(),
        Some(&Refusal::ExternalIncomplete)
    );
    let therapist = add(
        Member::External {
            name: "Dr. Okafor".into(),
            org: "Riverside Speech Clinic".into(),
        },
        TeamRole::Observer,
    );
    let team = add_member(&fx.c, h.id, &therapist).await.unwrap();
    let t = team.iter().find(|t| t.id == therapist.id).unwrap();
    assert_eq!(
        (t.name.as_str(), t.external_org.as_deref()),
        ("Dr. Okafor", Some("Riverside Speech Clinic"))
    );
    change_role(&fx.c, teacher.id, TeamRole::Interventionist, true)
        .await
        .unwrap();
    remove_member(&fx.c, h.id, teacher.id).await.unwrap();
    assert!(matches!(
        remove_member(&fx.c, h.id, teacher.id).await,
        Err(WriteError::NotFound)
    ));

    // The former owner can go once they are no longer the owner.
    let former = load_team(&fx.c, h.id).await.unwrap();
    let former = former.iter().find(|t| t.user_id == Some(u0)).unwrap().id;
    remove_member(&fx.c, h.id, former).await.unwrap();
    // Two owner changes in one transaction settle on the last.
    fx.c.batch_execute(&format!(
        "BEGIN; UPDATE interventions SET owner_id = '{u2}' WHERE id = '{id}'; \
         UPDATE interventions SET owner_id = '{u0}' WHERE id = '{id}'; COMMIT;",
        id = h.id
    ))
    .await
    .unwrap();
    let owners: Vec<Option<Uuid>> = load_team(&fx.c, h.id)
        .await
        .unwrap()
        .iter()
        .filter(|t| t.role == TeamRole::Owner)
        .map(|t| t.user_id)
        .collect();
    assert_eq!(owners, vec![Some(u0)]);
    // Deleting the intervention takes its team, owner included.
    fx.c.execute("DELETE FROM interventions WHERE id = $1", &[&h.id])
        .await
        .unwrap();
    assert!(load_team(&fx.c, h.id).await.unwrap().is_empty());
}

fn goal_fields() -> GoalFields {
    GoalFields {
        statement: "Reads 90 words correct per minute".into(),
        measure: "ORF".into(),
        unit: Some("wcpm".into()),
        direction: GoalDirection::Increase,
        baseline_value: Some(40.0),
        baseline_date: Some(day(1, 12)),
        target_value: Some(90.0),
        target_date: Some(day(5, 29)),
        decision_rule: GoalRule::FourPoint,
        status: GoalStatus::Active,
        sort_order: 0,
    }
}

#[tokio::test]
async fn goals_are_validated_and_versioned() {
    let fx = fixture().await;
    let h = fx.make(InterventionStatus::Active).await;
    let g = add_goal(&fx.c, Uuid::new_v4(), h.id, &goal_fields())
        .await
        .unwrap();
    assert_eq!(g.fields, goal_fields());
    assert_eq!(g.version, 1);

    let before = GoalFields {
        target_date: Some(day(1, 5)),
        ..goal_fields()
    };
    let e = add_goal(&fx.c, Uuid::new_v4(), h.id, &before)
        .await
        .unwrap_err();
    assert_eq!(e.refusal(), Some(&Refusal::TargetNotAfterBaseline));
    assert_eq!(
        e.to_string(),
        "the target date must be after the baseline date"
    );
    let wrong_side = GoalFields {
        direction: GoalDirection::Decrease,
        ..goal_fields()
    };
    let e = update_goal(&fx.c, g.id, g.version, &wrong_side)
        .await
        .unwrap_err();
    assert_eq!(e.refusal(), Some(&Refusal::TargetWrongSide));

    let decreasing = GoalFields {
        direction: GoalDirection::Decrease,
        baseline_value: Some(6.0),
        target_value: Some(1.0),
        ..goal_fields()
    };
    let v2 = update_goal(&fx.c, g.id, g.version, &decreasing)
        .await
        .unwrap();
    assert_eq!(v2, 2);
    match update_goal(&fx.c, g.id, g.version, &goal_fields()).await {
        Err(WriteError::Conflict { current }) => {
            assert_eq!(current.version, 2);
            assert_eq!(current.fields, decreasing);
        }
        other => panic!("expected a conflict, got {other:?}"),
    }

    // Data points: idempotent add, optional session, delete.
    let m = NewMeasurement {
        id: Uuid::new_v4(),
        goal_id: g.id,
        session_id: None,
        measured_on: day(2, 2),
        value: 4.5,
        note: Some("after lunch".into()),
    };
    let first = add_measurement(&fx.c, &m).await.unwrap();
    let again = add_measurement(&fx.c, &m).await.unwrap();
    assert_eq!(first, again);
    assert_eq!(first.value, 4.5);
    let d = load_detail(&fx.c, h.id, today()).await.unwrap().unwrap();
    assert_eq!(d.goals.len(), 1);
    assert_eq!(d.goals[0].points, vec![first.clone()]);
    delete_measurement(&fx.c, m.id).await.unwrap();
    assert!(matches!(
        delete_measurement(&fx.c, m.id).await,
        Err(WriteError::NotFound)
    ));
}

#[tokio::test]
async fn fidelity_counts_match_the_hand_computed_plan() {
    let fx = fixture().await;
    // 3 a week × 30 minutes from Mon 2 Feb; judged on Sun 1 Mar: 28 days = 4
    // weeks → 12 sessions and 360 minutes planned.
    let mut n = NewIntervention::new(Uuid::new_v4(), fx.student, Source::Program(fx.program));
    n.status = InterventionStatus::Active;
    n.start_date = Some(day(2, 2));
    n.planned_end_date = Some(day(4, 30));
    n.sessions_per_week = Some(3);
    n.minutes_per_session = Some(30);
    n.owner_id = Some(fx.users[0]);
    let h = create(&fx.c, &n).await.unwrap();
    // 9 present (8 × 30 + 1 × 20 = 260 min), 2 absent, 1 present before the
    // start and 1 after today: 9 sessions, 260 minutes count.
    let mut sessions: Vec<(NaiveDate, &str, i16)> = (0..8)
        .map(|i| (day(2, 3) + chrono::Days::new(i * 3), "present", 30))
        .collect();
    sessions.push((day(2, 27), "present", 20));
    sessions.push((day(2, 10), "student_absent", 0));
    sessions.push((day(2, 12), "staff_absent", 0));
    sessions.push((day(1, 30), "present", 30));
    sessions.push((day(3, 5), "present", 30));
    for (on, attendance, minutes) in sessions {
        fx.c.execute(
            "INSERT INTO intervention_sessions (id, intervention_id, session_date, minutes, \
               attendance) VALUES ($1, $2, $3, $4, $5)",
            &[&Uuid::new_v4(), &h.id, &on, &minutes, &attendance],
        )
        .await
        .unwrap();
    }
    let judged_on = day(3, 1);
    let rows = delivery_counts(&fx.c, &[h.id], judged_on).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].delivery.sessions_delivered, 9);
    assert_eq!(rows[0].delivery.minutes_delivered, 260);
    let f = fidelity::fidelity(&rows[0].delivery, judged_on, 0.8).unwrap();
    assert!((f.planned_sessions - 12.0).abs() < 1e-9);
    assert!((f.sessions_ratio - 0.75).abs() < 1e-9);
    assert!((f.minutes_ratio.unwrap() - 260.0 / 360.0).abs() < 1e-9);
    assert!(f.below_threshold);

    let d = load_detail(&fx.c, h.id, judged_on).await.unwrap().unwrap();
    assert_eq!(d.fidelity(judged_on), Some(f));
    assert_eq!(d.settings.fidelity_threshold, 0.8);
    assert_eq!(d.sessions_total, 13);
    assert_eq!(d.sessions[0].session_date, day(3, 5), "newest first");
}

#[tokio::test]
async fn the_detail_loads_every_tab_of_a_seeded_intervention() {
    let fx = fixture().await;
    // The seeded intervention with the most of everything.
    let id: Uuid =
        fx.c.query_one(
            "SELECT i.id FROM interventions i \
             ORDER BY (SELECT count(*) FROM intervention_goals g WHERE g.intervention_id = i.id) \
                    + (SELECT count(*) FROM communication_log c WHERE c.intervention_id = i.id) \
                    + (SELECT count(*) FROM intervention_attachments a \
                       WHERE a.intervention_id = i.id) DESC, i.id LIMIT 1",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    let d = load_detail(&fx.c, id, today())
        .await
        .unwrap()
        .expect("found");
    let count = |sql: &'static str| {
        let c = &fx.c;
        async move { c.query_one(sql, &[&id]).await.unwrap().get::<_, i64>(0) }
    };
    assert_eq!(
        d.goals.len() as i64,
        count("SELECT count(*) FROM intervention_goals WHERE intervention_id = $1").await
    );
    assert_eq!(
        d.goals.iter().map(|g| g.points.len() as i64).sum::<i64>(),
        count("SELECT count(*) FROM progress_measurements m JOIN intervention_goals g ON g.id = m.goal_id WHERE g.intervention_id = $1").await
    );
    assert_eq!(
        d.sessions_total,
        count("SELECT count(*) FROM intervention_sessions WHERE intervention_id = $1").await
    );
    assert_eq!(
        d.team.len() as i64,
        count("SELECT count(*) FROM intervention_team WHERE intervention_id = $1").await
    );
    assert_eq!(
        d.communications.len() as i64,
        count("SELECT count(*) FROM communication_log WHERE intervention_id = $1").await
    );
    assert_eq!(
        d.attachments.len() as i64,
        count("SELECT count(*) FROM intervention_attachments a JOIN documents d ON d.id = a.document_id WHERE a.intervention_id = $1 AND d.deleted_at IS NULL").await
    );
    assert!(!d.goals.is_empty() && !d.communications.is_empty());
    assert!(d.header.student_name.contains(' '));
    assert!(!d.header.name.is_empty());
    if d.header.start_date.is_some() {
        assert!(!d.markers.is_empty());
    }
    assert!(
        load_detail(&fx.c, Uuid::new_v4(), today())
            .await
            .unwrap()
            .is_none()
    );
}

/// A counselor login (not superuser) whose caseload holds `fx.student`:
/// the roles (dropped last), their users id and their connection.
async fn counselor(fx: &Fx) -> (LoginRoles, Uuid, Client) {
    let roles = LoginRoles::create(&fx.c, "caseload_counselor", 1).await;
    let role = &roles.0[0];
    let me: Uuid =
        fx.c.query_one(
            "WITH u AS (INSERT INTO users (username, display_name, email) \
                        VALUES ($1, 'Ivy Test', $1 || '@example.org') RETURNING id) \
             INSERT INTO user_roles (user_id, role_id) \
             SELECT u.id, r.id FROM u, roles r WHERE r.key = 'counselor' RETURNING user_id",
            &[role],
        )
        .await
        .unwrap()
        .get(0);
    // Row-level security: a counselor works only with their own students.
    fx.c.execute(
        "UPDATE students SET counselor_id = $1 WHERE id = $2",
        &[&me, &fx.student],
    )
    .await
    .unwrap();
    let conninfo = LoginRoles::conninfo_as(&fx.db.conninfo(), role);
    let c = common::connect(&conninfo).await;
    let is_super: bool = c
        .query_one(
            "SELECT rolsuper FROM pg_roles WHERE rolname = current_user",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(!is_super);
    (roles, me, c)
}

#[tokio::test]
async fn a_counselor_login_creates_owns_and_moves_an_intervention() {
    let fx = fixture().await;
    let (_roles, me, c) = counselor(&fx).await;

    let n = NewIntervention::new(Uuid::new_v4(), fx.student, Source::Program(fx.program));
    let h = create(&c, &n).await.expect("create as the counselor");
    assert_eq!(
        h.owner_id,
        Some(me),
        "the owner defaults to whoever creates it"
    );
    assert_eq!(h.referred_by, Some(me));
    let team = load_team(&c, h.id).await.unwrap();
    assert_eq!(
        team.iter().map(|t| (t.user_id, t.role)).collect::<Vec<_>>(),
        vec![(Some(me), TeamRole::Owner)]
    );

    let v = transition(
        &c,
        h.id,
        h.version,
        &Transition::to(InterventionStatus::Planned),
        today(),
    )
    .await
    .unwrap();
    let v = transition(
        &c,
        h.id,
        v,
        &Transition::to(InterventionStatus::Active),
        today(),
    )
    .await
    .unwrap();
    let e = transition(
        &c,
        h.id,
        v,
        &Transition::to(InterventionStatus::Referred),
        today(),
    )
    .await
    .unwrap_err();
    assert!(matches!(
        e.refusal(),
        Some(Refusal::IllegalTransition { .. })
    ));
    let raw = c
        .execute(
            "UPDATE interventions SET status = 'referred' WHERE id = $1",
            &[&h.id],
        )
        .await
        .unwrap_err();
    assert!(matches!(
        refusal_of(&raw),
        Some(Refusal::IllegalTransition { .. })
    ));
    drop(c);
}

#[tokio::test]
async fn the_create_form_lists_the_students_programs_and_the_restrict_right() {
    let fx = fixture().await;
    let (_roles, _me, c) = counselor(&fx).await;
    // One program retired, one of another school: neither is offered.
    fx.c.execute(
        "UPDATE intervention_programs SET is_active = false WHERE id = $1",
        &[&fx.program],
    )
    .await
    .unwrap();
    fx.c.execute(
        "INSERT INTO intervention_programs (name, intervention_type, school_id) \
         SELECT 'Elsewhere only', 'math', sc.id FROM schools sc \
         WHERE sc.id <> (SELECT school_id FROM students WHERE id = $1) LIMIT 1",
        &[&fx.student],
    )
    .await
    .unwrap();
    let ctx = form_context(&c, ContextFor::Student(fx.student))
        .await
        .unwrap();
    let expected: Vec<String> =
        fx.c.query(
            "SELECT p.name FROM intervention_programs p, students s WHERE s.id = $1 \
             AND p.is_active AND (p.school_id IS NULL OR p.school_id = s.school_id) \
             ORDER BY p.name, p.id",
            &[&fx.student],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(!expected.is_empty());
    let names: Vec<String> = ctx.programs.iter().map(|p| p.name.clone()).collect();
    assert_eq!(names, expected);
    assert!(!ctx.programs.iter().any(|p| p.id == fx.program));
    assert!(!names.iter().any(|n| n == "Elsewhere only"));
    let counselors_may: bool =
        fx.c.query_one(
            "SELECT can_view_restricted FROM roles WHERE key = 'counselor'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(ctx.can_restrict, counselors_may);
    assert_eq!(ctx.measure, None);
    // A plan's form gets no programs, and its program's measure for goals.
    let n = NewIntervention::new(Uuid::new_v4(), fx.student, Source::Program(fx.program));
    let h = create(&c, &n).await.unwrap();
    let about = form_context(&c, ContextFor::Intervention(h.id))
        .await
        .unwrap();
    assert!(about.programs.is_empty());
    let measure: Option<String> =
        fx.c.query_one(
            "SELECT progress_measure FROM intervention_programs WHERE id = $1",
            &[&fx.program],
        )
        .await
        .unwrap()
        .get(0);
    assert!(measure.is_some(), "the seeded programs name their measure");
    assert_eq!(about.measure, measure);
}

#[tokio::test]
async fn form_writes_name_owners_by_username_and_retry_safely() {
    let fx = fixture().await;
    let (roles, me, c) = counselor(&fx).await;
    let (colleague, colleague_login): (Uuid, String) = {
        let r =
            fx.c.query_one(
                "SELECT id, username FROM users WHERE is_active AND id <> $1 \
                 ORDER BY username LIMIT 1",
                &[&me],
            )
            .await
            .unwrap();
        (r.get(0), r.get(1))
    };
    assert_eq!(
        user_by_username(&c, &roles.0[0].to_uppercase())
            .await
            .unwrap(),
        Some(me)
    );
    assert_eq!(user_by_username(&c, "nobody_here").await.unwrap(), None);

    // Created with the counselor as owner (empty owner field), twice: one row.
    let mut new = NewIntervention::new(Uuid::new_v4(), fx.student, Source::Program(fx.program));
    new.start_date = Some(day(3, 2));
    new.sessions_per_week = Some(2);
    let write = IvWrite::Create {
        new: new.clone(),
        owner: None,
    };
    let first = iv_write::run(&c, write.clone()).await;
    assert!(
        matches!(&first, IvWritten::Saved(IvSaved::Created { id, .. }) if *id == new.id),
        "{first:?}"
    );
    assert_eq!(iv_write::run(&c, write).await, first);
    let n: i64 =
        fx.c.query_one(
            "SELECT count(*) FROM interventions WHERE id = $1",
            &[&new.id],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 1);
    let h = load_header(&c, new.id).await.unwrap().unwrap();
    assert_eq!((h.owner_id, h.sessions_per_week), (Some(me), Some(2)));

    // An unknown username is refused in words; nothing changes.
    let mut edit = InterventionEdit::from(&h);
    edit.tier = 3;
    let refused = iv_write::run(
        &c,
        IvWrite::Update {
            id: h.id,
            version: h.version,
            edit: edit.clone(),
            owner: Some("nobody_here".into()),
        },
    )
    .await;
    assert!(
        matches!(&refused, IvWritten::Refused(m) if m.contains("\"nobody_here\"")),
        "{refused:?}"
    );
    // Handed to a colleague by username.
    let saved = iv_write::run(
        &c,
        IvWrite::Update {
            id: h.id,
            version: h.version,
            edit: edit.clone(),
            owner: Some(colleague_login),
        },
    )
    .await;
    assert_eq!(saved, IvWritten::Saved(IvSaved::Updated));
    let after = load_header(&fx.c, h.id).await.unwrap().unwrap();
    assert_eq!((after.owner_id, after.tier), (Some(colleague), 3));
    // The version read before that save is stale now: theirs comes back.
    let stale = iv_write::run(
        &fx.c,
        IvWrite::Update {
            id: h.id,
            version: h.version,
            edit,
            owner: None,
        },
    )
    .await;
    let IvWritten::Conflict(Theirs::Intervention(theirs)) = stale else {
        panic!("{stale:?}")
    };
    assert_eq!(theirs.version, after.version);
    assert_eq!(theirs.owner_id, Some(colleague));
}

#[tokio::test]
async fn goal_and_point_writes_from_the_forms() {
    let fx = fixture().await;
    let h = fx.make(InterventionStatus::Active).await;
    let fields = GoalFields {
        statement: "Reads 90 wcpm".into(),
        measure: "ORF".into(),
        unit: Some("wcpm".into()),
        direction: GoalDirection::Increase,
        baseline_value: Some(40.0),
        baseline_date: Some(day(1, 12)),
        target_value: Some(30.0),
        target_date: Some(day(5, 1)),
        decision_rule: GoalRule::FourPoint,
        status: GoalStatus::Active,
        sort_order: 0,
    };
    let goal_id = Uuid::new_v4();
    let add = |fields: GoalFields| IvWrite::AddGoal {
        id: goal_id,
        intervention_id: h.id,
        fields,
    };
    // Past the form's checks, the database's CHECK answers in the same words.
    assert_eq!(
        iv_write::run(&fx.c, add(fields.clone())).await,
        IvWritten::Refused(Refusal::TargetWrongSide.to_string())
    );
    let good = GoalFields {
        target_value: Some(90.0),
        ..fields
    };
    assert_eq!(
        iv_write::run(&fx.c, add(good.clone())).await,
        IvWritten::Saved(IvSaved::Updated)
    );
    assert_eq!(
        iv_write::run(&fx.c, add(good.clone())).await,
        IvWritten::Saved(IvSaved::Updated)
    );
    let goals: i64 =
        fx.c.query_one(
            "SELECT count(*) FROM intervention_goals WHERE intervention_id = $1",
            &[&h.id],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(goals, 1, "a retried add is one goal");
    let stale = iv_write::run(
        &fx.c,
        IvWrite::UpdateGoal {
            id: goal_id,
            version: 99,
            fields: good,
        },
    )
    .await;
    assert!(
        matches!(&stale, IvWritten::Conflict(Theirs::Goal(g)) if g.version == 1),
        "{stale:?}"
    );

    let point = NewMeasurement {
        id: Uuid::new_v4(),
        goal_id,
        session_id: None,
        measured_on: day(2, 1),
        value: 47.5,
        note: Some("after break".into()),
    };
    for _ in 0..2 {
        assert_eq!(
            iv_write::run(&fx.c, IvWrite::AddPoint(point.clone())).await,
            IvWritten::Saved(IvSaved::Updated)
        );
    }
    let d = load_detail(&fx.c, h.id, today()).await.unwrap().unwrap();
    let g = d.goals.iter().find(|g| g.goal.id == goal_id).unwrap();
    assert_eq!(
        g.points.iter().map(|p| p.value).collect::<Vec<_>>(),
        vec![47.5]
    );
    let delete = IvWrite::DeletePoint { id: point.id };
    assert_eq!(
        iv_write::run(&fx.c, delete.clone()).await,
        IvWritten::Saved(IvSaved::Updated)
    );
    assert_eq!(iv_write::run(&fx.c, delete).await, IvWritten::Gone);
}
