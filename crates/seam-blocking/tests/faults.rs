//! The blocking client against servers that misbehave: the same fault, hostile-input and
//! secrets cases as the async client (issue 8), from `seam/tests/common/faults.rs`.
#![allow(clippy::unwrap_used)]

#[path = "../../seam/tests/common/mod.rs"]
mod common;

use seam_blocking::{Error, Seam, UserIdentity};
use seam_core::routes::{AddAcsUser, CreateUserIdentity, ListUserIdentities};

struct Blocking;

impl common::Facade for Blocking {
    type Client = Seam;

    fn add_acs_user(client: &Seam, req: AddAcsUser) -> Result<(), Error> {
        client.user_identities().add_acs_user(req)
    }

    fn create(client: &Seam, req: CreateUserIdentity) -> Result<UserIdentity, Error> {
        client.user_identities().create(req)
    }

    fn list_all(client: &Seam, req: ListUserIdentities) -> Vec<Result<UserIdentity, Error>> {
        client.user_identities().list_all(req).collect()
    }

    fn send<R: seam_core::Route>(client: &Seam, req: R) -> Result<R::Output, Error> {
        client.send(req)
    }
}

fault_tests!(Blocking);
