//! Our side: the async client, the blocking client, the CLI, and raw requests.

use bytes::Bytes;
use http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use seamapi_api::routes::{AddAcsUser, UserIdentityRef};
use seamapi_core::{Error, Route};
use serde_json::Value;

use super::outcome::Outcome;
use super::process::output;
use super::{Env, PROCESS_LIMIT};

pub(super) enum Facade<'a> {
    Async(seamapi::Seam, &'a tokio::runtime::Runtime),
    Blocking(seamapi_blocking::Seam),
}

impl Facade<'_> {
    pub(super) fn name(&self) -> &'static str {
        match self {
            Self::Async(..) => "async",
            Self::Blocking(_) => "blocking",
        }
    }

    pub(super) fn send<R: Route>(&self, route: R) -> Result<R::Output, Error> {
        match self {
            Self::Async(client, runtime) => runtime.block_on(client.send(route)),
            Self::Blocking(client) => client.send(route),
        }
    }
}

pub(super) fn facades<'a>(
    env: &'a Env,
    endpoint: &str,
    api_key: &str,
) -> Result<Vec<Facade<'a>>, String> {
    let build = |what: &str| format!("conformance: building the {what} client failed");
    Ok(vec![
        Facade::Async(
            seamapi::Seam::builder()
                .api_key(api_key)
                .endpoint(endpoint)
                .build()
                .map_err(|e| format!("{}: {e}", build("async")))?,
            &env.runtime,
        ),
        Facade::Blocking(
            seamapi_blocking::Seam::builder()
                .api_key(api_key)
                .endpoint(endpoint)
                .build()
                .map_err(|e| format!("{}: {e}", build("blocking")))?,
        ),
    ])
}

/// `seam --json --endpoint E --api-key K <words…>` with a clean home.
pub(super) fn cli(
    env: &Env,
    endpoint: &str,
    api_key: &str,
    words: &[&str],
) -> Result<Outcome, String> {
    let mut cmd = crate::isolated_cli(&env.bins.seam, &env.dir.join("cli-home"));
    cmd.args([
        "--json",
        "--non-interactive",
        "--endpoint",
        endpoint,
        "--api-key",
        api_key,
    ])
    .args(words);
    let (code, _, stderr) = output("seam", cmd)?;
    Ok(Outcome::of_cli(code, &stderr))
}

/// One request as given (any method, headers and body), on a plain hyper client; the answer
/// and the error core decodes it to.
pub(super) struct Raw<'a> {
    pub(super) env: &'a Env,
    pub(super) endpoint: String,
}

impl Raw<'_> {
    pub(super) fn send(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Result<(StatusCode, HeaderMap, Bytes), String> {
        let mut request = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.endpoint));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request
            .body(Full::new(Bytes::from(body.to_owned())))
            .map_err(|e| format!("raw request: {e}"))?;
        self.env.runtime.block_on(async {
            let client: Client<HttpConnector, Full<Bytes>> =
                Client::builder(TokioExecutor::new()).build_http();
            let response = tokio::time::timeout(PROCESS_LIMIT, client.request(request))
                .await
                .map_err(|_| format!("raw request to {path}: no answer"))?
                .map_err(|e| format!("raw request to {path}: {e}"))?;
            let (parts, body) = response.into_parts();
            let body = body
                .collect()
                .await
                .map_err(|e| format!("raw request to {path}: {e}"))?
                .to_bytes();
            Ok((parts.status, parts.headers, body))
        })
    }

    /// The error core makes of the answer to a request our facades would not send.
    pub(super) fn error(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Result<Outcome, String> {
        let (status, headers, body) = self.send(method, path, headers, body)?;
        if status.is_success() {
            return Ok(Outcome::ok());
        }
        Ok(Outcome::of_error(&seamapi_core::decode_error(
            status, &headers, &body,
        )))
    }

    /// How many requests the counter in front of Seam's fake saw for `path`.
    pub(super) fn count(&self, path: &str) -> Result<u64, String> {
        let (_, _, body) = self.send(Method::GET, "/_conformance/requests", &[], "")?;
        let counts: Value = serde_json::from_slice(&body)
            .map_err(|e| format!("request counter answered {body:?}: {e}"))?;
        Ok(counts[path].as_u64().unwrap_or(0))
    }
}

/// Our typed call for `params` when our API can express it (exactly one of id and key).
pub(super) fn typed_add(params: &Value) -> Option<AddAcsUser> {
    let obj = params.as_object()?;
    let acs_user_id = obj.get("acs_user_id")?.as_str()?;
    let identity = match (obj.get("user_identity_id"), obj.get("user_identity_key")) {
        (Some(Value::String(id)), None) => UserIdentityRef::id(id.as_str()),
        (None, Some(Value::String(key))) => UserIdentityRef::key(key.as_str()),
        _ => return None,
    };
    (obj.len() == 2).then(|| AddAcsUser::new(acs_user_id, identity))
}
