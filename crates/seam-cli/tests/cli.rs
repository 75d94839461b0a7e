//! The `seam` binary as a process: every command against the sandbox and against the fake
//! HTTP server, flags, stdin, exit codes, dry-run, login/logout, prompts, redaction.

#![allow(clippy::unwrap_used)]

mod common;

use std::process::Command;

use common::{ADD_JANE, Home, Out, Server, closed_port, run, seed};
use serde_json::{Value, json};

const ACS: &str = seed::ACS_USER_IDS[0];

/// Every API command, in a sequence of separate processes, through `mk`.
fn every_command(mk: &dyn Fn() -> Command) {
    let call = |args: &[&str]| run(mk(), args, None).ok();

    // add-acs-user by key prints `{}`, and the link shows in list-acs-users.
    let out = call(&[
        "user-identities",
        "add-acs-user",
        "--user_identity_key",
        seed::USER_IDENTITY_KEY,
        "--acs_user_id",
        ACS,
    ]);
    assert_eq!(out.stdout, "{}\n");
    let linked = call(&[
        "user-identities",
        "list-acs-users",
        "--user_identity_id",
        seed::USER_IDENTITY_ID,
    ])
    .json();
    let ids: Vec<&str> = linked["acs_users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["acs_user_id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&ACS), "{ids:?}");

    // create, get by key and by id.
    let created = call(&[
        "user-identities",
        "create",
        "--user_identity_key",
        "kim",
        "--email-address",
        "kim@example.com",
        "--full_name",
        "Kim Lee",
    ])
    .json();
    let kim = created["user_identity"]["user_identity_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let by_key = call(&["user-identities", "get", "--user_identity_key", "kim"]).json();
    assert_eq!(by_key["user_identity"]["user_identity_id"], kim.as_str());
    let by_id = call(&["user-identities", "get", "--user-identity-id", &kim]).json();
    assert_eq!(by_id["user_identity"]["full_name"], "Kim Lee");

    // list: every page by default, one page with --limit.
    let all = call(&["user-identities", "list"]).json();
    assert_eq!(all["user_identities"].as_array().unwrap().len(), 2);
    assert!(all.get("pagination").is_none());
    let one = call(&["user-identities", "list", "--limit", "1"]).json();
    assert_eq!(one["user_identities"].as_array().unwrap().len(), 1);
    assert_eq!(one["pagination"]["has_next_page"], true);
    let cursor = one["pagination"]["next_page_cursor"].as_str().unwrap();
    let next = call(&["user-identities", "list", "--page-cursor", cursor]).json();
    assert_eq!(next["user_identities"].as_array().unwrap().len(), 1);

    // acs users get / list (32 users in the workspace, over several pages of 10).
    let user = call(&["acs", "users", "get", "--acs-user-id", ACS]).json();
    assert_eq!(user["acs_user"]["acs_user_id"], ACS);
    assert_eq!(user["acs_user"]["user_identity_id"], seed::USER_IDENTITY_ID);
    let users = call(&["acs", "users", "list"]).json();
    let total = users["acs_users"].as_array().unwrap().len();
    assert_eq!(
        total,
        seed::ACS_USER_IDS.len() + seed::ANNEX_ACS_USER_IDS.len() + seed::GARAGE_ACS_USER_IDS.len()
    );
    let page = call(&["acs", "users", "list", "--limit", "10"]).json();
    assert_eq!(page["acs_users"].as_array().unwrap().len(), 10);
    let filtered = call(&[
        "acs",
        "users",
        "list",
        "--acs_system_id",
        seed::ANNEX_ACS_SYSTEM_ID,
    ])
    .json();
    assert_eq!(filtered["acs_users"].as_array().unwrap().len(), 4);

    // remove-acs-user and delete print `{}`; the deleted identity is then not found.
    let out = call(&[
        "user-identities",
        "remove-acs-user",
        "--user_identity_id",
        seed::USER_IDENTITY_ID,
        "--acs_user_id",
        ACS,
    ]);
    assert_eq!(out.stdout, "{}\n");
    let user = call(&["acs", "users", "get", "--acs_user_id", ACS]).json();
    assert_eq!(user["acs_user"]["user_identity_id"], Value::Null);
    let out = call(&["user-identities", "delete", "--user_identity_id", &kim]);
    assert_eq!(out.stdout, "{}\n");
    let gone = run(
        mk(),
        &["user-identities", "get", "--user_identity_id", &kim],
        None,
    );
    assert_eq!(gone.code, 4, "{gone:?}");
}

#[test]
fn every_command_against_the_sandbox() {
    let home = Home::new("sandbox-all");
    every_command(&|| home.sandbox());
}

#[test]
fn every_command_against_the_fake_http_server() {
    let home = Home::new("http-all");
    let server = Server::start(&home);
    assert_eq!(server.line["api_key"], seed::API_KEY);
    every_command(&|| server.cmd(&home));
}

#[test]
fn the_http_server_and_the_cli_share_the_sandbox_file() {
    let home = Home::new("http-shared");
    let server = Server::start(&home);
    run(server.cmd(&home), &ADD_JANE, None).ok();
    let seen = run(
        home.sandbox(),
        &["acs", "users", "get", "--acs_user_id", ACS],
        None,
    )
    .ok()
    .json();
    assert_eq!(seen["acs_user"]["user_identity_id"], seed::USER_IDENTITY_ID);
}

#[cfg(unix)]
#[test]
fn sandbox_serve_stops_cleanly_on_sigterm() {
    let home = Home::new("sigterm");
    let server = Server::start(&home);
    assert!(server.terminate().success());
}

#[test]
fn both_flag_spellings_give_the_same_answer() {
    let home = Home::new("spellings");
    let a = run(
        home.sandbox(),
        &[
            "user-identities",
            "list-acs-users",
            "--user_identity_id",
            seed::USER_IDENTITY_ID,
        ],
        None,
    )
    .ok();
    let b = run(
        home.sandbox(),
        &[
            "user-identities",
            "list-acs-users",
            "--user-identity-id",
            seed::USER_IDENTITY_ID,
        ],
        None,
    )
    .ok();
    assert_eq!(a.stdout, b.stdout);
    assert!(a.stdout.contains(seed::ANNEX_ACS_USER_IDS[0]));
    // Array parameters repeat.
    let two = run(
        home.sandbox(),
        &[
            "user-identities",
            "create",
            "--user_identity_key",
            "multi",
            "--acs_system_ids",
            seed::HQ_ACS_SYSTEM_ID,
            "--acs-system-ids",
            seed::GARAGE_ACS_SYSTEM_ID,
        ],
        None,
    );
    assert_eq!(two.code, 0, "{two:?}");
}

#[test]
fn parameters_from_stdin_and_flags_win() {
    let home = Home::new("stdin");
    let input = json!({"acs_user_id": seed::ACS_USER_IDS[1], "user_identity_key": "jane"});
    let out = run(
        home.sandbox(),
        &[
            "user-identities",
            "add-acs-user",
            "--input",
            "-",
            "--acs_user_id",
            ACS,
        ],
        Some(&input.to_string()),
    )
    .ok();
    assert_eq!(out.stdout, "{}\n");
    let flag_one = run(
        home.sandbox(),
        &["acs", "users", "get", "--acs_user_id", ACS],
        None,
    )
    .ok()
    .json();
    assert_eq!(
        flag_one["acs_user"]["user_identity_id"],
        seed::USER_IDENTITY_ID
    );
    let stdin_one = run(
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
    assert_eq!(stdin_one["acs_user"]["user_identity_id"], Value::Null);

    // stdin alone.
    let out = run(
        home.sandbox(),
        &["acs", "users", "get", "--input", "-"],
        Some(&json!({"acs_user_id": ACS}).to_string()),
    )
    .ok();
    assert_eq!(out.json()["acs_user"]["acs_user_id"], ACS);

    // Unknown keys and non-objects are usage errors.
    for bad in [r#"{"acs_user_id": "x", "nope": 1}"#, "[1]", "not json"] {
        let out = run(
            home.sandbox(),
            &["acs", "users", "get", "--input", "-"],
            Some(bad),
        );
        assert_eq!(out.code, 2, "{bad}: {out:?}");
        assert!(out.stderr.starts_with("error: usage:"), "{out:?}");
    }
}

#[test]
fn exit_codes() {
    let home = Home::new("exit-codes");
    let code = |cmd: Command, args: &[&str]| {
        let out = run(cmd, args, None);
        assert_eq!(
            out.stderr.lines().count().min(1),
            usize::from(out.code != 0),
            "{out:?}"
        );
        out
    };

    // 0
    assert_eq!(
        code(
            home.sandbox(),
            &["acs", "users", "get", "--acs_user_id", ACS]
        )
        .code,
        0
    );

    // 1: the API refuses (the ACS user is linked to another identity: 409).
    let out = code(
        home.sandbox(),
        &[
            "user-identities",
            "add-acs-user",
            "--user_identity_key",
            "zed",
            "--acs_user_id",
            seed::ANNEX_ACS_USER_IDS[0],
        ],
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("HTTP 409"), "{out:?}");
    assert!(out.stderr.contains("request id "), "{out:?}");
    assert!(
        out.stderr
            .contains("; hint: the request conflicts with the current state"),
        "{out:?}"
    );

    // 2: unknown flag, missing parameter, invalid value (refused before sending), bad timeout.
    let out = code(home.sandbox(), &["acs", "users", "get", "--bogus", "x"]);
    assert_eq!(out.code, 2, "{out:?}");
    let out = code(home.sandbox(), &["user-identities", "add-acs-user"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("--acs_user_id"), "{out:?}");
    assert!(
        out.stderr
            .contains("one of --user_identity_id / --user_identity_key"),
        "{out:?}"
    );
    let out = code(
        home.sandbox(),
        &[
            "user-identities",
            "add-acs-user",
            "--user_identity_id",
            "nope",
            "--acs_user_id",
            "bad",
        ],
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr
            .contains("[acs_user_id: Invalid uuid; user_identity_id: Invalid uuid]"),
        "{out:?}"
    );
    assert!(
        out.stderr.trim_end().ends_with(
            "; hint: fix the parameters named in brackets; `seam <command> --help` lists each one's form"
        ),
        "{out:?}"
    );
    let out = code(home.sandbox(), &["acs", "users", "list", "--limit", "0"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("Number must be greater than 0"),
        "{out:?}"
    );
    let out = code(home.sandbox(), &["--timeout", "-1", "acs", "users", "list"]);
    assert_eq!(out.code, 2, "{out:?}");

    // 3: no credentials at all, a wrong key (401), a token of the wrong kind.
    let out = code(home.bare(), &["acs", "users", "get", "--acs_user_id", ACS]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(
        out.stderr.contains("set SEAM_API_KEY or pass --api-key"),
        "{out:?}"
    );
    let out = code(
        home.sandbox(),
        &[
            "--api-key",
            "seam_wrong_key",
            "acs",
            "users",
            "get",
            "--acs_user_id",
            ACS,
        ],
    );
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("HTTP 401"), "{out:?}");
    let out = code(
        home.bare(),
        &[
            "--api-key",
            "seam_at_not_a_key",
            "acs",
            "users",
            "get",
            "--acs_user_id",
            ACS,
        ],
    );
    assert_eq!(out.code, 3, "{out:?}");

    // 4: not found.
    let out = code(
        home.sandbox(),
        &[
            "acs",
            "users",
            "get",
            "--acs_user_id",
            "5eed0002-0000-4000-8000-000000009999",
        ],
    );
    assert_eq!(out.code, 4, "{out:?}");
    assert!(out.stderr.contains("HTTP 404"), "{out:?}");
    assert!(
        out.stderr.contains("; hint: check the id or key"),
        "{out:?}"
    );

    // 5: nothing listens there.
    let endpoint = format!("http://127.0.0.1:{}", closed_port());
    let out = code(
        home.bare(),
        &[
            "--endpoint",
            &endpoint,
            "--api-key",
            seed::API_KEY,
            "acs",
            "users",
            "get",
            "--acs_user_id",
            ACS,
        ],
    );
    assert_eq!(out.code, 5, "{out:?}");
    assert!(out.stderr.starts_with("error: network:"), "{out:?}");
}

#[test]
fn errors_as_json_with_json() {
    let home = Home::new("json-errors");
    let out = run(
        home.sandbox(),
        &["--json", "acs", "users", "get", "--acs_user_id", "bad"],
        None,
    );
    assert_eq!(out.code, 2);
    let err: Value = serde_json::from_str(out.stderr.trim()).unwrap();
    assert_eq!(err["error"]["type"], "invalid_input");
    assert_eq!(
        err["error"]["validation_errors"]["acs_user_id"]["_errors"],
        json!(["Invalid uuid"])
    );
    let out = run(
        home.sandbox(),
        &[
            "--json",
            "acs",
            "users",
            "get",
            "--acs_user_id",
            "5eed0002-0000-4000-8000-000000009999",
        ],
        None,
    );
    assert_eq!(out.code, 4);
    let err: Value = serde_json::from_str(out.stderr.trim()).unwrap();
    assert_eq!(err["error"]["status"], 404);
    assert!(err["error"]["request_id"].is_string());
}

#[test]
fn dry_run_prints_the_request_and_sends_nothing() {
    let home = Home::new("dry-run");
    let token = "seam_dry_run_secret_123";
    let out = run(
        home.bare(),
        &[
            "--api-key",
            token,
            "--dry-run",
            "user-identities",
            "add-acs-user",
            "--user_identity_key",
            "jane",
            "--acs_user_id",
            ACS,
        ],
        None,
    )
    .ok();
    let v = env!("CARGO_PKG_VERSION");
    assert_eq!(
        out.stdout,
        format!(
            "PUT https://connect.getseam.com/user_identities/add_acs_user\n\
             authorization: Bearer seam_…\n\
             content-type: application/json\n\
             seam-sdk-name: seamapi/rust\n\
             seam-sdk-version: {v}\n\
             user-agent: seam-rust/{v}\n\
             \n\
             {{\"acs_user_id\":\"{ACS}\",\"user_identity_key\":\"jane\"}}\n"
        )
    );
    // Nothing was sent: the sandbox was not even created.
    let out = run(
        home.sandbox(),
        &["--dry-run", "acs", "users", "get", "--acs_user_id", ACS],
        None,
    )
    .ok();
    // A read is sent as GET, its parameters in the query string and no body.
    assert!(
        out.stdout.starts_with(&format!(
            "GET https://seam-fake.invalid/acs/users/get?acs_user_id={ACS}&_strict=true\n"
        )),
        "{out:?}"
    );
    assert!(out.stdout.ends_with("\n\n\n"), "{out:?}");
    assert!(!home.state().exists());
    // Without credentials, a placeholder stands in, and stderr says so.
    let out = run(
        home.bare(),
        &["--dry-run", "acs", "users", "get", "--acs_user_id", ACS],
        None,
    )
    .ok();
    assert!(
        out.stdout.contains("authorization: Bearer seam_…\n"),
        "{out:?}"
    );
    assert!(
        out.stderr
            .starts_with("note: no credentials are set: the authorization shown is a placeholder"),
        "{out:?}"
    );
    let out = run(
        home.bare(),
        &[
            "--json",
            "--dry-run",
            "acs",
            "users",
            "get",
            "--acs_user_id",
            ACS,
        ],
        None,
    )
    .ok();
    assert!(
        out.json()["note"].as_str().unwrap().contains("placeholder"),
        "{out:?}"
    );
    // Invalid parameters are refused in a dry run too.
    let out = run(
        home.sandbox(),
        &["--dry-run", "acs", "users", "get", "--acs_user_id", "x"],
        None,
    );
    assert_eq!(out.code, 2);
}

#[test]
fn login_logout_and_config_show() {
    let home = Home::new("login");
    let server = Server::start(&home);
    let file = home.config_file();

    // A wrong token is refused and nothing is stored.
    let out = run(
        home.bare(),
        &[
            "--endpoint",
            &server.endpoint,
            "login",
            "--token",
            "seam_wrong_login",
        ],
        None,
    );
    assert_eq!(out.code, 3, "{out:?}");
    assert!(!file.exists());

    // The seeded key, read from stdin (not a terminal), is checked and stored with mode 0600.
    let out = run(
        home.bare(),
        &["--endpoint", &server.endpoint, "login"],
        Some(&format!("{}\n", seed::API_KEY)),
    )
    .ok();
    assert_eq!(out.json()["logged_in"], true);
    assert!(!out.stdout.contains(seed::API_KEY));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }
    let stored: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(stored["token"], seed::API_KEY);
    assert_eq!(stored["endpoint"], server.endpoint.as_str());

    // Later commands use it with no flag and no environment.
    let out = run(
        home.bare(),
        &["acs", "users", "get", "--acs_user_id", ACS],
        None,
    )
    .ok();
    assert_eq!(out.json()["acs_user"]["acs_user_id"], ACS);

    // The environment beats the stored token; a flag beats the environment.
    let mut env_cmd = home.bare();
    env_cmd.env("SEAM_API_KEY", "seam_env_wrong_key");
    let out = run(
        env_cmd,
        &["acs", "users", "get", "--acs_user_id", ACS],
        None,
    );
    assert_eq!(out.code, 3, "{out:?}");
    let mut flag_cmd = home.bare();
    flag_cmd.env("SEAM_API_KEY", "seam_env_wrong_key");
    let out = run(
        flag_cmd,
        &[
            "--api-key",
            seed::API_KEY,
            "acs",
            "users",
            "get",
            "--acs_user_id",
            ACS,
        ],
        None,
    );
    assert_eq!(out.code, 0, "{out:?}");

    // config show: redacted, with sources.
    let out = run(home.bare(), &["config", "show"], None).ok();
    assert!(!out.stdout.contains(seed::API_KEY), "{out:?}");
    let shown = out.json();
    assert_eq!(shown["stored"]["token"], "seam_…");
    assert_eq!(shown["in_force"]["token_source"], "config file");
    assert_eq!(shown["in_force"]["endpoint"], server.endpoint.as_str());
    let mut env_cmd = home.bare();
    env_cmd.env("SEAM_API_KEY", "seam_env_key_123");
    let shown = run(env_cmd, &["config", "show"], None).ok().json();
    assert_eq!(shown["in_force"]["token_source"], "environment");

    // logout removes it; then there are no credentials.
    let out = run(home.bare(), &["logout"], None).ok();
    assert_eq!(out.json()["logged_out"], true);
    assert!(!file.exists());
    let out = run(
        home.bare(),
        &["acs", "users", "get", "--acs_user_id", ACS],
        None,
    );
    assert_eq!(out.code, 3, "{out:?}");
}

#[test]
fn a_token_is_never_printed() {
    let home = Home::new("redaction");
    let secret = "seam_never_print_me_0123456789";
    let pat = "seam_at_never_print_me_0123456789";
    let mut outs: Vec<Out> = Vec::new();
    let args: &[&[&str]] = &[
        &[
            "--api-key",
            secret,
            "--dry-run",
            "acs",
            "users",
            "get",
            "--acs_user_id",
            ACS,
        ],
        &[
            "--api-key",
            secret,
            "--dry-run",
            "--json",
            "acs",
            "users",
            "get",
            "--acs_user_id",
            ACS,
        ],
        &[
            "--api-key",
            secret,
            "--sandbox",
            "--sandbox-state",
            "x.json",
            "acs",
            "users",
            "list",
        ],
        &[
            "--api-key",
            secret,
            "--json",
            "--sandbox",
            "--sandbox-state",
            "x.json",
            "acs",
            "users",
            "list",
        ],
        &[
            "--api-key",
            secret,
            "--endpoint",
            "ftp://x",
            "acs",
            "users",
            "list",
        ],
        &["--api-key", pat, "acs", "users", "list"],
        &["--personal-access-token", pat, "acs", "users", "list"],
        &[
            "--personal-access-token",
            secret,
            "--workspace-id",
            "w",
            "acs",
            "users",
            "list",
        ],
        &["--api-key", secret, "config", "show"],
        &[
            "--api-key",
            secret,
            "--endpoint",
            "http://127.0.0.1:1",
            "acs",
            "users",
            "list",
        ],
        &[
            "login",
            "--token",
            secret,
            "--endpoint",
            "http://127.0.0.1:1",
        ],
    ];
    for a in args {
        let mut cmd = home.bare();
        cmd.current_dir(&home.dir);
        outs.push(run(cmd, a, None));
    }
    let mut env_cmd = home.bare();
    env_cmd.env("SEAM_API_KEY", secret);
    outs.push(run(env_cmd, &["config", "show"], None));
    let mut env_cmd = home.bare();
    env_cmd.env("SEAM_PERSONAL_ACCESS_TOKEN", pat);
    outs.push(run(env_cmd, &["acs", "users", "list"], None));
    for out in &outs {
        for t in [secret, pat] {
            assert!(!out.stdout.contains(t), "{out:?}");
            assert!(!out.stderr.contains(t), "{out:?}");
            assert!(!out.stdout.contains(&t[8..]), "{out:?}");
            assert!(!out.stderr.contains(&t[8..]), "{out:?}");
        }
    }
}

#[test]
fn commands_in_separate_processes_share_one_sandbox_and_reset_restores_it() {
    let home = Home::new("sequence");
    let linked = |home: &Home| -> Vec<String> {
        run(
            home.sandbox(),
            &[
                "user-identities",
                "list-acs-users",
                "--user_identity_id",
                seed::USER_IDENTITY_ID,
            ],
            None,
        )
        .ok()
        .json()["acs_users"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["acs_user_id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(linked(&home), [seed::ANNEX_ACS_USER_IDS[0]]);
    for id in &seed::ACS_USER_IDS[..1] {
        run(
            home.sandbox(),
            &[
                "user-identities",
                "add-acs-user",
                "--user_identity_key",
                "jane",
                "--acs_user_id",
                id,
            ],
            None,
        )
        .ok();
    }
    assert_eq!(linked(&home).len(), 2);
    run(
        home.sandbox(),
        &[
            "user-identities",
            "remove-acs-user",
            "--user_identity_id",
            seed::USER_IDENTITY_ID,
            "--acs_user_id",
            seed::ANNEX_ACS_USER_IDS[0],
        ],
        None,
    )
    .ok();
    assert_eq!(linked(&home), [ACS]);
    let out = run(home.sandbox(), &["sandbox", "reset"], None).ok();
    assert_eq!(out.json()["reset"], true);
    assert_eq!(linked(&home), [seed::ANNEX_ACS_USER_IDS[0]]);

    // SEAM_SANDBOX_STATE names the file when --sandbox-state does not.
    let mut cmd = home.bare();
    cmd.env("SEAM_SANDBOX_STATE", home.state());
    run(
        cmd,
        &["--sandbox"]
            .iter()
            .chain(&ADD_JANE)
            .copied()
            .collect::<Vec<_>>(),
        None,
    )
    .ok();
    assert_eq!(linked(&home).len(), 2);

    // Without either, the per-user data directory.
    run(home.bare(), &["--sandbox", "sandbox", "reset"], None).ok();
    assert!(home.dir.join("data/seam/sandbox.json").exists());
}

#[test]
fn help_version_and_completions() {
    let home = Home::new("help");
    let out = run(home.bare(), &["--help"], None).ok();
    assert!(out.stdout.contains("Exit codes:"), "{out:?}");
    assert!(out.stdout.contains("5  network error or timeout"));
    let out = run(home.bare(), &["--version"], None).ok();
    assert_eq!(out.stdout, format!("seam {}\n", env!("CARGO_PKG_VERSION")));
    for words in [
        &["user-identities", "add-acs-user"][..],
        &["user-identities", "create"],
        &["user-identities", "get"],
        &["user-identities", "list"],
        &["user-identities", "delete"],
        &["user-identities", "list-acs-users"],
        &["user-identities", "remove-acs-user"],
        &["acs", "users", "get"],
        &["acs", "users", "list"],
    ] {
        let mut args = words.to_vec();
        args.push("--help");
        let out = run(home.bare(), &args, None).ok();
        let example = format!("seam --sandbox {}", words.join(" "));
        assert!(out.stdout.contains(&example), "{words:?}: {}", out.stdout);
        // The example in the help runs as printed.
        let line = out
            .stdout
            .lines()
            .find(|l| l.trim_start().starts_with(&example))
            .unwrap();
        let example_args: Vec<&str> = line.split_whitespace().skip(2).collect();
        run(home.sandbox(), &["sandbox", "reset"], None).ok();
        let mut cmd = home.sandbox();
        cmd.current_dir(&home.dir);
        let ran = run(cmd, &example_args, None);
        assert_eq!(ran.code, 0, "{line}: {ran:?}");
    }
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = run(home.bare(), &["completions", shell], None).ok();
        assert!(out.stdout.contains("add-acs-user"), "{shell}");
    }
    let out = run(home.bare(), &["completions", "tcsh"], None);
    assert_eq!(out.code, 2);
}

#[test]
fn a_command_the_sandbox_does_not_model_says_so() {
    let home = Home::new("not-modelled");
    let out = run(
        home.sandbox(),
        &["locks", "unlock-door", "--device_id", ACS],
        None,
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.starts_with("error: not_implemented: "),
        "{out:?}"
    );
    assert!(out.stderr.contains("(HTTP 501"), "{out:?}");
    assert!(
        out.stderr
            .contains("hint: the sandbox models only the ACS-user routes"),
        "{out:?}"
    );
    // Checked first, as the real API would: a bad id is refused before sending.
    let out = run(
        home.sandbox(),
        &["locks", "unlock-door", "--device_id", "x"],
        None,
    );
    assert_eq!(out.code, 2, "{out:?}");
    let out = run(home.bare(), &["sandbox", "--help"], None).ok();
    assert!(out.stdout.contains("  seam acs users list\n"), "{out:?}");
}
