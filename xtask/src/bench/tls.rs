//! `cargo xtask bench --tls [--quick]`: the clients over TLS on loopback (issue 16), since that
//! is what users run, and HTTP/1.1 against HTTP/2.
//!
//! A minimal server (the same `{"ok":true}` answer as the plain bench) serves a certificate
//! from a test CA made at this run (`seamapi_transport::test_util::TestCa`), offering `h2` and
//! `http/1.1` by ALPN, and counts the TCP connections it accepts. Measured: `raw-hyper`
//! (hyper-util + hyper-rustls, the limit), `seam-async` and `seamapi-blocking` (the project's
//! transport with the CA added), each offering HTTP/1.1 only or HTTP/2 too, at concurrency 1
//! and 64; the same three over plain HTTP for the cost of TLS; `seamapi-cli` (one process, so one
//! handshake, per call, `--ca-cert`); Seam's JS and Python SDKs trusting the CA through
//! `NODE_EXTRA_CA_CERTS` and `SSL_CERT_FILE` / `REQUESTS_CA_BUNDLE`. The full run rewrites the
//! `## TLS and HTTP/2` section of docs/performance.md.

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use seamapi_transport::HyperTransportBuilder;
use seamapi_transport::test_util::{Loopback, TestCa, serve_loopback};

use super::cli::{cli_command, cli_home, seam_cli_binary};
use super::clients::{
    raw_hyper, raw_hyper_with, seam_async, seam_async_with, seam_blocking_with, seamapi_blocking,
};
use super::peers::Peers;
use super::report::fmt_opt;
use super::sample::{Named, Row, Sample, drive_threads};
use super::servers::{ServerHandle, ok_json};
use super::{API_KEY, Budget};
use crate::workspace_root;

/// The heading of the section this writes.
pub(super) const SECTION: &str = "## TLS and HTTP/2";

const TLS_CONCURRENCY: [usize; 2] = [1, 64];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Wire {
    /// Plain HTTP/1.1, no TLS.
    Plain,
    /// TLS, offering HTTP/1.1 only.
    H1,
    /// TLS, offering HTTP/2 and HTTP/1.1 (the server picks HTTP/2).
    H2,
}

impl Wire {
    fn label(self) -> &'static str {
        match self {
            Self::Plain => "http/1.1, no TLS",
            Self::H1 => "TLS, http/1.1",
            Self::H2 => "TLS, h2",
        }
    }
}

/// Client, wire and concurrency of a measurement.
type RunKey = (&'static str, Wire, usize);

struct Measured {
    client: &'static str,
    wire: Wire,
    concurrency: usize,
    row: Row,
    connections: usize,
}

pub(super) fn run(args: &[String]) -> Result<(), String> {
    let quick = args.iter().any(|a| a == "--quick");
    if let Some(other) = args
        .iter()
        .find(|a| !matches!(a.as_str(), "--tls" | "--quick"))
    {
        return Err(format!("bench --tls: unknown option {other:?}"));
    }
    if cfg!(debug_assertions) && std::env::var_os("XTASK_BENCH_ALLOW_DEBUG").is_none() {
        return crate::rerun_in_release("bench", args);
    }
    let root = workspace_root();
    let budget = if quick {
        Budget {
            requests: 2_000,
            max_time: Duration::from_millis(800),
            rounds: 1,
            cli_calls: 10,
            peer_calls: 100,
        }
    } else {
        Budget {
            requests: 10_000,
            max_time: Duration::from_secs(2),
            rounds: 3,
            cli_calls: 100,
            peer_calls: 300,
        }
    };
    let mut notes = Vec::new();
    let ca = TestCa::new();
    let cert = ca.issue(&["localhost"]);
    let ca_file = std::env::temp_dir().join(format!("xtask-bench-ca-{}.pem", std::process::id()));
    std::fs::write(&ca_file, ca.pem()).map_err(|e| format!("bench: writing the CA: {e}"))?;
    let server = TlsServer::start(cert.rustls_server_config(&[b"h2", b"http/1.1"]))?;
    let plain = ServerHandle::start("minimal")?;
    eprintln!("bench: TLS server on {}", server.endpoint);

    let clients = ["raw-hyper", "seam-async", "seamapi-blocking"];
    let wires = [Wire::Plain, Wire::H1, Wire::H2];
    let mut runs: Vec<(RunKey, Vec<(Named, usize)>)> = Vec::new();
    for round in 0..budget.rounds {
        for &c in &TLS_CONCURRENCY {
            for i in 0..clients.len() {
                let client = clients[(i + round) % clients.len()];
                for wire in wires {
                    let endpoint = match wire {
                        Wire::Plain => plain.endpoint.as_str(),
                        _ => server.endpoint.as_str(),
                    };
                    let before = server.connections();
                    let sample = measure_one(client, wire, endpoint, ca.pem(), c, &budget)?;
                    let opened = match wire {
                        Wire::Plain => 0,
                        _ => server.connections() - before,
                    };
                    eprintln!(
                        "bench: round {} {client} {} c={c}: {:.0} req/s, {} errors, {opened} connections",
                        round + 1,
                        wire.label(),
                        sample.rps(),
                        sample.errors
                    );
                    let named = sample.named(client, "minimal", c);
                    match runs.iter_mut().find(|(k, _)| *k == (client, wire, c)) {
                        Some((_, v)) => v.push((named, opened)),
                        None => runs.push(((client, wire, c), vec![(named, opened)])),
                    }
                }
            }
        }
    }
    let mut measured = Vec::new();
    for &c in &TLS_CONCURRENCY {
        for wire in wires {
            for client in clients {
                let Some((_, v)) = runs.iter_mut().find(|(k, _)| *k == (client, wire, c)) else {
                    continue;
                };
                v.sort_by(|a, b| a.0.rps().total_cmp(&b.0.rps()));
                if let Some((named, opened)) = v.get(v.len() / 2) {
                    measured.push(Measured {
                        client,
                        wire,
                        concurrency: c,
                        row: named.row(),
                        connections: *opened,
                    });
                }
            }
        }
    }

    let mut sequential = Vec::new();
    if let Some(cli) = seam_cli_binary(&root, &mut notes) {
        std::fs::create_dir_all(cli_home()).map_err(|e| format!("bench: cli home: {e}"))?;
        let before = server.connections();
        let sample = drive_threads(1, budget.cli_calls, Duration::from_secs(60), 3, || {
            cli_command(&cli, &server.endpoint)
                .arg("--ca-cert")
                .arg(&ca_file)
                .status()
                .is_ok_and(|s| s.success())
        });
        let opened = server.connections() - before;
        eprintln!("bench: seamapi-cli over TLS: {:.0} calls/s", sample.rps());
        sequential.push((
            "seamapi-cli",
            sample.named("seamapi-cli", "minimal", 1).row(),
            opened,
        ));
    }
    let mut peers = Peers::find(&root, &mut notes);
    let ca_path = ca_file.to_string_lossy().into_owned();
    peers.env = ["NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"]
        .iter()
        .map(|k| ((*k).to_owned(), ca_path.clone()))
        .collect();
    for (client, script) in peers.scripts() {
        let before = server.connections();
        match peers.run(client, &script, &server.endpoint, budget.peer_calls) {
            Ok(row) => {
                let opened = server.connections() - before;
                eprintln!("bench: {client} over TLS: {:.0} req/s", row.rps);
                sequential.push((client, row, opened));
            }
            Err(e) => notes.push(format!("{client} over TLS: {e}")),
        }
    }
    let _ = std::fs::remove_file(&ca_file);
    plain.stop();
    drop(server);

    let text = report(&measured, &sequential, &notes, quick);
    println!("{text}");
    for n in &notes {
        eprintln!("bench: note: {n}");
    }
    if !quick {
        let path = root.join("docs/performance.md");
        let old = std::fs::read_to_string(&path).unwrap_or_default();
        std::fs::write(&path, replace_section(&old, &text))
            .map_err(|e| format!("writing docs/performance.md: {e}"))?;
        eprintln!("bench: wrote the {SECTION:?} section of docs/performance.md");
    }
    Ok(())
}

/// `doc` with its TLS section replaced by `section`, or `section` put before `## Build times`
/// (or at the end) when there was none.
fn replace_section(doc: &str, section: &str) -> String {
    let old = super::report::section(doc, SECTION);
    let section = format!("\n{}", section.trim_end_matches('\n'));
    if !old.is_empty() {
        return doc.replacen(old.trim_end_matches('\n'), &section, 1);
    }
    match doc.find("\n## Build times") {
        Some(at) => format!("{}{section}\n{}", &doc[..at], &doc[at..]),
        None => format!("{}{section}\n", doc.trim_end_matches('\n')),
    }
}

fn measure_one(
    client: &str,
    wire: Wire,
    endpoint: &str,
    ca_pem: &str,
    c: usize,
    budget: &Budget,
) -> Result<Sample, String> {
    if wire == Wire::Plain {
        return match client {
            "raw-hyper" => raw_hyper(endpoint, c, budget),
            "seam-async" => seam_async(endpoint, c, budget),
            _ => seamapi_blocking(endpoint, c, budget),
        };
    }
    let h2 = wire == Wire::H2;
    match client {
        "raw-hyper" => {
            let mut roots = rustls::RootCertStore::empty();
            for cert in rustls_pemfile_certs(ca_pem) {
                roots
                    .add(cert)
                    .map_err(|e| format!("bench: test CA: {e}"))?;
            }
            let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
                rustls::crypto::ring::default_provider(),
            ))
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("bench: rustls: {e}"))?
            .with_root_certificates(roots)
            .with_no_client_auth();
            // TCP_NODELAY, as the project's transport sets it: without it, HTTP/2 at
            // concurrency 1 waits out Nagle's algorithm and the peer's delayed ACK on every
            // call (23 requests/s instead of thousands in a quick run here).
            let mut tcp = HttpConnector::new();
            tcp.enforce_http(false);
            tcp.set_nodelay(true);
            let builder = hyper_rustls::HttpsConnectorBuilder::new()
                .with_tls_config(tls)
                .https_only()
                .enable_http1();
            let connector = if h2 {
                builder.enable_http2().wrap_connector(tcp)
            } else {
                builder.wrap_connector(tcp)
            };
            let client = Client::builder(TokioExecutor::new()).build(connector);
            raw_hyper_with(client, endpoint, c, budget)
        }
        "seam-async" => {
            let seam = seamapi::Seam::builder()
                .api_key(API_KEY)
                .endpoint(endpoint)
                .transport(transport(endpoint, ca_pem, h2)?)
                .build()
                .map_err(|e| format!("bench: seam client: {e}"))?;
            seam_async_with(seam, c, budget)
        }
        _ => {
            let seam = seamapi_blocking::Seam::builder()
                .api_key(API_KEY)
                .endpoint(endpoint)
                .transport(transport(endpoint, ca_pem, h2)?)
                .build()
                .map_err(|e| format!("bench: blocking client: {e}"))?;
            seam_blocking_with(seam, c, budget)
        }
    }
}

/// The project's transport as a client with the test CA added builds it, offering HTTP/2 or
/// not.
fn transport(
    endpoint: &str,
    ca_pem: &str,
    h2: bool,
) -> Result<seamapi_transport::HyperTransport, String> {
    let config = seamapi_core::Config::builder()
        .api_key(API_KEY)
        .endpoint(endpoint)
        .no_proxy()
        .add_root_certificate_pem(ca_pem)
        .build()
        .map_err(|e| format!("bench: config: {e}"))?;
    HyperTransportBuilder::from_config(&config)
        .http2(h2)
        .build()
        .map_err(|e| format!("bench: transport: {e}"))
}

fn rustls_pemfile_certs(pem: &str) -> Vec<rustls::pki_types::CertificateDer<'static>> {
    use rustls::pki_types::pem::PemObject;
    rustls::pki_types::CertificateDer::pem_slice_iter(pem.as_bytes())
        .filter_map(Result::ok)
        .collect()
}

fn report(
    measured: &[Measured],
    sequential: &[(&str, Row, usize)],
    notes: &[String],
    quick: bool,
) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{SECTION}\n");
    let _ = writeln!(
        s,
        "Produced by `cargo xtask bench --tls`{} on the machine above (the full `cargo xtask bench` keeps \
         this section as it is). The same `add_acs_user` call to a minimal server on 127.0.0.1 \
         that serves a certificate from a test CA made for the run, offering `h2` and `http/1.1` \
         by ALPN; each client trusts that CA (`add_root_certificate_pem`, `--ca-cert`, \
         `NODE_EXTRA_CA_CERTS`, `SSL_CERT_FILE`/`REQUESTS_CA_BUNDLE`). \"TLS, h2\" offers HTTP/2 \
         next to HTTP/1.1 (the `http2` feature), \"TLS, http/1.1\" offers HTTP/1.1 only; \
         \"no TLS\" is the plain server of the main table, for the cost of TLS. Connections: \
         TCP connections the server accepted during the measurement (warm-up included), i.e. \
         TLS handshakes. {} rounds, the median by requests/s shown. The machine is shared \
         with other builds: a ratio above 1 for TLS against plain HTTP is that noise, not a \
         finding.\n",
        if quick { " --quick" } else { "" },
        if quick { 1 } else { 3 }
    );
    let _ = writeln!(
        s,
        "| client | wire | concurrency | requests | errors | req/s | p50 µs | p99 µs | connections | × raw-hyper, same wire | × same client without TLS |"
    );
    let _ = writeln!(s, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let rps = |client: &str, wire: Wire, c: usize| {
        measured
            .iter()
            .find(|m| m.client == client && m.wire == wire && m.concurrency == c)
            .map(|m| m.row.rps)
    };
    let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}", a / b),
        _ => "–".to_owned(),
    };
    for m in measured {
        let r = &m.row;
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {:.0} | {} | {} | {} | {} | {} |",
            m.client,
            m.wire.label(),
            m.concurrency,
            r.requests,
            r.errors,
            r.rps,
            fmt_opt(r.p50_us),
            fmt_opt(r.p99_us),
            if m.wire == Wire::Plain {
                "–".to_owned()
            } else {
                m.connections.to_string()
            },
            ratio(Some(r.rps), rps("raw-hyper", m.wire, m.concurrency)),
            if m.wire == Wire::Plain {
                "–".to_owned()
            } else {
                ratio(Some(r.rps), rps(m.client, Wire::Plain, m.concurrency))
            },
        );
    }
    let conns = |client: &str, wire: Wire, c: usize| {
        measured
            .iter()
            .find(|m| m.client == client && m.wire == wire && m.concurrency == c)
            .map_or(0, |m| m.connections)
    };
    for client in ["raw-hyper", "seam-async", "seamapi-blocking"] {
        let _ = writeln!(
            s,
            "\n- {client}, concurrency 64: HTTP/2 makes {} × the requests/s of HTTP/1.1 over TLS, \
             opening {} connections against {}; over TLS (HTTP/1.1) it makes {} × its requests/s \
             over plain HTTP/1.1.",
            ratio(rps(client, Wire::H2, 64), rps(client, Wire::H1, 64)),
            conns(client, Wire::H2, 64),
            conns(client, Wire::H1, 64),
            ratio(rps(client, Wire::H1, 64), rps(client, Wire::Plain, 64)),
        );
    }
    if !sequential.is_empty() {
        let _ = writeln!(
            s,
            "\nSequential clients over TLS (one call at a time; `seamapi-cli` starts one process, so \
             makes one handshake, per call; the SDK scripts report a mean only):\n"
        );
        let _ = writeln!(
            s,
            "| client | calls | errors | calls/s | mean µs | connections | × seam-async, TLS http/1.1, c=1 |"
        );
        let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|");
        for (client, r, opened) in sequential {
            let _ = writeln!(
                s,
                "| {client} | {} | {} | {:.0} | {:.0} | {opened} | {} |",
                r.requests,
                r.errors,
                r.rps,
                r.mean_us,
                ratio(Some(r.rps), rps("seam-async", Wire::H1, 1)),
            );
        }
    }
    for n in notes {
        let _ = writeln!(s, "\nNote: {n}");
    }
    s
}

/// A minimal server over TLS (`h2` and `http/1.1` by ALPN) on the loopback accept loop of
/// `seamapi_transport::test_util` (its own thread and current-thread runtime), counting the TCP
/// connections it accepts.
struct TlsServer {
    endpoint: String,
    connections: Arc<AtomicUsize>,
    loopback: Option<Loopback>,
}

impl TlsServer {
    fn start(config: rustls::ServerConfig) -> Result<Self, String> {
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let connections = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&connections);
        let loopback = serve_loopback(move |stream| {
            counted.fetch_add(1, Ordering::Relaxed);
            let _ = stream.set_nodelay(true);
            let acceptor = acceptor.clone();
            async move {
                let Ok(tls) = acceptor.accept(stream).await else {
                    return;
                };
                let h2 = tls.get_ref().1.alpn_protocol() == Some(b"h2");
                let io = TokioIo::new(tls);
                if h2 {
                    let _ = hyper::server::conn::http2::Builder::new(TokioExecutor::new())
                        .max_concurrent_streams(256)
                        .serve_connection(io, service_fn(ok_json))
                        .await;
                } else {
                    let _ = http1::Builder::new()
                        .serve_connection(io, service_fn(ok_json))
                        .await;
                }
            }
        })
        .map_err(|e| format!("bench: TLS server: {e}"))?;
        Ok(Self {
            endpoint: format!("https://localhost:{}", loopback.addr().port()),
            connections,
            loopback: Some(loopback),
        })
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::Relaxed)
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        if let Some(loopback) = self.loopback.take() {
            loopback.stop();
        }
    }
}
