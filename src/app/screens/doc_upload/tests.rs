//! The upload form through update(): opened with `u` on the documents tab,
//! the restricted flag only for those who may, Tab completion, the job it
//! sends, progress and Esc, a failure that keeps everything and `r`.

use super::{CATEGORY, FILE, RESTRICTED, TITLE, UploadState};
use crate::app::fixtures::{ctrl, key, only_load};
use crate::app::iv_tests::at_home;
use crate::app::screens::student::StudentState;
use crate::app::test_prelude::*;
use crate::domain::document::{Entry, FileEvent, UploadContext, UploadJob};

const STUDENT: u128 = 5;

fn upload(s: &State) -> &UploadState {
    match s.top() {
        Screen::DocUpload(u) => u,
        other => panic!("top is {}", other.title()),
    }
}

/// `u` on Ana Lee's documents tab, the form's context answered.
pub(crate) fn opened(may_restrict: bool) -> State {
    let mut s = at_home();
    let mut st = StudentState::new(Uuid::from_u128(STUDENT), "Lee, Ana".into());
    st.tab = crate::app::screens::student::Tab::Documents;
    st.detail
        .set(Box::new(crate::app::fixtures::student_record(STUDENT)));
    s.screens.push(Screen::Student(st));
    let fx = update(&mut s, key('u'));
    let (req, read) = only_load(&fx);
    assert_eq!(
        read,
        &Read::UploadContext {
            student_id: Uuid::from_u128(STUDENT)
        }
    );
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::UploadContext {
                context: Some(UploadContext {
                    student_name: "Lee, Ana".into(),
                    may_write: true,
                    may_restrict,
                }),
            },
        },
    );
    s
}

pub(crate) fn typed(s: &mut State, text: &str) {
    for c in text.chars() {
        update(s, key(c));
    }
}

fn files(s: &mut State, req: ReqId, event: FileEvent) -> Vec<Effect> {
    update(s, Msg::Files { req, event })
}

#[test]
fn the_restricted_flag_is_offered_only_to_those_who_may_restrict() {
    assert_eq!(upload(&opened(false)).form.specs.len(), 3);
    let s = opened(true);
    assert_eq!(upload(&s).form.specs.len(), 4);
    assert_eq!(upload(&s).form.specs[RESTRICTED].label, "Restricted");
}

#[test]
fn tab_completes_the_file_name_from_the_listed_folder() {
    let mut s = opened(false);
    typed(&mut s, "/tmp/up/con");
    let fx = update(&mut s, key(KeyCode::Tab));
    let req = match fx.as_slice() {
        [Effect::ListFolder { req, typed }] if typed == "/tmp/up/con" => *req,
        other => panic!("{other:?}"),
    };
    let entries = |names: &[&str]| {
        names
            .iter()
            .map(|n| Entry {
                name: n.to_string(),
                is_dir: false,
            })
            .collect::<Vec<_>>()
    };
    files(
        &mut s,
        req,
        FileEvent::Listed {
            typed: "/tmp/up/con".into(),
            entries: entries(&["consent-a.pdf", "consent-b.pdf", "notes.txt"]),
        },
    );
    assert_eq!(upload(&s).form.values[FILE], "/tmp/up/consent-");
    assert_eq!(
        upload(&s).tab.candidates,
        ["consent-a.pdf", "consent-b.pdf"]
    );
    typed(&mut s, "b");
    assert!(
        upload(&s).tab.candidates.is_empty(),
        "typing clears the list"
    );
    let fx = update(&mut s, key(KeyCode::Tab));
    let req = match fx.as_slice() {
        [Effect::ListFolder { req, .. }] => *req,
        other => panic!("{other:?}"),
    };
    files(
        &mut s,
        req,
        FileEvent::Listed {
            typed: "/tmp/up/consent-b".into(),
            entries: entries(&["consent-a.pdf", "consent-b.pdf"]),
        },
    );
    assert_eq!(upload(&s).form.values[FILE], "/tmp/up/consent-b.pdf");
    // The name is whole: the next Tab goes on to the title, as the footer
    // says, instead of completing again.
    let fx = update(&mut s, key(KeyCode::Tab));
    assert!(fx.is_empty(), "{fx:?}");
    assert_ne!(upload(&s).form.focus, FILE);
    update(&mut s, key(KeyCode::BackTab));
    assert_eq!(upload(&s).form.focus, FILE);
    // A listing for text that has changed since is dropped.
    typed(&mut s, "x");
    let fx = update(&mut s, key(KeyCode::Tab));
    let [Effect::ListFolder { req, .. }] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    typed(&mut s, "y");
    files(
        &mut s,
        *req,
        FileEvent::Listed {
            typed: "/tmp/up/consent-b.pdfx".into(),
            entries: entries(&["consent-b.pdfxz"]),
        },
    );
    assert_eq!(upload(&s).form.values[FILE], "/tmp/up/consent-b.pdfxy");
}

#[test]
fn an_empty_path_is_not_sent_and_a_filled_form_sends_its_job() {
    let mut s = opened(true);
    assert!(update(&mut s, key(ctrl('s'))).is_empty());
    assert!(upload(&s).form.shown_error(FILE).is_some());
    typed(&mut s, "~/consent.pdf");
    update(&mut s, key(KeyCode::Down));
    typed(&mut s, "Signed consent");
    update(&mut s, key(KeyCode::Down));
    update(&mut s, key(KeyCode::Right));
    update(&mut s, key(KeyCode::Down));
    update(&mut s, key(' '));
    assert_eq!(upload(&s).form.values[CATEGORY], "consent");
    assert_eq!(upload(&s).form.values[TITLE], "Signed consent");
    let fx = update(&mut s, key(ctrl('s')));
    let (req, job) = match fx.as_slice() {
        [Effect::Upload { req, job }] => (*req, job.clone()),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        job,
        UploadJob {
            student_id: Uuid::from_u128(STUDENT),
            intervention_id: None,
            path: "~/consent.pdf".into(),
            title: Some("Signed consent".into()),
            category: Some("consent".into()),
            restricted: true,
        }
    );
    files(
        &mut s,
        req,
        FileEvent::Progress {
            done: 10,
            total: Some(20),
            rate: 5.0,
        },
    );
    assert_eq!(upload(&s).sending.as_ref().map(|x| x.done), Some(10));
    // Typing does nothing while it is sent; Esc cancels once.
    assert!(update(&mut s, key('z')).is_empty());
    assert_eq!(
        update(&mut s, key(KeyCode::Esc)),
        vec![Effect::CancelFiles { req }]
    );
    files(&mut s, req, FileEvent::Cancelled);
    let u = upload(&s);
    assert!(u.sending.is_none());
    assert_eq!(
        u.form.values[FILE], "~/consent.pdf",
        "nothing typed is lost"
    );
    assert_eq!(
        u.form.notice.as_deref(),
        Some("upload cancelled: nothing was recorded")
    );
}

#[test]
fn a_failed_upload_keeps_the_form_and_r_tries_the_same_again() {
    let mut s = opened(false);
    typed(&mut s, "/tmp/big.pdf");
    let fx = update(&mut s, key(ctrl('s')));
    let [Effect::Upload { req, job }] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    let (req, job) = (*req, job.clone());
    files(
        &mut s,
        req,
        FileEvent::Failed {
            why: "cannot reach the document store (setting storage.endpoint): refused".into(),
        },
    );
    assert!(upload(&s).failed.is_some());
    let fx = update(&mut s, key('r'));
    let [
        Effect::Upload {
            req: again,
            job: same,
        },
    ] = fx.as_slice()
    else {
        panic!("{fx:?}")
    };
    assert_ne!(*again, req);
    assert_eq!(*same, job);
    files(
        &mut s,
        *again,
        FileEvent::Uploaded {
            document_id: Uuid::from_u128(9),
            filename: "big.pdf".into(),
            byte_size: 2048,
        },
    );
    // The form closes, the record (below it) loads again.
    assert!(matches!(s.top(), Screen::Student(_)));
    let (_, m) = s.message.clone().expect("message");
    assert_eq!(m, "uploaded big.pdf (2.0 kB, sha256 checked)");
}

/// `/tmp/a.pdf` typed, sent, and refused: no such file.
fn failed_on_a_missing_file() -> State {
    let mut s = opened(false);
    typed(&mut s, "/tmp/a.pdf");
    let fx = update(&mut s, key(ctrl('s')));
    let [Effect::Upload { req, .. }] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    let req = *req;
    files(
        &mut s,
        req,
        FileEvent::Failed {
            why: "no file at /tmp/a.pdf".into(),
        },
    );
    s
}

#[test]
fn after_a_failure_other_keys_go_back_to_editing() {
    let mut s = failed_on_a_missing_file();
    update(&mut s, key('e'));
    assert!(upload(&s).failed.is_none());
    update(&mut s, key(KeyCode::Backspace));
    assert_eq!(upload(&s).form.values[FILE], "/tmp/a.pd");
}

#[test]
fn esc_after_a_failure_asks_before_dropping_what_was_typed() {
    let mut s = failed_on_a_missing_file();
    update(&mut s, key(KeyCode::Esc));
    let u = upload(&s);
    assert!(u.form.confirm_discard, "Esc asks first: a path was typed");
    assert_eq!(u.form.values[FILE], "/tmp/a.pdf");
    update(&mut s, key('n'));
    assert_eq!(upload(&s).form.values[FILE], "/tmp/a.pdf", "n keeps it all");
}
