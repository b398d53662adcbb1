-- Run at the end of every migration run, idempotently. Database ACLs live in
-- the cluster's shared catalog, so CREATE DATABASE ... TEMPLATE does not copy
-- them and no numbered migration can be relied on to have set them. Login
-- roles are cluster-wide: without this, every login role on the server could
-- connect to every caseload database.
DO $$
DECLARE k text;
BEGIN
  -- Only a database with caseload's roles (0002) is locked down; a runner
  -- test's scratch migrations are left alone.
  IF to_regprocedure('caseload_current_user_id()') IS NULL THEN
    RETURN;
  END IF;
  EXECUTE format('REVOKE CONNECT ON DATABASE %I FROM PUBLIC', current_database());
  -- No temporary objects for anyone but superusers: a table or function in
  -- pg_temp is how a caller shadows names a SECURITY DEFINER function uses
  -- and how they bring a nondeterministic collation to an error oracle.
  -- caseload's own statements never need one.
  EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
  FOREACH k IN ARRAY ARRAY['admin', 'coordinator', 'counselor', 'interventionist', 'teacher',
                           'viewer'] LOOP
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), 'caseload_' || k);
  END LOOP;
  -- Background workers' logins are members of caseload_worker (0024).
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'caseload_worker') THEN
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO caseload_worker', current_database());
  END IF;
  -- PgBouncer's auth_query signs in as a member of caseload_pgbouncer (0036).
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'caseload_pgbouncer') THEN
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO caseload_pgbouncer', current_database());
  END IF;
END
$$;

-- The district's alphabet for names (0014): rebuilt only when the setting
-- names.collation changed since the last run.
DO $$
BEGIN
  IF to_regprocedure('caseload_apply_name_collation()') IS NOT NULL THEN
    PERFORM caseload_apply_name_collation();
  END IF;
END
$$;
