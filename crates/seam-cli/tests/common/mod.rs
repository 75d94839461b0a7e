//! Running `seam` as a process in a private temporary home.

#![allow(clippy::unwrap_used, dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

pub use seamapi_fake::seed;

pub const BIN: &str = env!("CARGO_BIN_EXE_seam");

/// `seam user-identities add-acs-user` linking the first seeded ACS user to the key `jane`.
pub const ADD_JANE: [&str; 6] = [
    "user-identities",
    "add-acs-user",
    "--user_identity_key",
    "jane",
    "--acs_user_id",
    seed::ACS_USER_IDS[0],
];

/// A temporary home: its own config dir, data dir and sandbox state file.
pub struct Home {
    pub dir: PathBuf,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

impl Home {
    pub fn new(name: &str) -> Self {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!(
            "seamapi-cli-test-{}-{name}-{n}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self { dir }
    }

    pub fn state(&self) -> PathBuf {
        self.dir.join("sandbox.json")
    }

    pub fn config_file(&self) -> PathBuf {
        self.dir.join("config").join("seam").join("config.json")
    }

    /// `seam` with a clean environment pointing at this home (no SEAM_* variables, and none
    /// of this machine's proxy variables or SSL_CERT_FILE).
    pub fn bare(&self) -> Command {
        let mut cmd = Command::new(BIN);
        for (k, _) in std::env::vars_os() {
            let name = k.to_string_lossy().to_ascii_uppercase();
            if name.starts_with("SEAM_") || name.ends_with("_PROXY") || name == "SSL_CERT_FILE" {
                cmd.env_remove(k);
            }
        }
        cmd.env("HOME", &self.dir)
            .env("XDG_CONFIG_HOME", self.dir.join("config"))
            .env("XDG_DATA_HOME", self.dir.join("data"))
            .env("NO_COLOR", "1");
        cmd
    }

    /// `seam --sandbox --sandbox-state <this home's state>`.
    pub fn sandbox(&self) -> Command {
        let mut cmd = self.bare();
        cmd.arg("--sandbox")
            .arg("--sandbox-state")
            .arg(self.state());
        cmd
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// What a process left behind.
#[derive(Debug)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:?}"))
    }

    pub fn ok(self) -> Self {
        assert_eq!(self.code, 0, "{self:?}");
        self
    }
}

/// Runs `cmd` with `args`, feeding `stdin` (or nothing).
pub fn run(mut cmd: Command, args: &[&str], stdin: Option<&str>) -> Out {
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    {
        let mut input = child.stdin.take().unwrap();
        if let Some(s) = stdin {
            input.write_all(s.as_bytes()).unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `seam sandbox serve` on 127.0.0.1:0, killed on drop.
pub struct Server {
    child: Child,
    pub endpoint: String,
    pub line: serde_json::Value,
}

impl Server {
    pub fn start(home: &Home) -> Self {
        let mut cmd = home.sandbox();
        cmd.args(["sandbox", "serve", "--listen", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let mut child = cmd.spawn().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let line: serde_json::Value = serde_json::from_str(&line).unwrap();
        let endpoint = line["endpoint"].as_str().unwrap().to_owned();
        Self {
            child,
            endpoint,
            line,
        }
    }

    /// `seam --endpoint <server> --api-key <seeded key>`.
    pub fn cmd(&self, home: &Home) -> Command {
        let mut cmd = home.bare();
        cmd.args(["--endpoint", &self.endpoint, "--api-key", seed::API_KEY]);
        cmd
    }
}

impl Server {
    /// Sends SIGTERM (by the child's pid) and waits: the exit status.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(sent.success());
        self.child.wait().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback port nothing listens on (bound, then released).
pub fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}
