//! The Seam API's routes and resources, generated from Seam's OpenAPI document
//! (`spec/seam-connect.openapi.json`) by `cargo xtask codegen`.
//!
//! - [`routes`]: one request type per documented route, implementing [`seamapi_core::Route`];
//! - [`resources`]: every resource the routes answer with;
//! - [`ROUTES`], [`visit_routes`] and [`EXCLUDED`]: the route table, for code that serves or
//!   lists every route (the CLI, the fake, the fuzz targets);
//! - [`webhook`]: Seam's webhook deliveries, verified and decoded into [`resources::Event`]s.
//!
//! The clients (`seam`, `seamapi-blocking`) re-export these; depend on this crate directly only
//! to build requests without a client.
#![doc(html_root_url = "https://docs.rs/seamapi-api/0.1.0")]

#[path = "generated/resources.rs"]
pub mod resources;
#[path = "generated/routes.rs"]
pub mod routes;
mod support;
#[path = "generated/table.rs"]
mod table;
pub mod webhook;

#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;

pub use table::{EXCLUDED, ROUTES, visit_routes};

/// The route whose path is `path`, if the table has one.
///
/// ```
/// let info = seamapi_api::route_by_path("/user_identities/add_acs_user").unwrap();
/// assert_eq!(info.name, "user_identities.add_acs_user");
/// ```
pub fn route_by_path(path: &str) -> Option<&'static seamapi_core::RouteInfo> {
    ROUTES.iter().copied().find(|r| r.path == path)
}
