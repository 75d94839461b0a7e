//! Action attempts: the routes whose answer is an attempt that finishes later (unlock a door,
//! set a thermostat, scan a card), and the rule for waiting on one.
//!
//! Such a route answers at once with an `action_attempt` whose `status` is `pending`; the
//! device acts afterwards, and `/action_attempts/get` tells when it is done. As Seam's SDKs do,
//! the clients wait by default: they poll every [`ActionWait::interval`] (0.5 s) for up to
//! [`ActionWait::timeout`] (5 s), then hand back the finished attempt, or
//! [`Error::ActionAttemptFailed`] for an attempt whose status is `error`, or
//! [`Error::ActionAttemptTimedOut`] for one still pending when the time is up (the action may
//! still happen). This module holds the rule as pure functions ([`next_step`]); the facades do
//! the sleeping and the polling.
//!
//! ```
//! use std::time::Duration;
//! use seamapi_core::action::{ActionWait, AttemptStatus, WaitStep, next_step};
//!
//! let wait = ActionWait::default();
//! assert_eq!(
//!     next_step(&AttemptStatus::Pending, Duration::ZERO, Duration::from_secs(5), &wait),
//!     WaitStep::Poll(Duration::from_millis(500)),
//! );
//! assert_eq!(
//!     next_step(&AttemptStatus::Pending, Duration::from_secs(5), Duration::ZERO, &wait),
//!     WaitStep::TimedOut,
//! );
//! ```

use std::time::Duration;

use bytes::Bytes;
use http::Response;
use serde::Deserialize;
use serde_json::Value;

use crate::codec::{decode_field, request_id};
use crate::error::{ActionAttemptError, Error, UnexpectedResponse};
use crate::route::RouteInfo;

/// The route that reads an attempt (`POST /action_attempts/get`), polled while waiting.
pub const GET_PATH: &str = "/action_attempts/get";

/// The key an action attempt is under in an answer.
pub const OUTPUT_KEY: &str = "action_attempt";

/// How a client waits for the action attempts its calls start: on (the default: every 0.5 s
/// for up to 5 s, as Seam's SDKs) or off (the pending attempt is returned as it came).
///
/// Set it for a client with `ConfigBuilder::action_wait` (or the facades' builders), and for
/// some calls with the facades' `with_action_wait`.
///
/// ```
/// use std::time::Duration;
/// use seamapi_core::action::ActionWait;
///
/// let patient = ActionWait::up_to(Duration::from_secs(20)).every(Duration::from_secs(1));
/// assert_eq!(patient.timeout(), Some(Duration::from_secs(20)));
/// assert_eq!(ActionWait::off().timeout(), None);
/// assert_eq!(ActionWait::default(), ActionWait::up_to(Duration::from_secs(5)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionWait {
    timeout: Option<Duration>,
    interval: Duration,
}

impl ActionWait {
    /// How long waiting lasts by default: 5 s, as Seam's SDKs.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
    /// How often the attempt is read by default: every 0.5 s, as Seam's SDKs.
    pub const DEFAULT_INTERVAL: Duration = Duration::from_millis(500);
    /// The shortest interval: a shorter one is raised to this, so a zero cannot spin.
    pub const MIN_INTERVAL: Duration = Duration::from_millis(1);

    /// Waits for up to `timeout`, reading the attempt every 0.5 s.
    pub fn up_to(timeout: Duration) -> Self {
        Self {
            timeout: Some(timeout),
            interval: Self::DEFAULT_INTERVAL,
        }
    }

    /// Does not wait: a call returns the attempt as the server first answered it, most often
    /// `pending`.
    pub fn off() -> Self {
        Self {
            timeout: None,
            interval: Self::DEFAULT_INTERVAL,
        }
    }

    /// Reads the attempt every `interval` (at least [`MIN_INTERVAL`](Self::MIN_INTERVAL)).
    pub fn every(mut self, interval: Duration) -> Self {
        self.interval = interval.max(Self::MIN_INTERVAL);
        self
    }

    /// How long waiting lasts at most, `None` when waiting is off.
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// How often the attempt is read while waiting.
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// Whether calls wait.
    pub fn is_on(&self) -> bool {
        self.timeout.is_some()
    }

    /// The same interval, waiting on (for up to 5 s if it was off): what an explicit
    /// `wait_for_action_attempt` uses, since that call asks to wait whatever the client's
    /// setting.
    pub fn on(self) -> Self {
        Self {
            timeout: Some(self.timeout.unwrap_or(Self::DEFAULT_TIMEOUT)),
            ..self
        }
    }
}

impl Default for ActionWait {
    fn default() -> Self {
        Self::up_to(Self::DEFAULT_TIMEOUT)
    }
}

/// Whether calls of `route` are waited for: its answer is an action attempt (an unlock, a
/// thermostat mode, a scan), as Seam's SDKs decide. Routes whose answer carries an attempt
/// beside their own result (`access_codes.create`) and `action_attempts.get` itself are not.
pub fn waits(route: &RouteInfo) -> bool {
    route.action_attempt && route.output_key == Some(OUTPUT_KEY) && route.path != GET_PATH
}

/// An attempt's `status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptStatus {
    /// The action has not finished.
    Pending,
    /// The action happened.
    Success,
    /// The action failed; the attempt's `error` says why.
    Error,
    /// A status this client does not know, as sent; waited on like `pending`.
    Other(String),
}

/// What a waiting client does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitStep {
    /// The attempt succeeded: hand it back.
    Done,
    /// The attempt failed: [`Error::ActionAttemptFailed`].
    Failed,
    /// Read the attempt again after this long.
    Poll(Duration),
    /// The time is up with the attempt still pending: [`Error::ActionAttemptTimedOut`].
    TimedOut,
}

/// The next step of a wait, from the attempt's last known `status`, how long the wait has
/// lasted, and how long remains before the earlier of the wait's timeout and the call's
/// overall deadline. Pure: the caller measures the time.
pub fn next_step(
    status: &AttemptStatus,
    waited: Duration,
    remaining: Duration,
    wait: &ActionWait,
) -> WaitStep {
    match status {
        AttemptStatus::Success => WaitStep::Done,
        AttemptStatus::Error => WaitStep::Failed,
        AttemptStatus::Pending | AttemptStatus::Other(_) => {
            let left = match wait.timeout {
                Some(timeout) => timeout.saturating_sub(waited).min(remaining),
                None => Duration::ZERO,
            };
            if left.is_zero() {
                WaitStep::TimedOut
            } else {
                WaitStep::Poll(wait.interval.min(left))
            }
        }
    }
}

/// What waiting needs to know of an attempt: read from an answer without decoding the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptState {
    /// `action_attempt_id`.
    pub id: String,
    /// `action_type`, e.g. `UNLOCK_DOOR`.
    pub action_type: String,
    /// `status`.
    pub status: AttemptStatus,
}

#[derive(Deserialize)]
struct StateFields {
    action_attempt_id: String,
    #[serde(default)]
    action_type: String,
    status: String,
}

/// The state of the attempt in a successful answer (`{"action_attempt": {…}}`), or
/// [`Error::UnexpectedResponse`] when the answer holds none.
pub fn attempt_state(response: &Response<Bytes>) -> Result<AttemptState, Error> {
    let fields: StateFields = decode_field(response.body(), OUTPUT_KEY).map_err(|e| {
        Error::from(UnexpectedResponse::new(
            response.status(),
            response.body(),
            format!("the body is not an answer holding an action attempt: {e}"),
            request_id(response.headers()),
        ))
    })?;
    let status = match fields.status.as_str() {
        "pending" => AttemptStatus::Pending,
        "success" => AttemptStatus::Success,
        "error" => AttemptStatus::Error,
        _ => AttemptStatus::Other(fields.status),
    };
    Ok(AttemptState {
        id: fields.action_attempt_id,
        action_type: fields.action_type,
        status,
    })
}

/// The error for an attempt that ended in `error` ([`Error::ActionAttemptFailed`]) or was
/// still pending when waiting stopped ([`Error::ActionAttemptTimedOut`]), from the last answer
/// read, keeping the attempt as sent.
pub fn attempt_error(
    state: AttemptState,
    response: &Response<Bytes>,
    waited: Duration,
    polls: u32,
) -> Error {
    let attempt = decode_field::<Value>(response.body(), OUTPUT_KEY).unwrap_or(Value::Null);
    let text = |key: &str| {
        attempt
            .get("error")
            .and_then(|e| e.get(key))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let failed = state.status == AttemptStatus::Error;
    let detail = ActionAttemptError {
        error_type: if failed { text("type") } else { None },
        message: if failed { text("message") } else { None },
        action_attempt_id: state.id,
        action_type: state.action_type,
        status: match state.status {
            AttemptStatus::Pending => "pending".to_owned(),
            AttemptStatus::Success => "success".to_owned(),
            AttemptStatus::Error => "error".to_owned(),
            AttemptStatus::Other(s) => s,
        },
        waited,
        polls,
        request_id: request_id(response.headers()),
        attempt,
    };
    if failed {
        Error::ActionAttemptFailed(Box::new(detail))
    } else {
        Error::ActionAttemptTimedOut(Box::new(detail))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(body: &str) -> Response<Bytes> {
        Response::builder()
            .status(200)
            .header("seam-request-id", "req_9")
            .body(Bytes::copy_from_slice(body.as_bytes()))
            .unwrap()
    }

    const MS: fn(u64) -> Duration = Duration::from_millis;

    #[test]
    fn a_pending_attempt_is_polled_every_interval_until_the_time_is_up() {
        let wait = ActionWait::default();
        let pending = AttemptStatus::Pending;
        assert_eq!(
            next_step(&pending, MS(0), MS(5000), &wait),
            WaitStep::Poll(MS(500))
        );
        // The last poll comes when the time left is shorter than the interval.
        assert_eq!(
            next_step(&pending, MS(4800), MS(5000), &wait),
            WaitStep::Poll(MS(200))
        );
        assert_eq!(
            next_step(&pending, MS(5000), MS(5000), &wait),
            WaitStep::TimedOut
        );
        // The call's overall deadline ends the wait before the wait's own timeout.
        assert_eq!(
            next_step(&pending, MS(1000), MS(300), &wait),
            WaitStep::Poll(MS(300))
        );
        assert_eq!(
            next_step(&pending, MS(1000), MS(0), &wait),
            WaitStep::TimedOut
        );
        // A status this client does not know is waited on like pending.
        assert_eq!(
            next_step(
                &AttemptStatus::Other("queued".into()),
                MS(0),
                MS(9000),
                &wait
            ),
            WaitStep::Poll(MS(500))
        );
    }

    #[test]
    fn a_finished_attempt_ends_the_wait_whatever_the_time() {
        let wait = ActionWait::default();
        for waited in [MS(0), MS(9000)] {
            assert_eq!(
                next_step(&AttemptStatus::Success, waited, MS(0), &wait),
                WaitStep::Done
            );
            assert_eq!(
                next_step(&AttemptStatus::Error, waited, MS(0), &wait),
                WaitStep::Failed
            );
        }
    }

    #[test]
    fn waiting_off_times_out_at_once_and_a_zero_interval_cannot_spin() {
        assert_eq!(
            next_step(&AttemptStatus::Pending, MS(0), MS(9000), &ActionWait::off()),
            WaitStep::TimedOut
        );
        let eager = ActionWait::up_to(MS(100)).every(Duration::ZERO);
        assert_eq!(eager.interval(), ActionWait::MIN_INTERVAL);
        assert_eq!(ActionWait::off().on(), ActionWait::default());
        assert_eq!(
            ActionWait::up_to(MS(100)).every(MS(7)).on().timeout(),
            Some(MS(100))
        );
    }

    #[test]
    fn the_state_is_read_from_the_answer_and_a_failure_keeps_the_attempt() {
        let r = answer(
            r#"{"action_attempt":{"action_attempt_id":"a1","action_type":"UNLOCK_DOOR","status":"error","result":null,"error":{"type":"lock_jammed","message":"The lock is jammed"},"extra":1},"ok":true}"#,
        );
        let state = attempt_state(&r).unwrap();
        assert_eq!(state.status, AttemptStatus::Error);
        assert_eq!(state.id, "a1");
        let e = attempt_error(state, &r, MS(1500), 3);
        let Error::ActionAttemptFailed(d) = &e else {
            panic!("{e:?}")
        };
        assert_eq!(d.error_type.as_deref(), Some("lock_jammed"));
        assert_eq!(d.message.as_deref(), Some("The lock is jammed"));
        assert_eq!(d.attempt["extra"], 1);
        assert_eq!(e.request_id(), Some("req_9"));
        assert_eq!(e.error_type(), Some("lock_jammed"));
        assert_eq!(
            e.to_string(),
            "action attempt a1 (UNLOCK_DOOR) failed: lock_jammed: The lock is jammed"
        );
    }

    #[test]
    fn a_timed_out_attempt_says_the_action_may_still_happen() {
        let r = answer(
            r#"{"action_attempt":{"action_attempt_id":"a2","action_type":"LOCK_DOOR","status":"pending","result":null,"error":null}}"#,
        );
        let e = attempt_error(attempt_state(&r).unwrap(), &r, MS(5000), 9);
        assert!(matches!(e, Error::ActionAttemptTimedOut(_)), "{e:?}");
        assert!(e.is_timeout());
        assert_eq!(e.error_type(), None);
        let text = e.to_string();
        assert!(
            text.contains("a2 (LOCK_DOOR) is still pending after 5s"),
            "{text}"
        );
        assert!(text.contains("may still happen"), "{text}");
    }

    #[test]
    fn an_answer_without_an_attempt_is_an_unexpected_response() {
        for body in [
            r#"{"ok":true}"#,
            "not json",
            r#"{"action_attempt":{"status":1}}"#,
        ] {
            let e = attempt_state(&answer(body)).unwrap_err();
            assert!(matches!(e, Error::UnexpectedResponse(_)), "{body}: {e:?}");
            assert_eq!(e.request_id(), Some("req_9"));
        }
    }
}
