//! One admin write at a time from the Tools screen and the menu editor:
//! sent with what to say when it lands, then the screen and the menus that
//! show the change load again.

use crate::app::request::Wrote;
use crate::app::screens::Screen;
use crate::app::screens::room::{Cx, Nav};
use crate::app::{Effect, ReqId};
use crate::domain::admin::AdminChange;

/// The write on its way and the words for when it is done.
pub type Writing = Option<(ReqId, String)>;

/// Sends `change`; `done` is said when the database took it.
pub fn send(writing: &mut Writing, cx: &mut Cx, change: AdminChange, done: String) -> Vec<Effect> {
    let req = cx.alloc();
    *writing = Some((req, done));
    vec![Effect::Admin { req, change }]
}

pub fn waits_for(writing: &Writing, req: ReqId) -> bool {
    writing.as_ref().is_some_and(|(r, _)| *r == req)
}

/// The answer to our write: said, then this screen and every screen
/// `shows_it` picks load again.
pub fn written(
    writing: &mut Writing,
    cx: &mut Cx,
    req: ReqId,
    wrote: Wrote,
    shows_it: fn(&Screen) -> bool,
) -> Vec<Effect> {
    let Wrote::Admin(result) = wrote else {
        return vec![];
    };
    let Some((_, done)) = writing.take_if(|(r, _)| *r == req) else {
        return vec![];
    };
    match result {
        Ok(()) => cx.info(done),
        Err(why) => cx.error(format!("not saved: {why}")),
    }
    cx.go(Nav::ReloadSelf);
    cx.go(Nav::Reload(shows_it));
    vec![]
}
