-- PgBouncer in front of caseload (issue 19, item 2). Every person signs in
-- as their own login role, so the pooler must check each person's password.
-- PgBouncer's auth_query asks the database for the role's SCRAM verifier,
-- signed in as one dedicated role; that role may read nothing but the answer
-- of this function, which runs as its owner (the migrating superuser, who
-- may read pg_authid).
--
-- In pgbouncer.ini (the function's schema named, so no search_path of the
-- auth role can put another function of that name first):
--   auth_type  = scram-sha-256
--   auth_user  = caseload_pgbouncer
--   auth_query = SELECT usename, passwd FROM public.caseload_pgbouncer_lookup($1)
-- and give caseload_pgbouncer LOGIN and a password of its own (in
-- PgBouncer's auth_file). Roles are shared by every database on a server;
-- the function is per database, the role once.
--
-- It answers for ordinary login roles only: never a superuser's, a
-- replication role's or a BYPASSRLS role's verifier (those sign in directly,
-- or through an auth_file the administrator writes), never a role that may
-- not log in or whose password has expired.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'caseload_pgbouncer') THEN
    CREATE ROLE caseload_pgbouncer NOLOGIN;
  END IF;
END
$$;

CREATE OR REPLACE FUNCTION public.caseload_pgbouncer_lookup(p_usename text)
RETURNS TABLE (usename name, passwd text)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
  SELECT a.rolname, a.rolpassword
    FROM pg_catalog.pg_authid a
   WHERE a.rolname OPERATOR(pg_catalog.=) p_usename::pg_catalog.name
     AND a.rolcanlogin
     AND NOT a.rolsuper
     AND NOT a.rolreplication
     AND NOT a.rolbypassrls
     AND (a.rolvaliduntil IS NULL OR a.rolvaliduntil OPERATOR(pg_catalog.>) pg_catalog.now())
$$;

REVOKE ALL ON FUNCTION public.caseload_pgbouncer_lookup(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.caseload_pgbouncer_lookup(text) TO caseload_pgbouncer;
