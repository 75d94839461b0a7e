//! An in-memory fake of [Seam Connect](https://docs.seam.co) that speaks the wire protocol:
//! user identities, ACS users and the links between them, with the rules of
//! `/user_identities/add_acs_user` and the routes around it.
//!
//! Three ways to use it, all with the same [seed] and the same answers:
//!
//! 1. [`FakeSeam`]: in memory, as a [`Transport`](seamapi_transport::Transport) for tests
//!    (no sockets): give it to a client (`Seam::builder().transport(fake.clone())` with
//!    [`IN_MEMORY_ENDPOINT`]), or call [`FakeSeam::handle`].
//! 2. [`FakeServer`] / [`serve`]: over HTTP on a TCP listener, for any HTTP client. The
//!    `seam-fake` binary runs it: `seam-fake serve --listen 127.0.0.1:0 [--state FILE]`
//!    prints one line of JSON (the endpoint and the seeded ids) and serves until SIGINT or
//!    SIGTERM. It listens on loopback only unless `--allow-non-loopback` ([`bind`]: the
//!    seeded keys are public), and logs a line per request on stderr unless `--quiet`
//!    ([`RequestLog`]). Embedded in your tests, the server logs nothing unless
//!    [`ServerOptions::request_log`] says where.
//! 3. [`Sandbox`]: the state in a JSON file shared by separate processes, with a file lock
//!    and atomic writes.
//!
//! Tests of a program that runs the server as a process (`seam-fake serve`, `seam sandbox
//! serve`) start it with [`ServeProcess`], which waits for its [`StartupLine`] and stops it.
//!
//! Every route of Seam's API document ([`seamapi_api::ROUTES`], 201 of them) is known to the
//! fake, and every request is checked in the order Seam's own fake checks it: route (`404`
//! text `404` for a path that is not in the table), credentials (`401`, including credentials
//! the route does not accept), method (`405`: `POST` and the route's own method), content type
//! (`400 invalid_content_type`), JSON (`400` text `Invalid JSON`), then parameters with
//! core's [`validate_json`](seamapi_core::params::validate_json) and the route's parameters
//! (`400 invalid_input`, zod-shaped `validation_errors`). A `GET` or `DELETE` may carry them in
//! the query string, as Seam's SDKs send them ([`query`]). Then the nine routes of
//! [`handler::MODELLED`] follow their rules; every other route is answered
//! `501 not_implemented`, naming the route: the fake never pretends to do what it does not
//! model. Every answer carries a `seam-request-id` header. The error types are listed on
//! [`ErrorType`] and in `docs/sandbox.md`.
//!
//! ```
//! use seamapi_api::routes::{AddAcsUser, LocksUnlockDoor, UserIdentityRef};
//! use seamapi_core::{Config, Encoder, Error, decode};
//! use seamapi_fake::{FakeSeam, IN_MEMORY_ENDPOINT, seed};
//!
//! let fake = FakeSeam::new();
//! let config = Config::builder().api_key(seed::API_KEY).endpoint(IN_MEMORY_ENDPOINT).build()?;
//! let encoder = Encoder::new(&config);
//! let add = AddAcsUser::new(seed::ACS_USER_IDS[0], UserIdentityRef::key("jane"));
//! decode::<AddAcsUser>(&fake.handle(&encoder.encode(&add)?))?;
//! assert_eq!(
//!     fake.state().acs_users[seed::ACS_USER_IDS[0]].user_identity_id.as_deref(),
//!     Some(seed::USER_IDENTITY_ID)
//! );
//!
//! // A route the fake does not model: validated, then refused by name.
//! let unlock = LocksUnlockDoor::new("5eed0005-0000-4000-8000-000000000001");
//! let Err(Error::Api(e)) = decode::<LocksUnlockDoor>(&fake.handle(&encoder.encode(&unlock)?)) else {
//!     panic!("the fake does not unlock doors");
//! };
//! assert_eq!((e.status.as_u16(), e.error_type.as_str()), (501, "not_implemented"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![doc(html_root_url = "https://docs.rs/seamapi-fake/0.1.0")]

pub mod error;
mod fake;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
pub mod handler;
pub mod process;
pub mod query;
mod sandbox;
pub mod seed;
mod server;
pub mod state;

pub use error::{ApiFailure, ErrorType, SandboxError};
pub use fake::{FakeSeam, IN_MEMORY_ENDPOINT};
pub use process::{ServeProcess, StartupLine};
pub use sandbox::{DEFAULT_LOCK_TIMEOUT, Sandbox};
pub use seed::Seed;
pub use server::{
    FakeServer, ListenError, MAX_BODY_BYTES, RequestLog, RequestRecord, ServerOptions, bind, serve,
    serve_with,
};
pub use state::State;
