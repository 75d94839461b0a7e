//! The sandbox file shared by processes, and the `seam-fake` binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use common::{Client, get_identity_by_key};
use seamapi_api::routes::{AddAcsUser, ListAcsUsers, UserIdentityRef};
use seamapi_fake::{FakeServer, Sandbox, State, seed};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_seam-fake");

#[test]
fn open_creates_the_seed_and_reset_restores_it() {
    let dir = common::temp_dir("open");
    let path = dir.join("nested").join("state.json");
    let sandbox = Sandbox::open(&path).unwrap();
    assert!(path.exists());
    assert_eq!(sandbox.state().unwrap(), seamapi_fake::State::seeded());
    // A sibling lock file, and no temporary file left behind.
    let names: Vec<String> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.contains(&"state.json.lock".to_owned()), "{names:?}");
    assert!(!names.iter().any(|n| n.ends_with(".tmp")), "{names:?}");
    sandbox
        .with_state(|s| {
            // Consistently: the ACS users no longer point at a removed identity.
            s.user_identities.clear();
            for u in s.acs_users.values_mut() {
                u.user_identity_id = None;
            }
            ((), true)
        })
        .unwrap();
    assert!(sandbox.state().unwrap().user_identities.is_empty());
    Sandbox::reset(&path).unwrap();
    assert_eq!(sandbox.state().unwrap(), seamapi_fake::State::seeded());
}

#[test]
fn a_corrupt_file_is_a_typed_error() {
    let dir = common::temp_dir("corrupt");
    let path = dir.join("state.json");
    std::fs::write(&path, "not json").unwrap();
    let err = Sandbox::open(&path).unwrap_err();
    assert!(
        matches!(err, seamapi_fake::SandboxError::Corrupt { .. }),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_state_survives_a_restart() {
    let dir = common::temp_dir("restart");
    let path = dir.join("state.json");
    {
        let sandbox = Sandbox::open(&path).unwrap();
        Client::in_memory(sandbox)
            .call(AddAcsUser::new(
                seed::ACS_USER_IDS[0],
                UserIdentityRef::key("persisted"),
            ))
            .await
            .unwrap();
    }
    // A new handle (as a new process would have) sees it.
    let again = Sandbox::open(&path).unwrap();
    let found = Client::in_memory(again)
        .call(get_identity_by_key("persisted"))
        .await
        .unwrap();
    assert_eq!(found.acs_user_ids, [seed::ACS_USER_IDS[0]]);
    // And so does a server started on the file, then restarted.
    for _ in 0..2 {
        let server = FakeServer::start("127.0.0.1:0", Sandbox::open(&path).unwrap())
            .await
            .unwrap();
        let seam = Client::seeded_over_http(server.endpoint());
        let found = seam.call(get_identity_by_key("persisted")).await.unwrap();
        assert_eq!(found.acs_user_ids, [seed::ACS_USER_IDS[0]]);
        server.stop().await.unwrap();
    }
}

#[test]
fn twenty_processes_lose_no_update() {
    let dir = common::temp_dir("processes");
    let path = dir.join("state.json");
    Sandbox::reset(&path).unwrap();
    let children: Vec<(usize, Child)> = seed::ACS_USER_IDS
        .iter()
        .take(20)
        .enumerate()
        .map(|(i, a)| {
            let child = Command::new(BIN)
                .arg("sandbox-call")
                .arg("--state")
                .arg(&path)
                .arg("/user_identities/add_acs_user")
                .arg(format!(
                    r#"{{"acs_user_id":"{a}","user_identity_key":"proc{i}"}}"#
                ))
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            (i, child)
        })
        .collect();
    for (i, child) in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "process {i}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            r#"{"ok":true}"#
        );
    }
    let state = Sandbox::open(&path).unwrap().state().unwrap();
    assert_eq!(state.check_links(), Ok(()));
    for (i, a) in seed::ACS_USER_IDS.iter().take(20).enumerate() {
        let identity = state
            .user_identity_by_key(seed::WORKSPACE_ID, &format!("proc{i}"))
            .unwrap_or_else(|| panic!("proc{i} lost"));
        assert_eq!(identity.acs_user_ids, [*a]);
    }
    assert_eq!(state.user_identities.len(), 21);
}

#[test]
fn sandbox_call_reports_errors_by_exit_status() {
    let dir = common::temp_dir("call");
    let path = dir.join("state.json");
    let out = Command::new(BIN)
        .args(["sandbox-call", "--state"])
        .arg(&path)
        .args([
            "/acs/users/get",
            r#"{"acs_user_id":"00000000-0000-4000-8000-000000000000"}"#,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let body: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(body["error"]["type"], "acs_user_not_found");
    let out = Command::new(BIN).arg("bogus").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Starts `seam-fake serve` and reads its startup line.
fn start_server(extra: &[&std::ffi::OsStr]) -> (Child, Value) {
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    let json: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
    (child, json)
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args(["-s", name, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_prints_its_line_serves_and_stops_on_sigterm() {
    let (mut child, line) = start_server(&[]);
    for key in [
        "endpoint",
        "api_key",
        "personal_access_token",
        "workspace_id",
        "user_identity_id",
        "user_identity_key",
        "acs_system_id",
    ] {
        assert!(line[key].is_string(), "{key} missing: {line}");
    }
    assert_eq!(line["acs_user_ids"].as_array().unwrap().len(), 24);
    assert_eq!(line["api_key"], seed::API_KEY);
    let seam = Client::over_http(
        seamapi_core::Config::builder().api_key(line["api_key"].as_str().unwrap()),
        line["endpoint"].as_str().unwrap(),
    );
    seam.call(AddAcsUser::new(
        line["acs_user_ids"][0].as_str().unwrap(),
        UserIdentityRef::key(line["user_identity_key"].as_str().unwrap()),
    ))
    .await
    .unwrap();
    // Exactly one line on stdout.
    signal(&child, "TERM");
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    let mut rest = String::new();
    std::io::Read::read_to_string(child.stdout.as_mut().unwrap(), &mut rest).unwrap();
    assert_eq!(rest, "");
}

#[cfg(unix)]
#[test]
fn the_binary_stops_on_sigint() {
    let (mut child, _) = start_server(&[]);
    signal(&child, "INT");
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_serves_a_state_file_shared_with_sandbox_calls() {
    let dir = common::temp_dir("serve-state");
    let path = dir.join("state.json");
    let (mut child, line) = start_server(&["--state".as_ref(), path.as_os_str()]);
    // Another process changes the file...
    let out = Command::new(BIN)
        .args(["sandbox-call", "--state"])
        .arg(&path)
        .args([
            "/user_identities/add_acs_user",
            &format!(
                r#"{{"acs_user_id":"{}","user_identity_key":"from-cli"}}"#,
                seed::ACS_USER_IDS[3]
            ),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    // ...and the server sees it.
    let seam = Client::seeded_over_http(line["endpoint"].as_str().unwrap());
    let found = seam.call(get_identity_by_key("from-cli")).await.unwrap();
    assert_eq!(found.acs_user_ids, [seed::ACS_USER_IDS[3]]);
    signal(&child, "TERM");
    assert_eq!(child.wait().unwrap().code(), Some(0));
    // The server's changes are in the file after it stopped.
    let state = Sandbox::open(&path).unwrap().state().unwrap();
    assert!(
        state
            .user_identity_by_key(seed::WORKSPACE_ID, "from-cli")
            .is_some()
    );
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_seeds_extra_acs_users_on_request() {
    let (mut child, line) = start_server(&["--extra-acs-users".as_ref(), "5".as_ref()]);
    let seam = Client::seeded_over_http(line["endpoint"].as_str().unwrap());
    let listed = seam.call(ListAcsUsers::new()).await.unwrap();
    let expected = State::seeded_with_extra_acs_users(5);
    assert_eq!(listed.items.len(), expected.acs_users.len() - 1); // not the other workspace's
    let fifth = seed::extra_acs_user_id(4);
    assert!(listed.items.iter().any(|u| u.acs_user_id == fifth));
    seam.call(AddAcsUser::new(fifth, UserIdentityRef::key("extra")))
        .await
        .unwrap();
    signal(&child, "TERM");
    assert_eq!(child.wait().unwrap().code(), Some(0));

    for bad in [
        &["--extra-acs-users", "many"][..],
        &["--extra-acs-users", "1000001"],
        &["--extra-acs-users", "3", "--state", "x.json"],
    ] {
        let out = Command::new(BIN).arg("serve").args(bad).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("--extra-acs-users"),
            "{bad:?}: {out:?}"
        );
    }
}
