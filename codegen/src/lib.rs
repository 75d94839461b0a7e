#![allow(missing_docs)] // An internal tool; its public items are documented where they are not obvious.

//! The generator of the Seam API's Rust code: `spec/seam-connect.openapi.json` (plus the
//! hand-written `spec/overrides.toml`) in, checked-in Rust out:
//!
//! - `crates/seam-api/src/generated/resources.rs`: every schema as a struct, open enum or
//!   union;
//! - `crates/seam-api/src/generated/routes.rs`: every documented route's request type and
//!   `Route` impl;
//! - `crates/seam-api/src/generated/table.rs`: the route table and its visitor;
//! - `crates/seam/src/generated.rs` and `crates/seam-blocking/src/generated.rs`: both facades'
//!   namespaces and methods.
//!
//! It depends on none of the crates it writes, so it runs while they are broken
//! (`cargo run -p seamapi-codegen`, which `cargo xtask codegen` calls).

pub mod docs;
pub mod names;
pub mod routes;
pub mod types;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::Deserialize;
use sha2::Digest;

/// `spec/overrides.toml`: the only hand-written input.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    /// Route type names kept from the hand-written client, by path.
    #[serde(default)]
    pub types: BTreeMap<String, String>,
    /// One-of groups the prose describes ("either `user_identity_id` or `user_identity_key`").
    #[serde(default)]
    pub one_of: Vec<OneOf>,
    /// Routes the rule calls unsafe that are safe to repeat, with the reason.
    #[serde(default)]
    pub idempotent: BTreeMap<String, String>,
    /// Routes the rule calls safe that are not, with the reason.
    #[serde(default)]
    pub not_idempotent: BTreeMap<String, String>,
    /// Documented paths left out, with the reason.
    #[serde(default)]
    pub exclude: BTreeMap<String, String>,
    /// The order of `new(..)`'s arguments where it must not follow the wire order (kept from
    /// the hand-written client: two ids of the same type must not swap silently).
    #[serde(default)]
    pub new_order: BTreeMap<String, Vec<String>>,
}

/// A one-of group written as an enum.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OneOf {
    /// The paths it applies to.
    pub routes: Vec<String>,
    /// The enum's name.
    pub name: String,
    /// The request field holding it.
    pub field: String,
    /// Wire name → variant name.
    pub variants: BTreeMap<String, String>,
    /// The enum's documentation.
    pub doc: String,
}

/// The paths, relative to the workspace root, and contents of every generated file.
pub type Files = Vec<(PathBuf, String)>;

const SPEC: &str = "spec/seam-connect.openapi.json";
const SOURCE: &str = "spec/SOURCE";
const OVERRIDES: &str = "spec/overrides.toml";

fn read(root: &Path, rel: &str) -> Result<String, String> {
    std::fs::read_to_string(root.join(rel)).map_err(|e| format!("cannot read {rel}: {e}"))
}

/// The `key = "value"` of `spec/SOURCE`.
pub fn source_field(source: &str, key: &str) -> Option<String> {
    source.lines().find_map(|l| {
        let (k, v) = l.split_once('=')?;
        (k.trim() == key).then(|| v.trim().trim_matches('"').to_owned())
    })
}

/// The sha256 of `bytes`, in lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", sha2::Sha256::digest(bytes))
}

/// Checks the snapshot against `spec/SOURCE`'s sha256.
pub fn check_snapshot(spec: &[u8], source: &str) -> Result<(), String> {
    let want = source_field(source, "sha256").ok_or("spec/SOURCE has no sha256")?;
    let got = sha256_hex(spec);
    if got != want {
        return Err(format!(
            "{SPEC} has sha256 {got} but spec/SOURCE records {want}: the snapshot is never edited by hand (run `cargo xtask spec-update VERSION`)"
        ));
    }
    Ok(())
}

/// Generates every file from the snapshot and overrides under `root`, formatted.
pub fn generate_at(root: &Path) -> Result<Files, String> {
    let spec_text = read(root, SPEC)?;
    let source = read(root, SOURCE)?;
    check_snapshot(spec_text.as_bytes(), &source)?;
    let overrides_text = read(root, OVERRIDES)?;
    let version = source_field(&source, "version").unwrap_or_default();
    let package = source_field(&source, "package").unwrap_or_default();
    let files = generate(&spec_text, &overrides_text, &format!("{package} {version}"))?;
    files
        .into_iter()
        .map(|(path, code)| Ok((path, rustfmt(&code)?)))
        .collect()
}

/// Generates every file from spec and overrides text (unformatted).
pub fn generate(spec_text: &str, overrides_text: &str, source: &str) -> Result<Files, String> {
    let spec: serde_json::Value =
        serde_json::from_str(spec_text).map_err(|e| format!("the spec is not JSON: {e}"))?;
    let overrides: Overrides =
        toml::from_str(overrides_text).map_err(|e| format!("{OVERRIDES}: {e}"))?;
    let mut types = types::TypeGen::new(&spec);
    types.components();
    let generated = routes::build(&spec, &overrides, &mut types)?;
    let header = format!(
        "// @generated by `cargo xtask codegen` from {SPEC} ({source}) and {OVERRIDES}.\n// Do not edit: change the generator (codegen/) or the overrides and regenerate.\n\n"
    );

    let mut resources = header.clone();
    resources.push_str("//! Every resource of the Seam API: the schemas of Seam's OpenAPI document, and the objects\n//! routes answer with inline. Unknown fields are ignored, unknown enum values and union kinds\n//! are kept (see [`seamapi_core::UnknownValue`] and [`seamapi_core::UnknownKind`]).\n\n// The docs are the API document's prose, as Seam wrote it.\n#![allow(clippy::large_enum_variant, clippy::doc_lazy_continuation, clippy::doc_overindented_list_items, rustdoc::bare_urls)]\n\n");
    let mut sorted = types.resources.clone();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    for (_, code) in &sorted {
        resources.push_str(code);
        resources.push('\n');
    }

    let mut routes_file = header.clone();
    routes_file.push_str(&routes::routes_header(&generated.routes));
    routes_file.push_str("\n// The docs are the API document's prose, as Seam wrote it.\n#![allow(clippy::doc_lazy_continuation, clippy::doc_overindented_list_items, rustdoc::bare_urls)]\n\nuse seamapi_core::AuthSet;\nuse seamapi_core::params::{ParamKind, ParamSpec, Requirement, Rules};\n\n");
    for code in &generated.route_items {
        routes_file.push_str(code);
        routes_file.push('\n');
    }
    let mut request_items = types.requests.clone();
    request_items.sort_by(|a, b| a.0.cmp(&b.0));
    for (_, code) in &request_items {
        routes_file.push_str(code);
        routes_file.push('\n');
    }

    let mut table = header.clone();
    table.push_str(&routes::table(&generated.routes, &overrides));
    let mut async_facade = header.clone();
    async_facade.push_str(&routes::facade(&generated.routes, false));
    let mut blocking_facade = header;
    blocking_facade.push_str(&routes::facade(&generated.routes, true));

    Ok(vec![
        (
            "crates/seam-api/src/generated/resources.rs".into(),
            resources,
        ),
        (
            "crates/seam-api/src/generated/routes.rs".into(),
            routes_file,
        ),
        ("crates/seam-api/src/generated/table.rs".into(), table),
        ("crates/seam/src/generated.rs".into(), async_facade),
        (
            "crates/seam-blocking/src/generated.rs".into(),
            blocking_facade,
        ),
    ])
}

/// `code` through `rustfmt` (edition 2024), as `cargo fmt` would leave it.
pub fn rustfmt(code: &str) -> Result<String, String> {
    let mut child = Command::new(std::env::var("RUSTFMT").unwrap_or_else(|_| "rustfmt".into()))
        .args(["--edition", "2024", "--emit", "stdout", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run rustfmt: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("rustfmt has no stdin")?;
    let input = code.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child
        .wait_with_output()
        .map_err(|e| format!("rustfmt failed: {e}"))?;
    let _ = writer.join();
    if !out.status.success() {
        return Err(format!(
            "rustfmt refused the generated code (a generator bug):\n{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    String::from_utf8(out.stdout).map_err(|e| format!("rustfmt wrote non-UTF-8: {e}"))
}

/// Writes the generated files under `root`; with `check`, writes nothing and fails listing
/// the files that differ.
pub fn run(root: &Path, check: bool) -> Result<(), String> {
    let files = generate_at(root)?;
    let mut stale = Vec::new();
    for (rel, code) in &files {
        let path = root.join(rel);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current == *code {
            continue;
        }
        if check {
            stale.push(rel.display().to_string());
        } else {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            std::fs::write(&path, code).map_err(|e| format!("{}: {e}", path.display()))?;
            println!("wrote {}", rel.display());
        }
    }
    if !stale.is_empty() {
        return Err(format!(
            "the checked-in generated code is not what the snapshot generates: {}; run `cargo xtask codegen` and commit the result",
            stale.join(", ")
        ));
    }
    Ok(())
}
