-- Access control (issue 3): row-level security on every table that holds
-- student data, "who did it" columns filled by the database, and the audit
-- trail. Everything here keys on session_user through
-- caseload_current_user_id(), so it holds for psql as much as for caseload.

-- The helpers below are SECURITY DEFINER and read RLS-protected tables
-- (students, interventions, intervention_team) to decide what RLS allows. An
-- owner subject to RLS would make those reads recurse into the policies
-- that call them, so the owner must bypass RLS.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_user
                 AND (rolsuper OR rolbypassrls)) THEN
    RAISE EXCEPTION 'run this migration as a superuser or a BYPASSRLS role (not %)', current_user
      USING HINT = 'row-level security helpers are owned by the migrating role and must not be '
                || 'subject to the policies they implement';
  END IF;
END
$$;

-- Per-user facts ------------------------------------------------------------
-- Each is STABLE and wrapped in a scalar subquery by the policies, so it is
-- computed once per query (an InitPlan), not once per row.

-- The current user's non-expired grants; an expired grant counts for nothing
-- anywhere.
CREATE FUNCTION caseload_active_grants()
RETURNS TABLE (role_key text, school_id uuid, can_view_restricted boolean)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT r.key, ur.school_id, r.can_view_restricted
  FROM user_roles ur JOIN roles r ON r.id = ur.role_id
  WHERE ur.user_id = caseload_current_user_id()
    AND (ur.expires_at IS NULL OR ur.expires_at > now())
$$;

-- The current user's id if they hold any role: a users row without a role
-- is assigned nothing, even where students.counselor_id names them.
CREATE FUNCTION caseload_active_user_id() RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT caseload_current_user_id() WHERE EXISTS (SELECT 1 FROM caseload_active_grants())
$$;

CREATE FUNCTION caseload_is_admin() RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM caseload_active_grants() WHERE role_key = 'admin')
$$;

-- Admins and district-wide coordinators: no per-row test needed at all.
CREATE FUNCTION caseload_sees_all_students() RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM caseload_active_grants()
                 WHERE role_key = 'admin' OR (role_key = 'coordinator' AND school_id IS NULL))
$$;

CREATE FUNCTION caseload_coordinator_school_ids() RETURNS uuid[]
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT COALESCE(array_agg(DISTINCT school_id), '{}')
  FROM caseload_active_grants() WHERE role_key = 'coordinator' AND school_id IS NOT NULL
$$;

-- Students the current user works with through an intervention (as its
-- owner or on its team); students.counselor_id is tested in the policy
-- itself, where it can use the row directly.
CREATE FUNCTION caseload_team_student_ids() RETURNS uuid[]
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  WITH me AS (SELECT caseload_active_user_id() AS id)
  SELECT COALESCE(array_agg(DISTINCT student_id), '{}') FROM (
    SELECT i.student_id FROM interventions i, me WHERE i.owner_id = me.id
    UNION ALL
    SELECT i.student_id FROM intervention_team t
      JOIN interventions i ON i.id = t.intervention_id, me
    WHERE t.user_id = me.id) assigned
$$;

CREATE FUNCTION caseload_can_view_restricted() RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM caseload_active_grants() WHERE can_view_restricted)
$$;

CREATE FUNCTION caseload_can_read_audit() RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM caseload_active_grants()
                 WHERE role_key IN ('admin', 'coordinator'))
$$;

-- Row-level security ---------------------------------------------------------

CREATE TABLE audit_events (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  occurred_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor_id        uuid REFERENCES users (id),
  actor_role      text NOT NULL DEFAULT session_user,
  action          text NOT NULL CHECK (action IN ('insert', 'update', 'delete', 'read')),
  table_name      text NOT NULL,
  row_id          uuid,
  -- No foreign key: the trail outlives the student it is about.
  student_id      uuid,
  changed_columns text[]
);
CREATE INDEX audit_events_student_idx ON audit_events (student_id, occurred_at DESC);
CREATE INDEX audit_events_actor_idx ON audit_events (actor_id);

DO $$
DECLARE
  -- One definition of "may see this student", used by the students policy
  -- and by caseload_record_student_view, which runs as its owner and so has
  -- to apply the rule itself. Columns are those of students.
  visible constant text :=
    '(SELECT caseload_sees_all_students()) '
    'OR school_id = ANY ((SELECT caseload_coordinator_school_ids())::uuid[]) '
    'OR counselor_id = (SELECT caseload_active_user_id()) '
    'OR id = ANY ((SELECT caseload_team_student_ids())::uuid[])';
  t text;
  parent text;
BEGIN
  FOREACH t IN ARRAY ARRAY['students', 'student_guardians', 'interventions', 'intervention_goals',
      'intervention_sessions', 'intervention_team', 'intervention_attachments', 'documents',
      'communication_log', 'progress_measurements', 'audit_events'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
  END LOOP;

  EXECUTE format('CREATE POLICY students_visible ON students USING (%s) WITH CHECK (%s)',
                 visible, visible);

  -- Rows hanging off a student follow it. The EXISTS applies the students
  -- policy to one primary-key probe; users who see everything skip it.
  FOREACH t IN ARRAY ARRAY['student_guardians', 'interventions', 'documents',
      'communication_log'] LOOP
    parent := format('(SELECT caseload_sees_all_students()) OR EXISTS '
                     '(SELECT 1 FROM students s WHERE s.id = %I.student_id)', t);
    EXECUTE format('CREATE POLICY %I ON %I USING (%s) WITH CHECK (%s)',
                   t || '_visible', t, parent, parent);
  END LOOP;
  -- Rows hanging off an intervention follow it, restricted flag included,
  -- so a restricted intervention hides its goals, sessions and team too.
  FOREACH t IN ARRAY ARRAY['intervention_goals', 'intervention_sessions', 'intervention_team',
      'intervention_attachments'] LOOP
    parent := format('EXISTS (SELECT 1 FROM interventions i WHERE i.id = %I.intervention_id)', t);
    EXECUTE format('CREATE POLICY %I ON %I USING (%s) WITH CHECK (%s)',
                   t || '_visible', t, parent, parent);
  END LOOP;
  parent := 'EXISTS (SELECT 1 FROM intervention_goals g '
            'WHERE g.id = progress_measurements.goal_id)';
  EXECUTE format('CREATE POLICY progress_measurements_visible ON progress_measurements '
                 'USING (%s) WITH CHECK (%s)', parent, parent);

  -- Restrictive: ANDed with the above, whatever else a user may see.
  FOREACH t IN ARRAY ARRAY['interventions', 'intervention_sessions', 'documents',
      'communication_log'] LOOP
    EXECUTE format('CREATE POLICY %I ON %I AS RESTRICTIVE '
                   'USING (NOT is_restricted OR (SELECT caseload_can_view_restricted())) '
                   'WITH CHECK (NOT is_restricted OR (SELECT caseload_can_view_restricted()))',
                   t || '_restricted', t);
  END LOOP;

  -- Read-only, and only for coordinators and admins: no INSERT, UPDATE or
  -- DELETE policy exists, so with FORCE not even the owner's ordinary
  -- statements can change the trail (the triggers write as a superuser).
  CREATE POLICY audit_events_read ON audit_events FOR SELECT USING (
    (SELECT caseload_is_admin())
    OR ((SELECT caseload_can_read_audit())
        AND EXISTS (SELECT 1 FROM students s WHERE s.id = audit_events.student_id)));

  -- Opening a record leaves a 'read' row; refused for a student the caller
  -- cannot see, so nobody can fill the trail with reads of others' students.
  EXECUTE format($f$
    CREATE FUNCTION caseload_record_student_view(p_student_id uuid) RETURNS boolean
      LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $body$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM students WHERE id = p_student_id AND (%s)) THEN
        RETURN false;
      END IF;
      INSERT INTO audit_events (actor_id, action, table_name, row_id, student_id)
        VALUES (caseload_current_user_id(), 'read', 'students', p_student_id, p_student_id);
      RETURN true;
    END
    $body$ $f$, visible);
END
$$;

-- Who did it -----------------------------------------------------------------

-- TG_ARGV[0]: a column written on INSERT and kept as it was on UPDATE
-- (created_by, staff_id, uploaded_by, …), or ''. TG_ARGV[1], if given: a
-- column written on every INSERT and UPDATE (updated_by, granted_by). The
-- client's values are overwritten; a role that is no caseload user (a
-- superuser doing maintenance) keeps what it wrote. SECURITY DEFINER so
-- roles outside the caseload groups can still write through it.
CREATE FUNCTION caseload_stamp_actor() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  me uuid := caseload_current_user_id();
  stamp jsonb := '{}';
BEGIN
  IF me IS NULL THEN
    RETURN NEW;
  END IF;
  IF TG_ARGV[0] <> '' THEN
    stamp := stamp || jsonb_build_object(TG_ARGV[0], CASE WHEN TG_OP = 'INSERT'
                                                          THEN to_jsonb(me)
                                                          ELSE to_jsonb(OLD) -> TG_ARGV[0] END);
  END IF;
  IF TG_NARGS > 1 THEN
    stamp := stamp || jsonb_build_object(TG_ARGV[1], me);
  END IF;
  NEW := jsonb_populate_record(NEW, stamp);
  RETURN NEW;
END
$$;

CREATE TRIGGER students_stamp_actor BEFORE INSERT OR UPDATE ON students
  FOR EACH ROW EXECUTE FUNCTION caseload_stamp_actor('created_by', 'updated_by');
CREATE TRIGGER interventions_stamp_actor BEFORE INSERT OR UPDATE ON interventions
  FOR EACH ROW EXECUTE FUNCTION caseload_stamp_actor('created_by', 'updated_by');
CREATE TRIGGER intervention_sessions_stamp_actor BEFORE INSERT OR UPDATE ON intervention_sessions
  FOR EACH ROW EXECUTE FUNCTION caseload_stamp_actor('created_by', 'updated_by');
CREATE TRIGGER communication_log_stamp_actor BEFORE INSERT OR UPDATE ON communication_log
  FOR EACH ROW EXECUTE FUNCTION caseload_stamp_actor('staff_id');
CREATE TRIGGER documents_stamp_actor BEFORE INSERT OR UPDATE ON documents
  FOR EACH ROW EXECUTE FUNCTION caseload_stamp_actor('uploaded_by');
CREATE TRIGGER intervention_attachments_stamp_actor
  BEFORE INSERT OR UPDATE ON intervention_attachments
  FOR EACH ROW EXECUTE FUNCTION caseload_stamp_actor('attached_by');
CREATE TRIGGER intervention_team_stamp_actor BEFORE INSERT OR UPDATE ON intervention_team
  FOR EACH ROW EXECUTE FUNCTION caseload_stamp_actor('added_by');
CREATE TRIGGER progress_measurements_stamp_actor BEFORE INSERT OR UPDATE ON progress_measurements
  FOR EACH ROW EXECUTE FUNCTION caseload_stamp_actor('created_by');
CREATE TRIGGER user_roles_stamp_actor BEFORE INSERT OR UPDATE ON user_roles
  FOR EACH ROW EXECUTE FUNCTION caseload_stamp_actor('', 'granted_by');
CREATE TRIGGER settings_stamp_actor BEFORE INSERT OR UPDATE ON settings
  FOR EACH ROW EXECUTE FUNCTION caseload_stamp_actor('', 'updated_by');

-- The audit trail ------------------------------------------------------------

-- TG_ARGV[0] says how to find the row's student: 'self' (students),
-- 'student_id', 'intervention_id' or 'goal_id'. Runs as the owner, which
-- both writes audit_events (no application role may) and finds the student
-- of a row whose parent the actor could not otherwise see.
CREATE FUNCTION caseload_audit() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
  old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
  r jsonb := COALESCE(new_row, old_row);
  student uuid;
  changed text[];
BEGIN
  student := CASE TG_ARGV[0]
    WHEN 'self' THEN (r ->> 'id')::uuid
    WHEN 'student_id' THEN (r ->> 'student_id')::uuid
    WHEN 'intervention_id' THEN
      (SELECT i.student_id FROM interventions i WHERE i.id = (r ->> 'intervention_id')::uuid)
    WHEN 'goal_id' THEN
      (SELECT i.student_id FROM intervention_goals g JOIN interventions i ON i.id = g.intervention_id
       WHERE g.id = (r ->> 'goal_id')::uuid)
  END;
  -- Bookkeeping columns change on every write and say nothing.
  IF TG_OP = 'UPDATE' THEN
    SELECT COALESCE(array_agg(n.key ORDER BY n.key), '{}') INTO changed
    FROM jsonb_each(new_row) n
    WHERE n.key NOT IN ('updated_at', 'version') AND n.value IS DISTINCT FROM old_row -> n.key;
  ELSIF TG_OP = 'INSERT' THEN
    SELECT COALESCE(array_agg(n.key ORDER BY n.key), '{}') INTO changed
    FROM jsonb_each(new_row) n
    WHERE n.key NOT IN ('created_at', 'updated_at', 'version') AND n.value <> 'null'::jsonb;
  END IF;
  INSERT INTO audit_events (actor_id, action, table_name, row_id, student_id, changed_columns)
  VALUES (caseload_current_user_id(), lower(TG_OP), TG_TABLE_NAME,
          COALESCE(r ->> 'id', r ->> 'document_id')::uuid, student, changed);
  RETURN NULL;
END
$$;

DO $$
DECLARE
  t text[];
BEGIN
  FOREACH t SLICE 1 IN ARRAY ARRAY[
      ['students', 'self'], ['student_guardians', 'student_id'], ['interventions', 'student_id'],
      ['documents', 'student_id'], ['communication_log', 'student_id'],
      ['intervention_goals', 'intervention_id'], ['intervention_sessions', 'intervention_id'],
      ['intervention_team', 'intervention_id'], ['intervention_attachments', 'intervention_id'],
      ['progress_measurements', 'goal_id']] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I '
                   'FOR EACH ROW EXECUTE FUNCTION caseload_audit(%L)', t[1] || '_audit', t[1], t[2]);
  END LOOP;
END
$$;

-- Grants ---------------------------------------------------------------------

REVOKE ALL ON audit_events FROM PUBLIC;
DO $$
DECLARE
  k text;
  f text;
BEGIN
  FOREACH f IN ARRAY ARRAY['caseload_active_grants()', 'caseload_active_user_id()',
      'caseload_is_admin()', 'caseload_sees_all_students()', 'caseload_coordinator_school_ids()',
      'caseload_team_student_ids()', 'caseload_can_view_restricted()', 'caseload_can_read_audit()',
      'caseload_record_student_view(uuid)', 'caseload_stamp_actor()', 'caseload_audit()'] LOOP
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
  END LOOP;
  FOREACH k IN ARRAY ARRAY['admin', 'coordinator', 'counselor', 'interventionist', 'teacher',
                           'viewer'] LOOP
    -- Policies call the helpers with the caller's rights.
    FOREACH f IN ARRAY ARRAY['caseload_active_grants()', 'caseload_active_user_id()',
        'caseload_is_admin()', 'caseload_sees_all_students()',
        'caseload_coordinator_school_ids()', 'caseload_team_student_ids()',
        'caseload_can_view_restricted()', 'caseload_can_read_audit()',
        'caseload_record_student_view(uuid)'] LOOP
      EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', f, 'caseload_' || k);
    END LOOP;
    EXECUTE format('GRANT SELECT ON audit_events TO %I', 'caseload_' || k);
  END LOOP;
END
$$;
