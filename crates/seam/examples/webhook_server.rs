//! A webhook endpoint for Seam's deliveries: a small hyper server on loopback that verifies
//! each delivery with `seamapi::webhook::Webhook` and prints the event's type.
//!
//! ```text
//! SEAM_WEBHOOK_SECRET=whsec_… cargo run -p seamapi --example webhook_server -- --listen 127.0.0.1:8080
//! cargo run -p seamapi --example webhook_server -- --demo   # sends itself three deliveries, then exits
//! ```
//!
//! Put it behind an HTTPS tunnel or proxy and give Seam its URL (`seam webhooks create --url …`
//! answers with the secret). Each delivery is answered `204` when it verifies, `400` when it
//! does not (Seam retries those), and `200` when it is authentic but not an event this version
//! can read (retrying would not help). `--demo` uses a made-up secret, signs one known event,
//! one of a kind newer than this version and one forged delivery, and posts them to itself.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use seamapi::webhook::Webhook;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The largest delivery body read; Seam's events are a few kilobytes.
const MAX_BODY: usize = 1 << 20;
/// The secret `--demo` signs and verifies with (any base64 will do).
const DEMO_SECRET: &str = "whsec_ZGVtbyBzZWNyZXQsIG5vdCBhIHJlYWwgb25l";

type Error = Box<dyn std::error::Error + Send + Sync>;

/// One delivery: verified and decoded, or refused with the check that failed.
async fn deliver(webhook: &Webhook, request: Request<Incoming>) -> Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let Ok(body) = Limited::new(body, MAX_BODY).collect().await else {
        return answer(StatusCode::PAYLOAD_TOO_LARGE);
    };
    match webhook.verify(&parts.headers, &body.to_bytes()) {
        Ok(event) => {
            println!("event {}", event.kind());
            answer(StatusCode::NO_CONTENT)
        }
        Err(e) if e.is_signed() => {
            eprintln!("authentic, but not an event: {e}");
            answer(StatusCode::OK)
        }
        Err(e) => {
            eprintln!("refused: {}: {e}", e.check());
            answer(StatusCode::BAD_REQUEST)
        }
    }
}

fn answer(status: StatusCode) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = status;
    response
}

/// Serves deliveries on `listener` until the process ends.
async fn serve(listener: TcpListener, webhook: Arc<Webhook>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let webhook = Arc::clone(&webhook);
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let webhook = Arc::clone(&webhook);
                async move { Ok::<_, Infallible>(deliver(&webhook, request).await) }
            });
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let demo = args.iter().any(|a| a == "--demo");
    let listen = args
        .iter()
        .position(|a| a == "--listen")
        .and_then(|i| args.get(i + 1))
        .map_or("127.0.0.1:0", String::as_str);
    let secret = if demo {
        DEMO_SECRET.to_owned()
    } else {
        std::env::var("SEAM_WEBHOOK_SECRET").map_err(
            |_| "set SEAM_WEBHOOK_SECRET to the endpoint's whsec_… secret, or pass --demo",
        )?
    };
    let webhook = Arc::new(Webhook::new(&secret)?);
    let listener = TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    println!("listening on http://{addr}/");
    if !demo {
        serve(listener, webhook).await;
        return Ok(());
    }
    tokio::spawn(serve(listener, Arc::clone(&webhook)));
    let now = i64::try_from(SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs())?;
    let unlocked = br#"{"event_id":"e1","event_type":"lock.unlocked","workspace_id":"w1","created_at":"2026-12-01T12:00:00Z","device_id":"d1","method":"keycode"}"#;
    let newer = br#"{"event_id":"e2","event_type":"lock.teleported","workspace_id":"w1","created_at":"2026-12-01T12:00:00Z"}"#;
    for (id, body, forged) in [
        ("msg_1", &unlocked[..], false),
        ("msg_2", &newer[..], false),
        ("msg_3", &unlocked[..], true),
    ] {
        let mut signature = webhook.verifier().sign(id, now, body);
        if forged {
            signature = webhook.verifier().sign(id, now, b"something else");
        }
        let status = post(addr, id, now, &signature, body).await?;
        println!("{id}: HTTP {status}");
    }
    Ok(())
}

/// Posts one delivery as Seam would, over a plain connection: the status line's code.
async fn post(
    addr: SocketAddr,
    id: &str,
    timestamp: i64,
    signature: &str,
    body: &[u8],
) -> Result<String, Error> {
    let mut stream = TcpStream::connect(addr).await?;
    let head = format!(
        "POST / HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\n\
         webhook-id: {id}\r\nwebhook-timestamp: {timestamp}\r\nwebhook-signature: {signature}\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body).await?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await?;
    Ok(answer.split(' ').nth(1).unwrap_or("?").to_owned())
}
