//! Who the soak's clients are: real people of the district (the seed's or
//! an import's staff), counselors with open interventions of their own and
//! coordinators, each given their own login role the way `caseload user
//! login` does (`caseload_person_login`), so row-level security is real.

use crate::db::unnamed::Unnamed;
use color_eyre::eyre::{Result, bail};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A counselor or an interventionist: their own open interventions.
    Counselor,
    Coordinator,
}

/// One of the counselor's open interventions: what they log sessions and
/// contacts about.
#[derive(Debug, Clone)]
pub struct Work {
    pub intervention_id: Uuid,
    pub student_id: Uuid,
    pub student_name: String,
}

#[derive(Debug, Clone)]
pub struct Person {
    pub username: String,
    pub kind: Kind,
    /// Counselors: their open interventions (at most [`MAX_WORK`]).
    pub work: Vec<Work>,
}

const MAX_WORK: i64 = 20;

/// Open interventions of `u` that `u` sees: a restricted plan needs a live
/// role that may view restricted records, even for its owner, and work the
/// person may not see would be counted as errors that are correct refusals.
const OWN_OPEN: &str = "i.owner_id = u.id AND i.status IN ('active', 'review_due') \
     AND (NOT i.is_restricted OR EXISTS ( \
       SELECT 1 FROM user_roles vr JOIN roles v ON v.id = vr.role_id \
       WHERE vr.user_id = u.id AND v.can_view_restricted \
         AND (vr.expires_at IS NULL OR vr.expires_at > now())))";

/// `n` people, counselors and coordinators in the district's own
/// proportion (every `k`-th a coordinator), in a fixed order so two runs of
/// the same size sign in the same people.
pub async fn pick(admin: &tokio_postgres::Client, n: usize) -> Result<Vec<Person>> {
    // Usernames that are valid login role names only: the seed's are.
    let rows = admin
        .fetch(
            &format!(
                "SELECT u.username, r.key, \
                    (SELECT count(*) FROM interventions i WHERE {OWN_OPEN}) AS open \
             FROM users u \
             JOIN user_roles ur ON ur.user_id = u.id \
             JOIN roles r ON r.id = ur.role_id \
             WHERE u.is_active AND r.key IN ('counselor', 'interventionist', 'coordinator') \
               AND u.username ~ '^[a-z_][a-z0-9_]{{0,62}}$' \
             GROUP BY u.id, u.username, r.key \
             ORDER BY md5(u.username)"
            ),
            &[],
        )
        .await?;
    let mut counselors = Vec::new();
    let mut coordinators = Vec::new();
    for r in &rows {
        let username: String = r.get(0);
        let key: String = r.get(1);
        let open: i64 = r.get(2);
        match key.as_str() {
            "counselor" | "interventionist" if open > 0 => counselors.push(username),
            "coordinator" => coordinators.push(username),
            _ => {}
        }
    }
    // A person with two roles is one client: a coordinator, else once.
    counselors.retain(|c| !coordinators.contains(c));
    counselors.dedup();
    let available = counselors.len() + coordinators.len();
    if available < n {
        bail!(
            "the district has {} counselors and interventionists with open interventions and {} \
             coordinators, fewer \
             than the {n} clients asked for: seed more students (`caseload seed --students …`) \
             or ask for fewer clients",
            counselors.len(),
            coordinators.len()
        );
    }
    let coordinator_share = coordinators.len() as f64 / available as f64;
    let want_coordinators = ((n as f64 * coordinator_share).round() as usize)
        .max(usize::from(n > 1 && !coordinators.is_empty()));
    let want_coordinators = want_coordinators.min(coordinators.len());
    let want_counselors = n - want_coordinators;
    let mut people = Vec::with_capacity(n);
    let mut coordinators = coordinators.into_iter().take(want_coordinators);
    // Coordinators spread among the counselors, so they sign in throughout
    // the morning rather than last.
    let every = (n / want_coordinators.max(1)).max(1);
    for (i, username) in counselors.into_iter().take(want_counselors).enumerate() {
        if i % every == every / 2
            && let Some(c) = coordinators.next()
        {
            people.push(Person {
                username: c,
                kind: Kind::Coordinator,
                work: Vec::new(),
            });
        }
        let work = admin
            .fetch(
                &format!(
                    "SELECT i.id, s.id, s.last_name || ', ' || s.first_name \
                 FROM interventions i JOIN users u ON u.id = i.owner_id \
                 JOIN students s ON s.id = i.student_id \
                 WHERE u.username = $1 AND {OWN_OPEN} \
                 ORDER BY i.id LIMIT $2"
                ),
                &[&username, &MAX_WORK],
            )
            .await?
            .iter()
            .map(|r| Work {
                intervention_id: r.get(0),
                student_id: r.get(1),
                student_name: r.get(2),
            })
            .collect();
        people.push(Person {
            username,
            kind: Kind::Counselor,
            work,
        });
    }
    for username in coordinators {
        people.push(Person {
            username,
            kind: Kind::Coordinator,
            work: Vec::new(),
        });
    }
    Ok(people)
}

/// Gives each person without one their login role (members of their
/// roles' group roles); returns how many were created. Needs CREATEROLE.
pub async fn give_logins(admin: &mut tokio_postgres::Client, people: &[Person]) -> Result<usize> {
    let mut created = 0;
    for p in people {
        let exists = admin
            .fetch_opt("SELECT 1 FROM pg_roles WHERE rolname = $1", &[&p.username])
            .await?
            .is_some();
        if !exists {
            let tx = admin.transaction().await?;
            crate::admin::users::login_in(&tx, &p.username).await?;
            tx.commit().await?;
            created += 1;
        }
    }
    Ok(created)
}
