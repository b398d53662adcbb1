//! The progress chart: data points, aimline, trend and change markers on a
//! braille canvas. The maths is in `domain::progress`; this module only
//! maps days and values onto cells, with the same rounding as ratatui's
//! canvas so the mapping can be tested cell by cell.

use crate::domain::goals::GoalWithPoints;
use crate::domain::markers::{Marker as Change, StatusMarker};
use crate::domain::progress::{self, MIN_TREND_POINTS, Point};
use crate::ui::theme::Theme;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Color;
use ratatui::symbols::Marker;
use ratatui::text::Line as TextLine;
use ratatui::widgets::Paragraph;
use ratatui::widgets::canvas::{Canvas, Line, Points};

/// A goal's chart in plot coordinates: x is days since `origin`.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartModel {
    pub origin: NaiveDate,
    pub x_bounds: [f64; 2],
    pub y_bounds: [f64; 2],
    pub points: Vec<(f64, f64)>,
    pub aimline: Option<[(f64, f64); 2]>,
    pub trend: Option<[(f64, f64); 2]>,
    /// x of each change marker inside the bounds, with its glyph and label.
    pub markers: Vec<(f64, char, &'static str)>,
}

/// The letter at the top of a marker's line and what the legend calls it:
/// a braille line looks the same whatever it marks, and colour alone must
/// never carry meaning.
pub fn glyph(m: &Change) -> (char, &'static str) {
    match m {
        Change::Started => ('S', "started"),
        Change::Ended(_) => ('E', "ended"),
        Change::Paused => ('P', "paused"),
        Change::Resumed => ('R', "resumed"),
        Change::ReviewDue => ('V', "review due"),
        Change::Continued => ('C', "continued after review"),
        Change::PreviousEnded(_) => ('<', "previous ended"),
        Change::NextStarted(_) => ('>', "next started"),
    }
}

fn x_of(origin: NaiveDate, day: NaiveDate) -> f64 {
    (day - origin).num_days() as f64
}

impl ChartModel {
    /// None when there is nothing to place: no points and no aimline.
    pub fn new(g: &GoalWithPoints, markers: &[StatusMarker]) -> Option<ChartModel> {
        let goal = g.goal.progress_goal().ok();
        let pts: Vec<Point> = g.points.iter().map(|m| m.point()).collect();
        let days = pts
            .iter()
            .map(|p| p.on)
            .chain(goal.iter().flat_map(|g| [g.baseline.on, g.target.on]));
        let origin = days.clone().min()?;
        let last = days.max()?;
        let x_max = x_of(origin, last).max(1.0);
        let points: Vec<(f64, f64)> = pts.iter().map(|p| (x_of(origin, p.on), p.value)).collect();
        let aimline = goal.map(|g| {
            [
                (x_of(origin, g.baseline.on), g.baseline.value),
                (x_of(origin, g.target.on), g.target.value),
            ]
        });
        let trend = progress::trend(&pts).map(|t| {
            let from = pts.iter().map(|p| p.on).min().unwrap_or(origin);
            [
                (x_of(origin, from), t.value_on(from)),
                (x_max, t.value_on(origin + chrono::Days::new(x_max as u64))),
            ]
        });
        let ys = points
            .iter()
            .chain(aimline.iter().flatten())
            .chain(trend.iter().flatten())
            .map(|&(_, y)| y);
        let lo = ys.clone().fold(f64::INFINITY, f64::min);
        let hi = ys.fold(f64::NEG_INFINITY, f64::max);
        let pad = ((hi - lo) * 0.1).max(1.0);
        // Counts, scores and percentages do not go below 0: neither does the
        // axis when no point or aim does (a falling trend's projection is
        // cut at 0 rather than stretching the axis to "-3").
        let measured = points
            .iter()
            .chain(aimline.iter().flatten())
            .all(|&(_, y)| y >= 0.0);
        let bottom = if measured {
            (lo - pad).max(0.0)
        } else {
            lo - pad
        };
        let markers = markers
            .iter()
            .map(|m| {
                let (g, label) = glyph(&m.marker);
                (x_of(origin, m.on), g, label)
            })
            .filter(|(x, _, _)| (0.0..=x_max).contains(x))
            .collect();
        Some(ChartModel {
            origin,
            x_bounds: [0.0, x_max],
            y_bounds: [bottom, hi + pad],
            points,
            aimline,
            trend,
            markers,
        })
    }

    /// The cell (column, row from the top of the plot) a value lands in,
    /// rounding as ratatui's canvas does on a braille grid (2×4 dots).
    pub fn cell(&self, x: f64, y: f64, plot: Rect) -> Option<(u16, u16)> {
        let [left, right] = self.x_bounds;
        let [bottom, top] = self.y_bounds;
        if !(left..=right).contains(&x) || !(bottom..=top).contains(&y) {
            return None;
        }
        let res_x = f64::from(plot.width) * 2.0;
        let res_y = f64::from(plot.height) * 4.0;
        let dx = ((x - left) * (res_x - 1.0) / (right - left)).round();
        let dy = ((top - y) * (res_y - 1.0) / (top - bottom)).round();
        Some((plot.x + (dx as u16) / 2, plot.y + (dy as u16) / 4))
    }
}

/// A value on the axis, whole: never "-0" for a bound just below zero.
pub fn axis_label(v: f64) -> String {
    let r = v.round();
    if r == 0.0 {
        "0".into()
    } else {
        format!("{r:.0}")
    }
}

/// The value axis: its two labels right-aligned against a drawn axis line
/// in the gutter's last column, ticked where they are. The plot (and so
/// the aimline, which starts on the baseline's day at its left edge) lies
/// wholly right of it; before, the aimline and a start marker drawn on
/// that edge read as crossing the labels.
fn value_axis(frame: &mut Frame, left: Rect, plot: Rect, m: &ChartModel, theme: &Theme) {
    let Some(axis_x) = left.right().checked_sub(1).filter(|x| *x >= left.x) else {
        return;
    };
    let labels = Rect {
        width: left.width.saturating_sub(1),
        height: 1,
        ..left
    };
    let bottom_y = left.y + plot.height.saturating_sub(1);
    for (v, y) in [(m.y_bounds[1], left.y), (m.y_bounds[0], bottom_y)] {
        frame.render_widget(
            Paragraph::new(axis_label(v))
                .style(theme.dim)
                .alignment(ratatui::layout::Alignment::Right),
            Rect { y, ..labels },
        );
    }
    let buf = frame.buffer_mut();
    for y in plot.y..plot.bottom() {
        let tick = y == left.y || y == bottom_y;
        buf[(axis_x, y)]
            .set_symbol(if tick { "┤" } else { "│" })
            .set_style(theme.dim);
    }
    if plot.bottom() < left.bottom() {
        buf[(axis_x, plot.bottom())]
            .set_symbol("└")
            .set_style(theme.dim);
    }
}

/// The value axis on the left, the plot, and the date axis under the plot.
pub fn areas(area: Rect, m: &ChartModel) -> [Rect; 3] {
    let gutter = [m.y_bounds[0], m.y_bounds[1]]
        .iter()
        .map(|&v| axis_label(v).len())
        .max()
        .unwrap_or(1) as u16
        + 1;
    let [left, plot_and_axis] =
        Layout::horizontal([Constraint::Length(gutter), Constraint::Fill(1)]).areas(area);
    let [plot, axis] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(plot_and_axis);
    [left, plot, axis]
}

/// Draws the chart with a value axis on the left and dates underneath;
/// the legend says what each mark is, so colour is never needed to read it.
pub fn render(frame: &mut Frame, area: Rect, m: &ChartModel, theme: &Theme) {
    if area.height < 3 || area.width < 12 {
        return;
    }
    let [left, plot, axis] = areas(area, m);
    value_axis(frame, left, plot, m, theme);
    let end = m.origin + chrono::Days::new(m.x_bounds[1] as u64);
    let (from, to) = (m.origin.format("%b %-d").to_string(), end.format("%b %-d"));
    let gap = usize::from(axis.width).saturating_sub(from.len() + to.to_string().len());
    frame.render_widget(
        Paragraph::new(format!("{from}{}{to}", " ".repeat(gap))).style(theme.dim),
        axis,
    );
    let ink = Ink::of(theme);
    let canvas = Canvas::default()
        .marker(Marker::Braille)
        .x_bounds(m.x_bounds)
        .y_bounds(m.y_bounds)
        .paint(|ctx| {
            for &(x, _, _) in &m.markers {
                ctx.draw(&Line::new(x, m.y_bounds[0], x, m.y_bounds[1], ink.markers));
            }
            if let Some([(x1, y1), (x2, y2)]) = m.aimline {
                ctx.draw(&Line::new(x1, y1, x2, y2, ink.aimline));
            }
            if let Some(trend) = m.trend {
                ctx.draw(&Points {
                    coords: &dotted(trend, plot.width),
                    color: ink.trend,
                });
            }
            // Points as glyphs over the lines: one braille dot is too
            // faint to find, and a glyph reads the same without colour.
            for &(x, y) in &m.points {
                ctx.print(x, y, TextLine::styled(POINT, theme.ok.fg(ink.points)));
            }
        });
    frame.render_widget(canvas, plot);
    for (col, row, g) in marker_letters(m, plot) {
        frame.buffer_mut()[(col, row)]
            .set_char(g)
            .set_style(theme.hotkey);
    }
}

/// The chart's colours, taken from the theme's own words (whose contrast
/// on the page every built-in is tested for) rather than fixed ANSI
/// colours, which on light's near-white page read at 2:1; `dark` keeps
/// cyan points, a green aimline, a yellow trend and grey markers.
/// Without colours, all are the terminal's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ink {
    pub points: Color,
    pub aimline: Color,
    pub trend: Color,
    pub markers: Color,
}

impl Ink {
    pub fn of(theme: &Theme) -> Ink {
        let ink = |s: ratatui::style::Style| s.fg.unwrap_or(Color::Reset);
        Ink {
            points: ink(theme.hotkey),
            aimline: ink(theme.ok),
            trend: ink(theme.busy),
            markers: ink(theme.dim),
        }
    }
}

/// Where each marker's letter goes: the top row of the plot, in the very
/// column its line was drawn in (the canvas's own labels round
/// differently); markers sharing a column (paused and resumed the same
/// day) stack downwards so none hides another.
pub fn marker_letters(m: &ChartModel, plot: Rect) -> Vec<(u16, u16, char)> {
    let mut out: Vec<(u16, u16, char)> = Vec::new();
    for &(x, g, _) in &m.markers {
        let Some((col, top)) = m.cell(x, m.y_bounds[1], plot) else {
            continue;
        };
        let row = top + out.iter().filter(|&&(c, _, _)| c == col).count() as u16;
        if row < plot.bottom() {
            out.push((col, row, g));
        }
    }
    out
}

/// How a data point is drawn.
pub const POINT: &str = "●";

/// The trend as a dotted line, one dot every other column, so it reads
/// apart from the solid aimline without colour.
fn dotted([(x1, y1), (x2, y2)]: [(f64, f64); 2], columns: u16) -> Vec<(f64, f64)> {
    let n = usize::from(columns / 2).max(2);
    (0..=n)
        .map(|i| {
            let t = i as f64 / n as f64;
            (x1 + (x2 - x1) * t, y1 + (y2 - y1) * t)
        })
        .collect()
}

/// What the chart cannot show by itself: the trend's absence, the legend.
pub fn legend(m: &ChartModel) -> String {
    let trend = if m.trend.is_some() {
        "⠂⠂ trend".to_string()
    } else {
        format!(
            "no trend: not enough data ({} of {MIN_TREND_POINTS})",
            m.points.len()
        )
    };
    let aim = if m.aimline.is_some() {
        "── aimline"
    } else {
        "no aimline"
    };
    // Each kind once, in the order they happened.
    let mut changes: Vec<String> = Vec::new();
    for &(_, g, label) in &m.markers {
        let entry = format!("{g} {label}");
        if !changes.contains(&entry) {
            changes.push(entry);
        }
    }
    if changes.is_empty() {
        changes.push("no changes".into());
    }
    format!(
        "{POINT} points · {aim} · {trend} · │ {}",
        changes.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::goals::{Goal, GoalFields, Measurement};
    use crate::domain::kinds::{GoalDirection, GoalRule, GoalStatus};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use uuid::Uuid;

    fn d(day: u64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 9, 1).unwrap() + chrono::Days::new(day)
    }

    fn goal(
        direction: GoalDirection,
        base: f64,
        target: f64,
        pts: &[(u64, f64)],
    ) -> GoalWithPoints {
        let id = Uuid::from_u128(1);
        GoalWithPoints {
            goal: Goal {
                id,
                intervention_id: Uuid::from_u128(2),
                fields: GoalFields {
                    statement: "s".into(),
                    measure: "m".into(),
                    unit: None,
                    direction,
                    baseline_value: Some(base),
                    baseline_date: Some(d(0)),
                    target_value: Some(target),
                    target_date: Some(d(40)),
                    decision_rule: GoalRule::FourPoint,
                    status: GoalStatus::Active,
                    sort_order: 0,
                },
                version: 1,
            },
            points: pts
                .iter()
                .map(|&(day, value)| Measurement {
                    id: Uuid::from_u128(100 + day as u128),
                    goal_id: id,
                    session_id: None,
                    measured_on: d(day),
                    value,
                    note: None,
                })
                .collect(),
        }
    }

    fn braille_at(t: &Terminal<TestBackend>, (x, y): (u16, u16)) -> bool {
        let c = t.backend().buffer()[(x, y)]
            .symbol()
            .chars()
            .next()
            .unwrap();
        ('\u{2801}'..='\u{28FF}').contains(&c)
    }

    #[test]
    fn bounds_and_mapping_for_an_increasing_goal() {
        let g = goal(
            GoalDirection::Increase,
            10.0,
            50.0,
            &[(10, 20.0), (20, 30.0), (30, 40.0)],
        );
        let m = ChartModel::new(&g, &[]).unwrap();
        assert_eq!(m.x_bounds, [0.0, 40.0]);
        // y spans 10..50 padded by a tenth of the range.
        assert_eq!(m.y_bounds, [6.0, 54.0]);
        // Points exactly on the aimline: the trend equals it.
        let t = m.trend.unwrap();
        assert!((t[1].1 - 50.0).abs() < 1e-9, "{t:?}");
        // 21×9 plot: 42×36 dots. Baseline (0,10): dx 0, dy round(44/48·35)=32 → row 8.
        let plot = Rect::new(0, 0, 21, 9);
        assert_eq!(m.cell(0.0, 10.0, plot), Some((0, 8)));
        // Target (40,50): dx 41 → col 20; dy round(4/48·35)=3 → row 0.
        assert_eq!(m.cell(40.0, 50.0, plot), Some((20, 0)));
        // Day 20, 30: dx round(20/40·41)=21 (col 10), dy round(24/48·35)=18 (row 4).
        assert_eq!(m.cell(20.0, 30.0, plot), Some((10, 4)));
        assert_eq!(m.cell(41.0, 30.0, plot), None);
    }

    #[test]
    fn points_land_in_their_cells_when_drawn() {
        let g = goal(
            GoalDirection::Decrease,
            50.0,
            10.0,
            &[(5, 48.0), (25, 20.0), (35, 15.0)],
        );
        let m = ChartModel::new(&g, &[]).unwrap();
        let only_points = ChartModel {
            aimline: None,
            trend: None,
            ..m.clone()
        };
        let plot = Rect::new(0, 0, 30, 10);
        let mut t = Terminal::new(TestBackend::new(30, 10)).unwrap();
        t.draw(|f| {
            let canvas = Canvas::default()
                .marker(Marker::Braille)
                .x_bounds(only_points.x_bounds)
                .y_bounds(only_points.y_bounds)
                .paint(|ctx| {
                    ctx.draw(&Points {
                        coords: &only_points.points,
                        color: Color::Reset,
                    })
                });
            f.render_widget(canvas, plot);
        })
        .unwrap();
        for &(x, y) in &only_points.points {
            let cell = m.cell(x, y, plot).unwrap();
            assert!(braille_at(&t, cell), "point ({x},{y}) not at {cell:?}");
        }
        // A decreasing goal's aimline runs from the top left to the bottom right.
        let [(x1, y1), (x2, y2)] = m.aimline.unwrap();
        let (a, b) = (m.cell(x1, y1, plot).unwrap(), m.cell(x2, y2, plot).unwrap());
        assert!(a.0 < b.0 && a.1 < b.1, "{a:?} {b:?}");
        assert!(m.trend.unwrap()[1].1 < m.trend.unwrap()[0].1, "trend falls");
    }

    #[test]
    fn every_point_is_a_glyph_and_the_trend_is_dotted() {
        let g = goal(
            GoalDirection::Increase,
            10.0,
            50.0,
            &[(5, 12.0), (15, 22.0), (25, 31.0), (35, 45.0)],
        );
        let m = ChartModel::new(&g, &[]).unwrap();
        let mut t = Terminal::new(TestBackend::new(60, 16)).unwrap();
        t.draw(|f| render(f, f.area(), &m, &Theme::new(true)))
            .unwrap();
        let glyphs = t
            .backend()
            .buffer()
            .content()
            .iter()
            .filter(|c| c.symbol() == POINT)
            .count();
        assert_eq!(glyphs, 4, "{}", t.backend());
        let trend = dotted(m.trend.unwrap(), 40);
        assert_eq!(trend.len(), 21, "one dot every other column");
        assert_eq!(trend[0], m.trend.unwrap()[0]);
        assert!(legend(&m).starts_with("● points · ── aimline · ⠂⠂ trend"));
    }

    #[test]
    fn pause_and_resume_markers_sit_on_their_days_with_their_letters() {
        use crate::domain::enums::InterventionStatus;
        let g = goal(
            GoalDirection::Increase,
            10.0,
            50.0,
            &[(10, 20.0), (20, 30.0), (30, 40.0)],
        );
        let at = |day: u64, marker: Change| StatusMarker { on: d(day), marker };
        let markers = [
            at(0, Change::Started),
            at(12, Change::Paused),
            at(20, Change::Resumed),
            at(25, Change::Paused),
            // Past the chart's last day (the target, day 40): left out.
            at(60, Change::Ended(InterventionStatus::Completed)),
        ];
        let m = ChartModel::new(&g, &markers).unwrap();
        let placed: Vec<(f64, char)> = m.markers.iter().map(|&(x, g, _)| (x, g)).collect();
        assert_eq!(placed, [(0.0, 'S'), (12.0, 'P'), (20.0, 'R'), (25.0, 'P')]);
        // Each kind once in the legend, in the order it happened.
        assert!(
            legend(&m).ends_with("│ S started, P paused, R resumed"),
            "{}",
            legend(&m)
        );

        let (w, h) = (50, 14);
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        let area = Rect::new(0, 0, w, h);
        t.draw(|f| render(f, area, &m, &Theme::new(true))).unwrap();
        let [_, plot, _] = areas(area, &m);
        for &(x, glyph, _) in &m.markers {
            let (col, row) = m.cell(x, m.y_bounds[1], plot).unwrap();
            assert_eq!(row, plot.y, "letters sit on the plot's top row");
            let at = t.backend().buffer()[(col, row)].symbol().to_string();
            assert_eq!(at, glyph.to_string(), "marker at day {x}");
            // Its line runs down the same column.
            assert!(
                braille_at(&t, (col, row + 1)),
                "line under {glyph} at {col}"
            );
            assert!(
                braille_at(&t, (col, plot.bottom() - 1)),
                "line under {glyph}"
            );
        }
        // Day 12 and day 20 land in different columns: a pause is readable.
        let col = |x: f64| m.cell(x, m.y_bounds[1], plot).unwrap().0;
        assert!(col(12.0) < col(20.0) && col(20.0) < col(25.0));
    }

    #[test]
    fn changes_on_the_same_day_stack_their_letters() {
        let g = goal(GoalDirection::Increase, 10.0, 50.0, &[(10, 20.0)]);
        let same_day = [
            StatusMarker {
                on: d(12),
                marker: Change::Paused,
            },
            StatusMarker {
                on: d(12),
                marker: Change::Resumed,
            },
        ];
        let m = ChartModel::new(&g, &same_day).unwrap();
        let plot = Rect::new(3, 2, 30, 10);
        let letters = marker_letters(&m, plot);
        let col = m.cell(12.0, 50.0, plot).unwrap().0;
        assert_eq!(letters, [(col, 2, 'P'), (col, 3, 'R')]);
        // A plot one row high keeps the first and drops the rest.
        let flat = Rect::new(3, 2, 30, 1);
        assert_eq!(marker_letters(&m, flat).len(), 1);
    }

    /// WCAG's 3:1 for graphics: every braille dot and point glyph of the
    /// chart against the page, in every built-in (light's ANSI cyan and
    /// green on near-white were 2:1); and its four inks stay apart.
    #[test]
    fn the_charts_marks_stand_out_from_the_page_in_every_built_in() {
        use crate::ui::theme::{BUILTIN, contrast};
        let g = goal(
            GoalDirection::Increase,
            10.0,
            50.0,
            &[(5, 12.0), (15, 22.0), (25, 31.0), (35, 45.0)],
        );
        let paused = [StatusMarker {
            on: d(12),
            marker: Change::Paused,
        }];
        let m = ChartModel::new(&g, &paused).unwrap();
        for name in BUILTIN {
            let theme = Theme::builtin(name).unwrap();
            let mut t = Terminal::new(TestBackend::new(60, 16)).unwrap();
            t.draw(|f| render(f, f.area(), &m, &theme)).unwrap();
            let (text, page) = contrast::page(theme.text);
            let mut inks = std::collections::BTreeSet::new();
            for cell in t.backend().buffer().content() {
                let c = cell.symbol().chars().next().unwrap_or(' ');
                if !(('\u{2801}'..='\u{28FF}').contains(&c) || cell.symbol() == POINT) {
                    continue;
                }
                let fg = if cell.fg == Color::Reset {
                    text
                } else {
                    cell.fg
                };
                let r = contrast::ratio(fg, page).unwrap();
                assert!(
                    r >= contrast::GRAPHICS,
                    "{name}: {:?} in {fg:?} on {page:?} is {r:.2}:1",
                    cell.symbol()
                );
                inks.insert(format!("{fg:?}"));
            }
            assert_eq!(
                inks.len(),
                4,
                "{name}: points, aimline, trend, marker: {inks:?}"
            );
        }
    }

    /// The aimline starts on the baseline's day, at the plot's left edge:
    /// right of the value axis and its labels, never across them.
    #[test]
    fn the_aimline_starts_right_of_the_value_axis() {
        let g = goal(
            GoalDirection::Increase,
            10.0,
            50.0,
            &[(10, 20.0), (20, 24.0)],
        );
        let started = [StatusMarker {
            on: d(0),
            marker: Change::Started,
        }];
        let m = ChartModel::new(&g, &started).unwrap();
        let area = Rect::new(0, 0, 40, 12);
        let mut t = Terminal::new(TestBackend::new(40, 12)).unwrap();
        t.draw(|f| render(f, area, &m, &Theme::new(true))).unwrap();
        let [left, plot, _] = areas(area, &m);
        let axis = left.right() - 1;
        assert_eq!(plot.x, axis + 1);
        for y in plot.y..plot.bottom() {
            for x in left.x..=axis {
                assert!(!braille_at(&t, (x, y)), "plot ink at ({x},{y})");
            }
        }
        let at = |x: u16, y: u16| t.backend().buffer()[(x, y)].symbol().to_string();
        assert_eq!(
            (at(axis, plot.y), at(axis, plot.y + 1)),
            ("┤".into(), "│".into())
        );
        // The baseline (day 0, value 10) is the aimline's first cell.
        let (col, row) = m.cell(0.0, 10.0, plot).unwrap();
        assert_eq!(col, plot.x);
        assert!(braille_at(&t, (col, row)));
        let text: String = (0..12)
            .map(|y| {
                let row: String = (0..40).map(|x| at(x, y)).collect();
                format!("{}\n", row.trim_end())
            })
            .collect();
        insta::assert_snapshot!(text);
    }

    #[test]
    fn without_changes_the_legend_says_so() {
        let g = goal(GoalDirection::Increase, 10.0, 50.0, &[(10, 20.0)]);
        let m = ChartModel::new(&g, &[]).unwrap();
        assert!(legend(&m).ends_with("│ no changes"), "{}", legend(&m));
    }

    #[test]
    fn fewer_than_three_points_give_no_trend() {
        let g = goal(
            GoalDirection::Increase,
            10.0,
            50.0,
            &[(10, 20.0), (20, 30.0)],
        );
        let m = ChartModel::new(&g, &[]).unwrap();
        assert!(m.trend.is_none());
        assert!(legend(&m).contains("not enough data (2 of 3)"));
    }

    #[test]
    fn the_value_axis_never_says_minus_zero() {
        assert_eq!(axis_label(-0.4), "0");
        assert_eq!(axis_label(0.3), "0");
        assert_eq!(axis_label(-1.6), "-2");
        // Referrals falling to 0: the axis stops at 0, not at "-1".
        let g = goal(
            GoalDirection::Decrease,
            3.0,
            0.0,
            &[(5, 2.0), (15, 1.0), (25, 0.0), (35, 0.0)],
        );
        let m = ChartModel::new(&g, &[]).unwrap();
        assert_eq!(m.y_bounds[0], 0.0);
        let mut t = Terminal::new(TestBackend::new(40, 12)).unwrap();
        t.draw(|f| render(f, f.area(), &m, &Theme::new(true)))
            .unwrap();
        let screen: String = t
            .backend()
            .buffer()
            .content
            .iter()
            .map(|c| c.symbol())
            .collect();
        assert!(!screen.contains("-0") && !screen.contains("-1"), "{screen}");
    }
}
