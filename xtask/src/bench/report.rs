//! The results as a table, as JSON, and as `docs/performance.md`.

use std::fmt::Write as _;
use std::process::Command;

use super::micro::divan_medians;
use super::sample::Row;
use super::{SERVERS, tls};

/// Why the full run measures concurrency 1 a second time, on one CPU.
const ONE_CORE_NOTE: &str = "On this machine (a 2-vCPU VM whose idle driver is `haltpoll`) a CPU that has gone idle \
wakes slowly. At concurrency 1 the client and the server take turns, so each request waits for \
the other CPU to wake, twice: tens of microseconds that no client controls and that every client \
pays alike, which squeezes the ratios between clients toward 1. This pass runs the same \
concurrency-1 measurements with the whole benchmark (its threads, the servers, the `seam` processes \
and the SDKs' interpreters) pinned to CPU 0 with `taskset`, so there are no cross-CPU wake-ups and \
each figure is what the client itself costs. Same request budget and rounds as above.";

/// The sections of the old report that this run does not measure (`## TLS and HTTP/2`,
/// written by `--tls`, and `## Build times`), kept as they were.
pub(super) fn kept_sections(old: &str) -> String {
    [tls::SECTION, "## Build times"]
        .iter()
        .map(|heading| section(old, heading))
        .collect()
}

/// The section of `doc` under `heading` (from its `\n## …` line to the next one), or nothing.
pub(super) fn section(doc: &str, heading: &str) -> String {
    let Some(start) = doc.find(&format!("\n{heading}")) else {
        return String::new();
    };
    let rest = &doc[start..];
    let end = rest[1..].find("\n## ").map_or(rest.len(), |i| i + 1);
    rest[..end].to_owned()
}

pub(super) fn json(rows: &[Row]) -> String {
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

pub(super) fn find<'a>(rows: &'a [Row], client: &str, server: &str, c: usize) -> Option<&'a Row> {
    rows.iter()
        .find(|r| r.client == client && r.server == server && r.concurrency == c)
}

/// How many times `b`'s requests/s `a` reaches: the median of the per-round ratios where both
/// were measured in the same rounds (each pair ran moments apart), else the ratio of the
/// medians.
pub(super) fn ratio(rows: &[Row], a: &str, b: &str, server: &str, c: usize) -> Option<f64> {
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

pub(super) fn fmt_opt(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_owned(), |v| format!("{v:.0}"))
}

pub(super) fn table(rows: &[Row]) -> String {
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

pub(super) fn markdown(
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
