//! The menu as data, and whether a tool asked for by name may be opened.

use crate::domain::enums::NavigationType;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NavItem {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub label: String,
    pub nav_type: NavigationType,
    pub target: Option<String>,
    pub hotkey: Option<String>,
    pub sort_order: i32,
}

/// Whether the current user may open a tool asked for by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolAccess {
    Allowed { name: String },
    Refused,
    NoSuchTool,
}
