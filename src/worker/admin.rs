//! An administrator's change to the catalogue, and the database's refusal
//! in people's words: the triggers of 0028 already speak them; a missing
//! grant and the menu's sibling index do not.

use crate::db::{menu_edit, programs, schools, tools};
use crate::domain::admin::AdminChange;
use tokio_postgres::error::SqlState;

pub(super) async fn write(
    c: &mut tokio_postgres::Client,
    change: AdminChange,
) -> Result<(), String> {
    let what = match &change {
        AdminChange::MoveTool { .. }
        | AdminChange::Grant { .. }
        | AdminChange::GrantScope { .. }
        | AdminChange::NewTool { .. }
        | AdminChange::EditTool { .. } => "tools",
        AdminChange::Menu(_) => "the menu",
        AdminChange::School(_) => "schools",
        AdminChange::Program(_) | AdminChange::ProgramFields { .. } => "programs",
    };
    let done = match change {
        AdminChange::MoveTool { id, from, to, note } => {
            tools::move_tool(&*c, id, from, to, note.as_deref())
                .await
                .map_err(|e| refusal(&e, what))?
        }
        AdminChange::Grant { tool, role, grant } => {
            tools::set_grant(&*c, tool, role, grant)
                .await
                .map_err(|e| refusal(&e, what))?;
            true
        }
        AdminChange::GrantScope { tool, role, scope } => {
            if !tools::set_scope(&*c, tool, role, scope)
                .await
                .map_err(|e| refusal(&e, what))?
            {
                return Err("that role is no longer granted this tool: reloaded".into());
            }
            true
        }
        AdminChange::NewTool {
            key,
            name,
            description,
        } => {
            tools::create(&*c, &key, &name, description.as_deref())
                .await
                .map_err(|e| refusal(&e, what))?;
            true
        }
        AdminChange::EditTool {
            id,
            name,
            description,
        } => {
            if !tools::edit(&*c, id, &name, description.as_deref())
                .await
                .map_err(|e| refusal(&e, what))?
            {
                return Err("that tool is gone: reloaded".into());
            }
            true
        }
        AdminChange::Program(p) => {
            programs::save_defaults(&*c, &p)
                .await
                .map_err(|e| refusal(&e, what))?;
            true
        }
        AdminChange::ProgramFields { id, fields } => {
            if !programs::save_fields(&*c, id, &fields)
                .await
                .map_err(|e| refusal(&e, what))?
            {
                return Err(
                    "you may change only your own schools' programs (or it is gone)".into(),
                );
            }
            true
        }
        AdminChange::School(w) => {
            schools::save(&*c, &w)
                .await
                .map_err(|e| refusal(&e, what))?;
            true
        }
        AdminChange::Menu(m) => {
            menu_edit::apply(c, &m)
                .await
                .map_err(|e| refusal(&e, what))?;
            true
        }
    };
    if done {
        Ok(())
    } else {
        Err("someone moved this tool first: reloaded as it is now".into())
    }
}

/// The database's refusal as the screen says it.
pub fn refusal(e: &tokio_postgres::Error, what: &str) -> String {
    let Some(db) = e.as_db_error() else {
        return super::failure::describe_pg_error(e);
    };
    match *db.code() {
        SqlState::INSUFFICIENT_PRIVILEGE if what == "programs" => {
            "only administrators, and coordinators for their own schools, may change programs"
                .into()
        }
        SqlState::INSUFFICIENT_PRIVILEGE => {
            format!("only administrators may change {what}")
        }
        SqlState::UNIQUE_VIOLATION
            if db.constraint() == Some("intervention_programs_school_id_name_key") =>
        {
            "another program has that name".into()
        }
        SqlState::UNIQUE_VIOLATION if db.constraint() == Some("tools_key_key") => {
            "another tool has that key".into()
        }
        SqlState::UNIQUE_VIOLATION if db.constraint() == Some("schools_local_id_key") => {
            "another school has that local id".into()
        }
        SqlState::UNIQUE_VIOLATION
            if db.constraint() == Some("navigation_items_sibling_hotkey") =>
        {
            "another item in that group has the same key letter: change one of them first".into()
        }
        _ => db.message().to_string(),
    }
}
