//! The profile and guardian forms: their fields, how a record becomes form
//! values and how values become a record again. The checks mirror the
//! database's CHECK constraints so people learn what is wrong as they type;
//! the database still has the last word.

use crate::app::choices;
use crate::app::form::{
    self, Errors, FieldSpec, choice, date, flag, flag_text, optional, pick, required, text,
};
use crate::domain::enums::{GradeLevel, PgEnum, StudentStatus, parse_enum};
use crate::domain::student::{CHANNELS, Change, GuardianFields, Profile, RELATIONSHIPS};
use chrono::NaiveDate;

pub const PROFILE: &[FieldSpec] = &[
    text("First name", "required"),
    text("Last name", "required"),
    text("Preferred name", "optional"),
    text("Date of birth", "YYYY-MM-DD"),
    pick("Grade", choices::GRADES),
    pick("Status", choices::STUDENT_STATUSES),
    flag("IEP"),
    flag("504 plan"),
    flag("English learner"),
    text("Enrolled", "YYYY-MM-DD"),
    text(
        "Exited",
        "YYYY-MM-DD; required once transferred, withdrawn or graduated",
    ),
];

pub const GUARDIAN: &[FieldSpec] = &[
    text("First name", "required"),
    text("Last name", "required"),
    pick("Relationship", choices::RELATIONSHIPS),
    text("Email", "name@domain.org"),
    text("Phone", "digits, spaces, ( ) . - and an optional leading +"),
    pick("Prefers", choices::CHANNELS),
    text("Language", "optional"),
    text("Priority", "1 (first to call) to 9"),
    flag("Custody"),
    flag("Educational rights"),
    flag("Emergency contact"),
    flag("Receives communications"),
];

/// The field list of a change of this shape.
pub fn specs(change: &Change) -> &'static [FieldSpec] {
    match change {
        Change::Profile(_) => PROFILE,
        Change::Guardian(_) => GUARDIAN,
    }
}

fn date_text(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn opt_text(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

pub fn values(change: &Change) -> Vec<String> {
    match change {
        Change::Profile(p) => vec![
            p.first_name.clone(),
            p.last_name.clone(),
            opt_text(&p.preferred_name),
            date_text(p.date_of_birth),
            p.grade.label().to_string(),
            p.status.label().to_string(),
            flag_text(p.has_iep),
            flag_text(p.has_504),
            flag_text(p.is_english_learner),
            date_text(p.enrollment_date),
            date_text(p.exit_date),
        ],
        Change::Guardian(g) => vec![
            g.first_name.clone(),
            g.last_name.clone(),
            g.relationship.clone(),
            opt_text(&g.email),
            opt_text(&g.phone),
            opt_text(&g.preferred_channel),
            opt_text(&g.preferred_language),
            g.contact_priority.to_string(),
            flag_text(g.has_custody),
            flag_text(g.has_educational_rights),
            flag_text(g.is_emergency_contact),
            flag_text(g.receives_communications),
        ],
    }
}

/// Values back into a change of the same shape as `like`, or the messages
/// per field.
pub fn parse(like: &Change, v: &[String]) -> Result<Change, Vec<(usize, String)>> {
    match like {
        Change::Profile(_) => profile(v).map(Change::Profile),
        Change::Guardian(_) => guardian(v).map(Change::Guardian),
    }
}

fn profile(v: &[String]) -> Result<Profile, Vec<(usize, String)>> {
    let mut e = Errors(Vec::new());
    let first = e.take(0, required(&v[0], "first name", 100));
    let last = e.take(1, required(&v[1], "last name", 100));
    let preferred = e.take(
        2,
        match optional(&v[2]) {
            Some(p) if p.chars().count() > 100 => {
                Err("preferred name is at most 100 characters".into())
            }
            p => Ok(p),
        },
    );
    let born = e.take(
        3,
        date(&v[3]).and_then(|d| match d {
            Some(d) if d <= NaiveDate::from_ymd_opt(1990, 1, 1).unwrap_or(d) => {
                Err("date of birth must be after 1990-01-01".into())
            }
            d => Ok(d),
        }),
    );
    let grade = e.take(
        4,
        parse_enum::<GradeLevel>(&v[4]).map_err(|x| x.to_string()),
    );
    let status = e.take(
        5,
        parse_enum::<StudentStatus>(&v[5]).map_err(|x| x.to_string()),
    );
    let enrolled = e.take(9, date(&v[9]));
    let exited = e.take(10, date(&v[10]));
    if let (Some(Some(en)), Some(Some(ex))) = (enrolled, exited)
        && ex < en
    {
        e.0.push((
            10,
            "the exit date must be on or after the enrollment date".into(),
        ));
    }
    if let (Some(s), Some(None)) = (status, exited)
        && matches!(
            s,
            StudentStatus::Transferred | StudentStatus::Withdrawn | StudentStatus::Graduated
        )
    {
        e.0.push((10, format!("a {s} student needs an exit date")));
    }
    match (
        first, last, preferred, born, grade, status, enrolled, exited,
    ) {
        (Some(f), Some(l), Some(p), Some(b), Some(g), Some(s), Some(en), Some(ex))
            if e.0.is_empty() =>
        {
            Ok(Profile {
                first_name: f,
                last_name: l,
                preferred_name: p,
                date_of_birth: b,
                grade: g,
                status: s,
                has_iep: form::yes_no(&v[6]),
                has_504: form::yes_no(&v[7]),
                is_english_learner: form::yes_no(&v[8]),
                enrollment_date: en,
                exit_date: ex,
            })
        }
        _ => Err(e.0),
    }
}

/// The email CHECK: something@something.something, no spaces.
fn email_ok(s: &str) -> bool {
    let Some((user, domain)) = s.split_once('@') else {
        return false;
    };
    !s.chars().any(char::is_whitespace)
        && !user.is_empty()
        && !domain.contains('@')
        && domain
            .split_once('.')
            .is_some_and(|(a, b)| !a.is_empty() && !b.is_empty())
        && !domain.ends_with('.')
}

/// The phone CHECK: ^\+?[0-9 ().-]{7,20}$
fn phone_ok(s: &str) -> bool {
    let rest = s.strip_prefix('+').unwrap_or(s);
    (7..=20).contains(&rest.chars().count())
        && rest
            .chars()
            .all(|c| c.is_ascii_digit() || " ().-".contains(c))
}

fn guardian(v: &[String]) -> Result<GuardianFields, Vec<(usize, String)>> {
    let mut e = Errors(Vec::new());
    let first = e.take(0, required(&v[0], "first name", 100));
    let last = e.take(1, required(&v[1], "last name", 100));
    let relationship = e.take(2, choice(&v[2], "relationship", RELATIONSHIPS));
    let email = e.take(
        3,
        match optional(&v[3]) {
            Some(m) if !email_ok(&m) => Err(format!("{m:?} is not an email address")),
            m => Ok(m),
        },
    );
    let phone = e.take(
        4,
        match optional(&v[4]) {
            Some(p) if !phone_ok(&p) => Err(
                "a phone number is 7 to 20 digits, spaces, ( ) . - with an optional leading +"
                    .to_string(),
            ),
            p => Ok(p),
        },
    );
    let channel = e.take(
        5,
        optional(&v[5])
            .map(|c| choice(&c, "channel", CHANNELS))
            .transpose(),
    );
    match (channel.flatten(), &email, &phone) {
        (Some("email"), Some(None), _) => e.0.push((5, "email needs an email address".into())),
        (Some(c @ ("phone" | "sms")), _, Some(None)) => {
            e.0.push((5, format!("{c} needs a phone number")))
        }
        _ => {}
    }
    let priority = e.take(
        7,
        v[7].trim()
            .parse::<i16>()
            .ok()
            .filter(|p| (1..=9).contains(p))
            .ok_or_else(|| "priority is a number from 1 to 9".to_string()),
    );
    match (first, last, relationship, email, phone, channel, priority) {
        (Some(f), Some(l), Some(r), Some(m), Some(p), Some(c), Some(n)) if e.0.is_empty() => {
            Ok(GuardianFields {
                first_name: f,
                last_name: l,
                relationship: r.to_string(),
                email: m,
                phone: p,
                preferred_channel: c.map(str::to_string),
                preferred_language: optional(&v[6]),
                contact_priority: n,
                has_custody: form::yes_no(&v[8]),
                has_educational_rights: form::yes_no(&v[9]),
                is_emergency_contact: form::yes_no(&v[10]),
                receives_communications: form::yes_no(&v[11]),
            })
        }
        _ => Err(e.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_and_email_mirror_the_checks() {
        assert!(phone_ok("+1 (555) 010-0100"));
        assert!(phone_ok("5550100"));
        assert!(!phone_ok("555"));
        assert!(!phone_ok("555-CALL-NOW"));
        assert!(email_ok("a@b.org"));
        assert!(!email_ok("a@b"));
        assert!(!email_ok("a b@c.org"));
        assert!(!email_ok("@c.org"));
    }
}
