//! Blocking Rust client for the [Seam API](https://docs.seam.co): the API of the async
//! [`seam`] crate, without `.await`.
//!
//! ```no_run
//! use seam_blocking::{Seam, routes::{AddAcsUser, UserIdentityRef}};
//!
//! let seam = Seam::from_env()?;
//! seam.user_identities().add_acs_user(AddAcsUser::new(
//!     "d73f4706-67e3-419d-899e-ec957a75ee0c",
//!     UserIdentityRef::key("jane"),
//! ))?;
//! # Ok::<(), seam_blocking::Error>(())
//! ```
//!
//! # How it works
//!
//! Each client owns a private thread running a current-thread tokio runtime, on which the
//! async client runs. A call hands its request to that thread over a channel and waits on a
//! plain (non-async) channel for the answer, so the calling thread never runs `block_on`: the
//! client works from a plain thread and from inside any tokio context (a current-thread or
//! multi-thread runtime, `spawn_blocking`), and dropping it anywhere is safe. Requests, retries
//! and decoding are the async client's; nothing is written twice. Calls from many threads run
//! concurrently on the private runtime.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub use seam::{
    AcsUser, ApiError, BuildClient, ConfigError, Credentials, Error, InvalidInput, Page,
    Pagination, Result, RetryPolicy, Route, SeamBuilder, TokenKind, Transport, TransportError,
    UnexpectedResponse, UserIdentity, ValidationErrors, resources, routes,
};
use seam_core::facade_methods;
use seam_core::pager::{Pager, Step};
use seam_core::routes::*;
use seam_core::{Config, Paginated, TransportErrorKind};
use tokio::sync::mpsc;

type Job = Box<dyn FnOnce(seam::Seam) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send>;

/// The blocking Seam client. Cheap to clone (clones share the runtime thread and the
/// connection pool), `Send + Sync`.
#[derive(Clone)]
pub struct Seam {
    client: seam::Seam,
    jobs: mpsc::UnboundedSender<Job>,
}

impl std::fmt::Debug for Seam {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Seam")
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

impl BuildClient for Seam {
    fn build_client(config: Config, transport: Arc<dyn Transport>) -> Result<Self> {
        Self::from_async(seam::Seam::build_client(config, transport)?)
    }
}

fn worker_gone() -> Error {
    Error::Transport(TransportError::new(
        TransportErrorKind::Other,
        "the blocking client's runtime thread has stopped",
        false,
    ))
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

    /// Runs `client` on a new private runtime thread.
    pub fn from_async(client: seam::Seam) -> Result<Self> {
        let (jobs, mut queue) = mpsc::unbounded_channel::<Job>();
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
        let worker_client = client.clone();
        std::thread::Builder::new()
            .name("seam-blocking".into())
            .spawn(move || {
                runtime.block_on(async move {
                    while let Some(job) = queue.recv().await {
                        tokio::spawn(job(worker_client.clone()));
                    }
                });
            })
            .map_err(|e| {
                Error::Transport(TransportError::new(
                    TransportErrorKind::Other,
                    format!("could not start the runtime thread: {e}"),
                    false,
                ))
            })?;
        Ok(Self { client, jobs })
    }

    /// The async client this one drives.
    pub fn as_async(&self) -> &seam::Seam {
        &self.client
    }

    /// Sends any [`Route`] and waits for the outcome: the async client's
    /// [`send`](seam::Seam::send) on the private runtime thread.
    pub fn send<R: Route>(&self, params: R) -> Result<R::Output> {
        let (reply, answer) = std::sync::mpsc::sync_channel(1);
        let job: Job = Box::new(move |client| {
            Box::pin(async move {
                // The caller may have gone; nothing to do then.
                let _ = reply.send(client.send(params).await);
            })
        });
        self.jobs.send(job).map_err(|_| worker_gone())?;
        answer.recv().map_err(|_| worker_gone())?
    }

    /// Every item of a paginated list, fetching pages as the iterator advances.
    pub fn paginate<R: Paginated>(&self, first: R) -> PageIter<R> {
        PageIter {
            client: self.clone(),
            pager: Pager::new(first),
        }
    }
}

/// Every item of a paginated list, as an [`Iterator`]: it fetches the next page when the
/// items of the last one are used up, stops when the server says no page follows, and yields
/// an error (then ends) when a page fails or the server repeats a cursor. The walk itself is
/// core's [`Pager`]; this only does the fetching. It holds a clone of the client, so it can
/// outlive the borrow it was made from.
#[must_use = "an iterator does nothing unless advanced"]
pub struct PageIter<R: Paginated> {
    client: Seam,
    pager: Pager<R>,
}

impl<R: Paginated> std::fmt::Debug for PageIter<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageIter")
            .field("route", &R::NAME)
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
                    let answer = self.client.send(request.clone());
                    self.pager.receive(&request, answer);
                }
            }
        }
    }
}

seam_core::facade_namespaces! {
    Seam;
    /// `seam.user_identities()`: the user identity routes.
    ///
    /// ```no_run
    /// use seam_blocking::routes::*;
    /// # fn run(seam: seam_blocking::Seam) -> seam_blocking::Result<()> {
    /// let ids = seam.user_identities();
    /// let acs_user_id = "5eed0002-0000-4000-8000-000000000001";
    /// ids.add_acs_user(AddAcsUser::new(acs_user_id, UserIdentityRef::key("jane")))?;
    /// let jane = ids.get(GetUserIdentity::new(UserIdentityRef::key("jane")))?;
    /// let created = ids.create(CreateUserIdentity::new().user_identity_key("sam").full_name("Sam"))?;
    /// let page = ids.list(ListUserIdentities::new().limit(50u32))?;
    /// for identity in ids.list_all(ListUserIdentities::new()) {
    ///     println!("{}", identity?.display_name);
    /// }
    /// let linked = ids.list_acs_users(ListUserIdentityAcsUsers::new(jane.user_identity_id.clone()))?;
    /// ids.remove_acs_user(RemoveAcsUser::new(jane.user_identity_id.clone(), acs_user_id))?;
    /// ids.delete(DeleteUserIdentity::new(created.user_identity_id))?;
    /// # let _ = (page, linked); Ok(()) }
    /// ```
    UserIdentities;
    /// `seam.acs()`: the access control system routes.
    Acs;
    /// `seam.acs().users()`: the ACS user routes.
    ///
    /// ```no_run
    /// use seam_blocking::routes::*;
    /// # fn run(seam: seam_blocking::Seam) -> seam_blocking::Result<()> {
    /// let user = seam.acs().users().get(GetAcsUser::new("5eed0002-0000-4000-8000-000000000001"))?;
    /// let page = seam.acs().users().list(ListAcsUsers::new().acs_system_id(user.acs_system_id.clone()))?;
    /// let all: Vec<_> = seam.acs().users().list_all(ListAcsUsers::new()).collect::<Result<_, _>>()?;
    /// # let _ = (page, all); Ok(()) }
    /// ```
    AcsUsers;
}

seam_core::with_routes!(facade_methods, blocking PageIter "an `Iterator`");
