//! `seam` over HTTPS and through proxies (issue 16): a TLS test server with a certificate from
//! a test CA, a `CONNECT` proxy, both on loopback; the environment is set per process.
#![allow(clippy::unwrap_used)]

mod common;

use common::{ADD_JANE, Home, Out, closed_port, run};
use seamapi_transport::test_util::{ProxyBehaviour, Reply, TestCa, TestProxy, TestServer};

const KEY: &str = "seam_test_key_0123456789";

fn ok_server(ca: &TestCa, names: &[&str]) -> TestServer {
    TestServer::start_tls(&ca.issue(names), |_| Reply::json(200, r#"{"ok":true}"#))
}

/// `seam --api-key … --endpoint <endpoint> <extra…> user-identities add-acs-user …`.
fn add_jane(home: &Home, env: &[(&str, &str)], endpoint: &str, extra: &[&str]) -> Out {
    let mut cmd = home.bare();
    cmd.envs(env.iter().copied());
    let mut args = vec!["--api-key", KEY, "--endpoint", endpoint];
    args.extend_from_slice(extra);
    args.extend_from_slice(&ADD_JANE);
    run(cmd, &args, None)
}

fn write_ca(home: &Home, ca: &TestCa) -> String {
    let path = home.dir.join("ca.pem");
    std::fs::write(&path, ca.pem()).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn ca_cert_trusts_a_private_root_and_without_it_the_error_says_why() {
    let home = Home::new("tls-ca");
    let ca = TestCa::new();
    let server = ok_server(&ca, &["localhost"]);
    let ca_file = write_ca(&home, &ca);
    add_jane(&home, &[], server.url(), &["--ca-cert", &ca_file]).ok();
    assert_eq!(server.handshakes(), [Some("localhost".to_owned())]);
    assert_eq!(
        server.requests()[0].uri().path(),
        "/user_identities/add_acs_user"
    );
    // SSL_CERT_FILE does the same.
    add_jane(&home, &[("SSL_CERT_FILE", &ca_file)], server.url(), &[]).ok();
    // Without it: exit 5, one line naming the failure and what to do.
    let out = add_jane(&home, &[], server.url(), &[]);
    assert_eq!(out.code, 5, "{out:?}");
    assert_eq!(out.stderr.lines().count(), 1, "{out:?}");
    assert!(
        out.stderr.starts_with(
            "error: tls: TLS failed: the server's certificate is not trusted: localhost: invalid peer certificate: UnknownIssuer"
        ),
        "{out:?}"
    );
    assert!(
        out.stderr
            .contains("pass its root certificate with --ca-cert FILE (or set SSL_CERT_FILE)"),
        "{out:?}"
    );
    assert_eq!(server.count(), 2, "the refused handshake sent nothing");
    // A file that cannot be read is said so.
    let out = add_jane(
        &home,
        &[],
        server.url(),
        &["--ca-cert", "/nonexistent/ca.pem"],
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr
            .contains("cannot read the certificate file /nonexistent/ca.pem (--ca-cert)"),
        "{out:?}"
    );
}

#[test]
fn each_refused_certificate_is_named() {
    let home = Home::new("tls-refused");
    let ca = TestCa::new();
    let ca_file = write_ca(&home, &ca);
    let wrong = ok_server(&ca, &["api.example.com"]);
    let expired = TestServer::start_tls(&ca.issue_expired(&["localhost"]), |_| {
        Reply::json(200, "{}")
    });
    let old = TestServer::tls11_only();
    for (server, says) in [
        (
            &wrong,
            "error: tls: TLS failed: the server's certificate is for another host name",
        ),
        (
            &expired,
            "error: tls: TLS failed: the server's certificate has expired or is not valid yet",
        ),
        (
            &old,
            "error: tls: TLS failed: the server offers only an outdated protocol version",
        ),
    ] {
        let out = add_jane(&home, &[], server.url(), &["--ca-cert", &ca_file]);
        assert_eq!(out.code, 5, "{out:?}");
        assert!(out.stderr.starts_with(says), "{out:?}");
        assert_eq!(server.connections(), 1, "not retried: {out:?}");
    }
}

#[test]
fn proxies_come_from_the_flag_or_the_environment_and_credentials_are_never_printed() {
    let home = Home::new("tls-proxy");
    let ca = TestCa::new();
    let ca_file = write_ca(&home, &ca);
    let server = ok_server(&ca, &["api.seam.test", "localhost"]);
    let endpoint = format!("https://api.seam.test:{}", server.port());
    let upstream = format!("127.0.0.1:{}", server.port()).parse().unwrap();
    // HTTPS_PROXY, in lower case too, is honoured for a remote host.
    let proxy = TestProxy::upstream(upstream);
    for var in ["HTTPS_PROXY", "https_proxy", "ALL_PROXY"] {
        add_jane(
            &home,
            &[(var, proxy.url())],
            &endpoint,
            &["--ca-cert", &ca_file],
        )
        .ok();
    }
    assert_eq!(proxy.requests().len(), 3);
    assert_eq!(proxy.requests()[0].method(), http::Method::CONNECT);
    // NO_PROXY and --no-proxy bypass it (the host then does not resolve: a network error).
    for (env, flag) in [
        (
            &[("HTTPS_PROXY", proxy.url()), ("NO_PROXY", "seam.test")][..],
            None,
        ),
        (&[("HTTPS_PROXY", proxy.url())][..], Some("--no-proxy")),
    ] {
        let mut extra = vec!["--ca-cert", &ca_file, "--timeout", "5"];
        extra.extend(flag);
        let out = add_jane(&home, env, &endpoint, &extra);
        assert_eq!(out.code, 5, "{out:?}");
        assert!(out.stderr.starts_with("error: network:"), "{out:?}");
    }
    assert_eq!(proxy.requests().len(), 3);
    // --proxy beats the environment; its credentials go in Proxy-Authorization ("u:pw").
    let strict = TestProxy::start(ProxyBehaviour::RequireAuthorization(
        "Basic dTpwdw==".into(),
    ));
    let with_credentials = strict.url_with_credentials("u", "pw");
    add_jane(
        &home,
        &[(
            "HTTPS_PROXY",
            &format!("http://127.0.0.1:{}", closed_port()),
        )],
        server.url().replace("api.seam.test", "localhost").as_str(),
        &["--ca-cert", &ca_file, "--proxy", &with_credentials],
    )
    .ok();
    assert_eq!(strict.requests().len(), 1);
    // Wrong credentials: a proxy error naming the proxy, never the password.
    let wrong = strict.url_with_credentials("u", "hunter2");
    let out = add_jane(&home, &[], &endpoint, &["--proxy", &wrong, "--json"]);
    assert_eq!(out.code, 5, "{out:?}");
    assert!(!out.stderr.contains("hunter2") && !out.stdout.contains("hunter2"));
    let err: serde_json::Value = serde_json::from_str(out.stderr.trim()).unwrap();
    assert_eq!(err["error"]["type"], "proxy", "{err}");
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains(&format!("{} answered 407", strict.url())),
        "{err}"
    );
    // An unreachable proxy is named too.
    let dead = format!("http://user:hunter2@127.0.0.1:{}", closed_port());
    let out = add_jane(&home, &[], &endpoint, &["--proxy", &dead]);
    assert_eq!(out.code, 5, "{out:?}");
    assert!(
        out.stderr
            .starts_with("error: proxy: could not reach the proxy: http://127.0.0.1:"),
        "{out:?}"
    );
    assert!(!out.stderr.contains("hunter2"), "{out:?}");
}
