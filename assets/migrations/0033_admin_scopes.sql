-- Administration, the rest of issue 17: coordinators keep their own
-- schools' settings; menu items can be deleted (a group only once empty);
-- tool names have a length; coordinators reach Settings and Programs.

-- 1. Settings at a coordinator's schools ------------------------------------
--
-- A coordinator of a school (a non-expired coordinator grant at that school)
-- may set, change and remove that school's values of the settings that take
-- school values; never a district (system) row, never another school's, never
-- another person's own rows. The trigger of 0027 still checks key, type and
-- bounds. Admins keep every write they had (0002).
GRANT INSERT (key, scope, school_id, value, value_type), UPDATE (value), DELETE
  ON settings TO caseload_coordinator;
-- The check trigger runs as whoever writes (0027).
GRANT EXECUTE ON FUNCTION caseload_setting_problem(jsonb, field_type, jsonb)
  TO caseload_coordinator;

-- Restrictive, so they narrow settings_own_or_shared (0008) for writes only.
-- `scope = 'user'`: a person's own rows stay written by
-- caseload_save_my_setting, as the permissive policy already allows.
CREATE POLICY settings_write_insert ON settings AS RESTRICTIVE FOR INSERT
  WITH CHECK (scope = 'user' OR (SELECT caseload_is_admin())
              OR (scope = 'school'
                  AND school_id = ANY ((SELECT caseload_coordinator_school_ids())::uuid[])));
CREATE POLICY settings_write_update ON settings AS RESTRICTIVE FOR UPDATE
  USING (scope = 'user' OR (SELECT caseload_is_admin())
         OR (scope = 'school'
             AND school_id = ANY ((SELECT caseload_coordinator_school_ids())::uuid[])))
  WITH CHECK (scope = 'user' OR (SELECT caseload_is_admin())
              OR (scope = 'school'
                  AND school_id = ANY ((SELECT caseload_coordinator_school_ids())::uuid[])));
CREATE POLICY settings_write_delete ON settings AS RESTRICTIVE FOR DELETE
  USING (scope = 'user' OR (SELECT caseload_is_admin())
         OR (scope = 'school'
             AND school_id = ANY ((SELECT caseload_coordinator_school_ids())::uuid[])));

-- 2. Deleting menu items ------------------------------------------------------
--
-- parent_id cascades (0001), so deleting a group would silently take its
-- items with it. A group goes only once it is empty; the message names
-- what is in it. (BEFORE DELETE runs before the cascade's own deletes.)
CREATE FUNCTION navigation_item_delete_check() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  inside text;
BEGIN
  SELECT string_agg(CASE WHEN n.nav_type = 'separator' THEN 'a separator'
                         ELSE '"' || n.label || '"' END, ', ' ORDER BY n.sort_order, n.label)
    INTO inside
  FROM public.navigation_items n WHERE n.parent_id = OLD.id;
  IF inside IS NOT NULL THEN
    RAISE EXCEPTION 'the group "%" holds %: move or delete them first', OLD.label, inside
      USING ERRCODE = 'check_violation', CONSTRAINT = 'navigation_items_group_empty';
  END IF;
  RETURN OLD;
END
$$;
REVOKE ALL ON FUNCTION navigation_item_delete_check() FROM PUBLIC;
CREATE TRIGGER navigation_items_delete_check BEFORE DELETE ON navigation_items
  FOR EACH ROW EXECUTE FUNCTION navigation_item_delete_check();

-- 3. Tools ------------------------------------------------------------------
-- Created and renamed from the Tools screen now: a name people can read.
ALTER TABLE tools ADD CONSTRAINT tools_name_length
  CHECK (length(btrim(name)) BETWEEN 1 AND 80);

-- 4. Coordinators reach Settings (their schools' values) and Programs
-- (their schools' programs), for databases seeded before this migration
-- (`caseload seed` grants them too). Nothing when the tools are not there.
INSERT INTO role_tools (role_id, tool_id, scope)
SELECT r.id, t.id, 'school'
FROM roles r, tools t
WHERE r.key = 'coordinator' AND t.key IN ('admin.settings', 'admin.programs')
ON CONFLICT (role_id, tool_id) DO NOTHING;
