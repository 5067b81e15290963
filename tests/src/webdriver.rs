//! A minimal W3C WebDriver client for Debian's chromium through chromedriver.
//!
//! Chromium runs headless with a fresh profile and the flags that keep it off the network.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

use crate::{fresh_dir, http, wait_for};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A chromedriver process with one browser session; both end on drop.
pub struct Browser {
    driver: Child,
    port: u16,
    session: String,
    profile: PathBuf,
}

/// An element found on the page.
#[derive(Debug, Clone)]
pub struct Element(String);

fn executable(variable: &str, default: &str) -> PathBuf {
    let path = std::env::var_os(variable).map_or_else(|| PathBuf::from(default), PathBuf::from);
    assert!(
        path.is_file(),
        "{} is missing: `cargo xtask test` installs Debian's chromium and chromium-driver \
         (or set {variable})",
        path.display()
    );
    path
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free port")
}

impl Browser {
    /// Starts chromedriver and a headless chromium session with a fresh user-data-dir.
    pub fn start() -> Self {
        let driver_path = executable("CHROMEDRIVER", "/usr/bin/chromedriver");
        let chromium = executable("CHROMIUM", "/usr/bin/chromium");
        let port = free_port();
        let driver = Command::new(driver_path)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let profile = fresh_dir("chromium-profile");
        let mut browser = Self {
            driver,
            port,
            session: String::new(),
            profile,
        };
        wait_for("chromedriver to be ready", Duration::from_secs(20), || {
            http::request(port, "GET", "/status", &[("Host", "127.0.0.1")], b"")
                .ok()
                .filter(|response| response.status == 200)
        });
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1400,900",
                    format!("--user-data-dir={}", browser.profile.display()),
                ],
            },
        }}});
        let created = browser.command("POST", "/session", &capabilities);
        browser.session = created["sessionId"]
            .as_str()
            .expect("a session id")
            .to_owned();
        browser
    }

    fn command(&self, method: &str, path: &str, body: &Value) -> Value {
        let body = if method == "GET" {
            Vec::new()
        } else {
            body.to_string().into_bytes()
        };
        let response = http::request(
            self.port,
            method,
            path,
            &[("Host", "127.0.0.1"), ("Content-Type", "application/json")],
            &body,
        )
        .expect("chromedriver answers");
        let value = response.json()["value"].clone();
        assert!(
            response.status == 200,
            "WebDriver {method} {path} failed with {}: {value}",
            response.status
        );
        value
    }

    fn session_command(&self, method: &str, path: &str, body: &Value) -> Value {
        self.command(method, &format!("/session/{}{path}", self.session), body)
    }

    /// Navigates to `url` and waits for the load.
    pub fn open(&self, url: &str) {
        self.session_command("POST", "/url", &json!({ "url": url }));
    }

    /// Resizes the browser window, as a user's screen would be.
    pub fn set_window_size(&self, width: u32, height: u32) {
        self.session_command(
            "POST",
            "/window/rect",
            &json!({ "width": width, "height": height }),
        );
    }

    /// Saves the viewport as `name.png` in the folder `JITLENS_SCREENSHOTS` names, when it is
    /// set: the pictures a person looks at after a change to the page.
    pub fn screenshot(&self, name: &str) {
        use base64::Engine;
        let Some(dir) = std::env::var_os("JITLENS_SCREENSHOTS") else {
            return;
        };
        let encoded = self.session_command("GET", "/screenshot", &Value::Null);
        let png = base64::engine::general_purpose::STANDARD
            .decode(encoded.as_str().expect("a base64 screenshot"))
            .expect("the screenshot is base64");
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).expect("create the screenshot folder");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("write the screenshot");
    }

    /// Runs `script` (a function body; `arguments` holds `args`) and returns its result.
    pub fn execute(&self, script: &str, args: &[Value]) -> Value {
        self.session_command(
            "POST",
            "/execute/sync",
            &json!({ "script": script, "args": args }),
        )
    }

    /// Waits for an element matching the CSS `selector`.
    pub fn find(&self, selector: &str) -> Element {
        wait_for(selector, Duration::from_secs(20), || {
            let exists = self.execute(
                "return document.querySelector(arguments[0]) !== null;",
                &[json!(selector)],
            );
            exists.as_bool().filter(|found| *found)
        });
        let found = self.session_command(
            "POST",
            "/element",
            &json!({ "using": "css selector", "value": selector }),
        );
        Element(
            found[ELEMENT_KEY]
                .as_str()
                .expect("an element id")
                .to_owned(),
        )
    }

    /// Clears a text field.
    pub fn clear(&self, element: &Element) {
        self.session_command("POST", &format!("/element/{}/clear", element.0), &json!({}));
    }

    /// Types `text` into an element, as key presses.
    pub fn type_text(&self, element: &Element, text: &str) {
        self.session_command(
            "POST",
            &format!("/element/{}/value", element.0),
            &json!({ "text": text }),
        );
    }

    /// Clicks an element.
    pub fn click(&self, element: &Element) {
        self.session_command("POST", &format!("/element/{}/click", element.0), &json!({}));
    }

    /// The `value` of the first form field matching `selector`, or "" when there is none.
    pub fn value_of(&self, selector: &str) -> String {
        self.execute(
            "const e = document.querySelector(arguments[0]); return e ? e.value : '';",
            &[json!(selector)],
        )
        .as_str()
        .unwrap_or_default()
        .to_owned()
    }

    /// The visible text of the first element matching `selector`, or "" when there is none.
    pub fn text_of(&self, selector: &str) -> String {
        self.execute(
            "const e = document.querySelector(arguments[0]); return e ? e.innerText : '';",
            &[json!(selector)],
        )
        .as_str()
        .unwrap_or_default()
        .to_owned()
    }

    /// The attribute `name` of the first element matching `selector`, or None when there is no
    /// such element or attribute.
    pub fn attribute_of(&self, selector: &str, name: &str) -> Option<String> {
        self.execute(
            "const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;",
            &[json!(selector), json!(name)],
        )
        .as_str()
        .map(str::to_owned)
    }

    /// How many elements match `selector` now.
    pub fn count(&self, selector: &str) -> usize {
        self.execute(
            "return document.querySelectorAll(arguments[0]).length;",
            &[json!(selector)],
        )
        .as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or_default()
    }

    /// Waits until the text of `selector` satisfies `check`, and returns it.
    pub fn wait_for_text(&self, selector: &str, check: impl Fn(&str) -> bool) -> String {
        wait_for(
            &format!("the text of {selector}"),
            Duration::from_secs(20),
            || Some(self.text_of(selector)).filter(|text| check(text)),
        )
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let path = format!("/session/{}", self.session);
            let _ = http::request(self.port, "DELETE", &path, &[("Host", "127.0.0.1")], b"");
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}
