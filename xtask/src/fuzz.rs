//! `cargo xtask fuzz [--seconds N] [--target T] [--merge]`: builds the libFuzzer targets of
//! `fuzz/` with cargo-fuzz and runs each for N seconds (default 60), one after the other.
//!
//! It runs on the stable toolchain, so without a sanitizer (`--sanitizer none`): the
//! targets' own assertions and Rust's panics are what it finds, with libFuzzer's RSS limit
//! and per-input timeout for unbounded memory and hangs. Inputs that reach new code are
//! written to `fuzz/target/new-corpus/<target>/`, never to the committed corpus
//! (`fuzz/corpus/<target>/`, which CI replays as an ordinary test); `--merge` then adds to
//! the committed corpus the fewest of them that reach the code it does not (a set cover of
//! the edges; the files already there stay). A crash fails the task, and it
//! prints the input and the commands that reproduce it. libFuzzer's output goes to
//! `fuzz/target/fuzz-<target>.log`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The libFuzzer options of every run: memory, per-input time and input size limits.
const LIBFUZZER_LIMITS: [&str; 3] = ["-rss_limit_mb=2048", "-timeout=10", "-max_len=65536"];

struct Options {
    seconds: u64,
    target: Option<String>,
    merge: bool,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        seconds: 60,
        target: None,
        merge: false,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => {
                options.seconds = args
                    .next()
                    .and_then(|s| s.parse().ok())
                    .filter(|&s| s > 0)
                    .ok_or("--seconds takes a whole number of seconds above 0")?;
            }
            "--target" => {
                options.target = Some(args.next().ok_or("--target takes a target name")?.clone());
            }
            "--merge" => options.merge = true,
            other => {
                return Err(format!(
                    "unknown fuzz option {other:?}; usage: cargo xtask fuzz [--seconds N] [--target T] [--merge]"
                ));
            }
        }
    }
    Ok(options)
}

/// Runs the task.
pub fn run(args: &[String]) -> Result<(), String> {
    let options = parse(args)?;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .ok_or("xtask has no parent directory")?
        .to_path_buf();
    let fuzz = root.join("fuzz");
    let installed = super::cargo()
        .args(["fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !installed {
        return Err("cargo-fuzz is not installed: run `cargo install cargo-fuzz`".into());
    }
    let all = targets(&fuzz)?;
    let chosen: Vec<String> = match &options.target {
        Some(t) if all.contains(t) => vec![t.clone()],
        Some(t) => return Err(format!("no fuzz target {t:?}; the targets are {all:?}")),
        None => all,
    };

    let mut build = cargo_fuzz(&root);
    build.args(["build", "--sanitizer", "none"]);
    super::run("cargo fuzz build --sanitizer none", build)?;

    let mut failures = Vec::new();
    for target in &chosen {
        if let Err(e) = run_target(&root, target, &options) {
            failures.push(e);
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n"))
    }
}

/// The targets: the files of `fuzz/fuzz_targets/`.
fn targets(fuzz: &Path) -> Result<Vec<String>, String> {
    let dir = fuzz.join("fuzz_targets");
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut names = BTreeSet::new();
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.extension().is_some_and(|e| e == "rs")
            && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
        {
            names.insert(stem.to_owned());
        }
    }
    Ok(names.into_iter().collect())
}

fn cargo_fuzz(root: &Path) -> Command {
    let mut cmd = super::cargo();
    cmd.arg("fuzz").current_dir(root);
    cmd
}

/// The files of `dir` (none when it does not exist).
fn files(dir: &Path) -> BTreeSet<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default()
}

fn run_target(root: &Path, target: &str, options: &Options) -> Result<(), String> {
    let fuzz = root.join("fuzz");
    let corpus = fuzz.join("corpus").join(target);
    let scratch = fuzz.join("target").join("new-corpus").join(target);
    let artifacts = fuzz.join("artifacts").join(target);
    std::fs::create_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    let log_path = fuzz.join("target").join(format!("fuzz-{target}.log"));
    let log =
        std::fs::File::create(&log_path).map_err(|e| format!("{}: {e}", log_path.display()))?;
    let crashes_before = files(&artifacts);

    eprintln!(
        "xtask: fuzzing {target} for {} s (log: {})",
        options.seconds,
        log_path.display()
    );
    let mut cmd = cargo_fuzz(root);
    cmd.args(["run", "--sanitizer", "none", target])
        .arg(&scratch)
        .arg(&corpus)
        .arg("--")
        .arg(format!("-max_total_time={}", options.seconds))
        .args(LIBFUZZER_LIMITS)
        .arg("-print_final_stats=1")
        .stdout(log.try_clone().map_err(|e| e.to_string())?)
        .stderr(log);
    let status = cmd
        .status()
        .map_err(|e| format!("cargo fuzz run {target}: could not start: {e}"))?;
    let output = std::fs::read_to_string(&log_path).unwrap_or_default();
    let stat = |name: &str| {
        output
            .lines()
            .find_map(|l| l.strip_prefix(&format!("stat::{name}:")))
            .map_or("?", str::trim)
    };
    eprintln!(
        "xtask: {target}: {} executions, peak RSS {} MB, {} new inputs in {}",
        stat("number_of_executed_units"),
        stat("peak_rss_mb"),
        files(&scratch).len(),
        scratch.display()
    );

    if !status.success() {
        let crashes: Vec<_> = files(&artifacts)
            .difference(&crashes_before)
            .map(|p| p.display().to_string())
            .collect();
        let mut message = format!(
            "fuzz target {target} failed ({status}); see {}",
            log_path.display()
        );
        for crash in &crashes {
            message.push_str(&format!(
                "\n  input: {crash}\n  reproduce: cargo fuzz run --sanitizer none {target} {crash}\n  keep it as a regression: copy it into fuzz/corpus/{target}/ (replayed by `cargo test --workspace --test fuzz_corpus`)"
            ));
        }
        return Err(message);
    }

    if options.merge {
        let before = files(&corpus).len();
        let mut merge = cargo_fuzz(root);
        merge
            .args(["run", "--sanitizer", "none", target])
            .arg(&corpus)
            .arg(&scratch)
            .arg("--")
            // A set cover of the edges (not of hit counts) keeps the committed corpus small.
            .args(["-set_cover_merge=1", "-use_counters=0"])
            .args(LIBFUZZER_LIMITS)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        super::run(
            &format!("merge new coverage of {target} into the corpus"),
            merge,
        )?;
        eprintln!(
            "xtask: {target}: the corpus went from {before} to {} files",
            files(&corpus).len()
        );
    }
    Ok(())
}
