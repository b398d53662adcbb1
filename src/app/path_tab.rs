//! Tab completion of a path typed into a form field, as a shell does it:
//! the worker lists the folder of what is typed (`Effect::ListFolder`) and
//! `storage::complete`, pure, decides what the text becomes. The upload
//! form (a file) and the import form (a folder or a .zip) both use it.

use crate::app::form::Form;
use crate::app::{Effect, ReqId};
use crate::domain::document::FileEvent;
use crate::storage::complete;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PathTab {
    /// A Tab's folder listing on its way.
    pub listing: Option<ReqId>,
    /// The names Tab found more than one of.
    pub candidates: Vec<String>,
    /// Tab completed the field to a whole name it accepts (a file; for the
    /// import a folder too): the next Tab moves on instead of completing.
    pub done: bool,
}

impl PathTab {
    /// Tab on the field: ask the worker to list the folder of `typed`.
    pub fn start(&mut self, req: ReqId, typed: &str) -> Vec<Effect> {
        self.listing = Some(req);
        vec![Effect::ListFolder {
            req,
            typed: typed.to_string(),
        }]
    }

    /// The field was typed into: what Tab found no longer applies.
    pub fn edited(&mut self) {
        self.candidates.clear();
        self.done = false;
    }

    /// The answer to this Tab's listing (`false`: not ours): field `field`
    /// of `form` completed, its cursor at the end, the notice saying when
    /// nothing matched. A folder counts as a whole name when `folders`.
    pub fn on_files(
        &mut self,
        req: ReqId,
        event: FileEvent,
        form: &mut Form,
        field: usize,
        folders: bool,
    ) -> bool {
        if self.listing != Some(req) {
            return false;
        }
        self.listing = None;
        match event {
            FileEvent::Listed { typed, entries } if typed == form.values[field] => {
                let c = complete::complete(&typed, &entries);
                if c.text == typed && c.candidates.is_empty() {
                    form.notice = Some(format!(
                        "no file name starts with what is typed in {}",
                        display_folder(&typed)
                    ));
                } else {
                    form.notice = None;
                }
                let (folder, name) = complete::split(&c.text);
                let folder_name = folder.trim_end_matches('/');
                let folder_name = complete::split(folder_name).1;
                self.done = c.candidates.is_empty()
                    && (entries.iter().any(|e| !e.is_dir && e.name == name)
                        || (folders
                            && name.is_empty()
                            && c.text != typed
                            && entries.iter().any(|e| e.is_dir && e.name == folder_name)));
                form.cursor = c.text.chars().count();
                form.values[field] = c.text;
                self.candidates = c.candidates;
            }
            FileEvent::Failed { why } => form.notice = Some(why),
            _ => {}
        }
        true
    }
}

fn display_folder(typed: &str) -> String {
    match complete::folder(typed) {
        "" => "the current folder".into(),
        f => f.to_string(),
    }
}
