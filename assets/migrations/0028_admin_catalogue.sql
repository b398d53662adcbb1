-- Administration of the catalogue (issue 17, parts 2, 3, 5, 6): the tool
-- approval workflow, the menu's shape, schools and intervention programs.
-- The tables were written only by the demo seeder until now; admins (the
-- only group with INSERT/UPDATE/DELETE on them, 0002) edit them from the
-- TUI, and the rules below hold for psql as much as for caseload.

-- Tools: the approval workflow ---------------------------------------------
--
-- draft -> submitted -> in_review -> approved | rejected; approved ->
-- retired; rejected -> draft. Nothing else, for anyone (the seeder, a
-- superuser, may insert a tool in any state: it writes history, not moves).

CREATE FUNCTION caseload_tool_move_allowed(from_status tool_status, to_status tool_status)
RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE from_status
    WHEN 'draft' THEN to_status = 'submitted'
    WHEN 'submitted' THEN to_status = 'in_review'
    WHEN 'in_review' THEN to_status IN ('approved', 'rejected')
    WHEN 'approved' THEN to_status = 'retired'
    WHEN 'rejected' THEN to_status = 'draft'
    ELSE false
  END
$$;
REVOKE ALL ON FUNCTION caseload_tool_move_allowed(tool_status, tool_status) FROM PUBLIC;

-- Who moved a tool, when, from what to what, and the note they left.
CREATE TABLE tool_status_changes (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tool_id     uuid NOT NULL REFERENCES tools (id) ON DELETE CASCADE,
  changed_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  -- NULL when the tool was created with `to_status`.
  from_status tool_status,
  to_status   tool_status NOT NULL,
  note        text,
  changed_by  uuid REFERENCES users (id)
);
CREATE INDEX tool_status_changes_tool_idx ON tool_status_changes (tool_id, changed_at);

-- A superuser or BYPASSRLS session (migrations, `caseload seed`) may insert
-- tools in any state; a caseload login only as drafts.
CREATE FUNCTION caseload_session_is_maintainer() RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles
                 WHERE rolname = session_user AND (rolsuper OR rolbypassrls))
$$;
REVOKE ALL ON FUNCTION caseload_session_is_maintainer() FROM PUBLIC;

-- The stamps (requested_by, reviewed_by, reviewed_at) are the database's:
-- whatever a client sends for them is replaced.
CREATE FUNCTION tool_lifecycle() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  me uuid := public.caseload_current_user_id();
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.status NOT IN ('draft', 'rejected') THEN
      RAISE EXCEPTION 'a % tool cannot be deleted: retire it instead', OLD.status
        USING ERRCODE = 'check_violation', CONSTRAINT = 'tools_lifecycle';
    END IF;
    RETURN OLD;
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW.status <> 'draft' AND NOT public.caseload_session_is_maintainer() THEN
      RAISE EXCEPTION 'a new tool starts as a draft (not %)', NEW.status
        USING ERRCODE = 'check_violation', CONSTRAINT = 'tools_lifecycle';
    END IF;
    IF me IS NOT NULL THEN
      NEW.requested_by := me;
      NEW.reviewed_by := NULL;
      NEW.reviewed_at := NULL;
    END IF;
    RETURN NEW;
  END IF;
  IF NEW.key IS DISTINCT FROM OLD.key AND OLD.status <> 'draft' THEN
    RAISE EXCEPTION 'the key of a % tool cannot change: menus and grants name it', OLD.status
      USING ERRCODE = 'check_violation', CONSTRAINT = 'tools_key_fixed';
  END IF;
  NEW.requested_by := OLD.requested_by;
  NEW.reviewed_by := OLD.reviewed_by;
  NEW.reviewed_at := OLD.reviewed_at;
  IF NEW.status IS DISTINCT FROM OLD.status THEN
    IF NOT public.caseload_tool_move_allowed(OLD.status, NEW.status) THEN
      RAISE EXCEPTION 'illegal tool status transition: % -> %', OLD.status, NEW.status
        USING ERRCODE = 'check_violation', CONSTRAINT = 'tools_lifecycle',
              HINT = 'allowed: draft->submitted, submitted->in_review, '
                  || 'in_review->approved|rejected, approved->retired, rejected->draft';
    END IF;
    IF NEW.status = 'rejected' AND length(btrim(coalesce(NEW.review_note, ''))) = 0 THEN
      RAISE EXCEPTION 'rejecting a tool needs a review note saying why'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'tools_rejection_note';
    END IF;
    IF NEW.status = 'submitted' THEN
      NEW.requested_by := me;
    ELSIF NEW.status IN ('in_review', 'approved', 'rejected', 'retired') THEN
      NEW.reviewed_by := me;
      NEW.reviewed_at := now();
    END IF;
  END IF;
  RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION tool_lifecycle() FROM PUBLIC;

CREATE TRIGGER tools_lifecycle BEFORE INSERT OR UPDATE OR DELETE ON tools
  FOR EACH ROW EXECUTE FUNCTION tool_lifecycle();

-- SECURITY DEFINER: no application role may write the history itself.
CREATE FUNCTION tool_status_change() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  IF TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM NEW.status THEN
    INSERT INTO public.tool_status_changes (tool_id, from_status, to_status, note, changed_by)
    VALUES (NEW.id, CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END, NEW.status,
            CASE WHEN TG_OP = 'UPDATE' THEN NEW.review_note END,
            public.caseload_current_user_id());
  END IF;
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION tool_status_change() FROM PUBLIC;

CREATE TRIGGER tools_status_history AFTER INSERT OR UPDATE OF status ON tools
  FOR EACH ROW EXECUTE FUNCTION tool_status_change();

-- The tool catalogue is not secret (every role reads `tools`), so neither
-- is its history; only the trigger writes it.
REVOKE ALL ON tool_status_changes FROM PUBLIC;

-- The menu ------------------------------------------------------------------
--
-- A parent is a group; no item is its own ancestor; a screen or action
-- names its tool or a screen of it (`<tool>.<screen>`); a letter is one
-- letter or digit, and since the menu is drawn flat, no two visible
-- screens or actions anywhere in the tree ask for the same one (the index
-- of 0001 only keeps siblings apart). The message names the holder.

CREATE FUNCTION navigation_item_check() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  parent_type public.navigation_type;
  holder text;
  tool_key text;
BEGIN
  IF NEW.parent_id IS NOT NULL THEN
    SELECT nav_type INTO parent_type FROM public.navigation_items WHERE id = NEW.parent_id;
    IF parent_type IS DISTINCT FROM 'group' THEN
      RAISE EXCEPTION 'a menu item can only be placed inside a group'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'navigation_items_parent_group';
    END IF;
    IF TG_OP = 'UPDATE' AND EXISTS (
        WITH RECURSIVE up (id, parent_id, depth) AS (
          SELECT n.id, n.parent_id, 1 FROM public.navigation_items n WHERE n.id = NEW.parent_id
          UNION ALL
          SELECT n.id, n.parent_id, up.depth + 1
          FROM public.navigation_items n JOIN up ON n.id = up.parent_id
          WHERE up.depth < 64)
        SELECT 1 FROM up WHERE up.id = NEW.id) THEN
      RAISE EXCEPTION 'a group cannot be moved inside itself'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'navigation_items_no_cycle';
    END IF;
  END IF;
  IF NEW.nav_type IN ('screen', 'action') THEN
    SELECT t.key INTO tool_key FROM public.tools t WHERE t.id = NEW.tool_id;
    IF NOT (NEW.target = tool_key OR left(NEW.target, length(tool_key) + 1) = tool_key || '.') THEN
      RAISE EXCEPTION 'the target % is not the tool % or one of its screens', NEW.target, tool_key
        USING ERRCODE = 'check_violation', CONSTRAINT = 'navigation_items_target_tool';
    END IF;
  END IF;
  IF NEW.hotkey IS NOT NULL THEN
    IF NEW.hotkey !~ '^[A-Za-z0-9]$' THEN
      RAISE EXCEPTION 'a menu key is one letter or digit (not %)', quote_literal(NEW.hotkey)
        USING ERRCODE = 'check_violation', CONSTRAINT = 'navigation_items_hotkey_letter';
    END IF;
    IF NEW.is_visible AND NEW.nav_type IN ('screen', 'action') THEN
      SELECT n.label INTO holder FROM public.navigation_items n
      WHERE n.id <> NEW.id AND n.is_visible AND n.nav_type IN ('screen', 'action')
        AND lower(n.hotkey) = lower(NEW.hotkey)
      ORDER BY n.sort_order, n.label LIMIT 1;
      IF FOUND THEN
        RAISE EXCEPTION 'the key % is taken by "%"', NEW.hotkey, holder
          USING ERRCODE = 'unique_violation', CONSTRAINT = 'navigation_items_menu_hotkey';
      END IF;
    END IF;
  END IF;
  RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION navigation_item_check() FROM PUBLIC;

CREATE TRIGGER navigation_items_check BEFORE INSERT OR UPDATE ON navigation_items
  FOR EACH ROW EXECUTE FUNCTION navigation_item_check();

-- The menu editor is a screen of the tool approval tool: whoever may
-- approve tools may arrange the menu. For databases with a menu already
-- (a freshly migrated one has none; `caseload seed` writes it).
INSERT INTO navigation_items (parent_id, label, nav_type, tool_id, target, hotkey, sort_order)
SELECT n.parent_id, 'Menu editor', 'screen', n.tool_id, 'admin.tools.navigation',
       CASE WHEN EXISTS (SELECT 1 FROM navigation_items x
                         WHERE x.is_visible AND x.nav_type IN ('screen', 'action')
                           AND x.hotkey = '8')
            THEN NULL ELSE '8' END,
       n.sort_order + 5
FROM navigation_items n
WHERE n.target = 'admin.tools' AND n.nav_type = 'screen'
  AND NOT EXISTS (SELECT 1 FROM navigation_items m WHERE m.target = 'admin.tools.navigation')
ORDER BY n.sort_order, n.id
LIMIT 1;

-- Schools --------------------------------------------------------------------

CREATE FUNCTION school_check() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_timezone_names WHERE name = NEW.timezone) THEN
    RAISE EXCEPTION '% is not a time zone this server knows (e.g. America/Chicago)',
      quote_literal(NEW.timezone)
      USING ERRCODE = 'check_violation', CONSTRAINT = 'schools_timezone';
  END IF;
  RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION school_check() FROM PUBLIC;

CREATE TRIGGER schools_check BEFORE INSERT OR UPDATE OF timezone ON schools
  FOR EACH ROW EXECUTE FUNCTION school_check();

-- Intervention programs --------------------------------------------------
--
-- Evidence level in ESSA's words. session_fields is checked here, and a
-- field once defined is never taken away or retyped: sessions keep their
-- values under its key, so a field that is no longer wanted is marked
-- `"retired": true` (the editor stops offering it for new sessions and still
-- shows a saved session's value).

ALTER TABLE intervention_programs
  ADD COLUMN evidence_level text
    CHECK (evidence_level IN ('strong', 'moderate', 'promising', 'rationale'));

CREATE FUNCTION program_fields_check() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  f jsonb;
  k text;
  old_f jsonb;
BEGIN
  FOR f IN SELECT * FROM jsonb_array_elements(NEW.session_fields) LOOP
    IF jsonb_typeof(f) <> 'object' OR jsonb_typeof(f -> 'key') IS DISTINCT FROM 'string'
       OR (f ->> 'key') !~ '^[a-z][a-z0-9_]{0,39}$' THEN
      RAISE EXCEPTION 'every session field needs a key of lower-case letters, digits and _ (got %)',
        coalesce(f ->> 'key', f::text)
        USING ERRCODE = 'check_violation', CONSTRAINT = 'intervention_programs_session_fields';
    END IF;
    IF NOT coalesce(f ->> 'field_type' = ANY (enum_range(NULL::public.field_type)::text[]), false) THEN
      RAISE EXCEPTION 'session field % has no valid field_type (got %)', f ->> 'key',
        coalesce(f ->> 'field_type', 'none')
        USING ERRCODE = 'check_violation', CONSTRAINT = 'intervention_programs_session_fields';
    END IF;
    IF length(btrim(coalesce(f ->> 'label', ''))) NOT BETWEEN 1 AND 60 THEN
      RAISE EXCEPTION 'session field % needs a label of 1 to 60 characters', f ->> 'key'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'intervention_programs_session_fields';
    END IF;
  END LOOP;
  SELECT x ->> 'key' INTO k FROM jsonb_array_elements(NEW.session_fields) x
  GROUP BY 1 HAVING count(*) > 1 LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'session field % is defined twice', k
      USING ERRCODE = 'check_violation', CONSTRAINT = 'intervention_programs_session_fields';
  END IF;
  IF TG_OP = 'UPDATE' THEN
    FOR old_f IN SELECT * FROM jsonb_array_elements(OLD.session_fields) LOOP
      CONTINUE WHEN jsonb_typeof(old_f) <> 'object' OR old_f ->> 'key' IS NULL;
      SELECT x INTO f FROM jsonb_array_elements(NEW.session_fields) x
      WHERE x ->> 'key' = old_f ->> 'key';
      IF NOT FOUND THEN
        RAISE EXCEPTION 'session field % cannot be removed: saved sessions hold its values; retire it instead',
          old_f ->> 'key'
          USING ERRCODE = 'check_violation', CONSTRAINT = 'intervention_programs_fields_kept';
      END IF;
      IF f ->> 'field_type' IS DISTINCT FROM old_f ->> 'field_type' THEN
        RAISE EXCEPTION 'session field % cannot change its type (% to %): saved sessions hold % values',
          old_f ->> 'key', old_f ->> 'field_type', f ->> 'field_type', old_f ->> 'field_type'
          USING ERRCODE = 'check_violation', CONSTRAINT = 'intervention_programs_fields_kept';
      END IF;
    END LOOP;
  END IF;
  RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION program_fields_check() FROM PUBLIC;

CREATE TRIGGER intervention_programs_fields_check
  BEFORE INSERT OR UPDATE OF session_fields ON intervention_programs
  FOR EACH ROW EXECUTE FUNCTION program_fields_check();

-- A coordinator of a school may add and change that school's programs
-- (never the district's, never another school's, never delete one); admins
-- any. Everyone reads every program, as before.
ALTER TABLE intervention_programs ENABLE ROW LEVEL SECURITY;
ALTER TABLE intervention_programs FORCE ROW LEVEL SECURITY;
CREATE POLICY intervention_programs_visible ON intervention_programs
  USING (true) WITH CHECK (true);
CREATE POLICY intervention_programs_write_insert ON intervention_programs AS RESTRICTIVE
  FOR INSERT WITH CHECK ((SELECT caseload_is_admin())
                         OR school_id = ANY ((SELECT caseload_coordinator_school_ids())::uuid[]));
CREATE POLICY intervention_programs_write_update ON intervention_programs AS RESTRICTIVE
  FOR UPDATE USING ((SELECT caseload_is_admin())
                    OR school_id = ANY ((SELECT caseload_coordinator_school_ids())::uuid[]))
  WITH CHECK ((SELECT caseload_is_admin())
              OR school_id = ANY ((SELECT caseload_coordinator_school_ids())::uuid[]));
CREATE POLICY intervention_programs_write_delete ON intervention_programs AS RESTRICTIVE
  FOR DELETE USING ((SELECT caseload_is_admin()));
GRANT INSERT, UPDATE ON intervention_programs TO caseload_coordinator;

-- Grants -----------------------------------------------------------------
--
-- Every other write stays the admins' (0002: INSERT, UPDATE, DELETE on
-- tools, role_tools, navigation_items, schools to caseload_admin only).
-- Everyone reads the history, as they read tools.
DO $$
DECLARE k text;
BEGIN
  FOREACH k IN ARRAY ARRAY['admin', 'coordinator', 'counselor', 'interventionist', 'teacher',
                           'viewer'] LOOP
    EXECUTE format('GRANT SELECT ON tool_status_changes TO %I', 'caseload_' || k);
  END LOOP;
END
$$;
