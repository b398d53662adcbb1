//! Closed sets of values as a form offers them: the stored value and the
//! words people read ("06" is "Grade 6", `not_met` is "not met"), and how
//! what someone types finds one ("6", "grade 6", "not m" …). The tables are
//! constants so a form's field list can name them; a test holds each to the
//! domain's list, so a value added there cannot be missing here.

/// One value of a closed set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    /// What is stored and parsed.
    pub value: &'static str,
    /// What is shown.
    pub words: &'static str,
}

const fn c(value: &'static str, words: &'static str) -> Choice {
    Choice { value, words }
}

/// grade_level, in its order.
pub const GRADES: &[Choice] = &[
    c("PK", "Pre-kindergarten"),
    c("TK", "Transitional kindergarten"),
    c("KG", "Kindergarten"),
    c("01", "Grade 1"),
    c("02", "Grade 2"),
    c("03", "Grade 3"),
    c("04", "Grade 4"),
    c("05", "Grade 5"),
    c("06", "Grade 6"),
    c("07", "Grade 7"),
    c("08", "Grade 8"),
    c("09", "Grade 9"),
    c("10", "Grade 10"),
    c("11", "Grade 11"),
    c("12", "Grade 12"),
    c("UG", "Ungraded"),
];

/// student_status.
pub const STUDENT_STATUSES: &[Choice] = &[
    c("active", "active"),
    c("pending", "pending"),
    c("inactive", "inactive"),
    c("transferred", "transferred"),
    c("withdrawn", "withdrawn"),
    c("graduated", "graduated"),
];

/// intervention_type.
pub const INTERVENTION_TYPES: &[Choice] = &[
    c("reading", "reading"),
    c("math", "math"),
    c("writing", "writing"),
    c("behavior", "behavior"),
    c("social_emotional", "social-emotional"),
    c("attendance", "attendance"),
    c("communication_language", "communication and language"),
    c("health_physical", "health and physical"),
    c("other", "other"),
];

pub const TIERS: &[Choice] = &[c("1", "Tier 1"), c("2", "Tier 2"), c("3", "Tier 3")];

pub const DIRECTIONS: &[Choice] = &[c("increase", "increase"), c("decrease", "decrease")];

pub const DECISION_RULES: &[Choice] = &[
    c("four_point", "four-point rule"),
    c("trend", "trend line"),
    c("none", "no decision rule"),
];

pub const GOAL_STATUSES: &[Choice] = &[
    c("active", "active"),
    c("met", "met"),
    c("not_met", "not met"),
    c("discontinued", "discontinued"),
];

/// The roles someone can be given on a team: every team role but the
/// owner's, which only the owner holds.
pub const TEAM_ROLES: &[Choice] = &[
    c("interventionist", "interventionist"),
    c("teacher", "teacher"),
    c("counselor", "counselor"),
    c("coordinator", "coordinator"),
    c("observer", "observer"),
];

/// The relationship CHECK of student_guardians.
pub const RELATIONSHIPS: &[Choice] = &[
    c("mother", "mother"),
    c("father", "father"),
    c("parent", "parent"),
    c("stepparent", "stepparent"),
    c("grandparent", "grandparent"),
    c("aunt_uncle", "aunt or uncle"),
    c("sibling", "sibling"),
    c("foster_parent", "foster parent"),
    c("guardian", "guardian"),
    c("other", "other"),
];

/// A guardian's preferred channel; empty: none.
pub const CHANNELS: &[Choice] = &[
    c("", "no preference"),
    c("phone", "phone"),
    c("email", "email"),
    c("sms", "text message (sms)"),
    c("letter", "letter"),
    c("in_person", "in person"),
    c("video", "video"),
];

/// Lower case, with `_` and `-` read as spaces: "Not_Met" and "not-met"
/// are "not met".
fn fold(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| if c == '_' || c == '-' { ' ' } else { c })
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// How well `typed` (folded, not empty) names `c`: 0 exactly (its value,
/// its words, one of its words, or a number without its leading zero: "6"
/// for "06"), 1 its beginning, 2 the beginning of one of its words; `None`:
/// not at all.
fn rank(c: &Choice, t: &str) -> Option<u8> {
    let (words, value) = (fold(c.words), fold(c.value));
    let unpadded = value.trim_start_matches('0');
    if value == t || words == t || unpadded == t || words.split(' ').any(|w| w == t) {
        Some(0)
    } else if words.starts_with(t) || value.starts_with(t) {
        Some(1)
    } else if words.split(' ').any(|w| w.starts_with(t)) {
        Some(2)
    } else {
        None
    }
}

/// The choices `typed` matches, in their order (all of them when nothing
/// that counts is typed).
pub fn matching<'a>(choices: &'a [Choice], typed: &str) -> Vec<&'a Choice> {
    let t = fold(typed);
    choices
        .iter()
        .filter(|c| t.is_empty() || rank(c, &t).is_some())
        .collect()
}

/// The choice `typed` names best (the first of the best, in order); none
/// when nothing that counts is typed ("", " ", "-").
pub fn best<'a>(choices: &'a [Choice], typed: &str) -> Option<&'a Choice> {
    let t = fold(typed);
    if t.is_empty() {
        return None;
    }
    choices
        .iter()
        .filter_map(|c| rank(c, &t).map(|r| (r, c)))
        .min_by_key(|(r, _)| *r)
        .map(|(_, c)| c)
}

/// The words for a stored value; a value the set does not know (an old
/// row, a typo in a draft) is shown as it is.
pub fn words<'a>(choices: &[Choice], value: &'a str) -> &'a str {
    choices
        .iter()
        .find(|c| c.value.eq_ignore_ascii_case(value.trim()))
        .map_or(value, |c| c.words)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::enums::{GradeLevel, InterventionType, PgEnum, StudentStatus};
    use crate::domain::kinds::{GoalDirection, GoalRule, GoalStatus, TeamRole};

    fn values(choices: &[Choice]) -> Vec<&'static str> {
        choices.iter().map(|c| c.value).collect()
    }

    fn pg<E: PgEnum>() -> Vec<&'static str> {
        E::ALL.iter().map(|v| v.label()).collect()
    }

    #[test]
    fn every_set_is_the_domains_list() {
        assert_eq!(values(GRADES), pg::<GradeLevel>());
        assert_eq!(values(STUDENT_STATUSES), pg::<StudentStatus>());
        assert_eq!(values(INTERVENTION_TYPES), pg::<InterventionType>());
        let dirs: Vec<_> = GoalDirection::ALL.iter().map(|d| d.as_str()).collect();
        assert_eq!(values(DIRECTIONS), dirs);
        let rules: Vec<_> = GoalRule::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(values(DECISION_RULES), rules);
        let statuses: Vec<_> = GoalStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(values(GOAL_STATUSES), statuses);
        let roles: Vec<_> = TeamRole::ALL
            .iter()
            .filter(|r| **r != TeamRole::Owner)
            .map(|r| r.as_str())
            .collect();
        assert_eq!(values(TEAM_ROLES), roles);
        assert_eq!(values(RELATIONSHIPS), crate::domain::student::RELATIONSHIPS);
        assert_eq!(values(&CHANNELS[1..]), crate::domain::student::CHANNELS);
    }

    #[test]
    fn people_are_understood_in_their_words() {
        let value = |set, typed| best(set, typed).map(|c| c.value);
        assert_eq!(value(GRADES, "6"), Some("06"));
        assert_eq!(value(GRADES, "grade 6"), Some("06"));
        assert_eq!(value(GRADES, "06"), Some("06"));
        assert_eq!(value(GRADES, "1"), Some("01"), "not 10, 11 or 12");
        assert_eq!(value(GRADES, "12"), Some("12"));
        assert_eq!(value(GRADES, "k"), Some("KG"));
        assert_eq!(value(GRADES, "tk"), Some("TK"));
        assert_eq!(value(GRADES, "pre"), Some("PK"));
        assert_eq!(value(GRADES, "13"), None);
        assert_eq!(value(TIERS, "-"), None, "nothing that counts is typed");
        assert_eq!(matching(TIERS, " ").len(), 3);
        assert_eq!(value(GOAL_STATUSES, "not met"), Some("not_met"));
        assert_eq!(value(GOAL_STATUSES, "Not_M"), Some("not_met"));
        assert_eq!(
            value(INTERVENTION_TYPES, "social"),
            Some("social_emotional")
        );
        assert_eq!(value(INTERVENTION_TYPES, "Behavior"), Some("behavior"));
        assert_eq!(value(TIERS, "3"), Some("3"));
        assert_eq!(value(DECISION_RULES, "none"), Some("none"));
        assert_eq!(value(DECISION_RULES, "trend"), Some("trend"));
        assert_eq!(matching(GRADES, "gr").len(), 12);
        assert_eq!(words(GRADES, "06"), "Grade 6");
        assert_eq!(words(GOAL_STATUSES, "not_met"), "not met");
        assert_eq!(words(GRADES, "13"), "13", "unknown values show as stored");
    }
}
