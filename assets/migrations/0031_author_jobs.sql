-- Jobs that run as their author (issue 16; job_kinds.runs_as from 0030).
--
-- A kind with runs_as = 'author' is claimed only by a process signed in as
-- the person who enqueued the job: their own caseload window or
-- `caseload worker --mine`. The service worker (caseload_worker) never
-- claims one. People get caseload_job_own_* functions that do what the
-- caseload_worker_* ones do (0024), for their own author-kind jobs only;
-- both sets share one claim and one reap body (internal, executable by no
-- one but their owner) and the own heartbeat/finish/fail call the worker
-- ones after checking the job is the caller's. The worker id a person
-- passes is trusted for nothing but matching the lock it took.

-- Claim: the most urgent due job of p_kinds. p_author NULL: the service
-- worker, which never takes an author kind; else only that person's jobs of
-- author kinds.
CREATE FUNCTION public.caseload_jobs_claim_core(p_worker text, p_kinds text[], p_author uuid)
  RETURNS TABLE (id uuid, kind text, payload jsonb, attempts integer, max_attempts integer,
                 created_by uuid)
  LANGUAGE sql VOLATILE SET search_path = pg_catalog, public, pg_temp AS $$
  WITH next AS (
    SELECT j.id FROM public.jobs j
    WHERE j.queue = 'default'
      AND j.status IN ('queued', 'retrying', 'scheduled')
      AND j.run_at <= now()
      AND j.kind = ANY (p_kinds)
      AND CASE WHEN p_author IS NULL
               THEN NOT EXISTS (SELECT 1 FROM public.job_kinds k
                                 WHERE k.kind = j.kind AND k.runs_as = 'author')
               ELSE j.created_by = p_author
                    AND EXISTS (SELECT 1 FROM public.job_kinds k
                                 WHERE k.kind = j.kind AND k.runs_as = 'author') END
    ORDER BY j.priority DESC, j.run_at
    LIMIT 1
    FOR UPDATE SKIP LOCKED)
  UPDATE public.jobs j
     SET status = 'running', attempts = j.attempts + 1, locked_by = p_worker,
         locked_at = now(), heartbeat_at = now(), started_at = now(), finished_at = NULL,
         progress = 0, progress_message = NULL
    FROM next
   WHERE j.id = next.id
  RETURNING j.id, j.kind, j.payload, j.attempts, j.max_attempts, j.created_by;
$$;

-- Reap: running jobs whose heartbeat stopped for p_stale_secs (at least 2);
-- p_author NULL: anyone's, else only that person's author-kind jobs. A job
-- a caseload window held (worker id `tui:…`) says its window closed.
CREATE FUNCTION public.caseload_jobs_reap_core(p_stale_secs double precision, p_author uuid)
  RETURNS integer
  LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  n integer;
BEGIN
  WITH stale AS (
    SELECT j.id FROM public.jobs j
    WHERE j.status = 'running'
      AND j.heartbeat_at < now() - make_interval(secs => greatest(p_stale_secs, 2))
      AND (p_author IS NULL
           OR (j.created_by = p_author
               AND EXISTS (SELECT 1 FROM public.job_kinds k
                            WHERE k.kind = j.kind AND k.runs_as = 'author')))
    FOR UPDATE SKIP LOCKED)
  UPDATE public.jobs j
     SET status = CASE WHEN j.attempts < j.max_attempts THEN 'retrying'::public.job_status
                       ELSE 'failed'::public.job_status END,
         last_error = CASE WHEN j.locked_by LIKE 'tui:%'
                           THEN 'its caseload window closed (' || left(j.locked_by, 200)
                           ELSE 'worker ' || left(coalesce(j.locked_by, '?'), 200) || ' stopped ('
                      END
                      || 'no heartbeat since '
                      || to_char(j.heartbeat_at AT TIME ZONE 'UTC', 'HH24:MI:SS') || ' UTC)',
         run_at = CASE WHEN j.attempts < j.max_attempts
                       THEN now() + make_interval(secs => least(
                              coalesce((SELECT k.backoff_base_secs FROM public.job_kinds k
                                        WHERE k.kind = j.kind), 10) * 2 ^ (j.attempts - 1), 3600))
                       ELSE j.run_at END,
         finished_at = CASE WHEN j.attempts < j.max_attempts THEN NULL ELSE now() END,
         progress_message = CASE WHEN j.locked_by LIKE 'tui:%' THEN 'its window closed'
                                 ELSE 'its worker stopped' END,
         locked_by = NULL
    FROM stale WHERE j.id = stale.id;
  GET DIAGNOSTICS n = ROW_COUNT;
  IF n > 0 THEN
    PERFORM pg_notify('caseload_jobs', '');
  END IF;
  RETURN n;
END
$$;

-- Whether job p_id is the caller's own, of an author kind, and locked by
-- p_worker: what every own_* call checks before acting.
CREATE FUNCTION public.caseload_job_own_held(p_id uuid, p_worker text) RETURNS boolean
  LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT EXISTS (
    SELECT 1 FROM public.jobs j
      JOIN public.job_kinds k ON k.kind = j.kind AND k.runs_as = 'author'
     WHERE j.id = p_id AND j.locked_by = p_worker
       AND j.created_by = public.caseload_current_user_id())
$$;

-- The service worker, as before, minus the author kinds.
CREATE OR REPLACE FUNCTION public.caseload_worker_claim(p_worker text, p_kinds text[])
  RETURNS TABLE (id uuid, kind text, payload jsonb, attempts integer, max_attempts integer,
                 created_by uuid)
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT * FROM public.caseload_jobs_claim_core(p_worker, p_kinds, NULL);
$$;

CREATE OR REPLACE FUNCTION public.caseload_worker_reap(p_stale_secs double precision)
  RETURNS integer
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  n integer := public.caseload_jobs_reap_core(p_stale_secs, NULL);
BEGIN
  DELETE FROM public.job_workers WHERE seen_at < now() - interval '1 day';
  RETURN n;
END
$$;

-- People ------------------------------------------------------------------------

-- Claims the caller's most urgent due job among the author kinds in
-- p_kinds whose tool they still hold (admins-only kinds: still an admin).
-- A due job of a kind whose tool they lost since queueing it fails now,
-- saying why, rather than waiting for ever.
CREATE FUNCTION public.caseload_job_own_claim(p_worker text, p_kinds text[])
  RETURNS TABLE (id uuid, kind text, payload jsonb, attempts integer, max_attempts integer,
                 created_by uuid)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  me uuid := public.caseload_current_user_id();
  allowed text[];
  refused text[];
BEGIN
  IF me IS NULL THEN
    RAISE EXCEPTION 'only an active caseload user may run their jobs' USING ERRCODE = '42501';
  END IF;
  IF p_worker IS NULL OR length(p_worker) NOT BETWEEN 1 AND 200 THEN
    RAISE EXCEPTION 'a worker id is 1 to 200 characters' USING ERRCODE = '22023';
  END IF;
  SELECT coalesce(array_agg(a.kind) FILTER (WHERE a.ok), '{}'),
         coalesce(array_agg(a.kind) FILTER (WHERE NOT a.ok), '{}')
    INTO allowed, refused
    FROM (SELECT k.kind,
                 CASE WHEN k.tool_key IS NULL THEN public.caseload_is_admin()
                      ELSE public.caseload_tool_allowed(k.tool_key) END AS ok
            FROM public.job_kinds k
           WHERE k.runs_as = 'author' AND k.kind = ANY (p_kinds)) a;
  UPDATE public.jobs j
     SET status = 'failed', finished_at = now(), progress_message = 'failed',
         last_error = 'you may no longer run ' || j.kind
                      || ' jobs: the tool they need was taken from you after this one was queued'
   WHERE j.created_by = me AND j.kind = ANY (refused) AND j.locked_by IS NULL
     AND j.status IN ('queued', 'retrying', 'scheduled') AND j.run_at <= now();
  RETURN QUERY SELECT * FROM public.caseload_jobs_claim_core(p_worker, allowed, me);
END
$$;

CREATE FUNCTION public.caseload_job_own_heartbeat(p_id uuid, p_worker text, p_progress smallint,
                                                  p_message text, p_log text) RETURNS boolean
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  IF NOT public.caseload_job_own_held(p_id, p_worker) THEN
    RETURN false;
  END IF;
  RETURN public.caseload_worker_heartbeat(p_id, p_worker, p_progress, p_message, p_log);
END
$$;

CREATE FUNCTION public.caseload_job_own_finish(p_id uuid, p_worker text, p_result jsonb,
                                               p_message text, p_log text) RETURNS public.job_status
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  IF NOT public.caseload_job_own_held(p_id, p_worker) THEN
    RETURN NULL;
  END IF;
  RETURN public.caseload_worker_finish(p_id, p_worker, p_result, p_message, p_log);
END
$$;

CREATE FUNCTION public.caseload_job_own_fail(p_id uuid, p_worker text, p_error text,
                                             p_retry boolean, p_log text) RETURNS public.job_status
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  IF NOT public.caseload_job_own_held(p_id, p_worker) THEN
    RETURN NULL;
  END IF;
  RETURN public.caseload_worker_fail(p_id, p_worker, p_error, p_retry, p_log);
END
$$;

-- The caller's own author-kind jobs whose runner stopped beating (a window
-- that was killed): requeued or failed like any reaped job.
CREATE FUNCTION public.caseload_job_own_reap(p_stale_secs double precision) RETURNS integer
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  me uuid := public.caseload_current_user_id();
BEGIN
  IF me IS NULL THEN
    RETURN 0;
  END IF;
  RETURN public.caseload_jobs_reap_core(p_stale_secs, me);
END
$$;

-- The kinds some live service worker runs (no host names): the Jobs screen
-- says why a job of another kind waits.
CREATE FUNCTION public.caseload_jobs_worker_kinds(p_within integer DEFAULT 15) RETURNS text[]
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT coalesce(array_agg(DISTINCT k ORDER BY k), '{}')
    FROM public.job_workers w, unnest(w.kinds) k
   WHERE w.seen_at > now() - make_interval(secs => greatest(p_within, 1))
$$;

INSERT INTO public.job_kinds (kind, tool_key, description, max_attempts, backoff_base_secs, runs_as)
VALUES ('oneroster.import', 'import',
        'Imports a OneRoster 1.1 CSV export (a folder or .zip); a dry run reports first',
        1, 60, 'author');

DO $$
DECLARE
  f text;
  k text;
BEGIN
  FOREACH f IN ARRAY ARRAY[
      'caseload_jobs_claim_core(text, text[], uuid)',
      'caseload_jobs_reap_core(double precision, uuid)',
      'caseload_job_own_held(uuid, text)'] LOOP
    EXECUTE format('REVOKE ALL ON FUNCTION public.%s FROM PUBLIC', f);
  END LOOP;
  FOREACH f IN ARRAY ARRAY[
      'caseload_job_own_claim(text, text[])',
      'caseload_job_own_heartbeat(uuid, text, smallint, text, text)',
      'caseload_job_own_finish(uuid, text, jsonb, text, text)',
      'caseload_job_own_fail(uuid, text, text, boolean, text)',
      'caseload_job_own_reap(double precision)',
      'caseload_jobs_worker_kinds(integer)'] LOOP
    EXECUTE format('REVOKE ALL ON FUNCTION public.%s FROM PUBLIC', f);
    FOREACH k IN ARRAY ARRAY['admin', 'coordinator', 'counselor', 'interventionist', 'teacher',
                             'viewer'] LOOP
      EXECUTE format('GRANT EXECUTE ON FUNCTION public.%s TO %I', f, 'caseload_' || k);
    END LOOP;
  END LOOP;
END
$$;
