//! A goal's progress chart as inline SVG: the data points, the aimline from
//! baseline to target (dashed) and the trend of the points (when there are
//! enough), with the value range and the dates on the axes. Drawn from the
//! same maths as the TUI's chart (`domain::progress`).

use super::html::esc;
use crate::domain::goals::GoalWithPoints;
use crate::domain::progress::{self, Point};
use chrono::NaiveDate;
use std::fmt::Write;

const W: f64 = 520.0;
const H: f64 = 200.0;
/// Room for the value labels on the left and the dates below.
const LEFT: f64 = 48.0;
const BOTTOM: f64 = 24.0;
const TOP: f64 = 10.0;
const RIGHT: f64 = 10.0;

/// Shortest form of a value: no trailing zeros.
pub fn num(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

struct Frame {
    from: NaiveDate,
    days: f64,
    low: f64,
    high: f64,
}

impl Frame {
    fn x(&self, d: NaiveDate) -> f64 {
        LEFT + (d - self.from).num_days() as f64 / self.days * (W - LEFT - RIGHT)
    }
    fn y(&self, v: f64) -> f64 {
        TOP + (self.high - v) / (self.high - self.low) * (H - TOP - BOTTOM)
    }
}

/// The chart, or `None` when there is nothing to draw (no points and no
/// aimline).
pub fn chart(g: &GoalWithPoints, label: &str) -> Option<String> {
    let points: Vec<Point> = g.points.iter().map(|m| m.point()).collect();
    let goal = g.goal.progress_goal().ok();
    let mut dates: Vec<NaiveDate> = points.iter().map(|p| p.on).collect();
    let mut values: Vec<f64> = points.iter().map(|p| p.value).collect();
    if let Some(goal) = &goal {
        dates.extend([goal.baseline.on, goal.target.on]);
        values.extend([goal.baseline.value, goal.target.value]);
    }
    // A target without a baseline has no aimline, but still shows where
    // the goal aims.
    let fields = &g.goal.fields;
    let target = match (fields.target_value, fields.target_date) {
        (Some(v), Some(d)) if goal.is_none() => Some(Point { on: d, value: v }),
        _ => None,
    };
    if let Some(t) = target {
        dates.push(t.on);
        values.push(t.value);
    }
    let from = *dates.iter().min()?;
    let to = *dates.iter().max()?;
    let mut low = values.iter().copied().fold(f64::INFINITY, f64::min);
    let mut high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if (high - low).abs() < f64::EPSILON {
        low -= 1.0;
        high += 1.0;
    }
    let f = Frame {
        from,
        days: ((to - from).num_days() as f64).max(1.0),
        low,
        high,
    };
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {H}\" width=\"{W}\" \
         height=\"{H}\" role=\"img\" aria-label=\"{}\"><title>{}</title>",
        esc(label),
        esc(label)
    );
    // Axes and their labels.
    let _ = write!(
        s,
        "<line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{b}\" stroke=\"#888\"/>\
         <line x1=\"{LEFT}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" stroke=\"#888\"/>\
         <text x=\"{tx}\" y=\"{ty}\" font-size=\"10\" text-anchor=\"end\">{hi}</text>\
         <text x=\"{tx}\" y=\"{b}\" font-size=\"10\" text-anchor=\"end\">{lo}</text>\
         <text x=\"{LEFT}\" y=\"{H}\" font-size=\"10\">{from}</text>\
         <text x=\"{r}\" y=\"{H}\" font-size=\"10\" text-anchor=\"end\">{to}</text>",
        b = H - BOTTOM,
        r = W - RIGHT,
        tx = LEFT - 4.0,
        ty = TOP + 8.0,
        hi = num(high),
        lo = num(low),
    );
    if let Some(goal) = &goal {
        let _ = write!(
            s,
            "<line class=\"aimline\" x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" \
             stroke=\"#1a6\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>",
            f.x(goal.baseline.on),
            f.y(goal.baseline.value),
            f.x(goal.target.on),
            f.y(goal.target.value)
        );
    }
    if let (Some(t), Some(first), Some(last)) = (
        progress::trend(&points),
        points.iter().map(|p| p.on).min(),
        points.iter().map(|p| p.on).max(),
    ) {
        let _ = write!(
            s,
            "<line class=\"trend\" x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" \
             stroke=\"#c50\" stroke-width=\"1.5\"/>",
            f.x(first),
            f.y(t.value_on(first)).clamp(0.0, H),
            f.x(last),
            f.y(t.value_on(last)).clamp(0.0, H)
        );
    }
    if let Some(t) = target {
        let _ = write!(
            s,
            "<rect class=\"target\" x=\"{:.1}\" y=\"{:.1}\" width=\"8\" height=\"8\" \
             fill=\"none\" stroke=\"#1a6\" stroke-width=\"2\"><title>goal: {} by {}</title></rect>",
            f.x(t.on) - 4.0,
            f.y(t.value) - 4.0,
            num(t.value),
            t.on
        );
    }
    let mut sorted = points.clone();
    sorted.sort_by_key(|p| p.on);
    for p in &sorted {
        let _ = write!(
            s,
            "<circle class=\"point\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"#036\" \
             data-date=\"{}\" data-value=\"{}\"><title>{}: {}</title></circle>",
            f.x(p.on),
            f.y(p.value),
            p.on,
            num(p.value),
            p.on,
            num(p.value)
        );
    }
    s.push_str("</svg>");
    let mut keys = Vec::new();
    if !sorted.is_empty() {
        keys.push(("point", "data points (measurements)"));
    }
    if goal.is_some() {
        keys.push(("aimline", "aim line: baseline to goal (dashed)"));
    }
    if progress::trend(&points).is_some() {
        keys.push(("trend", "trend of the data points"));
    }
    if target.is_some() {
        keys.push(("target", "goal"));
    }
    s.push_str(&legend(&keys));
    Some(s)
}

/// The key under a chart: one swatch and its words per kind of mark drawn.
fn legend(keys: &[(&str, &str)]) -> String {
    let mut s = String::from("<p class=\"legend\">");
    for (class, words) in keys {
        let _ = write!(
            s,
            "<span class=\"key {class}\"></span><span class=\"key-text\">{}</span>",
            esc(words)
        );
    }
    s.push_str("</p>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tryout's charts had no key: a reader could not tell the aim
    /// line from the trend.
    #[test]
    fn a_chart_says_what_its_lines_and_dots_are() {
        let keys = [
            ("point", "data points (measurements)"),
            ("aimline", "aim <line>"),
        ];
        let l = legend(&keys);
        assert_eq!(
            l,
            "<p class=\"legend\"><span class=\"key point\"></span><span class=\"key-text\">\
             data points (measurements)</span><span class=\"key aimline\"></span>\
             <span class=\"key-text\">aim &lt;line&gt;</span></p>"
        );
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.5), "12.5");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(1.239), "1.24");
    }
}
