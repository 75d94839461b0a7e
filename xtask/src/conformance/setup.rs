//! What a run needs: the tools found, our binaries built, Seam's packages installed.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::SOURCES;

pub(super) struct Tools {
    pub(super) node: String,
    pub(super) npm: String,
    pub(super) python: String,
}

impl Tools {
    /// The tools, `None` when one is missing outside CI (after a loud note), an error in CI.
    pub(super) fn find() -> Result<Option<Self>, String> {
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
pub(super) struct Binaries {
    pub(super) seam: PathBuf,
    pub(super) seamapi_fake: PathBuf,
    pub(super) target_dir: PathBuf,
}

pub(super) fn build_binaries() -> Result<Binaries, String> {
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
pub(super) fn install(tools: &Tools, dir: &Path) -> Result<(), String> {
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
