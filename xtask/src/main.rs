//! The project's tasks, run as `cargo xtask <task>`.
//!
//! - `ci`: formatting, clippy (warnings denied), docs (warnings denied), the layering check and
//!   every test. This is the README's test command and what `.ci/run` runs.
//! - `demo`: the README's main job, adding an ACS user to a user identity in the sandbox.
//! - `layering`: checks that `seam-core` pulls in no tokio and no hyper.
//! - `bench`: the end-to-end benchmark (`--quick`, `--json`); see `bench.rs`.
//! - `soak`: the fake under load with a model check (`--requests`, `--connections`); see
//!   `soak.rs`.

mod bench;
mod soak;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("layering") => layering(),
        Some("demo") => demo(),
        Some("bench") => bench::run(&args[1..]),
        Some("soak") => soak::run(&args[1..]),
        Some("-h" | "--help" | "help") | None => {
            println!(
                "usage: cargo xtask <ci|demo|layering|bench|soak>\n\n  ci        fmt, clippy, docs, layering and all tests (the README's test command)\n  demo      add an ACS user to a user identity in the embedded sandbox\n  layering  check that seam-core depends on no tokio and no hyper\n  bench     end-to-end benchmark on loopback (--quick, --json); the full run writes docs/performance.*\n  soak      the fake under load (default 100,000 calls, 256 connections), checked against a model"
            );
            Ok(())
        }
        Some(other) => Err(format!("unknown task {other:?}; run `cargo xtask help`")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

fn workspace_root() -> PathBuf {
    let xtask = Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask.parent().unwrap_or(xtask).to_path_buf()
}

/// Runs `cargo xtask <task> <args>` again from a release build of xtask: for the tasks that
/// measure, when this one is a debug build.
fn rerun_in_release(task: &str, args: &[String]) -> Result<(), String> {
    let status = cargo()
        .args([
            "run",
            "--release",
            "--quiet",
            "--package",
            "xtask",
            "--",
            task,
        ])
        .args(args)
        .current_dir(workspace_root())
        .status()
        .map_err(|e| format!("{task}: could not start cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{task} (release build) failed ({status})"))
    }
}

fn run(what: &str, mut cmd: Command) -> Result<(), String> {
    eprintln!("xtask: {what}");
    let status = cmd
        .status()
        .map_err(|e| format!("{what}: could not start: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({status})"))
    }
}

fn ci() -> Result<(), String> {
    let mut fmt = cargo();
    fmt.args(["fmt", "--all", "--", "--check"]);
    run("cargo fmt --check", fmt)?;

    let mut clippy = cargo();
    clippy.args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]);
    run("cargo clippy --all-targets -D warnings", clippy)?;

    let mut doc = cargo();
    doc.args(["doc", "--workspace", "--no-deps"])
        .env("RUSTDOCFLAGS", "-D warnings");
    run("cargo doc (warnings denied)", doc)?;

    layering()?;

    let mut test = cargo();
    test.args(["test", "--workspace", "--all-targets"]);
    run("cargo test (unit, integration, examples)", test)?;

    let mut doctest = cargo();
    doctest.args(["test", "--workspace", "--doc"]);
    run("cargo test --doc", doctest)
}

/// `seam-core` must stay sans-IO: a crate that depends only on it gets no runtime and no HTTP
/// client.
fn layering() -> Result<(), String> {
    let out = cargo()
        .args([
            "tree",
            "-p",
            "seam-core",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--format",
            "{p}",
        ])
        .output()
        .map_err(|e| format!("cargo tree: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo tree failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let tree = String::from_utf8_lossy(&out.stdout);
    let banned: Vec<&str> = tree
        .lines()
        .filter(|l| {
            let name = l.split_whitespace().next().unwrap_or("");
            [
                "tokio",
                "hyper",
                "hyper-util",
                "hyper-rustls",
                "rustls",
                "mio",
            ]
            .contains(&name)
        })
        .collect();
    if banned.is_empty() {
        eprintln!("xtask: layering ok: seam-core depends on no tokio, hyper or rustls");
        Ok(())
    } else {
        Err(format!(
            "seam-core must stay sans-IO but depends on: {}",
            banned.join(", ")
        ))
    }
}

/// The seeded ACS user the demo links (see docs/sandbox.md).
const DEMO_ACS_USER_ID: &str = "5eed0002-0000-4000-8000-000000000001";

fn demo() -> Result<(), String> {
    let mut cmd = cargo();
    cmd.args([
        "run",
        "-q",
        "-p",
        "seam-cli",
        "--",
        "--sandbox",
        "user-identities",
        "add-acs-user",
        "--user_identity_key",
        "jane",
        "--acs_user_id",
        DEMO_ACS_USER_ID,
    ]);
    run("seam --sandbox user-identities add-acs-user", cmd)
}
