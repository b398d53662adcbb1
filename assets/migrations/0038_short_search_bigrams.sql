-- Search as you type on one or two letters for someone who sees the whole
-- district (issue 19), second step after 0035. The index-only walk in name
-- order stops after a page of matches, which is soon for a common pair
-- ("an") but late for a pair whose matches sort late ("mc": 279,000 index
-- entries before the first McXxx at 500k students, 131 ms) and never for a
-- rare one ("zq" passes the whole index). A GIN index on the pairs of
-- letters of search_text finds the rows containing a rare pair directly;
-- the planner, which sees the pairs' frequencies (ANALYZE keeps statistics
-- of an index's expression), chooses between it and the walk.

-- Every distinct pair of adjacent characters of t. The body is parsed at
-- CREATE (SQL-standard body), so its functions and operators are fixed
-- here and nothing on a caller's search_path can stand in for them.
CREATE FUNCTION caseload_bigrams(t text) RETURNS text[]
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN ARRAY(SELECT DISTINCT pg_catalog.substr(t, i, 2)
               FROM pg_catalog.generate_series(1, pg_catalog.length(t) - 1) AS i);

CREATE INDEX students_search_bigrams_idx ON students
  USING gin (public.caseload_bigrams(search_text));
-- The pairs' frequencies, which caseload_short_search_page goes by, are the
-- statistics of the index's expression: none until the table is next
-- analyzed, and autovacuum may not do that for a long time on a settled
-- district (without them every pair looks as rare as 0.5 % of the rows).
ANALYZE students;

-- Row-level security keeps `@>` (not leakproof) above its policy, so no
-- query a person runs could use the index above (as 0012 found for the
-- trigram index). This function, like caseload_search_students (0012),
-- applies the students policy's visibility terms itself and returns one
-- page of the ids of students the caller may see whose folded text
-- contains every token, in name order from the cursor (last name, first
-- name, id; none: from the start, or from the end when descending;
-- p_inclusive: the cursor's own row too).
--
-- Left to itself the planner multiplies the policy's, the pairs' and the
-- LIKEs' selectivities into a handful of rows and sorts all 20,000 matches
-- of "ga" (330 ms) that the walk finds in 2 ms. What it does know well is
-- how many rows hold the pair (the statistics of the index's expression):
-- M. Reading the M rows from the table and sorting them costs about as much
-- as walking 6 M entries of the name index (index-only, 0035; measured at
-- 500k students). So: walk up to 3 M names from the cursor, enough for a
-- page wherever the pair is spread as evenly as on average; if the page is
-- not there (the pair clusters elsewhere: "mc" in the M's), read the M
-- rows. If even an even spread would not give a page within 3 M names
-- (rare pairs), read them at once. Never much worse than the better of the
-- two, wherever the matches lie.
-- A token that folding made longer than two ("þó" is "tho") is looked up by
-- its trigrams instead (its pairs would let through every name holding "th"
-- and "ho"); tokens of one character have neither, and alone they are found
-- by the walk to the page (a letter is rare in no stretch of names).
-- The statements are planned for the tokens' own values (EXECUTE ...
-- USING): each pattern is a constant.
CREATE FUNCTION caseload_short_search_page(
    p_tokens text[], p_limit integer, p_descending boolean,
    p_last_name text, p_first_name text, p_id uuid, p_inclusive boolean)
  RETURNS SETOF uuid
  -- VOLATILE only because it runs EXPLAIN (refused in a STABLE function).
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
  ROWS 100
AS $$
DECLARE
  grams text[] := '{}';
  folded text;
  lookup text := '';
  matches text := '';
  keyset text := '';
  dir text := CASE WHEN p_descending THEN ' DESC' ELSE '' END;
  visible text := ' AND ((SELECT public.caseload_sees_all_students()) '
    '    OR s.school_id = ANY ((SELECT public.caseload_coordinator_school_ids())::uuid[]) '
    '    OR s.counselor_id = (SELECT public.caseload_active_user_id()) '
    '    OR s.id = ANY ((SELECT public.caseload_team_student_ids())::uuid[]))';
  by_name text;
  plan json;
  matching float8;
  students float8;
  walk bigint;
  page uuid[];
  cut_short boolean;
BEGIN
  IF p_tokens IS NULL OR pg_catalog.cardinality(p_tokens) NOT BETWEEN 1 AND 64
     OR pg_catalog.array_position(p_tokens, NULL) IS NOT NULL
     OR p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 1000
     OR p_descending IS NULL THEN
    RETURN;
  END IF;
  IF p_id IS NOT NULL THEN
    IF p_last_name IS NULL OR p_first_name IS NULL OR p_inclusive IS NULL THEN
      RETURN;
    END IF;
    keyset := pg_catalog.format(
      ' AND (s.last_name COLLATE public.caseload_names, s.first_name COLLATE public.caseload_names,'
      ' s.id) %s ($3, $4, $5)',
      CASE WHEN p_descending THEN '<' ELSE '>' END
        || CASE WHEN p_inclusive THEN '=' ELSE '' END);
  ELSIF p_last_name IS NOT NULL OR p_first_name IS NOT NULL THEN
    RETURN;
  END IF;
  FOR i IN 1 .. pg_catalog.cardinality(p_tokens) LOOP
    folded := public.caseload_fold(p_tokens[i]);
    IF pg_catalog.length(folded) = 2 THEN
      grams := grams OPERATOR(pg_catalog.||) folded;
    ELSIF pg_catalog.length(folded) > 2 THEN
      lookup := lookup || pg_catalog.format(
        ' AND s.search_text OPERATOR(public.~~~) public.caseload_contains_pattern($1[%s])', i);
    END IF;
    matches := matches || pg_catalog.format(
      ' AND s.search_text OPERATOR(pg_catalog.~~) public.caseload_like_contains($1[%s])', i);
  END LOOP;
  by_name := pg_catalog.format(' ORDER BY s.last_name COLLATE public.caseload_names%1$s, '
                               's.first_name COLLATE public.caseload_names%1$s, s.id%1$s', dir);
  IF pg_catalog.cardinality(grams) > 0 THEN
    lookup := lookup || ' AND public.caseload_bigrams(s.search_text) OPERATOR(pg_catalog.@>) $2';
  END IF;
  IF lookup = '' THEN
    RETURN QUERY EXECUTE
      'SELECT s.id FROM public.students s WHERE true' || visible || matches || keyset
      || by_name || ' LIMIT $6'
      USING p_tokens, grams, p_last_name, p_first_name, p_id, p_limit;
    RETURN;
  END IF;
  EXECUTE 'EXPLAIN (FORMAT JSON) SELECT 1 FROM public.students s WHERE true' || lookup
    INTO plan USING p_tokens, grams;
  matching := GREATEST(1, (plan OPERATOR(pg_catalog.->) 0 OPERATOR(pg_catalog.->) 'Plan'
                                      OPERATOR(pg_catalog.->>) 'Plan Rows')::float8);
  SELECT GREATEST(c.reltuples, 1) INTO students FROM pg_catalog.pg_class c
  WHERE c.oid = 'public.students'::pg_catalog.regclass;
  walk := LEAST(3 * matching, 1e9)::bigint;
  IF p_limit * students / matching <= walk THEN
    -- The page's matches in name order, and (rn = walk) whether the walk
    -- was cut short rather than past every name from the cursor on.
    EXECUTE
      'SELECT pg_catalog.array_agg(s.id ORDER BY s.rn) FILTER (WHERE s.hit), '
      '       pg_catalog.bool_or(s.rn OPERATOR(pg_catalog.=) $7) FROM ('
      '  SELECT s.id, s.hit, s.rn FROM ('
      '    SELECT s.id, COALESCE(true' || visible || matches || ', false) AS hit,'
      '           pg_catalog.row_number() OVER (' || by_name || ') AS rn FROM ('
      '      SELECT s.id, s.last_name, s.first_name, s.search_text, s.school_id, s.counselor_id'
      '      FROM public.students s WHERE true' || keyset || by_name || ' LIMIT $7) s) s'
      '  WHERE s.hit OR s.rn OPERATOR(pg_catalog.=) $7 LIMIT $6) s'
      INTO page, cut_short
      USING p_tokens, grams, p_last_name, p_first_name, p_id, p_limit, walk;
    IF pg_catalog.cardinality(page) >= p_limit OR NOT COALESCE(cut_short, false) THEN
      RETURN QUERY SELECT u.id FROM pg_catalog.unnest(page) WITH ORDINALITY AS u(id, n)
                   ORDER BY u.n;
      RETURN;
    END IF;
  END IF;
  -- MATERIALIZED: every match first, then the sort (no walk in name order).
  RETURN QUERY EXECUTE
    'WITH m AS MATERIALIZED (SELECT s.id, s.last_name, s.first_name FROM public.students s '
    '  WHERE true' || lookup || visible || matches || keyset || ') '
    'SELECT s.id FROM m s' || by_name || ' LIMIT $6'
    USING p_tokens, grams, p_last_name, p_first_name, p_id, p_limit;
END
$$;

-- The caseload roles call the search; they also evaluate caseload_bigrams
-- whenever they insert or rename a student (the index's expression runs with
-- the writer's rights, as search_text's caseload_fold does).
DO $$
DECLARE
  k text;
  f text;
BEGIN
  FOREACH k IN ARRAY ARRAY['admin', 'coordinator', 'counselor', 'interventionist', 'teacher',
                           'viewer'] LOOP
    FOREACH f IN ARRAY ARRAY[
        'caseload_bigrams(text)',
        'caseload_short_search_page(text[], integer, boolean, text, text, uuid, boolean)'] LOOP
      EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', f, 'caseload_' || k);
    END LOOP;
  END LOOP;
END
$$;
