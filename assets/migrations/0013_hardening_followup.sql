-- What the second attack on 0012 found (issue 11, tests/attacks.rs "round 2").

-- 1. An intervention's school is its student's school. Nothing checked it:
--    a counselor could file an intervention for their own student under
--    another school, which made that school's coordinators its managers
--    (caseload_may_manage_intervention reads interventions.school_id) and
--    took it out of the hands of the student's own school's coordinators.
--    Loaders that are no caseload user (a restore, the seeder) are trusted
--    with the history of a student who has since moved.
CREATE FUNCTION caseload_intervention_school_guard() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  IF public.caseload_current_user_id() IS NOT NULL
     AND (TG_OP = 'INSERT' OR (NEW.student_id, NEW.school_id)
                              IS DISTINCT FROM (OLD.student_id, OLD.school_id))
     AND NEW.school_id IS DISTINCT FROM
         (SELECT s.school_id FROM public.students s WHERE s.id = NEW.student_id) THEN
    RAISE EXCEPTION 'an intervention belongs to its student''s school'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'interventions_school_is_students';
  END IF;
  RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION caseload_intervention_school_guard() FROM PUBLIC;
CREATE TRIGGER interventions_school_guard BEFORE INSERT OR UPDATE OF student_id, school_id
  ON interventions FOR EACH ROW EXECUTE FUNCTION caseload_intervention_school_guard();

-- 2. Large objects: any login could create them (lo_create, lo_from_bytea,
--    psql's \lo_import), storage outside every table, policy and quota of
--    caseload's, that only their creator and superusers can read. caseload
--    uses none.
REVOKE EXECUTE ON FUNCTION pg_catalog.lo_creat(integer), pg_catalog.lo_create(oid),
  pg_catalog.lo_from_bytea(oid, bytea) FROM PUBLIC;
