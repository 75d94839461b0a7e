//! The fake as an HTTP/1.1 server on a TCP listener (hyper).

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use seam_transport::Transport;
use tokio::net::{TcpListener, ToSocketAddrs};
use tokio::sync::{oneshot, watch};
use tokio::task::{JoinHandle, JoinSet};

use crate::error::{ApiFailure, ErrorType};
use crate::handler::failure_response;

/// The largest request body the server reads (1 MiB); a larger one gets `413`.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// Serves `backend` (a [`FakeSeam`](crate::FakeSeam), a [`Sandbox`](crate::Sandbox) or any
/// [`Transport`]) over HTTP/1.1 on `listener` until `shutdown` completes; then stops
/// accepting, lets the requests in progress finish, closes idle connections and returns.
pub async fn serve<T, F>(listener: TcpListener, backend: T, shutdown: F) -> io::Result<()>
where
    T: Transport + 'static,
    F: Future<Output = ()>,
{
    let backend: Arc<dyn Transport> = Arc::new(backend);
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut connections = JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => {
                // A failed accept (e.g. out of file descriptors) drops that one connection.
                let Ok((stream, _peer)) = accepted else { continue };
                let backend = Arc::clone(&backend);
                let mut stop_rx = stop_rx.clone();
                connections.spawn(async move {
                    let service = service_fn(move |req| {
                        let backend = Arc::clone(&backend);
                        async move { Ok::<_, std::convert::Infallible>(answer(&*backend, req).await) }
                    });
                    let conn = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
                    let mut conn = std::pin::pin!(conn);
                    tokio::select! {
                        _ = conn.as_mut() => {}
                        _ = stop_rx.changed() => {
                            conn.as_mut().graceful_shutdown();
                            let _ = conn.await;
                        }
                    }
                });
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let _ = stop_tx.send(true);
    while connections.join_next().await.is_some() {}
    Ok(())
}

async fn answer(backend: &dyn Transport, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let (parts, body) = req.into_parts();
    let body = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) => {
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
    };
    let request = Request::from_parts(parts, body);
    let response = match backend.send(request).await {
        Ok(r) => r,
        Err(e) => failure_response(&ApiFailure::internal(e.to_string())),
    };
    response.map(Full::new)
}

/// A server running in the background of the current tokio runtime, for tests and tools
/// that want the fake on a real socket.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use seam_transport::{HyperTransport, Transport};
///
/// let fake = seam_fake::FakeSeam::new();
/// let server = seam_fake::FakeServer::start("127.0.0.1:0", fake.clone()).await?;
/// // Any HTTP client: a Seam client given `server.endpoint()`, curl, Seam's other SDKs.
/// let request = http::Request::post(format!("{}/user_identities/get", server.endpoint()))
///     .header("authorization", format!("Bearer {}", seam_fake::seed::API_KEY))
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
        let listener = TcpListener::bind(addr).await?;
        Ok(Self::from_listener(listener, backend))
    }

    /// Serves `backend` on a listener bound already.
    pub fn from_listener(listener: TcpListener, backend: impl Transport + 'static) -> Self {
        let addr = listener
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(listener, backend, async move {
            let _ = stopped.await;
        }));
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

    /// Stops accepting, lets the requests in progress finish, and waits for the server to
    /// end.
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
