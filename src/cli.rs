//! Command-line interface. With no subcommand caseload opens the TUI.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "caseload",
    version,
    about = "A keyboard-driven terminal client for school intervention teams"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args, Clone, Default)]
pub struct GlobalArgs {
    /// PostgreSQL connection URL or key=value string (overrides DATABASE_URL and PG* variables).
    /// Prefer PGPASSWORD or ~/.pgpass for the password: URLs show up in the process list.
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// Configuration file (overrides CASELOAD_CONFIG and the XDG location).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open caseload on demo data: find or start a PostgreSQL, migrate, seed, sign in.
    Demo(DemoArgs),
    /// Apply pending migrations (or show their status).
    Migrate(MigrateArgs),
    /// Load deterministic, realistic demo data.
    Seed(SeedArgs),
    /// Show configuration, connection and migration status, and what is wrong.
    Doctor,
    /// Manage people: their users rows, role grants and PostgreSQL login roles.
    /// Needs a connection whose role has CREATEROLE and may write users and user_roles.
    #[command(subcommand)]
    User(UserCommand),
    /// Measure the performance figures (latency, render time, bytes per key,
    /// memory, cold start) against the configured database.
    Bench(BenchArgs),
    /// Many people at once: N headless clients, each signed in as its own
    /// login role, living a compressed day against the configured database
    /// (directly or through a pooler); prints latency per action, errors,
    /// server connections and memory, and checks every acknowledged save.
    Soak(SoakArgs),
    /// Set up and check document storage (S3 or S3-compatible).
    #[command(subcommand)]
    Storage(StorageCommand),
    /// Documents from scripts.
    #[command(subcommand)]
    Doc(DocCommand),
    /// Bring a district's roster in (as an admin).
    #[command(subcommand)]
    Import(ImportCommand),
    /// Run background jobs: claim due jobs, run them, heartbeat, reap jobs
    /// whose worker died. Connect directly (not through a pooler) as a login
    /// that is a member of caseload_worker.
    Worker(WorkerArgs),
    /// CSV of what you may see (roster, caseload, sessions), read as you
    /// and recorded in the audit trail. Never overwrites a file.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Reports as self-contained HTML (and CSV where tabular), read as you,
    /// kept in the reports folder (or --out).
    #[command(subcommand)]
    Report(ReportCommand),
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// A OneRoster 1.1 CSV export (a folder or a .zip): orgs.csv, users.csv,
    /// demographics.csv, enrollments.csv. Prints what each line adds,
    /// changes, leaves alone or is refused for; imports all of it in one
    /// transaction, or nothing when any line is refused.
    Oneroster(ImportOnerosterArgs),
}

#[derive(Debug, Args, Clone)]
pub struct ImportOnerosterArgs {
    /// The export's folder or .zip file.
    pub path: PathBuf,
    /// Check and compare only: write nothing. Exits 1 when any line is refused.
    #[arg(long)]
    pub dry_run: bool,
    /// Give each staff member the import adds a login role (as `caseload user
    /// login` does); needs CREATEROLE.
    #[arg(long)]
    pub logins: bool,
}

#[derive(Debug, Args, Clone)]
pub struct WorkerArgs {
    /// Run the jobs that are due, then exit (no waiting for new ones).
    #[arg(long)]
    pub once: bool,
    /// How many jobs run at once.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// Run your own jobs of the kinds that run as their author (imports,
    /// exports, reports), signed in as yourself, not as a service worker.
    #[arg(long)]
    pub mine: bool,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a person and create their login role (no password yet).
    Add(UserAddArgs),
    /// Grant a role, at one school or all of them.
    Grant(UserGrantArgs),
    /// Remove a role grant; the group role goes with the last grant of that role.
    Revoke(UserRevokeArgs),
    /// Stop a person signing in (NOLOGIN); their rows and history are kept.
    Deactivate(UsernameArg),
    /// Let a deactivated person sign in again.
    Activate(UsernameArg),
    /// Give an existing person (seeded, imported) their login role, member of
    /// the group role of each role they hold (no password yet).
    Login(UsernameArg),
    /// Set a person's password: asked twice without echo, or read from stdin.
    Password(UserPasswordArgs),
    /// List people, their roles and whether they can sign in.
    List,
}

#[derive(Debug, Args, Clone)]
pub struct UsernameArg {
    /// The person's username, which is also their PostgreSQL login role.
    pub username: String,
}

#[derive(Debug, Args, Clone)]
pub struct UserAddArgs {
    /// Lowercase letters, digits and underscores; also the PostgreSQL login role.
    pub username: String,
    /// Display name.
    #[arg(long, value_name = "NAME")]
    pub name: String,
    #[arg(long, value_name = "EMAIL")]
    pub email: String,
    /// Local id of the person's home school (omit for district-wide staff).
    #[arg(long, value_name = "LOCAL_ID")]
    pub home_school: Option<String>,
    /// A role key (admin, coordinator, counselor, …); repeatable.
    #[arg(long = "role", value_name = "KEY")]
    pub roles: Vec<String>,
    /// Limits the --role before it to one school (local id).
    #[arg(long = "school", value_name = "LOCAL_ID")]
    pub schools: Vec<String>,
    /// `--role`s paired with the `--school` that follows each; filled by
    /// `Cli::parse_args`, because clap keeps repeated flags in separate lists.
    #[arg(skip)]
    pub grants: Vec<(String, Option<String>)>,
}

#[derive(Debug, Args, Clone)]
pub struct UserGrantArgs {
    pub username: String,
    /// Role key.
    pub role: String,
    /// Only at this school (local id); all schools when omitted.
    #[arg(long, value_name = "LOCAL_ID")]
    pub school: Option<String>,
    /// The grant ends at the start of this day.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub expires: Option<chrono::NaiveDate>,
}

#[derive(Debug, Args, Clone)]
pub struct UserRevokeArgs {
    pub username: String,
    /// Role key.
    pub role: String,
    /// The school of the grant to remove (local id); the all-schools grant when omitted.
    #[arg(long, value_name = "LOCAL_ID")]
    pub school: Option<String>,
}

#[derive(Debug, Args, Clone)]
pub struct UserPasswordArgs {
    pub username: String,
    /// Read the password from the first line of standard input instead of asking.
    #[arg(long)]
    pub password_stdin: bool,
}

/// Pairs each `--school` with the `--role` just before it, by position on
/// the command line.
pub fn pair_roles(
    roles: &[(usize, String)],
    schools: &[(usize, String)],
) -> Result<Vec<(String, Option<String>)>, String> {
    let mut out: Vec<(usize, String, Option<String>)> =
        roles.iter().map(|(i, r)| (*i, r.clone(), None)).collect();
    for (at, school) in schools {
        let Some(owner) = out.iter_mut().rev().find(|(i, _, _)| i < at) else {
            return Err(format!(
                "--school {school} must follow the --role it limits"
            ));
        };
        if owner.2.is_some() {
            return Err(format!(
                "--role {} has two --school values; repeat --role for each school",
                owner.1
            ));
        }
        owner.2 = Some(school.clone());
    }
    Ok(out.into_iter().map(|(_, r, s)| (r, s)).collect())
}

impl Cli {
    /// `Cli::parse`, plus what derive cannot express: pairing `user add`'s
    /// repeated `--role`/`--school` flags.
    pub fn parse_args() -> Cli {
        use clap::{CommandFactory, FromArgMatches};
        let matches = Cli::command().get_matches();
        let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
        if let Some(Command::User(UserCommand::Add(args))) = &mut cli.command
            && let Some(add) = matches
                .subcommand_matches("user")
                .and_then(|m| m.subcommand_matches("add"))
        {
            let indexed = |id: &str, values: &[String]| -> Vec<(usize, String)> {
                add.indices_of(id)
                    .map(|ix| ix.zip(values.iter().cloned()).collect())
                    .unwrap_or_default()
            };
            let roles = indexed("roles", &args.roles);
            let schools = indexed("schools", &args.schools);
            args.grants = pair_roles(&roles, &schools).unwrap_or_else(|e| {
                Cli::command()
                    .error(clap::error::ErrorKind::ArgumentConflict, e)
                    .exit()
            });
        }
        cli
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schools_pair_with_the_role_before_them() {
        let r = |v: &[(usize, &str)]| -> Vec<(usize, String)> {
            v.iter().map(|(i, s)| (*i, s.to_string())).collect()
        };
        assert_eq!(
            pair_roles(
                &r(&[(2, "counselor"), (6, "coordinator")]),
                &r(&[(4, "LIN")])
            ),
            Ok(vec![
                ("counselor".into(), Some("LIN".into())),
                ("coordinator".into(), None)
            ])
        );
        assert!(pair_roles(&r(&[(4, "counselor")]), &r(&[(2, "LIN")])).is_err());
        assert!(pair_roles(&r(&[(2, "counselor")]), &r(&[(4, "A"), (6, "B")])).is_err());
    }
}

#[derive(Debug, Args, Clone)]
pub struct DemoArgs {
    /// Students to seed when the demo database is empty.
    #[arg(long, default_value_t = 5000)]
    pub students: u32,
    /// Seed for the demo data generator.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Which demo person to sign in as.
    #[arg(long = "as", value_enum, default_value_t = DemoPersona::Coordinator)]
    pub persona: DemoPersona,
    /// Always use a private cluster in caseload's data directory, even if a
    /// local server is running.
    #[arg(long)]
    pub private_cluster: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DemoPersona {
    Coordinator,
    Counselor,
    Admin,
}

#[derive(Debug, Args, Clone)]
pub struct MigrateArgs {
    /// List every migration and whether it is applied, pending or changed.
    #[arg(long)]
    pub status: bool,
}

#[derive(Debug, Args, Clone)]
pub struct SeedArgs {
    /// Number of students to generate (with their guardians, interventions, sessions, …).
    #[arg(long, default_value_t = 5000)]
    pub students: u32,
    /// Generator seed: the same seed gives the same data.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Seed even if the database already has students.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args, Clone)]
pub struct SoakArgs {
    /// How many people at once.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub clients: u32,
    /// How long the day lasts (90s, 5m, …); sign-ins are spread over its
    /// first fifth (at most 20 s).
    #[arg(long, default_value = "2m", value_parser = crate::soak::parse_duration)]
    pub duration: std::time::Duration,
    /// Mean think time between one client's actions (each pause is drawn
    /// between half and one and a half of it).
    #[arg(long, default_value = "2s", value_parser = crate::soak::parse_duration)]
    pub rate: std::time::Duration,
    /// Spread the sign-ins over this long from the start (default: the
    /// first fifth of --duration, at most 20 s).
    #[arg(long, value_parser = crate::soak::parse_duration)]
    pub ramp: Option<std::time::Duration>,
    /// A direct connection with CREATEROLE that reads every row and
    /// pg_stat_activity (a superuser on a test server): gives the people
    /// their login roles, samples the server, checks the saves. Default:
    /// the --database-url itself, which then must be such a role.
    #[arg(long, value_name = "URL")]
    pub admin_url: Option<String>,
    /// Each client's pool size (default: database.pool_max_size).
    #[arg(long)]
    pub pool_size: Option<usize>,
    /// Go through a private PgBouncer (transaction mode, started and
    /// stopped by the soak; needs `pgbouncer` installed and a server that
    /// trusts the people on loopback) allowed at most this many server
    /// connections to the database in all.
    #[arg(long, value_name = "MAX_SERVER_CONNECTIONS",
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub pgbouncer: Option<u32>,
}

#[derive(Debug, Args, Clone)]
pub struct BenchArgs {
    /// Samples per figure (frame render takes ten times as many, cold start at most 20).
    #[arg(long, default_value_t = 200)]
    pub iterations: usize,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Measure one part only: `interventions` (the Interventions list),
    /// `search` (search on one and two letters, bare SQL),
    /// `storage` (49 MB through the in-process store, and signing's share),
    /// `import` (a OneRoster import of --students generated students, written
    /// and then rolled back), `jobs` (noop jobs per second through two
    /// workers), `search` (the one- and two-letter search's bare SQL) or
    /// `live` (bytes of a live refresh of one changed row).
    #[arg(long, value_parser = ["interventions", "search", "storage", "import", "jobs", "live"])]
    pub only: Option<String>,
    /// Students in the generated OneRoster export (`--only import`).
    #[arg(long, default_value_t = 100_000)]
    pub students: usize,
}

#[derive(Debug, Subcommand)]
pub enum StorageCommand {
    /// Check or create the bucket (encryption, no public access, cleanup of
    /// abandoned uploads) and store the signing key in the database. Run it
    /// as the database owner, with S3 credentials from the AWS environment
    /// or profile; the signing key is CASELOAD_STORAGE_ACCESS_KEY_ID and
    /// CASELOAD_STORAGE_SECRET_ACCESS_KEY when set.
    Init,
    /// A round trip through an upload and a download link the database
    /// signs, the clocks of this machine, the database and the store, and
    /// how fast the database signs.
    Check(StorageCheckArgs),
    /// Keep the store and the rows in step: remove objects with no row
    /// (older than a day), purge documents deleted longer ago than the
    /// setting documents.retention_days, drop expired upload links, and
    /// report rows whose object is gone. Needs the database owner's
    /// connection and S3 credentials, like init.
    Sweep(StorageSweepArgs),
}

#[derive(Debug, Args, Clone)]
pub struct StorageSweepArgs {
    /// Say what would be removed; change nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args, Clone)]
pub struct StorageCheckArgs {
    /// Size of the test file in KiB (e.g. 50176 for 49 MiB, to measure throughput).
    #[arg(long, default_value_t = 1)]
    pub size_kib: u64,
}

#[derive(Debug, Subcommand)]
pub enum DocCommand {
    /// Upload a file to a student's documents (optionally attached to one of
    /// their interventions), as the person signed in.
    Upload(DocUploadArgs),
}

#[derive(Debug, Args, Clone)]
pub struct DocUploadArgs {
    /// The student's local id (as on the roster).
    pub student_local_id: String,
    pub file: PathBuf,
    /// Attach it to this intervention of the student (its id).
    #[arg(long, value_name = "ID")]
    pub intervention: Option<uuid::Uuid>,
    /// Only people who may see restricted records will see it.
    #[arg(long)]
    pub restricted: bool,
}

#[derive(Debug, Args, Clone, Default)]
pub struct ExportOut {
    /// Folder to write to (default: your download folder).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Start the file with a UTF-8 byte order mark (for Excel).
    #[arg(long)]
    pub bom: bool,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// The roster, with the roster's search, filters and sort.
    Roster(ExportRosterArgs),
    /// A caseload: the students a person counsels or works with, one line
    /// per open intervention.
    Caseload(ExportCaseloadArgs),
    /// Sessions and progress measurements over a date range (two files).
    Sessions(ExportSessionsArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RosterSortArg {
    Name,
    Grade,
    School,
    LastSession,
}

#[derive(Debug, Args, Clone)]
pub struct ExportRosterArgs {
    /// Search text, as typed in the roster's search box.
    #[arg(long, default_value = "")]
    pub search: String,
    /// Only this school (local id).
    #[arg(long, value_name = "LOCAL_ID")]
    pub school: Option<String>,
    /// Grades from (PK, TK, KG, 01–12, UG).
    #[arg(long, value_name = "GRADE")]
    pub grade_from: Option<String>,
    /// Grades up to.
    #[arg(long, value_name = "GRADE")]
    pub grade_to: Option<String>,
    /// Student status (active, pending, inactive, transferred, withdrawn, graduated).
    #[arg(long)]
    pub status: Option<String>,
    /// Tier of a running intervention (1–3).
    #[arg(long, value_parser = clap::value_parser!(i16).range(1..=3))]
    pub tier: Option<i16>,
    #[arg(long)]
    pub iep: bool,
    #[arg(long = "section-504")]
    pub section_504: bool,
    #[arg(long)]
    pub english_learner: bool,
    /// Has a running intervention.
    #[arg(long)]
    pub active: bool,
    /// My caseload only.
    #[arg(long)]
    pub mine: bool,
    #[arg(long, value_enum, default_value_t = RosterSortArg::Name)]
    pub sort: RosterSortArg,
    #[command(flatten)]
    pub out: ExportOut,
}

#[derive(Debug, Args, Clone)]
pub struct ExportCaseloadArgs {
    /// Whose caseload (username); yours when omitted.
    #[arg(long, value_name = "USERNAME")]
    pub counselor: Option<String>,
    #[command(flatten)]
    pub out: ExportOut,
}

#[derive(Debug, Args, Clone)]
pub struct ExportSessionsArgs {
    /// First day (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: chrono::NaiveDate,
    /// Last day, included (default today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub to: Option<chrono::NaiveDate>,
    /// Only this school (local id).
    #[arg(long, value_name = "LOCAL_ID")]
    pub school: Option<String>,
    #[command(flatten)]
    pub out: ExportOut,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// MTSS meeting recap for one school.
    Recap(ReportRecapArgs),
    /// Caseload summary per school or per counselor.
    Summary(ReportSummaryArgs),
    /// A student's progress report for a family meeting (nothing restricted).
    Student(ReportStudentArgs),
    /// Fidelity at one school: sessions and minutes planned (from each
    /// plan's frequency) against delivered and missed, per intervention and
    /// per program, flagged under the district's threshold.
    Fidelity(ReportFidelityArgs),
}

#[derive(Debug, Args, Clone)]
pub struct ReportFidelityArgs {
    /// The school (local id).
    #[arg(long, value_name = "LOCAL_ID")]
    pub school: String,
    /// The range's first day.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: chrono::NaiveDate,
    /// The range's last day (default today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub to: Option<chrono::NaiveDate>,
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args, Clone)]
pub struct ReportRecapArgs {
    /// The school (local id).
    #[arg(long, value_name = "LOCAL_ID")]
    pub school: String,
    /// The meeting's day (default today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<chrono::NaiveDate>,
    /// Decisions since (default two weeks before the meeting).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub since: Option<chrono::NaiveDate>,
    /// A student to discuss (local id); repeatable. Default: those due for
    /// review, off track, changed since, or ending soon.
    #[arg(long = "student", value_name = "LOCAL_ID")]
    pub students: Vec<String>,
    /// Folder to write to (default: the reports folder).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GroupByArg {
    School,
    Counselor,
}

#[derive(Debug, Args, Clone)]
pub struct ReportSummaryArgs {
    /// One line per school or per counselor.
    #[arg(long, value_enum, default_value_t = GroupByArg::School)]
    pub by: GroupByArg,
    /// Only this school (local id).
    #[arg(long, value_name = "LOCAL_ID")]
    pub school: Option<String>,
    /// Only this counselor's students and interventions (username).
    #[arg(long, value_name = "USERNAME", conflicts_with = "school")]
    pub counselor: Option<String>,
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args, Clone)]
pub struct ReportStudentArgs {
    /// The student's local id.
    pub student: String,
    /// The student's school (local id), when the local id is not unique.
    #[arg(long, value_name = "LOCAL_ID")]
    pub school: Option<String>,
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}
