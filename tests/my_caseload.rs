//! My caseload on the real server, as real login roles: exactly the
//! person's students (counselees, and students of interventions they own or
//! are on the team of), another counselor's student absent, and every count
//! equal to what a hand-written query returns as that person in psql.

mod common;

use caseload::db::my_caseload::my_caseload;
use caseload::domain::enums::InterventionStatus;
use caseload::domain::my_caseload::{CaseloadSort, MY_CASELOAD_ROWS, MyCaseload, MyStudent};
use chrono::{Days, NaiveDate};
use common::district::District;
use tokio_postgres::Client;
use uuid::Uuid;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 18).unwrap()
}

/// The district (a1, a2 counselor A's; b1 counselor B's) and:
/// - a2: an active plan, a completed one, follow-ups overdue, due later and
///   done;
/// - b2, counselor B's student, with a plan up for review that counselor A
///   is on the team of.
async fn fixture() -> (District, Uuid) {
    let d = District::new().await;
    let (a, b) = (d.id("counselor_a"), d.id("counselor_b"));
    let admin = &d.admin;
    let a2 = d.students["a2"].id;
    admin
        .execute(
            "INSERT INTO interventions (student_id, school_id, custom_name, intervention_type, \
               tier, owner_id, status, start_date, ended_at, outcome) \
             SELECT id, school_id, n, 'reading', 2, $2, s::intervention_status, DATE '2026-09-01', \
               CASE WHEN s = 'completed' THEN timestamptz '2026-10-01' END, \
               CASE WHEN s = 'completed' THEN 'goal_met' END \
             FROM students, (VALUES ('Math plan', 'active'), ('Old plan', 'completed')) v (n, s) \
             WHERE id = $1",
            &[&a2, &a],
        )
        .await
        .expect("a2's plans");
    for (due, done) in [(-5i64, false), (3, false), (-10, true)] {
        let due = today()
            .checked_add_signed(chrono::Duration::days(due))
            .unwrap();
        admin
            .execute(
                "INSERT INTO communication_log (student_id, staff_id, direction, channel, \
                   purpose, occurred_at, follow_up_due, follow_up_owner, follow_up_done_at) \
                 VALUES ($1, $2, 'outbound', 'email', 'follow up', timestamptz '2026-11-01 10:00', \
                   $3, $2, CASE WHEN $4 THEN timestamptz '2026-11-09 10:00' END)",
                &[&a2, &a, &due, &done],
            )
            .await
            .expect("follow-up");
    }
    let b2: Uuid = admin
        .query_one(
            "INSERT INTO students (school_id, local_id, first_name, last_name, grade_level, \
               counselor_id) VALUES ($1, 'B2', 'Kid', 'B2', '04', $2) RETURNING id",
            &[&d.school_x, &b],
        )
        .await
        .expect("b2")
        .get(0);
    admin
        .execute(
            "WITH i AS (INSERT INTO interventions (student_id, school_id, custom_name, \
                 intervention_type, tier, owner_id, status, start_date) \
               VALUES ($1, $2, 'Check in', 'behavior', 2, $3, 'review_due', DATE '2026-09-01') \
               RETURNING id) \
             INSERT INTO intervention_team (intervention_id, user_id, role) \
             SELECT id, $4, 'counselor' FROM i",
            &[&b2, &d.school_x, &b, &a],
        )
        .await
        .expect("b2's plan with A on the team");
    (d, b2)
}

async fn list(c: &Client, sort: CaseloadSort) -> MyCaseload {
    my_caseload(c, sort, today(), MY_CASELOAD_ROWS)
        .await
        .expect("my caseload")
}

fn names(l: &MyCaseload) -> Vec<&str> {
    l.students.iter().map(|s| s.name.as_str()).collect()
}

fn of<'a>(l: &'a MyCaseload, name: &str) -> &'a MyStudent {
    l.students
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("{name} not listed: {:?}", names(l)))
}

/// What psql returns as the same person, one student: open interventions,
/// open and overdue follow-ups, last contact's day.
async fn by_hand(c: &Client, student: Uuid) -> (i64, i64, i64, Option<NaiveDate>) {
    let r = c
        .query_one(
            "SELECT (SELECT count(*) FROM interventions WHERE student_id = $1 \
                       AND status NOT IN ('completed', 'discontinued')), \
                    (SELECT count(*) FROM communication_log WHERE student_id = $1 \
                       AND follow_up_due IS NOT NULL AND follow_up_done_at IS NULL), \
                    (SELECT count(*) FROM communication_log WHERE student_id = $1 \
                       AND follow_up_due < $2 AND follow_up_done_at IS NULL), \
                    (SELECT max(occurred_at)::date FROM communication_log WHERE student_id = $1)",
            &[&student, &today()],
        )
        .await
        .expect("by hand");
    (r.get(0), r.get(1), r.get(2), r.get(3))
}

#[tokio::test]
async fn exactly_the_counselors_students_with_their_counts() {
    let (d, b2) = fixture().await;
    let c = d.connect_as("counselor_a").await;
    let l = list(&c, CaseloadSort::Name).await;
    // Counselees A1 and A2, and B2 through the team; not B1 (counselor B's).
    assert_eq!(names(&l), ["A1, Kid", "A2, Kid", "B2, Kid"]);
    assert!(!l.more);

    let a1 = of(&l, "A1, Kid");
    // Two referred plans, one restricted: a counselor may see both.
    assert_eq!(a1.open_interventions, 2);
    assert_eq!(
        a1.most_urgent,
        Some(("Reading club".into(), InterventionStatus::Referred))
    );
    let a2 = of(&l, "A2, Kid");
    assert_eq!(a2.open_interventions, 1, "the completed plan is not open");
    assert_eq!(
        a2.most_urgent,
        Some(("Math plan".into(), InterventionStatus::Active))
    );
    assert_eq!((a2.open_follow_ups, a2.overdue_follow_ups), (2, 1));
    let b = of(&l, "B2, Kid");
    assert_eq!(
        b.most_urgent,
        Some(("Check in".into(), InterventionStatus::ReviewDue))
    );
    assert_eq!(b.last_contact, None, "no contact logged with B2's family");
    assert_eq!(b.student_id, b2);

    for s in &l.students {
        let (open, follow, overdue, last) = by_hand(&c, s.student_id).await;
        assert_eq!(s.open_interventions, open, "{}", s.name);
        assert_eq!(s.open_follow_ups, follow, "{}", s.name);
        assert_eq!(s.overdue_follow_ups, overdue, "{}", s.name);
        assert_eq!(s.last_contact.as_ref().map(|x| x.0), last, "{}", s.name);
    }
    // The district logs a phone call with every family it creates.
    assert_eq!(
        a1.last_contact.as_ref().map(|x| x.1.as_str()),
        Some("phone")
    );
}

#[tokio::test]
async fn most_urgent_first_and_bounded() {
    let (d, _) = fixture().await;
    let c = d.connect_as("counselor_a").await;
    let l = list(&c, CaseloadSort::Urgency).await;
    // A2 has an overdue follow-up; B2's plan is up for review; A1's are
    // only referred.
    assert_eq!(names(&l), ["A2, Kid", "B2, Kid", "A1, Kid"]);
    let two = my_caseload(&c, CaseloadSort::Name, today(), 2)
        .await
        .expect("bounded");
    assert_eq!(names(&two), ["A1, Kid", "A2, Kid"]);
    assert!(two.more, "a third student is left for more…");
    // Four days on, the follow-up due in three is overdue too.
    let later = my_caseload(
        &c,
        CaseloadSort::Name,
        today().checked_add_days(Days::new(4)).unwrap(),
        10,
    )
    .await
    .expect("later");
    assert_eq!(of(&later, "A2, Kid").overdue_follow_ups, 2);
}

#[tokio::test]
async fn others_see_their_own() {
    let (d, b2) = fixture().await;
    let b = d.connect_as("counselor_b").await;
    let l = list(&b, CaseloadSort::Name).await;
    assert_eq!(names(&l), ["B1, Kid", "B2, Kid"], "not A's counselees");
    assert_eq!(of(&l, "B2, Kid").student_id, b2);

    // The interventionist is on A1's first plan only, and may not see the
    // restricted one: one open intervention, as psql says for them too.
    let i = d.connect_as("interventionist").await;
    let l = list(&i, CaseloadSort::Name).await;
    assert_eq!(names(&l), ["A1, Kid"]);
    let a1 = &l.students[0];
    assert_eq!(a1.open_interventions, 1);
    assert_eq!(by_hand(&i, a1.student_id).await.0, 1);
}

/// A database seeded before this change has "My caseload" opening the home
/// and no "Missed sessions": 0020 moves the one and adds the other, under
/// the same tools, and running it again changes nothing.
#[tokio::test]
async fn an_older_menu_follows() {
    let (_db, c) = common::TestDb::seeded(20, 7, today()).await;
    c.batch_execute(
        "UPDATE navigation_items SET target = 'caseload' WHERE label = 'My caseload'; \
         DELETE FROM navigation_items WHERE target = 'interventions.missed'",
    )
    .await
    .unwrap();
    let sql = caseload::db::migrate::embedded()
        .into_iter()
        .find(|m| m.version == 20)
        .expect("0020")
        .sql;
    for _ in 0..2 {
        c.batch_execute(&sql).await.expect("0020");
    }
    let got: Vec<String> = c
        .query(
            "SELECT n.label || ' → ' || n.target || ' (tool ' || t.key || ') [' || \
               COALESCE(n.hotkey, '') || '] in ' || COALESCE(p.label, '-') \
             FROM navigation_items n JOIN tools t ON t.id = n.tool_id \
             LEFT JOIN navigation_items p ON p.id = n.parent_id \
             WHERE n.label IN ('My caseload', 'Missed sessions') ORDER BY n.label",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        got,
        [
            "Missed sessions → interventions.missed (tool interventions) [7] in Interventions",
            "My caseload → caseload.mine (tool caseload) [c] in Interventions",
        ]
    );
}
