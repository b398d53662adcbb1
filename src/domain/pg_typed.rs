//! The PostgreSQL type a Rust value is sent as, for unnamed statements
//! (`db::unnamed`): here so that the domain's enums and kinds can say
//! theirs without depending on db.

use postgres_types::{Kind, Type};

/// A Rust type with the PostgreSQL type it is sent as.
pub trait PgTyped {
    fn pg_type() -> Type;
}

/// The type of one of caseload's enums, with OID 0 so the server infers it
/// (the OID differs from one database to the next); the name and labels are
/// what the derived `ToSql` checks.
pub fn enum_type(name: &str, labels: &[&str]) -> Type {
    Type::new(
        name.to_string(),
        0,
        Kind::Enum(labels.iter().map(|l| l.to_string()).collect()),
        "public".to_string(),
    )
}
