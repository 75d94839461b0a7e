//! The divan micro benchmarks of the full run.

use std::path::Path;
use std::process::Stdio;

use crate::cargo;

/// The divan benchmarks of the full run: the codec (core's encode and decode over generated
/// routes) and the async facade's cost per call.
const MICRO: [(&str, &str); 2] = [("seamapi-api", "codec"), ("seam", "send")];

/// Runs each of [`MICRO`] with `cargo bench` and keeps their tables.
pub(super) fn micro_benchmarks(root: &Path, notes: &mut Vec<String>) -> Option<String> {
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
pub(super) fn divan_medians(text: &str) -> Vec<(String, f64)> {
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
