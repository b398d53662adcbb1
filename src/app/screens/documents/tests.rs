//! Documents through update(): the Documents screen's pages and Enter, and
//! on the student's documents tab saving (folder, progress, a file that
//! exists, Esc), the link for the clipboard, attach, and delete with its
//! question.

use super::actions::Doing;
use super::{DocsState, PAGE_ROWS};
use crate::app::fixtures::{ctrl, key, only_load};
use crate::app::iv_tests::{at_home, signed_in};
use crate::app::screens::student::{StudentState, Tab};
use crate::app::test_prelude::*;
use crate::domain::document::{
    DocChange, DocCursor, DocPage, DocPageRequest, DocRow, DownloadJob, FileEvent, OnConflict,
};
use crate::domain::student::{DocumentLine, InterventionLine, Progress};
use chrono::{TimeZone, Utc};

const STUDENT: u128 = 5;
const DOC: u128 = 70;
const IV: u128 = 80;

pub(crate) fn row(n: u32) -> DocRow {
    DocRow {
        id: Uuid::from_u128(DOC + u128::from(n)),
        student_id: Uuid::from_u128(STUDENT),
        student_name: "Ana Lee".into(),
        filename: format!("consent-{n}.pdf"),
        title: None,
        category: Some("consent".into()),
        content_type: "application/pdf".into(),
        byte_size: 2048,
        uploaded_at: Utc
            .with_ymd_and_hms(2026, 11, 2, 9, 0, 0)
            .single()
            .expect("time")
            - chrono::Duration::hours(i64::from(n)),
        uploaded_by: Some("Dana Reyes".into()),
        is_restricted: false,
    }
}

fn docs_screen(s: &State) -> &DocsState {
    match s.top() {
        Screen::Documents(d) => d,
        other => panic!("top is {}", other.title()),
    }
}

fn student(s: &State) -> &StudentState {
    match s.top() {
        Screen::Student(x) => x,
        other => panic!("top is {}", other.title()),
    }
}

#[test]
fn the_menu_opens_the_newest_page_and_enter_opens_the_record_on_its_documents() {
    let (mut s, _) = signed_in(&["counselor"], &["documents"]);
    let fx = crate::app::screens::open(&mut s, "documents", "Documents".into());
    let (req, read) = only_load(&fx);
    assert_eq!(
        read,
        &Read::Documents {
            page: DocPageRequest::Newest,
            limit: PAGE_ROWS
        }
    );
    let page = DocPage {
        rows: vec![row(0), row(1)],
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
    assert_eq!(docs_screen(&s).rows().len(), 2);
    // Past the last row of a page with older rows: the next page.
    update(&mut s, key('j'));
    let fx = update(&mut s, key('j'));
    let (_, read) = only_load(&fx);
    assert_eq!(
        read,
        &Read::Documents {
            page: DocPageRequest::Older(DocCursor::from(&row(1))),
            limit: PAGE_ROWS
        }
    );
    let mut s2 = s.clone();
    let fx = update(&mut s2, key(KeyCode::Enter));
    assert!(
        fx.iter().any(|e| matches!(e, Effect::Load { read: Read::Student { id }, .. } if *id == Uuid::from_u128(STUDENT))),
        "{fx:?}"
    );
    assert_eq!(student(&s2).tab, Tab::Documents);
}

/// Ana Lee's record on its documents tab: two documents, one intervention.
pub(crate) fn on_documents() -> State {
    let mut s = at_home();
    s.screens.push(Screen::Student(StudentState::new(
        Uuid::from_u128(STUDENT),
        "Lee, Ana".into(),
    )));
    let top = s.screens.len() - 1;
    let fx = crate::app::nav::reload(&mut s, top);
    let (req, _) = only_load(&fx);
    let mut record = crate::app::fixtures::student_record(STUDENT);
    record.documents = (0..2)
        .map(|n| DocumentLine {
            id: Uuid::from_u128(DOC + n),
            filename: format!("consent-{n}.pdf"),
            title: None,
            category: None,
            content_type: "application/pdf".into(),
            byte_size: 2048,
            uploaded: "2026-11-02".into(),
            is_restricted: false,
        })
        .collect();
    record.interventions = vec![InterventionLine {
        id: Uuid::from_u128(IV),
        status: InterventionStatus::Active,
        tier: 2,
        name: "Reading club".into(),
        owner: None,
        start_date: None,
        planned_end_date: None,
        progress: Progress::NoGoals,
    }];
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::Student {
                detail: Some(Box::new(record)),
            },
        },
    );
    update(&mut s, key('5'));
    assert_eq!(student(&s).tab, Tab::Documents);
    s
}

fn download_req(fx: &[Effect]) -> (ReqId, DownloadJob) {
    match fx {
        [Effect::Download { req, job }] => (*req, job.clone()),
        other => panic!("{other:?}"),
    }
}

fn files(s: &mut State, req: ReqId, event: FileEvent) -> Vec<Effect> {
    update(s, Msg::Files { req, event })
}

fn message(s: &State) -> String {
    s.message
        .as_ref()
        .map(|(_, m)| m.clone())
        .unwrap_or_default()
}

#[test]
fn saving_asks_the_folder_shows_progress_and_never_overwrites_silently() {
    let mut s = on_documents();
    update(&mut s, key('j'));
    assert!(update(&mut s, key('s')).is_empty());
    for c in "/tmp/x".chars() {
        update(&mut s, key(c));
    }
    let (req, job) = download_req(&update(&mut s, key(KeyCode::Enter)));
    assert_eq!(
        job,
        DownloadJob {
            document_id: Uuid::from_u128(DOC + 1),
            folder: "/tmp/x".into(),
            on_conflict: OnConflict::Ask,
            open: false,
        }
    );
    files(
        &mut s,
        req,
        FileEvent::Progress {
            done: 1024,
            total: Some(2048),
            rate: 4096.0,
        },
    );
    let Doing::Moving(m) = &student(&s).docs.doing else {
        panic!("not moving")
    };
    assert_eq!((m.done, m.total), (1024, Some(2048)));
    // Keys other than Esc do nothing while it runs.
    assert!(update(&mut s, key('x')).is_empty());
    files(
        &mut s,
        req,
        FileEvent::Exists {
            path: "/tmp/x/consent-1.pdf".into(),
            suggestion: "consent-1 (1).pdf".into(),
        },
    );
    assert!(matches!(student(&s).docs.doing, Doing::Exists { .. }));
    // k keeps both: the same document again, saved under a free name.
    let (req, job) = download_req(&update(&mut s, key('k')));
    assert_eq!(job.on_conflict, OnConflict::KeepBoth);
    assert_eq!(job.folder, "/tmp/x", "the folder typed is kept");
    files(
        &mut s,
        req,
        FileEvent::Downloaded {
            path: "/tmp/x/consent-1 (1).pdf".into(),
            bytes: 2048,
            already_there: false,
            opened: None,
        },
    );
    assert!(student(&s).docs.is_idle());
    assert_eq!(
        message(&s),
        "saved /tmp/x/consent-1 (1).pdf (2.0 kB, sha256 checked)"
    );
}

#[test]
fn esc_during_a_download_cancels_it_and_says_nothing_was_saved() {
    let mut s = on_documents();
    // Enter saves too, into the download folder when nothing is typed.
    update(&mut s, key(KeyCode::Enter));
    let (req, job) = download_req(&update(&mut s, key(KeyCode::Enter)));
    assert_eq!(job.folder, "");
    assert_eq!(
        update(&mut s, key(KeyCode::Esc)),
        vec![Effect::CancelFiles { req }]
    );
    // A second Esc sends nothing more.
    assert!(update(&mut s, key(KeyCode::Esc)).is_empty());
    files(&mut s, req, FileEvent::Cancelled);
    assert!(student(&s).docs.is_idle());
    assert_eq!(message(&s), "download cancelled: nothing was saved");
}

#[test]
fn y_puts_the_link_on_the_clipboard_through_an_effect_and_says_its_expiry() {
    let mut s = on_documents();
    let fx = update(&mut s, key('y'));
    let (req, read) = only_load(&fx);
    assert_eq!(
        read,
        &Read::DocumentLink {
            id: Uuid::from_u128(DOC)
        }
    );
    let expires_at = Utc
        .with_ymd_and_hms(2026, 12, 3, 14, 5, 0)
        .single()
        .expect("time");
    let fx = update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::DocumentLink {
                url: "https://store/doc?sig".into(),
                expires_at,
                note: Some("inside tmux the link reaches your clipboard only with `set -g set-clipboard on`".into()),
            },
        },
    );
    assert_eq!(
        fx,
        vec![Effect::Clipboard {
            text: "https://store/doc?sig".into()
        }]
    );
    let m = message(&s);
    assert!(m.contains("valid until 14:05:00 UTC"), "{m}");
    assert!(m.contains("set-clipboard"), "{m}");
}

#[test]
fn attach_picks_an_intervention_and_delete_asks_first() {
    let mut s = on_documents();
    update(&mut s, key('a'));
    assert!(matches!(student(&s).docs.doing, Doing::Attach { .. }));
    let fx = update(&mut s, key(KeyCode::Enter));
    let change = DocChange::Attach {
        document: Uuid::from_u128(DOC),
        intervention: Uuid::from_u128(IV),
    };
    let req = match fx.as_slice() {
        [Effect::ChangeDocument { req, change: c }] if *c == change => *req,
        other => panic!("{other:?}"),
    };
    let fx = update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Document(Ok(true)),
        },
    );
    assert!(
        fx.iter().any(|e| matches!(
            e,
            Effect::Load {
                read: Read::Student { .. },
                ..
            }
        )),
        "the record loads again: {fx:?}"
    );
    assert_eq!(message(&s), "attached");

    // x asks; Enter (or n, Esc) keeps the document.
    update(&mut s, key('x'));
    assert!(matches!(student(&s).docs.doing, Doing::Confirm { .. }));
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    assert!(student(&s).docs.is_idle());
    update(&mut s, key('x'));
    let fx = update(&mut s, key('y'));
    let req = match fx.as_slice() {
        [
            Effect::ChangeDocument {
                req,
                change: DocChange::Delete { document },
            },
        ] if *document == Uuid::from_u128(DOC) => *req,
        other => panic!("{other:?}"),
    };
    // The database refuses a counselor who did not upload it: said in its words.
    update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Document(Err("only the person who uploaded it, a coordinator of the student's school or an admin may delete this document".into())),
        },
    );
    assert!(message(&s).starts_with("not done: only the person who uploaded it"));
    assert!(student(&s).docs.is_idle());
}

#[test]
fn the_folder_prompt_keeps_what_was_typed_and_esc_leaves_it() {
    let mut s = on_documents();
    update(&mut s, key('s'));
    for c in "~/inbox".chars() {
        update(&mut s, key(c));
    }
    update(&mut s, key(KeyCode::Backspace));
    assert_eq!(student(&s).docs.folder, "~/inbo");
    update(&mut s, key(KeyCode::Esc));
    assert!(student(&s).docs.is_idle());
    update(&mut s, key('s'));
    assert_eq!(student(&s).docs.folder, "~/inbo", "offered again");
    update(&mut s, key(ctrl('u')));
    assert_eq!(student(&s).docs.folder, "");
}
