use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::{BodyExt, Full, Limited};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use seamapi_core::{Proxies, TlsFailure};

use crate::proxy::{ProxyConnector, ProxyError};
use crate::{Transport, TransportError, TransportErrorKind};

/// The largest answer body accepted by default: 16 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;
/// How long making a connection (TCP, not TLS) may take by default; the client lowers it to
/// its per-attempt timeout when that is shorter.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The TCP keep-alive idle time set on every connection by default, so a pooled connection
/// that a middlebox dropped is found out.
pub const DEFAULT_TCP_KEEPALIVE: Duration = Duration::from_secs(60);
/// How many idle connections per host the pool keeps by default: enough for 256 concurrent
/// callers (the soak's load) to keep theirs, while a burst beyond that does not leave its
/// connections open for the idle timeout. Above it, connections are closed as they come back.
pub const DEFAULT_POOL_MAX_IDLE_PER_HOST: usize = 256;

/// A pooled HTTP/1.1 (and, with the `http2` feature, HTTP/2 by ALPN) client over rustls (ring
/// provider), reusing connections across calls.
///
/// Cheap to clone: clones share the pool. Plain `http://` is refused except to loopback hosts
/// unless [`HyperTransportBuilder::allow_insecure_http`] is set. Sockets are set up as
/// request/response clients do: `TCP_NODELAY`, a connect timeout, TCP keep-alive, and a
/// bounded idle pool per host.
#[derive(Clone)]
pub struct HyperTransport {
    client: Client<HttpsConnector<ProxyConnector>, Full<Bytes>>,
    proxy: ProxyConnector,
    max_response_bytes: usize,
    allow_insecure_http: bool,
}

impl std::fmt::Debug for HyperTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HyperTransport")
            .field("max_response_bytes", &self.max_response_bytes)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("proxy", &self.proxy)
            .finish_non_exhaustive()
    }
}

/// Options for a [`HyperTransport`].
#[derive(Debug, Clone)]
pub struct HyperTransportBuilder {
    max_response_bytes: usize,
    allow_insecure_http: bool,
    pool_idle_timeout: Duration,
    pool_max_idle_per_host: usize,
    connect_timeout: Duration,
    tcp_keepalive: Option<Duration>,
    root_certificates_pem: Vec<Vec<u8>>,
    proxies: Proxies,
    http2: bool,
}

impl Default for HyperTransportBuilder {
    fn default() -> Self {
        Self {
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            allow_insecure_http: false,
            pool_idle_timeout: Duration::from_secs(60),
            pool_max_idle_per_host: DEFAULT_POOL_MAX_IDLE_PER_HOST,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            tcp_keepalive: Some(DEFAULT_TCP_KEEPALIVE),
            root_certificates_pem: Vec::new(),
            proxies: Proxies::none(),
            http2: cfg!(feature = "http2"),
        }
    }
}

impl HyperTransportBuilder {
    /// The options a client's configuration asks for: its proxies and extra root
    /// certificates, insecure http if allowed, and a connect timeout no longer than its
    /// per-attempt timeout. What the Seam clients build when given no transport.
    pub fn from_config(config: &seamapi_core::Config) -> Self {
        let mut builder = Self::default()
            .allow_insecure_http(config.allow_insecure_http)
            .proxies(config.proxies.clone())
            .connect_timeout(config.timeout.min(DEFAULT_CONNECT_TIMEOUT));
        for pem in &config.root_certificates_pem {
            builder = builder.add_root_certificate_pem(pem.clone());
        }
        builder
    }

    /// The largest answer body accepted; a larger one fails with
    /// [`TransportErrorKind::BodyTooLarge`].
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// Allows plain `http://` to hosts other than loopback.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// How long an idle pooled connection is kept.
    pub fn pool_idle_timeout(mut self, timeout: Duration) -> Self {
        self.pool_idle_timeout = timeout;
        self
    }

    /// How many idle connections per host the pool keeps
    /// ([`DEFAULT_POOL_MAX_IDLE_PER_HOST`]); more are closed when they come back.
    pub fn pool_max_idle_per_host(mut self, max: usize) -> Self {
        self.pool_max_idle_per_host = max;
        self
    }

    /// How long making a TCP connection may take ([`DEFAULT_CONNECT_TIMEOUT`]); a slower
    /// one fails with [`TransportErrorKind::Connect`], nothing sent.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The TCP keep-alive idle time ([`DEFAULT_TCP_KEEPALIVE`]); `None` turns keep-alive off.
    pub fn tcp_keepalive(mut self, idle: Option<Duration>) -> Self {
        self.tcp_keepalive = idle;
        self
    }

    /// Trusts the root certificates in `pem` on top of the built-in ones (see
    /// [`build`](Self::build) for what a bad PEM does).
    pub fn add_root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.root_certificates_pem.push(pem.into());
        self
    }

    /// Sends requests through `proxies` (none by default here; the Seam clients pass those of
    /// their configuration, which honours the environment).
    pub fn proxies(mut self, proxies: Proxies) -> Self {
        self.proxies = proxies;
        self
    }

    /// Offers HTTP/2 by ALPN next to HTTP/1.1 (the default when the `http2` feature is on;
    /// without it this does nothing).
    pub fn http2(mut self, offer: bool) -> Self {
        self.http2 = offer;
        self
    }

    /// Builds the transport. Needs no runtime: connections are made on the runtime that sends.
    ///
    /// Fails when a root certificate PEM holds no certificate or one rustls refuses, or when
    /// no root certificate is trusted at all (neither the `webpki-roots` nor the
    /// `native-roots` feature, and none added).
    pub fn build(self) -> Result<HyperTransport, TransportError> {
        let tls = tls_config(&self.root_certificates_pem)?;
        let mut tcp = HttpConnector::new();
        tcp.enforce_http(false);
        tcp.set_nodelay(true);
        tcp.set_connect_timeout(Some(self.connect_timeout));
        tcp.set_keepalive(self.tcp_keepalive);
        let proxy = ProxyConnector::new(tcp, &self.proxies);
        let builder = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1();
        #[cfg(feature = "http2")]
        let connector = if self.http2 {
            builder.enable_http2().wrap_connector(proxy.clone())
        } else {
            builder.wrap_connector(proxy.clone())
        };
        #[cfg(not(feature = "http2"))]
        let connector = builder.wrap_connector(proxy.clone());
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(self.pool_idle_timeout)
            .pool_max_idle_per_host(self.pool_max_idle_per_host)
            .build(connector);
        Ok(HyperTransport {
            client,
            proxy,
            max_response_bytes: self.max_response_bytes,
            allow_insecure_http: self.allow_insecure_http,
        })
    }
}

fn setup_error(message: String) -> TransportError {
    TransportError::new(
        TransportErrorKind::Other,
        format!("could not set up TLS: {message}"),
        false,
    )
}

/// The rustls client configuration: TLS 1.2 and 1.3 only (ring), the built-in roots plus
/// `extra` (PEM).
fn tls_config(extra: &[Vec<u8>]) -> Result<rustls::ClientConfig, TransportError> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    #[cfg(feature = "native-roots")]
    {
        let found = rustls_native_certs::load_native_certs();
        let _ = roots.add_parsable_certificates(found.certs);
    }
    #[cfg(all(not(feature = "native-roots"), feature = "webpki-roots"))]
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for (i, pem) in extra.iter().enumerate() {
        let mut added = 0;
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert =
                cert.map_err(|e| setup_error(format!("root certificate PEM #{}: {e}", i + 1)))?;
            roots.add(cert).map_err(|e| {
                setup_error(format!(
                    "root certificate PEM #{} is not a usable certificate: {e}",
                    i + 1
                ))
            })?;
            added += 1;
        }
        if added == 0 {
            return Err(setup_error(format!(
                "root certificate PEM #{} holds no BEGIN CERTIFICATE block",
                i + 1
            )));
        }
    }
    if roots.is_empty() {
        return Err(setup_error(
            "no root certificate is trusted: enable the webpki-roots or native-roots feature, or add one"
                .to_owned(),
        ));
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| setup_error(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(config)
}

impl HyperTransport {
    /// A transport with the default options.
    pub fn new() -> Result<Self, TransportError> {
        Self::builder().build()
    }

    /// Options for a transport.
    pub fn builder() -> HyperTransportBuilder {
        HyperTransportBuilder::default()
    }

    fn check_scheme(&self, request: &Request<Bytes>) -> Result<(), TransportError> {
        let uri = request.uri();
        match uri.scheme_str() {
            Some("https") => Ok(()),
            Some("http")
                if self.allow_insecure_http
                    || uri
                        .host()
                        .is_some_and(seamapi_core::config::is_loopback_host) =>
            {
                Ok(())
            }
            _ => Err(TransportError::new(
                TransportErrorKind::InvalidRequest,
                format!(
                    "refusing to send to {}://{}: only https, or http to a loopback host, unless insecure http is allowed",
                    uri.scheme_str().unwrap_or(""),
                    uri.host().unwrap_or("")
                ),
                false,
            )),
        }
    }
}

#[async_trait::async_trait]
impl Transport for HyperTransport {
    async fn send(&self, mut request: Request<Bytes>) -> Result<Response<Bytes>, TransportError> {
        self.check_scheme(&request)?;
        // A plain-http request through a proxy carries the proxy's credentials itself (an
        // https one sends them in the CONNECT, see `ProxyConnector`).
        let forward_proxy = self.proxy.forward_proxy(request.uri());
        if let Some(auth) = forward_proxy.as_ref().and_then(|p| p.authorization()) {
            request
                .headers_mut()
                .insert(http::header::PROXY_AUTHORIZATION, auth.clone());
        }
        let host = request.uri().host().unwrap_or_default().to_owned();
        let response = self
            .client
            .request(request.map(Full::new))
            .await
            .map_err(|e| classify(&e, &host))?;
        if let Some(proxy) = &forward_proxy
            && response.status() == http::StatusCode::PROXY_AUTHENTICATION_REQUIRED
        {
            return Err(ProxyError::authentication_required(proxy.name()).into());
        }
        let (parts, body) = response.into_parts();
        let body = Limited::new(body, self.max_response_bytes)
            .collect()
            .await
            .map_err(|e| {
                if e.is::<http_body_util::LengthLimitError>() {
                    TransportError::new(
                        TransportErrorKind::BodyTooLarge,
                        format!(
                            "the answer's body is larger than {} bytes",
                            self.max_response_bytes
                        ),
                        true,
                    )
                } else {
                    TransportError::new(
                        TransportErrorKind::Io,
                        format!("the answer's body was cut off: {e}"),
                        true,
                    )
                }
            })?
            .to_bytes();
        Ok(Response::from_parts(parts, body))
    }
}

/// Types a failed request: a proxy's own failure, a refused TLS handshake, another connect
/// failure (nothing sent), or a failure under way.
fn classify(e: &hyper_util::client::legacy::Error, host: &str) -> TransportError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if let Some(proxy) = s.downcast_ref::<ProxyError>() {
            return proxy.clone().into();
        }
        if let Some(tls) = rustls_error(s) {
            return TransportError::new(
                TransportErrorKind::Tls(tls_failure(tls)),
                format!("{host}: {tls}"),
                false,
            );
        }
        source = s.source();
    }
    if e.is_connect() {
        TransportError::connect(describe(e))
    } else {
        TransportError::new(TransportErrorKind::Io, describe(e), true)
    }
}

/// The rustls error `e` is or wraps: hyper-rustls wraps it in an `io::Error` inside another,
/// whose `source()` skips both, so `io::Error::get_ref` is followed instead.
fn rustls_error<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    if let Some(tls) = e.downcast_ref::<rustls::Error>() {
        return Some(tls);
    }
    let inner = e.downcast_ref::<std::io::Error>()?.get_ref()?;
    rustls_error(inner)
}

/// Which of the failures a user can act on a rustls error is.
fn tls_failure(e: &rustls::Error) -> TlsFailure {
    use rustls::{AlertDescription, CertificateError, Error, PeerIncompatible};
    match e {
        Error::InvalidCertificate(c) => match c {
            CertificateError::UnknownIssuer
            | CertificateError::BadSignature
            | CertificateError::InvalidPurpose => TlsFailure::UntrustedCertificate,
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                TlsFailure::WrongHostName
            }
            CertificateError::Expired
            | CertificateError::ExpiredContext { .. }
            | CertificateError::NotValidYet
            | CertificateError::NotValidYetContext { .. } => TlsFailure::Expired,
            _ => TlsFailure::Other,
        },
        Error::PeerIncompatible(
            PeerIncompatible::ServerDoesNotSupportTls12Or13
            | PeerIncompatible::ServerTlsVersionIsDisabledByOurConfig,
        )
        | Error::AlertReceived(AlertDescription::ProtocolVersion) => TlsFailure::ProtocolVersion,
        _ => TlsFailure::Other,
    }
}

/// The error and its sources on one line (hyper's own message is often just "client error").
fn describe(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clients_configuration_sets_the_connect_timeout_within_the_attempt_timeout() {
        let config = |timeout| {
            seamapi_core::Config::builder()
                .api_key("seam_k")
                .timeout(timeout)
                .no_proxy()
                .add_root_certificate_pem(b"pem".to_vec())
                .build()
                .unwrap_or_else(|e| panic!("{e}"))
        };
        let b = HyperTransportBuilder::from_config(&config(Duration::from_secs(2)));
        assert_eq!(b.connect_timeout, Duration::from_secs(2));
        let b = HyperTransportBuilder::from_config(&config(Duration::from_secs(30)));
        assert_eq!(b.connect_timeout, DEFAULT_CONNECT_TIMEOUT);
        assert_eq!(b.root_certificates_pem, [b"pem".to_vec()]);
        assert_eq!(b.tcp_keepalive, Some(DEFAULT_TCP_KEEPALIVE));
        assert_eq!(b.pool_max_idle_per_host, DEFAULT_POOL_MAX_IDLE_PER_HOST);
        assert!(b.proxies.is_empty());
    }
}
