//! Every statement caseload sends is an unnamed one (Parse, Bind, Execute in
//! one round trip). tokio-postgres's `query`/`execute` on a `&str` prepare a
//! *named* statement first and run it in a second round trip; behind a
//! transaction-mode pooler (PgBouncer) those two trips can land on different
//! server connections ("prepared statement \"s9\" does not exist"), and the
//! statement left behind collides with another client's later ("already
//! exists"). `query_typed` needs each parameter's type up front, so a
//! parameter here is a [`Param`]: a value that knows its type. Text travels
//! as `unknown`, which lets the server infer the type from the SQL (an enum,
//! `citext`, `varchar`) exactly as preparing would; caseload's enums go with
//! OID 0, which means the same. `tests/pooler_lint.rs` keeps the named calls
//! out of `src/`.

use std::future::Future;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use futures::{TryStreamExt, pin_mut};
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Error, GenericClient, Row};

// In domain, so that its enums can say their types without naming db.
pub use crate::domain::pg_typed::{PgTyped, enum_type};

/// A query parameter: a value and the type declared for it in the Parse.
pub trait Param: Sync {
    fn as_sql(&self) -> &(dyn ToSql + Sync);
    fn declared_type(&self) -> Type;
}

impl<T: PgTyped + ToSql + Sync> Param for T {
    fn as_sql(&self) -> &(dyn ToSql + Sync) {
        self
    }
    fn declared_type(&self) -> Type {
        T::pg_type()
    }
}

impl<T: PgTyped + ?Sized> PgTyped for &T {
    fn pg_type() -> Type {
        T::pg_type()
    }
}

impl<T: PgTyped> PgTyped for Option<T> {
    fn pg_type() -> Type {
        T::pg_type()
    }
}

macro_rules! typed {
    ($($rust:ty => $pg:expr),+ $(,)?) => {
        $(impl PgTyped for $rust {
            fn pg_type() -> Type {
                $pg
            }
        })+
    };
}

typed! {
    bool => Type::BOOL,
    i16 => Type::INT2,
    i32 => Type::INT4,
    i64 => Type::INT8,
    f32 => Type::FLOAT4,
    f64 => Type::FLOAT8,
    // `unknown`: the server infers text, varchar, citext or an enum as it
    // would when preparing.
    str => Type::UNKNOWN,
    String => Type::UNKNOWN,
    NaiveDate => Type::DATE,
    NaiveTime => Type::TIME,
    NaiveDateTime => Type::TIMESTAMP,
    DateTime<Utc> => Type::TIMESTAMPTZ,
    uuid::Uuid => Type::UUID,
    serde_json::Value => Type::JSONB,
    Vec<u8> => Type::BYTEA,
    [u8] => Type::BYTEA,
    Vec<String> => Type::TEXT_ARRAY,
    Vec<&str> => Type::TEXT_ARRAY,
    [&str] => Type::TEXT_ARRAY,
    Vec<i16> => Type::INT2_ARRAY,
    Vec<i32> => Type::INT4_ARRAY,
    Vec<i64> => Type::INT8_ARRAY,
    [i64] => Type::INT8_ARRAY,
    Vec<uuid::Uuid> => Type::UUID_ARRAY,
    [uuid::Uuid] => Type::UUID_ARRAY,
    [String] => Type::TEXT_ARRAY,
    Vec<f64> => Type::FLOAT8_ARRAY,
    Vec<NaiveDate> => Type::DATE_ARRAY,
}

fn typed_params<'a>(params: &'a [&'a dyn Param]) -> Vec<(&'a (dyn ToSql + Sync), Type)> {
    params
        .iter()
        .map(|p| (p.as_sql(), p.declared_type()))
        .collect()
}

/// `query`, `query_one`, `query_opt` and `execute` as unnamed statements, for
/// clients and transactions alike.
pub trait Unnamed: GenericClient + Sync {
    fn fetch(
        &self,
        sql: &str,
        params: &[&dyn Param],
    ) -> impl Future<Output = Result<Vec<Row>, Error>> + Send {
        async move { self.query_typed(sql, &typed_params(params)).await }
    }

    fn fetch_one(
        &self,
        sql: &str,
        params: &[&dyn Param],
    ) -> impl Future<Output = Result<Row, Error>> + Send {
        async move { self.query_typed_one(sql, &typed_params(params)).await }
    }

    fn fetch_opt(
        &self,
        sql: &str,
        params: &[&dyn Param],
    ) -> impl Future<Output = Result<Option<Row>, Error>> + Send {
        async move { self.query_typed_opt(sql, &typed_params(params)).await }
    }

    /// The number of rows the statement changed.
    fn exec(
        &self,
        sql: &str,
        params: &[&dyn Param],
    ) -> impl Future<Output = Result<u64, Error>> + Send {
        async move {
            let stream = self.query_typed_raw(sql, typed_params(params)).await?;
            pin_mut!(stream);
            while stream.try_next().await?.is_some() {}
            Ok(stream.rows_affected().unwrap_or(0))
        }
    }
}

impl<C: GenericClient + Sync> Unnamed for C {}

/// tokio-postgres learns a column type it does not know (caseload's enums)
/// with named statements of its own ("typeinfo"), kept for the life of the
/// connection: behind a pooler those would break as any named statement
/// does. Each new connection therefore learns every enum of the schema at
/// once, inside one transaction (where a pooler keeps one server
/// connection), and deallocates those statements before it ends; the types
/// stay known to the client.
pub async fn learn_types(client: &tokio_postgres::Client) -> Result<(), Error> {
    client.batch_execute("BEGIN").await?;
    let learnt = async {
        let mut columns = Vec::new();
        for m in client
            .simple_query(
                "SELECT format('NULL::%s, NULL::%s[]', t.oid::regtype, t.oid::regtype) \
                 FROM pg_catalog.pg_type t \
                 WHERE t.typnamespace = 'public'::regnamespace AND t.typtype = 'e'",
            )
            .await?
        {
            if let tokio_postgres::SimpleQueryMessage::Row(r) = m
                && let Some(c) = r.get(0)
            {
                columns.push(c.to_string());
            }
        }
        if !columns.is_empty() {
            client
                .query_typed(&format!("SELECT {}", columns.join(", ")), &[])
                .await?;
        }
        client.batch_execute("DEALLOCATE ALL").await
    }
    .await;
    let end = if learnt.is_ok() { "COMMIT" } else { "ROLLBACK" };
    let ended = client.batch_execute(end).await;
    learnt?;
    ended
}
