//! The Export screen and the roster's `E` through update(): the selected
//! export is asked of the worker once, with the byte-order-mark and period
//! chosen, and its answer is said on the status line.

use super::{ExportState, ExportWhat};
use crate::app::fixtures::key;
use crate::app::iv_tests::signed_in;
use crate::app::schools::tests::typed;
use crate::app::test_prelude::*;
use crate::domain::missed::Period;
use std::path::PathBuf;

fn export(s: &State) -> &ExportState {
    match s.top() {
        Screen::Export(e) => e,
        other => panic!("top is {}", other.title()),
    }
}

fn opened() -> State {
    let (mut s, _) = signed_in(&["counselor"], &["caseload", super::TARGET]);
    // The home under it may still be loading: that is cancelled.
    let fx = typed(&mut s, super::TARGET);
    assert!(
        fx.iter().all(|e| matches!(e, Effect::Cancel { .. })),
        "nothing to load: {fx:?}"
    );
    assert_eq!(s.top().title(), "Export (CSV)");
    s
}

fn asked(fx: &[Effect]) -> (ReqId, ExportWhat, bool) {
    let fx: Vec<&Effect> = fx
        .iter()
        .filter(|e| !matches!(e, Effect::Cancel { .. }))
        .collect();
    match fx[..] {
        [Effect::Export { req, what, bom }] => (*req, what.clone(), *bom),
        _ => panic!("expected one export, got {fx:?}"),
    }
}

fn written(rows: usize) -> crate::export::Written {
    crate::export::Written {
        files: vec![crate::export::File {
            path: PathBuf::from("/home/dana/Downloads/roster-2026-10-31.csv"),
            rows,
        }],
        students: rows,
    }
}

#[test]
fn enter_exports_the_selected_choice_once() {
    let mut s = opened();
    let (req, what, bom) = asked(&update(&mut s, key(KeyCode::Enter)));
    assert_eq!((what, bom), (ExportWhat::SavedRoster, false));
    // A second press while it is being written asks for nothing more.
    assert!(update(&mut s, key('E')).is_empty());
    update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Exported(Ok(written(12))),
        },
    );
    assert_eq!(export(&s).pending, None);
    assert_eq!(
        s.message.as_ref().map(|(_, m)| m.as_str()),
        Some("exported 12 students: /home/dana/Downloads/roster-2026-10-31.csv (12 rows)")
    );
}

#[test]
fn b_and_p_choose_the_bom_and_the_sessions_period() {
    let mut s = opened();
    update(&mut s, key('b'));
    update(&mut s, key('p'));
    update(&mut s, key('G'));
    let (_, what, bom) = asked(&update(&mut s, key('E')));
    assert_eq!(what, ExportWhat::Sessions(Period::LastMonth));
    assert!(bom);
    let mut s = opened();
    update(&mut s, key('j'));
    let (_, what, _) = asked(&update(&mut s, key(KeyCode::Enter)));
    assert_eq!(what, ExportWhat::Caseload);
}

#[test]
fn a_failed_export_says_why_and_can_be_tried_again() {
    let mut s = opened();
    let (req, ..) = asked(&update(&mut s, key('E')));
    update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Exported(Err("permission denied".into())),
        },
    );
    assert_eq!(
        s.message.as_ref().map(|(_, m)| m.as_str()),
        Some("export failed: permission denied")
    );
    assert_eq!(export(&s).last, Some(Err("permission denied".into())));
    asked(&update(&mut s, key('E')));
}

#[test]
fn e_on_the_roster_exports_the_roster_as_shown() {
    let (mut s, _) = signed_in(&["counselor"], &["roster"]);
    assert_eq!(s.top().title(), "Roster");
    // Search text the saved filters do not hold goes with it.
    update(&mut s, key('/'));
    for c in "ava".chars() {
        update(&mut s, key(c));
    }
    update(&mut s, key(KeyCode::Enter));
    let (req, what, bom) = asked(&update(&mut s, key('E')));
    let ExportWhat::Roster(q) = what else {
        panic!("{what:?}")
    };
    assert_eq!((q.search.as_str(), bom), ("ava", false));
    update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Exported(Ok(written(3))),
        },
    );
    assert!(
        s.message
            .as_ref()
            .is_some_and(|(_, m)| m.starts_with("exported 3 students")),
        "{:?}",
        s.message
    );
}
