//! Connection resolution the way libpq does it, because tokio-postgres knows
//! nothing of PG* variables, `.pgpass` or service files and users expect their
//! psql habits to keep working.
//!
//! Precedence, highest first (libpq's `conninfo_add_defaults`):
//! 1. the explicit string: `--database-url`, else `DATABASE_URL`, else the
//!    config file's `database.url`;
//! 2. the service named by `service=` or `PGSERVICE` (libpq lets a chosen
//!    service beat the ambient PG* variables, so we do too);
//! 3. PG* environment variables;
//! 4. defaults. The password alone then falls back to the password file.
//!
//! The parts, in the order a resolution runs through them:
//! - `resolve`: the entry points; gathers the sources above into layers;
//! - `layers`: raw keyword values with their origins, and which keywords
//!   are accepted;
//! - `build`: parses and checks each value, fills defaults, records sources;
//! - `params`: [`ConnParams`], its setters, and its tokio-postgres config;
//! - `password_sources`: the password file, keyring and prompt;
//! - `read_target`: `database.read_url`, the hosts reads may go to;
//! - `password`, `sslmode`, `error`: the value types.

mod build;
mod error;
mod layers;
mod params;
mod password;
mod password_sources;
mod read_target;
mod resolve;
mod sslmode;

pub use build::{DEFAULT_PORT, DEFAULT_SOCKET_DIR};
pub use error::ConnError;
pub use params::{ConnParams, DEFAULT_APPLICATION_NAME};
pub use password::Password;
pub use password_sources::{KEYRING_ORIGIN, KEYRING_SERVICE, PROMPT_ORIGIN};
pub use read_target::{ReadTargets, SessionAttrs, host_port, resolve_read_targets};
pub(crate) use resolve::process_home;
pub use resolve::{
    resolve, resolve_from_process, resolve_from_process_with_config, resolve_with_config,
};
pub use sslmode::{SYSTEM_ROOT_CERT, SslMode};

#[cfg(test)]
mod tests;
