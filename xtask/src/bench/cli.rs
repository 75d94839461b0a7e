//! `seamapi-cli`: one `seam` process per call.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::cargo;

use super::sample::{Sample, drive_threads};
use super::{ACS_USER_ID, API_KEY, USER_IDENTITY_ID};

/// Builds `seam` in release and returns its path, or notes why it is skipped.
pub(super) fn seam_cli_binary(root: &Path, notes: &mut Vec<String>) -> Option<PathBuf> {
    if !root.join("crates/seam-cli/Cargo.toml").exists() {
        notes.push("seamapi-cli: skipped, crates/seam-cli does not exist".into());
        return None;
    }
    let built = cargo()
        .args([
            "build",
            "--release",
            "--quiet",
            "--package",
            "seamapi-cli",
            "--bin",
            "seam",
        ])
        .current_dir(root)
        .stdout(Stdio::null())
        .status();
    if !built.is_ok_and(|s| s.success()) {
        notes.push("seamapi-cli: skipped, `cargo build --release -p seamapi-cli` failed".into());
        return None;
    }
    // This binary runs from target/release; `seam` sits beside it.
    let dir = std::env::current_exe().ok()?.parent()?.to_path_buf();
    let seam = dir.join("seam");
    if seam.exists() {
        Some(seam)
    } else {
        notes.push(format!(
            "seamapi-cli: skipped, {} not found",
            seam.display()
        ));
        None
    }
}

/// A clean per-user directory, so that no stored configuration of the machine is read.
pub(super) fn cli_home() -> PathBuf {
    std::env::temp_dir().join(format!("xtask-bench-home-{}", std::process::id()))
}

pub(super) fn cli_command(program: &Path, endpoint: &str) -> Command {
    let mut cmd = crate::isolated_cli(program, &cli_home());
    cmd.args([
        "--endpoint",
        endpoint,
        "--api-key",
        API_KEY,
        "user-identities",
        "add-acs-user",
        "--user_identity_id",
        USER_IDENTITY_ID,
        "--acs_user_id",
        ACS_USER_ID,
    ])
    .stdin(Stdio::null())
    .stdout(Stdio::null())
    .stderr(Stdio::null());
    cmd
}

pub(super) fn seamapi_cli(program: &Path, endpoint: &str, calls: usize) -> Result<Sample, String> {
    std::fs::create_dir_all(cli_home()).map_err(|e| format!("bench: cli home: {e}"))?;
    Ok(drive_threads(1, calls, Duration::from_secs(30), 3, || {
        cli_command(program, endpoint)
            .status()
            .is_ok_and(|s| s.success())
    }))
}

/// The peak resident memory of one `seam` call, in KiB, from GNU time.
pub(super) fn cli_peak_memory_kb(program: &Path, endpoint: &str) -> Option<u64> {
    let out = std::env::temp_dir().join(format!("xtask-bench-time-{}", std::process::id()));
    let inner = cli_command(program, endpoint);
    let mut cmd = Command::new("/usr/bin/time");
    cmd.arg("-o").arg(&out).args(["-f", "%M"]).arg(program);
    cmd.args(inner.get_args());
    for (k, v) in inner.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    let ok = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let text = std::fs::read_to_string(&out).ok();
    let _ = std::fs::remove_file(&out);
    if !ok {
        return None;
    }
    text?.lines().last()?.trim().parse().ok()
}
