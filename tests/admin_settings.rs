//! Settings against the real server: every setting the code reads has a
//! row with a description and bounds, every row is read by something, the
//! editor's read and write as an admin, and a school's own value is the one
//! a new session at that school starts from.

mod common;

use caseload::db::{people, sessions, settings};
use caseload::domain::enums::FieldType;
use caseload::domain::settings::{KNOWN, SettingScope};
use common::district::District;
use serde_json::json;

#[tokio::test]
async fn every_setting_read_has_a_row_and_every_row_is_read() {
    let d = District::new().await;
    let admin = d.connect_as("admin").await;
    let book = settings::book(&admin).await.unwrap();
    let rows: Vec<&str> = book.settings.iter().map(|s| s.key.as_str()).collect();
    let known: Vec<&str> = KNOWN.iter().map(|(k, _, _)| *k).collect();
    let mut sorted = known.clone();
    sorted.sort_unstable();
    assert_eq!(rows, sorted, "system rows and the keys the code reads");
    for s in &book.settings {
        assert!(
            !s.description.trim().is_empty(),
            "{} has no description",
            s.key
        );
        assert!(s.built_in().is_some(), "{}", s.key);
        if s.value_type == FieldType::Number {
            assert!(
                s.min.is_some() && s.max.is_some(),
                "{} has no bounds",
                s.key
            );
        }
    }
    // Only the minutes vary by school: the one a reader looks up per school.
    let per_school: Vec<&str> = book
        .settings
        .iter()
        .filter(|s| s.per_school)
        .map(|s| s.key.as_str())
        .collect();
    assert_eq!(per_school, ["default_session_minutes"]);
}

#[tokio::test]
async fn a_school_value_overrides_the_district_for_that_school_only() {
    let d = District::new().await;
    let admin = d.connect_as("admin").await;
    let in_x = d.students["a1"].interventions[0];
    let in_y = d.students["y1"].interventions[0];
    // The district's 30, unless the plan says otherwise (these have none).
    assert_eq!(minutes(&admin, in_x).await, 30);
    let x = SettingScope::School("X".into());
    assert!(
        settings::save(&admin, "default_session_minutes", &x, Some(&json!(45)))
            .await
            .unwrap()
    );
    assert_eq!(minutes(&admin, in_x).await, 45, "school X's own");
    assert_eq!(
        minutes(&admin, in_y).await,
        30,
        "school Y follows the district"
    );
    assert!(
        settings::save(
            &admin,
            "default_session_minutes",
            &SettingScope::System,
            Some(&json!(20))
        )
        .await
        .unwrap()
    );
    assert_eq!(minutes(&admin, in_y).await, 20);
    assert_eq!(minutes(&admin, in_x).await, 45);
    let book = settings::book(&admin).await.unwrap();
    let m = book
        .settings
        .iter()
        .find(|s| s.key == "default_session_minutes")
        .unwrap();
    assert_eq!(m.value_at(&x), Some(&json!(45)));
    // Removing it: X follows the district again.
    settings::save(&admin, "default_session_minutes", &x, None)
        .await
        .unwrap();
    assert_eq!(minutes(&admin, in_x).await, 20);

    // A counselor may read the editor's data but not write it.
    let c = d.connect_as("counselor_a").await;
    assert!(settings::book(&c).await.is_ok());
    let e = settings::save(&c, "follow_up_days", &SettingScope::System, Some(&json!(3)))
        .await
        .unwrap_err();
    assert!(common::db_message(&e).contains("permission denied"), "{e}");
}

#[tokio::test]
async fn the_directory_lists_people_with_grants_and_logins() {
    let d = District::new().await;
    let admin = d.connect_as("admin").await;
    let dir = people::directory(&admin).await.unwrap();
    let a = dir
        .people
        .iter()
        .find(|p| p.username == d.login("counselor_a"))
        .unwrap();
    assert_eq!(a.grants.len(), 1);
    assert_eq!(a.grants[0].role, "counselor");
    assert_eq!(a.grants[0].school.as_deref(), Some("X"));
    assert!(a.has_login && a.can_login && a.is_active);
    let expired = dir
        .people
        .iter()
        .find(|p| p.username == d.login("coord_expired"))
        .unwrap();
    assert!(expired.grants[0].expired);
    assert_eq!(
        dir.schools
            .iter()
            .map(|s| s.local_id.as_str())
            .collect::<Vec<_>>(),
        ["X", "Y"]
    );
}

/// The minutes a new session of intervention `id` starts with.
async fn minutes(c: &tokio_postgres::Client, id: uuid::Uuid) -> i16 {
    sessions::context(c, id)
        .await
        .unwrap()
        .expect("visible")
        .planned_minutes
}
