//! `seam sandbox serve` as a user runs it (issue 14, part 4): a loopback address unless
//! `--allow-non-loopback`, and a line per request on stderr unless `--quiet`. The line's format
//! is pinned in seamapi-fake, whose server writes it; here, that the command turns it on.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::{Read as _, Write as _};
use std::net::SocketAddr;

use common::{Home, run, seed};
use seamapi_fake::ServeProcess;

/// `seam sandbox serve` with `args`, once it listens.
fn start(home: &Home, args: &[&str]) -> ServeProcess {
    let mut cmd = home.sandbox();
    cmd.args(["sandbox", "serve"]).args(args);
    ServeProcess::start(cmd).unwrap()
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
    let mut server = start(&home, &["--listen", "0.0.0.0:0", "--allow-non-loopback"]);
    let (status, id) = get_jane(server.loopback_addr());
    assert_eq!(status, 200);
    // The line is written before the answer is sent, so it is there to read now.
    let line = server.stderr_line().unwrap();
    let prefix = format!("POST /user_identities/get 200 {id} ");
    assert!(
        line.starts_with(&prefix) && line.ends_with(" ms"),
        "{line:?}"
    );
    let (code, rest) = server.stop().unwrap();
    assert_eq!(code, Some(0));
    assert_eq!(rest, "");
}

#[cfg(unix)]
#[test]
fn quiet_logs_nothing() {
    let home = Home::new("serve-quiet");
    for quiet in ["--quiet", "-q"] {
        let server = start(&home, &[quiet]);
        assert_eq!(get_jane(server.loopback_addr()).0, 200);
        let (code, rest) = server.stop().unwrap();
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
    let server = start(&home, &["--listen", "[::1]:0", "-q"]);
    let (status, _) = get_jane(server.addr());
    assert_eq!(status, 200);
    assert_eq!(server.stop().unwrap().0, Some(0));
}
