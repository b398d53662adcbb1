-- Search as you type on one or two letters for someone who sees the whole
-- district (issue 19). Such a token has no trigram, so the page is found by
-- walking students_name_idx in name order and testing each row's
-- search_text: a rare pair of letters ("zq", "ph") reads thousands of
-- heap rows, at random, for one page (65-93 ms p95 at 100k-500k). The name
-- index now carries search_text and the columns row-level security's
-- condition reads (school_id, counselor_id; id is a key), so db/roster.rs
-- can pick a short search's page from the index alone (an index-only scan
-- in name order, the filter and the policy evaluated on index tuples) and
-- read just the page's own rows from the table. Same name, same key: every
-- other plan that walks it is unchanged (tests/roster_collation.rs).
DROP INDEX students_name_idx;
CREATE INDEX students_name_idx ON students
  (last_name COLLATE caseload_names, first_name COLLATE caseload_names, id)
  INCLUDE (search_text, school_id, counselor_id);

-- The function that swaps the names collation rebuilds the index by name:
-- it must rebuild it covering, as above.
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
  -- The indexes in name order (0001, 0006, 0007, 0019, 0035), rebuilt under the
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
  -- Covering what a search of one or two letters filters on (0035).
  CREATE INDEX students_name_idx ON public.students
    (last_name COLLATE public.caseload_names, first_name COLLATE public.caseload_names, id)
    INCLUDE (search_text, school_id, counselor_id);
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
