//! The blocking client against a real HTTP server on 127.0.0.1:0: the same scenarios as the
//! async client, and calls from inside every kind of tokio context.
#![allow(clippy::unwrap_used)]

#[path = "../../seam/tests/common/mod.rs"]
mod common;

use seamapi::routes::{AddAcsUser, CreateUserIdentity, ListUserIdentities};
use seamapi_blocking::resources::UserIdentity;
use seamapi_blocking::{Error, Seam};
use seamapi_transport::test_util::{Reply, TestServer};

struct Blocking;

impl common::Facade for Blocking {
    type Client = Seam;
    const WATCHES_CONNECTIONS_BETWEEN_CALLS: bool = false;

    fn add_acs_user(client: &Seam, req: AddAcsUser) -> Result<(), Error> {
        client.user_identities().add_acs_user(req)
    }

    fn create(client: &Seam, req: CreateUserIdentity) -> Result<UserIdentity, Error> {
        client.user_identities().create(req)
    }

    fn list_all(client: &Seam, req: ListUserIdentities) -> Vec<Result<UserIdentity, Error>> {
        client.user_identities().list_all(req).collect()
    }

    fn list_all_within(
        client: &Seam,
        req: ListUserIdentities,
        limits: seamapi_blocking::WalkLimits,
    ) -> Vec<Result<UserIdentity, Error>> {
        client
            .user_identities()
            .list_all(req)
            .limits(limits)
            .collect()
    }

    fn send<R: seamapi_core::Route>(client: &Seam, req: R) -> Result<R::Output, Error> {
        client.send(req)
    }

    fn with_action_wait(client: &Seam, wait: seamapi::ActionWait) -> Seam {
        client.with_action_wait(wait)
    }

    fn wait_for_action_attempt(
        client: &Seam,
        id: &str,
    ) -> Result<seamapi::resources::ActionAttempt, Error> {
        client.wait_for_action_attempt(id)
    }
}

facade_tests!(Blocking);
// Faults, hostile input and secrets (issue 8): cases in `common/faults.rs`, table in
// docs/reliability.md.
fault_tests!(Blocking);
action_tests!(Blocking);
// HTTPS and proxies (issue 16): cases in `common/tls.rs`.
tls_tests!(Blocking);

#[test]
fn options_reach_the_client_as_they_reach_a_bare_config() {
    common::options_reach_the_client_as_they_reach_a_bare_config::<Blocking>(Seam::config);
}

fn ok_server() -> TestServer {
    TestServer::always(Reply::json(200, r#"{"ok":true}"#))
}

/// Builds, calls and drops a client where the caller stands.
fn build_call_drop(url: &str) {
    let seam = common::client::<Blocking>(url);
    seam.user_identities().add_acs_user(common::add()).unwrap();
    drop(seam);
}

#[test]
fn works_from_a_plain_thread() {
    let server = ok_server();
    let url = server.url().to_owned();
    std::thread::spawn(move || build_call_drop(&url))
        .join()
        .unwrap();
    assert_eq!(server.count(), 1);
}

#[tokio::test(flavor = "current_thread")]
async fn works_inside_a_current_thread_runtime() {
    let server = ok_server();
    build_call_drop(server.url());
    assert_eq!(server.count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn works_inside_a_multi_thread_runtime() {
    let server = ok_server();
    build_call_drop(server.url());
    assert_eq!(server.count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn works_inside_spawn_blocking() {
    let server = ok_server();
    let url = server.url().to_owned();
    tokio::task::spawn_blocking(move || build_call_drop(&url))
        .await
        .unwrap();
    assert_eq!(server.count(), 1);
}

#[test]
fn a_client_built_outside_can_be_dropped_inside_a_runtime() {
    let server = ok_server();
    let seam = common::client::<Blocking>(server.url());
    seam.user_identities().add_acs_user(common::add()).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        seam.user_identities().add_acs_user(common::add()).unwrap();
        drop(seam);
    });
    assert_eq!(server.count(), 2);
}

#[test]
fn clones_share_one_runtime_and_work_from_many_threads() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<Seam>();
    let server = ok_server();
    let seam = common::client::<Blocking>(server.url());
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let seam = seam.clone();
            std::thread::spawn(move || seam.user_identities().add_acs_user(common::add()))
        })
        .collect();
    for t in threads {
        t.join().unwrap().unwrap();
    }
    assert_eq!(server.count(), 8);
}

/// Many threads calling at once share the one runtime: whichever drives it runs the others'
/// calls too, and hands the driving over when its own call ends. No call may be left behind.
#[test]
fn sixty_four_threads_calling_at_once_all_finish() {
    let server = ok_server();
    let seam = common::client::<Blocking>(server.url());
    let threads: Vec<_> = (0..64)
        .map(|_| {
            let seam = seam.clone();
            std::thread::spawn(move || {
                (0..10).try_for_each(|_| seam.user_identities().add_acs_user(common::add()))
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap().unwrap();
    }
    assert_eq!(server.count(), 640);
}

mod without_workspace_and_raw {
    use seamapi_blocking::routes::{GetUserIdentity, UserIdentityRef, WorkspacesList};
    use seamapi_blocking::{HttpMethod, RawRequest, Seam};
    use seamapi_transport::test_util::{Reply, TestServer};

    #[test]
    fn a_client_without_a_workspace_calls_the_workspace_routes_only() {
        let server = TestServer::always(Reply::json(200, r#"{"workspaces":[],"ok":true}"#));
        let seam = Seam::builder()
            .personal_access_token_without_workspace("seam_at1_token")
            .endpoint(server.url())
            .build()
            .unwrap();
        assert!(
            seam.workspaces()
                .list(WorkspacesList::new())
                .unwrap()
                .is_empty()
        );
        assert!(
            server.requests()[0]
                .headers()
                .get("seam-workspace")
                .is_none()
        );
        let e = seam
            .user_identities()
            .get(GetUserIdentity::new(UserIdentityRef::key("jane")))
            .unwrap_err();
        assert!(e.is_local(), "{e:?}");
        assert_eq!(server.count(), 1);
        assert!(Seam::without_workspace("seam_at1_token").is_ok());
    }

    #[test]
    fn send_raw_returns_the_answer_as_sent() {
        let server = TestServer::always(Reply::json(
            200,
            r#"{"thing":{"new_field":true},"ok":true}"#,
        ));
        let seam = Seam::builder()
            .api_key("seam_test_key")
            .endpoint(server.url())
            .build()
            .unwrap();
        let answer = seam
            .send_raw(RawRequest::new(HttpMethod::Delete, "/things/delete").param("thing_id", "t"))
            .unwrap();
        assert_eq!(answer["thing"]["new_field"], true);
        let r = &server.requests()[0];
        assert_eq!(r.method(), http::Method::DELETE);
        assert_eq!(r.uri().query(), Some("thing_id=t&_strict=true"));
    }
}
