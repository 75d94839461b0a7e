//! `seam webhooks verify`: checks one webhook delivery with the library's verifier
//! (`seamapi_api::webhook::Webhook`), for debugging an endpoint. It sits beside the generated
//! `webhooks create|list|get|update|delete` commands and sends nothing.

use std::io::Read;
use std::time::Duration;

use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};
use seamapi_api::webhook::{Webhook, WebhookError};
use serde_json::Value;

use crate::fail::CliError;
use crate::table::Printed;

/// The environment variable read when `--secret` is not given.
const SECRET_ENV: &str = "SEAM_WEBHOOK_SECRET";

/// The `verify` subcommand of `seam webhooks`.
pub fn command() -> Command {
    Command::new("verify")
        .about("Verify a webhook delivery (body on stdin) and print its event; sends nothing")
        .long_about(
            "Verify one webhook delivery as your endpoint would: the body is read from stdin \
             (byte for byte as received), the headers are given with --header. Checks that \
             webhook-id, webhook-timestamp and webhook-signature are there (or their svix-* \
             spellings), that the timestamp is within --tolerance of now, that a signature is \
             the body's signed with the secret, and that the body is a Seam event. Prints the \
             event as JSON (as sent) and exits 0; otherwise names the failed check in one line \
             and exits 8 (2 for a malformed --secret or --header). Nothing is sent anywhere.",
        )
        .after_help(
            "Example:\n  seam webhooks verify --secret whsec_... --header 'webhook-id: msg_...' --header 'webhook-timestamp: 1796126400' --header 'webhook-signature: v1,...' < body.json\n\n\
             Keep the body exact: `echo` adds a newline that changes the signature.",
        )
        .arg(
            Arg::new("secret")
                .long("secret")
                .value_name("SECRET")
                .help("The endpoint's secret, whsec_... (else SEAM_WEBHOOK_SECRET)"),
        )
        .arg(
            Arg::new("header")
                .long("header")
                .short('H')
                .value_name("'NAME: VALUE'")
                .action(ArgAction::Append)
                .help("A header of the delivery, as curl -H takes it; repeat for each"),
        )
        .arg(
            Arg::new("tolerance")
                .long("tolerance")
                .value_name("SECONDS")
                .value_parser(value_parser!(u64))
                .help("How far the timestamp may be from now, either way (default 300); raise it to check an old delivery"),
        )
}

/// Runs `seam webhooks verify`.
pub fn verify(m: &ArgMatches) -> Result<Printed, CliError> {
    let secret = match m.get_one::<String>("secret") {
        Some(s) => s.clone(),
        None => std::env::var(SECRET_ENV).map_err(|_| {
            CliError::usage(format!(
                "no webhook secret: pass --secret whsec_... or set {SECRET_ENV}"
            ))
        })?,
    };
    let headers = m
        .get_many::<String>("header")
        .into_iter()
        .flatten()
        .map(|h| parse_header(h))
        .collect::<Result<Vec<_>, _>>()?;
    let mut body = Vec::new();
    std::io::stdin()
        .read_to_end(&mut body)
        .map_err(|e| CliError::usage(format!("cannot read the body from stdin: {e}")))?;

    let mut webhook = Webhook::new(&secret).map_err(CliError::Webhook)?;
    if let Some(secs) = m.get_one::<u64>("tolerance") {
        webhook = webhook.with_tolerance(Duration::from_secs(*secs));
    }
    webhook.verify(&headers, &body).map_err(CliError::Webhook)?;
    // The event as sent, every field shown (verify has decoded it, so it is JSON).
    let event: Value = serde_json::from_slice(&body).map_err(|e| {
        CliError::Webhook(WebhookError::NotAnEvent {
            reason: e.to_string(),
        })
    })?;
    Ok(Printed::Json(event))
}

/// `name: value`, as curl's `-H` takes it.
fn parse_header(header: &str) -> Result<(String, String), CliError> {
    match header.split_once(':') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_owned(), value.trim().to_owned()))
        }
        _ => Err(CliError::usage(format!(
            "--header {header:?} is not 'name: value' (e.g. --header 'webhook-id: msg_...')"
        ))),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn headers_are_split_at_the_first_colon_and_trimmed() {
        assert_eq!(
            parse_header("webhook-signature:  v1,a:b= ").unwrap(),
            ("webhook-signature".into(), "v1,a:b=".into())
        );
        assert_eq!(
            parse_header("Webhook-Id:msg_1").unwrap(),
            ("Webhook-Id".into(), "msg_1".into())
        );
        for bad in ["webhook-id", ": value", ""] {
            assert!(
                matches!(parse_header(bad), Err(CliError::Usage(_))),
                "{bad}"
            );
        }
    }
}
