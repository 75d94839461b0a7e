//! Fault and hostile-input scenarios (issue 8), run for both facades by the `faults` test files
//! with [`fault_tests!`](crate::fault_tests). Every case uses a real server on 127.0.0.1:0
//! misbehaving in one way, a per-attempt timeout of 200 ms and an overall deadline of 2 s, and
//! checks the typed error (or the retry to success) and how many requests reached the server.
//! Nothing here waits on a clock: delays exist only inside the server, to misbehave.

use std::time::Duration;

use bytes::Bytes;
use seamapi::routes::{AddAcsUser, CreateUserIdentity, UserIdentityRef};
use seamapi_core::{Error, RetryPolicy, TransportErrorKind};
use seamapi_transport::HyperTransport;
use seamapi_transport::test_util::{Reply, TestServer};

use super::{Facade, KEY, add, fast_policy};

/// The per-attempt timeout of every fault case.
pub const ATTEMPT: Duration = Duration::from_millis(200);
/// The overall deadline of every fault case.
pub const DEADLINE: Duration = Duration::from_secs(2);

const OK: &str = r#"{"ok":true}"#;

/// Fast backoff, three attempts, a 2 s deadline.
pub fn policy() -> RetryPolicy {
    let mut p = fast_policy();
    p.total_timeout = DEADLINE;
    p
}

fn builder<F: Facade>(url: &str, token: &str) -> seamapi::SeamBuilder<F::Client> {
    seamapi::SeamBuilder::<F::Client>::default()
        .api_key(token)
        .endpoint(url)
        .timeout(ATTEMPT)
        .retry_policy(policy())
}

/// A client of `url` with the fault cases' timeouts.
pub fn client<F: Facade>(url: &str) -> F::Client {
    builder::<F>(url, KEY).build().unwrap()
}

fn create() -> CreateUserIdentity {
    CreateUserIdentity::new().user_identity_key("jane")
}

fn transport_kind(e: &Error) -> TransportErrorKind {
    match e {
        Error::Transport(t) => t.kind(),
        other => panic!("expected a transport error, got {other:?}"),
    }
}

// --- The connection fails -----------------------------------------------------------------

pub fn reset_before_answering_is_retried_to_success<F: Facade>() {
    let server = TestServer::script(vec![Reply::Reset, Reply::json(200, OK)]);
    F::add_acs_user(&client::<F>(server.url()), add()).unwrap();
    assert_eq!(server.count(), 2);
}

pub fn reset_before_answering_every_time_is_reported_after_three_attempts<F: Facade>() {
    let server = TestServer::always(Reply::Reset);
    let e = F::add_acs_user(&client::<F>(server.url()), add()).unwrap_err();
    assert_eq!(transport_kind(&e), TransportErrorKind::Io, "{e:?}");
    assert_eq!(server.count(), 3);
}

pub fn reset_before_answering_a_create_is_not_retried<F: Facade>() {
    let server = TestServer::always(Reply::Reset);
    let e = F::create(&client::<F>(server.url()), create()).unwrap_err();
    let Error::Transport(t) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(t.kind(), TransportErrorKind::Io);
    assert!(t.may_have_reached_server());
    assert_eq!(server.count(), 1);
}

pub fn close_after_the_request_is_read_is_retried_to_success<F: Facade>() {
    let server = TestServer::script(vec![Reply::Close, Reply::json(200, OK)]);
    F::add_acs_user(&client::<F>(server.url()), add()).unwrap();
    assert_eq!(server.count(), 2);
}

pub fn close_after_the_request_is_read_a_create_is_not_retried<F: Facade>() {
    let server = TestServer::always(Reply::Close);
    let e = F::create(&client::<F>(server.url()), create()).unwrap_err();
    let Error::Transport(t) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(t.kind(), TransportErrorKind::Io);
    assert!(
        t.may_have_reached_server(),
        "the server read it: it may have acted"
    );
    assert_eq!(
        server.count(),
        1,
        "a create that may have landed is not sent again"
    );
}

fn cut_off(declared: usize, sent: &str) -> Bytes {
    Bytes::from(format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {declared}\r\n\r\n{sent}"
    ))
}

pub fn reset_mid_body_is_retried_to_success<F: Facade>() {
    let server = TestServer::script(vec![
        Reply::RawThenReset(cut_off(100, r#"{"ok":tr"#)),
        Reply::json(200, OK),
    ]);
    F::add_acs_user(&client::<F>(server.url()), add()).unwrap();
    assert_eq!(server.count(), 2);
}

pub fn reset_mid_body_every_time_is_a_transport_error<F: Facade>() {
    let server = TestServer::always(Reply::RawThenReset(cut_off(100, r#"{"ok":tr"#)));
    let e = F::add_acs_user(&client::<F>(server.url()), add()).unwrap_err();
    assert_eq!(transport_kind(&e), TransportErrorKind::Io, "{e:?}");
    assert_eq!(server.count(), 3);
}

pub fn reset_mid_body_of_a_create_is_not_retried<F: Facade>() {
    let server = TestServer::always(Reply::RawThenReset(cut_off(100, r#"{"user_"#)));
    let e = F::create(&client::<F>(server.url()), create()).unwrap_err();
    assert_eq!(transport_kind(&e), TransportErrorKind::Io, "{e:?}");
    assert_eq!(server.count(), 1);
}

pub fn truncated_body_is_a_transport_error_not_a_success<F: Facade>() {
    // `{"ok":true}` is complete JSON, but the head promised more: the answer is cut off.
    let server = TestServer::always(Reply::truncated(200, OK, 100));
    let e = F::add_acs_user(&client::<F>(server.url()), add()).unwrap_err();
    assert_eq!(transport_kind(&e), TransportErrorKind::Io, "{e:?}");
    assert_eq!(server.count(), 3);
}

pub fn truncated_body_is_retried_to_success<F: Facade>() {
    let server = TestServer::script(vec![Reply::truncated(200, OK, 100), Reply::json(200, OK)]);
    F::add_acs_user(&client::<F>(server.url()), add()).unwrap();
    assert_eq!(server.count(), 2);
}

pub fn truncated_body_of_a_create_is_not_retried<F: Facade>() {
    let server = TestServer::always(Reply::truncated(201, r#"{"user_identity":"#, 1000));
    let e = F::create(&client::<F>(server.url()), create()).unwrap_err();
    assert_eq!(transport_kind(&e), TransportErrorKind::Io, "{e:?}");
    assert_eq!(server.count(), 1);
}

pub fn chunked_body_cut_off_is_a_transport_error<F: Facade>() {
    let server = TestServer::always(Reply::Raw(Bytes::from_static(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nb\r\n{\"ok\":true}\r\n",
    )));
    let e = F::add_acs_user(&client::<F>(server.url()), add()).unwrap_err();
    assert_eq!(transport_kind(&e), TransportErrorKind::Io, "{e:?}");
    assert_eq!(server.count(), 3);
}

/// Reads one request (head and `content-length` bytes of body) from `conn`, or `false` at EOF.
fn read_request(conn: &mut std::net::TcpStream) -> bool {
    use std::io::Read;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            if buf.len() >= end + 4 + length {
                return true;
            }
        }
        match conn.read(&mut chunk) {
            Ok(0) | Err(_) => return false,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

fn listener_port(url: &str) -> u16 {
    url.rsplit(':').next().and_then(|p| p.parse().ok()).unwrap()
}

/// Waits until no socket of this machine to `127.0.0.1:port` is in CLOSE_WAIT (the peer has
/// closed, this end not yet), reading `/proc/net/tcp`; at most 10 s.
fn wait_until_no_close_wait_to(port: u16) {
    const CLOSE_WAIT: &str = "08";
    let remote = format!("0100007F:{port:04X}");
    let give_up = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let table = std::fs::read_to_string("/proc/net/tcp").unwrap();
        let waiting = table.lines().skip(1).any(|line| {
            let cols: Vec<&str> = line.split_whitespace().collect();
            cols.get(2) == Some(&remote.as_str()) && cols.get(3) == Some(&CLOSE_WAIT)
        });
        if !waiting {
            return;
        }
        assert!(
            std::time::Instant::now() < give_up,
            "the client never closed its end of the connection the server closed"
        );
        std::thread::yield_now();
    }
}

/// A keep-alive connection that the server closed while the client was idle (as servers and
/// load balancers close idle connections) must not be used for the next call, not even for a
/// `create`, which is never retried once it may have reached the server.
pub fn a_connection_the_server_closed_while_idle_is_not_used_again<F: Facade>() {
    use std::io::Write;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (close, close_rx) = std::sync::mpsc::channel::<()>();
    let (closed_tx, closed) = std::sync::mpsc::channel::<()>();
    let body = super::identity_json("68dd3d7e-c90b-4c89-ad70-3e589014ed87");
    let answer = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{{\"user_identity\":{body}}}",
        body.len() + r#"{"user_identity":}"#.len()
    );
    let server = std::thread::spawn(move || {
        let mut served = 0;
        for round in 0..2 {
            let Ok((mut conn, _)) = listener.accept() else {
                break;
            };
            // Every request that arrives on this connection is answered; the first
            // connection is closed as soon as the client is idle and the test says so.
            while read_request(&mut conn) {
                served += 1;
                if conn.write_all(answer.as_bytes()).is_err() {
                    break;
                }
                if round == 0 {
                    let _ = close_rx.recv();
                    let _ = conn.shutdown(std::net::Shutdown::Both);
                    drop(conn);
                    let _ = closed_tx.send(());
                    break;
                }
            }
        }
        served
    });
    let port = listener_port(&url);
    let c = client::<F>(&url);
    F::create(&c, create()).unwrap();
    close.send(()).unwrap();
    closed.recv().unwrap();
    if F::WATCHES_CONNECTIONS_BETWEEN_CALLS {
        // A runtime that runs between calls sees the close on its own, moments later; the
        // case is about a close the client has had the chance to see, so wait for that
        // (the client's end leaving CLOSE_WAIT) rather than race it.
        wait_until_no_close_wait_to(port);
    }
    F::create(&c, create()).unwrap();
    drop(c);
    assert_eq!(server.join().unwrap(), 2);
}

// --- The server answers with something else -------------------------------------------------

const BAD_GATEWAY: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

pub fn html_502_is_retried_then_an_unexpected_response<F: Facade>() {
    let server = TestServer::always(Reply::html(502, BAD_GATEWAY));
    let e = F::add_acs_user(&client::<F>(server.url()), add()).unwrap_err();
    let Error::UnexpectedResponse(u) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(u.status, http::StatusCode::BAD_GATEWAY);
    assert!(u.body_excerpt.contains("502 Bad Gateway"), "{u:?}");
    assert_eq!(server.count(), 3);
}

pub fn html_502_then_success<F: Facade>() {
    let server = TestServer::script(vec![Reply::html(502, BAD_GATEWAY), Reply::json(200, OK)]);
    F::add_acs_user(&client::<F>(server.url()), add()).unwrap();
    assert_eq!(server.count(), 2);
}

pub fn html_502_to_a_create_is_not_retried<F: Facade>() {
    let server = TestServer::always(Reply::html(502, BAD_GATEWAY));
    let e = F::create(&client::<F>(server.url()), create()).unwrap_err();
    assert_eq!(e.status(), Some(http::StatusCode::BAD_GATEWAY), "{e:?}");
    assert_eq!(server.count(), 1);
}

pub fn not_http_at_all_is_a_transport_error<F: Facade>() {
    let server = TestServer::always(Reply::Raw(Bytes::from_static(
        b"SSH-2.0-OpenSSH_9.6\r\n\r\n",
    )));
    let e = F::add_acs_user(&client::<F>(server.url()), add()).unwrap_err();
    assert_eq!(transport_kind(&e), TransportErrorKind::Io, "{e:?}");
    assert_eq!(server.count(), 3);
}

pub fn a_head_of_a_megabyte_is_a_transport_error<F: Facade>() {
    let head = format!(
        "HTTP/1.1 200 OK\r\nx-junk: {}\r\ncontent-length: 2\r\n\r\n{{}}",
        "a".repeat(1024 * 1024)
    );
    let server = TestServer::always(Reply::Raw(Bytes::from(head)));
    let e = F::create(&client::<F>(server.url()), create()).unwrap_err();
    assert_eq!(transport_kind(&e), TransportErrorKind::Io, "{e:?}");
    assert_eq!(server.count(), 1);
}

// --- The server is too slow -----------------------------------------------------------------

pub fn headers_never_sent_time_out_each_attempt<F: Facade>() {
    let server = TestServer::always(Reply::Hang);
    let e = F::add_acs_user(&client::<F>(server.url()), add()).unwrap_err();
    assert_eq!(transport_kind(&e), TransportErrorKind::Timeout, "{e:?}");
    assert_eq!(server.count(), 3);
}

/// A body of `len` bytes of valid JSON: `{"ok":true}` padded with spaces.
fn padded_ok(len: usize) -> String {
    format!("{OK}{}", " ".repeat(len.saturating_sub(OK.len())))
}

pub fn trickled_body_slower_than_the_timeout_times_out<F: Facade>() {
    // 64 bytes, one every 50 ms: 3.2 s per answer against a 200 ms attempt.
    let server = TestServer::always(Reply::trickle(
        200,
        &padded_ok(64),
        Duration::from_millis(50),
    ));
    let e = F::add_acs_user(&client::<F>(server.url()), add()).unwrap_err();
    assert_eq!(transport_kind(&e), TransportErrorKind::Timeout, "{e:?}");
    assert_eq!(server.count(), 3);
}

pub fn trickled_body_to_a_create_is_not_retried<F: Facade>() {
    let server = TestServer::always(Reply::trickle(
        200,
        &padded_ok(64),
        Duration::from_millis(50),
    ));
    let e = F::create(&client::<F>(server.url()), create()).unwrap_err();
    assert!(e.is_timeout(), "{e:?}");
    assert_eq!(server.count(), 1);
}

pub fn trickle_past_the_deadline_is_a_deadline_error<F: Facade>() {
    // A long per-attempt timeout: only the overall deadline (300 ms) can end the call.
    let server = TestServer::always(Reply::trickle(
        200,
        &padded_ok(64),
        Duration::from_millis(50),
    ));
    let mut p = policy();
    p.total_timeout = Duration::from_millis(300);
    let c = builder::<F>(server.url(), KEY)
        .timeout(Duration::from_secs(60))
        .retry_policy(p)
        .build()
        .unwrap();
    let e = F::add_acs_user(&c, add()).unwrap_err();
    assert!(
        matches!(e, Error::DeadlineExceeded { attempts: 1, .. }),
        "{e:?}"
    );
}

// --- Rate limiting --------------------------------------------------------------------------

fn rate_limited(retry_after: &str) -> Reply {
    Reply::json(
        429,
        r#"{"error":{"type":"rate_limited","message":"slow down"},"ok":false}"#,
    )
    .header("retry-after", retry_after)
}

pub fn huge_retry_after_is_capped_then_success<F: Facade>() {
    let server = TestServer::script(vec![rate_limited("999999999999"), Reply::json(200, OK)]);
    // The backoff alone would pass the deadline: the retry can only come from the capped
    // `Retry-After`.
    let mut p = policy();
    p.initial_backoff = Duration::from_secs(600);
    p.max_backoff = Duration::from_secs(600);
    p.max_retry_after = Duration::from_millis(10);
    let c = builder::<F>(server.url(), KEY)
        .retry_policy(p)
        .build()
        .unwrap();
    F::add_acs_user(&c, add()).unwrap();
    assert_eq!(server.count(), 2);
}

pub fn huge_retry_after_beyond_the_deadline_stops_at_once<F: Facade>() {
    // The default cap (30 s) is past the 2 s deadline: give up now, not in 30 s.
    let server = TestServer::always(rate_limited("999999999999"));
    let e = F::add_acs_user(&client::<F>(server.url()), add()).unwrap_err();
    let Error::DeadlineExceeded { attempts, last, .. } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(*attempts, 1);
    assert_eq!(last.error_type(), Some("rate_limited"));
    assert_eq!(e.status(), Some(http::StatusCode::TOO_MANY_REQUESTS));
    assert_eq!(server.count(), 1);
}

pub fn invalid_retry_after_falls_back_to_the_backoff<F: Facade>() {
    for value in [
        "soon",
        "-5",
        "1e999",
        "NaN",
        "Thu, 99 Foo 2024 99:99:99 GMT",
        "",
    ] {
        let server = TestServer::script(vec![rate_limited(value), Reply::json(200, OK)]);
        F::add_acs_user(&client::<F>(server.url()), add())
            .unwrap_or_else(|e| panic!("Retry-After {value:?}: {e:?}"));
        assert_eq!(server.count(), 2, "Retry-After {value:?}");
    }
}

pub fn rate_limited_every_time_is_reported_as_rate_limited<F: Facade>() {
    let server = TestServer::always(rate_limited("0"));
    let e = F::add_acs_user(&client::<F>(server.url()), add()).unwrap_err();
    assert_eq!(e.error_type(), Some("rate_limited"), "{e:?}");
    assert_eq!(e.status(), Some(http::StatusCode::TOO_MANY_REQUESTS));
    assert_eq!(server.count(), 3);
}

// --- Hostile bodies -------------------------------------------------------------------------

const CAP: usize = 4096;

fn capped<F: Facade>(url: &str) -> F::Client {
    builder::<F>(url, KEY)
        .transport(
            HyperTransport::builder()
                .max_response_bytes(CAP)
                .build()
                .unwrap(),
        )
        .build()
        .unwrap()
}

pub fn body_larger_than_the_cap_is_refused_and_not_retried<F: Facade>() {
    let server = TestServer::always(Reply::json(200, &padded_ok(4 * 1024 * 1024)));
    let e = F::add_acs_user(&capped::<F>(server.url()), add()).unwrap_err();
    assert_eq!(
        transport_kind(&e),
        TransportErrorKind::BodyTooLarge,
        "{e:?}"
    );
    assert_eq!(server.count(), 1, "a too-large answer stays too large");
}

pub fn error_body_larger_than_the_cap_is_refused<F: Facade>() {
    let server = TestServer::always(Reply::text(500, &"x".repeat(CAP + 1)));
    let e = F::add_acs_user(&capped::<F>(server.url()), add()).unwrap_err();
    assert_eq!(
        transport_kind(&e),
        TransportErrorKind::BodyTooLarge,
        "{e:?}"
    );
    assert_eq!(server.count(), 1);
}

pub fn body_at_the_cap_is_accepted<F: Facade>() {
    let server = TestServer::always(Reply::json(200, &padded_ok(CAP)));
    F::add_acs_user(&capped::<F>(server.url()), add()).unwrap();
}

pub fn invalid_utf8_body_is_an_unexpected_response<F: Facade>() {
    let server = TestServer::always(Reply::bytes(200, "application/json", &b"\xff\xfe{}"[..]));
    let e = F::add_acs_user(&client::<F>(server.url()), add()).unwrap_err();
    let Error::UnexpectedResponse(u) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(u.status, http::StatusCode::OK);
    assert!(u.body_excerpt.starts_with("\u{fffd}\u{fffd}"), "{u:?}");
    assert_eq!(server.count(), 1, "a 200 is final, even an unreadable one");
}

pub fn invalid_utf8_in_a_decoded_field_is_an_unexpected_response<F: Facade>() {
    // A 0xff byte inside the display name, a field the identity keeps.
    let json = format!(
        r#"{{"user_identity":{},"ok":true}}"#,
        super::identity_json(super::UID)
    )
    .replace(r#""display_name":"Jane""#, r#""display_name":"J@ne""#);
    let bytes: Vec<u8> = json
        .bytes()
        .map(|b| if b == b'@' { 0xff } else { b })
        .collect();
    let server = TestServer::always(Reply::bytes(200, "application/json", bytes));
    let e = F::create(&client::<F>(server.url()), create()).unwrap_err();
    let Error::UnexpectedResponse(u) = &e else {
        panic!("{e:?}")
    };
    assert!(u.reason.contains("unicode"), "{u:?}");
}

pub fn invalid_utf8_in_an_ignored_field_of_a_200_is_still_success<F: Facade>() {
    // add_acs_user reads nothing from its answer; unknown fields are skipped, unread.
    let body: &[u8] = b"{\"ok\":true,\"x\":\"\xff\xfe\"}";
    let server = TestServer::always(Reply::bytes(200, "application/json", body));
    F::add_acs_user(&client::<F>(server.url()), add()).unwrap();
    assert_eq!(server.count(), 1);
}

pub fn invalid_utf8_in_an_error_is_an_unexpected_response<F: Facade>() {
    let body: &[u8] = b"{\"error\":{\"type\":\"\xff\",\"message\":\"x\"}}";
    let server = TestServer::always(Reply::bytes(404, "application/json", body));
    let e = F::add_acs_user(&client::<F>(server.url()), add()).unwrap_err();
    assert!(matches!(e, Error::UnexpectedResponse(_)), "{e:?}");
    assert_eq!(e.status(), Some(http::StatusCode::NOT_FOUND));
}

pub fn invalid_utf8_in_a_401_is_still_unauthorized<F: Facade>() {
    let server = TestServer::always(Reply::bytes(401, "text/plain", &b"Unauthorized \xff"[..]));
    let e = F::add_acs_user(&client::<F>(server.url()), add()).unwrap_err();
    assert!(e.is_unauthorized(), "{e:?}");
}

fn nested(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

pub fn json_nested_10000_deep_is_refused_without_overflow<F: Facade>() {
    let server = TestServer::always(Reply::json(200, &nested(10_000)));
    let e = F::add_acs_user(&client::<F>(server.url()), add()).unwrap_err();
    let Error::UnexpectedResponse(u) = &e else {
        panic!("{e:?}")
    };
    assert!(u.truncated && u.body_excerpt.len() <= 512, "{u:?}");
}

pub fn json_nested_10000_deep_in_an_ignored_field_is_skipped<F: Facade>() {
    // Skipped without recursion, so no stack overflow; add_acs_user reads nothing from it.
    let body = format!(r#"{{"ok":true,"x":{}}}"#, nested(10_000));
    let server = TestServer::always(Reply::json(200, &body));
    F::add_acs_user(&client::<F>(server.url()), add()).unwrap();
}

pub fn json_nested_10000_deep_in_a_create_is_refused<F: Facade>() {
    let body = format!(r#"{{"user_identity":{}}}"#, nested(10_000));
    let server = TestServer::always(Reply::json(200, &body));
    let e = F::create(&client::<F>(server.url()), create()).unwrap_err();
    assert!(matches!(e, Error::UnexpectedResponse(_)), "{e:?}");
}

pub fn json_nested_10000_deep_in_error_data_is_an_unexpected_response<F: Facade>() {
    let body = format!(
        r#"{{"error":{{"type":"acs_user_not_found","message":"x","data":{}}}}}"#,
        nested(10_000)
    );
    let server = TestServer::always(Reply::json(404, &body));
    let e = F::add_acs_user(&client::<F>(server.url()), add()).unwrap_err();
    assert!(matches!(e, Error::UnexpectedResponse(_)), "{e:?}");
    assert_eq!(e.status(), Some(http::StatusCode::NOT_FOUND));
}

// --- Configuration refused before anything is sent ----------------------------------------

pub fn tokens_with_control_or_invisible_characters_are_refused<F: Facade>() {
    for token in [
        "seam_key\r\nx-evil: 1",
        "seam_key\n",
        "seam_key\0",
        "seam key",
        "seam_key\u{200b}",
        "seam_kéy",
        "seam_key\t",
    ] {
        let e = builder::<F>("http://127.0.0.1:9", token)
            .build()
            .map(|_| ())
            .unwrap_err();
        assert!(
            matches!(
                e,
                Error::Config(seamapi_core::ConfigError::UnsafeToken { .. })
            ),
            "{token:?}: {e:?}"
        );
        let text = e.to_string();
        assert!(text.contains("control or non-ASCII"), "{text}");
        assert!(
            !text.contains("seam_k"),
            "the message never echoes the token: {text}"
        );
    }
}

pub fn plain_http_to_a_remote_host_is_refused_unless_allowed<F: Facade>() {
    for url in [
        "http://example.com",
        "http://10.0.0.1:8080",
        "http://connect.getseam.com",
    ] {
        let e = builder::<F>(url, KEY).build().map(|_| ()).unwrap_err();
        assert!(
            matches!(
                e,
                Error::Config(seamapi_core::ConfigError::InsecureEndpoint { .. })
            ),
            "{url}: {e:?}"
        );
        builder::<F>(url, KEY)
            .allow_insecure_http(true)
            .build()
            .unwrap_or_else(|e| panic!("{url} allowed: {e:?}"));
    }
    for url in [
        "http://127.0.0.1:9",
        "http://localhost:9",
        "http://[::1]:9",
        "https://example.com",
    ] {
        builder::<F>(url, KEY)
            .build()
            .unwrap_or_else(|e| panic!("{url}: {e:?}"));
    }
}

// --- Secrets --------------------------------------------------------------------------------

/// The token every secrets case uses; it must appear nowhere but in the request.
pub const SECRET: &str = "seam_secret_token_do_not_leak_42";

/// Everything a caller or a log could see of `e`: `Display`, `Debug`, `{:#?}` and every source.
fn visible(e: &Error) -> String {
    let mut text = format!("{e}\n{e:?}\n{e:#?}\n");
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(&format!("{s}\n{s:?}\n"));
        source = s.source();
    }
    text
}

fn assert_no_secret(what: &str, text: &str) {
    assert!(
        !text.contains(SECRET) && !text.contains("do_not_leak"),
        "{what} leaks the token: {text}"
    );
}

pub fn no_error_path_leaks_the_token<F: Facade>()
where
    F::Client: std::fmt::Debug,
{
    capture::install();
    let refused_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let refused = format!("http://127.0.0.1:{refused_port}");
    let mut seen = Vec::new();

    // Configuration errors, with the token inside the refused input.
    let configs: Vec<(&str, seamapi::SeamBuilder<F::Client>)> = vec![
        (
            "token with CR/LF",
            builder::<F>(&refused, &format!("{SECRET}\r\nx-evil: 1")),
        ),
        (
            "token with a space",
            builder::<F>(&refused, &format!("{SECRET} ")),
        ),
        (
            "api key given as a personal access token",
            seamapi::SeamBuilder::<F::Client>::default()
                .personal_access_token(SECRET, "ws_1")
                .endpoint(&refused),
        ),
        (
            "credentials in the endpoint",
            builder::<F>(&format!("https://user:{SECRET}@example.com"), KEY),
        ),
        (
            "a token in the endpoint's query",
            builder::<F>(&format!("https://example.com/?token={SECRET}"), KEY),
        ),
        (
            "a token in the endpoint's fragment",
            builder::<F>(&format!("https://example.com/#{SECRET}"), KEY),
        ),
    ];
    for (what, b) in configs {
        let e = b.build().map(|_| ()).unwrap_err();
        assert!(matches!(e, Error::Config(_)), "{what}: {e:?}");
        seen.push((what.to_owned(), visible(&e)));
    }

    // Every error a call can end with.
    let replies: Vec<(&str, Reply)> = vec![
        (
            "400 invalid_input",
            Reply::json(
                400,
                r#"{"error":{"type":"invalid_input","message":"Invalid uuid for \"acs_user_id\"","validation_errors":{"_errors":[],"acs_user_id":{"_errors":["Invalid uuid"]}}},"ok":false}"#,
            ),
        ),
        (
            "401 json",
            Reply::json(
                401,
                r#"{"error":{"type":"unauthorized","message":"API Key not found"},"ok":false}"#,
            ),
        ),
        ("401 text", Reply::text(401, "Unauthorized")),
        ("401 empty", Reply::text(401, "")),
        (
            "404",
            Reply::json(
                404,
                r#"{"error":{"type":"acs_user_not_found","message":"ACS user not found"},"ok":false}"#,
            ),
        ),
        ("500 text", Reply::text(500, "Not implemented!")),
        ("502 html", Reply::html(502, BAD_GATEWAY)),
        ("429 huge retry-after", rate_limited("999999999999")),
        ("timeout", Reply::Hang),
        ("reset", Reply::Reset),
        ("truncated", Reply::truncated(200, OK, 100)),
        ("200 not json", Reply::text(200, "hello")),
    ];
    let mut servers = Vec::new();
    for (what, reply) in replies {
        let server = TestServer::always(reply);
        let c = builder::<F>(server.url(), SECRET).build().unwrap();
        seen.push((format!("client of {what}"), format!("{c:?}")));
        let e = F::add_acs_user(&c, add()).unwrap_err();
        seen.push((what.to_owned(), visible(&e)));
        if what == "401 json" {
            let bad_input = AddAcsUser::new("nope", UserIdentityRef::id(super::UID));
            let e = F::add_acs_user(&c, bad_input).unwrap_err();
            assert!(e.invalid_input().is_some_and(|i| i.is_local()), "{e:?}");
            seen.push(("local validation".to_owned(), visible(&e)));
        }
        servers.push(server);
    }

    // Servers that repeat the request's authorization value in their error (issue 15): the
    // client knows its token and scrubs it from every error it returns.
    let echo = |status: u16, shape: &'static str| {
        TestServer::start(move |request| {
            let auth = request.headers()["authorization"]
                .to_str()
                .unwrap()
                .to_owned();
            let quoted = serde_json::Value::String(format!("bad credentials: {auth}"));
            match shape {
                "json" => Reply::json(
                    status,
                    &format!(
                        r#"{{"error":{{"type":"unauthorized","message":{quoted},"data":{{"got":{quoted}}}}},"ok":false}}"#
                    ),
                ),
                "invalid" => Reply::json(
                    status,
                    &format!(
                        r#"{{"error":{{"type":"invalid_input","message":{quoted},"validation_errors":{{"_errors":[{quoted}]}}}},"ok":false}}"#
                    ),
                ),
                _ => Reply::html(status, &format!("<h1>{auth}</h1>")),
            }
        })
    };
    for (what, status, shape) in [
        ("401 echoing the token", 401, "json"),
        ("404 echoing the token", 404, "json"),
        ("400 invalid_input echoing the token", 400, "invalid"),
        ("502 html echoing the token", 502, "html"),
    ] {
        let server = echo(status, shape);
        let c = builder::<F>(server.url(), SECRET).build().unwrap();
        let e = F::add_acs_user(&c, add()).unwrap_err();
        assert!(visible(&e).contains("[redacted]"), "{what}: {e:?}");
        seen.push((what.to_owned(), visible(&e)));
        let e = F::send(&c, seamapi::routes::ListUserIdentities::new()).unwrap_err();
        seen.push((format!("{what}, a list"), visible(&e)));
    }

    // No server at all, and an overall deadline.
    let c = builder::<F>(&refused, SECRET).build().unwrap();
    let e = F::add_acs_user(&c, add()).unwrap_err();
    assert!(matches!(e, Error::Transport(_)), "{e:?}");
    seen.push(("connection refused".to_owned(), visible(&e)));
    let hang = TestServer::always(Reply::Hang);
    let mut p = policy();
    p.total_timeout = Duration::from_millis(150);
    let c = builder::<F>(hang.url(), SECRET)
        .timeout(Duration::from_secs(60))
        .retry_policy(p)
        .build()
        .unwrap();
    let e = F::add_acs_user(&c, add()).unwrap_err();
    assert!(matches!(e, Error::DeadlineExceeded { .. }), "{e:?}");
    seen.push(("deadline".to_owned(), visible(&e)));
    seen.push(("client".to_owned(), format!("{c:?} {c:#?}")));

    // The token did travel, so its absence elsewhere means something.
    let sent = servers[0].requests();
    assert_eq!(
        sent[0].headers()["authorization"],
        format!("Bearer {SECRET}").as_str()
    );

    for (what, text) in &seen {
        assert_no_secret(what, text);
    }
    let log = capture::text();
    assert!(
        log.contains("seam.request") && log.contains("retrying") && log.contains("call failed"),
        "the subscriber saw the client's spans and events: {log}"
    );
    assert_no_secret("a tracing event or span", &log);
}

/// A tiny `tracing` subscriber that writes every span's and event's fields to a buffer, for
/// the secrets case: installed once as the global default, so it sees the events of the async
/// client's worker threads and the threads that drive the blocking client's runtime too.
pub mod capture {
    use std::fmt::Write as _;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Mutex, Once, PoisonError};

    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    static LOG: Mutex<String> = Mutex::new(String::new());

    struct Capture {
        next_id: AtomicU64,
    }

    struct Fields<'a>(&'a mut String);

    impl Visit for Fields<'_> {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            let _ = write!(self.0, " {}={:?}", field.name(), value);
        }
    }

    fn log() -> std::sync::MutexGuard<'static, String> {
        LOG.lock().unwrap_or_else(PoisonError::into_inner)
    }

    impl Subscriber for Capture {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }

        fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
            Some(tracing::level_filters::LevelFilter::TRACE)
        }

        fn new_span(&self, span: &Attributes<'_>) -> Id {
            let mut log = log();
            let _ = write!(log, "span {}", span.metadata().name());
            span.record(&mut Fields(&mut log));
            log.push('\n');
            Id::from_u64(self.next_id.fetch_add(1, Ordering::Relaxed))
        }

        fn record(&self, _: &Id, values: &Record<'_>) {
            let mut log = log();
            log.push_str("record");
            values.record(&mut Fields(&mut log));
            log.push('\n');
        }

        fn record_follows_from(&self, _: &Id, _: &Id) {}

        fn event(&self, event: &Event<'_>) {
            let mut log = log();
            let _ = write!(log, "event {}", event.metadata().target());
            event.record(&mut Fields(&mut log));
            log.push('\n');
        }

        fn enter(&self, _: &Id) {}

        fn exit(&self, _: &Id) {}
    }

    /// Installs the capturing subscriber as the global default (once per test binary).
    pub fn install() {
        static ONCE: Once = Once::new();
        ONCE.call_once(|| {
            let _ = tracing::subscriber::set_global_default(Capture {
                next_id: AtomicU64::new(1),
            });
        });
    }

    /// Everything captured so far.
    pub fn text() -> String {
        log().clone()
    }
}

/// Generates one `#[test]` per fault scenario for facade `$f`.
#[macro_export]
macro_rules! fault_tests {
    ($f:ty) => {
        $crate::fault_tests!($f;
            reset_before_answering_is_retried_to_success,
            reset_before_answering_every_time_is_reported_after_three_attempts,
            reset_before_answering_a_create_is_not_retried,
            a_connection_the_server_closed_while_idle_is_not_used_again,
            close_after_the_request_is_read_is_retried_to_success,
            close_after_the_request_is_read_a_create_is_not_retried,
            reset_mid_body_is_retried_to_success,
            reset_mid_body_every_time_is_a_transport_error,
            reset_mid_body_of_a_create_is_not_retried,
            truncated_body_is_a_transport_error_not_a_success,
            truncated_body_is_retried_to_success,
            truncated_body_of_a_create_is_not_retried,
            chunked_body_cut_off_is_a_transport_error,
            html_502_is_retried_then_an_unexpected_response,
            html_502_then_success,
            html_502_to_a_create_is_not_retried,
            not_http_at_all_is_a_transport_error,
            a_head_of_a_megabyte_is_a_transport_error,
            headers_never_sent_time_out_each_attempt,
            trickled_body_slower_than_the_timeout_times_out,
            trickled_body_to_a_create_is_not_retried,
            trickle_past_the_deadline_is_a_deadline_error,
            huge_retry_after_is_capped_then_success,
            huge_retry_after_beyond_the_deadline_stops_at_once,
            invalid_retry_after_falls_back_to_the_backoff,
            rate_limited_every_time_is_reported_as_rate_limited,
            body_larger_than_the_cap_is_refused_and_not_retried,
            error_body_larger_than_the_cap_is_refused,
            body_at_the_cap_is_accepted,
            invalid_utf8_body_is_an_unexpected_response,
            invalid_utf8_in_a_decoded_field_is_an_unexpected_response,
            invalid_utf8_in_an_ignored_field_of_a_200_is_still_success,
            invalid_utf8_in_an_error_is_an_unexpected_response,
            invalid_utf8_in_a_401_is_still_unauthorized,
            json_nested_10000_deep_is_refused_without_overflow,
            json_nested_10000_deep_in_an_ignored_field_is_skipped,
            json_nested_10000_deep_in_a_create_is_refused,
            json_nested_10000_deep_in_error_data_is_an_unexpected_response,
            tokens_with_control_or_invisible_characters_are_refused,
            plain_http_to_a_remote_host_is_refused_unless_allowed,
            no_error_path_leaks_the_token,
        );
    };
    ($f:ty; $($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                common::faults::$name::<$f>();
            }
        )*
    };
}
