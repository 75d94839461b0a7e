//! The async client against a real HTTP server on 127.0.0.1:0.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::OnceLock;

use seam::resources::UserIdentity;
use seam::routes::{AddAcsUser, CreateUserIdentity, ListUserIdentities};
use seam::{Error, Seam};

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
    const WATCHES_CONNECTIONS_BETWEEN_CALLS: bool = true;

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

facade_tests!(Async);
// Faults, hostile input and secrets (issue 8): cases in `common/faults.rs`, table in
// docs/reliability.md.
fault_tests!(Async);

#[tokio::test]
async fn the_client_is_cheap_to_clone_and_shared_across_tasks() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<Seam>();
    let server = seam_transport::test_util::TestServer::always(
        seam_transport::test_util::Reply::json(200, "{}"),
    );
    let seam = common::client::<Async>(server.url());
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let seam = seam.clone();
            tokio::spawn(async move { seam.user_identities().add_acs_user(common::add()).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(server.count(), 8);
}

#[test]
fn debug_output_never_holds_the_token() {
    let seam = common::client::<Async>("http://127.0.0.1:9");
    let text = format!("{seam:?}");
    assert!(!text.contains(common::KEY), "{text}");
}
