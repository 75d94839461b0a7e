//! Async Rust client for the [Seam API](https://docs.seam.co): every documented route of Seam
//! Connect (201), generated from Seam's OpenAPI document, starting with linking access-system
//! users to user identities.
//!
//! ```no_run
//! use seamapi::{Seam, routes::{AddAcsUser, UserIdentityRef}};
//!
//! # async fn run() -> Result<(), seamapi::Error> {
//! let seam = Seam::from_env()?; // SEAM_API_KEY, or SEAM_PERSONAL_ACCESS_TOKEN + SEAM_WORKSPACE_ID
//! seam.user_identities()
//!     .add_acs_user(AddAcsUser::new(
//!         "d73f4706-67e3-419d-899e-ec957a75ee0c",
//!         UserIdentityRef::id("68dd3d7e-c90b-4c89-ad70-3e589014ed87"),
//!     ))
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! Every route is a method, nested as Seam's SDKs group them, taking the route's request type
//! from [`routes`] and answering with types from [`resources`]:
//!
//! ```no_run
//! use seamapi::{resources::ActionAttempt, routes::{LocksList, LocksUnlockDoor}};
//!
//! # async fn run(seam: seamapi::Seam) -> Result<(), seamapi::Error> {
//! for lock in seam.locks().list(LocksList::new().limit(20)).await? {
//!     let locked = lock.properties.as_ref().and_then(|p| p.locked);
//!     println!("{} {} {locked:?}", lock.device_id, lock.display_name);
//! }
//! // An unlock answers with an action attempt, and the client waits until it is done (every
//! // 0.5 s for up to 5 s, as Seam's SDKs; see `ActionWait`). It is never retried once it may
//! // have reached Seam; a failed or still pending attempt is `Error::ActionAttemptFailed` or
//! // `Error::ActionAttemptTimedOut`.
//! let attempt = seam
//!     .locks()
//!     .unlock_door(LocksUnlockDoor::new("11111111-1111-1111-1111-444444444444"))
//!     .await?;
//! if let ActionAttempt::UnlockDoor(a) = &attempt {
//!     println!("{} {}", a.action_attempt_id, a.status); // success
//! }
//! // What this version lacks: any path, with the same credentials, errors and deadline.
//! let raw = seam
//!     .send_raw(seamapi::RawRequest::new(seamapi::HttpMethod::Get, "/devices/list").param("limit", 5))
//!     .await?;
//! # let _ = raw; Ok(()) }
//! ```
//!
//! # By key, another endpoint, and tests without a network
//!
//! A user identity can be named by your own key: an unknown key creates it. The endpoint is
//! `https://connect.getseam.com` unless the builder (or `SEAM_ENDPOINT`) says otherwise, and
//! any [`Transport`] can stand in for the network. `seamapi-fake`'s in-memory `FakeSeam` is one,
//! with Seam's rules for the user-identity routes, so your own code is testable offline:
//!
//! ```
//! use seamapi::routes::{AddAcsUser, GetUserIdentity, UserIdentityRef};
//! use seamapi_fake::{FakeSeam, IN_MEMORY_ENDPOINT, seed};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> seamapi::Result<()> {
//! let fake = FakeSeam::new(); // seeded: a workspace, its API key, 24 ACS users
//! let seam = seamapi::Seam::builder()
//!     .api_key(seed::API_KEY)
//!     .endpoint(IN_MEMORY_ENDPOINT) // or "http://127.0.0.1:8080", a staging URL, …
//!     .transport(fake.clone())
//!     .build()?;
//! let acs_user_id = seed::ACS_USER_IDS[0];
//! seam.user_identities()
//!     .add_acs_user(AddAcsUser::new(acs_user_id, UserIdentityRef::key("sam")))
//!     .await?;
//! let sam = seam
//!     .user_identities()
//!     .get(GetUserIdentity::new(UserIdentityRef::key("sam")))
//!     .await?;
//! assert_eq!(sam.acs_user_ids, [acs_user_id]);
//!
//! // The fake answers as Seam does, errors included.
//! let e = seam
//!     .user_identities()
//!     .add_acs_user(AddAcsUser::new(
//!         "00000000-0000-4000-8000-00000000dead",
//!         UserIdentityRef::key("sam"),
//!     ))
//!     .await
//!     .unwrap_err();
//! assert!(e.is_not_found());
//! assert_eq!(e.error_type(), Some("acs_user_not_found"));
//! # Ok(()) }
//! ```
//!
//! The blocking client (`seamapi-blocking`) takes the same builder and the same fake. For a test
//! of the wire itself, `seamapi-transport`'s `test-util` feature has recording, replaying and
//! closure transports, and a scripted HTTP server on 127.0.0.1.
//!
//! Every method validates its parameters before sending ([`Error::InvalidInput`], the same
//! shape as the server's `invalid_input`), retries what is safe to retry (see
//! [`RetryPolicy`]), and reports the server's error type, message, status and request id.
//! The client needs a tokio runtime with its time driver enabled (as `#[tokio::main]` has).
//! For code without async, the `seamapi-blocking` crate offers the same API.
//!
//! Seam's webhook deliveries are verified and decoded into [`resources::Event`]s by
//! [`webhook::Webhook`], which does no I/O and fits any web framework.
#![doc(html_root_url = "https://docs.rs/seamapi/0.1.0")]

mod client;
mod generated;
mod paginate;

pub use client::{Prepared, Seam, SeamBuilder};
pub use generated::*;
pub use paginate::PageStream;
pub use seamapi_api::{resources, routes, webhook};
pub use seamapi_core::pager::WalkLimits;
pub use seamapi_core::{
    ActionAttemptError, ActionWait, ApiError, Attempts, AuthSet, BuildClient, Builder, Config,
    ConfigBuilder, ConfigError, Credentials, Endpoint, Environment, Error, FieldErrors, HttpMethod,
    InvalidInput, Page, Pagination, RawRequest, RetryPolicy, Route, RouteInfo, Timestamp,
    TokenKind, TransportError, TransportErrorKind, UnexpectedResponse, UnknownKind, UnknownValue,
    ValidationErrors,
};
pub use seamapi_transport::{HyperTransport, SharedTransport, Transport};

/// The result of a call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The README shown on crates.io: its examples are compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
