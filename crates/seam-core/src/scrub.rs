//! Taking a known secret out of an error before it is returned or printed.
//!
//! The client knows its token. A server (or a proxy, or anything on the way) that repeats the
//! request's `authorization` value in its error text would otherwise put the token in the
//! client's `Error`, and from there in logs and terminals. The facades scrub every error they
//! return with [`scrub_error`]; the CLI scrubs every line it prints with [`scrub_text`].

use crate::error::{Error, TransportError, ValidationErrors};

/// What a scrubbed secret is replaced with.
pub const SCRUBBED: &str = "[redacted]";

/// Secrets shorter than this are not scrubbed: replacing a two-letter "token" everywhere
/// would garble every message, and no real token is that short.
pub const MIN_SCRUBBED_LEN: usize = 8;

/// Replaces every occurrence of `secret` in `text` with [`SCRUBBED`].
///
/// ```
/// use seamapi_core::scrub::scrub_text;
/// let mut text = "bad token: Bearer seam_test_abc123".to_owned();
/// scrub_text(&mut text, "seam_test_abc123");
/// assert_eq!(text, "bad token: Bearer [redacted]");
/// ```
pub fn scrub_text(text: &mut String, secret: &str) {
    if secret.len() >= MIN_SCRUBBED_LEN && text.contains(secret) {
        *text = text.replace(secret, SCRUBBED);
    }
}

fn scrub_json(value: &mut serde_json::Value, secret: &str) {
    match value {
        serde_json::Value::String(s) => scrub_text(s, secret),
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| scrub_json(v, secret)),
        serde_json::Value::Object(map) => {
            if map.keys().any(|k| k.contains(secret)) {
                *map = std::mem::take(map)
                    .into_iter()
                    .map(|(mut k, v)| {
                        scrub_text(&mut k, secret);
                        (k, v)
                    })
                    .collect();
            }
            map.values_mut().for_each(|v| scrub_json(v, secret));
        }
        _ => {}
    }
}

fn scrub_validation(errors: &mut ValidationErrors, secret: &str) {
    errors.form.iter_mut().for_each(|m| scrub_text(m, secret));
    if errors.fields.keys().any(|k| k.contains(secret)) {
        errors.fields = std::mem::take(&mut errors.fields)
            .into_iter()
            .map(|(mut k, v)| {
                scrub_text(&mut k, secret);
                (k, v)
            })
            .collect();
    }
    for field in errors.fields.values_mut() {
        field.errors.iter_mut().for_each(|m| scrub_text(m, secret));
    }
}

/// `error` with every occurrence of `secret` in its text (messages, types, request ids,
/// excerpts, `data`, validation messages, the last error of a deadline) replaced with
/// [`SCRUBBED`]. Configuration errors are left as they are: they never hold the token (see
/// `ConfigError`).
///
/// ```
/// use seamapi_core::{Error, TransportError, scrub::scrub_error};
/// let leaky = Error::Transport(TransportError::connect("proxy said: Bearer seam_test_abc123"));
/// let clean = scrub_error(leaky, "seam_test_abc123");
/// assert!(!clean.to_string().contains("seam_test_abc123"));
/// ```
pub fn scrub_error(error: Error, secret: &str) -> Error {
    if secret.len() < MIN_SCRUBBED_LEN {
        return error;
    }
    match error {
        Error::InvalidInput(mut i) => {
            scrub_text(&mut i.message, secret);
            scrub_validation(&mut i.validation_errors, secret);
            if let Some(id) = &mut i.request_id {
                scrub_text(id, secret);
            }
            Error::InvalidInput(i)
        }
        Error::Unauthorized(mut a) => {
            scrub_api(&mut a, secret);
            Error::Unauthorized(a)
        }
        Error::Api(mut a) => {
            scrub_api(&mut a, secret);
            Error::Api(a)
        }
        Error::UnexpectedResponse(mut u) => {
            scrub_text(&mut u.body_excerpt, secret);
            scrub_text(&mut u.reason, secret);
            if let Some(id) = &mut u.request_id {
                scrub_text(id, secret);
            }
            Error::UnexpectedResponse(u)
        }
        Error::Transport(t) if t.message().contains(secret) => {
            let mut message = t.message().to_owned();
            scrub_text(&mut message, secret);
            Error::Transport(TransportError::new(
                t.kind(),
                message,
                t.may_have_reached_server(),
            ))
        }
        Error::DeadlineExceeded {
            deadline,
            attempts,
            last,
        } => Error::DeadlineExceeded {
            deadline,
            attempts,
            last: Box::new(scrub_error(*last, secret)),
        },
        Error::ActionAttemptFailed(mut a) => {
            scrub_action(&mut a, secret);
            Error::ActionAttemptFailed(a)
        }
        Error::ActionAttemptTimedOut(mut a) => {
            scrub_action(&mut a, secret);
            Error::ActionAttemptTimedOut(a)
        }
        Error::Pagination(mut m) => {
            scrub_text(&mut m, secret);
            Error::Pagination(m)
        }
        Error::Encode(mut m) => {
            scrub_text(&mut m, secret);
            Error::Encode(m)
        }
        other => other,
    }
}

fn scrub_action(a: &mut crate::error::ActionAttemptError, secret: &str) {
    for text in [&mut a.action_attempt_id, &mut a.action_type, &mut a.status] {
        scrub_text(text, secret);
    }
    for text in [&mut a.error_type, &mut a.message, &mut a.request_id]
        .into_iter()
        .flatten()
    {
        scrub_text(text, secret);
    }
    scrub_json(&mut a.attempt, secret);
}

fn scrub_api(a: &mut crate::error::ApiError, secret: &str) {
    scrub_text(&mut a.message, secret);
    scrub_text(&mut a.error_type, secret);
    if let Some(id) = &mut a.request_id {
        scrub_text(id, secret);
    }
    if let Some(data) = &mut a.data {
        scrub_json(data, secret);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ApiError, InvalidInput, UnexpectedResponse};

    const T: &str = "seam_secret_token_do_not_leak_42";

    #[test]
    fn every_kind_of_error_loses_the_token() {
        let api = || ApiError {
            error_type: format!("bad_{T}"),
            message: format!("Bearer {T} is not valid"),
            status: http::StatusCode::BAD_REQUEST,
            request_id: Some(T.to_owned()),
            data: Some(
                serde_json::json!({"echo": [T], T: {"authorization": format!("Bearer {T}")}}),
            ),
        };
        let mut errors = ValidationErrors::new();
        errors.add(T, format!("received '{T}'"));
        errors.add_form(T);
        let invalid = InvalidInput {
            message: T.to_owned(),
            validation_errors: errors,
            status: Some(http::StatusCode::BAD_REQUEST),
            request_id: None,
        };
        let cases = vec![
            Error::Api(api()),
            Error::Unauthorized(api()),
            Error::InvalidInput(invalid),
            Error::UnexpectedResponse(UnexpectedResponse::new(
                http::StatusCode::BAD_GATEWAY,
                format!("<html>{T}</html>").as_bytes(),
                format!("not JSON: {T}"),
                Some(T.to_owned()),
            )),
            Error::Transport(TransportError::connect(format!("proxy: {T}"))),
            Error::DeadlineExceeded {
                deadline: std::time::Duration::from_secs(1),
                attempts: 2,
                last: Box::new(Error::Api(api())),
            },
            Error::Pagination(T.to_owned()),
            Error::Encode(T.to_owned()),
        ];
        for e in cases {
            let before = format!("{e} {e:?}");
            assert!(before.contains(T), "{before}");
            let e = scrub_error(e, T);
            let after = format!("{e} {e:?} {e:#?}");
            assert!(!after.contains(T), "{after}");
            assert!(after.contains(SCRUBBED), "{after}");
        }
    }

    #[test]
    fn a_short_secret_is_left_alone() {
        let e = scrub_error(Error::Pagination("a b".into()), "a");
        assert_eq!(e.to_string(), "pagination failed: a b");
    }
}
