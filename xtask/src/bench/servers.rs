//! The servers measured against: `minimal` (written here) and `fake` (`seamapi-fake`).

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use seamapi_transport::test_util::{Loopback, serve_loopback};
use tokio::sync::oneshot;

/// A server on 127.0.0.1 in a thread of its own with a current-thread runtime, so that server
/// and client never share a runtime; stopped (and its thread waited for) when dropped.
pub(super) struct ServerHandle {
    pub(super) endpoint: String,
    running: Running,
}

enum Running {
    /// `minimal`, on the loopback accept loop of `seamapi_transport::test_util`.
    Minimal(Option<Loopback>),
    /// `fake`, `seamapi-fake`'s own server.
    Fake {
        stop: Option<oneshot::Sender<()>>,
        thread: Option<std::thread::JoinHandle<()>>,
    },
}

impl ServerHandle {
    /// Starts `kind` ("minimal" or "fake").
    pub(super) fn start(kind: &'static str) -> Result<Self, String> {
        if kind != "fake" {
            let loopback = serve_loopback(|stream| {
                let _ = stream.set_nodelay(true);
                async move {
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service_fn(ok_json))
                        .await;
                }
            })
            .map_err(|e| format!("minimal server: {e}"))?;
            return Ok(Self {
                endpoint: format!("http://{}", loopback.addr()),
                running: Running::Minimal(Some(loopback)),
            });
        }
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<Result<String, String>>();
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name(format!("bench-server-{kind}"))
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(r) => r,
                    Err(e) => {
                        let _ = ready_tx.send(Err(format!("server runtime: {e}")));
                        return;
                    }
                };
                runtime.block_on(async move {
                    let fake = seamapi_fake::FakeSeam::new();
                    match seamapi_fake::FakeServer::start("127.0.0.1:0", fake).await {
                        Ok(server) => {
                            let _ = ready_tx.send(Ok(server.endpoint().to_owned()));
                            let _ = stopped.await;
                            let _ = server.stop().await;
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(format!("fake server: {e}")));
                        }
                    }
                });
            })
            .map_err(|e| format!("server thread: {e}"))?;
        let endpoint = ready_rx
            .recv_timeout(Duration::from_secs(10))
            .map_err(|e| format!("server {kind} did not start: {e}"))??;
        Ok(Self {
            endpoint,
            running: Running::Fake {
                stop: Some(stop),
                thread: Some(thread),
            },
        })
    }

    pub(super) fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        match &mut self.running {
            Running::Minimal(loopback) => {
                if let Some(loopback) = loopback.take() {
                    loopback.stop();
                }
            }
            Running::Fake { stop, thread } => {
                if let Some(stop) = stop.take() {
                    let _ = stop.send(());
                }
                if let Some(thread) = thread.take() {
                    let _ = thread.join();
                }
            }
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// `200 {"ok":true}` once the request's body is read: the minimal servers' answer.
pub(super) async fn ok_json(
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let _ = request.into_body().collect().await;
    let mut response = Response::new(Full::new(Bytes::from_static(b"{\"ok\":true}")));
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    Ok(response)
}
