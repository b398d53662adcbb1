//! Documents on screen: the student's documents tab (saving, with its
//! progress bar), the upload form (its Tab candidates, then sending), the
//! Documents screen, at 80×24 and 120×40, with NO_COLOR, and a file name
//! carrying escape sequences.

use crate::app::doc_upload::tests as upload;
use crate::app::documents::tests as docs;
use crate::app::fixtures::{ctrl, key, only_load};
use crate::app::{Data, Effect, Msg, Read, Screen, State, update};
use crate::domain::document::{DocPage, Entry, FileEvent};
use crate::ui::iv_snapshots::{draw, no_colours, text};
use crossterm::event::KeyCode;

fn sized(mut s: State, width: u16, height: u16) -> State {
    update(&mut s, Msg::Resize { width, height });
    s
}

fn screen(s: &State, width: u16, height: u16) -> String {
    text(&draw(s, width, height, false))
}

/// The documents tab while the second document is being saved.
fn saving(width: u16, height: u16) -> State {
    let mut s = sized(docs::on_documents(), width, height);
    update(&mut s, key('j'));
    update(&mut s, key('s'));
    for c in "/srv/inbox".chars() {
        update(&mut s, key(c));
    }
    let fx = update(&mut s, key(KeyCode::Enter));
    let [Effect::Download { req, .. }] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    let event = FileEvent::Progress {
        done: 1_500_000,
        total: Some(4_000_000),
        rate: 2_500_000.0,
    };
    update(&mut s, Msg::Files { req: *req, event });
    s
}

#[test]
fn documents_tab_saving_80x24() {
    let shown = screen(&saving(80, 24), 80, 24);
    assert!(shown.contains("saving consent-1.pdf"), "{shown}");
    assert!(shown.contains("1.5 MB of 4.0 MB"), "{shown}");
    assert!(shown.contains("esc cancels"), "{shown}");
    insta::assert_snapshot!(shown);
}

#[test]
fn documents_tab_keys_120x40() {
    let s = sized(docs::on_documents(), 120, 40);
    let shown = screen(&s, 120, 40);
    assert!(shown.contains("consent-0.pdf"), "{shown}");
    assert!(
        shown.contains("u upload · s save · o open · y copy link · a attach · x delete"),
        "{shown}"
    );
    insta::assert_snapshot!(shown);
}

/// The upload form with a path typed and Tab's candidates listed.
fn upload_form(width: u16, height: u16) -> State {
    let mut s = sized(upload::opened(true), width, height);
    upload::typed(&mut s, "~/scans/con");
    let fx = update(&mut s, key(KeyCode::Tab));
    let [Effect::ListFolder { req, .. }] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    let entries = ["consent-2025.pdf", "consent-2026.pdf", "contract/"]
        .iter()
        .map(|n| Entry {
            name: n.trim_end_matches('/').into(),
            is_dir: n.ends_with('/'),
        })
        .collect();
    let event = FileEvent::Listed {
        typed: "~/scans/con".into(),
        entries,
    };
    update(&mut s, Msg::Files { req: *req, event });
    s
}

#[test]
fn upload_form_with_candidates_80x24() {
    let shown = screen(&upload_form(80, 24), 80, 24);
    assert!(shown.contains("~/scans/con"), "{shown}");
    assert!(shown.contains("3 names match"), "{shown}");
    assert!(shown.contains("Restricted"), "{shown}");
    insta::assert_snapshot!(shown);
}

#[test]
fn upload_form_sending_120x40_no_color() {
    let mut s = upload_form(120, 40);
    upload::typed(&mut s, "sent-2026.pdf");
    let fx = update(&mut s, key(ctrl('s')));
    let [Effect::Upload { req, .. }] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    let event = FileEvent::Progress {
        done: 12_000_000,
        total: Some(49_000_000),
        rate: 61_000_000.0,
    };
    update(&mut s, Msg::Files { req: *req, event });
    let t = draw(&s, 120, 40, true);
    assert!(no_colours(&t));
    let shown = text(&t);
    assert!(
        shown.contains("sent 12.0 MB of 49.0 MB · 61.0 MB/s · esc cancels"),
        "{shown}"
    );
    insta::assert_snapshot!(shown);
}

/// The Documents screen with three rows, the first with a hostile name.
fn documents_screen(width: u16, height: u16) -> State {
    let (s, _) = crate::app::iv_tests::signed_in(&["counselor"], &["documents"]);
    let mut s = sized(s, width, height);
    let fx = crate::app::screens::open(&mut s, "documents", "Documents".into());
    let (req, read) = only_load(&fx);
    assert!(matches!(read, Read::Documents { .. }));
    let mut rows: Vec<_> = (0..3).map(docs::row).collect();
    rows[0].filename = "scan\u{1b}[2J\u{202e}.pdf".into();
    rows[1].title = Some("Reading evaluation, fall".into());
    rows[2].is_restricted = true;
    let page = DocPage {
        rows,
        newer: false,
        older: true,
    };
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::Documents { page },
        },
    );
    assert!(matches!(s.top(), Screen::Documents(_)));
    s
}

#[test]
fn documents_screen_80x24() {
    let t = draw(&documents_screen(80, 24), 80, 24, true);
    assert!(no_colours(&t));
    let shown = text(&t);
    assert!(
        !shown.contains('\u{1b}') && !shown.contains('\u{202e}'),
        "{shown}"
    );
    assert!(shown.contains("older below ↓"), "{shown}");
    insta::assert_snapshot!(shown);
}

#[test]
fn documents_screen_120x40() {
    let shown = screen(&documents_screen(120, 40), 120, 40);
    assert!(shown.contains("Reading evaluation, fall"), "{shown}");
    assert!(shown.contains("restricted"), "{shown}");
    insta::assert_snapshot!(shown);
}
