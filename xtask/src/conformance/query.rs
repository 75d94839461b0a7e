//! Part 3 of `cargo xtask conformance`: the query-string cases against Seam's own serializer.

use std::process::Command;

use super::process::output;
use super::{Env, Report};

/// The query-string cases, relative to the workspace root.
const QUERY_CASES: &str = "crates/seam-core/tests/query_cases.json";

/// The answers in the query-string cases must be the ones Seam's serializer gives: `query.mjs`
/// (copied beside `node_modules`) compares them and exits non-zero listing each difference.
pub(super) fn run(env: &Env, report: &mut Report) -> Result<(), String> {
    let mut cmd = Command::new("node");
    cmd.arg("query.mjs")
        .arg("--cases")
        .arg(crate::workspace_root().join(QUERY_CASES))
        .current_dir(&env.dir);
    let (code, _, stderr) = output("query.mjs", cmd)?;
    for line in stderr.lines() {
        eprintln!("conformance: {line}");
    }
    report.check(code == Some(0), || {
        format!(
            "{QUERY_CASES} is not what @seamapi/url-search-params-serializer writes (query.mjs exit {code:?}): {}",
            stderr.trim()
        )
    });
    Ok(())
}
