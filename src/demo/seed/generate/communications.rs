//! Contacts with the family, some threaded as replies, some with a
//! follow-up due.

use super::{Chunk, Ctx, Guardian, Started};
use crate::demo::seed::reference::{at, new_uuid, pick, weighted};
use chrono::Duration;
use rand::Rng;
use uuid::Uuid;

const PURPOSES: &[&str] = &[
    "Intervention consent",
    "Progress update",
    "Attendance concern",
    "Schedule change",
    "Meeting request",
    "Behavior incident follow-up",
    "Celebrating progress",
    "Review meeting invitation",
];

const SUMMARIES: &[&str] = &[
    "Explained the reading group schedule; mom agreed and will sign the consent form.",
    "Shared the last 4 data points. Dad said he's noticed more reading at home.",
    "Left a voicemail asking for a call back about attendance.",
    "Parent asked, \"Can he stay in the group after winter break?\" — yes.",
    "Discussed the incident in the cafeteria. Agreed on a check-in plan.\nWill call again Friday.",
    "Sent the progress report and a link to the review meeting.",
    "Grandmother doesn't have email; will send a letter home instead.",
    "Used the district interpreter line (Somali). Family agreed to the plan.",
    "No answer; number may be out of date.",
];

pub(super) fn communications(
    c: &mut Ctx,
    student: Uuid,
    guardians: &[Guardian],
    interventions: &[Uuid],
    started: &[Started],
    out: &mut Chunk,
) {
    let n = c.rng.random_range(1..=4);
    let staff = started
        .first()
        .map(|s| s.owner)
        .or(c.counselor)
        .unwrap_or_else(|| c.teacher());
    let mut thread_root: Option<(Uuid, chrono::NaiveDateTime, &'static str)> = None;
    for k in 0..n {
        let id = new_uuid(&mut c.rng);
        let guardian =
            (!guardians.is_empty() && c.chance(0.92)).then(|| pick(&mut c.rng, guardians));
        let reply_to = thread_root.filter(|_| k > 0 && c.chance(0.4));
        let occurred = match reply_to {
            Some((_, t, _)) => {
                (t + Duration::hours(c.rng.random_range(2..72))).min(at(c.today, 7, 0))
            }
            // Half of the contacts are recent, so the follow-up queue has
            // items due this week as well as overdue ones.
            None => at(
                c.today
                    - if c.chance(0.5) {
                        c.days(1, 10)
                    } else {
                        c.days(11, 75)
                    },
                c.rng.random_range(13..23),
                c.rng.random_range(0..60),
            ),
        };
        let channel: &'static str = match (reply_to, guardian) {
            (Some((_, _, ch)), _) => ch,
            (None, Some(g)) => g.channel.unwrap_or("phone"),
            (None, None) => "in_person",
        };
        let channel = match (channel, guardian) {
            ("email", Some(g)) if !g.email => "letter",
            ("phone" | "sms", Some(g)) if !g.phone => "letter",
            _ => channel,
        };
        let direction = if reply_to.is_some() {
            "inbound"
        } else {
            weighted(&mut c.rng, &[("outbound", 8), ("inbound", 2)])
        };
        let result = match channel {
            "phone" => Some(weighted(
                &mut c.rng,
                &[("reached", 6), ("left_message", 3), ("unreachable", 1)],
            )),
            "in_person" | "video" => Some(weighted(&mut c.rng, &[("reached", 9), ("no_show", 1)])),
            "sms" | "email" => c.chance(0.6).then_some("reached"),
            _ => None,
        };
        let purpose = *pick(&mut c.rng, PURPOSES);
        let summary = c.chance(0.9).then(|| *pick(&mut c.rng, SUMMARIES));
        let (due, done) = if c.chance(0.45) {
            let due = occurred.date() + c.days(2, 14);
            let p_done = if due < c.today { 0.7 } else { 0.1 };
            let done = c.chance(p_done).then(|| {
                at(due - c.days(0, 2), 19, 0)
                    .max(occurred)
                    .min(at(c.today, 7, 0))
            });
            (Some(due), done)
        } else {
            (None, None)
        };
        let intervention =
            (!interventions.is_empty() && c.chance(0.7)).then(|| *pick(&mut c.rng, interventions));
        out.comms
            .uuid(id)
            .uuid(student)
            .opt_uuid(intervention)
            .opt_uuid(guardian.map(|g| g.id))
            .uuid(staff)
            .text(direction)
            .text(channel)
            .text(purpose)
            .ts(occurred)
            .opt_text(summary)
            .opt_text(result)
            .opt_date(due)
            .opt_uuid(due.map(|_| staff))
            .opt_ts(done)
            .opt_uuid(reply_to.map(|r| r.0))
            .bool(c.chance(0.02))
            .ts(occurred)
            .ts(done.unwrap_or(occurred))
            .end();
        if thread_root.is_none() {
            thread_root = Some((id, occurred, channel));
        }
    }
}
