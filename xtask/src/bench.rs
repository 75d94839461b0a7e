//! `cargo xtask bench [--quick] [--json]`: the end-to-end benchmark of issue 7.
//!
//! The same `add_acs_user` call is sent on loopback by several clients to two servers, and each
//! client's requests/s and p50/p99 latency are set beside those of `raw-hyper` (a bare
//! hyper-util client sending the identical bytes) from the same run:
//!
//! - clients: `raw-hyper`, `seam-async`, `seamapi-blocking` (at concurrency 1, 8 and 64),
//!   `seamapi-cli` (one `seam` process per call, release build, concurrency 1), and Seam's official
//!   SDKs `seam-js` and `seam-python` when `../shared/peers/setup.sh` installed them
//!   (concurrency 1; their scripts report only a mean latency);
//! - servers: `minimal`, a hyper server written here that answers `{"ok":true}` at once, and
//!   `fake`, the project's `seamapi-fake` server (in process, seeded).
//!
//! Every run is bounded by a request count and a time cap. The full run repeats each
//! measurement in interleaved rounds and keeps the round with the median requests/s, then writes
//! `docs/performance.md` and `docs/performance.svg`. `--quick` does one short round; `--json`
//! prints exactly one JSON object on stdout and nothing else.
//!
//! The measurement needs optimised code: when xtask itself is a debug build, it rebuilds itself
//! with `--release` and runs that.
//!
//! This module holds the task, its options and the rounds ([`measure()`]). Measuring: [`sample`]
//! (one measurement, driven from tasks or threads), [`clients`], [`cli`] and [`peers`] (the
//! clients), [`servers`]; [`micro`] runs the divan benchmarks. Reporting: [`report`] (the table,
//! the JSON, `docs/performance.md`) and [`chart`] (`docs/performance.svg`). [`tls`] is
//! `--tls`.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use seamapi_fake::seed;

use crate::workspace_root;

mod chart;
mod cli;
mod clients;
mod micro;
mod peers;
mod report;
mod sample;
mod servers;
/// The same clients over TLS, and HTTP/1.1 against HTTP/2 (issue 16): `cargo xtask bench --tls`.
mod tls;

use chart::svg;
use cli::{cli_peak_memory_kb, seam_cli_binary, seamapi_cli};
use clients::{raw_hyper, seam_async, seamapi_blocking};
use micro::micro_benchmarks;
use peers::Peers;
use report::{json, kept_sections, markdown, table};
use sample::{Named, Row};
use servers::ServerHandle;

/// The credentials and ids every client sends: the fake's seed, so that the same call
/// succeeds on both servers (the ACS user is free in the seed; the first call links it to the
/// identity and every later one is an idempotent no-op).
const API_KEY: &str = seed::API_KEY;
const USER_IDENTITY_ID: &str = seed::USER_IDENTITY_ID;
const ACS_USER_ID: &str = seed::ACS_USER_IDS[0];

const CONCURRENCY: [usize; 3] = [1, 8, 64];
const SERVERS: [&str; 2] = ["minimal", "fake"];

/// Runs the task; `args` are the words after `bench`.
pub fn run(args: &[String]) -> Result<(), String> {
    let mut opts = Opts {
        quick: false,
        json: false,
        only: None,
    };
    let mut words = args.iter();
    while let Some(arg) = words.next() {
        match arg.as_str() {
            "--quick" => opts.quick = true,
            "--only" => {
                opts.only = Some(
                    words
                        .next()
                        .ok_or("bench: --only needs a client name")?
                        .clone(),
                )
            }
            "--json" => opts.json = true,
            "--tls" => return tls::run(args),
            "-h" | "--help" => {
                println!(
                    "usage: cargo xtask bench [--quick] [--json] [--only CLIENT] | --tls [--quick]\n\n  --tls    the clients over TLS, HTTP/1.1 and HTTP/2 (writes its section of the docs)\n  --quick  one short round (no docs written)\n  --only   measure one client (raw-hyper, seam-async, seamapi-blocking, seamapi-cli, seam-js,\n           seam-python), e.g. under perf; no docs written\n  --json   print one JSON object on stdout: {{\"results\":[...]}}"
                );
                return Ok(());
            }
            other => return Err(format!("bench: unknown option {other:?}")),
        }
    }
    if cfg!(debug_assertions) && std::env::var_os("XTASK_BENCH_ALLOW_DEBUG").is_none() {
        return crate::rerun_in_release("bench", args);
    }
    let root = workspace_root();
    let budget = if opts.quick {
        Budget {
            requests: 2_000,
            max_time: Duration::from_millis(800),
            rounds: 1,
            cli_calls: 20,
            peer_calls: 100,
        }
    } else {
        Budget {
            requests: 10_000,
            max_time: Duration::from_secs(2),
            rounds: 5,
            cli_calls: 200,
            peer_calls: 1_000,
        }
    };
    let mut notes = Vec::new();
    let cli = seam_cli_binary(&root, &mut notes);
    let peers = Peers::find(&root, &mut notes);

    let rows = measure(
        &opts,
        &budget,
        &CONCURRENCY,
        cli.as_ref(),
        &peers,
        &mut notes,
    )?;
    // Concurrency 1 again with everything on one CPU: see `ONE_CORE_NOTE`.
    let mut one_core = Vec::new();
    if !opts.quick && opts.only.is_none() {
        match set_affinity("0") {
            Ok(before) => {
                eprintln!("bench: concurrency 1 again, pinned to CPU 0");
                one_core = measure(&opts, &budget, &[1], cli.as_ref(), &peers, &mut notes)?;
                if let Err(e) = set_affinity(&before) {
                    notes.push(format!("could not restore the CPU affinity: {e}"));
                }
            }
            Err(e) => notes.push(format!("one-core pass skipped: {e}")),
        }
    }
    let cli_memory = cli
        .as_ref()
        .filter(|_| opts.wants("seamapi-cli"))
        .and_then(|cli| {
            let server = ServerHandle::start("minimal").ok()?;
            let kb = cli_peak_memory_kb(cli, &server.endpoint);
            server.stop();
            kb
        });
    if cli.is_some() && cli_memory.is_none() {
        notes.push("seamapi-cli peak memory: not measured (GNU time -o -f %M failed)".into());
    }

    if opts.json {
        println!("{}", json(&rows));
    } else {
        println!("{}", table(&rows));
    }
    for n in &notes {
        eprintln!("bench: note: {n}");
    }
    if !opts.quick && opts.only.is_none() {
        let micro = micro_benchmarks(&root, &mut notes);
        let mut md = markdown(&rows, &one_core, &notes, cli_memory, micro.as_deref());
        let docs = root.join("docs");
        // The build-time section is measured by hand (a clean build each, minutes long), not by
        // this run: carry it over.
        if let Ok(old) = std::fs::read_to_string(docs.join("performance.md")) {
            md.push_str(&kept_sections(&old));
        }
        std::fs::create_dir_all(&docs).map_err(|e| format!("creating docs/: {e}"))?;
        std::fs::write(docs.join("performance.md"), md)
            .map_err(|e| format!("writing docs/performance.md: {e}"))?;
        std::fs::write(docs.join("performance.svg"), svg(&rows))
            .map_err(|e| format!("writing docs/performance.svg: {e}"))?;
        eprintln!("bench: wrote docs/performance.md and docs/performance.svg");
    }
    Ok(())
}

/// Every client against every server at each of `concurrency`, in interleaved rounds; then
/// `seamapi-cli` and the peers at concurrency 1.
fn measure(
    opts: &Opts,
    budget: &Budget,
    concurrency: &[usize],
    cli: Option<&PathBuf>,
    peers: &Peers,
    notes: &mut Vec<String>,
) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    for server_name in SERVERS {
        let server = ServerHandle::start(server_name)?;
        let endpoint = server.endpoint.clone();
        note(opts, &format!("bench: server {server_name} on {endpoint}"));
        // Rounds are interleaved, and the clients' order turns from round to round, so that a
        // slow spell of the machine hits every client alike.
        let clients: Vec<&'static str> = ["raw-hyper", "seam-async", "seamapi-blocking"]
            .into_iter()
            .filter(|c| opts.wants(c))
            .collect();
        let mut samples: Vec<((usize, &'static str), Vec<Named>)> = Vec::new();
        for round in 0..budget.rounds {
            for &c in concurrency {
                for i in 0..clients.len() {
                    let Some(&client) = clients.get((i + round) % clients.len()) else {
                        continue;
                    };
                    let sample = match client {
                        "raw-hyper" => raw_hyper(&endpoint, c, budget)?,
                        "seam-async" => seam_async(&endpoint, c, budget)?,
                        _ => seamapi_blocking(&endpoint, c, budget)?,
                    };
                    note(
                        opts,
                        &format!(
                            "bench: round {} {server_name} {client} c={c}: {:.0} req/s ({} requests, {} errors)",
                            round + 1,
                            sample.rps(),
                            sample.latencies_us.len(),
                            sample.errors
                        ),
                    );
                    let named = sample.named(client, server_name, c);
                    match samples.iter_mut().find(|(key, _)| *key == (c, client)) {
                        Some((_, runs)) => runs.push(named),
                        None => samples.push(((c, client), vec![named])),
                    }
                }
            }
        }
        for &c in concurrency {
            for &client in &clients {
                let Some((_, runs)) = samples.iter().find(|(key, _)| *key == (c, client)) else {
                    continue;
                };
                let round_rps: Vec<f64> = runs.iter().map(Named::rps).collect();
                let mut order: Vec<&Named> = runs.iter().collect();
                order.sort_by(|a, b| a.rps().total_cmp(&b.rps()));
                if let Some(median) = order.get(order.len() / 2) {
                    rows.push(Row {
                        round_rps,
                        ..median.row()
                    });
                }
            }
        }
        if let Some(cli) = cli.filter(|_| opts.wants("seamapi-cli")) {
            let sample = seamapi_cli(cli, &endpoint, budget.cli_calls)?;
            note(
                opts,
                &format!(
                    "bench: {server_name} seamapi-cli: {:.0} calls/s ({} errors)",
                    sample.rps(),
                    sample.errors
                ),
            );
            rows.push(sample.named("seamapi-cli", server_name, 1).row());
        }
        for (client, script) in peers.scripts().into_iter().filter(|(c, _)| opts.wants(c)) {
            match peers.run(client, &script, &endpoint, budget.peer_calls) {
                Ok(row) => {
                    note(
                        opts,
                        &format!("bench: {server_name} {client}: {:.0} req/s", row.rps),
                    );
                    rows.push(Row {
                        server: server_name,
                        ..row
                    });
                }
                Err(e) => notes.push(format!("{client} against {server_name}: {e}")),
            }
        }
        server.stop();
    }
    Ok(rows)
}

/// Pins this process, its threads and whatever it starts from now on to `cpus` (a `taskset`
/// list such as `0`), and returns the list it had, to restore.
fn set_affinity(cpus: &str) -> Result<String, String> {
    let pid = std::process::id().to_string();
    let out = Command::new("taskset")
        .args(["-p", "-c", &pid])
        .output()
        .map_err(|e| format!("taskset: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let before = text
        .rsplit(": ")
        .next()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .ok_or_else(|| format!("taskset -p printed {text:?}"))?
        .to_owned();
    let status = Command::new("taskset")
        .args(["-a", "-p", "-c", cpus, &pid])
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("taskset: {e}"))?;
    if status.success() {
        Ok(before)
    } else {
        Err(format!("taskset -a -p -c {cpus} failed ({status})"))
    }
}

struct Opts {
    quick: bool,
    json: bool,
    /// Measure only this client.
    only: Option<String>,
}

impl Opts {
    fn wants(&self, client: &str) -> bool {
        self.only.as_deref().is_none_or(|only| only == client)
    }
}

/// Progress on stderr, kept quiet under `--json`.
fn note(opts: &Opts, text: &str) {
    if !opts.json {
        eprintln!("{text}");
    }
}

struct Budget {
    /// The most requests one measurement sends.
    requests: usize,
    /// The longest one measurement runs.
    max_time: Duration,
    /// Measurements per client, server and concurrency; the median is kept.
    rounds: usize,
    /// Processes started for `seamapi-cli`.
    cli_calls: usize,
    /// Calls each peer SDK script makes.
    peer_calls: usize,
}
