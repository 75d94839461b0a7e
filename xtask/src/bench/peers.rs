//! Seam's official SDKs, through the scripts of `../shared/peers`.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::sample::Row;
use super::{ACS_USER_ID, API_KEY, USER_IDENTITY_ID};

pub(super) struct Peers {
    pub(super) dir: PathBuf,
    pub(super) scripts_dir: PathBuf,
    pub(super) js: bool,
    pub(super) python: bool,
    /// Extra environment for the scripts (the test CA's variables over TLS).
    pub(super) env: Vec<(String, String)>,
}

impl Peers {
    pub(super) fn find(root: &Path, notes: &mut Vec<String>) -> Self {
        let dir = std::env::var_os("SEAM_PEERS_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/tmp/seam-peers"));
        let scripts_dir = root.join("../shared/peers");
        let js = dir.join("node_modules/@seamapi/http/package.json").exists()
            && scripts_dir.join("js-add-acs-user.mjs").exists();
        let python =
            dir.join("venv/bin/python").exists() && scripts_dir.join("py_add_acs_user.py").exists();
        if !js {
            notes.push(format!(
                "seam-js: skipped, not installed in {} (run ../shared/peers/setup.sh)",
                dir.display()
            ));
        }
        if !python {
            notes.push(format!(
                "seam-python: skipped, not installed in {} (run ../shared/peers/setup.sh)",
                dir.display()
            ));
        }
        Self {
            dir,
            scripts_dir,
            js,
            python,
            env: Vec::new(),
        }
    }

    pub(super) fn scripts(&self) -> Vec<(&'static str, PathBuf)> {
        let mut v = Vec::new();
        if self.js {
            v.push(("seam-js", self.scripts_dir.join("js-add-acs-user.mjs")));
        }
        if self.python {
            v.push(("seam-python", self.scripts_dir.join("py_add_acs_user.py")));
        }
        v
    }

    /// Runs one peer script (sequential calls, so concurrency 1) and reads its JSON line.
    pub(super) fn run(
        &self,
        client: &str,
        script: &Path,
        endpoint: &str,
        calls: usize,
    ) -> Result<Row, String> {
        let program = if client == "seam-js" {
            PathBuf::from("node")
        } else {
            self.dir.join("venv/bin/python")
        };
        let mut child = Command::new(program)
            .arg(script)
            .arg(calls.to_string())
            .arg(format!("--endpoint={endpoint}"))
            .arg(format!("--api-key={API_KEY}"))
            .arg(format!("--user-identity-id={USER_IDENTITY_ID}"))
            .arg(format!("--acs-user-ids={ACS_USER_ID}"))
            .arg("--warmup=20")
            .env("SEAM_PEERS_DIR", &self.dir)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("could not start: {e}"))?;
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            match child.try_wait() {
                Ok(Some(_)) => break,
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Ok(None) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err("timed out after 120 s".into());
                }
                Err(e) => return Err(format!("waiting: {e}")),
            }
        }
        let mut out = String::new();
        let mut err = String::new();
        if let Some(mut s) = child.stdout.take() {
            let _ = s.read_to_string(&mut out);
        }
        if let Some(mut s) = child.stderr.take() {
            let _ = s.read_to_string(&mut err);
        }
        let line = out
            .lines()
            .rev()
            .find(|l| l.trim_start().starts_with('{'))
            .ok_or_else(|| format!("no JSON line; stderr: {}", err.trim()))?;
        let v: serde_json::Value =
            serde_json::from_str(line).map_err(|e| format!("bad JSON line {line:?}: {e}"))?;
        let n = v["n"].as_u64().unwrap_or(0) as usize;
        let errors = v["errors"].as_u64().unwrap_or(0) as usize;
        let rps = v["requests_per_s"].as_f64().unwrap_or(0.0);
        let mean_ms = v["mean_ms"].as_f64().unwrap_or(0.0);
        if errors == n && n > 0 {
            return Err(format!("every call failed; stderr: {}", err.trim()));
        }
        Ok(Row {
            client: client.to_owned(),
            server: "minimal",
            concurrency: 1,
            requests: n,
            errors,
            rps,
            p50_us: None,
            p99_us: None,
            mean_us: mean_ms * 1000.0,
            round_rps: Vec::new(),
        })
    }
}
