-- The roster's "last session" column and sort: the most recent session date
-- of a student's interventions, kept on the student row so the sort can walk
-- an index at any district size (a join-and-sort over every session would
-- cost a full scan per page).
--
-- Only sessions nobody is kept from seeing count (neither the session nor its
-- intervention restricted): the roster shows this date to everyone who sees
-- the student, and it must not reveal that a restricted session took place.

ALTER TABLE students ADD COLUMN last_session_date date;

-- Keyset order of the sort: most recent first, students with no session
-- last, then by name. Ascending in one expression so a row comparison can
-- seek in it in both directions; the roster's SQL spells the same
-- expression (db/roster.rs, LAST_SESSION_RANK).
CREATE INDEX students_last_session_idx ON students (
  (COALESCE(DATE '9999-12-31' - last_session_date, 2147483647)), last_name, first_name, id);

-- Recomputes the column for the given students. Runs as the owner: the
-- person logging a session may not see (or be allowed to update) every
-- intervention of the student, and the students' own triggers skip this
-- bookkeeping write (see below). Only changed rows are written.
CREATE FUNCTION caseload_refresh_last_session(p_students uuid[]) RETURNS void
  LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
BEGIN ATOMIC
  UPDATE students s SET last_session_date = x.d
  FROM (SELECT u.sid,
               (SELECT max(se.session_date)
                FROM interventions i JOIN intervention_sessions se ON se.intervention_id = i.id
                WHERE i.student_id = u.sid AND NOT i.is_restricted AND NOT se.is_restricted) AS d
        FROM unnest(p_students) AS u(sid)) x
  WHERE s.id = x.sid AND s.last_session_date IS DISTINCT FROM x.d;
END;
REVOKE ALL ON FUNCTION caseload_refresh_last_session(uuid[]) FROM PUBLIC;

-- Statement-level with transition tables: one refresh per statement, so a
-- bulk COPY of sessions (a seed without superuser) costs one UPDATE, not one
-- per row. PostgreSQL allows transition tables only on single-event
-- triggers, hence one trigger per event, all calling this.
CREATE FUNCTION caseload_sessions_changed() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  ids uuid[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(DISTINCT i.student_id) INTO ids
    FROM new_rows n JOIN interventions i ON i.id = n.intervention_id;
  ELSIF TG_OP = 'UPDATE' THEN
    SELECT array_agg(DISTINCT i.student_id) INTO ids
    FROM (SELECT intervention_id FROM old_rows UNION SELECT intervention_id FROM new_rows) c
    JOIN interventions i ON i.id = c.intervention_id;
  ELSE
    -- A session deleted with its intervention finds no intervention here;
    -- the interventions trigger refreshes that student.
    SELECT array_agg(DISTINCT i.student_id) INTO ids
    FROM old_rows o JOIN interventions i ON i.id = o.intervention_id;
  END IF;
  IF ids IS NOT NULL THEN
    PERFORM caseload_refresh_last_session(ids);
  END IF;
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION caseload_sessions_changed() FROM PUBLIC;

CREATE TRIGGER intervention_sessions_last_session_ins AFTER INSERT ON intervention_sessions
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION caseload_sessions_changed();
CREATE TRIGGER intervention_sessions_last_session_upd AFTER UPDATE ON intervention_sessions
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION caseload_sessions_changed();
CREATE TRIGGER intervention_sessions_last_session_del AFTER DELETE ON intervention_sessions
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION caseload_sessions_changed();

-- An intervention moving to another student, becoming (un)restricted or
-- being deleted (its sessions cascade first) changes its students' dates.
CREATE FUNCTION caseload_interventions_changed() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  ids uuid[];
BEGIN
  IF TG_OP = 'UPDATE' THEN
    SELECT array_agg(DISTINCT sid) INTO ids FROM (
      SELECT o.student_id FROM old_rows o JOIN new_rows n ON n.id = o.id
      WHERE (o.student_id, o.is_restricted) IS DISTINCT FROM (n.student_id, n.is_restricted)
      UNION
      SELECT n.student_id FROM old_rows o JOIN new_rows n ON n.id = o.id
      WHERE (o.student_id, o.is_restricted) IS DISTINCT FROM (n.student_id, n.is_restricted)
    ) changed(sid);
  ELSE
    SELECT array_agg(DISTINCT o.student_id) INTO ids FROM old_rows o;
  END IF;
  IF ids IS NOT NULL THEN
    PERFORM caseload_refresh_last_session(ids);
  END IF;
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION caseload_interventions_changed() FROM PUBLIC;

CREATE TRIGGER interventions_last_session_upd AFTER UPDATE ON interventions
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION caseload_interventions_changed();
CREATE TRIGGER interventions_last_session_del AFTER DELETE ON interventions
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION caseload_interventions_changed();

-- The bookkeeping write is not an edit of the student: it must not move
-- the version (a counselor editing the profile would get a false conflict),
-- nor updated_at/updated_by, nor write an audit event. Those triggers skip
-- an update that changes last_session_date; application roles cannot
-- change that column themselves (column grants below), so only the refresh
-- above ever does.
DROP TRIGGER students_updated_at ON students;
DROP TRIGGER students_version ON students;
DROP TRIGGER students_stamp_actor ON students;
DROP TRIGGER students_audit ON students;
CREATE TRIGGER students_updated_at BEFORE UPDATE ON students FOR EACH ROW
  WHEN (OLD.last_session_date IS NOT DISTINCT FROM NEW.last_session_date)
  EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER students_version BEFORE UPDATE ON students FOR EACH ROW
  WHEN (OLD.last_session_date IS NOT DISTINCT FROM NEW.last_session_date)
  EXECUTE FUNCTION bump_version();
CREATE TRIGGER students_stamp_actor BEFORE INSERT ON students
  FOR EACH ROW EXECUTE FUNCTION caseload_stamp_actor('created_by', 'updated_by');
CREATE TRIGGER students_stamp_actor_upd BEFORE UPDATE ON students FOR EACH ROW
  WHEN (OLD.last_session_date IS NOT DISTINCT FROM NEW.last_session_date)
  EXECUTE FUNCTION caseload_stamp_actor('created_by', 'updated_by');
CREATE TRIGGER students_audit AFTER INSERT OR DELETE ON students
  FOR EACH ROW EXECUTE FUNCTION caseload_audit('self');
CREATE TRIGGER students_audit_upd AFTER UPDATE ON students FOR EACH ROW
  WHEN (OLD.last_session_date IS NOT DISTINCT FROM NEW.last_session_date)
  EXECUTE FUNCTION caseload_audit('self');

-- Application roles insert and update every column of students but this one
-- (and the generated search_text). A migration adding a column to students
-- must grant it the same way.
DO $$
DECLARE
  k text;
  cols text;
BEGIN
  SELECT string_agg(format('%I', attname), ', ' ORDER BY attnum) INTO cols
  FROM pg_attribute
  WHERE attrelid = 'students'::regclass AND attnum > 0 AND NOT attisdropped
    AND attgenerated = '' AND attname <> 'last_session_date';
  FOREACH k IN ARRAY ARRAY['admin', 'coordinator', 'counselor', 'interventionist', 'teacher'] LOOP
    EXECUTE format('REVOKE INSERT, UPDATE ON students FROM %I', 'caseload_' || k);
    EXECUTE format('GRANT INSERT (%s), UPDATE (%s) ON students TO %I', cols, cols, 'caseload_' || k);
  END LOOP;
END
$$;

-- Fills the column for every student in one set-based pass: existing data
-- here, and the seeder after its trigger-less COPY (which fires none of the
-- triggers above).
CREATE FUNCTION caseload_backfill_last_session() RETURNS void
  LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
BEGIN ATOMIC
  UPDATE students s SET last_session_date = x.d
  FROM (SELECT st.id,
               max(se.session_date) FILTER (WHERE NOT i.is_restricted AND NOT se.is_restricted) AS d
        FROM students st
        LEFT JOIN interventions i ON i.student_id = st.id
        LEFT JOIN intervention_sessions se ON se.intervention_id = i.id
        GROUP BY st.id) x
  WHERE s.id = x.id AND s.last_session_date IS DISTINCT FROM x.d;
END;
REVOKE ALL ON FUNCTION caseload_backfill_last_session() FROM PUBLIC;
SELECT caseload_backfill_last_session();
