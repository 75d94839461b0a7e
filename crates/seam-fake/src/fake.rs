//! [`FakeSeam`]: the fake in memory, as a [`Transport`].

use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use http::{Request, Response};
use seamapi_transport::{Transport, TransportError};

use crate::handler;
use crate::seed::{self, Seed};
use crate::state::State;

/// The endpoint to give a client whose transport is a [`FakeSeam`] or a
/// [`Sandbox`](crate::Sandbox). Nothing is sent there: the fake answers in memory. `.invalid`
/// is a reserved top-level domain, so it can never resolve.
pub const IN_MEMORY_ENDPOINT: &str = "https://seam-fake.invalid";

/// Seam Connect in memory: a [`Transport`] that answers every request itself, with the wire
/// behaviour of the real API (and of the HTTP server of [`crate::FakeServer`]).
///
/// Cheap to clone: clones share one state, behind a lock that is never held across an
/// `.await`. Every request is handled whole under the lock, so concurrent requests are
/// serialised and none is lost.
///
/// A client uses it as its transport, with [`IN_MEMORY_ENDPOINT`] and the seeded API key:
/// `seamapi::Seam::builder().api_key(seed::API_KEY).endpoint(IN_MEMORY_ENDPOINT).transport(fake.clone())`.
/// Without a client, encode a route with core and decode the answer:
///
/// ```
/// use seamapi_api::routes::ListUserIdentityAcsUsers;
/// use seamapi_core::{Config, Encoder, decode};
/// use seamapi_fake::{FakeSeam, IN_MEMORY_ENDPOINT, seed};
///
/// let fake = FakeSeam::new();
/// let config = Config::builder().api_key(seed::API_KEY).endpoint(IN_MEMORY_ENDPOINT).build()?;
/// let request = Encoder::new(&config).encode(&ListUserIdentityAcsUsers::new(seed::USER_IDENTITY_ID))?;
/// let linked = decode::<ListUserIdentityAcsUsers>(&fake.handle(&request))?;
/// assert_eq!(linked[0].acs_user_id, seed::ANNEX_ACS_USER_IDS[0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Default)]
pub struct FakeSeam {
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for FakeSeam {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeSeam").finish_non_exhaustive()
    }
}

impl FakeSeam {
    /// A fake holding the [seed](crate::seed).
    pub fn new() -> Self {
        Self::with_state(State::seeded())
    }

    /// A fake holding `state`.
    pub fn with_state(state: State) -> Self {
        Self {
            state: Arc::new(Mutex::new(state)),
        }
    }

    /// The seeded ids and credentials.
    pub fn seed(&self) -> &'static Seed {
        &seed::SEED
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere while holding the lock cannot leave the state half-written by a
        // request (requests do not panic), so a poisoned lock is still usable.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A copy of the whole state, for assertions.
    pub fn state(&self) -> State {
        self.lock().clone()
    }

    /// Runs `f` on the state under the lock (keep it short), e.g. to arrange a test.
    pub fn with_state_mut<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.lock())
    }

    /// Handles one request synchronously: the same answer [`Transport::send`] gives.
    pub fn handle(&self, request: &Request<Bytes>) -> Response<Bytes> {
        handler::handle(&mut self.lock(), request).response
    }
}

#[async_trait::async_trait]
impl Transport for FakeSeam {
    async fn send(&self, request: Request<Bytes>) -> Result<Response<Bytes>, TransportError> {
        Ok(self.handle(&request))
    }
}
