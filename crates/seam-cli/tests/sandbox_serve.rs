//! `seam sandbox serve` as a user runs it (issue 14, part 4): a loopback address unless
//! `--allow-non-loopback`, and a line per request on stderr unless `--quiet`. The line's format
//! is pinned in seamapi-fake, whose server writes it; here, that the command turns it on.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader, Read as _, Write as _};
use std::net::SocketAddr;
use std::process::{Child, ChildStderr, Command, Stdio};

use common::{Home, run, seed};

/// `seam sandbox serve` with `args`: the process, its port, and its stderr.
fn start(home: &Home, args: &[&str]) -> (Child, u16, BufReader<ChildStderr>) {
    let mut child = home
        .sandbox()
        .args(["sandbox", "serve"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let line: serde_json::Value =
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
    let port = line["endpoint"]
        .as_str()
        .unwrap()
        .rsplit_once(':')
        .unwrap()
        .1
        .parse()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    (child, port, stderr)
}

/// SIGTERM: the exit code and the rest of stderr.
fn stop(mut child: Child, mut stderr: BufReader<ChildStderr>) -> (Option<i32>, String) {
    let sent = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let code = child.wait().unwrap().code();
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    (code, rest)
}

/// `POST /user_identities/get` for jane at `addr`: the status and the request id.
fn get_jane(addr: SocketAddr) -> (u16, String) {
    let body = r#"{"user_identity_key":"jane"}"#;
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "POST /user_identities/get HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\
         authorization: Bearer {}\r\ncontent-type: application/json\r\n\
         content-length: {}\r\n\r\n{body}",
        seed::API_KEY,
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer[9..12].parse().unwrap();
    let id = answer
        .lines()
        .find_map(|l| l.strip_prefix("seam-request-id: "))
        .unwrap()
        .trim()
        .to_owned();
    (status, id)
}

fn loopback(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

#[test]
fn a_non_loopback_address_is_refused_without_the_flag() {
    let home = Home::new("serve-refused");
    for address in ["0.0.0.0:0", "[::]:0"] {
        let out = run(
            home.sandbox(),
            &["sandbox", "serve", "--listen", address],
            None,
        );
        assert_eq!(out.code, 2, "{out:?}");
        assert_eq!(out.stdout, "");
        assert_eq!(
            out.stderr,
            format!(
                "error: usage: refusing to listen on {address}, which is not a loopback \
                 address: the sandbox's keys are published in the docs, so anyone who can \
                 reach the port could use it; listen on 127.0.0.1 (the default), or pass \
                 --allow-non-loopback if you mean it\n"
            )
        );
    }
    // Refused before the state file was opened, so it was not created either.
    assert!(!home.state().exists());
}

/// With the flag it listens on every interface (the test talks to it on loopback), and logs
/// the request on stderr: one line, with the answer's request id.
#[cfg(unix)]
#[test]
fn with_the_flag_it_listens_and_logs_each_request() {
    let home = Home::new("serve-allowed");
    let (child, port, mut stderr) =
        start(&home, &["--listen", "0.0.0.0:0", "--allow-non-loopback"]);
    let (status, id) = get_jane(loopback(port));
    assert_eq!(status, 200);
    // The line is written before the answer is sent, so it is there to read now.
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    let prefix = format!("POST /user_identities/get 200 {id} ");
    assert!(
        line.starts_with(&prefix) && line.ends_with(" ms\n"),
        "{line:?}"
    );
    let (code, rest) = stop(child, stderr);
    assert_eq!(code, Some(0));
    assert_eq!(rest, "");
}

#[cfg(unix)]
#[test]
fn quiet_logs_nothing() {
    let home = Home::new("serve-quiet");
    for quiet in ["--quiet", "-q"] {
        let (child, port, stderr) = start(&home, &[quiet]);
        assert_eq!(get_jane(loopback(port)).0, 200);
        let (code, rest) = stop(child, stderr);
        assert_eq!(code, Some(0));
        assert_eq!(rest, "", "{quiet}");
    }
}

#[cfg(unix)]
#[test]
fn ipv6_loopback_is_accepted_when_the_machine_has_it() {
    if std::net::TcpListener::bind("[::1]:0").is_err() {
        eprintln!("skipped: this machine cannot listen on [::1] (no IPv6 loopback)");
        return;
    }
    let home = Home::new("serve-ipv6");
    let (child, port, stderr) = start(&home, &["--listen", "[::1]:0", "-q"]);
    let (status, _) = get_jane(SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, port)));
    assert_eq!(status, 200);
    assert_eq!(stop(child, stderr).0, Some(0));
}
