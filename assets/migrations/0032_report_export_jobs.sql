-- Reports and exports as jobs (issue 16). They read student data, so they
-- run as their author (runs_as = 'author', 0030): claimed only by the
-- author's own caseload window or `caseload worker --mine`, where every
-- read is under the author's row-level security. Enqueueing needs the same
-- tool the screens need (caseload_job_enqueue checks it); the fidelity
-- report needs its own tool. Two attempts: a report that failed twice has
-- a reason worth reading, not retrying.
INSERT INTO public.job_kinds (kind, tool_key, description, max_attempts, backoff_base_secs, runs_as)
VALUES
  ('report.recap', 'reports', 'MTSS meeting recap (HTML)', 2, 10, 'author'),
  ('report.summary', 'reports', 'Caseload summary (HTML and CSV)', 2, 10, 'author'),
  ('report.student', 'reports', 'A student''s progress report for a family meeting (HTML)', 2, 10, 'author'),
  ('report.fidelity', 'reports.fidelity', 'Fidelity report: sessions and minutes planned against delivered (HTML and CSV)', 2, 10, 'author'),
  ('export.roster', 'export', 'Roster CSV export', 2, 10, 'author'),
  ('export.caseload', 'export', 'Caseload CSV export', 2, 10, 'author'),
  ('export.sessions', 'export', 'Sessions and measurements CSV export', 2, 10, 'author');

-- The fidelity report is audited like the other reports: the same function
-- as 0026, one kind more (CREATE OR REPLACE keeps its owner and grants).
CREATE OR REPLACE FUNCTION public.caseload_record_export(p_kind text, p_students uuid[], p_detail jsonb)
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
                                      'report.summary', 'report.student',
                                      'report.fidelity') THEN
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
