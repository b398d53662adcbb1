use caseload::admin::{password, users};
use caseload::cli::{Cli, Command, DocCommand, ImportCommand, UserCommand};
use caseload::config::{self, conn, keyring};
use caseload::db::tls::Tls;
use caseload::db::{migrate, pool};
use caseload::demo::seed;
use caseload::{demo, doctor, errln, out, outln, storage, tui};
use color_eyre::eyre::{Result, WrapErr, eyre};

fn env(k: &str) -> Option<String> {
    std::env::var(k).ok()
}

/// How an error reaches the person: one plain line, unless they are
/// debugging caseload (`CASELOAD_LOG` at debug or trace), when color-eyre's
/// full report adds where it came from and, with `RUST_BACKTRACE`, the
/// backtrace. `RUST_BACKTRACE` alone does not count: it is often set for
/// every program in a developer's shell.
struct Reporting {
    verbose: bool,
    colour: bool,
}

impl Reporting {
    fn from_process() -> Reporting {
        use std::io::IsTerminal;
        let verbose =
            env("CASELOAD_LOG").is_some_and(|v| v.contains("debug") || v.contains("trace"));
        // no-color.org: any non-empty value; and escape codes only for a
        // terminal, never into a pipe or a log.
        let colour =
            std::io::stderr().is_terminal() && env("NO_COLOR").is_none_or(|v| v.is_empty());
        Reporting { verbose, colour }
    }

    /// A panic still shows its message and where it happened: it is a bug
    /// to report, not an ordinary error.
    fn install(&self) -> Result<()> {
        let theme = if self.colour {
            color_eyre::config::Theme::dark()
        } else {
            color_eyre::config::Theme::new()
        };
        // One builder: each sets color-spantrace's theme, which only takes
        // once per process.
        let (panic_hook, eyre_hook) = color_eyre::config::HookBuilder::default()
            .theme(theme)
            .display_env_section(self.verbose)
            .try_into_hooks()?;
        eyre_hook.install()?;
        panic_hook.install();
        Ok(())
    }

    fn print(&self, e: &color_eyre::Report) {
        if self.verbose {
            errln!("Error: {e:?}");
            return;
        }
        // Many messages already end with their cause's text (a connection
        // error quotes the socket's); it is said once.
        let mut line = e.to_string();
        for cause in e.chain().skip(1).map(|c| c.to_string()) {
            if !line.contains(&cause) {
                line = format!("{line}: {cause}");
            }
        }
        errln!("caseload: error: {line}");
    }
}

fn main() -> std::process::ExitCode {
    let reporting = Reporting::from_process();
    if let Err(e) = reporting.install() {
        errln!("caseload: warning: error reports fall back to the defaults: {e}");
    }
    match start() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            reporting.print(&e);
            std::process::ExitCode::FAILURE
        }
    }
}

fn start() -> Result<()> {
    let cli = Cli::parse_args();
    caseload::clock::check_env().map_err(|e| eyre!(e))?;
    let loaded = config::load(cli.global.config.as_deref(), &env)?;
    if let Some(log) = loaded.config.log.file_or_default(&env) {
        caseload::logging::init(&log, &loaded.config.log.level)?;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(run(cli, loaded))
}

fn resolve(cli: &Cli, loaded: &config::Loaded) -> Result<conn::ConnParams> {
    let params = loaded.conn_params_from_process(cli.global.database_url.as_deref())?;
    for w in &params.warnings {
        errln!("caseload: warning: {w}");
    }
    Ok(params)
}

/// True when the person pointed caseload at a server on purpose; the demo
/// then uses it instead of looking for one.
fn database_configured(cli: &Cli, loaded: &config::Loaded) -> bool {
    cli.global.database_url.is_some()
        || loaded.config.database.url.is_some()
        || [
            "DATABASE_URL",
            "PGHOST",
            "PGDATABASE",
            "PGSERVICE",
            "PGPORT",
        ]
        .iter()
        .any(|v| env(v).is_some_and(|s| !s.is_empty()))
}

fn tui_options(loaded: &config::Loaded, target: &conn::ConnParams) -> tui::TuiOptions {
    tui::TuiOptions {
        no_color: loaded.config.ui.no_color,
        theme: loaded.config.ui.theme.clone(),
        config_dir: loaded.config_dir().map(std::path::Path::to_path_buf),
        mouse: loaded.config.ui.mouse,
        copy: loaded.config.ui.copy,
        keys: loaded.config.keys.clone().into_iter().collect(),
        connection_label: target.display_masked(),
        connection_short: format!("{}@{}", target.user, target.dbname),
        credentials: None,
        // Per database and person: a draft or a queued save never goes to
        // another server than the one it was written for.
        drafts_dir: config::state_dir(&env)
            .map(|d| caseload::drafts::sessions_dir(&d, &target.keyring_account())),
        storage: loaded.config.storage.clone(),
        live: Some((
            live_settings(&loaded.config.live, &loaded.config.database, target),
            target.clone(),
        )),
        reads: None,
    }
}

/// `[live]` as the listener takes it; the mode decided here, once, for
/// this connection (`worker::live::mode_for`).
fn live_settings(
    cfg: &config::LiveConfig,
    db: &config::DatabaseConfig,
    target: &conn::ConnParams,
) -> caseload::worker::live::Settings {
    use caseload::worker::live::{Mode, Settings, mode_for};
    let forced = match cfg.mode {
        config::LiveMode::Auto => None,
        config::LiveMode::Listen => Some(Mode::Listen),
        config::LiveMode::Poll => Some(Mode::Poll),
    };
    Settings {
        mode: mode_for(target, forced),
        heartbeat: std::time::Duration::from_secs(cfg.heartbeat_secs.max(1)),
        poll: std::time::Duration::from_secs(cfg.poll_secs.max(1)),
        // Auto: the listener looks whether a pooler is in between.
        pooler: forced.is_none().then_some(db.pooler),
        ..Settings::default()
    }
}

/// `database.read_url` resolved against the person's own connection (same
/// login, same password), or `None` when it is not set.
fn read_router(
    loaded: &config::Loaded,
    params: &conn::ConnParams,
) -> Result<Option<std::sync::Arc<caseload::worker::read_target::ReadRouter>>> {
    let Some(url) = &loaded.config.database.read_url else {
        return Ok(None);
    };
    let targets = conn::resolve_read_targets(url, params)?;
    let router = caseload::worker::read_target::ReadRouter::new(targets, &loaded.config.database)
        .map_err(|e| eyre!("database.read_url: {e}"))?;
    Ok(Some(std::sync::Arc::new(router)))
}

async fn run(cli: Cli, loaded: config::Loaded) -> Result<()> {
    match &cli.command {
        None => {
            let params = resolve(&cli, &loaded)?.with_application_name("caseload");
            let tls = Tls::for_params(&params)?;
            let pool = pool::build_pool_with_tls(&params, &loaded.config.database, &tls)?;
            let mut opts = tui_options(&loaded, &params);
            opts.reads = read_router(&loaded, &params)?;
            // The keyring is asked by the worker, off the UI thread, so the
            // first frame never waits for a Secret Service.
            opts.credentials = Some(caseload::worker::Credentials {
                params,
                db: loaded.config.database.clone(),
                store: std::sync::Arc::new(keyring::SystemKeyring),
            });
            tui::run(pool, tls, opts).await
        }
        Some(Command::Migrate(args)) => {
            let params = resolve(&cli, &loaded)?;
            let mut client = pool::connect_one(&params).await?;
            if args.status {
                let rows = migrate::status(&client, &migrate::embedded()).await?;
                for line in migrate::status_lines(&rows) {
                    outln!("{line}");
                }
                outln!(
                    "{}",
                    migrate::status_summary(&rows, &params.display_masked())
                );
                return Ok(());
            }
            caseload::db::pooler::require_direct(
                &client,
                &params,
                loaded.config.database.pooler,
                "caseload migrate",
            )
            .await
            .map_err(|e| eyre!(e))?;
            let report = migrate::run(&mut client, &migrate::embedded()).await?;
            for (name, ms) in &report.applied {
                outln!("applied {name} ({ms} ms)");
            }
            outln!(
                "{} applied now, {} already applied ({})",
                report.applied.len(),
                report.already_applied,
                params.display_masked()
            );
            if let Some(now) = &report.names_alphabet {
                match &report.names_alphabet_was {
                    Some(was) => outln!(
                        "names now sort in the \"{now}\" alphabet (was \"{was}\"; name indexes rebuilt)"
                    ),
                    None => {
                        outln!("names sort in the \"{now}\" alphabet (setting names.collation)")
                    }
                }
            }
            Ok(())
        }
        Some(Command::Seed(args)) => {
            let params = resolve(&cli, &loaded)?;
            let mut client = pool::connect_one(&params).await?;
            seed::require_superuser(&client).await?;
            migrate::run(&mut client, &migrate::embedded()).await?;
            if seed::is_seeded(&client).await? {
                if !args.force {
                    return Err(eyre!(
                        "{} already has students; use --force to replace the demo data",
                        params.display_masked()
                    ));
                }
                seed::clear(&mut client).await?;
            }
            let opts = seed::SeedOptions {
                students: args.students,
                seed: args.seed,
                today: caseload::clock::today(),
            };
            let report = seed::seed(&mut client, &opts).await?;
            for (table, n) in &report.counts {
                outln!("{table:<26} {n:>10}");
            }
            outln!(
                "seeded {} students in {:.2} s",
                args.students,
                report.elapsed.as_secs_f64()
            );
            Ok(())
        }
        Some(Command::Doctor) => {
            let params = resolve(&cli, &loaded);
            let config_line = match &loaded.path {
                Some(p) => format!("{} ({})", p.display(), loaded.path_source),
                None => "none (built-in defaults)".to_string(),
            };
            let mut params = match params {
                Ok(p) => p,
                Err(e) => {
                    outln!("config      {config_line}\ndatabase    cannot be resolved: {e}");
                    std::process::exit(1);
                }
            };
            let mut notes = Vec::new();
            if let Some(e) =
                keyring::fill(&mut params, std::sync::Arc::new(keyring::SystemKeyring)).await
            {
                notes.push(format!("keyring: {e}"));
            }
            let input_params = params.clone();
            let input = doctor::Input {
                notes,
                config: config_line,
                target: params.display_masked(),
                sources: params.sources.clone(),
                warnings: params.warnings.clone(),
                params,
                keys: loaded.config.keys.clone().into_iter().collect(),
                storage: storage::describe(&loaded.config.storage),
                reads: read_router(&loaded, &input_params).map_err(|e| format!("{e:#}")),
                database: loaded.config.database.clone(),
            };
            let (text, healthy) = doctor::report(input).await;
            out!("{text}");
            if !healthy {
                std::process::exit(1);
            }
            Ok(())
        }
        Some(Command::User(cmd)) => user(&cli, &loaded, cmd).await,
        Some(Command::Import(ImportCommand::Oneroster(args))) => {
            let params = resolve(&cli, &loaded)?.with_application_name("caseload import");
            let mut client = pool::connect_one(&params).await?;
            let report = caseload::oneroster::command::import(&mut client, args).await?;
            out!("{}", report.render());
            if report.refused() > 0 {
                std::process::exit(1);
            }
            Ok(())
        }
        Some(Command::Bench(args)) => bench(&cli, &loaded, args).await,
        Some(Command::Soak(args)) => soak(&cli, &loaded, args).await,
        Some(Command::Storage(cmd)) => {
            let client = pool::connect_one(&resolve(&cli, &loaded)?).await?;
            let data_dir = loaded
                .config
                .demo
                .data_dir
                .clone()
                .or_else(|| config::data_dir(&env));
            storage::command::storage(
                cmd,
                &client,
                &loaded.config.storage,
                data_dir.as_deref(),
                &env,
            )
            .await
        }
        Some(Command::Worker(args)) => worker(&cli, &loaded, args).await,
        Some(Command::Doc(DocCommand::Upload(args))) => {
            let mut client = pool::connect_one(&resolve(&cli, &loaded)?).await?;
            let limits = storage::limits::Limits::from_config(&loaded.config.storage);
            storage::command::doc_upload(&mut client, args, &loaded.config.storage, &limits).await
        }
        Some(Command::Export(cmd)) => {
            let mut client = pool::connect_one(&resolve(&cli, &loaded)?).await?;
            caseload::export::command::export(&mut client, cmd, caseload::clock::today(), &env)
                .await
        }
        Some(Command::Report(cmd)) => {
            let mut client = pool::connect_one(&resolve(&cli, &loaded)?).await?;
            caseload::report::command::report(&mut client, cmd, caseload::clock::today(), &env)
                .await
        }
        Some(Command::Demo(args)) => {
            let configured = if database_configured(&cli, &loaded) {
                Some(resolve(&cli, &loaded)?)
            } else {
                None
            };
            let data_dir = loaded
                .config
                .demo
                .data_dir
                .clone()
                .or_else(|| config::data_dir(&env))
                .ok_or_else(|| eyre!("no data directory: set XDG_DATA_HOME or demo.data_dir"))?;
            let server = demo::find_server(configured, &data_dir, args.private_cluster).await?;
            let today = caseload::clock::today();
            let prepared = demo::prepare(args, server, today)
                .await
                .wrap_err("preparing the demo")?;
            // Documents go through the embedded store, set up afresh on
            // every start (its port and key are this run's).
            let store = match pool::connect_one(&prepared.server.admin).await {
                Ok(owner) => {
                    storage::command::start_for_demo(&owner, &loaded.config.storage, &data_dir)
                        .await
                }
                Err(e) => Err(e.into()),
            };
            let store = store
                .inspect_err(|e| errln!("caseload: documents unavailable: {e:#}"))
                .ok();
            let tls = Tls::for_params(&prepared.login)?;
            let pool = pool::build_pool_with_tls(&prepared.login, &loaded.config.database, &tls)?;
            let result = tui::run(pool, tls, tui_options(&loaded, &prepared.login)).await;
            drop(store);
            drop(prepared); // stops a private cluster this run started
            result
        }
    }
}

async fn worker(
    cli: &Cli,
    loaded: &config::Loaded,
    args: &caseload::cli::WorkerArgs,
) -> Result<()> {
    use caseload::jobs::{Registry, runner};
    let params = resolve(cli, loaded)?.with_application_name("caseload worker");
    let tls = Tls::for_params(&params)?;
    let mut db = loaded.config.database.clone();
    // Each running job heartbeats on its own connection; one more claims.
    db.pool_max_size = db.pool_max_size.max(usize::from(args.concurrency) + 2);
    {
        let client = pool::connect_one(&params).await?;
        caseload::db::pooler::require_direct(
            &client,
            &params,
            loaded.config.database.pooler,
            "caseload worker",
        )
        .await
        .map_err(|e| eyre!(e))?;
    }
    let pool = pool::build_pool_with_tls(&params, &db, &tls)?;
    let (mut opts, registry) = if args.mine {
        let id = format!("mine:{}", runner::default_id());
        (runner::own(id), Registry::author())
    } else {
        (
            runner::Options::new(runner::default_id()),
            Registry::builtin(),
        )
    };
    opts.concurrency = usize::from(args.concurrency);
    opts.once = args.once;
    if args.mine {
        // Your own reports and exports read where your window would.
        opts.reads = read_router(loaded, &params)?;
    }
    let wake = std::sync::Arc::new(tokio::sync::Notify::new());
    if !args.once {
        tokio::spawn(runner::listen(params.clone(), wake.clone()));
    }
    errln!(
        "caseload worker {}{} on {} (concurrency {})",
        opts.id,
        if args.mine { " (your own jobs)" } else { "" },
        params.display_masked(),
        opts.concurrency
    );
    let summary = runner::run(pool, registry, opts, wake, stop_signal()).await?;
    outln!("{}", runner::format_summary(&summary));
    Ok(())
}

/// Ctrl-C or SIGTERM: stop claiming and let the running jobs finish.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

async fn bench(cli: &Cli, loaded: &config::Loaded, args: &caseload::cli::BenchArgs) -> Result<()> {
    let params = resolve(cli, loaded)?.with_application_name("caseload bench");
    if args.only.as_deref() == Some("storage") {
        let owner = pool::connect_one(&params).await?;
        let rounds = args.iterations.clamp(1, 5);
        let figures = caseload::bench::storage::run(&owner, rounds).await?;
        if args.json {
            outln!("{}", serde_json::to_string_pretty(&figures)?);
        } else {
            out!("{}", figures.render());
        }
        return Ok(());
    }
    if args.only.as_deref() == Some("import") {
        let mut client = pool::connect_one(&params).await?;
        let figure = caseload::bench::import::run(&mut client, args.students).await?;
        out!("{}", figure.render());
        return Ok(());
    }
    if args.only.as_deref() == Some("jobs") {
        let report = caseload::bench::jobs::run(&params, &loaded.config.database, 2000).await?;
        out!("{report}");
        return Ok(());
    }
    let tls = Tls::for_params(&params)?;
    let pool = pool::build_pool_with_tls(&params, &loaded.config.database, &tls)?;
    // The child gets the same connection flags; the environment it inherits.
    let mut child_args = Vec::new();
    if let Some(url) = &cli.global.database_url {
        child_args.extend(["--database-url".to_string(), url.clone()]);
    }
    if let Some(path) = &cli.global.config {
        child_args.extend(["--config".to_string(), path.display().to_string()]);
    }
    let startup = std::env::current_exe()
        .ok()
        .map(|exe| caseload::bench::startup::Target {
            exe,
            args: child_args,
            env: Vec::new(),
            marker: String::new(),
        });
    let opts = caseload::bench::Options {
        iterations: args.iterations,
        database: params.display_masked(),
        startup,
        interventions_only: args.only.as_deref() == Some("interventions"),
        short_search_only: args.only.as_deref() == Some("search"),
        live_only: args.only.as_deref() == Some("live"),
    };
    let report = caseload::bench::run(pool, tls, opts).await?;
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        out!("{}", caseload::bench::format_table(&report));
    }
    Ok(())
}

async fn soak(cli: &Cli, loaded: &config::Loaded, args: &caseload::cli::SoakArgs) -> Result<()> {
    let target = resolve(cli, loaded)?;
    let admin = match &args.admin_url {
        Some(url) => loaded.conn_params_from_process(Some(url))?,
        None => target.clone(),
    };
    let mut database = loaded.config.database.clone();
    if let Some(n) = args.pool_size {
        database.pool_max_size = n.max(1);
    }
    let opts = caseload::soak::Options {
        clients: args.clients as usize,
        duration: args.duration,
        think: args.rate,
        ramp: args.ramp,
        target,
        admin,
        database,
        scratch: std::env::temp_dir(),
        pgbouncer: args.pgbouncer,
    };
    let report = caseload::soak::run(opts).await?;
    out!("{}", caseload::soak::format(&report));
    if caseload::soak::lost_any(&report) {
        std::process::exit(1);
    }
    Ok(())
}

async fn user(cli: &Cli, loaded: &config::Loaded, cmd: &UserCommand) -> Result<()> {
    // Asked before connecting, so a slow typist does not hold a connection.
    let new_password = match cmd {
        UserCommand::Password(a) if a.password_stdin => {
            Some(password::from_reader(std::io::stdin().lock())?)
        }
        UserCommand::Password(a) => Some(password::prompt_twice(&a.username)?),
        _ => None,
    };
    let params = resolve(cli, loaded)?.with_application_name("caseload user");
    let mut client = pool::connect_one(&params).await?;
    match cmd {
        UserCommand::Add(a) => {
            let new = users::NewUser {
                username: a.username.clone(),
                display_name: a.name.clone(),
                email: a.email.clone(),
                home_school: a.home_school.clone(),
                roles: a
                    .grants
                    .iter()
                    .map(|(role, school)| users::RoleGrant {
                        role: role.clone(),
                        school: school.clone(),
                        expires: None,
                    })
                    .collect(),
            };
            users::add(&mut client, &new).await?;
            outln!(
                "added {} with a login role that has no password yet: set one with \
                 `caseload user password {}`",
                a.username,
                a.username
            );
        }
        UserCommand::Grant(a) => {
            let g = users::RoleGrant {
                role: a.role.clone(),
                school: a.school.clone(),
                expires: a.expires,
            };
            users::grant(&mut client, &a.username, &g).await?;
            outln!("granted {} to {}", a.role, a.username);
        }
        UserCommand::Revoke(a) => {
            users::revoke(&mut client, &a.username, &a.role, a.school.as_deref()).await?;
            outln!("revoked {} from {}", a.role, a.username);
        }
        UserCommand::Deactivate(a) => {
            users::set_active(&mut client, &a.username, false).await?;
            outln!("deactivated {}: they can no longer sign in", a.username);
        }
        UserCommand::Activate(a) => {
            users::set_active(&mut client, &a.username, true).await?;
            outln!("activated {}", a.username);
        }
        UserCommand::Login(a) => {
            users::login(&mut client, &a.username).await?;
            outln!(
                "{} can sign in once they have a password: set one with \
                 `caseload user password {}`",
                a.username,
                a.username
            );
        }
        UserCommand::Password(a) => {
            let pw = new_password.unwrap_or_default();
            users::set_password(&mut client, &a.username, &pw).await?;
            outln!("password set for {}", a.username);
        }
        UserCommand::List => out!("{}", users::format_table(&users::list(&client).await?)),
    }
    Ok(())
}
