//! What the clients measured: milliseconds per action and errors by kind.

use std::collections::BTreeMap;

#[derive(Debug, Default, Clone)]
pub struct Tally {
    pub samples: BTreeMap<&'static str, Vec<f64>>,
    /// "action: message" (numbers folded to `#`, so one kind of failure
    /// counts as one line whatever its ids or counts) -> how many.
    pub errors: BTreeMap<String, usize>,
}

/// One kind of failure, whatever its numbers: "no answer within 30 s" and
/// "... 60 s" are told apart, ids and pids are not.
pub fn kind(action: &str, why: &str) -> String {
    let clean = crate::ui::sanitize::clean(why);
    let mut out = String::with_capacity(clean.len().min(160));
    let mut last_digit = false;
    for c in clean.chars().take(160) {
        if c.is_ascii_digit() {
            if !last_digit {
                out.push('#');
            }
            last_digit = true;
        } else {
            out.push(c);
            last_digit = false;
        }
    }
    format!("{action}: {out}")
}

impl Tally {
    pub fn sample(&mut self, action: &'static str, ms: f64) {
        self.samples.entry(action).or_default().push(ms);
    }

    pub fn error(&mut self, action: &str, why: &str) {
        *self.errors.entry(kind(action, why)).or_default() += 1;
    }

    pub fn result(&mut self, action: &'static str, r: Result<f64, String>) {
        match r {
            Ok(ms) => self.sample(action, ms),
            Err(why) => self.error(action, &why),
        }
    }

    pub fn merge(&mut self, other: Tally) {
        for (k, mut v) in other.samples {
            self.samples.entry(k).or_default().append(&mut v);
        }
        for (k, n) in other.errors {
            *self.errors.entry(k).or_default() += n;
        }
    }

    pub fn actions(&self) -> usize {
        self.samples.values().map(Vec::len).sum()
    }

    pub fn error_count(&self) -> usize {
        self.errors.values().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_kind_whatever_the_numbers() {
        assert_eq!(
            kind("home", "FATAL: sorry, too many clients already (pid 4123)"),
            "home: FATAL: sorry, too many clients already (pid #)"
        );
        let mut t = Tally::default();
        t.error("home", "timeout after 5 s, pool 8/8");
        t.error("home", "timeout after 15 s, pool 2/8");
        assert_eq!(t.errors.len(), 1);
        assert_eq!(t.error_count(), 2);
    }

    #[test]
    fn merge_keeps_every_sample() {
        let mut a = Tally::default();
        a.sample("home (r)", 1.0);
        let mut b = Tally::default();
        b.sample("home (r)", 2.0);
        b.sample("contact: open form", 3.0);
        b.error("home", "x");
        a.merge(b);
        assert_eq!(a.samples["home (r)"], vec![1.0, 2.0]);
        assert_eq!(a.actions(), 3);
        assert_eq!(a.error_count(), 1);
    }
}
