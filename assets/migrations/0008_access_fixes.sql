-- Two access fixes.
--
-- 1. settings: every application role may SELECT the table (0002), so anyone
--    could read other people's saved roster filters with psql. Row-level
--    security now keeps user-scoped rows to their owner; system and school
--    settings (decision_rule_points, fidelity_threshold, …) stay readable by
--    all. Admins still write reference settings; caseload_save_my_setting
--    and caseload_my_setting run as the owner and are unaffected.
ALTER TABLE settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE settings FORCE ROW LEVEL SECURITY;
CREATE POLICY settings_own_or_shared ON settings
  USING (scope <> 'user' OR user_id = (SELECT caseload_current_user_id()))
  WITH CHECK (scope <> 'user' OR user_id = (SELECT caseload_current_user_id()));

-- 2. Search without a database-wide LEAKPROOF textlike. 0006 marked
--    pg_catalog.textlike LEAKPROOF so row-level security would let LIKE use
--    the trigram index; textlike raises an error on a pattern ending in the
--    escape character, so `'x' LIKE hidden_column` could reveal whether a row
--    the caller cannot see ends in a backslash. That mark is reverted here and
--    replaced by a caseload-owned operator that cannot fail on any value it
--    accepts:
--
--    - caseload_like_pattern, a domain of LIKE patterns that do not end in an
--      unescaped escape character (the one data-dependent error of textlike).
--      A value is checked whenever it is made, so the operator below never
--      sees a pattern textlike would refuse.
--    - caseload_like(text, caseload_like_pattern): textlike itself (the same
--      C function), LEAKPROOF. Casting a column to the domain to reach it is
--      a domain coercion, which the planner never treats as leakproof, so
--      such a condition stays above the policies.
--    - the operator ~~~ and an operator class copying pg_trgm's gin_trgm_ops
--      LIKE strategy (3) for it, and the index the roster's search uses.
--    - caseload_contains_pattern(token): the folded, escaped '%token%' as a
--      pattern. plpgsql so the planner cannot inline it: inlined, the domain
--      coercion would stay in the query (and keep the condition above the
--      policies); called on a bind parameter it is folded to a constant.
ALTER FUNCTION pg_catalog.textlike(text, text) NOT LEAKPROOF;

CREATE DOMAIN caseload_like_pattern AS text
  CHECK (VALUE !~ '(^|[^\\])(\\\\)*\\$');

CREATE FUNCTION caseload_like(text, caseload_like_pattern) RETURNS boolean
  LANGUAGE internal IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE AS 'textlike';

CREATE OPERATOR ~~~ (LEFTARG = text, RIGHTARG = caseload_like_pattern,
                     FUNCTION = caseload_like, RESTRICT = likesel, JOIN = likejoinsel);

CREATE OPERATOR CLASS caseload_trgm_like_ops FOR TYPE text USING gin AS
  OPERATOR 3 ~~~ (text, caseload_like_pattern),
  FUNCTION 1 btint4cmp (int4, int4),
  FUNCTION 2 public.gin_extract_value_trgm (text, internal),
  FUNCTION 3 public.gin_extract_query_trgm (text, internal, int2, internal, internal, internal,
                                             internal),
  FUNCTION 4 public.gin_trgm_consistent (internal, int2, text, int4, internal, internal, internal,
                                         internal),
  FUNCTION 6 public.gin_trgm_triconsistent (internal, int2, text, int4, internal, internal,
                                            internal),
  STORAGE int4;

CREATE FUNCTION caseload_contains_pattern(token text) RETURNS caseload_like_pattern
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, public AS $$
BEGIN
  RETURN public.caseload_like_contains(token);
END
$$;

DROP INDEX students_search_trgm_idx;
CREATE INDEX students_search_like_idx ON students
  USING gin (search_text caseload_trgm_like_ops);
