//! A program's defaults form: name, type, tier, sessions a week, minutes,
//! weeks, monitoring, evidence level, active, school; checked as typed with
//! the table's rules.

use super::{Mode, ProgramsState};
use crate::app::Effect;
use crate::app::choices::{Choice, INTERVENTION_TYPES, TIERS};
use crate::app::form::{self, Errors, Form, FormKey};
use crate::app::screens::room::Cx;
use crate::domain::admin::AdminChange;
use crate::domain::enums::{InterventionType, PgEnum};
use crate::domain::people::{SchoolRef, find_school};
use crate::domain::programs::{ProgramDefaults, ProgramRow};
use crossterm::event::KeyEvent;
use uuid::Uuid;

const fn c(value: &'static str, words: &'static str) -> Choice {
    Choice { value, words }
}

/// The monitoring_frequency CHECK.
pub const MONITORING: &[Choice] = &[
    c("weekly", "weekly"),
    c("biweekly", "every two weeks"),
    c("monthly", "monthly"),
];

/// ESSA's evidence levels; empty: not rated.
pub const EVIDENCE: &[Choice] = &[
    c("", "not rated"),
    c("strong", "strong (tier 1)"),
    c("moderate", "moderate (tier 2)"),
    c("promising", "promising (tier 3)"),
    c("rationale", "demonstrates a rationale (tier 4)"),
];

static FIELDS: &[form::FieldSpec] = &[
    form::text("Name", "1 to 200 characters"),
    form::pick("Type", INTERVENTION_TYPES),
    form::pick("Default tier", TIERS),
    form::text("Sessions a week", "1 to 14; empty: none planned"),
    form::text("Minutes a session", "1 to 480; empty: none planned"),
    form::text("Weeks", "1 to 52; empty: open-ended"),
    form::pick("Monitoring", MONITORING),
    form::pick_with("Evidence level", EVIDENCE, "ESSA's levels of evidence"),
    form::flag("Active (offered for new plans)"),
    form::text(
        "School",
        "a school's name or local id: only its plans offer it; empty: the whole district",
    ),
];

/// A new program; `school` filled in for someone who may make programs for
/// one school only (a coordinator of one school).
pub fn new(id: Uuid, school: Option<&SchoolRef>) -> Mode {
    let school = school.map_or("", |s| s.name.as_str());
    let values = ["", "reading", "2", "", "", "", "weekly", "", "yes", school];
    Mode::Defaults {
        id,
        new: true,
        form: Box::new(Form::new(
            FIELDS,
            values.iter().map(|v| v.to_string()).collect(),
        )),
    }
}

pub fn of(p: &ProgramRow) -> Mode {
    let n = |v: Option<i16>| v.map(|v| v.to_string()).unwrap_or_default();
    Mode::Defaults {
        id: p.id,
        new: false,
        form: Box::new(Form::new(
            FIELDS,
            vec![
                p.name.clone(),
                p.intervention_type.label().into(),
                p.default_tier.to_string(),
                n(p.per_week),
                n(p.minutes),
                n(p.weeks),
                p.monitoring_frequency.clone(),
                p.evidence_level.clone().unwrap_or_default(),
                form::flag_text(p.is_active),
                p.school.clone().unwrap_or_default(),
            ],
        )),
    }
}

pub fn parse(
    id: Uuid,
    v: &[String],
    schools: &[SchoolRef],
) -> Result<ProgramDefaults, Vec<(usize, String)>> {
    let mut e = Errors(Vec::new());
    let name = e.take(0, form::required(&v[0], "the name", 200));
    let itype = e.take(
        1,
        v[1].trim()
            .parse::<InterventionType>()
            .map_err(|_| "choose a type".to_string()),
    );
    let tier = e
        .take(2, form::number_in(&v[2], "the tier", 1, 3))
        .flatten();
    if tier.is_none() && e.0.iter().all(|(i, _)| *i != 2) {
        e.0.push((2, "choose a tier".into()));
    }
    let per_week = e.take(3, form::number_in(&v[3], "sessions a week", 1, 14));
    let minutes = e.take(4, form::number_in(&v[4], "minutes", 1, 480));
    let weeks = e.take(5, form::number_in(&v[5], "weeks", 1, 52));
    let monitoring = e.take(
        6,
        form::choice(&v[6], "monitoring", &["weekly", "biweekly", "monthly"]),
    );
    let evidence = e.take(
        7,
        match v[7].trim() {
            "" => Ok(None),
            t => form::choice(
                t,
                "the evidence level",
                crate::domain::programs::EVIDENCE_LEVELS,
            )
            .map(|s| Some(s.to_string())),
        },
    );
    let school = e.take(
        9,
        find_school(&v[9], schools).map(|s| s.map(|s| s.local_id.clone())),
    );
    match (
        name, itype, tier, per_week, minutes, weeks, monitoring, evidence, school,
    ) {
        (
            Some(name),
            Some(intervention_type),
            Some(default_tier),
            Some(per_week),
            Some(minutes),
            Some(weeks),
            Some(m),
            Some(evidence_level),
            Some(school),
        ) if e.0.is_empty() => Ok(ProgramDefaults {
            id,
            name,
            intervention_type,
            default_tier,
            per_week,
            minutes,
            weeks,
            monitoring_frequency: m.to_string(),
            evidence_level,
            is_active: form::yes_no(&v[8]),
            school,
        }),
        _ => Err(e.0),
    }
}

pub(super) fn on_key(s: &mut ProgramsState, cx: &mut Cx, key: &KeyEvent) -> Vec<Effect> {
    let Mode::Defaults { id, form, .. } = &mut s.mode else {
        return vec![];
    };
    let schools = &s.schools;
    match form.key(key, cx.keymap) {
        FormKey::Cancel => s.mode = Mode::List,
        FormKey::Edited | FormKey::Moved => {
            form.notice = None;
            form.set_errors(parse(*id, &form.values, schools).err().unwrap_or_default());
        }
        FormKey::Save => match parse(*id, &form.values, schools) {
            Ok(d) => {
                let req = cx.alloc();
                form.saving = Some(req);
                form.notice = None;
                return vec![Effect::Admin {
                    req,
                    change: AdminChange::Program(d),
                }];
            }
            Err(errors) => {
                form.set_errors(errors);
                form.fix_fields();
            }
        },
        FormKey::Ignored => {}
    }
    vec![]
}
