//! Certificates made at test time, and the TLS side of the test servers.

use std::sync::{Arc, Mutex, PoisonError};

use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A certificate authority made at test time (rcgen): trust its [`pem`](Self::pem) in the
/// client, and serve certificates it [`issue`](Self::issue)s.
pub struct TestCa {
    issuer: Issuer<'static, KeyPair>,
    pem: String,
}

impl std::fmt::Debug for TestCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TestCa")
    }
}

/// A server certificate and its key.
#[derive(Debug, Clone)]
pub struct TestCert {
    chain: Vec<CertificateDer<'static>>,
    key: Arc<PrivatePkcs8KeyDer<'static>>,
    pem: String,
    key_pem: String,
}

impl TestCert {
    /// The certificate, PEM.
    pub fn pem(&self) -> &str {
        &self.pem
    }

    /// Its private key, PEM (PKCS #8), for a server other than the test servers.
    pub fn key_pem(&self) -> &str {
        &self.key_pem
    }

    /// A rustls server configuration (ring, TLS 1.2 and 1.3) serving this certificate and
    /// offering `alpn` (e.g. `[b"h2", b"http/1.1"]`): for a server other than the test servers.
    pub fn rustls_server_config(&self, alpn: &[&[u8]]) -> rustls::ServerConfig {
        let mut config = self.server_config(rustls::ALL_VERSIONS);
        config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        config
    }

    pub(crate) fn server_config(
        &self,
        versions: &[&'static rustls::SupportedProtocolVersion],
    ) -> rustls::ServerConfig {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_protocol_versions(versions)
            .expect("ring supports TLS 1.2 and 1.3")
            .with_no_client_auth()
            .with_single_cert(
                self.chain.clone(),
                PrivateKeyDer::Pkcs8(self.key.clone_key()),
            )
            .expect("rcgen makes a usable key");
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        config
    }
}

impl TestCa {
    /// A new CA (an ECDSA P-256 key).
    ///
    /// # Panics
    /// When rcgen cannot make a key (it always can with ring).
    pub fn new() -> Self {
        let key = KeyPair::generate().expect("rcgen key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("no names");
        params.distinguished_name.push(
            rcgen::DnType::CommonName,
            format!("seamapi-transport test CA {}", {
                static MADE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
                MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            }),
        );
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let cert = params.self_signed(&key).expect("self-signed CA");
        Self {
            pem: cert.pem(),
            issuer: Issuer::new(params, key),
        }
    }

    /// The CA's certificate, PEM: what a client is told to trust.
    pub fn pem(&self) -> &str {
        &self.pem
    }

    /// A server certificate for `names` (DNS names or IP addresses), valid now.
    pub fn issue(&self, names: &[&str]) -> TestCert {
        self.issue_with(names, |_| {})
    }

    /// A server certificate for `names` that expired in 2021.
    pub fn issue_expired(&self, names: &[&str]) -> TestCert {
        self.issue_with(names, |p| {
            p.not_before = rcgen::date_time_ymd(2020, 1, 1);
            p.not_after = rcgen::date_time_ymd(2021, 1, 1);
        })
    }

    fn issue_with(&self, names: &[&str], edit: impl FnOnce(&mut CertificateParams)) -> TestCert {
        let key = KeyPair::generate().expect("rcgen key");
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let mut params = CertificateParams::new(names).expect("valid names");
        params.is_ca = IsCa::NoCa;
        edit(&mut params);
        let cert = params.signed_by(&key, &self.issuer).expect("signed");
        TestCert {
            pem: cert.pem(),
            key_pem: key.serialize_pem(),
            chain: vec![cert.der().clone()],
            key: Arc::new(PrivatePkcs8KeyDer::from(key.serialize_der())),
        }
    }
}

impl Default for TestCa {
    fn default() -> Self {
        Self::new()
    }
}

/// What a TLS test server saw of its clients' handshakes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Handshakes(Arc<Mutex<Vec<Option<String>>>>);

impl Handshakes {
    pub(crate) fn push(&self, server_name: Option<&str>) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(server_name.map(str::to_owned));
    }

    pub(crate) fn snapshot(&self) -> Vec<Option<String>> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// A TLS 1.1 `ServerHello` record: what a server that speaks nothing newer answers to any
/// `ClientHello`. rustls cannot serve TLS 1.1, so this canned answer stands in for one; the
/// client must refuse it by its version, before anything else.
pub(crate) const TLS11_SERVER_HELLO: &[u8] = &[
    0x16, 0x03, 0x02, 0x00, 0x2a, // handshake record, TLS 1.1, 42 bytes
    0x02, 0x00, 0x00, 0x26, // server_hello, 38 bytes
    0x03, 0x02, // server_version: TLS 1.1
    0x5e, 0x1a, 0x3b, 0x7c, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc,
    0xdd, 0xee, 0xff, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
    0x0c, // random
    0x00, // session id: empty
    0x00, 0x2f, // TLS_RSA_WITH_AES_128_CBC_SHA
    0x00, // no compression
];
