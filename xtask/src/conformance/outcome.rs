//! Outcomes: what one call ended with, from any client, in one shape.

use std::collections::BTreeMap;
use std::fmt;

use seamapi_core::Error;
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// Success.
    Ok,
    /// `Error::InvalidInput` / `SeamHttpInvalidInputError`.
    InvalidInput,
    /// `Error::Unauthorized` / `SeamHttpUnauthorizedError`.
    Unauthorized,
    /// `Error::Api` / `SeamHttpApiError`.
    Api,
    /// An error status without a Seam error body: `Error::UnexpectedResponse`, or the HTTP
    /// library's own error in the SDKs.
    Http,
    /// Refused by the client before sending (`Error::Config`, an SDK's options error).
    Refused,
    /// Anything else.
    Other,
}

#[derive(Debug, Clone)]
pub(super) struct Outcome {
    pub(super) kind: Kind,
    pub(super) code: Option<String>,
    pub(super) status: Option<u16>,
    pub(super) message: String,
    pub(super) validation: BTreeMap<String, Vec<String>>,
    pub(super) request_id: Option<String>,
    /// Invalid input found by the client itself, before sending.
    pub(super) local: bool,
}

impl Outcome {
    pub(super) fn ok() -> Self {
        Self::new(Kind::Ok, "")
    }

    pub(super) fn new(kind: Kind, message: impl Into<String>) -> Self {
        Self {
            kind,
            code: None,
            status: None,
            message: message.into(),
            validation: BTreeMap::new(),
            request_id: None,
            local: false,
        }
    }

    pub(super) fn of<T>(result: &Result<T, Error>) -> Self {
        match result {
            Ok(_) => Self::ok(),
            Err(e) => Self::of_error(e),
        }
    }

    pub(super) fn of_error(e: &Error) -> Self {
        let (kind, message) = match e {
            Error::InvalidInput(i) => (Kind::InvalidInput, i.message.clone()),
            Error::Unauthorized(a) => (Kind::Unauthorized, a.message.clone()),
            Error::Api(a) => (Kind::Api, a.message.clone()),
            Error::UnexpectedResponse(u) => (Kind::Http, u.body_excerpt.clone()),
            Error::Config(c) => (Kind::Refused, c.to_string()),
            other => (Kind::Other, other.to_string()),
        };
        let mut o = Self::new(kind, message);
        o.code = match e {
            Error::InvalidInput(_) | Error::Unauthorized(_) | Error::Api(_) => {
                e.error_type().map(str::to_owned)
            }
            _ => None,
        };
        o.status = e.status().map(|s| s.as_u16());
        o.request_id = e.request_id().map(str::to_owned);
        if let Some(i) = e.invalid_input() {
            o.local = i.is_local();
            o.validation = i
                .validation_errors
                .fields
                .iter()
                .filter(|(_, f)| !f.errors.is_empty())
                .map(|(k, f)| (k.clone(), f.errors.clone()))
                .collect();
        }
        o
    }

    /// One result line of an SDK script.
    pub(super) fn of_sdk(result: &Value) -> Self {
        if result["ok"] == Value::Bool(true) {
            return Self::ok();
        }
        let e = &result["error"];
        let class = e["class"].as_str().unwrap_or_default();
        let kind = match class {
            "SeamHttpInvalidInputError" => Kind::InvalidInput,
            "SeamHttpUnauthorizedError" => Kind::Unauthorized,
            "SeamHttpApiError" => Kind::Api,
            // Python's TypeError: a required keyword argument missing, refused before sending.
            "SeamHttpInvalidOptionsError" | "SeamInvalidOptionsError" | "TypeError" => {
                Kind::Refused
            }
            _ if e["status"].is_u64() => Kind::Http,
            _ => Kind::Other,
        };
        let mut o = Self::new(kind, e["message"].as_str().unwrap_or_default());
        o.code = e["code"].as_str().map(str::to_owned);
        o.status = e["status"].as_u64().and_then(|s| u16::try_from(s).ok());
        o.request_id = e["request_id"]
            .as_str()
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        if let Some(v) = e["validation"].as_object() {
            o.validation = v
                .iter()
                .map(|(k, m)| {
                    let messages = m.as_array().into_iter().flatten();
                    (
                        k.clone(),
                        messages
                            .filter_map(|s| s.as_str().map(str::to_owned))
                            .collect(),
                    )
                })
                .collect();
        }
        if matches!(kind, Kind::Http | Kind::Other | Kind::Refused) {
            o.message = format!("{class}: {}", o.message);
        }
        o
    }

    /// What `seam --json` printed: `{}`-ish JSON on stdout, or `{"error": …}` on stderr.
    pub(super) fn of_cli(code: Option<i32>, stderr: &str) -> Self {
        if code == Some(0) {
            return Self::ok();
        }
        let Some(v) = stderr
            .lines()
            .find_map(|l| serde_json::from_str::<Value>(l).ok())
        else {
            return Self::new(Kind::Other, format!("exit {code:?}: {}", stderr.trim()));
        };
        let e = &v["error"];
        let error_type = e["type"].as_str().unwrap_or_default();
        let kind = match (code, error_type) {
            (_, "invalid_input") => Kind::InvalidInput,
            (Some(3), "configuration") => Kind::Refused,
            (Some(3), _) => Kind::Unauthorized,
            (_, "unexpected_response") => Kind::Http,
            _ if e["status"].is_u64() => Kind::Api,
            _ => Kind::Other,
        };
        let mut o = Self::new(kind, e["message"].as_str().unwrap_or_default());
        if matches!(kind, Kind::InvalidInput | Kind::Unauthorized | Kind::Api) {
            o.code = Some(error_type.to_owned());
        }
        o.status = e["status"].as_u64().and_then(|s| u16::try_from(s).ok());
        o.request_id = e["request_id"].as_str().map(str::to_owned);
        o.local = e["local"] == Value::Bool(true);
        if let Ok(ve) =
            serde_json::from_value::<seamapi_core::ValidationErrors>(e["validation_errors"].clone())
        {
            o.validation = ve
                .fields
                .into_iter()
                .filter(|(_, f)| !f.errors.is_empty())
                .map(|(k, f)| (k, f.errors))
                .collect();
        }
        if kind == Kind::Http {
            // `<reason>; body "<excerpt>"`: keep the excerpt, as the library's error does.
            if let Some(body) = o.message.split("; body ").nth(1) {
                o.message = serde_json::from_str::<String>(body).unwrap_or_else(|_| body.into());
            }
        }
        o
    }

    /// The same kind, type, status (unless one side refused before sending) and per-parameter
    /// messages; the same message too, except where the SDKs replace the server's (401) or
    /// raise their HTTP library's own error.
    pub(super) fn same_as(&self, other: &Outcome) -> bool {
        let status = self.local || other.local || self.status == other.status;
        let message = matches!(self.kind, Kind::Unauthorized | Kind::Http | Kind::Refused)
            || self.message == other.message;
        let code = self.kind == Kind::Unauthorized || self.code == other.code;
        self.kind == other.kind && status && message && code && self.validation == other.validation
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = match (self.local, self.status) {
            (true, _) => " (refused before sending)".to_owned(),
            (false, Some(s)) => format!(" ({s})"),
            (false, None) => String::new(),
        };
        let code = self
            .code
            .as_deref()
            .map(|c| format!(" `{c}`"))
            .unwrap_or_default();
        match self.kind {
            Kind::Ok => f.write_str("ok")?,
            Kind::InvalidInput => write!(f, "invalid input{status}: {:?}", self.message)?,
            Kind::Unauthorized => write!(f, "unauthorized{status}{code}: {:?}", self.message)?,
            Kind::Api => write!(f, "API error{status}{code}: {:?}", self.message)?,
            Kind::Http => write!(f, "HTTP error{status}: {:?}", self.message)?,
            Kind::Refused => write!(f, "refused before sending: {}", self.message)?,
            Kind::Other => write!(f, "other{status}: {}", self.message)?,
        }
        for (param, messages) in &self.validation {
            write!(f, " [{param}: {}]", messages.join(", "))?;
        }
        Ok(())
    }
}
