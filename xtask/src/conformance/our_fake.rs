//! Part 2 of `cargo xtask conformance`: Seam's SDKs against our fake (`seam-fake serve`),
//! beside our client.

use std::collections::BTreeMap;
use std::process::Command;

use http::Method;
use seamapi_api::routes::{AddAcsUser, GetUserIdentity, UserIdentityRef};
use seamapi_core::Route;
use seamapi_fake::seed;
use serde_json::json;

use super::clients::{Raw, facades, typed_add};
use super::outcome::{Kind, Outcome};
use super::process::ServerProcess;
use super::report::{Report, yes};
use super::sdks::{Case, Sdk, sdk};
use super::{BAD_API_KEY, Env};

/// An ACS user id that no fake knows.
const UNKNOWN_ACS_USER_ID: &str = "5eed0002-0000-4000-8000-000000000999";
/// A user identity id that no fake knows.
const UNKNOWN_USER_IDENTITY_ID: &str = "5eed0003-0000-4000-8000-000000000999";

/// Starts `seam-fake serve` and runs the add_acs_user cases through our client and Seam's SDKs.
pub(super) fn run(env: &Env, report: &mut Report) -> Result<(), String> {
    let mut cmd = Command::new(&env.bins.seamapi_fake);
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--quiet"]);
    let fake = ServerProcess::start("seam-fake serve", cmd)?;
    let endpoint = fake.endpoint();
    eprintln!("xtask: conformance 2: seam-fake serve on {endpoint}");
    let raw = Raw {
        env,
        endpoint: endpoint.clone(),
    };
    let jane = seed::USER_IDENTITY_ID;
    // Each side creates its own identity by key, from its own ACS user; every other case is
    // the same for all (re-adding a link succeeds and changes nothing).
    let sides = [("ours", 1), ("seam-js", 2), ("seam-python", 3)];
    let cases = |side: &str, n: usize| -> Vec<Case> {
        let new_key = format!("conformance-new-{side}");
        vec![
            Case {
                name: "by id",
                api_key: seed::API_KEY,
                params: json!({"acs_user_id": seed::ACS_USER_IDS[0], "user_identity_id": jane}),
            },
            Case {
                name: "by key, existing identity",
                api_key: seed::API_KEY,
                params: json!({"acs_user_id": seed::GARAGE_ACS_USER_IDS[0], "user_identity_key": seed::USER_IDENTITY_KEY}),
            },
            Case {
                name: "by key, new identity",
                api_key: seed::API_KEY,
                params: json!({"acs_user_id": seed::ACS_USER_IDS[n], "user_identity_key": new_key}),
            },
            Case {
                name: "malformed `acs_user_id`",
                api_key: seed::API_KEY,
                params: json!({"acs_user_id": "not-a-uuid", "user_identity_id": jane}),
            },
            Case {
                name: "malformed both ids",
                api_key: seed::API_KEY,
                params: json!({"acs_user_id": "not-a-uuid", "user_identity_id": "nope"}),
            },
            Case {
                name: "no `acs_user_id`",
                api_key: seed::API_KEY,
                params: json!({"user_identity_id": jane}),
            },
            Case {
                name: "neither id nor key",
                api_key: seed::API_KEY,
                params: json!({"acs_user_id": seed::ACS_USER_IDS[0]}),
            },
            Case {
                name: "both id and key",
                api_key: seed::API_KEY,
                params: json!({"acs_user_id": seed::ACS_USER_IDS[0], "user_identity_id": jane, "user_identity_key": seed::USER_IDENTITY_KEY}),
            },
            Case {
                name: "bad API key",
                api_key: BAD_API_KEY,
                params: json!({"acs_user_id": seed::ACS_USER_IDS[0], "user_identity_id": jane}),
            },
            Case {
                name: "unknown ACS user",
                api_key: seed::API_KEY,
                params: json!({"acs_user_id": UNKNOWN_ACS_USER_ID, "user_identity_id": jane}),
            },
            Case {
                name: "unknown user identity",
                api_key: seed::API_KEY,
                params: json!({"acs_user_id": seed::ACS_USER_IDS[0], "user_identity_id": UNKNOWN_USER_IDENTITY_ID}),
            },
            Case {
                name: "ACS user linked to another identity",
                api_key: seed::API_KEY,
                params: json!({"acs_user_id": seed::ANNEX_ACS_USER_IDS[0], "user_identity_key": "conformance-taken"}),
            },
        ]
    };

    // Ours: the async client when our API can express the call, raw and decoded by core
    // otherwise.
    let mut ours = BTreeMap::new();
    let mut how = BTreeMap::new();
    for case in cases(sides[0].0, sides[0].1) {
        let got = match typed_add(&case.params) {
            Some(typed) => {
                let client = facades(env, &endpoint, case.api_key)?.remove(0);
                how.insert(case.name, "");
                Outcome::of(&client.send(typed))
            }
            None => {
                how.insert(case.name, " (raw)");
                let bearer = format!("Bearer {}", case.api_key);
                raw.error(
                    Method::PUT,
                    AddAcsUser::INFO.path,
                    &[
                        ("content-type", "application/json"),
                        ("authorization", &bearer),
                    ],
                    &case.params.to_string(),
                )?
            }
        };
        ours.insert(case.name.to_owned(), got);
    }
    let (js_name, js) = sdk(env, Sdk::Js, &endpoint, &cases(sides[1].0, sides[1].1))?;
    let (py_name, py) = sdk(env, Sdk::Python, &endpoint, &cases(sides[2].0, sides[2].1))?;

    report.table(
        "Seam's SDKs against our fake (`seam-fake serve`): add_acs_user",
        &["case", "our client", &js_name, &py_name, "same?"],
    );
    for case in cases(sides[0].0, sides[0].1) {
        let mine = &ours[case.name];
        let missing = Outcome::new(Kind::Other, "no result");
        let js_got = js.get(case.name).unwrap_or(&missing);
        let py_got = py.get(case.name).unwrap_or(&missing);
        let want_ok = case.name.starts_with("by ");
        report.check((mine.kind == Kind::Ok) == want_ok, || {
            format!("ours {}: {mine}", case.name)
        });
        // A call our typed API cannot express (sent raw here) may be refused by an SDK's
        // typed API before sending, too.
        let raw_only = !how[case.name].is_empty();
        let agrees =
            |theirs: &Outcome| mine.same_as(theirs) || (raw_only && theirs.kind == Kind::Refused);
        let same = agrees(js_got) && agrees(py_got);
        report.check(same, || {
            format!(
                "{}: ours {mine} / {js_name} {js_got} / {py_name} {py_got}",
                case.name
            )
        });
        for (side, got) in [
            ("ours", mine),
            (js_name.as_str(), js_got),
            (py_name.as_str(), py_got),
        ] {
            if got.status.is_some() {
                report.check(got.request_id.is_some(), || {
                    format!("{side} {}: no request id", case.name)
                });
            }
        }
        report.row(vec![
            case.name.to_owned(),
            format!("{mine}{}", how[case.name]),
            js_got.to_string(),
            py_got.to_string(),
            yes(same),
        ]);
    }

    // The identities created by key exist, with their ACS user linked.
    let client = facades(env, &endpoint, seed::API_KEY)?.remove(0);
    for (side, n) in sides {
        let key = format!("conformance-new-{side}");
        let got = client.send(GetUserIdentity::new(UserIdentityRef::key(key.as_str())));
        let linked = got
            .as_ref()
            .is_ok_and(|u| u.acs_user_ids.iter().any(|id| id == seed::ACS_USER_IDS[n]));
        report.check(linked, || {
            format!("{side}: identity {key} after add by new key: {got:?}")
        });
    }
    Ok(())
}
