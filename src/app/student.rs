//! The student screen's state.

use crate::db::students::StudentDetail;
use uuid::Uuid;

use super::ReqId;

#[derive(Debug, Clone)]
pub struct StudentState {
    pub id: Uuid,
    /// Shown while loading, from the roster row that was opened.
    pub title: String,
    pub req: Option<ReqId>,
    /// Boxed: the activity list makes it the largest screen by far.
    pub detail: Option<Box<StudentDetail>>,
    pub error: Option<String>,
}
