-- Session notes (the session note editor, src/db/sessions.rs).
--
-- 1. A session scores each goal at most once, so a retried save upserts its
--    scores instead of adding a second data point to the chart.
-- 2. Seeing an intervention is not enough to log its sessions: only the
--    people who deliver or oversee it may insert, change or delete them.

-- 1 -------------------------------------------------------------------------
-- Nothing so far stopped two scores of one goal in one session (the seeder
-- writes one, but hand-entered data points may carry a session); keep the
-- newest of each pair so the index can be built.
DELETE FROM progress_measurements m
 USING progress_measurements newer
 WHERE m.session_id IS NOT NULL
   AND newer.session_id = m.session_id
   AND newer.goal_id = m.goal_id
   AND (newer.created_at, newer.id) > (m.created_at, m.id);

-- Upserts name it as ON CONFLICT (session_id, goal_id) WHERE session_id IS NOT NULL.
CREATE UNIQUE INDEX progress_measurements_session_goal_key
  ON progress_measurements (session_id, goal_id) WHERE session_id IS NOT NULL;

-- 2 -------------------------------------------------------------------------
-- Who may log, change and delete the sessions of an intervention: admins;
-- coordinators of its school (a grant without a school covers all); its
-- owner; team members who may edit; the student's counselor. Visibility
-- (and the restricted flag) are the existing policies' business: this only
-- narrows writes. SECURITY DEFINER (its owner bypasses row-level security),
-- like the helpers of 0003, so that it reads interventions, students and
-- intervention_team without recursing into their policies.
CREATE FUNCTION caseload_may_log_session(p_intervention uuid) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT EXISTS (
    SELECT 1
    FROM interventions i
    JOIN students s ON s.id = i.student_id
    CROSS JOIN (SELECT caseload_active_user_id() AS id) me
    WHERE i.id = p_intervention
      AND (EXISTS (SELECT 1 FROM caseload_active_grants() g
                   WHERE g.role_key = 'admin'
                      OR (g.role_key = 'coordinator'
                          AND (g.school_id IS NULL OR g.school_id = i.school_id)))
           OR i.owner_id = me.id
           OR s.counselor_id = me.id
           OR EXISTS (SELECT 1 FROM intervention_team t
                      WHERE t.intervention_id = i.id AND t.user_id = me.id AND t.can_edit)))
$$;

REVOKE ALL ON FUNCTION caseload_may_log_session(uuid) FROM PUBLIC;
DO $$
DECLARE k text;
BEGIN
  -- Viewers too: the editor asks whether to offer writing at all.
  FOREACH k IN ARRAY ARRAY['admin', 'coordinator', 'counselor', 'interventionist', 'teacher',
                           'viewer'] LOOP
    EXECUTE format('GRANT EXECUTE ON FUNCTION caseload_may_log_session(uuid) TO %I',
                   'caseload_' || k);
  END LOOP;
END
$$;

-- Restrictive: ANDed with intervention_sessions_visible and
-- intervention_sessions_restricted. SELECT is unchanged. An UPDATE or DELETE
-- of a row one may see but not write matches no row (USING); an INSERT, or an
-- UPDATE moving a session to an intervention one may not write, is refused
-- (WITH CHECK, SQLSTATE 42501). Superusers (migrations, the seeder) bypass
-- row-level security as before.
CREATE POLICY intervention_sessions_write_insert ON intervention_sessions
  AS RESTRICTIVE FOR INSERT
  WITH CHECK (caseload_may_log_session(intervention_id));
CREATE POLICY intervention_sessions_write_update ON intervention_sessions
  AS RESTRICTIVE FOR UPDATE
  USING (caseload_may_log_session(intervention_id))
  WITH CHECK (caseload_may_log_session(intervention_id));
CREATE POLICY intervention_sessions_write_delete ON intervention_sessions
  AS RESTRICTIVE FOR DELETE
  USING (caseload_may_log_session(intervention_id));
