-- caseload schema: the 20 tables and 9 enums of DATA-MODEL.md, plus
-- progress_measurements. execution_status and migration_log are created by
-- bootstrap.sql because the runner needs them before this file runs.

CREATE TYPE field_type AS ENUM ('text', 'textarea', 'number', 'date', 'time', 'boolean',
  'single_select', 'multi_select', 'rating_scale', 'email', 'phone', 'url');
CREATE TYPE grade_level AS ENUM ('PK', 'TK', 'KG', '01', '02', '03', '04', '05', '06',
  '07', '08', '09', '10', '11', '12', 'UG');
CREATE TYPE intervention_status AS ENUM ('referred', 'planned', 'active', 'paused',
  'review_due', 'completed', 'discontinued');
CREATE TYPE intervention_type AS ENUM ('reading', 'math', 'writing', 'behavior',
  'social_emotional', 'attendance', 'communication_language', 'health_physical', 'other');
CREATE TYPE job_status AS ENUM ('scheduled', 'queued', 'running', 'retrying', 'succeeded',
  'failed', 'cancelled');
CREATE TYPE navigation_type AS ENUM ('group', 'screen', 'action', 'separator');
CREATE TYPE student_status AS ENUM ('active', 'pending', 'inactive', 'transferred',
  'withdrawn', 'graduated');
CREATE TYPE tool_status AS ENUM ('draft', 'submitted', 'in_review', 'approved', 'rejected',
  'retired');

-- Shared trigger functions ---------------------------------------------------

CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;

-- Optimistic concurrency: every successful UPDATE moves version on by one, so
-- a client that writes "WHERE version = $seen" detects a concurrent edit.
CREATE FUNCTION bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.version := OLD.version + 1;
  RETURN NEW;
END
$$;

-- School management ----------------------------------------------------------

CREATE TABLE schools (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  short_name  text CHECK (length(short_name) <= 40),
  local_id    text NOT NULL UNIQUE CHECK (length(btrim(local_id)) BETWEEN 1 AND 64),
  state_id    text,
  low_grade   grade_level NOT NULL,
  high_grade  grade_level NOT NULL,
  timezone    text NOT NULL DEFAULT 'America/New_York',
  is_active   boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (low_grade <= high_grade)
);

-- Core system ----------------------------------------------------------------

CREATE TABLE users (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Equals the person's PostgreSQL login role, so it must be a safe role name.
  username       text NOT NULL UNIQUE CHECK (username ~ '^[a-z_][a-z0-9_]{0,62}$'),
  display_name   text NOT NULL CHECK (length(btrim(display_name)) BETWEEN 1 AND 200),
  email          text NOT NULL CHECK (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
  home_school_id uuid REFERENCES schools (id),
  is_active      boolean NOT NULL DEFAULT true,
  last_login_at  timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_ci ON users (lower(email));

CREATE TABLE roles (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  key                 text NOT NULL UNIQUE CHECK (key ~ '^[a-z][a-z_]{1,40}$'),
  name                text NOT NULL,
  description         text,
  can_view_restricted boolean NOT NULL DEFAULT false,
  is_system           boolean NOT NULL DEFAULT false,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE user_roles (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role_id    uuid NOT NULL REFERENCES roles (id),
  school_id  uuid REFERENCES schools (id),
  granted_by uuid REFERENCES users (id),
  granted_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (expires_at IS NULL OR expires_at > granted_at),
  UNIQUE NULLS NOT DISTINCT (user_id, role_id, school_id)
);
CREATE INDEX user_roles_role_idx ON user_roles (role_id);
CREATE INDEX user_roles_school_idx ON user_roles (school_id);

CREATE TABLE tools (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  key          text NOT NULL UNIQUE CHECK (key ~ '^[a-z][a-z0-9_.]{1,63}$'),
  name         text NOT NULL,
  description  text,
  status       tool_status NOT NULL DEFAULT 'draft',
  definition   jsonb CHECK (definition IS NULL OR jsonb_typeof(definition) = 'object'),
  requested_by uuid REFERENCES users (id),
  reviewed_by  uuid REFERENCES users (id),
  reviewed_at  timestamptz,
  review_note  text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  CHECK (status NOT IN ('approved', 'rejected') OR reviewed_at IS NOT NULL)
);

CREATE TABLE role_tools (
  role_id    uuid NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
  tool_id    uuid NOT NULL REFERENCES tools (id) ON DELETE CASCADE,
  scope      text NOT NULL DEFAULT 'own' CHECK (scope IN ('own', 'school', 'all')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (role_id, tool_id)
);
CREATE INDEX role_tools_tool_idx ON role_tools (tool_id);

CREATE TABLE navigation_items (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  parent_id  uuid REFERENCES navigation_items (id) ON DELETE CASCADE,
  label      text NOT NULL,
  nav_type   navigation_type NOT NULL,
  tool_id    uuid REFERENCES tools (id),
  target     text,
  hotkey     text CHECK (hotkey IS NULL OR length(hotkey) = 1),
  sort_order integer NOT NULL DEFAULT 0,
  is_visible boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (nav_type IN ('screen', 'action') OR tool_id IS NULL),
  CHECK (nav_type NOT IN ('screen', 'action') OR (tool_id IS NOT NULL AND target IS NOT NULL)),
  CHECK (parent_id IS NULL OR parent_id <> id),
  CHECK (nav_type = 'separator' OR length(btrim(label)) BETWEEN 1 AND 60)
);
CREATE UNIQUE INDEX navigation_items_sibling_hotkey
  ON navigation_items (parent_id, lower(hotkey)) NULLS NOT DISTINCT WHERE hotkey IS NOT NULL;
CREATE INDEX navigation_items_parent_idx ON navigation_items (parent_id, sort_order);
CREATE INDEX navigation_items_tool_idx ON navigation_items (tool_id);

CREATE TABLE settings (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  key         text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_.]{1,63}$'),
  scope       text NOT NULL CHECK (scope IN ('system', 'school', 'user')),
  school_id   uuid REFERENCES schools (id) ON DELETE CASCADE,
  user_id     uuid REFERENCES users (id) ON DELETE CASCADE,
  value       jsonb NOT NULL,
  value_type  field_type NOT NULL,
  label       text,
  description text,
  options     jsonb,
  updated_by  uuid REFERENCES users (id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CHECK ((scope = 'system' AND school_id IS NULL AND user_id IS NULL)
      OR (scope = 'school' AND school_id IS NOT NULL AND user_id IS NULL)
      OR (scope = 'user' AND user_id IS NOT NULL)),
  UNIQUE NULLS NOT DISTINCT (key, scope, school_id, user_id)
);

CREATE TABLE jobs (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind             text NOT NULL CHECK (length(kind) BETWEEN 1 AND 64),
  queue            text NOT NULL DEFAULT 'default',
  payload          jsonb NOT NULL DEFAULT '{}'::jsonb,
  status           job_status NOT NULL DEFAULT 'queued',
  priority         integer NOT NULL DEFAULT 0,
  progress         smallint NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  progress_message text,
  attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts     integer NOT NULL DEFAULT 3 CHECK (max_attempts >= 1),
  run_at           timestamptz NOT NULL DEFAULT now(),
  locked_by        text,
  locked_at        timestamptz,
  heartbeat_at     timestamptz,
  last_error       text,
  result           jsonb,
  created_by       uuid REFERENCES users (id),
  started_at       timestamptz,
  finished_at      timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CHECK (attempts <= max_attempts),
  CHECK (status NOT IN ('succeeded', 'failed', 'cancelled') OR finished_at IS NOT NULL)
);
CREATE INDEX jobs_ready_idx ON jobs (queue, priority DESC, run_at)
  WHERE status IN ('queued', 'retrying', 'scheduled');

CREATE TABLE students (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id          uuid NOT NULL REFERENCES schools (id),
  local_id           text NOT NULL CHECK (length(btrim(local_id)) BETWEEN 1 AND 64),
  state_id           text,
  sourced_id         text UNIQUE,
  first_name         text NOT NULL CHECK (length(btrim(first_name)) BETWEEN 1 AND 100),
  last_name          text NOT NULL CHECK (length(btrim(last_name)) BETWEEN 1 AND 100),
  preferred_name     text CHECK (length(preferred_name) <= 100),
  date_of_birth      date CHECK (date_of_birth > DATE '1990-01-01'),
  grade_level        grade_level NOT NULL,
  status             student_status NOT NULL DEFAULT 'active',
  counselor_id       uuid REFERENCES users (id),
  has_iep            boolean NOT NULL DEFAULT false,
  has_504            boolean NOT NULL DEFAULT false,
  is_english_learner boolean NOT NULL DEFAULT false,
  enrollment_date    date,
  exit_date          date,
  created_by         uuid REFERENCES users (id),
  updated_by         uuid REFERENCES users (id),
  version            integer NOT NULL DEFAULT 1,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (school_id, local_id),
  CHECK (exit_date IS NULL OR enrollment_date IS NULL OR exit_date >= enrollment_date),
  CHECK (status NOT IN ('transferred', 'withdrawn', 'graduated') OR exit_date IS NOT NULL)
);
-- Roster order and its keyset pagination.
CREATE INDEX students_name_idx ON students (last_name, first_name, id);
CREATE INDEX students_school_name_idx ON students (school_id, last_name, first_name, id);
CREATE INDEX students_counselor_idx ON students (counselor_id);

CREATE TABLE student_guardians (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  student_id             uuid NOT NULL REFERENCES students (id) ON DELETE CASCADE,
  first_name             text NOT NULL CHECK (length(btrim(first_name)) BETWEEN 1 AND 100),
  last_name              text NOT NULL CHECK (length(btrim(last_name)) BETWEEN 1 AND 100),
  relationship           text NOT NULL CHECK (relationship IN ('mother', 'father', 'parent',
                           'stepparent', 'grandparent', 'aunt_uncle', 'sibling', 'foster_parent',
                           'guardian', 'other')),
  email                  text CHECK (email IS NULL OR email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
  phone                  text CHECK (phone IS NULL OR phone ~ '^\+?[0-9 ().-]{7,20}$'),
  preferred_language     text,
  preferred_channel      text CHECK (preferred_channel IN ('phone', 'email', 'sms', 'letter',
                           'in_person', 'video')),
  contact_priority       smallint NOT NULL DEFAULT 1 CHECK (contact_priority BETWEEN 1 AND 9),
  has_custody            boolean NOT NULL DEFAULT true,
  is_emergency_contact   boolean NOT NULL DEFAULT false,
  has_educational_rights boolean NOT NULL DEFAULT true,
  receives_communications boolean NOT NULL DEFAULT true,
  notes                  text,
  version                integer NOT NULL DEFAULT 1,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  CHECK (preferred_channel IS NULL OR preferred_channel NOT IN ('email') OR email IS NOT NULL),
  CHECK (preferred_channel IS NULL OR preferred_channel NOT IN ('phone', 'sms') OR phone IS NOT NULL)
);
CREATE INDEX student_guardians_student_idx ON student_guardians (student_id, contact_priority);

-- Intervention system --------------------------------------------------------

CREATE TABLE intervention_programs (
  id                        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name                      text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  intervention_type         intervention_type NOT NULL,
  default_tier              smallint NOT NULL DEFAULT 2 CHECK (default_tier BETWEEN 1 AND 3),
  default_sessions_per_week smallint CHECK (default_sessions_per_week BETWEEN 1 AND 14),
  default_minutes           smallint CHECK (default_minutes BETWEEN 1 AND 480),
  default_weeks             smallint CHECK (default_weeks BETWEEN 1 AND 52),
  monitoring_frequency      text NOT NULL DEFAULT 'weekly'
                              CHECK (monitoring_frequency IN ('weekly', 'biweekly', 'monthly')),
  progress_measure          text,
  session_fields            jsonb NOT NULL DEFAULT '[]'::jsonb
                              CHECK (jsonb_typeof(session_fields) = 'array'),
  school_id                 uuid REFERENCES schools (id),
  is_active                 boolean NOT NULL DEFAULT true,
  created_at                timestamptz NOT NULL DEFAULT now(),
  updated_at                timestamptz NOT NULL DEFAULT now(),
  UNIQUE NULLS NOT DISTINCT (school_id, name)
);

CREATE TABLE interventions (
  id                       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  student_id               uuid NOT NULL REFERENCES students (id) ON DELETE CASCADE,
  school_id                uuid NOT NULL REFERENCES schools (id),
  program_id               uuid REFERENCES intervention_programs (id),
  custom_name              text CHECK (length(custom_name) <= 200),
  intervention_type        intervention_type NOT NULL,
  tier                     smallint NOT NULL CHECK (tier BETWEEN 1 AND 3),
  status                   intervention_status NOT NULL DEFAULT 'referred',
  concern                  text,
  referred_by              uuid REFERENCES users (id),
  referred_at              timestamptz NOT NULL DEFAULT now(),
  owner_id                 uuid REFERENCES users (id),
  start_date               date,
  planned_end_date         date,
  ended_at                 timestamptz,
  outcome                  text CHECK (outcome IN ('goal_met', 'partial_progress', 'no_progress',
                             'referred_for_evaluation', 'moved', 'other')),
  outcome_notes            text,
  parent_consent_at        timestamptz,
  previous_intervention_id uuid REFERENCES interventions (id),
  sessions_per_week        smallint CHECK (sessions_per_week BETWEEN 1 AND 14),
  minutes_per_session      smallint CHECK (minutes_per_session BETWEEN 1 AND 480),
  is_restricted            boolean NOT NULL DEFAULT false,
  created_by               uuid REFERENCES users (id),
  updated_by               uuid REFERENCES users (id),
  version                  integer NOT NULL DEFAULT 1,
  created_at               timestamptz NOT NULL DEFAULT now(),
  updated_at               timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT interventions_named CHECK (program_id IS NOT NULL OR coalesce(length(btrim(custom_name)), 0) > 0),
  CONSTRAINT interventions_end_after_start
    CHECK (planned_end_date IS NULL OR start_date IS NULL OR planned_end_date >= start_date),
  CONSTRAINT interventions_started_has_start_date
    CHECK (status IN ('referred', 'planned', 'discontinued') OR start_date IS NOT NULL),
  CONSTRAINT interventions_final_has_ended_at
    CHECK (status NOT IN ('completed', 'discontinued') OR ended_at IS NOT NULL),
  CONSTRAINT interventions_not_own_predecessor CHECK (previous_intervention_id <> id)
);
CREATE INDEX interventions_student_idx ON interventions (student_id);
CREATE INDEX interventions_owner_idx ON interventions (owner_id, status);
CREATE INDEX interventions_school_status_idx ON interventions (school_id, status);
CREATE INDEX interventions_program_idx ON interventions (program_id);
CREATE INDEX interventions_previous_idx ON interventions (previous_intervention_id);

-- The lifecycle of DATA-MODEL.md. The domain layer checks the same table so
-- the UI can explain; this trigger makes psql and buggy clients obey too.
CREATE FUNCTION intervention_transition_allowed(from_s intervention_status,
                                                to_s intervention_status)
RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT from_s = to_s OR (from_s, to_s) IN (
    ('referred', 'planned'), ('referred', 'discontinued'),
    ('planned', 'active'), ('planned', 'discontinued'),
    ('active', 'paused'), ('active', 'review_due'), ('active', 'completed'),
    ('active', 'discontinued'),
    ('paused', 'active'), ('paused', 'discontinued'),
    ('review_due', 'active'), ('review_due', 'completed'), ('review_due', 'discontinued'))
$$;

CREATE FUNCTION intervention_lifecycle() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.status IS DISTINCT FROM OLD.status THEN
    IF NOT intervention_transition_allowed(OLD.status, NEW.status) THEN
      RAISE EXCEPTION 'illegal intervention status transition: % -> %', OLD.status, NEW.status
        USING ERRCODE = 'check_violation', CONSTRAINT = 'interventions_lifecycle',
              HINT = 'allowed: referred->planned|discontinued, planned->active|discontinued, '
                  || 'active->paused|review_due|completed|discontinued, paused->active|discontinued, '
                  || 'review_due->active|completed|discontinued';
    END IF;
    -- Closing an intervention that ran needs an outcome; one that never
    -- started (referred, planned) can be dropped without one.
    IF NEW.status IN ('completed', 'discontinued')
       AND OLD.status IN ('active', 'paused', 'review_due')
       AND NEW.outcome IS NULL THEN
      RAISE EXCEPTION 'closing an intervention that has started requires an outcome'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'interventions_outcome_required';
    END IF;
  END IF;
  IF NEW.status IN ('completed', 'discontinued') AND NEW.ended_at IS NULL THEN
    NEW.ended_at := now();
  END IF;
  RETURN NEW;
END
$$;

CREATE TABLE intervention_goals (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  intervention_id uuid NOT NULL REFERENCES interventions (id) ON DELETE CASCADE,
  statement       text NOT NULL CHECK (length(btrim(statement)) BETWEEN 1 AND 2000),
  measure         text NOT NULL,
  unit            text,
  direction       text NOT NULL DEFAULT 'increase' CHECK (direction IN ('increase', 'decrease')),
  baseline_value  numeric,
  baseline_date   date,
  target_value    numeric,
  target_date     date,
  decision_rule   text NOT NULL DEFAULT 'four_point'
                    CHECK (decision_rule IN ('four_point', 'trend', 'none')),
  status          text NOT NULL DEFAULT 'active'
                    CHECK (status IN ('active', 'met', 'not_met', 'discontinued')),
  sort_order      integer NOT NULL DEFAULT 0,
  version         integer NOT NULL DEFAULT 1,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT intervention_goals_target_after_baseline
    CHECK (target_date IS NULL OR baseline_date IS NULL OR target_date > baseline_date),
  CONSTRAINT intervention_goals_direction_consistent
    CHECK (baseline_value IS NULL OR target_value IS NULL
           OR (direction = 'increase' AND target_value > baseline_value)
           OR (direction = 'decrease' AND target_value < baseline_value))
);
CREATE INDEX intervention_goals_intervention_idx ON intervention_goals (intervention_id, sort_order);

CREATE TABLE intervention_sessions (
  id              uuid PRIMARY KEY,  -- generated by the client so a retried save is idempotent
  intervention_id uuid NOT NULL REFERENCES interventions (id) ON DELETE CASCADE,
  session_date    date NOT NULL,
  start_time      time,
  minutes         smallint NOT NULL CHECK (minutes BETWEEN 0 AND 600),
  attendance      text NOT NULL CHECK (attendance IN ('present', 'student_absent', 'staff_absent',
                    'cancelled')),
  fidelity        smallint CHECK (fidelity BETWEEN 0 AND 100),
  note            text CHECK (length(note) <= 100000),
  field_values    jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(field_values) = 'object'),
  delivered_by    uuid REFERENCES users (id),
  is_restricted   boolean NOT NULL DEFAULT false,
  created_by      uuid REFERENCES users (id),
  updated_by      uuid REFERENCES users (id),
  version         integer NOT NULL DEFAULT 1,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT intervention_sessions_absent_no_minutes
    CHECK (attendance = 'present' OR minutes = 0)
);
CREATE INDEX intervention_sessions_intervention_idx
  ON intervention_sessions (intervention_id, session_date DESC);
CREATE INDEX intervention_sessions_delivered_by_idx ON intervention_sessions (delivered_by);

CREATE TABLE intervention_team (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  intervention_id uuid NOT NULL REFERENCES interventions (id) ON DELETE CASCADE,
  user_id         uuid REFERENCES users (id),
  external_name   text,
  external_org    text,
  role            text NOT NULL CHECK (role IN ('owner', 'interventionist', 'teacher', 'counselor',
                    'coordinator', 'observer')),
  can_edit        boolean NOT NULL DEFAULT false,
  added_by        uuid REFERENCES users (id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT intervention_team_member_identified
    CHECK (user_id IS NOT NULL
           OR (coalesce(length(btrim(external_name)), 0) > 0
               AND coalesce(length(btrim(external_org)), 0) > 0)),
  UNIQUE (intervention_id, user_id)
);
CREATE INDEX intervention_team_user_idx ON intervention_team (user_id);

-- Document management --------------------------------------------------------

CREATE TABLE documents (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  student_id    uuid NOT NULL REFERENCES students (id) ON DELETE CASCADE,
  storage       text NOT NULL DEFAULT 's3' CHECK (storage IN ('s3', 'local')),
  bucket        text,
  object_key    text NOT NULL UNIQUE,
  filename      text NOT NULL CHECK (length(btrim(filename)) BETWEEN 1 AND 255),
  content_type  text NOT NULL DEFAULT 'application/octet-stream',
  byte_size     bigint NOT NULL CHECK (byte_size >= 0),
  sha256        text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  uploaded_by   uuid REFERENCES users (id),
  is_restricted boolean NOT NULL DEFAULT false,
  deleted_at    timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (storage <> 's3' OR bucket IS NOT NULL)
);
CREATE INDEX documents_student_idx ON documents (student_id) WHERE deleted_at IS NULL;

CREATE TABLE intervention_attachments (
  intervention_id uuid NOT NULL REFERENCES interventions (id) ON DELETE CASCADE,
  document_id     uuid NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  session_id      uuid REFERENCES intervention_sessions (id) ON DELETE SET NULL,
  caption         text,
  attached_by     uuid REFERENCES users (id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (intervention_id, document_id)
);
CREATE INDEX intervention_attachments_document_idx ON intervention_attachments (document_id);
CREATE INDEX intervention_attachments_session_idx ON intervention_attachments (session_id);

CREATE TABLE communication_log (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  student_id        uuid NOT NULL REFERENCES students (id) ON DELETE CASCADE,
  intervention_id   uuid REFERENCES interventions (id) ON DELETE SET NULL,
  guardian_id       uuid REFERENCES student_guardians (id) ON DELETE SET NULL,
  staff_id          uuid REFERENCES users (id),
  direction         text NOT NULL CHECK (direction IN ('outbound', 'inbound')),
  channel           text NOT NULL CHECK (channel IN ('phone', 'email', 'sms', 'letter',
                      'in_person', 'video')),
  purpose           text NOT NULL CHECK (length(btrim(purpose)) BETWEEN 1 AND 200),
  occurred_at       timestamptz NOT NULL,
  summary           text CHECK (length(summary) <= 20000),
  result            text CHECK (result IN ('reached', 'left_message', 'unreachable', 'no_show')),
  follow_up_due     date,
  follow_up_owner   uuid REFERENCES users (id),
  follow_up_done_at timestamptz,
  parent_id         uuid REFERENCES communication_log (id) ON DELETE SET NULL,
  is_restricted     boolean NOT NULL DEFAULT false,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  CHECK (follow_up_done_at IS NULL OR follow_up_due IS NOT NULL),
  CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX communication_log_student_idx ON communication_log (student_id, occurred_at DESC);
CREATE INDEX communication_log_intervention_idx ON communication_log (intervention_id);
CREATE INDEX communication_log_follow_up_idx ON communication_log (follow_up_owner, follow_up_due)
  WHERE follow_up_due IS NOT NULL AND follow_up_done_at IS NULL;
CREATE INDEX communication_log_guardian_idx ON communication_log (guardian_id);
CREATE INDEX communication_log_parent_idx ON communication_log (parent_id);

-- Beyond the 20: the data points behind progress charts.
CREATE TABLE progress_measurements (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  goal_id     uuid NOT NULL REFERENCES intervention_goals (id) ON DELETE CASCADE,
  session_id  uuid REFERENCES intervention_sessions (id) ON DELETE SET NULL,
  measured_on date NOT NULL,
  value       numeric NOT NULL,
  note        text,
  created_by  uuid REFERENCES users (id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX progress_measurements_goal_idx ON progress_measurements (goal_id, measured_on);
CREATE INDEX progress_measurements_session_idx ON progress_measurements (session_id);

-- Triggers -------------------------------------------------------------------

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['schools', 'users', 'roles', 'user_roles', 'tools', 'navigation_items',
      'settings', 'jobs', 'students', 'student_guardians', 'intervention_programs',
      'interventions', 'intervention_goals', 'intervention_sessions', 'intervention_team',
      'documents', 'communication_log', 'progress_measurements'] LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION set_updated_at()',
                   t || '_updated_at', t);
  END LOOP;
  FOREACH t IN ARRAY ARRAY['students', 'student_guardians', 'interventions', 'intervention_goals',
      'intervention_sessions'] LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION bump_version()',
                   t || '_version', t);
  END LOOP;
END
$$;

CREATE TRIGGER interventions_lifecycle BEFORE INSERT OR UPDATE ON interventions
  FOR EACH ROW EXECUTE FUNCTION intervention_lifecycle();

-- Reference data the application relies on.
INSERT INTO roles (key, name, description, can_view_restricted, is_system) VALUES
  ('admin', 'Administrator', 'Manages users, roles, tools and settings; sees every record.', true, true),
  ('coordinator', 'Intervention coordinator', 'Reviews caseloads across their schools.', true, true),
  ('counselor', 'Counselor', 'Works with the students assigned to them.', true, true),
  ('interventionist', 'Interventionist', 'Delivers interventions to the students on their teams.', false, true),
  ('teacher', 'Teacher', 'Sees and contributes to interventions they are on the team of.', false, true),
  ('viewer', 'Viewer', 'Read-only access to what their assignments allow.', false, true);

INSERT INTO settings (key, scope, value, value_type, label, description) VALUES
  ('decision_rule_points', 'system', '4', 'number', 'Decision rule points',
   'Consecutive data points above or below the aimline before a decision rule fires.'),
  ('fidelity_threshold', 'system', '0.8', 'number', 'Fidelity threshold',
   'Share of planned sessions and minutes below which delivery is flagged.'),
  ('default_session_minutes', 'system', '30', 'number', 'Default session minutes',
   'Minutes prefilled in a new session when the intervention has none planned.'),
  ('follow_up_days', 'system', '7', 'number', 'Follow-up days',
   'Days after a communication that its follow-up falls due by default.');
