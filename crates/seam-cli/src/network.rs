//! How this invocation reaches the API: `--proxy` / `--no-proxy` over the proxy variables,
//! and the root certificates of `--ca-cert`, else `SSL_CERT_FILE`, trusted on top of the
//! built-in ones. Which variable means what (upper and lower case, `NO_PROXY`, loopback never
//! proxied) is core's rule (`seamapi_core::network`); this only picks the layer.

use std::path::{Path, PathBuf};

use seamapi_core::{BuildClient, Builder, Proxies, ProxyEnvironment};

use crate::fail::CliError;
use crate::settings::Globals;

/// The proxies and extra root certificates in force.
#[derive(Debug, Clone)]
pub struct Network {
    proxies: Proxies,
    roots: Vec<Vec<u8>>,
    /// Where the roots came from: the file and the flag or variable that named it.
    roots_from: Option<(PathBuf, &'static str)>,
}

impl Network {
    /// From the flags, else the process environment.
    pub fn from_process(g: &Globals) -> Result<Self, CliError> {
        let ssl_cert_file = std::env::var_os("SSL_CERT_FILE")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
        Self::resolve(g, &ProxyEnvironment::from_process(), ssl_cert_file)
    }

    /// From the flags, else `env` and `ssl_cert_file`; reads the certificate file.
    pub fn resolve(
        g: &Globals,
        env: &ProxyEnvironment,
        ssl_cert_file: Option<PathBuf>,
    ) -> Result<Self, CliError> {
        let proxies = match (&g.proxy, g.no_proxy) {
            (_, true) => Proxies::none(),
            (Some(url), false) => Proxies::all(url.clone()),
            (None, false) => Proxies::from_environment(env),
        };
        let roots_from = match (&g.ca_cert, ssl_cert_file) {
            (Some(path), _) => Some((path.clone(), "--ca-cert")),
            (None, Some(path)) => Some((path, "SSL_CERT_FILE")),
            (None, None) => None,
        };
        let roots = match &roots_from {
            Some((path, from)) => vec![read_pem(path, from)?],
            None => Vec::new(),
        };
        Ok(Self {
            proxies,
            roots,
            roots_from,
        })
    }

    /// `error` from building a client with these settings, as reported: the transport
    /// refuses a certificate file it cannot use before anything is sent, and that is the
    /// file's problem (named, with what to do), not the network's.
    pub fn explain(&self, error: seamapi_core::Error) -> CliError {
        match (&error, &self.roots_from) {
            (seamapi_core::Error::Transport(t), Some((path, from)))
                if t.attempts().is_none()
                    && t.kind() == seamapi_core::TransportErrorKind::Other =>
            {
                CliError::local_with_hint(
                    "ca_cert",
                    format!(
                        "the certificate file {} ({from}) cannot be used: {}",
                        path.display(),
                        t.message()
                    ),
                    "pass a PEM file of one or more root certificates (-----BEGIN CERTIFICATE----- blocks) with --ca-cert FILE (or SSL_CERT_FILE)",
                )
            }
            _ => error.into(),
        }
    }

    /// Sets these on a client's options.
    pub fn apply<C: BuildClient>(&self, builder: Builder<C>) -> Builder<C> {
        let builder = builder.proxies(self.proxies.clone());
        self.roots
            .iter()
            .fold(builder, |b, pem| b.add_root_certificate_pem(pem.clone()))
    }
}

fn read_pem(path: &Path, from: &str) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|e| {
        CliError::local(
            "ca_cert",
            format!(
                "cannot read the certificate file {} ({from}): {e}",
                path.display()
            ),
        )
    })
}
