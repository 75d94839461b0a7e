//! Test doubles: swap one in with the client builder's `transport(…)`; test servers (HTTP
//! and HTTPS, with certificates from a [`TestCa`] made at test time) and a `CONNECT`
//! [`TestProxy`] for the real transport.

mod proxy;
mod tls;

pub use proxy::{ProxyBehaviour, TestProxy};
pub use tls::{TestCa, TestCert};

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use http::{Request, Response, StatusCode};

use crate::{Transport, TransportError, TransportErrorKind};

type Handler = dyn Fn(&Request<Bytes>) -> Result<Response<Bytes>, TransportError> + Send + Sync;

/// A transport that answers every request with a closure.
///
/// ```
/// use seamapi_transport::test_util::FnTransport;
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

/// The requests a double has seen, shared between its clones (and a server's connections).
#[derive(Debug, Clone, Default)]
struct RequestLog(Arc<Mutex<Vec<Request<Bytes>>>>);

impl RequestLog {
    fn push(&self, request: &Request<Bytes>) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(seamapi_core::clone_request(request));
    }

    fn snapshot(&self) -> Vec<Request<Bytes>> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(seamapi_core::clone_request)
            .collect()
    }

    fn len(&self) -> usize {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).len()
    }
}

/// A transport that records every request it is given, then passes it on to another.
#[derive(Debug, Clone)]
pub struct RecordingTransport<T> {
    inner: T,
    requests: RequestLog,
}

impl<T: Transport> RecordingTransport<T> {
    /// Records, then forwards to `inner`.
    pub fn new(inner: T) -> Self {
        Self {
            inner,
            requests: RequestLog::default(),
        }
    }

    /// Copies of the requests given so far, oldest first.
    pub fn requests(&self) -> Vec<Request<Bytes>> {
        self.requests.snapshot()
    }

    /// How many requests were given.
    pub fn count(&self) -> usize {
        self.requests.len()
    }
}

#[async_trait::async_trait]
impl<T: Transport> Transport for RecordingTransport<T> {
    async fn send(&self, request: Request<Bytes>) -> Result<Response<Bytes>, TransportError> {
        self.requests.push(&request);
        self.inner.send(request).await
    }
}

/// One scripted answer.
pub type Answer = Result<Response<Bytes>, TransportError>;

/// A transport that answers with a script, one entry per request, and records the requests.
/// Once the script is used up it answers with a transport error.
#[derive(Debug, Clone)]
pub struct ReplayTransport {
    script: Arc<Mutex<VecDeque<Answer>>>,
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
    pub fn new(script: impl IntoIterator<Item = Answer>) -> Self {
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
                self.recorded.requests.push(&request);
                answer
            }
            None => self.recorded.send(request).await,
        }
    }
}

/// What a [`TestServer`] does with one request.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Reply {
    /// Answer with this status, these extra headers and this body (with a correct
    /// `content-length`).
    Respond {
        /// The status.
        status: u16,
        /// Extra headers.
        headers: Vec<(String, String)>,
        /// The body.
        body: Bytes,
    },
    /// Write these bytes as they are, then close: for malformed or truncated answers.
    Raw(Bytes),
    /// Read the request, then close the connection without answering.
    Close,
    /// Read the request and never answer (the connection stays open until the server stops).
    Hang,
    /// Read the request, then reset the connection (a TCP `RST`, not a clean close) without
    /// answering.
    Reset,
    /// Write these bytes as they are, then reset the connection: for an answer cut off by a
    /// reset, e.g. the head and part of the body.
    RawThenReset(Bytes),
    /// Answer like [`Reply::Respond`] (with the full `content-length`), but write the body
    /// `chunk` bytes at a time, waiting `every` before each chunk: a server slower than the
    /// client's timeout.
    Trickle {
        /// The status.
        status: u16,
        /// Extra headers.
        headers: Vec<(String, String)>,
        /// The body.
        body: Bytes,
        /// Bytes written at a time (at least 1).
        chunk: usize,
        /// The wait before each chunk.
        every: std::time::Duration,
    },
}

impl Reply {
    /// A JSON answer.
    pub fn json(status: u16, body: &str) -> Self {
        Self::Respond {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: Bytes::copy_from_slice(body.as_bytes()),
        }
    }

    /// A text answer.
    pub fn text(status: u16, body: &str) -> Self {
        Self::Respond {
            status,
            headers: vec![("content-type".into(), "text/plain".into())],
            body: Bytes::copy_from_slice(body.as_bytes()),
        }
    }

    /// An HTML answer, like the error page of a proxy or load balancer.
    pub fn html(status: u16, body: &str) -> Self {
        Self::Respond {
            status,
            headers: vec![("content-type".into(), "text/html; charset=utf-8".into())],
            body: Bytes::copy_from_slice(body.as_bytes()),
        }
    }

    /// An answer with this content type and any bytes as the body (e.g. invalid UTF-8).
    pub fn bytes(status: u16, content_type: &str, body: impl Into<Bytes>) -> Self {
        Self::Respond {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.into(),
        }
    }

    /// A JSON answer whose head announces `declared` bytes of body but which sends only
    /// `body`, then closes the connection.
    pub fn truncated(status: u16, body: &str, declared: usize) -> Self {
        let mut raw = head(
            status,
            &[("content-type".into(), "application/json".into())],
            declared,
        );
        raw.extend_from_slice(body.as_bytes());
        Self::Raw(raw.into())
    }

    /// A JSON answer whose body is written one byte at a time, `every` apart.
    pub fn trickle(status: u16, body: &str, every: std::time::Duration) -> Self {
        Self::Trickle {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: Bytes::copy_from_slice(body.as_bytes()),
            chunk: 1,
            every,
        }
    }

    /// Adds a header to a [`Reply::Respond`] or a [`Reply::Trickle`].
    pub fn header(mut self, name: &str, value: &str) -> Self {
        if let Self::Respond { headers, .. } | Self::Trickle { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }
}

/// The status line and headers of an answer, with `content-length: length`.
fn head(status: u16, headers: &[(String, String)], length: usize) -> Vec<u8> {
    let reason = StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Unknown");
    let mut head = format!("HTTP/1.1 {status} {reason}\r\ncontent-length: {length}\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    head.into_bytes()
}

/// A loopback accept loop started by [`serve_loopback`], on a thread of its own. Dropping it
/// stops the loop (and with its runtime every connection it serves) without waiting;
/// [`Loopback::stop`] also waits for the thread to end.
#[derive(Debug)]
pub struct Loopback {
    addr: std::net::SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Loopback {
    /// The address it listens on: 127.0.0.1 and the port the system chose.
    pub fn addr(&self) -> std::net::SocketAddr {
        self.addr
    }

    /// Stops the loop and waits until its thread (its runtime, and every connection it
    /// served) has ended.
    pub fn stop(mut self) {
        self.signal();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }

    fn signal(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Drop for Loopback {
    fn drop(&mut self) {
        self.signal();
    }
}

/// Binds 127.0.0.1:0 and serves each accepted connection with `on_connection` on a
/// current-thread runtime of its own thread, until the returned [`Loopback`] is dropped or
/// stopped: the accept loop every loopback server of the tests (and of xtask's benchmarks)
/// shares.
///
/// # Errors
/// When no loopback port can be bound, or the runtime or its thread cannot be started.
pub fn serve_loopback<F, Fut>(on_connection: F) -> std::io::Result<Loopback>
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let listener = {
        let _context = runtime.enter();
        tokio::net::TcpListener::from_std(listener)?
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name(format!("loopback-{}", addr.port()))
        .spawn(move || {
            runtime.block_on(async move {
                let accept = async {
                    loop {
                        let Ok((socket, _)) = listener.accept().await else {
                            continue;
                        };
                        tokio::spawn(on_connection(socket));
                    }
                };
                tokio::select! {
                    _ = accept => {}
                    _ = stopped => {}
                }
            });
        })?;
    Ok(Loopback {
        addr,
        stop: Some(stop),
        thread: Some(thread),
    })
}

type ServerHandler = dyn Fn(&Request<Bytes>) -> Reply + Send + Sync;

/// A small HTTP/1.1 server on `127.0.0.1:0` for tests, on its own thread and runtime (so the
/// async and the blocking clients can both use it). It records every request and answers with
/// a closure; [`Reply`] also covers closing, hanging and raw bytes. [`TestServer::start_tls`]
/// serves the same over TLS and records each handshake.
pub struct TestServer {
    url: String,
    requests: RequestLog,
    handshakes: tls::Handshakes,
    connections: Arc<std::sync::atomic::AtomicUsize>,
    /// The accept loop, stopped when the server is dropped.
    _loopback: Loopback,
}

/// How a test server speaks on each connection.
enum Wire {
    Plain,
    Tls(tokio_rustls::TlsAcceptor),
    /// Answer any `ClientHello` with a TLS 1.1 `ServerHello`.
    Tls11,
}

impl std::fmt::Debug for TestServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestServer")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl TestServer {
    /// Starts a server that answers each request with `handler`.
    ///
    /// # Panics
    /// When no loopback port can be bound (a broken test machine).
    pub fn start(handler: impl Fn(&Request<Bytes>) -> Reply + Send + Sync + 'static) -> Self {
        Self::start_on(Wire::Plain, Arc::new(handler))
    }

    /// Starts a server that answers each request with `handler` over TLS (1.2 and 1.3), with
    /// `cert`. Its [`url`](Self::url) is `https://localhost:PORT`, so the client checks the
    /// name `localhost` and sends it as SNI; issue `cert` for another name to see a
    /// name mismatch.
    ///
    /// # Panics
    /// When no loopback port can be bound (a broken test machine).
    pub fn start_tls(
        cert: &TestCert,
        handler: impl Fn(&Request<Bytes>) -> Reply + Send + Sync + 'static,
    ) -> Self {
        let config = cert.server_config(rustls::ALL_VERSIONS);
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        Self::start_on(Wire::Tls(acceptor), Arc::new(handler))
    }

    /// A server that offers only TLS 1.1: it answers every `ClientHello` with a TLS 1.1
    /// `ServerHello`, as such a server does, and then waits. rustls cannot serve TLS 1.1, so
    /// the answer is canned; it is the first thing a client sees from a real TLS 1.1 server
    /// and what it must refuse. Its [`url`](Self::url) is `https://localhost:PORT`.
    pub fn tls11_only() -> Self {
        Self::start_on(Wire::Tls11, Arc::new(|_: &Request<Bytes>| Reply::Close))
    }

    fn start_on(wire: Wire, handler: Arc<ServerHandler>) -> Self {
        let requests = RequestLog::default();
        let handshakes = tls::Handshakes::default();
        let connections = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let recorded = requests.clone();
        let seen = handshakes.clone();
        let accepted = connections.clone();
        let wire = Arc::new(wire);
        let tls = !matches!(*wire, Wire::Plain);
        let loopback = serve_loopback(move |socket| {
            accepted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let handler = handler.clone();
            let recorded = recorded.clone();
            let seen = seen.clone();
            let wire = wire.clone();
            async move {
                match &*wire {
                    Wire::Plain => serve_connection(socket, handler, recorded).await,
                    Wire::Tls(acceptor) => {
                        let Ok(stream) = acceptor.accept(socket).await else {
                            return;
                        };
                        seen.push(stream.get_ref().1.server_name());
                        serve_connection(stream, handler, recorded).await;
                    }
                    Wire::Tls11 => answer_tls11(socket).await,
                }
            }
        })
        .expect("serve on 127.0.0.1:0");
        let port = loopback.addr().port();
        let url = if tls {
            format!("https://localhost:{port}")
        } else {
            format!("http://127.0.0.1:{port}")
        };
        Self {
            url,
            requests,
            handshakes,
            connections,
            _loopback: loopback,
        }
    }

    /// Always answers with `reply`.
    pub fn always(reply: Reply) -> Self {
        Self::start(move |_| reply.clone())
    }

    /// Answers with `replies` in order, then with the last one again.
    pub fn script(replies: Vec<Reply>) -> Self {
        let replies = Mutex::new(VecDeque::from(replies));
        Self::start(move |_| {
            let mut r = replies.lock().unwrap_or_else(PoisonError::into_inner);
            if r.len() > 1 {
                r.pop_front().unwrap_or(Reply::Close)
            } else {
                r.front().cloned().unwrap_or(Reply::Close)
            }
        })
    }

    /// The base URL, `http://127.0.0.1:PORT` (`https://localhost:PORT` over TLS).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The port it listens on (on 127.0.0.1).
    pub fn port(&self) -> u16 {
        self.url
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or(0)
    }

    /// How many TCP connections were accepted.
    pub fn connections(&self) -> usize {
        self.connections.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The server name (SNI) each completed TLS handshake carried, oldest first (`None`
    /// when the client sent none, as for an IP address): one entry per handshake.
    pub fn handshakes(&self) -> Vec<Option<String>> {
        self.handshakes.snapshot()
    }

    /// Copies of the requests received so far, oldest first.
    pub fn requests(&self) -> Vec<Request<Bytes>> {
        self.requests.snapshot()
    }

    /// How many requests were received.
    pub fn count(&self) -> usize {
        self.requests.len()
    }
}

/// Reads the `ClientHello`, answers with a TLS 1.1 `ServerHello`, then waits for the client
/// to give up.
async fn answer_tls11(mut socket: tokio::net::TcpStream) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut hello = [0u8; 4096];
    if matches!(socket.read(&mut hello).await, Ok(0) | Err(_)) {
        return;
    }
    if socket.write_all(tls::TLS11_SERVER_HELLO).await.is_err() {
        return;
    }
    while matches!(socket.read(&mut hello).await, Ok(n) if n > 0) {}
}

/// A connection a test server can reset (a TCP `RST`), plain or under TLS.
trait Resettable: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {
    fn reset(self);
}

impl Resettable for tokio::net::TcpStream {
    fn reset(self) {
        reset(self);
    }
}

impl Resettable for tokio_rustls::server::TlsStream<tokio::net::TcpStream> {
    fn reset(self) {
        reset(self.into_inner().0);
    }
}

async fn serve_connection(
    mut socket: impl Resettable,
    handler: Arc<ServerHandler>,
    recorded: RequestLog,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buf = Vec::new();
    loop {
        // Read one request: headers, then content-length bytes of body.
        let header_end = loop {
            if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break pos + 4;
            }
            let mut chunk = [0u8; 4096];
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let Some(mut request) = parse_head(&buf[..header_end]) else {
            return;
        };
        let length = request
            .headers()
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(0);
        while buf.len() < header_end + length {
            let mut chunk = [0u8; 4096];
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        *request.body_mut() = Bytes::copy_from_slice(&buf[header_end..header_end + length]);
        buf.drain(..header_end + length);
        recorded.push(&request);
        match handler(&request) {
            Reply::Respond {
                status,
                headers,
                body,
            } => {
                let head = head(status, &headers, body.len());
                if socket.write_all(&head).await.is_err()
                    || socket.write_all(&body).await.is_err()
                    || socket.flush().await.is_err()
                {
                    return;
                }
            }
            Reply::Raw(bytes) => {
                let _ = socket.write_all(&bytes).await;
                let _ = socket.flush().await;
                return;
            }
            Reply::Close => return,
            Reply::Hang => {
                std::future::pending::<()>().await;
            }
            Reply::Reset => {
                socket.reset();
                return;
            }
            Reply::RawThenReset(bytes) => {
                let _ = socket.write_all(&bytes).await;
                let _ = socket.flush().await;
                socket.reset();
                return;
            }
            Reply::Trickle {
                status,
                headers,
                body,
                chunk,
                every,
            } => {
                if socket
                    .write_all(&head(status, &headers, body.len()))
                    .await
                    .is_err()
                {
                    return;
                }
                for part in body.chunks(chunk.max(1)) {
                    // Pacing the answer is the point of this reply, not test synchronisation.
                    tokio::time::sleep(every).await;
                    if socket.write_all(part).await.is_err() {
                        return;
                    }
                }
            }
        }
    }
}

/// Closes `socket` with a TCP `RST`: a linger time of zero makes the close abortive.
fn reset(socket: tokio::net::TcpStream) {
    // `set_linger` is deprecated because a non-zero linger blocks on drop; zero does not.
    #[allow(deprecated)]
    let _ = socket.set_linger(Some(std::time::Duration::ZERO));
    drop(socket);
}

fn parse_head(head: &[u8]) -> Option<Request<Bytes>> {
    let text = std::str::from_utf8(head).ok()?;
    let mut lines = text.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?;
    let target = first.next()?;
    let mut builder = Request::builder().method(method).uri(target);
    for line in lines.filter(|l| !l.is_empty()) {
        let (k, v) = line.split_once(':')?;
        builder = builder.header(k.trim(), v.trim());
    }
    builder.body(Bytes::new()).ok()
}
