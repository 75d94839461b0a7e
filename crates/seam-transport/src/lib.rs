//! How the Seam client reaches the network: the [`Transport`] trait and its hyper + rustls
//! implementation, [`HyperTransport`].
//!
//! A transport sends one buffered `http::Request<Bytes>` and returns one buffered
//! `http::Response<Bytes>`, or a [`TransportError`] that says whether the request may have
//! reached the server. It knows nothing of Seam's routes, retries or errors: the clients in
//! the `seamapi` and `seamapi-blocking` crates drive it, and apply the per-attempt timeout and the
//! overall deadline around any transport, this one or yours.
//!
//! With the `test-util` feature, the `test_util` module holds doubles for tests: a transport from a
//! closure, one that records every request, and one that replays a script of answers.
#![doc(html_root_url = "https://docs.rs/seamapi-transport/0.1.0")]

use std::sync::Arc;

use bytes::Bytes;
use http::{Request, Response};
pub use seamapi_core::{TransportError, TransportErrorKind};

mod hyper_transport;
mod proxy;
#[cfg(feature = "test-util")]
pub mod test_util;

pub use hyper_transport::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_POOL_MAX_IDLE_PER_HOST,
    DEFAULT_TCP_KEEPALIVE, HyperTransport, HyperTransportBuilder,
};

/// Sends a buffered request and returns a buffered response.
///
/// Object safe: clients hold an `Arc<dyn Transport>`, so tests and embedders can swap in
/// their own.
///
/// ```
/// use bytes::Bytes;
/// use seamapi_transport::{Transport, TransportError};
///
/// #[derive(Debug)]
/// struct AlwaysOk;
///
/// #[async_trait::async_trait]
/// impl Transport for AlwaysOk {
///     async fn send(&self, _: http::Request<Bytes>) -> Result<http::Response<Bytes>, TransportError> {
///         Ok(http::Response::new(Bytes::from_static(b"{\"ok\":true}")))
///     }
/// }
/// let _: std::sync::Arc<dyn Transport> = std::sync::Arc::new(AlwaysOk);
/// ```
#[async_trait::async_trait]
pub trait Transport: Send + Sync + std::fmt::Debug {
    /// Sends `request`; the answer's body is read in full.
    async fn send(&self, request: Request<Bytes>) -> Result<Response<Bytes>, TransportError>;
}

/// A transport as a client holds it, shared by the client's clones: what the clients'
/// builders take in `transport(…)` (`seamapi_core::BuildClient::Transport`). Anything that
/// implements [`Transport`] converts into one, so a builder takes the transport itself:
///
/// ```
/// use seamapi_transport::{HyperTransport, SharedTransport};
/// let shared: SharedTransport = HyperTransport::new()?.into();
/// # let _ = shared; Ok::<(), seamapi_transport::TransportError>(())
/// ```
#[derive(Clone, Debug)]
pub struct SharedTransport(Arc<dyn Transport>);

impl SharedTransport {
    /// `transport`, shared.
    pub fn new(transport: impl Transport + 'static) -> Self {
        Self(Arc::new(transport))
    }

    /// The transport, as the client calls it.
    pub fn into_arc(self) -> Arc<dyn Transport> {
        self.0
    }
}

impl<T: Transport + 'static> From<T> for SharedTransport {
    fn from(transport: T) -> Self {
        Self::new(transport)
    }
}

#[async_trait::async_trait]
impl<T: Transport + ?Sized> Transport for Arc<T> {
    async fn send(&self, request: Request<Bytes>) -> Result<Response<Bytes>, TransportError> {
        (**self).send(request).await
    }
}

#[async_trait::async_trait]
impl<T: Transport + ?Sized> Transport for Box<T> {
    async fn send(&self, request: Request<Bytes>) -> Result<Response<Bytes>, TransportError> {
        (**self).send(request).await
    }
}
