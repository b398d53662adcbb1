-- OneRoster import (issue 16): the rostering system's ids for schools and
-- staff, beside students.sourced_id (0001), and who may set them.
--
-- An import matches rows by these ids and then writes the file's values over
-- them, so whoever sets an id chooses which row the next import rewrites.
-- schools and users are the admins' to write already (0002); students are
-- written by coordinators and counselors too, so their sourced_id is taken
-- back from every group but caseload_admin (0007 granted students' columns
-- one by one, which is what lets one column go).

ALTER TABLE schools ADD COLUMN sourced_id text UNIQUE
  CHECK (sourced_id IS NULL OR length(btrim(sourced_id)) BETWEEN 1 AND 255);
ALTER TABLE users ADD COLUMN sourced_id text UNIQUE
  CHECK (sourced_id IS NULL OR length(btrim(sourced_id)) BETWEEN 1 AND 255);

DO $$
DECLARE k text;
BEGIN
  FOREACH k IN ARRAY ARRAY['coordinator', 'counselor', 'interventionist', 'teacher'] LOOP
    EXECUTE format('REVOKE INSERT (sourced_id), UPDATE (sourced_id) ON students FROM %I',
                   'caseload_' || k);
  END LOOP;
END
$$;

-- Staging for `caseload import oneroster` (src/oneroster/stage.rs): the
-- files' rows go in by COPY, are matched and compared in SQL, and are
-- deleted again before the import commits, so they hold rows only inside
-- an import's own (uncommitted, so invisible) transaction. Not temporary
-- tables: no caseload role may make those (always.sql). No row-level
-- security: COPY refuses tables that have it; caseload_admin alone holds
-- grants instead (an admin may read every student anyway). UNLOGGED: what
-- never outlives a transaction needs no WAL.
CREATE UNLOGGED TABLE oneroster_orgs (
  line int NOT NULL, sourced_id text NOT NULL, name text NOT NULL, local_id text NOT NULL,
  id uuid, is_new boolean NOT NULL DEFAULT false, refused text
);
CREATE UNLOGGED TABLE oneroster_users (
  line int NOT NULL, sourced_id text NOT NULL, is_student boolean NOT NULL, grant_role text,
  enabled boolean NOT NULL, org text, username text, given text NOT NULL, family text NOT NULL,
  local_id text, email text, grade grade_level,
  school_id uuid, id uuid, is_new boolean NOT NULL DEFAULT false, refused text,
  birth date, enrolled date
);
CREATE UNLOGGED TABLE oneroster_demographics (
  line int NOT NULL, sourced_id text NOT NULL, birth date NOT NULL,
  student_id uuid, staff boolean NOT NULL DEFAULT false, refused text
);
CREATE UNLOGGED TABLE oneroster_enrollments (
  line int NOT NULL, user_sid text NOT NULL, school_sid text NOT NULL, is_student boolean NOT NULL,
  begin_date date, student_id uuid, carries boolean NOT NULL DEFAULT false, refused text
);
CREATE UNLOGGED TABLE oneroster_report (
  file text NOT NULL, line int NOT NULL, outcome text NOT NULL, detail text
);
REVOKE ALL ON oneroster_orgs, oneroster_users, oneroster_demographics, oneroster_enrollments,
  oneroster_report FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON oneroster_orgs, oneroster_users, oneroster_demographics,
  oneroster_enrollments, oneroster_report TO caseload_admin;

-- An import adds its students in one INSERT; two of the row-level plpgsql
-- triggers that ran once per new student (0007's audit row, 0015's
-- printable-names check) do the same once per statement over its new rows,
-- which at 100,000 students is most of the import's time. Same audit rows,
-- same refusal (check_violation, constraint students_names_printable, the
-- column named); updates and deletes keep their row-level triggers.
CREATE FUNCTION caseload_audit_students_inserted() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  -- Once per statement, not once per row.
  me constant uuid := public.caseload_current_user_id();
BEGIN
  INSERT INTO public.audit_events (actor_id, action, table_name, row_id, student_id, changed_columns)
  SELECT me, 'insert', 'students', n.id, n.id,
         ARRAY(SELECT j.key FROM jsonb_each(to_jsonb(n)) j
                WHERE j.key NOT IN ('created_at', 'updated_at', 'version')
                  AND j.value <> 'null'::jsonb
                ORDER BY j.key)
    FROM inserted n;
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION caseload_audit_students_inserted() FROM PUBLIC;

CREATE FUNCTION caseload_students_names_printable_inserted() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  pattern constant text := '[\u0001-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]';
  col text;
BEGIN
  SELECT CASE WHEN n.first_name ~ pattern THEN 'first_name'
              WHEN n.last_name ~ pattern THEN 'last_name'
              ELSE 'preferred_name' END
    INTO col
    FROM inserted n
   WHERE n.first_name ~ pattern OR n.last_name ~ pattern OR n.preferred_name ~ pattern
   LIMIT 1;
  IF col IS NOT NULL THEN
    RAISE EXCEPTION 'a name may not contain control characters (students.%)', col
      USING ERRCODE = 'check_violation', CONSTRAINT = 'students_names_printable';
  END IF;
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION caseload_students_names_printable_inserted() FROM PUBLIC;

DROP TRIGGER students_audit ON students;
CREATE TRIGGER students_audit AFTER DELETE ON students
  FOR EACH ROW EXECUTE FUNCTION caseload_audit('self');
CREATE TRIGGER students_audit_ins AFTER INSERT ON students REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION caseload_audit_students_inserted();
DROP TRIGGER students_names_printable ON students;
CREATE TRIGGER students_names_printable
  BEFORE UPDATE OF first_name, last_name, preferred_name ON students
  FOR EACH ROW EXECUTE FUNCTION caseload_names_printable('first_name', 'last_name', 'preferred_name');
CREATE TRIGGER students_names_printable_ins AFTER INSERT ON students
  REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION caseload_students_names_printable_inserted();
