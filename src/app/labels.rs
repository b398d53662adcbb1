//! The words the screens use for domain values: roster filter chips, sort
//! orders, lifecycle actions, goal progress. `domain` holds the rules and
//! the values; how they read on screen is decided here.

use crate::domain::actions::Action;
use crate::domain::roster::{Chip, Filters, Sort};
use crate::domain::student::Progress;

/// A short name for a domain value, as a screen shows it.
pub trait Label {
    fn label(self) -> &'static str;
}

impl Label for Sort {
    fn label(self) -> &'static str {
        match self {
            Sort::Name => "name",
            Sort::Grade => "grade",
            Sort::School => "school",
            Sort::LastSession => "last session",
        }
    }
}

impl Label for Action {
    fn label(self) -> &'static str {
        match self {
            Action::Plan => "plan",
            Action::Start => "start",
            Action::Pause => "pause",
            Action::Resume => "resume",
            Action::Review => "review",
            Action::Complete => "complete",
            Action::Discontinue => "discontinue",
        }
    }
}

impl Label for Progress {
    fn label(self) -> &'static str {
        match self {
            Progress::OffTrack => "off track",
            Progress::Exceeding => "exceeding",
            Progress::OnTrack => "on track",
            Progress::NotEnoughData => "needs data",
            Progress::NoGoals => "no goals",
        }
    }
}

/// The roster's filter bar.
pub trait FilterChips {
    /// The chips of the filters that are set, in bar order, with their text.
    fn chips(&self) -> Vec<(Chip, String)>;
}

impl FilterChips for Filters {
    fn chips(&self) -> Vec<(Chip, String)> {
        let mut out = Vec::new();
        if let Some(s) = &self.school {
            out.push((Chip::School, format!("school: {}", s.name)));
        }
        if let Some(g) = self.grade_min {
            out.push((Chip::GradeMin, format!("grade ≥ {g}")));
        }
        if let Some(g) = self.grade_max {
            out.push((Chip::GradeMax, format!("grade ≤ {g}")));
        }
        if let Some(s) = self.status {
            out.push((Chip::Status, format!("status: {s}")));
        }
        if let Some(t) = self.tier {
            out.push((Chip::Tier, format!("tier {t}")));
        }
        for (on, chip, label) in [
            (self.iep, Chip::Iep, "IEP"),
            (self.section_504, Chip::Section504, "504"),
            (self.english_learner, Chip::EnglishLearner, "EL"),
            (
                self.active_intervention,
                Chip::ActiveIntervention,
                "active intervention",
            ),
            (self.my_caseload, Chip::MyCaseload, "my caseload"),
        ] {
            if on {
                out.push((chip, label.to_string()));
            }
        }
        out
    }
}
