//! The home's load, in parts (`domain::home_parts`): the requests of the
//! load on its way, the parts of it that are in, and the parts on screen.
//!
//! The first load is shown as it comes: once its open part (the top of the
//! screen) is in, every part is shown as it arrives, the others saying they
//! are loading and the totals that they are being counted. A reload (`r`,
//! a live change) is not: the home on screen stays whole until every part
//! of the new one is in, and is then replaced at once, so a new list is
//! never shown beside an old total.

use crate::app::ReqId;
use crate::domain::caseload::CaseloadHome;
use crate::domain::home_parts::{HomePart, HomeParts, HomeQuery};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct HomeLoad {
    shown: HomeParts,
    /// `shown` composed, for drawing.
    home: Option<Box<CaseloadHome>>,
    coming: Option<Coming>,
    error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
struct Coming {
    /// The requests waited for, with the part each asks for.
    asked: Vec<(ReqId, HomeQuery)>,
    parts: HomeParts,
}

/// What an arriving part did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrived {
    /// What is on screen changed.
    pub shown: bool,
    /// The parts to ask for now (`HomeQuery::after` the open part).
    pub ask: Vec<HomeQuery>,
}

impl HomeLoad {
    /// A new load with these requests; any load before it is forgotten (the
    /// stack has cancelled its requests).
    pub fn start(&mut self, asked: Vec<(ReqId, HomeQuery)>) {
        self.error = None;
        self.coming = Some(Coming {
            asked,
            parts: HomeParts::default(),
        });
    }

    /// One more request of the load on its way (`Arrived::ask`).
    pub fn ask(&mut self, req: ReqId, part: HomeQuery) {
        if let Some(c) = self.coming.as_mut() {
            c.asked.push((req, part));
        }
    }

    pub fn in_flight(&self) -> Vec<ReqId> {
        self.coming
            .iter()
            .flat_map(|c| c.asked.iter().map(|(r, _)| *r))
            .collect()
    }

    pub fn is_loading(&self) -> bool {
        self.coming.as_ref().is_some_and(|c| !c.asked.is_empty())
    }

    /// The home on screen, `None` before the first load's open part.
    pub fn get(&self) -> Option<&CaseloadHome> {
        self.home.as_deref()
    }

    /// Why the last load failed, until the next starts.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The part on screen has arrived (its sections are whole).
    pub fn has(&self, part: HomeQuery) -> bool {
        self.shown.has(part)
    }

    /// A list on screen was cut and its totals are not in yet.
    pub fn counting(&self) -> bool {
        self.shown.counting()
    }

    /// `part`, the answer to `req`; `None` (and nothing changes) when `req`
    /// is not a request of the load on its way, or asked for another part.
    pub fn arrive(&mut self, req: ReqId, part: HomePart) -> Option<Arrived> {
        let coming = self.coming.as_mut()?;
        let at = coming
            .asked
            .iter()
            .position(|&(r, q)| r == req && q == part.answers())?;
        coming.asked.remove(at);
        let ask = match &part {
            HomePart::Open(open) => HomeQuery::after(open),
            _ => vec![],
        };
        coming.parts.put(part);
        let complete = coming.parts.complete();
        let first = !self.shown.complete() && coming.parts.open.is_some();
        if !complete && !first {
            return Some(Arrived { shown: false, ask });
        }
        self.shown = match complete {
            true => self.coming.take().map(|c| c.parts).unwrap_or_default(),
            false => coming.parts.clone(),
        };
        self.home = self.shown.compose().map(Box::new);
        Some(Arrived { shown: true, ask })
    }

    /// `req` failed; `false` when it is not a request of the load on its
    /// way. That load is given up (its other answers are dropped); what is
    /// on screen stays.
    pub fn fail(&mut self, req: ReqId, why: &str) -> bool {
        let waited = self
            .coming
            .as_ref()
            .is_some_and(|c| c.asked.iter().any(|&(r, _)| r == req));
        if waited {
            self.coming = None;
            self.error = Some(why.to_string());
        }
        waited
    }
}
