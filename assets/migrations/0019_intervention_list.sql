-- The Interventions list (db/interventions/list.rs): every intervention a
-- person may see, filtered and sorted at district scale. Its sorts (next
-- session due, review date, student, start date) and its "off track" and
-- "fidelity under threshold" filters need values that live in other tables
-- (sessions, goals, data points, the student's name); joining and judging
-- them per row cannot be ordered by an index at 500k students. This table
-- keeps them per intervention, maintained by triggers as 0007 and 0010 do,
-- so each sort is an index walk.
--
-- Only sessions nobody is kept from seeing count here (as in 0007/0010): the
-- list shows these figures to everyone who sees the intervention, and must
-- not reveal that a restricted session took place.
CREATE TABLE intervention_list (
  intervention_id    uuid PRIMARY KEY REFERENCES interventions (id) ON DELETE CASCADE,
  student_id         uuid NOT NULL,
  -- The student's school decides who sees the row (the students policy);
  -- the list splits a coordinator's query by it (see Reach in list.rs).
  student_school_id  uuid NOT NULL,
  last_name          text NOT NULL,
  first_name         text NOT NULL,
  school_id          uuid NOT NULL,
  status             intervention_status NOT NULL,
  tier               smallint NOT NULL,
  intervention_type  intervention_type NOT NULL,
  program_id         uuid,
  owner_id           uuid,
  start_date         date,
  -- Active only: the next session due by the plan (the start date before the
  -- first session), as intervention_urgency (0010) and
  -- domain::fidelity::next_session_due compute it.
  next_session_due   date,
  -- The planned end, when it comes up for review.
  review_on          date,
  -- Most recent session that was not cancelled.
  last_session       date,
  -- Sessions with the student present from the start to the earliest of the
  -- end and the planned end (domain::fidelity::window without "today", which
  -- the query applies), and their minutes.
  sessions_delivered integer NOT NULL DEFAULT 0,
  minutes_delivered  integer NOT NULL DEFAULT 0,
  -- Some active goal is off track by its decision rule (domain::progress).
  off_track          boolean NOT NULL DEFAULT false,
  -- The intervention's, for the policies below.
  is_restricted      boolean NOT NULL DEFAULT false
);

-- The same counts with restricted sessions included, for the people the
-- restricted-row policy lets see them (the detail screen counts what the
-- person sees). Only interventions with such sessions have a row here; the
-- list takes these counts when it finds one, else intervention_list's.
CREATE TABLE intervention_list_restricted (
  intervention_id    uuid PRIMARY KEY REFERENCES interventions (id) ON DELETE CASCADE,
  sessions_delivered integer NOT NULL,
  minutes_delivered  integer NOT NULL
);
ALTER TABLE intervention_list_restricted ENABLE ROW LEVEL SECURITY;
ALTER TABLE intervention_list_restricted FORCE ROW LEVEL SECURITY;
CREATE POLICY intervention_list_restricted_select ON intervention_list_restricted FOR SELECT
  USING ((SELECT caseload_can_view_restricted())
         AND ((SELECT caseload_sees_all_students())
              OR EXISTS (SELECT 1 FROM interventions i WHERE i.id = intervention_id)));
REVOKE ALL ON intervention_list_restricted FROM PUBLIC;

-- One key per sort, ascending with no NULLs so a row comparison seeks in it
-- both ways; list.rs spells the same expressions. Each also per student
-- school, for coordinators limited to some schools.
CREATE INDEX intervention_list_due_idx ON intervention_list
  ((COALESCE(next_session_due, 'infinity'::date)), intervention_id);
CREATE INDEX intervention_list_school_due_idx ON intervention_list
  (student_school_id, (COALESCE(next_session_due, 'infinity'::date)), intervention_id);
CREATE INDEX intervention_list_review_idx ON intervention_list
  ((COALESCE(review_on, 'infinity'::date)), intervention_id);
CREATE INDEX intervention_list_school_review_idx ON intervention_list
  (student_school_id, (COALESCE(review_on, 'infinity'::date)), intervention_id);
CREATE INDEX intervention_list_student_idx ON intervention_list
  ((last_name COLLATE caseload_names), (first_name COLLATE caseload_names), intervention_id);
CREATE INDEX intervention_list_school_student_idx ON intervention_list
  (student_school_id, (last_name COLLATE caseload_names), (first_name COLLATE caseload_names),
   intervention_id);
CREATE INDEX intervention_list_start_idx ON intervention_list
  ((COALESCE(DATE '9999-12-31' - start_date, 2147483647)), intervention_id);
CREATE INDEX intervention_list_school_start_idx ON intervention_list
  (student_school_id, (COALESCE(DATE '9999-12-31' - start_date, 2147483647)), intervention_id);
CREATE INDEX intervention_list_student_id_idx ON intervention_list (student_id);
CREATE INDEX intervention_list_off_track_idx ON intervention_list (student_school_id)
  WHERE off_track;

-- Readable exactly as the intervention is: the interventions policies' own
-- terms (0003) over this row's student and restricted flag. Spelled out
-- rather than "EXISTS (the intervention)", which the planner turns into a
-- hash of every visible intervention before the first row (290 ms at 500k
-- students); "sees everyone OR …" lets it skip the probe for those who do.
-- Nobody writes it but the functions below.
ALTER TABLE intervention_list ENABLE ROW LEVEL SECURITY;
ALTER TABLE intervention_list FORCE ROW LEVEL SECURITY;
CREATE POLICY intervention_list_select ON intervention_list FOR SELECT
  USING ((SELECT caseload_sees_all_students())
         OR EXISTS (SELECT 1 FROM students s WHERE s.id = intervention_list.student_id));
CREATE POLICY intervention_list_restricted ON intervention_list AS RESTRICTIVE FOR SELECT
  USING (NOT is_restricted OR (SELECT caseload_can_view_restricted()));
REVOKE ALL ON intervention_list FROM PUBLIC;
DO $$
DECLARE k text;
BEGIN
  FOREACH k IN ARRAY ARRAY['admin', 'coordinator', 'counselor', 'interventionist', 'teacher',
                           'viewer'] LOOP
    EXECUTE format('GRANT SELECT ON intervention_list, intervention_list_restricted TO %I',
                   'caseload_' || k);
  END LOOP;
END
$$;

-- The decision_rule_points setting as RuleSettings reads it (settings.rs):
-- a number from 1 to 50, else the default 4.
CREATE FUNCTION caseload_rule_points() RETURNS integer
  LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp
BEGIN ATOMIC
  SELECT COALESCE((SELECT CASE WHEN jsonb_typeof(s.value) = 'number'
                                    AND (s.value #>> '{}')::float8 BETWEEN 1 AND 50
                               THEN floor((s.value #>> '{}')::float8)::int END
                   FROM settings s
                   WHERE s.scope = 'system' AND s.key = 'decision_rule_points'
                   LIMIT 1), 4);
END;
REVOKE ALL ON FUNCTION caseload_rule_points() FROM PUBLIC;

-- One goal's verdict is "off track" (domain::progress::decide): the last n
-- points on or after the baseline all on the bad side of the aimline
-- (four_point), or the least-squares trend flatter than the aimline by more
-- than 5% of its slope (trend). Points in the order the detail screen reads
-- them (measured_on, created_at, id). Same float8 arithmetic as the Rust.
CREATE FUNCTION caseload_goal_off_track(p_goal uuid, p_points integer) RETURNS boolean
  LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  g record;
  aim_slope float8;
  n integer;
  bad boolean;
  mean_x float8;
  mean_y float8;
  sxx float8;
  sxy float8;
  better float8;
BEGIN
  SELECT * INTO g FROM public.intervention_goals WHERE id = p_goal;
  IF NOT FOUND OR g.status <> 'active' OR g.decision_rule = 'none'
     OR g.baseline_value IS NULL OR g.baseline_date IS NULL
     OR g.target_value IS NULL OR g.target_date IS NULL
     OR g.target_date <= g.baseline_date THEN
    RETURN false;
  END IF;
  aim_slope := (g.target_value::float8 - g.baseline_value::float8)
               / (g.target_date - g.baseline_date)::float8;
  IF g.decision_rule = 'four_point' THEN
    n := greatest(p_points, 1);
    SELECT count(*), bool_and(
             CASE WHEN g.direction = 'decrease'
                  THEN (g.baseline_value::float8
                        + aim_slope * (p.measured_on - g.baseline_date)::float8) - p.value::float8
                  ELSE p.value::float8
                       - (g.baseline_value::float8
                          + aim_slope * (p.measured_on - g.baseline_date)::float8) END < 0)
      INTO STRICT n, bad
    FROM (SELECT m.measured_on, m.value FROM public.progress_measurements m
          WHERE m.goal_id = p_goal AND m.measured_on >= g.baseline_date
          ORDER BY m.measured_on DESC, m.created_at DESC, m.id DESC
          LIMIT n) p;
    RETURN n >= greatest(p_points, 1) AND bad;
  END IF;
  -- Trend: x = days since the first judged point.
  SELECT count(*), avg(x), avg(y) INTO n, mean_x, mean_y
  FROM (SELECT (m.measured_on - min(m.measured_on) OVER ())::float8 AS x, m.value::float8 AS y
        FROM public.progress_measurements m
        WHERE m.goal_id = p_goal AND m.measured_on >= g.baseline_date) p;
  IF n < 3 THEN
    RETURN false;
  END IF;
  SELECT sum((x - mean_x) ^ 2), sum((x - mean_x) * (y - mean_y)) INTO sxx, sxy
  FROM (SELECT (m.measured_on - min(m.measured_on) OVER ())::float8 AS x, m.value::float8 AS y
        FROM public.progress_measurements m
        WHERE m.goal_id = p_goal AND m.measured_on >= g.baseline_date) p;
  IF sxx = 0 THEN
    RETURN false;
  END IF;
  better := CASE WHEN g.direction = 'decrease' THEN aim_slope - sxy / sxx
                 ELSE sxy / sxx - aim_slope END;
  RETURN better < -(abs(aim_slope) * 0.05);
END
$$;
REVOKE ALL ON FUNCTION caseload_goal_off_track(uuid, integer) FROM PUBLIC;

-- Recomputes the rows of the given interventions (NULL: all of them). Runs
-- as the owner: the person whose write changed a figure may not see every
-- session or goal it depends on.
CREATE FUNCTION caseload_refresh_iv_list(p_ids uuid[]) RETURNS void
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
  DELETE FROM intervention_list_restricted r
  WHERE p_ids IS NULL OR r.intervention_id = ANY (p_ids);
  INSERT INTO intervention_list_restricted (intervention_id, sessions_delivered, minutes_delivered)
  SELECT i.id, count(*), COALESCE(sum(se.minutes), 0)
  FROM interventions i JOIN intervention_sessions se ON se.intervention_id = i.id
  WHERE (p_ids IS NULL OR i.id = ANY (p_ids))
    AND se.attendance = 'present' AND se.session_date >= i.start_date
    AND se.session_date <= COALESCE(LEAST(i.ended_at::date, i.planned_end_date), 'infinity')
  GROUP BY i.id
  HAVING bool_or(se.is_restricted);
END;
REVOKE ALL ON FUNCTION caseload_refresh_iv_list(uuid[]) FROM PUBLIC;

-- Statement-level with transition tables, one refresh per statement (as in
-- 0007): the ids of the interventions the changed rows belong to.
CREATE FUNCTION caseload_iv_list_changed() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  ids uuid[];
  q text;
BEGIN
  -- TG_ARGV[0]: how a changed row names its intervention(s), as SQL over
  -- a transition table called "c".
  q := format('SELECT array_agg(DISTINCT x) FROM (%s) ids(x)', TG_ARGV[0]);
  IF TG_OP = 'INSERT' THEN
    EXECUTE format('WITH c AS (SELECT * FROM new_rows) %s', q) INTO ids;
  ELSIF TG_OP = 'UPDATE' THEN
    EXECUTE format('WITH c AS (SELECT * FROM old_rows UNION ALL SELECT * FROM new_rows) %s', q)
      INTO ids;
  ELSE
    EXECUTE format('WITH c AS (SELECT * FROM old_rows) %s', q) INTO ids;
  END IF;
  IF ids IS NOT NULL THEN
    PERFORM public.caseload_refresh_iv_list(ids);
  END IF;
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION caseload_iv_list_changed() FROM PUBLIC;

DO $$
DECLARE
  t record;
  ev text;
BEGIN
  FOR t IN SELECT * FROM (VALUES
      ('interventions', 'SELECT c.id FROM c'),
      ('intervention_sessions', 'SELECT c.intervention_id FROM c'),
      ('intervention_goals', 'SELECT c.intervention_id FROM c'),
      ('progress_measurements',
       'SELECT g.intervention_id FROM c JOIN intervention_goals g ON g.id = c.goal_id')
    ) v(tbl, ids) LOOP
    FOREACH ev IN ARRAY ARRAY['INSERT', 'UPDATE', 'DELETE'] LOOP
      -- A delete of an intervention cascades to its row here.
      CONTINUE WHEN t.tbl = 'interventions' AND ev = 'DELETE';
      EXECUTE format('CREATE TRIGGER %I AFTER %s ON %I REFERENCING %s '
                     'FOR EACH STATEMENT EXECUTE FUNCTION caseload_iv_list_changed(%L)',
                     t.tbl || '_iv_list_' || lower(left(ev, 3)), ev, t.tbl,
                     CASE ev WHEN 'INSERT' THEN 'NEW TABLE AS new_rows'
                             WHEN 'UPDATE' THEN 'OLD TABLE AS old_rows NEW TABLE AS new_rows'
                             ELSE 'OLD TABLE AS old_rows' END,
                     t.ids);
    END LOOP;
  END LOOP;
END
$$;

-- A student renamed or moved: their interventions' name and school keys.
-- Per row, so the roster's bookkeeping updates of students (0007) cost
-- nothing here.
CREATE FUNCTION caseload_iv_list_student_changed() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  PERFORM public.caseload_refresh_iv_list(
    ARRAY(SELECT i.id FROM public.interventions i WHERE i.student_id = NEW.id));
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION caseload_iv_list_student_changed() FROM PUBLIC;
CREATE TRIGGER students_iv_list_upd AFTER UPDATE OF last_name, first_name, school_id
  ON students FOR EACH ROW
  WHEN ((OLD.last_name, OLD.first_name, OLD.school_id)
        IS DISTINCT FROM (NEW.last_name, NEW.first_name, NEW.school_id))
  EXECUTE FUNCTION caseload_iv_list_student_changed();

-- The number of points the four-point rule looks at changes every verdict.
CREATE FUNCTION caseload_iv_list_settings_changed() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM changed WHERE key = 'decision_rule_points') THEN
    PERFORM public.caseload_refresh_iv_list(NULL);
  END IF;
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION caseload_iv_list_settings_changed() FROM PUBLIC;
CREATE TRIGGER settings_iv_list_ins AFTER INSERT ON settings REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION caseload_iv_list_settings_changed();
CREATE TRIGGER settings_iv_list_upd AFTER UPDATE ON settings REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION caseload_iv_list_settings_changed();
CREATE TRIGGER settings_iv_list_del AFTER DELETE ON settings REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION caseload_iv_list_settings_changed();

-- Existing data; the seeder calls it again after its trigger-less load.
SELECT caseload_refresh_iv_list(NULL);
ANALYZE intervention_list;

-- The names collation (0014) changes when a district picks another alphabet
-- (`names.collation`, applied at the next migrate): the function that swaps
-- it rebuilds, by name, every index made with it, now the two above too
-- (without them it could not drop the old collation).
CREATE OR REPLACE FUNCTION caseload_apply_name_collation() RETURNS text
  LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  wanted text;
  applied text;
BEGIN
  SELECT s.value #>> '{}' INTO wanted FROM public.settings s
  WHERE s.key = 'names.collation' AND s.scope = 'system';
  wanted := coalesce(nullif(btrim(wanted), ''), 'und');
  -- The locale column is colliculocale in PostgreSQL 15 and 16, colllocale
  -- from 17 on.
  IF NOT EXISTS (SELECT 1 FROM pg_collation c
                 WHERE c.collprovider = 'i'
                   AND coalesce(to_jsonb(c) ->> 'colllocale', to_jsonb(c) ->> 'colliculocale')
                       = wanted) THEN
    RAISE EXCEPTION 'setting names.collation: % is not an ICU locale this server knows', wanted
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Use the locale of an *-x-icu collation (SELECT colliculocale FROM pg_collation '
                   'WHERE collprovider = ''i''), e.g. und, is, sv, de.';
  END IF;
  SELECT coalesce(to_jsonb(c) ->> 'colllocale', to_jsonb(c) ->> 'colliculocale') INTO applied
  FROM pg_collation c
  WHERE c.collname = 'caseload_names' AND c.collnamespace = 'public'::regnamespace;
  IF applied IS NOT DISTINCT FROM wanted THEN
    RETURN wanted;
  END IF;
  -- The indexes in name order (0001, 0006, 0007, 0019), rebuilt under the
  -- new collation. Named here rather than dropped with CASCADE, so that anything
  -- else made with the collation stops the change instead of vanishing.
  DROP INDEX IF EXISTS public.students_name_idx, public.students_school_name_idx,
    public.students_grade_name_idx, public.students_last_session_idx,
    public.intervention_list_student_idx, public.intervention_list_school_student_idx;
  IF applied IS NOT NULL THEN
    DROP COLLATION public.caseload_names;
  END IF;
  -- ICU collations are deterministic unless asked otherwise: equal means
  -- byte-equal, as for the database's own collation.
  EXECUTE format('CREATE COLLATION public.caseload_names (provider = icu, locale = %L)', wanted);
  CREATE INDEX students_name_idx ON public.students
    (last_name COLLATE public.caseload_names, first_name COLLATE public.caseload_names, id);
  CREATE INDEX students_school_name_idx ON public.students
    (school_id, last_name COLLATE public.caseload_names, first_name COLLATE public.caseload_names,
     id);
  CREATE INDEX students_grade_name_idx ON public.students
    (grade_level, last_name COLLATE public.caseload_names,
     first_name COLLATE public.caseload_names, id);
  -- The last-session sort's key exactly as db/roster.rs spells it (0007).
  CREATE INDEX students_last_session_idx ON public.students
    ((COALESCE(DATE '9999-12-31' - last_session_date, 2147483647)),
     last_name COLLATE public.caseload_names, first_name COLLATE public.caseload_names, id);
  -- The interventions list's student sort (0019), as db/interventions/list.rs spells it.
  CREATE INDEX intervention_list_student_idx ON public.intervention_list
    ((last_name COLLATE public.caseload_names), (first_name COLLATE public.caseload_names),
     intervention_id);
  CREATE INDEX intervention_list_school_student_idx ON public.intervention_list
    (student_school_id, (last_name COLLATE public.caseload_names),
     (first_name COLLATE public.caseload_names), intervention_id);
  RETURN wanted;
END
$$;
