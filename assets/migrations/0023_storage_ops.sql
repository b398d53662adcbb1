-- Running document storage (issue 15): direct mode, the sweeper's retention
-- setting, and a deletion time nobody can backdate.

-- Direct mode ------------------------------------------------------------------
--
-- With storage.mode = "direct" a single-user setup reads and writes objects
-- with its own AWS credentials; `caseload storage init` then stores the
-- store's address without a signing key, so the database holds no secret
-- at all. The policy functions still check rows, issue keys and audit;
-- they just hand back no link. A client in signed mode meeting such a
-- database is told what to change, not given a NULL link.
ALTER TABLE storage_settings ALTER COLUMN access_key_id DROP NOT NULL,
  ALTER COLUMN secret_access_key DROP NOT NULL,
  ADD CONSTRAINT storage_settings_key_pair
    CHECK ((access_key_id IS NULL) = (secret_access_key IS NULL));

CREATE OR REPLACE FUNCTION caseload_storage_url(p_method text, p_key text, OUT url text,
    OUT expires_at timestamptz)
  LANGUAGE plpgsql VOLATILE
  SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  s public.storage_settings;
  signed_at timestamptz := date_trunc('second', clock_timestamp());
BEGIN
  SELECT * INTO s FROM public.storage_settings;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'document storage is not set up'
      USING ERRCODE = '55000', HINT = 'An administrator runs: caseload storage init';
  END IF;
  IF s.secret_access_key IS NULL THEN
    -- Only says what the caller's config asked for: with no key there is
    -- nothing to sign, whoever asks.
    IF current_setting('caseload.storage_mode', true) IS DISTINCT FROM 'direct' THEN
      RAISE EXCEPTION 'this database signs no document links: its storage is in direct mode'
        USING ERRCODE = '55000',
              HINT = 'Set storage.mode = "direct" in the config (with AWS credentials), '
                     'or an administrator runs caseload storage init in signed mode';
    END IF;
    RETURN;
  END IF;
  url := public.caseload_s3_presign(p_method, s.endpoint, s.region, s.bucket, s.path_style,
           p_key, s.access_key_id, s.secret_access_key, signed_at, s.url_expires_secs);
  expires_at := signed_at + make_interval(secs => s.url_expires_secs);
END
$$;

-- Deletion time ------------------------------------------------------------------
--
-- The sweeper removes a deleted document's file once deleted_at is older
-- than the retention period. Application roles may set deleted_at (0021),
-- so the database stamps the time itself: a backdated value would
-- otherwise skip the retention period.
CREATE FUNCTION caseload_documents_deleted_at() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF NEW.deleted_at IS NOT NULL THEN
    NEW.deleted_at := CASE WHEN OLD.deleted_at IS NULL THEN now() ELSE OLD.deleted_at END;
  END IF;
  RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION caseload_documents_deleted_at() FROM PUBLIC;
CREATE TRIGGER documents_deleted_at BEFORE UPDATE OF deleted_at ON documents
  FOR EACH ROW EXECUTE FUNCTION caseload_documents_deleted_at();

CREATE INDEX documents_deleted_idx ON documents (deleted_at) WHERE deleted_at IS NOT NULL;

-- Retention ------------------------------------------------------------------------

INSERT INTO settings (key, scope, value, value_type, label, description) VALUES
  ('documents.retention_days', 'system', '30', 'number', 'Deleted documents kept (days)',
   'Days a deleted document''s file is kept before `caseload storage sweep` removes it and '
   'its row for good (0 to 3650).')
ON CONFLICT (key, scope, school_id, user_id) DO NOTHING;
