//! The servers measured against: `minimal` (written here) and `fake` (`seam-fake`).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub(super) struct ServerHandle {
    pub(super) endpoint: String,
    pub(super) stop: Option<oneshot::Sender<()>>,
    pub(super) thread: Option<std::thread::JoinHandle<()>>,
}

impl ServerHandle {
    /// Starts `kind` ("minimal" or "fake") on 127.0.0.1 in its own thread with a
    /// current-thread runtime, so that server and client never share a runtime.
    pub(super) fn start(kind: &'static str) -> Result<Self, String> {
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
                    if kind == "fake" {
                        let fake = seam_fake::FakeSeam::new();
                        match seam_fake::FakeServer::start("127.0.0.1:0", fake).await {
                            Ok(server) => {
                                let _ = ready_tx.send(Ok(server.endpoint().to_owned()));
                                let _ = stopped.await;
                                let _ = server.stop().await;
                            }
                            Err(e) => {
                                let _ = ready_tx.send(Err(format!("fake server: {e}")));
                            }
                        }
                    } else {
                        match TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await {
                            Ok(listener) => {
                                let addr = listener
                                    .local_addr()
                                    .map(|a| a.to_string())
                                    .unwrap_or_default();
                                let _ = ready_tx.send(Ok(format!("http://{addr}")));
                                tokio::select! {
                                    () = minimal_server(listener) => {}
                                    _ = stopped => {}
                                }
                            }
                            Err(e) => {
                                let _ = ready_tx.send(Err(format!("minimal server: {e}")));
                            }
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
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    pub(super) fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
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

/// Answers every request with `200 {"ok":true}` once its body is read.
async fn minimal_server(listener: TcpListener) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(async move {
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service_fn(ok_json))
                .await;
        });
    }
}
