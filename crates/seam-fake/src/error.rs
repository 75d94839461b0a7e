//! The errors the fake answers with, and the errors of its own machinery.

use std::path::PathBuf;

use http::StatusCode;
use seamapi_core::{RouteInfo, ValidationErrors};
use serde::Serialize;

/// Every JSON error `type` the fake answers with. `docs/sandbox.md` says when each is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorType {
    /// 401: no `Authorization` header, no `Bearer ` token, or an unknown token.
    Unauthorized,
    /// 401: a personal access token without the `seam-workspace` header.
    AccessTokenUsedForApiKey,
    /// 405: a method the route does not accept.
    MethodNotAllowed,
    /// 400: a `POST` or `PUT` whose body is not declared as JSON.
    InvalidContentType,
    /// 400: parameters refused, with zod-shaped `validation_errors`.
    InvalidInput,
    /// 404: no ACS user with that id in the caller's workspace.
    AcsUserNotFound,
    /// 404: no user identity with that id (or key, for `get`) in the caller's workspace.
    UserIdentityNotFound,
    /// 409: the ACS user is linked to another user identity already.
    AcsUserAlreadyLinked,
    /// 409: the user identity has an ACS user in that access system already.
    UserIdentityAlreadyHasAcsUserInAcsSystem,
    /// 409: another user identity of the workspace has this `user_identity_key`.
    UserIdentityKeyTaken,
    /// 409: another user identity of the workspace has this `email_address`.
    UserIdentityEmailAddressTaken,
    /// 409: another user identity of the workspace has this `phone_number`.
    UserIdentityPhoneNumberTaken,
    /// 413: a request body over the server's limit.
    PayloadTooLarge,
    /// 408: (server only) a request body that did not arrive within the server's body read
    /// timeout; the connection is closed.
    RequestTimeout,
    /// 501: (server only) a request body sent with a transfer coding other than `chunked`
    /// (`gzip, chunked`, say), which the fake does not decode.
    UnsupportedTransferCoding,
    /// 503: (server only) a connection over the server's limit of connections at once; it
    /// is closed after this answer.
    ServiceUnavailable,
    /// 500: the fake itself failed (e.g. the sandbox file could not be read or written).
    InternalServerError,
    /// 501: a documented route the fake does not model. The request was authenticated,
    /// method-checked and validated as Seam would, and found valid; the fake cannot answer
    /// it, and says so instead of pretending.
    NotImplemented,
}

impl ErrorType {
    /// The `type` on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unauthorized => "unauthorized",
            Self::AccessTokenUsedForApiKey => "access_token_used_for_api_key",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::InvalidContentType => "invalid_content_type",
            Self::InvalidInput => "invalid_input",
            Self::AcsUserNotFound => "acs_user_not_found",
            Self::UserIdentityNotFound => "user_identity_not_found",
            Self::AcsUserAlreadyLinked => "acs_user_already_linked",
            Self::UserIdentityAlreadyHasAcsUserInAcsSystem => {
                "user_identity_already_has_acs_user_in_acs_system"
            }
            Self::UserIdentityKeyTaken => "user_identity_key_taken",
            Self::UserIdentityEmailAddressTaken => "user_identity_email_address_taken",
            Self::UserIdentityPhoneNumberTaken => "user_identity_phone_number_taken",
            Self::PayloadTooLarge => "payload_too_large",
            Self::RequestTimeout => "request_timeout",
            Self::UnsupportedTransferCoding => "unsupported_transfer_coding",
            Self::ServiceUnavailable => "service_unavailable",
            Self::InternalServerError => "internal_server_error",
            Self::NotImplemented => "not_implemented",
        }
    }
}

impl std::fmt::Display for ErrorType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A JSON error answer: status, `type`, `message`, and for `invalid_input` the
/// `validation_errors`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiFailure {
    /// The HTTP status.
    pub status: StatusCode,
    /// The error `type`.
    pub error_type: ErrorType,
    /// The message.
    pub message: String,
    /// The zod-shaped messages of an `invalid_input` error.
    pub validation_errors: Option<ValidationErrors>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
    ok: bool,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    #[serde(rename = "type")]
    error_type: &'static str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    validation_errors: Option<&'a ValidationErrors>,
}

impl ApiFailure {
    /// An error of `error_type` with `status` and `message`.
    pub fn new(status: StatusCode, error_type: ErrorType, message: impl Into<String>) -> Self {
        Self {
            status,
            error_type,
            message: message.into(),
            validation_errors: None,
        }
    }

    /// `400 invalid_input`, its message from [`ValidationErrors::summary`].
    pub fn invalid_input(errors: ValidationErrors) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            error_type: ErrorType::InvalidInput,
            message: errors.summary(),
            validation_errors: Some(errors),
        }
    }

    /// `400 invalid_input` about one parameter.
    pub fn invalid_param(param: &str, message: &str) -> Self {
        let mut errors = ValidationErrors::new();
        errors.add(param, message);
        Self::invalid_input(errors)
    }

    /// `500 internal_server_error`.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorType::InternalServerError,
            message,
        )
    }

    /// `501 not_implemented` for a valid request to a documented route that the fake does
    /// not model, naming the route:
    ///
    /// ```
    /// use seamapi_core::Route;
    /// let failure = seamapi_fake::ApiFailure::not_modelled(&seamapi_api::routes::LocksUnlockDoor::INFO);
    /// assert_eq!(failure.status, http::StatusCode::NOT_IMPLEMENTED);
    /// assert_eq!(
    ///     failure.message,
    ///     "the fake does not model /locks/unlock_door (locks.unlock_door); it validated the \
    ///      request: use Seam's sandbox or the real API"
    /// );
    /// ```
    pub fn not_modelled(route: &RouteInfo) -> Self {
        Self::new(
            StatusCode::NOT_IMPLEMENTED,
            ErrorType::NotImplemented,
            format!(
                "the fake does not model {} ({}); it validated the request: use Seam's sandbox or the real API",
                route.path, route.name
            ),
        )
    }

    /// The JSON body: `{"error":{"type":…,"message":…,"validation_errors"?:…},"ok":false}`.
    pub fn body(&self) -> Vec<u8> {
        serde_json::to_vec(&ErrorBody {
            error: ErrorDetail {
                error_type: self.error_type.as_str(),
                message: &self.message,
                validation_errors: self.validation_errors.as_ref(),
            },
            ok: false,
        })
        .unwrap_or_else(|_| br#"{"error":{"type":"internal_server_error","message":"could not encode the error"},"ok":false}"#.to_vec())
    }
}

/// A failure of the sandbox's file handling.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SandboxError {
    /// Reading, writing, locking or renaming a file failed.
    #[error("sandbox file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: std::io::Error,
    },
    /// The state file is not a state the fake wrote.
    #[error("sandbox state file {path} is not valid: {source}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// Why it could not be read.
        #[source]
        source: serde_json::Error,
    },
    /// The state could not be encoded.
    #[error("could not encode the sandbox state: {0}")]
    Encode(#[source] serde_json::Error),
    /// The state file parses but is not consistent (edited by hand, say): using it could
    /// overwrite a record, so it is refused.
    #[error("sandbox state file {path} is not consistent: {reason}")]
    Inconsistent {
        /// The file.
        path: PathBuf,
        /// The first problem found.
        reason: String,
    },
    /// The state file is read-only, and the request would change it.
    #[error("sandbox state file {path} is read-only; the request would change it")]
    ReadOnly {
        /// The file.
        path: PathBuf,
    },
    /// Another process held the sandbox's lock for longer than the lock timeout.
    #[error("sandbox lock file {path} is held by another process; gave up after {waited:.1?}")]
    Locked {
        /// The lock file.
        path: PathBuf,
        /// How long the request waited.
        waited: std::time::Duration,
    },
}
