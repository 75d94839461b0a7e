//! Scenarios every facade must pass, against a real HTTP server on 127.0.0.1:0. The async
//! and blocking test files each implement [`Facade`] and run every scenario, so both facades
//! are held to the same behaviour without two copies of the tests.
#![allow(dead_code, clippy::unwrap_used)]

use std::time::Duration;

use seamapi::resources::UserIdentity;
use seamapi::routes::{AddAcsUser, CreateUserIdentity, ListUserIdentities, UserIdentityRef};
use seamapi_core::{Error, RetryPolicy, TransportErrorKind};
use seamapi_transport::test_util::{Reply, TestServer};

pub const KEY: &str = "seam_test_key_0123456789";
pub const ACS: &str = "d73f4706-67e3-419d-899e-ec957a75ee0c";
pub const UID: &str = "68dd3d7e-c90b-4c89-ad70-3e589014ed87";

/// The calls a scenario makes, implemented once per facade.
pub trait Facade {
    /// The client type.
    type Client: seamapi::BuildClient<Transport = seamapi::SharedTransport, Error = seamapi::Error>;
    /// Whether the client's runtime keeps polling its connections between calls (the async
    /// client on the caller's multi-thread runtime does; the blocking client's runtime runs
    /// only during a call, and polls its I/O at the start of the next one).
    const WATCHES_CONNECTIONS_BETWEEN_CALLS: bool;
    fn add_acs_user(client: &Self::Client, req: AddAcsUser) -> Result<(), Error>;
    fn create(client: &Self::Client, req: CreateUserIdentity) -> Result<UserIdentity, Error>;
    fn list_all(client: &Self::Client, req: ListUserIdentities)
    -> Vec<Result<UserIdentity, Error>>;
    /// `list_all` within other walk limits.
    fn list_all_within(
        client: &Self::Client,
        req: ListUserIdentities,
        limits: seamapi::WalkLimits,
    ) -> Vec<Result<UserIdentity, Error>>;
    /// Any route, through the facade's generic `send`.
    fn send<R: seamapi_core::Route>(client: &Self::Client, req: R) -> Result<R::Output, Error>;
    /// The facade's `with_action_wait`.
    fn with_action_wait(client: &Self::Client, wait: seamapi::ActionWait) -> Self::Client;
    /// The facade's `wait_for_action_attempt`.
    fn wait_for_action_attempt(
        client: &Self::Client,
        id: &str,
    ) -> Result<seamapi::resources::ActionAttempt, Error>;
}

/// Fast retries so the tests take milliseconds; the policy's numbers are unit-tested in core.
pub fn fast_policy() -> RetryPolicy {
    let mut p = RetryPolicy::default();
    p.initial_backoff = Duration::from_millis(1);
    p.max_backoff = Duration::from_millis(5);
    p
}

pub fn client<F: Facade>(url: &str) -> F::Client {
    seamapi::SeamBuilder::<F::Client>::default()
        .api_key(KEY)
        .endpoint(url)
        .retry_policy(fast_policy())
        .build()
        .unwrap()
}

pub fn add() -> AddAcsUser {
    AddAcsUser::new(ACS, UserIdentityRef::id(UID))
}

const OK: &str = r#"{"ok":true}"#;

pub fn identity_json(id: &str) -> String {
    format!(
        r#"{{"user_identity_id":"{id}","user_identity_key":null,"email_address":null,"phone_number":null,"display_name":"Jane","full_name":"Jane","acs_user_ids":[],"workspace_id":"00000000-0000-4000-8000-000000000001","created_at":"2024-01-01T00:00:00.000Z","errors":[],"warnings":[],"brand_new_field":{{"x":1}}}}"#
    )
}

pub fn success_sends_exactly_the_documented_request<F: Facade>() {
    let server = TestServer::always(Reply::json(200, OK).header("seam-request-id", "req_1"));
    let c = client::<F>(server.url());
    F::add_acs_user(&c, add()).unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(r.method(), http::Method::PUT);
    assert_eq!(r.uri().path(), "/user_identities/add_acs_user");
    let h = r.headers();
    assert_eq!(h["authorization"], format!("Bearer {KEY}").as_str());
    assert_eq!(h["content-type"], "application/json");
    assert_eq!(h["seam-sdk-name"], "seamapi/rust");
    assert_eq!(h["seam-sdk-version"], env!("CARGO_PKG_VERSION"));
    assert!(h["user-agent"].to_str().unwrap().starts_with("seam-rust/"));
    assert!(h.get("seam-workspace").is_none());
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(r.body()).unwrap(),
        serde_json::json!({"user_identity_id": UID, "acs_user_id": ACS})
    );
}

pub fn empty_object_is_success_too<F: Facade>() {
    let server = TestServer::always(Reply::json(200, "{}"));
    F::add_acs_user(&client::<F>(server.url()), add()).unwrap();
}

pub fn by_key_sends_only_the_key<F: Facade>() {
    let server = TestServer::always(Reply::json(200, OK));
    F::add_acs_user(
        &client::<F>(server.url()),
        AddAcsUser::new(ACS, UserIdentityRef::key("jane")),
    )
    .unwrap();
    let body: serde_json::Value = serde_json::from_slice(server.requests()[0].body()).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"user_identity_key": "jane", "acs_user_id": ACS})
    );
}

pub fn personal_access_token_sends_the_workspace<F: Facade>() {
    let server = TestServer::always(Reply::json(200, OK));
    let c = seamapi::SeamBuilder::<F::Client>::default()
        .personal_access_token("seam_at1_token", "ws_1")
        .endpoint(server.url())
        .build()
        .unwrap();
    F::add_acs_user(&c, add()).unwrap();
    let r = &server.requests()[0];
    assert_eq!(r.headers()["authorization"], "Bearer seam_at1_token");
    assert_eq!(r.headers()["seam-workspace"], "ws_1");
}

pub fn invalid_parameters_are_refused_before_sending<F: Facade>() {
    let server = TestServer::always(Reply::json(200, OK));
    let e = F::add_acs_user(
        &client::<F>(server.url()),
        AddAcsUser::new("nope", UserIdentityRef::id(UID)),
    )
    .unwrap_err();
    let ii = e.invalid_input().expect("invalid input");
    assert!(ii.is_local());
    assert_eq!(ii.messages("acs_user_id"), ["Invalid uuid"]);
    assert_eq!(server.count(), 0);
}

pub fn server_invalid_input_keeps_every_message<F: Facade>() {
    let body = r#"{"error":{"type":"invalid_input","message":"Invalid uuid for \"acs_user_id\"","validation_errors":{"_errors":[],"acs_user_id":{"_errors":["Invalid uuid"]}}},"ok":false}"#;
    let server = TestServer::always(Reply::json(400, body).header("seam-request-id", "req_400"));
    let e = F::add_acs_user(&client::<F>(server.url()), add()).unwrap_err();
    let ii = e.invalid_input().expect("invalid input");
    assert!(!ii.is_local());
    assert_eq!(ii.message, "Invalid uuid for \"acs_user_id\"");
    assert_eq!(e.validation_messages("acs_user_id"), ["Invalid uuid"]);
    assert_eq!(e.status(), Some(http::StatusCode::BAD_REQUEST));
    assert_eq!(e.request_id(), Some("req_400"));
    assert_eq!(server.count(), 1);
}

pub fn unauthorized_is_its_own_error<F: Facade>() {
    let body = r#"{"error":{"type":"unauthorized","message":"API Key not found"},"ok":false}"#;
    let server = TestServer::always(Reply::json(401, body).header("seam-request-id", "req_401"));
    let e = F::add_acs_user(&client::<F>(server.url()), add()).unwrap_err();
    assert!(e.is_unauthorized(), "{e:?}");
    assert_eq!(e.error_type(), Some("unauthorized"));
    assert_eq!(e.request_id(), Some("req_401"));
    assert!(!e.to_string().contains(KEY));
    assert_eq!(server.count(), 1);
}

pub fn not_found_keeps_type_message_and_request_id<F: Facade>() {
    let body = r#"{"error":{"type":"acs_user_not_found","message":"ACS user not found","data":{"acs_user_id":"x"}},"ok":false}"#;
    let server = TestServer::always(Reply::json(404, body).header("seam-request-id", "req_404"));
    let e = F::add_acs_user(&client::<F>(server.url()), add()).unwrap_err();
    let Error::Api(api) = &e else { panic!("{e:?}") };
    assert_eq!(api.error_type, "acs_user_not_found");
    assert_eq!(api.message, "ACS user not found");
    assert_eq!(api.status, http::StatusCode::NOT_FOUND);
    assert_eq!(api.request_id.as_deref(), Some("req_404"));
    assert_eq!(api.data, Some(serde_json::json!({"acs_user_id": "x"})));
    assert!(e.is_not_found());
}

pub fn server_errors_are_retried_to_three_attempts_then_reported<F: Facade>() {
    let server = TestServer::always(
        Reply::text(500, "Not implemented!").header("seam-request-id", "req_500"),
    );
    let e = F::add_acs_user(&client::<F>(server.url()), add()).unwrap_err();
    let Error::UnexpectedResponse(u) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(u.status, http::StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(u.body_excerpt, "Not implemented!");
    assert_eq!(u.request_id.as_deref(), Some("req_500"));
    assert_eq!(server.count(), 3);
    // Every retry is the same request on the wire as the first attempt.
    let sent = server.requests();
    for retry in &sent[1..] {
        assert_eq!(retry.method(), sent[0].method());
        assert_eq!(retry.uri(), sent[0].uri());
        assert_eq!(retry.headers(), sent[0].headers());
        assert_eq!(retry.body(), sent[0].body());
    }
}

pub fn retry_after_is_honoured_then_success<F: Facade>() {
    let server = TestServer::script(vec![
        Reply::json(
            429,
            r#"{"error":{"type":"rate_limited","message":"slow down"},"ok":false}"#,
        )
        .header("retry-after", "0"),
        Reply::json(200, OK),
    ]);
    // A backoff far beyond the deadline: only by honouring `Retry-After: 0` can the call succeed.
    let mut policy = fast_policy();
    policy.initial_backoff = Duration::from_secs(600);
    policy.max_backoff = Duration::from_secs(600);
    policy.total_timeout = Duration::from_secs(30);
    let c = seamapi::SeamBuilder::<F::Client>::default()
        .api_key(KEY)
        .endpoint(server.url())
        .retry_policy(policy)
        .build()
        .unwrap();
    F::add_acs_user(&c, add()).unwrap();
    assert_eq!(server.count(), 2);
}

pub fn connection_refused_is_a_transport_error<F: Facade>() {
    // Bind a port, then free it: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let e = F::add_acs_user(&client::<F>(&url), add()).unwrap_err();
    let Error::Transport(t) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(t.kind(), TransportErrorKind::Connect);
    assert!(!t.may_have_reached_server());
    // The error says where it tried and how often (a refused connection is retried).
    let tried = t.attempts().expect("the retry loop says what it did");
    assert_eq!((tried.url.as_str(), tried.count), (url.as_str(), 3));
    assert_eq!(t.message(), "connection refused");
    assert_eq!(
        e.to_string(),
        format!("could not connect to {url}: connection refused (3 attempts)")
    );
}

pub fn a_server_that_never_answers_times_out<F: Facade>() {
    let server = TestServer::always(Reply::Hang);
    let c = seamapi::SeamBuilder::<F::Client>::default()
        .api_key(KEY)
        .endpoint(server.url())
        .timeout(Duration::from_millis(100))
        .retry_policy(fast_policy())
        .build()
        .unwrap();
    let e = F::add_acs_user(&c, add()).unwrap_err();
    assert!(e.is_timeout(), "{e:?}");
    assert_eq!(
        server.count(),
        3,
        "an idempotent route is retried after a timeout"
    );
    // The error says the time each attempt had, the attempts made and the time in all.
    let Error::Transport(t) = &e else {
        panic!("{e:?}")
    };
    let tried = t.attempts().expect("the retry loop says what it did");
    assert_eq!(tried.url, server.url().trim_end_matches('/'));
    assert_eq!(tried.count, 3);
    assert_eq!(tried.per_attempt, Duration::from_millis(100));
    assert!(tried.elapsed >= Duration::from_millis(300), "{tried:?}");
    let shown = e.to_string();
    let expected = format!(
        "no complete answer from {} within 100 ms per attempt (3 attempts, ",
        tried.url
    );
    assert!(shown.starts_with(&expected), "{shown}");
    assert!(shown.ends_with(" waited in all)"), "{shown}");
}

pub fn the_overall_deadline_bounds_the_call<F: Facade>() {
    let server = TestServer::always(Reply::Hang);
    let mut policy = fast_policy();
    policy.total_timeout = Duration::from_millis(150);
    let c = seamapi::SeamBuilder::<F::Client>::default()
        .api_key(KEY)
        .endpoint(server.url())
        .timeout(Duration::from_secs(30))
        .retry_policy(policy)
        .build()
        .unwrap();
    let e = F::add_acs_user(&c, add()).unwrap_err();
    assert!(
        matches!(e, Error::DeadlineExceeded { attempts: 1, .. }),
        "{e:?}"
    );
}

pub fn a_create_is_never_retried<F: Facade>() {
    let server = TestServer::always(Reply::json(
        500,
        r#"{"error":{"type":"internal","message":"boom"},"ok":false}"#,
    ));
    let e = F::create(
        &client::<F>(server.url()),
        CreateUserIdentity::new().user_identity_key("k"),
    )
    .unwrap_err();
    assert_eq!(e.status(), Some(http::StatusCode::INTERNAL_SERVER_ERROR));
    assert_eq!(server.count(), 1);
    let r = &server.requests()[0];
    assert_eq!(r.method(), http::Method::POST);
    assert_eq!(r.uri().path(), "/user_identities/create");
}

pub fn a_create_that_timed_out_is_not_retried<F: Facade>() {
    let server = TestServer::always(Reply::Hang);
    let c = seamapi::SeamBuilder::<F::Client>::default()
        .api_key(KEY)
        .endpoint(server.url())
        .timeout(Duration::from_millis(100))
        .retry_policy(fast_policy())
        .build()
        .unwrap();
    let e = F::create(&c, CreateUserIdentity::new()).unwrap_err();
    assert!(e.is_timeout());
    assert_eq!(server.count(), 1);
}

pub fn a_create_decodes_the_identity_and_ignores_unknown_fields<F: Facade>() {
    let body = format!(r#"{{"user_identity":{},"ok":true}}"#, identity_json(UID));
    let server = TestServer::always(Reply::json(200, &body));
    let u = F::create(
        &client::<F>(server.url()),
        CreateUserIdentity::new().full_name("Jane"),
    )
    .unwrap();
    assert_eq!(u.user_identity_id, UID);
    assert_eq!(u.full_name.as_deref(), Some("Jane"));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(server.requests()[0].body()).unwrap(),
        serde_json::json!({"full_name": "Jane"})
    );
}

fn page(ids: &[&str], next: Option<&str>) -> Reply {
    let items: Vec<String> = ids.iter().map(|id| identity_json(id)).collect();
    let pagination = match next {
        Some(c) => {
            format!(r#"{{"has_next_page":true,"next_page_cursor":"{c}","next_page_url":null}}"#)
        }
        None => {
            r#"{"has_next_page":false,"next_page_cursor":null,"next_page_url":null}"#.to_string()
        }
    };
    Reply::json(
        200,
        &format!(
            r#"{{"user_identities":[{}],"pagination":{pagination},"ok":true}}"#,
            items.join(",")
        ),
    )
}

const ID1: &str = "00000000-0000-4000-8000-000000000011";
const ID2: &str = "00000000-0000-4000-8000-000000000012";
const ID3: &str = "00000000-0000-4000-8000-000000000013";

/// A server answering three pages of one identity each, then the last page again.
pub fn pages_server() -> TestServer {
    TestServer::script(vec![
        page(&[ID1], Some("c1")),
        page(&[ID2], Some("c2")),
        page(&[ID3], None),
    ])
}

pub fn list_all_walks_three_pages<F: Facade>() {
    let server = pages_server();
    let items: Vec<_> = F::list_all(
        &client::<F>(server.url()),
        ListUserIdentities::new().limit(1u32),
    )
    .into_iter()
    .map(|r| r.unwrap().user_identity_id)
    .collect();
    assert_eq!(items, [ID1, ID2, ID3]);
    let cursors: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.uri().query().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        cursors,
        [
            "limit=1&_strict=true",
            "limit=1&page_cursor=c1&_strict=true",
            "limit=1&page_cursor=c2&_strict=true",
        ]
    );
}

pub fn list_all_of_an_empty_list_is_empty<F: Facade>() {
    let server = TestServer::always(page(&[], None));
    assert!(F::list_all(&client::<F>(server.url()), ListUserIdentities::new()).is_empty());
    assert_eq!(server.count(), 1);
}

pub fn list_all_stops_on_a_repeated_cursor<F: Facade>() {
    let server = TestServer::always(page(&[ID1], Some("same")));
    let results = F::list_all(&client::<F>(server.url()), ListUserIdentities::new());
    assert_eq!(results.len(), 3, "{results:?}");
    assert!(results[0].is_ok() && results[1].is_ok());
    assert!(
        matches!(results[2], Err(Error::Pagination(_))),
        "{results:?}"
    );
    assert_eq!(server.count(), 2);
}

/// A server that always says another page follows, each time with a new cursor.
fn endless_server() -> TestServer {
    let n = std::sync::atomic::AtomicUsize::new(0);
    TestServer::start(move |_| {
        let i = n.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        page(&[ID1], Some(&format!("c{i}")))
    })
}

/// Issue 15, bug 2: an endless server's walk ends at a page or item limit (the default,
/// 1,000 pages and 100,000 items, is pinned in core's `pager` tests, since 1,000 requests
/// take long here), with an error naming the limit. Before, it never ended.
pub fn list_all_limits_are_configurable<F: Facade>() {
    let server = endless_server();
    let c = client::<F>(server.url());
    let pages = seamapi::WalkLimits {
        max_pages: 5,
        ..seamapi::WalkLimits::default()
    };
    let results = F::list_all_within(&c, ListUserIdentities::new(), pages);
    assert_eq!(results.len(), 6, "{results:?}");
    assert!(matches!(&results[5], Err(Error::Pagination(m)) if m.contains("read 5 pages")));
    let items = seamapi::WalkLimits {
        max_items: 3,
        ..seamapi::WalkLimits::default()
    };
    let results = F::list_all_within(&c, ListUserIdentities::new(), items);
    assert_eq!(results.len(), 4, "{results:?}");
    assert!(matches!(&results[3], Err(Error::Pagination(m)) if m.contains("read 3 items")));
    assert_eq!(server.count(), 5 + 3);
}

/// The client's overall deadline covers the whole walk, not each page: without page or item
/// limits, an endless server's walk ends when the deadline (300 ms) has passed.
pub fn the_overall_deadline_covers_the_whole_walk<F: Facade>() {
    let server = endless_server();
    let mut policy = fast_policy();
    policy.total_timeout = Duration::from_millis(300);
    let c = seamapi::SeamBuilder::<F::Client>::default()
        .api_key(KEY)
        .endpoint(server.url())
        .retry_policy(policy)
        .build()
        .unwrap();
    let unbounded = seamapi::WalkLimits {
        max_pages: u32::MAX,
        max_items: u64::MAX,
    };
    let results = F::list_all_within(&c, ListUserIdentities::new(), unbounded);
    let (last, items) = results.split_last().unwrap();
    assert!(items.iter().all(Result::is_ok));
    let Err(Error::DeadlineExceeded { deadline, last, .. }) = last else {
        panic!("{last:?}");
    };
    assert_eq!(*deadline, Duration::from_millis(300));
    assert!(matches!(**last, Error::Pagination(_)), "{last:?}");
}

/// Every option of the one builder reaches the client's configuration as it reaches a bare
/// `Config`: the facades' `SeamBuilder` is core's `Builder`, so no option can be left out of
/// a facade, and `build_client` must keep the `Config` it is handed.
pub fn options_reach_the_client_as_they_reach_a_bare_config<F: Facade>(
    config_of: impl Fn(&F::Client) -> &seamapi::Config,
) {
    fn options<C: seamapi::BuildClient>(b: seamapi::Builder<C>, pem: &str) -> seamapi::Builder<C> {
        b.api_key(KEY)
            .endpoint("http://10.0.0.1:9")
            .allow_insecure_http(true)
            .timeout(Duration::from_secs(7))
            .retry_policy(RetryPolicy::none())
            .action_wait(seamapi::ActionWait::off())
            .proxy("http://proxy.example:3128")
            .add_root_certificate_pem(pem)
            .environment(seamapi::Environment::default())
    }
    let ca = seamapi_transport::test_util::TestCa::new();
    let client = options(seamapi::SeamBuilder::<F::Client>::default(), ca.pem())
        .build()
        .unwrap();
    let bare = options(seamapi::Config::builder(), ca.pem())
        .build()
        .unwrap();
    let got = config_of(&client);
    assert_eq!(format!("{got:?}"), format!("{bare:?}"));
    assert_eq!(got.timeout, Duration::from_secs(7));
    assert_eq!(got.retry, RetryPolicy::none());
    assert_eq!(got.action_wait, seamapi::ActionWait::off());
    assert_eq!(got.root_certificates_pem.len(), 1);
    assert!(got.allow_insecure_http);
}

/// Generates one `#[test]` per scenario for facade `$f`.
#[macro_export]
macro_rules! facade_tests {
    ($f:ty) => {
        $crate::facade_tests!($f;
            success_sends_exactly_the_documented_request,
            empty_object_is_success_too,
            by_key_sends_only_the_key,
            personal_access_token_sends_the_workspace,
            invalid_parameters_are_refused_before_sending,
            server_invalid_input_keeps_every_message,
            unauthorized_is_its_own_error,
            not_found_keeps_type_message_and_request_id,
            server_errors_are_retried_to_three_attempts_then_reported,
            retry_after_is_honoured_then_success,
            connection_refused_is_a_transport_error,
            a_server_that_never_answers_times_out,
            the_overall_deadline_bounds_the_call,
            a_create_is_never_retried,
            a_create_that_timed_out_is_not_retried,
            a_create_decodes_the_identity_and_ignores_unknown_fields,
            list_all_walks_three_pages,
            list_all_of_an_empty_list_is_empty,
            list_all_stops_on_a_repeated_cursor,
            list_all_limits_are_configurable,
            the_overall_deadline_covers_the_whole_walk,
            every_route_sends_its_method_path_and_body_and_decodes,
            every_route_reports_not_found_with_its_type,
            every_route_validates_before_sending,
            a_read_answered_500_is_retried,
        );
    };
    ($f:ty; $($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                common::$name::<$f>();
            }
        )*
    };
}

/// Sends `req` through the facade to a server answering `reply`, checks the exact request on
/// the wire and returns the decoded output.
fn exchange<F: Facade, R: seamapi_core::Route>(
    req: R,
    method: http::Method,
    path: &str,
    body: serde_json::Value,
    reply: &str,
) -> R::Output {
    let server = TestServer::always(Reply::json(200, reply));
    let out = F::send(&client::<F>(server.url()), req).unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "{path}");
    assert_eq!(requests[0].method(), method, "{path}");
    assert_eq!(requests[0].uri().path(), path);
    if method == http::Method::GET || method == http::Method::DELETE {
        // Reads and deletes carry their parameters in the query string, as Seam's JavaScript
        // SDK writes it; no body.
        let query = seamapi_core::codec::query_string(body.as_object().unwrap()).unwrap();
        assert_eq!(requests[0].uri().query().unwrap_or(""), query, "{path}");
        assert!(requests[0].body().is_empty(), "{path}");
    } else {
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(requests[0].body()).unwrap(),
            body,
            "{path}"
        );
    }
    out
}

pub fn acs_user_json(id: &str) -> String {
    format!(
        r#"{{"acs_user_id":"{id}","acs_system_id":"{ACS}","workspace_id":"00000000-0000-4000-8000-000000000001","connected_account_id":"00000000-0000-4000-8000-000000000002","display_name":"Jane","full_name":"Jane Doe","email_address":"jane@example.com","phone_number":"+15555550100","user_identity_id":"{UID}","external_type":"a_kind_from_the_future","external_type_display_name":"Future","is_managed":true,"is_suspended":false,"access_schedule":{{"starts_at":"2024-01-01T00:00:00Z","ends_at":null}},"created_at":"2024-01-01T00:00:00Z","last_successful_sync_at":null,"errors":[],"warnings":[{{"warning_code":"being_deleted","message":"m","created_at":"2024-01-01T00:00:00Z"}}],"unknown_field":[1,2,3]}}"#
    )
}

pub fn every_route_sends_its_method_path_and_body_and_decodes<F: Facade>() {
    use http::Method;
    use seamapi::routes::*;
    use serde_json::json;
    let identity = format!(r#"{{"user_identity":{},"ok":true}}"#, identity_json(UID));
    let identities = format!(
        r#"{{"user_identities":[{}],"pagination":{{"has_next_page":false,"next_page_cursor":null,"next_page_url":null}},"ok":true}}"#,
        identity_json(UID)
    );
    let acs_user = format!(r#"{{"acs_user":{},"ok":true}}"#, acs_user_json(ACS));
    let acs_users = format!(
        r#"{{"acs_users":[{}],"pagination":{{"has_next_page":true,"next_page_cursor":"c2","next_page_url":"https://x/next"}},"ok":true}}"#,
        acs_user_json(ACS)
    );

    exchange::<F, _>(
        add(),
        Method::PUT,
        "/user_identities/add_acs_user",
        json!({"user_identity_id": UID, "acs_user_id": ACS}),
        OK,
    );

    let u = exchange::<F, _>(
        CreateUserIdentity::new()
            .user_identity_key("jane")
            .email_address("jane@example.com")
            .phone_number("+15555550100")
            .full_name("Jane Doe")
            .acs_system_ids(vec![ACS.to_string()]),
        Method::POST,
        "/user_identities/create",
        json!({"user_identity_key": "jane", "email_address": "jane@example.com", "phone_number": "+15555550100", "full_name": "Jane Doe", "acs_system_ids": [ACS]}),
        &identity,
    );
    assert_eq!(u.user_identity_id, UID);

    let u = exchange::<F, _>(
        GetUserIdentity::new(UserIdentityRef::key("jane")),
        Method::GET,
        "/user_identities/get",
        json!({"user_identity_key": "jane"}),
        &identity,
    );
    assert_eq!(u.display_name, "Jane");
    exchange::<F, _>(
        GetUserIdentity::new(UserIdentityRef::id(UID)),
        Method::GET,
        "/user_identities/get",
        json!({"user_identity_id": UID}),
        &identity,
    );

    let page = exchange::<F, _>(
        ListUserIdentities::new()
            .search("jan")
            .limit(10u32)
            .user_identity_ids(vec![UID.to_string()]),
        Method::GET,
        "/user_identities/list",
        json!({"search": "jan", "limit": 10, "user_identity_ids": [UID]}),
        &identities,
    );
    assert_eq!(page.items.len(), 1);
    assert!(!page.pagination.has_next_page);

    exchange::<F, _>(
        DeleteUserIdentity::new(UID),
        Method::DELETE,
        "/user_identities/delete",
        json!({"user_identity_id": UID}),
        "{}",
    );

    let users = exchange::<F, _>(
        ListUserIdentityAcsUsers::new(UID),
        Method::GET,
        "/user_identities/list_acs_users",
        json!({"user_identity_id": UID}),
        &acs_users,
    );
    assert_eq!(users.len(), 1);

    exchange::<F, _>(
        RemoveAcsUser::new(UID, ACS),
        Method::DELETE,
        "/user_identities/remove_acs_user",
        json!({"user_identity_id": UID, "acs_user_id": ACS}),
        OK,
    );

    let user = exchange::<F, _>(
        GetAcsUser::new().acs_user_id(ACS),
        Method::GET,
        "/acs/users/get",
        json!({"acs_user_id": ACS}),
        &acs_user,
    );
    assert_eq!(user.full_name.as_deref(), Some("Jane Doe"));
    // A value this version does not know is kept, not an error.
    let kept = user.external_type.as_ref().unwrap();
    assert!(matches!(
        kept,
        seamapi::resources::AcsUserExternalType::Unknown(_)
    ));
    assert_eq!(kept.as_str(), "a_kind_from_the_future");
    // Warnings are typed by their `warning_code`.
    assert_eq!(user.warnings[0].kind(), "being_deleted");
    assert!(matches!(
        user.warnings[0],
        seamapi::resources::AcsUserWarning::BeingDeleted(_)
    ));
    assert!(user.access_schedule.as_ref().unwrap().ends_at.is_none());

    let page = exchange::<F, _>(
        ListAcsUsers::new()
            .acs_system_id(ACS)
            .user_identity_id(UID)
            .limit(1u32)
            .page_cursor("c1"),
        Method::GET,
        "/acs/users/list",
        json!({"acs_system_id": ACS, "user_identity_id": UID, "limit": 1, "page_cursor": "c1"}),
        &acs_users,
    );
    assert_eq!(page.items[0].acs_user_id, ACS);
    assert_eq!(page.pagination.next_page_cursor.as_deref(), Some("c2"));
}

pub fn every_route_reports_not_found_with_its_type<F: Facade>() {
    use seamapi::routes::*;
    let server = TestServer::always(
        Reply::json(404, r#"{"error":{"type":"user_identity_not_found","message":"User identity not found"},"ok":false}"#)
            .header("seam-request-id", "req_nf"),
    );
    let c = client::<F>(server.url());
    let errors = [
        F::send(&c, add()).err(),
        F::send(&c, GetUserIdentity::new(UserIdentityRef::id(UID))).err(),
        F::send(&c, DeleteUserIdentity::new(UID)).err(),
        F::send(&c, ListUserIdentityAcsUsers::new(UID)).err(),
        F::send(&c, RemoveAcsUser::new(UID, ACS)).err(),
        F::send(&c, GetAcsUser::new().acs_user_id(ACS)).err(),
    ];
    for e in errors {
        let e = e.expect("an error");
        assert!(e.is_not_found(), "{e:?}");
        assert_eq!(e.error_type(), Some("user_identity_not_found"));
        assert_eq!(e.request_id(), Some("req_nf"));
    }
    assert_eq!(server.count(), 6, "a 404 is never retried");
}

pub fn every_route_validates_before_sending<F: Facade>() {
    use seamapi::routes::*;
    let server = TestServer::always(Reply::json(200, OK));
    let c = client::<F>(server.url());
    let cases: Vec<(Error, &str, &str)> = vec![
        (
            F::send(&c, GetUserIdentity::new(UserIdentityRef::id("x"))).unwrap_err(),
            "user_identity_id",
            "Invalid uuid",
        ),
        (
            F::send(&c, CreateUserIdentity::new().email_address("no")).unwrap_err(),
            "email_address",
            "Invalid email",
        ),
        (
            F::send(&c, ListUserIdentities::new().limit(0u32)).unwrap_err(),
            "limit",
            "Number must be greater than 0",
        ),
        (
            F::send(&c, DeleteUserIdentity::new("x")).unwrap_err(),
            "user_identity_id",
            "Invalid uuid",
        ),
        (
            F::send(&c, ListUserIdentityAcsUsers::new("")).unwrap_err(),
            "user_identity_id",
            "Required",
        ),
        (
            F::send(&c, RemoveAcsUser::new(UID, "x")).unwrap_err(),
            "acs_user_id",
            "Invalid uuid",
        ),
        (
            F::send(&c, GetAcsUser::new().acs_user_id("x")).unwrap_err(),
            "acs_user_id",
            "Invalid uuid",
        ),
        (
            F::send(&c, ListAcsUsers::new().created_before("yesterday")).unwrap_err(),
            "created_before",
            "Invalid datetime",
        ),
    ];
    for (e, param, msg) in cases {
        assert_eq!(e.validation_messages(param), [msg.to_string()], "{e:?}");
        assert!(e.invalid_input().unwrap().is_local());
    }
    // An empty key is left out of a GET's query string, so the request names no identity.
    let e = F::send(&c, GetUserIdentity::new(UserIdentityRef::key(""))).unwrap_err();
    assert_eq!(
        e.invalid_input().unwrap().validation_errors.form,
        ["Exactly one of user_identity_id, user_identity_key is required"]
    );
    assert_eq!(server.count(), 0);
}

pub fn a_read_answered_500_is_retried<F: Facade>() {
    let server = TestServer::script(vec![
        Reply::json(
            500,
            r#"{"error":{"type":"internal","message":"boom"},"ok":false}"#,
        ),
        Reply::json(
            200,
            &format!(r#"{{"user_identity":{},"ok":true}}"#, identity_json(UID)),
        ),
    ]);
    let u = F::send(
        &client::<F>(server.url()),
        seamapi::routes::GetUserIdentity::new(UserIdentityRef::id(UID)),
    )
    .unwrap();
    assert_eq!(u.user_identity_id, UID);
    assert_eq!(server.count(), 2);
    let requests = server.requests();
    assert_eq!(requests[0].method(), http::Method::GET, "a read is retried");
}

pub mod actions;
pub mod faults;
pub mod tls;
