//! A missing parameter asked for on a terminal: `seam` runs in a pseudo-terminal made by
//! util-linux `script`, the test reads the prompt and the pick-list, then answers.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::{Read, Write};
use std::process::{Command, Stdio};

use common::{BIN, Home, run, seed};

/// Reads from `r` until `needle` has been seen; returns everything read.
fn read_until(r: &mut impl Read, needle: &str) -> String {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&seen).contains(needle) {
        let n = r.read(&mut buf).unwrap();
        assert!(
            n > 0,
            "EOF before {needle:?}: {}",
            String::from_utf8_lossy(&seen)
        );
        seen.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&seen).into_owned()
}

fn script_available() -> bool {
    Command::new("script")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// `script` with the test home's environment (SEAM_* variables removed).
fn script(home: &Home) -> Command {
    let mut script = Command::new("script");
    for (k, v) in home.bare().get_envs() {
        match v {
            Some(v) => script.env(k, v),
            None => script.env_remove(k),
        };
    }
    script
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[test]
fn a_missing_parameter_is_asked_for_with_a_pick_list_on_a_terminal() {
    if !script_available() {
        eprintln!("skipped: util-linux `script` is not installed, no pseudo-terminal");
        return;
    }
    let home = Home::new("prompt");
    let command = format!(
        "{} --sandbox --sandbox-state {} user-identities add-acs-user --user_identity_key jane",
        quote(BIN),
        quote(&home.state().display().to_string())
    );
    // `script` runs the command in a new pseudo-terminal: stdin and stdout are terminals.
    let mut child = script(&home)
        .args(["-qec", &command, "/dev/null"])
        .env("TERM", "dumb")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let shown = read_until(&mut stdout, "(number or value): ");
    assert!(shown.contains("acs_user_id"), "{shown}");
    assert!(
        shown.contains(&format!("2) {}", seed::ACS_USER_IDS[1])),
        "{shown}"
    );
    // The sandbox has 32 ACS users: the list shows the first page and says there are more,
    // and how to see them all.
    assert!(
        shown.contains(
            "(20 shown of more than 20 acs users: `seam --sandbox acs users list` lists them all; or type an id)"
        ),
        "{shown}"
    );
    assert!(!shown.contains(" 21) "), "{shown}");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"2\n").unwrap();
    stdin.flush().unwrap();
    let rest = read_until(&mut stdout, "{}");
    drop(stdin);
    let status = child.wait().unwrap();
    assert!(status.success(), "{rest}");

    let linked = run(
        home.sandbox(),
        &[
            "acs",
            "users",
            "get",
            "--acs_user_id",
            seed::ACS_USER_IDS[1],
        ],
        None,
    )
    .ok()
    .json();
    assert_eq!(
        linked["acs_user"]["user_identity_id"],
        seed::USER_IDENTITY_ID
    );
}

#[test]
fn without_a_terminal_or_with_non_interactive_a_missing_parameter_is_a_usage_error() {
    let home = Home::new("no-prompt");
    let out = run(
        home.sandbox(),
        &[
            "user-identities",
            "add-acs-user",
            "--user_identity_key",
            "jane",
        ],
        None,
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(
        out.stderr,
        "error: usage: missing required parameter: --acs_user_id (see `seam user-identities add-acs-user --help`)\n"
    );
    if script_available() {
        // (`acs users get` has no required parameter since the routes come from Seam's API
        // document: by `acs_user_id` or by `user_identity_id`.)
        let command = format!(
            "{} --non-interactive --sandbox --sandbox-state {} user-identities list-acs-users",
            quote(BIN),
            quote(&home.state().display().to_string())
        );
        let out = script(&home)
            .args(["-qec", &command, "/dev/null"])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("missing required parameter: --user_identity_id"),
            "{text}"
        );
    }
}

#[test]
fn login_reads_the_token_from_a_prompt_that_does_not_echo() {
    if !script_available() {
        eprintln!("skipped: util-linux `script` is not installed, no pseudo-terminal");
        return;
    }
    let home = Home::new("login-prompt");
    let server = common::Server::start(&home);
    let command = format!(
        "{} --endpoint {} login",
        quote(BIN),
        quote(&server.endpoint)
    );
    let mut child = script(&home)
        .args(["-qec", &command, "/dev/null"])
        .env("TERM", "dumb")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    read_until(&mut stdout, "(input hidden): ");
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(format!("{}\n", seed::API_KEY).as_bytes())
        .unwrap();
    stdin.flush().unwrap();
    let rest = read_until(&mut stdout, "config_file");
    drop(stdin);
    let mut tail = String::new();
    stdout.read_to_string(&mut tail).unwrap();
    assert!(child.wait().unwrap().success(), "{rest}{tail}");
    let everything = format!("{rest}{tail}");
    assert!(!everything.contains(seed::API_KEY), "{everything}");
    assert!(everything.contains("\"logged_in\": true"), "{everything}");
    assert!(home.config_file().exists());
}
