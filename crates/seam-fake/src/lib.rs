//! An in-memory fake of [Seam Connect](https://docs.seam.co) that speaks the wire protocol:
//! user identities, ACS users and the links between them, with the rules of
//! `/user_identities/add_acs_user` and the routes around it.
//!
//! Three ways to use it, all with the same [seed] and the same answers:
//!
//! 1. [`FakeSeam`]: in memory, as a [`Transport`](seam_transport::Transport) for tests
//!    (no sockets). [`FakeSeam::client`] hands out a [`seam::Seam`] client wired to it.
//! 2. [`FakeServer`] / [`serve`]: over HTTP on a TCP listener, for any HTTP client. The
//!    `seam-fake` binary runs it: `seam-fake serve --listen 127.0.0.1:0 [--state FILE]`
//!    prints one line of JSON (the endpoint and the seeded ids) and serves until SIGINT or
//!    SIGTERM.
//! 3. [`Sandbox`]: the state in a JSON file shared by separate processes, with a file lock
//!    and atomic writes.
//!
//! Requests are checked by the fake itself, in the order Seam's own fake checks them: route
//! (`404` text `404`), credentials (`401`), method (`405`), content type (`400
//! invalid_content_type`), JSON (`400` text `Invalid JSON`), then parameters with core's
//! [`validate_json`](seam_core::params::validate_json) (`400 invalid_input`, zod-shaped
//! `validation_errors`). Every answer carries a `seam-request-id` header. The error types are
//! listed on [`ErrorType`] and in `docs/sandbox.md`.
//!
//! ```
//! use seam::routes::{AddAcsUser, ListUserIdentityAcsUsers, UserIdentityRef};
//! use seam_fake::{FakeSeam, seed};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), seam::Error> {
//! let fake = FakeSeam::new();
//! let seam = fake.client();
//! seam.user_identities()
//!     .add_acs_user(AddAcsUser::new(seed::ACS_USER_IDS[0], UserIdentityRef::key("jane")))
//!     .await?;
//!
//! let linked = seam
//!     .user_identities()
//!     .list_acs_users(ListUserIdentityAcsUsers::new(seed::USER_IDENTITY_ID))
//!     .await?;
//! assert_eq!(linked.len(), 2); // the seeded link, and the new one
//! assert_eq!(
//!     fake.state().acs_users[seed::ACS_USER_IDS[0]].user_identity_id.as_deref(),
//!     Some(seed::USER_IDENTITY_ID)
//! );
//! # Ok(()) }
//! ```

pub mod error;
mod fake;
#[doc(hidden)]
pub mod fuzzing;
pub mod handler;
mod sandbox;
pub mod seed;
mod server;
pub mod state;

pub use error::{ApiFailure, ErrorType, SandboxError};
pub use fake::{FakeSeam, IN_MEMORY_ENDPOINT};
pub use sandbox::Sandbox;
pub use seed::Seed;
pub use server::{FakeServer, MAX_BODY_BYTES, serve};
pub use state::State;
