//! `seam-fake`: runs the fake Seam Connect.
//!
//! ```text
//! seam-fake serve [--listen ADDR] [--allow-non-loopback] [--quiet]
//!                 [--state FILE | --extra-acs-users N]
//!                 [--max-connections N] [--shutdown-grace SECONDS]
//! seam-fake sandbox-call --state FILE [--api-key KEY] [--method METHOD] PATH [JSON]
//! seam-fake reset --state FILE
//! seam-fake churn --state FILE [--from N] [--writes COUNT]
//! seam-fake seed
//! ```
//!
//! `seam-fake --help` and `seam-fake SUBCOMMAND --help` (or `-h`) print the help and exit 0.
//!
//! The arguments are read by hand rather than with clap: the crate is mostly a library that
//! users' tests depend on, and clap for the binary alone would need a feature that
//! `cargo run -p seamapi-fake` and `cargo install` must then name.

use std::io::Write;
use std::process::ExitCode;

use bytes::Bytes;
use seamapi_fake::{FakeSeam, Sandbox, StartupLine, State, seed};
use serde::Serialize;

/// Each subcommand: its name, its help, the options that take a value, and the flags.
struct Subcommand {
    name: &'static str,
    help: &'static str,
    options: &'static [&'static str],
    flags: &'static [Flag],
}

/// A flag without a value: `--long`, and `-short` if it has one.
struct Flag {
    long: &'static str,
    short: Option<char>,
}

const SUBCOMMANDS: &[Subcommand] = &[
    Subcommand {
        name: "serve",
        help: "  seam-fake serve [--listen ADDR] [--allow-non-loopback] [--quiet]
                  [--state FILE | --extra-acs-users N]
                  [--max-connections N] [--shutdown-grace SECONDS]
      serve the fake over HTTP on ADDR (HOST:PORT, default 127.0.0.1:0: port 0 picks a
      free one); print one line of JSON with the endpoint and the seeded ids; stop on
      SIGINT or SIGTERM, giving requests in progress --shutdown-grace seconds (default 5)
      to finish. ADDR must be a loopback address (127.0.0.0/8, [::1], localhost) unless
      --allow-non-loopback: the seeded keys are published in the docs, so anyone who can
      reach the port can use it. One line per request on stderr (method, path, status,
      request id, time; never headers or bodies) unless --quiet (-q). At most
      --max-connections connections at once (default 1024; one more is answered 503).
      With --state, the state is the sandbox file FILE (shared with other processes)
      instead of memory. With --extra-acs-users, the in-memory seed gets N more ACS users
      (for load tests; ids 5eed0002-1000-4000-8000-<i, 12 digits>, in HQ, Annex and Garage
      in turn).",
        options: &[
            "listen",
            "state",
            "extra-acs-users",
            "max-connections",
            "shutdown-grace",
        ],
        flags: &[
            Flag {
                long: "allow-non-loopback",
                short: None,
            },
            Flag {
                long: "quiet",
                short: Some('q'),
            },
        ],
    },
    Subcommand {
        name: "sandbox-call",
        help: "  seam-fake sandbox-call --state FILE [--api-key KEY] [--method METHOD] PATH [JSON]
      send one request to the sandbox FILE (default method POST, default key the seeded
      one); print the answer's body; exit 0 on 2xx, 1 otherwise.",
        options: &["state", "api-key", "method"],
        flags: &[],
    },
    Subcommand {
        name: "reset",
        help: "  seam-fake reset --state FILE
      put the seed back in the sandbox FILE.",
        options: &["state"],
        flags: &[],
    },
    Subcommand {
        name: "churn",
        help: "  seam-fake churn --state FILE [--from N] [--writes COUNT]
      a write load for crash tests: create the user identities churn-N, churn-N+1, ...
      (default N 1) in the sandbox FILE, one request and one atomic write each, and print
      each number once its write is on disk; stop after COUNT writes (default: never).",
        options: &["state", "from", "writes"],
        flags: &[],
    },
    Subcommand {
        name: "seed",
        help: "  seam-fake seed
      print the seeded ids as JSON.",
        options: &[],
        flags: &[],
    },
];

const EXIT_CODES: &str = "exit codes: 0 success; 1 sandbox-call: the answer was not 2xx; \
2 a usage error (the command line was wrong, or serve's address was refused), or the command \
failed (the message says why)";

/// The whole help: every subcommand's, then the exit codes.
fn usage() -> String {
    let mut text = String::from("usage:\n");
    for sub in SUBCOMMANDS {
        text.push_str(sub.help);
        text.push('\n');
    }
    text.push_str(EXIT_CODES);
    text
}

/// One subcommand's help.
fn sub_usage(sub: &Subcommand) -> String {
    format!("usage:\n{}\n{EXIT_CODES}", sub.help)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let first = args.first().map(String::as_str);
    let result = match first {
        Some("-h" | "--help" | "help") => {
            println!("{}", usage());
            Ok(ExitCode::SUCCESS)
        }
        Some(name) => match SUBCOMMANDS.iter().find(|s| s.name == name) {
            Some(sub) => run(sub, &args[1..]),
            None => Err(format!("unknown subcommand {name:?}\n{}", usage())),
        },
        None => Err(format!("expected a subcommand\n{}", usage())),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("seam-fake: {message}");
            ExitCode::from(2)
        }
    }
}

/// Parses `args` for `sub` and runs it; `--help` or `-h` anywhere prints its help instead.
fn run(sub: &Subcommand, args: &[String]) -> Result<ExitCode, String> {
    let args = match parse(args, sub) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{}", sub_usage(sub));
            return Ok(ExitCode::SUCCESS);
        }
        Err(message) => return Err(format!("{message}\n{}", sub_usage(sub))),
    };
    let usage = sub_usage(sub);
    match sub.name {
        "serve" => serve(&args, &usage),
        "sandbox-call" => sandbox_call(&args, &usage),
        "reset" => reset(&args, &usage),
        "churn" => churn(&args, &usage),
        _ => {
            if let Some(extra) = args.positional.first() {
                return Err(format!("unexpected argument {extra}\n{usage}"));
            }
            print_json(&seed::SEED).map(|()| ExitCode::SUCCESS)
        }
    }
}

/// Options `--name value` (or `--name=value`), flags `--name` (or `-n`), and positional
/// arguments.
struct Args {
    options: Vec<(String, String)>,
    flags: Vec<&'static str>,
    positional: Vec<String>,
}

/// `args` as `sub` takes them; `None` when they ask for help.
fn parse(args: &[String], sub: &Subcommand) -> Result<Option<Args>, String> {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        return Ok(None);
    }
    let mut parsed = Args {
        options: Vec::new(),
        flags: Vec::new(),
        positional: Vec::new(),
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        if let Some(name) = arg.strip_prefix("--") {
            let (name, inline) = match name.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (name, None),
            };
            if let Some(flag) = sub.flags.iter().find(|f| f.long == name) {
                if inline.is_some() {
                    return Err(format!("--{name} takes no value"));
                }
                parsed.flags.push(flag.long);
            } else if sub.options.contains(&name) {
                let value = match inline {
                    Some(v) => v.to_owned(),
                    None => it
                        .next()
                        .ok_or_else(|| format!("--{name} needs a value"))?
                        .clone(),
                };
                parsed.options.push((name.to_owned(), value));
            } else {
                return Err(format!("unknown option --{name}"));
            }
        } else if let Some(short) = arg.strip_prefix('-').filter(|s| s.chars().count() == 1) {
            let flag = sub
                .flags
                .iter()
                .find(|f| f.short.is_some_and(|c| short.starts_with(c)))
                .ok_or_else(|| format!("unknown option {arg}"))?;
            parsed.flags.push(flag.long);
        } else {
            parsed.positional.push(arg.clone());
        }
    }
    Ok(Some(parsed))
}

impl Args {
    fn get(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn flag(&self, name: &str) -> bool {
        self.flags.contains(&name)
    }
}

fn print_json(value: &impl Serialize) -> Result<(), String> {
    let line = serde_json::to_string(value).map_err(|e| e.to_string())?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")
        .and_then(|()| out.flush())
        .map_err(|e| format!("could not write to stdout: {e}"))
}

fn serve(args: &Args, usage: &str) -> Result<ExitCode, String> {
    let mut options = seamapi_fake::ServerOptions::default();
    if let Some(n) = args.get("max-connections") {
        options.max_connections = n
            .parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("--max-connections takes a number above 0\n{usage}"))?;
    }
    if let Some(s) = args.get("shutdown-grace") {
        options.shutdown_grace = s
            .parse::<f64>()
            .ok()
            .and_then(|s| std::time::Duration::try_from_secs_f64(s).ok())
            .ok_or_else(|| format!("--shutdown-grace takes a number of seconds\n{usage}"))?;
    }
    if !args.positional.is_empty() {
        return Err(format!(
            "unexpected argument {}\n{usage}",
            args.positional[0]
        ));
    }
    let listen = args.get("listen").unwrap_or("127.0.0.1:0");
    let extra = match args.get("extra-acs-users") {
        Some(n) => Some(
            n.parse::<usize>()
                .ok()
                .filter(|n| *n <= seed::MAX_EXTRA_ACS_USERS)
                .ok_or_else(|| {
                    format!(
                        "--extra-acs-users takes a number from 0 to {}\n{usage}",
                        seed::MAX_EXTRA_ACS_USERS
                    )
                })?,
        ),
        None => None,
    };
    if let (Some(_), Some(_)) = (args.get("state"), extra) {
        return Err(format!(
            "--extra-acs-users applies to the in-memory state, not to --state\n{usage}"
        ));
    }
    if !args.flag("quiet") {
        options.request_log = Some(seamapi_fake::RequestLog::stderr());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("could not start the runtime: {e}"))?;
    runtime.block_on(async move {
        // The address is checked before the state file is opened (and maybe created).
        let listener = seamapi_fake::bind(listen, args.flag("allow-non-loopback"))
            .await
            .map_err(|e| e.to_string())?;
        let sandbox = match args.get("state") {
            Some(path) => Some(Sandbox::open(path).map_err(|e| e.to_string())?),
            None => None,
        };
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let shutdown = shutdown_signal()?;
        print_json(&StartupLine {
            endpoint: format!("http://{addr}"),
            state: None,
            seed: seed::SEED,
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

fn sandbox_call(args: &Args, usage: &str) -> Result<ExitCode, String> {
    let path = args
        .get("state")
        .ok_or_else(|| format!("sandbox-call needs --state FILE\n{usage}"))?;
    let (route, body) = match args.positional.as_slice() {
        [route] => (route.clone(), String::new()),
        [route, body] => (route.clone(), body.clone()),
        _ => return Err(format!("sandbox-call takes PATH [JSON]\n{usage}")),
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

fn reset(args: &Args, usage: &str) -> Result<ExitCode, String> {
    let path = args
        .get("state")
        .ok_or_else(|| format!("reset needs --state FILE\n{usage}"))?;
    Sandbox::reset(path).map_err(|e| e.to_string())?;
    Ok(ExitCode::SUCCESS)
}

fn churn(args: &Args, usage: &str) -> Result<ExitCode, String> {
    let path = args
        .get("state")
        .ok_or_else(|| format!("churn needs --state FILE\n{usage}"))?;
    let number = |name: &str, default: u64| match args.get(name) {
        Some(v) => v
            .parse::<u64>()
            .map_err(|_| format!("--{name} takes a number\n{usage}")),
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
