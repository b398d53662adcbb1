//! People as the People screen lists them (every `users` row with their
//! grants and whether their login role may sign in) and its filters.

use chrono::NaiveDate;

/// The role keys caseload has group roles for (migration 0002).
pub const ROLE_KEYS: &[&str] = &[
    "admin",
    "coordinator",
    "counselor",
    "interventionist",
    "teacher",
    "viewer",
];

/// One role a person holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub role: String,
    /// The school's local id; `None`: all schools.
    pub school: Option<String>,
    /// It ends at the start of this day (server time zone)…
    pub expires: Option<NaiveDate>,
    /// …which has passed.
    pub expired: bool,
}

impl Grant {
    /// "counselor@LIN until 2030-01-01", as `caseload user list` says it.
    pub fn describe(&self) -> String {
        let at = self.school.as_deref().unwrap_or("all");
        match (self.expires, self.expired) {
            (_, true) => format!("{}@{at} expired", self.role),
            (Some(d), false) => format!("{}@{at} until {d}", self.role),
            (None, false) => format!("{}@{at}", self.role),
        }
    }
}

impl Grant {
    /// As the People screen says it, the school by name ("counselor at
    /// North Elementary until 2030-01-01"): a local id means little to
    /// whoever reads the list. The local id when `schools` lacks it.
    pub fn describe_in(&self, schools: &[SchoolRef]) -> String {
        let at = match self.school.as_deref() {
            None => "all schools",
            Some(id) => school_name(schools, id),
        };
        let role = format!("{} at {at}", self.role);
        match (self.expires, self.expired) {
            (_, true) => format!("{role}, expired"),
            (Some(d), false) => format!("{role} until {d}"),
            (None, false) => role,
        }
    }
}

/// The name of the school with local id `id`, else the id itself.
pub fn school_name<'a>(schools: &'a [SchoolRef], id: &'a str) -> &'a str {
    schools
        .iter()
        .find(|s| s.local_id == id)
        .map_or(id, |s| s.name.as_str())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub username: String,
    pub display_name: String,
    pub email: String,
    /// The home school's local id.
    pub home_school: Option<String>,
    pub is_active: bool,
    /// A login role exists and may sign in.
    pub can_login: bool,
    /// A login role exists at all (a `users` row from an import may have none).
    pub has_login: bool,
    pub grants: Vec<Grant>,
}

/// A school a grant or a home can name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolRef {
    pub local_id: String,
    pub name: String,
}

/// The school `typed` names, by local id or name (any case), or a part of
/// one name; empty names none. The error says what was found instead, so
/// nobody has to know local ids by heart.
pub fn find_school<'a>(
    typed: &str,
    schools: &'a [SchoolRef],
) -> Result<Option<&'a SchoolRef>, String> {
    let t = typed.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let lower = t.to_lowercase();
    if let Some(s) = schools
        .iter()
        .find(|s| s.local_id.eq_ignore_ascii_case(t) || s.name.to_lowercase() == lower)
    {
        return Ok(Some(s));
    }
    let found: Vec<&SchoolRef> = schools
        .iter()
        .filter(|s| s.name.to_lowercase().contains(&lower))
        .collect();
    let shown = |list: &[&SchoolRef]| {
        let mut names: Vec<String> = list
            .iter()
            .take(4)
            .map(|s| format!("{} ({})", s.name, s.local_id))
            .collect();
        if list.len() > 4 {
            names.push(format!("{} more", list.len() - 4));
        }
        names.join(", ")
    };
    let typed: String = t.chars().take(64).collect();
    match found[..] {
        [one] => Ok(Some(one)),
        [] if schools.is_empty() => Err("no school you may choose here".into()),
        [] => Err(format!(
            "no school called {typed:?}: type a name or local id, e.g. {}",
            shown(&schools.iter().collect::<Vec<_>>())
        )),
        _ => Err(format!(
            "{typed:?} names {} schools: {}; type more of the name",
            found.len(),
            shown(&found)
        )),
    }
}

/// What the People screen loads: everyone, and the schools grants can name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Directory {
    pub people: Vec<Person>,
    pub schools: Vec<SchoolRef>,
}

/// The list's filters; `None` lets everyone through.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeopleFilter {
    /// Every word in the username, name or email (any case).
    pub search: String,
    pub role: Option<String>,
    /// A school's local id: a grant at it (or the home school).
    pub school: Option<String>,
    pub active: Option<bool>,
    pub can_login: Option<bool>,
}

impl PeopleFilter {
    pub fn admits(&self, p: &Person) -> bool {
        let hay = format!("{} {} {}", p.username, p.display_name, p.email).to_lowercase();
        let words = self.search.to_lowercase();
        words.split_whitespace().all(|w| hay.contains(w))
            && self
                .role
                .as_ref()
                .is_none_or(|r| p.grants.iter().any(|g| &g.role == r && !g.expired))
            && self.school.as_ref().is_none_or(|s| {
                p.home_school.as_ref() == Some(s)
                    || p.grants.iter().any(|g| g.school.as_ref() == Some(s))
            })
            && self.active.is_none_or(|a| p.is_active == a)
            && self.can_login.is_none_or(|l| p.can_login == l)
    }

    /// The chips the list shows for the filters set.
    pub fn chips(&self) -> Vec<String> {
        let yes_no = |b: bool, yes: &str, no: &str| if b { yes } else { no }.to_string();
        let mut out = Vec::new();
        if let Some(r) = &self.role {
            out.push(format!("role: {r}"));
        }
        if let Some(s) = &self.school {
            out.push(format!("school: {s}"));
        }
        if let Some(a) = self.active {
            out.push(yes_no(a, "active", "inactive"));
        }
        if let Some(l) = self.can_login {
            out.push(yes_no(l, "can log in", "cannot log in"));
        }
        out
    }
}

/// The next value of a three-way filter: yes, no, off.
pub fn next_tristate(v: Option<bool>) -> Option<bool> {
    match v {
        None => Some(true),
        Some(true) => Some(false),
        Some(false) => None,
    }
}

/// The next value in `all` after `v`, then off.
pub fn next_of(v: Option<&str>, all: &[String]) -> Option<String> {
    match v {
        None => all.first().cloned(),
        Some(cur) => all
            .iter()
            .position(|x| x == cur)
            .and_then(|i| all.get(i + 1))
            .cloned(),
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_school_is_found_by_local_id_name_or_part_of_a_name() {
        let schools: Vec<SchoolRef> = [
            ("0101", "Lincoln Elementary"),
            ("0102", "Lincoln Middle School"),
            ("0201", "Oak High School"),
        ]
        .iter()
        .map(|(id, name)| SchoolRef {
            local_id: (*id).into(),
            name: (*name).into(),
        })
        .collect();
        let found = |t: &str| find_school(t, &schools).map(|s| s.map(|s| s.local_id.as_str()));
        assert_eq!(found(""), Ok(None));
        assert_eq!(found(" 0102 "), Ok(Some("0102")));
        assert_eq!(found("oak high school"), Ok(Some("0201")));
        assert_eq!(found("oak"), Ok(Some("0201")));
        assert_eq!(
            found("lincoln"),
            Err("\"lincoln\" names 2 schools: Lincoln Elementary (0101), \
                 Lincoln Middle School (0102); type more of the name"
                .into())
        );
        assert!(
            found("Pine").is_err_and(|e| e.starts_with("no school called \"Pine\"")),
            "{:?}",
            found("Pine")
        );
    }
    use super::*;

    fn person(name: &str, active: bool, grants: &[(&str, Option<&str>)]) -> Person {
        Person {
            username: name.into(),
            display_name: format!("{name} Example"),
            email: format!("{name}@school.example.org"),
            home_school: None,
            is_active: active,
            can_login: active,
            has_login: true,
            grants: grants
                .iter()
                .map(|(r, s)| Grant {
                    role: (*r).into(),
                    school: s.map(String::from),
                    expires: None,
                    expired: false,
                })
                .collect(),
        }
    }

    #[test]
    fn filters_combine() {
        let dana = person("dana", true, &[("counselor", Some("N1"))]);
        let eli = person("eli", false, &[("admin", None)]);
        let f = |f: PeopleFilter| {
            [&dana, &eli]
                .into_iter()
                .filter(|p| f.admits(p))
                .map(|p| p.username.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(f(PeopleFilter::default()), ["dana", "eli"]);
        let search = |s: &str| PeopleFilter {
            search: s.into(),
            ..Default::default()
        };
        assert_eq!(f(search("DANA ex")), ["dana"]);
        assert_eq!(f(search("dana eli")), Vec::<&str>::new());
        let role = PeopleFilter {
            role: Some("admin".into()),
            ..Default::default()
        };
        assert_eq!(f(role), ["eli"]);
        let school = PeopleFilter {
            school: Some("N1".into()),
            ..Default::default()
        };
        assert_eq!(f(school), ["dana"]);
        let inactive = PeopleFilter {
            active: Some(false),
            ..Default::default()
        };
        assert_eq!(f(inactive.clone()), ["eli"]);
        assert_eq!(inactive.chips(), ["inactive"]);
        let login = PeopleFilter {
            can_login: Some(true),
            ..Default::default()
        };
        assert_eq!(f(login), ["dana"]);
    }

    #[test]
    fn an_expired_grant_does_not_count_for_the_role_filter() {
        let mut p = person("x", true, &[("admin", None)]);
        p.grants[0].expired = true;
        let role = PeopleFilter {
            role: Some("admin".into()),
            ..Default::default()
        };
        assert!(!role.admits(&p));
        assert_eq!(p.grants[0].describe(), "admin@all expired");
        assert_eq!(
            p.grants[0].describe_in(&[]),
            "admin at all schools, expired"
        );
    }

    #[test]
    fn the_screen_names_a_grants_school_by_its_name() {
        let schools = [SchoolRef {
            local_id: "LIN".into(),
            name: "Lincoln Elementary".into(),
        }];
        let g = |school: &str| Grant {
            role: "counselor".into(),
            school: Some(school.into()),
            expires: NaiveDate::from_ymd_opt(2030, 1, 1),
            expired: false,
        };
        assert_eq!(
            g("LIN").describe_in(&schools),
            "counselor at Lincoln Elementary until 2030-01-01"
        );
        // A school the list does not hold (inactive, say) keeps its id.
        assert_eq!(
            g("OLD").describe_in(&schools),
            "counselor at OLD until 2030-01-01"
        );
        assert_eq!(
            g("LIN").describe(),
            "counselor@LIN until 2030-01-01",
            "the CLI's"
        );
    }

    #[test]
    fn cycles() {
        assert_eq!(next_tristate(None), Some(true));
        assert_eq!(next_tristate(Some(true)), Some(false));
        assert_eq!(next_tristate(Some(false)), None);
        let all = vec!["a".to_string(), "b".to_string()];
        assert_eq!(next_of(None, &all).as_deref(), Some("a"));
        assert_eq!(next_of(Some("a"), &all).as_deref(), Some("b"));
        assert_eq!(next_of(Some("b"), &all), None);
    }
}
