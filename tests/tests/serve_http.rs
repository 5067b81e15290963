//! The runner's security model, over real HTTP against a running `jitlens serve`.

use jitlens_tests::http;
use jitlens_tests::serve::Serve;

#[test]
fn health_needs_the_token_from_the_printed_url() {
    let serve = Serve::start(&[]);
    let missing = http::local(serve.port, "GET", "/api/health", &[], b"");
    assert_eq!(missing.status, 401);
    let wrong = http::local(
        serve.port,
        "GET",
        "/api/health",
        &[("Authorization", "Bearer nope")],
        b"",
    );
    assert_eq!(wrong.status, 401);
    let bearer = serve.bearer();
    let ok = http::local(
        serve.port,
        "GET",
        "/api/health",
        &[("Authorization", &bearer)],
        b"",
    );
    assert_eq!(ok.status, 200);
    assert_eq!(ok.json()["status"], "ok");
}

#[test]
fn foreign_host_or_origin_is_forbidden() {
    let serve = Serve::start(&[]);
    let bearer = serve.bearer();
    let evil_host = http::request(
        serve.port,
        "GET",
        "/api/health",
        &[("Host", "evil.example"), ("Authorization", &bearer)],
        b"",
    )
    .unwrap();
    assert_eq!(evil_host.status, 403);
    let evil_origin = http::local(
        serve.port,
        "GET",
        "/api/health",
        &[
            ("Origin", "https://evil.example"),
            ("Authorization", &bearer),
        ],
        b"",
    );
    assert_eq!(evil_origin.status, 403);
    assert_eq!(evil_origin.header("access-control-allow-origin"), None);
    let own_origin = format!("http://127.0.0.1:{}", serve.port);
    let same = http::local(
        serve.port,
        "GET",
        "/api/health",
        &[("Origin", &own_origin), ("Authorization", &bearer)],
        b"",
    );
    assert_eq!(same.status, 200);
    assert_eq!(
        same.header("access-control-allow-origin"),
        Some(own_origin.as_str())
    );
}

#[test]
fn playground_is_served_at_the_root() {
    let serve = Serve::start(&[]);
    let page = http::local(serve.port, "GET", "/", &[], b"");
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("<title>jitlens playground</title>"),
        "{}",
        page.body
    );
    let evil = http::request(serve.port, "GET", "/", &[("Host", "evil.example")], b"").unwrap();
    assert_eq!(
        evil.status, 403,
        "DNS rebinding must not reach the page either"
    );
}
