//! The attacks of issue 11, replayed as ordinary caseload logins with the
//! SQL anyone could type in psql. Each test is one finding: the attack, then
//! what the database answers now. Where a fix has two layers (TEMP revoked,
//! and the function no longer reads pg_temp), the test grants the first
//! away for that login only and shows the second still holds.

mod common;

use common::district::{District, INSUFFICIENT_PRIVILEGE, sqlstate};
use tokio_postgres::Client;
use uuid::Uuid;

async fn is_superuser(d: &District, person: &str) -> bool {
    d.admin
        .query_one(
            "SELECT rolsuper FROM pg_roles WHERE rolname = $1",
            &[&d.login(person)],
        )
        .await
        .expect("role")
        .get(0)
}

async fn count(c: &Client, sql: &str, id: &Uuid) -> i64 {
    c.query_one(sql, &[id])
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .get(0)
}

/// The trap of finding 1: a temporary `settings` whose trigger makes its
/// creator superuser when it runs with a superuser's rights.
fn settings_trap(login: &str) -> String {
    format!(
        "CREATE TEMP TABLE settings (LIKE public.settings INCLUDING ALL); \
         CREATE FUNCTION pg_temp.escalate() RETURNS trigger LANGUAGE plpgsql AS \
           $$BEGIN EXECUTE 'ALTER ROLE {login} SUPERUSER'; RETURN NEW; END$$; \
         CREATE TRIGGER escalate BEFORE INSERT OR UPDATE ON pg_temp.settings \
           FOR EACH ROW EXECUTE FUNCTION pg_temp.escalate();"
    )
}

#[tokio::test]
async fn finding_1_a_temp_settings_table_does_not_make_a_login_superuser() {
    let d = District::new().await;
    // An expired grant: the weakest login there is.
    let c = d.connect_as("coord_expired").await;
    let r = c
        .batch_execute(&settings_trap(d.login("coord_expired")))
        .await;
    assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE, "TEMP is not PUBLIC's");

    // With TEMP, the trap is built, and the functions never look at it.
    let c = d.connect_as("teacher").await;
    d.grant_temp("teacher").await;
    let c2 = d.connect_as("teacher").await;
    drop(c);
    c2.batch_execute(&settings_trap(d.login("teacher")))
        .await
        .expect("the trap, with TEMP granted");
    c2.execute(
        "SELECT caseload_save_my_setting('roster.filters', '{\"iep\": true}', 'text')",
        &[],
    )
    .await
    .expect("saving a setting");
    let saved: Option<serde_json::Value> = c2
        .query_one("SELECT caseload_my_setting('roster.filters')", &[])
        .await
        .expect("reading it back")
        .get(0);
    assert_eq!(saved, Some(serde_json::json!({"iep": true})));
    assert!(!is_superuser(&d, "teacher").await);
    let trapped: i64 = c2
        .query_one("SELECT count(*) FROM pg_temp.settings", &[])
        .await
        .expect("the trap")
        .get(0);
    assert_eq!(trapped, 0, "the definer function wrote public.settings");
}

/// Finding 2: with a nondeterministic collation, `~~~` failed on every call;
/// placed after a leakproof test of a hidden row, the failure answered that
/// test. Now it runs after the policies: true and false look the same.
#[tokio::test]
async fn finding_2_the_collation_oracle_answers_the_same_for_true_and_false() {
    let d = District::new().await;
    let hidden = d.students["b1"].id;
    let a = d.connect_as("counselor_a").await;
    let r = a
        .batch_execute(
            "CREATE COLLATION pg_temp.nd (provider = icu, locale = 'und', deterministic = false)",
        )
        .await;
    assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE, "no temp collations");

    d.grant_temp("counselor_a").await;
    let a = d.connect_as("counselor_a").await;
    a.batch_execute(
        "CREATE COLLATION pg_temp.nd (provider = icu, locale = 'und', deterministic = false)",
    )
    .await
    .expect("collation, with TEMP granted");
    // b1's last name is 'B1': the first probe's leakproof test is true for
    // the hidden row, the second's false.
    let probe = |test: &str| {
        format!(
            "SELECT count(*) FROM students s WHERE s.id = $1 AND {test} \
             AND s.search_text COLLATE pg_temp.nd ~~~ caseload_contains_pattern('x')"
        )
    };
    let truthy = a.query_one(&probe("s.last_name = 'B1'"), &[&hidden]).await;
    let falsy = a.query_one(&probe("s.last_name = 'Zz'"), &[&hidden]).await;
    let answer = |r: Result<tokio_postgres::Row, tokio_postgres::Error>| match r {
        Ok(row) => format!("rows: {}", row.get::<_, i64>(0)),
        Err(e) => format!("error: {}", common::db_message(&e)),
    };
    let (truthy, falsy) = (answer(truthy), answer(falsy));
    assert_eq!(truthy, falsy);
    assert_eq!(truthy, "rows: 0");
    // The same with a date and a uuid comparison first.
    for test in ["s.created_at <= now()", "s.id >= $1"] {
        assert_eq!(
            answer(a.query_one(&probe(test), &[&hidden]).await),
            "rows: 0",
            "{test}"
        );
    }
    // Nothing of caseload's is leakproof any more.
    let leakproof: i64 = a
        .query_one(
            "SELECT count(*) FROM pg_proc WHERE proleakproof \
             AND pronamespace = 'public'::regnamespace",
            &[],
        )
        .await
        .expect("pg_proc")
        .get(0);
    assert_eq!(leakproof, 0);
    // The search function applies the policy: a hidden student's name finds
    // nothing, one's own counselee is found.
    let found = |t: &'static str| {
        let a = &a;
        async move {
            a.query(
                "SELECT s.local_id FROM caseload_search_students($1) f(id) \
                 JOIN students s ON s.id = f.id",
                &[&vec![t]],
            )
            .await
            .expect("search")
            .iter()
            .map(|r| r.get::<_, String>(0))
            .collect::<Vec<_>>()
        }
    };
    assert_eq!(found("b1").await, Vec::<String>::new());
    let as_owner: Vec<Uuid> = d
        .admin
        .query(
            "SELECT f.id FROM caseload_search_students('{b1}') f(id)",
            &[],
        )
        .await
        .expect("search as superuser")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(as_owner.is_empty(), "the superuser is no caseload user");
    assert_eq!(found("a1").await, ["A1"]);
}

#[tokio::test]
async fn finding_3_a_read_only_member_cannot_give_themselves_rights() {
    let d = District::new().await;
    let b1 = &d.students["b1"];
    let iv = b1.interventions[0];
    let me = d.id("teacher");
    let t = d.connect_as("teacher").await;

    // The member's own row: can_edit and role stay as given.
    let n = t
        .execute(
            "UPDATE intervention_team SET can_edit = true, role = 'coordinator' \
             WHERE intervention_id = $1 AND user_id = $2",
            &[&iv, &me],
        )
        .await
        .expect("update");
    assert_eq!(n, 0, "own team row");
    let (role, can_edit): (String, bool) = d
        .admin
        .query_one(
            "SELECT role, can_edit FROM intervention_team WHERE intervention_id = $1 AND user_id = $2",
            &[&iv, &me],
        )
        .await
        .map(|r| (r.get(0), r.get(1)))
        .expect("team row");
    assert_eq!((role.as_str(), can_edit), ("teacher", false));

    // The intervention itself: owner, concern, tier.
    for set in ["owner_id = $2", "concern = 'mine now', tier = 3"] {
        let n = t
            .execute(
                &format!("UPDATE interventions SET {set} WHERE id = $1 AND $2::uuid IS NOT NULL"),
                &[&iv, &me],
            )
            .await
            .expect("update");
        assert_eq!(n, 0, "{set}");
    }
    let (owner, tier): (Uuid, i16) = d
        .admin
        .query_one(
            "SELECT owner_id, tier FROM interventions WHERE id = $1",
            &[&iv],
        )
        .await
        .map(|r| (r.get(0), r.get(1)))
        .expect("intervention");
    assert_eq!((owner, tier), (d.id("counselor_b"), 2));

    // Goals, measurements, team, a new intervention, the student's counselor.
    let refused = [
        (
            "goal",
            "INSERT INTO intervention_goals (intervention_id, statement, measure) \
             VALUES ($1, 'g', 'm')",
        ),
        (
            "colleague on the team",
            "INSERT INTO intervention_team (intervention_id, user_id, role) \
             SELECT $1, id, 'observer' FROM users WHERE username = current_user",
        ),
        (
            "new intervention",
            "INSERT INTO interventions (student_id, school_id, custom_name, intervention_type, tier, owner_id) \
             SELECT student_id, school_id, 'mine', 'math', 1, NULL FROM interventions WHERE id = $1",
        ),
        (
            "guardian",
            "INSERT INTO student_guardians (student_id, first_name, last_name, relationship) \
             SELECT student_id, 'X', 'Y', 'other' FROM interventions WHERE id = $1",
        ),
    ];
    for (what, sql) in refused {
        let r = t.execute(sql, &[&iv]).await;
        assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE, "{what}");
    }
    let colleague = d.id("counselor_a");
    let r = t
        .execute(
            "INSERT INTO intervention_team (intervention_id, user_id, role) VALUES ($1, $2, 'observer')",
            &[&iv, &colleague],
        )
        .await;
    assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE, "adding a colleague");
    let deleted = t
        .execute(
            "DELETE FROM progress_measurements WHERE goal_id = $1",
            &[&b1.goals[0]],
        )
        .await
        .expect("delete");
    assert_eq!(deleted, 0, "measurements");
    let n = t
        .execute(
            "UPDATE students SET counselor_id = $2 WHERE id = $1",
            &[&b1.id, &me],
        )
        .await
        .expect("update");
    assert_eq!(n, 0, "naming themselves counselor");
    assert_eq!(
        count(
            &d.admin,
            "SELECT count(*) FROM progress_measurements WHERE goal_id = $1",
            &b1.goals[0]
        )
        .await,
        1
    );
    // Reading is unchanged.
    assert_eq!(
        count(
            &t,
            "SELECT count(*) FROM intervention_goals WHERE intervention_id = $1",
            &iv
        )
        .await,
        1
    );
}

#[tokio::test]
async fn finding_3_an_editing_member_edits_but_cannot_take_ownership_or_raise_themselves() {
    let d = District::new().await;
    let a1 = &d.students["a1"];
    let iv = a1.interventions[0];
    let me = d.id("interventionist");
    let i = d.connect_as("interventionist").await;
    // What they may do: edit the plan, add a goal and a score.
    assert_eq!(
        i.execute(
            "UPDATE interventions SET concern = 'reads slowly' WHERE id = $1",
            &[&iv]
        )
        .await
        .expect("edit"),
        1
    );
    i.execute(
        "INSERT INTO intervention_goals (intervention_id, statement, measure) VALUES ($1, 'g', 'm')",
        &[&iv],
    )
    .await
    .expect("goal");
    // What they may not: become the owner, change their own role.
    let r = i
        .execute(
            "UPDATE interventions SET owner_id = $2 WHERE id = $1",
            &[&iv, &me],
        )
        .await;
    assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE, "taking ownership");
    let n = i
        .execute(
            "UPDATE intervention_team SET role = 'coordinator' \
             WHERE intervention_id = $1 AND user_id = $2",
            &[&iv, &me],
        )
        .await
        .expect("update");
    assert_eq!(n, 0, "own role");
    // The owner hands it over: allowed.
    let a = d.connect_as("counselor_a").await;
    assert_eq!(
        a.execute(
            "UPDATE interventions SET owner_id = $2 WHERE id = $1",
            &[&iv, &me]
        )
        .await
        .expect("handing over"),
        1
    );
}

#[tokio::test]
async fn finding_4_jobs_are_their_creators_and_the_admins() {
    let d = District::new().await;
    d.grant_jobs_tool("counselor").await;
    let a = d.connect_as("counselor_a").await;
    // Nobody writes `jobs` directly any more (0024): a forged creator is
    // refused outright, and a job is made only by caseload_job_enqueue,
    // which stamps the caller.
    let e = a
        .execute(
            "INSERT INTO jobs (kind, payload, created_by) VALUES ('noop', '{}', $1)",
            &[&d.id("counselor_b")],
        )
        .await
        .expect_err("a direct insert");
    assert_eq!(
        e.code(),
        Some(&tokio_postgres::error::SqlState::INSUFFICIENT_PRIVILEGE)
    );
    let job: Uuid = a
        .query_one(
            "SELECT caseload_job_enqueue('noop', '{\"student\": 1}')",
            &[],
        )
        .await
        .expect("a job")
        .get(0);
    let creator: Uuid = d
        .admin
        .query_one("SELECT created_by FROM jobs WHERE id = $1", &[&job])
        .await
        .expect("job")
        .get(0);
    assert_eq!(
        creator,
        d.id("counselor_a"),
        "stamped, not taken from the client"
    );
    let b = d.connect_as("counselor_b").await;
    assert_eq!(
        count(&b, "SELECT count(*) FROM jobs WHERE id = $1", &job).await,
        0
    );
    for sql in [
        "UPDATE jobs SET status = 'cancelled', finished_at = now() WHERE id = $1",
        "DELETE FROM jobs WHERE id = $1",
    ] {
        let e = b.execute(sql, &[&job]).await.expect_err(sql);
        assert_eq!(
            e.code(),
            Some(&tokio_postgres::error::SqlState::INSUFFICIENT_PRIVILEGE),
            "{sql}"
        );
    }
    let e = b
        .query_one("SELECT caseload_job_cancel($1)", &[&job])
        .await
        .expect_err("cancel another's job");
    assert!(format!("{e:?}").contains("no such job"), "{e}");
    assert_eq!(
        count(&a, "SELECT count(*) FROM jobs WHERE id = $1", &job).await,
        1
    );
    let admin = d.connect_as("admin").await;
    assert_eq!(
        count(&admin, "SELECT count(*) FROM jobs WHERE id = $1", &job).await,
        1
    );
}

#[tokio::test]
async fn finding_5_a_restricted_sessions_score_is_as_hidden_as_the_session() {
    let d = District::new().await;
    let a1 = &d.students["a1"];
    // a1's restricted session is the last one the fixture logged, on the
    // intervention the interventionist works on.
    let restricted = *a1.sessions.last().expect("session");
    d.admin
        .execute(
            "INSERT INTO progress_measurements (goal_id, session_id, measured_on, value) \
             VALUES ($1, $2, current_date, 77)",
            &[&a1.goals[0], &restricted],
        )
        .await
        .expect("score");
    let scores = "SELECT count(*) FROM progress_measurements WHERE session_id = $1";
    let i = d.connect_as("interventionist").await;
    assert_eq!(count(&i, scores, &restricted).await, 0);
    assert_eq!(
        count(
            &i,
            "SELECT count(*) FROM progress_measurements WHERE value = 77 AND $1::uuid IS NOT NULL",
            &restricted
        )
        .await,
        0
    );
    let a = d.connect_as("counselor_a").await;
    assert_eq!(
        count(&a, scores, &restricted).await,
        1,
        "may view restricted"
    );
    // Nor can the interventionist score into it.
    let r = i
        .execute(
            "INSERT INTO progress_measurements (goal_id, session_id, measured_on, value) \
             VALUES ($1, $2, current_date, 1)",
            &[&a1.goals[0], &restricted],
        )
        .await;
    assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE);
}

#[tokio::test]
async fn finding_6_trigger_functions_attachments_contacts_and_grant_schools() {
    let d = District::new().await;
    let a1 = &d.students["a1"];
    let hidden_iv = a1.interventions[1]; // restricted
    d.grant_temp("interventionist").await;
    let i = d.connect_as("interventionist").await;
    // The owner-learning trick: a definer trigger function on one's own table.
    i.batch_execute("CREATE TEMP TABLE probe (id uuid, owner_id uuid)")
        .await
        .expect("temp table, with TEMP granted");
    for f in ["intervention_owner_on_team", "intervention_team_guard"] {
        let r = i
            .batch_execute(&format!(
                "CREATE TRIGGER t_{f} AFTER INSERT ON pg_temp.probe \
                 FOR EACH ROW EXECUTE FUNCTION {f}()"
            ))
            .await;
        assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE, "{f}");
    }

    // A restricted document attached to the open intervention, and a contact
    // logged against the restricted one.
    d.admin
        .batch_execute(&format!(
            "WITH doc AS (INSERT INTO documents (student_id, storage, object_key, filename, byte_size, sha256, is_restricted) \
                          VALUES ('{s}', 'local', 'secret-{s}', 'secret.pdf', 1, repeat('c', 64), true) RETURNING id) \
             INSERT INTO intervention_attachments (intervention_id, document_id) SELECT '{iv}', id FROM doc; \
             INSERT INTO communication_log (student_id, intervention_id, direction, channel, purpose, occurred_at) \
             VALUES ('{s}', '{hidden_iv}', 'outbound', 'phone', 'about the restricted plan', now());",
            s = a1.id,
            iv = a1.interventions[0],
        ))
        .await
        .expect("restricted rows");
    let attachments = "SELECT count(*) FROM intervention_attachments WHERE intervention_id = $1";
    assert_eq!(
        count(&i, attachments, &a1.interventions[0]).await,
        1,
        "only the open document"
    );
    assert_eq!(count(&d.admin, attachments, &a1.interventions[0]).await, 2);
    let contacts = "SELECT count(*) FROM communication_log WHERE intervention_id = $1";
    assert_eq!(count(&i, contacts, &hidden_iv).await, 0);
    let a = d.connect_as("counselor_a").await;
    assert_eq!(count(&a, contacts, &hidden_iv).await, 1);

    // counselor_a's grant is for school X: not enrolling into Y, nor moving
    // a counselee there.
    let r = a
        .execute(
            "INSERT INTO students (school_id, local_id, first_name, last_name, grade_level, counselor_id) \
             VALUES ($1, 'N-Y', 'New', 'Kid', '01', $2)",
            &[&d.school_y, &d.id("counselor_a")],
        )
        .await;
    assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE, "enrolling into Y");
    let r = a
        .execute(
            "UPDATE students SET school_id = $2 WHERE id = $1",
            &[&d.students["a2"].id, &d.school_y],
        )
        .await;
    assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE, "moving to Y");
    a.execute(
        "UPDATE students SET first_name = 'Renamed' WHERE id = $1",
        &[&d.students["a2"].id],
    )
    .await
    .expect("an ordinary edit");
}

// Round 2: attacks on the fixed schema, read afresh (0013).

#[tokio::test]
async fn round_2_an_intervention_cannot_be_filed_under_another_school() {
    let d = District::new().await;
    let a2 = d.students["a2"].id; // counselor_a's, at school X
    let a = d.connect_as("counselor_a").await;
    let file = "INSERT INTO interventions (student_id, school_id, custom_name, intervention_type, tier) \
                VALUES ($1, $2, 'x', 'math', 1)";
    let r = a.execute(file, &[&a2, &d.school_y]).await;
    assert_eq!(sqlstate(r), "23514", "under school Y");
    a.execute(file, &[&a2, &d.school_x])
        .await
        .expect("under the student's own school");
    let r = a
        .execute(
            "UPDATE interventions SET school_id = $2 WHERE student_id = $1",
            &[&a2, &d.school_y],
        )
        .await;
    assert_eq!(sqlstate(r), "23514", "moved to school Y");
}

#[tokio::test]
async fn round_2_no_login_creates_large_objects() {
    let d = District::new().await;
    let a = d.connect_as("counselor_a").await;
    for sql in [
        "SELECT lo_create(0)",
        "SELECT lo_creat(-1)",
        "SELECT lo_from_bytea(0, '\\x00')",
    ] {
        let r = a.query_one(sql, &[]).await;
        assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE, "{sql}");
    }
}

/// Round 3 (migrations 0014, 0015, as a counselor with psql): the alphabet
/// switch and the district's choice of it are the migrator's; the
/// printable-names trigger cannot be switched off, and it says nothing of
/// rows the counselor cannot see.
#[tokio::test]
async fn round_3_the_name_collation_and_the_printable_names_hold() {
    let d = District::new().await;
    let c = d.connect_as("counselor_a").await;
    let r = c
        .batch_execute("SELECT caseload_apply_name_collation()")
        .await;
    assert_eq!(
        sqlstate(r),
        INSUFFICIENT_PRIVILEGE,
        "switching the alphabet"
    );
    let r = c
        .batch_execute("UPDATE settings SET value = '\"is\"' WHERE key = 'names.collation'")
        .await;
    assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE, "choosing the alphabet");
    let r = c
        .batch_execute("ALTER TABLE students DISABLE TRIGGER ALL")
        .await;
    assert_eq!(
        sqlstate(r),
        INSUFFICIENT_PRIVILEGE,
        "switching the check off"
    );
    let r = c
        .batch_execute("SET session_replication_role = replica")
        .await;
    assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE, "skipping triggers");

    // A visible student: the dirty name is refused in words.
    let mine = d.students["a1"].id;
    let r = c
        .execute(
            "UPDATE students SET first_name = E'Ro\\x1b[2Jse' WHERE id = $1",
            &[&mine],
        )
        .await;
    assert!(
        format!("{r:?}").contains("control characters"),
        "refused: {r:?}"
    );
    // A hidden one: no row, no error, so no way to learn it exists.
    let hidden = d.students["y1"].id;
    assert_eq!(
        count(&c, "SELECT count(*) FROM students WHERE id = $1", &hidden).await,
        0
    );
    let n = c
        .execute(
            "UPDATE students SET first_name = E'Ro\\x1b[2Jse' WHERE id = $1",
            &[&hidden],
        )
        .await
        .expect("an update that finds nothing");
    assert_eq!(n, 0);
}
