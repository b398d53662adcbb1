//! What a person does to the selected document, wherever documents are
//! listed (the student's documents tab, an intervention's attachments tab,
//! the Documents screen): save it into a folder, open it, copy a link,
//! attach, detach, delete, upload a new one. One small state machine, so
//! the three lists behave alike; each list says which of these it offers.

use crate::app::confirm::{self, Answer};
use crate::app::keymap::{Action, Context};
use crate::app::picker::{Picker, PickerKey};
use crate::app::screens::Screen;
use crate::app::screens::doc_upload::UploadState;
use crate::app::screens::room::{Cx, Nav};
use crate::app::screens::shows_records;
use crate::app::{Data, Effect, Read, ReqId, Wrote};
use crate::domain::document::{DocChange, DownloadJob, FileEvent, OnConflict};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use uuid::Uuid;

/// Most characters of a typed folder.
const MAX_FOLDER: usize = 1024;

/// The document a key acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selected {
    pub id: Uuid,
    pub filename: String,
}

/// What a list offers besides saving, opening and copying a link.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Offer {
    /// Upload for this student (and attach to this intervention), with the
    /// name the form's title shows.
    pub upload: Option<(Uuid, Option<Uuid>, String)>,
    /// The interventions the document may be attached to: (id, name).
    pub attach_to: Vec<(Uuid, String)>,
    /// Detach from this intervention.
    pub detach_from: Option<Uuid>,
    pub delete: bool,
}

impl Offer {
    /// The document actions this list has, in hint order.
    pub fn actions(&self) -> Vec<Action> {
        let mut a = Vec::new();
        if self.upload.is_some() {
            a.push(Action::Upload);
        }
        a.extend([Action::Download, Action::OpenDocument, Action::CopyLink]);
        if !self.attach_to.is_empty() {
            a.push(Action::Attach);
        }
        if self.detach_from.is_some() {
            a.push(Action::Detach);
        }
        if self.delete {
            a.push(Action::DeleteDocument);
        }
        a
    }
}

/// A download on its way.
#[derive(Debug, Clone, PartialEq)]
pub struct Moving {
    pub req: ReqId,
    pub doc: Selected,
    pub done: u64,
    pub total: Option<u64>,
    /// Bytes a second.
    pub rate: f64,
    pub open: bool,
    /// Esc was pressed: waiting for the worker to say it stopped.
    pub cancelling: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub enum Doing {
    #[default]
    Idle,
    /// Typing the folder to save into (empty: the download folder).
    Folder {
        doc: Selected,
        open: bool,
    },
    Moving(Moving),
    /// The file exists with other bytes: keep both, replace or leave it.
    Exists {
        doc: Selected,
        path: String,
        suggestion: String,
        open: bool,
    },
    /// Asking before a detach or delete.
    Confirm {
        change: DocChange,
        question: String,
    },
    /// Choosing the intervention to attach to.
    Attach {
        doc: Selected,
        picker: Picker<(Uuid, String)>,
    },
    /// A change sent, its answer awaited.
    Changing {
        req: ReqId,
        change: DocChange,
    },
    /// A link asked for (`y`).
    Link {
        req: ReqId,
    },
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct DocActions {
    pub doing: Doing,
    /// The folder typed last, offered again.
    pub folder: String,
}

impl DocActions {
    pub fn is_idle(&self) -> bool {
        self.doing == Doing::Idle
    }

    pub fn waits_for(&self, req: ReqId) -> bool {
        self.req() == Some(req)
    }

    pub fn req(&self) -> Option<ReqId> {
        match &self.doing {
            Doing::Moving(m) => Some(m.req),
            Doing::Changing { req, .. } | Doing::Link { req } => Some(*req),
            _ => None,
        }
    }

    /// A key: taken while something is open (`Some`), else a document
    /// key of the list's `offer` on the `selected` document.
    pub fn on_key(
        &mut self,
        cx: &mut Cx,
        key: &KeyEvent,
        action: Option<Action>,
        offer: &Offer,
        selected: Option<Selected>,
    ) -> Option<Vec<Effect>> {
        if !self.is_idle() {
            return Some(self.modal_key(cx, key));
        }
        let mine = cx
            .keymap
            .action_in(key, |c| c == Context::Documents)
            .filter(|a| offer.actions().contains(a));
        let a = match (mine, action) {
            (Some(a), _) => a,
            (None, Some(Action::Open)) => Action::Download,
            _ => return None,
        };
        if let (Action::Upload, Some((student, iv, name))) = (a, &offer.upload) {
            cx.push(Screen::DocUpload(Box::new(UploadState::new(
                *student,
                *iv,
                name.clone(),
            ))));
            return Some(vec![]);
        }
        let Some(doc) = selected else {
            cx.info("no document selected");
            return Some(vec![]);
        };
        match a {
            Action::Download => self.doing = Doing::Folder { doc, open: false },
            Action::OpenDocument => return Some(self.download(cx, doc, OnConflict::Ask, true)),
            Action::CopyLink => {
                let req = cx.alloc();
                self.doing = Doing::Link { req };
                return Some(vec![Effect::Load {
                    req,
                    read: Read::DocumentLink { id: doc.id },
                }]);
            }
            Action::Attach => {
                let mut picker = Picker::loading(cx.alloc());
                picker.loaded(offer.attach_to.clone(), |_| false);
                self.doing = Doing::Attach { doc, picker };
            }
            Action::Detach => {
                if let Some(intervention) = offer.detach_from {
                    self.doing = Doing::Confirm {
                        change: DocChange::Detach {
                            document: doc.id,
                            intervention,
                        },
                        question: format!(
                            "detach {} from this intervention? (it stays on the student's record)",
                            doc.filename
                        ),
                    };
                }
            }
            Action::DeleteDocument => {
                self.doing = Doing::Confirm {
                    change: DocChange::Delete { document: doc.id },
                    question: format!(
                        "delete {}? it disappears for everyone at once",
                        doc.filename
                    ),
                }
            }
            _ => return None,
        }
        Some(vec![])
    }

    fn download(&mut self, cx: &mut Cx, doc: Selected, on: OnConflict, open: bool) -> Vec<Effect> {
        let req = cx.alloc();
        let job = DownloadJob {
            document_id: doc.id,
            // Opening saves into the download folder, whatever was typed.
            folder: if open {
                String::new()
            } else {
                self.folder.clone()
            },
            on_conflict: on,
            open,
        };
        self.doing = Doing::Moving(Moving {
            req,
            doc,
            done: 0,
            total: None,
            rate: 0.0,
            open,
            cancelling: false,
        });
        vec![Effect::Download { req, job }]
    }

    fn modal_key(&mut self, cx: &mut Cx, key: &KeyEvent) -> Vec<Effect> {
        let doing = std::mem::take(&mut self.doing);
        match doing {
            Doing::Idle => vec![],
            Doing::Folder { doc, open } => {
                let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
                match key.code {
                    KeyCode::Enter => return self.download(cx, doc, OnConflict::Ask, open),
                    KeyCode::Esc => return vec![],
                    KeyCode::Backspace => {
                        self.folder.pop();
                    }
                    KeyCode::Char('u') if ctrl => self.folder.clear(),
                    KeyCode::Char(c)
                        if !ctrl && !c.is_control() && self.folder.len() < MAX_FOLDER =>
                    {
                        self.folder.push(c)
                    }
                    _ => {}
                }
                self.doing = Doing::Folder { doc, open };
                vec![]
            }
            Doing::Moving(mut m) => {
                if key.code == KeyCode::Esc && !m.cancelling {
                    m.cancelling = true;
                    let req = m.req;
                    self.doing = Doing::Moving(m);
                    return vec![Effect::CancelFiles { req }];
                }
                self.doing = Doing::Moving(m);
                vec![]
            }
            Doing::Exists {
                doc,
                path,
                suggestion,
                open,
            } => match key.code {
                KeyCode::Char('k') => self.download(cx, doc, OnConflict::KeepBoth, open),
                KeyCode::Char('r') => self.download(cx, doc, OnConflict::Replace, open),
                KeyCode::Char('n') | KeyCode::Esc | KeyCode::Enter => {
                    cx.info("not saved: the file there is unchanged");
                    vec![]
                }
                _ => {
                    self.doing = Doing::Exists {
                        doc,
                        path,
                        suggestion,
                        open,
                    };
                    vec![]
                }
            },
            Doing::Confirm { change, question } => match confirm::answer(key) {
                Answer::Yes => self.send(cx, change),
                Answer::No => vec![],
                Answer::Unanswered => {
                    self.doing = Doing::Confirm { change, question };
                    vec![]
                }
            },
            Doing::Attach { doc, mut picker } => {
                match picker.key(key, cx.page().unsigned_abs(), |(_, name)| name.clone()) {
                    PickerKey::Picked((intervention, _)) => self.send(
                        cx,
                        DocChange::Attach {
                            document: doc.id,
                            intervention,
                        },
                    ),
                    PickerKey::Closed => vec![],
                    PickerKey::Handled => {
                        self.doing = Doing::Attach { doc, picker };
                        vec![]
                    }
                }
            }
            // Nothing to do but wait; Esc stops waiting for a link.
            d @ Doing::Changing { .. } => {
                self.doing = d;
                vec![]
            }
            Doing::Link { req } => {
                if key.code != KeyCode::Esc {
                    self.doing = Doing::Link { req };
                }
                vec![]
            }
        }
    }

    fn send(&mut self, cx: &mut Cx, change: DocChange) -> Vec<Effect> {
        let req = cx.alloc();
        self.doing = Doing::Changing { req, change };
        vec![Effect::ChangeDocument { req, change }]
    }

    pub fn on_files(&mut self, cx: &mut Cx, req: ReqId, event: FileEvent) -> Vec<Effect> {
        let Doing::Moving(m) = &mut self.doing else {
            return vec![];
        };
        if m.req != req {
            return vec![];
        }
        match event {
            FileEvent::Progress { done, total, rate } => {
                m.done = done;
                m.total = total;
                m.rate = rate;
                return vec![];
            }
            FileEvent::Downloaded {
                path,
                bytes,
                already_there,
                opened,
            } => {
                let size = crate::domain::document::human_size(bytes);
                let saved = if already_there {
                    format!("already saved: {path} ({size}, same sha256)")
                } else {
                    format!("saved {path} ({size}, sha256 checked)")
                };
                match opened {
                    Some(Err(why)) => cx.error(format!("{saved}; not opened: {why}")),
                    Some(Ok(())) => cx.info(format!("{saved}; opened")),
                    None => cx.info(saved),
                }
            }
            FileEvent::Exists { path, suggestion } => {
                let (doc, open) = (m.doc.clone(), m.open);
                self.doing = Doing::Exists {
                    doc,
                    path,
                    suggestion,
                    open,
                };
                return vec![];
            }
            FileEvent::Cancelled => cx.info("download cancelled: nothing was saved"),
            FileEvent::Failed { why } => cx.error(format!("not saved: {why}")),
            FileEvent::Uploaded { .. } | FileEvent::Listed { .. } => return vec![],
        }
        self.doing = Doing::Idle;
        vec![]
    }

    /// The link for `y`: onto the clipboard through the terminal.
    pub fn on_reply(&mut self, cx: &mut Cx, req: ReqId, data: Data) -> Vec<Effect> {
        let Data::DocumentLink {
            url,
            expires_at,
            note,
        } = data
        else {
            return vec![];
        };
        if self.doing != (Doing::Link { req }) {
            return vec![];
        }
        self.doing = Doing::Idle;
        let expiry = expires_at.format("%H:%M:%S UTC");
        match note {
            Some(n) => cx.error(format!(
                "link sent to your clipboard (OSC 52), valid until {expiry}; {n}"
            )),
            None => cx.info(format!(
                "link copied to your clipboard (OSC 52), valid until {expiry}"
            )),
        }
        vec![Effect::Clipboard { text: url }]
    }

    pub fn on_written(&mut self, cx: &mut Cx, req: ReqId, wrote: Wrote) {
        let Wrote::Document(result) = wrote else {
            return;
        };
        let Doing::Changing { req: r, change } = self.doing else {
            return;
        };
        if r != req {
            return;
        }
        self.doing = Doing::Idle;
        match result {
            Ok(true) => {
                cx.info(change.done());
                cx.go(Nav::Reload(shows_records));
            }
            Ok(false) => cx.info("it was attached there already"),
            Err(why) => cx.error(format!("not done: {why}")),
        }
    }

    /// A link that could not be had; `false`: said here.
    pub fn on_failed(&mut self, cx: &mut Cx, req: ReqId, why: &str) -> bool {
        if self.doing == (Doing::Link { req }) {
            self.doing = Doing::Idle;
            cx.error(format!("no link: {why}"));
            return false;
        }
        true
    }
}
