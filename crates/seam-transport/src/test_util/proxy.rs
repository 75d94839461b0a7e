//! A small HTTP proxy for tests: `CONNECT` tunnels and plain forwarding.

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http::Request;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{RequestLog, parse_head, serve_loopback};

/// How a [`TestProxy`] answers.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ProxyBehaviour {
    /// Tunnels `CONNECT` requests and forwards plain ones.
    Forward,
    /// Like [`ProxyBehaviour::Forward`] when the request carries exactly this
    /// `Proxy-Authorization` value, else answers `407 Proxy Authentication Required`.
    RequireAuthorization(String),
    /// Answers every request with these bytes, then closes (e.g. `HTTP/1.1 403 …`, or garbage).
    Answer(Bytes),
}

/// An HTTP proxy on `127.0.0.1:0`, on its own thread and runtime. It records the head of each
/// request it is sent (`CONNECT host:port`, or a plain request in absolute form) and, by
/// default, connects to the host and port asked for; [`TestProxy::upstream`] sends every
/// connection to one address instead, so a test can ask for any host name.
pub struct TestProxy {
    url: String,
    requests: RequestLog,
    /// The accept loop, stopped when the proxy is dropped.
    _loopback: super::Loopback,
}

impl std::fmt::Debug for TestProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestProxy")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl TestProxy {
    /// Starts a proxy that answers as `behaviour` says and connects where it is asked to.
    ///
    /// # Panics
    /// When no loopback port can be bound (a broken test machine).
    pub fn start(behaviour: ProxyBehaviour) -> Self {
        Self::start_with(behaviour, None)
    }

    /// Starts a forwarding proxy that connects every request to `upstream`, whatever host it
    /// names (the name still reaches the server as SNI and `Host`).
    pub fn upstream(upstream: SocketAddr) -> Self {
        Self::start_with(ProxyBehaviour::Forward, Some(upstream))
    }

    fn start_with(behaviour: ProxyBehaviour, upstream: Option<SocketAddr>) -> Self {
        let requests = RequestLog::default();
        let recorded = requests.clone();
        let behaviour = Arc::new(behaviour);
        let loopback = serve_loopback(move |socket| {
            proxy_connection(socket, behaviour.clone(), upstream, recorded.clone())
        })
        .expect("serve on 127.0.0.1:0");
        let url = format!("http://{}", loopback.addr());
        Self {
            url,
            requests,
            _loopback: loopback,
        }
    }

    /// The proxy's URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The proxy's URL with `user:password@` in it.
    pub fn url_with_credentials(&self, user: &str, password: &str) -> String {
        self.url
            .replacen("http://", &format!("http://{user}:{password}@"), 1)
    }

    /// The heads of the requests received so far, oldest first: `CONNECT` with the target as
    /// its URI, or a plain request with its absolute URI.
    pub fn requests(&self) -> Vec<Request<Bytes>> {
        self.requests.snapshot()
    }
}

async fn proxy_connection(
    mut client: tokio::net::TcpStream,
    behaviour: Arc<ProxyBehaviour>,
    upstream: Option<SocketAddr>,
    recorded: RequestLog,
) {
    let mut buf = Vec::new();
    let header_end = loop {
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
        let mut chunk = [0u8; 4096];
        match client.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let Some(request) = parse_head(&buf[..header_end]) else {
        return;
    };
    recorded.push(&request);
    match &*behaviour {
        ProxyBehaviour::Answer(bytes) => {
            let _ = client.write_all(bytes).await;
            return;
        }
        ProxyBehaviour::RequireAuthorization(expected) => {
            let given = request
                .headers()
                .get(http::header::PROXY_AUTHORIZATION)
                .and_then(|v| v.to_str().ok());
            if given != Some(expected.as_str()) {
                let _ = client
                    .write_all(
                        b"HTTP/1.1 407 Proxy Authentication Required\r\n\
                          proxy-authenticate: Basic realm=\"test\"\r\n\
                          content-length: 0\r\nconnection: close\r\n\r\n",
                    )
                    .await;
                return;
            }
        }
        ProxyBehaviour::Forward => {}
    }
    let target = match upstream {
        Some(addr) => addr.to_string(),
        None => {
            let Some(authority) = request.uri().authority() else {
                return;
            };
            let port = authority.port_u16().unwrap_or(80);
            format!("{}:{port}", authority.host())
        }
    };
    let Ok(mut server) = tokio::net::TcpStream::connect(&target).await else {
        let _ = client
            .write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n")
            .await;
        return;
    };
    if request.method() == http::Method::CONNECT {
        if client
            .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            .await
            .is_err()
        {
            return;
        }
        if server.write_all(&buf[header_end..]).await.is_err() {
            return;
        }
    } else if server.write_all(&buf).await.is_err() {
        return;
    }
    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
}
