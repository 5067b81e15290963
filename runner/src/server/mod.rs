//! `jitlens serve`: the playground and the runner API on 127.0.0.1, for this user only.
//!
//! Every request passes [`security::guard`] first: Host allow-list, exact Origin allow-list,
//! and the per-start token on every `/api/` route.

mod env;
mod error;
mod health;
mod jobs;
mod playground;
mod security;
mod traces;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use axum::extract::DefaultBodyLimit;
use axum::routing::any;
use axum::Router;

use crate::env_probe::EnvCache;
use crate::jobs::{JobConfig, Jobs};
use crate::python::{self, DiscoveryEnv};
use crate::store::{self, Store};
pub use playground::Playground;
pub use security::Security;

/// Request bodies above this size are refused with 413.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The port `jitlens serve` listens on unless told otherwise.
pub const DEFAULT_PORT: u16 = 8765;

/// Arguments of `jitlens serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = DEFAULT_PORT)]
    pub port: u16,
    /// Address to listen on. Anything but loopback exposes a code runner to the network.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub host: IpAddr,
    /// Do not open the playground in a browser.
    #[arg(long)]
    pub no_open: bool,
    /// Where jobs and results are kept.
    #[arg(long, env = "JITLENS_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// The built playground to serve at `/` (otherwise the one built into this binary, if any,
    /// else this checkout's `web/dist`).
    #[arg(long, env = "JITLENS_WEB_DIR")]
    pub web_dir: Option<PathBuf>,
    /// Another origin allowed to call the API, such as a hosted copy of the playground.
    #[arg(long = "allow-origin", value_name = "URL")]
    pub allow_origins: Vec<String>,
    /// The Python that runs jobs (otherwise `$JITLENS_PYTHON`, the active virtual or conda
    /// environment, the environment jitlens is installed in, `./.venv`, then `python3` on PATH).
    #[arg(long)]
    pub python: Option<PathBuf>,
    /// Jobs that may wait behind the running one; more are refused with 429.
    #[arg(long, default_value_t = 16)]
    pub queue_size: usize,
    /// Memory limit of each job in MiB (its data segment); default: three quarters of RAM.
    #[arg(long, value_name = "MIB")]
    pub memory_limit_mb: Option<u64>,
}

/// What every handler may read; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// Who may call the API.
    pub security: Arc<Security>,
    /// The job queue.
    pub(crate) jobs: Arc<Jobs>,
    /// The probed Python environment.
    pub(crate) env: Arc<EnvCache>,
    /// The store, for the routes that read it directly (traces).
    pub(crate) store: Store,
}

/// The whole HTTP application: API routes, the static playground, and the guard around both.
pub fn app(state: AppState, playground: Playground) -> Router {
    let api = Router::new()
        .merge(health::router())
        .merge(env::router())
        .merge(jobs::router())
        .merge(traces::router())
        .route(
            "/api/{*rest}",
            any(|| async { error::ApiError::no_such_route() }),
        );
    playground
        .serve_from(api)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::guard,
        ))
        .with_state(state)
}

/// Binds, prints the URL to open, and serves until Ctrl-C or SIGTERM.
pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("could not start the async runtime")?;
    runtime.block_on(serve(args))
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let data_dir = args.data_dir.clone().unwrap_or_else(default_data_dir);
    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("could not create the data folder {}", data_dir.display()))?;
    let playground = Playground::choose(
        args.web_dir.clone(),
        Playground::built_in(),
        default_web_dir(),
    );
    if let Playground::Folder(web_dir) = &playground {
        if !web_dir.join("index.html").is_file() {
            eprintln!(
                "warning: the playground is not built in {}; run `cargo xtask serve`",
                web_dir.display()
            );
        }
    }

    let listener = tokio::net::TcpListener::bind(SocketAddr::new(args.host, args.port))
        .await
        .with_context(|| format!("could not listen on {}:{}", args.host, args.port))?;
    let port = listener.local_addr()?.port();
    if !args.host.is_loopback() {
        eprintln!(
            "WARNING: listening on {} exposes a runner that executes code to every machine that \
             can reach it. Only the token stands in the way. Use the default 127.0.0.1 unless you \
             know why not.",
            args.host
        );
    }
    let security = Security::new(port, &args.allow_origins)?;
    let store = Store::open(&data_dir)?;
    let interrupted = store.run(store::interrupt_unfinished).await?;
    if interrupted > 0 {
        eprintln!("{interrupted} job(s) left unfinished by the last start are marked interrupted");
    }
    let cwd = std::env::current_dir().context("could not read the current folder")?;
    let python = python::discover(args.python.as_deref(), &DiscoveryEnv::from_process(), &cwd)
        .unwrap_or_else(|error| {
            eprintln!("warning: {error:#}; jobs will fail until one is given");
            python::Python {
                path: PathBuf::from("python3"),
                found_by: "PATH",
            }
        });
    let memory_bytes = args
        .memory_limit_mb
        .map_or_else(crate::jobs::default_memory_bytes, |mib| mib * 1024 * 1024);
    let jobs = Jobs::new(
        store.clone(),
        JobConfig {
            python: python.path.clone(),
            queue_capacity: args.queue_size,
            memory_bytes,
        },
    );
    jobs.start_worker();
    // Probed on the first `GET /api/env`, not now: importing every framework takes seconds of
    // CPU that a benchmark starting at the same time should not share.
    let env = Arc::new(EnvCache::new(python.clone()));
    let url = format!("http://127.0.0.1:{port}/#token={}", security.token());
    println!(
        "jitlens {} serving the playground at",
        env!("CARGO_PKG_VERSION")
    );
    println!("  {url}");
    println!("data: {}", data_dir.display());
    println!("playground: {}", playground.describe());
    println!(
        "python: {} (found by {})",
        python.path.display(),
        python.found_by
    );
    if !args.no_open {
        open_in_browser(&url);
    }

    let state = AppState {
        security: Arc::new(security),
        jobs,
        env,
        store,
    };
    axum::serve(listener, app(state, playground))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("the server stopped with an error")
}

/// `$XDG_DATA_HOME/jitlens`, else `~/.local/share/jitlens`.
pub(crate) fn default_data_dir() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/share")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("jitlens")
}

/// The playground built in this checkout. The black-box tests also look for this path in the
/// binary to tell this checkout's build from another's (see `jitlens_tests::jitlens_bin`).
fn default_web_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../web/dist"))
}

fn open_in_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let spawned = std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if spawned.is_err() {
        eprintln!("could not open a browser: open the URL above yourself");
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => (),
        () = terminate => (),
    }
}

/// A state over a fresh store in a temporary folder, for the unit tests of the routes.
#[cfg(test)]
pub(crate) fn test_state(security: Security) -> AppState {
    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("jitlens-state-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let store = Store::open(&dir).expect("a store in a temporary folder");
    let python = python::Python {
        path: PathBuf::from("python3"),
        found_by: "PATH",
    };
    let jobs = Jobs::new(
        store.clone(),
        JobConfig {
            python: python.path.clone(),
            queue_capacity: 1,
            memory_bytes: 1 << 30,
        },
    );
    AppState {
        security: Arc::new(security),
        jobs,
        env: Arc::new(EnvCache::new(python)),
        store,
    }
}
