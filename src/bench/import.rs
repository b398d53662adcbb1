//! `caseload bench --only import`: a OneRoster export of N students (and a
//! school per 500, a teacher per 20, a demographics and an enrollment line
//! per student) written to a temporary folder, then imported for real and
//! rolled back (`Mode::Rehearse`): every row is matched, compared and
//! written, and the database is left as it was. Needs an admin's or a
//! superuser's connection, as an import does.

use crate::oneroster::report::{Mode, Totals};
use crate::oneroster::{self, Options, Quiet};
use color_eyre::eyre::{Result, WrapErr};
use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::{Duration, Instant};
use tokio_postgres::Client;

/// Issue 16: 100k students in under a minute.
pub const TARGET: Duration = Duration::from_secs(60);

pub struct ImportFigure {
    pub students: usize,
    pub write_files: Duration,
    pub import: Duration,
    pub totals: Totals,
}

impl ImportFigure {
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "OneRoster export of {} students written in {:.2} s",
            self.students,
            self.write_files.as_secs_f64()
        );
        let verdict = if self.import < TARGET && self.totals.refused == 0 {
            "PASS"
        } else {
            "MISS"
        };
        let _ = writeln!(
            out,
            "import (read, stage, match, compare, write; rolled back): {:.2} s  target < {} s  {verdict}",
            self.import.as_secs_f64(),
            TARGET.as_secs()
        );
        let t = self.totals;
        let _ = writeln!(
            out,
            "lines: {} added, {} changed, {} left alone, {} refused",
            t.added, t.changed, t.left_alone, t.refused
        );
        out
    }
}

pub async fn run(client: &mut Client, students: usize) -> Result<ImportFigure> {
    let dir = std::env::temp_dir().join(format!("caseload-bench-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).wrap_err_with(|| format!("creating {}", dir.display()))?;
    let started = Instant::now();
    let written = write_export(&dir, students, &format!("b{}", std::process::id()));
    let write_files = started.elapsed();
    let result = match written {
        Ok(()) => {
            let started = Instant::now();
            let opts = Options {
                mode: Mode::Rehearse,
                logins: false,
            };
            oneroster::run(client, &dir, opts, &mut Quiet)
                .await
                .map(|r| (r.totals(), started.elapsed()))
        }
        Err(e) => Err(e),
    };
    let _ = std::fs::remove_dir_all(&dir);
    let (totals, import) = result?;
    Ok(ImportFigure {
        students,
        write_files,
        import,
        totals,
    })
}

const GRADES: [&str; 13] = [
    "KG", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12",
];

/// Writes a plausible export; `tag` keeps its ids apart from any stored.
pub fn write_export(dir: &Path, students: usize, tag: &str) -> Result<()> {
    let file = |name: &str| -> Result<BufWriter<std::fs::File>> {
        let p = dir.join(name);
        Ok(BufWriter::new(
            std::fs::File::create(&p).wrap_err_with(|| format!("creating {}", p.display()))?,
        ))
    };
    let schools = students.div_ceil(500).max(1);
    let teachers = students.div_ceil(20);
    let mut orgs = file("orgs.csv")?;
    writeln!(
        orgs,
        "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId"
    )?;
    writeln!(orgs, "{tag}-d,,,Bench District,district,{tag}-D,")?;
    for s in 0..schools {
        writeln!(
            orgs,
            "{tag}-s{s},,,Bench School {s},school,{tag}-S{s},{tag}-d"
        )?;
    }
    orgs.flush()?;
    let mut users = file("users.csv")?;
    let mut demo = file("demographics.csv")?;
    let mut enr = file("enrollments.csv")?;
    writeln!(
        users,
        "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,\
         givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password"
    )?;
    writeln!(demo, "sourcedId,status,dateLastModified,birthDate,sex")?;
    writeln!(
        enr,
        "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,\
         primary,beginDate,endDate"
    )?;
    for t in 0..teachers {
        let s = t % schools;
        writeln!(
            users,
            "{tag}-t{t},,,true,{tag}-s{s},teacher,{tag}_t{t}@bench.example.org,,Terry,\
             \"Teacher, {t}\",,T{t},{tag}.t{t}@bench.example.org,,,,,"
        )?;
    }
    for i in 0..students {
        let s = i % schools;
        let grade = GRADES[i % GRADES.len()];
        writeln!(
            users,
            "{tag}-u{i},,,true,{tag}-s{s},student,,,Student{},Family{},,{tag}-{i:07},,,,,{grade},",
            i % 997,
            i % 1009
        )?;
        writeln!(
            demo,
            "{tag}-u{i},,,20{:02}-{:02}-{:02},",
            10 + i % 12,
            1 + i % 12,
            1 + i % 28
        )?;
        writeln!(
            enr,
            "{tag}-e{i},,,{tag}-c{},{tag}-s{s},{tag}-u{i},student,true,2026-08-{:02},2027-06-10",
            i % 300,
            10 + i % 20
        )?;
    }
    users.flush()?;
    demo.flush()?;
    enr.flush()?;
    Ok(())
}
