//! Attaching, detaching and deleting documents (migration 0022), attacked
//! as people with plain psql would: another caseload's document, a
//! restricted one, another student's intervention, someone else's upload,
//! ids made up to probe for existence, the writes the functions replace,
//! and the caller's search_path and row_security.

mod common;

use common::district::{District, INSUFFICIENT_PRIVILEGE, sqlstate};
use tokio_postgres::Client;
use uuid::Uuid;

const ATTACH: &str = "SELECT caseload_document_attach($1, $2)";
const DETACH: &str = "SELECT caseload_document_detach($1, $2)";
const DELETE: &str = "SELECT caseload_document_delete($1)";
const HIDDEN: &str = "no such document, or you may not see it";

/// The error's SQLSTATE and message.
async fn refused(
    c: &Client,
    sql: &str,
    params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
) -> (String, String) {
    match c.query_one(sql, params).await {
        Ok(_) => panic!("{sql} was allowed"),
        Err(e) => (
            e.code().map(|c| c.code().to_string()).unwrap_or_default(),
            common::db_message(&e),
        ),
    }
}

async fn attached(d: &District, doc: Uuid, iv: Uuid) -> bool {
    d.admin
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM intervention_attachments WHERE document_id = $1 AND intervention_id = $2)",
            &[&doc, &iv],
        )
        .await
        .expect("attachment")
        .get(0)
}

async fn deleted(d: &District, doc: Uuid) -> bool {
    d.admin
        .query_one(
            "SELECT deleted_at IS NOT NULL FROM documents WHERE id = $1",
            &[&doc],
        )
        .await
        .expect("document")
        .get(0)
}

/// A restricted document of `student`, uploaded by `by`, as the superuser.
async fn restricted_doc(d: &District, student: Uuid, by: Uuid) -> Uuid {
    d.admin
        .query_one(
            "INSERT INTO documents (student_id, storage, object_key, filename, byte_size, sha256, uploaded_by, is_restricted) \
             VALUES ($1, 'local', gen_random_uuid()::text, 'secret.pdf', 1, repeat('c', 64), $2, true) RETURNING id",
            &[&student, &by],
        )
        .await
        .expect("restricted document")
        .get(0)
}

#[tokio::test]
async fn attach_only_what_one_sees_to_the_same_students_interventions_one_may_log() {
    let d = District::new().await;
    let (a1, b1) = (d.students["a1"].clone(), d.students["b1"].clone());
    let (doc, iv) = (a1.documents[0], a1.interventions[0]);
    let a = d.connect_as("counselor_a").await;

    // The fixture attaches it already: detach, attach, attach again.
    a.query_one(DETACH, &[&doc, &iv]).await.expect("detach own");
    assert!(!attached(&d, doc, iv).await);
    let r: bool = a
        .query_one(ATTACH, &[&doc, &iv])
        .await
        .expect("attach own")
        .get(0);
    assert!(r && attached(&d, doc, iv).await);
    let again: bool = a
        .query_one(ATTACH, &[&doc, &iv])
        .await
        .expect("again")
        .get(0);
    assert!(!again, "attached already: false, no error");

    // Another caseload's document, and a made-up id: the same answer.
    let b = d.connect_as("counselor_b").await;
    let hidden = refused(&b, ATTACH, &[&doc, &b1.interventions[0]]).await;
    let made_up = refused(&b, ATTACH, &[&Uuid::new_v4(), &b1.interventions[0]]).await;
    assert_eq!(hidden, made_up, "no existence probe");
    assert_eq!(hidden.0, INSUFFICIENT_PRIVILEGE);
    assert!(hidden.1.contains(HIDDEN), "{}", hidden.1);

    // Own document onto an intervention one cannot see.
    let (code, msg) = refused(&a, ATTACH, &[&doc, &b1.interventions[0]]).await;
    assert_eq!(code, INSUFFICIENT_PRIVILEGE);
    assert!(msg.contains("no such intervention"), "{msg}");

    // A coordinator who sees both students still cannot put a1's document
    // on b1's intervention: the name would show on the wrong record.
    let coord = d.connect_as("coord_x").await;
    let (code, msg) = refused(&coord, ATTACH, &[&doc, &b1.interventions[0]]).await;
    assert_eq!(code, "22023");
    assert!(msg.contains("its own student's interventions"), "{msg}");
    assert!(!attached(&d, doc, b1.interventions[0]).await);

    // A read-only team member may not attach on that intervention.
    let t = d.connect_as("teacher").await;
    let (code, msg) = refused(&t, ATTACH, &[&b1.documents[0], &b1.interventions[0]]).await;
    assert_eq!(code, INSUFFICIENT_PRIVILEGE);
    assert!(msg.contains("may not attach"), "{msg}");
    let (code, _) = refused(&t, DETACH, &[&b1.documents[0], &b1.interventions[0]]).await;
    assert_eq!(code, INSUFFICIENT_PRIVILEGE);
    assert!(attached(&d, b1.documents[0], b1.interventions[0]).await);

    // The direct writes the function replaces are gone.
    for sql in [
        "INSERT INTO intervention_attachments (intervention_id, document_id) VALUES ($2, $1)",
        "UPDATE intervention_attachments SET document_id = $1 WHERE intervention_id = $2",
    ] {
        let r = coord.execute(sql, &[&doc, &b1.interventions[0]]).await;
        assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE, "{sql}");
    }
    a.execute(
        "UPDATE intervention_attachments SET caption = 'signed' WHERE document_id = $1 AND intervention_id = $2",
        &[&doc, &iv],
    )
    .await
    .expect("a caption may still change");

    let audit: i64 = d
        .admin
        .query_one(
            "SELECT count(*) FROM audit_events WHERE table_name = 'intervention_attachments' \
             AND actor_id = $1 AND action IN ('insert', 'delete')",
            &[&d.id("counselor_a")],
        )
        .await
        .expect("audit")
        .get(0);
    assert_eq!(audit, 2, "the detach and the attach are audited");
}

#[tokio::test]
async fn restricted_documents_are_invisible_to_those_without_the_right() {
    let d = District::new().await;
    let a1 = d.students["a1"].clone();
    let secret = restricted_doc(&d, a1.id, d.id("counselor_a")).await;
    // The interventionist edits a1's open intervention but may not see
    // restricted rows: the document is as if it did not exist.
    let i = d.connect_as("interventionist").await;
    for (sql, params) in [
        (ATTACH, vec![secret, a1.interventions[0]]),
        (DETACH, vec![secret, a1.interventions[0]]),
        (DELETE, vec![secret]),
    ] {
        let p: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> =
            params.iter().map(|x| x as _).collect();
        let (code, msg) = refused(&i, sql, &p).await;
        assert_eq!(code, INSUFFICIENT_PRIVILEGE, "{sql}");
        assert!(msg.contains("no such"), "{sql}: {msg}");
        let p2: Vec<Uuid> = params.iter().map(|_| Uuid::new_v4()).collect();
        let p2: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> =
            p2.iter().map(|x| x as _).collect();
        let probe = refused(&i, sql, &p2).await;
        assert_eq!(probe.0, code, "{sql}: a made-up id answers the same");
    }
    assert!(!deleted(&d, secret).await);
    // The counselor (restricted right) may attach it.
    let a = d.connect_as("counselor_a").await;
    a.query_one(ATTACH, &[&secret, &a1.interventions[0]])
        .await
        .expect("counselor attaches the restricted document");
}

#[tokio::test]
async fn delete_is_for_the_uploader_a_coordinator_of_the_school_or_an_admin() {
    let d = District::new().await;
    let a1 = d.students["a1"].clone();
    let doc = a1.documents[0]; // uploaded by counselor_a

    // The interventionist writes a1's file (editing team member) but did
    // not upload it.
    let i = d.connect_as("interventionist").await;
    let (code, msg) = refused(&i, DELETE, &[&doc]).await;
    assert_eq!(code, INSUFFICIENT_PRIVILEGE);
    assert!(msg.contains("only the person who uploaded it"), "{msg}");
    // Another counselor, and a coordinator of the other school: not visible.
    for who in ["counselor_b", "coord_y"] {
        let c = d.connect_as(who).await;
        let (code, msg) = refused(&c, DELETE, &[&doc]).await;
        assert_eq!(code, INSUFFICIENT_PRIVILEGE, "{who}");
        assert!(msg.contains(HIDDEN), "{who}: {msg}");
    }
    // No plain UPDATE of deleted_at, no DELETE: both would skip the rule.
    for sql in [
        "UPDATE documents SET deleted_at = now() WHERE id = $1",
        "DELETE FROM documents WHERE id = $1",
    ] {
        let r = i.execute(sql, &[&doc]).await;
        assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE, "{sql}");
    }
    assert!(!deleted(&d, doc).await);

    // A caller's search_path and row_security change nothing.
    i.batch_execute("SET search_path = pg_temp, public; SET row_security = off")
        .await
        .expect("anyone may set these");
    let (code, _) = refused(&i, "SELECT public.caseload_document_delete($1)", &[&doc]).await;
    assert_eq!(code, INSUFFICIENT_PRIVILEGE);
    // Nor can anyone bring temporary objects to shadow a name.
    let r = i
        .batch_execute("CREATE TEMP TABLE documents (id uuid)")
        .await;
    assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE, "TEMP is revoked");
    let r = i
        .batch_execute(
            "CREATE FUNCTION public.caseload_is_admin() RETURNS boolean LANGUAGE sql AS 'SELECT true'",
        )
        .await;
    assert!(r.is_err(), "no CREATE in public");

    // The coordinator of a1's school may; the row is marked, not removed.
    let coord = d.connect_as("coord_x").await;
    coord
        .query_one(DELETE, &[&doc])
        .await
        .expect("coordinator deletes");
    assert!(deleted(&d, doc).await);
    let (code, msg) = refused(&coord, DELETE, &[&doc]).await;
    assert_eq!(code, INSUFFICIENT_PRIVILEGE, "twice");
    assert!(msg.contains(HIDDEN), "{msg}");
    let (code, _) = refused(
        &coord,
        "SELECT url FROM caseload_document_download_url($1)",
        &[&doc],
    )
    .await;
    assert_eq!(
        code, INSUFFICIENT_PRIVILEGE,
        "no link for a deleted document"
    );
    let audit: i64 = d
        .admin
        .query_one(
            "SELECT count(*) FROM audit_events WHERE table_name = 'documents' AND action = 'delete' \
             AND row_id = $1 AND actor_id = $2 AND student_id = $3",
            &[&doc, &d.id("coord_x"), &a1.id],
        )
        .await
        .expect("audit")
        .get(0);
    assert_eq!(audit, 1);

    // The uploader may delete their own; an admin anyone's.
    let a = d.connect_as("counselor_a").await;
    let mine = restricted_doc(&d, a1.id, d.id("counselor_a")).await;
    a.query_one(DELETE, &[&mine])
        .await
        .expect("uploader deletes");
    let other = restricted_doc(&d, d.students["y1"].id, d.id("coord_y")).await;
    let admin = d.connect_as("admin").await;
    admin
        .query_one(DELETE, &[&other])
        .await
        .expect("admin deletes");
    assert!(deleted(&d, mine).await && deleted(&d, other).await);

    // A login whose person holds no role sees nothing to delete.
    let v = d.connect_as("no_role").await;
    let (code, _) = refused(&v, DELETE, &[&Uuid::new_v4()]).await;
    assert_eq!(code, INSUFFICIENT_PRIVILEGE);
}
