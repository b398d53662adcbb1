//! `caseload import oneroster` against the real server, as an admin's own
//! login role: the dry-run report line by line, all-or-nothing, a re-run
//! that changes nothing, hostile files (BOM, CRLF, quotes and line breaks in
//! fields, missing columns, bad encoding, 10k rows with one bad line), a
//! .zip export, and `--logins`.

mod common;

use caseload::oneroster::report::{Mode, Outcome, Report};
use caseload::oneroster::{self, Options, Quiet};
use common::TestDb;
use common::roles::LoginRoles;
use std::path::Path;
use tokio_postgres::Client;

/// Login roles the import itself creates (`--logins`); cluster-wide, so
/// named per process and dropped after the database.
struct Made(Vec<String>);

impl Drop for Made {
    fn drop(&mut self) {
        let names = std::mem::take(&mut self.0);
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                let c = common::connect(&common::admin_conninfo()).await;
                for n in names {
                    let _ = c
                        .batch_execute(&format!("DROP ROLE IF EXISTS \"{n}\""))
                        .await;
                }
            });
        })
        .join()
        .expect("drop roles");
    }
}

/// An admin as the import runs in practice: their own login role, a
/// member of caseload_admin, with an admin grant (not a superuser).
async fn admin(db: &TestDb, su: &Client, roles: &LoginRoles) -> Client {
    let name = &roles.0[0];
    su.execute(
        "INSERT INTO users (username, display_name, email) VALUES ($1, 'Ada Admin', $1 || '@district.example.org')",
        &[name],
    )
    .await
    .expect("users row");
    su.execute(
        "INSERT INTO user_roles (user_id, role_id) \
         SELECT u.id, r.id FROM users u, roles r WHERE u.username = $1 AND r.key = 'admin'",
        &[name],
    )
    .await
    .expect("grant");
    common::connect(&LoginRoles::conninfo_as(&db.conninfo(), name)).await
}

fn teacher() -> String {
    format!("t{}_rivera", std::process::id())
}

/// The export a district would send; `bad` adds the lines that must be refused.
fn write_fixture(dir: &Path, bad: bool) {
    let t = teacher();
    let mut users = String::from(
        "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,\
         givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password\n\
         u1,,,true,s-north,student,,,Ana,López,,1001,,,,,03,\n\
         u2,,,true,s-north,student,,,Ben,Okafor,,1002,,,,,04,\n\
         u3,,,true,s-south,student,,,Cai,Nguyen,,2001,,,,,07,\n",
    );
    if bad {
        users.push_str(
            "u4,,,true,s-x,student,,,Dee,Unknown,,2002,,,,,07,\n\
             u5,,,true,s-north,student,,,Eve,Thirteen,,1003,,,,,13,\n\
             u1,,,true,s-north,student,,,Ana,Again,,1004,,,,,03,\n",
        );
    }
    users.push_str(&format!(
        "t1,,,true,\"d1,s-north\",teacher,{t}@maple.example.org,,Maria,Rivera,,T1,\
         {t}@maple.example.org,,,,,\n\
         p1,,,true,s-north,parent,,,Pat,Parent,,,,,,u1,,\n"
    ));
    let mut demographics = String::from(
        "sourcedId,status,dateLastModified,birthDate,sex\n\
         u1,,,2017-05-04,female\n\
         u3,,,2013-01-02,male\n",
    );
    if bad {
        demographics.push_str("u9,,,2012-01-01,male\n");
    }
    let school_of_e3 = if bad { "s-gone" } else { "s-north" };
    let files = [
        (
            "orgs.csv",
            "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n\
             d1,active,2026-08-01,Maple District,district,MD,\n\
             s-north,active,2026-08-01,North Elementary,school,NE,d1\n\
             s-south,active,2026-08-01,South Middle,school,SM,d1\n"
                .to_string(),
        ),
        ("users.csv", users),
        ("demographics.csv", demographics),
        (
            "enrollments.csv",
            format!(
                "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,\
                 role,primary,beginDate,endDate\n\
                 e1,,,c1,s-north,u1,student,,2026-08-20,\n\
                 e2,,,c2,s-north,u1,student,,2026-08-25,\n\
                 e3,,,c1,{school_of_e3},u2,student,,2026-08-20,\n\
                 e4,,,c1,s-north,t1,teacher,,2026-08-20,\n"
            ),
        ),
        ("classes.csv", "sourcedId,title\nc1,Reading\n".to_string()),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("fixture");
    }
}

/// What the district already had: South Middle under its old name and
/// without a sourcedId, and Cai in grade 6 without a birth date.
async fn existing(su: &Client) {
    su.batch_execute(
        "INSERT INTO schools (name, local_id, low_grade, high_grade) VALUES ('Old South', 'SM', '06', '08'); \
         INSERT INTO students (school_id, local_id, sourced_id, first_name, last_name, grade_level) \
         SELECT id, '2001', 'u3', 'Cai', 'Nguyen', '06' FROM schools WHERE local_id = 'SM';",
    )
    .await
    .expect("existing rows");
}

async fn import(c: &mut Client, dir: &Path, mode: Mode) -> Report {
    oneroster::run(
        c,
        dir,
        Options {
            mode,
            logins: false,
        },
        &mut Quiet,
    )
    .await
    .expect("import")
}

/// Every row the import may touch, with its version and updated_at: equal
/// before and after means nothing was written.
async fn snapshot(su: &Client) -> Vec<String> {
    su.query(
        "SELECT 'school ' || local_id || ' ' || name || ' ' || coalesce(sourced_id, '-') || ' ' || updated_at FROM schools \
         UNION ALL SELECT 'student ' || local_id || ' ' || first_name || ' ' || grade_level || ' ' || \
           coalesce(date_of_birth::text, '-') || ' ' || coalesce(enrollment_date::text, '-') || ' v' || version || ' ' || updated_at FROM students \
         UNION ALL SELECT 'user ' || username || ' ' || email || ' ' || updated_at FROM users \
         UNION ALL SELECT 'grant ' || user_id || ' ' || role_id FROM user_roles \
         ORDER BY 1",
        &[],
    )
    .await
    .expect("snapshot")
    .iter()
    .map(|r| r.get(0))
    .collect()
}

#[tokio::test]
async fn dry_run_reports_every_line_and_writes_nothing() {
    let roles = LoginRoles::create(
        &common::connect(&common::admin_conninfo()).await,
        "caseload_admin",
        1,
    )
    .await;
    let db = TestDb::new().await;
    let su = db.admin().await;
    existing(&su).await;
    let mut c = admin(&db, &su, &roles).await;
    let dir = tempfile::tempdir().expect("tempdir");
    write_fixture(dir.path(), true);
    let before = snapshot(&su).await;

    let report = import(&mut c, dir.path(), Mode::DryRun).await;
    let t = teacher();
    assert_eq!(
        report.render(),
        format!(
            "orgs.csv: 1 added, 1 changed, 1 left alone, 0 refused
  orgs.csv:2: left alone: district d1: caseload keeps schools only
  orgs.csv:3: added: school NE (North Elementary)
  orgs.csv:4: changed: school SM: name Old South → South Middle; sourcedId set to s-south (matched by local id)
users.csv: 3 added, 1 changed, 1 left alone, 3 refused
  users.csv:2: added: student 1001 López, Ana (grade 03 at NE)
  users.csv:3: added: student 1002 Okafor, Ben (grade 04 at NE)
  users.csv:4: changed: student 2001: grade 06 → 07
  users.csv:5: refused: unknown org s-x (not in orgs.csv, and no school has that sourcedId)
  users.csv:6: refused: bad grade \"13\" (caseload knows PK, TK, KG, 01–12 and UG)
  users.csv:7: refused: duplicate sourcedId u1 (first on line 2)
  users.csv:8: added: staff {t} (Maria Rivera, {t}@maple.example.org) as teacher
  users.csv:9: left alone: parent p1: caseload keeps guardians with the student, not as users
demographics.csv: 1 added, 1 changed, 0 left alone, 1 refused
  demographics.csv:2: added: birth date 2017-05-04 of new student u1
  demographics.csv:3: changed: student 2001: birth date none → 2013-01-02
  demographics.csv:4: refused: unknown user u9 (not in users.csv, and nobody has that sourcedId)
enrollments.csv: 1 added, 0 changed, 2 left alone, 1 refused
  enrollments.csv:2: added: enrollment date 2026-08-20 of new student u1
  enrollments.csv:4: refused: unknown school s-gone (not in orgs.csv, and no school has that sourcedId)
  enrollments.csv: left alone (unchanged): line 3, line 5
classes.csv: not read (caseload keeps no classes)
dry run: 6 added, 3 changed, 4 left alone, 5 refused; a real run would import nothing until the refused lines are fixed
"
        )
    );
    assert_eq!(snapshot(&su).await, before, "a dry run writes nothing");

    // The real run of the same files refuses the same lines and writes nothing.
    let real = import(&mut c, dir.path(), Mode::Import).await;
    assert!(!real.committed);
    assert_eq!(real.refused(), 5);
    assert!(real.render().ends_with(
        "not imported: 6 added, 3 changed, 4 left alone, 5 refused; nothing was written\n"
    ));
    assert_eq!(snapshot(&su).await, before, "nothing half-imported");
}

#[tokio::test]
async fn real_run_imports_all_and_a_second_run_changes_nothing() {
    let roles = LoginRoles::create(
        &common::connect(&common::admin_conninfo()).await,
        "caseload_admin",
        1,
    )
    .await;
    let db = TestDb::new().await;
    let su = db.admin().await;
    existing(&su).await;
    let mut c = admin(&db, &su, &roles).await;
    let dir = tempfile::tempdir().expect("tempdir");
    write_fixture(dir.path(), false);

    let report = import(&mut c, dir.path(), Mode::Import).await;
    assert!(report.committed, "{}", report.render());
    assert!(
        report
            .render()
            .ends_with("imported: 7 added, 3 changed, 4 left alone, 0 refused\n"),
        "{}",
        report.render()
    );
    let students: Vec<String> = su
        .query(
            "SELECT st.local_id || ' ' || st.first_name || ' ' || st.last_name || ' ' || st.grade_level \
                    || ' ' || s.local_id || ' ' || coalesce(st.date_of_birth::text, '-') || ' ' \
                    || coalesce(st.enrollment_date::text, '-') || ' ' || st.status || ' ' || st.sourced_id \
             FROM students st JOIN schools s ON s.id = st.school_id ORDER BY 1",
            &[],
        )
        .await
        .expect("students")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        students,
        vec![
            "1001 Ana López 03 NE 2017-05-04 2026-08-20 active u1",
            "1002 Ben Okafor 04 NE - 2026-08-20 active u2",
            "2001 Cai Nguyen 07 SM 2013-01-02 - active u3",
        ]
    );
    let staff: (String, String, String, String) = {
        let r = su
            .query_one(
                "SELECT u.username || ' ' || u.display_name, s.local_id, u.sourced_id, \
                        (SELECT string_agg(r.key, ',') FROM user_roles ur JOIN roles r ON r.id = ur.role_id \
                          WHERE ur.user_id = u.id) \
                 FROM users u JOIN schools s ON s.id = u.home_school_id WHERE u.sourced_id = 't1'",
                &[],
            )
            .await
            .expect("staff");
        (r.get(0), r.get(1), r.get(2), r.get(3))
    };
    assert_eq!(
        staff,
        (
            format!("{} Maria Rivera", teacher()),
            "NE".into(),
            "t1".into(),
            "teacher".into()
        )
    );
    let school: String = su
        .query_one(
            "SELECT name || ' ' || sourced_id FROM schools WHERE local_id = 'SM'",
            &[],
        )
        .await
        .expect("school")
        .get(0);
    assert_eq!(school, "South Middle s-south");

    // Again: every line left alone, and no row so much as touched.
    let before = snapshot(&su).await;
    let again = import(&mut c, dir.path(), Mode::Import).await;
    assert_eq!(
        again.render(),
        "orgs.csv: 0 added, 0 changed, 3 left alone, 0 refused
  orgs.csv:2: left alone: district d1: caseload keeps schools only
  orgs.csv: left alone (unchanged): lines 3–4
users.csv: 0 added, 0 changed, 5 left alone, 0 refused
  users.csv:6: left alone: parent p1: caseload keeps guardians with the student, not as users
  users.csv: left alone (unchanged): lines 2–5
demographics.csv: 0 added, 0 changed, 2 left alone, 0 refused
  demographics.csv: left alone (unchanged): lines 2–3
enrollments.csv: 0 added, 0 changed, 4 left alone, 0 refused
  enrollments.csv: left alone (unchanged): lines 2–5
classes.csv: not read (caseload keeps no classes)
imported: 0 added, 0 changed, 14 left alone, 0 refused
"
    );
    assert_eq!(snapshot(&su).await, before, "a second run writes nothing");
    let staged: i64 = su
        .query_one("SELECT count(*) FROM oneroster_users", &[])
        .await
        .expect("staging")
        .get(0);
    assert_eq!(staged, 0, "staging rows never outlive the import");
}

#[tokio::test]
async fn hostile_files_are_read_or_refused_line_by_line() {
    let roles = LoginRoles::create(
        &common::connect(&common::admin_conninfo()).await,
        "caseload_admin",
        1,
    )
    .await;
    let db = TestDb::new().await;
    let su = db.admin().await;
    let mut c = admin(&db, &su, &roles).await;
    let dir = tempfile::tempdir().expect("tempdir");
    // BOM, CRLF, a quoted comma and quotes in a name, a line break inside a
    // quoted field (so the next record starts two lines on), a name with a
    // line break (refused: names hold no control characters), Latin-1 bytes.
    std::fs::write(
        dir.path().join("orgs.csv"),
        "\u{feff}sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\r\n\
         s1,,,\"Lincoln, \"\"Abe\"\" Elementary\",school,L1,\r\n",
    )
    .expect("orgs");
    let users: Vec<u8> = b"\xEF\xBB\xBFsourcedId,enabledUser,orgSourcedIds,role,username,givenName,familyName,identifier,grades,middleName\r\n\
          a,true,s1,student,,\"O'Brien, \"\"Jr\"\"\",Smith,A1,05,\"two\r\nlines\"\r\n\
          b,true,s1,student,,Bea,\"Line\r\nBreak\",B1,05,\r\n\
          c,true,s1,student,,Ren\xE9,Latin,C1,05,\r\n\
          d,true,s1,student,,Dot,Last,D1,KG,\r\n"
        .to_vec();
    std::fs::write(dir.path().join("users.csv"), &users).expect("users");
    // demographics without its birthDate column: the whole file is refused.
    std::fs::write(
        dir.path().join("demographics.csv"),
        "sourcedId,sex\r\na,female\r\n",
    )
    .expect("demographics");

    let report = import(&mut c, dir.path(), Mode::DryRun).await;
    assert_eq!(
        report.render(),
        "orgs.csv: 1 added, 0 changed, 0 left alone, 0 refused
  orgs.csv:2: added: school L1 (Lincoln, \"Abe\" Elementary)
users.csv: 2 added, 0 changed, 0 left alone, 2 refused
  users.csv:2: added: student A1 Smith, O'Brien, \"Jr\" (grade 05 at L1)
  users.csv:4: refused: familyName holds control characters (a line break, tab or escape)
  users.csv:6: refused: bad encoding: givenName is not UTF-8
  users.csv:7: added: student D1 Last, Dot (grade KG at L1)
demographics.csv: 0 added, 0 changed, 0 left alone, 1 refused
  demographics.csv:1: refused: missing required column birthDate
enrollments.csv: not read (not in this export)
dry run: 3 added, 0 changed, 0 left alone, 3 refused; a real run would import nothing until the refused lines are fixed
"
    );
}

#[tokio::test]
async fn ten_thousand_rows_with_one_bad_line_import_nothing() {
    let roles = LoginRoles::create(
        &common::connect(&common::admin_conninfo()).await,
        "caseload_admin",
        1,
    )
    .await;
    let db = TestDb::new().await;
    let su = db.admin().await;
    let mut c = admin(&db, &su, &roles).await;
    let dir = tempfile::tempdir().expect("tempdir");
    caseload::bench::import::write_export(dir.path(), 10_000, "h").expect("export");
    // Line 5,000 of users.csv gets a grade no school has.
    let path = dir.path().join("users.csv");
    let text = std::fs::read_to_string(&path).expect("users");
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let (head, _grade) = lines[4_999]
        .trim_end_matches(',')
        .rsplit_once(',')
        .expect("a student line");
    lines[4_999] = format!("{head},5th,");
    std::fs::write(&path, lines.join("\n") + "\n").expect("users");

    let report = import(&mut c, dir.path(), Mode::DryRun).await;
    let refused: Vec<String> = report
        .files
        .iter()
        .flat_map(|f| {
            f.lines.iter().filter_map(move |l| match &l.outcome {
                Outcome::Refused(why) => Some(format!("{}:{}: {why}", f.name, l.line)),
                _ => None,
            })
        })
        .collect();
    assert_eq!(
        refused,
        vec![
            "users.csv:5000: bad grade \"5th\" (caseload knows PK, TK, KG, 01–12 and UG)"
                .to_string(),
            "demographics.csv:4500: its user was refused (users.csv line 5000)".to_string(),
            "enrollments.csv:4500: its user was refused (users.csv line 5000)".to_string(),
        ]
    );
    let real = import(&mut c, dir.path(), Mode::Import).await;
    assert!(!real.committed);
    let n: i64 = su
        .query_one("SELECT count(*) FROM students", &[])
        .await
        .expect("count")
        .get(0);
    assert_eq!(n, 0, "one bad line: nothing imported");
}

#[tokio::test]
async fn a_zip_export_imports_like_its_folder() {
    use std::io::Write;
    let roles = LoginRoles::create(
        &common::connect(&common::admin_conninfo()).await,
        "caseload_admin",
        1,
    )
    .await;
    let db = TestDb::new().await;
    let su = db.admin().await;
    existing(&su).await;
    let mut c = admin(&db, &su, &roles).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("export");
    std::fs::create_dir(&folder).expect("folder");
    write_fixture(&folder, false);
    // Zipped with its folder, deflated, as a rostering system sends it.
    let zip_path = dir.path().join("export.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).expect("zip"));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for name in [
        "orgs.csv",
        "users.csv",
        "demographics.csv",
        "enrollments.csv",
        "classes.csv",
    ] {
        zip.start_file(format!("export/{name}"), opts)
            .expect("entry");
        zip.write_all(&std::fs::read(folder.join(name)).expect("read"))
            .expect("write");
    }
    zip.finish().expect("finish");

    let from_zip = import(&mut c, &zip_path, Mode::DryRun).await;
    let from_folder = import(&mut c, &folder, Mode::DryRun).await;
    assert_eq!(from_zip.render(), from_folder.render());
    assert!(
        from_zip
            .render()
            .contains("users.csv:2: added: student 1001 López, Ana")
    );

    let not_zip = dir.path().join("users.txt");
    std::fs::write(&not_zip, "hello").expect("file");
    let e = oneroster::run(
        &mut c,
        &not_zip,
        Options {
            mode: Mode::DryRun,
            logins: false,
        },
        &mut Quiet,
    )
    .await
    .expect_err("not an export");
    assert!(
        e.to_string()
            .contains("is not a folder or a readable .zip file"),
        "{e}"
    );
}

#[tokio::test]
async fn logins_option_gives_new_staff_a_login_role_that_signs_in() {
    let made = Made(vec![teacher()]);
    let db = TestDb::new().await;
    let mut su = db.admin().await;
    let dir = tempfile::tempdir().expect("tempdir");
    write_fixture(dir.path(), false);
    // As the superuser: --logins needs CREATEROLE, which admins' roles lack.
    let report = oneroster::run(
        &mut su,
        dir.path(),
        Options {
            mode: Mode::Import,
            logins: true,
        },
        &mut Quiet,
    )
    .await
    .expect("import");
    assert!(report.committed, "{}", report.render());
    let me = common::connect(&LoginRoles::conninfo_as(&db.conninfo(), &made.0[0])).await;
    let who: String = me
        .query_one(
            "SELECT u.display_name FROM users u WHERE u.id = caseload_current_user_id()",
            &[],
        )
        .await
        .expect("signed in")
        .get(0);
    assert_eq!(who, "Maria Rivera");
    let teacher_member: bool = me
        .query_one(
            "SELECT pg_has_role(current_user, 'caseload_teacher', 'member')",
            &[],
        )
        .await
        .expect("membership")
        .get(0);
    assert!(teacher_member);
}

fn caseload(conninfo: &str, args: &[&str]) -> std::process::Output {
    // No config file or log of the developer's gets involved.
    let home = tempfile::tempdir().expect("home");
    std::process::Command::new(env!("CARGO_BIN_EXE_caseload"))
        .arg("--database-url")
        .arg(conninfo)
        .args(args)
        .env_remove("CASELOAD_CONFIG")
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path())
        .env("XDG_STATE_HOME", home.path())
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("run caseload")
}

#[tokio::test]
async fn the_binary_prints_the_report_and_exits_1_on_refusals() {
    let roles = LoginRoles::create(
        &common::connect(&common::admin_conninfo()).await,
        "caseload_admin",
        1,
    )
    .await;
    let db = TestDb::new().await;
    let su = db.admin().await;
    existing(&su).await;
    let _c = admin(&db, &su, &roles).await;
    let as_admin = LoginRoles::conninfo_as(&db.conninfo(), &roles.0[0]);
    let bad = tempfile::tempdir().expect("tempdir");
    write_fixture(bad.path(), true);
    let good = tempfile::tempdir().expect("tempdir");
    write_fixture(good.path(), false);
    let path = |d: &tempfile::TempDir| d.path().display().to_string();

    let out = caseload(
        &as_admin,
        &["import", "oneroster", &path(&bad), "--dry-run"],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("users.csv:6: refused: bad grade \"13\""),
        "{stdout}"
    );

    let out = caseload(
        &as_admin,
        &["import", "oneroster", &path(&good), "--dry-run"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).ends_with(
            "dry run: 7 added, 3 changed, 4 left alone, 0 refused; nothing was written\n"
        )
    );

    let out = caseload(&as_admin, &["import", "oneroster", &path(&good)]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .ends_with("imported: 7 added, 3 changed, 4 left alone, 0 refused\n")
    );
    let n: i64 = su
        .query_one("SELECT count(*) FROM students", &[])
        .await
        .expect("n")
        .get(0);
    assert_eq!(n, 3);

    let missing = bad.path().join("nothing-here");
    let out = caseload(
        &as_admin,
        &["import", "oneroster", &missing.display().to_string()],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot read"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
