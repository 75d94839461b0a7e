//! Other programs run by the task: servers that print their endpoint, scripts run to the end.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::PROCESS_LIMIT;

/// A server process that printed one JSON line on stdout; killed when dropped. It also stops by
/// itself when its stdin closes, so it never outlives this task.
pub(super) struct ServerProcess {
    pub(super) child: Child,
    pub(super) info: Value,
}

impl ServerProcess {
    pub(super) fn start(what: &str, mut cmd: Command) -> Result<Self, String> {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("{what}: could not start: {e}"))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let mut reader = BufReader::new(stdout);
            let _ = tx.send(reader.read_line(&mut line).map(|_| line));
            // Keep reading so the server never blocks on a full pipe.
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
        });
        let mut server = Self {
            child,
            info: Value::Null,
        };
        let line = match rx.recv_timeout(PROCESS_LIMIT) {
            Ok(Ok(line)) if !line.trim().is_empty() => line,
            Ok(Ok(_)) => return Err(format!("{what}: exited before printing its endpoint")),
            Ok(Err(e)) => return Err(format!("{what}: {e}")),
            Err(_) => return Err(format!("{what}: printed no endpoint in {PROCESS_LIMIT:?}")),
        };
        server.info = serde_json::from_str(&line)
            .map_err(|e| format!("{what}: bad startup line {line:?}: {e}"))?;
        Ok(server)
    }

    pub(super) fn endpoint(&self) -> String {
        self.info["endpoint"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `cmd` to the end (at most [`PROCESS_LIMIT`]): exit code, stdout, stderr.
pub(super) fn output(what: &str, cmd: Command) -> Result<(Option<i32>, String, String), String> {
    output_with_input(what, cmd, None)
}

/// [`output`], with `input` written to the process's stdin (none: stdin is empty).
pub(super) fn output_with_input(
    what: &str,
    mut cmd: Command,
    input: Option<Vec<u8>>,
) -> Result<(Option<i32>, String, String), String> {
    let stdin = if input.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    };
    let mut child = cmd
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{what}: could not start: {e}"))?;
    if let (Some(mut pipe), Some(input)) = (child.stdin.take(), input) {
        // From a thread, so a child that does not read cannot block this one.
        std::thread::spawn(move || {
            let _ = std::io::Write::write_all(&mut pipe, &input);
        });
    }
    let reader = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_string(&mut text);
            }
            text
        })
    };
    let out = reader(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = reader(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let deadline = Instant::now() + PROCESS_LIMIT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("{what}: still running after {PROCESS_LIMIT:?}"));
            }
            Err(e) => return Err(format!("{what}: {e}")),
        }
    };
    let out = out.join().unwrap_or_default();
    let err = err.join().unwrap_or_default();
    Ok((status.code(), out, err))
}

/// Runs a script to the end: the last line of its stdout that is a JSON object.
pub(super) fn json_line(what: &str, cmd: Command) -> Result<Value, String> {
    let (code, stdout, stderr) = output(what, cmd)?;
    let line = stdout
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .ok_or_else(|| {
            format!(
                "{what}: exit {code:?}, no JSON line; stderr: {}",
                stderr.trim()
            )
        })?;
    serde_json::from_str(line).map_err(|e| format!("{what}: {e}"))
}
