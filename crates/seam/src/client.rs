use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use seam_core::facade_methods;
use seam_core::retry::{Attempt, Decision, Outcome, StopReason};
use seam_core::routes::*;
use seam_core::{
    Config, ConfigBuilder, Credentials, Encoder, Environment, Error, Paginated, RetryPolicy, Route,
    TransportError,
};
use seam_transport::{HyperTransport, Transport};
use tracing::Instrument;

use crate::paginate::PageStream;

/// The async Seam client. Cheap to clone (clones share the connection pool), `Send + Sync`.
///
/// Build one with [`Seam::builder`] or [`Seam::from_env`].
#[derive(Clone)]
pub struct Seam {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    encoder: Encoder,
    transport: Arc<dyn Transport>,
}

impl std::fmt::Debug for Seam {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Seam")
            .field("endpoint", &self.inner.config.endpoint.as_str())
            .field("credentials", &self.inner.config.credentials)
            .field("transport", &self.inner.transport)
            .finish()
    }
}

/// Makes a client from a finished configuration; lets one [`SeamBuilder`] build both the
/// async client and the blocking one (`seam-blocking`).
pub trait BuildClient: Sized {
    /// Builds the client from a validated configuration and a transport.
    fn build_client(config: Config, transport: Arc<dyn Transport>) -> Result<Self, Error>;
}

impl BuildClient for Seam {
    fn build_client(config: Config, transport: Arc<dyn Transport>) -> Result<Self, Error> {
        Ok(Seam {
            inner: Arc::new(Inner {
                encoder: Encoder::new(&config),
                config,
                transport,
            }),
        })
    }
}

/// Options for a client: credentials, endpoint, timeouts, retries, transport. Explicit options
/// beat the environment, which is read only with [`SeamBuilder::from_env`].
///
/// ```
/// use std::time::Duration;
/// let seam = seam::Seam::builder()
///     .api_key("seam_test_key")
///     .endpoint("http://127.0.0.1:8080")
///     .timeout(Duration::from_secs(5))
///     .build()?;
/// # Ok::<(), seam::Error>(())
/// ```
#[must_use]
pub struct SeamBuilder<C = Seam> {
    config: ConfigBuilder,
    transport: Option<Arc<dyn Transport>>,
    _client: PhantomData<fn() -> C>,
}

impl<C> std::fmt::Debug for SeamBuilder<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SeamBuilder")
            .field("config", &self.config)
            .field("transport", &self.transport)
            .finish()
    }
}

impl<C> Default for SeamBuilder<C> {
    fn default() -> Self {
        Self {
            config: ConfigBuilder::default(),
            transport: None,
            _client: PhantomData,
        }
    }
}

impl<C: BuildClient> SeamBuilder<C> {
    /// Authenticates with an API key (`seam_…`).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.config = self.config.api_key(key);
        self
    }

    /// Authenticates with a personal access token (`seam_at…`) acting in `workspace_id`.
    pub fn personal_access_token(
        mut self,
        token: impl Into<String>,
        workspace_id: impl Into<String>,
    ) -> Self {
        self.config = self.config.personal_access_token(token, workspace_id);
        self
    }

    /// Authenticates with a console session token (a JWT) acting in `workspace_id`.
    pub fn console_session_token(
        mut self,
        token: impl Into<String>,
        workspace_id: impl Into<String>,
    ) -> Self {
        self.config = self.config.console_session_token(token, workspace_id);
        self
    }

    /// Authenticates with credentials built already.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.config = self.config.credentials(credentials);
        self
    }

    /// Sends requests to `url` instead of `https://connect.getseam.com`.
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.config = self.config.endpoint(url);
        self
    }

    /// How long one attempt may take (30 s by default).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.config = self.config.timeout(timeout);
        self
    }

    /// How failed attempts are retried (3 attempts, exponential backoff, 90 s overall).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.config = self.config.retry_policy(policy);
        self
    }

    /// Allows plain `http://` to hosts other than loopback (off by default).
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.config = self.config.allow_insecure_http(allow);
        self
    }

    /// Fills what was not set explicitly from `SEAM_API_KEY`, `SEAM_PERSONAL_ACCESS_TOKEN` +
    /// `SEAM_WORKSPACE_ID`, and `SEAM_ENDPOINT` (or the deprecated `SEAM_API_URL`).
    pub fn from_env(mut self) -> Self {
        self.config = self.config.from_env();
        self
    }

    /// Fills what was not set explicitly from `env` instead of the process environment.
    pub fn environment(mut self, env: Environment) -> Self {
        self.config = self.config.environment(env);
        self
    }

    /// Sends requests through `transport` instead of the built-in hyper one: for tests, the
    /// fake, or your own HTTP stack.
    pub fn transport(mut self, transport: impl Transport + 'static) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Checks the options and builds the client. Sends nothing.
    pub fn build(self) -> Result<C, Error> {
        let config = self.config.build()?;
        let transport = match self.transport {
            Some(t) => t,
            None => Arc::new(
                HyperTransport::builder()
                    .allow_insecure_http(config.allow_insecure_http)
                    .build()?,
            ),
        };
        C::build_client(config, transport)
    }
}

impl Seam {
    /// Options for a client.
    pub fn builder() -> SeamBuilder<Seam> {
        SeamBuilder::default()
    }

    /// A client configured from the environment alone.
    pub fn from_env() -> Result<Self, Error> {
        Self::builder().from_env().build()
    }

    /// The configuration in force.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Sends any [`Route`]: validates, encodes, sends with retries, decodes. Every namespace
    /// method is this with the route's type.
    pub async fn send<R: Route>(&self, params: R) -> Result<R::Output, Error> {
        let span = tracing::info_span!(
            "seam.request",
            route = R::NAME,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        self.execute(&params).instrument(span).await
    }

    /// Every item of a paginated list, fetching pages as the stream is polled.
    pub fn paginate<R: Paginated>(&self, first: R) -> PageStream<R> {
        PageStream::new(self.clone(), first)
    }

    async fn execute<R: Route>(&self, params: &R) -> Result<R::Output, Error> {
        let inner = &*self.inner;
        // The first attempt takes the encoded request itself; a retry, which is rare, encodes
        // the same parameters again (the same bytes) rather than every call paying for a copy.
        let mut first = Some(inner.encoder.encode(params)?);
        let policy = &inner.config.retry;
        let deadline = Instant::now() + policy.total_timeout;
        let span = tracing::Span::current();
        let mut number = 0;
        loop {
            number += 1;
            span.record("attempt", number);
            let remaining = deadline.saturating_duration_since(Instant::now());
            let per_attempt = inner.config.timeout.min(remaining);
            let cut_by_deadline = per_attempt < inner.config.timeout;
            let request = match first.take() {
                Some(request) => request,
                None => inner.encoder.encode(params)?,
            };
            let result =
                match tokio::time::timeout(per_attempt, inner.transport.send(request)).await {
                    Ok(result) => result,
                    Err(_) => Err(TransportError::timeout(per_attempt)),
                };
            let outcome = match &result {
                Ok(response) => {
                    span.record("status", response.status().as_u16());
                    if let Some(id) = response
                        .headers()
                        .get(seam_core::codec::REQUEST_ID_HEADER)
                        .and_then(|v| v.to_str().ok())
                    {
                        span.record("request_id", id);
                    }
                    Outcome::Response {
                        status: response.status(),
                        headers: response.headers(),
                    }
                }
                Err(e) => Outcome::Transport(e),
            };
            let decision = policy.decide(&Attempt {
                number,
                idempotent: R::IDEMPOTENT,
                outcome,
                now: SystemTime::now(),
                // A success never retries: skip drawing a random number on the hot path.
                jitter: if result.as_ref().is_ok_and(|r| r.status().is_success()) {
                    0.5
                } else {
                    jitter()
                },
                remaining: deadline.saturating_duration_since(Instant::now()),
            });
            match decision {
                Decision::Retry(wait) => {
                    tracing::debug!(attempt = number, ?wait, "retrying");
                    tokio::time::sleep(wait).await;
                }
                Decision::Stop(reason) => {
                    let last = match result {
                        Ok(response) => seam_core::decode::<R>(&response),
                        Err(e) => Err(Error::Transport(e)),
                    };
                    let timed_out_by_deadline =
                        cut_by_deadline && last.as_ref().err().is_some_and(Error::is_timeout);
                    return match last {
                        Err(last)
                            if reason == StopReason::DeadlinePassed || timed_out_by_deadline =>
                        {
                            Err(Error::DeadlineExceeded {
                                deadline: policy.total_timeout,
                                attempts: number,
                                last: Box::new(last),
                            })
                        }
                        other => {
                            if let Err(e) = &other {
                                tracing::debug!(attempt = number, error = %e, "call failed");
                            }
                            other
                        }
                    };
                }
            }
        }
    }
}

/// A number in `[0, 1)` for backoff jitter, from the standard library's per-process random
/// hash keys (no extra dependency; jitter needs spread, not cryptographic quality).
fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(
        std::time::SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64),
    );
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

seam_core::facade_namespaces! {
    Seam;
    /// `seam.user_identities()`: the user identity routes.
    ///
    /// ```no_run
    /// use futures_core::Stream;
    /// use seam::routes::*;
    /// # async fn run(seam: seam::Seam) -> seam::Result<()> {
    /// let ids = seam.user_identities();
    /// let acs_user_id = "5eed0002-0000-4000-8000-000000000001";
    /// ids.add_acs_user(AddAcsUser::new(acs_user_id, UserIdentityRef::key("jane"))).await?;
    /// let jane = ids.get(GetUserIdentity::new(UserIdentityRef::key("jane"))).await?;
    /// let created = ids.create(CreateUserIdentity::new().user_identity_key("sam").full_name("Sam")).await?;
    /// let page = ids.list(ListUserIdentities::new().limit(50u32)).await?;
    /// let every: std::pin::Pin<Box<dyn Stream<Item = seam::Result<seam::UserIdentity>>>> =
    ///     Box::pin(ids.list_all(ListUserIdentities::new()));
    /// let linked = ids.list_acs_users(ListUserIdentityAcsUsers::new(jane.user_identity_id.clone())).await?;
    /// ids.remove_acs_user(RemoveAcsUser::new(jane.user_identity_id.clone(), acs_user_id)).await?;
    /// ids.delete(DeleteUserIdentity::new(created.user_identity_id)).await?;
    /// # let _ = (page, every, linked); Ok(()) }
    /// ```
    UserIdentities;
    /// `seam.acs()`: the access control system routes.
    Acs;
    /// `seam.acs().users()`: the ACS user routes.
    ///
    /// ```no_run
    /// use seam::routes::*;
    /// # async fn run(seam: seam::Seam) -> seam::Result<()> {
    /// let user = seam.acs().users().get(GetAcsUser::new("5eed0002-0000-4000-8000-000000000001")).await?;
    /// let page = seam.acs().users().list(ListAcsUsers::new().acs_system_id(user.acs_system_id.clone())).await?;
    /// let every = seam.acs().users().list_all(ListAcsUsers::new());
    /// # let _ = (page, every); Ok(()) }
    /// ```
    AcsUsers;
}

seam_core::with_routes!(facade_methods, async PageStream "a `Stream`");
