-- Names refuse control characters (issue 13, item 17). A name holding an
-- escape sequence, a tab, a line break or a bidi override (U+202A–U+202E,
-- U+2066–U+2069) is refused when it is written: on INSERT, and on an UPDATE
-- that changes it. The list is domain::text::is_control's.
--
-- A trigger rather than a CHECK, on purpose: even a NOT VALID check is
-- evaluated on every UPDATE of the row, whichever columns it changes, so
-- a student stored with a dirty name before this migration could no longer
-- have a session logged (caseload_refresh_last_session updates the student
-- row, 0007), nor their grade edited without retyping the name. Rows stored
-- before stay readable and writable; the screens show a marker where the
-- characters are (ui::sanitize) and the caseload home lists such a name as a
-- data-quality warning until someone retypes it. The error is a
-- check_violation naming the constraint <table>_names_printable, so the app
-- maps it to words like any CHECK (domain::refusal::Refusal::NameNotPrintable).
--
-- TG_ARGV: the name columns of the table.
CREATE FUNCTION caseload_names_printable() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  col text;
  val text;
BEGIN
  FOREACH col IN ARRAY TG_ARGV LOOP
    val := to_jsonb(NEW) ->> col;
    IF val ~ '[\u0001-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]'
       AND (TG_OP = 'INSERT' OR val IS DISTINCT FROM to_jsonb(OLD) ->> col) THEN
      RAISE EXCEPTION 'a name may not contain control characters (%.%)', TG_TABLE_NAME, col
        USING ERRCODE = 'check_violation', CONSTRAINT = TG_TABLE_NAME || '_names_printable';
    END IF;
  END LOOP;
  RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION caseload_names_printable() FROM PUBLIC;

CREATE TRIGGER students_names_printable
  BEFORE INSERT OR UPDATE OF first_name, last_name, preferred_name ON students
  FOR EACH ROW EXECUTE FUNCTION caseload_names_printable('first_name', 'last_name', 'preferred_name');
CREATE TRIGGER student_guardians_names_printable
  BEFORE INSERT OR UPDATE OF first_name, last_name ON student_guardians
  FOR EACH ROW EXECUTE FUNCTION caseload_names_printable('first_name', 'last_name');
CREATE TRIGGER users_names_printable
  BEFORE INSERT OR UPDATE OF display_name ON users
  FOR EACH ROW EXECUTE FUNCTION caseload_names_printable('display_name');
CREATE TRIGGER schools_names_printable
  BEFORE INSERT OR UPDATE OF name, short_name ON schools
  FOR EACH ROW EXECUTE FUNCTION caseload_names_printable('name', 'short_name');
CREATE TRIGGER intervention_programs_names_printable
  BEFORE INSERT OR UPDATE OF name ON intervention_programs
  FOR EACH ROW EXECUTE FUNCTION caseload_names_printable('name');
CREATE TRIGGER interventions_names_printable
  BEFORE INSERT OR UPDATE OF custom_name ON interventions
  FOR EACH ROW EXECUTE FUNCTION caseload_names_printable('custom_name');
CREATE TRIGGER intervention_team_names_printable
  BEFORE INSERT OR UPDATE OF external_name, external_org ON intervention_team
  FOR EACH ROW EXECUTE FUNCTION caseload_names_printable('external_name', 'external_org');
