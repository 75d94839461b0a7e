//! `--sandbox`, `seam sandbox reset` and `seam sandbox serve`: the fake Seam (`seam-fake`)
//! with its state in a file shared by every `seam` process.

use std::io::Write;
use std::path::PathBuf;

use serde::Serialize;
use serde_json::json;

use crate::fail::CliError;
use crate::settings::{Globals, default_sandbox_path};
use crate::table::Printed;

pub use seam_fake::IN_MEMORY_ENDPOINT as ENDPOINT;
pub use seam_fake::seed::API_KEY;

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

fn sandbox_error(e: seam_fake::SandboxError) -> CliError {
    CliError::local("sandbox", e.to_string())
}

/// The sandbox at `--sandbox-state` (seeded when the file does not exist).
pub fn open(g: &Globals) -> Result<seam_fake::Sandbox, CliError> {
    seam_fake::Sandbox::open(state_path(g)?).map_err(sandbox_error)
}

/// `seam sandbox reset`.
pub fn reset(g: &Globals) -> Result<Printed, CliError> {
    let path = state_path(g)?;
    seam_fake::Sandbox::reset(&path).map_err(sandbox_error)?;
    Ok(Printed::Json(json!({
        "reset": true,
        "state": path.display().to_string(),
        "seed": seam_fake::seed::SEED,
    })))
}

#[derive(Serialize)]
struct StartupLine<'a> {
    endpoint: String,
    state: String,
    #[serde(flatten)]
    seed: &'a seam_fake::Seed,
}

/// `seam sandbox serve`: the fake over HTTP on `listen`, backed by the sandbox file, until
/// Ctrl-C or SIGTERM. Prints one line of JSON (endpoint, state file, seeded ids) first.
pub fn serve(g: &Globals, listen: &str) -> Result<Printed, CliError> {
    let sandbox = open(g)?;
    let state = sandbox.path().display().to_string();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| CliError::local("sandbox", format!("could not start the runtime: {e}")))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| CliError::usage(format!("could not listen on {listen}: {e}")))?;
        let addr = listener
            .local_addr()
            .map_err(|e| CliError::local("sandbox", e.to_string()))?;
        // Watch the signals before saying we are ready, so a signal sent right after the
        // startup line stops the server cleanly.
        let shutdown = shutdown_signal()?;
        let line = serde_json::to_string(&StartupLine {
            endpoint: format!("http://{addr}"),
            state,
            seed: &seam_fake::seed::SEED,
        })
        .map_err(|e| CliError::local("output", e.to_string()))?;
        {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{line}").and_then(|()| out.flush());
        }
        seam_fake::serve(listener, sandbox, shutdown)
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
