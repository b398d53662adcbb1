//! `C` on the home: a contact for the selected row's student; on an
//! overdue follow-up, the contact that answers it (its `parent_id`).

use super::{HomeState, Section};
use crate::app::screens::contact_edit::ContactFor;

impl HomeState {
    /// What a contact logged from the selected row is about.
    pub fn contact_for(&self) -> Option<ContactFor> {
        let h = self.home.get()?;
        let (section, _) = self.rows().into_iter().nth(self.cursor)?;
        let first = Section::ALL
            .iter()
            .take_while(|&&s| s != section)
            .map(|&s| self.section_len(s))
            .sum::<usize>();
        let i = self.cursor - first;
        if section == Section::FollowUps {
            let f = h.follow_ups.get(i)?;
            return Some(ContactFor {
                student_id: f.student_id,
                student_name: f.student_name.clone(),
                intervention_id: f.intervention_id,
                parent_id: Some(f.communication_id),
            });
        }
        let of = match section {
            Section::Active => &h.active.get(i)?.of,
            Section::Reviews => &h.reviews_due.get(i)?.of,
            Section::OffTrack => &h.goals_off_track.get(i)?.of,
            Section::Warnings => &h.warnings.get(i)?.of,
            Section::FollowUps => return None,
        };
        Some(ContactFor {
            student_id: of.student_id,
            student_name: of.student_name.clone(),
            // About the student: the row only says whose it is.
            intervention_id: None,
            parent_id: None,
        })
    }
}
