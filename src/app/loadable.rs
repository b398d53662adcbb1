//! What a screen loads: the value it shows (kept while it reloads, so the
//! screen does not blank), the request on its way, and why the last one
//! failed (r asks again). One shape for every screen that loads; drawn
//! before the first value by one widget (`ui::widgets::pending`).

use super::ReqId;

#[derive(Debug, Clone, PartialEq)]
pub struct Loadable<T> {
    value: Option<T>,
    req: Option<ReqId>,
    error: Option<String>,
}

impl<T> Default for Loadable<T> {
    fn default() -> Self {
        Loadable {
            value: None,
            req: None,
            error: None,
        }
    }
}

impl<T> Loadable<T> {
    /// Asks again with `req`, keeping the value on screen; the request it
    /// supersedes, to cancel.
    pub fn start(&mut self, req: ReqId) -> Option<ReqId> {
        self.error = None;
        self.req.replace(req)
    }

    /// The request on its way, if any.
    pub fn req(&self) -> Option<ReqId> {
        self.req
    }

    pub fn waits_for(&self, req: ReqId) -> bool {
        self.req == Some(req)
    }

    /// The answer to `req`; `false` (and nothing changes) when `req` is not
    /// the request waited for.
    pub fn arrive(&mut self, req: ReqId, value: T) -> bool {
        if !self.waits_for(req) {
            return false;
        }
        self.req = None;
        self.value = Some(value);
        true
    }

    /// `req` failed; `false` when it is not the request waited for. The
    /// value shown before stays.
    pub fn fail(&mut self, req: ReqId, why: impl Into<String>) -> bool {
        if !self.waits_for(req) {
            return false;
        }
        self.req = None;
        self.error = Some(why.into());
        true
    }

    /// Forgets the request without an answer (it was cancelled).
    pub fn stop(&mut self) {
        self.req = None;
    }

    pub fn get(&self) -> Option<&T> {
        self.value.as_ref()
    }

    pub fn get_mut(&mut self) -> Option<&mut T> {
        self.value.as_mut()
    }

    /// Replaces the value shown, outside a load (an edit saved in place).
    pub fn set(&mut self, value: T) {
        self.value = Some(value);
    }

    /// Why the last request failed, until the next one starts.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    pub fn is_loading(&self) -> bool {
        self.req.is_some()
    }

    /// Nothing to show yet: the screen draws `pending` instead.
    pub fn pending(&self) -> Option<Pending<'_>> {
        match (&self.value, &self.error) {
            (Some(_), _) => None,
            (None, Some(why)) => Some(Pending::Failed(why)),
            (None, None) => Some(Pending::Loading),
        }
    }
}

/// Reads as the value it shows, so code that only looks (`as_ref`,
/// `is_some`) need not know that it loads.
impl<T> std::ops::Deref for Loadable<T> {
    type Target = Option<T>;

    fn deref(&self) -> &Option<T> {
        &self.value
    }
}

/// Before the first value: still loading, or why not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pending<'a> {
    Loading,
    Failed(&'a str),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reload_keeps_the_value_and_a_failed_one_says_why_beside_it() {
        let mut l = Loadable::default();
        assert_eq!(l.pending(), Some(Pending::Loading));
        l.start(ReqId(1));
        assert!(l.arrive(ReqId(1), 7));
        assert_eq!(l.start(ReqId(2)), None);
        assert_eq!(l.get(), Some(&7), "the old value stays while reloading");
        assert_eq!(
            l.start(ReqId(3)),
            Some(ReqId(2)),
            "the superseded request, to cancel"
        );
        assert!(!l.arrive(ReqId(2), 8), "a superseded answer is dropped");
        assert!(l.fail(ReqId(3), "gone"));
        assert_eq!((l.get(), l.error()), (Some(&7), Some("gone")));
        assert_eq!(l.pending(), None);
    }

    #[test]
    fn a_first_load_that_fails_is_pending_with_the_reason() {
        let mut l: Loadable<u8> = Loadable::default();
        l.start(ReqId(1));
        assert!(l.fail(ReqId(1), "no route"));
        assert_eq!(l.pending(), Some(Pending::Failed("no route")));
        l.start(ReqId(2));
        assert_eq!(
            l.pending(),
            Some(Pending::Loading),
            "retrying clears the old reason"
        );
    }
}
