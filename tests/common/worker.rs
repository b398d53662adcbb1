//! The worker and the state machine against a real database: a small
//! district for a coordinator, pools as a login role, and the event loop's
//! way of running effects.

use super::TestDb;
use super::roles::LoginRoles;
use caseload::app::{Effect, Msg, Read, ReqId, State, update};
use caseload::db::tls::Tls;
use caseload::domain::roster::PageRequest;
use caseload::worker::Worker;
use deadpool_postgres::Pool;
use uuid::Uuid;

/// What the pools below negotiate (sslmode=prefer, nothing verified), for
/// the workers' cancel requests.
pub fn tls() -> Tls {
    let params =
        caseload::config::conn::resolve(Some("host=127.0.0.1"), &|_| None, None).expect("params");
    Tls::for_params(&params).expect("tls")
}

/// A pool signed in as `role`.
pub fn pool_as(db_conninfo: &str, role: &str) -> Pool {
    super::pool(db_conninfo, Some(role), None)
}

/// What [`seed`] made.
pub struct Fixture {
    pub school_a: Uuid,
    /// Students of school A in roster order.
    pub expected_a: Vec<Uuid>,
}

/// A coordinator's own login role, and a database holding [`seed`]'s
/// district for them.
pub struct Coordinator {
    // Fields drop in order: the database before the role that uses it.
    pub db: TestDb,
    /// The login role.
    pub me: String,
    pub fixture: Fixture,
    _roles: LoginRoles,
}

impl Coordinator {
    pub async fn new() -> Coordinator {
        let admin = super::connect(&super::admin_conninfo()).await;
        let roles = LoginRoles::create(&admin, "caseload_coordinator", 1).await;
        let me = roles.0[0].clone();
        let db = TestDb::new().await;
        let fixture = seed(&db.admin().await, &me).await;
        Coordinator {
            db,
            me,
            fixture,
            _roles: roles,
        }
    }
}

/// Two schools: Adams, where `user` (a login role) is the coordinator Tess
/// Ui, with 250 students, and Burns (50 students), whose grant expired; a
/// menu offering the roster.
pub async fn seed(admin: &tokio_postgres::Client, user: &str) -> Fixture {
    let school = |name: &str, local: &str| {
        let (name, local) = (name.to_string(), local.to_string());
        async move {
            admin
                .query_one(
                    "INSERT INTO schools (name, short_name, local_id, low_grade, high_grade) \
                     VALUES ($1, $1, $2, 'KG', '05') RETURNING id",
                    &[&name, &local],
                )
                .await
                .expect("school")
                .get::<_, Uuid>(0)
        }
    };
    let a = school("Adams", "A1").await;
    let b = school("Burns", "B1").await;
    let role: Uuid = admin
        .query_one("SELECT id FROM roles WHERE key = 'coordinator'", &[])
        .await
        .expect("role")
        .get(0);
    let me: Uuid = admin
        .query_one(
            "INSERT INTO users (username, display_name, email) VALUES ($1, 'Tess Ui', $1 || '@example.org') \
             RETURNING id",
            &[&user],
        )
        .await
        .expect("user")
        .get(0);
    admin
        .execute(
            "INSERT INTO user_roles (user_id, role_id, school_id) VALUES ($1, $2, $3)",
            &[&me, &role, &a],
        )
        .await
        .expect("grant A");
    // An expired grant must not open school B.
    admin
        .execute(
            "INSERT INTO user_roles (user_id, role_id, school_id, granted_at, expires_at) \
             VALUES ($1, $2, $3, now() - interval '2 days', now() - interval '1 day')",
            &[&me, &role, &b],
        )
        .await
        .expect("expired grant B");

    // Names repeat a lot so that the id tiebreak of the keyset matters.
    for (school, n, prefix) in [(a, 250, "A"), (b, 50, "B")] {
        admin
            .execute(
                "INSERT INTO students (school_id, local_id, first_name, last_name, grade_level) \
                 SELECT $1, $3 || g, (ARRAY['Ann','Bo','Cy'])[1 + g % 3], 'L' || lpad((g % 37)::text, 2, '0'), \
                        '03' FROM generate_series(1, $2::int) g",
                &[&school, &n, &prefix],
            )
            .await
            .expect("students");
    }

    admin
        .batch_execute(&format!(
            "INSERT INTO tools (key, name, status, reviewed_at) VALUES \
               ('roster', 'Roster', 'approved', now()), \
               ('caseload', 'Caseload', 'approved', now()), \
               ('reports', 'Reports', 'draft', NULL); \
             INSERT INTO role_tools (role_id, tool_id) \
               SELECT '{role}', id FROM tools WHERE key IN ('roster', 'reports'); \
             INSERT INTO navigation_items (id, parent_id, label, nav_type, tool_id, target, hotkey, sort_order, is_visible) VALUES \
               ('00000000-0000-0000-0000-000000000001', NULL, 'Students', 'group', NULL, NULL, 's', 1, true), \
               ('00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-000000000001', 'Roster', 'screen', \
                  (SELECT id FROM tools WHERE key = 'roster'), 'roster', 'r', 1, true), \
               ('00000000-0000-0000-0000-000000000003', '00000000-0000-0000-0000-000000000001', 'My caseload', 'screen', \
                  (SELECT id FROM tools WHERE key = 'caseload'), 'caseload', 'c', 2, true), \
               ('00000000-0000-0000-0000-000000000004', NULL, 'Reporting', 'group', NULL, NULL, 'p', 2, true), \
               ('00000000-0000-0000-0000-000000000005', '00000000-0000-0000-0000-000000000004', 'Reports', 'screen', \
                  (SELECT id FROM tools WHERE key = 'reports'), 'reports', 'p', 1, true), \
               ('00000000-0000-0000-0000-000000000006', NULL, 'Hidden', 'group', NULL, NULL, 'h', 3, false), \
               ('00000000-0000-0000-0000-000000000007', '00000000-0000-0000-0000-000000000006', 'Roster again', 'screen', \
                  (SELECT id FROM tools WHERE key = 'roster'), 'roster', 'x', 1, true), \
               ('00000000-0000-0000-0000-000000000008', NULL, 'Old roster', 'screen', \
                  (SELECT id FROM tools WHERE key = 'roster'), 'roster', 'o', 4, false);"
        ))
        .await
        .expect("tools and navigation");

    let expected_a = admin
        .query(
            "SELECT id FROM students WHERE school_id = $1 \
             ORDER BY last_name COLLATE caseload_names, first_name COLLATE caseload_names, id",
            &[&a],
        )
        .await
        .expect("expected order")
        .iter()
        .map(|r| r.get(0))
        .collect();
    Fixture {
        school_a: a,
        expected_a,
    }
}

/// Request `req`: the first ten rows of the unfiltered roster.
pub fn first_page(req: ReqId) -> Effect {
    Effect::Load {
        req,
        read: Read::RosterPage {
            query: Default::default(),
            page: PageRequest::First,
            limit: 10,
        },
    }
}

/// Applies a Msg and runs every resulting effect through the worker until
/// nothing is left, as the event loop would.
pub async fn drive(state: &mut State, pool: &Pool, msg: Msg) {
    let worker = Worker::new(pool.clone(), tls());
    let mut queue = vec![msg];
    while let Some(m) = queue.pop() {
        for effect in update(state, m) {
            queue.extend(worker.execute(effect).await);
        }
    }
}
