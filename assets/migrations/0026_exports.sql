-- Exports and reports (issue 16): each one leaves an audit event, written by
-- the database. audit_events takes no INSERT from application roles (0003),
-- so caseload_record_export is the one way in: the actor is always the
-- connected person (session_user), and a student row is written only for a
-- student that person may see, so nobody can fill another's trail or
-- another student's.

ALTER TABLE audit_events DROP CONSTRAINT audit_events_action_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_action_check
  CHECK (action IN ('insert', 'update', 'delete', 'read', 'upload', 'export'));

-- What was exported (kind, filters, row count, file name): the export's own
-- row carries it; the per-student rows leave it NULL.
ALTER TABLE audit_events ADD COLUMN detail jsonb;

-- p_kind: what was exported; p_students: the students in it; p_detail: a
-- small JSON object describing it. Returns how many students were recorded.
-- One row for the export itself (student_id NULL: admins read it) and one
-- per student exported that the caller may see (coordinators read those in
-- the student's trail). Ids of students the caller cannot see are skipped
-- silently: refusing them would tell the caller those students exist.
CREATE FUNCTION caseload_record_export(p_kind text, p_students uuid[], p_detail jsonb)
  RETURNS integer
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  me uuid := public.caseload_active_user_id();
  n integer;
BEGIN
  IF me IS NULL THEN
    RAISE EXCEPTION 'only a caseload user with a role can record an export'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF p_kind IS NULL OR p_kind NOT IN ('roster', 'caseload', 'sessions', 'report.recap',
                                      'report.summary', 'report.student') THEN
    RAISE EXCEPTION 'unknown export kind %', p_kind USING ERRCODE = 'check_violation';
  END IF;
  IF p_detail IS NOT NULL
     AND (pg_catalog.jsonb_typeof(p_detail) <> 'object'
          OR pg_catalog.octet_length(p_detail::text) > 4096) THEN
    RAISE EXCEPTION 'export detail must be a JSON object of at most 4096 bytes'
      USING ERRCODE = 'check_violation';
  END IF;
  IF pg_catalog.cardinality(p_students) > 1000000 THEN
    RAISE EXCEPTION 'too many students in one export record' USING ERRCODE = 'check_violation';
  END IF;

  INSERT INTO public.audit_events (actor_id, action, table_name, row_id, student_id)
  SELECT me, 'export', p_kind, NULL, s.id
  FROM public.students s
  WHERE s.id = ANY (COALESCE(p_students, '{}'))
    AND ((SELECT public.caseload_sees_all_students())
         OR s.school_id = ANY ((SELECT public.caseload_coordinator_school_ids())::uuid[])
         OR s.counselor_id = me
         OR s.id = ANY ((SELECT public.caseload_team_student_ids())::uuid[]));
  GET DIAGNOSTICS n = ROW_COUNT;

  INSERT INTO public.audit_events (actor_id, action, table_name, row_id, student_id, detail)
  VALUES (me, 'export', p_kind, NULL, NULL,
          COALESCE(p_detail, '{}'::jsonb) || pg_catalog.jsonb_build_object('students', n));
  RETURN n;
END
$$;

REVOKE ALL ON FUNCTION caseload_record_export(text, uuid[], jsonb) FROM PUBLIC;
DO $$
DECLARE k text;
BEGIN
  FOREACH k IN ARRAY ARRAY['admin', 'coordinator', 'counselor', 'interventionist', 'teacher',
                           'viewer'] LOOP
    EXECUTE format('GRANT EXECUTE ON FUNCTION caseload_record_export(text, uuid[], jsonb) TO %I',
                   'caseload_' || k);
  END LOOP;
END
$$;

-- Counselors take their own caseload out too (the export tool, own scope).
INSERT INTO role_tools (role_id, tool_id, scope)
SELECT r.id, t.id, 'own'
FROM roles r, tools t
WHERE r.key = 'counselor' AND t.key = 'export'
ON CONFLICT DO NOTHING;
