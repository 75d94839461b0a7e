//! Part 1 of `cargo xtask conformance`: our client, blocking client and CLI against Seam's
//! fake, beside Seam's SDKs.

use std::process::Command;

use http::Method;
use seamapi_api::routes::{AddAcsUser, CreateUserIdentity, GetAcsUser, ListAcsUsers};
use seamapi_core::{ConfigError, Error, Route};
use seamapi_fake::seed;
use serde_json::{Value, json};

use super::clients::{Raw, cli, facades, typed_add};
use super::outcome::{Kind, Outcome};
use super::process::ServerProcess;
use super::report::{Report, attempts_text, yes};
use super::sdks::{Case, Sdk, sdk};
use super::{BAD_API_KEY, Env};

/// The project's seed, in the shape `seam-connect-fake.mjs` reads.
fn seed_for_seams_fake() -> Value {
    json!({
        "workspace_id": seed::WORKSPACE_ID,
        "workspace_name": seed::WORKSPACE_NAME,
        "api_key": seed::API_KEY,
        "personal_access_token": seed::PERSONAL_ACCESS_TOKEN,
        "connected_account_id": seed::CONNECTED_ACCOUNT_ID,
        "acs_system_id": seed::HQ_ACS_SYSTEM_ID,
        "user_identity": {
            "user_identity_id": seed::USER_IDENTITY_ID,
            "user_identity_key": seed::USER_IDENTITY_KEY,
            "full_name": seed::USER_IDENTITY_FULL_NAME,
            "email_address": seed::USER_IDENTITY_EMAIL_ADDRESS,
        },
        "acs_users": seed::ACS_USERS
            .iter()
            .filter(|u| u.acs_system_id == seed::HQ_ACS_SYSTEM_ID)
            .map(|u| json!({
                "acs_user_id": u.acs_user_id,
                "full_name": u.full_name,
                "email_address": u.email_address,
                "phone_number": u.phone_number,
            }))
            .collect::<Vec<_>>(),
    })
}

/// Starts Seam's fake with our seed and runs the part: reads, add_acs_user beside Seam's SDKs,
/// and the requests our client refuses to send, sent raw.
pub(super) fn run(env: &Env, report: &mut Report) -> Result<(), String> {
    let mut cmd = Command::new("node");
    cmd.arg("seam-connect-fake.mjs")
        .current_dir(&env.dir)
        .env("NODE_ENV", "production")
        .env("SEAM_CONFORMANCE_SEED", seed_for_seams_fake().to_string());
    let fake = ServerProcess::start("Seam's fake (seam-connect-fake.mjs)", cmd)?;
    let endpoint = fake.endpoint();
    let version = fake.info["version"].as_str().unwrap_or("?").to_owned();
    eprintln!("xtask: conformance 1: @seamapi/fake-seam-connect {version} on {endpoint}");
    let raw = Raw {
        env,
        endpoint: endpoint.clone(),
    };
    let acs_user_id = seed::ACS_USER_IDS[0];
    let hq_users = seed::ACS_USERS
        .iter()
        .filter(|u| u.acs_system_id == seed::HQ_ACS_SYSTEM_ID)
        .count();

    // Reads: they succeed and decode, through every facade and the CLI.
    report.table(
        &format!("Our client against Seam's fake ({version}): reads"),
        &["call", "async", "blocking", "seam CLI", "as expected?"],
    );
    let readers = facades(env, &endpoint, seed::API_KEY)?;
    {
        let mut cells = vec!["`acs/users/get`".to_owned()];
        let mut ok = true;
        for f in &readers {
            let got = f.send(GetAcsUser::new().acs_user_id(acs_user_id));
            let good = got.as_ref().is_ok_and(|u| {
                u.acs_user_id == acs_user_id
                    && u.full_name.as_deref() == Some(seed::ACS_USERS[0].full_name)
            });
            report.check(good, || format!("{} acs/users/get: {:?}", f.name(), got));
            ok &= good;
            cells.push(match &got {
                Ok(u) => format!(
                    "ok: `{}`, {:?}",
                    u.acs_user_id,
                    u.full_name.as_deref().unwrap_or("")
                ),
                Err(e) => Outcome::of_error(e).to_string(),
            });
        }
        let got = cli(
            env,
            &endpoint,
            seed::API_KEY,
            &["acs", "users", "get", "--acs_user_id", acs_user_id],
        )?;
        finish_read_row(report, cells, ok, "seam acs users get", got);
    }
    {
        let mut cells = vec!["`acs/users/list` (`acs_system_id`)".to_owned()];
        let mut ok = true;
        for f in &readers {
            let got = f.send(ListAcsUsers::new().acs_system_id(seed::HQ_ACS_SYSTEM_ID));
            let good = got.as_ref().is_ok_and(|p| p.items.len() == hq_users);
            report.check(good, || {
                format!(
                    "{} acs/users/list: {:?}",
                    f.name(),
                    got.as_ref().map(|p| p.items.len())
                )
            });
            ok &= good;
            cells.push(match &got {
                Ok(p) => format!("ok: {} ACS users", p.items.len()),
                Err(e) => Outcome::of_error(e).to_string(),
            });
        }
        let got = cli(
            env,
            &endpoint,
            seed::API_KEY,
            &[
                "acs",
                "users",
                "list",
                "--acs_system_id",
                seed::HQ_ACS_SYSTEM_ID,
            ],
        )?;
        finish_read_row(report, cells, ok, "seam acs users list", got);
    }
    {
        // Seam's fake has no user_identities/create: it answers 500 `Not implemented!`. The
        // route is not safe to repeat, so the answer is final after one attempt.
        let path = CreateUserIdentity::INFO.path;
        let mut cells = vec!["`user_identities/create` (a stub in Seam's fake)".to_owned()];
        let mut ok = true;
        for f in &readers {
            let before = raw.count(path)?;
            let got = Outcome::of(&f.send(
                CreateUserIdentity::new().user_identity_key(format!("conformance-{}", f.name())),
            ));
            let attempts = raw.count(path)? - before;
            let good = not_implemented(&got) && attempts == 1;
            report.check(good, || {
                format!(
                    "{} user_identities/create: {got}, {attempts} attempt(s)",
                    f.name()
                )
            });
            ok &= good;
            cells.push(format!("{got}, {}", attempts_text(attempts)));
        }
        let before = raw.count(path)?;
        let got = cli(
            env,
            &endpoint,
            seed::API_KEY,
            &[
                "user-identities",
                "create",
                "--user_identity_key",
                "conformance-cli",
            ],
        )?;
        let attempts = raw.count(path)? - before;
        let good = not_implemented(&got) && attempts == 1;
        report.check(good, || {
            format!("seam user-identities create: {got}, {attempts} attempt(s)")
        });
        ok &= good;
        cells.push(format!("{got}, {}", attempts_text(attempts)));
        cells.push(yes(ok));
        report.row(cells);
    }

    // add_acs_user: what each answer maps to, beside what Seam's SDKs raise for it.
    let path = AddAcsUser::INFO.path;
    let cases = vec![
        Case {
            name: "by id (Seam's fake: `500 Not implemented!`)",
            api_key: seed::API_KEY,
            params: json!({"acs_user_id": acs_user_id, "user_identity_id": seed::USER_IDENTITY_ID}),
        },
        Case {
            name: "by key (Seam's fake predates `user_identity_key`)",
            api_key: seed::API_KEY,
            params: json!({"acs_user_id": acs_user_id, "user_identity_key": seed::USER_IDENTITY_KEY}),
        },
        Case {
            name: "bad API key",
            api_key: BAD_API_KEY,
            params: json!({"acs_user_id": acs_user_id, "user_identity_id": seed::USER_IDENTITY_ID}),
        },
        Case {
            name: "malformed `acs_user_id`",
            api_key: seed::API_KEY,
            params: json!({"acs_user_id": "not-a-uuid", "user_identity_id": seed::USER_IDENTITY_ID}),
        },
    ];
    let (js_name, js) = sdk(env, Sdk::Js, &endpoint, &cases)?;
    let (py_name, py) = sdk(env, Sdk::Python, &endpoint, &cases)?;
    report.table(
        &format!("Our client against Seam's fake ({version}): add_acs_user"),
        &[
            "case",
            "our async / blocking client",
            "seam CLI",
            &js_name,
            &py_name,
            "same?",
        ],
    );
    for case in &cases {
        let typed = typed_add(&case.params).ok_or("conformance: a case our API cannot send")?;
        let mut ours: Vec<(String, Outcome)> = Vec::new();
        for f in facades(env, &endpoint, case.api_key)? {
            let before = raw.count(path)?;
            let got = Outcome::of(&f.send(typed.clone()));
            let attempts = raw.count(path)? - before;
            ours.push((
                format!("{} ({})", f.name(), attempts_text(attempts)),
                got.clone(),
            ));
            if got.kind == Kind::Http {
                // Retried as a 5xx on a route safe to repeat: exactly 3 attempts.
                report.check(attempts == 3, || {
                    format!("{} {}: {attempts} attempts, want 3", f.name(), case.name)
                });
            }
            if got.status.is_some() {
                report.check(got.request_id.is_some(), || {
                    format!("{} {}: no request id in {got}", f.name(), case.name)
                });
            }
        }
        let mut words = vec!["user-identities", "add-acs-user"];
        for (k, v) in case.params.as_object().into_iter().flatten() {
            words.push(flag(k));
            words.push(v.as_str().unwrap_or_default());
        }
        let before = raw.count(path)?;
        let cli_got = cli(env, &endpoint, case.api_key, &words)?;
        let cli_attempts = raw.count(path)? - before;
        let first = &ours[0].1;
        let all_same = ours.iter().all(|(_, o)| o.same_as(first)) && cli_got.same_as(first);
        report.check(all_same, || {
            format!(
                "{}: facades and CLI differ: {ours:?} / {cli_got}",
                case.name
            )
        });
        let expected = expected_from_seams_fake(case.name, first);
        report.check(expected, || format!("{}: unexpected {first}", case.name));
        let js_got = js
            .get(case.name)
            .cloned()
            .unwrap_or_else(|| Outcome::new(Kind::Other, "no result"));
        let py_got = py
            .get(case.name)
            .cloned()
            .unwrap_or_else(|| Outcome::new(Kind::Other, "no result"));
        let same = first.same_as(&js_got) && first.same_as(&py_got);
        report.check(same, || {
            format!(
                "{}: ours {first} / {js_name} {js_got} / {py_name} {py_got}",
                case.name
            )
        });
        let attempts: Vec<String> = ours.iter().map(|(n, _)| n.clone()).collect();
        report.row(vec![
            case.name.to_owned(),
            format!("{first}; {}", attempts.join(", ")),
            format!("{cli_got}, {}", attempts_text(cli_attempts)),
            js_got.to_string(),
            py_got.to_string(),
            yes(same && all_same && expected),
        ]);
    }

    // What our facades refuse to send, sent raw: core decodes the answer.
    report.table(
        &format!("Seam's fake ({version}): requests our client refuses to send, sent raw and decoded by `seamapi_core::decode_error`"),
        &["request", "our facades", "the raw answer decodes to", "as Seam's SDKs map it?"],
    );
    let body =
        json!({"acs_user_id": acs_user_id, "user_identity_id": seed::USER_IDENTITY_ID}).to_string();
    let json_ct = ("content-type", "application/json");
    let bearer = format!("Bearer {}", seed::API_KEY);
    let auth = ("authorization", bearer.as_str());
    let pat = format!("Bearer {}", seed::PERSONAL_ACCESS_TOKEN);
    let no_key = seamapi::Seam::builder()
        .endpoint(&endpoint)
        .environment(seamapi_core::Environment::default())
        .build()
        .err();
    let pat_only = seamapi::Seam::builder()
        .environment(seamapi_core::Environment::from_lookup(|name| {
            (name == "SEAM_PERSONAL_ACCESS_TOKEN").then(|| seed::PERSONAL_ACCESS_TOKEN.to_owned())
        }))
        .endpoint(&endpoint)
        .build()
        .err();
    /// What an answer must decode to.
    type Want = Box<dyn Fn(&Outcome) -> bool>;
    let raw_cases: Vec<(&str, String, Outcome, Want)> = vec![
        (
            "no API key",
            refusal(no_key, |c| matches!(c, ConfigError::MissingCredentials)),
            raw.error(Method::PUT, path, &[json_ct], &body)?,
            Box::new(|o| {
                o.kind == Kind::Unauthorized
                    && o.code.as_deref() == Some("unauthorized")
                    && o.message == "No Authorization header"
            }),
        ),
        (
            "personal access token, no workspace",
            refusal(pat_only, |c| {
                matches!(c, ConfigError::MissingWorkspaceId { .. })
            }),
            raw.error(
                Method::PUT,
                path,
                &[json_ct, ("authorization", &pat)],
                &body,
            )?,
            Box::new(|o| {
                o.kind == Kind::Unauthorized
                    && o.code.as_deref() == Some("access_token_used_for_api_key")
            }),
        ),
        (
            "`{}` (parameters missing)",
            "sends only typed parameters".to_owned(),
            raw.error(Method::PUT, path, &[json_ct, auth], "{}")?,
            Box::new(|o| {
                o.kind == Kind::InvalidInput
                    && o.message
                        == "2 Input Errors: user_identity_id is required, acs_user_id is required"
                    && o.validation.get("acs_user_id").map(Vec::as_slice)
                        == Some(&["Required".to_owned()][..])
                    && o.validation.get("user_identity_id").map(Vec::as_slice)
                        == Some(&["Required".to_owned()][..])
            }),
        ),
        (
            "`acs_user_id: 42` (wrong type)",
            "sends only typed parameters".to_owned(),
            raw.error(
                Method::PUT,
                path,
                &[json_ct, auth],
                &json!({"acs_user_id": 42, "user_identity_id": seed::USER_IDENTITY_ID}).to_string(),
            )?,
            Box::new(|o| {
                o.kind == Kind::InvalidInput
                    && o.message == "Expected string, received number for \"acs_user_id\""
                    && o.validation.get("acs_user_id").map(Vec::as_slice)
                        == Some(&["Expected string, received number".to_owned()][..])
            }),
        ),
        (
            "`GET` (wrong method)",
            "sends `PUT`".to_owned(),
            raw.error(Method::GET, path, &[auth], "")?,
            Box::new(|o| {
                o.kind == Kind::Api
                    && o.status == Some(405)
                    && o.code.as_deref() == Some("method_not_allowed")
                    && o.message == "only POST,PUT accepted"
            }),
        ),
    ];
    for (name, facade, got, want) in raw_cases {
        let good = want(&got) && got.request_id.is_some();
        report.check(good, || {
            format!("raw {name}: {got} (request id {:?})", got.request_id)
        });
        report.row(vec![name.to_owned(), facade, got.to_string(), yes(good)]);
    }
    Ok(())
}

/// Adds the CLI's cell and the verdict to a row of the reads table; the CLI must succeed.
fn finish_read_row(
    report: &mut Report,
    mut cells: Vec<String>,
    ok: bool,
    what: &str,
    got: Outcome,
) {
    let good = got.kind == Kind::Ok;
    report.check(good, || format!("{what}: {got}"));
    cells.push(got.to_string());
    cells.push(yes(ok && good));
    report.row(cells);
}

/// What Seam's fake answers each add_acs_user case with, as a `seamapi_core::Error`.
fn expected_from_seams_fake(case: &str, got: &Outcome) -> bool {
    match case {
        c if c.starts_with("by id") => not_implemented(got),
        c if c.starts_with("by key") => {
            got.kind == Kind::InvalidInput
                && got.message == "user_identity_id is required"
                && got.validation.get("user_identity_id").map(Vec::as_slice)
                    == Some(&["Required".to_owned()][..])
        }
        "bad API key" => {
            got.kind == Kind::Unauthorized
                && got.code.as_deref() == Some("unauthorized")
                && got.message == "API Key not found"
        }
        _ => {
            got.kind == Kind::InvalidInput
                && got.local
                && got.message == "Invalid uuid for \"acs_user_id\""
        }
    }
}

/// `500 Not implemented!` as text, kept with its status.
fn not_implemented(o: &Outcome) -> bool {
    o.kind == Kind::Http && o.status == Some(500) && o.message == "Not implemented!"
}

fn refusal(error: Option<Error>, want: impl Fn(&ConfigError) -> bool) -> String {
    match error {
        Some(Error::Config(c)) if want(&c) => format!("refused before sending: {c}"),
        other => format!("UNEXPECTED: {other:?}"),
    }
}

/// `--user_identity_id` for `user_identity_id`.
fn flag(param: &str) -> &'static str {
    match param {
        "acs_user_id" => "--acs_user_id",
        "user_identity_id" => "--user_identity_id",
        "user_identity_key" => "--user_identity_key",
        _ => "--unknown",
    }
}
