//! Goal templates per intervention type, and the plan a goal's progress
//! measurements follow.

use chrono::NaiveDate;
use uuid::Uuid;

pub(super) struct GoalTemplate {
    pub(super) statement: &'static str,
    pub(super) measure: &'static str,
    pub(super) unit: &'static str,
    pub(super) increase: bool,
    pub(super) base: (f64, f64),
    pub(super) delta: (f64, f64),
    pub(super) max: f64,
}

pub(super) struct GoalPlan {
    pub(super) id: Uuid,
    pub(super) base: f64,
    pub(super) target: f64,
    pub(super) max: f64,
    pub(super) trajectory: f64,
    pub(super) start: NaiveDate,
    pub(super) target_date: NaiveDate,
}

/// The templates a goal is drawn from, per intervention type.
pub(super) fn goal_templates(itype: &str) -> &'static [GoalTemplate] {
    const READING: &[GoalTemplate] = &[
        GoalTemplate {
            statement: "Will read grade-level passages at {target} words correct per minute.",
            measure: "Oral reading fluency",
            unit: "wcpm",
            increase: true,
            base: (25.0, 90.0),
            delta: (15.0, 40.0),
            max: 250.0,
        },
        GoalTemplate {
            statement: "Will decode multisyllabic words with {target}% accuracy.",
            measure: "Decoding accuracy",
            unit: "%",
            increase: true,
            base: (45.0, 75.0),
            delta: (10.0, 25.0),
            max: 100.0,
        },
    ];
    const MATH: &[GoalTemplate] = &[
        GoalTemplate {
            statement: "Will compute {target} digits correct in 2 minutes on mixed probes.",
            measure: "Math computation (M-COMP)",
            unit: "digits",
            increase: true,
            base: (6.0, 30.0),
            delta: (8.0, 20.0),
            max: 120.0,
        },
        GoalTemplate {
            statement: "Will solve two-step word problems with {target}% accuracy.",
            measure: "Problem-solving accuracy",
            unit: "%",
            increase: true,
            base: (30.0, 60.0),
            delta: (15.0, 30.0),
            max: 100.0,
        },
    ];
    const WRITING: &[GoalTemplate] = &[GoalTemplate {
        statement: "Will write {target} correct writing sequences in 3 minutes.",
        measure: "Correct writing sequences",
        unit: "CWS",
        increase: true,
        base: (8.0, 30.0),
        delta: (8.0, 20.0),
        max: 150.0,
    }];
    const BEHAVIOR: &[GoalTemplate] = &[
        GoalTemplate {
            statement: "Will earn {target}% of daily point-card points.",
            measure: "Daily point card",
            unit: "%",
            increase: true,
            base: (40.0, 65.0),
            delta: (15.0, 30.0),
            max: 100.0,
        },
        GoalTemplate {
            statement: "Will have no more than {target} office referrals per week.",
            measure: "Office discipline referrals",
            unit: "per week",
            increase: false,
            base: (2.0, 6.0),
            delta: (2.0, 5.0),
            max: 20.0,
        },
    ];
    const SEL: &[GoalTemplate] = &[
        GoalTemplate {
            statement: "Will use a coping strategy when upset, rated {target} of 5 by staff.",
            measure: "Self-regulation rating",
            unit: "rating (1–5)",
            increase: true,
            base: (1.0, 2.5),
            delta: (1.5, 2.5),
            max: 5.0,
        },
        GoalTemplate {
            statement: "Will reduce classroom outbursts to {target} per week.",
            measure: "Outbursts",
            unit: "per week",
            increase: false,
            base: (3.0, 8.0),
            delta: (2.0, 6.0),
            max: 30.0,
        },
    ];
    const ATTENDANCE: &[GoalTemplate] = &[
        GoalTemplate {
            statement: "Will attend school {target}% of days.",
            measure: "Attendance rate",
            unit: "%",
            increase: true,
            base: (70.0, 86.0),
            delta: (6.0, 15.0),
            max: 100.0,
        },
        GoalTemplate {
            statement: "Will be tardy no more than {target} times per month.",
            measure: "Tardies",
            unit: "per month",
            increase: false,
            base: (5.0, 12.0),
            delta: (3.0, 8.0),
            max: 25.0,
        },
    ];
    const OTHER: &[GoalTemplate] = &[GoalTemplate {
        statement: "Will complete and turn in {target}% of assignments.",
        measure: "Assignment completion",
        unit: "%",
        increase: true,
        base: (20.0, 60.0),
        delta: (15.0, 35.0),
        max: 100.0,
    }];
    const SPEECH: &[GoalTemplate] = &[GoalTemplate {
        statement: "Will produce target sounds in conversation with {target}% accuracy.",
        measure: "Target sound accuracy",
        unit: "%",
        increase: true,
        base: (30.0, 60.0),
        delta: (15.0, 35.0),
        max: 100.0,
    }];
    match itype {
        "reading" => READING,
        "math" => MATH,
        "writing" => WRITING,
        "behavior" => BEHAVIOR,
        "social_emotional" => SEL,
        "attendance" => ATTENDANCE,
        "communication_language" => SPEECH,
        _ => OTHER,
    }
}

/// A template on a measure of its own for the types with only one above: an
/// intervention of such a type that gets two goals would otherwise get that
/// one twice. Kept apart from the draw so that every goal that did not
/// repeat a measure stays as it was seeded before.
pub(super) fn spare_template(itype: &str) -> Option<&'static GoalTemplate> {
    const WRITING: GoalTemplate = GoalTemplate {
        statement: "Will write {target} total words in 3 minutes.",
        measure: "Total words written",
        unit: "words",
        increase: true,
        base: (10.0, 35.0),
        delta: (8.0, 20.0),
        max: 200.0,
    };
    const OTHER: GoalTemplate = GoalTemplate {
        statement: "Will arrive with the day's materials on {target}% of days.",
        measure: "Materials checklist",
        unit: "%",
        increase: true,
        base: (30.0, 60.0),
        delta: (15.0, 30.0),
        max: 100.0,
    };
    const SPEECH: GoalTemplate = GoalTemplate {
        statement: "Will answer who/what/where questions in complete sentences {target}% of the time.",
        measure: "Complete-sentence answers",
        unit: "%",
        increase: true,
        base: (25.0, 55.0),
        delta: (15.0, 30.0),
        max: 100.0,
    };
    match itype {
        "reading" | "math" | "behavior" | "social_emotional" | "attendance" => None,
        "writing" => Some(&WRITING),
        "communication_language" => Some(&SPEECH),
        _ => Some(&OTHER),
    }
}

pub(super) fn fmt_num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}
