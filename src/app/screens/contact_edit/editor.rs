//! The form's state and what it does with values: defaults, the pickers
//! over loaded data, focus order (the summary between the result and the
//! follow-up), validation, drafts and the write.

use super::ContactFor;
use super::draft::{self, ContactDraft};
use super::fields::{self, Chosen, Slot};
use crate::app::form::{Form, flag_text};
use crate::domain::contact::{
    ContactContext, ContactFields, ContactWrite, GuardianChoice, Logged, SUMMARY_MAX, StoredContact,
};
use chrono::{Days, NaiveDate};
use ratatui::style::{Modifier, Style};
use ratatui_textarea::TextArea;
use std::borrow::Cow;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq)]
pub enum Stage {
    Editing,
    /// The chosen guardian is marked (do not contact, no educational
    /// rights): y goes on with `then`.
    AskGuardian {
        then: Then,
    },
    /// Sent; waiting for the database.
    Saving,
    /// Esc with changes: keep the draft, discard it, or go on editing.
    Leaving,
    /// Someone else saved this contact first (theirs).
    Conflict(Box<StoredContact>),
    /// A draft left from before, for this student or contact.
    OfferDraft(Box<ContactDraft>),
}

/// What a confirmed guardian lets happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Then {
    Move { forward: bool },
    Save,
}

/// A focus position: a one-line field (by slot index) or the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    Field(usize),
    Summary,
}

#[derive(Debug, Clone)]
pub struct Editor {
    /// The contact's id: chosen when the form opened for a new one, so a
    /// retried save finds the first; the draft's key too.
    pub id: Uuid,
    /// The version the edit started from; `None` for a new contact.
    pub base_version: Option<i32>,
    pub of: ContactFor,
    pub context: ContactContext,
    pub today: NaiveDate,
    pub slots: Vec<Slot>,
    pub form: Form,
    /// Index into `context.guardians`; `None`: no guardian.
    pub guardian: Option<usize>,
    /// The marked guardian the person said yes to.
    pub confirmed: Option<Uuid>,
    /// Index into `context.owners`.
    pub owner: Option<usize>,
    pub summary: TextArea<'static>,
    pub original_summary: String,
    /// The stored time as the When field showed it (an edit).
    pub original_when: Option<String>,
    pub at: At,
    /// The channel was chosen by hand: a new guardian does not change it.
    pub channel_chosen: bool,
    pub stage: Stage,
    /// Why the last key or save did not do what was asked.
    pub notice: Option<String>,
    /// The save in flight.
    pub saving: Option<crate::app::ReqId>,
    /// Whose record an edited contact is.
    pub logged: Option<Logged>,
}

impl Editor {
    fn build(
        id: Uuid,
        base_version: Option<i32>,
        of: ContactFor,
        context: ContactContext,
        today: NaiveDate,
    ) -> Editor {
        let slots = fields::slots(&context);
        let values = vec![String::new(); slots.len()];
        let form = Form::with_specs(Cow::Owned(fields::specs(&slots)), values);
        Editor {
            id,
            base_version,
            of,
            context,
            today,
            slots,
            form,
            guardian: None,
            confirmed: None,
            owner: None,
            summary: summary_area(""),
            original_summary: String::new(),
            original_when: None,
            at: At::Field(0),
            channel_chosen: false,
            stage: Stage::Editing,
            notice: None,
            saving: None,
            logged: None,
        }
    }

    /// A new contact: the first guardian one may simply call, their
    /// channel, outbound, no follow-up; the focus on the purpose.
    pub fn new_contact(
        id: Uuid,
        of: ContactFor,
        context: ContactContext,
        today: NaiveDate,
    ) -> Self {
        let mut e = Editor::build(id, None, of, context, today);
        e.guardian = fields::default_guardian(&e.context);
        e.set(Slot::Guardian, fields::guardian_words(e.chosen_guardian()));
        e.set(
            Slot::Channel,
            fields::default_channel(e.chosen_guardian()).as_str().into(),
        );
        e.set(Slot::Direction, "outbound".into());
        e.set(Slot::FollowUp, flag_text(false));
        e.set(Slot::Closes, flag_text(true));
        e.set(Slot::Restricted, flag_text(false));
        e.owner = e.my_owner_index();
        e.set(Slot::Owner, e.owner_words());
        e.form.original = e.form.values.clone();
        e.revalidate();
        e.focus(At::Field(e.index(Slot::Purpose).unwrap_or(0)));
        e
    }

    /// A logged contact, as the database has it now.
    pub fn edit(
        stored: &StoredContact,
        of: ContactFor,
        context: ContactContext,
        today: NaiveDate,
    ) -> Self {
        let mut e = Editor::build(stored.id, Some(stored.version), of, context, today);
        e.load_stored(stored);
        e.logged = Some(stored.logged.clone());
        e.form.original = e.form.values.clone();
        e.original_summary = e.summary_text();
        e.revalidate();
        e.focus(At::Field(0));
        e
    }

    /// Puts the stored values in the fields (an edit, or theirs after a
    /// conflict when editing again).
    pub fn load_stored(&mut self, s: &StoredContact) {
        let f = &s.fields;
        self.guardian = f
            .guardian_id
            .and_then(|id| self.context.guardians.iter().position(|g| g.id == id));
        // Chosen before: asking again would only get in the way.
        self.confirmed = f.guardian_id;
        self.set(
            Slot::Guardian,
            fields::guardian_words(self.chosen_guardian()),
        );
        self.set(Slot::Channel, f.channel.as_str().into());
        self.channel_chosen = true;
        self.set(Slot::Direction, f.direction.as_str().into());
        self.set(Slot::Purpose, f.purpose.clone());
        self.set(Slot::Result, f.result.map_or("", |r| r.as_str()).into());
        self.set(Slot::FollowUp, flag_text(f.follow_up_due.is_some()));
        self.set(
            Slot::Due,
            f.follow_up_due.map(|d| d.to_string()).unwrap_or_default(),
        );
        self.owner = f
            .follow_up_owner
            .and_then(|id| self.context.owners.iter().position(|p| p.id == id))
            .or_else(|| self.my_owner_index());
        self.set(Slot::Owner, self.owner_words());
        self.set(Slot::Restricted, flag_text(f.is_restricted));
        let when = s.occurred_at.format("%Y-%m-%d %H:%M").to_string();
        self.set(Slot::When, when.clone());
        self.original_when = Some(when);
        self.summary = summary_area(&clean(f.summary.as_deref().unwrap_or("")));
    }

    /// A draft from disk, as it was left, its messages showing.
    pub fn from_draft(d: &ContactDraft, context: ContactContext, today: NaiveDate) -> Editor {
        let mut e = Editor::build(d.id, d.base_version, d.of.clone(), context, today);
        for (i, slot) in e.slots.clone().into_iter().enumerate() {
            if let Some(v) = d.values.get(slot_name(slot)) {
                e.form.values[i] = v.clone();
            }
        }
        e.guardian = d
            .guardian_id
            .and_then(|id| e.context.guardians.iter().position(|g| g.id == id));
        e.set(Slot::Guardian, fields::guardian_words(e.chosen_guardian()));
        e.owner = d
            .owner_id
            .and_then(|id| e.context.owners.iter().position(|p| p.id == id));
        e.set(Slot::Owner, e.owner_words());
        e.channel_chosen = true;
        e.summary = summary_area(&clean(&d.summary));
        e.form.show_all = true;
        e.revalidate();
        e.focus(At::Summary);
        e
    }

    pub fn index(&self, slot: Slot) -> Option<usize> {
        self.slots.iter().position(|s| *s == slot)
    }

    pub fn value(&self, slot: Slot) -> &str {
        self.index(slot)
            .and_then(|i| self.form.values.get(i))
            .map_or("", String::as_str)
    }

    pub(super) fn set(&mut self, slot: Slot, v: String) {
        if let Some(i) = self.index(slot) {
            self.form.values[i] = v;
        }
    }

    pub fn chosen_guardian(&self) -> Option<&GuardianChoice> {
        self.context.guardians.get(self.guardian?)
    }

    fn my_owner_index(&self) -> Option<usize> {
        let me = self.context.me?;
        self.context.owners.iter().position(|p| p.id == me)
    }

    pub fn owner_words(&self) -> String {
        match self.owner.and_then(|i| self.context.owners.get(i)) {
            Some(p) if Some(p.id) == self.context.me => format!("{} (me)", p.name),
            Some(p) => p.name.clone(),
            None => "nobody chosen".into(),
        }
    }

    /// The open follow-up this new contact closes when saved, if it does.
    pub fn closes_parent(&self) -> Option<crate::domain::contact::OpenFollowUp> {
        let open = self.context.answers?;
        (self.base_version.is_none()
            && self.of.parent_id == Some(open.id)
            && self.value(Slot::Closes) == "yes")
            .then_some(open)
    }

    pub fn follow_up(&self) -> bool {
        self.value(Slot::FollowUp) == "yes"
    }

    pub fn slot(&self) -> Option<Slot> {
        match self.at {
            At::Field(i) => self.slots.get(i).copied(),
            At::Summary => None,
        }
    }

    /// The focus positions in order; the follow-up's due date and owner
    /// only while there is a follow-up.
    pub fn order(&self) -> Vec<At> {
        let mut v: Vec<At> = (0..fields::ABOVE_SUMMARY).map(At::Field).collect();
        v.push(At::Summary);
        let follow_up = self.follow_up();
        v.extend(
            (fields::ABOVE_SUMMARY..self.slots.len())
                .filter(|i| follow_up || !matches!(self.slots[*i], Slot::Due | Slot::Owner))
                .map(At::Field),
        );
        v
    }

    pub fn focus(&mut self, at: At) {
        if let At::Field(i) = self.at
            && let Some(t) = self.form.touched.get_mut(i)
        {
            *t = true;
        }
        self.at = at;
        if let At::Field(i) = at {
            self.form.focus_to(i);
        }
        self.summary.set_cursor_style(if at == At::Summary {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new()
        });
    }

    /// The next (or previous) position, round again at the ends.
    pub fn step(&mut self, forward: bool) {
        let order = self.order();
        let here = order.iter().position(|a| *a == self.at).unwrap_or(0);
        let n = order.len();
        let next = if forward { here + 1 } else { here + n - 1 } % n;
        self.focus(order[next]);
    }

    /// The chosen guardian needs a yes before moving on or saving.
    pub fn guardian_unconfirmed(&self) -> bool {
        self.chosen_guardian()
            .is_some_and(|g| g.caution().is_some() && self.confirmed != Some(g.id))
    }

    /// ←/→ on the guardian: no guardian, then each in priority order.
    pub fn cycle_guardian(&mut self, forward: bool) {
        let n = self.context.guardians.len() + 1;
        let at = self.guardian.map_or(0, |i| i + 1);
        let next = if forward { at + 1 } else { at + n - 1 } % n;
        self.guardian = next.checked_sub(1);
        self.set(
            Slot::Guardian,
            fields::guardian_words(self.chosen_guardian()),
        );
        if !self.channel_chosen {
            let ch = fields::default_channel(self.chosen_guardian());
            self.set(Slot::Channel, ch.as_str().into());
        }
    }

    pub fn cycle_owner(&mut self, forward: bool) {
        let n = self.context.owners.len();
        if n == 0 {
            self.notice =
                Some("nobody to choose: no active caseload user works with this student".into());
            return;
        }
        let next = match self.owner {
            None => 0,
            Some(i) if forward => (i + 1) % n,
            Some(i) => (i + n - 1) % n,
        };
        self.owner = Some(next);
        self.set(Slot::Owner, self.owner_words());
    }

    /// The next guardian (or owner) after the chosen one whose name starts
    /// with `c`; `false` when there is none.
    pub fn jump_to(&mut self, slot: Slot, c: char) -> bool {
        let names: Vec<&str> = match slot {
            Slot::Guardian => self
                .context
                .guardians
                .iter()
                .map(|g| g.name.as_str())
                .collect(),
            _ => self
                .context
                .owners
                .iter()
                .map(|p| p.name.as_str())
                .collect(),
        };
        let now = match slot {
            Slot::Guardian => self.guardian,
            _ => self.owner,
        };
        let n = names.len();
        let start = now.map_or(0, |i| i + 1);
        let lower: String = c.to_lowercase().collect();
        let Some(found) = (0..n)
            .map(|k| (start + k) % n)
            .find(|&i| names[i].to_lowercase().starts_with(&lower))
        else {
            return false;
        };
        match slot {
            Slot::Guardian => {
                // One step before it, then forward as → does (the channel
                // follows the guardian).
                self.guardian = found.checked_sub(1);
                self.cycle_guardian(true);
            }
            _ => {
                self.owner = Some(found);
                self.set(Slot::Owner, self.owner_words());
            }
        }
        true
    }

    /// ←/→ on the purpose: the common purposes in turn.
    pub fn cycle_purpose(&mut self, forward: bool) {
        let list = fields::PURPOSES;
        let now = self.value(Slot::Purpose).trim().to_string();
        let next = match list.iter().position(|p| *p == now) {
            None if forward => 0,
            None => list.len() - 1,
            Some(i) if forward => (i + 1) % list.len(),
            Some(i) => (i + list.len() - 1) % list.len(),
        };
        self.set(Slot::Purpose, list[next].into());
        if let Some(i) = self.index(Slot::Purpose) {
            self.form.cursor = self.form.values[i].chars().count();
        }
    }

    /// The follow-up was switched: on, it gets a due date (today plus the
    /// district's follow-up days) and an owner (me) where none was set.
    pub fn follow_up_changed(&mut self) {
        if !self.follow_up() {
            return;
        }
        if self.value(Slot::Due).trim().is_empty() {
            let due = self
                .today
                .checked_add_days(Days::new(self.context.follow_up_days.max(0) as u64))
                .unwrap_or(self.today);
            self.set(Slot::Due, due.to_string());
        }
        if self.owner.is_none() {
            self.owner = self.my_owner_index();
            self.set(Slot::Owner, self.owner_words());
        }
    }

    pub fn summary_text(&self) -> String {
        self.summary.lines().join("\n")
    }

    /// In characters, newlines included.
    pub fn summary_chars(&self) -> usize {
        let n: usize = self
            .summary
            .lines()
            .iter()
            .map(|l| l.chars().count() + 1)
            .sum();
        n.saturating_sub(1)
    }

    pub fn summary_error(&self) -> Option<String> {
        let n = self.summary_chars();
        (n > SUMMARY_MAX).then(|| {
            format!(
                "the summary has {} characters; a contact's summary holds at most {}",
                crate::app::session_edit::thousands(n),
                crate::app::session_edit::thousands(SUMMARY_MAX)
            )
        })
    }

    pub fn dirty(&self) -> bool {
        self.form.dirty() || self.summary_text() != self.original_summary
    }

    fn parsed(&self) -> Result<ContactFields, Vec<(usize, String)>> {
        let chosen = Chosen {
            guardian: self.chosen_guardian(),
            owner: self
                .owner
                .and_then(|i| self.context.owners.get(i))
                .map(|p| p.id),
        };
        fields::parse(
            &self.slots,
            &self.form.values,
            chosen,
            self.today,
            self.original_when.as_deref(),
        )
    }

    pub fn revalidate(&mut self) {
        self.form
            .set_errors(self.parsed().err().unwrap_or_default());
    }

    /// The write the values make, or why not (the messages are on the
    /// fields, or the summary's).
    pub fn write(&mut self) -> Result<ContactWrite, String> {
        self.form.show_all = true;
        self.revalidate();
        if let Some(e) = self.summary_error() {
            return Err(format!("not saved: {e}"));
        }
        let mut fields = match self.parsed() {
            Ok(f) => f,
            Err(errors) => {
                let first = errors.iter().map(|(i, _)| *i).min().unwrap_or(0);
                self.focus(At::Field(first));
                let n = errors.len();
                return Err(format!(
                    "not saved: {n} value{} to fix (shown under the field{})",
                    if n == 1 { "" } else { "s" },
                    if n == 1 { "" } else { "s" }
                ));
            }
        };
        let summary = self.summary_text();
        fields.summary = (!summary.trim().is_empty()).then_some(summary);
        Ok(match self.base_version {
            None => ContactWrite::Insert {
                id: self.id,
                student_id: self.of.student_id,
                intervention_id: self.of.intervention_id,
                parent_id: self.of.parent_id,
                closes_parent: self.closes_parent().is_some(),
                fields,
            },
            Some(version) => ContactWrite::Update {
                id: self.id,
                version,
                fields,
            },
        })
    }

    pub fn draft(&self) -> ContactDraft {
        ContactDraft {
            format: draft::FORMAT,
            id: self.id,
            base_version: self.base_version,
            of: self.of.clone(),
            values: self
                .slots
                .iter()
                .zip(&self.form.values)
                .map(|(s, v)| (slot_name(*s).to_string(), v.clone()))
                .collect(),
            guardian_id: self.chosen_guardian().map(|g| g.id),
            owner_id: self
                .owner
                .and_then(|i| self.context.owners.get(i))
                .map(|p| p.id),
            summary: self.summary_text(),
            day: self.today.to_string(),
        }
    }

    /// Someone else saved first; editing again puts my values on their
    /// version.
    pub fn edit_again(&mut self, theirs: &StoredContact) {
        let mine = self.form.values.clone();
        let (guardian, owner, summary) = (self.guardian, self.owner, self.summary_text());
        self.load_stored(theirs);
        self.logged = Some(theirs.logged.clone());
        self.form.original = self.form.values.clone();
        self.original_summary = self.summary_text();
        self.base_version = Some(theirs.version);
        self.form.values = mine;
        self.guardian = guardian;
        self.owner = owner;
        self.summary = summary_area(&summary);
        self.stage = Stage::Editing;
        self.notice = Some("editing again: your values, on their version; ctrl-s saves".into());
        self.revalidate();
    }

    /// "Nguyen, An · new contact" for the title line; an edit says whose
    /// record it is, so nobody edits a colleague's unknowingly.
    pub fn label(&self) -> String {
        let what = match (self.base_version, &self.logged) {
            // The title bar says it is an edit: the room goes to whose.
            (Some(_), Some(l)) => format!("logged {} {}", by(l.by.as_deref()), on(l.on)),
            (Some(_), None) => "editing a logged contact".into(),
            (None, _) if self.of.parent_id.is_some() => {
                "new contact, answering an earlier one".into()
            }
            (None, _) => "new contact".into(),
        };
        format!("{} · {what}", self.context.student_name)
    }

    /// "follow-up closed by Omar Hale on 2026-12-01" when an edited
    /// contact's follow-up is done.
    pub fn closed_label(&self) -> Option<String> {
        let l = self.logged.as_ref()?;
        let day = l.closed_on?;
        Some(format!(
            "follow-up closed {} {}",
            by(l.closed_by.as_deref()),
            on(Some(day))
        ))
    }
}

fn by(name: Option<&str>) -> String {
    name.map_or_else(|| "by someone not recorded".into(), |n| format!("by {n}"))
}

fn on(day: Option<NaiveDate>) -> String {
    day.map_or_else(String::new, |d| format!("on {d}"))
}

/// The draft's name for a field (stable across versions of the form).
pub fn slot_name(s: Slot) -> &'static str {
    match s {
        Slot::Guardian => "guardian",
        Slot::Channel => "channel",
        Slot::Direction => "direction",
        Slot::Purpose => "purpose",
        Slot::Result => "result",
        Slot::Closes => "closes",
        Slot::FollowUp => "follow_up",
        Slot::Due => "due",
        Slot::Owner => "owner",
        Slot::Restricted => "restricted",
        Slot::When => "when",
    }
}

fn clean(s: &str) -> Cow<'_, str> {
    crate::app::session_edit::slots::clean_note(s)
}

pub(super) fn summary_area(text: &str) -> TextArea<'static> {
    crate::app::session_edit::text_area(text, "What was said…")
}
