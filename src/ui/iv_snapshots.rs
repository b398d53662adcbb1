//! The caseload home and the intervention detail (goals tab with its
//! chart) at 80×24 and 120×40, in colour and with NO_COLOR.

use crate::app::fixtures::{self, day, key};
use crate::app::{Data, Read};
use crate::app::{Effect, Msg, Options, State, update};
use crate::domain::caseload::CaseloadHome;
use crate::domain::enums::{InterventionStatus, NavigationType};
use crate::domain::navigation::NavItem;
use crate::ui::{self, theme::Theme};
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use uuid::Uuid;

fn at_home(width: u16, height: u16) -> State {
    at_home_with(width, height, fixtures::home())
}

fn at_home_with(width: u16, height: u16, loaded: CaseloadHome) -> State {
    at_home_as(width, height, loaded, &["counselor"])
}

/// Signed in with `roles`, the home loaded with `loaded`, at this size.
pub(super) fn at_home_as(width: u16, height: u16, loaded: CaseloadHome, roles: &[&str]) -> State {
    let (mut s, fx) = signed_in_at(width, height, roles);
    fixtures::home_loaded(&mut s, &fx, &loaded);
    s
}

/// Signed in with `roles` at this size: the home's reads on their way.
pub(super) fn signed_in_at(width: u16, height: u16, roles: &[&str]) -> (State, Vec<Effect>) {
    let opts = Options {
        connection_label: "dana@db:5432/caseload".into(),
        ..Options::default()
    };
    let items = vec![NavItem {
        id: Uuid::from_u128(1),
        parent_id: None,
        label: "Caseload".into(),
        nav_type: NavigationType::Screen,
        target: Some("caseload".into()),
        hotkey: Some("h".into()),
        sort_order: 1,
    }];
    let (mut s, fx) = fixtures::signed_in(opts, fixtures::whoami(roles), items);
    assert!(fixtures::home_loads(&fx).is_some(), "{fx:?}");
    update(&mut s, Msg::Resize { width, height });
    (s, fx)
}

pub(super) fn at_detail(width: u16, height: u16) -> State {
    let mut s = at_home(width, height);
    let fx = update(&mut s, key(KeyCode::Enter));
    let Effect::Load {
        req,
        read: Read::Intervention { .. },
    } = fx[0]
    else {
        panic!("{fx:?}")
    };
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::Intervention {
                detail: Some(Box::new(fixtures::detail(InterventionStatus::Active))),
                today: day(fixtures::TODAY),
            },
        },
    );
    s
}

pub(super) fn draw(s: &State, width: u16, height: u16, no_color: bool) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(width, height)).unwrap();
    t.draw(|f| ui::render(f, s, &Theme::new(no_color))).unwrap();
    t
}

pub(super) fn text(t: &Terminal<TestBackend>) -> String {
    let b = t.backend().buffer();
    let mut out = String::new();
    for y in 0..b.area.height {
        for x in 0..b.area.width {
            out.push_str(b[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

pub(super) fn no_colours(t: &Terminal<TestBackend>) -> bool {
    t.backend()
        .buffer()
        .content
        .iter()
        .all(|c| c.fg == Color::Reset && c.bg == Color::Reset)
}

#[test]
fn home_80x24() {
    let t = draw(&at_home(80, 24), 80, 24, false);
    let screen = text(&t);
    assert!(!screen.contains('\x1b'));
    insta::assert_snapshot!(screen);
}

#[test]
fn home_120x40_no_color() {
    let t = draw(&at_home(120, 40), 120, 40, true);
    assert!(no_colours(&t));
    insta::assert_snapshot!(text(&t));
}

/// The bound's note, on two lines where one would cut it off, and every
/// section's count "of" its total.
#[test]
fn cut_home_80x24() {
    let t = draw(&at_home_with(80, 24, fixtures::cut_home()), 80, 24, false);
    let screen = text(&t);
    assert!(screen.contains("Showing the 3 most urgent of 101,476 open interventions"));
    assert!(screen.contains("narrow them in the roster (:open roster)"));
    assert!(screen.contains("My active interventions (3 of 85,776 shown)"));
    insta::assert_snapshot!(screen);
}

#[test]
fn cut_home_200x60_no_color() {
    let t = draw(&at_home_with(200, 60, fixtures::cut_home()), 200, 60, true);
    assert!(no_colours(&t));
    let screen = text(&t);
    assert!(screen.contains(
        "Showing the 3 most urgent of 101,476 open interventions and the 1 oldest overdue \
         follow-ups — narrow them in the roster (:open roster)"
    ));
    insta::assert_snapshot!(screen);
}

#[test]
fn detail_goals_chart_80x24() {
    let t = draw(&at_detail(80, 24), 80, 24, false);
    let screen = text(&t);
    // The flag, its threshold and every tab's count survive 80 columns;
    // each percentage stands beside the numbers it comes from.
    assert!(screen.contains("sessions 12 of 26.1 (46%)"), "{screen}");
    assert!(screen.contains("⚑ below the 80% threshold"), "{screen}");
    assert!(screen.contains("5 communications (0)"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn detail_goals_chart_200x60() {
    let t = draw(&at_detail(200, 60), 200, 60, false);
    let screen = text(&t);
    assert!(screen.contains("· planned 3×/week, 30 min"), "{screen}");
    assert!(
        !screen.contains('…'),
        "nothing cut at 200 columns: {screen}"
    );
    insta::assert_snapshot!(screen);
}

/// A goal closed as not met whose points ran above the aimline: the
/// decision line says it is closed, never "exceeding"; a goal without a
/// rule says "no decision rule", not "none rule".
#[test]
fn a_closed_goal_is_not_judged_80x24() {
    use crate::domain::kinds::{GoalRule, GoalStatus};
    let mut s = at_detail(80, 24);
    let crate::app::Screen::Intervention(d) = s.top_mut() else {
        panic!("not on the detail")
    };
    let Some(detail) = d.detail.get_mut() else {
        panic!("not loaded")
    };
    let g = &mut detail.goals[0];
    for p in &mut g.points {
        p.value = 95.0;
    }
    g.goal.fields.status = GoalStatus::NotMet;
    detail.goals[1].goal.fields.decision_rule = GoalRule::None;
    let screen = text(&draw(&s, 80, 24, false));
    assert!(
        screen.contains("decision: none, the goal is closed (not met)"),
        "{screen}"
    );
    assert!(screen.contains("· goal not met"), "{screen}");
    assert!(!screen.contains("exceeding"), "{screen}");
    insta::assert_snapshot!(screen);
    update(&mut s, key('j'));
    let screen = text(&draw(&s, 80, 24, false));
    assert!(screen.contains("decision: no decision rule"), "{screen}");
    assert!(!screen.contains("none rule"), "{screen}");
}

#[test]
fn detail_goals_chart_120x40() {
    let t = draw(&at_detail(120, 40), 120, 40, false);
    insta::assert_snapshot!(text(&t));
}

#[test]
fn detail_no_color_with_the_action_prompt() {
    let mut s = at_detail(80, 24);
    update(&mut s, key('a'));
    let t = draw(&s, 80, 24, true);
    assert!(no_colours(&t));
    insta::assert_snapshot!(text(&t));
}
