//! Seam's webhook deliveries, verified and decoded into [`Event`]s.
//!
//! Seam delivers events (a lock unlocked, an access code set, a device offline, …) to an HTTPS
//! endpoint of yours, signed the [Standard Webhooks](https://www.standardwebhooks.com/) way by
//! Svix. [`Webhook`] checks a delivery with the endpoint's secret and hands back the typed
//! event; it does no I/O, so it works with any web framework: give it the request's headers
//! and its raw body, exactly as received. The checks themselves are
//! [`seamapi_core::webhook`]'s.
//!
//! This module is re-exported by the clients as `seamapi::webhook` and `seamapi_blocking::webhook`.

use std::time::{Duration, SystemTime};

pub use seamapi_core::webhook::{DEFAULT_TOLERANCE, WebhookError, WebhookHeaders, WebhookVerifier};

use crate::resources::Event;

/// The longest part of a decoding error kept in [`WebhookError::NotAnEvent`].
const REASON_LIMIT: usize = 300;

/// Verifies the deliveries of one webhook endpoint and decodes their events. (The endpoint as
/// the API lists it, with its URL and secret, is [`resources::Webhook`](crate::resources::Webhook).)
///
/// Built from the endpoint's secret (`whsec_…`, shown by Seam when the webhook is created).
/// [`verify`](Self::verify) checks, in order: the `webhook-id`, `webhook-timestamp` and
/// `webhook-signature` headers are there (or their `svix-*` spellings); the timestamp is within
/// 5 minutes of now (see [`with_tolerance`](Self::with_tolerance)); one of the signatures is
/// the body's, signed with the secret (compared in constant time; while a secret is rotated
/// any one of several matches); and the body is an event. An event kind newer than this
/// version of the crate decodes as [`Event::Unknown`], never as an error. The secret never
/// appears in `Debug` or in errors.
///
/// A webhook endpoint, with any framework that hands over headers and body (here plain
/// `http` types, as hyper and axum do):
///
/// ```
/// use seamapi_api::{resources::Event, webhook::Webhook};
///
/// fn on_delivery(webhook: &Webhook, request: &http::Request<Vec<u8>>) -> http::StatusCode {
///     match webhook.verify(request.headers(), request.body()) {
///         Ok(Event::LockUnlocked(e)) => println!("unlocked: {:?}", e.device_id),
///         Ok(event) => println!("{}", event.kind()), // every other kind, known or not
///         // Authentic, but not an event this version can read: do not make Seam retry it.
///         Err(e) if e.is_signed() => eprintln!("unreadable event: {e}"),
///         Err(e) => {
///             eprintln!("refused a delivery: {e}"); // which check failed, never the secret
///             return http::StatusCode::BAD_REQUEST;
///         }
///     }
///     http::StatusCode::NO_CONTENT
/// }
///
/// let webhook = Webhook::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
/// # let body = br#"{"event_id":"e1","event_type":"lock.unlocked","workspace_id":"w1","created_at":"2026-12-01T12:00:00Z","method":"keycode"}"#;
/// # let now = std::time::SystemTime::now()
/// #     .duration_since(std::time::UNIX_EPOCH)?
/// #     .as_secs();
/// # let now = i64::try_from(now)?;
/// # let request = http::Request::post("/seam-webhook")
/// #     .header("webhook-id", "msg_1")
/// #     .header("webhook-timestamp", now.to_string())
/// #     .header("webhook-signature", webhook.verifier().sign("msg_1", now, body))
/// #     .body(body.to_vec())?;
/// assert_eq!(on_delivery(&webhook, &request), http::StatusCode::NO_CONTENT);
/// # let forged = http::Request::post("/").header("webhook-id", "msg_1").body(body.to_vec())?;
/// # assert_eq!(on_delivery(&webhook, &forged), http::StatusCode::BAD_REQUEST);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Webhook {
    verifier: WebhookVerifier,
}

impl Webhook {
    /// A verifier for the endpoint whose secret is `secret` (`whsec_` and base64).
    ///
    /// Fails with [`WebhookError::MalformedSecret`] when it is not one.
    pub fn new(secret: &str) -> Result<Self, WebhookError> {
        Ok(Self {
            verifier: WebhookVerifier::new(secret)?,
        })
    }

    /// Accepts deliveries whose timestamp is up to `tolerance` from now, either way, instead of
    /// [`DEFAULT_TOLERANCE`] (5 minutes).
    #[must_use]
    pub fn with_tolerance(self, tolerance: Duration) -> Self {
        Self {
            verifier: self.verifier.with_tolerance(tolerance),
        }
    }

    /// The signature and timestamp checks alone (and [`WebhookVerifier::sign`], to make
    /// deliveries in tests).
    pub fn verifier(&self) -> &WebhookVerifier {
        &self.verifier
    }

    /// Verifies a delivery received now and decodes its event. `body` must be the request's
    /// body exactly as received (not parsed and written again).
    pub fn verify(
        &self,
        headers: &(impl WebhookHeaders + ?Sized),
        body: &[u8],
    ) -> Result<Event, WebhookError> {
        self.verify_at(headers, body, SystemTime::now())
    }

    /// [`verify`](Self::verify) as of `now`, for tests and for replaying a stored delivery.
    pub fn verify_at(
        &self,
        headers: &(impl WebhookHeaders + ?Sized),
        body: &[u8],
        now: SystemTime,
    ) -> Result<Event, WebhookError> {
        self.verifier.verify_at(headers, body, now)?;
        decode_event(body)
    }
}

/// A verified body as an [`Event`]: JSON whose `event_type` is a string; a known kind must
/// have the fields this version requires.
pub fn decode_event(body: &[u8]) -> Result<Event, WebhookError> {
    serde_json::from_slice(body).map_err(|e| {
        let mut reason = e.to_string();
        if reason.len() > REASON_LIMIT {
            let mut end = REASON_LIMIT;
            while !reason.is_char_boundary(end) {
                end -= 1;
            }
            reason.truncate(end);
            reason.push('…');
        }
        WebhookError::NotAnEvent { reason }
    })
}
