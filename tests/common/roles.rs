//! Login roles for tests. Roles are cluster-wide, so names are unique per
//! process and call, and the roles are dropped when the value goes out of
//! scope (declare it before the `TestDb`, so it is dropped after it).

use std::sync::atomic::{AtomicUsize, Ordering};

pub struct LoginRoles(pub Vec<String>);

impl LoginRoles {
    /// `n` login roles, each a member of `group` (e.g. `caseload_counselor`),
    /// which also gives them CONNECT on caseload databases.
    pub async fn create(admin: &tokio_postgres::Client, group: &str, n: usize) -> LoginRoles {
        // The group roles come with the migrations: on a fresh server the
        // template, made on first use, is what creates them.
        super::ensure_template();
        Self::make(admin, &format!(" IN ROLE {group}"), n).await
    }

    /// One login role that is a member of nothing: no caseload group, so no
    /// grants beyond what PUBLIC holds.
    pub async fn plain(admin: &tokio_postgres::Client) -> LoginRoles {
        Self::make(admin, "", 1).await
    }

    async fn make(admin: &tokio_postgres::Client, membership: &str, n: usize) -> LoginRoles {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let mut names = Vec::new();
        for _ in 0..n {
            let name = format!(
                "cl_t_{}_{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::SeqCst)
            );
            admin
                .batch_execute(&format!(
                    "DROP ROLE IF EXISTS {name}; CREATE ROLE {name} LOGIN{membership}"
                ))
                .await
                .expect("create login role");
            names.push(name);
        }
        LoginRoles(names)
    }

    /// The database's connection string, signed in as `role`.
    pub fn conninfo_as(db_conninfo: &str, role: &str) -> String {
        db_conninfo
            .split_whitespace()
            .filter(|kv| !kv.starts_with("user="))
            .chain([format!("user={role}").as_str()])
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl Drop for LoginRoles {
    fn drop(&mut self) {
        let names = std::mem::take(&mut self.0);
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                let admin = super::connect(&super::admin_conninfo()).await;
                for n in names {
                    let _ = admin
                        .batch_execute(&format!("DROP ROLE IF EXISTS {n}"))
                        .await;
                }
            });
        })
        .join()
        .expect("dropping login roles");
    }
}
