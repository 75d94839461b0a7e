//! The `seam` command against hostile servers and a hand-made sandbox file (issue 15): the
//! sandbox's failures reported as local ones, its file's mode and links respected, a hand-made
//! inconsistent state refused, a bounded wait for its lock, no terminal escapes and no token
//! in what is printed, and an answer over the client's cap said plainly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::Command;
use std::time::Duration;

use common::{ADD_JANE, Home, Out, run, seed};
use seamapi_transport::test_util::{Reply, TestServer};

const SECRET: &str = "seam_secret_token_do_not_leak_42";

/// Runs `cmd` with `args` like [`run`], but turns a process that never ends into a failure
/// (killed by its pid after 30 s) instead of a hung test. Nothing is timed.
fn run_bounded(mut cmd: Command, args: &[&str]) -> Out {
    cmd.args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = cmd.spawn().unwrap();
    let pid = child.id().to_string();
    let (tx, rx) = std::sync::mpsc::channel();
    let waiter = std::thread::spawn(move || {
        let out = child.wait_with_output();
        let _ = tx.send(());
        out
    });
    if rx.recv_timeout(Duration::from_secs(30)).is_err() {
        let _ = Command::new("kill").args(["-KILL", &pid]).status();
        let _ = waiter.join();
        panic!("seam {args:?} did not end");
    }
    let out = waiter.join().unwrap().unwrap();
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn seeded(home: &Home) {
    run(home.sandbox(), &["sandbox", "reset"], None).ok();
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
fn set_mode(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Items 5 and 9: a read-only state file is not replaced; the write that would change it
/// fails as a local sandbox error (exit 1) naming the file, with a hint about the file (it
/// was `error: network: …`, exit 5, and the file was replaced with mode 0644).
#[cfg(unix)]
#[test]
fn a_read_only_state_file_is_kept_and_the_failure_is_local() {
    let home = Home::new("hostile-readonly");
    seeded(&home);
    let state = home.state();
    set_mode(&state, 0o444);
    let before = std::fs::read(&state).unwrap();
    let out = run_bounded(home.sandbox(), &ADD_JANE);
    assert_eq!(out.code, 1, "{out:?}");
    let expected = format!(
        "error: sandbox: sandbox state file {} is read-only; the request would change it",
        state.display()
    );
    assert!(out.stderr.starts_with(&expected), "{out:?}");
    assert!(
        out.stderr.contains("hint: make the state file writable"),
        "{out:?}"
    );
    assert!(!out.stderr.contains("network"), "{out:?}");
    assert_eq!(mode(&state), 0o444);
    assert_eq!(std::fs::read(&state).unwrap(), before);
    // Reads still work.
    run_bounded(home.sandbox(), &["user-identities", "list"]).ok();
}

/// Item 9: a rewritten state file keeps its mode (0600 stays 0600, not the umask's 0644).
#[cfg(unix)]
#[test]
fn a_rewritten_state_file_keeps_its_mode() {
    let home = Home::new("hostile-mode");
    seeded(&home);
    set_mode(&home.state(), 0o600);
    run_bounded(home.sandbox(), &ADD_JANE).ok();
    assert_eq!(mode(&home.state()), 0o600);
}

/// Item 9: a symlinked state file stays a link, and its target is what changes (it was
/// replaced by a plain file, and the target stopped updating).
#[cfg(unix)]
#[test]
fn a_symlinked_state_file_stays_a_link() {
    let home = Home::new("hostile-symlink");
    let target = home.dir.join("real-state.json");
    std::os::unix::fs::symlink(&target, home.state()).unwrap();
    seeded(&home);
    run_bounded(home.sandbox(), &ADD_JANE).ok();
    assert!(
        std::fs::symlink_metadata(home.state())
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&target).unwrap()).unwrap();
    assert_eq!(
        state["acs_users"][seed::ACS_USER_IDS[0]]["user_identity_id"],
        seed::USER_IDENTITY_ID
    );
    // One lock for both paths: the target's.
    assert!(home.dir.join("real-state.json.lock").exists());
    assert!(!home.dir.join("sandbox.json.lock").exists());
}

/// Item 8: a hand-edited state whose id counter is not above the ids it handed out is
/// refused (the next create overwrote an identity silently); the file is left alone.
#[test]
fn an_inconsistent_state_file_is_refused() {
    let home = Home::new("hostile-counter");
    seeded(&home);
    run_bounded(
        home.sandbox(),
        &["user-identities", "create", "--user_identity_key", "first"],
    )
    .ok();
    let state = home.state();
    let mut value: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    value["next_ids"][seed::WORKSPACE_ID] = 1.into();
    std::fs::write(&state, serde_json::to_vec_pretty(&value).unwrap()).unwrap();
    let before = std::fs::read(&state).unwrap();
    let out = run_bounded(
        home.sandbox(),
        &["user-identities", "create", "--user_identity_key", "second"],
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr
            .contains("is not consistent: the id counter of workspace"),
        "{out:?}"
    );
    assert!(
        out.stderr
            .contains("hint: fix the state file, or run `seam sandbox reset`")
    );
    assert_eq!(std::fs::read(&state).unwrap(), before);
}

/// Item 10: with the lock held by another process, a command waits at most about
/// `--timeout`, then fails naming the lock file (it waited for ever).
#[test]
fn a_held_lock_is_waited_for_within_the_timeout() {
    let home = Home::new("hostile-lock");
    seeded(&home);
    let lock_path = home.dir.join("sandbox.json.lock");
    let lock = std::fs::File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .unwrap();
    lock.lock().unwrap();
    let mut cmd = home.sandbox();
    cmd.args(["--timeout", "0.3"]);
    let out = run_bounded(cmd, &["user-identities", "list"]);
    assert_eq!(out.code, 1, "{out:?}");
    let expected = format!(
        "error: sandbox: sandbox lock file {} is held by another process",
        lock_path.display()
    );
    assert!(out.stderr.starts_with(&expected), "{out:?}");
    assert!(out.stderr.contains("raise --timeout"), "{out:?}");
    drop(lock);
    run_bounded(home.sandbox(), &["user-identities", "list"]).ok();
}

/// An error answer with terminal escapes in its type and message.
fn escaping_server() -> TestServer {
    TestServer::always(Reply::json(
        404,
        r#"{"error":{"type":"x\u001b]0;pwned\u0007","message":"gone\u001b[2J\u001b[31mred\u009b32m\u007f"},"ok":false}"#,
    ))
}

fn with_key(home: &Home, server: &TestServer, key: &str) -> Command {
    let mut cmd = home.bare();
    cmd.args(["--endpoint", server.url(), "--api-key", key]);
    cmd
}

/// Item 6: no control character from the server reaches the terminal raw: escaped in plain
/// output, and DEL and C1 escaped in JSON too (serde_json escapes only C0).
#[test]
fn terminal_escapes_from_the_server_are_escaped() {
    let home = Home::new("hostile-escapes");
    let server = escaping_server();
    let args = ["user-identities", "get", "--user_identity_key", "jane"];
    let out = run_bounded(with_key(&home, &server, seed::API_KEY), &args);
    assert_eq!(out.code, 4, "{out:?}");
    let line = out.stderr.trim_end_matches('\n');
    assert!(!line.chars().any(char::is_control), "{line:?}");
    assert!(line.contains(r"x\u{1b}]0;pwned\u{7}"), "{line}");
    assert!(
        line.contains(r"gone\u{1b}[2J\u{1b}[31mred\u{9b}32m\u{7f}"),
        "{line}"
    );
    let mut cmd = with_key(&home, &server, seed::API_KEY);
    cmd.arg("--json");
    let out = run_bounded(cmd, &args);
    let line = out.stderr.trim_end_matches('\n');
    assert!(!line.chars().any(char::is_control), "{line:?}");
    let json: serde_json::Value = serde_json::from_str(line).unwrap();
    assert_eq!(json["error"]["type"], "x\u{1b}]0;pwned\u{7}");
}

/// Item 7: a token in the endpoint's query or fragment is not echoed, and a server that
/// repeats the request's authorization value does not get the token printed.
#[test]
fn the_token_is_scrubbed_from_everything_printed() {
    let home = Home::new("hostile-token");
    for endpoint in [
        format!("https://example.com/?token={SECRET}"),
        format!("https://example.com/#{SECRET}"),
    ] {
        let mut cmd = home.bare();
        cmd.args(["--endpoint", &endpoint, "--api-key", seed::API_KEY]);
        let out = run_bounded(cmd, &["user-identities", "list"]);
        assert_eq!(out.code, 2, "{out:?}");
        assert!(!out.stderr.contains(SECRET), "{out:?}");
        assert!(out.stderr.contains("example.com/"), "{out:?}");
    }
    let echo = TestServer::start(|request| {
        let auth = request.headers()["authorization"]
            .to_str()
            .unwrap()
            .to_owned();
        Reply::json(
            401,
            &serde_json::json!({"error": {"type": "unauthorized", "message": format!("bad: {auth}")}, "ok": false})
                .to_string(),
        )
    });
    for json in [false, true] {
        let mut cmd = with_key(&home, &echo, SECRET);
        if json {
            cmd.arg("--json");
        }
        let out = run_bounded(cmd, &["user-identities", "list"]);
        assert_eq!(out.code, 3, "{out:?}");
        assert!(!out.stderr.contains(SECRET), "{out:?}");
        assert!(out.stderr.contains("bad: Bearer [redacted]"), "{out:?}");
    }
    assert_eq!(
        echo.requests()[0].headers()["authorization"],
        format!("Bearer {SECRET}").as_str()
    );
}

/// Item 11: an answer over the client's 16 MiB cap is said plainly, as the server's doing
/// (exit 1, not a network failure), with what to do.
#[test]
fn an_answer_over_the_cap_is_said_plainly() {
    let home = Home::new("hostile-cap");
    let big = format!(
        r#"{{"user_identities":[],"padding":"{}","ok":true}}"#,
        "x".repeat(17 << 20)
    );
    let server = TestServer::always(Reply::json(200, &big));
    let out = run_bounded(
        with_key(&home, &server, seed::API_KEY),
        &["user-identities", "list", "--limit", "10"],
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.starts_with(
            "error: answer_too_large: the answer's body is larger than 16777216 bytes"
        ),
        "{out:?}"
    );
    assert!(out.stderr.contains("smaller pages with --limit"), "{out:?}");
}

/// Item 11: the sandbox refuses strings over its documented length (1,024 characters), so
/// no stored value can make a default list approach the cap.
#[test]
fn the_sandbox_refuses_strings_over_its_limit() {
    let home = Home::new("hostile-long");
    seeded(&home);
    let long = "k".repeat(1025);
    let out = run_bounded(
        home.sandbox(),
        &["user-identities", "create", "--user_identity_key", &long],
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr
            .contains("String must contain at most 1024 character(s)"),
        "{out:?}"
    );
    let fits = "k".repeat(1024);
    run_bounded(
        home.sandbox(),
        &["user-identities", "create", "--user_identity_key", &fits],
    )
    .ok();
}
