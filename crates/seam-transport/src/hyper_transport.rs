use bytes::Bytes;
use http::{Request, Response};
use http_body_util::{BodyExt, Full, Limited};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use crate::{Transport, TransportError, TransportErrorKind};

/// The largest answer body accepted by default: 16 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// A pooled HTTP/1.1 client over rustls (ring provider), reusing connections across calls.
///
/// Cheap to clone: clones share the pool. Plain `http://` is refused except to loopback hosts
/// unless [`HyperTransportBuilder::allow_insecure_http`] is set.
#[derive(Clone)]
pub struct HyperTransport {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    max_response_bytes: usize,
    allow_insecure_http: bool,
}

impl std::fmt::Debug for HyperTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HyperTransport")
            .field("max_response_bytes", &self.max_response_bytes)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .finish_non_exhaustive()
    }
}

/// Options for a [`HyperTransport`].
#[derive(Debug, Clone)]
pub struct HyperTransportBuilder {
    max_response_bytes: usize,
    allow_insecure_http: bool,
    pool_idle_timeout: std::time::Duration,
}

impl Default for HyperTransportBuilder {
    fn default() -> Self {
        Self {
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            allow_insecure_http: false,
            pool_idle_timeout: std::time::Duration::from_secs(60),
        }
    }
}

impl HyperTransportBuilder {
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
    pub fn pool_idle_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.pool_idle_timeout = timeout;
        self
    }

    /// Builds the transport. Needs no runtime: connections are made on the runtime that sends.
    pub fn build(self) -> Result<HyperTransport, TransportError> {
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let builder = hyper_rustls::HttpsConnectorBuilder::new();
        #[cfg(feature = "native-roots")]
        let builder = builder.with_provider_and_native_roots(provider);
        #[cfg(all(not(feature = "native-roots"), feature = "webpki-roots"))]
        let builder = builder.with_provider_and_webpki_roots(provider);
        #[cfg(not(any(feature = "native-roots", feature = "webpki-roots")))]
        let builder: Result<_, std::io::Error> = {
            let _ = provider;
            Err(std::io::Error::other(
                "enable the webpki-roots or native-roots feature",
            ))
        };
        let builder = builder.map_err(|e| {
            TransportError::new(
                TransportErrorKind::Other,
                format!("could not set up TLS: {e}"),
                false,
            )
        })?;
        let connector = builder.https_or_http().enable_http1().build();
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(self.pool_idle_timeout)
            .build(connector);
        Ok(HyperTransport {
            client,
            max_response_bytes: self.max_response_bytes,
            allow_insecure_http: self.allow_insecure_http,
        })
    }
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
                    || uri.host().is_some_and(seam_core::config::is_loopback_host) =>
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
    async fn send(&self, request: Request<Bytes>) -> Result<Response<Bytes>, TransportError> {
        self.check_scheme(&request)?;
        let response = self
            .client
            .request(request.map(Full::new))
            .await
            .map_err(|e| {
                if e.is_connect() {
                    TransportError::connect(describe(&e))
                } else {
                    TransportError::new(TransportErrorKind::Io, describe(&e), true)
                }
            })?;
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
