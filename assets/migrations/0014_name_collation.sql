-- Names sort in the reader's alphabet (issue 13, item 11). The database's own
-- collation is whatever the cluster was made with (often C.UTF-8, which puts
-- "Ólafsdóttir" after "Zeta"); people's names sort through an ICU collation
-- of the district's choosing instead, `caseload_names`:
--
-- - the root collation ('und', CLDR's language-neutral order) unless the
--   district's system setting `names.collation` names another ICU locale
--   ('is' for Icelandic, 'sv', 'de', …: any locale of an `*-x-icu` collation
--   in pg_collation);
-- - the name columns keep the database's collation (equality, uniqueness,
--   search and constraints are unchanged); every ORDER BY of people's names
--   says `COLLATE caseload_names`, and so do the indexes that serve the
--   roster's keyset pages, so the ORDER BY, the cursor's row comparison and
--   the index agree (with any other collation the index cannot give the
--   order and every page, however deep, sorts the whole district).
--
-- A collation cannot be redefined in place. caseload_apply_name_collation
-- compares the collation with the setting and, when they differ, rebuilds
-- the collation and the name indexes; every `caseload migrate` runs it
-- (always.sql), so a district changes its alphabet by changing the setting
-- and migrating. Setting the row before the first migration chooses the
-- alphabet from the start.

INSERT INTO settings (key, scope, value, value_type, label, description) VALUES
  ('names.collation', 'system', '"und"', 'text', 'Alphabet for names',
   'ICU locale whose alphabet orders people''s names: und (root, language-neutral), is '
   '(Icelandic), sv, de, … Applied by `caseload migrate`.')
ON CONFLICT (key, scope, school_id, user_id) DO NOTHING;

-- Runs as whoever migrates (the owner), never for an application role: it
-- drops and creates indexes. Returns the locale names now sort by.
CREATE FUNCTION caseload_apply_name_collation() RETURNS text
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
  -- The indexes in name order (0001, 0006, 0007), rebuilt under the new
  -- collation. Named here rather than dropped with CASCADE, so that anything
  -- else made with the collation stops the change instead of vanishing.
  DROP INDEX IF EXISTS public.students_name_idx, public.students_school_name_idx,
    public.students_grade_name_idx, public.students_last_session_idx;
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
  RETURN wanted;
END
$$;
REVOKE ALL ON FUNCTION caseload_apply_name_collation() FROM PUBLIC;

SELECT caseload_apply_name_collation();
