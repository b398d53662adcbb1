//! The palette through update(): what it lists on which screen, how it
//! ranks, and that running an entry does what its key or `:name` does.

use super::*;
use crate::app::fixtures;
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
    assert!(
        sort.label.starts_with("Sort, in turn: the roster by name"),
        "{}",
        sort.label
    );
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
    // Besides the student search the line started, now cancelled.
    let loads: Vec<&Effect> = fx
        .iter()
        .filter(|e| !matches!(e, Effect::Cancel { .. }))
        .collect();
    assert!(
        matches!(
            loads[..],
            [Effect::Load {
                read: Read::Tool { .. },
                ..
            }]
        ),
        "{fx:?}"
    );
}

/// The roster search a keystroke asked for: its request and text.
fn search_of(fx: &[Effect]) -> Option<(ReqId, String)> {
    fx.iter().find_map(|e| match e {
        Effect::Load {
            req,
            read:
                Read::RosterPage {
                    query,
                    page: PageRequest::First,
                    limit,
                },
        } if *limit == students::MOST && query.filters == Filters::default() => {
            Some((*req, query.search.clone()))
        }
        _ => None,
    })
}

fn answer(s: &mut State, req: ReqId, rows: &[u128]) {
    update(
        s,
        Msg::Loaded {
            req,
            data: Data::RosterPage {
                page: RosterPage {
                    rows: rows.iter().map(|n| fixtures::roster_row(*n)).collect(),
                    more: false,
                },
            },
        },
    );
}

fn students_listed(s: &State) -> Vec<String> {
    matches(s)
        .into_iter()
        .filter(|e| matches!(e.run, Run::Student { .. }))
        .map(|e| e.keys)
        .collect()
}

#[test]
fn typing_a_name_asks_the_rosters_search_and_cancels_the_one_it_supersedes() {
    let mut s = on_roster();
    update(&mut s, key(':'));
    assert_eq!(
        update(&mut s, key('L')),
        vec![],
        "one letter finds half the school"
    );
    let fx = update(&mut s, key('a'));
    let (first, text) = search_of(&fx).expect("a search");
    assert_eq!(text, "La");
    let fx = update(&mut s, key('s'));
    assert_eq!(fx[0], Effect::Cancel { req: first }, "{fx:?}");
    let (second, text) = search_of(&fx).expect("a search");
    assert_eq!(text, "Las");
    // The superseded answer, arriving anyway, is nobody's.
    answer(&mut s, first, &[9]);
    assert!(students_listed(&s).is_empty());
    answer(&mut s, second, &[1, 2]);
    assert_eq!(students_listed(&s), ["S1", "S2"]);
    let e = matches(&s).into_iter().find(|e| e.keys == "S1").unwrap();
    assert!(e.label.contains("Last0001, Ann"), "{}", e.label);
    assert!(e.label.contains("North"), "{}", e.label);
    // Typing on: until the next answer, the students that still match.
    let fx = update(&mut s, key('t'));
    assert!(search_of(&fx).is_some());
    typed(&mut s, "0002");
    assert_eq!(students_listed(&s), ["S2"]);
}

#[test]
fn enter_opens_the_students_record_and_keeps_no_student_among_recent_picks() {
    let mut s = on_roster();
    update(&mut s, key(':'));
    let fx = update(&mut s, key('L'));
    assert!(search_of(&fx).is_none());
    typed(&mut s, "ast000");
    let (req, text) = search_of(&update(&mut s, key('3'))).unwrap();
    assert_eq!(text, "Last0003");
    answer(&mut s, req, &[3]);
    let fx = update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.modal, None);
    assert!(matches!(s.top(), Screen::Student(_)), "{}", s.top().title());
    assert_eq!(s.top().title(), "Last0003, Ann");
    assert!(
        fx.iter().any(|e| matches!(
            e,
            Effect::Load {
                read: Read::Student { id },
                ..
            } if *id == Uuid::from_u128(3)
        )),
        "{fx:?}"
    );
    assert!(s.recent.iter().all(|r| !r.starts_with("student:")));
}

#[test]
fn a_name_ranks_students_above_actions_matched_only_loosely() {
    let mut s = on_roster();
    update(&mut s, key(':'));
    typed(&mut s, "sr");
    let (req, _) = search_of(&update(&mut s, key('t'))).unwrap();
    answer(&mut s, req, &[4]);
    let listed: Vec<Run> = matches(&s).into_iter().map(|e| e.run).collect();
    let student = listed
        .iter()
        .position(|r| matches!(r, Run::Student { .. }))
        .unwrap();
    let sort = listed
        .iter()
        .position(|r| *r == Run::Action(Action::Sort))
        .expect("srt still finds sort");
    assert!(student < sort, "{listed:?}");
    // A line that is the action's own name keeps it first.
    let mut s = on_roster();
    update(&mut s, key(':'));
    typed(&mut s, "sor");
    let (req, _) = search_of(&update(&mut s, key('t'))).unwrap();
    answer(&mut s, req, &[4]);
    assert_eq!(names(&s)[0], "sort", "{:?}", names(&s));
}

#[test]
fn leaving_the_palette_cancels_the_search_and_a_failure_is_said_in_it() {
    let mut s = on_roster();
    update(&mut s, key(':'));
    let last = key_str(&mut s, "an");
    let (req, _) = search_of(&update(&mut s, last)).unwrap();
    let fx = update(&mut s, key(KeyCode::Esc));
    assert_eq!(fx, vec![Effect::Cancel { req }]);

    update(&mut s, key(':'));
    let last = key_str(&mut s, "an");
    let (req, _) = search_of(&update(&mut s, last)).unwrap();
    let said = s.message.clone();
    update(
        &mut s,
        Msg::QueryFailed {
            req,
            reason: "canceling statement due to statement timeout".into(),
        },
    );
    let failed = s.palette.students.failed.clone().unwrap();
    assert!(failed.contains("statement timeout"), "{failed}");
    assert_eq!(s.message, said, "said in the palette, not over it");
}

/// Types all but the last character of `text` and returns that last key.
fn key_str(s: &mut State, text: &str) -> Msg {
    let (head, last) = text.split_at(text.len() - 1);
    typed(s, head);
    key(last.chars().next().unwrap())
}

#[test]
fn no_search_without_the_roster_or_for_a_command() {
    let (mut s, _) = signed_in(&["admin"], &["admin.users"]);
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, key(':'));
    for c in "lee".chars() {
        assert!(search_of(&update(&mut s, key(c))).is_none());
    }
    let mut s = on_roster();
    update(&mut s, key(':'));
    typed(&mut s, "theme ");
    assert!(search_of(&update(&mut s, key('l'))).is_none());
    assert!(s.palette.students.asking.is_none());
}

#[test]
fn theme_entries_and_the_theme_command_ask_the_terminal_loop_to_switch() {
    let mut s = on_roster();
    update(&mut s, key(':'));
    let all = entries(&s);
    for name in crate::config::THEMES {
        let e = all
            .iter()
            .find(|e| e.run == Run::Theme((*name).to_string()))
            .unwrap();
        assert_eq!(e.keys, format!(":theme {name}"));
    }
    typed(&mut s, "theme light");
    let fx = update(&mut s, key(KeyCode::Enter));
    assert!(
        fx.contains(&Effect::Theme {
            name: "light".into()
        }),
        "{fx:?}"
    );
    // A file theme the palette does not list is the loop's to find.
    update(&mut s, key(':'));
    typed(&mut s, "theme mine");
    let fx = update(&mut s, key(KeyCode::Enter));
    assert!(
        fx.contains(&Effect::Theme {
            name: "mine".into()
        }),
        "{fx:?}"
    );

    update(
        &mut s,
        Msg::ThemeApplied {
            name: "light".into(),
            outcome: Ok(command::ThemeNote::Applied),
        },
    );
    let (level, text) = s.message.clone().unwrap();
    assert_eq!(level, Level::Info);
    assert!(
        text.contains("theme light") && text.contains("ui.theme = \"light\""),
        "{text}"
    );
    update(
        &mut s,
        Msg::ThemeApplied {
            name: "mine".into(),
            outcome: Err("no theme \"mine\": no file /x/themes/mine.toml".into()),
        },
    );
    let (level, text) = s.message.clone().unwrap();
    assert_eq!(level, Level::Error);
    assert!(
        text.contains("theme unchanged") && text.contains("mine.toml"),
        "{text}"
    );

    update(&mut s, key(':'));
    typed(&mut s, "theme");
    let fx = update(&mut s, key(KeyCode::Enter));
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::Theme { .. })),
        "{fx:?}"
    );
}
