-- Saving a session took 8.5 s of server time on a 500,000-student district
-- (20 s under load; found by `caseload soak`): the triggers' refreshes were
-- SQL functions, whose statements are planned once, generically, without
-- the value of p_ids. "p_ids IS NULL OR x = ANY (p_ids)" then cannot use an
-- index, so each refresh of one intervention read every intervention and
-- every session (intervention_list: 8.5 s, intervention_urgency: 1.1 s).
-- The same statements now run in PL/pgSQL with custom plans forced: each is
-- planned for the ids it is given (NULL, "all of them", folds away).

CREATE OR REPLACE FUNCTION caseload_refresh_urgency(p_ids uuid[]) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
  SET plan_cache_mode = force_custom_plan AS $$
BEGIN
  DELETE FROM intervention_urgency u WHERE p_ids IS NULL OR u.intervention_id = ANY (p_ids);
  INSERT INTO intervention_urgency (intervention_id, school_id, status, next_session_due, review_on)
  SELECT i.id, i.school_id, i.status,
         CASE WHEN i.status = 'active' THEN
           CASE WHEN l.d IS NULL THEN i.start_date
                ELSE l.d + ceil(7.0 / NULLIF(i.sessions_per_week, 0))::int END END,
         CASE WHEN i.status = 'review_due' THEN '-infinity'::date ELSE i.planned_end_date END
  FROM interventions i
  CROSS JOIN LATERAL (SELECT max(se.session_date) AS d FROM intervention_sessions se
                      WHERE se.intervention_id = i.id AND se.attendance <> 'cancelled'
                        AND NOT se.is_restricted) l
  WHERE i.status IN ('active', 'review_due') AND (p_ids IS NULL OR i.id = ANY (p_ids));
END
$$;
REVOKE ALL ON FUNCTION caseload_refresh_urgency(uuid[]) FROM PUBLIC;

CREATE OR REPLACE FUNCTION caseload_refresh_iv_list_restricted(p_ids uuid[]) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
  SET plan_cache_mode = force_custom_plan AS $$
BEGIN
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
END
$$;
REVOKE ALL ON FUNCTION caseload_refresh_iv_list_restricted(uuid[]) FROM PUBLIC;

CREATE OR REPLACE FUNCTION caseload_refresh_iv_list(p_ids uuid[]) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
  SET plan_cache_mode = force_custom_plan AS $$
BEGIN
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
  PERFORM caseload_refresh_iv_list_restricted(p_ids);
END
$$;
REVOKE ALL ON FUNCTION caseload_refresh_iv_list(uuid[]) FROM PUBLIC;
