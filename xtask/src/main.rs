//! The project's tasks, run as `cargo xtask <task>`.
//!
//! - `ci`: the generated code is what the snapshot generates, formatting, clippy (warnings
//!   denied), docs (warnings denied), the layering check and every test. This is the README's
//!   test command and what `.ci/run` runs.
//! - `codegen`: writes the generated code from `spec/` (`--check`: fails when the checked-in
//!   code differs); see `codegen/`. When the generated crates do not build, run the generator
//!   alone with `cargo run -p seamapi-codegen`.
//! - `spec-update VERSION`: installs `@seamapi/types@VERSION` from npm (needs Node and npm),
//!   rewrites `spec/seam-connect.openapi.json` and `spec/SOURCE`, and regenerates.
//! - `demo`: the README's main job, adding an ACS user to a user identity in the sandbox.
//! - `layering`: checks that `seamapi-core` and `seamapi-api` pull in no tokio, hyper or rustls.
//! - `bench`: the end-to-end benchmark (`--quick`, `--json`); see `bench.rs`.
//! - `conformance`: our client, blocking client and CLI against Seam's own fake, and Seam's
//!   JavaScript and Python SDKs against our fake (needs Node.js and Python); see
//!   `conformance.rs`. `ci` runs it after the tests.
//! - `fuzz`: runs each libFuzzer target of `fuzz/` for `--seconds N` (needs cargo-fuzz); see
//!   `fuzz.rs`.
//! - `soak`: the fake under load with a model check (`--requests`, `--connections`); see
//!   `soak.rs`, and `soak_driver.rs` for the load and the model.

mod bench;
mod conformance;
mod doc_links;
mod fuzz;
mod soak;
mod soak_driver;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("codegen") => codegen(&args[1..]),
        Some("spec-update") => spec_update(&args[1..]),
        Some("layering") => layering(),
        Some("doc-links") => doc_links(),
        Some("demo") => demo(),
        Some("bench") => bench::run(&args[1..]),
        Some("conformance") => conformance::run(&args[1..]),
        Some("fuzz") => fuzz::run(&args[1..]),
        Some("soak") => soak::run(&args[1..]),
        Some("-h" | "--help" | "help") | None => {
            println!(
                "usage: cargo xtask <ci|codegen|spec-update|demo|layering|doc-links|bench|conformance|fuzz|soak>\n\n  ci           codegen --check, fmt, clippy, docs, layering, all tests and conformance (the README's test command)\n  codegen      write the generated code from spec/ (--check: fail if the checked-in code differs)\n  spec-update  VERSION: take @seamapi/types@VERSION's OpenAPI document from npm and regenerate\n  demo         add an ACS user to a user identity in the embedded sandbox\n  layering     check that seamapi-core and seamapi-api depend on no tokio, hyper or rustls\n  doc-links    check the rendered docs (after cargo doc) for unresolved or dead links\n  bench        end-to-end benchmark on loopback (--quick, --json); the full run writes docs/performance.*\n  conformance  our client against Seam's fake, Seam's JS and Python SDKs against ours (--markdown)\n  fuzz         run each fuzz target for --seconds N (default 60; --target T, --merge); needs cargo-fuzz\n  soak         the fake under load (--requests N, --connections C): counts and a model check"
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
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    // CI builds once from a clean clone: incremental state would only cost time and several
    // GB of disk (it once filled this machine's).
    if std::env::var("CI").is_ok_and(|v| v == "true")
        && std::env::var_os("CARGO_INCREMENTAL").is_none()
    {
        cmd.env("CARGO_INCREMENTAL", "0");
    }
    cmd
}

/// `program` (the `seam` binary) with `home` as its per-user folders and no `SEAM_*`
/// credentials or endpoint from the environment, so no stored configuration of the machine is
/// read.
fn isolated_cli(program: &Path, home: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env_remove("SEAM_API_KEY")
        .env_remove("SEAM_ENDPOINT")
        .env_remove("SEAM_PERSONAL_ACCESS_TOKEN")
        .env_remove("SEAM_WORKSPACE_ID");
    cmd
}

/// The workspace's root folder.
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

fn codegen(args: &[String]) -> Result<(), String> {
    let check = args.iter().any(|a| a == "--check");
    if let Some(other) = args.iter().find(|a| *a != "--check") {
        return Err(format!(
            "codegen: unknown argument {other:?} (only --check)"
        ));
    }
    seamapi_codegen::run(&workspace_root(), check)?;
    if check {
        eprintln!("xtask: codegen --check ok: the checked-in code is what spec/ generates");
    }
    Ok(())
}

/// Takes the OpenAPI document of `@seamapi/types@VERSION` from npm into `spec/`, records its
/// package, version and sha256 in `spec/SOURCE`, and regenerates.
fn spec_update(args: &[String]) -> Result<(), String> {
    let [version] = args else {
        return Err("usage: cargo xtask spec-update VERSION (e.g. 1.977.0)".into());
    };
    let root = workspace_root();
    let dir = root.join("target/spec-update");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    std::fs::write(
        dir.join("package.json"),
        "{\"private\": true, \"type\": \"module\"}\n",
    )
    .map_err(|e| format!("package.json: {e}"))?;
    let mut npm = Command::new("npm");
    npm.args(["install", "--ignore-scripts", "--no-audit", "--no-fund"])
        .arg(format!("@seamapi/types@{version}"))
        .current_dir(&dir);
    run(&format!("npm install @seamapi/types@{version}"), npm)?;
    std::fs::copy(root.join("xtask/spec/export.mjs"), dir.join("export.mjs"))
        .map_err(|e| format!("export.mjs: {e}"))?;
    let spec = root.join("spec/seam-connect.openapi.json");
    let mut node = Command::new("node");
    node.arg("export.mjs").arg(&spec).current_dir(&dir);
    run("node export.mjs (the openapi export)", node)?;
    let bytes = std::fs::read(&spec).map_err(|e| format!("{}: {e}", spec.display()))?;
    let source = format!(
        "package = \"@seamapi/types\"\nversion = \"{version}\"\nexport = \"openapi from @seamapi/types/connect, JSON.stringify(openapi, null, 2)\"\nfile = \"seam-connect.openapi.json\"\nsha256 = \"{}\"\n",
        seamapi_codegen::sha256_hex(&bytes)
    );
    std::fs::write(root.join("spec/SOURCE"), source).map_err(|e| format!("spec/SOURCE: {e}"))?;
    seamapi_codegen::run(&root, false)?;
    eprintln!(
        "xtask: spec/ now holds @seamapi/types {version}; review the generated diff, build and test"
    );
    Ok(())
}

fn ci() -> Result<(), String> {
    codegen(&["--check".to_owned()])?;

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
    doc_links()?;

    layering()?;

    let mut test = cargo();
    test.args(["test", "--workspace", "--all-targets"]);
    run("cargo test (unit, integration, examples)", test)?;

    let mut doctest = cargo();
    doctest.args(["test", "--workspace", "--doc"]);
    run("cargo test --doc", doctest)?;

    conformance::run(&[])
}

/// The rendered docs of every library of the workspace have no broken link.
fn doc_links() -> Result<(), String> {
    let root = workspace_root();
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let crates: Vec<String> = std::fs::read_dir(root.join("crates"))
        .map_err(|e| format!("crates/: {e}"))?
        .flatten()
        .filter(|e| e.path().join("src/lib.rs").exists())
        .map(|e| e.file_name().to_string_lossy().replace('-', "_"))
        .collect();
    doc_links::check(&target.join("doc"), &crates)
}

/// `seamapi-core` must stay sans-IO: a crate that depends only on it gets no runtime and no HTTP
/// client.
fn layering() -> Result<(), String> {
    // seamapi-core is sans-IO; seamapi-api (routes, resources, the webhook verifier) needs no HTTP
    // stack either, so a webhook receiver built on any framework pulls in none of ours.
    for krate in ["seamapi-core", "seamapi-api"] {
        let out = cargo()
            .args([
                "tree", "-p", krate, "-e", "normal", "--prefix", "none", "--format", "{p}",
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
        if !banned.is_empty() {
            return Err(format!(
                "{krate} must stay free of I/O but depends on: {}",
                banned.join(", ")
            ));
        }
    }
    eprintln!(
        "xtask: layering ok: seamapi-core and seamapi-api depend on no tokio, hyper or rustls"
    );
    Ok(())
}

/// The seeded ACS user the demo links (see docs/sandbox.md).
const DEMO_ACS_USER_ID: &str = "5eed0002-0000-4000-8000-000000000001";

fn demo() -> Result<(), String> {
    let mut cmd = cargo();
    cmd.args([
        "run",
        "-q",
        "-p",
        "seamapi-cli",
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
