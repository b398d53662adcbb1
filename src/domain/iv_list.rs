//! The Interventions list: its filters, sorts, rows and keyset cursors.
//! The query is `db::interventions::list`; the screen `app::screens::iv_list`.

use crate::domain::enums::{InterventionStatus, InterventionType};
use chrono::NaiveDate;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IvSort {
    /// Soonest due first; interventions with nothing due last.
    #[default]
    NextDue,
    /// Earliest planned end first; none planned last.
    Review,
    /// Student's last name, first name (the district's alphabet).
    Student,
    /// Most recently started first; not started last.
    Start,
}

impl IvSort {
    pub const ALL: [IvSort; 4] = [
        IvSort::NextDue,
        IvSort::Review,
        IvSort::Student,
        IvSort::Start,
    ];

    pub fn next(self) -> IvSort {
        let i = IvSort::ALL.iter().position(|s| *s == self).unwrap_or(0);
        IvSort::ALL[(i + 1) % IvSort::ALL.len()]
    }

    pub fn label(self) -> &'static str {
        match self {
            IvSort::NextDue => "next session due",
            IvSort::Review => "review date",
            IvSort::Student => "student",
            IvSort::Start => "start date (newest first)",
        }
    }
}

/// Something filtered by id and shown by name (school, owner, program).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub id: Uuid,
    pub name: String,
}

/// Every filter the list offers; all set ones must hold.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IvFilters {
    pub status: Option<InterventionStatus>,
    pub tier: Option<i16>,
    pub kind: Option<InterventionType>,
    pub program: Option<Named>,
    pub school: Option<Named>,
    pub owner: Option<Named>,
    /// Open, and up for review (marked, or planned to end) within N days.
    pub review_within: Option<u16>,
    /// Some active goal off track by its decision rule.
    pub off_track: bool,
    /// Delivery under the fidelity threshold.
    pub fidelity_low: bool,
    /// Open, and no session (before the first: no start) for more than N days.
    pub no_session_days: Option<u16>,
}

/// One chip of the filter bar: which filter it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IvChip {
    Status,
    Tier,
    Kind,
    Program,
    School,
    Owner,
    Review,
    OffTrack,
    FidelityLow,
    NoSession,
}

impl IvFilters {
    /// The chips of the filters that are set, in bar order, with their text.
    pub fn chips(&self) -> Vec<(IvChip, String)> {
        let mut out = Vec::new();
        if let Some(s) = self.status {
            out.push((IvChip::Status, format!("status: {s}")));
        }
        if let Some(t) = self.tier {
            out.push((IvChip::Tier, format!("tier: {t}")));
        }
        if let Some(k) = self.kind {
            out.push((IvChip::Kind, format!("type: {k}")));
        }
        for (chip, label, v) in [
            (IvChip::Program, "program", &self.program),
            (IvChip::School, "school", &self.school),
            (IvChip::Owner, "owner", &self.owner),
        ] {
            if let Some(n) = v {
                out.push((chip, format!("{label}: {}", n.name)));
            }
        }
        if let Some(n) = self.review_within {
            out.push((IvChip::Review, format!("review ≤ {n} days")));
        }
        if self.off_track {
            out.push((IvChip::OffTrack, "off track".into()));
        }
        if self.fidelity_low {
            out.push((IvChip::FidelityLow, "fidelity low".into()));
        }
        if let Some(n) = self.no_session_days {
            out.push((IvChip::NoSession, format!("no session in {n} days")));
        }
        out
    }

    /// Removes the filter a chip shows.
    pub fn remove(&mut self, chip: IvChip) {
        match chip {
            IvChip::Status => self.status = None,
            IvChip::Tier => self.tier = None,
            IvChip::Kind => self.kind = None,
            IvChip::Program => self.program = None,
            IvChip::School => self.school = None,
            IvChip::Owner => self.owner = None,
            IvChip::Review => self.review_within = None,
            IvChip::OffTrack => self.off_track = false,
            IvChip::FidelityLow => self.fidelity_low = false,
            IvChip::NoSession => self.no_session_days = None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IvQuery {
    pub filters: IvFilters,
    pub sort: IvSort,
}

/// One line of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IvRow {
    pub id: Uuid,
    pub student_id: Uuid,
    pub last_name: String,
    pub first_name: String,
    /// The program's name, else the custom name.
    pub name: String,
    pub tier: i16,
    pub status: InterventionStatus,
    pub kind: InterventionType,
    pub program_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub owner: Option<String>,
    pub school_id: Uuid,
    pub school: String,
    pub start_date: Option<NaiveDate>,
    /// As the person sees it: with restricted sessions when they may see
    /// them (0037), so it agrees with the home screen; the next-due sort's
    /// key.
    pub next_session_due: Option<NaiveDate>,
    pub review_on: Option<NaiveDate>,
    pub off_track: bool,
    pub fidelity_low: bool,
    /// Days without a session, when more than twice the planned interval
    /// (`domain::fidelity::session_gap`); open interventions only.
    pub gap_days: Option<i64>,
}

impl IvRow {
    pub fn student(&self) -> String {
        format!("{}, {}", self.last_name, self.first_name)
    }

    pub fn cursor(&self) -> IvCursor {
        IvCursor {
            id: self.id,
            last_name: self.last_name.clone(),
            first_name: self.first_name.clone(),
            next_session_due: self.next_session_due,
            review_on: self.review_on,
            start_date: self.start_date,
        }
    }
}

/// A row's position in every sort.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IvCursor {
    pub id: Uuid,
    pub last_name: String,
    pub first_name: String,
    pub next_session_due: Option<NaiveDate>,
    pub review_on: Option<NaiveDate>,
    pub start_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IvPageRequest {
    First,
    Last,
    After(IvCursor),
    Before(IvCursor),
    /// From this row on, itself included (live refresh).
    From(IvCursor),
}

/// Rows always in ascending list order; `more` says whether rows exist
/// beyond the page in the direction it was fetched.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IvPage {
    pub rows: Vec<IvRow>,
    pub more: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chips_read_as_the_filters_and_remove_them() {
        let mut f = IvFilters {
            status: Some(InterventionStatus::Active),
            tier: Some(3),
            school: Some(Named {
                id: Uuid::nil(),
                name: "Lincoln".into(),
            }),
            review_within: Some(14),
            off_track: true,
            ..IvFilters::default()
        };
        let texts: Vec<String> = f.chips().into_iter().map(|(_, t)| t).collect();
        assert_eq!(
            texts,
            [
                "status: active",
                "tier: 3",
                "school: Lincoln",
                "review ≤ 14 days",
                "off track"
            ]
        );
        f.remove(IvChip::Tier);
        f.remove(IvChip::OffTrack);
        assert_eq!(f.chips().len(), 3);
        assert_eq!(f.tier, None);
    }

    #[test]
    fn the_sort_cycles_through_all_four() {
        let mut s = IvSort::default();
        let mut seen = vec![s];
        for _ in 0..3 {
            s = s.next();
            seen.push(s);
        }
        assert_eq!(seen, IvSort::ALL);
        assert_eq!(s.next(), IvSort::NextDue);
    }
}
