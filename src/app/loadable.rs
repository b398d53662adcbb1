//! What a screen shows while it loads: nothing asked yet, a request on its
//! way, the answer, or why it failed (r asks again). One shape for every
//! screen that loads, drawn by one widget (`ui::widgets::pending`).

use super::ReqId;

#[derive(Debug, Clone, Default, PartialEq)]
pub enum Loadable<T> {
    #[default]
    Idle,
    Loading(ReqId),
    Loaded(T),
    /// The database's words; the screen's retry key asks again.
    Failed(String),
}

impl<T> Loadable<T> {
    /// Asks again with `req`; the request it supersedes, to cancel.
    pub fn start(&mut self, req: ReqId) -> Option<ReqId> {
        let old = self.req();
        *self = Loadable::Loading(req);
        old
    }

    /// The request on its way, if any.
    pub fn req(&self) -> Option<ReqId> {
        match self {
            Loadable::Loading(r) => Some(*r),
            _ => None,
        }
    }

    pub fn waits_for(&self, req: ReqId) -> bool {
        self.req() == Some(req)
    }

    /// The answer to `req`; `false` (and nothing changes) when `req` is not
    /// the request waited for.
    pub fn arrive(&mut self, req: ReqId, value: T) -> bool {
        if !self.waits_for(req) {
            return false;
        }
        *self = Loadable::Loaded(value);
        true
    }

    /// `req` failed; `false` when it is not the request waited for.
    pub fn fail(&mut self, req: ReqId, why: impl Into<String>) -> bool {
        if !self.waits_for(req) {
            return false;
        }
        *self = Loadable::Failed(why.into());
        true
    }

    pub fn get(&self) -> Option<&T> {
        match self {
            Loadable::Loaded(v) => Some(v),
            _ => None,
        }
    }
}
