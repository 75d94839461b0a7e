//! The body of the `decode_response` fuzz target: an answer decoded as the answer of every
//! route of the table. Not part of the API: `fuzz/` calls it with libFuzzer's inputs and a test
//! replays the committed corpus through it (see `seam_core::fuzzing` for the input format).

use bytes::Bytes;
use http::Response;
use seam_core::fuzzing::{check, response_of, retry_decision, walk};
use seam_core::{Route, RouteVisitor};

use crate::routes::{ListAcsUsers, ListUserIdentities};

/// Fuzz target `decode_response`: the input is an answer (start line: its status). It is
/// decoded as the answer of every route of [`ROUTES`](crate::ROUTES); two paginated routes'
/// decoded pages are walked with a `Pager`; the retry decision is taken for it.
///
/// Panics when an invariant breaks (see `seam_core::fuzzing::check`). Inputs whose start line
/// is not a status are ignored.
pub fn decode_response(data: &[u8]) {
    let Some(response) = response_of(data) else {
        return;
    };
    crate::visit_routes(&mut Every(&response));
    walk(ListUserIdentities::new(), &response);
    walk(ListAcsUsers::new(), &response);
    retry_decision(&response);
}

struct Every<'a>(&'a Response<Bytes>);

impl RouteVisitor for Every<'_> {
    fn route<R: Route + serde::de::DeserializeOwned>(&mut self) {
        check::<R>(self.0);
    }
}
