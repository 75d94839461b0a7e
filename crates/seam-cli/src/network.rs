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
        let roots = match g.ca_cert.as_deref() {
            Some(path) => vec![read_pem(path, "--ca-cert")?],
            None => match ssl_cert_file {
                Some(path) => vec![read_pem(&path, "SSL_CERT_FILE")?],
                None => Vec::new(),
            },
        };
        Ok(Self { proxies, roots })
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
