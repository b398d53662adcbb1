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
