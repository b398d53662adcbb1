-- Run by the migration runner before any numbered migration, inside the same
-- locked transaction. It must be idempotent: it creates only what the runner
-- itself needs to record its work (migration_log and its enum).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'execution_status'
                 AND typnamespace = 'public'::regnamespace) THEN
    CREATE TYPE execution_status AS ENUM
      ('pending', 'running', 'succeeded', 'failed', 'skipped', 'rolled_back');
  END IF;
END
$$;

CREATE TABLE IF NOT EXISTS migration_log (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  version     bigint NOT NULL CHECK (version > 0),
  name        text NOT NULL,
  checksum    text NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),
  status      execution_status NOT NULL DEFAULT 'pending',
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  duration_ms bigint CHECK (duration_ms >= 0),
  error       text,
  applied_by  text NOT NULL DEFAULT session_user,
  CHECK (status NOT IN ('succeeded', 'failed') OR finished_at IS NOT NULL)
);

CREATE INDEX IF NOT EXISTS migration_log_version_idx ON migration_log (version, status);
-- One successful application per version, however many attempts failed.
CREATE UNIQUE INDEX IF NOT EXISTS migration_log_one_success
  ON migration_log (version) WHERE status = 'succeeded';
