//! A table whose columns share the width: each as wide as its widest cell
//! while there is room, a column of markers never cut, the last column (the
//! free text) taking what is left. The detail's list tabs and the student
//! record's tables are drawn with it.

use crate::ui::sanitize::{Claim, clean, fit, share};
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;

#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub title: &'static str,
    /// Never narrower than this (unless the screen is narrower than all
    /// the minimums together).
    pub min: usize,
    /// Never wider than this, however wide its cells.
    pub max: usize,
    /// Markers and short closed values: as wide as the widest cell, always.
    pub whole: bool,
}

impl Column {
    pub const fn new(title: &'static str, min: usize, max: usize) -> Column {
        Column {
            title,
            min,
            max,
            whole: false,
        }
    }

    /// A column that is never cut (dates, counts, statuses, flags).
    pub const fn whole(title: &'static str) -> Column {
        Column {
            title,
            min: 0,
            max: 40,
            whole: true,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// The table without the columns `drop` picks (by index), for a
    /// screen that leaves some out when narrow.
    pub fn without(mut self, drop: impl Fn(usize) -> bool) -> Table {
        fn keep<T>(cells: Vec<T>, drop: &impl Fn(usize) -> bool) -> Vec<T> {
            cells
                .into_iter()
                .enumerate()
                .filter(|(i, _)| !drop(*i))
                .map(|(_, c)| c)
                .collect()
        }
        self.columns = keep(self.columns, &drop);
        self.rows = self.rows.into_iter().map(|r| keep(r, &drop)).collect();
        self
    }

    /// Each column's width in `width` screen columns (one space between).
    pub fn widths(&self, width: usize) -> Vec<usize> {
        let n = self.columns.len();
        let claims: Vec<Claim> = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let cells = std::iter::once(c.title).chain(
                    self.rows
                        .iter()
                        .filter_map(|r| r.get(i).map(String::as_str)),
                );
                let claim = Claim::of(cells, c.min, c.max);
                if c.whole {
                    Claim::fixed(claim.want)
                } else {
                    claim
                }
            })
            .collect();
        share(
            width.saturating_sub(n.saturating_sub(1)),
            &claims,
            n.checked_sub(1),
        )
    }

    fn line(cells: &[String], widths: &[usize], width: usize) -> String {
        let last = widths.len().saturating_sub(1);
        let text = widths
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let cell = cells.get(i).map_or("", String::as_str);
                if i == last {
                    clean(cell).into_owned()
                } else {
                    fit(cell, *w)
                }
            })
            .collect::<Vec<_>>()
            .join(" ");
        fit(&text, width)
    }

    /// Notes for the mouse which row each line of `area` shows, when
    /// `lines` drew this table there.
    pub fn note_rows(&self, area: Rect, cursor: usize) {
        let height = area.height.saturating_sub(1).max(1);
        let offset = crate::ui::scroll_offset(0, cursor, usize::from(height), self.rows.len());
        let body = Rect {
            y: area.y.saturating_add(1),
            height: height.min(area.height.saturating_sub(1)),
            ..area
        };
        crate::ui::hits::rows(body, offset, self.rows.len(), cursor);
    }

    /// The header, then the rows that fit in `height` lines around
    /// `cursor` (highlighted when `select`).
    pub fn lines(
        &self,
        width: usize,
        height: usize,
        cursor: usize,
        select: bool,
        theme: &Theme,
    ) -> Vec<Line<'static>> {
        let widths = self.widths(width);
        let titles: Vec<String> = self.columns.iter().map(|c| c.title.to_string()).collect();
        let mut out = vec![Line::styled(
            Self::line(&titles, &widths, width),
            theme.header,
        )];
        let height = height.saturating_sub(1).max(1);
        let offset = crate::ui::scroll_offset(0, cursor, height, self.rows.len());
        for (i, r) in self.rows.iter().enumerate().skip(offset).take(height) {
            let style = if select && i == cursor {
                theme.selected
            } else {
                Style::new()
            };
            out.push(Line::styled(Self::line(r, &widths, width), style));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table {
            columns: vec![
                Column::new("Name", 8, 30),
                Column::whole("Flags"),
                Column::new("Note", 0, 0),
            ],
            rows: vec![
                vec![
                    "Oyelaran-Whitfield, Ade".into(),
                    "IEP 504 EL".into(),
                    "long note".into(),
                ],
                vec!["Li, Bo".into(), "".into(), "".into()],
            ],
        }
    }

    #[test]
    fn names_get_their_width_when_there_is_room_and_flags_are_never_cut() {
        let t = table();
        assert_eq!(t.widths(200)[..2], [23, 10], "whole names and flags");
        assert_eq!(
            t.widths(200)[2],
            200 - 23 - 10 - 2,
            "the last takes the rest"
        );
        let narrow = t.widths(30);
        assert_eq!(narrow[1], 10, "flags whole at 30 columns");
        assert_eq!(narrow[0], 18, "the name takes what is left");
        let lines = t.lines(30, 5, 0, true, &Theme::new(true));
        assert!(lines[1].to_string().contains("IEP 504 EL"), "{lines:?}");
    }
}
