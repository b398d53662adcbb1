//! The intervention form: its fields, the values a program's defaults or a
//! saved intervention give them, and how values become a plan again. The
//! checks mirror the table's CHECKs so people learn what is wrong as they
//! type; the database still has the last word.

use crate::app::choices::{INTERVENTION_TYPES, TIERS};
use crate::app::form::{Errors, FieldSpec, date, flag, flag_text, number_in, optional, pick, text};
use crate::domain::enums::{InterventionStatus, InterventionType, PgEnum, parse_enum};
use crate::domain::intervention::InterventionHeader;
use crate::domain::plan::Program;
use chrono::NaiveDate;

const NAME: FieldSpec = text("Name", "required without a program: what the team calls it");
const TYPE: FieldSpec = pick("Type", INTERVENTION_TYPES);
const TIER: FieldSpec = pick("Tier", TIERS);
const OWNER: FieldSpec = text(
    "Owner",
    "a username; empty: you (when editing: the owner stays)",
);
const START: FieldSpec = text(
    "Start date",
    "YYYY-MM-DD; today unless changed; may be emptied until scheduled",
);
const END: FieldSpec = text(
    "Planned end",
    "YYYY-MM-DD, on or after the start; empty: start + the program's weeks",
);
const SESSIONS: FieldSpec = text("Sessions per week", "1 to 14; empty: the program's default");
const MINUTES: FieldSpec = text(
    "Minutes per session",
    "1 to 480; empty: the program's default",
);
const CONCERN: FieldSpec = text("Concern", "optional: why the student needs this");
const RESTRICTED: FieldSpec = flag("Restricted");

// A program names the plan, so only a custom plan has a name field; only
// roles that may see restricted plans may make one.
const CUSTOM: &[FieldSpec] = &[
    NAME, TYPE, TIER, OWNER, START, END, SESSIONS, MINUTES, CONCERN,
];
const CUSTOM_R: &[FieldSpec] = &[
    NAME, TYPE, TIER, OWNER, START, END, SESSIONS, MINUTES, CONCERN, RESTRICTED,
];
const PROGRAM: &[FieldSpec] = &[TYPE, TIER, OWNER, START, END, SESSIONS, MINUTES, CONCERN];
const PROGRAM_R: &[FieldSpec] = &[
    TYPE, TIER, OWNER, START, END, SESSIONS, MINUTES, CONCERN, RESTRICTED,
];

pub fn specs(custom: bool, can_restrict: bool) -> &'static [FieldSpec] {
    match (custom, can_restrict) {
        (true, true) => CUSTOM_R,
        (true, false) => CUSTOM,
        (false, true) => PROGRAM_R,
        (false, false) => PROGRAM,
    }
}

/// Where field `spec` sits in `specs`, if the form has it.
fn at(specs: &[FieldSpec], spec: FieldSpec) -> Option<usize> {
    specs.iter().position(|s| *s == spec)
}

/// Values in `specs` order from (spec, value) pairs.
fn fill(specs: &[FieldSpec], pairs: [(FieldSpec, String); 10]) -> Vec<String> {
    specs
        .iter()
        .map(|s| {
            pairs
                .iter()
                .find(|(p, _)| p == s)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        })
        .collect()
}

fn num(n: Option<i16>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

fn day(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// A new plan: the program's defaults, or an empty custom one; it starts
/// `today` (the worker's date) unless changed.
pub fn new_values(
    specs: &[FieldSpec],
    program: Option<&Program>,
    today: Option<NaiveDate>,
) -> Vec<String> {
    let p = program;
    fill(
        specs,
        [
            (NAME, String::new()),
            (
                TYPE,
                p.map(|p| p.intervention_type.label().to_string())
                    .unwrap_or_default(),
            ),
            (TIER, p.map_or(2, |p| p.default_tier).to_string()),
            (OWNER, String::new()),
            (START, day(today)),
            (END, String::new()),
            (SESSIONS, num(p.and_then(|p| p.default_sessions_per_week))),
            (MINUTES, num(p.and_then(|p| p.default_minutes))),
            (CONCERN, String::new()),
            (RESTRICTED, flag_text(false)),
        ],
    )
}

/// A saved plan as form values. The owner field stays empty: it names a
/// new owner, and the header shows the current one.
pub fn values(specs: &[FieldSpec], h: &InterventionHeader) -> Vec<String> {
    fill(
        specs,
        [
            (NAME, h.custom_name.clone().unwrap_or_default()),
            (TYPE, h.intervention_type.label().to_string()),
            (TIER, h.tier.to_string()),
            (OWNER, String::new()),
            (START, day(h.start_date)),
            (END, day(h.planned_end_date)),
            (SESSIONS, num(h.sessions_per_week)),
            (MINUTES, num(h.minutes_per_session)),
            (CONCERN, h.concern.clone().unwrap_or_default()),
            (RESTRICTED, flag_text(h.is_restricted)),
        ],
    )
}

/// What the form says, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub name: Option<String>,
    pub intervention_type: InterventionType,
    pub tier: i16,
    /// A username to hand the plan to.
    pub owner: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub planned_end_date: Option<NaiveDate>,
    pub sessions_per_week: Option<i16>,
    pub minutes_per_session: Option<i16>,
    pub concern: Option<String>,
    /// `None` when the form has no such field.
    pub is_restricted: Option<bool>,
}

/// Values back into a plan, or the messages per field. `status` is the
/// plan's status when editing: one that has started needs a start date.
pub fn parse(
    specs: &[FieldSpec],
    v: &[String],
    status: Option<InterventionStatus>,
) -> Result<Plan, Vec<(usize, String)>> {
    let get = |spec| at(specs, spec).map(|i| (i, v[i].as_str()));
    let mut e = Errors(Vec::new());
    let name = match get(NAME) {
        None => Some(None),
        Some((i, s)) => e.take(
            i,
            match s.trim() {
                "" => Err("a plan without a program needs a name".to_string()),
                t if t.chars().count() > 200 => Err("the name is at most 200 characters".into()),
                t => Ok(Some(t.to_string())),
            },
        ),
    };
    let kind = get(TYPE).and_then(|(i, s)| {
        e.take(
            i,
            match s.trim() {
                "" => Err("choose a type: ←/→, or type its first letters".to_string()),
                t => parse_enum::<InterventionType>(t).map_err(|x| x.to_string()),
            },
        )
    });
    let tier = get(TIER).and_then(|(i, s)| {
        e.take(
            i,
            number_in(s, "the tier", 1, 3)
                .and_then(|t| t.ok_or_else(|| "the tier is 1, 2 or 3".to_string())),
        )
    });
    let owner = get(OWNER).map(|(_, s)| optional(s));
    let start = get(START).and_then(|(i, s)| e.take(i, date(s)));
    let end = get(END).and_then(|(i, s)| e.take(i, date(s)));
    if let (Some(Some(a)), Some(Some(b)), Some((i, _))) = (start, end, get(END))
        && b < a
    {
        e.0.push((
            i,
            "the planned end date must be on or after the start date".into(),
        ));
    }
    if let (Some(st), Some(None), Some((i, _))) = (status, start, get(START))
        && !matches!(
            st,
            InterventionStatus::Referred
                | InterventionStatus::Planned
                | InterventionStatus::Discontinued
        )
    {
        let st = st.to_string().replace('_', " ");
        let a = if st.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        e.0.push((i, format!("{a} {st} intervention needs a start date")));
    }
    let sessions =
        get(SESSIONS).and_then(|(i, s)| e.take(i, number_in(s, "sessions per week", 1, 14)));
    let minutes =
        get(MINUTES).and_then(|(i, s)| e.take(i, number_in(s, "minutes per session", 1, 480)));
    let restricted = get(RESTRICTED).map(|(_, s)| crate::app::form::yes_no(s));
    match (name, kind, tier, start, end, sessions, minutes) {
        (Some(name), Some(k), Some(t), Some(st), Some(en), Some(se), Some(mi))
            if e.0.is_empty() =>
        {
            Ok(Plan {
                name,
                intervention_type: k,
                tier: t,
                owner: owner.flatten(),
                start_date: st,
                planned_end_date: en,
                sessions_per_week: se,
                minutes_per_session: mi,
                concern: get(CONCERN).and_then(|(_, s)| optional(s)),
                is_restricted: restricted,
            })
        }
        _ => Err(e.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn program() -> Program {
        crate::app::fixtures::program(
            0,
            "Read Naturally",
            InterventionType::Reading,
            2,
            (3, 30, 8),
        )
    }

    #[test]
    fn a_program_fills_its_defaults() {
        let specs = specs(false, false);
        let v = new_values(specs, Some(&program()), None);
        assert_eq!(v, ["reading", "2", "", "", "", "3", "30", ""]);
        let today = NaiveDate::from_ymd_opt(2026, 12, 3);
        let v = new_values(specs, Some(&program()), today);
        assert_eq!(v[3], "2026-12-03", "a new plan starts today unless changed");
        let plan = parse(specs, &v, None).unwrap();
        assert_eq!(plan.intervention_type, InterventionType::Reading);
        assert_eq!(plan.sessions_per_week, Some(3));
        assert_eq!(plan.is_restricted, None);
    }

    #[test]
    fn each_field_says_what_is_wrong() {
        let specs = specs(true, true);
        let v: Vec<String> = [
            "",
            "sports",
            "4",
            "",
            "2026-09-10",
            "2026-09-01",
            "15",
            "0",
            "",
            "yes",
        ]
        .map(String::from)
        .to_vec();
        let errors = parse(specs, &v, None).unwrap_err();
        let msg = |i: usize| {
            errors
                .iter()
                .find(|(j, _)| *j == i)
                .map(|(_, m)| m.clone())
                .unwrap_or_default()
        };
        assert_eq!(msg(0), "a plan without a program needs a name");
        assert!(
            msg(1).contains("expected one of: reading, math"),
            "{}",
            msg(1)
        );
        assert_eq!(msg(2), "the tier is a whole number from 1 to 3");
        assert_eq!(
            msg(5),
            "the planned end date must be on or after the start date"
        );
        assert_eq!(msg(6), "sessions per week is a whole number from 1 to 14");
        assert_eq!(
            msg(7),
            "minutes per session is a whole number from 1 to 480"
        );
    }

    #[test]
    fn a_started_plan_keeps_its_start_date() {
        let specs = specs(false, false);
        let v = new_values(specs, Some(&program()), None);
        let e = parse(specs, &v, Some(InterventionStatus::Active)).unwrap_err();
        assert_eq!(
            e,
            vec![(3, "an active intervention needs a start date".into())]
        );
        assert!(parse(specs, &v, Some(InterventionStatus::Planned)).is_ok());
    }
}
