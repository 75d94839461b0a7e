//! Test doubles: swap one in with the client builder's `transport(…)`.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use http::{Request, Response, StatusCode};

use crate::{Transport, TransportError, TransportErrorKind};

type Handler = dyn Fn(&Request<Bytes>) -> Result<Response<Bytes>, TransportError> + Send + Sync;

/// A transport that answers every request with a closure.
///
/// ```
/// use seam_transport::test_util::FnTransport;
/// let t = FnTransport::new(|_req| Ok(FnTransport::json(200, r#"{"ok":true}"#)));
/// # let _ = t;
/// ```
#[derive(Clone)]
pub struct FnTransport(Arc<Handler>);

impl std::fmt::Debug for FnTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FnTransport")
    }
}

impl FnTransport {
    /// Answers with `handler`.
    pub fn new(
        handler: impl Fn(&Request<Bytes>) -> Result<Response<Bytes>, TransportError>
        + Send
        + Sync
        + 'static,
    ) -> Self {
        Self(Arc::new(handler))
    }

    /// A response with `status` and a JSON `body`.
    pub fn json(status: u16, body: &str) -> Response<Bytes> {
        let mut r = Response::new(Bytes::copy_from_slice(body.as_bytes()));
        *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        r.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        r
    }
}

#[async_trait::async_trait]
impl Transport for FnTransport {
    async fn send(&self, request: Request<Bytes>) -> Result<Response<Bytes>, TransportError> {
        (self.0)(&request)
    }
}

/// A transport that records every request it is given, then passes it on to another.
#[derive(Debug, Clone)]
pub struct RecordingTransport<T> {
    inner: T,
    requests: Arc<Mutex<Vec<Request<Bytes>>>>,
}

impl<T: Transport> RecordingTransport<T> {
    /// Records, then forwards to `inner`.
    pub fn new(inner: T) -> Self {
        Self {
            inner,
            requests: Arc::default(),
        }
    }

    /// Copies of the requests given so far, oldest first.
    pub fn requests(&self) -> Vec<Request<Bytes>> {
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(seam_core::clone_request)
            .collect()
    }

    /// How many requests were given.
    pub fn count(&self) -> usize {
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

#[async_trait::async_trait]
impl<T: Transport> Transport for RecordingTransport<T> {
    async fn send(&self, request: Request<Bytes>) -> Result<Response<Bytes>, TransportError> {
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(seam_core::clone_request(&request));
        self.inner.send(request).await
    }
}

/// A transport that answers with a script, one entry per request, and records the requests.
/// Once the script is used up it answers with a transport error.
#[derive(Debug, Clone)]
pub struct ReplayTransport {
    script: Arc<Mutex<VecDeque<Result<Response<Bytes>, TransportError>>>>,
    recorded: RecordingTransport<Exhausted>,
}

#[derive(Debug, Clone)]
struct Exhausted;

#[async_trait::async_trait]
impl Transport for Exhausted {
    async fn send(&self, _: Request<Bytes>) -> Result<Response<Bytes>, TransportError> {
        Err(TransportError::new(
            TransportErrorKind::Other,
            "the replay script is used up",
            false,
        ))
    }
}

impl ReplayTransport {
    /// Answers with `script`, in order.
    pub fn new(script: impl IntoIterator<Item = Result<Response<Bytes>, TransportError>>) -> Self {
        Self {
            script: Arc::new(Mutex::new(script.into_iter().collect())),
            recorded: RecordingTransport::new(Exhausted),
        }
    }

    /// Copies of the requests given so far, oldest first.
    pub fn requests(&self) -> Vec<Request<Bytes>> {
        self.recorded.requests()
    }

    /// How many script entries are left.
    pub fn remaining(&self) -> usize {
        self.script
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

#[async_trait::async_trait]
impl Transport for ReplayTransport {
    async fn send(&self, request: Request<Bytes>) -> Result<Response<Bytes>, TransportError> {
        let next = self
            .script
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop_front();
        match next {
            Some(answer) => {
                self.recorded
                    .requests
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(seam_core::clone_request(&request));
                answer
            }
            None => self.recorded.send(request).await,
        }
    }
}
