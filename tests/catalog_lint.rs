//! Catalog lint: the kinds of hole issue 11 found, looked for in the catalog
//! of a freshly migrated database, so a later migration cannot bring one
//! back unnoticed. Each check lists what it found, so a failure says which
//! function, table or grant to fix (or to add to an allow-list here, with
//! the reason it is safe).

mod common;

use common::TestDb;
use tokio_postgres::Client;

/// Tables without row-level security: reference data every role may read,
/// which says nothing about a student.
const SHARED_TABLES: &[(&str, &str)] = &[
    ("schools", "the district's schools: not secret"),
    (
        "users",
        "staff directory (names, e-mails) for team pickers; written by admins",
    ),
    (
        "roles",
        "the six roles and what they may do; written by admins",
    ),
    (
        "user_roles",
        "who holds which role where; written by admins, read by the policy helpers",
    ),
    ("tools", "the tool catalogue"),
    (
        "tool_status_changes",
        "who moved a tool when (0028): the catalogue's history, written only by its trigger",
    ),
    ("role_tools", "which role may open which tool"),
    ("navigation_items", "the menu"),
    ("migration_log", "which migrations ran"),
    // COPY refuses tables with row-level security; these are granted to
    // caseload_admin alone and hold rows only inside an import's
    // transaction (0025).
    (
        "oneroster_orgs",
        "import staging: caseload_admin only, empty when committed",
    ),
    (
        "oneroster_users",
        "import staging: caseload_admin only, empty when committed",
    ),
    (
        "oneroster_demographics",
        "import staging: caseload_admin only, empty when committed",
    ),
    (
        "oneroster_enrollments",
        "import staging: caseload_admin only, empty when committed",
    ),
    (
        "oneroster_report",
        "import staging: caseload_admin only, empty when committed",
    ),
];

/// Functions PUBLIC may execute. None: every caller is a caseload group
/// member, granted what it needs by name.
const PUBLIC_EXECUTE: &[(&str, &str)] = &[];

/// caseload's LEAKPROOF functions. None: a leakproof function runs before
/// the policies, so any error it can raise (data, collation, stack depth)
/// is an oracle on hidden rows; the search reaches its index through
/// `caseload_search_students` instead (0012).
const LEAKPROOF: &[(&str, &str)] = &[];

/// Tables a non-admin role writes whose write rule is a permissive policy
/// for every command rather than restrictive per-command ones.
const OWN_ROWS_TABLES: &[(&str, &str)] = &[(
    "jobs",
    "jobs_own: the creator (stamped by the database) and admins, for reading and writing alike",
)];

async fn strings(c: &Client, sql: &str) -> Vec<String> {
    let mut v: Vec<String> = c
        .query(sql, &[])
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .iter()
        .map(|r| r.get(0))
        .collect();
    v.sort();
    v
}

fn unlisted(found: Vec<String>, allowed: &[(&str, &str)]) -> Vec<String> {
    found
        .into_iter()
        .filter(|f| !allowed.iter().any(|(name, _)| name == f))
        .collect()
}

#[tokio::test]
async fn security_definer_functions_have_a_fixed_search_path_with_pg_temp_last() {
    let db = TestDb::new().await;
    let c = db.admin().await;
    let bad = strings(
        &c,
        "SELECT p.oid::regprocedure::text || ' ' || coalesce(array_to_string(p.proconfig, ' '), '<none>') \
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
         WHERE p.prosecdef AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
           AND NOT coalesce('search_path=pg_catalog, public, pg_temp' = ANY (p.proconfig), false)",
    )
    .await;
    assert!(
        bad.is_empty(),
        "SECURITY DEFINER without `pg_catalog, public, pg_temp`: {bad:#?}"
    );
    // The check sees them at all.
    let n = strings(
        &c,
        "SELECT p.oid::regprocedure::text FROM pg_proc p \
         WHERE p.prosecdef AND p.pronamespace = 'public'::regnamespace",
    )
    .await;
    assert!(n.len() > 20, "{n:?}");
}

#[tokio::test]
async fn public_executes_no_function_and_nobody_executes_trigger_functions() {
    let db = TestDb::new().await;
    let c = db.admin().await;
    // proacl NULL is the default: EXECUTE for PUBLIC.
    let public = strings(
        &c,
        "SELECT p.oid::regprocedure::text FROM pg_proc p \
         WHERE p.pronamespace = 'public'::regnamespace \
           AND (p.proacl IS NULL OR EXISTS (SELECT 1 FROM aclexplode(p.proacl) a \
                                            WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE'))",
    )
    .await;
    assert_eq!(unlisted(public, PUBLIC_EXECUTE), Vec::<String>::new());
    // Trigger functions run for whoever fires the trigger without an
    // EXECUTE grant; a grant only lets someone attach them to their own table.
    let granted = strings(
        &c,
        "SELECT p.oid::regprocedure::text || ' to ' || r.rolname FROM pg_proc p \
         CROSS JOIN pg_roles r \
         WHERE p.pronamespace = 'public'::regnamespace AND p.prorettype = 'trigger'::regtype \
           AND r.rolname LIKE 'caseload\\_%' AND has_function_privilege(r.oid, p.oid, 'EXECUTE')",
    )
    .await;
    assert!(granted.is_empty(), "{granted:#?}");
}

#[tokio::test]
async fn public_may_not_create_anything_in_the_database_or_its_schema() {
    let db = TestDb::new().await;
    let c = db.admin().await;
    let database = strings(
        &c,
        "SELECT a.privilege_type FROM pg_database d, aclexplode(d.datacl) a \
         WHERE d.datname = current_database() AND a.grantee = 0",
    )
    .await;
    assert!(
        database.is_empty(),
        "PUBLIC holds {database:?} on the database"
    );
    // datacl NULL would mean the defaults (CONNECT and TEMPORARY for PUBLIC).
    let set: bool = c
        .query_one(
            "SELECT datacl IS NOT NULL FROM pg_database WHERE datname = current_database()",
            &[],
        )
        .await
        .expect("datacl")
        .get(0);
    assert!(set);
    let schema = strings(
        &c,
        "SELECT n.nspname || ' ' || a.privilege_type FROM pg_namespace n, aclexplode(n.nspacl) a \
         WHERE n.nspname = 'public' AND a.grantee = 0 AND a.privilege_type = 'CREATE'",
    )
    .await;
    assert!(schema.is_empty(), "{schema:?}");
    // No caseload group may do so either, nor bypass the policies.
    let groups = strings(
        &c,
        "SELECT r.rolname FROM pg_roles r WHERE r.rolname LIKE 'caseload\\_%' \
           AND (r.rolsuper OR r.rolbypassrls OR r.rolcreaterole OR r.rolcreatedb \
                OR has_database_privilege(r.oid, current_database(), 'CREATE, TEMPORARY') \
                OR has_schema_privilege(r.oid, 'public', 'CREATE'))",
    )
    .await;
    assert!(groups.is_empty(), "{groups:?}");
    // TRUNCATE ignores row-level security; TRIGGER would let a role run code
    // on others' writes; REFERENCES is for tables it cannot create anyway.
    let table_rights = strings(
        &c,
        "SELECT r.rolname || ' ' || p || ' ' || c.relname \
         FROM pg_roles r CROSS JOIN pg_class c \
         CROSS JOIN unnest(ARRAY['TRUNCATE', 'TRIGGER', 'REFERENCES']) p \
         WHERE r.rolname LIKE 'caseload\\_%' AND c.relnamespace = 'public'::regnamespace \
           AND c.relkind IN ('r', 'p', 'v', 'm') AND has_table_privilege(r.oid, c.oid, p)",
    )
    .await;
    assert!(table_rights.is_empty(), "{table_rights:#?}");
}

#[tokio::test]
async fn every_table_but_shared_reference_data_has_row_level_security_forced() {
    let db = TestDb::new().await;
    let c = db.admin().await;
    let bad = strings(
        &c,
        "SELECT c.relname FROM pg_class c \
         WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') \
           AND NOT (c.relrowsecurity AND c.relforcerowsecurity)",
    )
    .await;
    assert_eq!(unlisted(bad, SHARED_TABLES), Vec::<String>::new());
    // A view runs with its owner's rights (a superuser: no policies) unless
    // it says otherwise; a materialized view has no policies at all.
    let views = strings(
        &c,
        "SELECT c.relname FROM pg_class c \
         WHERE c.relnamespace = 'public'::regnamespace \
           AND (c.relkind = 'm' OR (c.relkind = 'v' \
                AND NOT coalesce('security_invoker=true' = ANY (c.reloptions), false)))",
    )
    .await;
    assert!(views.is_empty(), "{views:?}");
}

#[tokio::test]
async fn no_function_is_leakproof_but_the_listed_and_pg_catalogs_own() {
    let db = TestDb::new().await;
    let c = db.admin().await;
    let ours = strings(
        &c,
        "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
         WHERE p.proleakproof AND n.nspname NOT IN ('pg_catalog', 'information_schema')",
    )
    .await;
    assert_eq!(unlisted(ours, LEAKPROOF), Vec::<String>::new());
    // pg_catalog's marks as PostgreSQL ships them (0006 once marked textlike).
    let fresh = TestDb::empty().await;
    let shipped_sql = "SELECT p.oid::regprocedure::text FROM pg_proc p \
                       WHERE p.proleakproof AND p.pronamespace = 'pg_catalog'::regnamespace";
    let shipped = strings(&fresh.admin().await, shipped_sql).await;
    let here = strings(&c, shipped_sql).await;
    assert!(!shipped.is_empty());
    let added: Vec<&String> = here.iter().filter(|p| !shipped.contains(p)).collect();
    assert!(added.is_empty(), "marked LEAKPROOF here: {added:?}");
}

#[tokio::test]
async fn every_write_a_non_admin_role_holds_has_a_write_policy() {
    let db = TestDb::new().await;
    let c = db.admin().await;
    // (table, command) pairs some non-admin caseload group may write, and
    // whether a restrictive policy for exactly that command narrows it.
    let rows = c
        .query(
            "SELECT c.relname, w.cmd, \
                    c.relrowsecurity AND c.relforcerowsecurity AS rls, \
                    EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid \
                            AND NOT p.polpermissive AND p.polcmd = w.code) AS narrowed \
             FROM pg_class c \
             CROSS JOIN (VALUES ('INSERT', 'a'::\"char\"), ('UPDATE', 'w'), ('DELETE', 'd')) w(cmd, code) \
             WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' \
               AND EXISTS (SELECT 1 FROM pg_roles r \
                           WHERE r.rolname LIKE 'caseload\\_%' AND r.rolname <> 'caseload_admin' \
                             AND (has_table_privilege(r.oid, c.oid, w.cmd) \
                                  OR (w.cmd <> 'DELETE' \
                                      AND has_any_column_privilege(r.oid, c.oid, w.cmd)))) \
             ORDER BY 1, 2",
            &[],
        )
        .await
        .expect("writes");
    let mut bad = Vec::new();
    let mut tables = Vec::new();
    for r in &rows {
        let (table, cmd, rls, narrowed): (String, String, bool, bool) =
            (r.get(0), r.get(1), r.get(2), r.get(3));
        tables.push(table.clone());
        let own_rows = OWN_ROWS_TABLES.iter().any(|(t, _)| *t == table);
        if !rls || !(narrowed || own_rows) {
            bad.push(format!("{cmd} on {table} (rls forced: {rls})"));
        }
    }
    assert!(
        bad.is_empty(),
        "writes checked by visibility alone: {bad:#?}"
    );
    tables.dedup();
    assert!(tables.len() >= 10, "{tables:?}");
}
