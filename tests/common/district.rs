//! A small district for access-control tests: two schools, people in every
//! role (each with a real login role), and students with rows in every
//! table that holds student data. Loaded as the superuser, so triggers keep
//! the values given here.

use super::TestDb;
use super::roles::LoginRoles;
use std::collections::HashMap;
use tokio_postgres::Client;
use uuid::Uuid;

pub struct Person {
    pub login: String,
    /// `None`: a login role without a users row.
    pub id: Option<Uuid>,
}

/// One student's rows, by table, as ids the tests address directly (hand
/// written SQL must not depend on what RLS lets a subquery see).
#[derive(Default, Clone)]
pub struct Owned {
    pub id: Uuid,
    pub interventions: Vec<Uuid>,
    pub goals: Vec<Uuid>,
    pub sessions: Vec<Uuid>,
    pub documents: Vec<Uuid>,
}

pub struct District {
    // Fields drop in order: the database before the roles that use it.
    pub db: TestDb,
    pub admin: Client,
    pub school_x: Uuid,
    pub school_y: Uuid,
    pub people: HashMap<&'static str, Person>,
    pub students: HashMap<&'static str, Owned>,
    _roles: Vec<LoginRoles>,
}

/// Someone in the district.
struct Spec {
    key: &'static str,
    /// Group role of the login role (gives CONNECT and table grants).
    group: &'static str,
    /// Role granted through user_roles, if any.
    role: Option<&'static str>,
    /// School of the grant; `None` = all schools.
    school_y: Option<bool>,
    expired: bool,
    has_users_row: bool,
}

const fn spec(key: &'static str, group: &'static str, school_y: Option<bool>) -> Spec {
    Spec {
        key,
        group,
        role: Some(group),
        school_y,
        expired: false,
        has_users_row: true,
    }
}

const PEOPLE: &[Spec] = &[
    spec("counselor_a", "counselor", Some(false)),
    spec("counselor_b", "counselor", Some(false)),
    spec("teacher", "teacher", Some(false)),
    spec("interventionist", "interventionist", Some(false)),
    spec("coord_x", "coordinator", Some(false)),
    spec("coord_y", "coordinator", Some(true)),
    spec("coord_all", "coordinator", None),
    Spec {
        expired: true,
        ..spec("coord_expired", "coordinator", Some(false))
    },
    spec("admin", "admin", None),
    Spec {
        role: None,
        has_users_row: false,
        ..spec("no_row", "counselor", None)
    },
    Spec {
        role: None,
        ..spec("no_role", "counselor", None)
    },
];

impl District {
    /// Grants `role` the approved `jobs` tool, so its people may enqueue
    /// `noop` and `sleep` jobs.
    pub async fn grant_jobs_tool(&self, role: &str) {
        self.grant_tool(role, "jobs").await;
    }

    /// Grants `role` the approved tool `key` (made if missing).
    pub async fn grant_tool(&self, role: &str, key: &str) {
        self.admin
            .execute(
                "INSERT INTO tools (key, name, status, reviewed_at) \
                 VALUES ($1, $1, 'approved', now()) \
                 ON CONFLICT (key) DO UPDATE SET status = 'approved'",
                &[&key],
            )
            .await
            .expect("tool");
        self.admin
            .execute(
                "INSERT INTO role_tools (role_id, tool_id, scope) \
                 SELECT r.id, t.id, 'own' FROM roles r, tools t \
                 WHERE r.key = $1 AND t.key = $2 ON CONFLICT DO NOTHING",
                &[&role, &key],
            )
            .await
            .expect("tool grant");
    }

    /// A pool signed in as that person's own login role: what their
    /// caseload window or `caseload worker --mine` runs author jobs on.
    pub fn pool_as(&self, person: &str) -> deadpool_postgres::Pool {
        super::pool(
            &LoginRoles::conninfo_as(&self.db.conninfo(), self.login(person)),
            None,
            None,
        )
    }

    /// Runs one author-kind job's handler (as registered by
    /// `jobs::kinds::register_author`) on `person`'s own pool, cancelled
    /// before it starts when `cancelled`.
    pub async fn author_job(
        &self,
        person: &str,
        kind: &str,
        payload: serde_json::Value,
        cancelled: bool,
    ) -> caseload::jobs::JobResult {
        let mut r = caseload::jobs::Registry::empty();
        caseload::jobs::kinds::register_author(&mut r);
        let handler = r.get(kind).expect("a registered kind").handler.clone();
        let shared = std::sync::Arc::new(caseload::jobs::Shared::default());
        if cancelled {
            shared.cancel();
        }
        let mut ctx = caseload::jobs::JobCtx::new(
            Uuid::new_v4(),
            kind.to_string(),
            1,
            Some(self.id(person)),
            self.pool_as(person),
            shared,
        );
        handler(&mut ctx, payload).await
    }

    pub async fn new() -> District {
        let cluster = super::connect(&super::admin_conninfo()).await;
        let mut roles = Vec::new();
        let db = TestDb::new().await;
        let admin = db.admin().await;
        let school = |name: &'static str| {
            let admin = &admin;
            async move {
                admin
                    .query_one(
                        "INSERT INTO schools (name, local_id, low_grade, high_grade) \
                         VALUES ($1, $1, 'KG', '05') RETURNING id",
                        &[&name],
                    )
                    .await
                    .expect("school")
                    .get::<_, Uuid>(0)
            }
        };
        let (school_x, school_y) = (school("X").await, school("Y").await);

        let mut people = HashMap::new();
        for p in PEOPLE {
            let login = LoginRoles::create(&cluster, &format!("caseload_{}", p.group), 1).await;
            let name = login.0[0].clone();
            roles.push(login);
            let id = if p.has_users_row {
                let id: Uuid = admin
                    .query_one(
                        "INSERT INTO users (username, display_name, email) \
                         VALUES ($1, $2, $1 || '@example.org') RETURNING id",
                        &[&name, &p.key],
                    )
                    .await
                    .expect("user")
                    .get(0);
                Some(id)
            } else {
                None
            };
            if let (Some(id), Some(role)) = (id, p.role) {
                let school = p.school_y.map(|y| if y { school_y } else { school_x });
                let (granted, expires) = if p.expired {
                    ("now() - interval '2 days'", "now() - interval '1 day'")
                } else {
                    ("now()", "NULL")
                };
                admin
                    .execute(
                        &format!(
                            "INSERT INTO user_roles (user_id, role_id, school_id, granted_at, expires_at) \
                             SELECT $1, id, $2, {granted}, {expires} FROM roles WHERE key = $3"
                        ),
                        &[&id, &school, &role],
                    )
                    .await
                    .expect("grant");
            }
            people.insert(p.key, Person { login: name, id });
        }

        let mut d = District {
            db,
            admin,
            school_x,
            school_y,
            people,
            students: HashMap::new(),
            _roles: roles,
        };
        let (a, b, i, t, nr) = (
            d.id("counselor_a"),
            d.id("counselor_b"),
            d.id("interventionist"),
            d.id("teacher"),
            d.id("no_role"),
        );

        let mut a1 = d.student(school_x, a, "A1").await;
        // The interventionist delivers the sessions: may edit (0011).
        d.intervention(&mut a1, a, false, &[(i, "interventionist", true)])
            .await;
        d.intervention(&mut a1, a, true, &[]).await;
        d.session(&mut a1, 0, true).await;
        d.students.insert("a1", a1);
        let a2 = d.student(school_x, a, "A2").await;
        d.students.insert("a2", a2);
        let mut b1 = d.student(school_x, b, "B1").await;
        d.intervention(&mut b1, b, false, &[(t, "teacher", false)])
            .await;
        d.students.insert("b1", b1);
        let mut y1 = d.student(school_y, nr, "Y1").await;
        d.intervention(&mut y1, nr, false, &[]).await;
        d.students.insert("y1", y1);
        d
    }

    pub fn id(&self, person: &str) -> Uuid {
        self.people[person].id.expect("a users row")
    }

    pub fn login(&self, person: &str) -> &str {
        &self.people[person].login
    }

    /// A connection signed in as that person's own login role.
    pub async fn connect_as(&self, person: &str) -> Client {
        super::connect(&LoginRoles::conninfo_as(
            &self.db.conninfo(),
            self.login(person),
        ))
        .await
    }

    /// Gives `person` TEMP on the test database, as if `always.sql` had not
    /// revoked it, so the attacks that need temporary objects can make them
    /// and meet the function-level fixes on their own.
    pub async fn grant_temp(&self, person: &str) {
        self.admin
            .batch_execute(&format!(
                "GRANT TEMPORARY ON DATABASE {} TO {}",
                self.db.name,
                self.login(person)
            ))
            .await
            .expect("grant temp");
    }

    /// [`Self::connect_as`] after [`Self::grant_temp`].
    pub async fn connect_with_temp(&self, person: &str) -> Client {
        self.grant_temp(person).await;
        self.connect_as(person).await
    }

    /// A student with a guardian, a communication and a document.
    async fn student(&self, school: Uuid, counselor: Uuid, local: &str) -> Owned {
        let id: Uuid = self
            .admin
            .query_one(
                "INSERT INTO students (school_id, local_id, first_name, last_name, grade_level, counselor_id) \
                 VALUES ($1, $2, 'Kid', $2, '03', $3) RETURNING id",
                &[&school, &local, &counselor],
            )
            .await
            .expect("student")
            .get(0);
        let document: Uuid = self
            .admin
            .query_one(
                "WITH g AS (INSERT INTO student_guardians (student_id, first_name, last_name, relationship) \
                            VALUES ($1, 'Pat', 'Parent', 'parent')), \
                      c AS (INSERT INTO communication_log (student_id, staff_id, direction, channel, purpose, occurred_at) \
                            VALUES ($1, $2, 'outbound', 'phone', 'check in', now())) \
                 INSERT INTO documents (student_id, storage, object_key, filename, byte_size, sha256, uploaded_by) \
                 VALUES ($1, 'local', $1::text, 'plan.pdf', 10, repeat('a', 64), $2) RETURNING id",
                &[&id, &counselor],
            )
            .await
            .expect("guardian, communication, document")
            .get(0);
        Owned {
            id,
            documents: vec![document],
            ..Owned::default()
        }
    }

    /// An intervention owned by `owner` (also on its team, with `team`:
    /// user, role, can_edit),
    /// with a goal, a measurement, an open session and the student's first
    /// document attached.
    async fn intervention(
        &self,
        s: &mut Owned,
        owner: Uuid,
        restricted: bool,
        team: &[(Uuid, &str, bool)],
    ) {
        let row = self
            .admin
            .query_one(
                "WITH i AS (INSERT INTO interventions (student_id, school_id, custom_name, intervention_type, tier, owner_id, is_restricted) \
                            SELECT id, school_id, 'Reading club', 'reading', 2, $2, $3 FROM students WHERE id = $1 RETURNING id), \
                      g AS (INSERT INTO intervention_goals (intervention_id, statement, measure) \
                            SELECT id, 'Read more', 'wpm' FROM i RETURNING id), \
                      t AS (INSERT INTO intervention_team (intervention_id, user_id, role) \
                            SELECT id, $2, 'owner' FROM i), \
                      m AS (INSERT INTO progress_measurements (goal_id, measured_on, value) \
                            SELECT id, current_date, 42 FROM g), \
                      a AS (INSERT INTO intervention_attachments (intervention_id, document_id) \
                            SELECT id, $4 FROM i) \
                 SELECT i.id, g.id FROM i, g",
                &[&s.id, &owner, &restricted, &s.documents[0]],
            )
            .await
            .expect("intervention");
        let (intervention, goal): (Uuid, Uuid) = (row.get(0), row.get(1));
        for (user, role, can_edit) in team {
            self.admin
                .execute(
                    "INSERT INTO intervention_team (intervention_id, user_id, role, can_edit) \
                     VALUES ($1, $2, $3, $4)",
                    &[&intervention, user, role, can_edit],
                )
                .await
                .expect("team member");
        }
        s.interventions.push(intervention);
        s.goals.push(goal);
        self.session(s, s.interventions.len() - 1, false).await;
    }

    /// A session on the student's n-th intervention.
    async fn session(&self, s: &mut Owned, n: usize, restricted: bool) {
        let id = Uuid::new_v4();
        self.admin
            .execute(
                "INSERT INTO intervention_sessions (id, intervention_id, session_date, minutes, attendance, is_restricted, note) \
                 VALUES ($1, $2, current_date, 30, 'present', $3, 'went well')",
                &[&id, &s.interventions[n], &restricted],
            )
            .await
            .expect("session");
        s.sessions.push(id);
    }
}

/// The SQLSTATE of a failed statement (panics if it succeeded).
pub fn sqlstate<T: std::fmt::Debug>(r: Result<T, tokio_postgres::Error>) -> String {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e
            .code()
            .map(|c| c.code().to_string())
            .unwrap_or_else(|| e.to_string()),
    }
}

/// "new row violates row-level security policy" and "permission denied".
pub const INSUFFICIENT_PRIVILEGE: &str = "42501";
