-- The database holds against its own users (issue 11). Every caseload login
-- may use psql, so each hole below was tried that way; tests/attacks.rs
-- replays the attacks and tests/catalog_lint.rs keeps holes of the same
-- kinds from coming back. TEMP on the database is revoked from PUBLIC in
-- always.sql (database ACLs are not copied by CREATE DATABASE ... TEMPLATE).

-- 1. Fixed search paths -------------------------------------------------------
-- caseload_save_my_setting and caseload_my_setting (0006) named
-- `pg_catalog, public` without pg_temp, and PostgreSQL then searches the
-- caller's temporary schema FIRST for tables: a pg_temp.settings with a
-- trigger ran that trigger as the owner (a superuser). Every SECURITY DEFINER
-- function gets the same path, pg_temp explicitly last (it is never searched
-- for functions or operators), now and — through tests/catalog_lint.rs — later.
DO $$
DECLARE f regprocedure;
BEGIN
  FOR f IN SELECT p.oid FROM pg_catalog.pg_proc p
           WHERE p.pronamespace = 'public'::regnamespace AND p.prosecdef LOOP
    EXECUTE format('ALTER FUNCTION %s SET search_path = pg_catalog, public, pg_temp', f);
  END LOOP;
END
$$;
ALTER FUNCTION caseload_contains_pattern(text) SET search_path = pg_catalog, public, pg_temp;

-- The two functions of the escalation, rewritten with every name qualified.
CREATE OR REPLACE FUNCTION caseload_save_my_setting(p_key text, p_value jsonb,
                                                    p_value_type field_type)
  RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  me uuid := public.caseload_current_user_id();
BEGIN
  IF me IS NULL THEN
    RAISE EXCEPTION 'only caseload users have settings' USING ERRCODE = 'insufficient_privilege';
  END IF;
  -- Only keys the client keeps per person, so this cannot shadow district settings.
  IF p_key IS NULL OR p_key OPERATOR(pg_catalog.!~) '^(roster)\.[a-z][a-z0-9_]{0,40}$' THEN
    RAISE EXCEPTION 'not a personal setting: %', p_key USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF p_value IS NULL OR pg_catalog.pg_column_size(p_value) > 16384 THEN
    RAISE EXCEPTION 'setting value missing or too large' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  INSERT INTO public.settings AS s (key, scope, user_id, value, value_type, updated_by)
  VALUES (p_key, 'user', me, p_value, p_value_type, me)
  ON CONFLICT (key, scope, school_id, user_id)
  DO UPDATE SET value = EXCLUDED.value, value_type = EXCLUDED.value_type;
END
$$;

CREATE OR REPLACE FUNCTION caseload_my_setting(p_key text) RETURNS jsonb
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
  RETURN (SELECT s.value FROM public.settings s
          WHERE s.scope = 'user' AND s.key = p_key
            AND s.user_id = public.caseload_current_user_id());

-- 2. EXECUTE only where needed ------------------------------------------------
-- Functions are executable by PUBLIC by default: the trigger functions
-- (SECURITY DEFINER ones included) could be attached to a caller's own
-- temporary table and run as their owner, and every helper answered anyone
-- who could connect. Trigger functions need no EXECUTE right for the
-- statements that fire them (PostgreSQL checks it only at CREATE TRIGGER).
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC;
-- Functions this role creates from now on start without PUBLIC EXECUTE.
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
-- Nobody but the owner creates objects in public (the PostgreSQL 15
-- default; a database made on an older cluster may still have it).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- 3. Search without LEAKPROOF -------------------------------------------------
-- caseload_like (the ~~~ operator, 0008) was LEAKPROOF so that row-level
-- security would let it use the trigram index. A leakproof function runs
-- before the policies, and this one can fail: with a nondeterministic
-- collation (textlike refuses those), past the stack depth on a long text,
-- ... Put after another leakproof test (`=`, `<=` on text, date, uuid), its
-- error answered yes/no about rows the caller cannot see. No function of
-- caseload's is leakproof any more; the index is reached through a SECURITY
-- DEFINER function instead, which applies the students policy's visibility
-- rule itself (the same helpers, the same terms) and returns only ids the
-- caller may see.
ALTER FUNCTION caseload_like(text, caseload_like_pattern) NOT LEAKPROOF;

-- The ids of the students the caller may see whose folded text contains
-- every token (folded and escaped by caseload_contains_pattern, as the
-- roster's LIKE filter does). One LIKE per token, built with placeholders
-- only: the tokens travel as the one parameter, and the one-shot plan sees
-- their values, so each pattern is a constant the trigram index can use.
CREATE FUNCTION caseload_search_students(p_tokens text[]) RETURNS SETOF uuid
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
  ROWS 200
AS $$
DECLARE
  matches text := '';
BEGIN
  IF p_tokens IS NULL OR pg_catalog.cardinality(p_tokens) NOT BETWEEN 1 AND 64 THEN
    RETURN;
  END IF;
  FOR i IN 1 .. pg_catalog.cardinality(p_tokens) LOOP
    matches := matches || pg_catalog.format(
      ' AND s.search_text OPERATOR(public.~~~) public.caseload_contains_pattern($1[%s])', i);
  END LOOP;
  RETURN QUERY EXECUTE
    'SELECT s.id FROM public.students s '
    'WHERE ((SELECT public.caseload_sees_all_students()) '
    '    OR s.school_id = ANY ((SELECT public.caseload_coordinator_school_ids())::uuid[]) '
    '    OR s.counselor_id = (SELECT public.caseload_active_user_id()) '
    '    OR s.id = ANY ((SELECT public.caseload_team_student_ids())::uuid[]))' || matches
    USING p_tokens;
END
$$;

-- 4. The right to write -------------------------------------------------------
-- The policies so far checked visibility: whoever saw an intervention could
-- change it, its goals, measurements, attachments and team (a read-only team
-- member made themselves an editor, the owner, added colleagues who then saw
-- the student). Restrictive policies now narrow writes; reading is unchanged.
-- The helpers are SECURITY DEFINER (owner bypasses row-level security), like
-- caseload_may_log_session (0011), so they never recurse into the policies.

-- Who is responsible for an intervention: admins, coordinators of its school
-- (a grant without a school covers all), its owner, the student's counselor.
-- Only they change its owner, delete it, or change a member's own rights.
CREATE FUNCTION caseload_may_manage_intervention(p_intervention uuid) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT EXISTS (
    SELECT 1
    FROM public.interventions i
    JOIN public.students s ON s.id = i.student_id
    CROSS JOIN (SELECT public.caseload_active_user_id() AS id) me
    WHERE i.id = p_intervention
      AND (EXISTS (SELECT 1 FROM public.caseload_active_grants() g
                   WHERE g.role_key = 'admin'
                      OR (g.role_key = 'coordinator'
                          AND (g.school_id IS NULL OR g.school_id = i.school_id)))
           OR i.owner_id = me.id
           OR s.counselor_id = me.id))
$$;

-- Who may write a goal's intervention (caseload_may_log_session: the above
-- plus team members who may edit), for progress_measurements.
CREATE FUNCTION caseload_may_write_goal(p_goal uuid) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT COALESCE((SELECT public.caseload_may_log_session(g.intervention_id)
                   FROM public.intervention_goals g WHERE g.id = p_goal), false)
$$;

-- Who may add to a student's file (guardians, contacts, documents, new
-- interventions): admins, coordinators of the student's school, the
-- student's counselor, and the owners and editing members of one of the
-- student's interventions. Read-only team members may not.
CREATE FUNCTION caseload_may_write_student(p_student uuid) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT EXISTS (
    SELECT 1
    FROM public.students s
    CROSS JOIN (SELECT public.caseload_active_user_id() AS id) me
    WHERE s.id = p_student
      AND (public.caseload_sees_all_students()
           OR s.school_id = ANY (public.caseload_coordinator_school_ids())
           OR s.counselor_id = me.id
           OR EXISTS (SELECT 1 FROM public.interventions i
                      WHERE i.student_id = s.id AND i.owner_id = me.id)
           OR EXISTS (SELECT 1 FROM public.interventions i
                      JOIN public.intervention_team t ON t.intervention_id = i.id
                      WHERE i.student_id = s.id AND t.user_id = me.id AND t.can_edit)))
$$;

-- Whether the caller holds a (non-viewer) grant covering a school: a
-- counselor of school X enrols and moves students into X only.
CREATE FUNCTION caseload_may_place_student(p_school uuid) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM public.caseload_active_grants() g
                 WHERE g.role_key <> 'viewer' AND (g.school_id IS NULL OR g.school_id = p_school))
$$;

-- students: changing or deleting a student's record is for admins,
-- coordinators of the school and the counselor (the visibility policy also
-- admits team members, who only read it; otherwise a teacher on a team could
-- name themselves counselor and so gain every right below).
DO $$
DECLARE
  manage constant text :=
    '(SELECT caseload_sees_all_students()) '
    'OR school_id = ANY ((SELECT caseload_coordinator_school_ids())::uuid[]) '
    'OR counselor_id = (SELECT caseload_active_user_id())';
BEGIN
  EXECUTE format('CREATE POLICY students_write_update ON students AS RESTRICTIVE FOR UPDATE '
                 'USING (%s) WITH CHECK (%s)', manage, manage);
  EXECUTE format('CREATE POLICY students_write_delete ON students AS RESTRICTIVE FOR DELETE '
                 'USING (%s)', manage);
  EXECUTE 'CREATE POLICY students_write_insert ON students AS RESTRICTIVE FOR INSERT '
          'WITH CHECK (caseload_may_place_student(school_id))';
END
$$;

-- A move to another school is checked against the grant's school too; a
-- trigger, because a policy cannot tell a move from an ordinary edit.
CREATE FUNCTION caseload_student_school_guard() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  IF NEW.school_id IS DISTINCT FROM OLD.school_id
     AND public.caseload_current_user_id() IS NOT NULL
     AND NOT public.caseload_may_place_student(NEW.school_id) THEN
    RAISE EXCEPTION 'you hold no grant for the school this student would move to'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER students_school_guard BEFORE UPDATE OF school_id ON students
  FOR EACH ROW EXECUTE FUNCTION caseload_student_school_guard();

-- Rows of the student's file.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['student_guardians', 'documents', 'communication_log',
                           'interventions'] LOOP
    EXECUTE format('CREATE POLICY %I ON %I AS RESTRICTIVE FOR INSERT '
                   'WITH CHECK (caseload_may_write_student(student_id))', t || '_write_insert', t);
    IF t <> 'interventions' THEN
      EXECUTE format('CREATE POLICY %I ON %I AS RESTRICTIVE FOR UPDATE '
                     'USING (caseload_may_write_student(student_id)) '
                     'WITH CHECK (caseload_may_write_student(student_id))', t || '_write_update', t);
      EXECUTE format('CREATE POLICY %I ON %I AS RESTRICTIVE FOR DELETE '
                     'USING (caseload_may_write_student(student_id))', t || '_write_delete', t);
    END IF;
  END LOOP;
END
$$;

-- interventions: edited by whoever may log its sessions, moved only to a
-- student one may write for, deleted only by those responsible for it.
CREATE POLICY interventions_write_update ON interventions AS RESTRICTIVE FOR UPDATE
  USING (caseload_may_log_session(id))
  WITH CHECK (caseload_may_write_student(student_id));
CREATE POLICY interventions_write_delete ON interventions AS RESTRICTIVE FOR DELETE
  USING (caseload_may_manage_intervention(id));

-- Ownership moves only by those responsible for the intervention, so an
-- editing member cannot make themselves (or anyone) its owner. A trigger
-- because the policy cannot compare old and new owner.
CREATE FUNCTION caseload_owner_change_guard() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  IF NEW.owner_id IS DISTINCT FROM OLD.owner_id
     AND public.caseload_current_user_id() IS NOT NULL
     AND NOT public.caseload_may_manage_intervention(OLD.id) THEN
    RAISE EXCEPTION 'only its owner, the student''s counselor, a coordinator or an admin may '
                    'change who owns an intervention'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER interventions_owner_change_guard BEFORE UPDATE OF owner_id ON interventions
  FOR EACH ROW EXECUTE FUNCTION caseload_owner_change_guard();

-- Rows of an intervention: written by whoever may log its sessions.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['intervention_goals', 'intervention_attachments',
                           'intervention_team'] LOOP
    EXECUTE format('CREATE POLICY %I ON %I AS RESTRICTIVE FOR INSERT '
                   'WITH CHECK (caseload_may_log_session(intervention_id))', t || '_write_insert', t);
    EXECUTE format('CREATE POLICY %I ON %I AS RESTRICTIVE FOR DELETE '
                   'USING (caseload_may_log_session(intervention_id))', t || '_write_delete', t);
    IF t <> 'intervention_team' THEN
      EXECUTE format('CREATE POLICY %I ON %I AS RESTRICTIVE FOR UPDATE '
                     'USING (caseload_may_log_session(intervention_id)) '
                     'WITH CHECK (caseload_may_log_session(intervention_id))',
                     t || '_write_update', t);
    END IF;
  END LOOP;
END
$$;
-- A member's own row (their role, whether they may edit) is changed only by
-- those responsible for the intervention, never by the member.
CREATE POLICY intervention_team_write_update ON intervention_team AS RESTRICTIVE FOR UPDATE
  USING (caseload_may_log_session(intervention_id)
         AND (user_id IS DISTINCT FROM (SELECT caseload_current_user_id())
              OR caseload_may_manage_intervention(intervention_id)))
  WITH CHECK (caseload_may_log_session(intervention_id)
              AND (user_id IS DISTINCT FROM (SELECT caseload_current_user_id())
                   OR caseload_may_manage_intervention(intervention_id)));

CREATE POLICY progress_measurements_write_insert ON progress_measurements AS RESTRICTIVE
  FOR INSERT WITH CHECK (caseload_may_write_goal(goal_id));
CREATE POLICY progress_measurements_write_update ON progress_measurements AS RESTRICTIVE
  FOR UPDATE USING (caseload_may_write_goal(goal_id)) WITH CHECK (caseload_may_write_goal(goal_id));
CREATE POLICY progress_measurements_write_delete ON progress_measurements AS RESTRICTIVE
  FOR DELETE USING (caseload_may_write_goal(goal_id));

-- 5. Restricted sessions, documents and interventions hide what points at them
-- A measurement scored in a restricted session, an attachment of a
-- restricted document or session, a contact logged against a restricted
-- intervention: each follows what it points at (the EXISTS applies that
-- table's own policies, restricted flag included).
CREATE POLICY progress_measurements_restricted ON progress_measurements AS RESTRICTIVE
  USING (session_id IS NULL
         OR EXISTS (SELECT 1 FROM intervention_sessions se
                    WHERE se.id = progress_measurements.session_id))
  WITH CHECK (session_id IS NULL
              OR EXISTS (SELECT 1 FROM intervention_sessions se
                         WHERE se.id = progress_measurements.session_id));
CREATE POLICY intervention_attachments_restricted ON intervention_attachments AS RESTRICTIVE
  USING (EXISTS (SELECT 1 FROM documents d WHERE d.id = intervention_attachments.document_id)
         AND (session_id IS NULL
              OR EXISTS (SELECT 1 FROM intervention_sessions se
                         WHERE se.id = intervention_attachments.session_id)))
  WITH CHECK (EXISTS (SELECT 1 FROM documents d WHERE d.id = intervention_attachments.document_id)
              AND (session_id IS NULL
                   OR EXISTS (SELECT 1 FROM intervention_sessions se
                              WHERE se.id = intervention_attachments.session_id)));
CREATE POLICY communication_log_intervention_restricted ON communication_log AS RESTRICTIVE
  USING (intervention_id IS NULL
         OR EXISTS (SELECT 1 FROM interventions i WHERE i.id = communication_log.intervention_id))
  WITH CHECK (intervention_id IS NULL
              OR EXISTS (SELECT 1 FROM interventions i
                         WHERE i.id = communication_log.intervention_id));

-- 6. jobs -----------------------------------------------------------------------
-- Every non-viewer role could read every job's payload, result and errors
-- and delete or cancel them all. A job is its creator's (stamped by the
-- database) and the admins'.
ALTER TABLE jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE jobs FORCE ROW LEVEL SECURITY;
CREATE POLICY jobs_own ON jobs
  USING (created_by = (SELECT caseload_current_user_id()) OR (SELECT caseload_is_admin()))
  WITH CHECK (created_by = (SELECT caseload_current_user_id()) OR (SELECT caseload_is_admin()));
CREATE TRIGGER jobs_stamp_actor BEFORE INSERT OR UPDATE ON jobs
  FOR EACH ROW EXECUTE FUNCTION caseload_stamp_actor('created_by');

-- intervention_urgency (0010) enabled row-level security without FORCE;
-- every table holding student data has both.
ALTER TABLE intervention_urgency FORCE ROW LEVEL SECURITY;

-- Grants -------------------------------------------------------------------------
-- What the caseload roles call: the policy helpers (evaluated with the
-- caller's rights), the settings and search functions, and the functions
-- inside the expressions of their own statements (students.search_text is
-- computed with the inserting role's rights; the roster's filter folds
-- tokens). Trigger functions are granted to nobody.
DO $$
DECLARE
  k text;
  f text;
BEGIN
  FOREACH k IN ARRAY ARRAY['admin', 'coordinator', 'counselor', 'interventionist', 'teacher',
                           'viewer'] LOOP
    FOREACH f IN ARRAY ARRAY[
        'caseload_current_user_id()', 'caseload_active_grants()', 'caseload_active_user_id()',
        'caseload_is_admin()', 'caseload_sees_all_students()',
        'caseload_coordinator_school_ids()', 'caseload_team_student_ids()',
        'caseload_can_view_restricted()', 'caseload_can_read_audit()',
        'caseload_record_student_view(uuid)', 'caseload_tool_allowed(text)',
        'caseload_save_my_setting(text, jsonb, field_type)', 'caseload_my_setting(text)',
        'caseload_may_log_session(uuid)', 'caseload_may_manage_intervention(uuid)',
        'caseload_may_write_goal(uuid)', 'caseload_may_write_student(uuid)',
        'caseload_may_place_student(uuid)', 'caseload_search_students(text[])',
        'caseload_fold(text)', 'caseload_like_contains(text)', 'caseload_contains_pattern(text)',
        'caseload_like(text, caseload_like_pattern)', 'intervention_transition_allowed(intervention_status, intervention_status)',
        'unaccent(regdictionary, text)', 'unaccent(text)'] LOOP
      EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', f, 'caseload_' || k);
    END LOOP;
  END LOOP;
END
$$;
