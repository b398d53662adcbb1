-- Documents on S3, where the database decides who may read each file (issue 15).
--
-- No person's login ever holds storage credentials. The storage secret lives
-- in storage_settings, which no application role may select; functions
-- owned by caseload_storage_signer check a document through the real
-- row-level security policies, write an audit event and return a
-- presigned SigV4 URL (query-string auth, UNSIGNED-PAYLOAD, SignedHeaders
-- host) for exactly one object, valid a few minutes.
--
-- Why a role of its own owns the policy functions: inside a SECURITY DEFINER
-- function owned by a superuser (or the tables' owner), row-level security
-- is bypassed, so "is this row visible to the caller?" would have to be
-- re-implemented beside the policies and drift from them. The policies are
-- written in terms of session_user (caseload_active_user_id), not
-- current_user, so a function owned by a role that is subject to RLS
-- (NOLOGIN, not an owner, no BYPASSRLS) evaluates the very same policies,
-- restricted flag included, for the person who called it. The signer role
-- may select the student tables the policies consult, read the settings and
-- the pending uploads, insert documents and attachments; it is a member of
-- nothing and nobody is a member of it. Its functions pin row_security = on
-- (a caller's "off" would only make them fail, never pass) and a fixed
-- search_path with every name schema-qualified.

CREATE EXTENSION IF NOT EXISTS pgcrypto SCHEMA public;

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'caseload_storage_signer') THEN
    CREATE ROLE caseload_storage_signer NOLOGIN NOINHERIT;
  END IF;
END
$$;

-- Settings and pending uploads ------------------------------------------------

-- One row. endpoint NULL means AWS itself (https://s3.REGION.amazonaws.com).
CREATE TABLE storage_settings (
  singleton         boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  endpoint          text CHECK (endpoint ~ '^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$'),
  region            text NOT NULL CHECK (region ~ '^[a-z0-9-]{1,40}$'),
  bucket            text NOT NULL CHECK (bucket ~ '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$'),
  key_prefix        text NOT NULL DEFAULT '' CHECK (key_prefix !~ '^/' AND length(key_prefix) <= 200),
  path_style        boolean NOT NULL DEFAULT false,
  access_key_id     text NOT NULL CHECK (access_key_id ~ '^[A-Za-z0-9+/=_-]{1,128}$'),
  secret_access_key text NOT NULL CHECK (length(secret_access_key) BETWEEN 1 AND 256),
  url_expires_secs  integer NOT NULL DEFAULT 300 CHECK (url_expires_secs BETWEEN 1 AND 3600),
  updated_at        timestamptz NOT NULL DEFAULT now()
);

-- An upload URL handed out and not yet recorded as a document: only the
-- person it was issued to records a row, only for that key, student and
-- intervention. Rows older than a day are the sweeper's.
CREATE TABLE storage_pending_uploads (
  document_id     uuid PRIMARY KEY,
  bucket          text NOT NULL,
  object_key      text NOT NULL UNIQUE,
  student_id      uuid NOT NULL REFERENCES students (id) ON DELETE CASCADE,
  intervention_id uuid REFERENCES interventions (id) ON DELETE CASCADE,
  issued_to       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  issued_at       timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Two layers: no grants (whatever a later GRANT ... ON ALL TABLES does, see
-- the test), and row-level security that shows rows to the signer alone.
REVOKE ALL ON storage_settings, storage_pending_uploads FROM PUBLIC;
DO $$
DECLARE k text;
BEGIN
  FOREACH k IN ARRAY ARRAY['admin', 'coordinator', 'counselor', 'interventionist', 'teacher',
                           'viewer'] LOOP
    EXECUTE format('REVOKE ALL ON storage_settings, storage_pending_uploads FROM %I',
                   'caseload_' || k);
  END LOOP;
END
$$;
ALTER TABLE storage_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE storage_settings FORCE ROW LEVEL SECURITY;
ALTER TABLE storage_pending_uploads ENABLE ROW LEVEL SECURITY;
ALTER TABLE storage_pending_uploads FORCE ROW LEVEL SECURITY;
CREATE POLICY storage_settings_signer ON storage_settings FOR SELECT
  TO caseload_storage_signer USING (true);
CREATE POLICY storage_pending_uploads_signer ON storage_pending_uploads
  TO caseload_storage_signer USING (true) WITH CHECK (true);
-- Even the signer's functions add and take only the caller's own.
CREATE POLICY storage_pending_uploads_insert ON storage_pending_uploads AS RESTRICTIVE
  FOR INSERT WITH CHECK (issued_to = public.caseload_active_user_id());
CREATE POLICY storage_pending_uploads_delete ON storage_pending_uploads AS RESTRICTIVE
  FOR DELETE USING (issued_to = public.caseload_active_user_id());
GRANT SELECT ON storage_settings TO caseload_storage_signer;
GRANT SELECT, INSERT, DELETE ON storage_pending_uploads TO caseload_storage_signer;

-- Uploads and downloads are audited too.
ALTER TABLE audit_events DROP CONSTRAINT audit_events_action_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_action_check
  CHECK (action IN ('insert', 'update', 'delete', 'read', 'upload'));

-- A document row is made only through caseload_document_record_upload (for a
-- key the database handed out), and its key, bucket and student never
-- change: otherwise anyone who may write a student could point a row at
-- another student's object and have it signed.
DO $$
DECLARE k text;
BEGIN
  FOREACH k IN ARRAY ARRAY['admin', 'coordinator', 'counselor', 'interventionist', 'teacher'] LOOP
    EXECUTE format('REVOKE INSERT, UPDATE ON documents FROM %I', 'caseload_' || k);
    EXECUTE format('GRANT UPDATE (filename, content_type, is_restricted, deleted_at, updated_at) '
                   'ON documents TO %I', 'caseload_' || k);
  END LOOP;
END
$$;

-- SigV4 ----------------------------------------------------------------------

-- RFC 3986 encoding as SigV4 wants it: unreserved characters kept, every
-- other UTF-8 byte as %XX (upper case); '/' kept only in object paths.
CREATE FUNCTION caseload_s3_uri_encode(p_text text, p_keep_slash boolean) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp AS $$
  SELECT COALESCE(string_agg(
           CASE WHEN b BETWEEN 65 AND 90 OR b BETWEEN 97 AND 122 OR b BETWEEN 48 AND 57
                     OR b IN (45, 46, 95, 126) OR (p_keep_slash AND b = 47)
                THEN chr(b)
                ELSE '%' || upper(lpad(to_hex(b), 2, '0')) END, '' ORDER BY i), '')
  FROM (SELECT i, get_byte(convert_to(p_text, 'UTF8'), i) AS b
        FROM generate_series(0, octet_length(convert_to(p_text, 'UTF8')) - 1) i) bytes
$$;

-- A presigned URL for one object. Pure: every input is a parameter, so the
-- test can hold it against aws-sdk-s3's presigner for the same time and key.
-- x-id names the operation as the SDK's URLs do (S3 ignores it).
CREATE FUNCTION caseload_s3_presign(
    p_method text, p_endpoint text, p_region text, p_bucket text, p_path_style boolean,
    p_key text, p_access_key_id text, p_secret text, p_at timestamptz, p_expires integer)
  RETURNS text
  LANGUAGE plpgsql STABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  endpoint text := COALESCE(p_endpoint, 'https://s3.' || p_region || '.amazonaws.com');
  scheme text := substring(endpoint FROM '^(https?)://');
  authority text := substring(endpoint FROM '^https?://(.*)$');
  host text;
  path text;
  stamp text := to_char(p_at AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MISS"Z"');
  ymd text := left(stamp, 8);
  scope text := ymd || '/' || p_region || '/s3/aws4_request';
  operation text;
  auth text;
  signing_key bytea;
  to_sign text;
BEGIN
  IF p_method NOT IN ('GET', 'PUT') THEN
    RAISE EXCEPTION 'caseload_s3_presign: method must be GET or PUT';
  END IF;
  IF scheme IS NULL OR p_expires NOT BETWEEN 1 AND 604800 THEN
    RAISE EXCEPTION 'caseload_s3_presign: bad endpoint or expiry';
  END IF;
  -- Default ports are not part of the signed host, as in the SDK.
  authority := regexp_replace(authority,
                 CASE scheme WHEN 'https' THEN ':443$' ELSE ':80$' END, '');
  IF p_path_style THEN
    host := authority;
    path := '/' || public.caseload_s3_uri_encode(p_bucket, false) || '/'
            || public.caseload_s3_uri_encode(p_key, true);
  ELSE
    host := p_bucket || '.' || authority;
    path := '/' || public.caseload_s3_uri_encode(p_key, true);
  END IF;
  operation := 'x-id=' || CASE p_method WHEN 'GET' THEN 'GetObject' ELSE 'PutObject' END;
  auth := 'X-Amz-Algorithm=AWS4-HMAC-SHA256'
    || '&X-Amz-Credential=' || public.caseload_s3_uri_encode(p_access_key_id || '/' || scope, false)
    || '&X-Amz-Date=' || stamp
    || '&X-Amz-Expires=' || p_expires
    || '&X-Amz-SignedHeaders=host';
  to_sign := 'AWS4-HMAC-SHA256' || E'\n' || stamp || E'\n' || scope || E'\n'
    || encode(sha256(convert_to(
         p_method || E'\n' || path || E'\n' || auth || '&' || operation || E'\n'
         || 'host:' || host || E'\n' || E'\n' || 'host' || E'\n' || 'UNSIGNED-PAYLOAD',
         'UTF8')), 'hex');
  signing_key := public.hmac(convert_to('aws4_request', 'UTF8'),
                   public.hmac(convert_to('s3', 'UTF8'),
                     public.hmac(convert_to(p_region, 'UTF8'),
                       public.hmac(convert_to(ymd, 'UTF8'),
                                   convert_to('AWS4' || p_secret, 'UTF8'), 'sha256'),
                       'sha256'),
                     'sha256'),
                   'sha256');
  -- The canonical query is sorted by name ('X' before 'x'); the URL keeps
  -- the SDK's order, the operation first.
  RETURN scheme || '://' || host || path || '?' || operation || '&' || auth || '&X-Amz-Signature='
    || encode(public.hmac(convert_to(to_sign, 'UTF8'), signing_key, 'sha256'), 'hex');
END
$$;

-- The policy functions ---------------------------------------------------------

-- The only writer of storage audit rows: audit_events takes no INSERT from
-- anyone but its owner. Executable by the signer alone.
CREATE FUNCTION caseload_storage_audit(p_action text, p_document uuid, p_student uuid)
  RETURNS void
  LANGUAGE sql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, public, pg_temp AS $$
  INSERT INTO public.audit_events (actor_id, action, table_name, row_id, student_id)
  VALUES (public.caseload_current_user_id(), p_action, 'documents', p_document, p_student)
$$;

-- The settings' URL for one object key, signed now.
CREATE FUNCTION caseload_storage_url(p_method text, p_key text, OUT url text, OUT expires_at timestamptz)
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
  url := public.caseload_s3_presign(p_method, s.endpoint, s.region, s.bucket, s.path_style,
           p_key, s.access_key_id, s.secret_access_key, signed_at, s.url_expires_secs);
  expires_at := signed_at + make_interval(secs => s.url_expires_secs);
END
$$;

-- A download link for one document the caller may see. The SELECT runs
-- under the documents policies for the caller (see the top of this file):
-- a document of another caseload, a restricted one without the right, a
-- deleted one and one that does not exist all get the same answer, and
-- nothing is audited or signed for them.
CREATE FUNCTION caseload_document_download_url(p_document uuid,
    OUT url text, OUT expires_at timestamptz, OUT filename text, OUT byte_size bigint,
    OUT sha256 text)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, public, pg_temp SET row_security = on AS $$
DECLARE
  d record;
BEGIN
  SELECT x.student_id, x.storage, x.object_key, x.filename, x.byte_size, x.sha256 INTO d
  FROM public.documents x WHERE x.id = p_document AND x.deleted_at IS NULL;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no such document, or you may not see it' USING ERRCODE = '42501';
  END IF;
  IF d.storage <> 's3' THEN
    RAISE EXCEPTION 'this document has no stored file' USING ERRCODE = '55000';
  END IF;
  SELECT u.url, u.expires_at INTO url, expires_at FROM public.caseload_storage_url('GET', d.object_key) u;
  PERFORM public.caseload_storage_audit('read', p_document, d.student_id);
  filename := d.filename;
  byte_size := d.byte_size;
  sha256 := d.sha256;
END
$$;

-- An upload link for a fresh opaque key on a student (and optionally one of
-- their interventions) the caller may add to. The key is the future
-- document's id under the prefix: never a file or person's name.
CREATE FUNCTION caseload_document_upload_url(p_student uuid, p_intervention uuid,
    OUT document_id uuid, OUT object_key text, OUT url text, OUT expires_at timestamptz)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, public, pg_temp SET row_security = on AS $$
DECLARE
  s public.storage_settings;
BEGIN
  IF p_student IS NULL OR NOT public.caseload_may_write_student(p_student) THEN
    RAISE EXCEPTION 'you may not add documents to this student' USING ERRCODE = '42501';
  END IF;
  IF p_intervention IS NOT NULL AND NOT (
       public.caseload_may_log_session(p_intervention)
       AND EXISTS (SELECT 1 FROM public.interventions i
                   WHERE i.id = p_intervention AND i.student_id = p_student)) THEN
    RAISE EXCEPTION 'you may not attach documents to this intervention' USING ERRCODE = '42501';
  END IF;
  SELECT * INTO s FROM public.storage_settings;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'document storage is not set up'
      USING ERRCODE = '55000', HINT = 'An administrator runs: caseload storage init';
  END IF;
  document_id := gen_random_uuid();
  object_key := s.key_prefix || document_id::text;
  INSERT INTO public.storage_pending_uploads
    (document_id, bucket, object_key, student_id, intervention_id, issued_to)
  VALUES (document_id, s.bucket, object_key, p_student, p_intervention,
          public.caseload_active_user_id());
  SELECT u.url, u.expires_at INTO url, expires_at FROM public.caseload_storage_url('PUT', object_key) u;
  PERFORM public.caseload_storage_audit('upload', document_id, p_student);
END
$$;

-- Records the document after its PUT: only for a key issued to the caller
-- within the day, for the student (and intervention) it was issued for. The
-- insert runs under the documents policies (may write the student; may mark
-- it restricted only with the right to see restricted rows).
CREATE FUNCTION caseload_document_record_upload(p_document uuid, p_filename text,
    p_content_type text, p_byte_size bigint, p_sha256 text, p_restricted boolean)
  RETURNS uuid
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, public, pg_temp SET row_security = on AS $$
DECLARE
  p public.storage_pending_uploads;
BEGIN
  DELETE FROM public.storage_pending_uploads x
  WHERE x.document_id = p_document
    AND x.issued_to = public.caseload_active_user_id()
    AND x.issued_at > clock_timestamp() - interval '1 day'
  RETURNING * INTO p;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no upload of this document was issued to you (or it is older than a day)'
      USING ERRCODE = '42501';
  END IF;
  INSERT INTO public.documents (id, student_id, storage, bucket, object_key, filename,
                                content_type, byte_size, sha256, is_restricted)
  VALUES (p.document_id, p.student_id, 's3', p.bucket, p.object_key, p_filename,
          COALESCE(p_content_type, 'application/octet-stream'), p_byte_size, p_sha256,
          COALESCE(p_restricted, false));
  IF p.intervention_id IS NOT NULL THEN
    INSERT INTO public.intervention_attachments (intervention_id, document_id)
    VALUES (p.intervention_id, p.document_id);
  END IF;
  RETURN p.document_id;
END
$$;

-- Ownership and grants ----------------------------------------------------------

ALTER FUNCTION caseload_document_download_url(uuid) OWNER TO caseload_storage_signer;
ALTER FUNCTION caseload_document_upload_url(uuid, uuid) OWNER TO caseload_storage_signer;
ALTER FUNCTION caseload_document_record_upload(uuid, text, text, bigint, text, boolean)
  OWNER TO caseload_storage_signer;

REVOKE ALL ON FUNCTION caseload_s3_uri_encode(text, boolean),
  caseload_s3_presign(text, text, text, text, boolean, text, text, text, timestamptz, integer),
  caseload_storage_audit(text, uuid, uuid), caseload_storage_url(text, text),
  caseload_document_download_url(uuid), caseload_document_upload_url(uuid, uuid),
  caseload_document_record_upload(uuid, text, text, bigint, text, boolean) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION caseload_s3_uri_encode(text, boolean),
  caseload_s3_presign(text, text, text, text, boolean, text, text, text, timestamptz, integer),
  caseload_storage_audit(text, uuid, uuid), caseload_storage_url(text, text),
  public.hmac(bytea, bytea, text)
  TO caseload_storage_signer;
GRANT USAGE ON SCHEMA public TO caseload_storage_signer;
GRANT SELECT ON students, interventions, intervention_team, intervention_sessions,
  intervention_attachments, documents, users, roles, user_roles, schools TO caseload_storage_signer;
GRANT INSERT ON documents, intervention_attachments TO caseload_storage_signer;

DO $$
DECLARE
  f regprocedure;
  k text;
BEGIN
  -- The policies the signer's queries meet call the same helpers as a
  -- person's do; EXECUTE on exactly those the counselor group has.
  FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
           WHERE p.pronamespace = 'public'::regnamespace AND p.proname LIKE 'caseload\_%'
             AND has_function_privilege('caseload_counselor', p.oid, 'EXECUTE') LOOP
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO caseload_storage_signer', f);
  END LOOP;
  FOREACH k IN ARRAY ARRAY['admin', 'coordinator', 'counselor', 'interventionist', 'teacher',
                           'viewer'] LOOP
    EXECUTE format('GRANT EXECUTE ON FUNCTION caseload_document_download_url(uuid) TO %I',
                   'caseload_' || k);
    IF k <> 'viewer' THEN
      EXECUTE format('GRANT EXECUTE ON FUNCTION caseload_document_upload_url(uuid, uuid), '
                     'caseload_document_record_upload(uuid, text, text, bigint, text, boolean) '
                     'TO %I', 'caseload_' || k);
    END IF;
  END LOOP;
END
$$;
