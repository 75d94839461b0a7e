//! Blocking Rust client for the [Seam API](https://docs.seam.co): the API of the async
//! [`seamapi`] crate, without `.await`.
//!
//! ```no_run
//! use seamapi_blocking::{Seam, routes::{AddAcsUser, UserIdentityRef}};
//!
//! let seam = Seam::from_env()?;
//! seam.user_identities().add_acs_user(AddAcsUser::new(
//!     "d73f4706-67e3-419d-899e-ec957a75ee0c",
//!     UserIdentityRef::key("jane"),
//! ))?;
//! # Ok::<(), seamapi_blocking::Error>(())
//! ```
//!
//! Tests of your own code need no network: give the client `seamapi-fake`'s in-memory fake as
//! its transport.
//!
//! ```
//! use seamapi_blocking::{Seam, routes::{AddAcsUser, GetUserIdentity, UserIdentityRef}};
//! use seamapi_fake::{FakeSeam, IN_MEMORY_ENDPOINT, seed};
//!
//! let fake = FakeSeam::new();
//! let seam = Seam::builder()
//!     .api_key(seed::API_KEY)
//!     .endpoint(IN_MEMORY_ENDPOINT)
//!     .transport(fake.clone())
//!     .build()?;
//! seam.user_identities()
//!     .add_acs_user(AddAcsUser::new(seed::ACS_USER_IDS[0], UserIdentityRef::key("sam")))?;
//! let sam = seam.user_identities().get(GetUserIdentity::new(UserIdentityRef::key("sam")))?;
//! assert_eq!(sam.acs_user_ids, [seed::ACS_USER_IDS[0]]);
//! # Ok::<(), seamapi_blocking::Error>(())
//! ```
//!
//! # How it works
//!
//! Each client owns a private current-thread tokio runtime, on which the async client runs:
//! requests, retries and decoding are the async client's, and nothing is written twice. A call
//! from a plain thread drives that runtime itself, on the calling thread, until its answer is
//! in: no thread hop and no channel, so a blocking call costs close to what an async one does
//! (see the repository's `docs/performance.md`). Calls
//! from many threads at once share the runtime (one drives its I/O while the others wait for
//! their own answers). A call made inside a tokio context (a runtime's task, or
//! `spawn_blocking`), where driving a second runtime is not allowed, runs on a short-lived
//! thread of its own instead; prefer the async [`seamapi`] client there. Dropping the client is
//! safe anywhere.
#![doc(html_root_url = "https://docs.rs/seamapi-blocking/0.1.0")]

use std::sync::Arc;

mod generated;

pub use generated::*;
pub use seamapi::{
    ActionAttemptError, ActionWait, ApiError, Attempts, AuthSet, BuildClient, Builder, Config,
    ConfigBuilder, ConfigError, Credentials, Endpoint, Environment, Error, FieldErrors, HttpMethod,
    InvalidInput, Page, Pagination, RawRequest, Result, RetryPolicy, Route, RouteInfo, SeamBuilder,
    SharedTransport, Timestamp, TokenKind, Transport, TransportError, TransportErrorKind,
    UnexpectedResponse, UnknownKind, UnknownValue, ValidationErrors, resources, routes, webhook,
};
use seamapi_core::Paginated;
pub use seamapi_core::pager::WalkLimits;
use seamapi_core::pager::{Pager, Step};

/// The blocking Seam client. Cheap to clone (clones share the runtime and the connection
/// pool), `Send + Sync`.
#[derive(Clone)]
pub struct Seam {
    client: seamapi::Seam,
    runtime: Arc<Driver>,
}

impl std::fmt::Debug for Seam {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Seam")
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

/// The private runtime. Every connection of the client's pool is a task on it, which runs only
/// while a call drives the runtime; so the blocking client builds its own async client and
/// never hands it out, and no other runtime can be handed one of those connections.
struct Driver(Option<tokio::runtime::Runtime>);

impl Drop for Driver {
    fn drop(&mut self) {
        // Dropping a runtime blocks, which a tokio context forbids; this does not.
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

fn shut_down() -> Error {
    Error::Transport(TransportError::new(
        TransportErrorKind::Other,
        "the blocking client's runtime has shut down",
        false,
    ))
}

impl BuildClient for Seam {
    type Transport = SharedTransport;
    type Error = Error;

    fn build_client(config: Config, transport: Option<SharedTransport>) -> Result<Self> {
        let client = seamapi::Seam::build_client(config, transport)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| {
                Error::Transport(TransportError::new(
                    TransportErrorKind::Other,
                    format!("could not start the runtime: {e}"),
                    false,
                ))
            })?;
        Ok(Self {
            client,
            runtime: Arc::new(Driver(Some(runtime))),
        })
    }
}

impl Seam {
    /// Options for a client; the same builder as the async client's.
    pub fn builder() -> SeamBuilder<Seam> {
        SeamBuilder::default()
    }

    /// A client configured from the environment alone (see [`SeamBuilder::from_env`]).
    pub fn from_env() -> Result<Self> {
        Self::builder().from_env().build()
    }

    /// A client without a workspace, for the workspace routes, from a personal access token
    /// or a console session token (see [`seamapi::Seam::without_workspace`]).
    pub fn without_workspace(token: impl Into<String>) -> Result<Self> {
        Self::builder().token_without_workspace(token).build()
    }

    /// The configuration in force.
    pub fn config(&self) -> &Config {
        self.client.config()
    }

    /// Sends any [`Route`] and waits for the outcome: the async client's
    /// [`send`](seamapi::Seam::send), driven to completion here.
    pub fn send<R: Route>(&self, params: R) -> Result<R::Output> {
        // Only the checks, the encoding and the decoding are per route; the task on the
        // runtime is one type for every route (one copy of tokio's task code, not 201).
        let prepared = self.client.prepare(params)?;
        let response = self.send_prepared(prepared)?;
        seamapi_core::decode::<R>(&response).map_err(|e| self.client.scrub(e))
    }

    fn send_prepared(&self, prepared: seamapi::Prepared) -> Result<http::Response<bytes::Bytes>> {
        let client = self.client.clone();
        self.run(async move { client.send_prepared(prepared).await })
    }

    /// The same client (sharing its runtime and connections) with calls that start an action
    /// waiting as `wait` says instead of as configured: the async client's
    /// [`with_action_wait`](seamapi::Seam::with_action_wait).
    pub fn with_action_wait(&self, wait: ActionWait) -> Seam {
        Seam {
            client: self.client.with_action_wait(wait),
            runtime: self.runtime.clone(),
        }
    }

    /// How calls of this handle that start an action wait for it.
    pub fn action_wait(&self) -> ActionWait {
        self.client.action_wait()
    }

    /// Waits for an action attempt obtained earlier and returns it finished: the async
    /// client's [`wait_for_action_attempt`](seamapi::Seam::wait_for_action_attempt).
    pub fn wait_for_action_attempt(
        &self,
        action_attempt_id: impl Into<String>,
    ) -> Result<resources::ActionAttempt> {
        let client = self.client.clone();
        let id = action_attempt_id.into();
        self.run(async move { client.wait_for_action_attempt(id).await })
    }

    /// Sends a request to any path and waits for the answer's JSON: the async client's
    /// [`send_raw`](seamapi::Seam::send_raw), driven to completion here.
    ///
    /// ```no_run
    /// use seamapi_blocking::{HttpMethod, RawRequest};
    /// # fn run(seam: seamapi_blocking::Seam) -> seamapi_blocking::Result<()> {
    /// let answer = seam.send_raw(RawRequest::new(HttpMethod::Get, "/devices/list").param("limit", 5))?;
    /// # let _ = answer; Ok(()) }
    /// ```
    pub fn send_raw(&self, raw: RawRequest) -> Result<serde_json::Value> {
        let client = self.client.clone();
        self.run(async move { client.send_raw(raw).await })
    }

    fn run<T: Send + 'static>(
        &self,
        call: impl std::future::Future<Output = Result<T>> + Send + 'static,
    ) -> Result<T> {
        // The runtime is taken out only when the last clone is dropped.
        let Some(runtime) = self.runtime.0.as_ref() else {
            return Err(shut_down());
        };
        let call = async move {
            // Let the runtime poll its I/O once before the call: while no call was running,
            // nothing watched the pooled connections, and one the server closed meanwhile must
            // be seen closed before the pool hands it out (a `create` on it could not be
            // retried). `a_connection_the_server_closed_while_idle_is_not_used_again` pins this.
            tokio::task::yield_now().await;
            call.await
        };
        // The call is a task of the runtime, and this thread waits for it inside `block_on`.
        // When no other call is running, this thread drives the runtime, so the task runs right
        // here; when another thread is driving it, the task runs there and this thread only
        // waits for its end (taking over the driving if that thread returns first).
        let drive = || match runtime.block_on(runtime.spawn(call)) {
            Ok(outcome) => outcome,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => Err(shut_down()),
        };
        if tokio::runtime::Handle::try_current().is_err() {
            return drive();
        }
        // Inside a tokio context `block_on` would panic: drive the call from a thread of ours.
        std::thread::scope(|scope| {
            match std::thread::Builder::new()
                .name("seamapi-blocking".into())
                .spawn_scoped(scope, drive)
            {
                Ok(thread) => thread
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                Err(e) => Err(Error::Transport(TransportError::new(
                    TransportErrorKind::Other,
                    format!("could not start a thread for a call made inside a tokio runtime: {e}"),
                    false,
                ))),
            }
        })
    }

    /// Every item of a paginated list, fetching pages as the iterator advances.
    pub fn paginate<R: Paginated>(&self, first: R) -> PageIter<R> {
        PageIter {
            deadline: self.config().retry.total_timeout,
            client: self.clone(),
            pager: Pager::new(first),
            started: None,
        }
    }

    /// [`Seam::send`] cut off after `within` (the rest of a walk's deadline).
    fn send_within<R: Route>(
        &self,
        params: R,
        within: std::time::Duration,
    ) -> Option<Result<R::Output>> {
        let prepared = match self.client.prepare(params) {
            Ok(p) => p,
            Err(e) => return Some(Err(e)),
        };
        let client = self.client.clone();
        let response = self.run(async move {
            match tokio::time::timeout(within, client.send_prepared(prepared)).await {
                Ok(answer) => answer.map(Some),
                Err(_) => Ok(None),
            }
        });
        match response {
            Ok(Some(response)) => {
                Some(seamapi_core::decode::<R>(&response).map_err(|e| self.client.scrub(e)))
            }
            Ok(None) => None,
            Err(e) => Some(Err(e)),
        }
    }
}

/// Every item of a paginated list, as an [`Iterator`]: it fetches the next page when the
/// items of the last one are used up, stops when the server says no page follows, and yields
/// an error (then ends) when a page fails or the server repeats a cursor. The walk itself is
/// core's [`Pager`]; this only does the fetching. It holds a clone of the client, so it can
/// outlive the borrow it was made from.
///
/// A walk is bounded: at most [`WalkLimits::default`] pages and items (change them with
/// [`PageIter::limits`]), and the client's overall deadline (`RetryPolicy::total_timeout`)
/// covers the whole walk, counted from its first page: past it the iterator yields
/// [`Error::DeadlineExceeded`] and ends.
#[must_use = "an iterator does nothing unless advanced"]
pub struct PageIter<R: Paginated> {
    client: Seam,
    pager: Pager<R>,
    deadline: std::time::Duration,
    started: Option<std::time::Instant>,
}

impl<R: Paginated> PageIter<R> {
    /// The same walk within `limits` (at most so many pages and items), instead of
    /// [`WalkLimits::default`]. Call it before the first item.
    pub fn limits(mut self, limits: WalkLimits) -> Self {
        self.pager = self.pager.with_limits(limits);
        self
    }
}

impl<R: Paginated> std::fmt::Debug for PageIter<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageIter")
            .field("route", &R::INFO.name)
            .finish_non_exhaustive()
    }
}

impl<R: Paginated> Iterator for PageIter<R> {
    type Item = Result<R::Item>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.pager.step() {
                Step::Item(item) => return Some(Ok(item)),
                Step::Failed(e) => return Some(Err(e)),
                Step::Done => return None,
                Step::Fetch(request) => {
                    let started = *self.started.get_or_insert_with(std::time::Instant::now);
                    let pages = self.pager.pages();
                    let expired = || WalkLimits::deadline_error(self.deadline, pages);
                    let Some(left) = self.deadline.checked_sub(started.elapsed()) else {
                        self.pager.fail(expired());
                        continue;
                    };
                    // The page gets what is left of the walk's deadline.
                    let answer = self
                        .client
                        .send_within(request.clone(), left)
                        .unwrap_or_else(|| Err(expired()));
                    self.pager.receive(&request, answer);
                }
            }
        }
    }
}

/// The README shown on crates.io: its examples are compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
