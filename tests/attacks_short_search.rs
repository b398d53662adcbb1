//! caseload_short_search_page (0038) attacked as an ordinary counselor with
//! psql would: it runs as its owner, who is not bound by row-level security,
//! and it takes a cursor, a page size and tokens from the caller. Whatever
//! the arguments, it must answer only ids of students the caller may see,
//! and nothing the caller puts on their search path or in their temporary
//! schema may stand in for what it reads or calls.

mod common;

use common::district::District;
use tokio_postgres::Client;
use uuid::Uuid;

/// The function's arguments, every one of them nullable as in psql.
#[derive(Clone)]
struct Call {
    tokens: Option<Vec<Option<String>>>,
    limit: Option<i32>,
    descending: Option<bool>,
    last_name: Option<String>,
    first_name: Option<String>,
    id: Option<Uuid>,
    inclusive: Option<bool>,
}

fn call(tokens: &[&str]) -> Call {
    Call {
        tokens: Some(tokens.iter().map(|t| Some(t.to_string())).collect()),
        limit: Some(101),
        descending: Some(false),
        last_name: None,
        first_name: None,
        id: None,
        inclusive: Some(false),
    }
}

impl Call {
    /// From a cursor at `local`'s own row (every student is 'Kid', surname =
    /// local id).
    fn at(mut self, local: &str, id: Uuid, descending: bool, inclusive: bool) -> Call {
        self.last_name = Some(local.to_string());
        self.first_name = Some("Kid".to_string());
        self.id = Some(id);
        self.descending = Some(descending);
        self.inclusive = Some(inclusive);
        self
    }
}

async fn ids(c: &Client, a: &Call) -> Vec<Uuid> {
    c.query(
        "SELECT f.id FROM caseload_short_search_page($1::text[], $2::int4, $3::bool, \
           $4::text, $5::text, $6::uuid, $7::bool) f(id)",
        &[
            &a.tokens,
            &a.limit,
            &a.descending,
            &a.last_name,
            &a.first_name,
            &a.id,
            &a.inclusive,
        ],
    )
    .await
    .unwrap_or_else(|e| panic!("caseload_short_search_page: {e}"))
    .iter()
    .map(|r| r.get(0))
    .collect()
}

fn sorted(mut v: Vec<Uuid>) -> Vec<Uuid> {
    v.sort();
    v
}

#[tokio::test]
async fn a_counselor_learns_no_id_of_a_student_they_cannot_see() {
    let d = District::new().await;
    let a = d.connect_as("counselor_a").await;
    let (a1, a2, b1, y1) = (
        d.students["a1"].id,
        d.students["a2"].id,
        d.students["b1"].id,
        d.students["y1"].id,
    );
    let mine = sorted(vec![a1, a2]);
    // Every student's text is "kid <local id> ...": the function finds
    // the counselor's own two, and only them.
    assert_eq!(sorted(ids(&a, &call(&["ki"])).await), mine);
    assert_eq!(sorted(ids(&a, &call(&["k", "d"])).await), mine);
    assert_eq!(ids(&a, &call(&["b1"])).await, Vec::<Uuid>::new());
    assert_eq!(ids(&a, &call(&["y1"])).await, Vec::<Uuid>::new());

    let mut attempts: Vec<(String, Call)> = Vec::new();
    // Cursors at, around and made up from the hidden students' own keys,
    // in both directions, with and without their row.
    for (local, id) in [("B1", b1), ("Y1", y1), ("A1", a1), ("", Uuid::nil())] {
        for descending in [false, true] {
            for inclusive in [false, true] {
                attempts.push((
                    format!("cursor {local:?} desc={descending} incl={inclusive}"),
                    call(&["ki"]).at(local, id, descending, inclusive),
                ));
            }
        }
    }
    // Half a cursor, NULL direction, NULL inclusive.
    let mut half = call(&["ki"]);
    half.last_name = Some("B1".into());
    attempts.push(("a name without an id".into(), half));
    let mut half = call(&["ki"]).at("B1", b1, false, true);
    half.first_name = None;
    attempts.push(("an id without a first name".into(), half));
    let mut no_dir = call(&["ki"]);
    no_dir.descending = None;
    attempts.push(("no direction".into(), no_dir));
    let mut no_incl = call(&["ki"]).at("A", Uuid::nil(), false, false);
    no_incl.inclusive = None;
    attempts.push(("cursor, inclusive NULL".into(), no_incl));
    // Page sizes: huge, none, zero, negative.
    for limit in [Some(i32::MAX), Some(1001), None, Some(0), Some(-1)] {
        let mut c = call(&["ki"]);
        c.limit = limit;
        attempts.push((format!("limit {limit:?}"), c));
    }
    // Tokens: none, NULL, a NULL among them, 65 of them, and the LIKE and
    // escape characters, which must match themselves only.
    let mut none = call(&[]);
    attempts.push(("0 tokens".into(), none.clone()));
    none.tokens = None;
    attempts.push(("NULL tokens".into(), none));
    let mut with_null = call(&["ki"]);
    with_null
        .tokens
        .as_mut()
        .expect("tokens")
        .push(None::<String>);
    attempts.push(("a NULL token".into(), with_null));
    attempts.push(("65 tokens".into(), call(&["k"; 65])));
    for t in ["%", "_", "\\", "%%", "__", "\\%", "b%", "%1", "_1"] {
        attempts.push((format!("token {t:?}"), call(&[t])));
    }
    for (what, attempt) in &attempts {
        let got = ids(&a, attempt).await;
        assert!(
            !got.contains(&b1) && !got.contains(&y1),
            "{what}: a hidden student's id came back"
        );
        assert!(got.iter().all(|id| mine.contains(id)), "{what}: {got:?}");
    }
    // Within bounds the same arguments still answer (the attempts above
    // are refused, not broken): 64 tokens, a page of 1000, a cursor.
    assert_eq!(sorted(ids(&a, &call(&["k"; 64])).await), mine);
    let mut big = call(&["ki"]);
    big.limit = Some(1000);
    assert_eq!(sorted(ids(&a, &big).await), mine);
    assert_eq!(
        ids(&a, &call(&["ki"]).at("A1", a1, false, false)).await,
        [a2]
    );
    assert_eq!(
        ids(&a, &call(&["ki"]).at("A2", a2, true, true)).await,
        [a2, a1]
    );

    // The owner's own session is no caseload user: it sees nobody.
    assert_eq!(ids(&d.admin, &call(&["ki"])).await, Vec::<Uuid>::new());
}

#[tokio::test]
async fn temporary_objects_and_the_search_path_stand_in_for_nothing() {
    let d = District::new().await;
    let a = d.connect_with_temp("counselor_a").await;
    let b1 = d.students["b1"].id;
    let mine = sorted(vec![d.students["a1"].id, d.students["a2"].id]);
    // A students table of the caller's own holding the hidden student's
    // id under the caller's text, functions that say "everyone" and "no
    // pairs", operators that say yes to anything: first on the path.
    a.batch_execute(&format!(
        "CREATE TEMP TABLE students (id uuid, last_name text, first_name text, \
           search_text text, school_id uuid, counselor_id uuid); \
         INSERT INTO pg_temp.students VALUES ('{b1}', 'Zz', 'Kid', 'zz kid', NULL, NULL); \
         CREATE FUNCTION pg_temp.caseload_sees_all_students() RETURNS boolean \
           LANGUAGE sql AS 'SELECT true'; \
         CREATE FUNCTION pg_temp.caseload_bigrams(text) RETURNS text[] \
           LANGUAGE sql AS 'SELECT ARRAY[]::text[]'; \
         CREATE FUNCTION pg_temp.yes(text[], text[]) RETURNS boolean LANGUAGE sql AS 'SELECT true'; \
         CREATE OPERATOR pg_temp.@> (LEFTARG = text[], RIGHTARG = text[], FUNCTION = pg_temp.yes); \
         CREATE FUNCTION pg_temp.like_yes(text, text) RETURNS boolean LANGUAGE sql AS 'SELECT true'; \
         CREATE OPERATOR pg_temp.~~ (LEFTARG = text, RIGHTARG = text, FUNCTION = pg_temp.like_yes); \
         SET search_path = pg_temp, public, pg_catalog"
    ))
    .await
    .expect("temporary objects");
    for tokens in [&["zz"][..], &["b1"], &["zz", "ki"]] {
        assert_eq!(
            ids(&a, &call(tokens)).await,
            Vec::<Uuid>::new(),
            "{tokens:?}"
        );
    }
    assert_eq!(sorted(ids(&a, &call(&["ki"])).await), mine);
}
