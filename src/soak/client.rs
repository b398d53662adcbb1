//! One headless person: their own `app::State` driven by `app::update`,
//! their own worker (pool, outbox and drafts folder) answering on a reply
//! channel exactly as in the terminal loop, signed in as their own login
//! role. Nothing is drawn: in a district each person's frames are drawn on
//! their own machine, and drawing a thousand here would measure this
//! process, not the server.

use super::people::{Kind, Person, Work};
use super::tally::Tally;
use crate::app::screens::contact_edit::{About, ContactFor};
use crate::app::session_edit::Editor;
use crate::app::session_edit::draft::SessionDraft;
use crate::app::session_edit::slots::{self, Slot};
use crate::app::{self, Conn, Data, Effect, Msg, Read, ReqId, Screen, State, Wrote};
use crate::domain::contact::{ContactFields, ContactWrite};
use crate::domain::enums::FieldType;
use crate::domain::kinds::{Channel, ContactDirection, ContactResult};
use crate::domain::outcome::Written;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use uuid::Uuid;

/// How long an action may wait for its answer before it counts as an
/// error: longer than the pool's own timeouts, so their message wins.
const ANSWER_LIMIT: Duration = Duration::from_secs(30);
/// A save is acknowledged when the outbox says the database confirmed it;
/// the outbox retries with backoff, so it may take longer than a read.
const ACK_LIMIT: Duration = Duration::from_secs(90);

/// A save the client was told is in the database.
#[derive(Debug, Clone)]
pub struct Ack {
    pub id: Uuid,
    /// The first line of the note or summary, unique to this save.
    pub marker: String,
}

pub struct Client {
    pub person: Person,
    pub index: usize,
    state: State,
    effects: UnboundedSender<Effect>,
    replies: UnboundedReceiver<Msg>,
    /// Request ids of the client's own loads and writes (not typed keys):
    /// far above the ids `State` hands out, so they never meet.
    next_req: u64,
    rng: ChaCha8Rng,
    run: String,
    saves: usize,
    /// Surnames a coordinator types (sampled as them at the start).
    pub names: Vec<String>,
    pub sessions: Vec<Ack>,
    pub contacts: Vec<Ack>,
    pub tally: Tally,
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn is_page(e: &Effect) -> bool {
    matches!(
        e,
        Effect::Load {
            read: Read::RosterPage { .. },
            ..
        }
    )
}

impl Client {
    pub fn new(
        person: Person,
        index: usize,
        run: &str,
        effects: UnboundedSender<Effect>,
        replies: UnboundedReceiver<Msg>,
    ) -> Client {
        Client {
            person,
            index,
            state: State::new(app::Options {
                connection_label: "soak".into(),
                ..Default::default()
            }),
            effects,
            replies,
            next_req: 1 << 48,
            rng: ChaCha8Rng::seed_from_u64(index as u64),
            run: run.to_string(),
            saves: 0,
            names: Vec::new(),
            sessions: Vec::new(),
            contacts: Vec::new(),
            tally: Tally::default(),
        }
    }

    fn req(&mut self) -> ReqId {
        self.next_req += 1;
        ReqId(self.next_req)
    }

    fn send(&self, effects: Vec<Effect>) {
        for e in effects {
            // The worker lives as long as the client.
            let _ = self.effects.send(e);
        }
    }

    fn apply(&mut self, msg: Msg) {
        let effects = app::update(&mut self.state, msg);
        self.send(effects);
    }

    /// Applies what has already arrived (counts, prefetches, outbox news),
    /// as the terminal loop does between keys.
    fn drain(&mut self) {
        while let Ok(msg) = self.replies.try_recv() {
            self.apply(msg);
        }
    }

    /// Applies every reply until `done` picks one (also applied), or the
    /// limit passes.
    async fn until(&mut self, limit: Duration, done: impl Fn(&Msg) -> bool) -> Result<Msg, String> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            match tokio::time::timeout_at(deadline, self.replies.recv()).await {
                Ok(Some(msg)) => {
                    let hit = done(&msg).then(|| msg.clone());
                    self.apply(msg);
                    if let Some(m) = hit {
                        return Ok(m);
                    }
                }
                Ok(None) => return Err("the worker stopped".into()),
                Err(_) => return Err(format!("no answer within {} s", limit.as_secs())),
            }
        }
    }

    /// Presses a key; when it asks for a roster page, waits for the page
    /// (or the failure) and returns the milliseconds.
    async fn roster_key(&mut self, k: KeyEvent) -> Option<Result<f64, String>> {
        let t = Instant::now();
        let effects = app::update(&mut self.state, Msg::Key(k));
        let asked = effects.iter().any(is_page);
        self.send(effects);
        if !asked {
            return None;
        }
        let got = self
            .until(ANSWER_LIMIT, |m| {
                matches!(
                    m,
                    Msg::Loaded {
                        data: Data::RosterPage { .. },
                        ..
                    } | Msg::QueryFailed { .. }
                )
            })
            .await;
        Some(match got {
            Ok(Msg::QueryFailed { reason, .. }) => Err(reason),
            Ok(_) => Ok(ms(t)),
            Err(e) => Err(e),
        })
    }

    async fn keys(&mut self, text: &str) {
        for c in text.chars() {
            self.apply(Msg::Key(key(KeyCode::Char(c))));
        }
        self.apply(Msg::Key(key(KeyCode::Enter)));
    }

    fn failed_connection(&self) -> Option<String> {
        match &self.state.conn {
            Conn::Failed { reason, .. } => Some(reason.clone()),
            _ => None,
        }
    }

    /// What the person sees while waiting: the connection's failure, else
    /// the status line's message.
    fn shown(&self) -> String {
        match (&self.state.conn, &self.state.message) {
            (Conn::Failed { reason, .. }, _) => reason.clone(),
            (_, Some((_, m))) => m.clone(),
            (Conn::Connecting { .. }, None) => "still connecting".into(),
            (Conn::Connected(_), None) => "connected, the first screen still loading".into(),
        }
    }

    /// [`Client::start`], a failure said as the person sees it.
    pub async fn sign_in(&mut self) -> Result<f64, String> {
        self.start()
            .await
            .map_err(|why| format!("{why}; on screen: {}", self.shown()))
    }

    /// Sign in to the first screen of data (the home; a coordinator then
    /// opens the roster with `:roster`, as a person would).
    async fn start(&mut self) -> Result<f64, String> {
        let t = Instant::now();
        self.apply(Msg::Resize {
            width: 120,
            height: 40,
        });
        self.apply(Msg::Start);
        let first = self
            .until(ANSWER_LIMIT, |m| {
                matches!(
                    m,
                    Msg::Loaded {
                        data: Data::Home { .. } | Data::RosterPage { .. },
                        ..
                    } | Msg::QueryFailed { .. }
                        | Msg::Connected { .. }
                )
            })
            .await?;
        if let Some(why) = self.failed_connection() {
            return Err(why);
        }
        if let Msg::QueryFailed { reason, .. } = first {
            return Err(reason);
        }
        if matches!(first, Msg::Connected { .. }) {
            // The first screen's load is on its way now.
            let next = self
                .until(ANSWER_LIMIT, |m| {
                    matches!(
                        m,
                        Msg::Loaded {
                            data: Data::Home { .. } | Data::RosterPage { .. },
                            ..
                        } | Msg::QueryFailed { .. }
                    )
                })
                .await?;
            if let Msg::QueryFailed { reason, .. } = next {
                return Err(reason);
            }
        }
        let took = ms(t);
        match self.person.kind {
            Kind::Counselor if !matches!(self.state.top(), Screen::Home(_)) => {
                Err("the caseload home did not open for this counselor".into())
            }
            Kind::Coordinator if !matches!(self.state.top(), Screen::Roster(_)) => {
                self.keys(":roster").await;
                let opened = self
                    .until(ANSWER_LIMIT, |m| {
                        matches!(
                            m,
                            Msg::Loaded {
                                data: Data::RosterPage { .. },
                                ..
                            } | Msg::QueryFailed { .. }
                        )
                    })
                    .await?;
                match opened {
                    Msg::QueryFailed { reason, .. } => Err(reason),
                    _ => Ok(took),
                }
            }
            _ => Ok(took),
        }
    }

    /// One action of the person's day, recorded in the tally.
    pub async fn act(&mut self) {
        self.drain();
        match self.person.kind {
            Kind::Counselor => match self.rng.random_range(0..10) {
                0..=2 => self.home().await,
                3..=6 => self.log_session().await,
                _ => self.log_contact().await,
            },
            Kind::Coordinator => {
                if self.rng.random_bool(0.6) {
                    self.search().await
                } else {
                    self.page().await
                }
            }
        }
    }

    /// `r` on the home: the whole home read again.
    async fn home(&mut self) {
        if !matches!(self.state.top(), Screen::Home(_)) {
            self.tally.error("home", "the home was not on top");
            return;
        }
        let t = Instant::now();
        self.apply(Msg::Key(key(KeyCode::Char('r'))));
        // The home comes in parts and a reload is shown once all are in.
        let got = loop {
            let part = self
                .until(ANSWER_LIMIT.saturating_sub(t.elapsed()), |m| {
                    matches!(
                        m,
                        Msg::Loaded {
                            data: Data::Home { .. },
                            ..
                        } | Msg::QueryFailed { .. }
                    )
                })
                .await;
            match (part, self.state.top()) {
                (Err(why), _) => break Err(why),
                (Ok(Msg::QueryFailed { reason, .. }), _) => break Err(reason),
                (Ok(_), Screen::Home(h)) if h.home.is_loading() => continue,
                (Ok(_), _) => break Ok(()),
            }
        };
        self.record("home (r)", got, t);
    }

    fn record(&mut self, action: &'static str, r: Result<(), String>, t: Instant) {
        match r {
            Ok(()) => self.tally.sample(action, ms(t)),
            Err(why) => self.tally.error(action, &why),
        }
    }

    fn work(&mut self) -> Option<Work> {
        let n = self.person.work.len();
        (n > 0).then(|| self.person.work[self.rng.random_range(0..n)].clone())
    }

    /// A note of realistic size: a few sentences to a few paragraphs, its
    /// first line unique to this save so the check afterwards can find it.
    fn note(&mut self, kind: &str) -> (String, String) {
        self.saves += 1;
        let marker = format!("soak {} {}-{}-{}", self.run, self.index, kind, self.saves);
        let sentences = self.rng.random_range(3..=24);
        let mut text = marker.clone();
        text.push('\n');
        for i in 0..sentences {
            text.push_str(SENTENCES[(i + self.saves) % SENTENCES.len()]);
            text.push(if i % 5 == 4 { '\n' } else { ' ' });
        }
        (marker, text.trim_end().to_string())
    }

    /// Opens the session editor on one of their interventions (its context
    /// read), writes a note and saves with the editor's own checks, through
    /// the outbox; timed to the database's confirmation.
    async fn log_session(&mut self) {
        let Some(w) = self.work() else {
            self.tally
                .error("session: open editor", "no open intervention");
            return;
        };
        let t = Instant::now();
        let req = self.req();
        self.send(vec![Effect::Load {
            req,
            read: Read::SessionContext {
                intervention_id: w.intervention_id,
                session_id: None,
            },
        }]);
        let got = self.answer(req).await;
        let (context, today) = match got {
            Ok(Msg::Loaded {
                data:
                    Data::SessionContext {
                        loaded: Some(b),
                        today,
                        ..
                    },
                ..
            }) => {
                let (context, _) = *b;
                (context, today)
            }
            Ok(Msg::Loaded { .. }) => {
                return self
                    .tally
                    .error("session: open editor", "the intervention is gone");
            }
            Ok(Msg::QueryFailed { reason, .. }) | Err(reason) => {
                return self.tally.error("session: open editor", &reason);
            }
            Ok(_) => return,
        };
        self.tally.sample("session: open editor", ms(t));
        if !context.may_write {
            return self.tally.error(
                "session: save",
                "may not log sessions for this intervention",
            );
        }
        let id = Uuid::new_v4();
        let mut draft = Editor::new_session(id, context, today).draft();
        let (marker, note) = self.note("s");
        draft.note = note;
        fill_required(&mut draft);
        let mut editor = Editor::from_draft(draft);
        let write = match editor.write() {
            Ok(w) => w,
            Err(why) => return self.tally.error("session: save", &why),
        };
        let t = Instant::now();
        self.send(vec![Effect::SubmitSession {
            write: Box::new(write),
            label: editor.label(),
            draft: Box::new(editor.draft()),
        }]);
        let got = self
            .until(ACK_LIMIT, |m| match m {
                Msg::SessionSaved { id: i, .. }
                | Msg::SessionConflict { id: i, .. }
                | Msg::SessionRefused { id: i, .. }
                | Msg::SubmitFailed { id: i, .. } => *i == id,
                _ => false,
            })
            .await;
        match got {
            Ok(Msg::SessionSaved { .. }) => {
                self.tally.sample("session: save -> acknowledged", ms(t));
                self.sessions.push(Ack { id, marker });
            }
            Ok(Msg::SessionRefused { why, .. } | Msg::SubmitFailed { why, .. }) => {
                self.tally.error("session: save", &why)
            }
            Ok(_) => self
                .tally
                .error("session: save", "conflict on a new session"),
            Err(why) => self.tally.error("session: save", &why),
        }
    }

    /// Opens the contact form for one of their students (guardians and
    /// follow-up owners read), logs a phone call with a summary.
    async fn log_contact(&mut self) {
        let Some(w) = self.work() else {
            self.tally
                .error("contact: open form", "no open intervention");
            return;
        };
        let t = Instant::now();
        let req = self.req();
        self.send(vec![Effect::Load {
            req,
            read: Read::ContactForm {
                about: About::New(ContactFor {
                    student_id: w.student_id,
                    student_name: w.student_name.clone(),
                    intervention_id: Some(w.intervention_id),
                    parent_id: None,
                }),
            },
        }]);
        let context = match self.answer(req).await {
            Ok(Msg::Loaded {
                data: Data::ContactForm {
                    loaded: Some(b), ..
                },
                ..
            }) => {
                let (context, _) = *b;
                context
            }
            Ok(Msg::Loaded { .. }) => {
                return self
                    .tally
                    .error("contact: open form", "the student is gone");
            }
            Ok(Msg::QueryFailed { reason, .. }) | Err(reason) => {
                return self.tally.error("contact: open form", &reason);
            }
            Ok(_) => return,
        };
        self.tally.sample("contact: open form", ms(t));
        if !context.may_write {
            return self
                .tally
                .error("contact: save", "may not log contacts for this student");
        }
        let guardian = context
            .guardians
            .iter()
            .find(|g| g.receives_communications)
            .map(|g| g.id);
        let (marker, summary) = self.note("c");
        let summary: String = summary
            .chars()
            .take(crate::domain::contact::SUMMARY_MAX)
            .collect();
        let id = Uuid::new_v4();
        let write = ContactWrite::Insert {
            id,
            student_id: w.student_id,
            intervention_id: Some(w.intervention_id),
            parent_id: None,
            closes_parent: false,
            fields: ContactFields {
                guardian_id: guardian,
                channel: Channel::Phone,
                direction: ContactDirection::Outbound,
                purpose: "Check-in about the plan and attendance".into(),
                result: Some(ContactResult::Reached),
                summary: Some(summary),
                follow_up_due: None,
                follow_up_owner: None,
                is_restricted: false,
                occurred_at: None,
            },
        };
        let req = self.req();
        let t = Instant::now();
        self.send(vec![Effect::WriteContact { req, write }]);
        match self.answer(req).await {
            Ok(Msg::Written {
                wrote: Wrote::Contact(Written::Saved(_)),
                ..
            }) => {
                self.tally.sample("contact: save -> acknowledged", ms(t));
                self.contacts.push(Ack { id, marker });
            }
            Ok(Msg::Written {
                wrote: Wrote::Contact(Written::Refused(why) | Written::Failed(why)),
                ..
            }) => self.tally.error("contact: save", &why),
            Ok(_) => self
                .tally
                .error("contact: save", "conflict or gone on a new contact"),
            Err(why) => self.tally.error("contact: save", &why),
        }
    }

    /// The answer to one of the client's own requests.
    async fn answer(&mut self, req: ReqId) -> Result<Msg, String> {
        self.until(ANSWER_LIMIT, |m| match m {
            Msg::Loaded { req: r, .. }
            | Msg::QueryFailed { req: r, .. }
            | Msg::Written { req: r, .. } => *r == req,
            _ => false,
        })
        .await
    }

    /// `/`, one to six letters of a surname typed at typing speed (each
    /// keystroke timed to its page), Ctrl-U, Esc.
    async fn search(&mut self) {
        if self.names.is_empty() || !matches!(self.state.top(), Screen::Roster(_)) {
            self.tally
                .error("roster search keystroke", "no roster or no names");
            return;
        }
        let name = self.names[self.rng.random_range(0..self.names.len())].clone();
        let typed = self.rng.random_range(1..=6);
        self.apply(Msg::Key(key(KeyCode::Char('/'))));
        for c in name.chars().take(typed) {
            tokio::time::sleep(Duration::from_millis(self.rng.random_range(120..300))).await;
            self.drain();
            if let Some(r) = self.roster_key(key(KeyCode::Char(c))).await {
                self.tally.result("roster search keystroke", r);
            }
        }
        let clear = KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL);
        if let Some(r) = self.roster_key(clear).await {
            self.tally.result("roster search keystroke", r);
        }
        self.apply(Msg::Key(key(KeyCode::Esc)));
    }

    /// PgDn a few times, reading each page, then Home.
    async fn page(&mut self) {
        if !matches!(self.state.top(), Screen::Roster(_)) {
            self.tally.error("roster page (PgDn)", "no roster");
            return;
        }
        for _ in 0..self.rng.random_range(1..=5) {
            if let Some(r) = self.roster_key(key(KeyCode::PageDown)).await {
                self.tally.result("roster page (PgDn)", r);
            }
            tokio::time::sleep(Duration::from_millis(self.rng.random_range(300..1500))).await;
            self.drain();
        }
        if let Some(r) = self.roster_key(key(KeyCode::Home)).await {
            self.tally.result("roster page (PgDn)", r);
        }
    }

    /// Think time: uniform between half and one and a half of `mean`.
    pub fn think(&mut self, mean: Duration) -> Duration {
        mean.mul_f64(self.rng.random_range(0.5..1.5))
    }

    /// Waits (up to `limit`) for replies still on their way, applying them.
    pub async fn settle(&mut self, limit: Duration) {
        let _ = self.until(limit, |_| false).await;
    }
}

/// What a person types into the program's required session fields the
/// editor left empty (nothing carried over from a last session): the first
/// choice, the least number, today.
fn fill_required(draft: &mut SessionDraft) {
    let slots = slots::slots(&draft.context);
    for (i, slot) in slots.iter().enumerate() {
        let Slot::Field(f) = slot else { continue };
        let Some(def) = draft.context.fields.get(*f) else {
            continue;
        };
        if !def.required || draft.values.get(i).is_none_or(|v| !v.trim().is_empty()) {
            continue;
        }
        let typed =
            slots::cycle(&draft.context, *slot, "", true).unwrap_or_else(|| match def.field_type {
                FieldType::Number => def.min.unwrap_or(1.0).to_string(),
                FieldType::MultiSelect => def.options.first().cloned().unwrap_or_default(),
                FieldType::Date => draft.today.format("%Y-%m-%d").to_string(),
                FieldType::Time => "10:00".into(),
                _ => "Worked on the plan's skills".into(),
            });
        draft.values[i] = typed;
    }
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

const SENTENCES: &[&str] = &[
    "Met in the counseling office during second period.",
    "Student arrived on time and was ready to work.",
    "We reviewed the goals from last week and the check-in card.",
    "Attendance has improved since the plan started; two tardies this week.",
    "Talked through what happened at lunch on Tuesday and other ways to respond next time.",
    "Practised the breathing routine twice; student said it helps before tests.",
    "Teacher reports fewer outbursts in math and more work handed in.",
    "Student wants to try the reading group again after the break.",
    "Will follow up with the family about the sleep schedule.",
    "Agreed on one small goal for the week: ask for help once per class.",
    "Progress monitoring probe given: words correct per minute recorded in the goal.",
    "Reviewed the behavior chart with the student; mostly green days.",
];
