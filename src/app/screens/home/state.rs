//! The caseload home's state: five sections of work, one cursor running
//! across all their rows, each row knowing which record it opens.

use super::load::{Arrived, HomeLoad};
use crate::app::ReqId;
use crate::domain::caseload::{InterventionRef, Scope};
use crate::domain::home_parts::{HomePart, HomeQuery};
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

    /// A coordinator's or administrator's home lists their schools' work,
    /// not their own.
    pub fn title(self, scope: Scope) -> &'static str {
        match self {
            Section::Active => match scope {
                Scope::Mine => "My active interventions",
                // Active, as "My active interventions": beside the note
                // counting every open one (review due too), "Interventions
                // in your schools (399 of 807)" read as a contradiction.
                Scope::Schools => "Active interventions in your schools",
            },
            Section::Reviews => "Reviews due",
            Section::OffTrack => "Goals off track",
            Section::FollowUps => "Overdue follow-ups",
            Section::Warnings => "Data-quality warnings",
        }
    }

    /// The parts of the home its rows come from.
    pub fn parts(self) -> &'static [HomeQuery] {
        match self {
            Section::Active | Section::Reviews => &[HomeQuery::Open],
            Section::OffTrack => &[HomeQuery::Goals],
            Section::FollowUps => &[HomeQuery::FollowUps],
            Section::Warnings => &[HomeQuery::Open, HomeQuery::Goals],
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
    pub home: HomeLoad,
    /// The day the worker judged the rows by.
    pub today: Option<NaiveDate>,
    /// Index into `rows()`.
    pub cursor: usize,
    /// The first line of `lines()` on screen, as the last key left it
    /// (the drawing keeps the cursor in view whatever the height).
    pub top: usize,
}

/// One line of the home's list before it is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HomeLine {
    /// The blank line between sections.
    Gap,
    Heading(Section),
    /// "nothing" under a section without rows.
    Nothing(Section),
    /// Under a section whose part has not arrived: "loading…" (or why not).
    Waiting(Section),
    /// Row `i` of `rows()`.
    Row(usize),
}

/// The part of `lines()` on screen: `rows` lines from `offset`, under the
/// heading of `sticky` when the first of them is inside a section, so the
/// rows on screen always say which section they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub offset: usize,
    pub sticky: Option<Section>,
    pub rows: usize,
}

impl HomeState {
    pub fn new(scope: Scope) -> HomeState {
        HomeState {
            scope,
            home: HomeLoad::default(),
            today: None,
            cursor: 0,
            top: 0,
        }
    }

    /// Every part the section's rows come from is in.
    pub fn section_in(&self, s: Section) -> bool {
        s.parts().iter().all(|&p| self.home.has(p))
    }

    /// Its rows on screen: none until the section is whole.
    pub fn section_len(&self, s: Section) -> usize {
        let Some(h) = self.home.get().filter(|_| self.section_in(s)) else {
            return 0;
        };
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
        for s in Section::ALL.into_iter().filter(|&s| self.section_in(s)) {
            match s {
                Section::Active => out.extend(h.active.iter().map(|r| (s, of(&r.of)))),
                Section::Reviews => out.extend(h.reviews_due.iter().map(|r| (s, of(&r.of)))),
                Section::OffTrack => out.extend(h.goals_off_track.iter().map(|r| (s, of(&r.of)))),
                Section::FollowUps => out.extend(h.follow_ups.iter().map(|f| {
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
                    (s, target)
                })),
                Section::Warnings => out.extend(h.warnings.iter().map(|w| (s, of(&w.of)))),
            }
        }
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

    /// Moves the cursor; the list scrolls only as far as keeps it in view
    /// in `view` lines.
    pub fn move_by(&mut self, delta: isize, view: usize) {
        let last = self.len().saturating_sub(1);
        self.cursor = self.cursor.saturating_add_signed(delta).min(last);
        self.top = self.window(view).offset;
    }

    /// To the first row of the next (or previous) section that has rows,
    /// wrapping round, with that section's heading at the top of the list
    /// (`window` keeps the list from scrolling past its end).
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
                let heading = HomeLine::Heading(s);
                self.top = self.lines().iter().position(|l| *l == heading).unwrap_or(0);
                return;
            }
        }
    }

    /// The list as drawn, top to bottom: each section's heading, its rows
    /// (or "nothing"), a gap before the next.
    pub fn lines(&self) -> Vec<HomeLine> {
        let mut out = Vec::new();
        let mut row = 0;
        for s in Section::ALL {
            if !out.is_empty() {
                out.push(HomeLine::Gap);
            }
            out.push(HomeLine::Heading(s));
            let n = self.section_len(s);
            if !self.section_in(s) {
                out.push(HomeLine::Waiting(s));
            } else if n == 0 {
                out.push(HomeLine::Nothing(s));
            }
            out.extend((row..row + n).map(HomeLine::Row));
            row += n;
        }
        out
    }

    /// The section a line belongs to (a gap, to the one it ends).
    fn section_of(&self, lines: &[HomeLine], at: usize) -> Option<Section> {
        match lines.get(at)? {
            HomeLine::Heading(s) | HomeLine::Nothing(s) | HomeLine::Waiting(s) => Some(*s),
            HomeLine::Row(i) => self.rows().get(*i).map(|(s, _)| *s),
            HomeLine::Gap => self.section_of(lines, at.checked_sub(1)?),
        }
    }

    /// What `height` lines show: from `top` (or as near as the end of the
    /// list allows), moved only as far as keeps the cursor in view, never
    /// starting on a gap, and under a sticky heading when the first line is
    /// inside a section.
    pub fn window(&self, height: usize) -> Window {
        let lines = self.lines();
        let height = height.max(1);
        let sel = lines.iter().position(|l| *l == HomeLine::Row(self.cursor));
        let in_view = |offset: usize, rows: usize| match sel {
            Some(s) if s < offset => s,
            Some(s) if s >= offset + rows => s + 1 - rows,
            _ => offset,
        };
        // A gap is never last: a heading follows it.
        let past_gap = |o: usize| o + usize::from(lines.get(o) == Some(&HomeLine::Gap));
        let inside = |o: usize| {
            matches!(
                lines.get(o),
                Some(HomeLine::Row(_) | HomeLine::Nothing(_) | HomeLine::Waiting(_))
            )
        };
        // Never scrolled past the end: a section near the end comes as high
        // as the list allows, and a list that fits does not move.
        let top = self.top.min(lines.len().saturating_sub(height));
        let offset = past_gap(in_view(top, height));
        if !inside(offset) || height == 1 {
            return Window {
                offset,
                sticky: None,
                rows: height,
            };
        }
        // The heading takes the first line, the rows one fewer (and the end
        // of the list may come one line higher).
        let top = self
            .top
            .max(offset)
            .min(lines.len().saturating_sub(height - 1));
        let offset = past_gap(in_view(top, height - 1));
        // Pinned right under its own heading is the same picture as the
        // heading itself at the top.
        let heading_above = offset
            .checked_sub(1)
            .is_some_and(|o| matches!(lines.get(o), Some(HomeLine::Heading(_))));
        if inside(offset) && !heading_above {
            Window {
                offset,
                sticky: self.section_of(&lines, offset),
                rows: height - 1,
            }
        } else {
            Window {
                offset: offset - usize::from(heading_above),
                sticky: None,
                rows: height,
            }
        }
    }

    /// A section's heading with its count: "of" the total in scope when the
    /// home's bound left rows out (domain::caseload::HOME_ROWS), "counting"
    /// while that total is not in, no count before its rows are. Goals off
    /// track and warnings are judged only among the interventions loaded.
    pub fn section_heading(&self, s: Section) -> String {
        let n = self.section_len(s);
        let title = s.title(self.scope);
        let Some(h) = self.home.get().filter(|_| self.section_in(s)) else {
            return title.to_string();
        };
        let t = &h.totals;
        let counting = self.home.counting();
        let of = |total: u64| {
            if counting {
                format!("{} ({} shown; counting all…)", title, grouped(n as u64))
            } else if total > n as u64 {
                format!(
                    "{} ({} of {} shown)",
                    title,
                    grouped(n as u64),
                    grouped(total)
                )
            } else {
                format!("{} ({n})", title)
            }
        };
        match s {
            Section::Active => of(t.active),
            Section::Reviews => of(t.reviews),
            Section::FollowUps if t.more_follow_ups => {
                format!("{} ({} oldest; more not shown)", title, grouped(n as u64))
            }
            Section::FollowUps => format!("{} ({n})", title),
            Section::OffTrack | Section::Warnings if t.loaded < t.open || counting => {
                format!("{} ({n} among those shown)", title)
            }
            Section::OffTrack | Section::Warnings => format!("{} ({n})", title),
        }
    }

    /// Lines the list gets on a terminal this size: all but the title, the
    /// status line and the bound's note with the blank under it (counted by
    /// characters; should word wrap take a line more, the drawing still
    /// keeps the cursor in view).
    pub fn list_rows(&self, width: u16, height: u16) -> usize {
        let note = self.bound_note().map_or(0, |n| {
            n.chars().count().div_ceil(usize::from(width.max(1))) + 1
        });
        usize::from(height).saturating_sub(2 + note).max(1)
    }

    /// What the bound left out, when it did: the screen's first lines.
    pub fn bound_note(&self) -> Option<String> {
        let t = &self.home.get()?.totals;
        let counting = self.home.counting();
        if !t.cut() && !counting {
            return None;
        }
        let follow = self.section_len(Section::FollowUps) as u64;
        let open = match counting {
            true => format!(
                "the {} most urgent open interventions (counting all…)",
                grouped(t.loaded)
            ),
            false => format!(
                "the {} most urgent of {} open interventions",
                grouped(t.loaded),
                grouped(t.open)
            ),
        };
        let follow = format!("the {} oldest overdue follow-ups", grouped(follow));
        let what = match (t.loaded < t.open || counting, t.more_follow_ups) {
            (true, true) => format!("{open} and {follow}"),
            (true, false) => open,
            _ => follow,
        };
        Some(format!(
            "Showing {what} — narrow them in the roster (:open roster)"
        ))
    }

    /// The part `part`, the answer to `req` (anything not waited for is
    /// dropped). The cursor stays on the row it was on: a reload after a
    /// save reorders the lists, and the next key must not act on another
    /// student's intervention without a sign of it; a part arriving below
    /// the cursor must not move it either.
    pub fn arrive(&mut self, req: ReqId, part: HomePart, today: NaiveDate) -> Option<Arrived> {
        let was = self.rows().into_iter().nth(self.cursor);
        let arrived = self.home.arrive(req, part)?;
        if !arrived.shown {
            return Some(arrived);
        }
        self.today = Some(today);
        let rows = self.rows();
        let same = was.and_then(|(section, target)| {
            rows.iter()
                .position(|r| *r == (section, target.clone()))
                .or_else(|| rows.iter().position(|(_, t)| *t == target))
        });
        self.cursor = same.unwrap_or(self.cursor.min(rows.len().saturating_sub(1)));
        Some(arrived)
    }
}

pub use crate::domain::figures::grouped;

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
