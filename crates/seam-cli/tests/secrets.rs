//! The `seam` command never prints its token (issue 8, the CLI's part of the secrets test;
//! the library facades have theirs in `crates/seam/tests/common/faults.rs`).
//!
//! Every error path of the CLI runs with a known token, given by flag, by environment
//! variable and from the file `seam login` writes, in plain and in `--json` output, with
//! `RUST_LOG=trace` and `RUST_BACKTRACE=full` set, and neither stdout nor stderr may hold the
//! token or its distinctive part. The servers that answer with errors are real HTTP servers
//! on `127.0.0.1:0`; each test also checks that the token did reach them, so it was in use.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::Command;

use common::{Home, Out, closed_port, run, seed};
use seamapi_transport::test_util::{Reply, TestServer};

/// The API key under test, the same as the facades' test.
const SECRET: &str = "seam_secret_token_do_not_leak_42";
/// A personal access token under test.
const SECRET_PAT: &str = "seam_at_secret_token_do_not_leak_42";
/// What no output may hold, whatever prefix or redaction is around it.
const DISTINCTIVE: &str = "do_not_leak";

const ACS: &str = seed::ACS_USER_IDS[0];

/// How the token reaches the CLI.
#[derive(Debug, Clone, Copy)]
enum Given {
    Flag,
    Env,
    /// Stored by `seam login` in the config file.
    Stored,
}

const GIVEN: [Given; 3] = [Given::Flag, Given::Env, Given::Stored];

/// `seam` in `home`, the token given `how`, logging and backtraces asked for at their most.
fn seam(home: &Home, how: Given, token: &str, endpoint: &str) -> Command {
    let mut cmd = home.bare();
    cmd.current_dir(&home.dir)
        .env("RUST_LOG", "trace")
        .env("RUST_BACKTRACE", "full")
        .args(["--endpoint", endpoint]);
    let pat = token.starts_with("seam_at");
    match how {
        Given::Flag if pat => {
            cmd.args(["--personal-access-token", token, "--workspace-id"])
                .arg(seed::WORKSPACE_ID);
        }
        Given::Flag => {
            cmd.args(["--api-key", token]);
        }
        Given::Env if pat => {
            cmd.env("SEAM_PERSONAL_ACCESS_TOKEN", token)
                .env("SEAM_WORKSPACE_ID", seed::WORKSPACE_ID);
        }
        Given::Env => {
            cmd.env("SEAM_API_KEY", token);
        }
        Given::Stored => {}
    }
    cmd
}

/// Writes the config file `seam login` writes, holding `token`, without a server.
fn store(home: &Home, token: &str, endpoint: &str) {
    let file = home.config_file();
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(
        &file,
        serde_json::json!({
            "token": token,
            "endpoint": endpoint,
            "workspace_id": token.starts_with("seam_at").then_some(seed::WORKSPACE_ID),
        })
        .to_string(),
    )
    .unwrap();
}

fn assert_clean(what: &str, out: &Out) {
    for (stream, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        assert!(
            !text.contains(DISTINCTIVE),
            "{what}: the token is in {stream}: {out:?}"
        );
    }
}

/// Runs `args` once for every way of giving `token` and both output modes; each run must
/// exit with `code` and print no token.
fn every_way(home: &Home, token: &str, endpoint: &str, args: &[&str], code: i32) {
    for how in GIVEN {
        if matches!(how, Given::Stored) {
            store(home, token, endpoint);
        } else {
            let _ = std::fs::remove_file(home.config_file());
        }
        for json in [false, true] {
            let mut cmd = seam(home, how, token, endpoint);
            if json {
                cmd.arg("--json");
            }
            let out = run(cmd, args, None);
            let what = format!("{args:?} ({how:?}, json {json})");
            assert_eq!(out.code, code, "{what}: {out:?}");
            assert!(!out.stderr.is_empty() || code == 0, "{what}: {out:?}");
            assert_clean(&what, &out);
        }
    }
    let _ = std::fs::remove_file(home.config_file());
}

fn bearer_seen(server: &TestServer, token: &str) -> bool {
    server.requests().iter().any(|r| {
        r.headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            == Some(&format!("Bearer {token}"))
    })
}

const GET: [&str; 5] = ["acs", "users", "get", "--acs_user_id", ACS];
const ADD: [&str; 6] = common::ADD_JANE;

#[test]
fn no_api_error_answer_leaks_the_token() {
    let home = Home::new("secrets-api");
    let error = |status: u16, kind: &str| {
        Reply::json(
            status,
            &format!(r#"{{"error":{{"type":"{kind}","message":"refused","request_id":"req_1"}}}}"#),
        )
    };
    // Answers the client retries (429, 5xx, cut-off answers) cost it two backoffs per run
    // (0.2 s and 0.4 s): those run with the API key only. A huge `Retry-After` would make
    // each run wait 30 s twice; the facades' test covers it.
    let retried = |name: &str| {
        ["429", "500", "502", "200", "truncated", "connection"]
            .iter()
            .any(|p| name.starts_with(p))
    };
    let cases: Vec<(&str, Reply, &[&str], i32)> = vec![
        ("400 invalid_input", error(400, "invalid_input"), &GET, 1),
        ("401 JSON", error(401, "unauthorized"), &GET, 3),
        ("401 text", Reply::text(401, "Unauthorized"), &GET, 3),
        ("403", error(403, "forbidden"), &GET, 1),
        ("404", error(404, "acs_user_not_found"), &GET, 4),
        ("409", error(409, "acs_user_already_linked"), &ADD, 1),
        (
            "429 every time",
            error(429, "rate_limited").header("retry-after", "0"),
            &GET,
            1,
        ),
        (
            "500 text",
            Reply::text(500, "Internal Server Error"),
            &GET,
            1,
        ),
        (
            "502 HTML",
            Reply::html(502, "<html><h1>502 Bad Gateway</h1></html>"),
            &GET,
            1,
        ),
        (
            "200 that is not JSON",
            Reply::text(200, "surprise"),
            &GET,
            1,
        ),
        (
            "truncated body",
            Reply::truncated(200, r#"{"acs_user":"#, 100),
            &GET,
            5,
        ),
        ("connection reset", Reply::Reset, &GET, 5),
    ];
    for (name, reply, args, code) in cases {
        let server = TestServer::always(reply);
        let tokens: &[&str] = if retried(name) {
            &[SECRET]
        } else {
            &[SECRET, SECRET_PAT]
        };
        for &token in tokens {
            every_way(&home, token, server.url(), args, code);
            assert!(
                bearer_seen(&server, token),
                "{name}: the token was not sent"
            );
        }
    }
}

#[test]
fn no_transport_failure_leaks_the_token() {
    let home = Home::new("secrets-transport");
    // A server that never answers: the per-attempt timeout, then the deadline.
    let hang = TestServer::always(Reply::Hang);
    let mut args = vec!["--timeout", "0.2"];
    args.extend(GET);
    every_way(&home, SECRET, hang.url(), &args, 5);
    assert!(bearer_seen(&hang, SECRET));
    // Nothing listens.
    let refused = format!("http://127.0.0.1:{}", closed_port());
    every_way(&home, SECRET, &refused, &GET, 5);
    every_way(&home, SECRET_PAT, &refused, &GET, 5);
}

#[test]
fn no_local_error_leaks_the_token() {
    let home = Home::new("secrets-local");
    let refused = format!("http://127.0.0.1:{}", closed_port());
    // Refused before sending: an invalid value, a missing parameter, an unknown flag.
    every_way(
        &home,
        SECRET,
        &refused,
        &["acs", "users", "get", "--acs_user_id", "not-a-uuid"],
        2,
    );
    every_way(
        &home,
        SECRET,
        &refused,
        &["user-identities", "add-acs-user"],
        2,
    );
    every_way(
        &home,
        SECRET,
        &refused,
        &["acs", "users", "get", "--bogus"],
        2,
    );

    // Tokens of the wrong kind, or holding what a header must not.
    let flag = |args: &[&str], code: i32| {
        let mut cmd = home.bare();
        cmd.current_dir(&home.dir)
            .env("RUST_LOG", "trace")
            .args(["--endpoint", &refused]);
        let out = run(cmd, args, None);
        assert_eq!(out.code, code, "{args:?}: {out:?}");
        assert_clean(&format!("{args:?}"), &out);
    };
    let mut args: Vec<&str> = vec!["--api-key", SECRET_PAT];
    args.extend(GET);
    flag(&args, 3);
    let mut args: Vec<&str> = vec!["--personal-access-token", SECRET, "--workspace-id", "w"];
    args.extend(GET);
    flag(&args, 3);
    let mut args: Vec<&str> = vec!["--personal-access-token", SECRET_PAT];
    args.extend(GET);
    flag(&args, 3);
    for bad in [
        format!("{SECRET} "),
        format!("{SECRET}\r\nx-evil: 1"),
        format!("{SECRET}\u{200b}"),
    ] {
        let mut args: Vec<&str> = vec!["--api-key", &bad];
        args.extend(GET);
        let mut cmd = home.bare();
        cmd.current_dir(&home.dir).args(["--endpoint", &refused]);
        let out = run(cmd, &args, None);
        assert_ne!(out.code, 0, "{bad:?}: {out:?}");
        assert_clean(&format!("{bad:?}"), &out);
    }
    // The token inside the endpoint, and a plain-HTTP remote endpoint.
    for endpoint in [
        format!("https://user:{SECRET}@example.com"),
        format!("https://{SECRET}@example.com"),
        "http://example.com".to_owned(),
    ] {
        let mut cmd = home.bare();
        cmd.current_dir(&home.dir);
        let mut args: Vec<&str> = vec!["--api-key", SECRET, "--endpoint", &endpoint];
        args.extend(GET);
        let out = run(cmd, &args, None);
        assert_ne!(out.code, 0, "{endpoint}: {out:?}");
        assert_clean(&endpoint, &out);
    }
    // The sandbox refuses a key it does not know (401).
    let mut args: Vec<&str> = vec!["--api-key", SECRET];
    args.extend(GET);
    let out = run(home.sandbox(), &args, None);
    assert_eq!(out.code, 3, "{out:?}");
    assert_clean("sandbox 401", &out);
}

#[test]
fn dry_run_config_login_and_logout_never_echo_the_token() {
    let home = Home::new("secrets-config");
    let refused = format!("http://127.0.0.1:{}", closed_port());
    // --dry-run prints the request with the authorization header redacted.
    let mut args = vec!["--dry-run"];
    args.extend(ADD);
    every_way(&home, SECRET, &refused, &args, 0);
    every_way(&home, SECRET_PAT, &refused, &args, 0);
    // config show, wherever the token comes from.
    every_way(&home, SECRET, &refused, &["config", "show"], 0);
    every_way(&home, SECRET_PAT, &refused, &["config", "show"], 0);

    // login: refused by the server (401), unreachable, then accepted and stored.
    let unauthorized = TestServer::always(Reply::json(
        401,
        r#"{"error":{"type":"unauthorized","message":"Unauthorized"}}"#,
    ));
    let accepted = TestServer::always(Reply::json(
        200,
        r#"{"user_identities":[],"pagination":{"has_next_page":false}}"#,
    ));
    for (endpoint, code) in [
        (unauthorized.url(), 3),
        (refused.as_str(), 5),
        (accepted.url(), 0),
    ] {
        for json in [false, true] {
            let _ = std::fs::remove_file(home.config_file());
            let mut by_flag = home.bare();
            by_flag.env("RUST_LOG", "trace");
            if json {
                by_flag.arg("--json");
            }
            let out = run(
                by_flag,
                &["--endpoint", endpoint, "login", "--token", SECRET],
                None,
            );
            assert_eq!(out.code, code, "login --token at {endpoint}: {out:?}");
            assert_clean("login --token", &out);
            let mut by_stdin = home.bare();
            by_stdin.env("RUST_LOG", "trace");
            let out = run(
                by_stdin,
                &["--endpoint", endpoint, "login"],
                Some(&format!("{SECRET}\n")),
            );
            assert_eq!(out.code, code, "login from stdin at {endpoint}: {out:?}");
            assert_clean("login from stdin", &out);
        }
    }
    assert!(bearer_seen(&unauthorized, SECRET) && bearer_seen(&accepted, SECRET));
    // Stored now: config show, a call the server refuses with the stored token, logout.
    let stored = std::fs::read_to_string(home.config_file()).unwrap();
    assert!(stored.contains(SECRET), "login stored the token");
    for args in [
        &["config", "show"][..],
        &["--endpoint", unauthorized.url()],
        &["logout"],
    ] {
        let mut args = args.to_vec();
        if args[0] == "--endpoint" {
            args.extend(GET);
        }
        let out = run(home.bare(), &args, None);
        assert_clean(&format!("{args:?}"), &out);
    }
    assert!(!home.config_file().exists(), "logout removed the file");
}
