//! A student's guardians: names in the student's culture, contact details,
//! custody and the odd no-contact order.

use super::{Chunk, Ctx, Guardian};
use crate::demo::seed::names::{self, Culture};
use crate::demo::seed::reference::{at, new_uuid, pick, weighted};
use chrono::Duration;
use rand::Rng;
use uuid::Uuid;

const RELATIONSHIPS: &[(&str, u32)] = &[
    ("mother", 40),
    ("father", 30),
    ("parent", 5),
    ("grandparent", 8),
    ("stepparent", 4),
    ("aunt_uncle", 4),
    ("foster_parent", 2),
    ("guardian", 4),
    ("sibling", 1),
    ("other", 2),
];

const MAIL_DOMAINS: &[&str] = &[
    "gmail.com",
    "yahoo.com",
    "outlook.com",
    "icloud.com",
    "hotmail.com",
    "proton.me",
    "comcast.net",
];

const GUARDIAN_NOTES: &[&str] = &[
    "Works nights; call after 4 pm.",
    "Prefers an interpreter for meetings.",
    "Please don't call at work.",
    "Shares custody week on / week off.",
    "Grandma picks up on Tuesdays and Thursdays.",
    "Text first, then call.",
    "Dad is deployed until spring; mom is main contact.",
];

pub(super) fn guardians(
    c: &mut Ctx,
    student: Uuid,
    culture: &'static Culture,
    last: &str,
    out: &mut Chunk,
) -> Vec<Guardian> {
    let n = weighted(&mut c.rng, &[(1u8, 30), (2, 60), (3, 10)]);
    let mut list = Vec::with_capacity(n as usize);
    let created = at(c.today - Duration::days(300), 14, 0);
    for k in 0..n {
        let id = new_uuid(&mut c.rng);
        let rel = weighted(&mut c.rng, RELATIONSHIPS);
        let female = match rel {
            "mother" => Some(true),
            "father" => Some(false),
            _ => None,
        };
        let given = culture.given[culture.given_index(c.rng.random(), female)];
        let family: String = if c.chance(0.75) {
            last.to_string()
        } else {
            (*pick(&mut c.rng, culture.family)).to_string()
        };
        let email = c.chance(0.8).then(|| {
            let mut local = names::fold_ascii(given);
            if local.is_empty() {
                local.push_str("family");
            }
            let f = names::fold_ascii(&family);
            if !f.is_empty() {
                local.push('.');
                local.push_str(&f);
            }
            let n: u32 = c.rng.random_range(1..999);
            format!("{local}{n}@{}", pick(&mut c.rng, MAIL_DOMAINS))
        });
        let phone = c.chance(0.9).then(|| {
            if c.chance(0.04) {
                format!(
                    "+52 33 {:04} {:04}",
                    c.rng.random_range(1000..9999),
                    c.rng.random_range(0..9999)
                )
            } else {
                format!(
                    "({}) 555-{:04}",
                    pick(&mut c.rng, &["612", "651", "763", "952", "320", "507"]),
                    c.rng.random_range(100..9999)
                )
            }
        });
        let channel = match (email.is_some(), phone.is_some()) {
            (true, true) => weighted(
                &mut c.rng,
                &[
                    (Some("phone"), 40),
                    (Some("sms"), 25),
                    (Some("email"), 25),
                    (None, 10),
                ],
            ),
            (false, true) => weighted(
                &mut c.rng,
                &[(Some("phone"), 60), (Some("sms"), 35), (None, 5)],
            ),
            (true, false) => Some("email"),
            (false, false) => {
                weighted(&mut c.rng, &[(Some("letter"), 60), (Some("in_person"), 40)])
            }
        };
        let language = if culture.language != "English" && c.chance(0.6) {
            culture.language
        } else {
            "English"
        };
        let parent = matches!(
            rel,
            "mother" | "father" | "parent" | "guardian" | "foster_parent"
        );
        let custody = parent || (rel == "grandparent" && c.chance(0.3));
        let no_contact = k > 0 && c.chance(0.01);
        let note = if no_contact {
            Some("Court order on file: no contact, no information released.")
        } else if c.chance(0.06) {
            Some(*pick(&mut c.rng, GUARDIAN_NOTES))
        } else {
            None
        };
        out.guardians
            .uuid(id)
            .uuid(student)
            .text(given)
            .text(&family)
            .text(rel)
            .opt_text(email.as_deref())
            .opt_text(phone.as_deref())
            .text(language)
            .opt_text(channel)
            .int(i64::from(k) + 1)
            .bool(custody && !no_contact)
            .bool(!no_contact && (k < 2 || c.chance(0.5)))
            .bool(parent && !no_contact)
            .bool(!no_contact && c.chance(0.97))
            .opt_text(note)
            .ts(created)
            .ts(created)
            .end();
        if !no_contact {
            list.push(Guardian {
                id,
                email: email.is_some(),
                phone: phone.is_some(),
                channel,
            });
        }
    }
    list
}
