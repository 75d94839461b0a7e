//! `cargo xtask soak [--requests N] [--connections C] [--max-seconds S]`: the fake under load
//! (issue 8).
//!
//! Starts a release build of `seam-fake serve --extra-acs-users …` as a process of its own,
//! runs [`crate::soak_driver`] against it from `C` concurrent workers (default 256, so 256
//! connections) for `N` calls (default 100,000), then prints the counts (calls by route,
//! errors received and predicted by type, requests/s, connections open, the server's peak
//! resident memory) and fails on any violation of the model, on fewer connections than
//! workers, when the load takes longer than `S` seconds (default 600) or when the server's
//! peak memory passes [`MAX_SERVER_PEAK_KIB`].
//!
//! Like `bench`, it reruns itself from a release build when xtask is a debug build.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::soak_driver::{self as soak, Config};

use crate::{cargo, workspace_root};

/// The most resident memory the server may reach: far above what the state needs (a few
/// MiB), so passing it means memory grows with the load, not with the state.
const MAX_SERVER_PEAK_KIB: u64 = 256 * 1024;

const USAGE: &str = "usage: cargo xtask soak [--requests N] [--connections C] [--max-seconds S]

  --requests     calls in the load phase (default 100000)
  --connections  concurrent workers, one connection each (default 256)
  --max-seconds  fail when the load phase takes longer (default 600)";

/// Runs the task; `args` are the words after `soak`.
pub fn run(args: &[String]) -> Result<(), String> {
    let mut config = Config::new(100_000, 256);
    let mut words = args.iter();
    while let Some(arg) = words.next() {
        let mut value = |name: &str| -> Result<u64, String> {
            words
                .next()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("soak: {name} needs a number\n{USAGE}"))
        };
        match arg.as_str() {
            "--requests" => config.requests = value("--requests")?,
            "--connections" => {
                config.connections = usize::try_from(value("--connections")?)
                    .map_err(|e| e.to_string())?
                    .max(1)
            }
            "--max-seconds" => config.max_time = Duration::from_secs(value("--max-seconds")?),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("soak: unknown option {other:?}\n{USAGE}")),
        }
    }
    if cfg!(debug_assertions) && std::env::var_os("XTASK_SOAK_ALLOW_DEBUG").is_none() {
        return crate::rerun_in_release("soak", args);
    }

    let server = Server::start(config.extra_acs_users())?;
    eprintln!(
        "soak: seam-fake serve (pid {}) on {}; {} calls from {} connections",
        server.child.id(),
        server.endpoint,
        config.requests,
        config.connections
    );
    let rss_before = memory_kib(server.child.id(), "VmRSS");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("soak: runtime: {e}"))?;
    let report = runtime.block_on(soak::run(&server.endpoint, &config))?;
    let server_peak = memory_kib(server.child.id(), "VmHWM");
    let server_rss = memory_kib(server.child.id(), "VmRSS");
    let own_peak = memory_kib(std::process::id(), "VmHWM");
    drop(server);

    println!("{report}");
    let kib = |v: Option<u64>| v.map_or_else(|| "unknown".to_owned(), |k| format!("{k} KiB"));
    println!(
        "server memory: {} resident after seeding, {} at the end, peak {} (limit {MAX_SERVER_PEAK_KIB} KiB)",
        kib(rss_before),
        kib(server_rss),
        kib(server_peak)
    );
    println!("client (this process) peak memory: {}", kib(own_peak));

    let mut failures = Vec::new();
    if report.violation_count > 0 {
        failures.push(format!(
            "{} violations of the model",
            report.violation_count
        ));
    }
    if report.errors != report.predicted_errors {
        failures.push("the errors received differ from the errors predicted".to_owned());
    }
    if report.requests != config.requests {
        failures.push(format!(
            "{} calls made of {}",
            report.requests, config.requests
        ));
    }
    if report.max_in_flight != config.connections as u64 {
        failures.push(format!(
            "at most {} calls were in flight at once, not {}",
            report.max_in_flight, config.connections
        ));
    }
    match report.connections_open {
        Some(n) if n < config.connections => failures.push(format!(
            "{n} connections open, fewer than the {} workers",
            config.connections
        )),
        Some(_) => {}
        None => failures.push("the connections could not be counted (/proc/net/tcp)".to_owned()),
    }
    match server_peak {
        Some(peak) if peak > MAX_SERVER_PEAK_KIB => failures.push(format!(
            "the server's peak memory {peak} KiB passed {MAX_SERVER_PEAK_KIB} KiB"
        )),
        Some(_) => {}
        None => failures.push("the server's peak memory could not be read".to_owned()),
    }
    if failures.is_empty() {
        println!("soak: ok");
        Ok(())
    } else {
        Err(format!("soak failed: {}", failures.join("; ")))
    }
}

/// A `seam-fake serve` process, stopped when dropped.
struct Server {
    child: Child,
    endpoint: String,
}

impl Server {
    /// Builds `seamapi-fake` in release mode and starts it with `extra` extra ACS users.
    fn start(extra: usize) -> Result<Self, String> {
        crate::run("cargo build --release -p seamapi-fake", {
            let mut build = cargo();
            build
                .args([
                    "build",
                    "--release",
                    "--quiet",
                    "-p",
                    "seamapi-fake",
                    "--bin",
                    "seam-fake",
                ])
                .current_dir(workspace_root());
            build
        })?;
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| workspace_root().join("target"));
        let program = target.join("release").join("seam-fake");
        let mut child = Command::new(&program)
            .args(["serve", "--listen", "127.0.0.1:0", "--extra-acs-users"])
            .arg(extra.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("soak: could not start {}: {e}", program.display()))?;
        let mut line = String::new();
        let read = child
            .stdout
            .take()
            .map(|out| BufReader::new(out).read_line(&mut line));
        let endpoint = serde_json::from_str::<serde_json::Value>(&line)
            .ok()
            .and_then(|v| v["endpoint"].as_str().map(str::to_owned));
        match (read, endpoint) {
            (Some(Ok(_)), Some(endpoint)) => Ok(Self { child, endpoint }),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                Err(format!("soak: seam-fake printed no startup line: {line:?}"))
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A `Vm…:` line of `/proc/<pid>/status`, in KiB (Linux only).
fn memory_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}
