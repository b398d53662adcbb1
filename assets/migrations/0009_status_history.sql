-- When an intervention changed status, and from what to what: the markers on
-- its progress chart (paused, resumed, review due). audit_events records
-- that `status` changed but not its values, and only coordinators and admins
-- may read it; this history is readable by everyone who can see the
-- intervention (the policy reads interventions with the caller's own rights,
-- so restricted ones stay hidden) and written only by the database.

CREATE TABLE intervention_status_changes (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  intervention_id uuid NOT NULL REFERENCES interventions (id) ON DELETE CASCADE,
  changed_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
  -- NULL when the intervention was created with `to_status`.
  from_status     intervention_status,
  to_status       intervention_status NOT NULL,
  changed_by      uuid REFERENCES users (id)
);
CREATE INDEX intervention_status_changes_intervention_idx
  ON intervention_status_changes (intervention_id, changed_at);

-- SECURITY DEFINER: no application role may write the history itself.
CREATE FUNCTION intervention_status_change() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM NEW.status THEN
    INSERT INTO intervention_status_changes (intervention_id, from_status, to_status, changed_by)
    VALUES (NEW.id, CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END, NEW.status,
            caseload_current_user_id());
  END IF;
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION intervention_status_change() FROM PUBLIC;

CREATE TRIGGER interventions_status_history
  AFTER INSERT OR UPDATE OF status ON interventions
  FOR EACH ROW EXECUTE FUNCTION intervention_status_change();

ALTER TABLE intervention_status_changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE intervention_status_changes FORCE ROW LEVEL SECURITY;
CREATE POLICY intervention_status_changes_read ON intervention_status_changes FOR SELECT
  USING (EXISTS (SELECT 1 FROM interventions i
                 WHERE i.id = intervention_status_changes.intervention_id));

REVOKE ALL ON intervention_status_changes FROM PUBLIC;
DO $$
DECLARE
  k text;
BEGIN
  FOREACH k IN ARRAY ARRAY['admin', 'coordinator', 'counselor', 'interventionist', 'teacher',
                           'viewer'] LOOP
    EXECUTE format('GRANT SELECT ON intervention_status_changes TO %I', 'caseload_' || k);
  END LOOP;
END
$$;
