//! Verifying Seam's webhook deliveries: the signature and timestamp checks of
//! [Standard Webhooks](https://www.standardwebhooks.com/) (which Svix, Seam's sender, follows).
//!
//! Seam signs each delivery with the endpoint's secret (`whsec_<base64>`) and sends three
//! headers: `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature`
//! (space-separated `v1,<base64>` entries, more than one while a secret is being rotated); older
//! deliveries spell them `svix-id`, `svix-timestamp` and `svix-signature`. A signature is
//! `base64(HMAC-SHA256(secret, "{id}.{timestamp}.{body}"))`.
//!
//! [`WebhookVerifier`] does those checks and nothing else: no I/O, and no clock (the caller
//! hands it the time). The typed event is decoded by `seamapi_api::webhook::Webhook`, which reads
//! the clock and is what applications use (re-exported as `seamapi::webhook::Webhook`).
//!
//! ```
//! use std::time::{Duration, SystemTime};
//! use seamapi_core::webhook::{WebhookError, WebhookVerifier};
//!
//! let verifier = WebhookVerifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
//! let headers = [
//!     ("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
//!     ("webhook-timestamp", "1614265330"),
//!     ("webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="),
//! ];
//! let sent = SystemTime::UNIX_EPOCH + Duration::from_secs(1614265330);
//! verifier.verify_at(&headers, br#"{"test": 2432232314}"#, sent)?;
//! assert_eq!(
//!     verifier.verify_at(&headers, br#"{"test": 1}"#, sent),
//!     Err(WebhookError::NoMatchingSignature)
//! );
//! # Ok::<(), WebhookError>(())
//! ```

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use ring::hmac;
use subtle::ConstantTimeEq;

/// How far a delivery's timestamp may be from now, either way, by default: 5 minutes, as
/// Standard Webhooks and Seam's SDKs use.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// The prefix of a webhook secret as Seam shows it.
pub const SECRET_PREFIX: &str = "whsec_";

/// The length of an HMAC-SHA256 signature, in bytes.
const SIGNATURE_LEN: usize = 32;

/// Standard base64 that accepts the secret with or without its `=` padding (Svix's secrets are
/// padded; the Python library pads them itself), and refuses non-canonical trailing bits.
const SECRET_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Which check a delivery failed, with what the caller needs to act on it. It never holds the
/// secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The secret is not `whsec_<base64>` (or plain base64) of at least one byte.
    #[error("the webhook secret is malformed: {reason}")]
    MalformedSecret {
        /// What is wrong with it (never the secret itself).
        reason: &'static str,
    },
    /// A header the signature needs is absent or empty.
    #[error("the delivery has no {name} header (nor its svix-* spelling)")]
    MissingHeader {
        /// The header's Standard Webhooks name (`webhook-id`, `webhook-timestamp`,
        /// `webhook-signature`).
        name: &'static str,
    },
    /// `webhook-timestamp` is not a whole number of seconds.
    #[error("the {name} header is malformed: {reason}")]
    MalformedHeader {
        /// The header's Standard Webhooks name.
        name: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The delivery was signed longer ago than the tolerance allows (a replay, or a clock far
    /// behind).
    #[error(
        "the delivery's timestamp {timestamp} is {} s before now ({now}), more than the tolerance of {tolerance_secs} s",
        now.saturating_sub(*timestamp)
    )]
    TimestampTooOld {
        /// The delivery's `webhook-timestamp`, Unix seconds.
        timestamp: i64,
        /// The time it was checked at, Unix seconds.
        now: i64,
        /// The tolerance, in seconds.
        tolerance_secs: u64,
    },
    /// The delivery claims to be signed in the future, beyond the tolerance (a clock far ahead).
    #[error(
        "the delivery's timestamp {timestamp} is {} s after now ({now}), more than the tolerance of {tolerance_secs} s",
        timestamp.saturating_sub(*now)
    )]
    TimestampTooNew {
        /// The delivery's `webhook-timestamp`, Unix seconds.
        timestamp: i64,
        /// The time it was checked at, Unix seconds.
        now: i64,
        /// The tolerance, in seconds.
        tolerance_secs: u64,
    },
    /// `webhook-signature` has no entry that could be checked and at least one malformed one
    /// (not `<version>,<signature>`, or a `v1` signature that is not the base64 of 32 bytes).
    #[error(
        "the webhook-signature header is malformed: expected space-separated `v1,<base64 of 32 bytes>` entries"
    )]
    MalformedSignature,
    /// No `v1` signature in `webhook-signature` is the body's, signed with this secret: a
    /// changed body, another secret, or a forgery.
    #[error(
        "no signature in the webhook-signature header matches the body signed with this secret"
    )]
    NoMatchingSignature,
    /// The signature is right but the body is not a Seam event (not JSON, or a known event
    /// kind with a malformed body). Seam sent it, so retrying will not help: report it.
    #[error("the delivery is correctly signed but its body is not a Seam event: {reason}")]
    NotAnEvent {
        /// Why it could not be decoded.
        reason: String,
    },
}

impl WebhookError {
    /// The check that failed, as a stable snake_case name: `malformed_secret`,
    /// `missing_header`, `malformed_header`, `timestamp_too_old`, `timestamp_too_new`,
    /// `malformed_signature`, `no_matching_signature` or `not_an_event`.
    pub fn check(&self) -> &'static str {
        match self {
            Self::MalformedSecret { .. } => "malformed_secret",
            Self::MissingHeader { .. } => "missing_header",
            Self::MalformedHeader { .. } => "malformed_header",
            Self::TimestampTooOld { .. } => "timestamp_too_old",
            Self::TimestampTooNew { .. } => "timestamp_too_new",
            Self::MalformedSignature => "malformed_signature",
            Self::NoMatchingSignature => "no_matching_signature",
            Self::NotAnEvent { .. } => "not_an_event",
        }
    }

    /// Whether the delivery is authentic and the failure is in its body: answer it with a
    /// success (or report it) rather than make the sender retry a body that will never decode.
    pub fn is_signed(&self) -> bool {
        matches!(self, Self::NotAnEvent { .. })
    }
}

/// The request headers of a delivery, from whatever web framework received it.
///
/// Implemented for `http::HeaderMap` (hyper, axum, reqwest, tower), for lists of name–value
/// pairs (`[(&str, &str)]`, `Vec<(String, String)>`, …) and for `HashMap`/`BTreeMap` of
/// strings; names are matched without regard to case.
pub trait WebhookHeaders {
    /// The value of the header `name` (given in lowercase), if the delivery has one.
    fn header(&self, name: &str) -> Option<&[u8]>;
}

impl WebhookHeaders for http::HeaderMap {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.get(name).map(http::HeaderValue::as_bytes)
    }
}

impl<K: AsRef<str>, V: AsRef<str>> WebhookHeaders for [(K, V)] {
    fn header(&self, name: &str) -> Option<&[u8]> {
        find(self.iter().map(|(k, v)| (k, v)), name)
    }
}

impl<K: AsRef<str>, V: AsRef<str>, const N: usize> WebhookHeaders for [(K, V); N] {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.as_slice().header(name)
    }
}

impl<K: AsRef<str>, V: AsRef<str>> WebhookHeaders for Vec<(K, V)> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.as_slice().header(name)
    }
}

impl<K: AsRef<str>, V: AsRef<str>, S> WebhookHeaders for HashMap<K, V, S> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        find(self.iter(), name)
    }
}

impl<K: AsRef<str>, V: AsRef<str>> WebhookHeaders for BTreeMap<K, V> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        find(self.iter(), name)
    }
}

impl<T: WebhookHeaders + ?Sized> WebhookHeaders for &T {
    fn header(&self, name: &str) -> Option<&[u8]> {
        (**self).header(name)
    }
}

fn find<'a, K: AsRef<str> + 'a, V: AsRef<str> + 'a>(
    mut pairs: impl Iterator<Item = (&'a K, &'a V)>,
    name: &str,
) -> Option<&'a [u8]> {
    pairs
        .find(|(k, _)| k.as_ref().trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_ref().as_bytes())
}

/// The three headers of a delivery, each under its Standard Webhooks name and its Svix one.
/// Svix's libraries (which Seam's SDKs use) read the `svix-*` spelling first.
const HEADERS: [(&str, &str); 3] = [
    ("webhook-id", "svix-id"),
    ("webhook-timestamp", "svix-timestamp"),
    ("webhook-signature", "svix-signature"),
];

/// One header, trimmed of surrounding blanks; an empty one counts as absent.
fn required<'a>(
    headers: &'a (impl WebhookHeaders + ?Sized),
    (name, svix): (&'static str, &str),
) -> Result<&'a [u8], WebhookError> {
    headers
        .header(svix)
        .or_else(|| headers.header(name))
        .map(<[u8]>::trim_ascii)
        .filter(|v| !v.is_empty())
        .ok_or(WebhookError::MissingHeader { name })
}

/// The checks of one webhook endpoint: its secret and the clock tolerance.
///
/// `Debug` shows the tolerance, never the secret.
#[derive(Clone)]
pub struct WebhookVerifier {
    key: hmac::Key,
    tolerance: Duration,
}

impl fmt::Debug for WebhookVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookVerifier")
            .field("secret", &"***")
            .field("tolerance", &self.tolerance)
            .finish()
    }
}

impl WebhookVerifier {
    /// A verifier for the endpoint whose secret is `secret`: `whsec_` and the base64 of the key,
    /// as Seam shows it (the bare base64 is accepted too, padded or not).
    pub fn new(secret: &str) -> Result<Self, WebhookError> {
        let encoded = secret.trim();
        let encoded = encoded.strip_prefix(SECRET_PREFIX).unwrap_or(encoded);
        let key = SECRET_BASE64
            .decode(encoded)
            .map_err(|_| WebhookError::MalformedSecret {
                reason: "expected whsec_ followed by base64",
            })?;
        if key.is_empty() {
            return Err(WebhookError::MalformedSecret {
                reason: "the key after whsec_ is empty",
            });
        }
        Ok(Self {
            key: hmac::Key::new(hmac::HMAC_SHA256, &key),
            tolerance: DEFAULT_TOLERANCE,
        })
    }

    /// The same verifier, accepting timestamps up to `tolerance` away from now (either way)
    /// instead of [`DEFAULT_TOLERANCE`].
    #[must_use]
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// How far a delivery's timestamp may be from now.
    pub fn tolerance(&self) -> Duration {
        self.tolerance
    }

    /// Checks a delivery received at `now`: the headers are present, the timestamp is within
    /// the tolerance of `now`, and one `v1` signature of `webhook-signature` is the body's.
    /// The checks run in that order, as in Standard Webhooks' libraries; the first that fails
    /// is the error. Signatures are compared in constant time. Entries of other versions
    /// (`v1a,…`) are skipped.
    ///
    /// The time taken grows with the length of the body and of the signature header, nothing
    /// else: the HMAC is computed once.
    pub fn verify_at(
        &self,
        headers: &(impl WebhookHeaders + ?Sized),
        body: &[u8],
        now: SystemTime,
    ) -> Result<(), WebhookError> {
        let id = required(headers, HEADERS[0])?;
        let timestamp = required(headers, HEADERS[1])?;
        let signatures = required(headers, HEADERS[2])?;
        let timestamp = parse_timestamp(timestamp)?;
        self.check_time(timestamp, now)?;

        let expected = self.tag(id, timestamp, body);
        let mut malformed = false;
        let mut matched = subtle::Choice::from(0);
        for entry in signatures.split(|&b| b == b' ').filter(|e| !e.is_empty()) {
            let Some(comma) = entry.iter().position(|&b| b == b',') else {
                malformed = true;
                continue;
            };
            let (version, signature) = (&entry[..comma], &entry[comma + 1..]);
            if version != b"v1" {
                continue;
            }
            // Room for a few bytes more than a signature: a longer one fails to fit, and a
            // shorter or longer one is malformed rather than compared.
            let mut decoded = [0u8; SIGNATURE_LEN + 4];
            match base64::engine::general_purpose::STANDARD.decode_slice(signature, &mut decoded) {
                Ok(SIGNATURE_LEN) => {
                    matched |= decoded[..SIGNATURE_LEN].ct_eq(expected.as_ref());
                }
                _ => malformed = true,
            }
        }
        if bool::from(matched) {
            Ok(())
        } else if malformed {
            Err(WebhookError::MalformedSignature)
        } else {
            Err(WebhookError::NoMatchingSignature)
        }
    }

    /// The `webhook-signature` entry (`v1,<base64>`) this secret gives a delivery: for tests
    /// of a webhook endpoint, and for tools that replay deliveries.
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let tag = self.tag(id.as_bytes(), timestamp, body);
        format!(
            "v1,{}",
            base64::engine::general_purpose::STANDARD.encode(tag.as_ref())
        )
    }

    /// HMAC-SHA256 of `{id}.{timestamp}.{body}`, the timestamp written as a plain integer (as
    /// Standard Webhooks' libraries write it back, whatever the header's spelling).
    fn tag(&self, id: &[u8], timestamp: i64, body: &[u8]) -> hmac::Tag {
        let mut context = hmac::Context::with_key(&self.key);
        context.update(id);
        context.update(b".");
        context.update(timestamp.to_string().as_bytes());
        context.update(b".");
        context.update(body);
        context.sign()
    }

    fn check_time(&self, timestamp: i64, now: SystemTime) -> Result<(), WebhookError> {
        let now = unix_seconds(now);
        let tolerance_secs = self.tolerance.as_secs();
        let tolerance = i64::try_from(tolerance_secs).unwrap_or(i64::MAX);
        if timestamp < now.saturating_sub(tolerance) {
            return Err(WebhookError::TimestampTooOld {
                timestamp,
                now,
                tolerance_secs,
            });
        }
        if timestamp > now.saturating_add(tolerance) {
            return Err(WebhookError::TimestampTooNew {
                timestamp,
                now,
                tolerance_secs,
            });
        }
        Ok(())
    }
}

/// Whole seconds since the Unix epoch (negative before it), saturating.
fn unix_seconds(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_secs()).map_or(i64::MIN, |s| -s),
    }
}

/// `webhook-timestamp`: ASCII digits only, a value that fits an `i64`.
fn parse_timestamp(value: &[u8]) -> Result<i64, WebhookError> {
    let malformed = |reason| WebhookError::MalformedHeader {
        name: "webhook-timestamp",
        reason,
    };
    if !value.iter().all(u8::is_ascii_digit) {
        return Err(malformed("expected Unix seconds, digits only"));
    }
    std::str::from_utf8(value)
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
        .ok_or_else(|| malformed("the number is too large"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// The example of Standard Webhooks' and Svix's documentation.
    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const TIMESTAMP: i64 = 1614265330;
    const BODY: &[u8] = br#"{"test": 2432232314}"#;
    /// Made by Python's `svix` 1.99.1: `Webhook(SECRET).sign(ID, TIMESTAMP, BODY)`.
    const SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    fn at(secs: i64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(u64::try_from(secs).unwrap())
    }

    fn headers(id: &str, timestamp: &str, signature: &str) -> Vec<(String, String)> {
        vec![
            ("webhook-id".into(), id.into()),
            ("webhook-timestamp".into(), timestamp.into()),
            ("webhook-signature".into(), signature.into()),
        ]
    }

    fn verify(h: &[(String, String)], body: &[u8], now: i64) -> Result<(), WebhookError> {
        WebhookVerifier::new(SECRET)
            .unwrap()
            .verify_at(h, body, at(now))
    }

    #[test]
    fn the_documented_vector_verifies_and_signs_the_same() {
        let v = WebhookVerifier::new(SECRET).unwrap();
        assert_eq!(v.sign(ID, TIMESTAMP, BODY), SIGNATURE);
        let h = headers(ID, &TIMESTAMP.to_string(), SIGNATURE);
        assert_eq!(v.verify_at(&h, BODY, at(TIMESTAMP)), Ok(()));
    }

    #[test]
    fn a_secret_without_prefix_or_padding_is_the_same_key() {
        let h = headers(ID, &TIMESTAMP.to_string(), SIGNATURE);
        for secret in [
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            " whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n",
        ] {
            let v = WebhookVerifier::new(secret).unwrap();
            assert_eq!(v.verify_at(&h, BODY, at(TIMESTAMP)), Ok(()), "{secret:?}");
        }
        // 4 bytes: "AAAAAA==" padded and not.
        let padded = WebhookVerifier::new("whsec_AAAAAA==").unwrap();
        let bare = WebhookVerifier::new("whsec_AAAAAA").unwrap();
        assert_eq!(padded.sign(ID, 1, b""), bare.sign(ID, 1, b""));
    }

    #[test]
    fn malformed_secrets_are_refused_without_showing_them() {
        for secret in ["", "whsec_", "whsec_not base64!", "whsec_A", "whsec_AB=C"] {
            let e = WebhookVerifier::new(secret).unwrap_err();
            assert_eq!(e.check(), "malformed_secret", "{secret:?}");
            if secret.len() > 6 {
                assert!(!e.to_string().contains(&secret[6..]), "{e}");
            }
        }
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let v = WebhookVerifier::new(SECRET).unwrap();
        let debug = format!("{v:?}");
        assert_eq!(
            debug,
            "WebhookVerifier { secret: \"***\", tolerance: 300s }"
        );
    }

    #[test]
    fn a_changed_body_id_or_timestamp_or_another_secret_matches_no_signature() {
        let ts = TIMESTAMP.to_string();
        assert_eq!(
            verify(
                &headers(ID, &ts, SIGNATURE),
                br#"{"test": 2432232315}"#,
                TIMESTAMP
            ),
            Err(WebhookError::NoMatchingSignature)
        );
        assert_eq!(
            verify(&headers("msg_other", &ts, SIGNATURE), BODY, TIMESTAMP),
            Err(WebhookError::NoMatchingSignature)
        );
        let later = (TIMESTAMP + 1).to_string();
        assert_eq!(
            verify(&headers(ID, &later, SIGNATURE), BODY, TIMESTAMP),
            Err(WebhookError::NoMatchingSignature)
        );
        let other = WebhookVerifier::new("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD").unwrap();
        assert_eq!(
            other.verify_at(&headers(ID, &ts, SIGNATURE), BODY, at(TIMESTAMP)),
            Err(WebhookError::NoMatchingSignature)
        );
    }

    #[test]
    fn any_matching_signature_of_several_is_enough() {
        let ts = TIMESTAMP.to_string();
        let other = "v1,C5nL+I+e3lr2V/l9ix9pcN4tBCfpNBuYqPBzMdms/r0=";
        for signature in [
            format!("{other} {SIGNATURE}"),
            format!("{SIGNATURE} {other}"),
            format!("v1a,c29tZXRoaW5nIGVsc2U= {SIGNATURE}"),
            format!("garbage  v1,!!! {SIGNATURE}"),
        ] {
            assert_eq!(
                verify(&headers(ID, &ts, &signature), BODY, TIMESTAMP),
                Ok(()),
                "{signature}"
            );
        }
        assert_eq!(
            verify(&headers(ID, &ts, other), BODY, TIMESTAMP),
            Err(WebhookError::NoMatchingSignature)
        );
        assert_eq!(
            verify(
                &headers(ID, &ts, "v1a,c29tZXRoaW5nIGVsc2U="),
                BODY,
                TIMESTAMP
            ),
            Err(WebhookError::NoMatchingSignature)
        );
    }

    #[test]
    fn signatures_that_are_not_v1_base64_of_32_bytes_are_malformed() {
        let ts = TIMESTAMP.to_string();
        let truncated = &SIGNATURE[..SIGNATURE.len() - 4];
        let longer = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OEA";
        for signature in [
            "garbage", "v1", "v1,", "v1,!!!!", truncated, longer, "v1 ,x",
        ] {
            assert_eq!(
                verify(&headers(ID, &ts, signature), BODY, TIMESTAMP),
                Err(WebhookError::MalformedSignature),
                "{signature}"
            );
        }
    }

    #[test]
    fn the_timestamp_must_be_within_the_tolerance_either_way() {
        let ts = TIMESTAMP.to_string();
        let h = headers(ID, &ts, SIGNATURE);
        assert_eq!(verify(&h, BODY, TIMESTAMP + 300), Ok(()));
        assert_eq!(verify(&h, BODY, TIMESTAMP - 300), Ok(()));
        assert_eq!(
            verify(&h, BODY, TIMESTAMP + 301),
            Err(WebhookError::TimestampTooOld {
                timestamp: TIMESTAMP,
                now: TIMESTAMP + 301,
                tolerance_secs: 300
            })
        );
        assert_eq!(
            verify(&h, BODY, TIMESTAMP - 301),
            Err(WebhookError::TimestampTooNew {
                timestamp: TIMESTAMP,
                now: TIMESTAMP - 301,
                tolerance_secs: 300
            })
        );
        let lenient = WebhookVerifier::new(SECRET)
            .unwrap()
            .with_tolerance(Duration::from_secs(3600));
        assert_eq!(lenient.verify_at(&h, BODY, at(TIMESTAMP + 3600)), Ok(()));
        assert_eq!(
            lenient
                .verify_at(&h, BODY, at(TIMESTAMP + 3601))
                .unwrap_err()
                .check(),
            "timestamp_too_old"
        );
    }

    #[test]
    fn the_timestamp_is_checked_before_the_signature() {
        let h = headers(ID, &TIMESTAMP.to_string(), "v1,AAAA");
        assert_eq!(
            verify(&h, BODY, TIMESTAMP + 1000).unwrap_err().check(),
            "timestamp_too_old"
        );
    }

    #[test]
    fn a_timestamp_that_is_not_digits_is_malformed() {
        for ts in [
            "-1",
            "+1614265330",
            "1614265330.0",
            "1e9",
            "abc",
            "99999999999999999999",
        ] {
            assert_eq!(
                verify(&headers(ID, ts, SIGNATURE), BODY, TIMESTAMP)
                    .unwrap_err()
                    .check(),
                "malformed_header",
                "{ts}"
            );
        }
    }

    #[test]
    fn leading_zeros_sign_the_number_as_the_libraries_write_it() {
        let h = headers(ID, &format!("00{TIMESTAMP}"), SIGNATURE);
        assert_eq!(verify(&h, BODY, TIMESTAMP), Ok(()));
    }

    #[test]
    fn each_missing_or_empty_header_is_named() {
        let ts = TIMESTAMP.to_string();
        let full = headers(ID, &ts, SIGNATURE);
        for (i, name) in ["webhook-id", "webhook-timestamp", "webhook-signature"]
            .into_iter()
            .enumerate()
        {
            let mut without = full.clone();
            without.remove(i);
            assert_eq!(
                verify(&without, BODY, TIMESTAMP),
                Err(WebhookError::MissingHeader { name })
            );
            let mut empty = full.clone();
            empty[i].1 = "  ".into();
            assert_eq!(
                verify(&empty, BODY, TIMESTAMP),
                Err(WebhookError::MissingHeader { name })
            );
        }
    }

    #[test]
    fn svix_headers_are_read_first_and_names_ignore_case() {
        let ts = TIMESTAMP.to_string();
        let v = WebhookVerifier::new(SECRET).unwrap();
        let svix = [
            ("Svix-Id", ID),
            ("SVIX-TIMESTAMP", ts.as_str()),
            ("svix-signature", SIGNATURE),
        ];
        assert_eq!(v.verify_at(&svix, BODY, at(TIMESTAMP)), Ok(()));
        let mixed = [
            ("svix-id", ID),
            ("webhook-id", "msg_other"),
            ("webhook-timestamp", ts.as_str()),
            ("webhook-signature", SIGNATURE),
        ];
        assert_eq!(v.verify_at(&mixed, BODY, at(TIMESTAMP)), Ok(()));
    }

    #[test]
    fn every_header_source_reads_the_same() {
        let ts = TIMESTAMP.to_string();
        let pairs = headers(ID, &ts, SIGNATURE);
        let v = WebhookVerifier::new(SECRET).unwrap();
        let mut map = http::HeaderMap::new();
        let mut hash = HashMap::new();
        let mut tree = BTreeMap::new();
        for (k, val) in &pairs {
            map.insert(
                http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                http::HeaderValue::from_str(val).unwrap(),
            );
            hash.insert(k.to_uppercase(), val.clone());
            tree.insert(k.clone(), val.as_str());
        }
        assert_eq!(v.verify_at(&map, BODY, at(TIMESTAMP)), Ok(()));
        assert_eq!(v.verify_at(&hash, BODY, at(TIMESTAMP)), Ok(()));
        assert_eq!(v.verify_at(&tree, BODY, at(TIMESTAMP)), Ok(()));
        assert_eq!(v.verify_at(&&pairs[..], BODY, at(TIMESTAMP)), Ok(()));
    }

    #[test]
    fn times_before_the_epoch_and_far_away_do_not_overflow() {
        let h = headers(ID, &i64::MAX.to_string(), SIGNATURE);
        let before = UNIX_EPOCH - Duration::from_secs(10);
        assert_eq!(
            verify(&h, BODY, 0).unwrap_err().check(),
            "timestamp_too_new"
        );
        let v = WebhookVerifier::new(SECRET)
            .unwrap()
            .with_tolerance(Duration::MAX);
        assert_eq!(
            v.verify_at(&headers(ID, "0", SIGNATURE), BODY, before)
                .unwrap_err(),
            WebhookError::NoMatchingSignature
        );
        assert_eq!(unix_seconds(before), -10);
    }
}
