//! The People screen's read: every person with their grants and login,
//! and the schools a grant can name. Changes go through `admin::users`.

use crate::db::unnamed::Unnamed;
use crate::domain::people::{Directory, Grant, Person, SchoolRef};
use chrono::NaiveDate;
use tokio_postgres::GenericClient;

pub async fn directory(
    c: &(impl GenericClient + Sync),
) -> Result<Directory, tokio_postgres::Error> {
    let rows = c
        .fetch(
            "SELECT u.username, u.display_name, u.email, hs.local_id, u.is_active, \
                    COALESCE(p.rolcanlogin, false), p.rolname IS NOT NULL, \
                    COALESCE(array_agg(r.key ORDER BY r.key, s.local_id NULLS FIRST) \
                      FILTER (WHERE r.key IS NOT NULL), '{}'), \
                    COALESCE(array_agg(s.local_id ORDER BY r.key, s.local_id NULLS FIRST) \
                      FILTER (WHERE r.key IS NOT NULL), '{}'), \
                    COALESCE(array_agg(ur.expires_at::date \
                      ORDER BY r.key, s.local_id NULLS FIRST) \
                      FILTER (WHERE r.key IS NOT NULL), '{}'), \
                    COALESCE(array_agg(ur.expires_at <= now() ORDER BY r.key, s.local_id NULLS FIRST) \
                      FILTER (WHERE r.key IS NOT NULL), '{}') \
             FROM users u \
             LEFT JOIN schools hs ON hs.id = u.home_school_id \
             LEFT JOIN pg_roles p ON p.rolname = u.username \
             LEFT JOIN user_roles ur ON ur.user_id = u.id \
             LEFT JOIN roles r ON r.id = ur.role_id \
             LEFT JOIN schools s ON s.id = ur.school_id \
             GROUP BY u.id, hs.local_id, p.rolcanlogin, p.rolname \
             ORDER BY lower(u.display_name), u.username",
            &[],
        )
        .await?;
    let people = rows
        .iter()
        .map(|r| {
            let roles: Vec<String> = r.get(7);
            let schools: Vec<Option<String>> = r.get(8);
            let expires: Vec<Option<NaiveDate>> = r.get(9);
            let expired: Vec<Option<bool>> = r.get(10);
            let grants = roles
                .into_iter()
                .zip(schools)
                .zip(expires.into_iter().zip(expired))
                .map(|((role, school), (expires, expired))| Grant {
                    role,
                    school,
                    expires,
                    expired: expired.unwrap_or(false),
                })
                .collect();
            Person {
                username: r.get(0),
                display_name: r.get(1),
                email: r.get(2),
                home_school: r.get(3),
                is_active: r.get(4),
                can_login: r.get(5),
                has_login: r.get(6),
                grants,
            }
        })
        .collect();
    let schools = c
        .fetch(
            "SELECT local_id, name FROM schools WHERE is_active ORDER BY local_id",
            &[],
        )
        .await?
        .iter()
        .map(|r| SchoolRef {
            local_id: r.get(0),
            name: r.get(1),
        })
        .collect();
    Ok(Directory { people, schools })
}
