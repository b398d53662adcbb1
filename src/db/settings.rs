//! The Settings editor's read and write. The table's trigger (0027) checks
//! every value against its type and bounds; row-level security and grants
//! keep writes to admins, and school values to admins and that school's
//! coordinators (0033).

use crate::db::unnamed::Unnamed;
use crate::domain::enums::FieldType;
use crate::domain::settings::{OwnSetting, Setting, SettingScope, SettingsBook, read_options};
use serde_json::Value;
use tokio_postgres::GenericClient;

pub async fn book(c: &(impl GenericClient + Sync)) -> Result<SettingsBook, tokio_postgres::Error> {
    let rows = c
        .fetch(
            "SELECT st.key, COALESCE(st.label, st.key), COALESCE(st.description, ''), \
                    st.value_type, st.value, st.options, \
                    COALESCE((SELECT array_agg(sc.local_id ORDER BY sc.local_id) \
                              FROM settings o JOIN schools sc ON sc.id = o.school_id \
                              WHERE o.key = st.key AND o.scope = 'school'), '{}'), \
                    COALESCE((SELECT array_agg(o.value ORDER BY sc.local_id) \
                              FROM settings o JOIN schools sc ON sc.id = o.school_id \
                              WHERE o.key = st.key AND o.scope = 'school'), '{}') \
             FROM settings st WHERE st.scope = 'system' ORDER BY st.key",
            &[],
        )
        .await?;
    let settings = rows
        .iter()
        .map(|r| {
            let options: Option<Value> = r.get(5);
            let (min, max, choices, per_school) = read_options(options.as_ref());
            let ids: Vec<String> = r.get(6);
            let values: Vec<Value> = r.get(7);
            Setting {
                key: r.get(0),
                label: r.get(1),
                description: r.get(2),
                value_type: r.get::<_, FieldType>(3),
                value: r.get(4),
                min,
                max,
                choices,
                per_school,
                schools: ids.into_iter().zip(values).collect(),
            }
        })
        .collect();
    let schools = super::schools::writable(c).await?;
    let mine = c
        .fetch(
            "SELECT key, value FROM settings \
             WHERE scope = 'user' AND user_id = caseload_current_user_id() ORDER BY key",
            &[],
        )
        .await?
        .iter()
        .map(|r| OwnSetting {
            key: r.get(0),
            value: r.get(1),
        })
        .collect();
    let district: bool = c.fetch_one("SELECT caseload_is_admin()", &[]).await?.get(0);
    Ok(SettingsBook {
        settings,
        schools,
        mine,
        district,
    })
}

/// Sets `key` at `scope` to `value`, or removes a school's own value
/// (`None`: the school follows the district again). `false`: no such
/// setting or school (any more).
pub async fn save(
    c: &(impl GenericClient + Sync),
    key: &str,
    scope: &SettingScope,
    value: Option<&Value>,
) -> Result<bool, tokio_postgres::Error> {
    let n = match (scope, value) {
        (SettingScope::System, Some(v)) => {
            c.exec(
                "UPDATE settings SET value = $2 WHERE key = $1 AND scope = 'system'",
                &[&key, v],
            )
            .await?
        }
        // The district value is never removed: the readers need one.
        (SettingScope::System, None) => 0,
        (SettingScope::School(school), Some(v)) => {
            c.exec(
                "INSERT INTO settings (key, scope, school_id, value, value_type) \
                 SELECT $1, 'school', sc.id, $3, st.value_type \
                 FROM schools sc, settings st \
                 WHERE sc.local_id = $2 AND st.key = $1 AND st.scope = 'system' \
                 ON CONFLICT (key, scope, school_id, user_id) DO UPDATE SET value = EXCLUDED.value",
                &[&key, school, v],
            )
            .await?
        }
        (SettingScope::School(school), None) => {
            c.exec(
                "DELETE FROM settings st USING schools sc \
                 WHERE st.key = $1 AND st.scope = 'school' AND st.school_id = sc.id \
                   AND sc.local_id = $2",
                &[&key, school],
            )
            .await?;
            // Already following the district is what was asked.
            1
        }
    };
    Ok(n > 0)
}
