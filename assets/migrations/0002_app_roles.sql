-- Group roles that carry table grants. Each person signs in as their own
-- login role (users.username), a member of one of these; caseload never does
-- everyday work as a superuser or table owner, which would bypass RLS.
-- Roles are cluster-wide, so create them only if another database on this
-- server has not already.
DO $$
DECLARE k text;
BEGIN
  FOREACH k IN ARRAY ARRAY['admin', 'coordinator', 'counselor', 'interventionist', 'teacher',
                           'viewer'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'caseload_' || k) THEN
      EXECUTE format('CREATE ROLE %I NOLOGIN', 'caseload_' || k);
    END IF;
  END LOOP;
END
$$;

-- Maps the connected login role to its users row. SECURITY DEFINER so that
-- it works whatever the caller may read; session_user, not current_user,
-- because inside a definer function current_user is the owner.
CREATE FUNCTION caseload_current_user_id() RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT id FROM users WHERE username = session_user AND is_active
$$;
REVOKE ALL ON FUNCTION caseload_current_user_id() FROM PUBLIC;

DO $$
DECLARE k text;
BEGIN
  FOREACH k IN ARRAY ARRAY['admin', 'coordinator', 'counselor', 'interventionist', 'teacher',
                           'viewer'] LOOP
    EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', 'caseload_' || k);
    EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA public TO %I', 'caseload_' || k);
    EXECUTE format('GRANT EXECUTE ON FUNCTION caseload_current_user_id() TO %I', 'caseload_' || k);
    IF k <> 'viewer' THEN
      EXECUTE format('GRANT INSERT, UPDATE, DELETE ON students, student_guardians, interventions, '
        || 'intervention_goals, intervention_sessions, intervention_team, intervention_attachments, '
        || 'documents, communication_log, progress_measurements, jobs TO %I', 'caseload_' || k);
    END IF;
  END LOOP;
  -- Reference data is the admins' to change.
  GRANT INSERT, UPDATE, DELETE ON schools, users, roles, user_roles, tools, role_tools,
    navigation_items, settings, intervention_programs TO caseload_admin;
  REVOKE INSERT, UPDATE, DELETE ON migration_log FROM caseload_admin;
END
$$;
