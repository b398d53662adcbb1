-- Roster search and filters at district scale.

CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public;
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;

-- Folds a name the way people type it: no accents, no case, apostrophes
-- dropped ("O'Brien" is typed "obrien"), hyphens and other separators turned
-- into single spaces ("García-López" is typed "garcia lopez"). The client
-- folds each typed token with the same function, so stored text and typed
-- text always agree. The dictionary and schema are spelled out because an
-- IMMUTABLE function must not depend on search_path; lower() depends only on
-- the database's fixed LC_CTYPE.
CREATE FUNCTION caseload_fold(t text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN btrim(regexp_replace(
    translate(lower(public.unaccent('public.unaccent'::regdictionary, t)), '''`ʼ‘’´', ''),
    '[\s\-‐‑‒–—.,/()]+', ' ', 'g'));

-- A folded token as a LIKE pattern matching it anywhere: typed % _ and \
-- are literal characters, never wildcards.
CREATE FUNCTION caseload_like_contains(token text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN '%' || regexp_replace(public.caseload_fold(token), '([\\%_])', '\\\1', 'g') || '%';

ALTER TABLE students ADD COLUMN search_text text GENERATED ALWAYS AS (
  public.caseload_fold(first_name || ' ' || last_name || ' ' || coalesce(preferred_name, '')
                       || ' ' || local_id)) STORED;

-- Substring search of every token; a GIN trigram index answers LIKE '%x%'.
CREATE INDEX students_search_trgm_idx ON students USING gin (search_text public.gin_trgm_ops);
-- Row-level security keeps non-LEAKPROOF conditions above its own, so
-- LIKE could never use the index above for anyone but a superuser: every
-- coordinator's search was a sequential scan (160 ms at 100k students, 2 ms
-- with the index). textlike reads only its two arguments and can fail only
-- on a pattern ending in the escape character, which says nothing about
-- rows (caseload's patterns are always escaped). Needs a superuser, as 0003
-- already does.
ALTER FUNCTION pg_catalog.textlike(text, text) LEAKPROOF;

-- Keyset order of the grade sort.
CREATE INDEX students_grade_name_idx ON students (grade_level, last_name, first_name, id);
-- "Has an active intervention" and "tier of an active intervention".
CREATE INDEX interventions_active_student_idx ON interventions (student_id, tier)
  WHERE status IN ('active', 'review_due');
CREATE INDEX intervention_team_user_intervention_idx ON intervention_team (user_id, intervention_id);

-- Application roles may not write settings (reference data is the admins');
-- this writes one row only: the caller's own user-scoped setting.
CREATE FUNCTION caseload_save_my_setting(p_key text, p_value jsonb, p_value_type field_type)
  RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
  me uuid := public.caseload_current_user_id();
BEGIN
  IF me IS NULL THEN
    RAISE EXCEPTION 'only caseload users have settings' USING ERRCODE = 'insufficient_privilege';
  END IF;
  -- Only keys the client keeps per person, so this cannot shadow district settings.
  IF p_key IS NULL OR p_key !~ '^(roster)\.[a-z][a-z0-9_]{0,40}$' THEN
    RAISE EXCEPTION 'not a personal setting: %', p_key USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF p_value IS NULL OR pg_column_size(p_value) > 16384 THEN
    RAISE EXCEPTION 'setting value missing or too large' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  INSERT INTO settings (key, scope, user_id, value, value_type, updated_by)
  VALUES (p_key, 'user', me, p_value, p_value_type, me)
  ON CONFLICT (key, scope, school_id, user_id)
  DO UPDATE SET value = EXCLUDED.value, value_type = EXCLUDED.value_type;
END
$$;

-- Reads the caller's own user-scoped setting (NULL when unset).
CREATE FUNCTION caseload_my_setting(p_key text) RETURNS jsonb
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  RETURN (SELECT s.value FROM public.settings s
          WHERE s.scope = 'user' AND s.key = p_key
            AND s.user_id = public.caseload_current_user_id());

REVOKE ALL ON FUNCTION caseload_save_my_setting(text, jsonb, field_type) FROM PUBLIC;
REVOKE ALL ON FUNCTION caseload_my_setting(text) FROM PUBLIC;
DO $$
DECLARE
  k text;
BEGIN
  FOREACH k IN ARRAY ARRAY['admin', 'coordinator', 'counselor', 'interventionist', 'teacher',
                           'viewer'] LOOP
    EXECUTE format('GRANT EXECUTE ON FUNCTION caseload_save_my_setting(text, jsonb, field_type) TO %I',
                   'caseload_' || k);
    EXECUTE format('GRANT EXECUTE ON FUNCTION caseload_my_setting(text) TO %I', 'caseload_' || k);
  END LOOP;
END
$$;
