//! The async client against a real HTTP server on 127.0.0.1:0.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::OnceLock;

use seamapi::resources::UserIdentity;
use seamapi::routes::{AddAcsUser, CreateUserIdentity, ListUserIdentities};
use seamapi::{Error, Seam};

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
        Self::list_all_within(client, req, seamapi::WalkLimits::default())
    }

    fn list_all_within(
        client: &Seam,
        req: ListUserIdentities,
        limits: seamapi::WalkLimits,
    ) -> Vec<Result<UserIdentity, Error>> {
        runtime().block_on(async {
            // The stream's own `next`, no other crate.
            let mut stream = client.user_identities().list_all(req).limits(limits);
            let mut out = Vec::new();
            while let Some(item) = stream.next().await {
                out.push(item);
            }
            out
        })
    }

    fn send<R: seamapi_core::Route>(client: &Seam, req: R) -> Result<R::Output, Error> {
        runtime().block_on(client.send(req))
    }

    fn with_action_wait(client: &Seam, wait: seamapi::ActionWait) -> Seam {
        client.with_action_wait(wait)
    }

    fn wait_for_action_attempt(
        client: &Seam,
        id: &str,
    ) -> Result<seamapi::resources::ActionAttempt, Error> {
        runtime().block_on(client.wait_for_action_attempt(id))
    }
}

facade_tests!(Async);
// Faults, hostile input and secrets (issue 8): cases in `common/faults.rs`, table in
// docs/reliability.md.
fault_tests!(Async);
action_tests!(Async);
// HTTPS and proxies (issue 16): cases in `common/tls.rs`.
tls_tests!(Async);

#[test]
fn options_reach_the_client_as_they_reach_a_bare_config() {
    common::options_reach_the_client_as_they_reach_a_bare_config::<Async>(Seam::config);
}

#[tokio::test]
async fn the_client_is_cheap_to_clone_and_shared_across_tasks() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<Seam>();
    let server = seamapi_transport::test_util::TestServer::always(
        seamapi_transport::test_util::Reply::json(200, "{}"),
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

mod without_workspace_and_raw {
    use super::runtime;
    use seamapi::routes::{GetUserIdentity, UserIdentityRef, WorkspacesList};
    use seamapi::{HttpMethod, RawRequest, Seam};
    use seamapi_transport::test_util::{Reply, TestServer};

    #[test]
    fn a_client_without_a_workspace_calls_the_workspace_routes_only() {
        let server = TestServer::always(Reply::json(200, r#"{"workspaces":[],"ok":true}"#));
        let seam = Seam::builder()
            .personal_access_token_without_workspace("seam_at1_token")
            .endpoint(server.url())
            .build()
            .unwrap();
        let list = runtime()
            .block_on(seam.workspaces().list(WorkspacesList::new()))
            .unwrap();
        assert!(list.is_empty());
        let requests = server.requests();
        assert_eq!(requests[0].method(), http::Method::GET);
        assert_eq!(requests[0].uri().path(), "/workspaces/list");
        assert_eq!(
            requests[0].headers()["authorization"],
            "Bearer seam_at1_token"
        );
        assert!(requests[0].headers().get("seam-workspace").is_none());
        // A route that needs a workspace is refused before anything is sent.
        let e = runtime()
            .block_on(
                seam.user_identities()
                    .get(GetUserIdentity::new(UserIdentityRef::key("jane"))),
            )
            .unwrap_err();
        assert!(e.is_local(), "{e:?}");
        assert!(
            e.to_string().starts_with(
                "user_identities.get cannot be called with a personal access token without a workspace"
            ),
            "{e}"
        );
        assert!(!e.to_string().contains("seam_at1_token"));
        assert_eq!(server.count(), 1);
        // The shortcut builds the same client.
        let same = Seam::without_workspace("seam_at1_token").unwrap();
        assert!(same.config().credentials.workspace_id().is_none());
    }

    #[test]
    fn send_raw_reaches_any_path_keeps_every_field_and_is_retried_only_when_marked() {
        let server = TestServer::script(vec![
            Reply::json(
                503,
                r#"{"error":{"type":"unavailable","message":"later"},"ok":false}"#,
            ),
            Reply::json(200, r#"{"thing":{"new_field":[1,2]},"ok":true}"#),
        ]);
        let seam = Seam::builder()
            .api_key("seam_test_key")
            .endpoint(server.url())
            .build()
            .unwrap();
        // Not marked safe to repeat: the 503 is the answer.
        let e = runtime()
            .block_on(seam.send_raw(RawRequest::new(HttpMethod::Post, "/things/new").param("n", 1)))
            .unwrap_err();
        assert_eq!(e.status().map(|s| s.as_u16()), Some(503));
        assert_eq!(server.count(), 1);
        let requests = server.requests();
        assert_eq!(requests[0].uri().path(), "/things/new");
        assert_eq!(requests[0].body().as_ref(), br#"{"n":1}"#);

        let server = TestServer::script(vec![
            Reply::json(
                503,
                r#"{"error":{"type":"unavailable","message":"later"},"ok":false}"#,
            ),
            Reply::json(200, r#"{"thing":{"new_field":[1,2]},"ok":true}"#),
        ]);
        let seam = Seam::builder()
            .api_key("seam_test_key")
            .endpoint(server.url())
            .build()
            .unwrap();
        // Marked safe: retried, and the answer comes back whole, fields unknown to any type
        // included. A GET carries its parameters in the query string.
        let answer = runtime()
            .block_on(
                seam.send_raw(
                    RawRequest::new(HttpMethod::Get, "/things/get")
                        .param("ids", serde_json::json!(["a", "b"]))
                        .idempotent(true),
                ),
            )
            .unwrap();
        assert_eq!(answer["thing"]["new_field"], serde_json::json!([1, 2]));
        assert_eq!(server.count(), 2);
        assert_eq!(
            server.requests()[1].uri().query(),
            Some("ids=a&ids=b&_strict=true")
        );
    }
}

#[test]
fn try_collect_gathers_every_page_or_stops_at_the_first_error() {
    let server = common::pages_server();
    let client = common::client::<Async>(server.url());
    let all = runtime()
        .block_on(
            client
                .user_identities()
                .list_all(ListUserIdentities::new())
                .try_collect(),
        )
        .unwrap();
    assert_eq!(all.len(), 3);
    let failing = seamapi_transport::test_util::TestServer::always(
        seamapi_transport::test_util::Reply::json(
            404,
            r#"{"error":{"type":"not_found","message":"gone"}}"#,
        ),
    );
    let e = runtime()
        .block_on(
            common::client::<Async>(failing.url())
                .user_identities()
                .list_all(ListUserIdentities::new())
                .try_collect(),
        )
        .unwrap_err();
    assert!(e.is_not_found(), "{e:?}");
}
