//! The fake's server as a separate process, for tests of binaries: `seam-fake serve` and
//! `seam sandbox serve` both print one [`StartupLine`] of JSON on stdout once they listen, log
//! requests on stderr, and stop cleanly on SIGTERM or SIGINT. [`ServeProcess`] starts such a
//! command, waits for that line (no sleeps), and stops it.

use std::io::{self, BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Child, ChildStderr, Command, Stdio};

use serde::Serialize;
use serde_json::Value;

use crate::seed::Seed;

/// What a serve command prints on stdout, as one line of JSON, once it listens: where, the
/// sandbox file it serves (if any), and the seeded ids and keys.
#[derive(Debug, Clone, Serialize)]
pub struct StartupLine {
    /// `http://` and the address it listens on.
    pub endpoint: String,
    /// The sandbox state file, for `seam sandbox serve`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// The seed: workspace, API key, ACS users, user identities.
    #[serde(flatten)]
    pub seed: Seed,
}

/// A running serve command (`seam-fake serve`, `seam sandbox serve`), killed when dropped.
#[derive(Debug)]
pub struct ServeProcess {
    child: Child,
    startup: Value,
    addr: SocketAddr,
    stderr: Option<BufReader<ChildStderr>>,
}

impl ServeProcess {
    /// Starts `command` with stdin closed and stdout and stderr piped, and reads its startup
    /// line. Fails if the command cannot start, or exits or prints anything else first.
    pub fn start(mut command: Command) -> io::Result<Self> {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let mut line = String::new();
        let read = match child.stdout.take() {
            Some(out) => BufReader::new(out).read_line(&mut line),
            None => Ok(0),
        };
        let stderr = child.stderr.take().map(BufReader::new);
        let parsed = read.and_then(|_| {
            let startup: Value = serde_json::from_str(&line).map_err(|e| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("not a startup line ({e}): {line:?}"),
                )
            })?;
            let addr = startup["endpoint"]
                .as_str()
                .and_then(|e| e.strip_prefix("http://"))
                .and_then(|a| a.parse().ok())
                .ok_or_else(|| {
                    io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("the startup line's endpoint is not http://ADDRESS: {line:?}"),
                    )
                })?;
            Ok((startup, addr))
        });
        match parsed {
            Ok((startup, addr)) => Ok(Self {
                child,
                startup,
                addr,
                stderr,
            }),
            Err(e) => {
                let _ = child.kill();
                let mut rest = String::new();
                if let Some(mut err) = stderr {
                    let _ = err.read_to_string(&mut rest);
                }
                let _ = child.wait();
                Err(io::Error::new(e.kind(), format!("{e}; stderr: {rest:?}")))
            }
        }
    }

    /// The startup line (a [`StartupLine`]), as JSON.
    pub fn startup(&self) -> &Value {
        &self.startup
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The address to reach it at: its own, or loopback at its port when it listens on every
    /// address (`0.0.0.0`, `::`).
    pub fn loopback_addr(&self) -> SocketAddr {
        let mut addr = self.addr;
        if addr.ip().is_unspecified() {
            addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
        }
        addr
    }

    /// The next line it writes on stderr (its request log), without the newline; empty at the
    /// end of stderr.
    pub fn stderr_line(&mut self) -> io::Result<String> {
        let mut line = String::new();
        if let Some(err) = self.stderr.as_mut() {
            err.read_line(&mut line)?;
        }
        Ok(line.trim_end_matches('\n').to_owned())
    }

    /// Sends it a signal by name (`TERM`, `INT`) with the system's `kill` command.
    pub fn signal(&self, name: &str) -> io::Result<()> {
        let status = Command::new("kill")
            .args(["-s", name, &self.child.id().to_string()])
            .status()?;
        if status.success() {
            Ok(())
        } else {
            Err(io::Error::other(format!("kill -s {name} failed: {status}")))
        }
    }

    /// Stops it with SIGTERM and waits for it: its exit code (`None` if a signal ended it) and
    /// what it wrote on stderr that was not read yet.
    pub fn stop(mut self) -> io::Result<(Option<i32>, String)> {
        self.signal("TERM")?;
        let code = self.child.wait()?.code();
        let mut rest = String::new();
        if let Some(mut err) = self.stderr.take() {
            err.read_to_string(&mut rest)?;
        }
        Ok((code, rest))
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
