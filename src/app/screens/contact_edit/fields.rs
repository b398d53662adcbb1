//! The contact form's one-line fields: which there are (the restricted
//! toggle only for those who may see restricted rows), what they start
//! from, and parsing them into what is written, with a message per field.
//! The guardian and the follow-up owner are chosen from the data the form
//! loaded; their values are names, the choice itself is kept by the editor.

use crate::app::choices::Choice;
use crate::app::form::{self, Errors, FieldSpec};
use crate::domain::contact::{ContactContext, ContactFields, GuardianChoice, PURPOSE_MAX};
use crate::domain::kinds::{Channel, ContactDirection, ContactResult};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    Guardian,
    Channel,
    Direction,
    Purpose,
    Result,
    /// Closes the open follow-up the new contact answers.
    Closes,
    FollowUp,
    Due,
    Owner,
    Restricted,
    When,
}

/// The slots drawn (and moved through) above the summary; the rest are
/// below it.
pub const ABOVE_SUMMARY: usize = 5;

/// In focus order; the summary comes between `Result` and `FollowUp`.
pub fn slots(ctx: &ContactContext) -> Vec<Slot> {
    let mut s = vec![
        Slot::Guardian,
        Slot::Channel,
        Slot::Direction,
        Slot::Purpose,
        Slot::Result,
    ];
    if ctx.answers.is_some() {
        s.push(Slot::Closes);
    }
    s.extend([Slot::FollowUp, Slot::Due, Slot::Owner]);
    if ctx.may_restrict {
        s.push(Slot::Restricted);
    }
    s.push(Slot::When);
    s
}

const fn c(value: &'static str, words: &'static str) -> Choice {
    Choice { value, words }
}

/// communication_log.channel, required.
pub const CHANNELS: &[Choice] = &[
    c("phone", "phone call"),
    c("email", "email"),
    c("sms", "text message (sms)"),
    c("letter", "letter"),
    c("in_person", "in person"),
    c("video", "video call"),
];

pub const DIRECTIONS: &[Choice] = &[
    c("outbound", "outbound (we contacted them)"),
    c("inbound", "inbound (they contacted us)"),
];

/// communication_log.result; empty: not recorded.
pub const RESULTS: &[Choice] = &[
    c("", "not recorded"),
    c("reached", "reached"),
    c("left_message", "left a message"),
    c("unreachable", "unreachable"),
    c("no_show", "no-show"),
];

/// Offered on the purpose field with ←/→; anything else may be typed.
pub const PURPOSES: &[&str] = &[
    "check-in",
    "attendance concern",
    "academic progress",
    "behavior",
    "intervention update",
    "schedule a meeting",
    "returning their call",
    "follow-up",
];

pub fn specs(slots: &[Slot]) -> Vec<FieldSpec> {
    slots.iter().map(|s| spec(*s)).collect()
}

fn spec(slot: Slot) -> FieldSpec {
    match slot {
        Slot::Guardian => form::text(
            "Guardian",
            "←/→ or a first letter: one of the student's guardians, or no guardian (someone else)",
        ),
        Slot::Channel => form::pick("Channel", CHANNELS),
        Slot::Direction => form::pick("Direction", DIRECTIONS),
        Slot::Purpose => form::text(
            "Purpose",
            "required, up to 200 characters: type it, or ←/→ for a common one",
        ),
        Slot::Result => form::pick("Result", RESULTS),
        Slot::Closes => form::flag("Closes the follow-up"),
        Slot::FollowUp => form::flag("Follow-up"),
        Slot::Due => form::text("Follow-up due", "YYYY-MM-DD: when the follow-up is due"),
        Slot::Owner => form::text(
            "Follow-up owner",
            "←/→ or a first letter: who follows up (people who work with the student)",
        ),
        Slot::Restricted => form::flag("Restricted"),
        Slot::When => form::text(
            "When",
            "YYYY-MM-DD HH:MM (24-hour) or YYYY-MM-DD; empty: now",
        ),
    }
}

/// The first guardian one may simply call (in contact priority order):
/// never one marked do-not-contact or without educational rights.
pub fn default_guardian(ctx: &ContactContext) -> Option<usize> {
    ctx.guardians.iter().position(|g| g.caution().is_none())
}

/// The guardian's preferred channel, else a phone call.
pub fn default_channel(g: Option<&GuardianChoice>) -> Channel {
    g.and_then(|g| g.preferred_channel)
        .unwrap_or(Channel::Phone)
}

/// The guardian field's value: their name, or what no guardian means.
pub fn guardian_words(g: Option<&GuardianChoice>) -> String {
    g.map_or_else(|| NO_GUARDIAN.to_string(), |g| g.name.clone())
}

pub const NO_GUARDIAN: &str = "no guardian (someone else)";

/// "mother · prefers phone · Spanish · custody · educational rights", and
/// what marks them, for the guardian's line.
pub fn guardian_about(g: &GuardianChoice) -> String {
    let mut parts = vec![
        crate::app::choices::words(crate::app::choices::RELATIONSHIPS, &g.relationship).to_string(),
    ];
    if let Some(ch) = g.preferred_channel {
        parts.push(format!(
            "prefers {}",
            crate::app::choices::words(CHANNELS, ch.as_str())
        ));
    }
    if let Some(l) = g
        .preferred_language
        .as_deref()
        .filter(|l| !l.trim().is_empty())
    {
        parts.push(l.to_string());
    }
    parts.push(
        if g.has_custody {
            "custody"
        } else {
            "no custody"
        }
        .into(),
    );
    parts.push(
        if g.has_educational_rights {
            "educational rights"
        } else {
            "NO educational rights"
        }
        .into(),
    );
    if !g.receives_communications {
        parts.push("DO NOT CONTACT".into());
    }
    parts.join(" · ")
}

/// A date and time to the minute, or a day (its start); empty is `None`.
pub fn when(s: &str) -> Result<Option<NaiveDateTime>, String> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.len() <= 10 {
        return Ok(form::date(t)?.map(|d| d.and_time(NaiveTime::MIN)));
    }
    let (day, time) = t.split_once([' ', 'T']).unwrap_or((t, ""));
    let d = form::date(day)?.unwrap_or_default();
    let time = NaiveTime::parse_from_str(time.trim(), "%H:%M").map_err(|_| {
        format!(
            "{:?} is not a time: use HH:MM (24-hour) after the date, e.g. 2026-12-04 14:30",
            time.trim().chars().take(16).collect::<String>()
        )
    })?;
    Ok(Some(d.and_time(time)))
}

/// A follow-up is due on the day of its contact or later: for a contact of
/// today that is "not in the past", as snoozing one says.
fn due_from(due: NaiveDate, contact_day: NaiveDate, today: NaiveDate) -> Result<NaiveDate, String> {
    if due >= contact_day {
        return Ok(due);
    }
    Err(if contact_day == today {
        format!("{due} is in the past: a follow-up is due today ({today}) or later")
    } else {
        format!("{due} is before the contact ({contact_day}): a follow-up is due that day or later")
    })
}

/// What the editor chose outside the values: the guardian and the owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chosen<'a> {
    pub guardian: Option<&'a GuardianChoice>,
    pub owner: Option<uuid::Uuid>,
}

/// The values as a write, or the message for each field that is wrong.
/// `original_when`: the stored time's text, which an edit leaves alone.
pub fn parse(
    slots: &[Slot],
    values: &[String],
    chosen: Chosen,
    today: NaiveDate,
    original_when: Option<&str>,
) -> Result<ContactFields, Vec<(usize, String)>> {
    let mut errs = Errors(Vec::new());
    let at = |s: Slot| slots.iter().position(|x| *x == s);
    let value = |s: Slot| at(s).and_then(|i| values.get(i)).map_or("", String::as_str);
    fn take_at<T>(slots: &[Slot], s: Slot, errs: &mut Errors, r: Result<T, String>) -> Option<T> {
        match slots.iter().position(|x| *x == s) {
            Some(i) => errs.take(i, r),
            None => r.ok(),
        }
    }
    let channel = take_at(
        slots,
        Slot::Channel,
        &mut errs,
        value(Slot::Channel)
            .trim()
            .parse::<Channel>()
            .map_err(|_| "choose how the contact was made (←/→)".to_string()),
    );
    let direction = take_at(
        slots,
        Slot::Direction,
        &mut errs,
        value(Slot::Direction)
            .trim()
            .parse::<ContactDirection>()
            .map_err(|_| "choose outbound or inbound (←/→)".to_string()),
    );
    let purpose = take_at(
        slots,
        Slot::Purpose,
        &mut errs,
        form::required(value(Slot::Purpose), "the purpose", PURPOSE_MAX),
    );
    let result = take_at(slots, Slot::Result, &mut errs, {
        let r = value(Slot::Result).trim();
        if r.is_empty() {
            Ok(None)
        } else {
            r.parse::<ContactResult>()
                .map(Some)
                .map_err(|_| "choose a result (←/→), or not recorded".to_string())
        }
    });
    let follow_up = form::yes_no(value(Slot::FollowUp));
    let owner = if follow_up {
        take_at(
            slots,
            Slot::Owner,
            &mut errs,
            chosen
                .owner
                .map(Some)
                .ok_or_else(|| "choose who follows up (←/→)".to_string()),
        )
        .flatten()
    } else {
        None
    };
    let when_text = value(Slot::When);
    let occurred_at = if original_when == Some(when_text.trim()) {
        Some(None)
    } else {
        take_at(
            slots,
            Slot::When,
            &mut errs,
            when(when_text).and_then(|w| match w {
                None if original_when.is_some() => {
                    Err("a logged contact keeps its time: type it as YYYY-MM-DD HH:MM".to_string())
                }
                Some(w) if w.date() > today => Err(format!(
                    "{} is after today: log a contact once it happened",
                    w.format("%Y-%m-%d")
                )),
                w => Ok(w),
            }),
        )
    };
    // The day the contact happened: as typed, else as stored, else today.
    let contact_day = match occurred_at {
        Some(Some(w)) => w.date(),
        _ => original_when
            .and_then(|w| when(w).ok().flatten())
            .map_or(today, |w| w.date()),
    };
    let due = if follow_up {
        take_at(
            slots,
            Slot::Due,
            &mut errs,
            form::date(value(Slot::Due)).and_then(|d| match d {
                None => Err("a follow-up needs a due date (YYYY-MM-DD)".to_string()),
                Some(d) => due_from(d, contact_day, today).map(Some),
            }),
        )
        .flatten()
    } else {
        None
    };
    let restricted = form::yes_no(value(Slot::Restricted));
    if !errs.0.is_empty() {
        return Err(errs.0);
    }
    match (channel, direction, purpose, result, occurred_at) {
        (Some(channel), Some(direction), Some(purpose), Some(result), Some(occurred_at)) => {
            Ok(ContactFields {
                guardian_id: chosen.guardian.map(|g| g.id),
                channel,
                direction,
                purpose,
                result,
                summary: None,
                follow_up_due: due,
                follow_up_owner: owner,
                is_restricted: restricted,
                occurred_at,
            })
        }
        _ => Err(vec![(0, "check the fields".into())]),
    }
}
