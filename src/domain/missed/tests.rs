//! Hand-computed cases; every date is spelled out with its weekday.

use super::*;
use crate::domain::enums::InterventionStatus as S;
use Attendance::{Cancelled, Present, StaffAbsent, StudentAbsent};

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, day).unwrap()
}

fn plan(start: NaiveDate, per_week: i16) -> Delivery {
    Delivery {
        start_date: Some(start),
        planned_end_date: Some(d(12, 20)),
        ended_on: None,
        sessions_per_week: Some(per_week),
        minutes_per_session: Some(30),
        sessions_delivered: 0,
        minutes_delivered: 0,
    }
}

fn log(on: NaiveDate, attendance: Attendance) -> Logged {
    Logged { on, attendance }
}

fn change(on: NaiveDate, from: Option<S>, to: S) -> StatusChange {
    StatusChange { on, from, to }
}

/// Everything from the start; the span never limits these cases.
const ALL: (NaiveDate, NaiveDate) = (NaiveDate::MIN, NaiveDate::MAX);

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// (monday, expected, delivered, missed) of each week.
fn summary(weeks: &[Week]) -> Vec<(NaiveDate, f64, u32, f64)> {
    weeks
        .iter()
        .map(|w| (w.monday, w.expected, w.delivered, w.missed()))
        .collect()
}

fn assert_weeks(got: &[Week], want: &[(NaiveDate, f64, u32, f64)]) {
    let g = summary(got);
    assert_eq!(g.len(), want.len(), "{g:?}");
    for (a, b) in g.iter().zip(want) {
        assert_eq!(a.0, b.0, "{g:?}");
        assert!(
            close(a.1, b.1) && a.2 == b.2 && close(a.3, b.3),
            "{a:?} != {b:?}"
        );
    }
}

#[test]
fn twice_weekly_over_four_weeks_with_absences() {
    // Mon 2 Nov .. Sun 29 Nov: four whole weeks of 2 expected.
    let logged = [
        log(d(11, 3), Present),
        log(d(11, 5), Present),
        log(d(11, 10), Present),
        log(d(11, 12), StudentAbsent),
        log(d(11, 17), StaffAbsent),
        log(d(11, 19), Cancelled),
        // Three in the last week: the extra one makes up for nothing.
        log(d(11, 24), Present),
        log(d(11, 25), Present),
        log(d(11, 26), Present),
    ];
    let w = weeks(&plan(d(11, 2), 2), &[], &logged, ALL, d(11, 29));
    assert_weeks(
        &w,
        &[
            (d(11, 2), 2.0, 2, 0.0),
            (d(11, 9), 2.0, 1, 1.0),
            (d(11, 16), 2.0, 0, 2.0),
            (d(11, 23), 2.0, 3, 0.0),
        ],
    );
    assert_eq!(
        w[1].absences,
        Absences {
            student: 1,
            ..Default::default()
        }
    );
    let t = tally(&w);
    assert!(close(t.expected, 8.0) && close(t.missed, 3.0), "{t:?}");
    assert_eq!(t.delivered, 6);
    assert_eq!(
        t.absences,
        Absences {
            student: 1,
            staff: 1,
            cancelled: 1
        }
    );
    // The same window fidelity plans for: 28 days ÷ 7 × 2.
    let f = fidelity::fidelity(&plan(d(11, 2), 2), d(11, 29), 0.8).unwrap();
    assert!(close(f.planned_sessions, t.expected));
}

#[test]
fn paused_days_are_not_expected() {
    // Three a week from Mon 2 Nov; paused Wed 11 Nov, resumed Mon 23 Nov.
    let history = [
        change(d(11, 2), Some(S::Planned), S::Active),
        change(d(11, 11), Some(S::Active), S::Paused),
        change(d(11, 23), Some(S::Paused), S::Active),
    ];
    let logged = [
        log(d(11, 3), Present),
        log(d(11, 5), Present),
        log(d(11, 6), Present),
        log(d(11, 10), Present),
        // In the wholly paused week: not listed, not counted.
        log(d(11, 18), Present),
        log(d(11, 24), Present),
    ];
    let w = weeks(&plan(d(11, 2), 3), &history, &logged, ALL, d(11, 29));
    assert_weeks(
        &w,
        &[
            (d(11, 2), 3.0, 3, 0.0),
            // Paused from Wednesday: Mon and Tue, 3 × 2 ÷ 5 = 1.2; one
            // delivered leaves 0.2.
            (d(11, 9), 1.2, 1, 0.2),
            // 16–22 Nov paused throughout: no week. Resumed Monday: a whole week.
            (d(11, 23), 3.0, 1, 2.0),
        ],
    );
    assert_eq!(w[1].days, 2);
    let t = tally(&w);
    assert!(close(t.missed, 2.2) && close(t.expected, 7.2), "{t:?}");
    assert_eq!((t.missed_sessions(), t.expected_sessions()), (2, 7));
}

#[test]
fn a_plan_starting_mid_week_expects_part_of_its_first_week() {
    // Twice a week from Thu 5 Nov, judged on Wed 18 Nov: school days
    // Thu–Fri, a whole week, Mon–Wed: 2 + 5 + 3.
    let logged = [log(d(11, 5), Present), log(d(11, 17), Present)];
    let w = weeks(&plan(d(11, 5), 2), &[], &logged, ALL, d(11, 18));
    assert_weeks(
        &w,
        &[
            (d(11, 2), 0.8, 1, 0.0),
            (d(11, 9), 2.0, 0, 2.0),
            (d(11, 16), 1.2, 1, 0.2),
        ],
    );
    assert_eq!((w[0].days, w[2].days), (2, 3));
    let t = tally(&w);
    assert!(close(t.expected, 4.0), "10 school days ÷ 5 × 2: {t:?}");
    assert!(close(t.missed, 2.2), "{t:?}");
    // Fidelity counts the 14 calendar days: 4 too, but not week by week.
    let f = fidelity::fidelity(&plan(d(11, 5), 2), d(11, 18), 0.8).unwrap();
    assert!(close(f.planned_sessions, 4.0), "{f:?}");
}

#[test]
fn tuesday_to_friday_of_a_daily_plan_expects_four() {
    // Five a week from Tue 1 Dec, judged Fri 4 Dec (the new user's case:
    // fidelity's calendar days would say 4 ÷ 7 × 5 ≈ 2.9).
    let logged = [log(d(12, 1), Present), log(d(12, 3), StudentAbsent)];
    let w = weeks(&plan(d(12, 1), 5), &[], &logged, ALL, d(12, 4));
    assert_weeks(&w, &[(d(11, 30), 4.0, 1, 3.0)]);
    let t = tally(&w);
    assert_eq!((t.expected_sessions(), t.missed_sessions()), (4, 3));
}

#[test]
fn a_plan_starting_on_a_saturday_expects_nothing_that_weekend() {
    // Twice a week from Sat 7 Nov; a session on Sunday does not make a week.
    let logged = [log(d(11, 8), Present)];
    let p = plan(d(11, 7), 2);
    assert!(weeks(&p, &[], &logged, ALL, d(11, 7)).is_empty());
    assert!(weeks(&p, &[], &logged, ALL, d(11, 8)).is_empty());
    // Monday 9 Nov is its first school day: 2 ÷ 5.
    let w = weeks(&p, &[], &logged, ALL, d(11, 9));
    assert_weeks(&w, &[(d(11, 9), 0.4, 0, 0.4)]);
    // Whole weeks are the plan's frequency, weekend or not.
    let w = weeks(&p, &[], &logged, ALL, d(11, 22));
    assert_weeks(&w, &[(d(11, 9), 2.0, 0, 2.0), (d(11, 16), 2.0, 0, 2.0)]);
}

#[test]
fn a_plan_ended_early_expects_nothing_after_its_end() {
    // Twice a week from Mon 2 Nov, discontinued Wed 11 Nov, judged 1 Dec.
    let ended = Delivery {
        ended_on: Some(d(11, 11)),
        ..plan(d(11, 2), 2)
    };
    let logged = [log(d(11, 3), Present), log(d(11, 13), Present)];
    let w = weeks(&ended, &[], &logged, ALL, d(12, 1));
    assert_weeks(
        &w,
        // Mon–Wed of the second week: 2 × 3 ÷ 5.
        &[(d(11, 2), 2.0, 1, 1.0), (d(11, 9), 1.2, 0, 1.2)],
    );
    // The planned end closes the window the same way.
    let planned = Delivery {
        planned_end_date: Some(d(11, 11)),
        ..plan(d(11, 2), 2)
    };
    assert_eq!(weeks(&planned, &[], &logged, ALL, d(12, 1)), w);
}

#[test]
fn nothing_is_expected_without_a_plan_or_before_the_start() {
    let logged = [log(d(11, 3), StudentAbsent)];
    assert!(weeks(&plan(d(11, 2), 0), &[], &logged, ALL, d(11, 29)).is_empty());
    let none = Delivery {
        sessions_per_week: None,
        ..plan(d(11, 2), 2)
    };
    assert!(weeks(&none, &[], &logged, ALL, d(11, 29)).is_empty());
    let unstarted = Delivery {
        start_date: None,
        ..plan(d(11, 2), 2)
    };
    assert!(weeks(&unstarted, &[], &logged, ALL, d(11, 29)).is_empty());
    assert!(weeks(&plan(d(11, 2), 2), &[], &logged, ALL, d(11, 1)).is_empty());
    assert_eq!(tally(&[]), Tally::default());
}

#[test]
fn a_month_counts_only_its_own_days() {
    // Twice a week from Mon 26 Oct; the month of Wed 4 Nov is 1–4 Nov:
    // Sun 1 Nov alone in the week of 26 Oct (no school day: not listed),
    // then Mon–Wed.
    let logged = [log(d(10, 29), Present), log(d(11, 3), Present)];
    let today = d(11, 4);
    let span = (month_start(today), today);
    assert_eq!(span.0, d(11, 1));
    let w = weeks(&plan(d(10, 26), 2), &[], &logged, span, today);
    // 29 Oct is before the month: not delivered in it.
    assert_weeks(&w, &[(d(11, 2), 1.2, 1, 0.2)]);
    // The month of Mon 2 Nov: Monday alone, with nothing logged yet.
    let w = weeks(
        &plan(d(10, 26), 2),
        &[],
        &[],
        (d(11, 1), d(11, 2)),
        d(11, 2),
    );
    assert_weeks(&w, &[(d(11, 2), 0.4, 0, 0.4)]);
    assert_eq!(tally(&w).missed_sessions(), 0, "0.4 rounds to nothing");
}

#[test]
fn pauses_from_a_history() {
    let history = [
        change(d(9, 1), None, S::Referred),
        change(d(9, 7), Some(S::Referred), S::Planned),
        change(d(9, 8), Some(S::Planned), S::Active),
        change(d(10, 1), Some(S::Active), S::Paused),
        change(d(10, 15), Some(S::Paused), S::Active),
        change(d(11, 2), Some(S::Active), S::Paused),
    ];
    assert_eq!(
        pauses(&history),
        vec![(d(10, 1), Some(d(10, 15))), (d(11, 2), None)]
    );
    // Paused to discontinued ends the pause too (the end date closes the window).
    let closed = [
        change(d(10, 1), Some(S::Active), S::Paused),
        change(d(10, 9), Some(S::Paused), S::Discontinued),
    ];
    assert_eq!(pauses(&closed), vec![(d(10, 1), Some(d(10, 9)))]);
    assert_eq!(monday_of(d(11, 29)), d(11, 23));
    assert_eq!(monday_of(d(11, 23)), d(11, 23));
}

#[test]
fn a_pause_still_running_expects_nothing_up_to_today() {
    // Paused Fri 6 Nov and never resumed: Mon–Thu of that week only.
    let history = [change(d(11, 6), Some(S::Active), S::Paused)];
    let w = weeks(&plan(d(11, 2), 2), &history, &[], ALL, d(11, 29));
    assert_weeks(&w, &[(d(11, 2), 1.6, 0, 1.6)]);
}

#[test]
fn whole_sessions_round_half_up_from_the_exact_sums() {
    assert_eq!(whole(0.0), 0);
    assert_eq!(whole(0.4), 0);
    assert_eq!(whole(0.5), 1);
    assert_eq!(whole(2.5), 3);
    assert_eq!(whole(2.6), 3);
    assert_eq!(whole(7.2), 7);
    // A sum that should be a half but came out a hair below it in
    // floating point still rounds up; a tenth below does not.
    assert_eq!(whole(2.5 - 1e-12), 3);
    assert_eq!(whole(2.4), 2);
    // Two weeks of 0.4 missed each: nothing week by week, 1 together.
    let week = |monday| Week {
        monday,
        days: 1,
        expected: 0.4,
        delivered: 0,
        absences: Absences::default(),
    };
    let w = [week(d(11, 2)), week(d(11, 9))];
    assert!(w.iter().all(|w| whole(w.missed()) == 0));
    let t = tally(&w);
    assert_eq!((t.missed_sessions(), t.expected_sessions()), (1, 1));
}

#[test]
fn the_list_leaves_out_what_rounds_to_nothing_missed() {
    use crate::domain::caseload::InterventionRef;
    let row = |n: u128, missed: f64| MissedRow {
        of: InterventionRef {
            intervention_id: uuid::Uuid::from_u128(n),
            student_id: uuid::Uuid::from_u128(100 + n),
            student_name: format!("Student {n}"),
            name: "Plan".into(),
        },
        status: S::Active,
        sessions_per_week: 2,
        tally: Tally {
            expected: 4.0,
            delivered: 0,
            missed,
            absences: Absences::default(),
        },
    };
    let rows = vec![row(1, 0.4), row(2, 0.5), row(3, 2.2), row(4, 0.0)];
    let kept: Vec<u128> = worst_first(rows, 10)
        .iter()
        .map(|r| r.of.intervention_id.as_u128())
        .collect();
    assert_eq!(kept, [3, 2]);
}
