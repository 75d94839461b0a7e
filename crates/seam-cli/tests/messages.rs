//! What `seam` says when a call cannot be made, as a process: a refused connection and a
//! timeout name the URL, the attempts and the time (from the client's error, not guessed
//! here), an unknown flag is one line naming the closest one, and a route's help lists its own
//! parameters before the global options.

#![allow(clippy::unwrap_used)]

mod common;

use common::{Home, closed_port, run, seed};
use seamapi_transport::test_util::{Reply, TestServer};
use serde_json::Value;

const ACS: &str = seed::ACS_USER_IDS[0];

/// `seam --endpoint URL --api-key KEY ARGS…` in a clean home.
fn against(home: &Home, endpoint: &str, args: &[&str]) -> common::Out {
    let mut all = vec!["--endpoint", endpoint, "--api-key", seed::API_KEY];
    all.extend(args);
    run(home.bare(), &all, None)
}

#[test]
fn a_refused_connection_names_the_url_and_the_attempts() {
    let home = Home::new("refused");
    // Bound, then closed: nothing listens there.
    let endpoint = format!("http://127.0.0.1:{}", closed_port());
    // A read is tried three times.
    let out = against(
        &home,
        &endpoint,
        &["acs", "users", "get", "--acs_user_id", ACS],
    );
    assert_eq!(out.code, 5, "{out:?}");
    assert_eq!(
        out.stderr,
        format!(
            "error: network: could not connect to {endpoint}: connection refused (3 attempts); \
             hint: check the endpoint it names (--endpoint or SEAM_ENDPOINT) and the network\n"
        )
    );
    // So is a create: a refused connection surely sent nothing.
    let out = against(
        &home,
        &endpoint,
        &["user-identities", "create", "--full_name", "Kim"],
    );
    assert_eq!(out.code, 5, "{out:?}");
    assert!(
        out.stderr.contains(&format!(
            "could not connect to {endpoint}: connection refused (3 attempts)"
        )),
        "{out:?}"
    );
    // With --json, the same words.
    let mut args = vec!["--json"];
    args.extend(["acs", "users", "get", "--acs_user_id", ACS]);
    let out = against(&home, &endpoint, &args);
    let err: Value = serde_json::from_str(out.stderr.trim()).unwrap();
    assert_eq!(err["error"]["type"], "network");
    assert_eq!(
        err["error"]["message"],
        format!("could not connect to {endpoint}: connection refused (3 attempts)")
    );
    assert_eq!(err["exit_code"], 5);
}

#[test]
fn a_timeout_says_the_time_per_attempt_the_attempts_and_the_time_in_all() {
    let home = Home::new("timeout");
    let server = TestServer::always(Reply::Hang);
    let endpoint = server.url().trim_end_matches('/').to_owned();
    // A read: three attempts of 200 ms each, with the waits between them.
    let out = against(
        &home,
        &endpoint,
        &[
            "--timeout",
            "0.2",
            "acs",
            "users",
            "get",
            "--acs_user_id",
            ACS,
        ],
    );
    assert_eq!(out.code, 5, "{out:?}");
    assert_eq!(server.count(), 3, "{out:?}");
    let line = out.stderr.trim_end();
    let start = format!(
        "error: timeout: no complete answer from {endpoint} within 200 ms per attempt (3 attempts, "
    );
    let end = " waited in all); hint: the server did not answer within the time each attempt \
               has: run it again, or give each attempt more with --timeout SECONDS";
    assert!(line.starts_with(&start), "{line}");
    assert!(line.ends_with(end), "{line}");
    // The time in all is at least the three attempts' (the waits come on top).
    let total = &line[start.len()..line.len() - end.len()];
    let seconds: f64 = match total.strip_suffix(" ms") {
        Some(ms) => ms.parse::<f64>().unwrap() / 1000.0,
        None => total.strip_suffix(" s").unwrap().parse().unwrap(),
    };
    assert!(seconds >= 0.6, "{line}");

    // A create is not sent twice once it may have arrived: one attempt.
    let out = against(
        &home,
        &endpoint,
        &[
            "--timeout",
            "0.2",
            "user-identities",
            "create",
            "--full_name",
            "Kim",
        ],
    );
    assert_eq!(out.code, 5, "{out:?}");
    assert_eq!(server.count(), 4, "{out:?}");
    assert!(
        out.stderr.starts_with(&format!(
            "error: timeout: no complete answer from {endpoint} within 200 ms per attempt (1 attempt, "
        )),
        "{out:?}"
    );
}

#[test]
fn an_unknown_flag_is_one_line_with_the_closest_parameter_and_exit_code_2() {
    let home = Home::new("unknown-flag");
    for (typed, meant) in [
        ("--acs-usr-id", "--acs-user-id"),
        ("--acs_usr_id", "--acs_user_id"),
    ] {
        let out = run(home.sandbox(), &["acs", "users", "get", typed, ACS], None);
        assert_eq!(out.code, 2, "{out:?}");
        assert_eq!(
            out.stderr,
            format!(
                "error: usage: unknown flag {typed} for `seam acs users get`; hint: did you mean \
                 {meant}? `seam acs users get --help` lists its flags\n"
            )
        );
        assert_eq!(out.stdout, "");
    }
    // With --json, as every other error.
    let out = run(
        home.sandbox(),
        &["--json", "acs", "users", "get", "--acs-usr-id", ACS],
        None,
    );
    assert_eq!(out.code, 2, "{out:?}");
    let err: Value = serde_json::from_str(out.stderr.trim()).unwrap();
    assert_eq!(err["error"]["type"], "usage");
    assert_eq!(
        err["error"]["message"],
        "unknown flag --acs-usr-id for `seam acs users get`"
    );
    assert_eq!(
        err["error"]["hint"],
        "did you mean --acs-user-id? `seam acs users get --help` lists its flags"
    );
    assert_eq!(err["exit_code"], 2);
    // A token typed on the command line is not echoed by a refusal.
    let out = run(
        home.bare(),
        &[
            "--api-key",
            "seam_secret_abc",
            "--timeout",
            "soon",
            "acs",
            "users",
            "list",
        ],
        None,
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(!out.stderr.contains("seam_secret_abc"), "{out:?}");
    assert_eq!(out.stderr.lines().count(), 1, "{out:?}");
}

#[test]
fn a_certificate_file_that_is_no_pem_is_named_with_what_to_do() {
    let home = Home::new("bad-pem");
    let pem = home.dir.join("not.pem");
    std::fs::write(&pem, "not a certificate\n").unwrap();
    let pem = pem.display().to_string();
    let out = run(
        home.bare(),
        &[
            "--api-key",
            seed::API_KEY,
            "--ca-cert",
            &pem,
            "acs",
            "users",
            "list",
        ],
        None,
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        out.stderr,
        format!(
            "error: ca_cert: the certificate file {pem} (--ca-cert) cannot be used: could not set \
             up TLS: root certificate PEM #1 holds no BEGIN CERTIFICATE block; hint: pass a PEM \
             file of one or more root certificates (-----BEGIN CERTIFICATE----- blocks) with \
             --ca-cert FILE (or SSL_CERT_FILE)\n"
        )
    );
}

#[test]
fn a_routes_help_shows_its_parameters_first_and_the_global_options_last() {
    let home = Home::new("help-layout");
    let out = run(home.bare(), &["access-codes", "create", "-h"], None);
    assert_eq!(out.code, 0, "{out:?}");
    let headings: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| !l.starts_with(' ') && l.ends_with(':'))
        .collect();
    assert_eq!(
        headings,
        [
            "Parameters:",
            "Command options:",
            "Global options:",
            "Example:"
        ],
        "{}",
        out.stdout
    );
    let under_parameters = out.stdout.split("Parameters:\n").nth(1).unwrap();
    assert!(
        under_parameters.starts_with("      --device_id <UUID>"),
        "{}",
        out.stdout
    );
}
