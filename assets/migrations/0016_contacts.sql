-- Contacts with families (issue 14): logged and edited from the terminal,
-- follow-ups closed by someone the database records, and nothing deleted.
--
-- 1. version: edits carry the version they saw (optimistic concurrency, as
--    for students, interventions and sessions).
-- 2. follow_up_done_by / follow_up_done_at are the server's to write: a
--    client that closes a follow-up sets follow_up_done_at to anything non-
--    null and gets now() and itself; reopening clears both; a closed one
--    keeps its stamp whatever an UPDATE says. Rows closed before this
--    migration (the seeder's) have no closer recorded.
-- 3. A contact stays with its student, and a reply or follow-up contact
--    (parent_id) belongs to a contact of the same student that the writer
--    can see: a hidden parent and a missing one are refused alike, so a
--    parent id says nothing about rows one may not see.
-- 4. No application role deletes a contact: the log is a record of what was
--    said to a family. (A student's removal still cascades, as the owner.)
--
-- The checks of 2 and 3 are skipped for roles that are no caseload user
-- (migrations, the seeder), as caseload_stamp_actor does.

-- 1 -------------------------------------------------------------------------
ALTER TABLE communication_log
  ADD COLUMN version integer NOT NULL DEFAULT 1,
  ADD COLUMN follow_up_done_by uuid REFERENCES users (id);
ALTER TABLE communication_log ADD CONSTRAINT communication_log_done_by_when_done
  CHECK (follow_up_done_by IS NULL OR follow_up_done_at IS NOT NULL);
CREATE TRIGGER communication_log_version BEFORE UPDATE ON communication_log
  FOR EACH ROW EXECUTE FUNCTION bump_version();

-- 2, 3 ----------------------------------------------------------------------
CREATE FUNCTION caseload_contact_guard() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  me uuid := public.caseload_current_user_id();
BEGIN
  IF me IS NULL THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE' AND NEW.student_id IS DISTINCT FROM OLD.student_id THEN
    RAISE EXCEPTION 'a contact stays with the student it was logged for'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'communication_log_student_fixed';
  END IF;
  IF NEW.parent_id IS NOT NULL
     AND (TG_OP = 'INSERT' OR NEW.parent_id IS DISTINCT FROM OLD.parent_id)
     AND NOT EXISTS (SELECT 1 FROM public.communication_log p
                     WHERE p.id = NEW.parent_id AND p.student_id = NEW.student_id) THEN
    RAISE EXCEPTION 'a reply or follow-up must answer a contact of the same student'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'communication_log_parent_same_student';
  END IF;
  IF NEW.follow_up_done_at IS NULL THEN
    NEW.follow_up_done_by := NULL;
  ELSIF TG_OP = 'INSERT' OR OLD.follow_up_done_at IS NULL THEN
    NEW.follow_up_done_at := now();
    NEW.follow_up_done_by := me;
  ELSE
    NEW.follow_up_done_at := OLD.follow_up_done_at;
    NEW.follow_up_done_by := OLD.follow_up_done_by;
  END IF;
  RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION caseload_contact_guard() FROM PUBLIC;
CREATE TRIGGER communication_log_guard BEFORE INSERT OR UPDATE ON communication_log
  FOR EACH ROW EXECUTE FUNCTION caseload_contact_guard();

-- 4 -------------------------------------------------------------------------
REVOKE DELETE ON communication_log FROM caseload_admin, caseload_coordinator, caseload_counselor,
  caseload_interventionist, caseload_teacher, caseload_viewer;
