//! Sandbox durability: a process killed with SIGKILL while it writes the state file leaves
//! either the old state or the new one, never a corrupt file, a held lock, or anything that
//! breaks the next load (issue 8).
//!
//! `seam-fake churn` creates the identities `churn-N`, `churn-N+1`, … one atomic write each
//! (temporary file, `fsync`, rename, `fsync` of the directory) and prints each number once its
//! write is on disk. The test kills it many times over the same file, at moments taken in turn
//! and found by watching the child, never by sleeping:
//!
//! - right after spawning it;
//! - after reading its `k`-th line (`k` = 1…5): between two writes or early in the next one;
//! - as soon as its temporary file exists: in the middle of writing it or of its `fsync`;
//! - as soon as the state file is a new inode: just after the rename, before the directory's
//!   `fsync` and before the line is printed.
//!
//! After each kill the file must parse and hold the last acknowledged generation or the next
//! one, the lock must be free, and the next process must load it. The number of kills defaults
//! to 64; `SEAM_FAKE_KILL_RUNS=1000` runs more.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};

use seamapi_fake::{Sandbox, State, seed};

const BIN: &str = env!("CARGO_BIN_EXE_seam-fake");

/// The generation of a state file: `G` when it holds exactly `churn-1` … `churn-G` (and the
/// seed), with the id counter those `G` creations leave. Panics on anything else.
fn generation(path: &Path) -> u64 {
    let bytes = std::fs::read(path).unwrap();
    let state: State = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
        panic!(
            "the state file does not parse ({e}); {} bytes, ends with {:?}",
            bytes.len(),
            String::from_utf8_lossy(&bytes[bytes.len().saturating_sub(80)..])
        )
    });
    assert_eq!(state.check_links(), Ok(()));
    let churned: BTreeSet<u64> = state
        .user_identities
        .values()
        .filter_map(|u| u.user_identity_key.as_deref()?.strip_prefix("churn-"))
        .map(|n| n.parse().unwrap())
        .collect();
    let g = churned.len() as u64;
    assert_eq!(churned, (1..=g).collect(), "a gap in the generations");
    assert_eq!(state.user_identities.len() as u64, g + 1, "seed plus churn");
    assert_eq!(
        state.next_ids.get(seed::WORKSPACE_ID).copied().unwrap_or(1),
        g + 1,
        "the id counter of generation {g}"
    );
    g
}

fn temporary_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

#[test]
fn sigkill_while_writing_leaves_the_old_or_the_new_state() {
    let runs: u64 = std::env::var("SEAM_FAKE_KILL_RUNS")
        .ok()
        .map(|v| v.parse().expect("SEAM_FAKE_KILL_RUNS is a number"))
        .unwrap_or(64);
    let dir = common::temp_dir("durability");
    let path = dir.join("state.json");
    let lock_path = dir.join("state.json.lock");
    Sandbox::reset(&path).unwrap();
    assert_eq!(generation(&path), 0);

    let mut seen = Seen::default();
    let mut current = 0;
    for run in 0..runs {
        let inode_before = std::fs::metadata(&path).unwrap().ino();
        let mut child = Command::new(BIN)
            .args(["churn", "--state"])
            .arg(&path)
            .args(["--from", &(current + 1).to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut printed = current;
        let moment = run % 8;
        match moment {
            0 => {}
            1..=5 => {
                for _ in 0..moment {
                    let line = lines.next().expect("churn printed a line").unwrap();
                    printed = line.parse().unwrap();
                }
            }
            6 => {
                let ours = format!(".state.json.{}.", child.id());
                watch(&mut child, || {
                    temporary_files(&dir).iter().any(|n| n.starts_with(&ours))
                });
            }
            _ => watch(&mut child, || {
                std::fs::metadata(&path).is_ok_and(|m| m.ino() != inode_before)
            }),
        }
        child.kill().unwrap();
        let status = child.wait().unwrap();
        assert_eq!(
            status.signal(),
            Some(9),
            "churn ended before the kill: {status}, {}",
            std::io::read_to_string(child.stderr.take().unwrap()).unwrap()
        );
        // Lines printed but not read yet are acknowledged writes too.
        for line in lines {
            printed = line.unwrap().parse().unwrap();
        }

        let g = generation(&path);
        assert!(
            g == printed || g == printed + 1,
            "run {run}: the file is at generation {g}, the last acknowledged write was {printed}"
        );
        seen.one_past_the_last_line += u64::from(g == printed + 1);
        seen.temporary_file_left += u64::from(!temporary_files(&dir).is_empty());
        // The lock died with the process.
        let lock = File::open(&lock_path).unwrap();
        lock.try_lock()
            .unwrap_or_else(|e| panic!("run {run}: the lock is still held: {e}"));
        lock.unlock().unwrap();
        current = g;
    }
    // The next load works and sweeps the temporary files of killed writers away.
    let sandbox = Sandbox::open(&path).unwrap();
    assert_eq!(temporary_files(&dir), Vec::<String>::new());
    assert_eq!(
        sandbox
            .state()
            .unwrap()
            .user_identity_by_key(seed::WORKSPACE_ID, &format!("churn-{current}"))
            .is_some(),
        current > 0
    );
    eprintln!(
        "{runs} kills: final generation {current}; the file was one write past the last printed \
         line {} times; a temporary file was left {} times",
        seen.one_past_the_last_line, seen.temporary_file_left
    );
}

/// What the kills found, for the record (which moments land depends on the machine).
#[derive(Default)]
struct Seen {
    one_past_the_last_line: u64,
    temporary_file_left: u64,
}

/// Polls `happened` until it holds; fails if the child exits first.
fn watch(child: &mut std::process::Child, mut happened: impl FnMut() -> bool) {
    while !happened() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("churn exited before the moment to kill it: {status}");
        }
        std::thread::yield_now();
    }
}

#[test]
fn churn_writes_the_generations_it_prints_and_refuses_a_taken_one() {
    let dir = common::temp_dir("churn");
    let path = dir.join("state.json");
    let out = Command::new(BIN)
        .args(["churn", "--state"])
        .arg(&path)
        .args(["--writes", "3"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "1\n2\n3\n");
    assert_eq!(generation(&path), 3);
    // churn-3 exists already: refused, exit 2, nothing written.
    let out = Command::new(BIN)
        .args(["churn", "--state"])
        .arg(&path)
        .args(["--from", "3", "--writes", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("user_identity_key_taken"),
        "{out:?}"
    );
    assert_eq!(generation(&path), 3);
}

#[test]
fn open_removes_only_this_sandboxs_temporary_files() {
    let dir = common::temp_dir("stale");
    let path = dir.join("state.json");
    Sandbox::reset(&path).unwrap();
    let stale = dir.join(".state.json.4242.7.tmp");
    std::fs::write(&stale, "{ half a write").unwrap();
    let other = dir.join(".other.json.4242.7.tmp");
    std::fs::write(&other, "another sandbox's").unwrap();
    let sandbox = Sandbox::open(&path).unwrap();
    assert!(!stale.exists());
    assert!(other.exists());
    assert_eq!(sandbox.state().unwrap(), State::seeded());
}
