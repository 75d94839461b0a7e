//! The hyper transport over real TLS and through real proxies, on loopback: certificates from
//! a test CA made at test time, a `CONNECT` proxy from the test utilities.

#![cfg(feature = "test-util")]
#![allow(clippy::unwrap_used)]

use bytes::Bytes;
use seamapi_core::{Proxies, ProxyFailure, TlsFailure, TransportError, TransportErrorKind};
use seamapi_transport::test_util::{ProxyBehaviour, Reply, TestCa, TestProxy, TestServer};
use seamapi_transport::{HyperTransport, HyperTransportBuilder, Transport};

fn ok() -> Reply {
    Reply::json(200, r#"{"ok":true}"#)
}

fn get(url: &str) -> http::Request<Bytes> {
    http::Request::get(format!("{url}/devices/list"))
        .body(Bytes::new())
        .unwrap()
}

fn trusting(ca: &TestCa) -> HyperTransportBuilder {
    HyperTransport::builder().add_root_certificate_pem(ca.pem().as_bytes().to_vec())
}

async fn send(t: &HyperTransport, url: &str) -> Result<http::Response<Bytes>, TransportError> {
    t.send(get(url)).await
}

fn tls_kind(e: &TransportError) -> TlsFailure {
    match e.kind() {
        TransportErrorKind::Tls(f) => f,
        other => panic!("expected a TLS failure, got {other:?}: {e}"),
    }
}

fn proxy_kind(e: &TransportError) -> ProxyFailure {
    match e.kind() {
        TransportErrorKind::Proxy(f) => f,
        other => panic!("expected a proxy failure, got {other:?}: {e}"),
    }
}

#[tokio::test]
async fn a_trusted_certificate_works_sends_sni_and_one_handshake_serves_many_calls() {
    let ca = TestCa::new();
    let server = TestServer::start_tls(&ca.issue(&["localhost"]), |_| ok());
    let t = trusting(&ca).build().unwrap();
    for _ in 0..3 {
        let r = send(&t, server.url()).await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(&r.body()[..], br#"{"ok":true}"#);
    }
    assert_eq!(server.handshakes(), [Some("localhost".to_owned())]);
    assert_eq!(server.connections(), 1);
    assert_eq!(server.count(), 3);
    assert_eq!(server.requests()[0].uri(), "/devices/list");
}

#[tokio::test]
async fn an_untrusted_certificate_is_refused_as_such() {
    let server = TestServer::start_tls(&TestCa::new().issue(&["localhost"]), |_| ok());
    // Trusts another CA: the server's is unknown.
    let t = trusting(&TestCa::new()).build().unwrap();
    let e = send(&t, server.url()).await.unwrap_err();
    assert_eq!(tls_kind(&e), TlsFailure::UntrustedCertificate);
    assert!(!e.may_have_reached_server());
    assert!(e.to_string().starts_with(
        "TLS failed: the server's certificate is not trusted: localhost: invalid peer certificate: UnknownIssuer"
    ), "{e}");
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn a_certificate_for_another_host_is_refused_as_such() {
    let ca = TestCa::new();
    let server = TestServer::start_tls(&ca.issue(&["other.example"]), |_| ok());
    let e = send(&trusting(&ca).build().unwrap(), server.url())
        .await
        .unwrap_err();
    assert_eq!(tls_kind(&e), TlsFailure::WrongHostName);
    assert!(
        e.to_string()
            .starts_with("TLS failed: the server's certificate is for another host name"),
        "{e}"
    );
}

#[tokio::test]
async fn an_expired_certificate_is_refused_as_such() {
    let ca = TestCa::new();
    let server = TestServer::start_tls(&ca.issue_expired(&["localhost"]), |_| ok());
    let e = send(&trusting(&ca).build().unwrap(), server.url())
        .await
        .unwrap_err();
    assert_eq!(tls_kind(&e), TlsFailure::Expired);
}

#[tokio::test]
async fn a_server_offering_only_tls_1_1_is_refused_as_such() {
    let server = TestServer::tls11_only();
    let e = send(&trusting(&TestCa::new()).build().unwrap(), server.url())
        .await
        .unwrap_err();
    assert_eq!(tls_kind(&e), TlsFailure::ProtocolVersion);
    assert!(
        e.to_string()
            .starts_with("TLS failed: the server offers only an outdated protocol version"),
        "{e}"
    );
}

/// A real TLS 1.1-only server, when the machine has `openssl`: OpenSSL 3 answers a
/// `ClientHello` that offers only TLS 1.2 and 1.3 with a `protocol_version` alert, which is
/// typed as the same failure as the canned TLS 1.1 `ServerHello` above.
#[tokio::test]
async fn openssl_serving_only_tls_1_1_is_refused_when_openssl_is_installed() {
    let Some(server) = openssl::Tls11Server::start() else {
        eprintln!("skipped: no `openssl` command on this machine");
        return;
    };
    let ca = TestCa::new();
    let e = send(&trusting(&ca).build().unwrap(), &server.url)
        .await
        .unwrap_err();
    assert_eq!(tls_kind(&e), TlsFailure::ProtocolVersion, "{e}");
}

#[tokio::test]
async fn a_root_certificate_pem_without_a_certificate_is_refused_when_building() {
    let e = HyperTransport::builder()
        .add_root_certificate_pem(b"not a certificate".to_vec())
        .build()
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "transport error: could not set up TLS: root certificate PEM #1 holds no BEGIN CERTIFICATE block"
    );
}

#[tokio::test]
async fn https_goes_through_connect_with_the_proxy_credentials() {
    let ca = TestCa::new();
    let server = TestServer::start_tls(&ca.issue(&["localhost"]), |_| ok());
    // "user:s3cret" in base64.
    let proxy = TestProxy::start(ProxyBehaviour::RequireAuthorization(
        "Basic dXNlcjpzM2NyZXQ=".into(),
    ));
    let t = trusting(&ca)
        .proxies(Proxies::all(proxy.url_with_credentials("user", "s3cret")))
        .build()
        .unwrap();
    for _ in 0..2 {
        assert_eq!(send(&t, server.url()).await.unwrap().status(), 200);
    }
    let seen = proxy.requests();
    assert_eq!(seen.len(), 1, "one tunnel serves both calls");
    assert_eq!(seen[0].method(), http::Method::CONNECT);
    assert_eq!(seen[0].uri(), &format!("localhost:{}", server.port())[..]);
    assert_eq!(server.handshakes(), [Some("localhost".to_owned())]);
    // The API server never sees the proxy's credentials.
    assert!(
        server.requests()[0]
            .headers()
            .get("proxy-authorization")
            .is_none()
    );
    // Nor does the transport's Debug.
    assert!(!format!("{t:?}").contains("s3cret"));
}

#[tokio::test]
async fn a_proxy_wanting_credentials_is_a_typed_error_naming_the_proxy() {
    let server = TestServer::start_tls(&TestCa::new().issue(&["localhost"]), |_| ok());
    let proxy = TestProxy::start(ProxyBehaviour::RequireAuthorization("Basic x".into()));
    let t = HyperTransport::builder()
        .proxies(Proxies::all(proxy.url_with_credentials("user", "wrong-pw")))
        .build()
        .unwrap();
    let e = send(&t, server.url()).await.unwrap_err();
    assert_eq!(proxy_kind(&e), ProxyFailure::AuthenticationRequired);
    assert_eq!(
        e.to_string(),
        format!(
            "the proxy requires authentication (407): {} answered 407 Proxy Authentication Required: put user:password in the proxy URL",
            proxy.url()
        )
    );
    assert!(!e.to_string().contains("wrong-pw"));
    assert_eq!(server.connections(), 0);
}

#[tokio::test]
async fn an_unreachable_proxy_is_a_typed_error_naming_the_proxy() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let t = HyperTransport::builder()
        .proxies(Proxies::all(&proxy))
        .build()
        .unwrap();
    let e = send(&t, "https://localhost:9").await.unwrap_err();
    assert_eq!(proxy_kind(&e), ProxyFailure::Unreachable);
    assert!(!e.may_have_reached_server());
    assert!(
        e.to_string().starts_with(&format!(
            "could not reach the proxy: {proxy}: tcp connect error"
        )),
        "{e}"
    );
}

#[tokio::test]
async fn a_proxy_refusing_the_tunnel_or_answering_garbage_is_a_typed_error() {
    for answer in [
        &b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n"[..],
        b"SSH-2.0-OpenSSH_9.6\r\n\r\n",
        b"",
    ] {
        let proxy = TestProxy::start(ProxyBehaviour::Answer(Bytes::copy_from_slice(answer)));
        let t = HyperTransport::builder()
            .proxies(Proxies::all(proxy.url()))
            .build()
            .unwrap();
        let e = send(&t, "https://localhost:9").await.unwrap_err();
        assert_eq!(proxy_kind(&e), ProxyFailure::BadAnswer, "{e}");
        assert!(
            e.to_string().starts_with(&format!(
                "the proxy refused the request: {} did not open a tunnel",
                proxy.url()
            )),
            "{e}"
        );
    }
}

#[tokio::test]
async fn proxies_from_the_environment_skip_loopback_and_no_proxy_hosts() {
    let ca = TestCa::new();
    let server = TestServer::start_tls(&ca.issue(&["localhost", "seam.test"]), |_| ok());
    let addr = format!("127.0.0.1:{}", server.port()).parse().unwrap();
    let proxy = TestProxy::upstream(addr);
    let env = |pairs: &'static [(&'static str, &'static str)], proxy: String| {
        seamapi_core::ProxyEnvironment::from_lookup(move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.replace("PROXY", &proxy))
        })
    };
    // Lower-case https_proxy is honoured; a non-loopback host goes through it.
    let proxies = Proxies::from_environment(&env(&[("https_proxy", "PROXY")], proxy.url().into()));
    let t = trusting(&ca).proxies(proxies).build().unwrap();
    let url = format!("https://seam.test:{}", server.port());
    assert_eq!(send(&t, &url).await.unwrap().status(), 200);
    assert_eq!(proxy.requests().len(), 1);
    assert_eq!(server.handshakes(), [Some("seam.test".to_owned())]);
    assert_eq!(
        server.requests()[0].headers()["host"],
        &format!("seam.test:{}", server.port())[..]
    );
    // A loopback host does not, even with ALL_PROXY set.
    let proxies = Proxies::from_environment(&env(&[("ALL_PROXY", "PROXY")], proxy.url().into()));
    let t = trusting(&ca).proxies(proxies).build().unwrap();
    assert_eq!(send(&t, server.url()).await.unwrap().status(), 200);
    assert_eq!(proxy.requests().len(), 1);
    // Nor does a host in NO_PROXY, with an explicit proxy list.
    let t = trusting(&ca)
        .proxies(Proxies {
            no_proxy: "localhost".into(),
            ..Proxies::all(proxy.url())
        })
        .build()
        .unwrap();
    assert_eq!(send(&t, server.url()).await.unwrap().status(), 200);
    assert_eq!(proxy.requests().len(), 1);
}

#[tokio::test]
async fn plain_http_goes_to_a_forward_proxy_with_its_credentials() {
    let server = TestServer::always(ok());
    let addr = format!("127.0.0.1:{}", server.port()).parse().unwrap();
    let proxy = TestProxy::upstream(addr);
    let t = HyperTransport::builder()
        .allow_insecure_http(true)
        .proxies(Proxies::all(proxy.url_with_credentials("u", "p")))
        .build()
        .unwrap();
    let r = send(&t, "http://seam.test").await.unwrap();
    assert_eq!(r.status(), 200);
    let seen = proxy.requests();
    assert_eq!(seen[0].uri(), "http://seam.test/devices/list");
    assert_eq!(seen[0].headers()["proxy-authorization"], "Basic dTpw");
    // A forward proxy's 407 is the proxy's failure, not the API's answer.
    let strict = TestProxy::start(ProxyBehaviour::RequireAuthorization("Basic x".into()));
    let t = HyperTransport::builder()
        .allow_insecure_http(true)
        .proxies(Proxies::all(strict.url()))
        .build()
        .unwrap();
    let e = send(&t, "http://seam.test").await.unwrap_err();
    assert_eq!(proxy_kind(&e), ProxyFailure::AuthenticationRequired);
}

mod openssl {
    //! `openssl s_server` limited to TLS 1.1, when the machine has it.

    use std::io::{BufRead, BufReader};
    use std::process::{Child, Command, Stdio};

    pub struct Tls11Server {
        child: Child,
        pub url: String,
        _dir: TempDir,
    }

    struct TempDir(std::path::PathBuf);

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    impl Tls11Server {
        pub fn start() -> Option<Self> {
            Command::new("openssl")
                .arg("version")
                .stdout(Stdio::null())
                .status()
                .ok()?;
            let ca = super::TestCa::new();
            let cert = ca.issue(&["localhost"]);
            let dir = std::env::temp_dir().join(format!("seam-tls11-{}", std::process::id()));
            std::fs::create_dir_all(&dir).ok()?;
            let dir = TempDir(dir);
            let (cert_path, key_path) = (dir.0.join("cert.pem"), dir.0.join("key.pem"));
            std::fs::write(&cert_path, cert.pem()).ok()?;
            std::fs::write(&key_path, cert.key_pem()).ok()?;
            let port = {
                let l = std::net::TcpListener::bind("127.0.0.1:0").ok()?;
                l.local_addr().ok()?.port()
            };
            let mut child = Command::new("openssl")
                .args([
                    "s_server",
                    "-tls1_1",
                    "-cipher",
                    "DEFAULT@SECLEVEL=0",
                    "-www",
                ])
                .args(["-accept", &format!("127.0.0.1:{port}")])
                .arg("-cert")
                .arg(&cert_path)
                .arg("-key")
                .arg(&key_path)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .ok()?;
            // s_server prints "ACCEPT" once it listens.
            let stdout = child.stdout.take()?;
            let mut lines = BufReader::new(stdout).lines();
            let listening = lines.any(|l| l.is_ok_and(|l| l.contains("ACCEPT")));
            std::thread::spawn(move || lines.for_each(drop));
            if !listening {
                let _ = child.kill();
                return None;
            }
            Some(Self {
                child,
                url: format!("https://localhost:{port}"),
                _dir: dir,
            })
        }
    }

    impl Drop for Tls11Server {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
