-- Who runs a job kind (issue 16). 'worker': any `caseload worker` process
-- (it signs in as a member of caseload_worker and reads no student data).
-- 'author': only a process signed in as the person who enqueued the job —
-- their own caseload window, or `caseload worker --mine` — so an import,
-- export or report sees exactly what its author's row-level security lets
-- them see, and no service role ever impersonates a person. The functions
-- that let a person claim and finish their own 'author' jobs come in 0031;
-- the kinds themselves are added by the migrations of the modules that run
-- them.
ALTER TABLE public.job_kinds ADD COLUMN runs_as text NOT NULL DEFAULT 'worker'
  CHECK (runs_as IN ('worker', 'author'));
