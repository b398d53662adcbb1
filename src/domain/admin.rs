//! A change an administrator makes to the catalogue (issue 17): a tool's
//! status or grants, the menu. One write effect carries them all
//! (`Effect::Admin`), answered with what the database said.

use crate::domain::enums::ToolStatus;
use crate::domain::menu_tree::MenuChange;
use crate::domain::programs::ProgramDefaults;
use crate::domain::school::SchoolWrite;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq)]
pub enum AdminChange {
    /// Tool `id` from `from` (as read) to `to`, with the review note.
    MoveTool {
        id: Uuid,
        from: ToolStatus,
        to: ToolStatus,
        note: Option<String>,
    },
    /// Grant tool `tool` to role `role`, or take it away.
    Grant {
        tool: Uuid,
        role: Uuid,
        grant: bool,
    },
    /// How far a granted role's use of the tool reaches (`GRANT_SCOPES`).
    GrantScope {
        tool: Uuid,
        role: Uuid,
        scope: &'static str,
    },
    /// A new tool: it starts as a draft (the database sees to that).
    NewTool {
        key: String,
        name: String,
        description: Option<String>,
    },
    /// A tool's name and description (its key is fixed once it leaves draft).
    EditTool {
        id: Uuid,
        name: String,
        description: Option<String>,
    },
    Menu(MenuChange),
    /// Add or change a school.
    School(SchoolWrite),
    /// Add a program or change its defaults.
    Program(ProgramDefaults),
    /// Replace a program's session fields (in order).
    ProgramFields {
        id: Uuid,
        fields: Vec<serde_json::Value>,
    },
}
