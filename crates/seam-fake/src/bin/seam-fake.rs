//! `seam-fake`: runs the fake Seam Connect.
//!
//! ```text
//! seam-fake serve [--listen ADDR] [--state FILE | --extra-acs-users N]
//!                 [--max-connections N] [--shutdown-grace SECONDS]
//! seam-fake sandbox-call --state FILE [--api-key KEY] [--method METHOD] PATH [JSON]
//! seam-fake reset --state FILE
//! seam-fake churn --state FILE [--from N] [--writes COUNT]
//! seam-fake seed
//! ```

use std::io::Write;
use std::process::ExitCode;

use bytes::Bytes;
use seamapi_fake::{FakeSeam, Sandbox, State, seed};
use serde::Serialize;

const USAGE: &str = "usage:
  seam-fake serve [--listen ADDR] [--state FILE | --extra-acs-users N]
                  [--max-connections N] [--shutdown-grace SECONDS]
      serve the fake over HTTP (default 127.0.0.1:0); print one line of JSON with the
      endpoint and the seeded ids; stop on SIGINT or SIGTERM, giving requests in progress
      --shutdown-grace seconds (default 5) to finish. At most --max-connections connections
      at once (default 1024; one more is answered 503). With --state, the state is the
      sandbox file FILE (shared with other processes) instead of memory. With
      --extra-acs-users, the in-memory seed gets N more ACS users (for load tests; ids
      5eed0002-1000-4000-8000-<i, 12 digits>, in HQ, Annex and Garage in turn).
  seam-fake sandbox-call --state FILE [--api-key KEY] [--method METHOD] PATH [JSON]
      send one request to the sandbox FILE (default method POST, default key the seeded
      one); print the answer's body; exit 0 on 2xx, 1 otherwise.
  seam-fake reset --state FILE
      put the seed back in the sandbox FILE.
  seam-fake churn --state FILE [--from N] [--writes COUNT]
      a write load for crash tests: create the user identities churn-N, churn-N+1, ...
      (default N 1) in the sandbox FILE, one request and one atomic write each, and print
      each number once its write is on disk; stop after COUNT writes (default: never).
  seam-fake seed
      print the seeded ids as JSON.";

#[derive(Serialize)]
struct StartupLine<'a> {
    endpoint: String,
    #[serde(flatten)]
    seed: &'a seed::Seed,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve(&args[1..]),
        Some("sandbox-call") => sandbox_call(&args[1..]),
        Some("reset") => reset(&args[1..]),
        Some("churn") => churn(&args[1..]),
        Some("seed") => print_json(&seed::SEED).map(|()| ExitCode::SUCCESS),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        _ => Err(format!("expected a subcommand\n{USAGE}")),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("seam-fake: {message}");
            ExitCode::from(2)
        }
    }
}

/// Options `--name value` and positional arguments.
struct Args {
    options: Vec<(String, String)>,
    positional: Vec<String>,
}

fn parse(args: &[String], known: &[&str]) -> Result<Args, String> {
    let mut options = Vec::new();
    let mut positional = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        if let Some(name) = arg.strip_prefix("--") {
            let (name, value) = match name.split_once('=') {
                Some((n, v)) => (n.to_owned(), v.to_owned()),
                None => {
                    let v = it
                        .next()
                        .ok_or_else(|| format!("--{name} needs a value\n{USAGE}"))?;
                    (name.to_owned(), v.clone())
                }
            };
            if !known.contains(&name.as_str()) {
                return Err(format!("unknown option --{name}\n{USAGE}"));
            }
            options.push((name, value));
        } else {
            positional.push(arg.clone());
        }
    }
    Ok(Args {
        options,
        positional,
    })
}

impl Args {
    fn get(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

fn print_json(value: &impl Serialize) -> Result<(), String> {
    let line = serde_json::to_string(value).map_err(|e| e.to_string())?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")
        .and_then(|()| out.flush())
        .map_err(|e| format!("could not write to stdout: {e}"))
}

fn serve(args: &[String]) -> Result<ExitCode, String> {
    let args = parse(
        args,
        &[
            "listen",
            "state",
            "extra-acs-users",
            "max-connections",
            "shutdown-grace",
        ],
    )?;
    let mut options = seamapi_fake::ServerOptions::default();
    if let Some(n) = args.get("max-connections") {
        options.max_connections = n
            .parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("--max-connections takes a number above 0\n{USAGE}"))?;
    }
    if let Some(s) = args.get("shutdown-grace") {
        options.shutdown_grace = s
            .parse::<f64>()
            .ok()
            .and_then(|s| std::time::Duration::try_from_secs_f64(s).ok())
            .ok_or_else(|| format!("--shutdown-grace takes a number of seconds\n{USAGE}"))?;
    }
    if !args.positional.is_empty() {
        return Err(format!(
            "unexpected argument {}\n{USAGE}",
            args.positional[0]
        ));
    }
    let listen = args.get("listen").unwrap_or("127.0.0.1:0").to_owned();
    let extra = match args.get("extra-acs-users") {
        Some(n) => Some(
            n.parse::<usize>()
                .ok()
                .filter(|n| *n <= seed::MAX_EXTRA_ACS_USERS)
                .ok_or_else(|| {
                    format!(
                        "--extra-acs-users takes a number from 0 to {}\n{USAGE}",
                        seed::MAX_EXTRA_ACS_USERS
                    )
                })?,
        ),
        None => None,
    };
    let sandbox = match (args.get("state"), extra) {
        (Some(_), Some(_)) => {
            return Err(format!(
                "--extra-acs-users applies to the in-memory state, not to --state\n{USAGE}"
            ));
        }
        (Some(path), None) => Some(Sandbox::open(path).map_err(|e| e.to_string())?),
        (None, _) => None,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("could not start the runtime: {e}"))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&listen)
            .await
            .map_err(|e| format!("could not listen on {listen}: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let shutdown = shutdown_signal()?;
        print_json(&StartupLine {
            endpoint: format!("http://{addr}"),
            seed: &seed::SEED,
        })?;
        let served = match sandbox {
            Some(sandbox) => seamapi_fake::serve_with(listener, sandbox, shutdown, options).await,
            None => {
                let state = State::seeded_with_extra_acs_users(extra.unwrap_or(0));
                let fake = FakeSeam::with_state(state);
                seamapi_fake::serve_with(listener, fake, shutdown, options).await
            }
        };
        served.map_err(|e| format!("server failed: {e}"))?;
        Ok(ExitCode::SUCCESS)
    })
}

/// Completes on SIGINT or (on Unix) SIGTERM. The handlers are installed before this returns,
/// so a signal sent as soon as the startup line is read is not lost.
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>, String> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term =
            signal(SignalKind::terminate()).map_err(|e| format!("could not watch SIGTERM: {e}"))?;
        let mut int =
            signal(SignalKind::interrupt()).map_err(|e| format!("could not watch SIGINT: {e}"))?;
        Ok(async move {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async move {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}

fn sandbox_call(args: &[String]) -> Result<ExitCode, String> {
    let args = parse(args, &["state", "api-key", "method"])?;
    let path = args
        .get("state")
        .ok_or_else(|| format!("sandbox-call needs --state FILE\n{USAGE}"))?;
    let (route, body) = match args.positional.as_slice() {
        [route] => (route.clone(), String::new()),
        [route, body] => (route.clone(), body.clone()),
        _ => return Err(format!("sandbox-call takes PATH [JSON]\n{USAGE}")),
    };
    let method = args.get("method").unwrap_or("POST");
    let key = args.get("api-key").unwrap_or(seed::API_KEY);
    let request = http::Request::builder()
        .method(method)
        .uri(route)
        .header(http::header::AUTHORIZATION, format!("Bearer {key}"))
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(Bytes::from(body))
        .map_err(|e| format!("invalid request: {e}"))?;
    let sandbox = Sandbox::open(path).map_err(|e| e.to_string())?;
    let response = sandbox.handle(&request).map_err(|e| e.to_string())?;
    let mut out = std::io::stdout().lock();
    out.write_all(response.body())
        .and_then(|()| writeln!(out))
        .and_then(|()| out.flush())
        .map_err(|e| format!("could not write to stdout: {e}"))?;
    Ok(if response.status().is_success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn reset(args: &[String]) -> Result<ExitCode, String> {
    let args = parse(args, &["state"])?;
    let path = args
        .get("state")
        .ok_or_else(|| format!("reset needs --state FILE\n{USAGE}"))?;
    Sandbox::reset(path).map_err(|e| e.to_string())?;
    Ok(ExitCode::SUCCESS)
}

fn churn(args: &[String]) -> Result<ExitCode, String> {
    let args = parse(args, &["state", "from", "writes"])?;
    let path = args
        .get("state")
        .ok_or_else(|| format!("churn needs --state FILE\n{USAGE}"))?;
    let number = |name: &str, default: u64| match args.get(name) {
        Some(v) => v
            .parse::<u64>()
            .map_err(|_| format!("--{name} takes a number\n{USAGE}")),
        None => Ok(default),
    };
    let from = number("from", 1)?;
    let writes = number("writes", u64::MAX)?;
    let sandbox = Sandbox::open(path).map_err(|e| e.to_string())?;
    let mut out = std::io::stdout().lock();
    for n in (from..).take(usize::try_from(writes).unwrap_or(usize::MAX)) {
        let request = http::Request::builder()
            .method(http::Method::POST)
            .uri("/user_identities/create")
            .header(
                http::header::AUTHORIZATION,
                format!("Bearer {}", seed::API_KEY),
            )
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(Bytes::from(format!(
                r#"{{"user_identity_key":"churn-{n}"}}"#
            )))
            .map_err(|e| format!("invalid request: {e}"))?;
        let response = sandbox.handle(&request).map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!(
                "churn-{n} was refused: {}",
                String::from_utf8_lossy(response.body())
            ));
        }
        writeln!(out, "{n}")
            .and_then(|()| out.flush())
            .map_err(|e| format!("could not write to stdout: {e}"))?;
    }
    Ok(ExitCode::SUCCESS)
}
