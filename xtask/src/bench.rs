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

use std::convert::Infallible;
use std::fmt::Write as _;
use std::future::Future;
use std::io::Read as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderMap, Method, Request, Response, Uri};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use seamapi_api::routes::{AddAcsUser, UserIdentityRef};
use seamapi_fake::seed;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::{cargo, workspace_root};

// The same clients over TLS, and HTTP/1.1 against HTTP/2 (issue 16): `cargo xtask bench --tls`.
mod tls;

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

/// Why the full run measures concurrency 1 a second time, on one CPU.
const ONE_CORE_NOTE: &str = "On this machine (a 2-vCPU VM whose idle driver is `haltpoll`) a CPU that has gone idle \
wakes slowly. At concurrency 1 the client and the server take turns, so each request waits for \
the other CPU to wake, twice: tens of microseconds that no client controls and that every client \
pays alike, which squeezes the ratios between clients toward 1. This pass runs the same \
concurrency-1 measurements with the whole benchmark (its threads, the servers, the `seam` processes \
and the SDKs' interpreters) pinned to CPU 0 with `taskset`, so there are no cross-CPU wake-ups and \
each figure is what the client itself costs. Same request budget and rounds as above.";

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

// ---------------------------------------------------------------------------------------------
// Measurements

/// One measurement: the latency of each call that was made, and how long it all took.
struct Sample {
    latencies_us: Vec<u64>,
    errors: usize,
    elapsed: Duration,
}

impl Sample {
    fn rps(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.latencies_us.len() as f64 / secs
        } else {
            0.0
        }
    }

    fn named(mut self, client: &'static str, server: &'static str, c: usize) -> Named {
        self.latencies_us.sort_unstable();
        Named {
            client,
            server,
            concurrency: c,
            sample: self,
        }
    }
}

struct Named {
    client: &'static str,
    server: &'static str,
    concurrency: usize,
    sample: Sample,
}

impl Named {
    fn rps(&self) -> f64 {
        self.sample.rps()
    }

    fn row(&self) -> Row {
        let l = &self.sample.latencies_us;
        let mean = if l.is_empty() {
            0.0
        } else {
            l.iter().sum::<u64>() as f64 / l.len() as f64
        };
        Row {
            client: self.client.to_owned(),
            server: self.server,
            concurrency: self.concurrency,
            requests: l.len(),
            errors: self.sample.errors,
            rps: self.rps(),
            p50_us: percentile(l, 0.50),
            p99_us: percentile(l, 0.99),
            mean_us: mean,
            round_rps: Vec::new(),
        }
    }
}

/// The `q` quantile of sorted values (nearest rank).
fn percentile(sorted: &[u64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted.get(rank - 1).map(|&v| v as f64)
}

/// One line of the results.
#[derive(Clone)]
struct Row {
    client: String,
    server: &'static str,
    concurrency: usize,
    requests: usize,
    errors: usize,
    rps: f64,
    /// `None` where the client reports only a mean (the peer SDK scripts).
    p50_us: Option<f64>,
    p99_us: Option<f64>,
    mean_us: f64,
    /// Requests/s of each round, in round order (empty where measured once).
    round_rps: Vec<f64>,
}

/// Runs `call` from `c` tasks on a current-thread runtime until `budget.requests` calls were
/// started or `budget.max_time` passed, after an untimed warm-up that opens the connections.
fn drive_async<F, Fut>(c: usize, budget: &Budget, call: F) -> Result<Sample, String>
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = bool> + Send + 'static,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("bench: client runtime: {e}"))?;
    runtime.block_on(async move {
        let warm_up = (c * 4).max(50);
        run_tasks(c, warm_up, Duration::from_secs(5), call.clone()).await;
        Ok(run_tasks(c, budget.requests, budget.max_time, call).await)
    })
}

async fn run_tasks<F, Fut>(c: usize, requests: usize, max_time: Duration, call: F) -> Sample
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = bool> + Send + 'static,
{
    let tickets = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..c {
        let tickets = Arc::clone(&tickets);
        let call = call.clone();
        tasks.spawn(async move {
            let mut latencies = Vec::with_capacity(requests / c + 1);
            let mut errors = 0;
            while tickets.fetch_add(1, Ordering::Relaxed) < requests && start.elapsed() < max_time {
                let t = Instant::now();
                let ok = call().await;
                latencies.push(t.elapsed().as_micros() as u64);
                if !ok {
                    errors += 1;
                }
            }
            (latencies, errors)
        });
    }
    let mut sample = Sample {
        latencies_us: Vec::with_capacity(requests),
        errors: 0,
        elapsed: Duration::ZERO,
    };
    while let Some(done) = tasks.join_next().await {
        if let Ok((latencies, errors)) = done {
            sample.latencies_us.extend(latencies);
            sample.errors += errors;
        }
    }
    sample.elapsed = start.elapsed();
    sample
}

/// Runs `call` from `c` threads, bounded like [`drive_async`].
fn drive_threads<F>(
    c: usize,
    requests: usize,
    max_time: Duration,
    warm_up: usize,
    call: F,
) -> Sample
where
    F: Fn() -> bool + Sync,
{
    let run = |requests: usize, max_time: Duration| {
        let tickets = AtomicUsize::new(0);
        let start = Instant::now();
        let per_thread: Vec<(Vec<u64>, usize)> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..c)
                .map(|_| {
                    s.spawn(|| {
                        let mut latencies = Vec::with_capacity(requests / c + 1);
                        let mut errors = 0;
                        while tickets.fetch_add(1, Ordering::Relaxed) < requests
                            && start.elapsed() < max_time
                        {
                            let t = Instant::now();
                            let ok = call();
                            latencies.push(t.elapsed().as_micros() as u64);
                            if !ok {
                                errors += 1;
                            }
                        }
                        (latencies, errors)
                    })
                })
                .collect();
            handles.into_iter().filter_map(|h| h.join().ok()).collect()
        });
        let elapsed = start.elapsed();
        let mut sample = Sample {
            latencies_us: Vec::with_capacity(requests),
            errors: 0,
            elapsed,
        };
        for (latencies, errors) in per_thread {
            sample.latencies_us.extend(latencies);
            sample.errors += errors;
        }
        sample
    };
    if warm_up > 0 {
        run(warm_up, Duration::from_secs(5));
    }
    run(requests, max_time)
}

/// The request every client sends, as `seamapi-core` encodes it: the bytes `raw-hyper` replays.
fn template(endpoint: &str) -> Result<(Method, Uri, HeaderMap, Bytes), String> {
    let config = seamapi_core::Config::builder()
        .api_key(API_KEY)
        .endpoint(endpoint)
        .build()
        .map_err(|e| format!("bench: config: {e}"))?;
    let request = seamapi_core::Encoder::new(&config)
        .encode(&AddAcsUser::new(
            ACS_USER_ID,
            UserIdentityRef::id(USER_IDENTITY_ID),
        ))
        .map_err(|e| format!("bench: encode: {e}"))?;
    let (parts, body) = request.into_parts();
    Ok((parts.method, parts.uri, parts.headers, body))
}

fn raw_hyper(endpoint: &str, c: usize, budget: &Budget) -> Result<Sample, String> {
    // Built inside the runtime below is not needed: the legacy client spawns on the runtime
    // that polls it.
    let client: Client<HttpConnector, Full<Bytes>> =
        Client::builder(TokioExecutor::new()).build_http();
    raw_hyper_with(client, endpoint, c, budget)
}

/// `raw-hyper` through any connector (plain, or TLS in `tls`).
fn raw_hyper_with<C>(
    client: Client<C, Full<Bytes>>,
    endpoint: &str,
    c: usize,
    budget: &Budget,
) -> Result<Sample, String>
where
    C: hyper_util::client::legacy::connect::Connect + Clone + Send + Sync + 'static,
{
    let (method, uri, headers, body) = template(endpoint)?;
    let template = Arc::new((method, uri, headers, body));
    drive_async(c, budget, move || {
        let client = client.clone();
        let template = Arc::clone(&template);
        async move {
            let (method, uri, headers, body) = &*template;
            let mut request = Request::new(Full::new(body.clone()));
            *request.method_mut() = method.clone();
            *request.uri_mut() = uri.clone();
            *request.headers_mut() = headers.clone();
            match client.request(request).await {
                Ok(response) => {
                    let ok = response.status().is_success();
                    ok && response.into_body().collect().await.is_ok()
                }
                Err(_) => false,
            }
        }
    })
}

fn seam_async(endpoint: &str, c: usize, budget: &Budget) -> Result<Sample, String> {
    let seam = seamapi::Seam::builder()
        .api_key(API_KEY)
        .endpoint(endpoint)
        .build()
        .map_err(|e| format!("bench: seam client: {e}"))?;
    seam_async_with(seam, c, budget)
}

fn seam_async_with(seam: seamapi::Seam, c: usize, budget: &Budget) -> Result<Sample, String> {
    drive_async(c, budget, move || {
        let seam = seam.clone();
        async move {
            seam.user_identities()
                .add_acs_user(AddAcsUser::new(
                    ACS_USER_ID,
                    UserIdentityRef::id(USER_IDENTITY_ID),
                ))
                .await
                .is_ok()
        }
    })
}

fn seamapi_blocking(endpoint: &str, c: usize, budget: &Budget) -> Result<Sample, String> {
    let seam = seamapi_blocking::Seam::builder()
        .api_key(API_KEY)
        .endpoint(endpoint)
        .build()
        .map_err(|e| format!("bench: blocking client: {e}"))?;
    seam_blocking_with(seam, c, budget)
}

fn seam_blocking_with(
    seam: seamapi_blocking::Seam,
    c: usize,
    budget: &Budget,
) -> Result<Sample, String> {
    Ok(drive_threads(
        c,
        budget.requests,
        budget.max_time,
        (c * 4).max(50),
        || {
            seam.user_identities()
                .add_acs_user(AddAcsUser::new(
                    ACS_USER_ID,
                    UserIdentityRef::id(USER_IDENTITY_ID),
                ))
                .is_ok()
        },
    ))
}

// ---------------------------------------------------------------------------------------------
// seamapi-cli

/// Builds `seam` in release and returns its path, or notes why it is skipped.
fn seam_cli_binary(root: &Path, notes: &mut Vec<String>) -> Option<PathBuf> {
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
fn cli_home() -> PathBuf {
    std::env::temp_dir().join(format!("xtask-bench-home-{}", std::process::id()))
}

fn cli_command(program: &Path, endpoint: &str) -> Command {
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

fn seamapi_cli(program: &Path, endpoint: &str, calls: usize) -> Result<Sample, String> {
    std::fs::create_dir_all(cli_home()).map_err(|e| format!("bench: cli home: {e}"))?;
    Ok(drive_threads(1, calls, Duration::from_secs(30), 3, || {
        cli_command(program, endpoint)
            .status()
            .is_ok_and(|s| s.success())
    }))
}

/// The peak resident memory of one `seam` call, in KiB, from GNU time.
fn cli_peak_memory_kb(program: &Path, endpoint: &str) -> Option<u64> {
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

// ---------------------------------------------------------------------------------------------
// Seam's official SDKs

struct Peers {
    dir: PathBuf,
    scripts_dir: PathBuf,
    js: bool,
    python: bool,
    /// Extra environment for the scripts (the test CA's variables over TLS).
    env: Vec<(String, String)>,
}

impl Peers {
    fn find(root: &Path, notes: &mut Vec<String>) -> Self {
        let dir = std::env::var_os("SEAM_PEERS_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/tmp/seam-peers"));
        let scripts_dir = root.join("../shared/peers");
        let js = dir.join("node_modules/@seamapi/http/package.json").exists()
            && scripts_dir.join("js-add-acs-user.mjs").exists();
        let python =
            dir.join("venv/bin/python").exists() && scripts_dir.join("py_add_acs_user.py").exists();
        if !js {
            notes.push(format!(
                "seam-js: skipped, not installed in {} (run ../shared/peers/setup.sh)",
                dir.display()
            ));
        }
        if !python {
            notes.push(format!(
                "seam-python: skipped, not installed in {} (run ../shared/peers/setup.sh)",
                dir.display()
            ));
        }
        Self {
            dir,
            scripts_dir,
            js,
            python,
            env: Vec::new(),
        }
    }

    fn scripts(&self) -> Vec<(&'static str, PathBuf)> {
        let mut v = Vec::new();
        if self.js {
            v.push(("seam-js", self.scripts_dir.join("js-add-acs-user.mjs")));
        }
        if self.python {
            v.push(("seam-python", self.scripts_dir.join("py_add_acs_user.py")));
        }
        v
    }

    /// Runs one peer script (sequential calls, so concurrency 1) and reads its JSON line.
    fn run(
        &self,
        client: &str,
        script: &Path,
        endpoint: &str,
        calls: usize,
    ) -> Result<Row, String> {
        let program = if client == "seam-js" {
            PathBuf::from("node")
        } else {
            self.dir.join("venv/bin/python")
        };
        let mut child = Command::new(program)
            .arg(script)
            .arg(calls.to_string())
            .arg(format!("--endpoint={endpoint}"))
            .arg(format!("--api-key={API_KEY}"))
            .arg(format!("--user-identity-id={USER_IDENTITY_ID}"))
            .arg(format!("--acs-user-ids={ACS_USER_ID}"))
            .arg("--warmup=20")
            .env("SEAM_PEERS_DIR", &self.dir)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("could not start: {e}"))?;
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            match child.try_wait() {
                Ok(Some(_)) => break,
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Ok(None) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err("timed out after 120 s".into());
                }
                Err(e) => return Err(format!("waiting: {e}")),
            }
        }
        let mut out = String::new();
        let mut err = String::new();
        if let Some(mut s) = child.stdout.take() {
            let _ = s.read_to_string(&mut out);
        }
        if let Some(mut s) = child.stderr.take() {
            let _ = s.read_to_string(&mut err);
        }
        let line = out
            .lines()
            .rev()
            .find(|l| l.trim_start().starts_with('{'))
            .ok_or_else(|| format!("no JSON line; stderr: {}", err.trim()))?;
        let v: serde_json::Value =
            serde_json::from_str(line).map_err(|e| format!("bad JSON line {line:?}: {e}"))?;
        let n = v["n"].as_u64().unwrap_or(0) as usize;
        let errors = v["errors"].as_u64().unwrap_or(0) as usize;
        let rps = v["requests_per_s"].as_f64().unwrap_or(0.0);
        let mean_ms = v["mean_ms"].as_f64().unwrap_or(0.0);
        if errors == n && n > 0 {
            return Err(format!("every call failed; stderr: {}", err.trim()));
        }
        Ok(Row {
            client: client.to_owned(),
            server: "minimal",
            concurrency: 1,
            requests: n,
            errors,
            rps,
            p50_us: None,
            p99_us: None,
            mean_us: mean_ms * 1000.0,
            round_rps: Vec::new(),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Servers

struct ServerHandle {
    endpoint: String,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ServerHandle {
    /// Starts `kind` ("minimal" or "fake") on 127.0.0.1 in its own thread with a
    /// current-thread runtime, so that server and client never share a runtime.
    fn start(kind: &'static str) -> Result<Self, String> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<Result<String, String>>();
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name(format!("bench-server-{kind}"))
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(r) => r,
                    Err(e) => {
                        let _ = ready_tx.send(Err(format!("server runtime: {e}")));
                        return;
                    }
                };
                runtime.block_on(async move {
                    if kind == "fake" {
                        let fake = seamapi_fake::FakeSeam::new();
                        match seamapi_fake::FakeServer::start("127.0.0.1:0", fake).await {
                            Ok(server) => {
                                let _ = ready_tx.send(Ok(server.endpoint().to_owned()));
                                let _ = stopped.await;
                                let _ = server.stop().await;
                            }
                            Err(e) => {
                                let _ = ready_tx.send(Err(format!("fake server: {e}")));
                            }
                        }
                    } else {
                        match TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await {
                            Ok(listener) => {
                                let addr = listener
                                    .local_addr()
                                    .map(|a| a.to_string())
                                    .unwrap_or_default();
                                let _ = ready_tx.send(Ok(format!("http://{addr}")));
                                tokio::select! {
                                    () = minimal_server(listener) => {}
                                    _ = stopped => {}
                                }
                            }
                            Err(e) => {
                                let _ = ready_tx.send(Err(format!("minimal server: {e}")));
                            }
                        }
                    }
                });
            })
            .map_err(|e| format!("server thread: {e}"))?;
        let endpoint = ready_rx
            .recv_timeout(Duration::from_secs(10))
            .map_err(|e| format!("server {kind} did not start: {e}"))??;
        Ok(Self {
            endpoint,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// `200 {"ok":true}` once the request's body is read: the minimal servers' answer.
async fn ok_json(request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let _ = request.into_body().collect().await;
    let mut response = Response::new(Full::new(Bytes::from_static(b"{\"ok\":true}")));
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    Ok(response)
}

/// Answers every request with `200 {"ok":true}` once its body is read.
async fn minimal_server(listener: TcpListener) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(async move {
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service_fn(ok_json))
                .await;
        });
    }
}

/// The sections of the old report that this run does not measure (`## TLS and HTTP/2`,
/// written by `--tls`, and `## Build times`), kept as they were.
fn kept_sections(old: &str) -> String {
    [tls::SECTION, "## Build times"]
        .iter()
        .map(|heading| section(old, heading))
        .collect()
}

/// The section of `doc` under `heading` (from its `\n## …` line to the next one), or nothing.
fn section(doc: &str, heading: &str) -> String {
    let Some(start) = doc.find(&format!("\n{heading}")) else {
        return String::new();
    };
    let rest = &doc[start..];
    let end = rest[1..].find("\n## ").map_or(rest.len(), |i| i + 1);
    rest[..end].to_owned()
}

// ---------------------------------------------------------------------------------------------
// Micro benchmarks (full run only)

/// The divan benchmarks of the full run: the codec (core's encode and decode over generated
/// routes) and the async facade's cost per call.
const MICRO: [(&str, &str); 2] = [("seamapi-api", "codec"), ("seam", "send")];

/// Runs each of [`MICRO`] with `cargo bench` and keeps their tables.
fn micro_benchmarks(root: &Path, notes: &mut Vec<String>) -> Option<String> {
    let mut tables = String::new();
    for (package, bench) in MICRO {
        eprintln!("bench: cargo bench -p {package} --bench {bench}");
        let out = cargo()
            .args(["bench", "--quiet", "--package", package, "--bench", bench])
            .current_dir(root)
            .stderr(Stdio::inherit())
            .output();
        match out {
            Ok(out) if out.status.success() => {
                tables.push_str(&String::from_utf8_lossy(&out.stdout));
                tables.push('\n');
            }
            _ => {
                notes.push(format!(
                    "micro benchmarks: `cargo bench -p {package} --bench {bench}` failed"
                ));
                return None;
            }
        }
    }
    Some(tables)
}

/// The medians of divan's table, as (group/name, nanoseconds).
fn divan_medians(text: &str) -> Vec<(String, f64)> {
    let mut group = String::new();
    let mut out = Vec::new();
    for line in text.lines() {
        let Some(pos) = line.find("─ ") else {
            continue;
        };
        let depth = line[..pos].chars().count();
        let rest = &line[pos + "─ ".len()..];
        let cols: Vec<&str> = rest.split('│').collect();
        let name = cols
            .first()
            .and_then(|c| c.split_whitespace().next())
            .unwrap_or("")
            .to_owned();
        if depth <= 1 {
            group = name;
            continue;
        }
        if let Some(ns) = cols.get(2).and_then(|c| parse_duration_ns(c)) {
            out.push((format!("{group}::{name}"), ns));
        }
    }
    out
}

fn parse_duration_ns(text: &str) -> Option<f64> {
    let mut words = text.split_whitespace();
    let value: f64 = words.next()?.parse().ok()?;
    let scale = match words.next()? {
        "ps" => 1e-3,
        "ns" => 1.0,
        "µs" | "us" => 1e3,
        "ms" => 1e6,
        "s" => 1e9,
        _ => return None,
    };
    Some(value * scale)
}

// ---------------------------------------------------------------------------------------------
// Output

fn json(rows: &[Row]) -> String {
    let results: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            serde_json::json!({
                "client": r.client,
                "server": r.server,
                "concurrency": r.concurrency,
                "requests": r.requests,
                "errors": r.errors,
                "rps": round1(r.rps),
                "p50_us": r.p50_us,
                "p99_us": r.p99_us,
                "mean_us": round1(r.mean_us),
            })
        })
        .collect();
    serde_json::json!({ "results": results }).to_string()
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn find<'a>(rows: &'a [Row], client: &str, server: &str, c: usize) -> Option<&'a Row> {
    rows.iter()
        .find(|r| r.client == client && r.server == server && r.concurrency == c)
}

/// How many times `b`'s requests/s `a` reaches: the median of the per-round ratios where both
/// were measured in the same rounds (each pair ran moments apart), else the ratio of the
/// medians.
fn ratio(rows: &[Row], a: &str, b: &str, server: &str, c: usize) -> Option<f64> {
    let a = find(rows, a, server, c)?;
    let b = find(rows, b, server, c)?;
    if !a.round_rps.is_empty() && a.round_rps.len() == b.round_rps.len() {
        let mut per_round: Vec<f64> = a
            .round_rps
            .iter()
            .zip(&b.round_rps)
            .filter(|(_, b)| **b > 0.0)
            .map(|(a, b)| a / b)
            .collect();
        per_round.sort_by(f64::total_cmp);
        if let Some(&m) = per_round.get(per_round.len() / 2) {
            return Some(m);
        }
    }
    (b.rps > 0.0).then(|| a.rps / b.rps)
}

fn fmt_opt(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_owned(), |v| format!("{v:.0}"))
}

fn table(rows: &[Row]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "| client | server | concurrency | requests | errors | req/s | p50 µs | p99 µs | mean µs | × raw-hyper |"
    );
    let _ = writeln!(s, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        let vs_raw = ratio(rows, &r.client, "raw-hyper", r.server, r.concurrency);
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {:.0} | {} | {} | {:.0} | {} |",
            r.client,
            r.server,
            r.concurrency,
            r.requests,
            r.errors,
            r.rps,
            fmt_opt(r.p50_us),
            fmt_opt(r.p99_us),
            r.mean_us,
            vs_raw.map_or_else(|| "–".to_owned(), |v| format!("{v:.2}")),
        );
    }
    s
}

fn command_output(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "unknown".to_owned())
}

fn target_line(s: &mut String, what: &str, value: Option<f64>, goal: &str, met: Option<bool>) {
    let value = value.map_or_else(|| "not measured".to_owned(), |v| format!("{v:.2}"));
    let verdict = match met {
        Some(true) => "met",
        Some(false) => "missed",
        None => "–",
    };
    let _ = writeln!(s, "| {what} | {value} | {goal} | {verdict} |");
}

fn markdown(
    rows: &[Row],
    one_core: &[Row],
    notes: &[String],
    cli_memory_kb: Option<u64>,
    micro: Option<&str>,
) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Performance\n");
    let _ = writeln!(
        s,
        "The latest full run of the end-to-end benchmark (issue 7). Produced by\n\n```\ncargo xtask bench\n```\n\n\
         which also rewrites this file and `performance.svg`. `cargo xtask bench --quick --json` prints the\n\
         same measurements as one JSON object for other tools. Absolute numbers depend on the machine (small\n\
         and noisy here); compare the ratios, which come from the same run.\n"
    );
    let _ = writeln!(s, "## Machine\n");
    let _ = writeln!(s, "```");
    let _ = writeln!(s, "nproc:    {}", command_output("nproc", &[]));
    let _ = writeln!(s, "uname -a: {}", command_output("uname", &["-a"]));
    let _ = writeln!(s, "rustc -V: {}", command_output("rustc", &["-V"]));
    let _ = writeln!(
        s,
        "load:     {} (/proc/loadavg at the end of the run; other work on the machine adds noise)",
        std::fs::read_to_string("/proc/loadavg")
            .map(|l| l.trim().to_owned())
            .unwrap_or_else(|_| "unknown".to_owned())
    );
    let _ = writeln!(s, "```\n");
    let _ = writeln!(s, "## Setup\n");
    let _ = writeln!(
        s,
        "- One `PUT /user_identities/add_acs_user` call (API key, `user_identity_id`, `acs_user_id`), on\n  \
         127.0.0.1, HTTP/1.1 with keep-alive.\n\
         - `raw-hyper`: a bare hyper-util legacy client sending the bytes `seamapi-core` encodes (method, URL,\n  \
         headers, body prepared once), reading the whole answer: the limit for a client on this machine.\n\
         - `seam-async`: `seamapi::Seam` (validation, encoding, retry policy, decoding per call);\n  \
         `seamapi-blocking`: `seamapi_blocking::Seam`, one OS thread per concurrent caller.\n\
         - `seamapi-cli`: one `seam` process (release build) per call, sequential.\n\
         - `seam-js`, `seam-python`: Seam's official SDKs (`@seamapi/http`, `seam` on PyPI) through\n  \
         `../shared/peers/*add*acs*user*` scripts, sequential; those scripts report a mean latency only.\n\
         - Servers: `minimal` answers `{{\"ok\":true}}` at once (the client dominates); `fake` is `seamapi-fake`'s\n  \
         HTTP server with the seeded state (routing, auth, validation, state lock). Each server runs in\n  \
         its own thread on a current-thread tokio runtime; async clients run on another current-thread\n  \
         runtime. `raw-hyper` against `fake` is the fake server's own throughput.\n\
         - Each async/blocking measurement: at most 10 000 requests or 2 s after a warm-up; 5 interleaved\n  \
         rounds (the clients' order turns each round). The table shows the round with the median\n  \
         requests/s; `× raw-hyper` and the target ratios are the median of the per-round ratios (each\n  \
         pair ran moments apart), which the machine's noise disturbs least. `seamapi-cli`: 200 calls;\n  \
         peers: 1 000 calls; those are measured once, so their ratios are of single figures.\n"
    );
    let _ = writeln!(s, "## Results\n");
    s.push_str(&table(rows));
    s.push('\n');
    let _ = writeln!(s, "![requests/s against concurrency](performance.svg)\n");
    if !one_core.is_empty() {
        let _ = writeln!(s, "## Concurrency 1 on one CPU\n\n{ONE_CORE_NOTE}\n");
        s.push_str(&table(one_core));
        s.push('\n');
    }

    let _ = writeln!(s, "## Targets\n");
    let _ = writeln!(s, "| ratio | measured | target | |\n|---|---:|---|---|");
    // The concurrency-1 targets from both passes: two CPUs (as the machine is) and one CPU.
    let passes: [(&[Row], &str); 2] = [(rows, ""), (one_core, ", one CPU")];
    for (pass, label) in passes.iter().filter(|(p, _)| !p.is_empty()) {
        let r = ratio(pass, "seam-async", "raw-hyper", "minimal", 1);
        target_line(
            &mut s,
            &format!("seam-async / raw-hyper, minimal, c=1{label}"),
            r,
            "≥ 0.9",
            r.map(|r| r >= 0.9),
        );
    }
    let r = ratio(rows, "seam-async", "raw-hyper", "minimal", 64);
    target_line(
        &mut s,
        "seam-async / raw-hyper, minimal, c=64",
        r,
        "≥ 0.9",
        r.map(|r| r >= 0.9),
    );
    for (pass, label) in passes.iter().filter(|(p, _)| !p.is_empty()) {
        let r = ratio(pass, "seamapi-blocking", "seam-async", "minimal", 1);
        target_line(
            &mut s,
            &format!("seamapi-blocking / seam-async, minimal, c=1{label}"),
            r,
            "≥ 0.8",
            r.map(|r| r >= 0.8),
        );
    }
    let cli_p50_ms = find(rows, "seamapi-cli", "minimal", 1)
        .and_then(|r| r.p50_us)
        .map(|us| us / 1000.0);
    target_line(
        &mut s,
        "seamapi-cli median per call, ms (minimal)",
        cli_p50_ms,
        "≤ 10",
        cli_p50_ms.map(|v| v <= 10.0),
    );
    let mem_mb = cli_memory_kb.map(|kb| kb as f64 / 1024.0);
    target_line(
        &mut s,
        "seamapi-cli peak memory, MiB",
        mem_mb,
        "≤ 15",
        mem_mb.map(|v| v <= 15.0),
    );
    for (pass, label) in passes.iter().filter(|(p, _)| !p.is_empty()) {
        for server in SERVERS {
            for (peer, goal) in [("seam-python", 10.0), ("seam-js", 25.0)] {
                let r = ratio(pass, "seam-async", peer, server, 1);
                target_line(
                    &mut s,
                    &format!("seam-async / {peer}, {server}, c=1{label}"),
                    r,
                    &format!("≥ {goal}"),
                    r.map(|r| r >= goal),
                );
            }
        }
    }
    if let Some(micro) = micro {
        let medians = divan_medians(micro);
        let get = |k: &str| medians.iter().find(|(n, _)| n == k).map(|(_, v)| *v);
        for (what, ours, base) in [
            (
                "encode (validate + encode)",
                "encode::seamapi_core",
                "encode::baseline",
            ),
            (
                "decode `{\"ok\":true}`",
                "decode_ok::seamapi_core",
                "decode_ok::baseline",
            ),
            (
                "decode invalid_input",
                "decode_invalid_input::seamapi_core",
                "decode_invalid_input::baseline",
            ),
        ] {
            let r = get(ours).zip(get(base)).map(|(a, b)| a / b);
            target_line(
                &mut s,
                &format!("core {what} / hand-written baseline (median time)"),
                r,
                "≤ 1.5",
                r.map(|r| r <= 1.5),
            );
        }
        let devices = get("decode_devices_page::seamapi_api")
            .zip(get("decode_devices_page::json_value"))
            .map(|(a, b)| a / b);
        target_line(
            &mut s,
            "decode a 100-device devices/list page into typed resources / into serde_json::Value (median time; diagnostic)",
            devices,
            "–",
            None,
        );
        let facade = get("add_acs_user::seam_send")
            .zip(get("add_acs_user::baseline"))
            .map(|(a, b)| a / b);
        target_line(
            &mut s,
            "async facade per call over an in-memory transport / hand-written baseline (median time; diagnostic)",
            facade,
            "–",
            None,
        );
        let _ = writeln!(
            s,
            "\n## Micro benchmarks\n\n`cargo bench -p seamapi-api --bench codec` and `cargo bench -p seamapi --bench send`\n\
             (divan), from the same run. Lower is better; `validate_only` is the part of `encode::seamapi_core` the\n\
             `baseline` does not do; `send` runs a whole `add_acs_user` call through the async client over a\n\
             transport that answers in memory, beside the same bytes through the same transport by hand;\n\
             `decode_devices_page` decodes a 100-device `devices/list` answer into the generated `Device`s\n\
             (`seamapi_api`) and into `serde_json::Value` (`json_value`).\n\n```\n{}\n```",
            micro.trim_end()
        );
    }
    if !notes.is_empty() {
        let _ = writeln!(s, "\n## Notes\n");
        for n in notes {
            let _ = writeln!(s, "- {n}");
        }
    }
    s
}

/// A hand-written line chart: requests/s against concurrency, one line per client, one panel
/// per server. Clients measured at concurrency 1 only are single points.
fn svg(rows: &[Row]) -> String {
    const W: f64 = 960.0;
    const H: f64 = 420.0;
    const PANEL_W: f64 = 400.0;
    const PANEL_H: f64 = 280.0;
    const TOP: f64 = 60.0;
    const LEFT: [f64; 2] = [70.0, 550.0];
    let colors = [
        ("raw-hyper", "#444444"),
        ("seam-async", "#1f77b4"),
        ("seamapi-blocking", "#2ca02c"),
        ("seamapi-cli", "#d62728"),
        ("seam-js", "#ff7f0e"),
        ("seam-python", "#9467bd"),
    ];
    let y_max = nice_ceiling(rows.iter().map(|r| r.rps).fold(0.0, f64::max));
    let x_of = |left: f64, c: usize| {
        let i = CONCURRENCY.iter().position(|&k| k == c).unwrap_or(0) as f64;
        left + 30.0 + i * (PANEL_W - 60.0) / (CONCURRENCY.len() - 1) as f64
    };
    let y_of = |rps: f64| TOP + PANEL_H - rps / y_max * PANEL_H;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(s, r#"<rect width="{W}" height="{H}" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="{}" y="24" text-anchor="middle" font-size="16">add_acs_user on loopback: requests/s against concurrency (cargo xtask bench)</text>"#,
        W / 2.0
    );
    for (panel, server) in SERVERS.iter().enumerate() {
        let left = LEFT[panel];
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{}" text-anchor="middle" font-size="14">server: {server}</text>"#,
            left + PANEL_W / 2.0,
            TOP - 10.0
        );
        // Axes, grid and ticks.
        let _ = writeln!(
            s,
            r##"<rect x="{left}" y="{TOP}" width="{PANEL_W}" height="{PANEL_H}" fill="none" stroke="#999"/>"##
        );
        for i in 0..=4 {
            let v = y_max * f64::from(i) / 4.0;
            let y = y_of(v);
            let _ = writeln!(
                s,
                r##"<line x1="{left}" y1="{y:.1}" x2="{}" y2="{y:.1}" stroke="#eee"/><text x="{}" y="{:.1}" text-anchor="end">{}</text>"##,
                left + PANEL_W,
                left - 6.0,
                y + 4.0,
                format_count(v)
            );
        }
        for &c in &CONCURRENCY {
            let x = x_of(left, c);
            let _ = writeln!(
                s,
                r#"<text x="{x:.1}" y="{}" text-anchor="middle">{c}</text>"#,
                TOP + PANEL_H + 16.0
            );
        }
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{}" text-anchor="middle">concurrency</text>"#,
            left + PANEL_W / 2.0,
            TOP + PANEL_H + 34.0
        );
        for (client, color) in colors {
            let points: Vec<(f64, f64)> = CONCURRENCY
                .iter()
                .filter_map(|&c| find(rows, client, server, c))
                .map(|r| (x_of(left, r.concurrency), y_of(r.rps)))
                .collect();
            if points.len() > 1 {
                let path: Vec<String> = points
                    .iter()
                    .map(|(x, y)| format!("{x:.1},{y:.1}"))
                    .collect();
                let _ = writeln!(
                    s,
                    r#"<polyline points="{}" fill="none" stroke="{color}" stroke-width="2"/>"#,
                    path.join(" ")
                );
            }
            for (x, y) in points {
                let _ = writeln!(
                    s,
                    r#"<circle cx="{x:.1}" cy="{y:.1}" r="3.5" fill="{color}"/>"#
                );
            }
        }
    }
    let _ = writeln!(
        s,
        r#"<text x="18" y="{}" transform="rotate(-90 18 {})" text-anchor="middle">requests/s</text>"#,
        TOP + PANEL_H / 2.0,
        TOP + PANEL_H / 2.0
    );
    let mut x = 70.0;
    for (client, color) in colors {
        if !rows.iter().any(|r| r.client == client) {
            continue;
        }
        let y = H - 20.0;
        let _ = writeln!(
            s,
            r#"<rect x="{x}" y="{}" width="14" height="4" fill="{color}"/><text x="{}" y="{y}">{client}</text>"#,
            y - 6.0,
            x + 18.0
        );
        x += 30.0 + client.len() as f64 * 7.0;
    }
    s.push_str("</svg>\n");
    s
}

/// A round number at or above `x`, for the chart's top.
fn nice_ceiling(x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(x.log10().floor());
    for step in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if step * magnitude >= x {
            return step * magnitude;
        }
    }
    10.0 * magnitude
}

fn format_count(v: f64) -> String {
    if v >= 1000.0 {
        format!("{:.0}k", v / 1000.0)
    } else {
        format!("{v:.0}")
    }
}
