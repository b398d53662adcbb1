//! Everything that talks SQL: pool, migrations, demo data, one module per
//! aggregate. Parameterised queries only.
pub mod caseload;
pub mod interventions;
pub mod migrate;
pub mod navigation;
pub mod pool;
pub mod roster;
pub mod schools;
pub mod seed;
pub mod sessions;
pub mod student_record;
pub mod students;
pub mod tls;
pub mod users;
