//! The body of the `decode_response` fuzz target: an answer decoded as the answer of every
//! route of the table. Not part of the API: `fuzz/` calls it with libFuzzer's inputs and a test
//! replays the committed corpus through it (see `seamapi_core::fuzzing` for the input format).

use bytes::Bytes;
use http::Response;
use seamapi_core::fuzzing::{check, response_of, retry_decision, walk};
use seamapi_core::{Route, RouteVisitor};

use crate::routes::{ListAcsUsers, ListUserIdentities};

/// Fuzz target `decode_response`: the input is an answer (start line: its status). It is
/// decoded as the answer of every route of [`ROUTES`](crate::ROUTES); two paginated routes'
/// decoded pages are walked with a `Pager`; the retry decision is taken for it.
///
/// Panics when an invariant breaks (see `seamapi_core::fuzzing::check`). Inputs whose start line
/// is not a status are ignored.
pub fn decode_response(data: &[u8]) {
    let Some(response) = response_of(data) else {
        return;
    };
    crate::visit_routes(&mut Every(&response));
    walk(ListUserIdentities::new(), &response);
    walk(ListAcsUsers::new(), &response);
    retry_decision(&response);
}

struct Every<'a>(&'a Response<Bytes>);

impl RouteVisitor for Every<'_> {
    fn route<R: Route + serde::de::DeserializeOwned>(&mut self) {
        check::<R>(self.0);
    }
}

/// The secret of the `webhook_verify` target when the input's start line is empty.
pub const WEBHOOK_SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
/// The secret the `webhook_verify` target compares errors with (see [`verify_webhook`]).
pub const WEBHOOK_OTHER_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// The time every `webhook_verify` input is checked at (Unix seconds): the seeds' timestamps
/// are near it.
pub const WEBHOOK_NOW: u64 = 1_796_126_400;

/// Fuzz target `webhook_verify`: the input is a delivery (start line: the secret, or empty for
/// [`WEBHOOK_SECRET`]; then headers and body, see `seamapi_core::fuzzing`), verified as of
/// [`WEBHOOK_NOW`] by [`Webhook`](crate::webhook::Webhook).
///
/// Panics when an invariant breaks: a result that contradicts the input (a success whose
/// signature header lacks the body's signature, or whose `event_type` is not the event's
/// kind), a text that depends on the secret (an error, or `Debug`, that differs when another
/// secret checks the same delivery, its signature matching neither), or a correctly signed copy of the delivery
/// (the input's id and body, a fresh timestamp) failing anything but the body check.
pub fn verify_webhook(data: &[u8]) {
    use std::time::{Duration, UNIX_EPOCH};

    use crate::webhook::{Webhook, WebhookError, WebhookHeaders};

    let message = seamapi_core::fuzzing::Message::parse(data);
    let secret = match std::str::from_utf8(message.start) {
        Ok("") => WEBHOOK_SECRET,
        Ok(s) => s,
        Err(_) => return,
    };
    let now = UNIX_EPOCH + Duration::from_secs(WEBHOOK_NOW);
    let webhook = match Webhook::new(secret) {
        Ok(w) => w,
        Err(e) => {
            assert_eq!(e.check(), "malformed_secret");
            return;
        }
    };
    let body = message.body;
    // Nothing printed may depend on the secret: the same delivery checked with another secret
    // fails with the very same text (unless its signature is that secret's), and both
    // webhooks print alike. (Looking for the secret in the text would fail on a secret that
    // happens to be a word of the messages, such as `ignature`.)
    let Ok(other) = Webhook::new(if secret == WEBHOOK_SECRET {
        WEBHOOK_OTHER_SECRET
    } else {
        WEBHOOK_SECRET
    }) else {
        return;
    };
    assert_eq!(format!("{webhook:?}"), format!("{other:?}"));
    let shown = |e: &WebhookError, headers: &dyn WebhookHeaders| {
        if let Err(o) = other.verify_at(headers, body, now)
            && !e.is_signed()
            && !o.is_signed()
        {
            assert_eq!(
                format!("{e} {e:?}"),
                format!("{o} {o:?}"),
                "the text depends on the secret"
            );
        }
    };
    let event_type = || {
        serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .and_then(|v| v.get("event_type")?.as_str().map(str::to_owned))
    };

    // The delivery as given.
    match webhook.verify_at(&message.headers, body, now) {
        Ok(event) => {
            let header = message
                .headers
                .get("svix-signature")
                .or_else(|| message.headers.get("webhook-signature"))
                .map(|v| v.as_bytes().to_vec())
                .unwrap_or_default();
            let id = message
                .headers
                .get("svix-id")
                .or_else(|| message.headers.get("webhook-id"))
                .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_owned())
                .unwrap_or_default();
            let ts = message
                .headers
                .get("svix-timestamp")
                .or_else(|| message.headers.get("webhook-timestamp"))
                .and_then(|v| {
                    std::str::from_utf8(v.as_bytes())
                        .ok()?
                        .trim()
                        .parse::<i64>()
                        .ok()
                });
            if let Some(ts) = ts
                && id.is_ascii()
            {
                let expected = webhook.verifier().sign(&id, ts, body);
                let signature = expected.as_bytes();
                assert!(
                    header.windows(signature.len()).any(|w| w == signature),
                    "verified without the body's signature {expected}"
                );
            }
            assert_eq!(Some(event.kind().to_owned()), event_type());
        }
        Err(e) => shown(&e, &message.headers),
    }

    // The same id and body, signed right at `now`: only the body can fail.
    let id = message
        .headers
        .get("webhook-id")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .unwrap_or("msg_fuzz");
    let ts = i64::try_from(WEBHOOK_NOW).unwrap_or_default();
    let signature = webhook.verifier().sign(id, ts, body);
    let ts = ts.to_string();
    let signed = [
        ("webhook-id", id),
        ("webhook-timestamp", ts.as_str()),
        ("webhook-signature", signature.as_str()),
    ];
    match webhook.verify_at(&signed, body, now) {
        Ok(event) => assert_eq!(Some(event.kind().to_owned()), event_type()),
        Err(e) => {
            shown(&e, &signed);
            assert!(e.is_signed(), "a correctly signed delivery failed: {e}");
        }
    }
}
