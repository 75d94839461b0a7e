//! `seamapi_api::webhook`: deliveries signed by Svix's own library, verified and decoded into the
//! generated `Event` union. Fixed vectors, so no Node.js or Python is needed.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use seamapi_api::resources::{Event, LockLockedEventMethod};
use seamapi_api::webhook::{Webhook, WebhookError};

const SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const ID: &str = "msg_2ZVo7x0A0e2p3aPq5dRPaCP7J7V";
const TIMESTAMP: u64 = 1796126400;
const BODY: &str = r#"{"event_id":"8c4f9f6e-0000-4000-8000-000000000001","event_type":"lock.unlocked","workspace_id":"5eed0001-0000-4000-8000-000000000001","created_at":"2026-12-01T12:00:00.000Z","occurred_at":"2026-12-01T11:59:58.000Z","device_id":"11111111-1111-1111-1111-444444444444","connected_account_id":"5eed0004-0000-4000-8000-000000000001","method":"keycode","access_code_id":"22222222-2222-2222-2222-222222222222"}"#;
/// Python's `svix` 1.99.1: `Webhook(SECRET).sign(ID, datetime.fromtimestamp(TIMESTAMP), BODY)`.
const SIGNATURE: &str = "v1,q503JZ4A1MS6a/zruUW36VUGqJ6UTPF8zLeeuc0od0U=";
/// The same delivery signed with another secret (`whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw`).
const OTHER_SIGNATURE: &str = "v1,C5nL+I+e3lr2V/l9ix9pcN4tBCfpNBuYqPBzMdms/r0=";

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn request(signature: &str, body: &str) -> http::Request<Vec<u8>> {
    http::Request::post("/webhook")
        .header("webhook-id", ID)
        .header("webhook-timestamp", TIMESTAMP.to_string())
        .header("webhook-signature", signature)
        .body(body.as_bytes().to_vec())
        .unwrap()
}

#[test]
fn a_delivery_signed_by_svix_decodes_to_its_typed_event() {
    let webhook = Webhook::new(SECRET).unwrap();
    let r = request(SIGNATURE, BODY);
    let event = webhook
        .verify_at(r.headers(), r.body(), at(TIMESTAMP))
        .unwrap();
    assert_eq!(event.kind(), "lock.unlocked");
    let Event::LockUnlocked(unlocked) = event else {
        panic!("not lock.unlocked: {event:?}");
    };
    assert_eq!(unlocked.event_id, "8c4f9f6e-0000-4000-8000-000000000001");
    assert_eq!(
        unlocked.device_id.as_deref(),
        Some("11111111-1111-1111-1111-444444444444")
    );
    assert_eq!(unlocked.method, LockLockedEventMethod::Keycode);
}

#[test]
fn a_rotated_secret_verifies_with_either_signature_first() {
    let webhook = Webhook::new(SECRET).unwrap();
    for signatures in [
        format!("{OTHER_SIGNATURE} {SIGNATURE}"),
        format!("{SIGNATURE} {OTHER_SIGNATURE}"),
    ] {
        let r = request(&signatures, BODY);
        assert!(
            webhook
                .verify_at(r.headers(), r.body(), at(TIMESTAMP))
                .is_ok()
        );
    }
    let r = request(OTHER_SIGNATURE, BODY);
    assert_eq!(
        webhook.verify_at(r.headers(), r.body(), at(TIMESTAMP)),
        Err(WebhookError::NoMatchingSignature)
    );
}

#[test]
fn the_clock_decides_with_the_default_tolerance_and_a_configured_one() {
    let r = request(SIGNATURE, BODY);
    let webhook = Webhook::new(SECRET).unwrap();
    let err = webhook
        .verify_at(r.headers(), r.body(), at(TIMESTAMP + 301))
        .unwrap_err();
    assert_eq!(err.check(), "timestamp_too_old");
    assert_eq!(
        err.to_string(),
        "the delivery's timestamp 1796126400 is 301 s before now (1796126701), more than the tolerance of 300 s"
    );
    let webhook = webhook.with_tolerance(Duration::from_secs(400));
    assert!(
        webhook
            .verify_at(r.headers(), r.body(), at(TIMESTAMP + 301))
            .is_ok()
    );
    // `verify` reads the real clock: this delivery is years away from it.
    assert!(matches!(
        Webhook::new(SECRET).unwrap().verify(r.headers(), r.body()),
        Err(WebhookError::TimestampTooNew { .. } | WebhookError::TimestampTooOld { .. })
    ));
}

/// Signs `body` as Svix does, for bodies that are not events.
fn signed(body: &str) -> http::Request<Vec<u8>> {
    let webhook = Webhook::new(SECRET).unwrap();
    let signature = webhook
        .verifier()
        .sign(ID, i64::try_from(TIMESTAMP).unwrap(), body.as_bytes());
    request(&signature, body)
}

#[test]
fn an_event_kind_newer_than_this_version_is_kept_not_refused() {
    let body =
        r#"{"event_id":"e1","event_type":"lock.teleported","workspace_id":"w1","distance_m":3}"#;
    let r = signed(body);
    let event = Webhook::new(SECRET)
        .unwrap()
        .verify_at(r.headers(), r.body(), at(TIMESTAMP))
        .unwrap();
    let Event::Unknown(unknown) = &event else {
        panic!("not unknown: {event:?}");
    };
    assert_eq!(unknown.kind(), "lock.teleported");
    assert_eq!(unknown.raw()["distance_m"], 3);
    assert_eq!(event.kind(), "lock.teleported");
    // Written back as sent.
    assert_eq!(
        serde_json::to_value(&event).unwrap(),
        serde_json::from_str::<serde_json::Value>(body).unwrap()
    );
}

#[test]
fn a_signed_body_that_is_not_an_event_says_why_and_that_it_is_authentic() {
    for (body, why) in [
        ("not json", "expected ident"),
        ("[1,2]", "event_type"),
        (r#"{"event_id":"e1"}"#, "missing field `event_type`"),
        (r#"{"event_type":7}"#, "`event_type` must be a string"),
        // A known kind must have what this version requires (`method`).
        (
            r#"{"event_id":"e1","event_type":"lock.unlocked","workspace_id":"w1","created_at":"2026-12-01T12:00:00Z"}"#,
            "missing field `method`",
        ),
    ] {
        let r = signed(body);
        let err = Webhook::new(SECRET)
            .unwrap()
            .verify_at(r.headers(), r.body(), at(TIMESTAMP))
            .unwrap_err();
        assert_eq!(err.check(), "not_an_event", "{body}");
        assert!(err.is_signed());
        assert!(err.to_string().contains(why), "{body}: {err}");
    }
}

#[test]
fn a_forged_body_is_refused_before_it_is_read() {
    let r = request(SIGNATURE, "not json");
    let err = Webhook::new(SECRET)
        .unwrap()
        .verify_at(r.headers(), r.body(), at(TIMESTAMP))
        .unwrap_err();
    assert_eq!(err, WebhookError::NoMatchingSignature);
    assert!(!err.is_signed());
}

#[test]
fn errors_and_debug_never_show_the_secret() {
    let webhook = Webhook::new(SECRET).unwrap();
    let key = SECRET.trim_start_matches("whsec_");
    assert!(!format!("{webhook:?}").contains(key));
    let mut texts = vec![Webhook::new("whsec_%%%").unwrap_err().to_string()];
    for (signature, body) in [(SIGNATURE, "{}"), ("bad", BODY), (OTHER_SIGNATURE, BODY)] {
        let r = request(signature, body);
        let err = webhook
            .verify_at(r.headers(), r.body(), at(TIMESTAMP))
            .unwrap_err();
        texts.push(format!("{err} {err:?}"));
    }
    for text in texts {
        assert!(!text.contains(key), "{text}");
    }
}
