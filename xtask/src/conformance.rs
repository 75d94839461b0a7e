//! `cargo xtask conformance [--markdown]`: this project's client and Seam's own code, run
//! against each other (issue 6).
//!
//! 1. **Our client against Seam's fake.** `@seamapi/fake-seam-connect` (pinned in
//!    `xtask/conformance/package.json`) runs seeded with `seamapi_fake::seed` on 127.0.0.1 behind
//!    a request counter (`xtask/conformance/seam-connect-fake.mjs`). The async client, the
//!    blocking client and the `seam` binary call it, and so do Seam's JavaScript and Python SDKs
//!    for the cases they can send; each answer must map to the `seamapi_core::Error` variant Seam's
//!    SDKs map it to.
//! 2. **Seam's SDKs against our fake.** `seam-fake serve` runs, and `@seamapi/http` and the
//!    Python `seam` (pinned in `xtask/conformance/requirements.txt`) call add_acs_user by id, by
//!    key (new and existing) and with bad input; each must succeed or raise the same kind of
//!    error, with the same type, status and messages, as our client gets for the same call.
//! 3. **Query strings.** `xtask/conformance/query.mjs` runs the cases of
//!    `crates/seam-core/tests/query_cases.json` (which the `query` test of seamapi-core checks
//!    `seamapi_core::codec::query_string` against) through Seam's own
//!    `@seamapi/url-search-params-serializer`; any case whose answer differs fails the task.
//! 4. **Every documented route of Seam's fake**, with Seam's own seed, and the HTTP method of
//!    every route against `@seamapi/http` 2.32.0's: see [`whole_api`].
//! 5. **Webhooks.** Deliveries signed by Python's `svix`, verified by it, by Seam's
//!    `SeamWebhook`, by `seamapi_api::webhook::Webhook` and by `seam webhooks verify`
//!    (`conformance/webhooks.rs`).
//!
//! Node.js, npm and Python 3 are needed. They install the pinned packages into
//! `target/conformance/` (kept while the lock files are unchanged). When one is missing the task
//! fails with `CI=true`, and otherwise skips with a loud note. `--markdown` prints the result
//! tables that `docs/conformance.md` shows.

mod whole_api;

use std::collections::BTreeMap;
use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use seamapi_api::routes::{
    AddAcsUser, CreateUserIdentity, GetAcsUser, GetUserIdentity, ListAcsUsers, UserIdentityRef,
};
use seamapi_core::{ConfigError, Error, Route};
use seamapi_fake::seed;
use serde_json::{Value, json};

mod webhooks;

/// Where the pinned package lists and our scripts live.
const SOURCES: &str = "xtask/conformance";
/// An ACS user id that no fake knows.
const UNKNOWN_ACS_USER_ID: &str = "5eed0002-0000-4000-8000-000000000999";
/// A user identity id that no fake knows.
const UNKNOWN_USER_IDENTITY_ID: &str = "5eed0003-0000-4000-8000-000000000999";
/// A well-formed API key no fake knows.
const BAD_API_KEY: &str = "seam_conformance_bad_key_1";
/// The query-string cases, relative to the workspace root.
const QUERY_CASES: &str = "crates/seam-core/tests/query_cases.json";
/// How long a script or server may take before the task gives up on it.
const PROCESS_LIMIT: Duration = Duration::from_secs(120);

/// Runs the task; `args` are the words after `conformance`.
pub fn run(args: &[String]) -> Result<(), String> {
    let mut markdown = false;
    for arg in args {
        match arg.as_str() {
            "--markdown" => markdown = true,
            "-h" | "--help" => {
                println!(
                    "usage: cargo xtask conformance [--markdown]\n\n  Runs our client, blocking client and CLI against Seam's fake, and Seam's JS and Python\n  SDKs against `seam-fake serve`, and checks seamapi-core's query-string cases against Seam's\n  serializer. Needs node, npm and python3 (CI=true: fails without them).\n  --markdown  print the result tables of docs/conformance.md on stdout"
                );
                return Ok(());
            }
            other => return Err(format!("conformance: unknown option {other:?}")),
        }
    }
    let started = Instant::now();
    let Some(tools) = Tools::find()? else {
        return Ok(());
    };
    let bins = build_binaries()?;
    let dir = bins.target_dir.join("conformance");
    install(&tools, &dir)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("conformance: runtime: {e}"))?;
    let env = Env { dir, bins, runtime };

    let mut report = Report::default();
    query_cases(&env, &mut report)?;
    against_seams_fake(&env, &mut report)?;
    against_our_fake(&env, &mut report)?;
    let whole = Instant::now();
    whole_api::run(&env, &mut report)?;
    eprintln!(
        "xtask: conformance 4 (every route of Seam's fake) took {:.1} s",
        whole.elapsed().as_secs_f64()
    );
    let hooks = Instant::now();
    webhooks::run(&env, &mut report)?;
    eprintln!(
        "xtask: conformance 5 (webhooks) took {:.1} s",
        hooks.elapsed().as_secs_f64()
    );

    if markdown {
        print!("{}", report.markdown());
    }
    eprintln!(
        "conformance: {} checks, {} failed, in {:.1} s",
        report.checks,
        report.failures.len(),
        started.elapsed().as_secs_f64()
    );
    if report.failures.is_empty() {
        Ok(())
    } else {
        for f in &report.failures {
            eprintln!("conformance: FAILED {f}");
        }
        Err(format!(
            "conformance: {} of {} checks failed",
            report.failures.len(),
            report.checks
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// Tools, builds and installs

struct Tools {
    node: String,
    npm: String,
    python: String,
}

impl Tools {
    /// The tools, `None` when one is missing outside CI (after a loud note), an error in CI.
    fn find() -> Result<Option<Self>, String> {
        let version = |program: &str| {
            Command::new(program)
                .arg("--version")
                .stdin(Stdio::null())
                .output()
                .ok()
                .filter(|o| o.status.success())
                .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        };
        let found: Vec<(&str, Option<String>)> = ["node", "npm", "python3"]
            .into_iter()
            .map(|p| (p, version(p)))
            .collect();
        let missing: Vec<&str> = found
            .iter()
            .filter(|(_, v)| v.is_none())
            .map(|(p, _)| *p)
            .collect();
        if !missing.is_empty() {
            let text = format!(
                "conformance needs {} on PATH (Node.js with npm, and Python 3 with venv)",
                missing.join(", ")
            );
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                return Err(format!("{text}; CI=true, so this is a failure"));
            }
            eprintln!(
                "\n{}\nxtask: conformance SKIPPED: {text}\n{}\n",
                "!".repeat(78),
                "!".repeat(78)
            );
            return Ok(None);
        }
        let mut v = found.into_iter().map(|(_, v)| v.unwrap_or_default());
        let tools = Self {
            node: v.next().unwrap_or_default(),
            npm: v.next().unwrap_or_default(),
            python: v.next().unwrap_or_default(),
        };
        eprintln!(
            "xtask: conformance with node {}, npm {}, {}",
            tools.node, tools.npm, tools.python
        );
        Ok(Some(tools))
    }
}

/// Our binaries, built in xtask's own profile, and the target directory they are in.
struct Binaries {
    seam: PathBuf,
    seamapi_fake: PathBuf,
    target_dir: PathBuf,
}

fn build_binaries() -> Result<Binaries, String> {
    let mut build = crate::cargo();
    build.args([
        "build",
        "--quiet",
        "-p",
        "seamapi-cli",
        "--bin",
        "seam",
        "-p",
        "seamapi-fake",
        "--bin",
        "seam-fake",
    ]);
    if !cfg!(debug_assertions) {
        build.arg("--release");
    }
    crate::run("cargo build -p seamapi-cli -p seamapi-fake", build)?;
    // This binary runs from target/<profile>; the others are beside it.
    let exe = std::env::current_exe().map_err(|e| format!("conformance: {e}"))?;
    let profile_dir = exe
        .parent()
        .ok_or("conformance: xtask has no directory")?
        .to_path_buf();
    let target_dir = profile_dir
        .parent()
        .ok_or("conformance: no target directory")?
        .to_path_buf();
    Ok(Binaries {
        seam: profile_dir.join("seam"),
        seamapi_fake: profile_dir.join("seam-fake"),
        target_dir,
    })
}

/// `npm ci` and a venv with the pinned `seam`, each skipped while its lock file is the one
/// installed last; then our scripts, copied beside `node_modules` so that they resolve it.
fn install(tools: &Tools, dir: &Path) -> Result<(), String> {
    let sources = crate::workspace_root().join(SOURCES);
    let read = |name: &str| {
        std::fs::read(sources.join(name)).map_err(|e| format!("conformance: {SOURCES}/{name}: {e}"))
    };
    let write = |path: &Path, bytes: &[u8]| {
        std::fs::write(path, bytes).map_err(|e| format!("conformance: {}: {e}", path.display()))
    };
    std::fs::create_dir_all(dir).map_err(|e| format!("conformance: {}: {e}", dir.display()))?;

    let package = read("package.json")?;
    let lock = read("package-lock.json")?;
    let node_stamp = dir.join("node_modules/.xtask-installed");
    let node_key = [&package[..], &lock[..], tools.node.as_bytes()].concat();
    if std::fs::read(&node_stamp).ok().as_deref() != Some(&node_key[..]) {
        write(&dir.join("package.json"), &package)?;
        write(&dir.join("package-lock.json"), &lock)?;
        let mut npm = Command::new("npm");
        npm.args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(dir);
        crate::run("npm ci (Seam's fake and JavaScript SDK)", npm)?;
        write(&node_stamp, &node_key)?;
    } else {
        eprintln!("xtask: npm packages already installed in {}", dir.display());
    }

    let requirements = read("requirements.txt")?;
    let venv = dir.join("venv");
    let py_stamp = venv.join(".xtask-installed");
    let py_key = [&requirements[..], tools.python.as_bytes()].concat();
    if std::fs::read(&py_stamp).ok().as_deref() != Some(&py_key[..]) {
        let _ = std::fs::remove_dir_all(&venv);
        let mut make = Command::new("python3");
        make.args(["-m", "venv"]).arg(&venv);
        crate::run("python3 -m venv", make)?;
        let mut pip = Command::new(venv.join("bin/python"));
        pip.args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
        ])
        .arg(sources.join("requirements.txt"));
        crate::run("pip install (Seam's Python SDK)", pip)?;
        write(&py_stamp, &py_key)?;
    } else {
        eprintln!(
            "xtask: Python packages already installed in {}",
            venv.display()
        );
    }

    for script in [
        "seam-connect-fake.mjs",
        "js-sdk-cases.mjs",
        "query.mjs",
        "http-methods.mjs",
    ] {
        write(&dir.join(script), &read(script)?)?;
    }
    Ok(())
}

struct Env {
    dir: PathBuf,
    bins: Binaries,
    runtime: tokio::runtime::Runtime,
}

// ---------------------------------------------------------------------------------------------
// Processes

/// A server process that printed one JSON line on stdout; killed when dropped. It also stops by
/// itself when its stdin closes, so it never outlives this task.
struct ServerProcess {
    child: Child,
    info: Value,
}

impl ServerProcess {
    fn start(what: &str, mut cmd: Command) -> Result<Self, String> {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("{what}: could not start: {e}"))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let mut reader = BufReader::new(stdout);
            let _ = tx.send(reader.read_line(&mut line).map(|_| line));
            // Keep reading so the server never blocks on a full pipe.
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
        });
        let mut server = Self {
            child,
            info: Value::Null,
        };
        let line = match rx.recv_timeout(PROCESS_LIMIT) {
            Ok(Ok(line)) if !line.trim().is_empty() => line,
            Ok(Ok(_)) => return Err(format!("{what}: exited before printing its endpoint")),
            Ok(Err(e)) => return Err(format!("{what}: {e}")),
            Err(_) => return Err(format!("{what}: printed no endpoint in {PROCESS_LIMIT:?}")),
        };
        server.info = serde_json::from_str(&line)
            .map_err(|e| format!("{what}: bad startup line {line:?}: {e}"))?;
        Ok(server)
    }

    fn endpoint(&self) -> String {
        self.info["endpoint"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `cmd` to the end (at most [`PROCESS_LIMIT`]): exit code, stdout, stderr.
fn output(what: &str, cmd: Command) -> Result<(Option<i32>, String, String), String> {
    output_with_input(what, cmd, None)
}

/// [`output`], with `input` written to the process's stdin (none: stdin is empty).
fn output_with_input(
    what: &str,
    mut cmd: Command,
    input: Option<Vec<u8>>,
) -> Result<(Option<i32>, String, String), String> {
    let stdin = if input.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    };
    let mut child = cmd
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{what}: could not start: {e}"))?;
    if let (Some(mut pipe), Some(input)) = (child.stdin.take(), input) {
        // From a thread, so a child that does not read cannot block this one.
        std::thread::spawn(move || {
            let _ = std::io::Write::write_all(&mut pipe, &input);
        });
    }
    let reader = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_string(&mut text);
            }
            text
        })
    };
    let out = reader(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = reader(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let deadline = Instant::now() + PROCESS_LIMIT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("{what}: still running after {PROCESS_LIMIT:?}"));
            }
            Err(e) => return Err(format!("{what}: {e}")),
        }
    };
    let out = out.join().unwrap_or_default();
    let err = err.join().unwrap_or_default();
    Ok((status.code(), out, err))
}

// ---------------------------------------------------------------------------------------------
// Outcomes: what one call ended with, from any client, in one shape

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Success.
    Ok,
    /// `Error::InvalidInput` / `SeamHttpInvalidInputError`.
    InvalidInput,
    /// `Error::Unauthorized` / `SeamHttpUnauthorizedError`.
    Unauthorized,
    /// `Error::Api` / `SeamHttpApiError`.
    Api,
    /// An error status without a Seam error body: `Error::UnexpectedResponse`, or the HTTP
    /// library's own error in the SDKs.
    Http,
    /// Refused by the client before sending (`Error::Config`, an SDK's options error).
    Refused,
    /// Anything else.
    Other,
}

#[derive(Debug, Clone)]
struct Outcome {
    kind: Kind,
    code: Option<String>,
    status: Option<u16>,
    message: String,
    validation: BTreeMap<String, Vec<String>>,
    request_id: Option<String>,
    /// Invalid input found by the client itself, before sending.
    local: bool,
}

impl Outcome {
    fn ok() -> Self {
        Self::new(Kind::Ok, "")
    }

    fn new(kind: Kind, message: impl Into<String>) -> Self {
        Self {
            kind,
            code: None,
            status: None,
            message: message.into(),
            validation: BTreeMap::new(),
            request_id: None,
            local: false,
        }
    }

    fn of<T>(result: &Result<T, Error>) -> Self {
        match result {
            Ok(_) => Self::ok(),
            Err(e) => Self::of_error(e),
        }
    }

    fn of_error(e: &Error) -> Self {
        let (kind, message) = match e {
            Error::InvalidInput(i) => (Kind::InvalidInput, i.message.clone()),
            Error::Unauthorized(a) => (Kind::Unauthorized, a.message.clone()),
            Error::Api(a) => (Kind::Api, a.message.clone()),
            Error::UnexpectedResponse(u) => (Kind::Http, u.body_excerpt.clone()),
            Error::Config(c) => (Kind::Refused, c.to_string()),
            other => (Kind::Other, other.to_string()),
        };
        let mut o = Self::new(kind, message);
        o.code = match e {
            Error::InvalidInput(_) | Error::Unauthorized(_) | Error::Api(_) => {
                e.error_type().map(str::to_owned)
            }
            _ => None,
        };
        o.status = e.status().map(|s| s.as_u16());
        o.request_id = e.request_id().map(str::to_owned);
        if let Some(i) = e.invalid_input() {
            o.local = i.is_local();
            o.validation = i
                .validation_errors
                .fields
                .iter()
                .filter(|(_, f)| !f.errors.is_empty())
                .map(|(k, f)| (k.clone(), f.errors.clone()))
                .collect();
        }
        o
    }

    /// One result line of an SDK script.
    fn of_sdk(result: &Value) -> Self {
        if result["ok"] == Value::Bool(true) {
            return Self::ok();
        }
        let e = &result["error"];
        let class = e["class"].as_str().unwrap_or_default();
        let kind = match class {
            "SeamHttpInvalidInputError" => Kind::InvalidInput,
            "SeamHttpUnauthorizedError" => Kind::Unauthorized,
            "SeamHttpApiError" => Kind::Api,
            // Python's TypeError: a required keyword argument missing, refused before sending.
            "SeamHttpInvalidOptionsError" | "SeamInvalidOptionsError" | "TypeError" => {
                Kind::Refused
            }
            _ if e["status"].is_u64() => Kind::Http,
            _ => Kind::Other,
        };
        let mut o = Self::new(kind, e["message"].as_str().unwrap_or_default());
        o.code = e["code"].as_str().map(str::to_owned);
        o.status = e["status"].as_u64().and_then(|s| u16::try_from(s).ok());
        o.request_id = e["request_id"]
            .as_str()
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        if let Some(v) = e["validation"].as_object() {
            o.validation = v
                .iter()
                .map(|(k, m)| {
                    let messages = m.as_array().into_iter().flatten();
                    (
                        k.clone(),
                        messages
                            .filter_map(|s| s.as_str().map(str::to_owned))
                            .collect(),
                    )
                })
                .collect();
        }
        if matches!(kind, Kind::Http | Kind::Other | Kind::Refused) {
            o.message = format!("{class}: {}", o.message);
        }
        o
    }

    /// What `seam --json` printed: `{}`-ish JSON on stdout, or `{"error": …}` on stderr.
    fn of_cli(code: Option<i32>, stderr: &str) -> Self {
        if code == Some(0) {
            return Self::ok();
        }
        let Some(v) = stderr
            .lines()
            .find_map(|l| serde_json::from_str::<Value>(l).ok())
        else {
            return Self::new(Kind::Other, format!("exit {code:?}: {}", stderr.trim()));
        };
        let e = &v["error"];
        let error_type = e["type"].as_str().unwrap_or_default();
        let kind = match (code, error_type) {
            (_, "invalid_input") => Kind::InvalidInput,
            (Some(3), "configuration") => Kind::Refused,
            (Some(3), _) => Kind::Unauthorized,
            (_, "unexpected_response") => Kind::Http,
            _ if e["status"].is_u64() => Kind::Api,
            _ => Kind::Other,
        };
        let mut o = Self::new(kind, e["message"].as_str().unwrap_or_default());
        if matches!(kind, Kind::InvalidInput | Kind::Unauthorized | Kind::Api) {
            o.code = Some(error_type.to_owned());
        }
        o.status = e["status"].as_u64().and_then(|s| u16::try_from(s).ok());
        o.request_id = e["request_id"].as_str().map(str::to_owned);
        o.local = e["local"] == Value::Bool(true);
        if let Ok(ve) =
            serde_json::from_value::<seamapi_core::ValidationErrors>(e["validation_errors"].clone())
        {
            o.validation = ve
                .fields
                .into_iter()
                .filter(|(_, f)| !f.errors.is_empty())
                .map(|(k, f)| (k, f.errors))
                .collect();
        }
        if kind == Kind::Http {
            // `<reason>; body "<excerpt>"`: keep the excerpt, as the library's error does.
            if let Some(body) = o.message.split("; body ").nth(1) {
                o.message = serde_json::from_str::<String>(body).unwrap_or_else(|_| body.into());
            }
        }
        o
    }

    /// The same kind, type, status (unless one side refused before sending) and per-parameter
    /// messages; the same message too, except where the SDKs replace the server's (401) or
    /// raise their HTTP library's own error.
    fn same_as(&self, other: &Outcome) -> bool {
        let status = self.local || other.local || self.status == other.status;
        let message = matches!(self.kind, Kind::Unauthorized | Kind::Http | Kind::Refused)
            || self.message == other.message;
        let code = self.kind == Kind::Unauthorized || self.code == other.code;
        self.kind == other.kind && status && message && code && self.validation == other.validation
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = match (self.local, self.status) {
            (true, _) => " (refused before sending)".to_owned(),
            (false, Some(s)) => format!(" ({s})"),
            (false, None) => String::new(),
        };
        let code = self
            .code
            .as_deref()
            .map(|c| format!(" `{c}`"))
            .unwrap_or_default();
        match self.kind {
            Kind::Ok => f.write_str("ok")?,
            Kind::InvalidInput => write!(f, "invalid input{status}: {:?}", self.message)?,
            Kind::Unauthorized => write!(f, "unauthorized{status}{code}: {:?}", self.message)?,
            Kind::Api => write!(f, "API error{status}{code}: {:?}", self.message)?,
            Kind::Http => write!(f, "HTTP error{status}: {:?}", self.message)?,
            Kind::Refused => write!(f, "refused before sending: {}", self.message)?,
            Kind::Other => write!(f, "other{status}: {}", self.message)?,
        }
        for (param, messages) in &self.validation {
            write!(f, " [{param}: {}]", messages.join(", "))?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// The report

#[derive(Default)]
struct Report {
    checks: usize,
    failures: Vec<String>,
    /// `(table, columns, rows)`.
    tables: Vec<(String, Vec<String>, Vec<Vec<String>>)>,
}

impl Report {
    fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        self.checks += 1;
        if !ok {
            self.failures.push(what());
        }
    }

    fn table(&mut self, title: &str, columns: &[&str]) {
        self.tables.push((
            title.to_owned(),
            columns.iter().map(|c| (*c).to_owned()).collect(),
            Vec::new(),
        ));
    }

    fn row(&mut self, cells: Vec<String>) {
        eprintln!("conformance: {}", cells.join(" | "));
        if let Some((_, _, rows)) = self.tables.last_mut() {
            rows.push(cells);
        }
    }

    fn markdown(&self) -> String {
        let mut s = String::new();
        for (title, columns, rows) in &self.tables {
            s.push_str(&format!("### {title}\n\n| {} |\n", columns.join(" | ")));
            s.push_str(&format!("|{}\n", " --- |".repeat(columns.len())));
            for row in rows {
                let cells: Vec<String> = row.iter().map(|c| c.replace('|', "\\|")).collect();
                s.push_str(&format!("| {} |\n", cells.join(" | ")));
            }
            s.push('\n');
        }
        s
    }
}

// ---------------------------------------------------------------------------------------------
// Our side: the async client, the blocking client, the CLI, and raw requests

enum Facade<'a> {
    Async(seamapi::Seam, &'a tokio::runtime::Runtime),
    Blocking(seamapi_blocking::Seam),
}

impl Facade<'_> {
    fn name(&self) -> &'static str {
        match self {
            Self::Async(..) => "async",
            Self::Blocking(_) => "blocking",
        }
    }

    fn send<R: Route>(&self, route: R) -> Result<R::Output, Error> {
        match self {
            Self::Async(client, runtime) => runtime.block_on(client.send(route)),
            Self::Blocking(client) => client.send(route),
        }
    }
}

fn facades<'a>(env: &'a Env, endpoint: &str, api_key: &str) -> Result<Vec<Facade<'a>>, String> {
    let build = |what: &str| format!("conformance: building the {what} client failed");
    Ok(vec![
        Facade::Async(
            seamapi::Seam::builder()
                .api_key(api_key)
                .endpoint(endpoint)
                .build()
                .map_err(|e| format!("{}: {e}", build("async")))?,
            &env.runtime,
        ),
        Facade::Blocking(
            seamapi_blocking::Seam::builder()
                .api_key(api_key)
                .endpoint(endpoint)
                .build()
                .map_err(|e| format!("{}: {e}", build("blocking")))?,
        ),
    ])
}

/// `seam --json --endpoint E --api-key K <words…>` with a clean home.
fn cli(env: &Env, endpoint: &str, api_key: &str, words: &[&str]) -> Result<Outcome, String> {
    let mut cmd = crate::isolated_cli(&env.bins.seam, &env.dir.join("cli-home"));
    cmd.args([
        "--json",
        "--non-interactive",
        "--endpoint",
        endpoint,
        "--api-key",
        api_key,
    ])
    .args(words);
    let (code, _, stderr) = output("seam", cmd)?;
    Ok(Outcome::of_cli(code, &stderr))
}

/// One request as given (any method, headers and body), on a plain hyper client; the answer
/// and the error core decodes it to.
struct Raw<'a> {
    env: &'a Env,
    endpoint: String,
}

impl Raw<'_> {
    fn send(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Result<(StatusCode, HeaderMap, Bytes), String> {
        let mut request = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.endpoint));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request
            .body(Full::new(Bytes::from(body.to_owned())))
            .map_err(|e| format!("raw request: {e}"))?;
        self.env.runtime.block_on(async {
            let client: Client<HttpConnector, Full<Bytes>> =
                Client::builder(TokioExecutor::new()).build_http();
            let response = tokio::time::timeout(PROCESS_LIMIT, client.request(request))
                .await
                .map_err(|_| format!("raw request to {path}: no answer"))?
                .map_err(|e| format!("raw request to {path}: {e}"))?;
            let (parts, body) = response.into_parts();
            let body = body
                .collect()
                .await
                .map_err(|e| format!("raw request to {path}: {e}"))?
                .to_bytes();
            Ok((parts.status, parts.headers, body))
        })
    }

    /// The error core makes of the answer to a request our facades would not send.
    fn error(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Result<Outcome, String> {
        let (status, headers, body) = self.send(method, path, headers, body)?;
        if status.is_success() {
            return Ok(Outcome::ok());
        }
        Ok(Outcome::of_error(&seamapi_core::decode_error(
            status, &headers, &body,
        )))
    }

    /// How many requests the counter in front of Seam's fake saw for `path`.
    fn count(&self, path: &str) -> Result<u64, String> {
        let (_, _, body) = self.send(Method::GET, "/_conformance/requests", &[], "")?;
        let counts: Value = serde_json::from_slice(&body)
            .map_err(|e| format!("request counter answered {body:?}: {e}"))?;
        Ok(counts[path].as_u64().unwrap_or(0))
    }
}

// ---------------------------------------------------------------------------------------------
// Seam's SDKs

struct Case {
    name: &'static str,
    api_key: &'static str,
    params: Value,
}

/// Runs the cases through one SDK; the outcome of each, by name.
fn sdk(
    env: &Env,
    which: Sdk,
    endpoint: &str,
    cases: &[Case],
) -> Result<(String, BTreeMap<String, Outcome>), String> {
    let spec = json!({
        "endpoint": endpoint,
        "cases": cases.iter().map(|c| json!({"name": c.name, "api_key": c.api_key, "params": c.params})).collect::<Vec<_>>(),
    });
    let mut cmd = match which {
        Sdk::Js => {
            let mut c = Command::new("node");
            c.arg("js-sdk-cases.mjs");
            c
        }
        Sdk::Python => {
            let mut c = Command::new(env.dir.join("venv/bin/python"));
            c.arg(
                crate::workspace_root()
                    .join(SOURCES)
                    .join("py_sdk_cases.py"),
            );
            c
        }
    };
    cmd.current_dir(&env.dir)
        .env("SEAM_CONFORMANCE_CASES", spec.to_string())
        .env_remove("SEAM_API_KEY")
        .env_remove("SEAM_ENDPOINT");
    let v = json_line(which.name(), cmd)?;
    let results = v["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| Some((r["name"].as_str()?.to_owned(), Outcome::of_sdk(r))))
        .collect();
    Ok((
        v["sdk"].as_str().unwrap_or(which.name()).to_owned(),
        results,
    ))
}

#[derive(Clone, Copy)]
enum Sdk {
    Js,
    Python,
}

impl Sdk {
    fn name(self) -> &'static str {
        match self {
            Sdk::Js => "seam-js",
            Sdk::Python => "seam-python",
        }
    }
}

/// Runs a script to the end: the last line of its stdout that is a JSON object.
fn json_line(what: &str, cmd: Command) -> Result<Value, String> {
    let (code, stdout, stderr) = output(what, cmd)?;
    let line = stdout
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .ok_or_else(|| {
            format!(
                "{what}: exit {code:?}, no JSON line; stderr: {}",
                stderr.trim()
            )
        })?;
    serde_json::from_str(line).map_err(|e| format!("{what}: {e}"))
}

/// Our typed call for `params` when our API can express it (exactly one of id and key).
fn typed_add(params: &Value) -> Option<AddAcsUser> {
    let obj = params.as_object()?;
    let acs_user_id = obj.get("acs_user_id")?.as_str()?;
    let identity = match (obj.get("user_identity_id"), obj.get("user_identity_key")) {
        (Some(Value::String(id)), None) => UserIdentityRef::id(id.as_str()),
        (None, Some(Value::String(key))) => UserIdentityRef::key(key.as_str()),
        _ => return None,
    };
    (obj.len() == 2).then(|| AddAcsUser::new(acs_user_id, identity))
}

// ---------------------------------------------------------------------------------------------
// 1. Our client against Seam's fake

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

/// The answers in the query-string cases must be the ones Seam's serializer gives: `query.mjs`
/// (copied beside `node_modules`) compares them and exits non-zero listing each difference.
fn query_cases(env: &Env, report: &mut Report) -> Result<(), String> {
    let mut cmd = Command::new("node");
    cmd.arg("query.mjs")
        .arg("--cases")
        .arg(crate::workspace_root().join(QUERY_CASES))
        .current_dir(&env.dir);
    let (code, _, stderr) = output("query.mjs", cmd)?;
    for line in stderr.lines() {
        eprintln!("conformance: {line}");
    }
    report.check(code == Some(0), || {
        format!(
            "{QUERY_CASES} is not what @seamapi/url-search-params-serializer writes (query.mjs exit {code:?}): {}",
            stderr.trim()
        )
    });
    Ok(())
}

fn against_seams_fake(env: &Env, report: &mut Report) -> Result<(), String> {
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

fn yes(ok: bool) -> String {
    if ok { "yes" } else { "**no**" }.to_owned()
}

// ---------------------------------------------------------------------------------------------
// 2. Seam's SDKs against our fake

fn against_our_fake(env: &Env, report: &mut Report) -> Result<(), String> {
    let mut cmd = Command::new(&env.bins.seamapi_fake);
    cmd.args(["serve", "--listen", "127.0.0.1:0"]);
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

/// "1 attempt", "3 attempts".
fn attempts_text(n: u64) -> String {
    if n == 1 {
        "1 attempt".to_owned()
    } else {
        format!("{n} attempts")
    }
}
