//! Missed sessions (the month's list, and the recent weeks on the
//! intervention detail's sessions tab) and My caseload, at 80×24 and
//! 120×40, with NO_COLOR, with names that carry control characters.

use crate::app::missed::tests as missed;
use crate::app::my_caseload::tests as mine;
use crate::app::{Msg, State, update};
use crate::ui::iv_snapshots::{at_detail, draw, no_colours, text};
use crossterm::event::KeyCode;

fn sized(mut s: State, width: u16, height: u16) -> State {
    update(&mut s, Msg::Resize { width, height });
    s
}

fn missed_list(width: u16, height: u16) -> String {
    let t = draw(
        &sized(missed::loaded(), width, height),
        width,
        height,
        false,
    );
    text(&t)
}

#[test]
fn missed_80x24() {
    let screen = missed_list(80, 24);
    assert!(
        screen.contains("missed sessions this month (1–31 Oct 2026)"),
        "{screen}"
    );
    assert!(
        screen.contains("p period"),
        "the period key's hint: {screen}"
    );
    // Worst first, with the absences by reason.
    let ava = screen.find("Ava Nguyen").expect("Ava listed");
    let ben = screen.find("Ben Okafor").expect("Ben listed");
    assert!(ava < ben, "{screen}");
    assert!(
        screen.contains("3 running interventions with missed sessions"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn missed_120x40() {
    let screen = missed_list(120, 40);
    assert!(
        screen.contains("2 student absent, 1 staff absent"),
        "{screen}"
    );
    // Ben's 2.5 missed reads as 3 whole sessions, of 12 expected.
    let ben = screen
        .lines()
        .find(|l| l.contains("Ben Okafor"))
        .unwrap_or_else(|| panic!("{screen}"));
    let counts: Vec<&str> = ben.split_whitespace().skip(5).take(4).collect();
    assert_eq!(counts, ["12", "(3/wk)", "9", "3"], "{ben}");
    assert!(!screen.contains("2.5"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn missed_no_color_and_hostile_names() {
    let mut s = missed::loaded();
    if let crate::app::Screen::Missed(m) = s.top_mut()
        && let Some(month) = m.list.get_mut()
    {
        month.rows[0].of.student_name = "Ava\u{1b}[2J Nguyen\u{202e}".into();
    }
    let t = draw(&sized(s, 80, 24), 80, 24, true);
    assert!(no_colours(&t));
    let screen = text(&t);
    assert!(
        !screen.contains('\x1b') && !screen.contains('\u{202e}'),
        "{screen}"
    );
    assert!(screen.contains("Ava� Nguyen� Read Naturally"), "{screen}");
}

#[test]
fn missed_loading_failed_and_empty() {
    let (s, req) = missed::opened();
    let mut s = sized(s, 80, 24);
    let screen = text(&draw(&s, 80, 24, false));
    assert!(
        screen.contains("counting missed sessions this month…"),
        "{screen}"
    );
    update(
        &mut s,
        crate::app::fixtures::query_failed(req, "permission denied"),
    );
    let screen = text(&draw(&s, 80, 24, false));
    assert!(
        screen.contains("permission denied (r to retry, esc to go back)"),
        "{screen}"
    );
    let fx = update(&mut s, crate::app::fixtures::key('r'));
    let Some(crate::app::Effect::Load { req, .. }) = fx.last() else {
        panic!("{fx:?}")
    };
    update(
        &mut s,
        Msg::Loaded {
            req: *req,
            data: crate::app::Data::Missed {
                rows: vec![],
                period: crate::domain::missed::Period::ThisMonth,
                span: (
                    crate::app::fixtures::day(30),
                    crate::app::fixtures::day(crate::app::fixtures::TODAY),
                ),
            },
        },
    );
    let screen = text(&draw(&s, 80, 24, false));
    assert!(
        screen.contains("no running intervention you can see has missed a session this month"),
        "{screen}"
    );
    assert!(
        screen.contains("0 running interventions with missed sessions"),
        "{screen}"
    );
}

#[test]
fn the_period_key_heads_the_list_with_its_period_and_dates() {
    use crate::domain::missed::Period;
    let mut s = sized(missed::loaded(), 80, 24);
    update(&mut s, crate::app::fixtures::key('p'));
    let fx = update(&mut s, crate::app::fixtures::key('p'));
    let (req, period) = missed::load_of_list(&fx);
    assert_eq!(period, Period::Last4Weeks);
    missed::arrive_for(&mut s, req, period, missed::rows());
    let screen = text(&draw(&s, 80, 24, false));
    // Sat 31 Oct: its week from Mon 26 Oct and the three before.
    assert!(
        screen.contains("missed sessions in the last 4 weeks (5–31 Oct 2026)"),
        "{screen}"
    );
    let fx = update(&mut s, crate::app::fixtures::key('p'));
    let (req, period) = missed::load_of_list(&fx);
    assert_eq!(period, Period::ThisMonth);
    let fx = update(&mut s, crate::app::fixtures::key('p'));
    let (req_last, period) = missed::load_of_list(&fx);
    assert_eq!(period, Period::LastMonth);
    assert_ne!(req, req_last);
    missed::arrive_for(&mut s, req_last, period, vec![]);
    let screen = text(&draw(&s, 80, 24, false));
    assert!(
        screen.contains("missed sessions last month (1–30 Sep 2026)"),
        "{screen}"
    );
    assert!(
        screen.contains("no running intervention you can see has missed a session last month"),
        "{screen}"
    );
}

#[test]
fn tiny_terminals_do_not_panic() {
    for (w, h) in [(1, 1), (20, 5), (40, 8)] {
        draw(&sized(missed::loaded(), w, h), w, h, false);
        draw(&sized(mine::loaded(), w, h), w, h, false);
    }
}

/// The detail's sessions tab: the fixture plans 3 a week from 1 Sep and
/// is judged on Sat 31 Oct; its sessions are Tue 29 Sep, Fri 2 Oct, Mon 5
/// Oct (student absent), Thu 8 Oct and Sun 11 Oct.
#[test]
fn detail_sessions_tab_shows_recent_weeks_120x40() {
    let mut s = at_detail(120, 40);
    update(&mut s, crate::app::fixtures::key('2'));
    let screen = text(&draw(&s, 120, 40, false));
    // Four weeks, each with its five school days (the last one's Saturday
    // adds nothing): 3 + 3 + 3 + 3 = 12 expected; 2 delivered (Thu 8 Oct
    // and Sunday 11 Oct), so 10 missed; one student absence.
    assert!(
        screen.contains(
            "missed sessions, last 4 weeks: 10 of 12 expected · absences: 1 student absent"
        ),
        "{screen}"
    );
    assert!(
        screen.contains("Mon 5 Oct  3        2         1      1 student absent"),
        "{screen}"
    );
    assert!(
        screen.contains("Mon 26 Oct 3        0         3"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn detail_sessions_tab_keeps_the_summary_when_short_of_room() {
    let mut s = at_detail(80, 16);
    update(&mut s, crate::app::fixtures::key('2'));
    let screen = text(&draw(&s, 80, 16, false));
    assert!(
        screen.contains("missed sessions, last 4 weeks: 10 of 12"),
        "{screen}"
    );
    assert!(
        !screen.contains("week of"),
        "no room for the table: {screen}"
    );
    assert!(
        screen.contains("2026-10-11"),
        "the sessions keep their rows: {screen}"
    );
}

fn my_caseload(width: u16, height: u16, no_color: bool) -> String {
    let t = draw(
        &sized(mine::loaded(), width, height),
        width,
        height,
        no_color,
    );
    if no_color {
        assert!(no_colours(&t));
    }
    text(&t)
}

#[test]
fn my_caseload_80x24() {
    let screen = my_caseload(80, 24, false);
    assert!(screen.contains("Nguyen, Ava"), "{screen}");
    assert!(screen.contains("2 (1 overdue)"), "{screen}");
    // Below 100 columns the school gives way to the open interventions.
    assert!(!screen.contains("Lincoln"), "{screen}");
    assert!(screen.contains("Read Naturally (review due)"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn my_caseload_120x40_no_color() {
    let screen = my_caseload(120, 40, true);
    assert!(
        screen.contains("Read Naturally (review due) +1 more"),
        "the most urgent open intervention: {screen}"
    );
    assert!(screen.contains("2026-10-21 phone"), "{screen}");
    assert!(screen.contains("3 students"), "{screen}");
    assert!(screen.contains("04 · Lincoln"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn my_caseload_says_when_there_are_more() {
    let (s, req) = mine::opened();
    let mut s = sized(s, 120, 40);
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: crate::app::Data::MyCaseload {
                list: Box::new(mine::list(true)),
            },
        },
    );
    let screen = text(&draw(&s, 120, 40, false));
    assert!(screen.contains("the first 3 students · more…"), "{screen}");
    update(&mut s, crate::app::fixtures::key(KeyCode::Char('s')));
    let screen = text(&draw(&s, 120, 40, false));
    assert!(screen.contains("· by most urgent"), "{screen}");
}
