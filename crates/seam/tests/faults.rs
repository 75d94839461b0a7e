//! The async client against servers that misbehave: resets, cut-off and trickled bodies,
//! HTML error pages, hostile `Retry-After`, oversized, non-UTF-8 and deeply nested bodies,
//! and every error path checked for the token (issue 8). The cases live in
//! `common/faults.rs`, shared with the blocking client.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::OnceLock;

use seam::{Error, Seam, UserIdentity};
use seam_core::routes::{AddAcsUser, CreateUserIdentity, ListUserIdentities};

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    })
}

struct Async;

impl common::Facade for Async {
    type Client = Seam;

    fn add_acs_user(client: &Seam, req: AddAcsUser) -> Result<(), Error> {
        runtime().block_on(client.user_identities().add_acs_user(req))
    }

    fn create(client: &Seam, req: CreateUserIdentity) -> Result<UserIdentity, Error> {
        runtime().block_on(client.user_identities().create(req))
    }

    fn list_all(client: &Seam, req: ListUserIdentities) -> Vec<Result<UserIdentity, Error>> {
        runtime().block_on(async {
            let mut stream = client.user_identities().list_all(req);
            let mut out = Vec::new();
            while let Some(item) = std::future::poll_fn(|cx| {
                futures_core::Stream::poll_next(std::pin::Pin::new(&mut stream), cx)
            })
            .await
            {
                out.push(item);
            }
            out
        })
    }

    fn send<R: seam_core::Route>(client: &Seam, req: R) -> Result<R::Output, Error> {
        runtime().block_on(client.send(req))
    }
}

fault_tests!(Async);
