//! Sentences a newcomer can read, built from domain values: fidelity as a
//! share of plan, counts with their plurals, goal statuses, decision rules
//! and the audit trail's events. Short and long forms, so a narrow screen
//! drops words before it drops a marker.

use crate::domain::fidelity::Fidelity;
use crate::domain::kinds::{GoalRule, GoalStatus};
use crate::domain::student::ActivityEvent;

/// The marker beside a delivery below the fidelity threshold.
pub const FLAG: &str = "⚑";

/// "1 day", "3 days".
pub fn count(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A ratio as a whole percentage, except where rounding would carry it
/// across `threshold` (79.6% is not "80%" beside a ⚑ for "below 80%"): then
/// one decimal.
pub fn percent(ratio: f64, threshold: f64) -> String {
    let whole = (ratio * 100.0).round();
    if (ratio < threshold) != (whole / 100.0 < threshold) {
        format!("{:.1}%", ratio * 100.0)
    } else {
        format!("{whole:.0}%")
    }
}

/// A planned amount: whole when it is whole, else one decimal (a plan
/// judged mid-week prorates its sessions), so the percentage beside it can
/// be checked by hand.
pub fn amount(x: f64) -> String {
    let tenths = (x * 10.0).round() / 10.0;
    if tenths.fract() == 0.0 {
        format!("{tenths:.0}")
    } else {
        format!("{tenths:.1}")
    }
}

/// The home's fidelity column, richest first: "sessions 62% · minutes 60%
/// of plan ⚑", then without "of plan", then one of the two: sessions, or
/// for a flagged row the lower (the one that raised the flag). Every form
/// keeps the flag.
pub fn fidelity_forms(f: &Fidelity, threshold: f64) -> Vec<String> {
    let flag = if f.below_threshold {
        format!(" {FLAG}")
    } else {
        String::new()
    };
    let sessions = format!("sessions {}", percent(f.sessions_ratio, threshold));
    let Some(m) = f.minutes_ratio else {
        return vec![
            format!("{sessions} of plan{flag}"),
            format!("{sessions}{flag}"),
        ];
    };
    let minutes = format!("minutes {}", percent(m, threshold));
    // A flagged row names the share that raised the flag.
    let lower = if f.below_threshold && m < f.sessions_ratio {
        &minutes
    } else {
        &sessions
    };
    vec![
        format!("{sessions} · {minutes} of plan{flag}"),
        format!("{sessions} · {minutes}{flag}"),
        format!("{lower}{flag}"),
    ]
}

/// The detail header's delivery line, richest first: delivered against
/// planned with each percentage beside the numbers it comes from, the
/// threshold, and the plan; narrower forms drop the plan, then words.
pub fn delivery_forms(
    f: &Fidelity,
    (sessions, minutes): (i64, i64),
    threshold: f64,
    plan: &str,
) -> Vec<String> {
    let pct = |r: f64| percent(r, threshold);
    let mut amounts = format!(
        "sessions {sessions} of {} ({})",
        amount(f.planned_sessions),
        pct(f.sessions_ratio)
    );
    if let (Some(planned), Some(r)) = (f.planned_minutes, f.minutes_ratio) {
        amounts.push_str(&format!(
            " · minutes {minutes} of {} ({})",
            amount(planned.round()),
            pct(r)
        ));
    }
    let t = pct(threshold);
    let (long, short) = if f.below_threshold {
        (
            format!("{FLAG} below the {t} threshold"),
            format!("{FLAG} below {t}"),
        )
    } else {
        (format!("at least the {t} threshold"), format!("≥ {t}"))
    };
    let mut forms = vec![
        format!("{amounts} · {long} · {plan}"),
        format!("{amounts} · {long}"),
        format!("{amounts} {short}"),
    ];
    forms.extend(fidelity_forms(f, threshold).into_iter().skip(1));
    forms
}

/// An intervention's status as a person reads it (`review due`).
pub fn status(s: crate::domain::enums::InterventionStatus) -> String {
    use crate::domain::enums::PgEnum;
    s.label().replace('_', " ")
}

pub fn goal_status(s: GoalStatus) -> &'static str {
    match s {
        GoalStatus::Active => "in progress",
        GoalStatus::Met => "met",
        GoalStatus::NotMet => "not met",
        GoalStatus::Discontinued => "discontinued",
    }
}

pub fn decision_rule(r: GoalRule) -> &'static str {
    match r {
        GoalRule::FourPoint => "four-point rule",
        GoalRule::Trend => "trend rule",
        GoalRule::None => "no decision rule",
    }
}

/// What the audit trail's row says happened, as a sentence without its
/// subject: "changed the profile", "added a guardian", "opened the record".
pub fn activity(e: &ActivityEvent) -> String {
    let record = e.table == "students";
    if e.action == "read" {
        return if record {
            "opened the record".into()
        } else {
            format!("looked at {}", thing(&e.table))
        };
    }
    let verb = match e.action.as_str() {
        "insert" if e.table == "intervention_sessions" || e.table == "communication_log" => {
            "logged"
        }
        "insert" if e.table == "progress_measurements" => "recorded",
        "insert" if record => "created",
        "insert" => "added",
        "update" => "changed",
        "delete" if record => "deleted",
        "delete" => "removed",
        other => other,
    };
    match (record, e.action.as_str()) {
        (true, "update") => "changed the profile".into(),
        (true, _) => format!("{verb} the record"),
        (false, _) => format!("{verb} {}", thing(&e.table)),
    }
}

fn thing(table: &str) -> String {
    match table {
        "students" => "the record".into(),
        "student_guardians" => "a guardian".into(),
        "interventions" => "an intervention".into(),
        "intervention_goals" => "a goal".into(),
        "intervention_sessions" => "a session".into(),
        "intervention_team" => "a team member".into(),
        "intervention_attachments" => "an attachment".into(),
        "progress_measurements" => "a data point".into(),
        "documents" => "a document".into(),
        "communication_log" => "a communication".into(),
        other => other.replace('_', " "),
    }
}

/// A column's name as a person calls the field: "exit date", "IEP",
/// "school" for school_id.
pub fn field(column: &str) -> String {
    match column {
        "has_iep" => "IEP".into(),
        "has_504" => "504 plan".into(),
        "is_english_learner" => "English learner".into(),
        "grade_level" => "grade".into(),
        "is_restricted" => "restricted".into(),
        "local_id" | "state_id" => column.replace('_', " "),
        c => {
            let c = c
                .strip_prefix("has_")
                .or(c.strip_prefix("is_"))
                .unwrap_or(c);
            c.strip_suffix("_id").unwrap_or(c).replace('_', " ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fid(s: f64, m: Option<f64>, below: bool) -> Fidelity {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 9, 1).expect("date");
        Fidelity {
            window: (d, d),
            planned_sessions: 39.4,
            planned_minutes: m.map(|_| 1182.0),
            sessions_ratio: s,
            minutes_ratio: m,
            below_threshold: below,
        }
    }

    #[test]
    fn plurals() {
        assert_eq!(count(1, "day", "days"), "1 day");
        assert_eq!(count(0, "day", "days"), "0 days");
        assert_eq!(count(12, "day", "days"), "12 days");
    }

    #[test]
    fn percentages_never_round_across_the_threshold() {
        assert_eq!(percent(0.8376, 0.8), "84%");
        assert_eq!(percent(1.1, 0.8), "110%");
        assert_eq!(percent(0.796, 0.8), "79.6%");
        assert_eq!(percent(0.8, 0.8), "80%");
        assert_eq!(amount(39.4), "39.4");
        assert_eq!(amount(26.0), "26");
        assert_eq!(amount(26.14), "26.1");
    }

    #[test]
    fn the_home_says_of_plan_and_keeps_the_flag() {
        let f = fid(0.89, Some(0.65), true);
        assert_eq!(
            fidelity_forms(&f, 0.8),
            [
                "sessions 89% · minutes 65% of plan ⚑",
                "sessions 89% · minutes 65% ⚑",
                "minutes 65% ⚑",
            ]
        );
        let over = fid(1.1, None, false);
        assert_eq!(fidelity_forms(&over, 0.8)[0], "sessions 110% of plan");
    }

    #[test]
    fn the_header_shows_the_numbers_its_percentage_comes_from() {
        // 33 of 39.4 is 83.8%: "84%", where "33/39" read as 84.6%.
        let f = Fidelity {
            sessions_ratio: 33.0 / 39.4,
            ..fid(0.0, None, false)
        };
        let forms = delivery_forms(&f, (33, 0), 0.8, "planned 3×/week");
        assert_eq!(
            forms[0],
            "sessions 33 of 39.4 (84%) · at least the 80% threshold · planned 3×/week"
        );
        assert!(forms.iter().all(|f| !f.contains("33/39")));
    }

    #[test]
    fn activity_in_words() {
        let e = |action: &str, table: &str| ActivityEvent {
            when: String::new(),
            who: String::new(),
            action: action.into(),
            table: table.into(),
            changed: vec![],
        };
        assert_eq!(activity(&e("read", "students")), "opened the record");
        assert_eq!(activity(&e("update", "students")), "changed the profile");
        assert_eq!(
            activity(&e("insert", "student_guardians")),
            "added a guardian"
        );
        assert_eq!(activity(&e("delete", "documents")), "removed a document");
        assert_eq!(
            activity(&e("insert", "intervention_sessions")),
            "logged a session"
        );
        assert_eq!(
            activity(&e("insert", "progress_measurements")),
            "recorded a data point"
        );
        assert_eq!(field("exit_date"), "exit date");
        assert_eq!(field("school_id"), "school");
        assert_eq!(field("local_id"), "local id");
        assert_eq!(field("has_iep"), "IEP");
        assert_eq!(field("has_custody"), "custody");
        assert_eq!(field("is_emergency_contact"), "emergency contact");
    }
}
