//! The student record's writes against a real server, signed in as a
//! counselor's own login role so row-level security applies: a save moves the
//! version on, two people editing the same profile or guardian never
//! overwrite each other silently, constraint refusals come back in words,
//! and a record outside what the person may see cannot be written at all.

mod common;

use caseload::db::student_record::{load, load_guardian, save};
use caseload::domain::enums::StudentStatus;
use caseload::domain::student::StudentTheirs;
use caseload::domain::student::{Change, SaveOutcome};
use chrono::NaiveDate;
use common::TestDb;
use common::roles::LoginRoles;
use tokio_postgres::Client;
use uuid::Uuid;

struct Fx {
    // Dropped after the database (fields drop in order), as roles.rs asks.
    db: TestDb,
    _roles: LoginRoles,
    admin: Client,
    /// Signed in as the counselor whose caseload holds `mine`.
    counselor: String,
    mine: Uuid,
    /// A student of someone else's caseload, invisible to the counselor.
    other: Uuid,
}

async fn fixture() -> Fx {
    let (db, admin) =
        TestDb::seeded(40, 11, NaiveDate::from_ymd_opt(2026, 3, 11).expect("date")).await;
    let roles = LoginRoles::create(&admin, "caseload_counselor", 1).await;
    let role = roles.0[0].clone();
    let me: Uuid = admin
        .query_one(
            "WITH u AS (INSERT INTO users (username, display_name, email) \
                        VALUES ($1, 'Rae Test', $1 || '@example.org') RETURNING id) \
             INSERT INTO user_roles (user_id, role_id) \
             SELECT u.id, r.id FROM u, roles r WHERE r.key = 'counselor' RETURNING user_id",
            &[&role],
        )
        .await
        .expect("counselor user")
        .get(0);
    // A student with a guardian becomes the counselor's; one without any
    // intervention stays someone else's, so no team row makes it visible.
    let mine: Uuid = admin
        .query_one(
            "SELECT s.id FROM students s \
             WHERE EXISTS (SELECT 1 FROM student_guardians g WHERE g.student_id = s.id) \
             ORDER BY s.id LIMIT 1",
            &[],
        )
        .await
        .expect("a student with a guardian")
        .get(0);
    admin
        .execute(
            "UPDATE students SET counselor_id = $1 WHERE id = $2",
            &[&me, &mine],
        )
        .await
        .expect("assign");
    let other: Uuid = admin
        .query_one(
            "SELECT s.id FROM students s WHERE s.id <> $1 \
             AND NOT EXISTS (SELECT 1 FROM interventions i WHERE i.student_id = s.id) \
             ORDER BY s.id LIMIT 1",
            &[&mine],
        )
        .await
        .expect("another student")
        .get(0);
    let counselor = LoginRoles::conninfo_as(&db.conninfo(), &role);
    Fx {
        db,
        _roles: roles,
        admin,
        counselor,
        mine,
        other,
    }
}

impl Fx {
    async fn as_counselor(&self) -> Client {
        common::connect(&self.counselor).await
    }
}

#[tokio::test]
async fn a_profile_save_moves_the_version_and_is_read_back() {
    let fx = fixture().await;
    let c = fx.as_counselor().await;
    let record = load(&c, fx.mine).await.expect("load").expect("visible");
    let v = record.profile.version;
    let mut p = record.profile.value.clone();
    p.preferred_name = Some("Nico".into());
    p.has_504 = !p.has_504;

    let out = save(&c, fx.mine, v, &Change::Profile(p.clone())).await;
    assert_eq!(out, SaveOutcome::Saved(v + 1));

    let again = load(&c, fx.mine).await.expect("reload").expect("visible");
    assert_eq!(again.profile.version, v + 1);
    assert_eq!(again.profile.value, p, "what was saved is what is read");
}

#[tokio::test]
async fn two_people_saving_the_same_profile_get_a_conflict_not_an_overwrite() {
    let fx = fixture().await;
    let (a, b) = (fx.as_counselor().await, fx.as_counselor().await);
    let start = load(&a, fx.mine).await.expect("load").expect("visible");
    let v = start.profile.version;

    let mut theirs = start.profile.value.clone();
    theirs.preferred_name = Some("Theirs".into());
    assert_eq!(
        save(&a, fx.mine, v, &Change::Profile(theirs.clone())).await,
        SaveOutcome::Saved(v + 1)
    );

    // The second person still edits what they opened at version v.
    let mut mine = start.profile.value.clone();
    mine.preferred_name = Some("Mine".into());
    let out = save(&b, fx.mine, v, &Change::Profile(mine.clone())).await;
    assert_eq!(
        out,
        SaveOutcome::Conflict(StudentTheirs {
            version: v + 1,
            theirs: Change::Profile(theirs.clone()),
        }),
        "the conflict carries the other person's values and version"
    );
    let now = load(&b, fx.mine).await.expect("reload").expect("visible");
    assert_eq!(now.profile.value.preferred_name.as_deref(), Some("Theirs"));

    // "Keep mine" is a save at the version the conflict reported.
    assert_eq!(
        save(&b, fx.mine, v + 1, &Change::Profile(mine)).await,
        SaveOutcome::Saved(v + 2)
    );
}

#[tokio::test]
async fn two_people_saving_the_same_guardian_get_a_conflict_not_an_overwrite() {
    let fx = fixture().await;
    let (a, b) = (fx.as_counselor().await, fx.as_counselor().await);
    let record = load(&a, fx.mine).await.expect("load").expect("visible");
    let g = record.guardians.first().expect("a guardian").clone();

    let mut theirs = g.value.clone();
    theirs.phone = Some("+1 555 0100".into());
    assert_eq!(
        save(&a, g.id, g.version, &Change::Guardian(theirs.clone())).await,
        SaveOutcome::Saved(g.version + 1)
    );

    let mut mine = g.value.clone();
    mine.preferred_language = Some("Tagalog".into());
    assert_eq!(
        save(&b, g.id, g.version, &Change::Guardian(mine)).await,
        SaveOutcome::Conflict(StudentTheirs {
            version: g.version + 1,
            theirs: Change::Guardian(theirs.clone()),
        })
    );
    let stored = load_guardian(&b, g.id)
        .await
        .expect("read")
        .expect("visible");
    assert_eq!(stored.value, theirs, "the first save stands untouched");
}

#[tokio::test]
async fn constraint_refusals_come_back_in_words_and_write_nothing() {
    let fx = fixture().await;
    let c = fx.as_counselor().await;
    let record = load(&c, fx.mine).await.expect("load").expect("visible");
    let v = record.profile.version;

    let mut p = record.profile.value.clone();
    p.status = StudentStatus::Withdrawn;
    p.exit_date = None;
    assert_eq!(
        save(&c, fx.mine, v, &Change::Profile(p)).await,
        SaveOutcome::Refused(
            "transferred, withdrawn and graduated students need an exit date".into()
        )
    );

    let g = record.guardians.first().expect("a guardian").clone();
    let mut bad = g.value.clone();
    bad.email = Some("not an address".into());
    assert_eq!(
        save(&c, g.id, g.version, &Change::Guardian(bad)).await,
        SaveOutcome::Refused("email is not a valid address".into())
    );

    let after = load(&c, fx.mine).await.expect("reload").expect("visible");
    assert_eq!(after.profile.version, v, "a refused save changes nothing");
    assert_eq!(after.guardians[0].version, g.version);
}

/// 0015: a name with a control character is refused in words, for the
/// profile and for a guardian, and nothing is written.
#[tokio::test]
async fn a_name_with_a_control_character_is_refused_in_words() {
    let fx = fixture().await;
    let c = fx.as_counselor().await;
    let record = load(&c, fx.mine).await.expect("load").expect("visible");
    let v = record.profile.version;
    let words = caseload::domain::refusal::Refusal::NameNotPrintable.to_string();
    let mut p = record.profile.value.clone();
    p.first_name = "Ro\x1b[2Jse".into();
    assert_eq!(
        save(&c, fx.mine, v, &Change::Profile(p)).await,
        SaveOutcome::Refused(words.clone())
    );
    let g = record.guardians.first().expect("a guardian").clone();
    let mut bad = g.value.clone();
    bad.last_name = "Evil\u{202E}".into();
    assert_eq!(
        save(&c, g.id, g.version, &Change::Guardian(bad)).await,
        SaveOutcome::Refused(words)
    );
    let after = load(&c, fx.mine).await.expect("reload").expect("visible");
    assert_eq!(after.profile.version, v, "a refused save changes nothing");
}

#[tokio::test]
async fn a_record_outside_the_caseload_cannot_be_read_or_written() {
    let fx = fixture().await;
    let c = fx.as_counselor().await;
    assert!(
        load(&c, fx.other).await.expect("load").is_none(),
        "row-level security hides another counselor's student"
    );
    let row = fx
        .admin
        .query_one(
            "SELECT version, first_name FROM students WHERE id = $1",
            &[&fx.other],
        )
        .await
        .expect("admin reads it");
    let version: i32 = row.get(0);
    let visible = load(&fx.admin, fx.other)
        .await
        .expect("load")
        .expect("admin sees it");
    let mut p = visible.profile.value.clone();
    p.first_name = "Overwritten".into();

    assert_eq!(
        save(&c, fx.other, version, &Change::Profile(p)).await,
        SaveOutcome::Gone,
        "an invisible row looks deleted, and nothing is written"
    );
    let first: String = fx
        .admin
        .query_one(
            "SELECT first_name FROM students WHERE id = $1",
            &[&fx.other],
        )
        .await
        .expect("read back")
        .get(0);
    assert_eq!(first, row.get::<_, String>(1));
}

#[tokio::test]
async fn a_read_only_role_is_told_it_may_not_change_the_record() {
    let fx = fixture().await;
    let roles = LoginRoles::create(&fx.admin, "caseload_viewer", 1).await;
    let c = common::connect(&LoginRoles::conninfo_as(&fx.db.conninfo(), &roles.0[0])).await;
    let p = load(&fx.admin, fx.mine)
        .await
        .expect("load")
        .expect("admin sees it")
        .profile;
    assert_eq!(
        save(&c, fx.mine, p.version, &Change::Profile(p.value)).await,
        SaveOutcome::Refused("the database refused: your role may not change this record".into())
    );
}

/// The interventions tab says whether each plan is working: its goals'
/// decision rules, judged from the data points as the counselor sees them.
#[tokio::test]
async fn each_intervention_says_whether_its_goals_are_on_track() {
    use caseload::db::interventions::edit::create;
    use caseload::db::interventions::goals::{add_goal, add_measurement};
    use caseload::domain::enums::InterventionType;
    use caseload::domain::goals::{GoalFields, NewMeasurement};
    use caseload::domain::kinds::{GoalDirection, GoalRule, GoalStatus};
    use caseload::domain::plan::{NewIntervention, Source};
    use caseload::domain::student::Progress;
    let fx = fixture().await;
    let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).expect("date");
    let custom = |name: &str| {
        let mut n = NewIntervention::new(
            Uuid::new_v4(),
            fx.mine,
            Source::Custom {
                name: name.into(),
                intervention_type: InterventionType::Reading,
                tier: 2,
            },
        );
        n.start_date = Some(d(1, 5));
        n
    };
    let judged = create(&fx.admin, &custom("Reading club"))
        .await
        .expect("plan");
    let bare = create(&fx.admin, &custom("No goals yet"))
        .await
        .expect("plan");
    let goal = add_goal(
        &fx.admin,
        Uuid::new_v4(),
        judged.id,
        &GoalFields {
            statement: "Reads 90 wcpm".into(),
            measure: "ORF".into(),
            unit: Some("wcpm".into()),
            direction: GoalDirection::Increase,
            baseline_value: Some(40.0),
            baseline_date: Some(d(1, 5)),
            target_value: Some(90.0),
            target_date: Some(d(5, 25)),
            decision_rule: GoalRule::FourPoint,
            status: GoalStatus::Active,
            sort_order: 0,
        },
    )
    .await
    .expect("goal");
    // Four points well below a line that climbs from 40 to 90.
    for (i, day) in [2u32, 9, 16, 23].into_iter().enumerate() {
        add_measurement(
            &fx.admin,
            &NewMeasurement {
                id: Uuid::new_v4(),
                goal_id: goal.id,
                session_id: None,
                measured_on: d(3, day),
                value: 30.0 + i as f64,
                note: None,
            },
        )
        .await
        .expect("point");
    }
    let c = fx.as_counselor().await;
    let record = load(&c, fx.mine).await.expect("load").expect("visible");
    let progress = |id: Uuid| {
        record
            .interventions
            .iter()
            .find(|l| l.id == id)
            .map(|l| l.progress)
    };
    assert_eq!(progress(judged.id), Some(Progress::OffTrack));
    assert_eq!(progress(bare.id), Some(Progress::NoGoals));
}
