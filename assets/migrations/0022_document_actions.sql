-- What a person does with documents (issue 15): a title and a category,
-- attach to and detach from an intervention, delete.
--
-- Attaching, detaching and deleting go through functions owned by
-- caseload_storage_signer (see 0021: a role subject to row-level security,
-- whose policies are written for session_user), so every check below runs
-- against the very policies a person's own queries meet, and the functions
-- add only what a policy cannot say: a document is attached to one of its
-- own student's interventions, and only its uploader, a coordinator of the
-- student's school or an admin deletes it. The direct writes that would
-- skip those rules are revoked. Deleting marks the row (deleted_at) at once;
-- the object stays for the sweeper and its retention period (0023).

ALTER TABLE documents
  ADD COLUMN title text CHECK (title IS NULL OR length(btrim(title)) BETWEEN 1 AND 200),
  ADD COLUMN category text CHECK (category IS NULL OR category IN
    ('consent', 'evaluation', 'work_sample', 'report', 'other'));

-- The Documents screen pages through what a person may see, newest first.
CREATE INDEX documents_newest_idx ON documents (created_at DESC, id DESC) WHERE deleted_at IS NULL;

DO $$
DECLARE k text;
BEGIN
  FOREACH k IN ARRAY ARRAY['admin', 'coordinator', 'counselor', 'interventionist', 'teacher'] LOOP
    -- Deleting is caseload_document_delete's: a plain UPDATE of deleted_at
    -- (or a DELETE, which would leave the object without its row) would skip
    -- the uploader/coordinator/admin rule.
    EXECUTE format('REVOKE UPDATE (deleted_at) ON documents FROM %I', 'caseload_' || k);
    EXECUTE format('REVOKE DELETE ON documents FROM %I', 'caseload_' || k);
    EXECUTE format('GRANT UPDATE (title, category) ON documents TO %I', 'caseload_' || k);
    -- An attachment of another student's document would show its name on
    -- the wrong record: attachments are made by caseload_document_attach
    -- (and never repointed); a caption may change, and a plain DELETE is
    -- what caseload_document_detach does, under the same policy.
    EXECUTE format('REVOKE INSERT, UPDATE ON intervention_attachments FROM %I', 'caseload_' || k);
    EXECUTE format('GRANT UPDATE (caption) ON intervention_attachments TO %I', 'caseload_' || k);
  END LOOP;
END
$$;

GRANT UPDATE (deleted_at, updated_at) ON documents TO caseload_storage_signer;
GRANT DELETE ON intervention_attachments TO caseload_storage_signer;

-- Attaches a document the caller sees to an intervention of the same
-- student whose sessions the caller may log. False when it was attached
-- already. A document or intervention the caller cannot see gets the same
-- answer as one that does not exist.
CREATE FUNCTION caseload_document_attach(p_document uuid, p_intervention uuid)
  RETURNS boolean
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, public, pg_temp SET row_security = on AS $$
DECLARE
  doc_student uuid;
  iv_student uuid;
BEGIN
  SELECT d.student_id INTO doc_student FROM public.documents d
  WHERE d.id = p_document AND d.deleted_at IS NULL;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no such document, or you may not see it' USING ERRCODE = '42501';
  END IF;
  SELECT i.student_id INTO iv_student FROM public.interventions i WHERE i.id = p_intervention;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no such intervention, or you may not see it' USING ERRCODE = '42501';
  END IF;
  IF iv_student <> doc_student THEN
    RAISE EXCEPTION 'a document is attached only to its own student''s interventions'
      USING ERRCODE = '22023';
  END IF;
  IF NOT public.caseload_may_log_session(p_intervention) THEN
    RAISE EXCEPTION 'you may not attach documents to this intervention' USING ERRCODE = '42501';
  END IF;
  INSERT INTO public.intervention_attachments (intervention_id, document_id)
  VALUES (p_intervention, p_document)
  ON CONFLICT (intervention_id, document_id) DO NOTHING;
  RETURN FOUND;
END
$$;

-- Removes one attachment (the document stays on the student's record).
CREATE FUNCTION caseload_document_detach(p_document uuid, p_intervention uuid)
  RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, public, pg_temp SET row_security = on AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM public.intervention_attachments a
                 WHERE a.document_id = p_document AND a.intervention_id = p_intervention) THEN
    RAISE EXCEPTION 'no such attachment, or you may not see it' USING ERRCODE = '42501';
  END IF;
  IF NOT public.caseload_may_log_session(p_intervention) THEN
    RAISE EXCEPTION 'you may not detach documents from this intervention'
      USING ERRCODE = '42501';
  END IF;
  DELETE FROM public.intervention_attachments a
  WHERE a.document_id = p_document AND a.intervention_id = p_intervention;
END
$$;

-- Marks a document deleted: its uploader, a coordinator of the student's
-- school or an admin, among those who may write the student's file. Links
-- are refused from now on (caseload_document_download_url skips deleted
-- rows); the object is the sweeper's.
CREATE FUNCTION caseload_document_delete(p_document uuid)
  RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, public, pg_temp SET row_security = on AS $$
DECLARE
  d record;
BEGIN
  SELECT x.student_id, x.uploaded_by, s.school_id INTO d
  FROM public.documents x JOIN public.students s ON s.id = x.student_id
  WHERE x.id = p_document AND x.deleted_at IS NULL;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no such document, or you may not see it' USING ERRCODE = '42501';
  END IF;
  IF NOT (d.uploaded_by IS NOT DISTINCT FROM public.caseload_active_user_id()
          OR public.caseload_is_admin()
          OR d.school_id = ANY (public.caseload_coordinator_school_ids())) THEN
    RAISE EXCEPTION 'only the person who uploaded it, a coordinator of the student''s school '
                    'or an admin may delete this document' USING ERRCODE = '42501';
  END IF;
  UPDATE public.documents x SET deleted_at = clock_timestamp(), updated_at = clock_timestamp()
  WHERE x.id = p_document;
  IF NOT FOUND THEN
    -- The update policy (may write the student's file) said no.
    RAISE EXCEPTION 'you may not change this student''s documents' USING ERRCODE = '42501';
  END IF;
  PERFORM public.caseload_storage_audit('delete', p_document, d.student_id);
END
$$;

ALTER FUNCTION caseload_document_attach(uuid, uuid) OWNER TO caseload_storage_signer;
ALTER FUNCTION caseload_document_detach(uuid, uuid) OWNER TO caseload_storage_signer;
ALTER FUNCTION caseload_document_delete(uuid) OWNER TO caseload_storage_signer;
REVOKE ALL ON FUNCTION caseload_document_attach(uuid, uuid), caseload_document_detach(uuid, uuid),
  caseload_document_delete(uuid) FROM PUBLIC;

DO $$
DECLARE k text;
BEGIN
  FOREACH k IN ARRAY ARRAY['admin', 'coordinator', 'counselor', 'interventionist', 'teacher'] LOOP
    EXECUTE format('GRANT EXECUTE ON FUNCTION caseload_document_attach(uuid, uuid), '
                   'caseload_document_detach(uuid, uuid), caseload_document_delete(uuid) TO %I',
                   'caseload_' || k);
  END LOOP;
END
$$;
