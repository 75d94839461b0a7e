//! The retry decision, as a pure function of what happened.
//!
//! Given the attempt just made, whether the route is safe to repeat, its outcome, the time
//! (for `Retry-After` dates), a random number for jitter and the time left before the overall
//! deadline, [`RetryPolicy::decide`] says whether to try again and after how long. It reads no
//! clock and draws no random number itself, so every case is a plain unit test.

use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};

use crate::error::{ProxyFailure, TransportError, TransportErrorKind};

/// When and how failed attempts are retried.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first included (default 3; 1 disables retries).
    pub max_attempts: u32,
    /// The wait before the first retry; it doubles for each further one (default 200 ms).
    pub initial_backoff: Duration,
    /// The longest backoff (default 5 s).
    pub max_backoff: Duration,
    /// The longest `Retry-After` honoured; longer ones are cut to this (default 30 s).
    pub max_retry_after: Duration,
    /// The time a call may take, retries and waits included (default 90 s).
    pub total_timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
            total_timeout: Duration::from_secs(90),
        }
    }
}

/// What an attempt ended with.
#[derive(Debug, Clone, Copy)]
pub enum Outcome<'a> {
    /// The server answered with this status (any status; 2xx never retries).
    Response {
        /// The status.
        status: StatusCode,
        /// The answer's headers (for `Retry-After`).
        headers: &'a HeaderMap,
    },
    /// No answer.
    Transport(&'a TransportError),
}

/// What to do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Wait this long, then send the request again.
    Retry(Duration),
    /// Report the outcome to the caller.
    Stop(StopReason),
}

/// Why no further attempt is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// The outcome is final (success, or an error that repeating cannot fix).
    Final,
    /// The route is not safe to repeat and the request may have reached the server.
    NotIdempotent,
    /// All attempts were made.
    AttemptsExhausted,
    /// The wait would end after the overall deadline.
    DeadlinePassed,
}

/// Everything [`RetryPolicy::decide`] looks at.
#[derive(Debug, Clone, Copy)]
pub struct Attempt<'a> {
    /// The attempt just made, from 1.
    pub number: u32,
    /// Whether the route is safe to repeat ([`RouteInfo::idempotent`](crate::RouteInfo::idempotent)).
    pub idempotent: bool,
    /// How it ended.
    pub outcome: Outcome<'a>,
    /// The current time, for `Retry-After` given as a date.
    pub now: SystemTime,
    /// A random number in `[0, 1)` for jitter.
    pub jitter: f64,
    /// The time left before the overall deadline.
    pub remaining: Duration,
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Decides what follows `attempt`.
    ///
    /// Retried: 429 and 5xx answers (but 501 Not Implemented, which an identical request
    /// meets again), timeouts and connection failures, for routes safe to repeat. A route that is not (a create) is retried only when the transport knows the
    /// request never reached the server (the connection was refused).
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use seamapi_core::retry::{Attempt, Decision, Outcome, RetryPolicy, StopReason};
    /// let headers = http::HeaderMap::new();
    /// let attempt = |number, idempotent| Attempt {
    ///     number,
    ///     idempotent,
    ///     outcome: Outcome::Response { status: http::StatusCode::SERVICE_UNAVAILABLE, headers: &headers },
    ///     now: SystemTime::UNIX_EPOCH,
    ///     jitter: 0.5,
    ///     remaining: Duration::from_secs(60),
    /// };
    /// let policy = RetryPolicy::default();
    /// assert_eq!(policy.decide(&attempt(1, true)), Decision::Retry(Duration::from_millis(200)));
    /// assert_eq!(policy.decide(&attempt(2, true)), Decision::Retry(Duration::from_millis(400)));
    /// assert_eq!(policy.decide(&attempt(3, true)), Decision::Stop(StopReason::AttemptsExhausted));
    /// assert_eq!(policy.decide(&attempt(1, false)), Decision::Stop(StopReason::NotIdempotent));
    /// ```
    pub fn decide(&self, attempt: &Attempt<'_>) -> Decision {
        let retry_after = match attempt.outcome {
            Outcome::Response { status, headers } => {
                let transient = status == StatusCode::TOO_MANY_REQUESTS
                    || (status.is_server_error() && status != StatusCode::NOT_IMPLEMENTED);
                if !transient {
                    return Decision::Stop(StopReason::Final);
                }
                if !attempt.idempotent {
                    return Decision::Stop(StopReason::NotIdempotent);
                }
                retry_after(headers, attempt.now)
            }
            Outcome::Transport(e) => {
                match e.kind() {
                    TransportErrorKind::BodyTooLarge
                    | TransportErrorKind::InvalidRequest
                    | TransportErrorKind::Tls(_)
                    | TransportErrorKind::Proxy(
                        ProxyFailure::AuthenticationRequired | ProxyFailure::BadAnswer,
                    ) => {
                        return Decision::Stop(StopReason::Final);
                    }
                    _ => {}
                }
                if !attempt.idempotent && e.may_have_reached_server() {
                    return Decision::Stop(StopReason::NotIdempotent);
                }
                None
            }
        };
        if attempt.number >= self.max_attempts {
            return Decision::Stop(StopReason::AttemptsExhausted);
        }
        let wait = match retry_after {
            Some(d) => d.min(self.max_retry_after),
            None => self.backoff(attempt.number, attempt.jitter),
        };
        if wait >= attempt.remaining {
            return Decision::Stop(StopReason::DeadlinePassed);
        }
        Decision::Retry(wait)
    }

    /// The backoff after attempt `number`: `initial_backoff × 2^(number-1)`, capped, then
    /// scaled by a jitter factor between 0.8 and 1.2 (`jitter` 0.5 gives the plain value).
    pub fn backoff(&self, number: u32, jitter: f64) -> Duration {
        let exp = number.saturating_sub(1).min(16);
        let base = self
            .initial_backoff
            .saturating_mul(1 << exp)
            .min(self.max_backoff);
        let factor = 0.8 + 0.4 * jitter.clamp(0.0, 1.0);
        base.mul_f64(factor)
    }
}

/// The wait a `Retry-After` header asks for, in seconds or as an HTTP date; `None` when absent
/// or unreadable.
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(1e9)));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn decide(number: u32, idempotent: bool, outcome: Outcome<'_>) -> Decision {
        RetryPolicy::default().decide(&Attempt {
            number,
            idempotent,
            outcome,
            now: SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000),
            jitter: 0.5,
            remaining: Duration::from_secs(60),
        })
    }

    fn status(code: u16, headers: &HeaderMap) -> Outcome<'_> {
        Outcome::Response {
            status: StatusCode::from_u16(code).unwrap(),
            headers,
        }
    }

    #[test]
    fn final_statuses_are_not_retried() {
        let h = HeaderMap::new();
        for code in [200, 201, 400, 401, 403, 404, 405, 409, 422] {
            assert_eq!(
                decide(1, true, status(code, &h)),
                Decision::Stop(StopReason::Final),
                "{code}"
            );
        }
    }

    #[test]
    fn not_implemented_is_final_even_where_retries_are_safe() {
        let h = HeaderMap::new();
        let attempt = Attempt {
            number: 1,
            idempotent: true,
            outcome: Outcome::Response {
                status: StatusCode::NOT_IMPLEMENTED,
                headers: &h,
            },
            now: SystemTime::UNIX_EPOCH,
            jitter: 0.5,
            remaining: Duration::from_secs(60),
        };
        assert_eq!(
            RetryPolicy::default().decide(&attempt),
            Decision::Stop(StopReason::Final)
        );
    }

    #[test]
    fn retryable_statuses_are_retried_with_growing_backoff_for_idempotent_routes() {
        let h = HeaderMap::new();
        for code in [429, 500, 502, 503, 504] {
            assert_eq!(
                decide(1, true, status(code, &h)),
                Decision::Retry(Duration::from_millis(200))
            );
            assert_eq!(
                decide(2, true, status(code, &h)),
                Decision::Retry(Duration::from_millis(400))
            );
            assert_eq!(
                decide(3, true, status(code, &h)),
                Decision::Stop(StopReason::AttemptsExhausted)
            );
            assert_eq!(
                decide(1, false, status(code, &h)),
                Decision::Stop(StopReason::NotIdempotent)
            );
        }
    }

    #[test]
    fn transport_failures() {
        let refused = TransportError::connect("refused");
        let timeout = TransportError::timeout(Duration::from_secs(1));
        let reset = TransportError::new(TransportErrorKind::Io, "reset", true);
        let big = TransportError::new(TransportErrorKind::BodyTooLarge, "big", true);
        assert!(matches!(
            decide(1, true, Outcome::Transport(&refused)),
            Decision::Retry(_)
        ));
        assert!(matches!(
            decide(1, false, Outcome::Transport(&refused)),
            Decision::Retry(_)
        ));
        assert!(matches!(
            decide(1, true, Outcome::Transport(&timeout)),
            Decision::Retry(_)
        ));
        assert_eq!(
            decide(1, false, Outcome::Transport(&timeout)),
            Decision::Stop(StopReason::NotIdempotent)
        );
        assert_eq!(
            decide(1, false, Outcome::Transport(&reset)),
            Decision::Stop(StopReason::NotIdempotent)
        );
        assert_eq!(
            decide(1, true, Outcome::Transport(&big)),
            Decision::Stop(StopReason::Final)
        );
        assert_eq!(
            decide(3, true, Outcome::Transport(&refused)),
            Decision::Stop(StopReason::AttemptsExhausted)
        );
    }

    #[test]
    fn tls_and_proxy_refusals_are_final_but_an_unreachable_proxy_is_retried() {
        use crate::error::TlsFailure;
        for failure in [
            TlsFailure::UntrustedCertificate,
            TlsFailure::WrongHostName,
            TlsFailure::Expired,
            TlsFailure::ProtocolVersion,
            TlsFailure::Other,
        ] {
            let e = TransportError::new(TransportErrorKind::Tls(failure), "tls", false);
            assert_eq!(
                decide(1, true, Outcome::Transport(&e)),
                Decision::Stop(StopReason::Final),
                "{failure:?}"
            );
        }
        for failure in [
            ProxyFailure::AuthenticationRequired,
            ProxyFailure::BadAnswer,
        ] {
            let e = TransportError::new(TransportErrorKind::Proxy(failure), "proxy", false);
            assert_eq!(
                decide(1, true, Outcome::Transport(&e)),
                Decision::Stop(StopReason::Final)
            );
        }
        let unreachable = TransportError::new(
            TransportErrorKind::Proxy(ProxyFailure::Unreachable),
            "proxy",
            false,
        );
        assert!(matches!(
            decide(1, false, Outcome::Transport(&unreachable)),
            Decision::Retry(_)
        ));
    }

    #[test]
    fn jitter_spreads_the_backoff() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff(1, 0.0), Duration::from_millis(160));
        assert_eq!(p.backoff(1, 1.0), Duration::from_millis(240));
        assert_eq!(p.backoff(30, 0.5), Duration::from_secs(5));
    }

    fn with_retry_after(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(http::header::RETRY_AFTER, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn retry_after_in_seconds_is_honoured() {
        let h = with_retry_after("3");
        assert_eq!(
            decide(1, true, status(429, &h)),
            Decision::Retry(Duration::from_secs(3))
        );
        let h = with_retry_after("0");
        assert_eq!(
            decide(1, true, status(429, &h)),
            Decision::Retry(Duration::ZERO)
        );
    }

    #[test]
    fn retry_after_as_a_date_is_honoured() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let date = httpdate::fmt_http_date(now + Duration::from_secs(7));
        let h = with_retry_after(&date);
        assert_eq!(
            decide(1, true, status(503, &h)),
            Decision::Retry(Duration::from_secs(7))
        );
        let past = httpdate::fmt_http_date(now - Duration::from_secs(7));
        let h = with_retry_after(&past);
        assert_eq!(
            decide(1, true, status(503, &h)),
            Decision::Retry(Duration::ZERO)
        );
    }

    #[test]
    fn huge_retry_after_is_capped() {
        let h = with_retry_after("999999999999");
        assert_eq!(
            decide(1, true, status(429, &h)),
            Decision::Retry(Duration::from_secs(30))
        );
    }

    #[test]
    fn invalid_retry_after_falls_back_to_backoff() {
        for v in ["soon", "-5", "NaN", "1e999"] {
            let h = with_retry_after(v);
            assert_eq!(
                decide(1, true, status(429, &h)),
                Decision::Retry(Duration::from_millis(200)),
                "{v}"
            );
        }
    }

    #[test]
    fn a_wait_past_the_deadline_stops() {
        let h = with_retry_after("20");
        let d = RetryPolicy::default().decide(&Attempt {
            number: 1,
            idempotent: true,
            outcome: status(429, &h),
            now: SystemTime::UNIX_EPOCH,
            jitter: 0.5,
            remaining: Duration::from_secs(5),
        });
        assert_eq!(d, Decision::Stop(StopReason::DeadlinePassed));
    }
}
