//! One student's whole record for the tabbed student screen, and the two
//! writes it offers (profile, guardian), each guarded by the row's version.
//!
//! Visibility is row-level security's business: every query here filters on
//! the student's id only, so what a person sees is exactly what the database
//! lets them see, in psql as here.

use crate::db::interventions::error::WriteError;
use crate::db::interventions::goals::{
    GOAL_COLUMNS, MEASUREMENT_COLUMNS, goal_row, measurement_row,
};
use crate::db::interventions::settings::{RULE_SETTINGS_SQL, rule_settings};
use crate::db::students::activity;
use crate::db::unnamed::{Param, Unnamed};
use crate::domain::goals::GoalWithPoints;
use crate::domain::student::StudentTheirs;
use crate::domain::student::{
    Change, CommunicationLine, DocumentLine, GuardianFields, InterventionLine, Profile, Progress,
    SaveOutcome, StudentRecord, Versioned,
};
use tokio_postgres::error::SqlState;
use tokio_postgres::{GenericClient, Row};
use uuid::Uuid;

/// How many communications the tab shows (newest first).
pub const COMMUNICATION_LIMIT: i64 = 200;

const PROFILE_COLUMNS: &str = "s.id, s.version, s.first_name, s.last_name, s.preferred_name, \
     s.date_of_birth, s.grade_level, s.status, s.has_iep, s.has_504, s.is_english_learner, \
     s.enrollment_date, s.exit_date";

fn profile_row(r: &Row) -> Versioned<Profile> {
    Versioned {
        id: r.get(0),
        version: r.get(1),
        value: Profile {
            first_name: r.get(2),
            last_name: r.get(3),
            preferred_name: r.get(4),
            date_of_birth: r.get(5),
            grade: r.get(6),
            status: r.get(7),
            has_iep: r.get(8),
            has_504: r.get(9),
            is_english_learner: r.get(10),
            enrollment_date: r.get(11),
            exit_date: r.get(12),
        },
    }
}

const GUARDIAN_COLUMNS: &str = "id, version, first_name, last_name, relationship, email, phone, \
     preferred_channel, preferred_language, contact_priority, has_custody, \
     has_educational_rights, is_emergency_contact, receives_communications";

fn guardian_row(r: &Row) -> Versioned<GuardianFields> {
    Versioned {
        id: r.get(0),
        version: r.get(1),
        value: GuardianFields {
            first_name: r.get(2),
            last_name: r.get(3),
            relationship: r.get(4),
            email: r.get(5),
            phone: r.get(6),
            preferred_channel: r.get(7),
            preferred_language: r.get(8),
            contact_priority: r.get(9),
            has_custody: r.get(10),
            has_educational_rights: r.get(11),
            is_emergency_contact: r.get(12),
            receives_communications: r.get(13),
        },
    }
}

/// The whole record, or `None` when the student is not visible. Recording
/// the view comes first (pipelined statements may run in any order, so the
/// activity waits for it and shows the read it caused); everything else is
/// pipelined on the one connection with it.
pub async fn load(
    client: &(impl GenericClient + Sync),
    id: Uuid,
) -> Result<Option<StudentRecord>, tokio_postgres::Error> {
    let profile_sql = format!(
        "SELECT {PROFILE_COLUMNS}, sc.name, s.local_id, s.state_id, \
                (SELECT u.display_name FROM users u WHERE u.id = s.counselor_id) \
         FROM students s JOIN schools sc ON sc.id = s.school_id WHERE s.id = $1"
    );
    let guardians_sql = format!(
        "SELECT {GUARDIAN_COLUMNS} FROM student_guardians WHERE student_id = $1 \
         ORDER BY contact_priority, last_name COLLATE caseload_names, \
           first_name COLLATE caseload_names, id"
    );
    let by_id: [&dyn Param; 1] = [&id];
    let with_limit: [&dyn Param; 2] = [&id, &COMMUNICATION_LIMIT];
    let read_then_activity = async {
        client
            .fetch_one("SELECT caseload_record_student_view($1)", &by_id)
            .await?;
        activity(client, id).await
    };
    let goals_sql = format!(
        "SELECT {GOAL_COLUMNS} FROM intervention_goals g \
         JOIN interventions i ON i.id = g.intervention_id \
         WHERE i.student_id = $1 AND g.status = 'active'"
    );
    let points_sql = format!(
        "SELECT {MEASUREMENT_COLUMNS} FROM progress_measurements m \
         JOIN intervention_goals g ON g.id = m.goal_id \
         JOIN interventions i ON i.id = g.intervention_id \
         WHERE i.student_id = $1 AND g.status = 'active'"
    );
    let (
        (found, guardians, interventions, communications, documents, activity),
        (goals, points, settings),
    ) = tokio::try_join!(
        async {
            tokio::try_join!(
        client.fetch_opt(&profile_sql, &by_id),
        client.fetch(&guardians_sql, &by_id),
        client.fetch(
            "SELECT i.id, i.status, i.tier, COALESCE(p.name, i.custom_name, ''), u.display_name, \
                    i.start_date, i.planned_end_date \
             FROM interventions i \
             LEFT JOIN intervention_programs p ON p.id = i.program_id \
             LEFT JOIN users u ON u.id = i.owner_id \
             WHERE i.student_id = $1 \
             ORDER BY i.status IN ('completed', 'discontinued'), i.start_date DESC NULLS FIRST, i.id",
            &by_id,
        ),
        client.fetch(
            "SELECT to_char(c.occurred_at, 'YYYY-MM-DD HH24:MI'), c.direction, c.channel, \
                    g.first_name || ' ' || g.last_name, c.purpose, c.result, c.follow_up_due, \
                    c.follow_up_done_at IS NOT NULL, c.id \
             FROM communication_log c LEFT JOIN student_guardians g ON g.id = c.guardian_id \
             WHERE c.student_id = $1 ORDER BY c.occurred_at DESC, c.id LIMIT $2",
            &with_limit,
        ),
        client.fetch(
            "SELECT filename, content_type, byte_size, to_char(created_at, 'YYYY-MM-DD'), \
                    is_restricted, id, title, category \
             FROM documents WHERE student_id = $1 AND deleted_at IS NULL \
             ORDER BY created_at DESC, id",
            &by_id,
        ),
        read_then_activity,
            )
        },
        async {
            tokio::try_join!(
                client.fetch(&goals_sql, &by_id),
                client.fetch(&points_sql, &by_id),
                client.fetch(RULE_SETTINGS_SQL, &[]),
            )
        },
    )?;
    let Some(r) = found else {
        return Ok(None);
    };
    let progress = Progress::by_intervention(
        GoalWithPoints::group(
            goals.iter().map(goal_row).collect(),
            points.iter().map(measurement_row).collect(),
        ),
        rule_settings(&settings).decision_rule_points,
    );
    Ok(Some(StudentRecord {
        profile: profile_row(&r),
        school_name: r.get(13),
        local_id: r.get(14),
        state_id: r.get(15),
        counselor: r.get(16),
        guardians: guardians.iter().map(guardian_row).collect(),
        interventions: interventions
            .iter()
            .map(|r| InterventionLine {
                id: r.get(0),
                status: r.get(1),
                tier: r.get(2),
                name: r.get(3),
                owner: r.get(4),
                start_date: r.get(5),
                planned_end_date: r.get(6),
                progress: progress
                    .get(&r.get::<_, Uuid>(0))
                    .copied()
                    .unwrap_or(Progress::NoGoals),
            })
            .collect(),
        communications: communications
            .iter()
            .map(|r| CommunicationLine {
                id: r.get(8),
                when: r.get(0),
                direction: r.get(1),
                channel: r.get(2),
                guardian: r.get(3),
                purpose: r.get(4),
                result: r.get(5),
                follow_up_due: r.get(6),
                follow_up_done: r.get(7),
            })
            .collect(),
        documents: documents
            .iter()
            .map(|r| DocumentLine {
                id: r.get(5),
                filename: r.get(0),
                title: r.get(6),
                category: r.get(7),
                content_type: r.get(1),
                byte_size: r.get(2),
                uploaded: r.get(3),
                is_restricted: r.get(4),
            })
            .collect(),
        activity,
    }))
}

pub async fn load_profile(
    client: &(impl GenericClient + Sync),
    id: Uuid,
) -> Result<Option<Versioned<Profile>>, tokio_postgres::Error> {
    let sql = format!("SELECT {PROFILE_COLUMNS} FROM students s WHERE s.id = $1");
    Ok(client
        .fetch_opt(&sql, &[&id])
        .await?
        .as_ref()
        .map(profile_row))
}

pub async fn load_guardian(
    client: &(impl GenericClient + Sync),
    id: Uuid,
) -> Result<Option<Versioned<GuardianFields>>, tokio_postgres::Error> {
    let sql = format!("SELECT {GUARDIAN_COLUMNS} FROM student_guardians WHERE id = $1");
    Ok(client
        .fetch_opt(&sql, &[&id])
        .await?
        .as_ref()
        .map(guardian_row))
}

/// Saves the profile if the student is still at `version`; otherwise
/// `Conflict` with the row as it is now, or `NotFound` when it is gone or
/// not visible (row-level security makes both look the same).
pub async fn save_profile(
    client: &(impl GenericClient + Sync),
    id: Uuid,
    version: i32,
    p: &Profile,
) -> Result<i32, WriteError<Versioned<Profile>>> {
    let row = client
        .fetch_opt(
            "UPDATE students SET first_name = $3, last_name = $4, preferred_name = $5, \
               date_of_birth = $6, grade_level = $7, status = $8, has_iep = $9, has_504 = $10, \
               is_english_learner = $11, enrollment_date = $12, exit_date = $13 \
             WHERE id = $1 AND version = $2 RETURNING version",
            &[
                &id,
                &version,
                &p.first_name,
                &p.last_name,
                &p.preferred_name,
                &p.date_of_birth,
                &p.grade,
                &p.status,
                &p.has_iep,
                &p.has_504,
                &p.is_english_learner,
                &p.enrollment_date,
                &p.exit_date,
            ],
        )
        .await
        .map_err(write_error)?;
    match row {
        Some(r) => Ok(r.get(0)),
        None => Err(WriteError::stale(
            load_profile(client, id).await.map_err(write_error)?,
        )),
    }
}

pub async fn save_guardian(
    client: &(impl GenericClient + Sync),
    id: Uuid,
    version: i32,
    g: &GuardianFields,
) -> Result<i32, WriteError<Versioned<GuardianFields>>> {
    let row = client
        .fetch_opt(
            "UPDATE student_guardians SET first_name = $3, last_name = $4, relationship = $5, \
               email = $6, phone = $7, preferred_channel = $8, preferred_language = $9, \
               contact_priority = $10, has_custody = $11, has_educational_rights = $12, \
               is_emergency_contact = $13, receives_communications = $14 \
             WHERE id = $1 AND version = $2 RETURNING version",
            &[
                &id,
                &version,
                &g.first_name,
                &g.last_name,
                &g.relationship,
                &g.email,
                &g.phone,
                &g.preferred_channel,
                &g.preferred_language,
                &g.contact_priority,
                &g.has_custody,
                &g.has_educational_rights,
                &g.is_emergency_contact,
                &g.receives_communications,
            ],
        )
        .await
        .map_err(write_error)?;
    match row {
        Some(r) => Ok(r.get(0)),
        None => Err(WriteError::stale(
            load_guardian(client, id).await.map_err(write_error)?,
        )),
    }
}

/// Constraint and permission errors in words; the unnamed CHECKs of the
/// schema get their names from PostgreSQL's numbering, matched here.
fn write_error<C: std::fmt::Debug>(e: tokio_postgres::Error) -> WriteError<C> {
    use crate::domain::refusal::Refusal;
    let Some(db) = e.as_db_error() else {
        return WriteError::Db(e);
    };
    let constraint = db.constraint().unwrap_or_default();
    if constraint.ends_with(crate::db::interventions::error::NAMES_PRINTABLE) {
        return WriteError::Refused(Refusal::NameNotPrintable);
    }
    let text = match (db.code(), constraint) {
        (c, _) if *c == SqlState::INSUFFICIENT_PRIVILEGE => {
            if db.message().contains("row-level security") {
                "the database refused: the change would put the record outside what you may see"
            } else {
                "the database refused: your role may not change this record"
            }
        }
        (_, "students_check") => "exit date must be on or after the enrollment date",
        (_, "students_check1") => "transferred, withdrawn and graduated students need an exit date",
        (_, "students_date_of_birth_check") => "date of birth must be after 1990-01-01",
        (_, "student_guardians_check") => "preferred channel email needs an email address",
        (_, "student_guardians_check1") => "preferred channel phone or sms needs a phone number",
        (_, "student_guardians_email_check") => "email is not a valid address",
        (_, "student_guardians_phone_check") => {
            "phone must be 7 to 20 digits, spaces, ( ) . - with an optional leading +"
        }
        _ => return e.into(),
    };
    WriteError::Refused(Refusal::Invalid(text.to_string()))
}

fn outcome<T: std::fmt::Debug>(
    r: Result<i32, WriteError<Versioned<T>>>,
    wrap: fn(T) -> Change,
) -> SaveOutcome {
    match r {
        Ok(version) => SaveOutcome::Saved(version),
        Err(WriteError::Conflict { current }) => SaveOutcome::Conflict(StudentTheirs {
            version: current.version,
            theirs: wrap(current.value),
        }),
        Err(WriteError::NotFound) => SaveOutcome::Gone,
        Err(WriteError::Refused(r)) => SaveOutcome::Refused(r.to_string()),
        Err(WriteError::Db(e)) => SaveOutcome::Refused(
            e.as_db_error()
                .map_or_else(|| e.to_string(), |d| d.message().to_string()),
        ),
    }
}

/// Saves `change` onto row `id` (the student, or the guardian) if it is
/// still at `version`.
pub async fn save(
    client: &(impl GenericClient + Sync),
    id: Uuid,
    version: i32,
    change: &Change,
) -> SaveOutcome {
    match change {
        Change::Profile(p) => outcome(save_profile(client, id, version, p).await, Change::Profile),
        Change::Guardian(g) => outcome(
            save_guardian(client, id, version, g).await,
            Change::Guardian,
        ),
    }
}
