//! The caseload home's state: five sections of work, one cursor running
//! across all their rows, each row knowing which record it opens.

use crate::app::ReqId;
use crate::app::loadable::Loadable;
use crate::domain::caseload::{CaseloadHome, InterventionRef, Scope};
use chrono::NaiveDate;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Active,
    Reviews,
    OffTrack,
    FollowUps,
    Warnings,
}

impl Section {
    pub const ALL: [Section; 5] = [
        Section::Active,
        Section::Reviews,
        Section::OffTrack,
        Section::FollowUps,
        Section::Warnings,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Section::Active => "My active interventions",
            Section::Reviews => "Reviews due",
            Section::OffTrack => "Goals off track",
            Section::FollowUps => "Overdue follow-ups",
            Section::Warnings => "Data-quality warnings",
        }
    }
}

/// What Enter on a row opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Intervention {
        id: Uuid,
        title: String,
    },
    /// A follow-up logged against the student, not an intervention.
    Student {
        id: Uuid,
        title: String,
    },
}

fn of(r: &InterventionRef) -> Target {
    Target::Intervention {
        id: r.intervention_id,
        title: format!("{} · {}", r.student_name, r.name),
    }
}

#[derive(Debug, Clone)]
pub struct HomeState {
    pub scope: Scope,
    pub home: Loadable<Box<CaseloadHome>>,
    /// The day the worker judged the rows by.
    pub today: Option<NaiveDate>,
    /// Index into `rows()`.
    pub cursor: usize,
}

impl HomeState {
    pub fn new(scope: Scope) -> HomeState {
        HomeState {
            scope,
            home: Loadable::default(),
            today: None,
            cursor: 0,
        }
    }

    pub fn section_len(&self, s: Section) -> usize {
        let Some(h) = self.home.get() else { return 0 };
        match s {
            Section::Active => h.active.len(),
            Section::Reviews => h.reviews_due.len(),
            Section::OffTrack => h.goals_off_track.len(),
            Section::FollowUps => h.follow_ups.len(),
            Section::Warnings => h.warnings.len(),
        }
    }

    /// Every row in display order, with its section.
    pub fn rows(&self) -> Vec<(Section, Target)> {
        let Some(h) = self.home.get() else {
            return vec![];
        };
        let mut out = Vec::new();
        out.extend(h.active.iter().map(|r| (Section::Active, of(&r.of))));
        out.extend(h.reviews_due.iter().map(|r| (Section::Reviews, of(&r.of))));
        out.extend(
            h.goals_off_track
                .iter()
                .map(|r| (Section::OffTrack, of(&r.of))),
        );
        out.extend(h.follow_ups.iter().map(|f| {
            let target = match f.intervention_id {
                Some(id) => Target::Intervention {
                    id,
                    title: f.student_name.clone(),
                },
                None => Target::Student {
                    id: f.student_id,
                    title: f.student_name.clone(),
                },
            };
            (Section::FollowUps, target)
        }));
        out.extend(h.warnings.iter().map(|w| (Section::Warnings, of(&w.of))));
        out
    }

    pub fn len(&self) -> usize {
        Section::ALL.iter().map(|&s| self.section_len(s)).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn selected(&self) -> Option<Target> {
        self.rows().into_iter().nth(self.cursor).map(|(_, t)| t)
    }

    /// The section the cursor is in and the index of its first row.
    fn section_start(&self, s: Section) -> usize {
        Section::ALL
            .iter()
            .take_while(|&&x| x != s)
            .map(|&x| self.section_len(x))
            .sum()
    }

    pub fn current_section(&self) -> Option<Section> {
        self.rows().get(self.cursor).map(|(s, _)| *s)
    }

    pub fn move_by(&mut self, delta: isize) {
        let last = self.len().saturating_sub(1);
        self.cursor = self.cursor.saturating_add_signed(delta).min(last);
    }

    /// To the first row of the next (or previous) section that has rows,
    /// wrapping round.
    pub fn jump_section(&mut self, forward: bool) {
        let Some(now) = self.current_section() else {
            return;
        };
        let at = Section::ALL.iter().position(|&s| s == now).unwrap_or(0);
        let n = Section::ALL.len();
        for step in 1..=n {
            let i = if forward {
                (at + step) % n
            } else {
                (at + n - step) % n
            };
            let s = Section::ALL[i];
            if self.section_len(s) > 0 {
                self.cursor = self.section_start(s);
                return;
            }
        }
    }

    /// A section's heading with its count: "of" the total in scope when the
    /// home's bound left rows out (domain::caseload::HOME_ROWS). Goals off track
    /// and warnings are judged only among the interventions loaded.
    pub fn section_heading(&self, s: Section) -> String {
        let n = self.section_len(s);
        let Some(h) = self.home.get() else {
            return format!("{} ({n})", s.title());
        };
        let t = &h.totals;
        let of = |total: u64| {
            if total > n as u64 {
                format!(
                    "{} ({} of {})",
                    s.title(),
                    grouped(n as u64),
                    grouped(total)
                )
            } else {
                format!("{} ({n})", s.title())
            }
        };
        match s {
            Section::Active => of(t.active),
            Section::Reviews => of(t.reviews),
            Section::FollowUps if t.more_follow_ups => {
                format!(
                    "{} ({} oldest; more not shown)",
                    s.title(),
                    grouped(n as u64)
                )
            }
            Section::FollowUps => of(0),
            Section::OffTrack | Section::Warnings if t.loaded < t.open => {
                format!("{} ({n} among those shown)", s.title())
            }
            Section::OffTrack | Section::Warnings => of(0),
        }
    }

    /// What the bound left out, when it did: the screen's first line.
    pub fn bound_note(&self) -> Option<String> {
        let t = &self.home.get()?.totals;
        if !t.cut() {
            return None;
        }
        let follow = self.section_len(Section::FollowUps) as u64;
        let open = format!(
            "the {} most urgent of {} open interventions",
            grouped(t.loaded),
            grouped(t.open)
        );
        let follow = format!("the {} oldest overdue follow-ups", grouped(follow));
        let what = match (t.loaded < t.open, t.more_follow_ups) {
            (true, true) => format!("{open} and {follow}"),
            (true, false) => open,
            _ => follow,
        };
        Some(format!(
            "Showing {what} — narrow them in the roster (:open roster)"
        ))
    }

    /// A (re)load. The cursor stays on the row it was on: a reload after a
    /// save reorders the lists, and the next key must not act on another
    /// student's intervention without a sign of it.
    /// The answer to `req` (anything older is dropped); the cursor stays on
    /// the row it was on.
    pub fn arrive(&mut self, req: ReqId, home: CaseloadHome, today: NaiveDate) {
        let was = self.rows().into_iter().nth(self.cursor);
        if !self.home.arrive(req, Box::new(home)) {
            return;
        }
        self.today = Some(today);
        let rows = self.rows();
        let same = was.and_then(|(section, target)| {
            rows.iter()
                .position(|r| *r == (section, target.clone()))
                .or_else(|| rows.iter().position(|(_, t)| *t == target))
        });
        self.cursor = same.unwrap_or(self.cursor.min(rows.len().saturating_sub(1)));
    }
}

/// 101476 as "101,476".
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Coordinators and administrators oversee schools; everyone else sees
/// their own work.
pub fn scope_for(role_keys: &[String]) -> Scope {
    if role_keys
        .iter()
        .any(|k| matches!(k.as_str(), "coordinator" | "admin"))
    {
        Scope::Schools
    } else {
        Scope::Mine
    }
}
