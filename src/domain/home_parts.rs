//! The caseload home in the parts it loads in (issue 19): the open
//! interventions first, since they make the sections at the top; then the
//! goals, the overdue follow-ups and, when a list was cut, the totals, as
//! they come. Each part is its own read and reply, so the top of the home
//! is painted without waiting for the slowest query; `HomeParts::compose`
//! makes the home from the parts that are in.

use crate::domain::caseload::{
    ActiveRow, CaseloadHome, Counts, FollowUpRow, GoalFlag, NameOrder, ReviewRow, Totals, Warning,
};
use crate::domain::intervention::RuleSettings;

/// Which part of the home a read asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HomeQuery {
    Open,
    Goals,
    FollowUps,
    Counts,
}

impl HomeQuery {
    /// What a load asks for first: the open part alone, on the connection
    /// sign-in left warm. Side by side with the others (the goals part is
    /// the heaviest) it took 20–80 % longer on a busy 2-core server.
    pub const AT_ONCE: [HomeQuery; 1] = [HomeQuery::Open];

    /// What is asked for, side by side, once the open part is in: the
    /// follow-ups, the goals and, when a list came back full, the totals it
    /// was cut from.
    pub fn after(open: &OpenPart) -> Vec<HomeQuery> {
        let mut then = vec![HomeQuery::FollowUps, HomeQuery::Goals];
        if open.full {
            then.push(HomeQuery::Counts);
        }
        then
    }
}

/// The open interventions loaded (at most HOME_ROWS per list), judged.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OpenPart {
    pub active: Vec<ActiveRow>,
    pub reviews_due: Vec<ReviewRow>,
    /// About the interventions themselves (no planned end, no recent
    /// session, a dirty name).
    pub warnings: Vec<Warning>,
    pub settings: RuleSettings,
    /// The loaded students' names in the district's alphabet: the goals'
    /// warnings merge into these by it.
    pub names: NameOrder,
    /// How many open interventions were loaded (the union of the lists).
    pub loaded: u64,
    /// A list came back full: what it was cut from is still to count.
    pub full: bool,
}

/// The active goals of the loaded interventions, judged.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GoalsPart {
    pub off_track: Vec<GoalFlag>,
    /// About baselines.
    pub warnings: Vec<Warning>,
}

/// The oldest overdue follow-ups.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FollowUpsPart {
    pub rows: Vec<FollowUpRow>,
    /// More are overdue than were loaded.
    pub more: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum HomePart {
    Open(OpenPart),
    Goals(GoalsPart),
    FollowUps(FollowUpsPart),
    Counts(Counts),
}

impl HomePart {
    /// The read this part answers.
    pub fn answers(&self) -> HomeQuery {
        match self {
            HomePart::Open(_) => HomeQuery::Open,
            HomePart::Goals(_) => HomeQuery::Goals,
            HomePart::FollowUps(_) => HomeQuery::FollowUps,
            HomePart::Counts(_) => HomeQuery::Counts,
        }
    }
}

/// The parts of one load that are in.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HomeParts {
    pub open: Option<OpenPart>,
    pub goals: Option<GoalsPart>,
    pub follow_ups: Option<FollowUpsPart>,
    pub counts: Option<Counts>,
}

impl HomeParts {
    pub fn put(&mut self, part: HomePart) {
        match part {
            HomePart::Open(p) => self.open = Some(p),
            HomePart::Goals(p) => self.goals = Some(p),
            HomePart::FollowUps(p) => self.follow_ups = Some(p),
            HomePart::Counts(p) => self.counts = Some(p),
        }
    }

    pub fn has(&self, q: HomeQuery) -> bool {
        match q {
            HomeQuery::Open => self.open.is_some(),
            HomeQuery::Goals => self.goals.is_some(),
            HomeQuery::FollowUps => self.follow_ups.is_some(),
            HomeQuery::Counts => self.counts.is_some(),
        }
    }

    /// A list was cut and the totals it was cut from are not in yet.
    pub fn counting(&self) -> bool {
        self.open.as_ref().is_some_and(|o| o.full) && self.counts.is_none()
    }

    /// Everything the home shows is in, the totals included.
    pub fn complete(&self) -> bool {
        self.open.is_some() && self.goals.is_some() && self.follow_ups.is_some() && !self.counting()
    }

    /// The home from the parts in; `None` before the open part, which makes
    /// its top. Sections whose part is missing are empty (the screen says
    /// they are loading), and so are the totals while `counting`: they are
    /// then the loaded rows', which the screen does not show as totals.
    pub fn compose(&self) -> Option<CaseloadHome> {
        let open = self.open.as_ref()?;
        let (off_track, goal_warnings) = self
            .goals
            .as_ref()
            .map_or((&[][..], &[][..]), |g| (&g.off_track[..], &g.warnings[..]));
        let mut warnings: Vec<Warning> =
            open.warnings.iter().chain(goal_warnings).cloned().collect();
        warnings.sort_by(|a, b| open.names.cmp(&a.of.student_name, &b.of.student_name));
        let follow_ups = self.follow_ups.as_ref();
        let count = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
        let counts = self.counts.filter(|_| open.full).unwrap_or(Counts {
            open: open.loaded,
            active: count(open.active.len()),
            reviews: count(open.reviews_due.len()),
        });
        Some(CaseloadHome {
            active: open.active.clone(),
            reviews_due: open.reviews_due.clone(),
            goals_off_track: off_track.to_vec(),
            follow_ups: follow_ups.map(|f| f.rows.clone()).unwrap_or_default(),
            warnings,
            settings: open.settings,
            totals: Totals {
                loaded: open.loaded,
                open: counts.open,
                active: counts.active,
                reviews: counts.reviews,
                more_follow_ups: follow_ups.is_some_and(|f| f.more),
            },
        })
    }
}
