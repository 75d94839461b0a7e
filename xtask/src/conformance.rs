//! `cargo xtask conformance [--markdown]`: this project's client and Seam's own code, run
//! against each other (issue 6).
//!
//! 1. **Our client against Seam's fake** ([`seams_fake`]). `@seamapi/fake-seam-connect` (pinned in
//!    `xtask/conformance/package.json`) runs seeded with `seamapi_fake::seed` on 127.0.0.1 behind
//!    a request counter (`xtask/conformance/seam-connect-fake.mjs`). The async client, the
//!    blocking client and the `seam` binary call it, and so do Seam's JavaScript and Python SDKs
//!    for the cases they can send; each answer must map to the `seamapi_core::Error` variant Seam's
//!    SDKs map it to.
//! 2. **Seam's SDKs against our fake** ([`our_fake`]). `seam-fake serve` runs, and `@seamapi/http` and the
//!    Python `seam` (pinned in `xtask/conformance/requirements.txt`) call add_acs_user by id, by
//!    key (new and existing) and with bad input; each must succeed or raise the same kind of
//!    error, with the same type, status and messages, as our client gets for the same call.
//! 3. **Query strings** ([`query`]). `xtask/conformance/query.mjs` runs the cases of
//!    `crates/seam-core/tests/query_cases.json` (which the `query` test of seamapi-core checks
//!    `seamapi_core::codec::query_string` against) through Seam's own
//!    `@seamapi/url-search-params-serializer`; any case whose answer differs fails the task.
//! 4. **Every documented route of Seam's fake**, with Seam's own seed, and the HTTP method of
//!    every route against `@seamapi/http` 2.32.0's: see [`whole_api`].
//! 5. **Webhooks.** Deliveries signed by Python's `svix`, verified by it, by Seam's
//!    `SeamWebhook`, by `seamapi_api::webhook::Webhook` and by `seam webhooks verify`: see
//!    [`webhooks`].
//!
//! Beside the parts: [`setup`] finds the tools, builds our binaries and installs Seam's
//! packages; [`process`] runs servers and scripts; [`sdks`] runs Seam's SDK scripts;
//! [`clients`] is our side (the async and blocking clients, the CLI, raw requests);
//! [`outcome`] puts what any of them ended with in one shape; [`report`] counts the checks
//! and keeps the tables.
//!
//! Node.js, npm and Python 3 are needed. They install the pinned packages into
//! `target/conformance/` (kept while the lock files are unchanged). When one is missing the task
//! fails with `CI=true`, and otherwise skips with a loud note. `--markdown` prints the result
//! tables that `docs/conformance.md` shows.

mod clients;
mod our_fake;
mod outcome;
mod process;
mod query;
mod report;
mod sdks;
mod seams_fake;
mod setup;
mod webhooks;
mod whole_api;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use report::Report;
use setup::{Binaries, Tools, build_binaries, install};

/// Where the pinned package lists and our scripts live.
const SOURCES: &str = "xtask/conformance";
/// A well-formed API key no fake knows.
const BAD_API_KEY: &str = "seam_conformance_bad_key_1";
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
    query::run(&env, &mut report)?;
    seams_fake::run(&env, &mut report)?;
    our_fake::run(&env, &mut report)?;
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

/// What every part runs with: the install folder, our binaries, a runtime for our async calls.
struct Env {
    dir: PathBuf,
    bins: Binaries,
    runtime: tokio::runtime::Runtime,
}
