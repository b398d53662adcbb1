//! The roster query: search, filters and sort, keyset-paged in both
//! directions, and its (possibly estimated) count.
//!
//! Which students exist is row-level security's business alone. The page
//! query of someone who sees only some schools is split into branches by
//! the policy's own terms ([`Reach`], read from the same helpers), purely
//! so each branch can seek in an index; together they cover exactly what
//! the policy admits (a counselor on a team at another school still sees
//! that student), and the policy still applies to every branch.

use crate::db::students::{ROSTER_COLUMNS, roster_row};
use crate::db::unnamed::{Param, Unnamed};
use crate::domain::enums::PgEnum;
use crate::domain::roster::{
    Filters, PageRequest, RosterPage, RosterQuery, RosterRow, SchoolFilter, Sort, search_tokens,
};
use serde::{Deserialize, Serialize};
use tokio_postgres::GenericClient;
use uuid::Uuid;

/// Up to this many matches are counted exactly; beyond, the planner's
/// estimate is shown instead of walking every row.
pub const EXACT_COUNT_LIMIT: i64 = 10_000;
/// The settings key under which a person's roster filters and sort live.
pub const FILTERS_KEY: &str = "roster.filters";

/// The sort key in front of the name keys ([`NAME_KEYS`]), if any.
fn sort_lead(sort: Sort) -> Option<&'static str> {
    match sort {
        Sort::Name => None,
        Sort::Grade => Some("s.grade_level"),
        Sort::School => Some(SCHOOL_LABEL),
        Sort::LastSession => Some(LAST_SESSION_RANK),
    }
}

/// Every sort ends in name order, in the district's alphabet
/// (`caseload_names`, 0014) exactly as the name indexes are built: the ORDER
/// BY and the cursor's row comparison must name the index's collation, or
/// no index gives the order and every page sorts all the rows before it.
const NAME_KEYS: [&str; 3] = [
    "s.last_name COLLATE caseload_names",
    "s.first_name COLLATE caseload_names",
    "s.id",
];

/// The same keys over a merged page's output columns.
const OUTPUT_NAME_KEYS: [&str; 3] = [
    "last_name COLLATE caseload_names",
    "first_name COLLATE caseload_names",
    "id",
];

/// The last-session sort as one ascending key (most recent first, none
/// last), exactly the expression `students_last_session_idx` (0007) indexes,
/// so the planner walks that index.
const LAST_SESSION_RANK: &str = "COALESCE(DATE '9999-12-31' - s.last_session_date, 2147483647)";

/// The same key for a bound date parameter (a keyset cursor).
fn last_session_rank(date: &str) -> String {
    format!("COALESCE(DATE '9999-12-31' - {date}::date, 2147483647)")
}

/// The school as the roster shows it, and sorts it (a name too: in the
/// district's alphabet).
const SCHOOL_LABEL: &str = "COALESCE(sc.short_name, sc.name) COLLATE caseload_names";

/// Bind parameters collected while the SQL text is built, so user input
/// only ever travels as a parameter.
#[derive(Default)]
pub(crate) struct Params(Vec<Box<dyn Param + Send>>);

impl Params {
    pub(crate) fn bind(&mut self, v: impl Param + Send + 'static) -> String {
        self.0.push(Box::new(v));
        format!("${}", self.0.len())
    }

    pub(crate) fn refs(&self) -> Vec<&dyn Param> {
        self.0.iter().map(|p| p.as_ref() as &dyn Param).collect()
    }
}

/// How search tokens are matched. Both give the same rows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Match {
    /// Through the trigram index: row-level security keeps LIKE (not
    /// leakproof) above its policies, so no plan could use the index for it;
    /// `caseload_search_students` (0012, SECURITY DEFINER) reads the index
    /// and returns only ids of students the person may see.
    Indexed,
    /// Plain LIKE only, for the planner's row estimate (it cannot see into
    /// the function).
    Estimate,
}

/// Tokens with fewer letters or digits than this have no trigram the index
/// could look up: LIKE alone finds them as fast.
const MIN_INDEXED_CHARS: usize = 3;

/// The WHERE conditions of search and filters (without the keyset).
fn conditions(q: &RosterQuery, p: &mut Params, how: Match) -> Vec<String> {
    let mut w = Vec::new();
    let tokens = search_tokens(&q.search);
    for token in &tokens {
        let t = p.bind(token.to_string());
        w.push(format!("s.search_text LIKE caseload_like_contains({t})"));
    }
    let indexed: Vec<String> = tokens
        .iter()
        .filter(|t| t.chars().filter(|c| c.is_alphanumeric()).count() >= MIN_INDEXED_CHARS)
        .map(|t| t.to_string())
        .collect();
    if how == Match::Indexed && !indexed.is_empty() {
        w.push(format!(
            "s.id IN (SELECT f.id FROM caseload_search_students({}::text[]) f(id))",
            p.bind(indexed)
        ));
    }
    let f = &q.filters;
    if let Some(school) = &f.school {
        w.push(format!("s.school_id = {}", p.bind(school.id)));
    }
    if let Some(g) = f.grade_min {
        w.push(format!("s.grade_level >= {}", p.bind(g)));
    }
    if let Some(g) = f.grade_max {
        w.push(format!("s.grade_level <= {}", p.bind(g)));
    }
    if let Some(st) = f.status {
        w.push(format!("s.status = {}", p.bind(st)));
    }
    for (on, col) in [
        (f.iep, "s.has_iep"),
        (f.section_504, "s.has_504"),
        (f.english_learner, "s.is_english_learner"),
    ] {
        if on {
            w.push(col.to_string());
        }
    }
    // "Active" means running: active, or active and due for review. Row-level
    // security applies inside these subqueries too, so a restricted
    // intervention the person cannot see does not reveal itself here.
    if let Some(tier) = f.tier {
        w.push(format!(
            "EXISTS (SELECT 1 FROM interventions i WHERE i.student_id = s.id \
               AND i.status IN ('active', 'review_due') AND i.tier = {})",
            p.bind(tier)
        ));
    }
    if f.active_intervention {
        w.push(
            "EXISTS (SELECT 1 FROM interventions i WHERE i.student_id = s.id \
               AND i.status IN ('active', 'review_due'))"
                .to_string(),
        );
    }
    if f.my_caseload {
        w.push(
            "(s.counselor_id = (SELECT caseload_current_user_id()) \
              OR EXISTS (SELECT 1 FROM interventions i WHERE i.student_id = s.id \
                AND (i.owner_id = (SELECT caseload_current_user_id()) \
                  OR EXISTS (SELECT 1 FROM intervention_team t WHERE t.intervention_id = i.id \
                    AND t.user_id = (SELECT caseload_current_user_id())))))"
                .to_string(),
        );
    }
    w
}

/// The roster's search and filters as a WHERE clause over `students s`, and
/// its sort as an ORDER BY list, for exports that take the roster as the
/// person sees it (`crate::export`): the same conditions as the page query.
pub(crate) fn filtered(q: &RosterQuery, p: &mut Params) -> (String, String) {
    let w = conditions(q, p, Match::Indexed);
    let mut key: Vec<&str> = sort_lead(q.sort).into_iter().collect();
    key.extend(NAME_KEYS);
    (where_clause(&w), key.join(", "))
}

fn where_clause(w: &[String]) -> String {
    if w.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", w.join(" AND "))
    }
}

/// Whom row-level security lets the person see, from the helpers the
/// students policy itself calls (0003): everyone, or the students of some
/// schools, their counselees and the students of their interventions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reach {
    pub all: bool,
    pub schools: Vec<Uuid>,
    pub me: Option<Uuid>,
    pub team: Vec<Uuid>,
}

/// Past this many schools one index walk in roster order beats one branch
/// per school.
const MAX_SCHOOL_BRANCHES: usize = 40;

impl Reach {
    /// The policy's terms as separate conditions, one per school and one for
    /// counselees and team students outside those schools: each can walk an
    /// index of its own (students_school_name_idx per school), and together
    /// they cover exactly the rows the policy admits. `None` for people who
    /// see everyone (one walk in roster order finds rows densely) or span
    /// too many schools.
    fn branches(&self, p: &mut Params) -> Option<Vec<String>> {
        if self.all || self.schools.len() > MAX_SCHOOL_BRANCHES {
            return None;
        }
        let mut out: Vec<String> = self
            .schools
            .iter()
            .map(|id| format!("s.school_id = {}", p.bind(*id)))
            .collect();
        let mut own = Vec::new();
        if let Some(me) = self.me {
            own.push(format!("s.counselor_id = {}", p.bind(me)));
        }
        if !self.team.is_empty() {
            own.push(format!("s.id = ANY ({})", p.bind(self.team.clone())));
        }
        if !own.is_empty() {
            out.push(format!(
                "({}) AND s.school_id <> ALL ({})",
                own.join(" OR "),
                p.bind(self.schools.clone())
            ));
        }
        Some(out)
    }

    /// The policy's terms (when not everyone) as one condition the planner
    /// can answer from indexes (a BitmapOr), for counting: the policy's own
    /// condition has a per-person `true OR …` the planner cannot use.
    fn condition(&self, p: &mut Params) -> Option<String> {
        if self.all {
            return None;
        }
        let mut terms = vec![format!(
            "s.school_id = ANY ({})",
            p.bind(self.schools.clone())
        )];
        if let Some(me) = self.me {
            terms.push(format!("s.counselor_id = {}", p.bind(me)));
        }
        terms.push(format!("s.id = ANY ({})", p.bind(self.team.clone())));
        Some(format!("({})", terms.join(" OR ")))
    }
}

pub async fn reach(client: &(impl GenericClient + Sync)) -> Result<Reach, tokio_postgres::Error> {
    let r = client
        .fetch_one(
            "SELECT caseload_sees_all_students(), caseload_coordinator_school_ids(), \
                    caseload_active_user_id(), caseload_team_student_ids()",
            &[],
        )
        .await?;
    Ok(Reach {
        all: r.get(0),
        schools: r.get(1),
        me: r.get(2),
        team: r.get(3),
    })
}

/// A search whose every token is too short for the trigram index, in name
/// order, with no other filter. For someone who sees the whole district its
/// page is picked by `caseload_short_search_page` (0038, SECURITY DEFINER):
/// walking the name index index-only (0035) finds a common pair's page at
/// once, but a rare or late one ("zq", "mc") only after hundreds of thousands
/// of names; the function can also use the index of letter pairs, which
/// row-level security keeps every query of the person's own from using.
fn short_search(q: &RosterQuery) -> bool {
    let tokens = search_tokens(&q.search);
    q.sort == Sort::Name
        && q.filters == Filters::default()
        && !tokens.is_empty()
        && tokens
            .iter()
            .all(|t| t.chars().filter(|c| c.is_alphanumeric()).count() < MIN_INDEXED_CHARS)
}

/// The function's bounds (0038): it answers nothing outside them, and the
/// query then walks the name index as any other search does.
const SHORT_SEARCH_MAX_TOKENS: usize = 64;
const SHORT_SEARCH_MAX_PAGE: i64 = 1000;

/// The ids of a short search's page, from `caseload_short_search_page`, as a
/// condition on the person's own read of students (row-level security still
/// applies to it); `None` past the function's bounds.
fn short_search_page(
    q: &RosterQuery,
    request: &PageRequest,
    fetch: i64,
    p: &mut Params,
) -> Option<String> {
    let tokens: Vec<String> = search_tokens(&q.search)
        .iter()
        .map(|t| t.to_string())
        .collect();
    if tokens.len() > SHORT_SEARCH_MAX_TOKENS || fetch > SHORT_SEARCH_MAX_PAGE {
        return None;
    }
    let fetch = i32::try_from(fetch).ok()?;
    let (cursor, descending, inclusive) = match request {
        PageRequest::First => (None, false, false),
        PageRequest::Last => (None, true, false),
        PageRequest::After(c) => (Some(c), false, false),
        PageRequest::Before(c) => (Some(c), true, false),
        PageRequest::From(c) => (Some(c), false, true),
    };
    Some(format!(
        "s.id IN (SELECT f.id FROM caseload_short_search_page({}::text[], {}::int4, {}::bool, \
           {}::text, {}::text, {}::uuid, {}::bool) f(id))",
        p.bind(tokens),
        p.bind(fetch),
        p.bind(descending),
        p.bind(cursor.map(|c| c.last_name.clone())),
        p.bind(cursor.map(|c| c.first_name.clone())),
        p.bind(cursor.map(|c| c.id)),
        p.bind(inclusive),
    ))
}

/// One page by keyset pagination on (sort key, last_name, first_name, id),
/// names in the district's alphabet:
/// the row comparison lets an index seek straight to the cursor, so a late
/// page costs what the first one costs. Backward pages are read descending
/// and reversed.
///
/// Row-level security's condition is one OR the planner cannot split, so
/// for someone who sees a few schools of a large district the only ordered
/// plan is walking the whole district's name index and discarding most rows
/// (36.7 ms at 100k students, growing with the district). For them the page
/// is the merge of one branch per term of their [`Reach`], each seeking in
/// its own index; the policy still applies to every branch.
pub async fn roster_page(
    client: &(impl GenericClient + Sync),
    query: &RosterQuery,
    request: &PageRequest,
    limit: usize,
) -> Result<RosterPage, tokio_postgres::Error> {
    let reach = reach(client).await?;
    let mut p = Params::default();
    let mut w = conditions(query, &mut p, Match::Indexed);
    let mut key: Vec<&str> = sort_lead(query.sort).into_iter().collect();
    key.extend(NAME_KEYS);
    let (cursor, descending) = match request {
        PageRequest::First => (None, false),
        PageRequest::Last => (None, true),
        PageRequest::After(c) => (Some((c, ">")), false),
        PageRequest::Before(c) => (Some((c, "<")), true),
        PageRequest::From(c) => (Some((c, ">=")), false),
    };
    if let Some((c, op)) = cursor {
        let mut values = Vec::new();
        match query.sort {
            Sort::Name => {}
            Sort::Grade => values.push(p.bind(c.grade)),
            Sort::School => values.push(p.bind(c.school.clone())),
            Sort::LastSession => values.push(last_session_rank(&p.bind(c.last_session))),
        }
        values.push(p.bind(c.last_name.clone()));
        values.push(p.bind(c.first_name.clone()));
        values.push(p.bind(c.id));
        w.push(format!("({}) {op} ({})", key.join(", "), values.join(", ")));
    }
    let dir = if descending { " DESC" } else { "" };
    let order = key
        .iter()
        .map(|k| format!("{k}{dir}"))
        .collect::<Vec<_>>()
        .join(", ");
    let fetch_rows = i64::try_from(limit).unwrap_or(i64::MAX - 1) + 1;
    let fetch = p.bind(fetch_rows);
    let lead = sort_lead(query.sort)
        .map(|l| format!(", {l} AS sort_lead"))
        .unwrap_or_default();
    let select = format!(
        "SELECT {ROSTER_COLUMNS}, s.school_id{lead} \
         FROM students s JOIN schools sc ON sc.id = s.school_id"
    );
    let branches = reach.branches(&mut p);
    let short = match branches {
        None if short_search(query) => short_search_page(query, request, fetch_rows, &mut p),
        _ => None,
    };
    let sql = match branches {
        // The conditions stay: the function's ids are read back through
        // row-level security and must still contain the letters.
        None if short.is_some() => {
            w.extend(short);
            format!("{select} {} ORDER BY {order}", where_clause(&w))
        }
        None => format!(
            "{select} {} ORDER BY {order} LIMIT {fetch}",
            where_clause(&w)
        ),
        Some(branches) if branches.is_empty() => return Ok(RosterPage::default()),
        Some(branches) => {
            let parts: Vec<String> = branches
                .iter()
                .map(|b| {
                    let mut bw = w.clone();
                    bw.push(b.clone());
                    format!(
                        "({select} {} ORDER BY {order} LIMIT {fetch})",
                        where_clause(&bw)
                    )
                })
                .collect();
            // The same order over the branches' output columns.
            let outer = sort_lead(query.sort)
                .map(|_| "sort_lead")
                .into_iter()
                .chain(OUTPUT_NAME_KEYS)
                .map(|k| format!("{k}{dir}"))
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                "SELECT * FROM ({}) page ORDER BY {outer} LIMIT {fetch}",
                parts.join(" UNION ALL ")
            )
        }
    };
    let found = client.fetch(&sql, &p.refs()).await?;
    let more = found.len() > limit;
    let mut rows: Vec<RosterRow> = found.iter().take(limit).map(roster_row).collect();
    if descending {
        rows.reverse();
    }
    Ok(RosterPage { rows, more })
}

/// How many students match: exact up to [`EXACT_COUNT_LIMIT`], else the
/// planner's estimate (`true` = estimated), so a district-wide roster never
/// waits on counting half a million rows.
pub async fn roster_count(
    client: &(impl GenericClient + Sync),
    query: &RosterQuery,
) -> Result<(u64, bool), tokio_postgres::Error> {
    let reach = reach(client).await?;
    let mut p = Params::default();
    let mut w = conditions(query, &mut p, Match::Indexed);
    w.extend(reach.condition(&mut p));
    let w = where_clause(&w);
    let capped = format!(
        "SELECT count(*) FROM (SELECT 1 FROM students s {w} LIMIT {}) x",
        p.bind(EXACT_COUNT_LIMIT + 1)
    );
    let n: i64 = client.fetch_one(&capped, &p.refs()).await?.get(0);
    if n <= EXACT_COUNT_LIMIT {
        return Ok((u64::try_from(n).unwrap_or(0), false));
    }
    let mut p = Params::default();
    let mut w = conditions(query, &mut p, Match::Estimate);
    w.extend(reach.condition(&mut p));
    let w = where_clause(&w);
    let explain = format!("EXPLAIN (FORMAT JSON) SELECT 1 FROM students s {w}");
    let plan: serde_json::Value = client.fetch_one(&explain, &p.refs()).await?.get(0);
    let estimate = plan[0]["Plan"]["Plan Rows"].as_f64().unwrap_or(0.0);
    // The estimate is never below what was just counted.
    let estimate = (estimate as u64).max(u64::try_from(n).unwrap_or(0));
    Ok((estimate, true))
}

/// What is stored under [`FILTERS_KEY`]: labels, not Rust names, so the
/// setting reads well in psql and survives reordering of variants. Unknown
/// or malformed entries are ignored on restore.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
struct Saved {
    school: Option<SchoolFilter>,
    grade_min: Option<String>,
    grade_max: Option<String>,
    status: Option<String>,
    tier: Option<i16>,
    iep: bool,
    section_504: bool,
    english_learner: bool,
    active_intervention: bool,
    my_caseload: bool,
    sort: Option<Sort>,
}

pub fn to_setting(filters: &Filters, sort: Sort) -> serde_json::Value {
    fn label(v: Option<impl PgEnum>) -> Option<String> {
        v.map(|v| v.label().to_string())
    }
    let saved = Saved {
        school: filters.school.clone(),
        grade_min: label(filters.grade_min),
        grade_max: label(filters.grade_max),
        status: label(filters.status),
        tier: filters.tier,
        iep: filters.iep,
        section_504: filters.section_504,
        english_learner: filters.english_learner,
        active_intervention: filters.active_intervention,
        my_caseload: filters.my_caseload,
        sort: Some(sort),
    };
    serde_json::to_value(saved).unwrap_or(serde_json::Value::Null)
}

pub fn from_setting(value: &serde_json::Value) -> (Filters, Sort) {
    let saved: Saved = serde_json::from_value(value.clone()).unwrap_or_default();
    let filters = Filters {
        school: saved.school,
        grade_min: saved.grade_min.and_then(|g| g.parse().ok()),
        grade_max: saved.grade_max.and_then(|g| g.parse().ok()),
        status: saved.status.and_then(|s| s.parse().ok()),
        tier: saved.tier.filter(|t| (1..=3).contains(t)),
        iep: saved.iep,
        section_504: saved.section_504,
        english_learner: saved.english_learner,
        active_intervention: saved.active_intervention,
        my_caseload: saved.my_caseload,
    };
    (filters, saved.sort.unwrap_or_default())
}

/// The person's saved roster filters and sort, if any.
pub async fn load_filters(
    client: &(impl GenericClient + Sync),
) -> Result<Option<(Filters, Sort)>, tokio_postgres::Error> {
    let row = client
        .fetch_one("SELECT caseload_my_setting($1)", &[&FILTERS_KEY])
        .await?;
    let value: Option<serde_json::Value> = row.get(0);
    Ok(value.as_ref().map(from_setting))
}

/// Stores the person's roster filters and sort (their own row only: the
/// database function decides whose).
pub async fn save_filters(
    client: &(impl GenericClient + Sync),
    filters: &Filters,
    sort: Sort,
) -> Result<(), tokio_postgres::Error> {
    let value = to_setting(filters, sort);
    client
        .exec(
            "SELECT caseload_save_my_setting($1, $2, 'text'::field_type)",
            &[&FILTERS_KEY, &value],
        )
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(search: &str) -> RosterQuery {
        RosterQuery {
            search: search.into(),
            ..Default::default()
        }
    }

    /// Only searches the trigram index cannot answer, in name order with no
    /// filter, ask caseload_short_search_page: the others keep the plans
    /// tests/roster_collation.rs pins.
    #[test]
    fn the_short_search_function_is_for_short_searches_by_name_alone() {
        assert!(short_search(&q("g")));
        assert!(short_search(&q("ga")));
        assert!(short_search(&q("ga o'")));
        assert!(!short_search(&q("")));
        assert!(!short_search(&q("gar")));
        assert!(!short_search(&q("ga rcia")));
        let mut by_grade = q("ga");
        by_grade.sort = Sort::Grade;
        assert!(!short_search(&by_grade));
        let mut filtered = q("ga");
        filtered.filters.iep = true;
        assert!(!short_search(&filtered));
    }

    /// Past the function's bounds (64 tokens, pages of 999 and a look-ahead
    /// row) the page is not asked of it: it would answer nothing, and the
    /// roster would look empty.
    #[test]
    fn the_short_search_function_is_asked_only_within_its_bounds() {
        let many = |n: usize| q(&vec!["a"; n].join(" "));
        let mut p = Params::default();
        assert!(short_search_page(&many(64), &PageRequest::First, 1000, &mut p).is_some());
        assert!(short_search_page(&many(65), &PageRequest::First, 1000, &mut p).is_none());
        assert!(short_search_page(&q("a"), &PageRequest::Last, 1001, &mut p).is_none());
    }
}
