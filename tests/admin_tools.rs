//! Issue 17 on the real server: the tool approval workflow as the database
//! enforces it (every move, legal and illegal, against the Rust mirror the
//! screen offers), who moved a tool when, menus that only ever show approved
//! tools to the roles granted them, the menu editor's changes round-tripped
//! with its key-letter and tree rules, its preview equal to the menu the
//! role gets, and program session fields that never strand a saved value.

mod common;

use caseload::app::keymap::KeyMap;
use caseload::app::menu::{build, settle};
use caseload::db::{menu_edit, navigation, tools};
use caseload::domain::enums::{NavigationType, PgEnum, ToolStatus};
use caseload::domain::menu_tree::{self, MenuChange, Placement};
use common::district::District;
use tokio_postgres::Client;
use uuid::Uuid;

/// A tool at `status`, written as the superuser (who may insert any state).
async fn tool(d: &District, key: &str, status: ToolStatus) -> Uuid {
    d.admin
        .query_one(
            "INSERT INTO tools (key, name, status, reviewed_at) \
             VALUES ($1, $1, $2::tool_status, CASE WHEN $2::tool_status IN ('approved', 'rejected') THEN now() END) \
             RETURNING id",
            &[&key, &status],
        )
        .await
        .expect("tool")
        .get(0)
}

async fn status(d: &District, id: Uuid) -> ToolStatus {
    d.admin
        .query_one("SELECT status FROM tools WHERE id = $1", &[&id])
        .await
        .expect("status")
        .get(0)
}

fn message(e: &tokio_postgres::Error) -> String {
    e.as_db_error()
        .map_or(e.to_string(), |d| d.message().to_string())
}

#[tokio::test]
async fn every_move_the_database_allows_is_the_one_the_screen_offers() {
    let d = District::new().await;
    let admin = d.connect_as("admin").await;
    let mut n = 0;
    for &from in ToolStatus::ALL {
        for &to in ToolStatus::ALL {
            if from == to {
                continue;
            }
            n += 1;
            let id = tool(&d, &format!("t.move{n}"), from).await;
            let r = tools::move_tool(&admin, id, from, to, Some("checked")).await;
            let legal = caseload::domain::tools::allowed(from, to);
            match r {
                Ok(moved) => {
                    assert!(legal, "{from} -> {to} was allowed");
                    assert!(moved);
                    assert_eq!(status(&d, id).await, to);
                }
                Err(e) => {
                    assert!(!legal, "{from} -> {to} refused: {}", message(&e));
                    assert!(
                        message(&e)
                            .contains(&format!("illegal tool status transition: {from} -> {to}")),
                        "{}",
                        message(&e)
                    );
                    assert_eq!(status(&d, id).await, from);
                }
            }
        }
    }
    assert_eq!(n, 30);
}

#[tokio::test]
async fn the_database_says_who_moved_a_tool_when_and_why() {
    let d = District::new().await;
    let admin = d.connect_as("admin").await;
    // An admin's new tool is a draft, requested by them, whatever is sent.
    let r = admin
        .query_one(
            "INSERT INTO tools (key, name, status) VALUES ('t.new', 'New', 'approved') RETURNING id",
            &[],
        )
        .await;
    assert!(
        r.as_ref()
            .is_err_and(|e| message(e).contains("a new tool starts as a draft")),
        "{r:?}"
    );
    let id: Uuid = admin
        .query_one(
            "INSERT INTO tools (key, name, reviewed_by, reviewed_at) \
             VALUES ('t.new', 'New', $1, now()) RETURNING id",
            &[&d.id("coord_all")],
        )
        .await
        .expect("draft")
        .get(0);
    for (from, to) in [
        (ToolStatus::Draft, ToolStatus::Submitted),
        (ToolStatus::Submitted, ToolStatus::InReview),
    ] {
        assert!(
            tools::move_tool(&admin, id, from, to, None)
                .await
                .expect("move")
        );
    }
    // A rejection says why.
    let r = admin
        .execute(
            "UPDATE tools SET status = 'rejected', review_note = ' ' WHERE id = $1",
            &[&id],
        )
        .await;
    assert!(
        r.as_ref()
            .is_err_and(|e| message(e).contains("needs a review note")),
        "{r:?}"
    );
    // A stale screen's move finds the tool moved on: nothing changes.
    assert!(
        !tools::move_tool(&admin, id, ToolStatus::Draft, ToolStatus::Submitted, None)
            .await
            .expect("stale")
    );
    assert!(
        tools::move_tool(
            &admin,
            id,
            ToolStatus::InReview,
            ToolStatus::Approved,
            Some("vendor certified")
        )
        .await
        .expect("approve")
    );
    // The stamps are the database's: a forged reviewer is put back.
    admin
        .execute(
            "UPDATE tools SET reviewed_by = $2, requested_by = NULL WHERE id = $1",
            &[&id, &d.id("coord_all")],
        )
        .await
        .expect("update");
    let r = d
        .admin
        .query_one(
            "SELECT requested_by, reviewed_by, reviewed_at > now() - interval '1 minute', review_note \
             FROM tools WHERE id = $1",
            &[&id],
        )
        .await
        .expect("row");
    let (req, rev): (Option<Uuid>, Option<Uuid>) = (r.get(0), r.get(1));
    assert_eq!((req, rev), (Some(d.id("admin")), Some(d.id("admin"))));
    assert_eq!(
        (r.get::<_, bool>(2), r.get::<_, String>(3)),
        (true, "vendor certified".into())
    );

    let history: Vec<Move> = d
        .admin
        .query(
            "SELECT from_status, to_status, changed_by, note FROM tool_status_changes \
             WHERE tool_id = $1 ORDER BY id",
            &[&id],
        )
        .await
        .expect("history")
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    let me = Some(d.id("admin"));
    assert_eq!(
        history,
        [
            (None, ToolStatus::Draft, me, None),
            (Some(ToolStatus::Draft), ToolStatus::Submitted, me, None),
            (Some(ToolStatus::Submitted), ToolStatus::InReview, me, None),
            (
                Some(ToolStatus::InReview),
                ToolStatus::Approved,
                me,
                Some("vendor certified".into())
            ),
        ]
    );
    // The screen reads it back the same way.
    let cat = tools::catalogue(&admin).await.expect("catalogue");
    let t = cat.tools.iter().find(|t| t.id == id).expect("listed");
    assert_eq!(t.history.len(), 4);
    assert_eq!(t.reviewed_by.as_deref(), Some("admin"));

    // An approved tool is retired, never deleted; a key that menus name stays.
    let r = admin
        .execute("DELETE FROM tools WHERE id = $1", &[&id])
        .await;
    assert!(
        r.as_ref()
            .is_err_and(|e| message(e).contains("retire it instead")),
        "{r:?}"
    );
    let r = admin
        .execute("UPDATE tools SET key = 't.renamed' WHERE id = $1", &[&id])
        .await;
    assert!(
        r.as_ref()
            .is_err_and(|e| message(e).contains("cannot change")),
        "{r:?}"
    );
    // A move without a note says nothing: the rejection's reason stays in
    // the history, not on the next move.
    let again = tool(&d, "t.again", ToolStatus::InReview).await;
    tools::move_tool(
        &admin,
        again,
        ToolStatus::InReview,
        ToolStatus::Rejected,
        Some("no agreement"),
    )
    .await
    .expect("reject");
    tools::move_tool(&admin, again, ToolStatus::Rejected, ToolStatus::Draft, None)
        .await
        .expect("back to draft");
    let notes: Vec<Option<String>> = d
        .admin
        .query(
            "SELECT note FROM tool_status_changes WHERE tool_id = $1 ORDER BY id",
            &[&again],
        )
        .await
        .expect("history")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(notes, [None, Some("no agreement".into()), None]);
    let draft = tool(&d, "t.draft", ToolStatus::Draft).await;
    admin
        .execute("DELETE FROM tools WHERE id = $1", &[&draft])
        .await
        .expect("a draft goes");
}

/// A row of `tool_status_changes`: from, to, by whom, the note.
type Move = (Option<ToolStatus>, ToolStatus, Option<Uuid>, Option<String>);

/// A screen item for `tool` at the top level, with `letter`.
async fn item(d: &District, label: &str, tool: Uuid, target: &str, letter: &str) -> Uuid {
    d.admin
        .query_one(
            "INSERT INTO navigation_items (label, nav_type, tool_id, target, hotkey, sort_order) \
             VALUES ($1, 'screen', $2, $3, $4, 10) RETURNING id",
            &[&label, &tool, &target, &letter],
        )
        .await
        .expect("item")
        .get(0)
}

async fn grant(d: &District, tool: Uuid, role: &str) {
    d.admin
        .execute(
            "INSERT INTO role_tools (role_id, tool_id) SELECT id, $1 FROM roles WHERE key = $2",
            &[&tool, &role],
        )
        .await
        .expect("grant");
}

async fn menu_labels(c: &Client) -> Vec<String> {
    navigation::menu_items(c)
        .await
        .expect("menu")
        .into_iter()
        .map(|i| i.label)
        .collect()
}

#[tokio::test]
async fn only_an_approved_tool_reaches_a_menu_and_only_for_the_roles_granted_it() {
    let d = District::new().await;
    let admin = d.connect_as("admin").await;
    let counselor = d.connect_as("counselor_a").await;
    let teacher = d.connect_as("teacher").await;
    let sis = tool(&d, "import.sis", ToolStatus::Submitted).await;
    let ai = tool(&d, "ai.summary", ToolStatus::InReview).await;
    item(&d, "SIS import", sis, "import.sis", "y").await;
    item(&d, "AI summaries", ai, "ai.summary", "i").await;
    for t in [sis, ai] {
        grant(&d, t, "counselor").await;
    }
    assert!(
        menu_labels(&counselor).await.is_empty(),
        "nothing approved yet"
    );

    // Rejected: never on a menu, granted or not.
    tools::move_tool(
        &admin,
        ai,
        ToolStatus::InReview,
        ToolStatus::Rejected,
        Some("no agreement"),
    )
    .await
    .expect("reject");
    // Approved through the screen's own calls, for counselors.
    tools::move_tool(
        &admin,
        sis,
        ToolStatus::Submitted,
        ToolStatus::InReview,
        None,
    )
    .await
    .expect("review");
    tools::move_tool(
        &admin,
        sis,
        ToolStatus::InReview,
        ToolStatus::Approved,
        None,
    )
    .await
    .expect("approve");
    assert_eq!(menu_labels(&counselor).await, ["SIS import"]);
    assert!(
        menu_labels(&teacher).await.is_empty(),
        "not granted to teachers"
    );
    let allowed: bool = counselor
        .query_one("SELECT caseload_tool_allowed('ai.summary')", &[])
        .await
        .expect("allowed")
        .get(0);
    assert!(!allowed, ":open of a rejected tool is refused too");

    // Granted to teachers from the grants list; taken away again.
    let teacher_role: Uuid = d
        .admin
        .query_one("SELECT id FROM roles WHERE key = 'teacher'", &[])
        .await
        .expect("role")
        .get(0);
    tools::set_grant(&admin, sis, teacher_role, true)
        .await
        .expect("grant");
    tools::set_grant(&admin, sis, teacher_role, true)
        .await
        .expect("twice is once");
    assert_eq!(menu_labels(&teacher).await, ["SIS import"]);
    tools::set_grant(&admin, sis, teacher_role, false)
        .await
        .expect("revoke");
    assert!(menu_labels(&teacher).await.is_empty());

    // Retired: off every menu.
    tools::move_tool(&admin, sis, ToolStatus::Approved, ToolStatus::Retired, None)
        .await
        .expect("retire");
    assert!(menu_labels(&counselor).await.is_empty());
}

/// A small menu: a Students group with Roster [r] and Schools [s], Caseload
/// [h] at the top, all approved and granted to counselors but Schools.
struct Menu {
    students: Uuid,
    roster: Uuid,
    schools: Uuid,
    caseload: Uuid,
}

async fn small_menu(d: &District) -> Menu {
    let roster_t = tool(d, "roster", ToolStatus::Approved).await;
    let schools_t = tool(d, "admin.schools", ToolStatus::Approved).await;
    let caseload_t = tool(d, "caseload", ToolStatus::Approved).await;
    grant(d, roster_t, "counselor").await;
    grant(d, caseload_t, "counselor").await;
    grant(d, schools_t, "admin").await;
    let students: Uuid = d
        .admin
        .query_one(
            "INSERT INTO navigation_items (label, nav_type, sort_order) VALUES ('Students', 'group', 20) RETURNING id",
            &[],
        )
        .await
        .expect("group")
        .get(0);
    let caseload = item(d, "Caseload", caseload_t, "caseload", "h").await;
    let roster = item(d, "Roster", roster_t, "roster", "r").await;
    let schools = item(d, "Schools", schools_t, "admin.schools", "s").await;
    d.admin
        .execute(
            "UPDATE navigation_items SET parent_id = $1 WHERE id IN ($2, $3)",
            &[&students, &roster, &schools],
        )
        .await
        .expect("into the group");
    Menu {
        students,
        roster,
        schools,
        caseload,
    }
}

#[tokio::test]
async fn menu_edits_round_trip_and_the_preview_is_the_roles_menu() {
    let d = District::new().await;
    let m = small_menu(&d).await;
    let mut admin = d.connect_as("admin").await;
    let counselor = d.connect_as("counselor_a").await;

    menu_edit::apply(
        &mut admin,
        &MenuChange::Rename {
            id: m.roster,
            label: "Class list".into(),
        },
    )
    .await
    .expect("rename");
    menu_edit::apply(
        &mut admin,
        &MenuChange::Hotkey {
            id: m.roster,
            hotkey: Some('c'),
        },
    )
    .await
    .expect("letter");
    let tree = menu_edit::tree(&admin).await.expect("tree");
    let p = menu_tree::place(&tree.rows, m.roster, menu_tree::Move::Out).expect("out");
    menu_edit::apply(&mut admin, &MenuChange::Place(p))
        .await
        .expect("out");
    menu_edit::apply(
        &mut admin,
        &MenuChange::Visible {
            id: m.caseload,
            visible: false,
        },
    )
    .await
    .expect("hide");

    let tree = menu_edit::tree(&admin).await.expect("tree");
    let roster = tree.rows.iter().find(|r| r.id == m.roster).expect("roster");
    assert_eq!(
        (
            roster.label.as_str(),
            roster.hotkey.as_deref(),
            roster.parent_id
        ),
        ("Class list", Some("c"), None)
    );
    let top: Vec<&str> = menu_tree::children(&tree.rows, None)
        .iter()
        .map(|r| r.label.as_str())
        .collect();
    assert_eq!(
        top,
        ["Caseload", "Students", "Class list"],
        "right after its old group"
    );
    assert!(
        !tree
            .rows
            .iter()
            .find(|r| r.id == m.caseload)
            .expect("caseload")
            .is_visible
    );

    // The preview, built from the editor's rows, is what the counselor's
    // own menu query gives, drawn by the same code.
    let keymap = KeyMap::default();
    let mut preview = build(&menu_tree::as_role_sees(&tree.rows, &["counselor"]));
    settle(&mut preview, &keymap);
    let mut theirs = build(&navigation::menu_items(&counselor).await.expect("menu"));
    settle(&mut theirs, &keymap);
    assert_eq!(preview, theirs);
    assert_eq!(
        preview.iter().map(|e| e.label.as_str()).collect::<Vec<_>>(),
        ["Class list"],
        "Caseload hidden, Schools not granted, the empty group gone"
    );

    // An item added after Class list, at the top level, as a group.
    let id = Uuid::new_v4();
    let at = menu_tree::place_new(&tree.rows, Some(m.roster), id);
    menu_edit::apply(
        &mut admin,
        &MenuChange::Add {
            nav_type: NavigationType::Group,
            label: "Reports".into(),
            tool_key: None,
            at,
        },
    )
    .await
    .expect("add");
    let tree = menu_edit::tree(&admin).await.expect("tree");
    let top: Vec<&str> = menu_tree::children(&tree.rows, None)
        .iter()
        .map(|r| r.label.as_str())
        .collect();
    assert_eq!(top, ["Caseload", "Students", "Class list", "Reports"]);
    let _ = m.schools;
}

#[tokio::test]
async fn key_clashes_and_broken_trees_are_refused_naming_what_is_wrong() {
    let d = District::new().await;
    let m = small_menu(&d).await;
    let mut admin = d.connect_as("admin").await;
    let refused =
        |r: Result<(), tokio_postgres::Error>| r.err().map(|e| message(&e)).unwrap_or_default();

    // The menu is flat: Roster's r is taken in the whole tree, not only
    // among Caseload's siblings.
    let r = refused(
        menu_edit::apply(
            &mut admin,
            &MenuChange::Hotkey {
                id: m.caseload,
                hotkey: Some('R'),
            },
        )
        .await,
    );
    assert_eq!(r, "the key R is taken by \"Roster\"");
    // So does the editor, before asking.
    let tree = menu_edit::tree(&admin).await.expect("tree");
    assert_eq!(
        menu_tree::hotkey(&tree.rows, m.caseload, "r"),
        Err("the key r is taken by \"Roster\"".into())
    );
    // A hidden item's letter is free; showing it again with a clash is not.
    menu_edit::apply(
        &mut admin,
        &MenuChange::Visible {
            id: m.roster,
            visible: false,
        },
    )
    .await
    .expect("hide");
    menu_edit::apply(
        &mut admin,
        &MenuChange::Hotkey {
            id: m.caseload,
            hotkey: Some('r'),
        },
    )
    .await
    .expect("free now");
    let r = refused(
        menu_edit::apply(
            &mut admin,
            &MenuChange::Visible {
                id: m.roster,
                visible: true,
            },
        )
        .await,
    );
    assert_eq!(r, "the key r is taken by \"Caseload\"");

    let r = refused(
        admin
            .execute(
                "UPDATE navigation_items SET hotkey = '?' WHERE id = $1",
                &[&m.schools],
            )
            .await
            .map(|_| ()),
    );
    assert!(r.contains("one letter or digit"), "{r}");
    // Into a screen, or into itself: refused.
    let r = refused(
        menu_edit::apply(
            &mut admin,
            &MenuChange::Place(Placement {
                id: m.schools,
                parent_id: Some(m.caseload),
                order: vec![m.schools],
            }),
        )
        .await,
    );
    assert_eq!(r, "a menu item can only be placed inside a group");
    let inner: Uuid = d
        .admin
        .query_one(
            "INSERT INTO navigation_items (parent_id, label, nav_type) VALUES ($1, 'Inner', 'group') RETURNING id",
            &[&m.students],
        )
        .await
        .expect("inner")
        .get(0);
    let r = refused(
        menu_edit::apply(
            &mut admin,
            &MenuChange::Place(Placement {
                id: m.students,
                parent_id: Some(inner),
                order: vec![m.students],
            }),
        )
        .await,
    );
    assert_eq!(r, "a group cannot be moved inside itself");
    // A screen's target is its tool's.
    let r = refused(
        admin
            .execute(
                "UPDATE navigation_items SET target = 'roster' WHERE id = $1",
                &[&m.schools],
            )
            .await
            .map(|_| ()),
    );
    assert!(r.contains("is not the tool admin.schools"), "{r}");
}

#[tokio::test]
async fn a_program_field_is_retired_never_removed_so_saved_sessions_stay_readable() {
    let d = District::new().await;
    let admin = d.connect_as("admin").await;
    let fields = serde_json::json!([
        {"key": "points", "label": "Points", "field_type": "number", "min": 0, "max": 100},
        {"key": "mood", "label": "Mood", "field_type": "single_select", "options": ["ok", "low"]}
    ]);
    let program: Uuid = d
        .admin
        .query_one(
            "INSERT INTO intervention_programs (name, intervention_type, session_fields) \
             VALUES ('Check-In', 'behavior', $1) RETURNING id",
            &[&fields],
        )
        .await
        .expect("program")
        .get(0);
    let iv = d.students["a1"].interventions[0];
    let session = d.students["a1"].sessions[0];
    d.admin
        .execute(
            "UPDATE interventions SET program_id = $1 WHERE id = $2",
            &[&program, &iv],
        )
        .await
        .expect("on the program");
    d.admin
        .execute(
            "UPDATE intervention_sessions SET field_values = '{\"points\": 80, \"mood\": \"low\"}' WHERE id = $1",
            &[&session],
        )
        .await
        .expect("values");

    let set = |v: serde_json::Value| {
        let admin = &admin;
        async move {
            admin
                .execute(
                    "UPDATE intervention_programs SET session_fields = $1 WHERE id = $2",
                    &[&v, &program],
                )
                .await
                .map_err(|e| message(&e))
        }
    };
    let r = set(serde_json::json!([fields[0].clone()])).await;
    assert!(
        r.as_ref()
            .is_err_and(|e| e.contains("mood cannot be removed")),
        "{r:?}"
    );
    let r = set(serde_json::json!([fields[0].clone(), {"key": "mood", "label": "Mood", "field_type": "text"}])).await;
    assert!(
        r.as_ref()
            .is_err_and(|e| e.contains("cannot change its type")),
        "{r:?}"
    );
    let r = set(serde_json::json!([fields[0].clone(), fields[1].clone(), {"key": "Bad Key", "label": "x", "field_type": "text"}])).await;
    assert!(r.as_ref().is_err_and(|e| e.contains("lower-case")), "{r:?}");
    let r = set(serde_json::json!([fields[0].clone(), fields[1].clone(), {"key": "z", "label": "Z", "field_type": "colour"}])).await;
    assert!(
        r.as_ref().is_err_and(|e| e.contains("no valid field_type")),
        "{r:?}"
    );
    // Retired, with a new field and new options: accepted.
    let mut mood = fields[1].clone();
    mood["retired"] = true.into();
    mood["options"] = serde_json::json!(["ok"]);
    set(serde_json::json!([
        {"key": "goal_met", "label": "Goal met", "field_type": "boolean"},
        fields[0].clone(),
        mood
    ]))
    .await
    .expect("retire and add");

    // A new session is not offered the retired field; the saved one shows
    // its value under it.
    let counselor = d.connect_as("counselor_a").await;
    let ctx = caseload::db::sessions::context(&counselor, iv)
        .await
        .expect("context")
        .expect("visible");
    let keys = |f: &[caseload::domain::session::FieldDef]| {
        f.iter().map(|f| f.key.clone()).collect::<Vec<_>>()
    };
    assert_eq!(keys(&ctx.fields), ["goal_met", "points", "mood"]);
    let stored = caseload::db::sessions::load(&counselor, session)
        .await
        .expect("load")
        .expect("visible");
    let fresh = caseload::domain::session::fields_for(&ctx.fields, None);
    assert_eq!(keys(&fresh), ["goal_met", "points"]);
    let old = caseload::domain::session::fields_for(&ctx.fields, Some(&stored.values.field_values));
    assert_eq!(keys(&old), ["goal_met", "points", "mood"]);
    assert_eq!(stored.values.field_values["mood"], "low");
}
