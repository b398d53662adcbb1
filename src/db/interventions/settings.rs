//! The settings the rules read (decision_rule_points, fidelity_threshold),
//! with the documented defaults when a district has removed them.

use crate::db::unnamed::Unnamed;
use crate::domain::intervention::RuleSettings;
use tokio_postgres::GenericClient;

pub(crate) const RULE_SETTINGS_SQL: &str = "SELECT key, value FROM settings \
     WHERE scope = 'system' AND key IN ('decision_rule_points', 'fidelity_threshold')";

/// Settings rows whose value is not a usable number keep the default rather
/// than breaking the screen.
pub(crate) fn rule_settings(rows: &[tokio_postgres::Row]) -> RuleSettings {
    let mut s = RuleSettings::default();
    for r in rows {
        let key: &str = r.get(0);
        let value: serde_json::Value = r.get(1);
        match (key, value.as_f64()) {
            ("decision_rule_points", Some(n)) if (1.0..=50.0).contains(&n) => {
                s.decision_rule_points = n as usize;
            }
            ("fidelity_threshold", Some(t)) if (0.0..=1.0).contains(&t) => {
                s.fidelity_threshold = t;
            }
            _ => {}
        }
    }
    s
}

pub async fn load_rule_settings(
    client: &(impl GenericClient + Sync),
) -> Result<RuleSettings, tokio_postgres::Error> {
    Ok(rule_settings(&client.fetch(RULE_SETTINGS_SQL, &[]).await?))
}
