//! Helpers shared by the integration tests: raw requests, in memory and over TCP, and a
//! typed client made of core's pieces (the clients `seam` and `seamapi-blocking` are not
//! dependencies of the fake).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use bytes::Bytes;
use seamapi_api::routes::GetUserIdentity;
use seamapi_core::{ConfigBuilder, Encoder, Error, Paginated, Route, decode};
use seamapi_transport::{HyperTransport, Transport};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A typed client of the fake: core's [`Encoder`] (which validates, as the clients do) and
/// [`decode`] around a [`Transport`], the fake itself or HTTP. What the clients add (retries,
/// deadlines, namespaces) is theirs to test.
#[derive(Clone)]
pub struct Client {
    encoder: Arc<Encoder>,
    transport: Arc<dyn Transport>,
}

impl Client {
    /// With the credentials of `config`, sending to `endpoint` through `transport`.
    pub fn new(config: ConfigBuilder, endpoint: &str, transport: impl Transport + 'static) -> Self {
        let config = config.endpoint(endpoint).build().unwrap();
        Self {
            encoder: Arc::new(Encoder::with_routes(&config, &seamapi_api::ROUTES)),
            transport: Arc::new(transport),
        }
    }

    /// The seeded API key, talking to `transport` (a `FakeSeam` or a `Sandbox`) in memory.
    pub fn in_memory(transport: impl Transport + 'static) -> Self {
        Self::new(
            seamapi_core::Config::builder().api_key(seamapi_fake::seed::API_KEY),
            seamapi_fake::IN_MEMORY_ENDPOINT,
            transport,
        )
    }

    /// With the credentials of `config`, over HTTP to a server at `endpoint`.
    pub fn over_http(config: ConfigBuilder, endpoint: &str) -> Self {
        let http = HyperTransport::builder()
            .allow_insecure_http(true)
            .build()
            .unwrap();
        Self::new(config, endpoint, http)
    }

    /// The seeded API key, over HTTP to a server at `endpoint`.
    pub fn seeded_over_http(endpoint: &str) -> Self {
        Self::over_http(
            seamapi_core::Config::builder().api_key(seamapi_fake::seed::API_KEY),
            endpoint,
        )
    }

    /// Validates, sends and decodes one call.
    pub async fn call<R: Route>(&self, route: R) -> Result<R::Output, Error> {
        let request = self.encoder.encode(&route)?;
        let response = self.transport.send(request).await?;
        decode::<R>(&response)
    }

    /// Every item of every page, from `first` on.
    pub async fn all<R: Paginated>(&self, first: R) -> Result<Vec<R::Item>, Error> {
        let mut request = first;
        let mut items = Vec::new();
        loop {
            let page = self.call(request.clone()).await?;
            items.extend(page.items);
            match page.pagination.next_page_cursor {
                Some(cursor) if page.pagination.has_next_page => {
                    request = request.with_page_cursor(cursor);
                }
                _ => return Ok(items),
            }
        }
    }
}

/// `user_identities/get` by id, built from its wire form so that it does not depend on the
/// name of the generated one-of enum.
pub fn get_identity_by_id(id: &str) -> GetUserIdentity {
    serde_json::from_value(json!({ "user_identity_id": id })).unwrap()
}

/// `user_identities/get` by key.
pub fn get_identity_by_key(key: &str) -> GetUserIdentity {
    serde_json::from_value(json!({ "user_identity_key": key })).unwrap()
}

/// A raw answer: status, headers (lower-case names), body.
#[derive(Debug)]
pub struct Raw {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Raw {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn error_type(&self) -> String {
        self.json()["error"]["type"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub fn has_request_id(&self) -> bool {
        self.header("seam-request-id")
            .is_some_and(|id| !id.is_empty())
    }
}

/// One raw request: method, path (with query), headers, body.
#[derive(Debug, Clone)]
pub struct Req {
    pub method: &'static str,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Req {
    /// A request with the seeded API key and a JSON content type.
    pub fn new(method: &'static str, path: &str, body: &str) -> Self {
        Self {
            method,
            path: path.to_owned(),
            headers: vec![
                (
                    "authorization".into(),
                    format!("Bearer {}", seamapi_fake::seed::API_KEY),
                ),
                ("content-type".into(), "application/json".into()),
            ],
            body: body.as_bytes().to_vec(),
        }
    }

    pub fn post(path: &str, body: &str) -> Self {
        Self::new("POST", path, body)
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn without(mut self, name: &str) -> Self {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self
    }

    pub fn to_http(&self) -> http::Request<Bytes> {
        let mut b = http::Request::builder()
            .method(self.method)
            .uri(format!("http://fake.test{}", self.path));
        for (n, v) in &self.headers {
            b = b.header(n, v);
        }
        b.body(Bytes::from(self.body.clone())).unwrap()
    }
}

/// Sends `req` to the fake in memory.
pub fn in_memory(fake: &seamapi_fake::FakeSeam, req: &Req) -> Raw {
    let response = fake.handle(&req.to_http());
    Raw {
        status: response.status().as_u16(),
        headers: response
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
            .collect(),
        body: response.body().to_vec(),
    }
}

/// Sends `req` over a new TCP connection (HTTP/1.1, `Connection: close`) and reads the answer.
pub async fn over_tcp(addr: SocketAddr, req: &Req) -> Raw {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut head = format!(
        "{} {} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\ncontent-length: {}\r\n",
        req.method,
        req.path,
        req.body.len()
    );
    for (n, v) in &req.headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&req.body).await.unwrap();
    let mut buf = Vec::new();
    stream.read_to_end(&mut buf).await.unwrap();
    parse_response(&buf)
}

fn parse_response(buf: &[u8]) -> Raw {
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete head");
    let head = std::str::from_utf8(&buf[..split]).unwrap();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = buf[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"))
    {
        body = dechunk(&body);
    }
    Raw {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&data[..line_end]).unwrap().trim(), 16)
                .unwrap();
        data = &data[line_end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

/// A fresh, empty directory under cargo's temporary directory for integration tests.
pub fn temp_dir(name: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "seamapi-fake-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
