//! The in-process clients: `raw-hyper`, `seam-async` and `seamapi-blocking`.

use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderMap, Method, Request, Uri};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use seamapi_api::routes::{AddAcsUser, UserIdentityRef};

use super::sample::{Sample, drive_async, drive_threads};
use super::{ACS_USER_ID, API_KEY, Budget, USER_IDENTITY_ID};

/// The request every client sends, as `seamapi-core` encodes it: the bytes `raw-hyper` replays.
fn template(endpoint: &str) -> Result<(Method, Uri, HeaderMap, Bytes), String> {
    let config = seamapi_core::Config::builder()
        .api_key(API_KEY)
        .endpoint(endpoint)
        .build()
        .map_err(|e| format!("bench: config: {e}"))?;
    let request = seamapi_core::Encoder::new(&config)
        .encode(&AddAcsUser::new(
            ACS_USER_ID,
            UserIdentityRef::id(USER_IDENTITY_ID),
        ))
        .map_err(|e| format!("bench: encode: {e}"))?;
    let (parts, body) = request.into_parts();
    Ok((parts.method, parts.uri, parts.headers, body))
}

pub(super) fn raw_hyper(endpoint: &str, c: usize, budget: &Budget) -> Result<Sample, String> {
    // Built inside the runtime below is not needed: the legacy client spawns on the runtime
    // that polls it.
    let client: Client<HttpConnector, Full<Bytes>> =
        Client::builder(TokioExecutor::new()).build_http();
    raw_hyper_with(client, endpoint, c, budget)
}

/// `raw-hyper` through any connector (plain, or TLS in `tls`).
pub(super) fn raw_hyper_with<C>(
    client: Client<C, Full<Bytes>>,
    endpoint: &str,
    c: usize,
    budget: &Budget,
) -> Result<Sample, String>
where
    C: hyper_util::client::legacy::connect::Connect + Clone + Send + Sync + 'static,
{
    let (method, uri, headers, body) = template(endpoint)?;
    let template = Arc::new((method, uri, headers, body));
    drive_async(c, budget, move || {
        let client = client.clone();
        let template = Arc::clone(&template);
        async move {
            let (method, uri, headers, body) = &*template;
            let mut request = Request::new(Full::new(body.clone()));
            *request.method_mut() = method.clone();
            *request.uri_mut() = uri.clone();
            *request.headers_mut() = headers.clone();
            match client.request(request).await {
                Ok(response) => {
                    let ok = response.status().is_success();
                    ok && response.into_body().collect().await.is_ok()
                }
                Err(_) => false,
            }
        }
    })
}

pub(super) fn seam_async(endpoint: &str, c: usize, budget: &Budget) -> Result<Sample, String> {
    let seam = seamapi::Seam::builder()
        .api_key(API_KEY)
        .endpoint(endpoint)
        .build()
        .map_err(|e| format!("bench: seam client: {e}"))?;
    seam_async_with(seam, c, budget)
}

pub(super) fn seam_async_with(
    seam: seamapi::Seam,
    c: usize,
    budget: &Budget,
) -> Result<Sample, String> {
    drive_async(c, budget, move || {
        let seam = seam.clone();
        async move {
            seam.user_identities()
                .add_acs_user(AddAcsUser::new(
                    ACS_USER_ID,
                    UserIdentityRef::id(USER_IDENTITY_ID),
                ))
                .await
                .is_ok()
        }
    })
}

pub(super) fn seamapi_blocking(
    endpoint: &str,
    c: usize,
    budget: &Budget,
) -> Result<Sample, String> {
    let seam = seamapi_blocking::Seam::builder()
        .api_key(API_KEY)
        .endpoint(endpoint)
        .build()
        .map_err(|e| format!("bench: blocking client: {e}"))?;
    seam_blocking_with(seam, c, budget)
}

pub(super) fn seam_blocking_with(
    seam: seamapi_blocking::Seam,
    c: usize,
    budget: &Budget,
) -> Result<Sample, String> {
    Ok(drive_threads(
        c,
        budget.requests,
        budget.max_time,
        (c * 4).max(50),
        || {
            seam.user_identities()
                .add_acs_user(AddAcsUser::new(
                    ACS_USER_ID,
                    UserIdentityRef::id(USER_IDENTITY_ID),
                ))
                .is_ok()
        },
    ))
}
