-- Whether the connected person may open a tool: approved, and granted through
-- role_tools to one of their non-expired roles. The menu applies the same
-- rule to navigation_items; this answers for a tool asked for by name (the
-- TUI's `:open`), so the decision stays in the database rather than in the
-- client. SECURITY DEFINER so the answer does not depend on what the caller
-- may read of user_roles; STABLE so it can sit in a WHERE clause.
CREATE FUNCTION caseload_tool_allowed(tool_key text) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT EXISTS (
    SELECT 1
    FROM user_roles ur
    JOIN role_tools rt ON rt.role_id = ur.role_id
    JOIN tools t ON t.id = rt.tool_id
    WHERE ur.user_id = caseload_current_user_id()
      AND (ur.expires_at IS NULL OR ur.expires_at > now())
      AND t.key = tool_key
      AND t.status = 'approved')
$$;
REVOKE ALL ON FUNCTION caseload_tool_allowed(text) FROM PUBLIC;

DO $$
DECLARE k text;
BEGIN
  FOREACH k IN ARRAY ARRAY['admin', 'coordinator', 'counselor', 'interventionist', 'teacher',
                           'viewer'] LOOP
    EXECUTE format('GRANT EXECUTE ON FUNCTION caseload_tool_allowed(text) TO %I', 'caseload_' || k);
  END LOOP;
END
$$;
