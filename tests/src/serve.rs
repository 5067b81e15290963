//! A `jitlens serve` process for one test: a free port, a fresh data folder, killed on drop.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::{fresh_dir, jitlens_bin, test_python, workspace_root};

/// A running `jitlens serve`.
pub struct Serve {
    child: Child,
    keep_data: bool,
    /// The port it listens on.
    pub port: u16,
    /// The token from the printed URL.
    pub token: String,
    /// The URL it printed, to open in a browser.
    pub url: String,
    /// Its data folder.
    pub data_dir: PathBuf,
}

impl Serve {
    /// Starts `jitlens serve --port 0 --no-open` with a fresh data folder and the built
    /// playground, and waits for the URL it prints.
    pub fn start(extra_args: &[&str]) -> Self {
        let web_dir = workspace_root().join("web/dist");
        assert!(
            web_dir.join("index.html").is_file(),
            "the playground is not built in {}: run `cargo xtask test`",
            web_dir.display()
        );
        Self::launch(&web_dir, fresh_dir("data"), extra_args)
    }

    /// Starts `jitlens serve` with the built playground, the test Python (see [`test_python`])
    /// and `data_dir` (one a CLI command wrote to, e.g. traces).
    pub fn start_on(data_dir: PathBuf) -> Self {
        let web_dir = workspace_root().join("web/dist");
        assert!(
            web_dir.join("index.html").is_file(),
            "the playground is not built in {}: run `cargo xtask test`",
            web_dir.display()
        );
        let python = test_python();
        let python = python.to_str().expect("a UTF-8 path to Python");
        Self::launch(&web_dir, data_dir, &["--python", python])
    }

    /// Starts `jitlens serve` for API tests: no playground, the test Python (see
    /// [`test_python`]), and `data_dir` (a fresh one when None, e.g. to restart on old data).
    pub fn start_runner(data_dir: Option<PathBuf>, extra_args: &[&str]) -> Self {
        let python = test_python();
        let python = python.to_str().expect("a UTF-8 path to Python");
        let mut args = vec!["--python", python];
        args.extend_from_slice(extra_args);
        let data_dir = data_dir.unwrap_or_else(|| fresh_dir("data"));
        Self::launch(&fresh_dir("no-web"), data_dir, &args)
    }

    fn launch(web_dir: &std::path::Path, data_dir: PathBuf, extra_args: &[&str]) -> Self {
        let mut child = Command::new(jitlens_bin())
            .args(["serve", "--port", "0", "--no-open", "--data-dir"])
            .arg(&data_dir)
            .arg("--web-dir")
            .arg(web_dir)
            .args(extra_args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("jitlens serve starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if line.trim_start().starts_with("http://") {
                    let _ = sender.send(line.trim().to_owned());
                }
            }
        });
        let url = receiver
            .recv_timeout(Duration::from_secs(30))
            .expect("jitlens serve prints its URL within 30 s");
        let port = url
            .trim_start_matches("http://127.0.0.1:")
            .split('/')
            .next()
            .and_then(|port| port.parse().ok())
            .expect("the URL names a port");
        let token = url
            .split("#token=")
            .nth(1)
            .expect("the URL carries a token")
            .to_owned();
        Self {
            child,
            keep_data: false,
            port,
            token,
            url,
            data_dir,
        }
    }

    /// The Authorization header value that carries the token.
    pub fn bearer(&self) -> String {
        format!("Bearer {}", self.token)
    }

    /// Kills the server with SIGKILL (no chance to clean up) and returns its data folder, which
    /// is kept for a restart.
    pub fn kill_hard(mut self) -> PathBuf {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.keep_data = true;
        self.data_dir.clone()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if !self.keep_data {
            let _ = std::fs::remove_dir_all(&self.data_dir);
        }
    }
}
