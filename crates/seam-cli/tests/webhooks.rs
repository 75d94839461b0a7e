//! `seam webhooks verify`: a delivery's body on stdin, its headers as `--header`, the event on
//! stdout and exit 0, or the failed check in one line on stderr and exit 8 (2 for the command
//! line's own mistakes). It sits beside the generated `webhooks` route commands.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{SystemTime, UNIX_EPOCH};

use common::{Home, Out, run};
use seamapi_api::webhook::Webhook;

const SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
/// What no output may hold.
const KEY: &str = "C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const ID: &str = "msg_2ZVo7x0A0e2p3aPq5dRPaCP7J7V";
const TIMESTAMP: &str = "1796126400";
const BODY: &str = r#"{"event_id":"8c4f9f6e-0000-4000-8000-000000000001","event_type":"lock.unlocked","workspace_id":"5eed0001-0000-4000-8000-000000000001","created_at":"2026-12-01T12:00:00.000Z","occurred_at":"2026-12-01T11:59:58.000Z","device_id":"11111111-1111-1111-1111-444444444444","connected_account_id":"5eed0004-0000-4000-8000-000000000001","method":"keycode","access_code_id":"22222222-2222-2222-2222-222222222222"}"#;
/// Made by Python's `svix` 1.99.1 for SECRET, ID, TIMESTAMP and BODY.
const SIGNATURE: &str = "v1,q503JZ4A1MS6a/zruUW36VUGqJ6UTPF8zLeeuc0od0U=";
/// Wide enough that the fixed delivery above stays fresh for a few centuries.
const WIDE: &str = "10000000000";

fn verify(home: &Home, args: &[&str], body: &str) -> Out {
    let mut all = vec!["webhooks", "verify"];
    all.extend_from_slice(args);
    let out = run(home.bare(), &all, Some(body));
    for text in [&out.stdout, &out.stderr] {
        assert!(!text.contains(KEY), "the secret was printed: {out:?}");
    }
    out
}

fn headers(id: &str, timestamp: &str, signature: &str) -> Vec<String> {
    vec![
        format!("webhook-id: {id}"),
        format!("webhook-timestamp: {timestamp}"),
        format!("webhook-signature: {signature}"),
    ]
}

fn args<'a>(secret: &'a str, headers: &'a [String], extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec!["--secret", secret];
    for h in headers {
        a.extend(["--header", h.as_str()]);
    }
    a.extend_from_slice(extra);
    a
}

/// The failed check and the exit code: one line on stderr, `error: <check>: …`.
fn failed(out: &Out) -> (i32, String) {
    assert!(out.stdout.is_empty(), "{out:?}");
    assert_eq!(out.stderr.lines().count(), 1, "{out:?}");
    let check = out
        .stderr
        .strip_prefix("error: ")
        .and_then(|s| s.split(':').next())
        .unwrap_or_default()
        .to_owned();
    (out.code, check)
}

#[test]
fn a_valid_delivery_prints_its_event_and_exits_0() {
    let home = Home::new("wh-valid");
    let h = headers(ID, TIMESTAMP, SIGNATURE);
    let out = verify(&home, &args(SECRET, &h, &["--tolerance", WIDE]), BODY).ok();
    assert_eq!(
        out.json(),
        serde_json::from_str::<serde_json::Value>(BODY).unwrap()
    );
}

#[test]
fn a_delivery_signed_now_passes_the_default_tolerance_with_svix_headers_and_h() {
    let home = Home::new("wh-now");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let now = i64::try_from(now).unwrap();
    let signature = Webhook::new(SECRET)
        .unwrap()
        .verifier()
        .sign(ID, now, BODY.as_bytes());
    let h = [
        format!("Svix-Id: {ID}"),
        format!("svix-timestamp:{now}"),
        format!("svix-signature: v1,bm90IHRoaXMgb25l {signature}"),
    ];
    let a = [
        "--secret", SECRET, "-H", &h[0], "-H", &h[1], "-H", &h[2], "--json",
    ];
    let out = verify(&home, &a, BODY).ok();
    assert_eq!(out.json()["event_type"], "lock.unlocked");
    // The secret from the environment instead.
    let mut cmd = home.bare();
    cmd.env("SEAM_WEBHOOK_SECRET", SECRET);
    let out = run(
        cmd,
        &["webhooks", "verify", "-H", &h[0], "-H", &h[1], "-H", &h[2]],
        Some(BODY),
    );
    assert_eq!(out.code, 0, "{out:?}");
}

#[test]
fn each_failed_check_is_named_in_one_line_with_exit_8() {
    let home = Home::new("wh-fail");
    let good = headers(ID, TIMESTAMP, SIGNATURE);
    let with_newline = format!("{BODY}\n");
    let cases: Vec<(&str, Vec<String>, &str, &[&str])> = vec![
        (
            "no_matching_signature",
            good.clone(),
            "{}",
            &["--tolerance", WIDE],
        ),
        // `echo` adds a newline: the signature no longer matches.
        (
            "no_matching_signature",
            good.clone(),
            &with_newline,
            &["--tolerance", WIDE],
        ),
        ("timestamp_too_old", good.clone(), BODY, &[]),
        (
            "timestamp_too_new",
            headers(ID, "99999999999", SIGNATURE),
            BODY,
            &[],
        ),
        (
            "missing_header",
            good[1..].to_vec(),
            BODY,
            &["--tolerance", WIDE],
        ),
        ("missing_header", vec![], BODY, &[]),
        (
            "malformed_header",
            headers(ID, "yesterday", SIGNATURE),
            BODY,
            &[],
        ),
        (
            "malformed_signature",
            headers(ID, TIMESTAMP, "v1,***"),
            BODY,
            &["--tolerance", WIDE],
        ),
    ];
    for (check, h, body, extra) in cases {
        let out = verify(&home, &args(SECRET, &h, extra), body);
        assert_eq!(failed(&out), (8, check.to_owned()), "{out:?}");
        assert!(out.stderr.contains("; hint: "), "{out:?}");
    }
    // Authentic but not an event.
    let signature = Webhook::new(SECRET)
        .unwrap()
        .verifier()
        .sign(ID, 1796126400, b"[]");
    let h = headers(ID, TIMESTAMP, &signature);
    let out = verify(&home, &args(SECRET, &h, &["--tolerance", WIDE]), "[]");
    assert_eq!(failed(&out), (8, "not_an_event".to_owned()), "{out:?}");
}

#[test]
fn a_malformed_secret_or_header_flag_is_a_usage_error() {
    let home = Home::new("wh-usage");
    let h = headers(ID, TIMESTAMP, SIGNATURE);
    let out = verify(&home, &args("whsec_%%%", &h, &[]), BODY);
    assert_eq!(failed(&out), (2, "malformed_secret".to_owned()), "{out:?}");
    let out = verify(&home, &["--secret", SECRET, "--header", "webhook-id"], BODY);
    assert_eq!(failed(&out), (2, "usage".to_owned()), "{out:?}");
    let out = verify(&home, &["--header", "webhook-id: x"], BODY);
    assert_eq!(failed(&out), (2, "usage".to_owned()), "{out:?}");
    assert!(out.stderr.contains("SEAM_WEBHOOK_SECRET"), "{out:?}");
}

#[test]
fn errors_are_json_with_json() {
    let home = Home::new("wh-json");
    let h = headers(ID, TIMESTAMP, SIGNATURE);
    let out = verify(&home, &args(SECRET, &h, &["--json"]), BODY);
    assert_eq!(out.code, 8, "{out:?}");
    let v: serde_json::Value = serde_json::from_str(out.stderr.trim()).unwrap();
    assert_eq!(v["error"]["type"], "timestamp_too_old");
    assert_eq!(v["exit_code"], 8);
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("tolerance of 300 s"),
        "{v}"
    );
}

#[test]
fn verify_sits_beside_the_generated_webhooks_commands() {
    let home = Home::new("wh-help");
    let out = run(home.bare(), &["webhooks", "--help"], None).ok();
    for command in ["verify", "create", "list", "get", "delete", "update"] {
        assert!(
            out.stdout
                .lines()
                .any(|l| l.trim_start().starts_with(command)),
            "{command} missing: {}",
            out.stdout
        );
    }
    let out = run(home.bare(), &["webhooks", "verify", "--help"], None).ok();
    assert!(out.stdout.contains("--header"), "{}", out.stdout);
    // A generated one still parses its own flags (refused for want of credentials, not usage).
    let out = run(home.bare(), &["webhooks", "list"], None);
    assert_eq!(out.code, 3, "{out:?}");
}
