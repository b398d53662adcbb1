//! An intervention one may see whose student one may not (its owner, once
//! the student is out of their reach): the home still loads, naming the
//! student as not visible. The name lookup came back NULL and loading the
//! home panicked (found by `caseload soak` on the 500k district).

mod common;

use caseload::db::caseload::{STUDENT_NOT_VISIBLE, load_home};
use caseload::domain::caseload::{HOME_ROWS, Scope};
use common::district::District;

#[tokio::test]
async fn an_owner_who_may_not_see_the_student_gets_a_home_naming_it_not_visible() {
    let d = District::new().await;
    let counselor_b = d.people["counselor_b"].id.expect("a users row");
    let iv = d.students["a1"].interventions[0];
    d.admin
        .execute(
            "UPDATE interventions SET owner_id = $1, status = 'active', \
               start_date = current_date - 10 WHERE id = $2",
            &[&counselor_b, &iv],
        )
        .await
        .expect("counselor_b owns A1's plan");
    let c = d.connect_as("counselor_b").await;
    let sees_student: i64 = c
        .query_one(
            "SELECT count(*) FROM students WHERE id = $1",
            &[&d.students["a1"].id],
        )
        .await
        .expect("count")
        .get(0);
    assert_eq!(sees_student, 0, "counselor_b may not see A1 itself");
    let today = c
        .query_one("SELECT current_date", &[])
        .await
        .expect("today")
        .get(0);
    let home = load_home(&c, Some(counselor_b), Scope::Mine, today, HOME_ROWS)
        .await
        .expect("the home loads");
    let row = home
        .active
        .iter()
        .find(|a| a.of.intervention_id == iv)
        .expect("their own plan is on their home");
    assert_eq!(row.of.student_name, STUDENT_NOT_VISIBLE);
}
