//! The palette through update(): what it lists on which screen, how it
//! ranks, and that running an entry does what its key or `:name` does.

use super::*;
use crate::app::fixtures::{ctrl, key};
use crate::app::iv_tests::{at_home, signed_in};
use crate::app::test_prelude::*;
use crate::app::tests::on_roster;

fn typed(s: &mut State, text: &str) {
    for c in text.chars() {
        update(s, key(c));
    }
}

fn names(s: &State) -> Vec<String> {
    matches(s).into_iter().map(|e| e.name).collect()
}

#[test]
fn colon_and_ctrl_p_open_it_with_the_screens_actions_and_the_menus_tools() {
    let mut s = on_roster();
    update(&mut s, key(ctrl('p')));
    assert_eq!(s.modal, Some(Modal::Command));
    let all = entries(&s);
    let sort = all.iter().find(|e| e.name == "sort").unwrap();
    assert_eq!(sort.keys, "s");
    assert!(sort.label.starts_with("Sort by name"), "{}", sort.label);
    let roster = all.iter().find(|e| e.name == "roster").unwrap();
    assert_eq!(
        (roster.keys.as_str(), roster.label.as_str()),
        (":roster", "Open Roster")
    );
    assert!(all.iter().any(|e| e.name == "copy" && e.keys == "y"));
    assert!(all.iter().any(|e| e.name == "drafts"));
    // Moving is what the arrows do in the list itself, not a command.
    assert!(!all.iter().any(|e| e.name == "down" || e.name == "command"));
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(s.modal, None);
    update(&mut s, key(':'));
    assert_eq!(s.modal, Some(Modal::Command));
}

#[test]
fn actions_are_the_top_screens_and_tools_those_the_menu_grants() {
    // A counselor whose menu offers the roster and the caseload home.
    let mut s = at_home();
    update(&mut s, key(':'));
    let all = names(&s);
    assert!(all.contains(&"caseload".to_string()) && all.contains(&"roster".to_string()));
    for not_granted in ["people", "settings", "schools", "reports"] {
        assert!(
            !all.contains(&not_granted.to_string()),
            "{not_granted}: {all:?}"
        );
    }
    // The roster's own keys are not offered on the home.
    assert!(!all.contains(&"sort".to_string()), "{all:?}");
    assert!(!all.contains(&"search".to_string()), "{all:?}");
    // An administrator's menu offers more.
    let (mut s, _) = signed_in(&["admin"], &["roster", "admin.users"]);
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, key(':'));
    assert!(names(&s).contains(&"people".to_string()), "{:?}", names(&s));
}

#[test]
fn typing_narrows_by_fuzzy_match_best_first() {
    let mut s = on_roster();
    update(&mut s, key(':'));
    typed(&mut s, "srt");
    assert_eq!(names(&s)[0], "sort", "{:?}", names(&s));
    update(&mut s, key(KeyCode::Backspace));
    update(&mut s, key(KeyCode::Backspace));
    update(&mut s, key(KeyCode::Backspace));
    typed(&mut s, "rost");
    assert_eq!(names(&s)[0], "roster", "{:?}", names(&s));
    typed(&mut s, "zzqx");
    assert!(matches(&s).is_empty());
}

#[test]
fn enter_runs_the_top_match_as_its_key_would() {
    let mut s = on_roster();
    update(&mut s, key(':'));
    typed(&mut s, "srt");
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.modal, None);
    let Screen::Roster(r) = s.top() else { panic!() };
    assert_eq!(r.query.sort, Sort::Grade, "s steps name → grade");
    assert!(
        s.message
            .as_ref()
            .is_some_and(|(_, m)| m.contains("sorted by"))
    );
}

#[test]
fn the_arrows_choose_another_entry() {
    let mut s = on_roster();
    update(&mut s, key(':'));
    // Typing starts again from the top.
    update(&mut s, key(KeyCode::Down));
    assert_eq!(s.palette.selected, 1);
    typed(&mut s, "x");
    assert_eq!(s.palette, Palette::default());
    update(&mut s, key(KeyCode::Backspace));
    typed(&mut s, "roster");
    // `roster` typed exactly would open the roster tool; the arrows pick.
    let second = matches(&s)[1].clone();
    update(&mut s, key(KeyCode::Down));
    assert_eq!(s.palette.selected, 1);
    update(&mut s, key(KeyCode::Down));
    update(&mut s, key(KeyCode::Up));
    assert_eq!(s.palette.selected, 1);
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.recent[0], second.id());
}

#[test]
fn recent_picks_come_first() {
    let mut s = on_roster();
    update(&mut s, key(':'));
    let first_before = names(&s)[0].clone();
    typed(&mut s, "drafts");
    let fx = update(&mut s, key(KeyCode::Enter));
    assert_eq!(fx, vec![Effect::LoadDrafts { show: true }]);
    update(&mut s, key(':'));
    typed(&mut s, "srt");
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, key(':'));
    assert_eq!(names(&s)[..2], ["sort", "drafts"], "newest first");
    assert_ne!(first_before, "sort");
}

#[test]
fn typed_commands_keep_working() {
    let mut s = on_roster();
    update(&mut s, key(':'));
    typed(&mut s, "q");
    update(&mut s, key(KeyCode::Enter));
    assert!(s.quit, ":q quits");

    let mut s = on_roster();
    update(&mut s, key(':'));
    typed(&mut s, "open reports");
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.top().title(), "Reports");

    // A tool key the menu does not offer goes to the database.
    update(&mut s, key(':'));
    typed(&mut s, "admin.users");
    let fx = update(&mut s, key(KeyCode::Enter));
    assert!(
        matches!(
            fx[..],
            [Effect::Load {
                read: Read::Tool { .. },
                ..
            }]
        ),
        "{fx:?}"
    );
}
