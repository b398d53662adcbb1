//! Live refresh (issue 18): what changed in the database, as the listener
//! heard it on `caseload_changes` (0034) or the poller saw it. A payload is a
//! hint only: anyone may `NOTIFY caseload_changes, '<anything>'`, so it is
//! bounded, parsed strictly, never drawn, and only ever makes a screen
//! refetch through row-level security what it already shows.

use serde::Deserialize;
use std::collections::BTreeSet;
use uuid::Uuid;

/// The channel the triggers of 0034 notify.
pub const CHANNEL: &str = "caseload_changes";

/// Payloads longer than this are ignored (the triggers' are far smaller;
/// NOTIFY's own limit is 8000 bytes).
pub const MAX_PAYLOAD: usize = 4096;

/// The tables whose writes open screens show (0034 puts triggers on each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Table {
    Students,
    Guardians,
    Interventions,
    Goals,
    Measurements,
    Sessions,
    Team,
    Communications,
    Documents,
    Attachments,
}

impl Table {
    pub const ALL: [Table; 10] = [
        Table::Students,
        Table::Guardians,
        Table::Interventions,
        Table::Goals,
        Table::Measurements,
        Table::Sessions,
        Table::Team,
        Table::Communications,
        Table::Documents,
        Table::Attachments,
    ];

    /// The table's name in the database.
    pub fn name(self) -> &'static str {
        match self {
            Table::Students => "students",
            Table::Guardians => "student_guardians",
            Table::Interventions => "interventions",
            Table::Goals => "intervention_goals",
            Table::Measurements => "progress_measurements",
            Table::Sessions => "intervention_sessions",
            Table::Team => "intervention_team",
            Table::Communications => "communication_log",
            Table::Documents => "documents",
            Table::Attachments => "intervention_attachments",
        }
    }

    pub fn from_name(name: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Rows of this table belong to one intervention (`intervention_id`).
    fn is_intervention_part(self) -> bool {
        matches!(
            self,
            Table::Goals | Table::Measurements | Table::Sessions | Table::Team | Table::Attachments
        )
    }
}

/// Who last changed a row, and when, as row-level security lets the
/// person read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedBy {
    /// `None`: the table keeps no version.
    pub version: Option<i32>,
    /// The writer's display name; `None`: not recorded or not visible.
    pub by: Option<String>,
    /// The time of day, `HH:MM`, in the server's time zone.
    pub at: String,
}

impl ChangedBy {
    /// What a form open on the row at `version` says, unless the row is
    /// still at it.
    pub fn notice(found: Option<&ChangedBy>, version: i32) -> Option<String> {
        let Some(c) = found else {
            return Some("this record was deleted or is no longer visible to you".into());
        };
        if c.version == Some(version) {
            return None;
        }
        let who = c.by.as_deref().unwrap_or("someone");
        Some(format!(
            "changed by {who} at {} — Esc to see theirs (saving yours asks which to keep)",
            c.at
        ))
    }

    /// "Dana Ruiz at 10:42", when the writer is known.
    pub fn who_and_when(&self) -> Option<String> {
        self.by.as_ref().map(|by| format!("{by} at {}", self.at))
    }
}

/// What changed since the last `Msg::Changed`, coalesced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Anything may have changed (the listener reconnected and missed
    /// what happened meanwhile): every open screen refetches.
    pub everything: bool,
    /// Every table something was heard of.
    pub tables: BTreeSet<Table>,
    /// Tables changed in rows not named (a bulk statement, or the poller,
    /// which sees only counts).
    pub unnamed: BTreeSet<Table>,
    /// Rows named by id.
    pub rows: BTreeSet<(Table, Uuid)>,
    /// Interventions changed themselves or in one of their parts (goals,
    /// measurements, sessions, team, attachments), as far as named.
    pub interventions: BTreeSet<Uuid>,
    /// Goals whose data points changed, as far as named (a data point
    /// names its goal, not its intervention).
    pub goals: BTreeSet<Uuid>,
    /// Notifications folded into this, for the bench and the tests.
    pub heard: u32,
}

#[derive(Deserialize)]
struct Payload {
    t: String,
    #[serde(default)]
    rows: Option<Vec<PayloadRow>>,
}

#[derive(Deserialize)]
struct PayloadRow {
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    iv: Option<Uuid>,
    /// A data point's goal.
    #[serde(default)]
    g: Option<Uuid>,
}

impl Changes {
    /// After a reconnect: everything may have changed.
    pub fn everything() -> Changes {
        Changes {
            everything: true,
            ..Changes::default()
        }
    }

    /// Whole tables changed in rows not named (what polling sees).
    pub fn tables(tables: impl IntoIterator<Item = Table>) -> Changes {
        let tables: BTreeSet<Table> = tables.into_iter().collect();
        Changes {
            unnamed: tables.clone(),
            tables,
            ..Changes::default()
        }
    }

    pub fn is_empty(&self) -> bool {
        !self.everything && self.tables.is_empty()
    }

    /// Folds in one payload from the channel; `false` (and nothing
    /// changed) when it is not one of the triggers' payloads.
    pub fn add_payload(&mut self, payload: &str) -> bool {
        if payload.len() > MAX_PAYLOAD {
            return false;
        }
        let Ok(p) = serde_json::from_str::<Payload>(payload) else {
            return false;
        };
        let Some(table) = Table::from_name(&p.t) else {
            return false;
        };
        self.heard = self.heard.saturating_add(1);
        self.tables.insert(table);
        let Some(rows) = p.rows else {
            self.unnamed.insert(table);
            return true;
        };
        for row in rows {
            let id = row
                .id
                .as_ref()
                .and_then(|v| v.as_str())
                .and_then(|s| Uuid::parse_str(s).ok());
            match id {
                Some(id) => {
                    self.rows.insert((table, id));
                    if table == Table::Interventions {
                        self.interventions.insert(id);
                    }
                }
                // A row without a uuid id (attachments): named by its
                // intervention only.
                None if row.iv.is_none() => {
                    self.unnamed.insert(table);
                }
                None => {}
            }
            if let Some(iv) = row.iv {
                self.interventions.insert(iv);
            }
            if let Some(g) = row.g {
                self.goals.insert(g);
            }
        }
        true
    }

    pub fn merge(&mut self, other: Changes) {
        self.everything |= other.everything;
        self.tables.extend(other.tables);
        self.unnamed.extend(other.unnamed);
        self.rows.extend(other.rows);
        self.interventions.extend(other.interventions);
        self.goals.extend(other.goals);
        self.heard = self.heard.saturating_add(other.heard);
    }

    /// Something in any of `tables` changed (or anything may have).
    pub fn touches(&self, tables: &[Table]) -> bool {
        self.everything || tables.iter().any(|t| self.tables.contains(t))
    }

    /// Row `id` of `table` may have changed.
    pub fn touches_row(&self, table: Table, id: Uuid) -> bool {
        self.everything || self.unnamed.contains(&table) || self.rows.contains(&(table, id))
    }

    /// A data point of goal `id` may have changed.
    pub fn touches_goal(&self, id: Uuid) -> bool {
        self.everything || self.unnamed.contains(&Table::Measurements) || self.goals.contains(&id)
    }

    /// Intervention `id` or one of its parts may have changed.
    pub fn touches_intervention(&self, id: Uuid) -> bool {
        self.everything
            || self.interventions.contains(&id)
            || self
                .unnamed
                .iter()
                .any(|t| *t == Table::Interventions || t.is_intervention_part())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "6f1c1f4e-8a43-4c43-9d0e-4b1d7b0f0a01";
    const B: &str = "6f1c1f4e-8a43-4c43-9d0e-4b1d7b0f0a02";

    fn id(s: &str) -> Uuid {
        Uuid::parse_str(s).unwrap()
    }

    #[test]
    fn a_data_points_payload_names_its_goal() {
        let mut c = Changes::default();
        let p = format!(
            r#"{{"t":"progress_measurements","op":"I","n":1,"rows":[{{"id":"{A}","g":"{B}"}}]}}"#
        );
        assert!(c.add_payload(&p));
        assert!(c.touches_goal(id(B)));
        assert!(!c.touches_goal(id(A)));
    }

    #[test]
    fn a_trigger_payload_names_its_rows_and_their_intervention() {
        let mut c = Changes::default();
        let p = format!(
            r#"{{"t":"intervention_sessions","op":"I","n":1,"rows":[{{"id":"{A}","v":1,"iv":"{B}"}}]}}"#
        );
        assert!(c.add_payload(&p));
        assert!(c.touches_row(Table::Sessions, id(A)));
        assert!(!c.touches_row(Table::Sessions, id(B)));
        assert!(c.touches_intervention(id(B)));
        assert!(!c.touches_intervention(id(A)));
        assert!(c.touches(&[Table::Sessions]));
        assert!(!c.touches(&[Table::Students]));
    }

    #[test]
    fn a_bulk_payload_without_ids_touches_every_row_of_its_table() {
        let mut c = Changes::default();
        assert!(c.add_payload(r#"{"t":"students","op":"I","n":100000,"rows":null}"#));
        assert!(c.touches_row(Table::Students, id(A)));
        assert!(!c.touches_row(Table::Interventions, id(A)));
        assert!(!c.touches_intervention(id(A)));
    }

    #[test]
    fn forged_payloads_change_nothing() {
        let mut c = Changes::default();
        for p in [
            "",
            "hello",
            "{}",
            r#"{"t":"pg_authid","rows":null}"#,
            r#"{"t":"students","rows":[{"id":5}]} trailing"#,
            r#"{"t":"students","rows":"\u001b[2J"}"#,
            &format!(r#"{{"t":"students","x":"{}"}}"#, "a".repeat(MAX_PAYLOAD)),
        ] {
            assert!(!c.add_payload(p), "{p:?} taken");
        }
        assert!(c.is_empty());
        // A row id that is not a uuid names no row: the table is refetched,
        // which is all a forger can cause.
        assert!(c.add_payload(r#"{"t":"students","rows":[{"id":"x"}]}"#));
        assert!(c.touches(&[Table::Students]));
    }

    #[test]
    fn merging_keeps_everything_heard() {
        let mut a = Changes::tables([Table::Goals]);
        a.merge(Changes::everything());
        assert!(a.everything && a.tables.contains(&Table::Goals));
        assert!(a.touches_row(Table::Documents, id(A)));
    }
}
