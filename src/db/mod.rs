//! Everything that talks SQL: pool, TLS, migrations, one module per
//! aggregate. Parameterised queries, reading and writing `domain` shapes;
//! no rules (those are `domain`'s) and no words for the screen.
pub mod caseload;
pub mod communications;
pub mod contacts;
pub mod documents;
pub mod follow_ups;
pub mod interventions;
pub mod jobs;
pub mod live;
pub mod menu_edit;
pub mod migrate;
pub mod missed;
pub mod my_caseload;
pub mod navigation;
pub mod people;
pub mod pool;
pub mod programs;
pub mod roster;
pub mod schools;
pub mod sessions;
pub mod settings;
pub mod standby;
pub mod student_record;
pub mod students;
pub mod tls;
pub mod tools;
pub mod users;
