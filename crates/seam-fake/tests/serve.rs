//! `seam-fake serve` and the library's server as a command would run them (issue 14, part 4):
//! loopback addresses only unless `--allow-non-loopback`, `--help` on every subcommand, and a
//! log line per request (on stderr for the binary, off by default in the library).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read as _, Write as _};
use std::net::SocketAddr;
use std::process::Command;
use std::sync::{Arc, Mutex};

use seamapi_fake::{
    FakeSeam, FakeServer, ListenError, RequestLog, ServeProcess, ServerOptions, bind, seed,
};

const BIN: &str = env!("CARGO_BIN_EXE_seam-fake");

const ADD: &str =
    r#"{"user_identity_key":"jane","acs_user_id":"5eed0002-0000-4000-8000-000000000001"}"#;

/// Sends one request over a fresh connection (closed after the answer): the status and the
/// `seam-request-id` of the answer.
fn send(addr: SocketAddr, method: &str, target: &str, body: &str) -> (u16, String) {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    let request = format!(
        "{method} {target} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\
         authorization: Bearer {}\r\ncontent-type: application/json\r\n\
         content-length: {}\r\n\r\n{body}",
        seed::API_KEY,
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {answer:?}"));
    let request_id = answer
        .lines()
        .find_map(|l| l.strip_prefix("seam-request-id: "))
        .unwrap_or_else(|| panic!("no request id: {answer:?}"))
        .trim()
        .to_owned();
    (status, request_id)
}

/// Checks a log line against `METHOD PATH STATUS REQUEST_ID N.N ms`.
fn assert_log_line(line: &str, method: &str, path: &str, status: u16, request_id: &str) {
    let words: Vec<&str> = line.trim_end_matches('\n').split(' ').collect();
    assert_eq!(words.len(), 6, "{line:?}");
    assert_eq!(
        words[..4],
        [method, path, &status.to_string(), request_id],
        "{line:?}"
    );
    let ms = words[4];
    assert!(
        ms.split_once('.')
            .is_some_and(|(whole, tenths)| !whole.is_empty()
                && whole.bytes().all(|b| b.is_ascii_digit())
                && tenths.len() == 1
                && tenths.bytes().all(|b| b.is_ascii_digit())),
        "{line:?}"
    );
    assert_eq!(words[5], "ms", "{line:?}");
    // Nothing of the headers or the body.
    for secret in [seed::API_KEY, "Bearer", "jane", "application/json"] {
        assert!(!line.contains(secret), "{secret} in {line:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// The library

/// The log line's format, pinned through the library: one line per request, from a callback,
/// for an answer of the backend and for a path it does not know (asked with a query string,
/// which is not logged).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_request_is_logged_once_with_method_path_status_id_and_time() {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&lines);
    let mut options = ServerOptions::default();
    options.request_log = Some(RequestLog::new(move |record| {
        seen.lock().unwrap().push(record.to_string());
    }));
    let server = FakeServer::start_with("127.0.0.1:0", FakeSeam::new(), options)
        .await
        .unwrap();
    let addr = server.local_addr();
    let (added, added_id) = tokio::task::spawn_blocking(move || {
        send(addr, "PUT", "/user_identities/add_acs_user", ADD)
    })
    .await
    .unwrap();
    let (missing, missing_id) =
        tokio::task::spawn_blocking(move || send(addr, "GET", "/nope?token=secret-ish", ""))
            .await
            .unwrap();
    server.stop().await.unwrap();
    assert_eq!((added, missing), (200, 404));
    let lines = lines.lock().unwrap();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_log_line(
        &lines[0],
        "PUT",
        "/user_identities/add_acs_user",
        200,
        &added_id,
    );
    assert_log_line(&lines[1], "GET", "/nope", 404, &missing_id);
    assert!(!lines[1].contains("secret-ish"), "{lines:?}");
}

#[test]
fn the_library_logs_nothing_unless_asked() {
    assert!(ServerOptions::default().request_log.is_none());
}

#[tokio::test]
async fn bind_refuses_a_non_loopback_address_unless_allowed() {
    let refused = bind("0.0.0.0:0", false).await.unwrap_err();
    assert!(matches!(refused, ListenError::NotLoopback(ref a) if a == "0.0.0.0:0"));
    let message = refused.to_string();
    assert!(message.contains("not a loopback address"), "{message}");
    assert!(message.contains("published"), "{message}");
    assert!(message.contains("--allow-non-loopback"), "{message}");
    assert!(!message.contains('\n'), "{message}");

    // Allowed, it listens on every interface, loopback included.
    let everywhere = bind("0.0.0.0:0", true).await.unwrap();
    let port = everywhere.local_addr().unwrap().port();
    let server = FakeServer::from_listener(everywhere, FakeSeam::new());
    let (status, _) = tokio::task::spawn_blocking(move || {
        send(
            SocketAddr::from(([127, 0, 0, 1], port)),
            "PUT",
            "/user_identities/add_acs_user",
            ADD,
        )
    })
    .await
    .unwrap();
    assert_eq!(status, 200);
    server.stop().await.unwrap();

    for loopback in ["127.0.0.1:0", "localhost:0"] {
        assert!(bind(loopback, false).await.is_ok(), "{loopback}");
    }
    for bad in ["nope", "127.0.0.1", "[::1]", "127.0.0.1:http"] {
        assert!(
            matches!(bind(bad, false).await, Err(ListenError::NotHostPort(_))),
            "{bad}"
        );
    }
}

/// Whether this machine can listen on `[::1]` (some containers have no IPv6 at all).
fn has_ipv6_loopback() -> bool {
    std::net::TcpListener::bind("[::1]:0").is_ok()
}

#[tokio::test]
async fn bind_accepts_ipv6_loopback_when_the_machine_has_it() {
    if !has_ipv6_loopback() {
        eprintln!("skipped: this machine cannot listen on [::1] (no IPv6 loopback)");
        return;
    }
    assert!(bind("[::1]:0", false).await.is_ok());
}

// ---------------------------------------------------------------------------------------------
// The binary

/// `seam-fake serve` with `args`, once it listens.
fn start(args: &[&str]) -> ServeProcess {
    let mut cmd = Command::new(BIN);
    cmd.arg("serve").args(args);
    ServeProcess::start(cmd).unwrap()
}

/// Run as a user would: one request, its line on stderr (read once the answer is in: the
/// line is written before the answer is sent), and nothing else there.
#[cfg(unix)]
#[test]
fn serve_logs_one_line_per_request_on_stderr() {
    serves_one_request_and_logs_it(&[]);
}

/// `seam-fake serve ARGS` answers one add_acs_user on loopback, logs exactly that request on
/// stderr, and exits 0 on SIGTERM with nothing more to say.
fn serves_one_request_and_logs_it(args: &[&str]) {
    let mut server = start(args);
    let (status, id) = send(
        server.loopback_addr(),
        "PUT",
        "/user_identities/add_acs_user",
        ADD,
    );
    assert_eq!(status, 200);
    let line = server.stderr_line().unwrap();
    assert_log_line(&line, "PUT", "/user_identities/add_acs_user", 200, &id);
    let (code, rest) = server.stop().unwrap();
    assert_eq!(code, Some(0));
    assert_eq!(rest, "");
}

#[cfg(unix)]
#[test]
fn serve_quiet_logs_nothing() {
    for quiet in ["--quiet", "-q"] {
        let server = start(&[quiet]);
        let (status, _) = send(
            server.loopback_addr(),
            "PUT",
            "/user_identities/add_acs_user",
            ADD,
        );
        assert_eq!(status, 200);
        let (code, rest) = server.stop().unwrap();
        assert_eq!(code, Some(0));
        assert_eq!(rest, "", "{quiet}");
    }
}

#[test]
fn serve_refuses_a_non_loopback_address_without_the_flag() {
    for address in ["0.0.0.0:0", "[::]:0", "192.0.2.1:0", "example.com:80"] {
        let out = Command::new(BIN)
            .args(["serve", "--listen", address])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{address}: {out:?}");
        assert_eq!(out.stdout, b"", "{address}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(
            stderr,
            format!(
                "seam-fake: refusing to listen on {address}, which is not a loopback address: \
                 the sandbox's keys are published in the docs, so anyone who can reach the \
                 port could use it; listen on 127.0.0.1 (the default), or pass \
                 --allow-non-loopback if you mean it\n"
            )
        );
    }
}

/// Allowed, it listens on every interface; the test talks to it on loopback.
#[cfg(unix)]
#[test]
fn serve_listens_on_a_non_loopback_address_with_the_flag() {
    serves_one_request_and_logs_it(&["--listen", "0.0.0.0:0", "--allow-non-loopback"]);
}

#[cfg(unix)]
#[test]
fn serve_listens_on_ipv6_loopback_when_the_machine_has_it() {
    if !has_ipv6_loopback() {
        eprintln!("skipped: this machine cannot listen on [::1] (no IPv6 loopback)");
        return;
    }
    let server = start(&["--listen", "[::1]:0", "--quiet"]);
    let (status, _) = send(server.addr(), "PUT", "/user_identities/add_acs_user", ADD);
    assert_eq!(status, 200);
    assert_eq!(server.stop().unwrap().0, Some(0));
}

/// `--help` and `-h` print the subcommand's help on stdout and exit 0, for every
/// subcommand (before: "--help needs a value", exit 2).
#[test]
fn every_subcommand_has_help() {
    for (sub, first_line) in [
        ("serve", "  seam-fake serve [--listen ADDR]"),
        ("sandbox-call", "  seam-fake sandbox-call --state FILE"),
        ("reset", "  seam-fake reset --state FILE"),
        ("churn", "  seam-fake churn --state FILE"),
        ("seed", "  seam-fake seed"),
    ] {
        for help in ["--help", "-h"] {
            let out = Command::new(BIN).args([sub, help]).output().unwrap();
            assert_eq!(out.status.code(), Some(0), "{sub} {help}: {out:?}");
            assert_eq!(out.stderr, b"", "{sub} {help}");
            let stdout = String::from_utf8(out.stdout).unwrap();
            let mut lines = stdout.lines();
            assert_eq!(lines.next(), Some("usage:"), "{sub} {help}");
            assert!(
                lines.next().unwrap().starts_with(first_line),
                "{sub} {help}: {stdout}"
            );
            assert!(stdout.contains("exit codes:"), "{sub} {help}");
            // Only this subcommand's help.
            assert_eq!(stdout.matches("  seam-fake ").count(), 1, "{stdout}");
        }
    }
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.matches("  seam-fake ").count(), 5, "{stdout}");
}

/// The parser's other refusals: exit 2, the reason and the subcommand's help on stderr.
#[test]
fn bad_arguments_are_usage_errors() {
    for args in [
        &["serve", "--quiet=yes"][..],
        &["serve", "-x"],
        &["serve", "--listen"],
        &["serve", "--bogus", "1"],
        &["seed", "extra"],
        &["bogus"],
    ] {
        let out = Command::new(BIN).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.starts_with("seam-fake: "), "{args:?}: {stderr}");
        assert!(stderr.contains("\nusage:\n"), "{args:?}: {stderr}");
    }
}

/// `ServeProcess` says why a command is not a running server, with what it wrote on stderr.
#[cfg(unix)]
#[test]
fn serve_process_reports_a_command_that_does_not_start_a_server() {
    let mut refused = Command::new(BIN);
    refused.args(["serve", "--listen", "0.0.0.0:0"]);
    let e = ServeProcess::start(refused).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);
    let message = e.to_string();
    assert!(message.starts_with("not a startup line"), "{message}");
    assert!(
        message.contains("refusing to listen on 0.0.0.0:0"),
        "{message}"
    );

    // `seed` prints JSON, but no endpoint.
    let mut seed_only = Command::new(BIN);
    seed_only.arg("seed");
    let e = ServeProcess::start(seed_only).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("the startup line's endpoint is not http://ADDRESS"),
        "{e}"
    );
}
