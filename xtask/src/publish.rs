//! What a user of the registry gets: `cargo xtask package` packs every publishable crate and
//! builds each from its package alone (`cargo package` with verification), and
//! `cargo xtask consumer` follows the README's "The library" section in a new project outside
//! the workspace: its `cargo add` lines, its example as `src/main.rs`, its test against the fake.
//! Both run in `cargo xtask ci`.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::{cargo, run, target_dir, workspace_root};

/// A workspace package that is published: its name, library name and folder.
pub struct Package {
    /// The package's name (`seamapi-core`).
    pub name: String,
    /// Its library's name as code says it (`seamapi_core`), if it has a library.
    pub lib: Option<String>,
    /// The folder of its `Cargo.toml`.
    pub dir: PathBuf,
    /// Its entry in `cargo metadata` (workspace inheritance resolved).
    metadata: Value,
}

/// Every package of the workspace that may be published (`publish` is not `false`), from
/// `cargo metadata`.
pub fn publishable() -> Result<Vec<Package>, String> {
    let out = cargo()
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(workspace_root())
        .output()
        .map_err(|e| format!("cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let meta: Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("cargo metadata: {e}"))?;
    let packages = meta["packages"]
        .as_array()
        .ok_or("cargo metadata: no packages")?;
    let mut found = Vec::new();
    for p in packages {
        // `publish = false` reads as an empty list of registries.
        if p["publish"].as_array().is_some_and(Vec::is_empty) {
            continue;
        }
        let name = p["name"]
            .as_str()
            .ok_or("cargo metadata: a package without a name")?;
        let manifest = p["manifest_path"]
            .as_str()
            .ok_or("cargo metadata: a package without a manifest")?;
        let lib = p["targets"].as_array().into_iter().flatten().find_map(|t| {
            let kinds = t["kind"].as_array()?;
            kinds
                .iter()
                .any(|k| k == "lib")
                .then(|| t["name"].as_str().map(|n| n.replace('-', "_")))?
        });
        found.push(Package {
            name: name.to_owned(),
            lib,
            dir: Path::new(manifest)
                .parent()
                .ok_or("cargo metadata: a manifest without a folder")?
                .to_path_buf(),
            metadata: p.clone(),
        });
    }
    Ok(found)
}

/// `cargo package` with verification for every publishable crate: each builds from its own
/// package (registry dependencies, only its declared features), with the metadata a registry
/// needs.
pub fn package() -> Result<(), String> {
    let packages = publishable()?;
    for p in &packages {
        check_metadata(p)?;
    }
    forget_unpacked_packages(&packages)?;
    let mut cmd = cargo();
    cmd.arg("package").current_dir(workspace_root());
    // A run on a work tree with uncommitted changes (a developer's) packs those changes too.
    if !std::env::var("CI").is_ok_and(|v| v == "true") {
        cmd.arg("--allow-dirty");
    }
    for p in &packages {
        cmd.args(["-p", &p.name]);
    }
    let names: Vec<&str> = packages.iter().map(|p| p.name.as_str()).collect();
    run(
        &format!("cargo package (verified): {}", names.join(", ")),
        cmd,
    )
}

/// Removes the copies cargo unpacked of our packages on an earlier `cargo package`. Cargo
/// verifies a crate against its siblings through a local registry
/// (`target/package/tmp-registry`), and unpacks those into `$CARGO_HOME/registry/src/<hash of
/// that registry>/NAME-VERSION`, where it reuses them while the version stays the same: the
/// second run would build against the first run's sources. Only folders of registries other
/// than crates.io's are removed.
fn forget_unpacked_packages(packages: &[Package]) -> Result<(), String> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .ok_or("neither CARGO_HOME nor HOME is set")?;
    let Ok(registries) = std::fs::read_dir(home.join("registry/src")) else {
        return Ok(());
    };
    for registry in registries.flatten() {
        if registry
            .file_name()
            .to_string_lossy()
            .starts_with("index.crates.io")
        {
            continue;
        }
        let Ok(unpacked) = std::fs::read_dir(registry.path()) else {
            continue;
        };
        for dir in unpacked.flatten() {
            let name = dir.file_name().to_string_lossy().into_owned();
            let ours = packages.iter().any(|p| {
                name.strip_prefix(&p.name)
                    .and_then(|rest| rest.strip_prefix('-'))
                    .is_some_and(|version| version.starts_with(|c: char| c.is_ascii_digit()))
            });
            if ours {
                std::fs::remove_dir_all(dir.path())
                    .map_err(|e| format!("removing {}: {e}", dir.path().display()))?;
            }
        }
    }
    Ok(())
}

/// The fields crates.io and docs.rs show, present in `p`'s manifest (as `cargo metadata` read
/// it, so workspace inheritance is resolved).
fn check_metadata(p: &Package) -> Result<(), String> {
    let pkg = &p.metadata;
    let mut missing = Vec::new();
    for field in ["description", "license", "repository", "readme"] {
        if pkg[field].as_str().is_none_or(str::is_empty) {
            missing.push(field);
        }
    }
    for field in ["keywords", "categories"] {
        if pkg[field].as_array().is_none_or(Vec::is_empty) {
            missing.push(field);
        }
    }
    // docs.rs documents libraries; a binary-only crate (the CLI) has nothing for it to build.
    if p.lib.is_some() && pkg["metadata"]["docs"]["rs"].is_null() {
        missing.push("[package.metadata.docs.rs]");
    }
    if let Some(readme) = pkg["readme"].as_str()
        && !p.dir.join(readme).is_file()
    {
        return Err(format!("{}: readme {readme} does not exist", p.name));
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}: its Cargo.toml lacks {} (crates.io and docs.rs show them)",
            p.name,
            missing.join(", ")
        ))
    }
}

/// A block of the README marked `<!-- consumer-check: WHAT -->` on the line before its fence.
struct Block {
    what: String,
    body: String,
}

fn marked_blocks(readme: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        let Some(what) = line
            .trim()
            .strip_prefix("<!-- consumer-check:")
            .and_then(|r| r.strip_suffix("-->"))
        else {
            continue;
        };
        if !lines.next().is_some_and(|l| l.starts_with("```")) {
            continue;
        }
        let body: Vec<&str> = lines
            .by_ref()
            .take_while(|l| !l.starts_with("```"))
            .collect();
        blocks.push(Block {
            what: what.trim().to_owned(),
            body: body.join("\n") + "\n",
        });
    }
    blocks
}

/// Follows the README's "The library" section in a new project outside the workspace: runs its
/// `cargo add` lines (each `seamapi*` crate with `--path` to its folder, until they are on
/// crates.io), writes its marked code blocks into the project, builds everything and runs the
/// tests. The project shares the workspace's target folder and starts from its lock file, so
/// what the workspace built already is not built again.
pub fn consumer() -> Result<(), String> {
    let root = workspace_root();
    let readme =
        std::fs::read_to_string(root.join("README.md")).map_err(|e| format!("README.md: {e}"))?;
    let blocks = marked_blocks(&readme);
    let shell = blocks
        .iter()
        .find(|b| b.what == "shell")
        .ok_or("README.md: no `<!-- consumer-check: shell -->` block of cargo add lines")?;
    if !blocks.iter().any(|b| b.what == "src/main.rs") {
        return Err("README.md: no `<!-- consumer-check: src/main.rs -->` block".into());
    }
    let ours = publishable()?;

    let app = std::env::temp_dir().join(format!("seam-consumer-check-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&app);
    let result = (|| {
        let mut new = cargo();
        new.args(["new", "--quiet", "--vcs", "none", "--name", "door-app"])
            .arg(&app);
        run("consumer: cargo new door-app (outside the workspace)", new)?;
        std::fs::copy(root.join("Cargo.lock"), app.join("Cargo.lock"))
            .map_err(|e| format!("copying Cargo.lock: {e}"))?;
        for line in shell.body.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let words: Vec<&str> = line.split_whitespace().collect();
            if words.get(..2) != Some(&["cargo", "add"]) {
                return Err(format!(
                    "README.md: the consumer-check shell block may hold only `cargo add` lines, not {line:?}"
                ));
            }
            let mut add = cargo();
            add.args(&words[1..]).current_dir(&app);
            for w in &words[2..] {
                if let Some(p) = ours.iter().find(|p| p.name == *w) {
                    add.arg("--path").arg(&p.dir);
                } else if w.starts_with("seamapi") {
                    return Err(format!(
                        "README.md: `{line}` names {w}, which is not a package of this workspace"
                    ));
                }
            }
            run(&format!("consumer: {line}"), add)?;
        }
        for b in blocks.iter().filter(|b| b.what != "shell") {
            let path = app.join(&b.what);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            std::fs::write(&path, &b.body).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        let mut test = cargo();
        test.args(["test", "--quiet"])
            .current_dir(&app)
            .env("CARGO_TARGET_DIR", target_dir())
            // The README's example is built, not run: it would call Seam's API.
            .env_remove("SEAM_API_KEY");
        run(
            "consumer: cargo test (the README's example builds, its test passes)",
            test,
        )
    })();
    let _ = std::fs::remove_dir_all(&app);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marked_blocks_are_found_with_their_fences_dropped() {
        let readme = "text\n<!-- consumer-check: shell -->\n```sh\ncargo add a\n```\n\n\
                      ```rust\nnot marked\n```\n<!-- consumer-check: src/main.rs -->\n```rust\nfn main() {}\n```\n";
        let blocks = marked_blocks(readme);
        assert_eq!(blocks.len(), 2);
        assert_eq!(
            (blocks[0].what.as_str(), blocks[0].body.as_str()),
            ("shell", "cargo add a\n")
        );
        assert_eq!(
            (blocks[1].what.as_str(), blocks[1].body.as_str()),
            ("src/main.rs", "fn main() {}\n")
        );
    }

    #[test]
    fn a_marker_without_a_fence_after_it_is_no_block() {
        assert!(marked_blocks("<!-- consumer-check: shell -->\ncargo add a\n").is_empty());
    }

    #[test]
    fn the_readme_has_the_blocks_the_check_follows() {
        let readme = std::fs::read_to_string(workspace_root().join("README.md")).unwrap();
        let whats: Vec<String> = marked_blocks(&readme).into_iter().map(|b| b.what).collect();
        assert!(whats.contains(&"shell".to_owned()), "{whats:?}");
        assert!(whats.contains(&"src/main.rs".to_owned()), "{whats:?}");
    }
}
