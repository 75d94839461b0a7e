//! Part 4 of `cargo xtask conformance`: every documented route that Seam's fake serves, called
//! with our async client (issue 12).
//!
//! - The routes come from the package: `seam-connect-fake.mjs` reads the route table of
//!   `@seamapi/fake-seam-connect` (and the methods its route types accept) and prints them. Each
//!   one that is in our route table ([`seamapi_api::ROUTES`]) is called; the others are listed
//!   with the reason they are not documented.
//! - The fake runs with Seam's own seed (`fake.seed()`), every id a UUID (see the script), so
//!   our client validates ids as it does for real use.
//! - Each call goes through [`seamapi::Seam::send`] with the route's own request type, built from
//!   JSON by [`seamapi_api::visit_routes`]. The parameters come from the seed and from earlier
//!   answers (creates first, then lists, gets, the rest, deletes last). A transport in front
//!   of the client's keeps the answer as sent, so one request gives both what the client
//!   decoded and the fake's JSON: the call succeeds and decodes, or fails with the typed error
//!   the fake's body says; and the decoded value, serialised again, holds every field the fake
//!   sent (any dropped or changed field is listed). A call that starts an action waits for it
//!   (every 20 ms), and both the route's own answer and the last read of the attempt are
//!   checked; unlocks whose attempts the fake is told to fail or to leave pending must end with
//!   `Error::ActionAttemptFailed` and `Error::ActionAttemptTimedOut`.
//! - The method each route is sent with ([`seamapi_core::RouteInfo::method`]) is compared with
//!   the one `@seamapi/http` 2.32.0 sends (`http-methods.mjs` reads its code), for every route
//!   of our table.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use seamapi_api::routes::{ActionAttemptsGet, LocksUnlockDoor};
use seamapi_core::action::ActionWait;
use seamapi_core::params::Requirement;
use seamapi_core::{AuthSet, HttpMethod, RawRequest, RetryPolicy, Route, RouteInfo};
use seamapi_transport::{HyperTransport, Transport, TransportError};
use serde_json::{Map, Value, json};

use super::Env;
use super::outcome::{Kind, Outcome};
use super::process::{ServerProcess, output};
use super::report::{Report, yes};

/// The credentials Seam's seed gives: an API key of its first workspace, and a personal access
/// token of the user that owns it.
const SEED_API_KEY: &str = "seam_apikey1_token";
const SEED_PERSONAL_ACCESS_TOKEN: &str = "seam_at1_longtoken";
const SEED_PUBLISHABLE_KEY: &str = "seam_pk1_token";

/// Routes called with other credentials than the API key, and why.
const OTHER_CREDENTIALS: &[(&str, &str)] = &[(
    "/client_sessions/get_or_create",
    "with the publishable key: Seam's fake takes no other credentials here (`publishable_key_header_required`), while the API reference also takes an API key",
)];

/// Routes of Seam's fake that do not succeed, and why: each must fail as listed (an error the
/// fake's answer says, or a success answer that does not decode), and anything else is a
/// failure of the check.
const EXPECTED_FAILURES: &[(&str, Failure, &str)] = &[
    (
        "/user_identities/create",
        Failure::Error,
        "a stub in Seam's fake: `500 Not implemented!`",
    ),
    (
        "/user_identities/add_acs_user",
        Failure::Error,
        "a stub in Seam's fake: `500 Not implemented!`",
    ),
    (
        "/access_codes/generate_code",
        Failure::Undecodable,
        "Seam's fake answers `generated_code` with `device_id` and `code` only; in the API document it is an access code (`access_code_id`, `created_at`, … required)",
    ),
    (
        "/access_codes/pull_backup_access_code",
        Failure::Undecodable,
        "Seam's fake answers `backup_access_code` only; the API document has `access_code` and `backup_access_code`, and its `x-response-key` (what `@seamapi/http` 2.32.0 reads too) is `access_code`",
    ),
    (
        "/events/list",
        Failure::Undecodable,
        "the `lock.unlocked` event of Seam's fake has no `method`, which the API document requires",
    ),
    (
        "/thermostats/list",
        Failure::Undecodable,
        "Seam's fake answers `thermostats` only; the API document requires `devices` too, and that is its `x-response-key` (what `@seamapi/http` 2.32.0 reads too)",
    ),
];

/// How a route in [`EXPECTED_FAILURES`] fails.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Failure {
    /// An error answer, decoded to the typed error it says.
    Error,
    /// A success answer that does not hold what the API document says.
    Undecodable,
}

/// Action routes called without waiting for their attempt, and why.
const NOT_WAITED: &[(&str, &str)] = &[(
    "/workspaces/reset_sandbox",
    "not waited for: Seam's fake's reset removes the API key the attempt would be read with",
)];

/// Routes the package serves that are not in Seam's API reference, and why.
fn undocumented_reason(path: &str) -> &'static str {
    if path.starts_with("/_fake/") {
        "the fake's own controls"
    } else if path.starts_with("/internal/") {
        "internal to Seam"
    } else if path.starts_with("/seam/bridge/") {
        "for Seam Bridge only (`x-undocumented` in the API document)"
    } else if path.starts_with("/health") {
        "a health check, not in the API document"
    } else if path == "/connect_webviews/view" {
        "the Connect Webview page (HTML), not in the API document"
    } else if path == "/devices/delete" {
        "`x-undocumented` in the API document: deleting a device is no longer supported"
    } else {
        "not in the API document this client is generated from"
    }
}

/// Runs the part; rows and checks go to `report`.
pub(super) fn run(env: &Env, report: &mut Report) -> Result<(), String> {
    let mut cmd = Command::new("node");
    cmd.arg("seam-connect-fake.mjs")
        .current_dir(&env.dir)
        .env("NODE_ENV", "production")
        .env("SEAM_CONFORMANCE_FAKE_SEED", "seam");
    let fake = ServerProcess::start("Seam's fake with Seam's seed (seam-connect-fake.mjs)", cmd)?;
    let endpoint = fake.endpoint();
    let version = fake.info["version"].as_str().unwrap_or("?").to_owned();
    eprintln!(
        "xtask: conformance 4: @seamapi/fake-seam-connect {version} (Seam's seed) on {endpoint}"
    );
    let served: BTreeMap<String, Vec<String>> = fake.info["routes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| {
            let methods = r["methods"].as_array().into_iter().flatten();
            Some((
                r["path"].as_str()?.to_owned(),
                methods
                    .filter_map(|m| m.as_str().map(str::to_owned))
                    .collect(),
            ))
        })
        .collect();
    report.check(!served.is_empty(), || {
        "Seam's fake: no routes read from the package".to_owned()
    });
    let (sdk_name, sdk_methods) = sdk_methods(env)?;

    methods_table(report, &sdk_name, &sdk_methods);

    let seed = &fake.info["seed"];
    let id = |name: &str| seed[name].as_str().unwrap_or_default().to_owned();
    let mut plan = Plan {
        values: BTreeMap::new(),
        answers: BTreeMap::new(),
        locks: id("august_device_1"),
        second_lock: id("august_device_2"),
        thermostat: id("ecobee_device_1"),
        noise_sensor: id("minut_device_1"),
    };
    for (param, key) in [
        ("device_id", "august_device_1"),
        ("connected_account_id", "john_connected_account_id"),
        ("user_identity_id", "john_user_identity_id"),
        ("acs_system_id", "visionline_acs_system_1"),
        ("workspace_id", "seed_workspace_1"),
        ("acs_access_group_id", "acs_access_group_id"),
        ("acs_entrance_id", "acs_entrance_id"),
        ("acs_user_id", "acs_user_id"),
    ] {
        plan.values.insert(param.to_owned(), Value::String(id(key)));
    }

    let clients = Clients::new(&endpoint)?;
    // First, while the workspace is whole (the route table ends with resetting it).
    failed_attempt(report, &clients, env, &endpoint, &plan)?;
    let mut routes: Vec<&'static RouteInfo> = seamapi_api::ROUTES
        .iter()
        .copied()
        .filter(|r| served.contains_key(r.path))
        .collect();
    routes.sort_by_key(|r| (phase(r), r.path));
    let spec_path = crate::workspace_root().join("spec/seam-connect.openapi.json");
    let spec: Value = serde_json::from_slice(
        &std::fs::read(&spec_path).map_err(|e| format!("{}: {e}", spec_path.display()))?,
    )
    .map_err(|e| format!("{}: {e}", spec_path.display()))?;
    let mut by_design: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();

    report.table(
        &format!(
            "Every documented route of Seam's fake ({version}), with Seam's seed: our async client"
        ),
        &[
            "route",
            "Seam's fake accepts",
            "we send",
            "what happened",
            "nothing lost?",
            "as expected?",
        ],
    );
    for info in &routes {
        let params = plan.params(info);
        let mut call = Call::new(info.path, params.clone(), &clients, env, info.auth);
        let version = version.as_str();
        seamapi_api::visit_routes(&mut call);
        let not_waited = call.not_waited;
        let done = call
            .done
            .unwrap_or_else(|| Done::failed("not in the route table"));
        let accepts = served[info.path].join(", ");
        let Verdict {
            what: happened,
            lost: lost_cell,
            good,
            by_design: left_out,
        } = judge(
            info,
            &done,
            &params,
            version,
            &answer_keys(&spec, info.path),
        );
        report.check(good, || {
            format!("{}: {happened}; lost: {lost_cell}", info.path)
        });
        for (field, why) in left_out {
            by_design
                .entry((field, why))
                .or_default()
                .push(format!("`{}`", info.path));
        }
        if let Some(body) = &done.body {
            plan.learn(info, body);
        }
        let mut happened = happened;
        if let Some(why) = not_waited {
            happened.push_str(&format!(" ({why})"));
        }
        // An attempt the call did not wait for is read once. Resetting the sandbox removes
        // the API key it would be read with.
        if info.action_attempt
            && done.waited.is_none()
            && info.path != "/workspaces/reset_sandbox"
            && let Some(status) = follow_attempt(&clients, env, done.body.as_ref(), report)?
        {
            happened.push_str(&format!("; `action_attempts/get` then: {status}"));
        }
        report.row(vec![
            format!("`{}`", info.path),
            accepts,
            info.method.to_string(),
            happened,
            lost_cell,
            yes(good),
        ]);
    }

    report.table(
        &format!("What our outputs leave out of the answers of Seam's fake ({version}), by design"),
        &["field", "routes", "why"],
    );
    for ((field, why), routes) in by_design {
        report.row(vec![field, routes.join(", "), why]);
    }

    report.table(
        &format!("Routes of Seam's fake ({version}) not in Seam's API reference: not called"),
        &["route", "why"],
    );
    for path in served.keys() {
        if seamapi_api::route_by_path(path).is_none() {
            report.row(vec![
                format!("`{path}`"),
                undocumented_reason(path).to_owned(),
            ]);
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Methods: ours against @seamapi/http 2.32.0

/// `http-methods.mjs`: the SDK's name and version, and its method by path.
fn sdk_methods(env: &Env) -> Result<(String, BTreeMap<String, String>), String> {
    let mut cmd = Command::new("node");
    cmd.arg("http-methods.mjs").current_dir(&env.dir);
    let (code, stdout, stderr) = output("http-methods.mjs", cmd)?;
    let v: Value = serde_json::from_str(stdout.trim()).map_err(|e| {
        format!(
            "http-methods.mjs: exit {code:?}, {e}; stderr: {}",
            stderr.trim()
        )
    })?;
    let methods = v["methods"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(k, m)| Some((k.clone(), m.as_str()?.to_owned())))
        .collect();
    Ok((
        v["sdk"].as_str().unwrap_or("@seamapi/http").to_owned(),
        methods,
    ))
}

/// Deliberate differences from the SDK's method, by path, with the reason. None today.
const METHOD_DIFFERENCES: &[(&str, &str)] = &[];

/// One check per route of our table; a table of every difference (and of what only one side
/// has).
fn methods_table(report: &mut Report, sdk: &str, sdk_methods: &BTreeMap<String, String>) {
    report.table(
        &format!(
            "HTTP methods: ours against {sdk}, for all {} routes of our table",
            seamapi_api::ROUTES.len()
        ),
        &["route", "we send", sdk, "why"],
    );
    let mut same = 0;
    for info in seamapi_api::ROUTES.iter() {
        let ours = info.method.as_str();
        let theirs = sdk_methods.get(info.path).map(String::as_str);
        let reason = METHOD_DIFFERENCES
            .iter()
            .find(|(p, _)| *p == info.path)
            .map(|(_, r)| *r);
        match theirs {
            Some(m) if m == ours => same += 1,
            _ => {
                report.check(reason.is_some(), || {
                    format!(
                        "method of {}: we send {ours}, {sdk} sends {}",
                        info.path,
                        theirs.unwrap_or("nothing (no such route)")
                    )
                });
                report.row(vec![
                    format!("`{}`", info.path),
                    ours.to_owned(),
                    theirs.unwrap_or("(no such route)").to_owned(),
                    reason.unwrap_or("**unexplained**").to_owned(),
                ]);
            }
        }
    }
    for path in sdk_methods.keys() {
        if seamapi_api::route_by_path(path).is_none() {
            report.row(vec![
                format!("`{path}`"),
                "(no such route)".to_owned(),
                sdk_methods[path].clone(),
                format!(
                    "newer than the API document this client is generated from ({})",
                    spec_version()
                ),
            ]);
        }
    }
    report.row(vec![
        format!("{same} of {} routes", seamapi_api::ROUTES.len()),
        "the same".to_owned(),
        "the same".to_owned(),
        String::new(),
    ]);
}

/// `@seamapi/types 1.977.0`, from `spec/SOURCE`.
fn spec_version() -> String {
    let source =
        std::fs::read_to_string(crate::workspace_root().join("spec/SOURCE")).unwrap_or_default();
    let field = |name: &str| {
        source
            .lines()
            .find_map(|l| {
                l.strip_prefix(name)?
                    .trim()
                    .strip_prefix('=')?
                    .trim()
                    .strip_prefix('"')?
                    .strip_suffix('"')
                    .map(str::to_owned)
            })
            .unwrap_or_default()
    };
    format!("{} {}", field("package"), field("version"))
}

// ---------------------------------------------------------------------------------------------
// The order of calls and their parameters

/// Where a route comes in the run: creates first (so that gets have something to read), then
/// lists, gets, the rest, reads of action attempts, removes, deletes, the delete that takes
/// devices with it, and the sandbox reset last.
fn phase(info: &RouteInfo) -> u8 {
    let m = info.method_name;
    if info.namespace.first() == Some(&"action_attempts") {
        4
    } else if info.path == "/workspaces/reset_sandbox" {
        8
    } else if info.path == "/connected_accounts/delete" {
        7
    } else if m == "delete" {
        6
    } else if m.starts_with("remove") {
        5
    } else if m.starts_with("create")
        || m == "generate_code"
        || info.namespace.contains(&"simulate")
        // Makes the second lock unmanaged, for the `devices/unmanaged` routes.
        || info.path == "/devices/update"
    {
        0
    } else if m.starts_with("list") {
        1
    } else if m == "get" {
        2
    } else {
        3
    }
}

/// What parameters are made of: values by parameter name (from the seed and from every answer
/// so far) and the answers themselves.
struct Plan {
    values: BTreeMap<String, Value>,
    answers: BTreeMap<&'static str, Value>,
    locks: String,
    second_lock: String,
    thermostat: String,
    noise_sensor: String,
}

impl Plan {
    /// The parameters of one call: the route's own, then every required one, every optional
    /// id of a route that is not a list, and one of each one-of group, that a value is known
    /// for.
    fn params(&self, info: &RouteInfo) -> Value {
        // The device of the route's kind; `devices/update` makes the second lock unmanaged.
        let device = match (info.namespace, info.path) {
            (["thermostats", ..], _) => &self.thermostat,
            (["noise_sensors", ..], _) => &self.noise_sensor,
            (["devices", "unmanaged"], _) | (_, "/devices/update") => &self.second_lock,
            _ => &self.locks,
        };
        let mut p = match info.path {
            // Time-bound, so that it has a backup code to pull.
            "/access_codes/create" => json!({
                "device_id": device,
                "code": "4242",
                "name": "Conformance code",
                "starts_at": "2030-01-01T00:00:00.000Z",
                "ends_at": "2030-01-02T00:00:00.000Z",
            }),
            "/access_codes/create_multiple" => {
                json!({"device_ids": [self.locks, self.second_lock], "name": "Conformance shared code"})
            }
            "/access_codes/simulate/create_unmanaged_access_code" => {
                json!({"device_id": device, "code": "7777", "name": "Conformance unmanaged code"})
            }
            "/access_codes/update" => json!({"name": "Conformance code, renamed"}),
            "/access_codes/unmanaged/update" => json!({
                "access_code_id": self.answers.get("/access_codes/simulate/create_unmanaged_access_code")
                    .map(|a| a["access_code"]["access_code_id"].clone()).unwrap_or(Value::Null),
                "is_managed": true,
            }),
            "/acs/users/create" => {
                json!({"full_name": "Conformance Created User", "email_address": "created@example.com"})
            }
            "/acs/users/update" => json!({"full_name": "Conformance User, renamed"}),
            "/client_sessions/create" | "/client_sessions/get_or_create" => {
                json!({"user_identifier_key": "conformance-client"})
            }
            "/connect_webviews/create" => json!({"accepted_providers": ["august"]}),
            "/connected_accounts/update" => json!({"automatically_manage_new_devices": true}),
            "/devices/update" => json!({"name": "Back Door, unmanaged", "is_managed": false}),
            "/action_attempts/list" => json!({
                "action_attempt_ids": [self.values.get("action_attempt_id").cloned().unwrap_or(Value::Null)],
            }),
            "/devices/unmanaged/update" => json!({"is_managed": true}),
            "/events/list" => json!({"since": "2020-01-01T00:00:00.000Z"}),
            "/noise_sensors/noise_thresholds/create" => json!({
                "name": "Conformance quiet hours",
                "starts_daily_at": "22:00:00[America/Los_Angeles]",
                "ends_daily_at": "07:00:00[America/Los_Angeles]",
                "noise_threshold_decibels": 50,
            }),
            "/noise_sensors/noise_thresholds/update" => {
                json!({"name": "Conformance quiet hours, renamed"})
            }
            "/thermostats/cool" => json!({"cooling_set_point_celsius": 24}),
            "/thermostats/heat" => json!({"heating_set_point_celsius": 20}),
            "/thermostats/heat_cool" => {
                json!({"heating_set_point_celsius": 20, "cooling_set_point_celsius": 25})
            }
            "/thermostats/set_fan_mode" => json!({"fan_mode_setting": "auto"}),
            "/user_identities/create" => json!({"user_identity_key": "conformance-identity"}),
            "/webhooks/create" => json!({"url": "https://example.com/conformance-webhook"}),
            "/workspaces/create" => json!({
                "name": "Conformance Workspace",
                "connect_partner_name": "Conformance",
                "is_sandbox": true,
            }),
            _ => json!({}),
        };
        let Some(obj) = p.as_object_mut() else {
            return p;
        };
        let device_route = info.params.iter().any(|s| s.name == "device_id");
        if device_route && !obj.contains_key("device_id") {
            obj.insert("device_id".to_owned(), Value::String(device.clone()));
        }
        let mut one_of_filled = false;
        for spec in info.params {
            if obj.contains_key(spec.name) {
                one_of_filled |= spec.requirement == Requirement::OneOf;
                continue;
            }
            let wanted = match spec.requirement {
                Requirement::Required => true,
                // Ids narrow a get, an update or an action to what the earlier calls made;
                // lists are left whole.
                Requirement::Optional => {
                    spec.name.ends_with("_id") && !info.method_name.starts_with("list")
                }
                Requirement::OneOf => !one_of_filled,
            };
            if !wanted {
                continue;
            }
            if let Some(v) = self.values.get(spec.name) {
                obj.insert(spec.name.to_owned(), v.clone());
                one_of_filled |= spec.requirement == Requirement::OneOf;
            }
        }
        p
    }

    /// Keeps the answer, and every `*_id` value in it that is not known yet.
    fn learn(&mut self, info: &RouteInfo, body: &Value) {
        if !body["ok"].as_bool().unwrap_or(false) {
            return;
        }
        self.answers.insert(info.path, body.clone());
        let Some(key) = info.output_key else {
            return;
        };
        let resources: Vec<&Value> = match &body[key] {
            Value::Array(items) => items.iter().collect(),
            v @ Value::Object(_) => vec![v],
            _ => Vec::new(),
        };
        for resource in resources {
            for (k, v) in resource.as_object().into_iter().flatten() {
                if k.ends_with("_id") && v.is_string() && !self.values.contains_key(k) {
                    self.values.insert(k.clone(), v.clone());
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// One call

/// The client for each kind of credentials, all through one recording transport, with no
/// retries, so that every request is seen once. A call that starts an action waits for it (as
/// by default), reading the attempt every 20 ms rather than 0.5 s.
struct Clients {
    api_key: seamapi::Seam,
    without_workspace: seamapi::Seam,
    publishable_key: seamapi::Seam,
    answers: Arc<Mutex<Vec<Answer>>>,
}

/// How often the clients read an attempt they wait for.
const POLL_EVERY: Duration = Duration::from_millis(20);

impl Clients {
    fn new(endpoint: &str) -> Result<Self, String> {
        let recorder = Recorder {
            inner: HyperTransport::new().map_err(|e| format!("conformance 4: transport: {e}"))?,
            answers: Arc::default(),
        };
        let answers = Arc::clone(&recorder.answers);
        let build = |b: seamapi::SeamBuilder<seamapi::Seam>| {
            b.endpoint(endpoint)
                .retry_policy(RetryPolicy::none())
                .action_wait(ActionWait::default().every(POLL_EVERY))
                .transport(recorder.clone())
                .build()
                .map_err(|e| format!("conformance 4: client: {e}"))
        };
        Ok(Self {
            api_key: build(seamapi::Seam::builder().api_key(SEED_API_KEY))?,
            without_workspace: build(
                seamapi::Seam::builder()
                    .personal_access_token_without_workspace(SEED_PERSONAL_ACCESS_TOKEN),
            )?,
            publishable_key: build(
                seamapi::Seam::builder().credentials(
                    seamapi_core::Credentials::publishable_key(SEED_PUBLISHABLE_KEY)
                        .map_err(|e| format!("conformance 4: publishable key: {e}"))?,
                ),
            )?,
            answers,
        })
    }

    /// The client whose credentials the route takes.
    fn for_route(&self, path: &str, auth: AuthSet) -> &seamapi::Seam {
        if OTHER_CREDENTIALS.iter().any(|(p, _)| *p == path) {
            &self.publishable_key
        } else if auth.contains(AuthSet::API_KEY) {
            &self.api_key
        } else {
            &self.without_workspace
        }
    }

    /// Every answer since the last call, in order.
    fn take(&self) -> Vec<Answer> {
        self.answers
            .lock()
            .map(|mut a| std::mem::take(&mut *a))
            .unwrap_or_default()
    }
}

/// One answer as the fake sent it.
#[derive(Debug, Clone)]
struct Answer {
    /// The path of the request.
    path: String,
    status: u16,
    /// The JSON, `None` when the body was not JSON.
    body: Option<Value>,
}

/// The hyper transport, keeping every answer.
#[derive(Debug, Clone)]
struct Recorder {
    inner: HyperTransport,
    answers: Arc<Mutex<Vec<Answer>>>,
}

#[async_trait::async_trait]
impl Transport for Recorder {
    async fn send(&self, request: Request<Bytes>) -> Result<Response<Bytes>, TransportError> {
        let path = request.uri().path().to_owned();
        let response = self.inner.send(request).await?;
        if let Ok(mut answers) = self.answers.lock() {
            answers.push(Answer {
                path,
                status: response.status().as_u16(),
                body: serde_json::from_slice(response.body()).ok(),
            });
        }
        Ok(response)
    }
}

/// What one call did.
struct Done {
    /// The client's result: the decoded value serialised again, or the error.
    result: Result<Value, seamapi_core::Error>,
    /// The last answer's status and JSON: the one the result was decoded from.
    status: Option<u16>,
    body: Option<Value>,
    /// When the call waited for the action it started: its own answer and the reads after.
    waited: Option<Waited>,
    /// What went wrong before a request could be made.
    setup: Option<String>,
    /// Sent again as `POST` after Seam's fake refused our method: that answer.
    as_post: Option<Box<Done>>,
}

/// The route's own answer of a call that waited (the attempt as first answered) and what it
/// decodes to, serialised again; then the path and attempt status of each read after it.
struct Waited {
    body: Value,
    decoded: Result<Value, String>,
    reads: Vec<String>,
}

impl Done {
    fn failed(why: &str) -> Self {
        Self {
            result: Ok(Value::Null),
            status: None,
            body: None,
            waited: None,
            setup: Some(why.to_owned()),
            as_post: None,
        }
    }

    /// The outcome of a call whose answers were `answers`; `decode` reads the route's own.
    fn of(
        result: Result<Value, seamapi_core::Error>,
        answers: Vec<Answer>,
        decode: impl Fn(&Value) -> Result<Value, String>,
    ) -> Self {
        let last = answers.last().cloned();
        let waited = match answers.split_first() {
            Some((first, reads)) if !reads.is_empty() => first.body.clone().map(|body| Waited {
                decoded: decode(&body),
                body,
                reads: reads
                    .iter()
                    .map(|r| {
                        let status = r
                            .body
                            .as_ref()
                            .and_then(|b| b["action_attempt"]["status"].as_str());
                        format!("`{}` {}", r.path, status.unwrap_or("?"))
                    })
                    .collect(),
            }),
            _ => None,
        };
        Self {
            result,
            status: last.as_ref().map(|a| a.status),
            body: last.and_then(|a| a.body),
            waited,
            setup: None,
            as_post: None,
        }
    }
}

/// The output of `R` decoded from a whole answer, serialised again.
fn decode_as<R: Route>(body: &Value) -> Result<Value, String> {
    let bytes = serde_json::to_vec(body).map_err(|e| e.to_string())?;
    let out = R::decode_output(&bytes).map_err(|e| e.to_string())?;
    serde_json::to_value(&out).map_err(|e| e.to_string())
}

/// A visitor that finds the route at `path` and calls it.
struct Call<'a> {
    path: &'static str,
    params: Value,
    clients: &'a Clients,
    env: &'a Env,
    auth: AuthSet,
    done: Option<Done>,
    /// Why the call was not waited for, if it was not.
    not_waited: Option<&'static str>,
}

impl<'a> Call<'a> {
    fn new(
        path: &'static str,
        params: Value,
        clients: &'a Clients,
        env: &'a Env,
        auth: AuthSet,
    ) -> Self {
        Self {
            path,
            params,
            clients,
            env,
            auth,
            done: None,
            not_waited: None,
        }
    }
}

impl seamapi_core::RouteVisitor for Call<'_> {
    fn route<R: Route + serde::de::DeserializeOwned>(&mut self) {
        if R::INFO.path != self.path {
            return;
        }
        let request = match serde_json::from_value::<R>(self.params.clone()) {
            Ok(r) => r,
            Err(e) => {
                self.done = Some(Done::failed(&format!(
                    "our request type refused the parameters: {e}"
                )));
                return;
            }
        };
        let mut client = self.clients.for_route(self.path, self.auth).clone();
        if let Some((_, why)) = NOT_WAITED.iter().find(|(p, _)| *p == self.path) {
            client = client.with_action_wait(ActionWait::off());
            self.not_waited = Some(why);
        }
        let client = &client;
        let got = self.env.runtime.block_on(client.send(request));
        let result = got.and_then(|out| {
            serde_json::to_value(&out).map_err(|e| seamapi_core::Error::Encode(e.to_string()))
        });
        let mut done = Done::of(result, self.clients.take(), decode_as::<R>);
        // Seam's fake predates some of the methods Seam's SDK sends (405), and reads the
        // parameters of a DELETE from a JSON body only: the same parameters as POST (which
        // Seam accepts on every route) show whether the answer decodes.
        let refused = done.status == Some(405)
            || (R::INFO.method == HttpMethod::Delete && done.status.is_some_and(|s| s >= 400));
        if refused && R::INFO.method != HttpMethod::Post {
            let params = self.params.as_object().cloned().unwrap_or_default();
            let mut raw = RawRequest::for_route(&R::INFO, params);
            raw.method = HttpMethod::Post;
            let got = self.env.runtime.block_on(client.send_raw(raw));
            let result = got.and_then(|answer| {
                decode_as::<R>(&answer)
                    .map_err(|e| seamapi_core::Error::Encode(format!("decoding: {e}")))
            });
            done.as_post = Some(Box::new(Done::of(
                result,
                self.clients.take(),
                decode_as::<R>,
            )));
        }
        self.done = Some(done);
    }
}

/// The verdict on one call.
struct Verdict {
    /// What happened, in words.
    what: String,
    /// Whether nothing the fake sent was lost, in words.
    lost: String,
    /// Whether it is as expected.
    good: bool,
    /// The fields of the answer our output leaves out by design, with the reason.
    by_design: Vec<(String, String)>,
}

impl Verdict {
    fn new(what: String, lost: &str, good: bool) -> Self {
        Self {
            what,
            lost: lost.to_owned(),
            good,
            by_design: Vec::new(),
        }
    }
}

/// The verdict on one call.
fn judge(
    info: &RouteInfo,
    done: &Done,
    params: &Value,
    version: &str,
    documented: &BTreeSet<String>,
) -> Verdict {
    if let Some(why) = &done.setup {
        return Verdict::new(format!("not sent: {why} (parameters {params})"), "", false);
    }
    if let Some(post) = &done.as_post {
        let (first, typed) = match &done.result {
            Err(e) => {
                let got = Outcome::of_error(e);
                (
                    got.to_string(),
                    typed_as_sent(&got, done.status, done.body.as_ref()),
                )
            }
            Ok(_) => ("ok".to_owned(), false),
        };
        let why = if done.status == Some(405) {
            format!("Seam's fake {version} does not take {} here", info.method)
        } else {
            format!(
                "Seam's fake {version} reads the parameters of a DELETE from a JSON body only, not from the query string"
            )
        };
        let then = judge(info, post, params, version, documented);
        return Verdict {
            what: format!("{first} ({why}); the same as POST: {}", then.what),
            good: then.good && typed,
            ..then
        };
    }
    let expected = EXPECTED_FAILURES.iter().find(|(p, _, _)| *p == info.path);
    let credentials = OTHER_CREDENTIALS
        .iter()
        .find(|(p, _)| *p == info.path)
        .map(|(_, r)| format!(" ({r})"))
        .unwrap_or_default();
    match &done.result {
        Ok(ours) => {
            let Some(body) = &done.body else {
                return Verdict::new("ok, but no JSON answer kept".to_owned(), "", false);
            };
            let (mut lost, mut deliberate) = lost_fields(info, body, ours, documented);
            let mut waited = String::new();
            if let Some(w) = &done.waited {
                // The route's own answer, the attempt as first answered, is checked too.
                match &w.decoded {
                    Ok(first) => {
                        let (l, d) = lost_fields(info, &w.body, first, documented);
                        lost.extend(l.into_iter().map(|l| format!("{l} (in the first answer)")));
                        deliberate.extend(d);
                    }
                    Err(e) => lost.push(format!("the first answer does not decode: {e}")),
                }
                let first = w.body["action_attempt"]["status"].as_str().unwrap_or("?");
                waited = format!(
                    "; waited: `{first}` at first, then {} read(s) of the attempt: {}",
                    w.reads.len(),
                    w.reads.join(", ")
                );
            }
            let good = lost.is_empty() && expected.is_none();
            let mut fields: Vec<&str> = deliberate.iter().map(|(f, _)| f.as_str()).collect();
            fields.dedup();
            let by_design = if fields.is_empty() {
                String::new()
            } else {
                format!("by design, not kept: {}", fields.join(", "))
            };
            let lost_cell = match (lost.is_empty(), by_design.is_empty()) {
                (true, true) => "yes".to_owned(),
                (true, false) => format!("yes; {by_design}"),
                (false, _) => format!("**no**: {}; {by_design}", lost.join("; ")),
            };
            Verdict {
                what: format!("{}{waited}{credentials}", summary(info, body)),
                lost: lost_cell,
                good,
                by_design: deliberate,
            }
        }
        Err(e) => {
            let got = Outcome::of_error(e);
            let typed = typed_as_sent(&got, done.status, done.body.as_ref());
            let decoded_2xx = done.status.is_some_and(|s| (200..300).contains(&s));
            let mut what = if decoded_2xx {
                format!("the answer (200) does not decode: {}", e)
            } else {
                got.to_string()
            };
            let good = match expected {
                Some((_, Failure::Error, r)) => {
                    what.push_str(&format!(" ({r})"));
                    typed && !decoded_2xx
                }
                Some((_, Failure::Undecodable, r)) => {
                    what = format!("the answer (200) does not decode, as expected: {r}");
                    decoded_2xx
                }
                None => false,
            };
            let cell = if decoded_2xx {
                "**no**: does not decode"
            } else {
                "(an error)"
            };
            Verdict::new(what, cell, good)
        }
    }
}

/// Whether the error is the typed one the fake's answer says: its type and message for a Seam
/// error body, the status and the text otherwise.
fn typed_as_sent(got: &Outcome, status: Option<u16>, body: Option<&Value>) -> bool {
    match body.map(|b| &b["error"]) {
        Some(e) if e.is_object() => {
            let kind_ok = match (status, e["type"].as_str()) {
                (Some(401), _) => got.kind == Kind::Unauthorized,
                (_, Some("invalid_input")) => got.kind == Kind::InvalidInput,
                _ => got.kind == Kind::Api,
            };
            kind_ok
                && got.status == status
                && got.message == e["message"].as_str().unwrap_or_default()
                && (got.kind == Kind::InvalidInput || got.code.as_deref() == e["type"].as_str())
        }
        _ => got.kind == Kind::Http && got.status == status,
    }
}

/// "ok: 5 devices", "ok: `action_attempt` pending".
fn summary(info: &RouteInfo, body: &Value) -> String {
    let Some(key) = info.output_key else {
        return "ok".to_owned();
    };
    match &body[key] {
        Value::Array(items) => format!("ok: {} `{key}`", items.len()),
        Value::Object(o) if key == "action_attempt" => {
            format!("ok: `{key}` {}", o["status"].as_str().unwrap_or("?"))
        }
        Value::Object(_) => format!("ok: `{key}`"),
        other => format!("ok: `{key}` is {other}"),
    }
}

/// Fields of Seam's fake's answers that our types leave out by design, and why: `(routes, field,
/// why)`. A field is named by its place in the resource (`connected_account.provider`: the
/// route's output key, made singular, then the path); `routes` are path prefixes (empty: any).
const DELIBERATE_DROPS: &[(&[&str], &str, &str)] = &[
    (
        UNMANAGED_CODES,
        "access_code.is_backup_access_code_available",
        NOT_DOCUMENTED,
    ),
    (
        UNMANAGED_CODES,
        "access_code.is_external_modification_allowed",
        NOT_DOCUMENTED,
    ),
    (
        UNMANAGED_CODES,
        "access_code.is_offline_access_code",
        NOT_DOCUMENTED,
    ),
    (
        UNMANAGED_CODES,
        "access_code.is_one_time_use",
        NOT_DOCUMENTED,
    ),
    (&[], "acs_entrance.properties", NOT_DOCUMENTED),
    (&[], "acs_entrance.workspace_id", NOT_DOCUMENTED),
    (&[], "client_session.api_key_id", NOT_DOCUMENTED),
    (
        &[],
        "connected_account.assa_abloy_credential_service_id",
        NOT_DOCUMENTED,
    ),
    (&[], "connected_account.provider", NOT_DOCUMENTED),
    (&[], "connected_account.workspace_id", NOT_DOCUMENTED),
    (
        &[],
        "device.properties.current_climate_setting.automatic_cooling_enabled",
        NOT_DOCUMENTED,
    ),
    (
        &[],
        "device.properties.current_climate_setting.automatic_heating_enabled",
        NOT_DOCUMENTED,
    ),
    (
        &[],
        "device.properties.is_cooling_available",
        NOT_DOCUMENTED,
    ),
    (
        &[],
        "device.properties.is_heating_available",
        NOT_DOCUMENTED,
    ),
    (UNMANAGED_DEVICES, "device.display_name", NOT_DOCUMENTED),
    (
        UNMANAGED_DEVICES,
        "device.properties.appearance",
        NOT_DOCUMENTED,
    ),
    (
        UNMANAGED_DEVICES,
        "device.properties.currently_triggering_noise_threshold_ids",
        NOT_DOCUMENTED,
    ),
    (
        UNMANAGED_DEVICES,
        "device.properties.locked",
        NOT_DOCUMENTED,
    ),
    (UNMANAGED_DEVICES, "device.space_ids", NOT_DOCUMENTED),
    (&[], "webhook.created_at", NOT_DOCUMENTED),
    (&[], "workspace.created_at", NOT_DOCUMENTED),
];
/// The routes answering with an unmanaged access code.
const UNMANAGED_CODES: &[&str] = &["/access_codes/unmanaged/", "/access_codes/simulate/"];
/// The routes answering with an unmanaged device.
const UNMANAGED_DEVICES: &[&str] = &["/devices/unmanaged/"];
const NOT_DOCUMENTED: &str =
    "not in the API document's schema: the generated types hold the documented fields";

/// The fields of the fake's answer that the decoded value, serialised again, lacks or holds
/// differently: `(unexpected, by design with the reason)`. Paths name array items `[]`, so one
/// field missing from every item is listed once.
fn lost_fields(
    info: &RouteInfo,
    body: &Value,
    ours: &Value,
    documented: &BTreeSet<String>,
) -> (Vec<String>, Vec<(String, String)>) {
    let mut sent = body.as_object().cloned().unwrap_or_default();
    sent.remove("ok");
    let mut again = Map::new();
    match info.output_key {
        Some(key) if info.paginated => {
            again.insert(key.to_owned(), ours["items"].clone());
            again.insert("pagination".to_owned(), ours["pagination"].clone());
        }
        Some(key) => {
            again.insert(key.to_owned(), ours.clone());
        }
        None => {}
    }
    let mut deliberate = Vec::new();
    // Other keys of the answer: the route's output is one of them, as in Seam's SDKs.
    for (key, value) in &sent {
        if again.contains_key(key) || value.is_null() {
            continue;
        }
        let why = match info.output_key {
            Some(out) if sent.get(out) == Some(value) => {
                format!("the same value as `{out}`, which is kept")
            }
            _ if !documented.contains(key) => {
                "not in the API document's answer for this route".to_owned()
            }
            _ => top_level_reason(info),
        };
        deliberate.push((format!("`{key}`"), why));
    }
    sent.retain(|k, _| again.contains_key(k));
    let mut lost = BTreeSet::new();
    compare(&Value::Object(sent), &Value::Object(again), "", &mut lost);
    let mut unexpected = Vec::new();
    for (path, what) in lost {
        let resource = resource_path(&path);
        let known = DELIBERATE_DROPS.iter().find(|(routes, field, _)| {
            *field == resource
                && (routes.is_empty() || routes.iter().any(|r| info.path.starts_with(r)))
        });
        match known {
            Some((_, _, why)) if what == "dropped" => {
                deliberate.push((format!("`{resource}`"), (*why).to_owned()))
            }
            _ => unexpected.push(format!("`{path}` {what}")),
        }
    }
    (unexpected, deliberate)
}

/// The keys of a route's answer in the API document (`ok`, `action_attempt`, …).
fn answer_keys(spec: &Value, path: &str) -> BTreeSet<String> {
    let ops = spec["paths"][path].as_object();
    ops.into_iter()
        .flatten()
        .flat_map(|(_, op)| {
            op.pointer("/responses/200/content/application~1json/schema/properties")
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(|p| p.keys().cloned())
        })
        .collect()
}

/// Why a key of the answer beside the route's output, which the API document has, is not
/// returned.
fn top_level_reason(info: &RouteInfo) -> String {
    match info.output_key {
        None => "the API document's `x-response-key` is none: like `@seamapi/http` (`responseKey: undefined`), the call returns nothing".to_owned(),
        Some(out) => format!(
            "the API document's `x-response-key` is `{out}`: like `@seamapi/http`, the call returns that alone"
        ),
    }
}

/// `devices[].properties.x` -> `device.properties.x`: the field's place in its resource.
fn resource_path(path: &str) -> String {
    let (first, rest) = path.split_once('.').unwrap_or((path, ""));
    let first = first.trim_end_matches("[]");
    let first = first.strip_suffix('s').unwrap_or(first);
    let rest = rest.replace("[]", "");
    if rest.is_empty() {
        first.to_owned()
    } else {
        format!("{first}.{rest}")
    }
}

/// Adds to `lost` each place where `ours` lacks or changes what `sent` holds: `(path, what)`.
fn compare(sent: &Value, ours: &Value, path: &str, lost: &mut BTreeSet<(String, String)>) {
    match (sent, ours) {
        (Value::Object(s), Value::Object(o)) => {
            for (k, v) in s {
                let here = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                match o.get(k) {
                    None if v.is_null() => {}
                    None => {
                        lost.insert((here, "dropped".to_owned()));
                    }
                    Some(ov) => compare(v, ov, &here, lost),
                }
            }
        }
        (Value::Array(s), Value::Array(o)) if s.len() == o.len() => {
            for (sv, ov) in s.iter().zip(o) {
                compare(sv, ov, &format!("{path}[]"), lost);
            }
        }
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => {}
        (Value::String(a), Value::String(b)) if same_instant(a, b) => {}
        (a, b) if a == b => {}
        (a, b) => {
            lost.insert((path.to_owned(), format!("changed: sent {a}, ours {b}")));
        }
    }
}

/// Two RFC 3339 date-times that differ only in trailing zeros of the fraction
/// (`…40.750Z` sent, `…40.75Z` written back): the same instant.
fn same_instant(a: &str, b: &str) -> bool {
    let looks = |s: &str| s.len() >= 20 && s.as_bytes().get(10) == Some(&b'T') && s.ends_with('Z');
    let trim = |s: &str| -> String {
        let body = &s[..s.len() - 1];
        match body.split_once('.') {
            Some((whole, fraction)) => {
                let fraction = fraction.trim_end_matches('0');
                if fraction.is_empty() {
                    whole.to_owned()
                } else {
                    format!("{whole}.{fraction}")
                }
            }
            None => body.to_owned(),
        }
    };
    looks(a) && looks(b) && trim(a) == trim(b)
}

// ---------------------------------------------------------------------------------------------
// Action attempts

/// Sends `R` built from `params` with `client`, and hands back its output as JSON and the
/// answers it took.
fn send_json<R: Route + serde::de::DeserializeOwned>(
    clients: &Clients,
    client: &seamapi::Seam,
    env: &Env,
    params: Value,
) -> Result<(Result<Value, seamapi_core::Error>, Vec<Answer>), String> {
    let request: R = serde_json::from_value(params)
        .map_err(|e| format!("conformance 4: {}: {e}", R::INFO.path))?;
    let got = env.runtime.block_on(client.send(request));
    let got = got.and_then(|out| {
        serde_json::to_value(&out).map_err(|e| seamapi_core::Error::Encode(e.to_string()))
    });
    Ok((got, clients.take()))
}

/// For an answer holding an action attempt that the call did not wait for (the attempt is
/// beside the route's own output): what `/action_attempts/get` reports right after, through
/// our client (and that it decodes).
fn follow_attempt(
    clients: &Clients,
    env: &Env,
    body: Option<&Value>,
    report: &mut Report,
) -> Result<Option<String>, String> {
    let Some(id) = body.and_then(|b| b["action_attempt"]["action_attempt_id"].as_str()) else {
        return Ok(None);
    };
    let (got, _) = send_json::<ActionAttemptsGet>(
        clients,
        &clients.api_key,
        env,
        json!({"action_attempt_id": id}),
    )?;
    let status = match &got {
        Ok(a) => a["status"].as_str().unwrap_or("?").to_owned(),
        Err(e) => Outcome::of_error(e).to_string(),
    };
    report.check(got.is_ok(), || {
        format!("action_attempts/get {id}: {status}")
    });
    Ok(Some(format!("`{status}`")))
}

/// `2 answers: `/locks/unlock_door` pending, `/action_attempts/get` error`.
fn answers_text(answers: &[Answer]) -> String {
    let each: Vec<String> = answers
        .iter()
        .map(|a| {
            let status = a
                .body
                .as_ref()
                .and_then(|b| b["action_attempt"]["status"].as_str());
            format!("`{}` {}", a.path, status.unwrap_or("?"))
        })
        .collect();
    format!("{} answer(s): {}", answers.len(), each.join(", "))
}

/// Unlocks whose attempts Seam's fake is told to fail, or to leave pending: the waited call
/// ends with the typed failure, or the typed timeout; `wait_for_action_attempt` then waits for
/// the pending one once the fake's own control settles it.
fn failed_attempt(
    report: &mut Report,
    clients: &Clients,
    env: &Env,
    endpoint: &str,
    plan: &Plan,
) -> Result<(), String> {
    report.table(
        "Action attempts made to fail or to stay pending (`POST /_conformance/next_action_attempt`), waited for",
        &["call", "what happened", "as expected?"],
    );
    let unlock = json!({"device_id": plan.locks});

    let fail = json!({"status": "error", "error": {"type": "lock_jammed", "message": "The lock is jammed"}});
    let accepted = post_control(env, endpoint, "/_conformance/next_action_attempt", &fail)?;
    let (got, answers) =
        send_json::<LocksUnlockDoor>(clients, &clients.api_key, env, unlock.clone())?;
    let good = accepted
        && matches!(&got, Err(seamapi_core::Error::ActionAttemptFailed(e))
            if e.error_type.as_deref() == Some("lock_jammed")
                && e.message.as_deref() == Some("The lock is jammed")
                && e.status == "error"
                && e.attempt["status"] == "error")
        && answers.len() >= 2;
    report.check(good, || format!("unlock made to fail: {got:?}"));
    report.row(vec![
        "`locks/unlock_door`, the attempt made to fail".to_owned(),
        format!("{}; {}", result_text(&got), answers_text(&answers)),
        yes(good),
    ]);

    let pending = json!({"status": "pending"});
    let accepted = post_control(env, endpoint, "/_conformance/next_action_attempt", &pending)?;
    let short = clients
        .api_key
        .with_action_wait(ActionWait::up_to(Duration::from_millis(200)).every(POLL_EVERY));
    let (got, answers) = send_json::<LocksUnlockDoor>(clients, &short, env, unlock)?;
    let id = match &got {
        Err(seamapi_core::Error::ActionAttemptTimedOut(e)) => Some(e.action_attempt_id.clone()),
        _ => None,
    };
    let good = accepted
        && matches!(&got, Err(seamapi_core::Error::ActionAttemptTimedOut(e))
            if e.status == "pending" && e.attempt["status"] == "pending")
        && answers.len() >= 2;
    report.check(good, || format!("unlock left pending: {got:?}"));
    report.row(vec![
        "`locks/unlock_door` waiting up to 200 ms, the attempt left pending".to_owned(),
        format!("{}; {}", result_text(&got), answers_text(&answers)),
        yes(good),
    ]);

    // The fake's own control settles it; waiting for it by id then ends at once.
    let id = id.unwrap_or_default();
    let settle = json!({"action_attempt_id": id, "status": "success", "result": {}});
    let accepted = post_control(env, endpoint, "/_fake/update_action_attempt", &settle)?;
    let got = env
        .runtime
        .block_on(clients.api_key.wait_for_action_attempt(id.as_str()));
    let answers = clients.take();
    let got = got.and_then(|a| {
        serde_json::to_value(&a).map_err(|e| seamapi_core::Error::Encode(e.to_string()))
    });
    let good = accepted && got.as_ref().is_ok_and(|a| a["status"] == "success");
    report.check(good, || format!("wait_for_action_attempt: {got:?}"));
    report.row(vec![
        "`wait_for_action_attempt` after `POST /_fake/update_action_attempt` (success)".to_owned(),
        format!("{}; {}", result_text(&got), answers_text(&answers)),
        yes(good),
    ]);
    Ok(())
}

/// `ok: `action_attempt` "success"`, or the error as our client reports it.
fn result_text(got: &Result<Value, seamapi_core::Error>) -> String {
    match got {
        Ok(a) => format!("ok: `action_attempt` {}", a["status"]),
        Err(e) => format!("{e}"),
    }
}

/// A plain POST with a JSON body to the fake's front server; whether it answered 200.
fn post_control(env: &Env, endpoint: &str, path: &str, body: &Value) -> Result<bool, String> {
    let raw = super::clients::Raw {
        env,
        endpoint: endpoint.to_owned(),
    };
    let (status, _, _) = raw.send(
        http::Method::POST,
        path,
        &[("content-type", "application/json")],
        &body.to_string(),
    )?;
    Ok(status.is_success())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(path: &str) -> &'static RouteInfo {
        seamapi_api::route_by_path(path).expect("a route of the table")
    }

    #[test]
    fn a_dropped_field_is_reported_once_for_every_item_and_a_changed_one_with_both_values() {
        let sent =
            json!({"devices": [{"a": 1, "b": {"c": "x"}}, {"a": 2, "b": {"c": "y"}}], "n": 1});
        let ours = json!({"devices": [{"b": {"c": "x"}}, {"b": {"c": "z"}}], "n": 1.0});
        let mut lost = BTreeSet::new();
        compare(&sent, &ours, "", &mut lost);
        let lost: Vec<_> = lost.into_iter().collect();
        assert_eq!(
            lost,
            [
                ("devices[].a".to_owned(), "dropped".to_owned()),
                (
                    "devices[].b.c".to_owned(),
                    "changed: sent \"y\", ours \"z\"".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn null_and_absent_are_the_same_and_so_are_equal_instants() {
        let mut lost = BTreeSet::new();
        compare(
            &json!({"gone": null, "at": "2026-12-01T19:10:40.750Z", "whole": "2026-12-01T19:10:40.000Z"}),
            &json!({"at": "2026-12-01T19:10:40.75Z", "whole": "2026-12-01T19:10:40Z"}),
            "",
            &mut lost,
        );
        assert!(lost.is_empty(), "{lost:?}");
        assert!(!same_instant(
            "2026-12-01T19:10:40.75Z",
            "2026-12-01T19:10:40.7Z"
        ));
        assert!(!same_instant("40.750", "40.75"));
    }

    #[test]
    fn fields_are_named_by_their_place_in_the_resource() {
        assert_eq!(
            resource_path("devices[].properties.locked"),
            "device.properties.locked"
        );
        assert_eq!(
            resource_path("device.properties.locked"),
            "device.properties.locked"
        );
        assert_eq!(resource_path("locks"), "lock");
        assert_eq!(
            resource_path("access_codes[].errors[].x"),
            "access_code.errors.x"
        );
    }

    #[test]
    fn lost_fields_tells_unexpected_drops_from_deliberate_ones() {
        let info = route("/connected_accounts/get");
        let body = json!({
            "ok": true,
            "connected_account": {"connected_account_id": "a", "provider": "august", "new": 1},
            "extra": {"x": 1},
        });
        let ours = json!({"connected_account_id": "a"});
        let documented = BTreeSet::from(["connected_account".to_owned(), "ok".to_owned()]);
        let (unexpected, deliberate) = lost_fields(info, &body, &ours, &documented);
        assert_eq!(unexpected, ["`connected_account.new` dropped"]);
        assert_eq!(
            deliberate,
            [
                (
                    "`extra`".to_owned(),
                    "not in the API document's answer for this route".to_owned()
                ),
                (
                    "`connected_account.provider`".to_owned(),
                    NOT_DOCUMENTED.to_owned()
                ),
            ]
        );
    }

    #[test]
    fn a_key_with_the_outputs_value_is_an_alias_and_a_documented_one_follows_the_response_key() {
        let info = route("/locks/list");
        let body = json!({"ok": true, "devices": [], "locks": [], "pagination": null});
        let documented = BTreeSet::from(["devices".to_owned(), "locks".to_owned()]);
        let (unexpected, deliberate) = lost_fields(info, &body, &json!([]), &documented);
        assert!(unexpected.is_empty(), "{unexpected:?}");
        assert_eq!(
            deliberate,
            [(
                "`locks`".to_owned(),
                "the same value as `devices`, which is kept".to_owned()
            )]
        );
        let info = route("/access_codes/update");
        let body = json!({"ok": true, "action_attempt": {"status": "pending"}});
        let documented = BTreeSet::from(["action_attempt".to_owned()]);
        let (_, deliberate) = lost_fields(info, &body, &Value::Null, &documented);
        assert_eq!(deliberate.len(), 1);
        assert!(
            deliberate[0].1.contains("`x-response-key` is none"),
            "{deliberate:?}"
        );
    }

    #[test]
    fn an_error_is_typed_as_sent_only_with_the_fakes_type_status_and_message() {
        let body = json!({"ok": false, "error": {"type": "device_not_found", "message": "Device not found"}});
        let mut got = Outcome::new(Kind::Api, "Device not found");
        got.code = Some("device_not_found".to_owned());
        got.status = Some(404);
        assert!(typed_as_sent(&got, Some(404), Some(&body)));
        let mut other = got.clone();
        other.message = "another".to_owned();
        assert!(!typed_as_sent(&other, Some(404), Some(&body)));
        assert!(!typed_as_sent(&got, Some(400), Some(&body)));
        let mut text = Outcome::new(Kind::Http, "Not implemented!");
        text.status = Some(500);
        assert!(typed_as_sent(&text, Some(500), None));
        assert!(!typed_as_sent(&got, Some(500), None));
    }

    #[test]
    fn creates_come_first_and_the_sandbox_reset_last() {
        let order = |path| phase(route(path));
        assert!(order("/access_codes/create") < order("/access_codes/list"));
        assert!(order("/access_codes/list") < order("/access_codes/get"));
        assert!(order("/access_codes/get") < order("/locks/unlock_door"));
        assert!(order("/locks/unlock_door") < order("/action_attempts/get"));
        assert!(order("/acs/users/remove_from_access_group") < order("/acs/users/delete"));
        assert!(order("/acs/users/delete") < order("/connected_accounts/delete"));
        assert!(order("/connected_accounts/delete") < order("/workspaces/reset_sandbox"));
    }
}
