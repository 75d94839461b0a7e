//! The bodies of the fuzz targets that exercise this crate, and the input format they share
//! with the fake's target. Not part of the API: the `fuzz/` crate (`cargo fuzz`) calls them
//! with libFuzzer's inputs, and an ordinary test replays every committed corpus file through
//! them, so CI runs the same code the fuzzer ran.
//!
//! An input is a message written like an HTTP/1 message without its version:
//!
//! ```text
//! 404                                   <- the start line: a status here, `METHOD TARGET` for the fake
//! seam-request-id: req_1                <- header lines, `name: value`, until an empty line
//!                                       <- the empty line
//! {"error":{"type":"not_found"}}        <- the body: every byte after it, as is
//! ```
//!
//! Lines end with `\n` (a `\r` before it is dropped). Header lines that are not a valid
//! name and value are skipped, so every input means something; seeds are written by hand
//! from the tests' bodies.

use std::path::Path;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue};
use http::{HeaderMap, Response, StatusCode};

use crate::codec::{decode, request_id};
use crate::error::{Error, UnexpectedResponse};
use crate::pager::{Pager, Step};
use crate::retry::{Attempt, Decision, Outcome, RetryPolicy, retry_after};
use crate::route::{Paginated, Route};

/// One input split into its start line, headers and body.
#[derive(Debug)]
pub struct Message<'a> {
    /// The first line, without its line end.
    pub start: &'a [u8],
    /// The header lines that are a valid header name and value, in order.
    pub headers: HeaderMap,
    /// Everything after the first empty line (empty when there is none).
    pub body: &'a [u8],
}

impl<'a> Message<'a> {
    /// Splits `data`. Never fails: a line that is not a header is skipped, and headers stop
    /// being added once the map is full (`HeaderMap` holds at most 32,768).
    pub fn parse(data: &'a [u8]) -> Self {
        let (start, mut rest) = next_line(data);
        let mut headers = HeaderMap::new();
        let body = loop {
            if rest.is_empty() {
                break rest;
            }
            let (line, after) = next_line(rest);
            rest = after;
            if line.is_empty() {
                break rest;
            }
            let Some(colon) = line.iter().position(|&b| b == b':') else {
                continue;
            };
            let value = line[colon + 1..].trim_ascii();
            if let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(&line[..colon]),
                HeaderValue::from_bytes(value),
            ) && headers.try_append(name, value).is_err()
            {
                break rest;
            }
        };
        Self {
            start,
            headers,
            body,
        }
    }
}

/// The line at the start of `data` (without `\n` or `\r\n`) and what follows it.
fn next_line(data: &[u8]) -> (&[u8], &[u8]) {
    let (line, rest) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &data[data.len()..]),
    };
    (line.strip_suffix(b"\r").unwrap_or(line), rest)
}

/// Parses a fuzz input as an answer (start line: its status); `None` when the start line is
/// not a status.
pub fn response_of(data: &[u8]) -> Option<Response<Bytes>> {
    let message = Message::parse(data);
    let status = std::str::from_utf8(message.start)
        .ok()
        .and_then(|s| s.trim().parse::<u16>().ok())
        .and_then(|n| StatusCode::from_u16(n).ok())?;
    let mut response = Response::new(Bytes::copy_from_slice(message.body));
    *response.status_mut() = status;
    *response.headers_mut() = message.headers;
    Some(response)
}

/// Decodes `response` as `R`'s answer and checks what came out.
pub fn check<R: Route>(response: &Response<Bytes>) {
    let status = response.status();
    let body = response.body();
    match decode::<R>(response) {
        Ok(_) => {
            assert!(
                status.is_success(),
                "{}: success from {status}",
                R::INFO.name
            );
        }
        Err(e) => {
            // Formatting never panics, whatever the server sent.
            let shown = format!("{e} {e:?}");
            assert!(!shown.is_empty());
            assert_eq!(e.status(), Some(status), "{}: {e:?}", R::INFO.name);
            assert_eq!(
                e.request_id(),
                request_id(response.headers()).as_deref(),
                "{}",
                R::INFO.name
            );
            match &e {
                Error::UnexpectedResponse(u) => check_excerpt(u, body),
                Error::InvalidInput(_) | Error::Api(_) => {
                    assert!(
                        !status.is_success(),
                        "{}: {e:?} from {status}",
                        R::INFO.name
                    );
                    assert!(status != StatusCode::UNAUTHORIZED || e.invalid_input().is_some());
                }
                Error::Unauthorized(_) => assert_eq!(status, StatusCode::UNAUTHORIZED),
                other => panic!("{}: decode gave {other:?}", R::INFO.name),
            }
        }
    }
}

/// An excerpt holds at most [`UnexpectedResponse::EXCERPT_LIMIT`] bytes of the body (each
/// invalid byte may grow to the 3 bytes of U+FFFD), and something of a non-empty body.
fn check_excerpt(u: &UnexpectedResponse, body: &[u8]) {
    assert!(
        u.body_excerpt.len() <= 3 * UnexpectedResponse::EXCERPT_LIMIT,
        "excerpt of {} bytes",
        u.body_excerpt.len()
    );
    assert_eq!(u.truncated, body.len() > UnexpectedResponse::EXCERPT_LIMIT);
    assert_eq!(
        u.body_excerpt.is_empty(),
        body.is_empty(),
        "excerpt {:?} of a body of {} bytes",
        u.body_excerpt,
        body.len()
    );
}

/// Walks every page of `first`, with `response` as the answer to every request: the walk
/// hands out each page's items and ends (a cursor seen twice stops it).
pub fn walk<R: Paginated>(first: R, response: &Response<Bytes>) {
    let mut pager = Pager::new(first);
    let (mut fetches, mut items) = (0_usize, 0_usize);
    loop {
        match pager.step() {
            Step::Fetch(request) => {
                fetches += 1;
                assert!(
                    fetches <= 2,
                    "{}: fetched the same page again",
                    R::INFO.name
                );
                let page = decode::<R>(response);
                pager.receive(&request, page);
            }
            Step::Item(_) => items += 1,
            Step::Failed(_) => {}
            Step::Done => break,
        }
        assert!(
            items <= 2 * response.body().len(),
            "{}: items from nowhere",
            R::INFO.name
        );
    }
    assert!(
        matches!(pager.step(), Step::Done),
        "{}: a walk restarted",
        R::INFO.name
    );
}

/// The retry decision for the answer, on a route safe to repeat and on one that is not.
pub fn retry_decision(response: &Response<Bytes>) {
    let status = response.status();
    let headers = response.headers();
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let _ = retry_after(headers, now);
    let policy = RetryPolicy::default();
    let remaining = Duration::from_secs(60);
    for idempotent in [true, false] {
        let decision = policy.decide(&Attempt {
            number: 1,
            idempotent,
            outcome: Outcome::Response { status, headers },
            now,
            jitter: 0.5,
            remaining,
        });
        if let Decision::Retry(wait) = decision {
            assert!(
                idempotent,
                "a route not safe to repeat was retried on {status}"
            );
            assert!(
                status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error(),
                "{status} was retried"
            );
            assert!(wait < remaining);
            assert!(wait <= policy.max_retry_after.max(policy.max_backoff));
        }
    }
}

/// Runs `body` (a fuzz target's body) on every file of the committed corpus of `target`,
/// `fuzz/corpus/<target>/` in this source tree: the test that replays it in CI. Panics when
/// the corpus is missing or empty, or naming every file `body` panicked on.
pub fn replay_corpus(target: &str, body: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    match replay_dir(&dir, body) {
        Ok(n) => eprintln!("replayed {n} inputs from {}", dir.display()),
        Err(e) => panic!("{e}"),
    }
}

/// Runs `body` on every file of `dir` and returns how many there were. Fails when the
/// directory is missing or empty, or naming every file `body` panicked on.
pub fn replay_dir(dir: &Path, body: fn(&[u8])) -> Result<usize, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("corpus {} unreadable: {e}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_file() {
            files.push(path);
        }
    }
    if files.is_empty() {
        return Err(format!("corpus {} holds no file", dir.display()));
    }
    files.sort();
    let mut failed = Vec::new();
    for path in &files {
        let data = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        if std::panic::catch_unwind(|| body(&data)).is_err() {
            failed.push(path.display().to_string());
        }
    }
    if failed.is_empty() {
        Ok(files.len())
    } else {
        Err(format!(
            "{} of {} corpus files failed: {}",
            failed.len(),
            files.len(),
            failed.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_split_into_start_headers_and_body() {
        let m = Message::parse(
            b"401\r\nseam-request-id: r1\nnot a header\nbad name: x\nx:\n\n\nbody\n",
        );
        assert_eq!(m.start, b"401");
        assert_eq!(m.headers.len(), 2);
        assert_eq!(m.headers["seam-request-id"], "r1");
        assert_eq!(m.headers["x"], "");
        assert_eq!(m.body, b"\nbody\n");
        let m = Message::parse(b"200");
        assert_eq!(
            (m.start, m.headers.len(), m.body),
            (&b"200"[..], 0, &b""[..])
        );
        let m = Message::parse(b"200\na: b");
        assert_eq!((m.headers.len(), m.body), (1, &b""[..]));
    }

    #[test]
    fn a_full_header_map_ends_the_headers_without_panicking() {
        let mut data = b"200\n".to_vec();
        for i in 0..40_000 {
            data.extend_from_slice(format!("h{i}: b\n").as_bytes());
        }
        let m = Message::parse(&data);
        assert!(m.headers.len() <= 1 << 15);
        decode_response(&data);
    }

    #[test]
    fn replay_refuses_a_missing_or_empty_corpus_and_names_failures() {
        let dir = std::env::temp_dir().join(format!("seam-fuzz-replay-{}", std::process::id()));
        assert!(replay_dir(&dir, |_| {}).is_err());
        std::fs::create_dir_all(&dir).unwrap();
        assert!(replay_dir(&dir, |_| {}).unwrap_err().contains("no file"));
        std::fs::write(dir.join("good"), b"200").unwrap();
        std::fs::write(dir.join("bad"), b"boom").unwrap();
        let e = replay_dir(&dir, |d| assert_ne!(d, b"boom")).unwrap_err();
        assert!(e.contains("1 of 2") && e.contains("bad"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
