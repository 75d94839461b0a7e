//! Proxies: hyper-util's matcher decides which requests go through which proxy (the
//! `HTTPS_PROXY`/`NO_PROXY` rules curl uses), and its `Tunnel` opens `CONNECT` tunnels for
//! https. This only picks the route for each connection and types the proxy's failures.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::{HeaderValue, Uri};
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::client::proxy::matcher::{Intercept, Matcher};
use hyper_util::rt::TokioIo;
use seamapi_core::{Proxies, ProxyFailure, TransportError, TransportErrorKind};
use tokio::net::TcpStream;
use tower_service::Service;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The TCP connector, routing each connection directly, to a forward proxy (http), or
/// through a `CONNECT` tunnel (https).
#[derive(Clone)]
pub(crate) struct ProxyConnector {
    tcp: HttpConnector,
    matcher: Option<Arc<Matcher>>,
    /// Proxies from the environment never apply to loopback hosts.
    skip_loopback: bool,
}

impl std::fmt::Debug for ProxyConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The matcher's Debug shows proxy URIs without their credentials.
        f.debug_struct("ProxyConnector")
            .field("matcher", &self.matcher)
            .field("skip_loopback", &self.skip_loopback)
            .finish()
    }
}

/// The proxy a request goes through.
pub(crate) struct Route(Intercept);

impl Route {
    /// The proxy, as `http://host:port` (its credentials are never part of it).
    pub(crate) fn name(&self) -> String {
        proxy_name(self.0.uri())
    }

    /// The `Proxy-Authorization` value for credentials in the proxy URL.
    pub(crate) fn authorization(&self) -> Option<&HeaderValue> {
        self.0.basic_auth()
    }
}

fn proxy_name(uri: &Uri) -> String {
    let scheme = uri.scheme_str().unwrap_or("http");
    let host = uri.authority().map_or("", |a| a.as_str());
    format!("{scheme}://{host}")
}

impl ProxyConnector {
    pub(crate) fn new(tcp: HttpConnector, proxies: &Proxies) -> Self {
        let matcher = (!proxies.is_empty()).then(|| {
            Arc::new(
                Matcher::builder()
                    .https(proxies.https.clone().unwrap_or_default())
                    .http(proxies.http.clone().unwrap_or_default())
                    .no(proxies.no_proxy.clone())
                    .build(),
            )
        });
        Self {
            tcp,
            matcher,
            skip_loopback: proxies.from_environment,
        }
    }

    fn route(&self, dst: &Uri) -> Option<Route> {
        let matcher = self.matcher.as_ref()?;
        if self.skip_loopback
            && dst
                .host()
                .is_some_and(seamapi_core::config::is_loopback_host)
        {
            return None;
        }
        matcher.intercept(dst).map(Route)
    }

    /// The proxy a plain-http request to `dst` is sent to, if any.
    pub(crate) fn forward_proxy(&self, dst: &Uri) -> Option<Route> {
        (dst.scheme_str() == Some("http"))
            .then(|| self.route(dst))
            .flatten()
    }
}

impl Service<Uri> for ProxyConnector {
    type Response = ProxiedStream;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<ProxiedStream, BoxError>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, dst: Uri) -> Self::Future {
        let mut tcp = self.tcp.clone();
        let Some(route) = self.route(&dst) else {
            return Box::pin(async move {
                let io = tcp.call(dst).await?;
                Ok(ProxiedStream {
                    io,
                    forward_proxy: false,
                })
            });
        };
        let name = route.name();
        let proxy_uri = route.0.uri().clone();
        if dst.scheme_str() == Some("https") {
            let mut tunnel = Tunnel::new(proxy_uri, tcp);
            if let Some(auth) = route.authorization() {
                tunnel = tunnel.with_auth(auth.clone());
            }
            Box::pin(async move {
                let io = tunnel
                    .call(dst)
                    .await
                    .map_err(|e| ProxyError::from_tunnel(&name, &e))?;
                Ok(ProxiedStream {
                    io,
                    forward_proxy: false,
                })
            })
        } else {
            Box::pin(async move {
                let io = tcp.call(proxy_uri).await.map_err(|e| ProxyError {
                    failure: ProxyFailure::Unreachable,
                    message: format!("{name}: {e}"),
                })?;
                Ok(ProxiedStream {
                    io,
                    forward_proxy: true,
                })
            })
        }
    }
}

/// A proxy's own failure, kept typed through hyper's error chain.
#[derive(Debug, Clone)]
pub(crate) struct ProxyError {
    failure: ProxyFailure,
    message: String,
}

impl std::fmt::Display for ProxyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ProxyError {}

impl ProxyError {
    pub(crate) fn authentication_required(name: String) -> Self {
        Self {
            failure: ProxyFailure::AuthenticationRequired,
            message: format!(
                "{name} answered 407 Proxy Authentication Required: put user:password in the proxy URL"
            ),
        }
    }

    /// Types a failure of hyper-util's `Tunnel`. Its error type is not exported, so it is
    /// told apart by its message; the proxy tests pin every case, so a change of wording in
    /// hyper-util fails them rather than mistyping errors.
    fn from_tunnel(name: &str, e: &(dyn std::error::Error + 'static)) -> Self {
        let text = e.to_string();
        if text.contains("proxy authorization required") {
            Self::authentication_required(name.to_owned())
        } else if text.contains("failed to create underlying connection") {
            let cause = e.source().map(|s| s.to_string()).unwrap_or_default();
            Self {
                failure: ProxyFailure::Unreachable,
                message: format!("{name}: {cause}"),
            }
        } else {
            Self {
                failure: ProxyFailure::BadAnswer,
                message: format!("{name} did not open a tunnel: {text}"),
            }
        }
    }
}

impl From<ProxyError> for TransportError {
    fn from(e: ProxyError) -> Self {
        TransportError::new(TransportErrorKind::Proxy(e.failure), e.message, false)
    }
}

/// A TCP connection, to the server or to a proxy: a forward proxy is told to hyper, which
/// then writes requests in absolute form.
pub(crate) struct ProxiedStream {
    io: TokioIo<TcpStream>,
    forward_proxy: bool,
}

impl Connection for ProxiedStream {
    fn connected(&self) -> Connected {
        self.io.connected().proxy(self.forward_proxy)
    }
}

impl hyper::rt::Read for ProxiedStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl hyper::rt::Write for ProxiedStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }
}
