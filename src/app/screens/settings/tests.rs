//! The Settings editor through update(): the scopes in turn, a value edited
//! and checked by its type and bounds before it is sent, a school's own
//! value set and removed, and a district-wide setting kept district-wide.

use super::{SettingsState, View};
use crate::app::fixtures::{ctrl, key};
use crate::app::iv_tests::at_home;
use crate::app::screens::schools::tests::open_tool;
use crate::app::test_prelude::*;
use crate::domain::enums::FieldType;
use crate::domain::people::SchoolRef;
use crate::domain::settings::{OwnSetting, Setting, SettingScope, SettingsBook};
use serde_json::json;

fn setting(key: &str, v: serde_json::Value, lo: f64, hi: f64, per_school: bool) -> Setting {
    Setting {
        key: key.into(),
        label: key.replace('_', " "),
        description: format!("what {key} does"),
        value_type: FieldType::Number,
        value: v,
        min: Some(lo),
        max: Some(hi),
        choices: vec![],
        per_school,
        schools: vec![],
    }
}

pub(crate) fn book() -> SettingsBook {
    let mut minutes = setting("default_session_minutes", json!(30), 1.0, 600.0, true);
    minutes.schools = vec![("S1".into(), json!(45))];
    SettingsBook {
        settings: vec![
            setting("decision_rule_points", json!(4), 1.0, 50.0, false),
            minutes,
        ],
        schools: vec![
            SchoolRef {
                local_id: "N1".into(),
                name: "North".into(),
            },
            SchoolRef {
                local_id: "S1".into(),
                name: "South".into(),
            },
        ],
        mine: vec![OwnSetting {
            key: "roster.filters".into(),
            value: json!({"sort": "name"}),
        }],
        district: true,
    }
}

fn settings(s: &State) -> &SettingsState {
    match s.top() {
        Screen::Settings(x) => x,
        other => panic!("top is {}", other.title()),
    }
}

pub(crate) fn loaded() -> State {
    loaded_with(book())
}

/// As `loaded`, with this book.
fn loaded_with(the_book: SettingsBook) -> State {
    let mut s = at_home();
    let (tool, req, read) = open_tool(&mut s, "settings", "Settings");
    assert_eq!(tool, "admin.settings");
    assert!(matches!(read, Read::Settings), "{read:?}");
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::Settings {
                book: Box::new(the_book),
            },
        },
    );
    s
}

fn type_text(s: &mut State, text: &str) {
    for c in text.chars() {
        update(s, key(c));
    }
}

#[test]
fn a_value_out_of_bounds_is_not_sent_and_a_good_one_is() {
    let mut s = loaded();
    assert_eq!(settings(&s).settings().len(), 2);
    update(&mut s, key(KeyCode::Enter));
    let ed = settings(&s).editing.as_ref().expect("the editor opens");
    assert_eq!(ed.form.values, ["4"]);
    assert_eq!(ed.scope, SettingScope::System);
    update(&mut s, key(ctrl('u')));
    type_text(&mut s, "60");
    let fx = update(&mut s, key(KeyCode::Enter));
    assert!(fx.is_empty(), "{fx:?}");
    let ed = settings(&s).editing.as_ref().unwrap();
    assert_eq!(
        ed.form.shown_error(0),
        Some("decision rule points is at most 50")
    );
    update(&mut s, key(ctrl('u')));
    type_text(&mut s, "abc");
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    update(&mut s, key(ctrl('u')));
    type_text(&mut s, "5");
    let fx = update(&mut s, key(KeyCode::Enter));
    let [
        Effect::SaveSetting {
            req,
            key: ref name,
            ref scope,
            ref value,
        },
    ] = fx[..]
    else {
        panic!("{fx:?}")
    };
    assert_eq!(name, "decision_rule_points");
    assert_eq!(*scope, SettingScope::System);
    assert_eq!(
        *value,
        Some(json!(5)),
        "a whole number, as the readers take it"
    );
    // The database said no: the value typed stays, with its words.
    update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Admin(Err("permission denied for table settings".into())),
        },
    );
    let ed = settings(&s).editing.as_ref().unwrap();
    assert_eq!(ed.form.values, ["5"]);
    assert_eq!(
        ed.form.notice.as_deref(),
        Some("permission denied for table settings")
    );
    let fx = update(&mut s, key(KeyCode::Enter));
    let [Effect::SaveSetting { req, .. }] = fx[..] else {
        panic!("{fx:?}")
    };
    let fx = update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Admin(Ok(())),
        },
    );
    assert!(settings(&s).editing.is_none());
    assert!(matches!(
        fx[..],
        [Effect::Load {
            read: Read::Settings,
            ..
        }]
    ));
}

#[test]
fn scopes_in_turn_show_only_what_varies_by_school() {
    let mut s = loaded();
    update(&mut s, key('s'));
    assert_eq!(settings(&s).view, View::School(0));
    assert_eq!(settings(&s).scope_label(), "North");
    let keys: Vec<&str> = settings(&s)
        .settings()
        .iter()
        .map(|x| x.key.as_str())
        .collect();
    assert_eq!(
        keys,
        ["default_session_minutes"],
        "decision rules are district-wide"
    );
    // N1 has no value of its own: nothing to remove.
    assert!(update(&mut s, key('x')).is_empty());
    update(&mut s, key('s'));
    assert_eq!(settings(&s).scope_label(), "South");
    let fx = update(&mut s, key('x'));
    let [
        Effect::SaveSetting {
            req,
            ref scope,
            ref value,
            ..
        },
    ] = fx[..]
    else {
        panic!("{fx:?}")
    };
    assert_eq!(*scope, SettingScope::School("S1".into()));
    assert_eq!(*value, None);
    // One write at a time: the scope stays until it is answered.
    update(&mut s, key('s'));
    assert_eq!(settings(&s).scope_label(), "South");
    let fx = update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Admin(Ok(())),
        },
    );
    assert!(matches!(
        fx[..],
        [Effect::Load {
            read: Read::Settings,
            ..
        }]
    ));
    assert!(
        s.message
            .as_ref()
            .is_some_and(|(_, m)| m.contains("South follows the district"))
    );
    update(&mut s, key('s'));
    assert_eq!(settings(&s).view, View::Mine);
    assert_eq!(settings(&s).rows(), 1);
}

#[test]
fn a_school_value_is_edited_from_the_schools_own() {
    let mut s = loaded();
    update(&mut s, key('s'));
    update(&mut s, key('s'));
    update(&mut s, key(KeyCode::Enter));
    let ed = settings(&s).editing.as_ref().unwrap();
    assert_eq!(ed.form.values, ["45"], "S1's own value, not the district's");
    update(&mut s, key(ctrl('u')));
    type_text(&mut s, "40");
    let fx = update(&mut s, key(KeyCode::Enter));
    let [
        Effect::SaveSetting {
            ref scope,
            ref value,
            ..
        },
    ] = fx[..]
    else {
        panic!("{fx:?}")
    };
    assert_eq!(*scope, SettingScope::School("S1".into()));
    assert_eq!(*value, Some(json!(40)));
}

#[test]
fn whole_numbers_are_stored_as_integers_and_fractions_kept() {
    assert_eq!(super::whole(json!(10.0)), json!(10));
    assert_eq!(super::whole(json!(0.85)), json!(0.85));
    assert_eq!(super::whole(json!("10.0")), json!("10.0"));
}

/// A coordinator of South: the district's values are read-only, South's
/// are theirs, and the screen opens on them.
#[test]
fn a_coordinator_opens_on_their_school_and_may_not_edit_the_district() {
    let mut b = book();
    b.district = false;
    b.schools.retain(|sc| sc.local_id == "S1");
    let mut s = loaded_with(b);
    assert_eq!(settings(&s).view, super::View::School(0));
    assert_eq!(settings(&s).scope_label(), "South");
    update(&mut s, key(KeyCode::Enter));
    let ed = settings(&s).editing.as_ref().expect("their school's value");
    assert_eq!(ed.scope, SettingScope::School("S1".into()));
    assert_eq!(ed.form.values, ["45"]);
    update(&mut s, key(KeyCode::Esc));
    assert!(settings(&s).editing.is_none());
    // s: round to their own rows, then the district.
    update(&mut s, key('s'));
    update(&mut s, key('s'));
    assert_eq!(settings(&s).view, super::View::District);
    let fx = update(&mut s, key(KeyCode::Enter));
    assert!(fx.is_empty(), "{fx:?}");
    assert!(settings(&s).editing.is_none());
    assert_eq!(
        s.message.as_ref().map(|(_, m)| m.as_str()),
        Some(
            "district values are the administrators' to change: s shows your schools', which you may set"
        )
    );
}
