//! `--sandbox`, `seam sandbox reset` and `seam sandbox serve`: the fake Seam (`seamapi-fake`)
//! with its state in a file shared by every `seam` process.

use std::io::Write;
use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches};
use serde_json::json;

use crate::fail::CliError;
use crate::settings::{Globals, default_sandbox_path};
use crate::table::Printed;

pub use seamapi_fake::IN_MEMORY_ENDPOINT as ENDPOINT;
pub use seamapi_fake::seed::API_KEY;

/// The state file: `--sandbox-state`, else `SEAM_SANDBOX_STATE`, else the per-user data
/// directory.
pub fn state_path(g: &Globals) -> Result<PathBuf, CliError> {
    if let Some(p) = &g.sandbox_state {
        return Ok(p.clone());
    }
    match std::env::var_os("SEAM_SANDBOX_STATE").filter(|v| !v.is_empty()) {
        Some(p) => Ok(PathBuf::from(p)),
        None => default_sandbox_path(),
    }
}

/// A sandbox failure as the CLI reports it: a local error (exit 1) with the file and a hint
/// about it, whether reading, writing or waiting for the lock failed.
pub fn sandbox_error(e: seamapi_fake::SandboxError) -> CliError {
    let hint = match &e {
        seamapi_fake::SandboxError::Locked { .. } => {
            "another process holds the sandbox lock (a `seam sandbox serve`, or a command still running): wait for it, or raise --timeout"
        }
        seamapi_fake::SandboxError::ReadOnly { .. } => {
            "make the state file writable, or pass --sandbox-state FILE (SEAM_SANDBOX_STATE) to use another"
        }
        seamapi_fake::SandboxError::Corrupt { .. }
        | seamapi_fake::SandboxError::Inconsistent { .. } => {
            "fix the state file, or run `seam sandbox reset` to put the seed back"
        }
        _ => {
            "check the state file and its directory (permissions, free space), or pass --sandbox-state FILE (SEAM_SANDBOX_STATE) to use another"
        }
    };
    CliError::local_with_hint("sandbox", e.to_string(), hint)
}

/// How long a sandbox request waits for the lock: nine tenths of `--timeout` (else of core's
/// default timeout), so that a lock held too long is reported as such, naming the lock file,
/// before the request's own timeout cuts it.
fn lock_timeout(g: &Globals) -> std::time::Duration {
    g.timeout
        .and_then(|t| std::time::Duration::try_from_secs_f64(t).ok())
        .unwrap_or(seamapi_core::DEFAULT_TIMEOUT)
        .mul_f64(0.9)
}

/// The sandbox at `--sandbox-state` (seeded when the file does not exist), waiting at most
/// `--timeout` for its lock.
pub fn open(g: &Globals) -> Result<seamapi_fake::Sandbox, CliError> {
    let path = state_path(g)?;
    let timeout = lock_timeout(g);
    seamapi_fake::Sandbox::open_with_lock_timeout(path, timeout).map_err(sandbox_error)
}

/// `seam sandbox reset`.
pub fn reset(g: &Globals) -> Result<Printed, CliError> {
    let path = state_path(g)?;
    seamapi_fake::Sandbox::reset_with_lock_timeout(&path, lock_timeout(g))
        .map_err(sandbox_error)?;
    Ok(Printed::Json(json!({
        "reset": true,
        "state": path.display().to_string(),
        "seed": seamapi_fake::seed::SEED,
    })))
}

/// The flags of `seam sandbox serve` besides `--listen`, named as `seam-fake serve` names
/// them.
pub fn serve_args() -> [Arg; 2] {
    [
        Arg::new("allow-non-loopback")
            .long("allow-non-loopback")
            .action(ArgAction::SetTrue)
            .help(
                "Listen on an address other than loopback (127.0.0.0/8, [::1], localhost): the \
                 sandbox's keys are published in the docs, so anyone who can reach the port \
                 can use it",
            ),
        Arg::new("quiet")
            .long("quiet")
            .short('q')
            .action(ArgAction::SetTrue)
            .help(
                "Do not log requests; by default each one gets a line on stderr: method, \
                 path, status, request id, time (never headers or bodies)",
            ),
    ]
}

/// `seam sandbox serve`: the fake over HTTP on `--listen` (a loopback address unless
/// `--allow-non-loopback`), backed by the sandbox file, until Ctrl-C or SIGTERM. Prints one
/// line of JSON (endpoint, state file, seeded ids) first, then a line per request on stderr
/// unless `--quiet`.
pub fn serve(g: &Globals, leaf: &ArgMatches) -> Result<Printed, CliError> {
    let listen = leaf
        .get_one::<String>("listen")
        .map_or("127.0.0.1:0", String::as_str);
    let flag = |name: &str| leaf.get_one::<bool>(name).copied().unwrap_or(false);
    let mut options = seamapi_fake::ServerOptions::default();
    if !flag("quiet") {
        options.request_log = Some(seamapi_fake::RequestLog::stderr());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| CliError::local("sandbox", format!("could not start the runtime: {e}")))?;
    runtime.block_on(async move {
        // The address is checked before the state file is opened (and maybe created).
        let listener = seamapi_fake::bind(listen, flag("allow-non-loopback"))
            .await
            .map_err(|e| CliError::usage(e.to_string()))?;
        let sandbox = open(g)?;
        let state = sandbox.path().display().to_string();
        let addr = listener
            .local_addr()
            .map_err(|e| CliError::local("sandbox", e.to_string()))?;
        // Watch the signals before saying we are ready, so a signal sent right after the
        // startup line stops the server cleanly.
        let shutdown = shutdown_signal()?;
        let line = serde_json::to_string(&seamapi_fake::StartupLine {
            endpoint: format!("http://{addr}"),
            state: Some(state),
            seed: seamapi_fake::seed::SEED,
        })
        .map_err(|e| CliError::local("output", e.to_string()))?;
        {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{line}").and_then(|()| out.flush());
        }
        seamapi_fake::serve_with(listener, sandbox, shutdown, options)
            .await
            .map_err(|e| CliError::local("sandbox", format!("the server failed: {e}")))
    })?;
    Ok(Printed::Text(String::new()))
}

/// Completes on SIGINT or SIGTERM (Ctrl-C elsewhere); the handlers are installed at once.
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>, CliError> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let watch = |kind: SignalKind| {
            signal(kind)
                .map_err(|e| CliError::local("sandbox", format!("could not watch signals: {e}")))
        };
        let mut int = watch(SignalKind::interrupt())?;
        let mut term = watch(SignalKind::terminate())?;
        Ok(async move {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}
