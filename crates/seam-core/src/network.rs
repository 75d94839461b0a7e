//! How requests reach the server, as data for the transport: which proxies they go through
//! and which extra root certificates are trusted. Nothing here opens a socket or reads a file;
//! the hyper transport (crate `seamapi-transport`) applies it.
//!
//! Proxies are honoured from the environment by default, as curl, reqwest, httpx and axios do:
//! `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY`, upper case first, then lower case.
//! Loopback hosts (`localhost`, `127.0.0.1`, `::1`) never go through a proxy taken from the
//! environment (as Go's `net/http` does): a local fake or test server keeps working behind a
//! company proxy. An explicit proxy ([`ConfigBuilder::proxy`](crate::ConfigBuilder::proxy))
//! applies to every host.

use crate::config::redact_userinfo;
use crate::error::ConfigError;

/// The proxy variables of an environment, as given (validated later, by
/// [`ConfigBuilder::build`](crate::ConfigBuilder::build)).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ProxyEnvironment {
    /// `HTTPS_PROXY` or `https_proxy`: the proxy for `https://` URLs.
    pub https: Option<String>,
    /// `HTTP_PROXY` or `http_proxy`: the proxy for `http://` URLs. Ignored when
    /// `REQUEST_METHOD` is set (a CGI program, where a request's `Proxy:` header would set it:
    /// "httpoxy").
    pub http: Option<String>,
    /// `ALL_PROXY` or `all_proxy`: the proxy for URLs that the two above do not cover.
    pub all: Option<String>,
    /// `NO_PROXY` or `no_proxy`: hosts reached directly, comma-separated (`example.com` also
    /// covers its subdomains, IP addresses and CIDR ranges are allowed, `*` covers all).
    pub no_proxy: Option<String>,
}

impl std::fmt::Debug for ProxyEnvironment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let show = |v: &Option<String>| v.as_deref().map(redact_userinfo);
        f.debug_struct("ProxyEnvironment")
            .field("https", &show(&self.https))
            .field("http", &show(&self.http))
            .field("all", &show(&self.all))
            .field("no_proxy", &self.no_proxy)
            .finish()
    }
}

impl ProxyEnvironment {
    /// Reads the process environment.
    pub fn from_process() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads variables through `lookup`: each name upper case first, then lower case. Empty
    /// variables count as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let get = |upper: &str| {
            lookup(upper)
                .filter(|v| !v.is_empty())
                .or_else(|| lookup(&upper.to_ascii_lowercase()).filter(|v| !v.is_empty()))
        };
        let cgi = lookup("REQUEST_METHOD").is_some();
        Self {
            https: get("HTTPS_PROXY"),
            http: if cgi {
                lookup("http_proxy").filter(|v| !v.is_empty())
            } else {
                get("HTTP_PROXY")
            },
            all: get("ALL_PROXY"),
            no_proxy: get("NO_PROXY"),
        }
    }
}

/// The proxies requests go through: what the transport applies.
///
/// ```
/// use seamapi_core::network::{ProxyEnvironment, Proxies};
/// let env = ProxyEnvironment::from_lookup(|name| match name {
///     "https_proxy" => Some("http://user:secret@proxy.corp:3128".to_owned()),
///     "NO_PROXY" => Some(".internal".to_owned()),
///     _ => None,
/// });
/// let proxies = Proxies::from_environment(&env).validated()?;
/// assert_eq!(proxies.https.as_deref(), Some("http://user:secret@proxy.corp:3128"));
/// assert_eq!(proxies.http, None);
/// assert!(!format!("{proxies:?}").contains("secret"));
/// # Ok::<(), seamapi_core::ConfigError>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Proxies {
    /// The proxy for `https://` URLs (reached with `CONNECT`).
    pub https: Option<String>,
    /// The proxy for `http://` URLs.
    pub http: Option<String>,
    /// Hosts reached directly, in the `NO_PROXY` syntax.
    pub no_proxy: String,
    /// Whether these came from the environment: then loopback hosts are reached directly.
    pub from_environment: bool,
}

impl std::fmt::Debug for Proxies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let show = |v: &Option<String>| v.as_deref().map(redact_userinfo);
        f.debug_struct("Proxies")
            .field("https", &show(&self.https))
            .field("http", &show(&self.http))
            .field("no_proxy", &self.no_proxy)
            .field("from_environment", &self.from_environment)
            .finish()
    }
}

impl Proxies {
    /// No proxy at all.
    pub fn none() -> Self {
        Self::default()
    }

    /// Every request through `url`.
    pub fn all(url: impl Into<String>) -> Self {
        let url = url.into();
        Self {
            https: Some(url.clone()),
            http: Some(url),
            no_proxy: String::new(),
            from_environment: false,
        }
    }

    /// What the environment asks for: `HTTPS_PROXY` (else `ALL_PROXY`) for https URLs,
    /// `HTTP_PROXY` (else `ALL_PROXY`) for http URLs, minus `NO_PROXY` and loopback hosts.
    pub fn from_environment(env: &ProxyEnvironment) -> Self {
        Self {
            https: env.https.clone().or_else(|| env.all.clone()),
            http: env.http.clone().or_else(|| env.all.clone()),
            no_proxy: env.no_proxy.clone().unwrap_or_default(),
            from_environment: true,
        }
    }

    /// Whether no request goes through a proxy.
    pub fn is_empty(&self) -> bool {
        self.https.is_none() && self.http.is_none()
    }

    /// Checks that each proxy is an `http://host[:port]` URL (or `https://`, or a bare
    /// `host:port`, taken as http), credentials allowed. SOCKS proxies are refused.
    pub fn validated(self) -> Result<Self, ConfigError> {
        for url in [&self.https, &self.http].into_iter().flatten() {
            check_proxy_url(url)?;
        }
        Ok(self)
    }
}

fn check_proxy_url(url: &str) -> Result<(), ConfigError> {
    let invalid = |reason| ConfigError::InvalidProxy {
        proxy: redact_userinfo(url),
        reason,
    };
    let uri: http::Uri = url.parse().map_err(|_| invalid("not a URL"))?;
    match uri.scheme_str() {
        Some("http" | "https") | None => {}
        Some(s) if s.starts_with("socks") => {
            return Err(invalid(
                "SOCKS proxies are not supported; use an HTTP proxy",
            ));
        }
        Some(_) => return Err(invalid("the scheme must be http or https")),
    }
    let authority = uri.authority().ok_or_else(|| invalid("no host"))?;
    let host = authority.as_str().rsplit('@').next().unwrap_or_default();
    if host.is_empty() || host.starts_with(':') {
        return Err(invalid("no host"));
    }
    Ok(())
}

/// What [`ConfigBuilder`](crate::ConfigBuilder) was told about proxies.
#[derive(Clone, Default)]
pub(crate) enum ProxyOption {
    /// From the environment given to the builder, else from the process environment.
    #[default]
    FromEnvironment,
    /// Exactly these.
    Set(Proxies),
}

impl ProxyOption {
    /// The proxies in force: `env` is the environment given to the builder, if any.
    pub(crate) fn resolve(self, env: Option<&ProxyEnvironment>) -> Result<Proxies, ConfigError> {
        match self {
            Self::Set(p) => p.validated(),
            Self::FromEnvironment => match env {
                Some(env) => Proxies::from_environment(env).validated(),
                None => Proxies::from_environment(&ProxyEnvironment::from_process()).validated(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> ProxyEnvironment {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        ProxyEnvironment::from_lookup(move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn upper_case_beats_lower_case_and_each_is_read() {
        let e = env(&[
            ("HTTPS_PROXY", "http://upper:1"),
            ("https_proxy", "http://lower:1"),
            ("http_proxy", "http://plain:2"),
            ("all_proxy", "http://all:3"),
            ("no_proxy", "internal.example"),
        ]);
        assert_eq!(e.https.as_deref(), Some("http://upper:1"));
        assert_eq!(e.http.as_deref(), Some("http://plain:2"));
        assert_eq!(e.all.as_deref(), Some("http://all:3"));
        assert_eq!(e.no_proxy.as_deref(), Some("internal.example"));
        let e = env(&[("HTTP_PROXY", ""), ("http_proxy", "http://lower:2")]);
        assert_eq!(e.http.as_deref(), Some("http://lower:2"));
    }

    #[test]
    fn all_proxy_fills_what_the_others_leave() {
        let p = Proxies::from_environment(&env(&[
            ("ALL_PROXY", "http://all:3"),
            ("HTTP_PROXY", "http://plain:2"),
        ]));
        assert_eq!(p.https.as_deref(), Some("http://all:3"));
        assert_eq!(p.http.as_deref(), Some("http://plain:2"));
        assert!(p.from_environment);
        assert!(Proxies::from_environment(&env(&[])).is_empty());
    }

    #[test]
    fn the_builder_takes_the_given_environment_unless_told_otherwise() {
        use crate::{Config, Environment};
        let env = Environment::from_lookup(|name| match name {
            "SEAM_API_KEY" => Some("seam_k".to_owned()),
            "HTTPS_PROXY" => Some("http://env-proxy:1".to_owned()),
            _ => None,
        });
        let config = Config::builder().environment(env.clone()).build().unwrap();
        assert_eq!(config.proxies.https.as_deref(), Some("http://env-proxy:1"));
        assert!(config.proxies.from_environment);
        let config = Config::builder()
            .environment(env.clone())
            .proxy("http://flag-proxy:2")
            .build()
            .unwrap();
        assert_eq!(config.proxies, Proxies::all("http://flag-proxy:2"));
        let config = Config::builder()
            .environment(env)
            .no_proxy()
            .build()
            .unwrap();
        assert!(config.proxies.is_empty());
        let e = Config::builder()
            .api_key("seam_k")
            .proxy("socks5://p:1")
            .build()
            .unwrap_err();
        assert!(matches!(e, ConfigError::InvalidProxy { .. }));
    }

    #[test]
    fn a_cgi_program_ignores_the_upper_case_http_proxy() {
        let e = env(&[
            ("REQUEST_METHOD", "GET"),
            ("HTTP_PROXY", "http://attacker:1"),
        ]);
        assert_eq!(e.http, None);
    }

    #[test]
    fn proxy_urls_are_checked_and_errors_hide_credentials() {
        for ok in [
            "http://proxy:3128",
            "https://proxy",
            "proxy.corp:8080",
            "http://u:p@proxy:1",
        ] {
            assert!(Proxies::all(ok).validated().is_ok(), "{ok}");
        }
        let e = Proxies::all("socks5://user:hunter2@proxy:1080")
            .validated()
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid proxy \"socks5://***@proxy:1080\": SOCKS proxies are not supported; use an HTTP proxy"
        );
        assert!(Proxies::all("ftp://proxy").validated().is_err());
        assert!(Proxies::all("http://").validated().is_err());
        let shown = format!("{:?}", Proxies::all("http://user:hunter2@proxy:1"));
        assert!(!shown.contains("hunter2"), "{shown}");
    }
}
