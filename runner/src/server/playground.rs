//! The playground `jitlens serve` answers outside `/api/`: trunk's dist folder read from disk, or
//! the copy built into the binary (`--features embed-playground`, the wheel's build; see
//! `runner/build.rs`).
//!
//! Either way an unknown path gets `index.html`, so the page's own routes load the page.

use std::path::PathBuf;

use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower_http::services::{ServeDir, ServeFile};

mod built_in {
    include!(concat!(env!("OUT_DIR"), "/playground.rs"));
}

/// Where the page's files come from.
#[derive(Debug, Clone)]
pub enum Playground {
    /// A built playground on disk (`web/dist`, `--web-dir`), read at each request.
    Folder(PathBuf),
    /// Files compiled into the binary: path under the dist folder and contents, sorted by path.
    Embedded(&'static [(&'static str, &'static [u8])]),
}

impl Playground {
    /// The copy compiled into this binary, when it was built with one.
    pub fn built_in() -> Option<Self> {
        let files: &'static [(&'static str, &'static [u8])] = built_in::FILES;
        (!files.is_empty()).then_some(Playground::Embedded(files))
    }

    /// What `serve` answers: the folder given (`--web-dir`), else the built-in copy, else the
    /// folder `fallback` (this checkout's `web/dist`).
    pub fn choose(web_dir: Option<PathBuf>, built_in: Option<Self>, fallback: PathBuf) -> Self {
        match (web_dir, built_in) {
            (Some(dir), _) => Playground::Folder(dir),
            (None, Some(built_in)) => built_in,
            (None, None) => Playground::Folder(fallback),
        }
    }

    /// Where the page comes from, as `serve` says at start.
    pub(crate) fn describe(&self) -> String {
        match self {
            Playground::Folder(dir) => dir.display().to_string(),
            Playground::Embedded(files) => format!("built in ({} files)", files.len()),
        }
    }

    /// `router` with the playground as its fallback for every path no route takes.
    pub(crate) fn serve_from<S: Clone + Send + Sync + 'static>(
        self,
        router: Router<S>,
    ) -> Router<S> {
        match self {
            Playground::Folder(dir) => {
                let index = dir.join("index.html");
                router.fallback_service(ServeDir::new(dir).fallback(ServeFile::new(index)))
            }
            Playground::Embedded(files) => router.fallback(move |method: Method, uri: Uri| {
                std::future::ready(embedded_response(files, &method, uri.path()))
            }),
        }
    }
}

/// One file of the built-in playground, as `ServeDir` with an `index.html` fallback would answer.
fn embedded_response(files: &[(&str, &'static [u8])], method: &Method, path: &str) -> Response {
    if method != Method::GET && method != Method::HEAD {
        let mut response = StatusCode::METHOD_NOT_ALLOWED.into_response();
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let mut name = path.trim_start_matches('/').to_owned();
    if name.is_empty() || name.ends_with('/') {
        name.push_str("index.html");
    }
    let find = |name: &str| {
        files
            .binary_search_by(|(path, _)| (*path).cmp(name))
            .ok()
            .map(|at| files[at])
    };
    let Some((name, bytes)) = find(&name).or_else(|| find("index.html")) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(content_type(name)),
        )],
        bytes,
    )
        .into_response()
}

/// The media type of a playground file, by its extension.
fn content_type(name: &str) -> &'static str {
    let extension = name.rsplit_once('.').map_or("", |(_, extension)| extension);
    match extension {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        // Browsers compile a module streamed from fetch only with this type.
        "wasm" => "application/wasm",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::Request;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    use super::*;
    use crate::server::{app, test_state, Security};

    const PORT: u16 = 9998;

    static FILES: &[(&str, &[u8])] = &[
        ("app-1a2b.js", b"export default 1;"),
        ("app-1a2b_bg.wasm", b"\0asm\x01\0\0\0"),
        ("index.html", b"<title>jitlens playground</title>"),
        ("style-3c4d.css", b"body {}"),
    ];

    /// Status, content type and body of `method path` against the app with [`FILES`] built in.
    async fn get(method: &str, path: &str, token: Option<&str>) -> (StatusCode, String, Vec<u8>) {
        let security = Security::with_token("secret".into(), PORT, &[]);
        let app = app(test_state(security), Playground::Embedded(FILES));
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header("host", format!("127.0.0.1:{PORT}"));
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let response = app
            .oneshot(request.body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|value| value.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, content_type, body.to_vec())
    }

    #[tokio::test]
    async fn built_in_files_are_served_with_their_types() {
        let page = get("GET", "/", None).await;
        assert_eq!(
            page,
            (
                StatusCode::OK,
                "text/html; charset=utf-8".to_owned(),
                FILES[2].1.to_vec()
            )
        );
        let wasm = get("GET", "/app-1a2b_bg.wasm", None).await;
        assert_eq!(
            wasm,
            (
                StatusCode::OK,
                "application/wasm".to_owned(),
                FILES[1].1.to_vec()
            )
        );
        let script = get("GET", "/app-1a2b.js", None).await;
        assert_eq!(script.1, "text/javascript; charset=utf-8");
        let style = get("GET", "/style-3c4d.css", None).await;
        assert_eq!(style.1, "text/css; charset=utf-8");
    }

    #[tokio::test]
    async fn unknown_paths_get_the_page_and_the_api_stays_the_api() {
        let page = get("GET", "/share/abc", None).await;
        assert_eq!(
            (page.0, page.2),
            (StatusCode::OK, FILES[2].1.to_vec()),
            "a client route loads index.html"
        );
        assert_eq!(
            get("GET", "/api/health", None).await.0,
            StatusCode::UNAUTHORIZED
        );
        let health = get("GET", "/api/health", Some("secret")).await;
        assert_eq!(
            (health.0, health.1.as_str()),
            (StatusCode::OK, "application/json")
        );
        let no_route = get("GET", "/api/nothing", Some("secret")).await;
        assert_eq!(no_route.0, StatusCode::NOT_FOUND);
        assert_eq!(
            get("POST", "/", None).await.0,
            StatusCode::METHOD_NOT_ALLOWED
        );
    }

    #[test]
    fn the_folder_given_wins_then_the_built_in_copy_then_the_checkout() {
        let given = PathBuf::from("/given");
        let checkout = PathBuf::from("/checkout/web/dist");
        let chosen = Playground::choose(
            Some(given.clone()),
            Some(Playground::Embedded(FILES)),
            checkout.clone(),
        );
        assert!(matches!(chosen, Playground::Folder(dir) if dir == given));
        let chosen = Playground::choose(None, Some(Playground::Embedded(FILES)), checkout.clone());
        assert!(matches!(chosen, Playground::Embedded(files) if files.len() == FILES.len()));
        let chosen = Playground::choose(None, None, checkout.clone());
        assert!(matches!(chosen, Playground::Folder(dir) if dir == checkout));
    }

    #[test]
    fn files_are_sorted_for_the_lookup() {
        let names: Vec<&str> = built_in::FILES.iter().map(|(name, _)| *name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
    }
}
