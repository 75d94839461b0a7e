//! Action attempts waited for (issue 12), run for both facades with
//! [`action_tests!`](crate::action_tests): a real server on 127.0.0.1:0 answers the unlock with
//! a pending attempt, then each read of `/action_attempts/get` from a script. Intervals are a
//! few milliseconds; the only waits are the client's own polling intervals.

use std::time::Duration;

use seamapi::ActionWait;
use seamapi::resources::ActionAttempt;
use seamapi::routes::LocksUnlockDoor;
use seamapi_core::Error;
use seamapi_transport::test_util::{Reply, TestServer};

use super::{Facade, KEY, fast_policy};

pub const DEVICE: &str = "11111111-1111-1111-1111-444444444444";
pub const ATTEMPT_ID: &str = "5f8b2f6e-3d34-4c3c-9a5e-5a2f0e1b7d10";

/// An answer holding the unlock attempt with `status`, and `error` when it failed.
pub fn attempt(status: &str, error: Option<(&str, &str)>) -> Reply {
    let error = error.map_or("null".to_owned(), |(t, m)| {
        format!(r#"{{"type":"{t}","message":"{m}"}}"#)
    });
    let result = if status == "success" {
        r#"{"was_confirmed_by_device":true}"#
    } else {
        "null"
    };
    Reply::json(
        200,
        &format!(
            r#"{{"action_attempt":{{"action_attempt_id":"{ATTEMPT_ID}","action_type":"UNLOCK_DOOR","status":"{status}","result":{result},"error":{error}}},"ok":true}}"#
        ),
    )
    .header("seam-request-id", &format!("req_{status}"))
}

fn pending() -> Reply {
    attempt("pending", None)
}

fn success() -> Reply {
    attempt("success", None)
}

/// A client polling every 5 ms for up to `timeout`.
pub fn client<F: Facade>(url: &str, timeout: Duration) -> F::Client {
    seamapi::SeamBuilder::<F::Client>::default()
        .api_key(KEY)
        .endpoint(url)
        .retry_policy(fast_policy())
        .action_wait(ActionWait::up_to(timeout).every(Duration::from_millis(5)))
        .build()
        .unwrap()
}

fn unlock<F: Facade>(client: &F::Client) -> Result<ActionAttempt, Error> {
    F::send(client, LocksUnlockDoor::new(DEVICE))
}

/// The paths the server saw, in order, and that every read asked for the attempt by its id.
fn paths(server: &TestServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .map(|r| {
            let path = r.uri().path().to_owned();
            if path == "/action_attempts/get" {
                // A read, sent as GET with the id in the query string.
                assert_eq!(r.method(), http::Method::GET);
                assert_eq!(
                    r.uri().query(),
                    Some(format!("action_attempt_id={ATTEMPT_ID}&_strict=true").as_str())
                );
            }
            path
        })
        .collect()
}

fn unlocked(a: &ActionAttempt) -> bool {
    matches!(a, ActionAttempt::UnlockDoor(u)
        if u.status.to_string() == "success"
            && u.result.as_ref().and_then(|r| r.was_confirmed_by_device) == Some(true))
}

const UNLOCK: &str = "/locks/unlock_door";
const GET: &str = "/action_attempts/get";

pub fn an_attempt_done_at_the_first_read_is_returned_finished<F: Facade>() {
    let server = TestServer::script(vec![pending(), success()]);
    let out = unlock::<F>(&client::<F>(server.url(), Duration::from_secs(5))).unwrap();
    assert!(unlocked(&out), "{out:?}");
    assert_eq!(out.action_attempt_id(), ATTEMPT_ID);
    assert_eq!(paths(&server), [UNLOCK, GET]);
}

pub fn an_attempt_already_finished_is_not_read_again<F: Facade>() {
    let server = TestServer::script(vec![success()]);
    let out = unlock::<F>(&client::<F>(server.url(), Duration::from_secs(5))).unwrap();
    assert!(unlocked(&out), "{out:?}");
    assert_eq!(paths(&server), [UNLOCK]);
}

pub fn an_attempt_done_after_several_reads_is_returned_finished<F: Facade>() {
    let server = TestServer::script(vec![pending(), pending(), pending(), pending(), success()]);
    let out = unlock::<F>(&client::<F>(server.url(), Duration::from_secs(5))).unwrap();
    assert!(unlocked(&out), "{out:?}");
    assert_eq!(paths(&server), [UNLOCK, GET, GET, GET, GET]);
}

pub fn a_failed_attempt_is_a_typed_error_with_its_type_and_message<F: Facade>() {
    let server = TestServer::script(vec![
        pending(),
        pending(),
        attempt("error", Some(("lock_jammed", "The lock is jammed"))),
    ]);
    let e = unlock::<F>(&client::<F>(server.url(), Duration::from_secs(5))).unwrap_err();
    let Error::ActionAttemptFailed(d) = &e else {
        panic!("expected a failed attempt, got {e:?}")
    };
    assert_eq!(d.action_attempt_id, ATTEMPT_ID);
    assert_eq!(d.action_type, "UNLOCK_DOOR");
    assert_eq!(d.error_type.as_deref(), Some("lock_jammed"));
    assert_eq!(d.message.as_deref(), Some("The lock is jammed"));
    assert_eq!(d.polls, 2);
    assert_eq!(d.attempt["status"], "error");
    assert_eq!(e.error_type(), Some("lock_jammed"));
    assert_eq!(e.request_id(), Some("req_error"));
    assert!(!e.is_timeout());
    // The typed attempt is one decode away.
    let typed: ActionAttempt = serde_json::from_value(d.attempt.clone()).unwrap();
    assert_eq!(typed.kind(), "UNLOCK_DOOR");
    assert_eq!(paths(&server), [UNLOCK, GET, GET]);
}

pub fn an_attempt_still_pending_times_out_saying_it_may_still_happen<F: Facade>() {
    let server = TestServer::always(pending());
    let timeout = Duration::from_millis(60);
    let e = unlock::<F>(&client::<F>(server.url(), timeout)).unwrap_err();
    let Error::ActionAttemptTimedOut(d) = &e else {
        panic!("expected a timed-out attempt, got {e:?}")
    };
    assert_eq!(d.action_attempt_id, ATTEMPT_ID);
    assert_eq!(d.status, "pending");
    assert_eq!(d.error_type, None);
    assert!(d.waited >= timeout, "{:?}", d.waited);
    assert!(d.polls >= 1, "{}", d.polls);
    assert!(e.is_timeout());
    assert!(e.to_string().contains("may still happen"), "{e}");
    // Reads stopped at the timeout: one request for the unlock, one per read.
    assert_eq!(server.count(), 1 + d.polls as usize);
    // The unlock itself was sent once.
    assert_eq!(paths(&server).iter().filter(|p| *p == UNLOCK).count(), 1);
}

pub fn the_overall_deadline_ends_the_wait_mid_read<F: Facade>() {
    // The first read never answers: the client's overall deadline (300 ms), shorter than the
    // wait's timeout (5 s), cuts it, and the attempt is reported still pending.
    let server = TestServer::script(vec![pending(), Reply::Hang]);
    let mut policy = fast_policy();
    policy.total_timeout = Duration::from_millis(300);
    let client = seamapi::SeamBuilder::<F::Client>::default()
        .api_key(KEY)
        .endpoint(server.url())
        .retry_policy(policy)
        .action_wait(ActionWait::up_to(Duration::from_secs(5)).every(Duration::from_millis(5)))
        .build()
        .unwrap();
    let e = unlock::<F>(&client).unwrap_err();
    let Error::ActionAttemptTimedOut(d) = &e else {
        panic!("expected a timed-out attempt, got {e:?}")
    };
    assert!(d.waited < Duration::from_secs(5), "{:?}", d.waited);
    assert_eq!(d.polls, 1);
    assert_eq!(paths(&server), [UNLOCK, GET]);
}

pub fn a_read_answered_503_is_retried_then_the_attempt_is_returned<F: Facade>() {
    let server = TestServer::script(vec![
        pending(),
        Reply::json(
            503,
            r#"{"error":{"type":"service_unavailable","message":"busy"}}"#,
        ),
        success(),
    ]);
    let out = unlock::<F>(&client::<F>(server.url(), Duration::from_secs(5))).unwrap();
    assert!(unlocked(&out), "{out:?}");
    assert_eq!(paths(&server), [UNLOCK, GET, GET]);
}

pub fn the_unlock_itself_is_never_retried<F: Facade>() {
    let server = TestServer::script(vec![
        Reply::json(
            503,
            r#"{"error":{"type":"service_unavailable","message":"busy"}}"#,
        ),
        success(),
    ]);
    let e = unlock::<F>(&client::<F>(server.url(), Duration::from_secs(5))).unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(503), "{e:?}");
    assert_eq!(paths(&server), [UNLOCK]);
}

pub fn a_read_refused_is_reported_as_the_server_said<F: Facade>() {
    let server = TestServer::script(vec![
        pending(),
        Reply::json(
            404,
            r#"{"error":{"type":"action_attempt_not_found","message":"Action attempt not found"}}"#,
        )
        .header("seam-request-id", "req_404"),
    ]);
    let e = unlock::<F>(&client::<F>(server.url(), Duration::from_secs(5))).unwrap_err();
    assert_eq!(e.error_type(), Some("action_attempt_not_found"), "{e:?}");
    assert_eq!(e.request_id(), Some("req_404"));
    assert_eq!(paths(&server), [UNLOCK, GET]);
}

pub fn waiting_off_returns_the_pending_attempt_at_once<F: Facade>() {
    let server = TestServer::always(pending());
    // Off for the client…
    let off = seamapi::SeamBuilder::<F::Client>::default()
        .api_key(KEY)
        .endpoint(server.url())
        .action_wait(ActionWait::off())
        .build()
        .unwrap();
    let out = unlock::<F>(&off).unwrap();
    assert_eq!(out.action_attempt_id(), ATTEMPT_ID);
    assert!(matches!(&out, ActionAttempt::UnlockDoor(u) if u.status.to_string() == "pending"));
    // …and for one handle of a client that waits.
    let waits = client::<F>(server.url(), Duration::from_secs(5));
    let out = unlock::<F>(&F::with_action_wait(&waits, ActionWait::off())).unwrap();
    assert!(matches!(&out, ActionAttempt::UnlockDoor(u) if u.status.to_string() == "pending"));
    assert_eq!(paths(&server), [UNLOCK, UNLOCK]);
}

pub fn a_per_call_wait_overrides_the_client_one<F: Facade>() {
    // The client does not wait; one handle waits.
    let server = TestServer::script(vec![pending(), pending(), success()]);
    let off = seamapi::SeamBuilder::<F::Client>::default()
        .api_key(KEY)
        .endpoint(server.url())
        .retry_policy(fast_policy())
        .action_wait(ActionWait::off())
        .build()
        .unwrap();
    let waiting = F::with_action_wait(
        &off,
        ActionWait::up_to(Duration::from_secs(5)).every(Duration::from_millis(5)),
    );
    let out = unlock::<F>(&waiting).unwrap();
    assert!(unlocked(&out), "{out:?}");
    assert_eq!(paths(&server), [UNLOCK, GET, GET]);
}

pub fn an_attempt_obtained_earlier_is_waited_for_by_its_id<F: Facade>() {
    let server = TestServer::script(vec![pending(), pending(), success()]);
    let client = client::<F>(server.url(), Duration::from_secs(5));
    let out = F::wait_for_action_attempt(&client, ATTEMPT_ID).unwrap();
    assert!(unlocked(&out), "{out:?}");
    // Read at once, then every interval.
    assert_eq!(paths(&server), [GET, GET, GET]);
    // A malformed id is the caller's: refused before sending.
    let e = F::wait_for_action_attempt(&client, "not-a-uuid").unwrap_err();
    assert!(e.is_local(), "{e:?}");
    assert_eq!(server.count(), 3);
}

pub fn a_route_that_does_not_answer_with_an_attempt_is_not_waited_for<F: Facade>() {
    // `access_codes/create` answers with the code (and an attempt beside it): Seam's SDKs
    // do not wait, nor do we.
    let server = TestServer::always(Reply::json(
        200,
        r#"{"access_code":{"access_code_id":"7a3c0b1e-2f6d-4e8a-9b5c-1d2e3f4a5b6c","device_id":"11111111-1111-1111-1111-444444444444","workspace_id":"00000000-0000-4000-8000-000000000001","created_at":"2024-01-01T00:00:00.000Z","code":"1234","type":"ongoing","status":"setting","errors":[],"warnings":[],"is_managed":true},"action_attempt":{"action_attempt_id":"5f8b2f6e-3d34-4c3c-9a5e-5a2f0e1b7d10","action_type":"CREATE_ACCESS_CODE","status":"pending","result":null,"error":null},"ok":true}"#,
    ));
    let client = client::<F>(server.url(), Duration::from_secs(5));
    let code = F::send(&client, seamapi::routes::AccessCodesCreate::new(DEVICE)).unwrap();
    assert_eq!(code.access_code_id, "7a3c0b1e-2f6d-4e8a-9b5c-1d2e3f4a5b6c");
    assert_eq!(server.count(), 1);
}

/// Generates one `#[test]` per action-attempt scenario for facade `$f`.
#[macro_export]
macro_rules! action_tests {
    ($f:ty) => {
        $crate::action_tests!($f;
            an_attempt_done_at_the_first_read_is_returned_finished,
            an_attempt_already_finished_is_not_read_again,
            an_attempt_done_after_several_reads_is_returned_finished,
            a_failed_attempt_is_a_typed_error_with_its_type_and_message,
            an_attempt_still_pending_times_out_saying_it_may_still_happen,
            the_overall_deadline_ends_the_wait_mid_read,
            a_read_answered_503_is_retried_then_the_attempt_is_returned,
            the_unlock_itself_is_never_retried,
            a_read_refused_is_reported_as_the_server_said,
            waiting_off_returns_the_pending_attempt_at_once,
            a_per_call_wait_overrides_the_client_one,
            an_attempt_obtained_earlier_is_waited_for_by_its_id,
            a_route_that_does_not_answer_with_an_attempt_is_not_waited_for,
        );
    };
    ($f:ty; $($name:ident),* $(,)?) => {
        mod action_attempts {
            use super::*;
            $(
                #[test]
                fn $name() {
                    common::actions::$name::<$f>();
                }
            )*
        }
    };
}
