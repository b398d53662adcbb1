-- Background jobs (issue 16, part 1): who may enqueue, see, cancel and retry
-- a job, and what a worker may do to one. See src/jobs/mod.rs for the whole
-- design, including how a job would run with its author's row-level security.
--
-- People no longer write `jobs` at all: they call caseload_job_enqueue,
-- caseload_job_cancel and caseload_job_retry, and read their own rows (admins
-- all) through the 0012 policy. Workers sign in as a login role that is a
-- member of caseload_worker, which holds no table privilege, only EXECUTE on
-- the caseload_worker_* functions; each of those acts only on a job locked by
-- the worker id it is given. Every function is SECURITY DEFINER with a fixed
-- search_path and schema-qualified names, owned by the migrating superuser
-- (0003 insists on one), so RLS is not what protects these rows inside them:
-- the ownership tests are written out in each function.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'caseload_worker') THEN
    CREATE ROLE caseload_worker NOLOGIN NOINHERIT;
  END IF;
END
$$;
GRANT USAGE ON SCHEMA public TO caseload_worker;

-- The job's log: the handler's lines (ctx.log), appended by the worker's
-- heartbeats, and who cancelled or retried it; the newest 65,536 characters.
ALTER TABLE public.jobs ADD COLUMN log text NOT NULL DEFAULT ''
  CHECK (length(log) <= 65536);

-- Appends lines to a log, keeping its newest 65,536 characters.
CREATE FUNCTION public.caseload_job_log(old text, more text) RETURNS text
  LANGUAGE sql IMMUTABLE SET search_path = pg_catalog AS $$
  SELECT CASE WHEN more IS NULL OR more = '' THEN old ELSE right(old || more, 65536) END
$$;
ALTER TABLE public.jobs ADD CONSTRAINT jobs_progress_message_length
  CHECK (length(progress_message) <= 500);
ALTER TABLE public.jobs ADD CONSTRAINT jobs_last_error_length
  CHECK (length(last_error) <= 4000);

-- What may be enqueued, and by whom: a person whose roles grant tool_key
-- (caseload_tool_allowed); NULL tool_key means admins only (system kinds).
-- Reference data like tools, but never truncated by the seeder, so it lives
-- here only. Kinds registered later (imports, exports, reports) add rows.
CREATE TABLE public.job_kinds (
  kind              text PRIMARY KEY CHECK (kind ~ '^[a-z][a-z0-9_.-]{0,63}$'),
  tool_key          text,
  description       text NOT NULL CHECK (length(description) BETWEEN 1 AND 200),
  max_attempts      integer NOT NULL DEFAULT 3 CHECK (max_attempts BETWEEN 1 AND 20),
  -- The first retry waits this long, each next one twice as long (max 1 h).
  backoff_base_secs double precision NOT NULL DEFAULT 10
    CHECK (backoff_base_secs > 0 AND backoff_base_secs <= 3600)
);
INSERT INTO public.job_kinds (kind, tool_key, description, max_attempts, backoff_base_secs) VALUES
  ('noop', 'jobs', 'Does nothing (checks that a worker is running)', 3, 10),
  ('sleep', 'jobs', 'Waits, reporting progress; for demos and tests', 3, 10),
  ('sweep', NULL, 'Deletes finished jobs older than a number of days', 1, 60);
REVOKE ALL ON public.job_kinds FROM PUBLIC;

-- One row per worker process, beaten every few seconds: how the Jobs screen
-- knows whether anything is running. People see only the count and the last
-- beat (caseload_jobs_workers), never host names.
CREATE TABLE public.job_workers (
  worker_id  text PRIMARY KEY CHECK (length(worker_id) BETWEEN 1 AND 200),
  kinds      text[] NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  seen_at    timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON public.job_workers FROM PUBLIC;
ALTER TABLE public.job_workers ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.job_workers FORCE ROW LEVEL SECURITY;
ALTER TABLE public.job_kinds ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.job_kinds FORCE ROW LEVEL SECURITY;
CREATE POLICY job_kinds_read ON public.job_kinds FOR SELECT USING (true);

CREATE INDEX jobs_running_idx ON public.jobs (heartbeat_at) WHERE status = 'running';
CREATE INDEX jobs_created_by_idx ON public.jobs (created_by, created_at DESC);

DO $$
DECLARE k text;
BEGIN
  FOREACH k IN ARRAY ARRAY['admin', 'coordinator', 'counselor', 'interventionist', 'teacher',
                           'viewer'] LOOP
    EXECUTE format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON public.jobs FROM %I', 'caseload_' || k);
    EXECUTE format('REVOKE ALL ON public.job_workers FROM %I', 'caseload_' || k);
    EXECUTE format('GRANT SELECT ON public.job_kinds TO %I', 'caseload_' || k);
  END LOOP;
END
$$;

-- People -----------------------------------------------------------------------

-- Enqueues a job of a kind the caller's tools allow. run_at in the future
-- makes it 'scheduled'. Returns its id. Wakes idle workers (NOTIFY without
-- a payload: payloads bypass RLS).
CREATE FUNCTION public.caseload_job_enqueue(p_kind text, p_payload jsonb DEFAULT '{}'::jsonb,
                                            p_run_at timestamptz DEFAULT NULL,
                                            p_priority integer DEFAULT 0) RETURNS uuid
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  me uuid := public.caseload_current_user_id();
  k public.job_kinds;
  new_id uuid;
BEGIN
  IF me IS NULL THEN
    RAISE EXCEPTION 'only an active caseload user may enqueue jobs' USING ERRCODE = '42501';
  END IF;
  SELECT * INTO k FROM public.job_kinds WHERE kind = p_kind;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'there is no job kind "%"', left(p_kind, 64) USING ERRCODE = '22023';
  END IF;
  IF k.tool_key IS NULL THEN
    IF NOT public.caseload_is_admin() THEN
      RAISE EXCEPTION 'only admins may enqueue % jobs', k.kind USING ERRCODE = '42501';
    END IF;
  ELSIF NOT public.caseload_tool_allowed(k.tool_key) THEN
    RAISE EXCEPTION 'you may not enqueue % jobs (they need the % tool)', k.kind, k.tool_key
      USING ERRCODE = '42501';
  END IF;
  IF p_payload IS NULL OR jsonb_typeof(p_payload) <> 'object' THEN
    RAISE EXCEPTION 'a job''s payload is a JSON object' USING ERRCODE = '22023';
  END IF;
  IF octet_length(p_payload::text) > 1048576 THEN
    RAISE EXCEPTION 'a job''s payload is at most 1 MiB' USING ERRCODE = '22023';
  END IF;
  IF p_priority IS NULL OR p_priority NOT BETWEEN -10 AND 10 THEN
    RAISE EXCEPTION 'priority is a whole number from -10 to 10' USING ERRCODE = '22023';
  END IF;
  IF p_run_at IS NOT NULL AND p_run_at > now() + interval '366 days' THEN
    RAISE EXCEPTION 'a job runs within a year' USING ERRCODE = '22023';
  END IF;
  INSERT INTO public.jobs (kind, payload, status, priority, max_attempts, run_at, created_by)
  VALUES (k.kind, p_payload,
          CASE WHEN p_run_at > now() THEN 'scheduled' ELSE 'queued' END::public.job_status,
          p_priority, k.max_attempts, greatest(coalesce(p_run_at, now()), now()), me)
  RETURNING id INTO new_id;
  PERFORM pg_notify('caseload_jobs', '');
  RETURN new_id;
END
$$;

-- The job if the caller may act on it (theirs, or any for an admin), locked.
-- A job they may not see is "no such job", exactly like a missing one.
CREATE FUNCTION public.caseload_job_mine_for_update(p_id uuid) RETURNS public.jobs
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  me uuid := public.caseload_current_user_id();
  j public.jobs;
BEGIN
  SELECT * INTO j FROM public.jobs WHERE id = p_id FOR UPDATE;
  IF NOT FOUND OR me IS NULL
     OR (j.created_by IS DISTINCT FROM me AND NOT public.caseload_is_admin()) THEN
    RAISE EXCEPTION 'no such job' USING ERRCODE = 'P0002';
  END IF;
  RETURN j;
END
$$;

-- Cancels an unfinished job: it is 'cancelled' at once; a running one stops
-- at its handler's next checkpoint (the worker's heartbeat sees the status).
CREATE FUNCTION public.caseload_job_cancel(p_id uuid) RETURNS public.job_status
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  j public.jobs := public.caseload_job_mine_for_update(p_id);
BEGIN
  IF j.status NOT IN ('scheduled', 'queued', 'retrying', 'running') THEN
    RAISE EXCEPTION 'this job has already ended (%)', j.status USING ERRCODE = '55000';
  END IF;
  UPDATE public.jobs
     SET status = 'cancelled', finished_at = now(),
         progress_message = CASE WHEN j.status = 'running' THEN 'cancelled: stopping'
                                 ELSE 'cancelled' END,
         log = public.caseload_job_log(log, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')
                                            || ' UTC cancelled by ' || session_user || E'\n')
   WHERE id = p_id;
  RETURN 'cancelled';
END
$$;

-- Runs a failed or cancelled job again from its first attempt, or a
-- scheduled/retrying one now. A cancelled job whose worker has not yet
-- stopped it is refused until it has.
CREATE FUNCTION public.caseload_job_retry(p_id uuid) RETURNS public.job_status
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  j public.jobs := public.caseload_job_mine_for_update(p_id);
BEGIN
  IF j.status NOT IN ('failed', 'cancelled', 'scheduled', 'retrying') THEN
    RAISE EXCEPTION 'only a failed, cancelled, scheduled or retrying job can be retried (this one is %)',
      j.status USING ERRCODE = '55000';
  END IF;
  IF j.locked_by IS NOT NULL THEN
    RAISE EXCEPTION 'this job is still stopping: retry it in a moment' USING ERRCODE = '55000';
  END IF;
  UPDATE public.jobs
     SET status = 'queued', run_at = now(), finished_at = NULL,
         attempts = CASE WHEN j.status IN ('failed', 'cancelled') THEN 0 ELSE attempts END,
         progress = 0, progress_message = NULL, result = NULL,
         log = public.caseload_job_log(log, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')
                                            || ' UTC retried by ' || session_user || E'\n')
   WHERE id = p_id;
  PERFORM pg_notify('caseload_jobs', '');
  RETURN 'queued';
END
$$;

-- Whether any worker is alive: how many beat in the last p_within seconds,
-- and the last beat of any. Nothing else about them.
CREATE FUNCTION public.caseload_jobs_workers(p_within integer DEFAULT 15)
  RETURNS TABLE (alive integer, last_seen timestamptz)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT count(*) FILTER (WHERE w.seen_at > now() - make_interval(secs => greatest(p_within, 1)))::integer,
         max(w.seen_at)
  FROM public.job_workers w
$$;

-- Workers ----------------------------------------------------------------------

-- A worker says it is alive and which kinds it runs.
CREATE FUNCTION public.caseload_worker_beat(p_worker text, p_kinds text[]) RETURNS void
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  INSERT INTO public.job_workers (worker_id, kinds) VALUES (p_worker, p_kinds)
  ON CONFLICT (worker_id) DO UPDATE SET kinds = EXCLUDED.kinds, seen_at = now();
$$;

-- A worker stops (its row goes, so the screen does not count it).
CREATE FUNCTION public.caseload_worker_gone(p_worker text) RETURNS void
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  DELETE FROM public.job_workers WHERE worker_id = p_worker;
$$;

-- Claims the most urgent due job of the given kinds: priority first, then
-- run_at. SKIP LOCKED: concurrent claims never wait on each other and never
-- take the same row. The attempt is counted here, so a worker killed
-- mid-job has used it.
CREATE FUNCTION public.caseload_worker_claim(p_worker text, p_kinds text[])
  RETURNS TABLE (id uuid, kind text, payload jsonb, attempts integer, max_attempts integer,
                 created_by uuid)
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  WITH next AS (
    SELECT j.id FROM public.jobs j
    WHERE j.queue = 'default'
      AND j.status IN ('queued', 'retrying', 'scheduled')
      AND j.run_at <= now()
      AND j.kind = ANY (p_kinds)
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

-- While a job runs: the heartbeat, with progress, message and log when they
-- changed (NULL keeps them); p_log holds only the lines new since the last. Returns false when the worker should stop:
-- the job was cancelled, reaped or is no longer this worker's.
CREATE FUNCTION public.caseload_worker_heartbeat(p_id uuid, p_worker text, p_progress smallint,
                                                 p_message text, p_log text) RETURNS boolean
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  UPDATE public.jobs
     SET heartbeat_at = now(),
         progress = coalesce(least(greatest(p_progress, 0), 100), progress),
         progress_message = coalesce(left(p_message, 500), progress_message),
         log = public.caseload_job_log(log, p_log)
   WHERE id = p_id AND locked_by = p_worker AND status = 'running';
  IF FOUND THEN
    RETURN true;
  END IF;
  -- Cancelled meanwhile: keep the log the handler wrote so far.
  UPDATE public.jobs SET log = public.caseload_job_log(log, p_log)
   WHERE id = p_id AND locked_by = p_worker AND status = 'cancelled';
  RETURN false;
END
$$;

-- The handler returned its result. A job cancelled meanwhile stays
-- cancelled (the result is dropped) and is released. Returns the status.
CREATE FUNCTION public.caseload_worker_finish(p_id uuid, p_worker text, p_result jsonb,
                                              p_message text, p_log text) RETURNS public.job_status
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  s public.job_status;
BEGIN
  UPDATE public.jobs
     SET status = CASE WHEN status = 'running' THEN 'succeeded'::public.job_status ELSE status END,
         result = CASE WHEN status = 'running' THEN p_result ELSE result END,
         progress = CASE WHEN status = 'running' THEN 100 ELSE progress END,
         progress_message = CASE WHEN status = 'running' THEN left(coalesce(p_message, 'done'), 500)
                                 ELSE 'cancelled' END,
         finished_at = coalesce(finished_at, now()),
         heartbeat_at = now(), locked_by = NULL, log = public.caseload_job_log(log, p_log)
   WHERE id = p_id AND locked_by = p_worker AND status IN ('running', 'cancelled')
  RETURNING status INTO s;
  RETURN s;
END
$$;

-- The handler failed (or was cancelled). p_retry: worth another attempt.
-- Retried after backoff_base_secs × 2^(attempts − 1) (max 1 h) until
-- max_attempts, then 'failed' with last_error. Returns the status.
CREATE FUNCTION public.caseload_worker_fail(p_id uuid, p_worker text, p_error text,
                                            p_retry boolean, p_log text) RETURNS public.job_status
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  j public.jobs;
  base double precision;
  s public.job_status;
BEGIN
  SELECT * INTO j FROM public.jobs
   WHERE id = p_id AND locked_by = p_worker AND status IN ('running', 'cancelled') FOR UPDATE;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  IF j.status = 'cancelled' THEN
    UPDATE public.jobs SET locked_by = NULL, progress_message = 'cancelled',
                           log = public.caseload_job_log(log, p_log)
     WHERE id = p_id;
    RETURN 'cancelled';
  END IF;
  SELECT backoff_base_secs INTO base FROM public.job_kinds WHERE kind = j.kind;
  s := CASE WHEN p_retry AND j.attempts < j.max_attempts THEN 'retrying' ELSE 'failed' END;
  UPDATE public.jobs
     SET status = s, locked_by = NULL, last_error = left(coalesce(p_error, 'failed'), 4000),
         log = public.caseload_job_log(log, p_log),
         progress_message = CASE WHEN s = 'failed' THEN 'failed' ELSE 'waiting to retry' END,
         run_at = CASE WHEN s = 'retrying'
                       THEN now() + make_interval(secs => least(coalesce(base, 10)
                                                                * 2 ^ (j.attempts - 1), 3600))
                       ELSE run_at END,
         finished_at = CASE WHEN s = 'failed' THEN now() END
   WHERE id = p_id;
  RETURN s;
END
$$;

-- Jobs whose worker stopped beating for p_stale_secs (at least 2): retried
-- after backoff like a failed attempt (the attempt was counted at claim),
-- or failed when it was the last. Any worker may reap; SKIP LOCKED keeps
-- two reapers off the same row. Returns how many were reaped.
CREATE FUNCTION public.caseload_worker_reap(p_stale_secs double precision) RETURNS integer
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  n integer;
BEGIN
  WITH stale AS (
    SELECT j.id FROM public.jobs j
    WHERE j.status = 'running'
      AND j.heartbeat_at < now() - make_interval(secs => greatest(p_stale_secs, 2))
    FOR UPDATE SKIP LOCKED)
  UPDATE public.jobs j
     SET status = CASE WHEN j.attempts < j.max_attempts THEN 'retrying'::public.job_status
                       ELSE 'failed'::public.job_status END,
         last_error = 'worker ' || left(coalesce(j.locked_by, '?'), 200)
                      || ' stopped (no heartbeat since '
                      || to_char(j.heartbeat_at AT TIME ZONE 'UTC', 'HH24:MI:SS') || ' UTC)',
         run_at = CASE WHEN j.attempts < j.max_attempts
                       THEN now() + make_interval(secs => least(
                              coalesce((SELECT k.backoff_base_secs FROM public.job_kinds k
                                        WHERE k.kind = j.kind), 10) * 2 ^ (j.attempts - 1), 3600))
                       ELSE j.run_at END,
         finished_at = CASE WHEN j.attempts < j.max_attempts THEN NULL ELSE now() END,
         progress_message = 'its worker stopped',
         locked_by = NULL
    FROM stale WHERE j.id = stale.id;
  GET DIAGNOSTICS n = ROW_COUNT;
  DELETE FROM public.job_workers WHERE seen_at < now() - interval '1 day';
  IF n > 0 THEN
    PERFORM pg_notify('caseload_jobs', '');
  END IF;
  RETURN n;
END
$$;

-- The sweep kind: finished jobs older than p_days (at least 1) go.
CREATE FUNCTION public.caseload_worker_sweep(p_days integer) RETURNS integer
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  n integer;
BEGIN
  DELETE FROM public.jobs
   WHERE status IN ('succeeded', 'cancelled', 'failed') AND locked_by IS NULL
     AND finished_at < now() - make_interval(days => greatest(p_days, 1));
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;

DO $$
DECLARE
  f text;
  k text;
BEGIN
  FOREACH f IN ARRAY ARRAY[
      'caseload_job_enqueue(text, jsonb, timestamptz, integer)',
      'caseload_job_mine_for_update(uuid)',
      'caseload_job_cancel(uuid)', 'caseload_job_retry(uuid)', 'caseload_jobs_workers(integer)',
      'caseload_job_log(text, text)',
      'caseload_worker_beat(text, text[])', 'caseload_worker_gone(text)',
      'caseload_worker_claim(text, text[])',
      'caseload_worker_heartbeat(uuid, text, smallint, text, text)',
      'caseload_worker_finish(uuid, text, jsonb, text, text)',
      'caseload_worker_fail(uuid, text, text, boolean, text)',
      'caseload_worker_reap(double precision)', 'caseload_worker_sweep(integer)'] LOOP
    EXECUTE format('REVOKE ALL ON FUNCTION public.%s FROM PUBLIC', f);
    IF f LIKE 'caseload_worker_%' THEN
      EXECUTE format('GRANT EXECUTE ON FUNCTION public.%s TO caseload_worker', f);
    ELSIF f NOT LIKE 'caseload_job_mine%' AND f NOT LIKE 'caseload_job_log%' THEN
      FOREACH k IN ARRAY ARRAY['admin', 'coordinator', 'counselor', 'interventionist', 'teacher',
                               'viewer'] LOOP
        EXECUTE format('GRANT EXECUTE ON FUNCTION public.%s TO %I', f, 'caseload_' || k);
      END LOOP;
    END IF;
  END LOOP;
END
$$;
