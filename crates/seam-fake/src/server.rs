//! The fake as an HTTP/1.1 server on a TCP listener (hyper).

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::header::{CONNECTION, HeaderValue, TRANSFER_ENCODING};
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use seamapi_transport::Transport;
use tokio::net::{TcpListener, TcpStream, ToSocketAddrs};
use tokio::sync::{Semaphore, oneshot, watch};
use tokio::task::{JoinHandle, JoinSet};

use crate::error::{ApiFailure, ErrorType};
use crate::handler::failure_response;

/// The largest request body the server reads (1 MiB); a larger one gets `413`.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// The server's limits on time and connections. [`ServerOptions::default`] gives the values
/// `seam-fake serve` and `seam sandbox serve` use; tests shorten them.
///
/// ```
/// use std::time::Duration;
/// let mut options = seamapi_fake::ServerOptions::default();
/// options.header_read_timeout = Duration::from_secs(5);
/// assert_eq!(options.max_connections, 1024);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ServerOptions {
    /// How long a connection may take to send a complete request head, counted from when the
    /// connection opens or its previous answer is written; so it is also how long a kept-alive
    /// connection may stay idle. Past it the connection is closed (default 30 s).
    pub header_read_timeout: Duration,
    /// How long the body of a request may take once its head is in. Past it the answer is
    /// `408 request_timeout` and the connection is closed (default 30 s).
    pub body_read_timeout: Duration,
    /// How long a write of an answer may stay blocked (a client that does not read). Past it
    /// the connection is closed (default 30 s).
    pub write_timeout: Duration,
    /// After a shutdown is asked for: how long requests in progress get to finish before
    /// their connections are cut (default 5 s).
    pub shutdown_grace: Duration,
    /// At most this many connections at once; one more is answered
    /// `503 service_unavailable` and closed at once (default 1024).
    pub max_connections: usize,
}

impl Default for ServerOptions {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(30),
            body_read_timeout: Duration::from_secs(30),
            write_timeout: Duration::from_secs(30),
            shutdown_grace: Duration::from_secs(5),
            max_connections: 1024,
        }
    }
}

/// Where connections come from: a [`TcpListener`], or in tests one that fails.
trait Accept {
    fn accept(&self) -> impl Future<Output = io::Result<TcpStream>> + Send;
}

impl Accept for TcpListener {
    async fn accept(&self) -> io::Result<TcpStream> {
        TcpListener::accept(self)
            .await
            .map(|(stream, _peer)| stream)
    }
}

/// How long to wait after an accept that failed, given the wait after the previous one
/// (zero after a success): from 1 ms, doubling, at most 1 s. Out of file descriptors
/// (`EMFILE`, `ENFILE`) the listener stays readable, so without this wait the loop would
/// spin at full CPU until a descriptor is free.
fn accept_backoff(previous: Duration) -> Duration {
    (previous * 2).clamp(Duration::from_millis(1), Duration::from_secs(1))
}

/// Serves `backend` (a [`FakeSeam`](crate::FakeSeam), a [`Sandbox`](crate::Sandbox) or any
/// [`Transport`]) over HTTP/1.1 on `listener` until `shutdown` completes, with the default
/// [`ServerOptions`]; then stops accepting, lets the requests in progress finish (for at most
/// [`ServerOptions::shutdown_grace`]), closes the connections and returns.
pub async fn serve<T, F>(listener: TcpListener, backend: T, shutdown: F) -> io::Result<()>
where
    T: Transport + 'static,
    F: Future<Output = ()>,
{
    serve_with(listener, backend, shutdown, ServerOptions::default()).await
}

/// [`serve`] with the given limits.
pub async fn serve_with<T, F>(
    listener: TcpListener,
    backend: T,
    shutdown: F,
    options: ServerOptions,
) -> io::Result<()>
where
    T: Transport + 'static,
    F: Future<Output = ()>,
{
    accept_loop(listener, Arc::new(backend), shutdown, options).await
}

async fn accept_loop<L: Accept, F: Future<Output = ()>>(
    listener: L,
    backend: Arc<dyn Transport>,
    shutdown: F,
    options: ServerOptions,
) -> io::Result<()> {
    let options = Arc::new(options);
    let permits = Arc::new(Semaphore::new(options.max_connections));
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut connections = JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    let mut backoff = Duration::ZERO;
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok(stream) => stream,
                    Err(_) => {
                        // Out of file descriptors, say: wait before trying again.
                        backoff = accept_backoff(backoff);
                        tokio::select! {
                            () = &mut shutdown => break,
                            () = tokio::time::sleep(backoff) => continue,
                        }
                    }
                };
                backoff = Duration::ZERO;
                let Ok(permit) = Arc::clone(&permits).try_acquire_owned() else {
                    refuse(&stream);
                    continue;
                };
                let backend = Arc::clone(&backend);
                let options = Arc::clone(&options);
                let stop_rx = stop_rx.clone();
                connections.spawn(async move {
                    serve_connection(stream, backend, options, stop_rx).await;
                    drop(permit);
                });
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let _ = stop_tx.send(true);
    let drained = tokio::time::timeout(options.shutdown_grace, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        // The grace period is over: cut what is left.
        connections.shutdown().await;
    }
    Ok(())
}

/// Answers a connection over the limit `503` without reading it, and closes it. One
/// non-blocking write: the socket is new, so its buffer has room; if not, it is just closed.
fn refuse(stream: &TcpStream) {
    let failure = ApiFailure::new(
        StatusCode::SERVICE_UNAVAILABLE,
        ErrorType::ServiceUnavailable,
        "the server has too many connections open; try again later",
    );
    let response = failure_response(&failure);
    let mut head = format!(
        "HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: {}\r\n",
        response.body().len()
    );
    for (name, value) in response.headers() {
        if let Ok(value) = value.to_str() {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(response.body());
    let _ = stream.try_write(&bytes);
}

async fn serve_connection(
    stream: TcpStream,
    backend: Arc<dyn Transport>,
    options: Arc<ServerOptions>,
    mut stop_rx: watch::Receiver<bool>,
) {
    let body_timeout = options.body_read_timeout;
    let service = service_fn(move |req| {
        let backend = Arc::clone(&backend);
        async move { Ok::<_, std::convert::Infallible>(answer(&*backend, req, body_timeout).await) }
    });
    let io = WriteTimeout::new(TokioIo::new(stream), options.write_timeout);
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(options.header_read_timeout)
        .serve_connection(io, service);
    let mut conn = std::pin::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        _ = stop_rx.changed() => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}

/// An I/O whose writes fail with `TimedOut` once blocked for longer than `limit`: a client
/// that never reads its answer cannot hold the connection for ever.
struct WriteTimeout<T> {
    inner: T,
    limit: Duration,
    stalled: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl<T> WriteTimeout<T> {
    fn new(inner: T, limit: Duration) -> Self {
        Self {
            inner,
            limit,
            stalled: None,
        }
    }

    /// `Pending` from the inner write: start the clock, or fail if it ran out.
    fn on_pending<R>(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<R>> {
        let limit = self.limit;
        let sleep = self
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        match sleep.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client did not read the answer in time",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: hyper::rt::Read + Unpin> hyper::rt::Read for WriteTimeout<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: hyper::rt::Write + Unpin> hyper::rt::Write for WriteTimeout<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match Pin::new(&mut self.inner).poll_write(cx, buf) {
            Poll::Pending => self.on_pending(cx),
            done => {
                self.stalled = None;
                done
            }
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match Pin::new(&mut self.inner).poll_flush(cx) {
            Poll::Pending => self.on_pending(cx),
            done => {
                self.stalled = None;
                done
            }
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match Pin::new(&mut self.inner).poll_shutdown(cx) {
            Poll::Pending => self.on_pending(cx),
            done => done,
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match Pin::new(&mut self.inner).poll_write_vectored(cx, bufs) {
            Poll::Pending => self.on_pending(cx),
            done => {
                self.stalled = None;
                done
            }
        }
    }
}

/// Whether a request's `transfer-encoding` names a coding other than `chunked` (`gzip,
/// chunked`, say): the fake decodes none, and reading such a body as plain bytes would
/// handle something the client did not send.
fn has_unsupported_transfer_coding(headers: &http::HeaderMap) -> bool {
    headers.get_all(TRANSFER_ENCODING).iter().any(|value| {
        value.to_str().map_or(true, |v| {
            v.split(',')
                .map(str::trim)
                .any(|coding| !coding.eq_ignore_ascii_case("chunked"))
        })
    })
}

/// The answer to a request that failed before the backend saw it, closing the connection
/// (its body may be left unread).
fn refused_before_reading(failure: &ApiFailure) -> Response<Full<Bytes>> {
    let mut response = failure_response(failure).map(Full::new);
    response
        .headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    response
}

async fn answer(
    backend: &dyn Transport,
    req: Request<Incoming>,
    body_timeout: Duration,
) -> Response<Full<Bytes>> {
    let (parts, body) = req.into_parts();
    if has_unsupported_transfer_coding(&parts.headers) {
        return refused_before_reading(&ApiFailure::new(
            StatusCode::NOT_IMPLEMENTED,
            ErrorType::UnsupportedTransferCoding,
            "only the chunked transfer coding is accepted",
        ));
    }
    let read = tokio::time::timeout(body_timeout, Limited::new(body, MAX_BODY_BYTES).collect());
    let body = match read.await {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(e)) => {
            let too_large = e
                .downcast_ref::<http_body_util::LengthLimitError>()
                .is_some();
            let failure = if too_large {
                ApiFailure::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    ErrorType::PayloadTooLarge,
                    format!("The request body is larger than {MAX_BODY_BYTES} bytes"),
                )
            } else {
                ApiFailure::new(
                    StatusCode::BAD_REQUEST,
                    ErrorType::InvalidInput,
                    "The request body could not be read",
                )
            };
            return failure_response(&failure).map(Full::new);
        }
        Err(_) => {
            return refused_before_reading(&ApiFailure::new(
                StatusCode::REQUEST_TIMEOUT,
                ErrorType::RequestTimeout,
                format!(
                    "the request body did not arrive within {} s",
                    body_timeout.as_secs_f64()
                ),
            ));
        }
    };
    let request = Request::from_parts(parts, body);
    let response = match backend.send(request).await {
        Ok(r) => r,
        Err(e) => {
            // The details (a sandbox file's path, say) go to the server's log, not to the
            // client.
            eprintln!("seam-fake: a request failed: {e}");
            failure_response(&ApiFailure::internal(
                "the fake could not handle the request (its own failure, not the request's): \
                 its log says why",
            ))
        }
    };
    response.map(Full::new)
}

/// A server running in the background of the current tokio runtime, for tests and tools
/// that want the fake on a real socket.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use seamapi_transport::{HyperTransport, Transport};
///
/// let fake = seamapi_fake::FakeSeam::new();
/// let server = seamapi_fake::FakeServer::start("127.0.0.1:0", fake.clone()).await?;
/// // Any HTTP client: a Seam client given `server.endpoint()`, curl, Seam's other SDKs.
/// let request = http::Request::post(format!("{}/user_identities/get", server.endpoint()))
///     .header("authorization", format!("Bearer {}", seamapi_fake::seed::API_KEY))
///     .header("content-type", "application/json")
///     .body(bytes::Bytes::from_static(br#"{"user_identity_key":"jane"}"#))?;
/// let http = HyperTransport::builder().allow_insecure_http(true).build()?;
/// let response = http.send(request).await?;
/// assert_eq!(response.status(), 200);
/// server.stop().await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct FakeServer {
    addr: SocketAddr,
    endpoint: String,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl FakeServer {
    /// Binds `addr` (use `127.0.0.1:0` for a free port) and serves `backend` in a background
    /// task until [`FakeServer::stop`] (or until the handle is dropped).
    pub async fn start(
        addr: impl ToSocketAddrs,
        backend: impl Transport + 'static,
    ) -> io::Result<Self> {
        Self::start_with(addr, backend, ServerOptions::default()).await
    }

    /// [`FakeServer::start`] with the given limits.
    pub async fn start_with(
        addr: impl ToSocketAddrs,
        backend: impl Transport + 'static,
        options: ServerOptions,
    ) -> io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        Ok(Self::from_listener_with(listener, backend, options))
    }

    /// Serves `backend` on a listener bound already.
    pub fn from_listener(listener: TcpListener, backend: impl Transport + 'static) -> Self {
        Self::from_listener_with(listener, backend, ServerOptions::default())
    }

    /// [`FakeServer::from_listener`] with the given limits.
    pub fn from_listener_with(
        listener: TcpListener,
        backend: impl Transport + 'static,
        options: ServerOptions,
    ) -> Self {
        let addr = listener
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve_with(
            listener,
            backend,
            async move {
                let _ = stopped.await;
            },
            options,
        ));
        Self {
            addr,
            endpoint: format!("http://{addr}"),
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://<address>`: the endpoint to give a client.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Stops accepting, lets the requests in progress finish (within the shutdown grace
    /// period), and waits for the server to end.
    pub async fn stop(mut self) -> io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.task.take() {
            Some(task) => task.await.map_err(io::Error::other)?,
            None => Ok(()),
        }
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        // Ask the server to stop; it winds down in the background.
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// A listener out of file descriptors: every accept fails with `EMFILE`.
    struct OutOfFiles(Arc<AtomicUsize>);

    impl Accept for OutOfFiles {
        async fn accept(&self) -> io::Result<TcpStream> {
            let n = self.0.fetch_add(1, Ordering::SeqCst);
            if n >= 100_000 {
                // Spinning: stop here so the test fails instead of hanging.
                std::future::pending::<()>().await;
            }
            Err(io::Error::from_raw_os_error(24))
        }
    }

    /// Out of file descriptors, the loop waits between accepts (from 1 ms, doubling, up to
    /// 1 s) instead of spinning: in 10 s of the runtime's paused clock it tries about 20
    /// times (1 + 2 + … + 512 ms, then once a second). Before the backoff it tried 100,000
    /// times without the clock moving.
    #[tokio::test(start_paused = true)]
    async fn out_of_file_descriptors_the_accept_loop_backs_off() {
        let accepts = Arc::new(AtomicUsize::new(0));
        let server = accept_loop(
            OutOfFiles(Arc::clone(&accepts)),
            Arc::new(crate::FakeSeam::new()),
            tokio::time::sleep(Duration::from_secs(10)),
            ServerOptions::default(),
        );
        server.await.expect("stops at the end of the 10 s");
        let n = accepts.load(Ordering::SeqCst);
        assert!((10..=30).contains(&n), "{n} accepts in 10 s");
    }

    #[test]
    fn backoff_doubles_from_a_millisecond_to_a_second() {
        let mut wait = Duration::ZERO;
        let mut waits = Vec::new();
        for _ in 0..13 {
            wait = accept_backoff(wait);
            waits.push(wait.as_millis());
        }
        assert_eq!(
            waits,
            [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000, 1000, 1000]
        );
    }

    #[test]
    fn only_chunked_is_a_supported_transfer_coding() {
        let coded = |values: &[&str]| {
            let mut headers = http::HeaderMap::new();
            for v in values {
                headers.append(TRANSFER_ENCODING, HeaderValue::from_str(v).unwrap());
            }
            has_unsupported_transfer_coding(&headers)
        };
        assert!(!coded(&[]));
        assert!(!coded(&["chunked"]));
        assert!(!coded(&["Chunked"]));
        for bad in [
            &["gzip, chunked"][..],
            &["gzip", "chunked"],
            &["identity"],
            &["chunked, x"],
        ] {
            assert!(coded(bad), "{bad:?}");
        }
    }
}
