//! The Reports screen through update(): the folder's list arrives, `o`
//! hands the selected report to the opener, `R` runs it again and the list
//! reloads, `1`–`3` write new ones, `s` chooses the recap's school.

use super::ReportsState;
use crate::app::fixtures::{key, only_load};
use crate::app::iv_tests::signed_in;
use crate::app::schools::tests::typed;
use crate::app::test_prelude::*;
use crate::domain::enums::GradeLevel;
use crate::domain::school::SchoolChoice;
use crate::report::store::Entry;
use crate::report::{GroupBy, Spec};
use std::path::PathBuf;

fn reports(s: &State) -> &ReportsState {
    match s.top() {
        Screen::Reports(r) => r,
        other => panic!("top is {}", other.title()),
    }
}

pub(crate) fn entry(title: &str, html: &str, spec: Spec) -> Entry {
    Entry {
        title: title.into(),
        spec,
        html: html.into(),
        csv: None,
        written_at: chrono::DateTime::from_timestamp(1_790_000_000, 0).unwrap_or_default(),
    }
}

pub(crate) fn school(n: u128, name: &str, local: &str) -> SchoolChoice {
    SchoolChoice {
        id: Uuid::from_u128(n),
        name: name.into(),
        local_id: local.into(),
        low_grade: GradeLevel::KG,
        high_grade: GradeLevel::G05,
        mine: n == 1,
    }
}

pub(crate) fn listing() -> Data {
    Data::Reports {
        dir: Some(PathBuf::from("/home/dana/.local/share/caseload/reports")),
        entries: vec![
            entry(
                "Caseload summary by school: everything you see (2026-10-31)",
                "summary-by-school-all-2026-10-31.html",
                Spec::Summary {
                    by: GroupBy::School,
                    school: None,
                    counselor: None,
                },
            ),
            entry(
                "Progress report: Ava Nguyen",
                "progress-S1-2026-10-30.html",
                Spec::Student {
                    student: "S1".into(),
                    school: None,
                },
            ),
        ],
        schools: vec![
            school(1, "Lincoln Elementary", "LIN"),
            school(2, "Hoover Middle", "HOO"),
        ],
    }
}

pub(crate) fn loaded() -> State {
    let (mut s, _) = signed_in(&["coordinator"], &["caseload", super::TARGET]);
    let fx = typed(&mut s, super::TARGET);
    let req = fx
        .iter()
        .find_map(|e| match e {
            Effect::Load {
                req,
                read: Read::Reports,
            } => Some(*req),
            _ => None,
        })
        .unwrap_or_else(|| panic!("the folder is read: {fx:?}"));
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: listing(),
        },
    );
    s
}

fn ran(fx: &[Effect]) -> (ReqId, Spec) {
    match fx {
        [Effect::RunReport { req, spec }] => (*req, spec.clone()),
        _ => panic!("expected one report, got {fx:?}"),
    }
}

#[test]
fn o_opens_the_selected_report_from_the_folder() {
    let mut s = loaded();
    update(&mut s, key('j'));
    let fx = update(&mut s, key('o'));
    let [Effect::OpenFile { req, path }] = &fx[..] else {
        panic!("{fx:?}")
    };
    assert_eq!(
        path,
        &PathBuf::from("/home/dana/.local/share/caseload/reports/progress-S1-2026-10-30.html")
    );
    update(
        &mut s,
        Msg::Written {
            req: *req,
            wrote: Wrote::Opened(Err("could not run xdg-open (not found)".into())),
        },
    );
    assert_eq!(
        s.message.as_ref().map(|(_, m)| m.as_str()),
        Some("could not run xdg-open (not found)")
    );
}

#[test]
fn r_runs_the_selected_report_again_and_the_list_reloads() {
    let mut s = loaded();
    let (req, spec) = ran(&update(&mut s, key('R')));
    assert_eq!(
        spec,
        Spec::Summary {
            by: GroupBy::School,
            school: None,
            counselor: None
        }
    );
    // One at a time.
    assert!(update(&mut s, key('1')).is_empty());
    let fx = update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Reported(Ok(crate::report::Written {
                title: "Caseload summary".into(),
                html: PathBuf::from("/r/summary (2).html"),
                csv: None,
                students: 3,
            })),
        },
    );
    assert_eq!(only_load(&fx).1, &Read::Reports);
    assert_eq!(reports(&s).running, None);
}

#[test]
fn new_reports_by_number_and_the_recap_school_in_turn() {
    let mut s = loaded();
    let (req, spec) = ran(&update(&mut s, key('2')));
    assert!(matches!(
        spec,
        Spec::Summary {
            by: GroupBy::Counselor,
            ..
        }
    ));
    update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Reported(Err("no school has the local id \"Q\"".into())),
        },
    );
    assert_eq!(
        s.message.as_ref().map(|(_, m)| m.as_str()),
        Some("report failed: no school has the local id \"Q\"")
    );
    update(&mut s, key('s'));
    let (_, spec) = ran(&update(&mut s, key('3')));
    assert_eq!(
        spec,
        Spec::Recap {
            school: "HOO".into(),
            date: None,
            since: None,
            students: vec![]
        }
    );
}
