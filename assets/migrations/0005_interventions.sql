-- Interventions (issue #5): the owner is always on the team, and the indexes
-- the caseload home and the detail screen read through.

-- The owner's team row follows interventions.owner_id. A previous owner
-- stays on the team (their sessions and notes remain theirs) as an
-- interventionist who may edit. Deferred to commit, and written against the
-- owner as it is then, so that a loader writing the team rows itself (the
-- seeder, a restore) meets them instead of a duplicate, and several owner
-- changes in one transaction settle on the last. SECURITY DEFINER so that
-- row-level security on intervention_team never stops the database from
-- keeping its own invariant.
CREATE FUNCTION intervention_owner_on_team() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE current_owner uuid;
BEGIN
  SELECT i.owner_id INTO current_owner FROM interventions i WHERE i.id = NEW.id;
  IF NOT FOUND THEN
    RETURN NULL;  -- deleted later in the same transaction
  END IF;
  UPDATE intervention_team SET role = 'interventionist', can_edit = true
   WHERE intervention_id = NEW.id AND role = 'owner'
     AND user_id IS DISTINCT FROM current_owner;
  IF current_owner IS NOT NULL THEN
    INSERT INTO intervention_team (intervention_id, user_id, role, can_edit, added_by)
    VALUES (NEW.id, current_owner, 'owner', true, caseload_current_user_id())
    ON CONFLICT (intervention_id, user_id) DO UPDATE SET role = 'owner', can_edit = true
      WHERE intervention_team.role <> 'owner' OR NOT intervention_team.can_edit;
  END IF;
  RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER interventions_owner_on_team
  AFTER INSERT OR UPDATE OF owner_id ON interventions
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION intervention_owner_on_team();

-- The owner's row can be neither removed nor demoted, and nobody else takes
-- the owner role: ownership moves through interventions.owner_id only. When
-- the intervention itself is being deleted its row is already gone, so the
-- cascade passes.
CREATE FUNCTION intervention_team_guard() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE owner uuid;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    SELECT i.owner_id INTO owner FROM interventions i WHERE i.id = OLD.intervention_id;
    IF owner IS NOT NULL AND OLD.user_id = owner
       AND (TG_OP = 'DELETE' OR NEW.user_id IS DISTINCT FROM owner OR NEW.role <> 'owner'
            OR NOT NEW.can_edit OR NEW.intervention_id <> OLD.intervention_id) THEN
      RAISE EXCEPTION 'the owner is always on the team: change the owner first'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'intervention_team_owner_kept';
    END IF;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.role = 'owner' THEN
    SELECT i.owner_id INTO owner FROM interventions i WHERE i.id = NEW.intervention_id;
    IF NEW.user_id IS DISTINCT FROM owner THEN
      RAISE EXCEPTION 'only the intervention''s owner has the owner role: change the owner instead'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'intervention_team_owner_role';
    END IF;
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER intervention_team_guard
  BEFORE INSERT OR UPDATE OR DELETE ON intervention_team
  FOR EACH ROW EXECUTE FUNCTION intervention_team_guard();

-- Caseload home, coordinators' view: overdue follow-ups across their schools
-- (communication_log_follow_up_idx leads with the owner, for "mine").
CREATE INDEX communication_log_open_follow_up_idx ON communication_log (follow_up_due)
  WHERE follow_up_due IS NOT NULL AND follow_up_done_at IS NULL;
