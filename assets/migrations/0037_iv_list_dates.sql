-- The Interventions list's last session and next session due counted only
-- sessions nobody is kept from seeing (0019), while the home screen counts
-- every session the person sees: for someone who may see restricted
-- sessions the two screens named different next-due dates. The restricted
-- side table (readable only by those people, and only for interventions
-- they see: its policy in 0019) now keeps both dates with restricted
-- sessions included, and the list takes them from there when it finds a
-- row, as it already did for the counts.
ALTER TABLE intervention_list_restricted
  ADD COLUMN last_session date,
  ADD COLUMN next_session_due date;

-- The rows of the given interventions (NULL: all of them): one for each
-- intervention with a restricted session that was not cancelled (one that
-- can move either date or count). Figures as caseload_refresh_iv_list
-- computes intervention_list's, over every session.
CREATE FUNCTION caseload_refresh_iv_list_restricted(p_ids uuid[]) RETURNS void
  LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
BEGIN ATOMIC
  DELETE FROM intervention_list_restricted r
  WHERE p_ids IS NULL OR r.intervention_id = ANY (p_ids);
  INSERT INTO intervention_list_restricted (intervention_id, sessions_delivered,
    minutes_delivered, last_session, next_session_due)
  SELECT i.id, l.sessions, l.minutes, l.last,
         CASE WHEN i.status = 'active' THEN
           CASE WHEN l.last IS NULL THEN i.start_date
                ELSE l.last + ceil(7.0 / NULLIF(i.sessions_per_week, 0))::int END END
  FROM interventions i
  CROSS JOIN LATERAL (
    SELECT max(se.session_date) FILTER (WHERE se.attendance <> 'cancelled') AS last,
           count(*) FILTER (WHERE se.attendance = 'present' AND se.session_date >= i.start_date
             AND se.session_date <= COALESCE(LEAST(i.ended_at::date, i.planned_end_date), 'infinity'))::int AS sessions,
           COALESCE(sum(se.minutes) FILTER (WHERE se.attendance = 'present'
             AND se.session_date >= i.start_date
             AND se.session_date <= COALESCE(LEAST(i.ended_at::date, i.planned_end_date), 'infinity')), 0)::int
             AS minutes
    FROM intervention_sessions se
    WHERE se.intervention_id = i.id) l
  WHERE (p_ids IS NULL OR i.id = ANY (p_ids))
    AND EXISTS (SELECT 1 FROM intervention_sessions se
                WHERE se.intervention_id = i.id AND se.is_restricted
                  AND se.attendance <> 'cancelled');
END;
REVOKE ALL ON FUNCTION caseload_refresh_iv_list_restricted(uuid[]) FROM PUBLIC;

-- 0019's refresh, its restricted half now the function above.
CREATE OR REPLACE FUNCTION caseload_refresh_iv_list(p_ids uuid[]) RETURNS void
  LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
BEGIN ATOMIC
  DELETE FROM intervention_list l WHERE p_ids IS NULL OR l.intervention_id = ANY (p_ids);
  INSERT INTO intervention_list (intervention_id, student_id, student_school_id, last_name,
    first_name, school_id, status, tier, intervention_type, program_id, owner_id, start_date,
    next_session_due, review_on, last_session, sessions_delivered, minutes_delivered, off_track,
    is_restricted)
  SELECT i.id, i.student_id, s.school_id, s.last_name, s.first_name, i.school_id, i.status,
         i.tier, i.intervention_type, i.program_id, i.owner_id, i.start_date,
         CASE WHEN i.status = 'active' THEN
           CASE WHEN l.last IS NULL THEN i.start_date
                ELSE l.last + ceil(7.0 / NULLIF(i.sessions_per_week, 0))::int END END,
         i.planned_end_date, l.last, l.sessions, l.minutes,
         EXISTS (SELECT 1 FROM intervention_goals g
                 WHERE g.intervention_id = i.id AND g.status = 'active'
                   AND caseload_goal_off_track(g.id, caseload_rule_points())),
         i.is_restricted
  FROM interventions i
  JOIN students s ON s.id = i.student_id
  CROSS JOIN LATERAL (
    SELECT max(se.session_date) FILTER (WHERE se.attendance <> 'cancelled') AS last,
           count(*) FILTER (WHERE se.attendance = 'present' AND se.session_date >= i.start_date
             AND se.session_date <= COALESCE(LEAST(i.ended_at::date, i.planned_end_date), 'infinity'))::int AS sessions,
           COALESCE(sum(se.minutes) FILTER (WHERE se.attendance = 'present'
             AND se.session_date >= i.start_date
             AND se.session_date <= COALESCE(LEAST(i.ended_at::date, i.planned_end_date), 'infinity')), 0)::int
             AS minutes
    FROM intervention_sessions se
    WHERE se.intervention_id = i.id AND NOT se.is_restricted) l
  WHERE p_ids IS NULL OR i.id = ANY (p_ids);
  SELECT caseload_refresh_iv_list_restricted(p_ids);
END;

-- Existing data: only the restricted side changes.
SELECT caseload_refresh_iv_list_restricted(NULL);
