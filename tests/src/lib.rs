//! Helpers for the black-box tests: the built `jitlens` binary, a running `jitlens serve`, a raw
//! HTTP client (so tests control every header), and a minimal WebDriver client for chromium.
//!
//! The tests need what `cargo xtask test` installs and builds (the playground in `web/dist`,
//! chromium and chromedriver); when something is missing they fail and say what to run.

pub mod http;
pub mod jobs;
pub mod serve;
pub mod webdriver;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits inside the workspace")
        .to_path_buf()
}

/// The `jitlens` binary built from this workspace's `runner/` (by `cargo test --workspace` or
/// `cargo build -p jitlens`).
///
/// Several checkouts (git worktrees) may share one target folder, and then
/// `target/<profile>/jitlens` is whichever checkout built last. So each candidate, that copy first
/// and then the hashed copies in `deps/`, newest first, must carry this checkout's source path,
/// which the runner embeds as its default playground folder (`<root>/runner/../web/dist`).
pub fn jitlens_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(find_jitlens_bin).clone()
}

fn find_jitlens_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary has a path");
    let deps = exe
        .parent()
        .expect("test binaries live in target/<profile>/deps");
    let uplifted = deps
        .parent()
        .expect("deps sits in target/<profile>")
        .join(format!("jitlens{}", std::env::consts::EXE_SUFFIX));
    let mut hashed: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(deps)
        .expect("the deps folder is readable")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let exe_extension = std::env::consts::EXE_EXTENSION;
            name.starts_with("jitlens-")
                && path
                    .extension()
                    .map_or(exe_extension.is_empty(), |ext| ext == exe_extension)
        })
        .filter_map(|bin| Some((bin.metadata().ok()?.modified().ok()?, bin)))
        .collect();
    hashed.sort();
    let marker = format!("{}/runner/../web/dist", workspace_root().display());
    std::iter::once(uplifted)
        .chain(hashed.into_iter().rev().map(|(_, bin)| bin))
        .find(|bin| built_here(bin, marker.as_bytes()))
        .unwrap_or_else(|| {
            panic!(
                "no jitlens binary built from {}: run the tests with `cargo xtask test` (or \
                 `cargo build -p jitlens` first)",
                workspace_root().display()
            )
        })
}

/// Whether `bin` embeds `marker` and is the `jitlens` command (not one of the runner's unit-test
/// harnesses, which share its name and its code).
fn built_here(bin: &Path, marker: &[u8]) -> bool {
    let Ok(bytes) = std::fs::read(bin) else {
        return false;
    };
    bytes.windows(marker.len()).any(|window| window == marker)
        && std::process::Command::new(bin)
            .arg("--version")
            .output()
            .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).starts_with("jitlens "))
}

/// The Python the tests run jobs with: `$JITLENS_PYTHON`, else the workspace's
/// `.venv/bin/python`; panics with what to do when neither exists (tests never skip silently).
pub fn test_python() -> PathBuf {
    if let Some(path) = std::env::var_os("JITLENS_PYTHON").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "JITLENS_PYTHON={} is not a file",
            path.display()
        );
        return path;
    }
    let venv = workspace_root().join(".venv/bin/python");
    assert!(
        venv.is_file(),
        "no Python for the tests: set JITLENS_PYTHON or run `cargo xtask test`, which creates {}",
        venv.display()
    );
    venv
}

/// Runs pytest on one file, with [`test_python`], in a fresh folder; returns whether it passed and
/// what it printed.
pub fn pytest(file: &Path) -> (bool, String) {
    let output = std::process::Command::new(test_python())
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .arg(file)
        .current_dir(fresh_dir("pytest"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("python runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

/// A fresh empty folder under the system's temporary folder, unique to this call.
pub fn fresh_dir(label: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("jitlens-{label}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("can create a temporary folder");
    dir
}

/// Polls `probe` until it returns `Some`, or panics with `what` after `timeout`.
pub fn wait_for<T>(what: &str, timeout: Duration, mut probe: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = probe() {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}
