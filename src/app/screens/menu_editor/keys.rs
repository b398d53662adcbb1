//! The menu editor's keys: the tree's, the label and key-letter forms' and
//! the chooser of what to add.

use super::{MenuEditorState, Mode, NewItem, PREVIEW_ROLES};
use crate::app::Effect;
use crate::app::confirm::{self, Answer};
use crate::app::form::{self, Form, FormKey};
use crate::app::keymap::{Action, Context};
use crate::app::list::Cursor;
use crate::app::menu::reserved;
use crate::app::screens::admin_write;
use crate::app::screens::room::Cx;
use crate::domain::admin::AdminChange;
use crate::domain::enums::NavigationType;
use crate::domain::menu_tree::{self, MenuChange, Move};
use crossterm::event::{KeyCode, KeyEvent};

static LABEL: &[form::FieldSpec] = &[form::text("Label", "1 to 60 characters")];
static HOTKEY: &[form::FieldSpec] = &[form::text(
    "Key letter",
    "one letter or digit; empty: none (the menu then gives it a free one)",
)];

pub(super) fn on_key(
    s: &mut MenuEditorState,
    cx: &mut Cx,
    key: &KeyEvent,
    action: Option<Action>,
) -> Option<Vec<Effect>> {
    match s.mode {
        Mode::List => {}
        Mode::Rename(_) | Mode::Hotkey(_) | Mode::NewLabel { .. } => {
            return Some(form_key(s, cx, key));
        }
        Mode::Add { .. } => return Some(add_key(s, cx, key, action)),
        Mode::Delete { .. } => return Some(delete_key(s, cx, key)),
    }
    if let Some(a) = cx.keymap.action_in(key, |c| c == Context::MenuEditor) {
        return Some(list_action(s, cx, a));
    }
    let m = action?.movement(cx.page())?;
    s.cursor.move_by(m, s.lines().len());
    Some(vec![])
}

fn list_action(s: &mut MenuEditorState, cx: &mut Cx, a: Action) -> Vec<Effect> {
    if a == Action::NavPreview {
        s.role = (s.role + 1) % PREVIEW_ROLES.len();
        cx.info(format!("preview: the menu as a {} sees it", s.role()));
        return vec![];
    }
    if s.writing.is_some() {
        cx.info("still saving the last change");
        return vec![];
    }
    if a == Action::NavAdd {
        let mut choices = vec![NewItem::Group, NewItem::Separator];
        if let Some(t) = s.tree.get() {
            choices.extend(
                t.tools
                    .iter()
                    .map(|(k, n)| NewItem::Screen(k.clone(), n.clone())),
            );
        }
        s.mode = Mode::Add {
            choices,
            at: Cursor::default(),
        };
        return vec![];
    }
    let Some(row) = s.selected().cloned() else {
        cx.info("the menu is empty: n adds an item");
        return vec![];
    };
    let mv = |m| menu_tree::place(s.rows(), row.id, m);
    let placed = match a {
        Action::NavUp => Some(mv(Move::Up)),
        Action::NavDown => Some(mv(Move::Down)),
        Action::NavIn => Some(mv(Move::In)),
        Action::NavOut => Some(mv(Move::Out)),
        _ => None,
    };
    if let Some(placed) = placed {
        return match placed {
            Ok(p) => {
                let done = format!("moved: {}", shown_label(&row.label, row.nav_type));
                send(s, cx, MenuChange::Place(p), done, row.id)
            }
            Err(why) => {
                cx.info(why);
                vec![]
            }
        };
    }
    match a {
        Action::NavDelete => {
            let inside = menu_tree::children(s.rows(), Some(row.id));
            if inside.is_empty() {
                s.mode = Mode::Delete { id: row.id };
            } else {
                let names: Vec<String> = inside
                    .iter()
                    .map(|r| shown_label(&r.label, r.nav_type))
                    .collect();
                cx.info(format!(
                    "the group {} holds {}: move or delete them first",
                    row.label,
                    names.join(", ")
                ));
            }
        }
        Action::NavRename if row.nav_type == NavigationType::Separator => {
            cx.info("a separator has no label");
        }
        Action::NavRename => s.mode = Mode::Rename(Form::new(LABEL, vec![row.label.clone()])),
        Action::NavHotkey if !row.opens() => {
            cx.info("only screens and actions have key letters on the menu");
        }
        Action::NavHotkey => {
            s.mode = Mode::Hotkey(Form::new(
                HOTKEY,
                vec![row.hotkey.clone().unwrap_or_default()],
            ));
        }
        Action::NavHide => {
            let visible = !row.is_visible;
            let done = format!(
                "{}: {}",
                if visible { "shown" } else { "hidden" },
                shown_label(&row.label, row.nav_type)
            );
            return send(
                s,
                cx,
                MenuChange::Visible {
                    id: row.id,
                    visible,
                },
                done,
                row.id,
            );
        }
        _ => {}
    }
    vec![]
}

fn delete_key(s: &mut MenuEditorState, cx: &mut Cx, key: &KeyEvent) -> Vec<Effect> {
    let Mode::Delete { id } = s.mode else {
        return vec![];
    };
    match confirm::answer(key) {
        Answer::Unanswered => vec![],
        Answer::No => {
            s.mode = Mode::List;
            cx.info("nothing deleted");
            vec![]
        }
        Answer::Yes => {
            s.mode = Mode::List;
            let Some(row) = s.rows().iter().find(|r| r.id == id).cloned() else {
                return vec![];
            };
            // The cursor stays where the item was: on the one above it.
            let lines = s.lines();
            let at = lines.iter().position(|(_, r)| r.id == id).unwrap_or(0);
            let keep = lines.get(at.saturating_sub(1)).map_or(id, |(_, r)| r.id);
            let done = format!("deleted: {}", shown_label(&row.label, row.nav_type));
            send(s, cx, MenuChange::Delete { id }, done, keep)
        }
    }
}

/// The question before deleting `row`.
pub fn delete_question(row: &crate::domain::menu_tree::NavRow) -> String {
    let what = match row.nav_type {
        NavigationType::Group => "the empty group",
        NavigationType::Separator => "this separator",
        _ => "the menu item",
    };
    let label = if row.nav_type == NavigationType::Separator {
        String::new()
    } else {
        format!(" \"{}\"", row.label)
    };
    format!("Delete {what}{label}?")
}

fn add_key(
    s: &mut MenuEditorState,
    cx: &mut Cx,
    key: &KeyEvent,
    action: Option<Action>,
) -> Vec<Effect> {
    let Mode::Add { choices, at } = &mut s.mode else {
        return vec![];
    };
    match action {
        Some(Action::Open) => {
            let Some(item) = choices.get(at.at()).cloned() else {
                return vec![];
            };
            if item == NewItem::Separator {
                s.mode = Mode::List;
                return add(s, cx, item, String::new());
            }
            let name = match &item {
                NewItem::Screen(_, name) => name.clone(),
                _ => String::new(),
            };
            s.mode = Mode::NewLabel {
                item,
                form: Form::new(LABEL, vec![name]),
            };
        }
        Some(Action::Back) => s.mode = Mode::List,
        Some(a) => {
            if let Some(m) = a.movement(cx.page()) {
                at.move_by(m, choices.len());
            }
        }
        None if key.code == KeyCode::Esc => s.mode = Mode::List,
        None => {}
    }
    vec![]
}

fn form_key(s: &mut MenuEditorState, cx: &mut Cx, key: &KeyEvent) -> Vec<Effect> {
    let form = match &mut s.mode {
        Mode::Rename(f) | Mode::Hotkey(f) | Mode::NewLabel { form: f, .. } => f,
        _ => return vec![],
    };
    match form.key(key, cx.keymap) {
        FormKey::Cancel => {
            s.mode = Mode::List;
            vec![]
        }
        FormKey::Save => save(s, cx),
        FormKey::Edited => {
            // Said as typed, as every form does.
            let why = check(s, cx).err();
            if let Mode::Rename(f) | Mode::Hotkey(f) | Mode::NewLabel { form: f, .. } = &mut s.mode
            {
                f.set_errors(why.map(|w| vec![(0, w)]).unwrap_or_default());
            }
            vec![]
        }
        FormKey::Moved | FormKey::Ignored => vec![],
    }
}

/// What the open form would write (`None` for a new item's label, written
/// by `add`), or why not.
fn check(s: &MenuEditorState, cx: &Cx) -> Result<Option<MenuChange>, String> {
    let row = s.selected();
    match &s.mode {
        Mode::Rename(f) => {
            let row = row.ok_or("that item is gone: reload (r)")?;
            Ok(Some(MenuChange::Rename {
                id: row.id,
                label: menu_tree::label(&f.values[0])?,
            }))
        }
        Mode::Hotkey(f) => {
            let row = row.ok_or("that item is gone: reload (r)")?;
            let hotkey = menu_tree::hotkey(s.rows(), row.id, &f.values[0])?;
            if let Some(c) = hotkey
                && let Some(a) = reserved(cx.keymap, c)
            {
                return Err(format!(
                    "{c} is the key for {:?} on every menu: choose another letter",
                    a.name()
                ));
            }
            Ok(Some(MenuChange::Hotkey { id: row.id, hotkey }))
        }
        Mode::NewLabel { form, .. } => menu_tree::label(&form.values[0]).map(|_| None),
        _ => Ok(None),
    }
}

fn save(s: &mut MenuEditorState, cx: &mut Cx) -> Vec<Effect> {
    if let Mode::NewLabel { item, form } = &mut s.mode {
        let item = item.clone();
        return match menu_tree::label(&form.values[0]) {
            Ok(label) => {
                s.mode = Mode::List;
                add(s, cx, item, label)
            }
            Err(why) => {
                form.set_errors(vec![(0, why)]);
                vec![]
            }
        };
    }
    match check(s, cx) {
        Ok(None) => vec![],
        Ok(Some(change)) => {
            s.mode = Mode::List;
            let Some(row) = s.selected().cloned() else {
                return vec![];
            };
            let done = match &change {
                MenuChange::Rename { label, .. } => format!("renamed: {label}"),
                MenuChange::Hotkey {
                    hotkey: Some(c), ..
                } => {
                    format!("{} opens with {c} now", row.label)
                }
                _ => format!("{} has no key letter now", row.label),
            };
            send(s, cx, change, done, row.id)
        }
        Err(why) => {
            if let Mode::Rename(f) | Mode::Hotkey(f) = &mut s.mode {
                f.set_errors(vec![(0, why)]);
            }
            vec![]
        }
    }
}

/// Adds `item` just after the selected item.
fn add(s: &mut MenuEditorState, cx: &mut Cx, item: NewItem, label: String) -> Vec<Effect> {
    let id = cx.mint_id();
    let at = menu_tree::place_new(s.rows(), s.selected().map(|r| r.id), id);
    let (nav_type, tool_key) = match &item {
        NewItem::Group => (NavigationType::Group, None),
        NewItem::Separator => (NavigationType::Separator, None),
        NewItem::Screen(key, _) => (NavigationType::Screen, Some(key.clone())),
    };
    let done = match item {
        NewItem::Separator => "added a separator".to_string(),
        _ => format!("added: {label}"),
    };
    let change = MenuChange::Add {
        nav_type,
        label,
        tool_key,
        at,
    };
    send(s, cx, change, done, id)
}

fn send(
    s: &mut MenuEditorState,
    cx: &mut Cx,
    change: MenuChange,
    done: String,
    keep: uuid::Uuid,
) -> Vec<Effect> {
    s.keep = Some(keep);
    admin_write::send(&mut s.writing, cx, AdminChange::Menu(change), done)
}

/// A separator's label is empty: say what it is.
pub fn shown_label(label: &str, t: NavigationType) -> String {
    if t == NavigationType::Separator {
        "a separator".into()
    } else {
        label.to_string()
    }
}
