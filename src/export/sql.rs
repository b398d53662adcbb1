//! The exports' queries. Each reads through the person's own connection, so
//! row-level security decides every row (restricted sessions included), and
//! returns the table with the ids of the students in it, for the audit
//! event. Values are rendered as text by PostgreSQL (`::text`) as psql
//! would show them; the last column of each query is the student's id.

use super::csv::Table;
use crate::db::roster::{Params, filtered};
use crate::db::unnamed::Unnamed;
use crate::domain::roster::RosterQuery;
use chrono::NaiveDate;
use tokio_postgres::GenericClient;
use uuid::Uuid;

/// A table and the students it holds.
pub struct Rows {
    pub table: Table,
    pub students: Vec<Uuid>,
}

fn split(rows: Vec<tokio_postgres::Row>, columns: Vec<&'static str>) -> Rows {
    let n = columns.len();
    let mut students = Vec::with_capacity(rows.len());
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push((0..n).map(|i| r.get::<_, Option<String>>(i)).collect());
        students.push(r.get::<_, Uuid>(n));
    }
    students.sort_unstable();
    students.dedup();
    Rows {
        table: Table { columns, rows: out },
        students,
    }
}

fn yes_no(col: &str) -> String {
    format!("CASE WHEN {col} THEN 'yes' ELSE 'no' END")
}

/// The roster with the person's search, filters and sort.
pub async fn roster(
    client: &(impl GenericClient + Sync),
    q: &RosterQuery,
) -> Result<Rows, tokio_postgres::Error> {
    let mut p = Params::default();
    let (w, order) = filtered(q, &mut p);
    let sql = format!(
        "SELECT s.local_id, s.last_name, s.first_name, s.preferred_name, s.grade_level::text, \
                COALESCE(sc.short_name, sc.name), s.status::text, {iep}, {s504}, {el}, \
                u.display_name, s.last_session_date::text, s.id \
         FROM students s JOIN schools sc ON sc.id = s.school_id \
         LEFT JOIN users u ON u.id = s.counselor_id \
         {w} ORDER BY {order}",
        iep = yes_no("s.has_iep"),
        s504 = yes_no("s.has_504"),
        el = yes_no("s.is_english_learner"),
    );
    let rows = client.fetch(&sql, &p.refs()).await?;
    Ok(split(
        rows,
        vec![
            "student_id",
            "last_name",
            "first_name",
            "preferred_name",
            "grade",
            "school",
            "status",
            "iep",
            "504",
            "english_learner",
            "counselor",
            "last_session",
        ],
    ))
}

/// A caseload: the students a person counsels or works with through an
/// intervention (as its owner or on its team), one line per open
/// intervention (a student without one has one line with those columns
/// empty). `person` is the caseload's user id.
pub async fn caseload(
    client: &(impl GenericClient + Sync),
    person: Uuid,
) -> Result<Rows, tokio_postgres::Error> {
    let sql = format!(
        "WITH mine AS ( \
           SELECT s.id FROM students s WHERE s.counselor_id = $1 \
           UNION SELECT i.student_id FROM interventions i WHERE i.owner_id = $1 \
           UNION SELECT i.student_id FROM intervention_team t \
             JOIN interventions i ON i.id = t.intervention_id WHERE t.user_id = $1) \
         SELECT s.local_id, s.last_name, s.first_name, s.grade_level::text, \
                COALESCE(sc.short_name, sc.name), u.display_name, \
                COALESCE(p.name, i.custom_name), i.intervention_type::text, i.tier::text, \
                i.status::text, o.display_name, i.start_date::text, i.planned_end_date::text, \
                CASE WHEN i.id IS NULL THEN NULL ELSE {off} END, s.id \
         FROM students s JOIN mine ON mine.id = s.id \
         JOIN schools sc ON sc.id = s.school_id \
         LEFT JOIN users u ON u.id = s.counselor_id \
         LEFT JOIN interventions i ON i.student_id = s.id \
           AND i.status NOT IN ('completed', 'discontinued') \
         LEFT JOIN intervention_programs p ON p.id = i.program_id \
         LEFT JOIN users o ON o.id = i.owner_id \
         LEFT JOIN intervention_list l ON l.intervention_id = i.id \
         ORDER BY s.last_name COLLATE caseload_names, s.first_name COLLATE caseload_names, s.id, \
                  i.start_date, i.id",
        off = yes_no("COALESCE(l.off_track, false)"),
    );
    let rows = client.fetch(&sql, &[&person]).await?;
    Ok(split(
        rows,
        vec![
            "student_id",
            "last_name",
            "first_name",
            "grade",
            "school",
            "counselor",
            "intervention",
            "type",
            "tier",
            "status",
            "owner",
            "start_date",
            "planned_end_date",
            "off_track",
        ],
    ))
}

const STUDENT_COLUMNS: &str = "s.local_id, s.last_name, s.first_name, COALESCE(sc.short_name, sc.name), \
     COALESCE(p.name, i.custom_name)";

const INTERVENTION_JOINS: &str = "JOIN interventions i ON i.id = x.intervention_id \
     JOIN students s ON s.id = i.student_id \
     JOIN schools sc ON sc.id = s.school_id \
     LEFT JOIN intervention_programs p ON p.id = i.program_id";

/// Sessions from `from` to `to` (both included), at one school if given.
pub async fn sessions(
    client: &(impl GenericClient + Sync),
    from: NaiveDate,
    to: NaiveDate,
    school: Option<Uuid>,
) -> Result<Rows, tokio_postgres::Error> {
    let sql = format!(
        "SELECT x.session_date::text, {STUDENT_COLUMNS}, i.tier::text, x.attendance, \
                x.minutes::text, x.fidelity::text, u.display_name, x.note, s.id \
         FROM intervention_sessions x {INTERVENTION_JOINS} \
         LEFT JOIN users u ON u.id = x.delivered_by \
         WHERE x.session_date BETWEEN $1 AND $2 AND ($3::uuid IS NULL OR s.school_id = $3) \
         ORDER BY x.session_date, s.last_name COLLATE caseload_names, \
                  s.first_name COLLATE caseload_names, x.start_time, x.id"
    );
    let rows = client.fetch(&sql, &[&from, &to, &school]).await?;
    Ok(split(
        rows,
        vec![
            "date",
            "student_id",
            "last_name",
            "first_name",
            "school",
            "intervention",
            "tier",
            "attendance",
            "minutes",
            "fidelity",
            "delivered_by",
            "note",
        ],
    ))
}

/// Progress measurements from `from` to `to`, at one school if given.
pub async fn measurements(
    client: &(impl GenericClient + Sync),
    from: NaiveDate,
    to: NaiveDate,
    school: Option<Uuid>,
) -> Result<Rows, tokio_postgres::Error> {
    let sql = format!(
        "SELECT m.measured_on::text, {STUDENT_COLUMNS}, x.statement, x.measure, \
                m.value::text, x.unit, m.note, s.id \
         FROM progress_measurements m JOIN intervention_goals x ON x.id = m.goal_id \
         {INTERVENTION_JOINS} \
         WHERE m.measured_on BETWEEN $1 AND $2 AND ($3::uuid IS NULL OR s.school_id = $3) \
         ORDER BY m.measured_on, s.last_name COLLATE caseload_names, \
                  s.first_name COLLATE caseload_names, x.sort_order, m.id"
    );
    let rows = client.fetch(&sql, &[&from, &to, &school]).await?;
    Ok(split(
        rows,
        vec![
            "date",
            "student_id",
            "last_name",
            "first_name",
            "school",
            "intervention",
            "goal",
            "measure",
            "value",
            "unit",
            "note",
        ],
    ))
}
