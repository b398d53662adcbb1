-- The caseload home lists only the most urgent open interventions (see
-- db/caseload.rs, HOME_ROWS). Judging urgency exactly needs each
-- intervention's last session, one index probe per intervention: for a
-- district administrator that is ~100,000 probes (seconds) before the first
-- screen. This table keeps, per open intervention, the two dates the home
-- orders by, so the most urgent rows come off an index walk.
--
-- A proxy, not the judgement: the home recomputes every shown row from the
-- sessions the person can see. Only sessions nobody is kept from seeing
-- count here (as for students.last_session_date, 0007), so the order reveals
-- nothing about restricted sessions.
CREATE TABLE intervention_urgency (
  intervention_id uuid PRIMARY KEY REFERENCES interventions (id) ON DELETE CASCADE,
  school_id uuid NOT NULL,
  status intervention_status NOT NULL,
  -- Active only: the next session due by the plan (the start date before the
  -- first session); NULL when no frequency is planned.
  next_session_due date,
  -- When it comes up for review: '-infinity' once marked review_due, else
  -- the planned end (NULL: none planned).
  review_on date
);
CREATE INDEX intervention_urgency_due_idx ON intervention_urgency (next_session_due, intervention_id)
  WHERE status = 'active';
CREATE INDEX intervention_urgency_school_due_idx ON intervention_urgency (school_id, next_session_due)
  WHERE status = 'active';
CREATE INDEX intervention_urgency_review_idx ON intervention_urgency (review_on, intervention_id);
CREATE INDEX intervention_urgency_school_review_idx ON intervention_urgency (school_id, review_on);

-- Readable only alongside the intervention itself.
ALTER TABLE intervention_urgency ENABLE ROW LEVEL SECURITY;
CREATE POLICY intervention_urgency_select ON intervention_urgency FOR SELECT
  USING (EXISTS (SELECT 1 FROM interventions i WHERE i.id = intervention_id));
DO $$
DECLARE k text;
BEGIN
  FOREACH k IN ARRAY ARRAY['admin', 'coordinator', 'counselor', 'interventionist', 'teacher',
                           'viewer'] LOOP
    EXECUTE format('GRANT SELECT ON intervention_urgency TO %I', 'caseload_' || k);
  END LOOP;
END
$$;

-- Recomputes the rows of the given interventions (NULL: all of them).
CREATE FUNCTION caseload_refresh_urgency(p_ids uuid[]) RETURNS void
  LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
BEGIN ATOMIC
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
END;
REVOKE ALL ON FUNCTION caseload_refresh_urgency(uuid[]) FROM PUBLIC;

-- Statement-level with transition tables, one refresh per statement (a bulk
-- load of sessions costs one pass), as in 0007.
CREATE FUNCTION caseload_urgency_sessions_changed() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  ids uuid[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(DISTINCT intervention_id) INTO ids FROM new_rows;
  ELSIF TG_OP = 'UPDATE' THEN
    SELECT array_agg(DISTINCT x) INTO ids
    FROM (SELECT intervention_id FROM old_rows UNION SELECT intervention_id FROM new_rows) c(x);
  ELSE
    SELECT array_agg(DISTINCT intervention_id) INTO ids FROM old_rows;
  END IF;
  IF ids IS NOT NULL THEN
    PERFORM caseload_refresh_urgency(ids);
  END IF;
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION caseload_urgency_sessions_changed() FROM PUBLIC;

CREATE TRIGGER intervention_sessions_urgency_ins AFTER INSERT ON intervention_sessions
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION caseload_urgency_sessions_changed();
CREATE TRIGGER intervention_sessions_urgency_upd AFTER UPDATE ON intervention_sessions
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION caseload_urgency_sessions_changed();
CREATE TRIGGER intervention_sessions_urgency_del AFTER DELETE ON intervention_sessions
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION caseload_urgency_sessions_changed();

-- An intervention created, or changing status, school, start, frequency or
-- planned end (deletion cascades).
CREATE FUNCTION caseload_urgency_interventions_changed() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  ids uuid[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(id) INTO ids FROM new_rows;
  ELSE
    SELECT array_agg(n.id) INTO ids
    FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE (o.status, o.school_id, o.start_date, o.sessions_per_week, o.planned_end_date)
          IS DISTINCT FROM (n.status, n.school_id, n.start_date, n.sessions_per_week, n.planned_end_date);
  END IF;
  IF ids IS NOT NULL THEN
    PERFORM caseload_refresh_urgency(ids);
  END IF;
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION caseload_urgency_interventions_changed() FROM PUBLIC;

CREATE TRIGGER interventions_urgency_ins AFTER INSERT ON interventions
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION caseload_urgency_interventions_changed();
CREATE TRIGGER interventions_urgency_upd AFTER UPDATE ON interventions
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION caseload_urgency_interventions_changed();

-- Existing data; the seeder calls it again after its trigger-less load.
SELECT caseload_refresh_urgency(NULL);
ANALYZE intervention_urgency;
