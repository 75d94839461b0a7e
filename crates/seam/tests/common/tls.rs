//! HTTPS and proxies through each facade (issue 16): a TLS test server with a certificate from
//! a test CA made at test time, and a `CONNECT` proxy, all on loopback. The transport's own
//! cases (every TLS and proxy failure, SNI, forward proxies) are in
//! `crates/seam-transport/tests/tls_and_proxies.rs`; these prove the builder's options reach
//! it and that the retry loop treats the failures as final.

use seamapi_core::{Environment, Error, ProxyFailure, TlsFailure, TransportErrorKind};
use seamapi_transport::test_util::{
    ProxyBehaviour, Reply, TestCa, TestCert, TestProxy, TestServer,
};

use super::{Facade, KEY, add, fast_policy};

fn builder<F: Facade>(url: &str) -> seamapi::SeamBuilder<F::Client> {
    seamapi::SeamBuilder::<F::Client>::default()
        .api_key(KEY)
        .endpoint(url)
        .retry_policy(fast_policy())
}

fn trusting<F: Facade>(url: &str, ca: &TestCa) -> seamapi::SeamBuilder<F::Client> {
    builder::<F>(url)
        .no_proxy()
        .add_root_certificate_pem(ca.pem())
}

fn server(cert: &TestCert) -> TestServer {
    TestServer::start_tls(cert, |_| Reply::json(200, r#"{"ok":true}"#))
}

fn kind(e: &Error) -> TransportErrorKind {
    match e {
        Error::Transport(t) => t.kind(),
        other => panic!("expected a transport error, got {other:?}"),
    }
}

pub fn https_with_an_added_root_works_and_one_handshake_serves_every_call<F: Facade>() {
    let ca = TestCa::new();
    let server = server(&ca.issue(&["localhost"]));
    let c = trusting::<F>(server.url(), &ca).build().unwrap();
    for _ in 0..10 {
        F::add_acs_user(&c, add()).unwrap();
    }
    assert_eq!(server.count(), 10);
    // Without a pool there would be 10 handshakes. There can be 2: when a call starts before
    // the previous connection is back in the pool, hyper's client waits for it and opens
    // another at once, keeping whichever is ready first (on the multi-thread runtime the
    // return is a spawned task). Exactly one is pinned on a single thread in
    // seamapi-transport's tests.
    let handshakes = server.handshakes();
    assert!(handshakes.len() <= 2, "{handshakes:?}");
    assert!(
        handshakes
            .iter()
            .all(|sni| sni.as_deref() == Some("localhost"))
    );
    assert_eq!(
        server.requests()[0].uri().path(),
        "/user_identities/add_acs_user"
    );
}

/// Each refusal is typed, says which, and is not retried: one connection, one attempt.
fn refused<F: Facade>(server: &TestServer, ca: &TestCa, expected: TlsFailure, says: &str) {
    let c = trusting::<F>(server.url(), ca).build().unwrap();
    let e = F::add_acs_user(&c, add()).unwrap_err();
    assert_eq!(kind(&e), TransportErrorKind::Tls(expected), "{e}");
    assert!(e.to_string().starts_with(says), "{e}");
    assert_eq!(server.connections(), 1, "not retried");
    assert_eq!(server.count(), 0);
}

pub fn an_untrusted_certificate_is_refused_as_such_and_not_retried<F: Facade>() {
    let server = server(&TestCa::new().issue(&["localhost"]));
    refused::<F>(
        &server,
        &TestCa::new(),
        TlsFailure::UntrustedCertificate,
        "TLS failed: the server's certificate is not trusted: localhost: invalid peer certificate: UnknownIssuer",
    );
}

pub fn a_certificate_for_another_host_is_refused_as_such_and_not_retried<F: Facade>() {
    let ca = TestCa::new();
    let server = server(&ca.issue(&["api.example.com"]));
    refused::<F>(
        &server,
        &ca,
        TlsFailure::WrongHostName,
        "TLS failed: the server's certificate is for another host name: localhost:",
    );
}

pub fn an_expired_certificate_is_refused_as_such_and_not_retried<F: Facade>() {
    let ca = TestCa::new();
    let server = server(&ca.issue_expired(&["localhost"]));
    refused::<F>(
        &server,
        &ca,
        TlsFailure::Expired,
        "TLS failed: the server's certificate has expired or is not valid yet: localhost:",
    );
}

pub fn a_tls_1_1_server_is_refused_as_such_and_not_retried<F: Facade>() {
    let server = TestServer::tls11_only();
    refused::<F>(
        &server,
        &TestCa::new(),
        TlsFailure::ProtocolVersion,
        "TLS failed: the server offers only an outdated protocol version: localhost:",
    );
}

pub fn a_root_pem_without_a_certificate_fails_the_build<F: Facade>() {
    let e = builder::<F>("https://localhost:9")
        .add_root_certificate_pem("no certificate here")
        .build()
        .err()
        .unwrap();
    assert_eq!(kind(&e), TransportErrorKind::Other);
    assert_eq!(
        e.to_string(),
        "transport error: could not set up TLS: root certificate PEM #1 holds no BEGIN CERTIFICATE block"
    );
}

pub fn the_builders_proxy_tunnels_https_with_its_credentials<F: Facade>() {
    let ca = TestCa::new();
    let server = server(&ca.issue(&["localhost"]));
    // "me:pw" in base64.
    let proxy = TestProxy::start(ProxyBehaviour::RequireAuthorization(
        "Basic bWU6cHc=".into(),
    ));
    let c = builder::<F>(server.url())
        .add_root_certificate_pem(ca.pem())
        .proxy(proxy.url_with_credentials("me", "pw"))
        .build()
        .unwrap();
    for _ in 0..10 {
        F::add_acs_user(&c, add()).unwrap();
    }
    // Tunnels are pooled connections: at most 2 for 10 calls (see the reuse case above).
    let seen = proxy.requests();
    assert!(
        !seen.is_empty() && seen.len() <= 2,
        "{} tunnels",
        seen.len()
    );
    let target = format!("localhost:{}", server.port());
    for connect in &seen {
        assert_eq!(connect.method(), http::Method::CONNECT);
        assert_eq!(connect.uri(), &target[..]);
    }
    assert_eq!(server.handshakes().len(), seen.len());
    assert!(
        server
            .handshakes()
            .iter()
            .all(|sni| sni.as_deref() == Some("localhost"))
    );
    assert_eq!(server.count(), 10);
}

pub fn the_environments_https_proxy_is_honoured_by_default<F: Facade>() {
    let ca = TestCa::new();
    let server = server(&ca.issue(&["api.seam.test"]));
    let proxy = TestProxy::upstream(format!("127.0.0.1:{}", server.port()).parse().unwrap());
    let proxy_url = proxy.url().to_owned();
    let env = Environment::from_lookup(move |name| match name {
        "SEAM_API_KEY" => Some(KEY.to_owned()),
        "HTTPS_PROXY" => Some(proxy_url.clone()),
        _ => None,
    });
    let c = seamapi::SeamBuilder::<F::Client>::default()
        .environment(env)
        .endpoint(format!("https://api.seam.test:{}", server.port()))
        .add_root_certificate_pem(ca.pem())
        .retry_policy(fast_policy())
        .build()
        .unwrap();
    F::add_acs_user(&c, add()).unwrap();
    assert_eq!(proxy.requests().len(), 1);
    assert_eq!(server.handshakes(), [Some("api.seam.test".to_owned())]);
}

pub fn a_proxy_wanting_credentials_is_a_proxy_error_and_not_retried<F: Facade>() {
    let proxy = TestProxy::start(ProxyBehaviour::RequireAuthorization("Basic x".into()));
    let c = builder::<F>("https://localhost:9")
        .proxy(proxy.url())
        .build()
        .unwrap();
    let e = F::add_acs_user(&c, add()).unwrap_err();
    assert_eq!(
        kind(&e),
        TransportErrorKind::Proxy(ProxyFailure::AuthenticationRequired)
    );
    assert!(e.to_string().contains(proxy.url()), "{e}");
    assert_eq!(proxy.requests().len(), 1, "not retried");
}

pub fn an_unreachable_proxy_is_a_proxy_error_naming_it<F: Facade>() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let c = builder::<F>("https://localhost:9")
        .proxy(&url)
        .build()
        .unwrap();
    let e = F::add_acs_user(&c, add()).unwrap_err();
    assert_eq!(
        kind(&e),
        TransportErrorKind::Proxy(ProxyFailure::Unreachable)
    );
    assert!(e.to_string().contains(&url), "{e}");
}

/// Runs every scenario above for a facade.
#[macro_export]
macro_rules! tls_tests {
    ($f:ty) => {
        $crate::tls_tests!($f;
            https_with_an_added_root_works_and_one_handshake_serves_every_call,
            an_untrusted_certificate_is_refused_as_such_and_not_retried,
            a_certificate_for_another_host_is_refused_as_such_and_not_retried,
            an_expired_certificate_is_refused_as_such_and_not_retried,
            a_tls_1_1_server_is_refused_as_such_and_not_retried,
            a_root_pem_without_a_certificate_fails_the_build,
            the_builders_proxy_tunnels_https_with_its_credentials,
            the_environments_https_proxy_is_honoured_by_default,
            a_proxy_wanting_credentials_is_a_proxy_error_and_not_retried,
            an_unreachable_proxy_is_a_proxy_error_naming_it,
        );
    };
    ($f:ty; $($name:ident),* $(,)?) => {
        mod tls {
            use super::*;
            $(
                #[test]
                fn $name() {
                    common::tls::$name::<$f>();
                }
            )*
        }
    };
}
