-- People and settings administered from the terminal (issue 17, parts 1 and 4).
--
-- 1. People. A person is a users row, their grants (user_roles) and a login
--    role that is a member of one group role per granted role key. Creating
--    and changing login roles needs CREATEROLE, which no application role
--    has (and must not: on PostgreSQL 15 CREATEROLE can grant itself
--    membership in pg_read_server_files and friends). The functions below
--    run as their owner (the migrating superuser) and do exactly the six
--    changes the People screen and `caseload user …` make, for callers who
--    are caseload admins (or a superuser / a CREATEROLE member of
--    caseload_admin, as `caseload user` was before). They touch only login
--    roles this database's caseload created (caseload_login_roles), never a
--    role that happens to share a name with a users row: an admin can
--    insert users ('postgres') but cannot then set that role's password.
-- 2. Settings. Every system and school row, and a user row that overrides a
--    district setting, holds a value of its value_type within its options
--    (min/max for numbers, choices for selects): checked by a trigger, so
--    psql cannot store what the readers would silently ignore. A school or
--    user row overrides a system row of the same key and type only, and
--    only where the system row's options list that scope under "overrides"
--    (a reader looks for it there).

-- 1. People -------------------------------------------------------------------

CREATE TABLE caseload_login_roles (
  rolname    text PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- Nobody but the owner reads or writes it (a later GRANT … ON ALL TABLES
-- must not reach it either: see tests/attacks_admin_people.rs).
REVOKE ALL ON caseload_login_roles FROM PUBLIC;
DO $$
DECLARE k text;
BEGIN
  FOREACH k IN ARRAY ARRAY['admin', 'coordinator', 'counselor', 'interventionist', 'teacher',
                           'viewer'] LOOP
    EXECUTE format('REVOKE ALL ON caseload_login_roles FROM %I', 'caseload_' || k);
  END LOOP;
END
$$;
ALTER TABLE caseload_login_roles ENABLE ROW LEVEL SECURITY;
ALTER TABLE caseload_login_roles FORCE ROW LEVEL SECURITY;

-- The login roles `caseload user add` and the demo made before this
-- migration: plain roles named after a users row whose only memberships are
-- caseload group roles and that nobody is a member of.
INSERT INTO caseload_login_roles (rolname)
SELECT p.rolname
FROM users u
JOIN pg_roles p ON p.rolname = u.username
WHERE NOT (p.rolsuper OR p.rolcreaterole OR p.rolcreatedb OR p.rolbypassrls OR p.rolreplication)
  AND p.rolname <> current_user
  AND NOT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                  WHERE m.member = p.oid
                    AND g.rolname NOT IN (SELECT 'caseload_' || r.key FROM roles r))
  AND NOT EXISTS (SELECT 1 FROM pg_auth_members m WHERE m.roleid = p.oid)
ON CONFLICT DO NOTHING;

-- May the session manage people? Active caseload admins; a superuser; a
-- CREATEROLE role in caseload_admin (the CLI's historic requirement).
CREATE FUNCTION caseload_may_manage_people() RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT public.caseload_is_admin()
      OR EXISTS (SELECT 1 FROM pg_catalog.pg_roles r
                 WHERE r.rolname = session_user
                   AND (r.rolsuper OR (r.rolcreaterole
                        AND pg_catalog.pg_has_role(session_user, 'caseload_admin', 'USAGE'))))
$$;

CREATE FUNCTION caseload_people_guard() RETURNS void
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  IF NOT public.caseload_may_manage_people() THEN
    RAISE EXCEPTION 'only caseload admins may manage people'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
END
$$;

-- The users row of a username, or an error naming the username.
CREATE FUNCTION caseload_people_user(p_username text) RETURNS uuid
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE id uuid;
BEGIN
  SELECT u.id INTO id FROM public.users u WHERE u.username = p_username;
  IF id IS NULL THEN
    RAISE EXCEPTION 'no caseload user called %', pg_catalog.quote_literal(p_username)
      USING ERRCODE = 'no_data_found';
  END IF;
  RETURN id;
END
$$;

-- Whether the person has a login role, refusing a role caseload did not
-- make for this database (or one that has since been made powerful).
CREATE FUNCTION caseload_people_has_login(p_username text) RETURNS boolean
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE r pg_catalog.pg_roles%ROWTYPE;
BEGIN
  SELECT * INTO r FROM pg_catalog.pg_roles WHERE rolname = p_username;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM public.caseload_login_roles l WHERE l.rolname = p_username)
     OR r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolbypassrls OR r.rolreplication THEN
    RAISE EXCEPTION 'the PostgreSQL role % was not made by caseload for this database; '
                    'caseload will not change it', p_username
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN true;
END
$$;

-- Creates the login role (LOGIN when the person is active) and makes it a
-- member of the group role of each grant they already have.
CREATE FUNCTION caseload_people_create_login(p_username text) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  g text;
  active boolean;
BEGIN
  IF p_username IS NULL OR p_username !~ '^[a-z_][a-z0-9_]{0,62}$' THEN
    RAISE EXCEPTION 'invalid username %: use 1 to 63 lowercase letters, digits and underscores, '
                    'not starting with a digit', pg_catalog.quote_literal(p_username)
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF p_username LIKE 'pg\_%' OR p_username LIKE 'caseload\_%' THEN
    RAISE EXCEPTION 'invalid username %: names starting with pg_ or caseload_ are reserved',
      p_username USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = p_username) THEN
    RAISE EXCEPTION 'a PostgreSQL role called % already exists and is not a caseload user of this '
                    'database; refusing to adopt it (login roles are shared by every database on '
                    'the server)', p_username
      USING ERRCODE = 'duplicate_object';
  END IF;
  SELECT u.is_active INTO active FROM public.users u WHERE u.username = p_username;
  EXECUTE pg_catalog.format(
    'CREATE ROLE %I WITH %s NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION',
    p_username, CASE WHEN active THEN 'LOGIN' ELSE 'NOLOGIN' END);
  INSERT INTO public.caseload_login_roles (rolname) VALUES (p_username);
  FOR g IN SELECT DISTINCT 'caseload_' || r.key
           FROM public.user_roles ur JOIN public.roles r ON r.id = ur.role_id
           JOIN public.users u ON u.id = ur.user_id
           WHERE u.username = p_username
             AND r.key IN ('admin', 'coordinator', 'counselor', 'interventionist', 'teacher',
                           'viewer')
             AND EXISTS (SELECT 1 FROM pg_catalog.pg_roles p WHERE p.rolname = 'caseload_' || r.key)
  LOOP
    EXECUTE pg_catalog.format('GRANT %I TO %I', g, p_username);
  END LOOP;
END
$$;

-- `caseload user add` / the People screen's "add": the users row and its
-- login role. Grants follow with caseload_person_grant in the same
-- transaction.
CREATE FUNCTION caseload_person_add(p_username text, p_display_name text, p_email text,
                                    p_home_school uuid) RETURNS uuid
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE id uuid;
BEGIN
  PERFORM public.caseload_people_guard();
  IF EXISTS (SELECT 1 FROM public.users u WHERE u.username = p_username) THEN
    RAISE EXCEPTION 'a caseload user called % already exists', p_username
      USING ERRCODE = 'unique_violation';
  END IF;
  IF pg_catalog.btrim(COALESCE(p_display_name, '')) = '' THEN
    RAISE EXCEPTION 'the name must not be empty' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  INSERT INTO public.users (username, display_name, email, home_school_id)
  VALUES (p_username, pg_catalog.btrim(p_display_name), p_email, p_home_school)
  RETURNING users.id INTO id;
  PERFORM public.caseload_people_create_login(p_username);
  RETURN id;
END
$$;

-- A users row without a login role (an import's staff) gets one.
CREATE FUNCTION caseload_person_login(p_username text) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  PERFORM public.caseload_people_guard();
  PERFORM public.caseload_people_user(p_username);
  IF public.caseload_people_has_login(p_username) THEN
    RAISE EXCEPTION '% can already sign in', p_username USING ERRCODE = 'duplicate_object';
  END IF;
  PERFORM public.caseload_people_create_login(p_username);
END
$$;

-- One role at one school (NULL: all schools) until the start of p_expires
-- (NULL: no end); granting again moves the expiry.
CREATE FUNCTION caseload_person_grant(p_username text, p_role text, p_school uuid,
                                      p_expires date) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  uid uuid;
  rid uuid;
  grp text := 'caseload_' || p_role;
BEGIN
  PERFORM public.caseload_people_guard();
  uid := public.caseload_people_user(p_username);
  SELECT r.id INTO rid FROM public.roles r WHERE r.key = p_role;
  IF rid IS NULL THEN
    RAISE EXCEPTION 'unknown role % (roles: %)', pg_catalog.quote_literal(p_role),
      (SELECT pg_catalog.string_agg(r.key, ', ' ORDER BY r.key) FROM public.roles r)
      USING ERRCODE = 'no_data_found';
  END IF;
  -- Only the application's group roles (0002): a roles row an admin adds
  -- with key 'storage_signer' must not reach caseload_storage_signer.
  IF p_role NOT IN ('admin', 'coordinator', 'counselor', 'interventionist', 'teacher', 'viewer')
     OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles p WHERE p.rolname = grp AND NOT p.rolcanlogin
                    AND NOT (p.rolsuper OR p.rolcreaterole OR p.rolcreatedb OR p.rolbypassrls
                             OR p.rolreplication)) THEN
    RAISE EXCEPTION 'the role % has no group role on this server (caseload grants admin, '
                    'coordinator, counselor, interventionist, teacher and viewer)', p_role
      USING ERRCODE = 'undefined_object';
  END IF;
  IF p_school IS NOT NULL AND NOT EXISTS (SELECT 1 FROM public.schools s WHERE s.id = p_school) THEN
    RAISE EXCEPTION 'no such school' USING ERRCODE = 'no_data_found';
  END IF;
  IF p_expires IS NOT NULL AND p_expires::timestamptz <= pg_catalog.now() THEN
    RAISE EXCEPTION 'the expiry % is not in the future', p_expires
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  INSERT INTO public.user_roles AS ur (user_id, role_id, school_id, granted_by, expires_at)
  VALUES (uid, rid, p_school, public.caseload_current_user_id(), p_expires::timestamptz)
  ON CONFLICT (user_id, role_id, school_id) DO UPDATE SET expires_at = EXCLUDED.expires_at;
  IF public.caseload_people_has_login(p_username) THEN
    EXECUTE pg_catalog.format('GRANT %I TO %I', grp, p_username);
  END IF;
END
$$;

-- Removes one grant; the group membership goes with the last grant of that
-- role, so revoking one school of two keeps the role.
CREATE FUNCTION caseload_person_revoke(p_username text, p_role text, p_school uuid) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  uid uuid;
  rid uuid;
  gone integer;
BEGIN
  PERFORM public.caseload_people_guard();
  uid := public.caseload_people_user(p_username);
  SELECT r.id INTO rid FROM public.roles r WHERE r.key = p_role;
  DELETE FROM public.user_roles ur
  WHERE ur.user_id = uid AND ur.role_id = rid AND ur.school_id IS NOT DISTINCT FROM p_school;
  GET DIAGNOSTICS gone = ROW_COUNT;
  IF gone = 0 THEN
    RAISE EXCEPTION '% has no % grant for %', p_username, p_role,
      CASE WHEN p_school IS NULL THEN 'all schools' ELSE 'that school' END
      USING ERRCODE = 'no_data_found';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM public.user_roles ur WHERE ur.user_id = uid AND ur.role_id = rid)
     AND public.caseload_people_has_login(p_username)
     AND pg_catalog.pg_has_role(p_username, 'caseload_' || p_role, 'MEMBER') THEN
    EXECUTE pg_catalog.format('REVOKE %I FROM %I', 'caseload_' || p_role, p_username);
  END IF;
END
$$;

-- Deactivating keeps every row (history stays attributable) and stops the
-- login role from signing in; activating undoes exactly that.
CREATE FUNCTION caseload_person_set_active(p_username text, p_active boolean) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  PERFORM public.caseload_people_guard();
  PERFORM public.caseload_people_user(p_username);
  IF NOT p_active AND p_username = session_user THEN
    RAISE EXCEPTION 'you cannot deactivate yourself' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  UPDATE public.users u SET is_active = p_active WHERE u.username = p_username;
  IF public.caseload_people_has_login(p_username) THEN
    EXECUTE pg_catalog.format('ALTER ROLE %I WITH %s', p_username,
                              CASE WHEN p_active THEN 'LOGIN' ELSE 'NOLOGIN' END);
  END IF;
END
$$;

-- Takes the SCRAM verifier the client computed, never a password: the
-- plaintext reaches neither the server's log nor pg_stat_activity, and a
-- plaintext sent here by mistake is refused rather than stored.
CREATE FUNCTION caseload_person_set_password(p_username text, p_verifier text) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  PERFORM public.caseload_people_guard();
  PERFORM public.caseload_people_user(p_username);
  IF p_verifier IS NULL OR p_verifier !~
     '^SCRAM-SHA-256\$[0-9]{4,7}:[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*:[A-Za-z0-9+/]+=*$' THEN
    RAISE EXCEPTION 'not a SCRAM-SHA-256 verifier: caseload never sends passwords'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF NOT public.caseload_people_has_login(p_username) THEN
    RAISE EXCEPTION '% has no login role yet: give them one first', p_username
      USING ERRCODE = 'undefined_object';
  END IF;
  EXECUTE pg_catalog.format('ALTER ROLE %I WITH PASSWORD %L', p_username, p_verifier);
END
$$;

REVOKE ALL ON FUNCTION caseload_may_manage_people(), caseload_people_guard(),
  caseload_people_user(text), caseload_people_has_login(text),
  caseload_people_create_login(text),
  caseload_person_add(text, text, text, uuid), caseload_person_login(text),
  caseload_person_grant(text, text, uuid, date), caseload_person_revoke(text, text, uuid),
  caseload_person_set_active(text, boolean), caseload_person_set_password(text, text)
  FROM PUBLIC;
GRANT EXECUTE ON FUNCTION caseload_may_manage_people(),
  caseload_person_add(text, text, text, uuid), caseload_person_login(text),
  caseload_person_grant(text, text, uuid, date), caseload_person_revoke(text, text, uuid),
  caseload_person_set_active(text, boolean), caseload_person_set_password(text, text)
  TO caseload_admin;

-- 2. Settings -----------------------------------------------------------------

-- Bounds the readers already apply (db/interventions/settings.rs,
-- domain::session::planned_minutes, db/contacts.rs), now where an editor and
-- the trigger can see them.
UPDATE settings SET options = '{"min": 1, "max": 50}'
 WHERE key = 'decision_rule_points' AND scope = 'system';
UPDATE settings SET options = '{"min": 0, "max": 1}'
 WHERE key = 'fidelity_threshold' AND scope = 'system';
UPDATE settings SET options = '{"min": 1, "max": 600, "overrides": ["school"]}'
 WHERE key = 'default_session_minutes' AND scope = 'system';
UPDATE settings SET options = '{"min": 0, "max": 365}'
 WHERE key = 'follow_up_days' AND scope = 'system';
UPDATE settings SET options = '{"min": 0, "max": 3650}'
 WHERE key = 'documents.retention_days' AND scope = 'system';

-- Why `value` does not fit, or NULL. `options` is an array of choices (the
-- select types) or an object with min and max (number, rating_scale).
CREATE FUNCTION caseload_setting_problem(p_value jsonb, p_type field_type, p_options jsonb)
  RETURNS text
  LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  n numeric;
  s text;
  lo numeric := CASE WHEN jsonb_typeof(p_options -> 'min') = 'number'
                     THEN (p_options ->> 'min')::numeric END;
  hi numeric := CASE WHEN jsonb_typeof(p_options -> 'max') = 'number'
                     THEN (p_options ->> 'max')::numeric END;
  choices jsonb := CASE WHEN jsonb_typeof(p_options) = 'array' THEN p_options
                        ELSE '[]'::jsonb END;
BEGIN
  CASE p_type
  WHEN 'number', 'rating_scale' THEN
    IF jsonb_typeof(p_value) <> 'number' THEN
      RETURN 'expected a number';
    END IF;
    n := (p_value #>> '{}')::numeric;
    IF p_type = 'rating_scale' AND n <> trunc(n) THEN
      RETURN 'expected a whole number';
    END IF;
    IF n < lo THEN
      RETURN format('at least %s', lo);
    END IF;
    IF n > hi THEN
      RETURN format('at most %s', hi);
    END IF;
  WHEN 'boolean' THEN
    IF jsonb_typeof(p_value) <> 'boolean' THEN
      RETURN 'expected true or false';
    END IF;
  WHEN 'multi_select' THEN
    IF jsonb_typeof(p_value) <> 'array' THEN
      RETURN 'expected a list of choices';
    END IF;
    IF EXISTS (SELECT 1 FROM jsonb_array_elements(p_value) e WHERE NOT choices @> jsonb_build_array(e)) THEN
      RETURN format('expected choices from %s', choices);
    END IF;
  ELSE
    IF jsonb_typeof(p_value) <> 'string' THEN
      RETURN 'expected text';
    END IF;
    s := p_value #>> '{}';
    IF length(s) > 1000 THEN
      RETURN 'at most 1000 characters';
    END IF;
    IF p_type = 'single_select' AND NOT choices @> jsonb_build_array(s) THEN
      RETURN format('expected one of %s', choices);
    END IF;
    IF p_type = 'date' AND s !~ '^\d{4}-\d{2}-\d{2}$' THEN
      RETURN 'expected a date, YYYY-MM-DD';
    END IF;
    IF p_type = 'time' AND s !~ '^([01]\d|2[0-3]):[0-5]\d$' THEN
      RETURN 'expected a time, HH:MM';
    END IF;
    IF p_type = 'email' AND (s !~ '@' OR s ~ '\s') THEN
      RETURN 'expected an email address';
    END IF;
    IF p_type = 'url' AND s !~ '^https?://' THEN
      RETURN 'expected a web address starting with https://';
    END IF;
  END CASE;
  RETURN NULL;
END
$$;

CREATE FUNCTION caseload_settings_check() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  sys public.settings%ROWTYPE;
  problem text;
BEGIN
  -- The client's own saved state (roster.filters, …) has no district row.
  IF NEW.scope = 'user' AND NEW.key ~ '^roster\.' THEN
    RETURN NEW;
  END IF;
  IF NEW.scope <> 'system' THEN
    SELECT * INTO sys FROM public.settings s WHERE s.key = NEW.key AND s.scope = 'system';
    IF NOT FOUND THEN
      RAISE EXCEPTION 'no district setting called %: a % setting overrides one', NEW.key, NEW.scope
        USING ERRCODE = 'check_violation';
    END IF;
    -- Only where a reader looks for one (sessions.rs reads a school's
    -- default_session_minutes): an override nothing reads would mislead.
    IF NOT COALESCE(sys.options -> 'overrides' ? NEW.scope, false) THEN
      RAISE EXCEPTION 'setting % is district-wide: it has no % values', NEW.key, NEW.scope
        USING ERRCODE = 'check_violation';
    END IF;
    IF sys.value_type <> NEW.value_type THEN
      RAISE EXCEPTION 'setting % is a %, not a %', NEW.key, sys.value_type, NEW.value_type
        USING ERRCODE = 'check_violation';
    END IF;
    problem := public.caseload_setting_problem(NEW.value, NEW.value_type, sys.options);
  ELSE
    problem := public.caseload_setting_problem(NEW.value, NEW.value_type, NEW.options);
  END IF;
  IF problem IS NOT NULL THEN
    RAISE EXCEPTION 'setting %: %', NEW.key, problem USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION caseload_setting_problem(jsonb, field_type, jsonb),
  caseload_settings_check() FROM PUBLIC;
-- The trigger runs as whoever writes: the admins (and the owner).
GRANT EXECUTE ON FUNCTION caseload_setting_problem(jsonb, field_type, jsonb) TO caseload_admin;
CREATE TRIGGER settings_check BEFORE INSERT OR UPDATE ON settings
  FOR EACH ROW EXECUTE FUNCTION caseload_settings_check();
