//! `docs/performance.svg`: requests/s against concurrency.

use std::fmt::Write as _;

use super::report::find;
use super::sample::Row;
use super::{CONCURRENCY, SERVERS};

/// A hand-written line chart: requests/s against concurrency, one line per client, one panel
/// per server. Clients measured at concurrency 1 only are single points.
pub(super) fn svg(rows: &[Row]) -> String {
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
