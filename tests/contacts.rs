//! The contact form's data layer against a real server, signed in as the
//! demo counselor's own login role so row-level security applies: a
//! contact with a follow-up is logged for their student (once, however
//! often the save is retried) and audited; a student they cannot see gets
//! nothing written; a reply to a hidden contact is refused exactly like a
//! reply to a missing one; an edit on a stale version is a conflict; the
//! form's draft survives a client that dies, in its own folder; roles
//! decide who may log and who may restrict.

mod common;

use caseload::app::screens::contact_edit::draft::ContactDraft;
use caseload::app::screens::contact_edit::{About, ContactFor};
use caseload::app::{Data, Effect, Msg, Read, ReqId};
use caseload::db::contacts::{
    NewContact, context, insert, load_contact, log_new, open_follow_up, update,
};
use caseload::db::interventions::WriteError;
use caseload::demo::seed::DEMO_COUNSELOR;
use caseload::domain::contact::ContactFields;
use caseload::domain::kinds::{Channel, ContactDirection, ContactResult};
use caseload::domain::refusal::Refusal;
use caseload::drafts::DraftStore;
use caseload::worker::{self, Worker};
use chrono::NaiveDate;
use common::TestDb;
use std::sync::Arc;
use std::time::Duration;
use tokio_postgres::Client;
use uuid::Uuid;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 11).unwrap()
}

struct Fx {
    _db: TestDb,
    admin: Client,
    counselor_url: String,
    me: Uuid,
    /// The demo counselor's counselee, with at least one guardian.
    mine: Uuid,
    /// A student the demo counselor neither counsels nor works with.
    hidden: Uuid,
}

async fn fixture() -> Fx {
    let (db, admin) = TestDb::seeded(40, 11, today()).await;
    let (counselor_url, _) = db
        .demo_login(&admin, DEMO_COUNSELOR, "caseload_counselor")
        .await;
    let me: Uuid = admin
        .query_one(
            "SELECT id FROM users WHERE username = $1",
            &[&DEMO_COUNSELOR],
        )
        .await
        .expect("the demo counselor")
        .get(0);
    let mine: Uuid = admin
        .query_one(
            "SELECT s.id FROM students s WHERE s.counselor_id = $1 \
               AND EXISTS (SELECT 1 FROM student_guardians g WHERE g.student_id = s.id) \
             ORDER BY s.id LIMIT 1",
            &[&me],
        )
        .await
        .expect("a counselee with a guardian")
        .get(0);
    let hidden: Uuid = admin
        .query_one(
            "SELECT s.id FROM students s WHERE s.counselor_id IS DISTINCT FROM $1 \
               AND NOT EXISTS (SELECT 1 FROM interventions i \
                 LEFT JOIN intervention_team t ON t.intervention_id = i.id \
                 WHERE i.student_id = s.id AND (i.owner_id = $1 OR t.user_id = $1)) \
             ORDER BY s.id LIMIT 1",
            &[&me],
        )
        .await
        .expect("a student the counselor does not see")
        .get(0);
    Fx {
        _db: db,
        admin,
        counselor_url,
        me,
        mine,
        hidden,
    }
}

fn call(guardian: Option<Uuid>, due: Option<NaiveDate>, owner: Option<Uuid>) -> ContactFields {
    ContactFields {
        guardian_id: guardian,
        channel: Channel::Phone,
        direction: ContactDirection::Outbound,
        purpose: "check-in".into(),
        result: Some(ContactResult::Reached),
        summary: Some("Talked with mom; all good".into()),
        follow_up_due: due,
        follow_up_owner: owner,
        is_restricted: false,
        occurred_at: None,
    }
}

async fn count(admin: &Client, id: Uuid) -> i64 {
    admin
        .query_one(
            "SELECT count(*) FROM communication_log WHERE id = $1",
            &[&id],
        )
        .await
        .unwrap()
        .get(0)
}

fn refusal<C: std::fmt::Debug>(r: Result<i32, WriteError<C>>) -> Refusal {
    match r {
        Err(WriteError::Refused(why)) => why,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_counselor_logs_a_call_with_a_follow_up_once_and_it_is_audited() {
    let fx = fixture().await;
    let c = common::connect(&fx.counselor_url).await;
    let ctx = context(&c, fx.mine, None).await.unwrap().expect("visible");
    assert_eq!(ctx.follow_up_days, 7, "the seeded setting");
    assert_eq!(ctx.me, Some(fx.me));
    assert_eq!(ctx.owners.first().map(|p| p.id), Some(fx.me), "me first");
    assert!(ctx.may_restrict, "counselors may see restricted rows");
    let guardian = ctx.guardians.first().expect("a guardian").id;

    let id = Uuid::new_v4();
    let due = today() + chrono::Days::new(7);
    let fields = call(Some(guardian), Some(due), Some(fx.me));
    let v = insert(&c, id, fx.mine, None, None, &fields).await.unwrap();
    assert_eq!(v, 1);
    // A retried save (the answer was lost) finds the first: one row.
    let again = insert(&c, id, fx.mine, None, None, &fields).await.unwrap();
    assert_eq!(again, 1);
    assert_eq!(count(&fx.admin, id).await, 1);

    let row = fx
        .admin
        .query_one(
            "SELECT staff_id, follow_up_due, follow_up_owner, guardian_id, purpose, \
               occurred_at > now() - interval '1 minute' \
             FROM communication_log WHERE id = $1",
            &[&id],
        )
        .await
        .unwrap();
    assert_eq!(
        row.get::<_, Option<Uuid>>(0),
        Some(fx.me),
        "stamped by the server"
    );
    assert_eq!(row.get::<_, Option<NaiveDate>>(1), Some(due));
    assert_eq!(row.get::<_, Option<Uuid>>(2), Some(fx.me));
    assert_eq!(row.get::<_, Option<Uuid>>(3), Some(guardian));
    assert_eq!(row.get::<_, String>(4), "check-in");
    assert!(row.get::<_, bool>(5), "occurred now");

    let audit: Vec<(String, Option<Uuid>)> = fx
        .admin
        .query(
            "SELECT action, actor_id FROM audit_events \
             WHERE table_name = 'communication_log' AND row_id = $1 ORDER BY id",
            &[&id],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(audit, [("insert".to_string(), Some(fx.me))]);

    // Editing it: on its version, then a stale one is a conflict carrying
    // the contact as it is now.
    let mut changed = fields.clone();
    changed.purpose = "check-in, called back".into();
    assert_eq!(update(&c, id, 1, &changed).await.unwrap(), 2);
    changed.purpose = "mine, on the old version".into();
    match update(&c, id, 1, &changed).await {
        Err(WriteError::Conflict { current }) => {
            assert_eq!(current.version, 2);
            assert_eq!(current.fields.purpose, "check-in, called back");
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    let now = load_contact(&c, id).await.unwrap().expect("visible");
    assert_eq!(
        now.fields.purpose, "check-in, called back",
        "nothing overwritten"
    );

    // A guardian of another student is refused in words.
    let other_guardian: Uuid = fx
        .admin
        .query_one(
            "SELECT id FROM student_guardians WHERE student_id <> $1 LIMIT 1",
            &[&fx.mine],
        )
        .await
        .unwrap()
        .get(0);
    let wrong = call(Some(other_guardian), None, None);
    let r = insert(&c, Uuid::new_v4(), fx.mine, None, None, &wrong).await;
    assert_eq!(refusal(r), Refusal::ContactGuardianNotTheirs);
}

#[tokio::test]
async fn nothing_is_written_for_a_hidden_student_and_a_hidden_parent_is_a_missing_one() {
    let fx = fixture().await;
    let c = common::connect(&fx.counselor_url).await;
    assert!(context(&c, fx.hidden, None).await.unwrap().is_none());
    let id = Uuid::new_v4();
    let r = insert(&c, id, fx.hidden, None, None, &call(None, None, None)).await;
    assert_eq!(refusal(r), Refusal::MayNotLogContacts);
    assert_eq!(count(&fx.admin, id).await, 0, "nothing written");

    // A contact of the hidden student, logged by someone who sees it.
    let theirs = Uuid::new_v4();
    fx.admin
        .execute(
            "INSERT INTO communication_log (id, student_id, direction, channel, purpose, \
               occurred_at) VALUES ($1, $2, 'outbound', 'phone', 'private', now())",
            &[&theirs, &fx.hidden],
        )
        .await
        .unwrap();
    let mut said = Vec::new();
    for parent in [theirs, Uuid::new_v4()] {
        let id = Uuid::new_v4();
        let r = insert(&c, id, fx.mine, None, Some(parent), &call(None, None, None)).await;
        said.push(refusal(r).to_string());
        assert_eq!(count(&fx.admin, id).await, 0);
    }
    assert_eq!(said[0], said[1], "hidden and missing are refused alike");
    assert_eq!(said[0], Refusal::ContactParentHidden.to_string());

    // Answering one's own contact of the same student is fine.
    let first = Uuid::new_v4();
    insert(&c, first, fx.mine, None, None, &call(None, None, None))
        .await
        .unwrap();
    let reply = Uuid::new_v4();
    insert(
        &c,
        reply,
        fx.mine,
        None,
        Some(first),
        &call(None, None, None),
    )
    .await
    .unwrap();
    let parent: Option<Uuid> = fx
        .admin
        .query_one(
            "SELECT parent_id FROM communication_log WHERE id = $1",
            &[&reply],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(parent, Some(first));
}

/// The worker with its draft store in `dir`, signed in as the counselor.
fn worker_in(
    dir: &std::path::Path,
    url: &str,
) -> (
    tokio::sync::mpsc::UnboundedSender<Effect>,
    tokio::sync::mpsc::UnboundedReceiver<Msg>,
) {
    let store = Arc::new(DraftStore::open(dir).expect("store"));
    let pool = common::pool(url, None, None);
    let w = Worker::new(pool, common::worker::tls()).with_drafts(store);
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    (worker::spawn_worker(w, tx), rx)
}

/// The form's load for a new contact about `student`: the drafts offered.
async fn drafts_offered(
    fx: &tokio::sync::mpsc::UnboundedSender<Effect>,
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<Msg>,
    of: &ContactFor,
    n: u64,
) -> Vec<ContactDraft> {
    let req = ReqId(n);
    let read = Read::ContactForm {
        about: About::New(of.clone()),
    };
    fx.send(Effect::Load { req, read }).unwrap();
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(20), rx.recv())
            .await
            .expect("an answer")
            .expect("worker alive");
        if let Msg::Loaded {
            req: r,
            data: Data::ContactForm { loaded, drafts, .. },
        } = msg
            && r == req
        {
            assert!(loaded.is_some(), "the student is visible");
            return drafts;
        }
    }
}

#[tokio::test]
async fn a_contact_draft_outlives_the_client_apart_from_session_drafts() {
    let fx = fixture().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let of = ContactFor {
        student_id: fx.mine,
        student_name: "x".into(),
        intervention_id: None,
        parent_id: None,
    };
    let draft = ContactDraft {
        format: 1,
        id: Uuid::new_v4(),
        base_version: None,
        of: of.clone(),
        values: [("purpose".to_string(), "schedule a meeting".to_string())].into(),
        guardian_id: None,
        owner_id: None,
        summary: "Asked about Tuesday".into(),
        day: "2026-03-11".into(),
    };
    {
        let (effects, _replies) = worker_in(dir.path(), &fx.counselor_url);
        effects
            .send(Effect::WriteContactDraft {
                draft: Box::new(draft.clone()),
            })
            .unwrap();
        // The writer coalesces for 150 ms; then the client dies unflushed.
        tokio::time::sleep(Duration::from_millis(600)).await;
    }
    let on_disk = dir.path().join("contacts").join("drafts");
    assert_eq!(
        std::fs::read_dir(&on_disk).unwrap().count(),
        1,
        "{on_disk:?}"
    );

    let (effects, mut replies) = worker_in(dir.path(), &fx.counselor_url);
    assert_eq!(
        drafts_offered(&effects, &mut replies, &of, 1).await,
        std::slice::from_ref(&draft)
    );
    // The session drafts list never sees it.
    assert_eq!(
        std::fs::read_dir(dir.path().join("drafts"))
            .unwrap()
            .count(),
        0
    );

    effects
        .send(Effect::DeleteContactDraft { id: draft.id })
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        drafts_offered(&effects, &mut replies, &of, 2)
            .await
            .is_empty()
    );
}

/// Roles, not the form, decide: an interventionist who delivers a1's
/// intervention may log its contacts but not restrict one (and is not
/// offered the toggle); a teacher who may only read b1's intervention
/// sees b1 but may not log for b1; another counselor does not see a1.
#[tokio::test]
async fn the_database_decides_who_may_log_and_restrict() {
    let d = common::district::District::new().await;
    let a1 = d.students["a1"].id;
    let b1 = d.students["b1"].id;

    let i = d.connect_as("interventionist").await;
    let ctx = context(&i, a1, None).await.unwrap().expect("a1 visible");
    assert!(!ctx.may_restrict, "no restricted toggle");
    assert!(ctx.may_write);
    let mut restricted = call(None, None, None);
    restricted.is_restricted = true;
    let id = Uuid::new_v4();
    let r = insert(&i, id, a1, None, None, &restricted).await;
    assert_eq!(refusal(r), Refusal::ContactRestrictNotAllowed);
    assert_eq!(count(&d.admin, id).await, 0);
    insert(&i, id, a1, None, None, &call(None, None, None))
        .await
        .expect("an open contact is theirs to log");

    let t = d.connect_as("teacher").await;
    let ctx = context(&t, b1, None).await.unwrap().expect("b1 visible");
    assert!(!ctx.may_write, "the form says so before anything is typed");
    let id = Uuid::new_v4();
    let r = insert(&t, id, b1, None, None, &call(None, None, None)).await;
    assert_eq!(refusal(r), Refusal::MayNotLogContacts);
    assert_eq!(count(&d.admin, id).await, 0);

    let b = d.connect_as("counselor_b").await;
    assert!(context(&b, a1, None).await.unwrap().is_none());
}

/// The parent's follow-up: when it was closed, by whom, and its version.
async fn closed(
    admin: &Client,
    id: Uuid,
) -> (Option<chrono::DateTime<chrono::Utc>>, Option<Uuid>, i32) {
    let r = admin
        .query_one(
            "SELECT follow_up_done_at, follow_up_done_by, version FROM communication_log \
             WHERE id = $1",
            &[&id],
        )
        .await
        .unwrap();
    (r.get(0), r.get(1), r.get(2))
}

#[tokio::test]
async fn answering_a_follow_up_closes_it_once_by_the_counselor_unless_told_not_to() {
    let fx = fixture().await;
    let c = common::connect(&fx.counselor_url).await;
    let due = today() + chrono::Days::new(3);
    let open_one = |closes_parent: bool, parent: Uuid, id: Uuid| NewContact {
        id,
        student_id: fx.mine,
        intervention_id: None,
        parent_id: Some(parent),
        closes_parent,
    };
    // A contact of the counselor's with an open follow-up.
    let with_follow_up = async || {
        let id = Uuid::new_v4();
        let f = call(None, Some(due), Some(fx.me));
        insert(&c, id, fx.mine, None, None, &f).await.unwrap();
        id
    };
    let parent = with_follow_up().await;
    let open = open_follow_up(&c, parent).await.unwrap().expect("open");
    assert_eq!((open.id, open.due), (parent, due));

    // A reply that fails (an empty purpose) closes nothing: one statement.
    let mut bad = call(None, None, None);
    bad.purpose = " ".into();
    let r = log_new(&c, open_one(true, parent, Uuid::new_v4()), &bad).await;
    assert_eq!(refusal(r), Refusal::ContactPurpose);
    assert_eq!(
        closed(&fx.admin, parent).await,
        (None, None, 1),
        "still open"
    );

    let reply = Uuid::new_v4();
    let answer = call(None, None, None);
    assert_eq!(
        log_new(&c, open_one(true, parent, reply), &answer)
            .await
            .unwrap(),
        1
    );
    let (done_at, done_by, version) = closed(&fx.admin, parent).await;
    assert!(done_at.is_some(), "the answered follow-up is closed");
    assert_eq!(
        done_by,
        Some(fx.me),
        "by the counselor, stamped by the server"
    );
    assert_eq!(version, 2);
    assert_eq!(open_follow_up(&c, parent).await.unwrap(), None);
    // A retried save finds its reply and closes nothing again.
    assert_eq!(
        log_new(&c, open_one(true, parent, reply), &answer)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        closed(&fx.admin, parent).await,
        (done_at, done_by, 2),
        "closed once"
    );
    assert_eq!(count(&fx.admin, reply).await, 1);

    // The form on the parent says whose record it is and who closed it.
    let name: String = fx
        .admin
        .query_one("SELECT display_name FROM users WHERE id = $1", &[&fx.me])
        .await
        .unwrap()
        .get(0);
    let logged = load_contact(&c, parent)
        .await
        .unwrap()
        .expect("visible")
        .logged;
    assert_eq!(logged.by.as_deref(), Some(name.as_str()));
    assert!(logged.on.is_some());
    assert_eq!(logged.closed_by.as_deref(), Some(name.as_str()));
    assert!(logged.closed_on.is_some());

    // With the toggle off the follow-up stays open.
    let other = with_follow_up().await;
    log_new(&c, open_one(false, other, Uuid::new_v4()), &answer)
        .await
        .unwrap();
    assert_eq!(closed(&fx.admin, other).await, (None, None, 1), "left open");
    assert!(open_follow_up(&c, other).await.unwrap().is_some());

    // Someone else's student's follow-up cannot be closed by answering it
    // from one of mine: the reply is refused and the follow-up stays open.
    let theirs = Uuid::new_v4();
    fx.admin
        .execute(
            "INSERT INTO communication_log (id, student_id, direction, channel, purpose, \
               occurred_at, follow_up_due) \
             VALUES ($1, $2, 'outbound', 'phone', 'theirs', now(), $3)",
            &[&theirs, &fx.hidden, &due],
        )
        .await
        .unwrap();
    assert_eq!(
        open_follow_up(&c, theirs).await.unwrap(),
        None,
        "not visible"
    );
    let r = log_new(&c, open_one(true, theirs, Uuid::new_v4()), &answer).await;
    assert_eq!(refusal(r), Refusal::ContactParentHidden);
    assert_eq!(
        closed(&fx.admin, theirs).await,
        (None, None, 1),
        "still open"
    );
}
