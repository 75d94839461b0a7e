//! Part 5 of `cargo xtask conformance`: webhook deliveries signed by Svix's own library.
//!
//! `xtask/conformance/py_webhook_cases.py` makes each delivery with Python's `svix` (pinned in
//! `requirements.txt`, the library Seam's SDKs verify with): signs the body with one or more
//! secrets, then changes what the case changes (the body, a header, the secret, the clock).
//! It verifies the delivery with `svix.Webhook` and with Seam's own `seam.SeamWebhook`. Our
//! `seamapi_api::webhook::Webhook` and `seam webhooks verify` then check the same delivery, and
//! every case must end the same way on every side (see [`same`]).

use std::process::Command;

use seamapi_api::webhook::Webhook;
use serde_json::{Value, json};

use super::process::{json_line, output_with_input};
use super::report::Report;
use super::{Env, SOURCES};

/// The endpoint's secret in most cases.
const SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
/// The secret before a rotation.
const OLD_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// A third secret, for a rotation that matches neither.
const OTHER_SECRET: &str = "whsec_ZGVtbyBzZWNyZXQsIG5vdCBhIHJlYWwgb25l";
/// A `lock.unlocked` event, as Seam sends it.
const UNLOCKED: &str = r#"{"event_id":"8c4f9f6e-0000-4000-8000-000000000001","event_type":"lock.unlocked","workspace_id":"5eed0001-0000-4000-8000-000000000001","created_at":"2026-12-01T12:00:00.000Z","occurred_at":"2026-12-01T11:59:58.000Z","device_id":"11111111-1111-1111-1111-444444444444","connected_account_id":"5eed0004-0000-4000-8000-000000000001","method":"keycode"}"#;
/// An event of a kind no version of this crate knows.
const NEWER_KIND: &str = r#"{"event_id":"8c4f9f6e-0000-4000-8000-000000000002","event_type":"lock.teleported","workspace_id":"5eed0001-0000-4000-8000-000000000001","created_at":"2026-12-01T12:00:00.000Z"}"#;

/// The cases, in the shape `py_webhook_cases.py` reads.
fn cases() -> Vec<Value> {
    let case = |name: &str, extra: Value| {
        let mut c = json!({
            "name": name, "secret": SECRET, "sign_with": [SECRET], "id": "msg_2ZVo7x0A0e2p3aPq5dRPaCP7J7V",
            "offset": 0, "body": UNLOCKED,
        });
        if let (Some(c), Value::Object(extra)) = (c.as_object_mut(), extra) {
            c.extend(extra);
        }
        c
    };
    vec![
        case("valid", json!({})),
        case("valid, `svix-*` headers", json!({"spelling": "svix"})),
        case(
            "valid, secret without `whsec_`",
            json!({"secret": SECRET.trim_start_matches("whsec_")}),
        ),
        case("signed 4 minutes ago", json!({"offset": -240})),
        case("signed 4 minutes ahead", json!({"offset": 240})),
        case(
            "tampered body",
            json!({"delivered": UNLOCKED.replace("keycode", "manual")}),
        ),
        case("wrong secret", json!({"sign_with": [OLD_SECRET]})),
        case("timestamp 10 minutes old", json!({"offset": -600})),
        case("timestamp 10 minutes ahead", json!({"offset": 600})),
        case(
            "timestamp changed after signing",
            json!({"signature": "v1,q503JZ4A1MS6a/zruUW36VUGqJ6UTPF8zLeeuc0od0U="}),
        ),
        case("no `webhook-id`", json!({"drop": ["webhook-id"]})),
        case(
            "no `webhook-timestamp`",
            json!({"drop": ["webhook-timestamp"]}),
        ),
        case(
            "no `webhook-signature`",
            json!({"drop": ["webhook-signature"]}),
        ),
        case(
            "no headers at all",
            json!({"drop": ["webhook-id", "webhook-timestamp", "webhook-signature"]}),
        ),
        case(
            "rotated secret: old, new",
            json!({"sign_with": [OLD_SECRET, SECRET]}),
        ),
        case(
            "rotated secret: new, old",
            json!({"sign_with": [SECRET, OLD_SECRET]}),
        ),
        case(
            "rotated secret: neither is ours",
            json!({"sign_with": [OLD_SECRET, OTHER_SECRET]}),
        ),
        case(
            "only a `v1a` (asymmetric) signature",
            json!({"signature": "v1a,c29tZXRoaW5nIGVsc2U="}),
        ),
        case(
            "timestamp not a number",
            json!({"timestamp": "yesterday", "signature": "v1,AAAA"}),
        ),
        case("event kind newer than ours", json!({"body": NEWER_KIND})),
        case("signed body that is not JSON", json!({"body": "not json"})),
        case("signed JSON that is not an event", json!({"body": "[1,2]"})),
        case("empty secret", json!({"secret": "whsec_"})),
    ]
}

/// How a verification ended, in the terms every side can be put in: `ok` (with the event's
/// type), or the failed check. Svix has one error for a malformed and a wrong signature, so
/// both are `signature` here; `signed` is svix's JSON error on a body it verified.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Ended {
    check: String,
    event_type: Option<String>,
    text: String,
}

impl Ended {
    fn ok(event_type: Option<String>) -> Self {
        let text = match &event_type {
            Some(t) => format!("ok: `{t}`"),
            None => "ok".to_owned(),
        };
        Self {
            check: "ok".to_owned(),
            event_type,
            text,
        }
    }

    fn failed(check: &str, text: String) -> Self {
        let check = match check {
            "malformed_signature" | "no_matching_signature" => "signature",
            other => other,
        };
        Self {
            check: check.to_owned(),
            event_type: None,
            text,
        }
    }

    /// One outcome of the Python script.
    fn of_python(v: &Value) -> Self {
        if v["ok"] == Value::Bool(true) {
            return Self::ok(v["event_type"].as_str().map(str::to_owned));
        }
        let class = v["class"].as_str().unwrap_or_default();
        let message = v["message"].as_str().unwrap_or_default();
        let check = match (class, message) {
            (_, "Missing required headers") => "missing_header",
            (_, "Invalid Signature Headers") => "malformed_header",
            (_, "Message timestamp too old") => "timestamp_too_old",
            (_, "Message timestamp too new") => "timestamp_too_new",
            (_, "No matching signature found") => "signature",
            // An entry that is not `version,signature`, or not base64: the library's own
            // exception escapes.
            ("ValueError" | "Error", _) => "signature",
            ("EmptyWebhookSecretError", _) => "malformed_secret",
            ("JSONDecodeError", _) => "signed",
            ("SeamInvalidWebhookPayloadError", _) => "not_an_event",
            _ => "other",
        };
        Self::failed(check, format!("{class}: {message}"))
    }
}

/// Whether `ours` ended as `theirs` did. Svix verifies the signature and parses JSON, no
/// more: a body it verified (`ok`, or its JSON error) must be ours `ok` or `not_an_event`.
/// Seam's SDK also reads the event, so against it the check and the event type must match.
fn same(ours: &Ended, theirs: &Ended, svix: bool) -> bool {
    if svix && matches!(theirs.check.as_str(), "ok" | "signed") {
        return matches!(ours.check.as_str(), "ok" | "not_an_event");
    }
    ours.check == theirs.check && ours.event_type == theirs.event_type
}

/// Our library on one delivery.
fn library(secret: &str, headers: &[(String, String)], body: &str) -> Ended {
    let result = Webhook::new(secret).and_then(|w| w.verify(headers, body.as_bytes()));
    match result {
        Ok(event) => Ended::ok(Some(event.kind().to_owned())),
        Err(e) => Ended::failed(e.check(), format!("`{}`", e.check())),
    }
}

/// `seam webhooks verify` on one delivery.
fn cli(env: &Env, secret: &str, headers: &[(String, String)], body: &str) -> Result<Ended, String> {
    let mut cmd: Command = crate::isolated_cli(&env.bins.seam, &env.dir.join("cli-home"));
    cmd.args(["webhooks", "verify", "--secret", secret]);
    for (name, value) in headers {
        cmd.arg("--header").arg(format!("{name}: {value}"));
    }
    let (code, stdout, stderr) =
        output_with_input("seam webhooks verify", cmd, Some(body.as_bytes().to_vec()))?;
    Ok(match code {
        Some(0) => {
            let event: Value = serde_json::from_str(&stdout).unwrap_or(Value::Null);
            Ended::ok(event["event_type"].as_str().map(str::to_owned))
        }
        code => {
            let check = stderr
                .strip_prefix("error: ")
                .and_then(|s| s.split(':').next())
                .unwrap_or("other");
            let expected = if check == "malformed_secret" { 2 } else { 8 };
            let check = if code == Some(expected) {
                check
            } else {
                "other"
            };
            let code = code.map_or_else(|| "signal".to_owned(), |c| c.to_string());
            Ended::failed(check, format!("exit {code}, `{check}`"))
        }
    })
}

/// Runs the cases and adds their table to `report`.
pub(super) fn run(env: &Env, report: &mut Report) -> Result<(), String> {
    let cases = cases();
    let mut cmd = Command::new(env.dir.join("venv/bin/python"));
    cmd.arg(
        crate::workspace_root()
            .join(SOURCES)
            .join("py_webhook_cases.py"),
    )
    .current_dir(&env.dir)
    .env(
        "SEAM_CONFORMANCE_CASES",
        json!({ "cases": cases }).to_string(),
    );
    let v = json_line("py_webhook_cases.py", cmd)?;
    let svix_name = v["svix"].as_str().unwrap_or("svix").to_owned();
    let seam_name = v["seam"].as_str().unwrap_or("seam").to_owned();
    let results = v["results"].as_array().cloned().unwrap_or_default();
    report.check(results.len() == cases.len(), || {
        format!(
            "webhooks: {} results for {} cases",
            results.len(),
            cases.len()
        )
    });

    let svix_column = format!("`{svix_name}` (`Webhook.verify`)");
    let seam_column = format!("`{seam_name}` (`SeamWebhook.verify`)");
    report.table(
        "Webhook deliveries signed by Svix's library",
        &[
            "case",
            "`seamapi_api::webhook::Webhook`",
            "`seam webhooks verify`",
            &svix_column,
            &seam_column,
            "same?",
        ],
    );
    for r in &results {
        let name = r["name"].as_str().unwrap_or_default();
        let secret = r["secret"].as_str().unwrap_or_default();
        let body = r["body"].as_str().unwrap_or_default();
        let headers: Vec<(String, String)> = r["headers"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|h| {
                Some((
                    h.get(0)?.as_str()?.to_owned(),
                    h.get(1)?.as_str()?.to_owned(),
                ))
            })
            .collect();
        let ours = library(secret, &headers, body);
        let command = cli(env, secret, &headers, body)?;
        let svix = Ended::of_python(&r["svix"]);
        let seam = Ended::of_python(&r["seam"]);
        let agree = ours.check == command.check && ours.event_type == command.event_type;
        let ok = agree && same(&ours, &svix, true) && same(&ours, &seam, false);
        report.check(ok, || {
            format!(
                "webhooks: {name}: ours {}, CLI {}, svix {}, seam {}",
                ours.text, command.text, svix.text, seam.text
            )
        });
        report.row(vec![
            name.to_owned(),
            ours.text,
            command.text,
            svix.text,
            seam.text,
            super::report::yes(ok),
        ]);
    }
    Ok(())
}
