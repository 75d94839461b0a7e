//! `cargo xtask doc-links`: the rendered docs of this workspace's crates hold no link that
//! rustdoc could not resolve (shown as raw `[`Name`]` text) and no relative link to a page of
//! ours that does not exist. Runs after `cargo doc` in `cargo xtask ci`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Every page rustdoc wrote for the crates whose folder is in `crates`, under `doc`.
fn pages(doc: &Path, crates: &[String]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = crates.iter().map(|c| doc.join(c)).collect();
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "html") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// What is wrong on one page: unresolved links, and relative links into `ours` that lead
/// nowhere.
pub fn check_page(page: &Path, html: &str, ours: &BTreeSet<String>, doc: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    // Trait implementations carry the trait's own docs (tracing's `Instrument` on every type,
    // with links that only resolve in tracing's crate): only our own text is checked.
    let html = [
        "id=\"trait-implementations\"",
        "id=\"synthetic-implementations\"",
        "id=\"blanket-implementations\"",
    ]
    .iter()
    .filter_map(|marker| html.find(marker))
    .min()
    .map_or(html, |end| &html[..end]);
    // An intra-doc link rustdoc could not resolve is left as text: `[<code>Name</code>]`.
    let mut rest = html;
    while let Some(at) = rest.find("[<code>") {
        let tail = &rest[at..];
        if let Some(end) = tail.find("</code>]")
            && !tail[..end].contains('\n')
            && tail.as_bytes().get(end + 8) != Some(&b'(')
        {
            problems.push(format!("unresolved link {}", &tail[..end + 8]));
        }
        rest = &rest[at + 7..];
    }
    let base = page.parent().unwrap_or(doc);
    let mut rest = html;
    while let Some(at) = rest.find("href=\"") {
        rest = &rest[at + 6..];
        let Some(end) = rest.find('"') else { break };
        let href = &rest[..end];
        rest = &rest[end..];
        if href.contains("://") || href.starts_with('#') || href.starts_with("mailto:") {
            continue;
        }
        let target = href.split(['#', '?']).next().unwrap_or_default();
        if target.is_empty() {
            continue;
        }
        let resolved = normalize(&base.join(target));
        // Only links into our own crates' pages: dependencies are not documented here.
        let Ok(inside) = resolved.strip_prefix(doc) else {
            continue;
        };
        let first = inside
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned());
        if first.is_some_and(|c| ours.contains(&c)) && !resolved.exists() {
            problems.push(format!("link to a missing page {href}"));
        }
    }
    problems
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Checks the pages of `crates` (library names, e.g. `seamapi_core`) under `doc`.
pub fn check(doc: &Path, crates: &[String]) -> Result<(), String> {
    let ours: BTreeSet<String> = crates.iter().cloned().collect();
    let mut problems = Vec::new();
    let pages = pages(doc, crates);
    if pages.is_empty() {
        return Err(format!(
            "no rendered docs under {}: run `cargo doc --workspace --no-deps` first",
            doc.display()
        ));
    }
    for page in &pages {
        let Ok(html) = std::fs::read_to_string(page) else {
            continue;
        };
        for p in check_page(page, &html, &ours, doc) {
            problems.push(format!(
                "{}: {p}",
                page.strip_prefix(doc).unwrap_or(page).display()
            ));
        }
    }
    if problems.is_empty() {
        eprintln!("xtask: doc-links ok: {} pages, no broken link", pages.len());
        return Ok(());
    }
    problems.sort();
    problems.dedup();
    Err(format!(
        "{} broken link(s) in the rendered docs:\n  {}",
        problems.len(),
        problems.join("\n  ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_brackets_and_dead_relative_links_are_found_and_good_ones_pass() {
        let dir = std::env::temp_dir().join(format!("doc-links-{}", std::process::id()));
        let doc = dir.join("doc");
        std::fs::create_dir_all(doc.join("seam/struct")).unwrap();
        std::fs::write(doc.join("seam/index.html"), "").unwrap();
        let ours: BTreeSet<String> = ["seam".to_owned()].into();
        let page = doc.join("seam/struct/Seam.html");
        let html = r##"<p>See [<code>Stream</code>] and <a href="../index.html">ok</a>,
            <a href="../../seam/missing.html#x">gone</a>, <a href="../../serde/x.html">dep</a>,
            <a href="https://docs.rs/x">web</a>, <a href="#anchor">here</a>,
            <code>[<code>x</code>](y)</code></p>
            <h2 id="blanket-implementations">From tracing</h2><p>[<code>Span</code>]</p>"##;
        let problems = check_page(&page, html, &ours, &doc);
        assert_eq!(
            problems,
            [
                "unresolved link [<code>Stream</code>]",
                "link to a missing page ../../seam/missing.html#x"
            ]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
