//! One intervention as the detail screen shows it: the plan itself, its
//! sessions, attachments, communications, escalation chain, what was
//! delivered and the settings the rules read.

use crate::domain::enums::{InterventionStatus, InterventionType};
use crate::domain::fidelity::{self, Delivery, Fidelity};
use crate::domain::goals::GoalWithPoints;
use crate::domain::kinds::{Attendance, Outcome};
use crate::domain::markers::{StatusChange, StatusMarker};
use crate::domain::missed;
use crate::domain::team::TeamMember;
use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use uuid::Uuid;

/// The intervention itself: what the header line and the edit form show.
#[derive(Debug, Clone, PartialEq)]
pub struct InterventionHeader {
    pub id: Uuid,
    pub student_id: Uuid,
    /// Preferred (else first) name and last name.
    pub student_name: String,
    pub student_local_id: String,
    pub school_id: Uuid,
    pub school_name: String,
    pub program_id: Option<Uuid>,
    pub custom_name: Option<String>,
    /// The program's name, else the custom name.
    pub name: String,
    pub intervention_type: InterventionType,
    pub tier: i16,
    pub status: InterventionStatus,
    pub concern: Option<String>,
    pub owner_id: Option<Uuid>,
    pub owner_name: Option<String>,
    pub referred_by: Option<Uuid>,
    pub referred_at: DateTime<Utc>,
    pub start_date: Option<NaiveDate>,
    pub planned_end_date: Option<NaiveDate>,
    pub ended_at: Option<DateTime<Utc>>,
    pub sessions_per_week: Option<i16>,
    pub minutes_per_session: Option<i16>,
    pub outcome: Option<Outcome>,
    pub outcome_notes: Option<String>,
    pub parent_consent_at: Option<DateTime<Utc>>,
    pub previous_intervention_id: Option<Uuid>,
    pub is_restricted: bool,
    pub version: i32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SessionRow {
    pub id: Uuid,
    pub session_date: NaiveDate,
    pub start_time: Option<NaiveTime>,
    pub minutes: i16,
    pub attendance: Attendance,
    pub fidelity: Option<i16>,
    pub note: Option<String>,
    pub field_values: serde_json::Value,
    pub delivered_by: Option<Uuid>,
    pub delivered_by_name: Option<String>,
    pub is_restricted: bool,
    pub version: i32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub document_id: Uuid,
    pub session_id: Option<Uuid>,
    pub filename: String,
    pub content_type: String,
    pub byte_size: i64,
    pub caption: Option<String>,
    pub attached_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Communication {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub direction: String,
    pub channel: String,
    pub purpose: String,
    pub summary: Option<String>,
    pub result: Option<String>,
    pub staff_name: Option<String>,
    pub guardian_name: Option<String>,
    pub follow_up_due: Option<NaiveDate>,
    pub follow_up_owner_name: Option<String>,
    pub follow_up_done_at: Option<DateTime<Utc>>,
}

/// An intervention before or after this one in the escalation chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainLink {
    pub id: Uuid,
    pub name: String,
    pub tier: i16,
    pub status: InterventionStatus,
    pub start_date: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    /// True for the one this escalated from; false for one that followed.
    pub is_previous: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InterventionDetail {
    pub header: InterventionHeader,
    pub goals: Vec<GoalWithPoints>,
    /// Newest first, at most SESSION_LIMIT.
    pub sessions: Vec<SessionRow>,
    pub sessions_total: i64,
    pub team: Vec<TeamMember>,
    pub attachments: Vec<Attachment>,
    pub communications: Vec<Communication>,
    pub chain: Vec<ChainLink>,
    pub markers: Vec<StatusMarker>,
    /// Its status changes, oldest first (0009): the pauses missed sessions
    /// leave out.
    pub history: Vec<StatusChange>,
    /// Sessions and minutes delivered up to `today`, for `domain::fidelity`.
    pub delivery: DeliveryRow,
    pub settings: RuleSettings,
}

impl InterventionDetail {
    pub fn fidelity(&self, today: NaiveDate) -> Option<Fidelity> {
        fidelity::fidelity(
            &self.delivery.delivery,
            today,
            self.settings.fidelity_threshold,
        )
    }

    /// The last `n` ISO weeks up to `today` (fewer when the plan is
    /// younger), newest first: expected and delivered sessions and the
    /// absences logged (`domain::missed`). Only the newest SESSION_LIMIT
    /// sessions are loaded: when some are not, the weeks before the oldest
    /// loaded day are left out rather than shown short.
    pub fn missed_weeks(&self, today: NaiveDate, n: u64) -> Vec<missed::Week> {
        let from = missed::recent_weeks_from(today, n);
        let truncated = usize::try_from(self.sessions_total).unwrap_or(0) > self.sessions.len();
        let from = match self.sessions.last() {
            Some(oldest) if truncated => from.max(oldest.session_date + Days::new(1)),
            _ => from,
        };
        let logged: Vec<missed::Logged> = self
            .sessions
            .iter()
            .map(|s| missed::Logged {
                on: s.session_date,
                attendance: s.attendance,
            })
            .collect();
        let mut weeks = missed::weeks(
            &self.delivery.delivery,
            &self.history,
            &logged,
            (from, today),
            today,
        );
        weeks.reverse();
        weeks
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DeliveryRow {
    pub intervention_id: Uuid,
    pub delivery: Delivery,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RuleSettings {
    /// Consecutive points the four-point rule looks at.
    pub decision_rule_points: usize,
    /// Share of planned delivery below which fidelity is flagged.
    pub fidelity_threshold: f64,
}

impl Default for RuleSettings {
    fn default() -> Self {
        RuleSettings {
            decision_rule_points: 4,
            fidelity_threshold: 0.8,
        }
    }
}
