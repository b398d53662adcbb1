-- Live refresh (issue 18): every write to a table that an open screen shows
-- says so on the channel `caseload_changes`, so that open screens refetch
-- (through row-level security) instead of going stale until `r`.
--
-- NOTIFY bypasses row-level security: any login that LISTENs hears every
-- payload. So a payload carries only the table, the operation, how many rows
-- and, for small statements, the rows' ids and versions: never a name, a
-- note or any other column. A LISTENing counselor learns that rows with
-- these ids changed, nothing more (README, Threat model).
--
-- Statement-level triggers with transition tables: a 100k-row import is one
-- notification per statement (with its row count, without ids), not 100k.
-- Within one transaction PostgreSQL drops a payload identical to one already
-- queued, so repeated small statements on the same rows cost one each.
--
-- Not SECURITY DEFINER: the trigger runs as whoever writes and needs no
-- privilege beyond pg_notify (PUBLIC). search_path is pinned so that a
-- writer's temp objects (`pg_temp.to_jsonb`, `pg_temp.pg_notify`) are never
-- called instead of the catalog's.

CREATE FUNCTION caseload_notify_changes() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  n bigint;
  rows_json jsonb;
BEGIN
  -- At most 20 ids: beyond that the client refetches the table's screens
  -- anyway, and the payload stays far under NOTIFY's 8000 bytes.
  SELECT pg_catalog.count(*) INTO n FROM changed;
  IF n = 0 THEN
    RETURN NULL;
  END IF;
  IF n <= 20 THEN
    -- The intervention a child row belongs to, so that its open detail
    -- knows the change is its own.
    SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
             'id', pg_catalog.to_jsonb(c) -> 'id',
             'v', pg_catalog.to_jsonb(c) -> 'version',
             'iv', pg_catalog.to_jsonb(c) -> 'intervention_id',
             -- A data point names its goal only: the open detail knows its
             -- goals (looking the intervention up here would need SELECT on
             -- goals from every writer, definer functions' owners included).
             'g', pg_catalog.to_jsonb(c) -> 'goal_id')))
      INTO rows_json
      FROM changed c;
  END IF;
  PERFORM pg_catalog.pg_notify('caseload_changes', pg_catalog.jsonb_build_object(
    't', TG_TABLE_NAME,
    'op', pg_catalog.left(TG_OP, 1),
    'n', n,
    'rows', rows_json)::text);
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION caseload_notify_changes() FROM PUBLIC;

-- Three triggers a table: a trigger with transition tables takes one event.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['students', 'student_guardians', 'interventions',
                           'intervention_goals', 'progress_measurements',
                           'intervention_sessions', 'intervention_team',
                           'communication_log', 'documents',
                           'intervention_attachments'] LOOP
    EXECUTE pg_catalog.format(
      'CREATE TRIGGER %I AFTER INSERT ON public.%I REFERENCING NEW TABLE AS changed '
      'FOR EACH STATEMENT EXECUTE FUNCTION caseload_notify_changes()',
      t || '_notify_insert', t);
    EXECUTE pg_catalog.format(
      'CREATE TRIGGER %I AFTER UPDATE ON public.%I REFERENCING NEW TABLE AS changed '
      'FOR EACH STATEMENT EXECUTE FUNCTION caseload_notify_changes()',
      t || '_notify_update', t);
    EXECUTE pg_catalog.format(
      'CREATE TRIGGER %I AFTER DELETE ON public.%I REFERENCING OLD TABLE AS changed '
      'FOR EACH STATEMENT EXECUTE FUNCTION caseload_notify_changes()',
      t || '_notify_delete', t);
  END LOOP;
END
$$;
