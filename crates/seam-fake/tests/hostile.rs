//! The server under hostile clients (issue 15): bounded answers, stalled requests closed,
//! a bounded number of connections, odd transfer codings refused, a shutdown that does not
//! wait for ever, and 500s that do not say where the state file is. Every case runs against
//! a real socket: the in-process `FakeServer` with short limits, or the `seam-fake` binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{BufRead, BufReader, Read as _, Write as _};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{Req, over_tcp, temp_dir};
use seamapi_fake::{FakeSeam, FakeServer, Sandbox, ServerOptions, seed};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const BIN: &str = env!("CARGO_BIN_EXE_seam-fake");

/// How long a test waits for something that must happen before it calls the server hung.
/// Nothing is timed: this only turns a hang into a failure.
const HUNG: Duration = Duration::from_secs(30);

fn short_limits() -> ServerOptions {
    let mut o = ServerOptions::default();
    o.header_read_timeout = Duration::from_millis(300);
    o.body_read_timeout = Duration::from_millis(300);
    o.write_timeout = Duration::from_millis(300);
    o.shutdown_grace = Duration::from_millis(300);
    o
}

async fn start(options: ServerOptions) -> FakeServer {
    FakeServer::start_with("127.0.0.1:0", FakeSeam::new(), options)
        .await
        .unwrap()
}

/// Reads until the server closes the connection: what it sent.
async fn read_until_closed(stream: &mut TcpStream) -> Vec<u8> {
    let mut buf = Vec::new();
    let read = tokio::time::timeout(HUNG, async {
        loop {
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the server kept the connection open");
    buf
}

/// Bug 1: 524,288 bad items in a 1 MiB body got one message each (48 MB); now 50 and a note.
#[tokio::test]
async fn a_megabyte_of_bad_items_gets_an_answer_of_a_few_kilobytes() {
    let server = start(ServerOptions::default()).await;
    let items = vec!["0"; 524_000].join(",");
    let body = format!(r#"{{"acs_system_ids":[{items}]}}"#);
    assert!(body.len() < seamapi_fake::MAX_BODY_BYTES);
    let raw = over_tcp(
        server.local_addr(),
        &Req::post("/user_identities/create", &body),
    )
    .await;
    assert_eq!(raw.status, 400);
    assert_eq!(raw.error_type(), "invalid_input");
    assert!(raw.body.len() < 16 * 1024, "{} bytes", raw.body.len());
    let errors = &raw.json()["error"]["validation_errors"];
    assert_eq!(
        errors["acs_system_ids"]["_errors"]
            .as_array()
            .unwrap()
            .len(),
        50
    );
    assert_eq!(
        errors["_errors"][0],
        "validation stopped after 50 messages: fix these and send again to see the rest"
    );
}

/// Bug 1: a message that quotes the request (an enum value of almost a megabyte) is cut.
#[tokio::test]
async fn a_message_quoting_a_huge_value_is_cut() {
    let server = start(ServerOptions::default()).await;
    // zod quotes a bad enum value back in its message.
    let value = "x".repeat(900_000);
    let body = format!(
        r#"{{"device_id":"{}","max_time_rounding":"{value}"}}"#,
        seed::ACS_USER_IDS[0]
    );
    let raw = over_tcp(
        server.local_addr(),
        &Req::post("/access_codes/create", &body),
    )
    .await;
    assert_eq!(raw.status, 400, "{}", raw.text());
    assert!(raw.body.len() < 4096, "{} bytes", raw.body.len());
    assert!(raw.text().contains("Invalid enum value"), "{}", raw.text());
}

/// Bug 4: half a request head is closed after the header read timeout.
#[tokio::test]
async fn half_a_head_is_closed() {
    let server = start(short_limits()).await;
    let mut stream = TcpStream::connect(server.local_addr()).await.unwrap();
    stream
        .write_all(b"POST /user_identities/get HTTP/1.1\r\nhost: x\r\n")
        .await
        .unwrap();
    read_until_closed(&mut stream).await;
}

/// Bug 4: a connection that sends nothing is closed too (the same timeout: head not in).
#[tokio::test]
async fn an_idle_connection_is_closed() {
    let server = start(short_limits()).await;
    let mut stream = TcpStream::connect(server.local_addr()).await.unwrap();
    assert!(read_until_closed(&mut stream).await.is_empty());
}

/// Bug 4: half a body gets `408 request_timeout`, and the connection is closed.
#[tokio::test]
async fn half_a_body_gets_408_and_is_closed() {
    let server = start(short_limits()).await;
    let mut stream = TcpStream::connect(server.local_addr()).await.unwrap();
    let head = format!(
        "POST /user_identities/get HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {}\r\n\
         content-type: application/json\r\ncontent-length: 100\r\n\r\n{{\"user_",
        seed::API_KEY
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let answer = String::from_utf8_lossy(&read_until_closed(&mut stream).await).into_owned();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("request_timeout"), "{answer}");
}

/// Bug 4: a client that sends requests but never reads the answers is cut off once a write
/// has been blocked for the write timeout (before, the server stopped reading and waited
/// for ever, and so did this client's writes).
#[tokio::test]
async fn a_client_that_never_reads_is_cut_off() {
    let mut options = short_limits();
    options.header_read_timeout = Duration::from_secs(600);
    let server = start(options).await;
    let stream = TcpStream::connect(server.local_addr()).await.unwrap();
    let (_read_half, mut write_half) = stream.into_split();
    let request = format!(
        "GET /acs/users/list HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {}\r\n\r\n",
        seed::API_KEY
    );
    let requests = request.repeat(256);
    let writer = async {
        loop {
            if write_half.write_all(requests.as_bytes()).await.is_err() {
                return;
            }
        }
    };
    assert!(
        tokio::time::timeout(HUNG, writer).await.is_ok(),
        "the server never closed the connection"
    );
}

/// Bug 3: over the limit of connections, one more gets `503 service_unavailable` at once
/// and is closed; when a connection ends, a new one is served.
#[tokio::test]
async fn over_the_connection_limit_a_new_connection_gets_503() {
    let mut options = ServerOptions::default();
    options.max_connections = 2;
    let server = start(options).await;
    let addr = server.local_addr();
    let first = TcpStream::connect(addr).await.unwrap();
    let _second = TcpStream::connect(addr).await.unwrap();
    let mut third = TcpStream::connect(addr).await.unwrap();
    let answer = String::from_utf8_lossy(&read_until_closed(&mut third).await).into_owned();
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("service_unavailable"), "{answer}");
    assert!(answer.contains("seam-request-id"), "{answer}");
    drop(first);
    // The server sees the first connection closed in its own time; until then a new
    // connection may still be refused. A bounded number of tries, no sleep.
    let get = Req::post("/user_identities/get", r#"{"user_identity_key":"jane"}"#);
    for _ in 0..10_000 {
        let raw = over_tcp_or_refused(addr, &get).await;
        if raw == 200 {
            return;
        }
        assert_eq!(raw, 503);
        tokio::task::yield_now().await;
    }
    panic!("no connection was served after one closed");
}

async fn over_tcp_or_refused(addr: SocketAddr, req: &Req) -> u16 {
    over_tcp(addr, req).await.status
}

/// Bug 12: `transfer-encoding: gzip, chunked` is refused (the fake decodes no gzip), not
/// read as if the body were plain.
#[tokio::test]
async fn a_transfer_coding_other_than_chunked_is_refused() {
    let server = start(ServerOptions::default()).await;
    // hyper itself refuses a coding list that does not end with `chunked` (400).
    for (coding, status) in [
        ("gzip, chunked", "501"),
        ("x-custom,chunked", "501"),
        ("identity", "400"),
    ] {
        let mut stream = TcpStream::connect(server.local_addr()).await.unwrap();
        let body = r#"{"user_identity_key":"jane"}"#;
        let request = format!(
            "POST /user_identities/get HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {}\r\n\
             content-type: application/json\r\ntransfer-encoding: {coding}\r\n\r\n{:x}\r\n{body}\r\n0\r\n\r\n",
            seed::API_KEY,
            body.len()
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let answer = String::from_utf8_lossy(&read_until_closed(&mut stream).await).into_owned();
        assert!(
            answer.starts_with(&format!("HTTP/1.1 {status}")),
            "{coding}: {answer}"
        );
        if status == "501" {
            assert!(answer.contains("unsupported_transfer_coding"), "{answer}");
        }
    }
}

/// Bug 12: a sandbox failure is a 500 that does not say where the state file is.
#[tokio::test]
async fn a_500_does_not_name_the_state_file() {
    let dir = temp_dir("hostile-500");
    let path = dir.join("state.json");
    let sandbox = Sandbox::open(&path).unwrap();
    let server = FakeServer::start("127.0.0.1:0", sandbox).await.unwrap();
    std::fs::write(&path, "not json").unwrap();
    let raw = over_tcp(
        server.local_addr(),
        &Req::post("/user_identities/get", r#"{"user_identity_key":"jane"}"#),
    )
    .await;
    assert_eq!(raw.status, 500);
    assert_eq!(raw.error_type(), "internal_server_error");
    let text = raw.text();
    assert!(!text.contains(dir.to_str().unwrap()), "{text}");
    assert!(!text.contains("state.json"), "{text}");
}

/// Bug 4: SIGTERM stops the server although a request is stuck half-sent: pending
/// connections get the grace period, then are cut, and the process exits 0.
#[cfg(unix)]
#[test]
fn sigterm_stops_the_server_despite_a_stalled_request() {
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--shutdown-grace",
            "0.2",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let line: serde_json::Value = serde_json::from_str(&line).unwrap();
    let addr = line["endpoint"]
        .as_str()
        .unwrap()
        .trim_start_matches("http://")
        .to_owned();
    let mut stalled = std::net::TcpStream::connect(&addr).unwrap();
    let head = format!(
        "POST /user_identities/get HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {}\r\n\
         content-type: application/json\r\ncontent-length: 100\r\n\r\n{{\"user_",
        seed::API_KEY
    );
    stalled.write_all(head.as_bytes()).unwrap();
    // The server has read the head once it answers a second request on another connection
    // (requests are served in the order they arrive only per connection, so this only
    // shows the server is up and serving).
    let mut probe = std::net::TcpStream::connect(&addr).unwrap();
    let get = format!(
        "POST /user_identities/get HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\
         authorization: Bearer {}\r\ncontent-type: application/json\r\ncontent-length: 28\r\n\r\n\
         {{\"user_identity_key\":\"jane\"}}",
        seed::API_KEY
    );
    probe.write_all(get.as_bytes()).unwrap();
    let mut answer = String::new();
    probe.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let (tx, rx) = std::sync::mpsc::channel();
    let waiter = std::thread::spawn(move || {
        let status = child.wait();
        let _ = tx.send(());
        (child, status)
    });
    let exited = rx.recv_timeout(HUNG).is_ok();
    if !exited {
        // Do not leave it running: kill it by its pid.
        let _ = Command::new("kill").args(["-KILL", &pid]).status();
    }
    let (_child, status) = waiter.join().unwrap();
    assert!(exited, "SIGTERM did not stop the server");
    assert!(status.unwrap().success());
    // The stalled connection was cut.
    let mut rest = Vec::new();
    let _ = stalled.read_to_end(&mut rest);
}
