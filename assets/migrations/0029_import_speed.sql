-- Issue 16: the OneRoster import at 100,000 students. Two row-level costs
-- that grew with the import, each kept to the same guarantee.

-- 1. Who is connected. session_user is a `name`, whose collation is "C";
-- compared with users.username (text, default collation) the comparison
-- takes the C collation, which users_username_key cannot serve, so every
-- call read the whole users table. The import calls this once per new
-- student (the actor stamp) after adding one user per 20 students, so the
-- import grew with students × staff. Same answer, found by the index.
CREATE OR REPLACE FUNCTION caseload_current_user_id() RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT id FROM public.users
   WHERE username = (session_user::text COLLATE "default") AND is_active
$$;

-- 2. A school's time zone (0028): pg_timezone_names reads the server's
-- whole zone database, tens of milliseconds per call, so a row trigger
-- cost that per new school. Inserts now check once per statement over the
-- new rows (one read of the zone list); an update of the zone keeps the
-- row trigger (transition tables do not combine with a column list). Same
-- refusal: check_violation, constraint schools_timezone, the zone quoted.
CREATE FUNCTION school_check_inserted() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE bad text;
BEGIN
  SELECT n.timezone INTO bad
    FROM inserted n
   WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_timezone_names z WHERE z.name = n.timezone)
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION '% is not a time zone this server knows (e.g. America/Chicago)',
      quote_literal(bad)
      USING ERRCODE = 'check_violation', CONSTRAINT = 'schools_timezone';
  END IF;
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION school_check_inserted() FROM PUBLIC;

DROP TRIGGER schools_check ON schools;
CREATE TRIGGER schools_check BEFORE UPDATE OF timezone ON schools
  FOR EACH ROW EXECUTE FUNCTION school_check();
CREATE TRIGGER schools_check_ins AFTER INSERT ON schools REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION school_check_inserted();

-- 3. A new student's school (0012): the insert policy called
-- caseload_may_place_student once per new row, ~90 µs each, an import's
-- largest row cost for an admin. "A grant that covers every school" is the
-- part of that answer that does not depend on the row, so it is asked once
-- per statement (an InitPlan) and the per-row call made only when it is
-- false; may_place_student(s) = may_place_anywhere() OR a grant for s, so
-- the policy admits exactly the rows it admitted.
CREATE FUNCTION caseload_may_place_anywhere() RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM public.caseload_active_grants() g
                 WHERE g.role_key <> 'viewer' AND g.school_id IS NULL)
$$;
REVOKE ALL ON FUNCTION caseload_may_place_anywhere() FROM PUBLIC;
DO $$
DECLARE k text;
BEGIN
  FOREACH k IN ARRAY ARRAY['admin', 'coordinator', 'counselor', 'interventionist', 'teacher',
                           'viewer'] LOOP
    EXECUTE format('GRANT EXECUTE ON FUNCTION caseload_may_place_anywhere() TO %I',
                   'caseload_' || k);
  END LOOP;
END
$$;
ALTER POLICY students_write_insert ON students
  WITH CHECK ((SELECT caseload_may_place_anywhere()) OR caseload_may_place_student(school_id));
