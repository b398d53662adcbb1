//! The database half of an import, set-based: the files' rows go into
//! temporary staging tables by COPY, are matched to stored rows
//! (`sourced_id`, else an unclaimed local id or username), checked against
//! them (unknown orgs, ids that belong to someone else), compared field by
//! field into the report, and only then written — each table in one
//! statement, rows that would not change left untouched, so a second run
//! of the same files writes nothing.
//!
//! Every statement here is a constant: values reach the server only
//! through COPY. The staging tables (0025) are ordinary tables that hold
//! rows only inside an import's transaction: caseload's roles may not make
//! temporary tables (always.sql), and COPY refuses tables with row-level
//! security, so they are caseload_admin's alone by grant.

/// First in the transaction. SHARE ROW EXCLUSIVE on schools lets readers
/// and ordinary writers of other tables go on but waits for another import
/// (it conflicts with itself), so two imports never match against each
/// other's half-written rows; and it needs UPDATE on schools, which only
/// caseload_admin holds: the database's own refusal of everyone else.
pub const BEGIN: &str = "
LOCK TABLE public.schools IN SHARE ROW EXCLUSIVE MODE;
DELETE FROM public.oneroster_orgs; DELETE FROM public.oneroster_users;
DELETE FROM public.oneroster_demographics; DELETE FROM public.oneroster_enrollments;
DELETE FROM public.oneroster_report;
";

/// Last before COMMIT: the staging tables hold rows only inside an import's
/// own transaction.
pub const END: &str = "
DELETE FROM public.oneroster_orgs; DELETE FROM public.oneroster_users;
DELETE FROM public.oneroster_demographics; DELETE FROM public.oneroster_enrollments;
DELETE FROM public.oneroster_report;
";

pub const ORGS: &str = "public.oneroster_orgs";
pub const USERS: &str = "public.oneroster_users";
pub const DEMOGRAPHICS: &str = "public.oneroster_demographics";
pub const ENROLLMENTS: &str = "public.oneroster_enrollments";

/// Matching and the checks that need stored rows. Order matters: a school
/// refused here refuses its students, a student refused refuses their
/// demographics and enrollments.
pub const RESOLVE: &str = "
-- Schools: by sourcedId, else a school with that local id and no sourcedId.
UPDATE public.oneroster_orgs o SET id = s.id FROM public.schools s WHERE s.sourced_id = o.sourced_id;
UPDATE public.oneroster_orgs o SET id = s.id FROM public.schools s
 WHERE o.id IS NULL AND s.local_id = o.local_id AND s.sourced_id IS NULL;
UPDATE public.oneroster_orgs o
   SET refused = format('local id %s is also on line %s', o.local_id, f.first)
  FROM (SELECT local_id, min(line) AS first FROM public.oneroster_orgs
         GROUP BY local_id HAVING count(*) > 1) f
 WHERE f.local_id = o.local_id AND o.line > f.first;
UPDATE public.oneroster_orgs o
   SET refused = format('local id %s belongs to school %s (sourcedId %s)',
                        o.local_id, s.name, s.sourced_id)
  FROM public.schools s
 WHERE o.refused IS NULL AND s.local_id = o.local_id AND s.id IS DISTINCT FROM o.id;
UPDATE public.oneroster_orgs SET id = gen_random_uuid(), is_new = true
 WHERE id IS NULL AND refused IS NULL;

-- Everyone's school: one in this export, else one stored.
UPDATE public.oneroster_users u SET school_id = o.id
  FROM public.oneroster_orgs o WHERE o.sourced_id = u.org AND o.refused IS NULL;
UPDATE public.oneroster_users u SET school_id = s.id FROM public.schools s
 WHERE u.school_id IS NULL AND s.sourced_id = u.org
   AND NOT EXISTS (SELECT 1 FROM public.oneroster_orgs o WHERE o.sourced_id = u.org);
UPDATE public.oneroster_users u
   SET refused = COALESCE(
         (SELECT format('its school %s was refused (orgs.csv line %s)', o.sourced_id, o.line)
            FROM public.oneroster_orgs o WHERE o.sourced_id = u.org),
         format('unknown org %s (not in orgs.csv, and no school has that sourcedId)', u.org))
 WHERE u.org IS NOT NULL AND u.school_id IS NULL;

-- Students: by sourcedId, else an unclaimed local id at the same school.
UPDATE public.oneroster_users u SET id = s.id FROM public.students s
 WHERE u.is_student AND u.refused IS NULL AND s.sourced_id = u.sourced_id;
UPDATE public.oneroster_users u SET id = s.id FROM public.students s
 WHERE u.is_student AND u.refused IS NULL AND u.id IS NULL
   AND s.school_id = u.school_id AND s.local_id = u.local_id AND s.sourced_id IS NULL;
UPDATE public.oneroster_users u
   SET refused = format('local id %s at this school is also on line %s', u.local_id, f.first)
  FROM (SELECT school_id, local_id, min(line) AS first FROM public.oneroster_users
         WHERE is_student AND refused IS NULL
         GROUP BY school_id, local_id HAVING count(*) > 1) f
 WHERE u.is_student AND u.refused IS NULL AND f.school_id = u.school_id
   AND f.local_id = u.local_id AND u.line > f.first;
UPDATE public.oneroster_users u
   SET refused = format('local id %s at this school belongs to another student (sourcedId %s)',
                        u.local_id, COALESCE(s.sourced_id, 'none'))
  FROM public.students s
 WHERE u.is_student AND u.refused IS NULL AND s.school_id = u.school_id
   AND s.local_id = u.local_id AND s.id IS DISTINCT FROM u.id;

-- Staff: by sourcedId, else an unclaimed username. A username is a login
-- role, so a stored person keeps theirs whatever the file says.
UPDATE public.oneroster_users u SET id = x.id FROM public.users x
 WHERE NOT u.is_student AND u.refused IS NULL AND x.sourced_id = u.sourced_id;
UPDATE public.oneroster_users u SET id = x.id FROM public.users x
 WHERE NOT u.is_student AND u.refused IS NULL AND u.id IS NULL
   AND x.username = u.username AND x.sourced_id IS NULL;
UPDATE public.oneroster_users u
   SET refused = format('username %s is also on line %s', u.username, f.first)
  FROM (SELECT username, min(line) AS first FROM public.oneroster_users
         WHERE NOT is_student AND refused IS NULL AND id IS NULL
         GROUP BY username HAVING count(*) > 1) f
 WHERE NOT u.is_student AND u.refused IS NULL AND u.id IS NULL
   AND f.username = u.username AND u.line > f.first;
UPDATE public.oneroster_users u
   SET refused = format('username %s belongs to someone else (sourcedId %s)',
                        u.username, COALESCE(x.sourced_id, 'none'))
  FROM public.users x
 WHERE NOT u.is_student AND u.refused IS NULL AND u.id IS NULL AND x.username = u.username;
UPDATE public.oneroster_users u
   SET refused = format('email %s is also on line %s', u.email, f.first)
  FROM (SELECT lower(email) AS email, min(line) AS first FROM public.oneroster_users
         WHERE NOT is_student AND refused IS NULL
         GROUP BY lower(email) HAVING count(*) > 1) f
 WHERE NOT u.is_student AND u.refused IS NULL
   AND f.email = lower(u.email) AND u.line > f.first;
UPDATE public.oneroster_users u
   SET refused = format('email %s belongs to %s', u.email, x.username)
  FROM public.users x
 WHERE NOT u.is_student AND u.refused IS NULL
   AND lower(x.email) = lower(u.email) AND x.id IS DISTINCT FROM u.id;

UPDATE public.oneroster_users SET id = gen_random_uuid(), is_new = true
 WHERE id IS NULL AND refused IS NULL;

-- Demographics and enrollments name a person of this export or a stored one.
UPDATE public.oneroster_demographics d SET student_id = u.id, staff = NOT u.is_student,
       refused = CASE WHEN u.refused IS NOT NULL
                      THEN format('its user was refused (users.csv line %s)', u.line) END
  FROM public.oneroster_users u WHERE u.sourced_id = d.sourced_id;
UPDATE public.oneroster_demographics d SET student_id = s.id FROM public.students s
 WHERE d.student_id IS NULL AND d.refused IS NULL AND NOT d.staff AND s.sourced_id = d.sourced_id
   AND NOT EXISTS (SELECT 1 FROM public.oneroster_users u WHERE u.sourced_id = d.sourced_id);
UPDATE public.oneroster_demographics d SET staff = true FROM public.users x
 WHERE d.student_id IS NULL AND d.refused IS NULL AND x.sourced_id = d.sourced_id;
UPDATE public.oneroster_demographics d
   SET refused = format('unknown user %s (not in users.csv, and nobody has that sourcedId)',
                        d.sourced_id)
 WHERE d.student_id IS NULL AND d.refused IS NULL AND NOT d.staff;

UPDATE public.oneroster_enrollments e
   SET refused = format('its user was refused (users.csv line %s)', u.line)
  FROM public.oneroster_users u WHERE u.sourced_id = e.user_sid AND u.refused IS NOT NULL;
UPDATE public.oneroster_enrollments e
   SET refused = format('unknown user %s (not in users.csv, and nobody has that sourcedId)',
                        e.user_sid)
 WHERE e.refused IS NULL
   AND NOT EXISTS (SELECT 1 FROM public.oneroster_users u WHERE u.sourced_id = e.user_sid)
   AND NOT EXISTS (SELECT 1 FROM public.students s WHERE s.sourced_id = e.user_sid)
   AND NOT EXISTS (SELECT 1 FROM public.users x WHERE x.sourced_id = e.user_sid);
UPDATE public.oneroster_enrollments e
   SET refused = format('unknown school %s (not in orgs.csv, and no school has that sourcedId)',
                        e.school_sid)
 WHERE e.refused IS NULL
   AND NOT EXISTS (SELECT 1 FROM public.oneroster_orgs o
                    WHERE o.sourced_id = e.school_sid AND o.refused IS NULL)
   AND NOT EXISTS (SELECT 1 FROM public.schools s WHERE s.sourced_id = e.school_sid);
UPDATE public.oneroster_enrollments e SET student_id = u.id FROM public.oneroster_users u
 WHERE e.refused IS NULL AND e.is_student AND u.sourced_id = e.user_sid AND u.is_student;
UPDATE public.oneroster_enrollments e SET student_id = s.id FROM public.students s
 WHERE e.refused IS NULL AND e.is_student AND e.student_id IS NULL AND s.sourced_id = e.user_sid
   AND NOT EXISTS (SELECT 1 FROM public.oneroster_users u WHERE u.sourced_id = e.user_sid);
-- A student's enrollment date is their earliest beginDate; the line that
-- has it carries it.
UPDATE public.oneroster_enrollments e SET carries = true
  FROM (SELECT DISTINCT ON (student_id) line FROM public.oneroster_enrollments
         WHERE refused IS NULL AND student_id IS NOT NULL AND begin_date IS NOT NULL
         ORDER BY student_id, begin_date, line) c
 WHERE c.line = e.line;

UPDATE public.oneroster_users u SET birth = d.birth FROM public.oneroster_demographics d
 WHERE d.student_id = u.id AND d.refused IS NULL AND u.is_student;
UPDATE public.oneroster_users u SET enrolled = e.begin_date FROM public.oneroster_enrollments e
 WHERE e.student_id = u.id AND e.carries AND u.is_student;
";

/// Whether anything was refused, in SQL or before it.
pub const REFUSED_COUNT: &str = "
SELECT (SELECT count(*) FROM public.oneroster_orgs WHERE refused IS NOT NULL)
     + (SELECT count(*) FROM public.oneroster_users WHERE refused IS NOT NULL)
     + (SELECT count(*) FROM public.oneroster_demographics WHERE refused IS NOT NULL)
     + (SELECT count(*) FROM public.oneroster_enrollments WHERE refused IS NOT NULL)
";

/// Each staged line against what is stored now: added, changed (and how),
/// unchanged or refused. Runs before anything is written.
pub const CLASSIFY: &str = "
INSERT INTO public.oneroster_report
SELECT 'orgs.csv', o.line,
       CASE WHEN o.refused IS NOT NULL THEN 'refused' WHEN o.is_new THEN 'added'
            WHEN d.diff <> '' THEN 'changed' ELSE 'unchanged' END,
       CASE WHEN o.refused IS NOT NULL THEN o.refused
            WHEN o.is_new THEN format('school %s (%s)', o.local_id, o.name)
            ELSE format('school %s: %s', s.local_id, d.diff) END
  FROM public.oneroster_orgs o
  LEFT JOIN public.schools s ON s.id = o.id
 CROSS JOIN LATERAL (SELECT concat_ws('; ',
   CASE WHEN s.name IS DISTINCT FROM o.name THEN format('name %s → %s', s.name, o.name) END,
   CASE WHEN s.local_id IS DISTINCT FROM o.local_id
        THEN format('local id %s → %s', s.local_id, o.local_id) END,
   CASE WHEN s.sourced_id IS DISTINCT FROM o.sourced_id
        THEN format('sourcedId set to %s (matched by local id)', o.sourced_id) END) AS diff) d;

INSERT INTO public.oneroster_report
SELECT 'users.csv', u.line,
       CASE WHEN u.refused IS NOT NULL THEN 'refused' WHEN u.is_new THEN 'added'
            WHEN d.diff <> '' THEN 'changed' ELSE 'unchanged' END,
       CASE WHEN u.refused IS NOT NULL THEN u.refused
            WHEN u.is_new THEN format('student %s %s, %s (grade %s at %s)',
                                      u.local_id, u.family, u.given, u.grade, ns.local_id)
            ELSE format('student %s: %s', s.local_id, d.diff) END
  FROM public.oneroster_users u
  LEFT JOIN public.students s ON s.id = u.id
  LEFT JOIN public.schools os ON os.id = s.school_id
  LEFT JOIN public.oneroster_orgs fo ON fo.id = u.school_id
  LEFT JOIN public.schools ss ON ss.id = u.school_id
 CROSS JOIN LATERAL (SELECT COALESCE(fo.local_id, ss.local_id) AS local_id) ns
 CROSS JOIN LATERAL (SELECT CASE
     WHEN NOT u.enabled AND s.status IN ('active', 'pending') THEN 'inactive'::public.student_status
     WHEN u.enabled AND s.status = 'inactive' THEN 'active'::public.student_status
     ELSE s.status END AS status) st
 CROSS JOIN LATERAL (SELECT concat_ws('; ',
   CASE WHEN s.school_id IS DISTINCT FROM u.school_id
        THEN format('school %s → %s', os.local_id, ns.local_id) END,
   CASE WHEN s.local_id IS DISTINCT FROM u.local_id
        THEN format('local id %s → %s', s.local_id, u.local_id) END,
   CASE WHEN s.first_name IS DISTINCT FROM u.given
        THEN format('first name %s → %s', s.first_name, u.given) END,
   CASE WHEN s.last_name IS DISTINCT FROM u.family
        THEN format('last name %s → %s', s.last_name, u.family) END,
   CASE WHEN s.grade_level IS DISTINCT FROM u.grade
        THEN format('grade %s → %s', s.grade_level, u.grade) END,
   CASE WHEN s.status IS DISTINCT FROM st.status
        THEN format('status %s → %s', s.status, st.status) END,
   CASE WHEN s.sourced_id IS DISTINCT FROM u.sourced_id
        THEN format('sourcedId set to %s (matched by local id)', u.sourced_id) END) AS diff) d
 WHERE u.is_student;

INSERT INTO public.oneroster_report
SELECT 'users.csv', u.line,
       CASE WHEN u.refused IS NOT NULL THEN 'refused' WHEN u.is_new THEN 'added'
            WHEN d.diff <> '' THEN 'changed' ELSE 'unchanged' END,
       CASE WHEN u.refused IS NOT NULL THEN u.refused
            WHEN u.is_new THEN format('staff %s (%s %s, %s)%s', u.username, u.given, u.family,
                                      u.email, COALESCE(' as ' || u.grant_role, ''))
            ELSE format('staff %s: %s', x.username, d.diff) END
  FROM public.oneroster_users u
  LEFT JOIN public.users x ON x.id = u.id
  LEFT JOIN public.schools hs ON hs.id = x.home_school_id
  LEFT JOIN public.oneroster_orgs fo ON fo.id = u.school_id
  LEFT JOIN public.schools ss ON ss.id = u.school_id
 CROSS JOIN LATERAL (SELECT concat_ws('; ',
   CASE WHEN x.display_name IS DISTINCT FROM u.given || ' ' || u.family
        THEN format('name %s → %s %s', x.display_name, u.given, u.family) END,
   CASE WHEN x.email IS DISTINCT FROM u.email THEN format('email %s → %s', x.email, u.email) END,
   CASE WHEN x.home_school_id IS DISTINCT FROM u.school_id
        THEN format('home school %s → %s', COALESCE(hs.local_id, 'none'),
                    COALESCE(fo.local_id, ss.local_id, 'none')) END,
   CASE WHEN x.sourced_id IS DISTINCT FROM u.sourced_id
        THEN format('sourcedId set to %s (matched by username)', u.sourced_id) END) AS diff) d
 WHERE NOT u.is_student;

INSERT INTO public.oneroster_report
SELECT 'demographics.csv', d.line,
       CASE WHEN d.refused IS NOT NULL THEN 'refused' WHEN d.staff THEN 'skipped'
            WHEN s.date_of_birth IS NOT DISTINCT FROM d.birth THEN 'unchanged'
            WHEN s.id IS NULL THEN 'added' ELSE 'changed' END,
       CASE WHEN d.refused IS NOT NULL THEN d.refused
            WHEN d.staff THEN format('%s: caseload keeps no birth dates for staff', d.sourced_id)
            WHEN s.id IS NULL THEN format('birth date %s of new student %s', d.birth, d.sourced_id)
            ELSE format('student %s: birth date %s → %s', s.local_id,
                        COALESCE(s.date_of_birth::text, 'none'), d.birth) END
  FROM public.oneroster_demographics d
  LEFT JOIN public.students s ON s.id = d.student_id;

INSERT INTO public.oneroster_report
SELECT 'enrollments.csv', e.line,
       CASE WHEN e.refused IS NOT NULL THEN 'refused'
            WHEN NOT e.carries OR s.enrollment_date IS NOT DISTINCT FROM e.begin_date THEN 'unchanged'
            WHEN s.id IS NULL THEN 'added' ELSE 'changed' END,
       CASE WHEN e.refused IS NOT NULL THEN e.refused
            WHEN s.id IS NULL THEN format('enrollment date %s of new student %s', e.begin_date, e.user_sid)
            ELSE format('student %s: enrollment date %s → %s', s.local_id,
                        COALESCE(s.enrollment_date::text, 'none'), e.begin_date) END
  FROM public.oneroster_enrollments e
  LEFT JOIN public.students s ON s.id = e.student_id;
";

pub const REPORT: &str =
    "SELECT file, line::bigint, outcome, detail FROM public.oneroster_report ORDER BY file, line";

/// The writes, each table in one statement. Only rows that differ are
/// updated, so an unchanged student keeps its version and updated_at.
pub const APPLY: &str = "
INSERT INTO public.schools (id, name, local_id, sourced_id, low_grade, high_grade)
SELECT o.id, o.name, o.local_id, o.sourced_id, COALESCE(g.lo, 'KG'), COALESCE(g.hi, '12')
  FROM public.oneroster_orgs o
  LEFT JOIN (SELECT school_id, min(grade) AS lo, max(grade) AS hi FROM public.oneroster_users
              WHERE is_student AND refused IS NULL GROUP BY school_id) g ON g.school_id = o.id
 WHERE o.is_new AND o.refused IS NULL;
UPDATE public.schools s SET name = o.name, local_id = o.local_id, sourced_id = o.sourced_id
  FROM public.oneroster_orgs o
 WHERE s.id = o.id AND NOT o.is_new AND o.refused IS NULL
   AND (s.name, s.local_id, s.sourced_id) IS DISTINCT FROM (o.name, o.local_id, o.sourced_id);

INSERT INTO public.users (id, username, display_name, email, home_school_id, is_active, sourced_id)
SELECT id, username, given || ' ' || family, email, school_id, enabled, sourced_id
  FROM public.oneroster_users WHERE NOT is_student AND is_new AND refused IS NULL;
UPDATE public.users x
   SET display_name = u.given || ' ' || u.family, email = u.email,
       home_school_id = u.school_id, sourced_id = u.sourced_id
  FROM public.oneroster_users u
 WHERE x.id = u.id AND NOT u.is_student AND NOT u.is_new AND u.refused IS NULL
   AND (x.display_name, x.email, x.home_school_id, x.sourced_id)
       IS DISTINCT FROM (u.given || ' ' || u.family, u.email, u.school_id, u.sourced_id);
INSERT INTO public.user_roles (user_id, role_id, school_id)
SELECT u.id, r.id, u.school_id
  FROM public.oneroster_users u JOIN public.roles r ON r.key = u.grant_role
 WHERE NOT u.is_student AND u.is_new AND u.refused IS NULL
ON CONFLICT DO NOTHING;

INSERT INTO public.students (id, school_id, local_id, sourced_id, first_name, last_name,
                             grade_level, status, date_of_birth, enrollment_date)
SELECT id, school_id, local_id, sourced_id, given, family, grade,
       CASE WHEN enabled THEN 'active' ELSE 'inactive' END::public.student_status, birth, enrolled
  FROM public.oneroster_users WHERE is_student AND is_new AND refused IS NULL;
UPDATE public.students s
   SET school_id = n.school_id, local_id = n.local_id, sourced_id = n.sourced_id,
       first_name = n.given, last_name = n.family, grade_level = n.grade, status = n.status,
       date_of_birth = n.birth, enrollment_date = n.enrolled
  FROM (SELECT u.id, u.school_id, u.local_id, u.sourced_id, u.given, u.family, u.grade,
               CASE WHEN NOT u.enabled AND s.status IN ('active', 'pending')
                      THEN 'inactive'::public.student_status
                    WHEN u.enabled AND s.status = 'inactive' THEN 'active'::public.student_status
                    ELSE s.status END AS status,
               COALESCE(u.birth, s.date_of_birth) AS birth,
               COALESCE(u.enrolled, s.enrollment_date) AS enrolled
          FROM public.oneroster_users u JOIN public.students s ON s.id = u.id
         WHERE u.is_student AND NOT u.is_new AND u.refused IS NULL) n
 WHERE s.id = n.id
   AND (s.school_id, s.local_id, s.sourced_id, s.first_name, s.last_name, s.grade_level,
        s.status, s.date_of_birth, s.enrollment_date)
       IS DISTINCT FROM (n.school_id, n.local_id, n.sourced_id, n.given, n.family, n.grade,
        n.status, n.birth, n.enrolled);

-- Students this export does not list in users.csv (a delta export).
UPDATE public.students s SET date_of_birth = d.birth
  FROM public.oneroster_demographics d
 WHERE s.id = d.student_id AND d.refused IS NULL AND NOT d.staff
   AND NOT EXISTS (SELECT 1 FROM public.oneroster_users u WHERE u.id = d.student_id)
   AND s.date_of_birth IS DISTINCT FROM d.birth;
UPDATE public.students s SET enrollment_date = e.begin_date
  FROM public.oneroster_enrollments e
 WHERE s.id = e.student_id AND e.carries
   AND NOT EXISTS (SELECT 1 FROM public.oneroster_users u WHERE u.id = e.student_id)
   AND s.enrollment_date IS DISTINCT FROM e.begin_date;
";
