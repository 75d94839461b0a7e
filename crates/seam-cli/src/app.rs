//! The clap command tree: global options, the API commands generated from the route table,
//! and the local commands (login, logout, config, sandbox, completions).

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::{Arg, ArgAction, Command, value_parser};
use seamapi_core::RouteInfo;
use seamapi_core::pager::{DEFAULT_MAX_ITEMS, DEFAULT_MAX_PAGES};
use seamapi_core::params::{ParamKind, ParamSpec, Requirement};

use crate::fail::EXIT_CODES_HELP;
use crate::flags::{self, Shape};
use crate::settings::parse_timeout;
use crate::table::{RouteCommand, dashed};

const ROOT_EXAMPLES: &str = "\
Examples:
  seam --sandbox user-identities add-acs-user --user_identity_key jane --acs_user_id 5eed0002-0000-4000-8000-000000000001
  seam --sandbox user-identities list-acs-users --user-identity-id 5eed0003-0000-4000-8000-000000000001
  SEAM_API_KEY=seam_... seam devices list --limit 10
  SEAM_API_KEY=seam_... seam locks unlock-door --device_id <device id>
  SEAM_PERSONAL_ACCESS_TOKEN=seam_at... seam workspaces list
  echo '{\"acs_user_id\": \"...\"}' | seam acs users get --input -";

/// A sample value for a parameter, for the examples in `--help`: the sandbox's seeded ids for
/// the parameters the sandbox models (so that those examples run with `--sandbox`), and a
/// generic value of the parameter's kind otherwise.
fn sample(spec: &ParamSpec) -> String {
    // A repeated flag's sample is one item (`--acs_system_ids <one id>`).
    let (name, spec) = match flags::shape(spec.kind) {
        Shape::Repeated(item) => (
            spec.name.strip_suffix('s').unwrap_or(spec.name),
            ParamSpec::new(spec.name, item, Requirement::Required, ""),
        ),
        _ => (spec.name, *spec),
    };
    let seeded = match name {
        "acs_user_id" => Some(seamapi_fake::seed::ACS_USER_IDS[0]),
        "user_identity_id" => Some(seamapi_fake::seed::USER_IDENTITY_ID),
        "user_identity_key" => Some(seamapi_fake::seed::USER_IDENTITY_KEY),
        "acs_system_id" => Some(seamapi_fake::seed::HQ_ACS_SYSTEM_ID),
        "connected_account_id" => Some(seamapi_fake::seed::CONNECTED_ACCOUNT_ID),
        "workspace_id" => Some(seamapi_fake::seed::WORKSPACE_ID),
        _ => None,
    };
    match (seeded, spec.kind) {
        (Some(id), ParamKind::Uuid | ParamKind::String) => id.to_owned(),
        _ => flags::as_flag_text(spec.kind, &flags::sample_value(&spec)),
    }
}

/// The id parameter of the resource a route is about: `acs_user_id` for `acs.users.get`,
/// `device_id` for `devices.get` (its namespace, singular, then `_id`).
fn own_id(info: &RouteInfo) -> Option<&'static ParamSpec> {
    let resource = info.namespace.join("_");
    let singular = match resource.strip_suffix("ies") {
        Some(stem) => format!("{stem}y"),
        None => resource.strip_suffix('s').unwrap_or(&resource).to_owned(),
    };
    let name = format!("{singular}_id");
    info.params
        .iter()
        .find(|p| p.name == name && p.kind == ParamKind::Uuid)
}

fn example(route: &RouteCommand) -> String {
    // The routes the sandbox models: their examples run against it as printed. Every other
    // route's example is for the real API.
    let sandbox = seamapi_fake::handler::models(route.info);
    let mut line = if sandbox {
        format!("seam --sandbox {}", route.words().join(" "))
    } else {
        format!("seam {}", route.words().join(" "))
    };
    let mut one_of_done = false;
    let mut given = false;
    for spec in route.info.params {
        let wanted = match spec.requirement {
            Requirement::Required => true,
            Requirement::OneOf => !std::mem::replace(&mut one_of_done, true),
            _ => false,
        };
        if wanted {
            line.push_str(&format!(" --{} {}", spec.name, sample(spec)));
            given = true;
        }
    }
    // A route whose id the spec leaves optional (`acs users get`: by `acs_user_id` or by
    // `user_identity_id`) is shown with its own id, as it is mostly called.
    if !given
        && !route.info.paginated
        && let Some(spec) = own_id(route.info)
    {
        line.push_str(&format!(" --{} {}", spec.name, sample(spec)));
    }
    if route.info.paginated && route.has_param("limit") {
        line.push_str(" --limit 10");
    }
    line
}

/// The first paragraph of a description, on one line.
fn first_paragraph(doc: &str) -> String {
    doc.trim()
        .split("\n\n")
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn param_arg(spec: &ParamSpec) -> Arg {
    let mut marks = Vec::new();
    if let Some(form) = flags::form_help(spec.kind) {
        marks.push(form);
    }
    match spec.requirement {
        Requirement::Required => marks.push("required".to_owned()),
        Requirement::OneOf => marks.push("one of a group is required".to_owned()),
        Requirement::Optional => {}
    }
    let marks = if marks.is_empty() {
        String::new()
    } else {
        format!(" [{}]", marks.join("; "))
    };
    let short = format!("{}{marks}", first_paragraph(spec.doc));
    let long = format!("{}{marks}", spec.doc.trim());
    let mut arg = Arg::new(spec.name)
        .long(spec.name)
        .value_name(flags::value_name(spec.kind))
        .help(short.trim().to_owned())
        .long_help(long.trim().to_owned())
        .value_parser(flags::ParamParser::new(spec))
        .help_heading("Parameters");
    if let Some(d) = dashed(spec.name) {
        arg = arg.visible_alias(d);
    }
    match flags::shape(spec.kind) {
        Shape::Repeated(item) => arg
            .action(ArgAction::Append)
            .allow_negative_numbers(matches!(item, ParamKind::Integer | ParamKind::Number)),
        Shape::Scalar(ParamKind::Integer | ParamKind::Number) => arg.allow_negative_numbers(true),
        _ => arg,
    }
}

/// What a route prints, in words, for its `--help`.
fn prints(info: &RouteInfo) -> String {
    let answer = match info.output_key {
        Some(key) if info.paginated => format!(
            "{{\"{key}\": [...]}} with every item of every page (at most --max-pages pages and --max-items items); \
             with --limit or --page-cursor, one page: {{\"{key}\": [...], \"pagination\": {{...}}}}"
        ),
        Some(key) => format!("{{\"{key}\": ...}}"),
        None => "{}".to_owned(),
    };
    let mut text = format!("Prints the server's answer as JSON (without \"ok\"): {answer}.");
    if seamapi_core::action::waits(info) {
        text.push_str(
            " The action happens after the answer: the command waits for it, reading the attempt \
             every 0.5 s for up to --wait-timeout seconds, and prints the finished attempt. A \
             failed attempt exits 6 with its error type; one still pending when the time is up \
             exits 7 (the action may still happen). With --no-wait it prints the pending attempt \
             at once; `seam action-attempts get --action_attempt_id ID` tells when it is done.",
        );
    } else if info.action_attempt {
        text.push_str(
            " The action happens after the answer: `seam action-attempts get --action_attempt_id ID` \
             tells when it is done.",
        );
    }
    text
}

fn route_command(word: &str, route: &RouteCommand) -> Command {
    let info = route.info;
    let mut about = if info.title.trim().is_empty() {
        first_paragraph(info.doc)
    } else {
        info.title.trim().to_owned()
    };
    if info.deprecated.is_some() {
        about.push_str(" (deprecated)");
    }
    let mut long = format!("{about}\n\n{}", info.doc.trim());
    if let Some(why) = info.deprecated {
        long.push_str(&format!("\n\nDeprecated: {}", why.trim()));
    }
    long.push_str(&format!(
        "\n\nRoute {}: {} {}. Retried when it fails: {} ({}). Credentials: {}.\n\n{}",
        info.name,
        info.method,
        info.path,
        if info.idempotent { "yes" } else { "no" },
        info.retry_reason,
        info.auth,
        prints(info),
    ));
    let mut cmd = Command::new(word.to_owned())
        .about(about)
        .long_about(long)
        .after_help(format!(
            "Example:\n  {}\n\nParameters may also come as a JSON object with --input FILE or --input - (flags win).",
            example(route)
        ))
        .arg(
            Arg::new("input")
                .long("input")
                .value_name("FILE")
                .value_parser(value_parser!(PathBuf))
                .help_heading("Parameters")
                .help("Read parameters as a JSON object from FILE ('-' for stdin); flags win"),
        );
    if info.paginated {
        cmd = cmd.arg(
            Arg::new("max-pages")
                .help_heading("Parameters")
                .long("max-pages")
                .value_name("N")
                .value_parser(value_parser!(u32).range(1..))
                .default_value(DEFAULT_MAX_PAGES.to_string())
                .help(
                    "Stop with an error after reading N pages (without --limit or --page-cursor)",
                ),
        );
        cmd = cmd.arg(
            Arg::new("max-items")
                .help_heading("Parameters")
                .long("max-items")
                .value_name("N")
                .value_parser(value_parser!(u64).range(1..))
                .default_value(DEFAULT_MAX_ITEMS.to_string())
                .help(
                    "Stop with an error after reading N items (without --limit or --page-cursor)",
                ),
        );
    }
    if seamapi_core::action::waits(info) {
        cmd = cmd
            .arg(
                Arg::new("no-wait")
                    .long("no-wait")
                    .action(ArgAction::SetTrue)
                    .help_heading("Waiting")
                    .help("Print the attempt as first answered (most often pending), without waiting for the action"),
            )
            .arg(
                Arg::new("wait-timeout")
                    .long("wait-timeout")
                    .value_name("SECONDS")
                    .value_parser(parse_seconds)
                    .conflicts_with("no-wait")
                    .help_heading("Waiting")
                    .help("Wait for the action for up to SECONDS [default: 5]"),
            );
    }
    for spec in info.params {
        cmd = cmd.arg(param_arg(spec));
    }
    cmd
}

/// A positive number of seconds, e.g. `5` or `0.5`.
fn parse_seconds(text: &str) -> Result<std::time::Duration, String> {
    text.parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s > 0.0 && *s <= 3600.0)
        .map(std::time::Duration::from_secs_f64)
        .ok_or_else(|| {
            format!("expected a number of seconds above 0 and at most 3600, found {text:?}")
        })
}

/// `seam sandbox --help`: what the sandbox answers.
fn sandbox_about() -> String {
    let modelled: Vec<String> = seamapi_fake::handler::MODELLED
        .iter()
        .map(|info| format!("  seam {}", RouteCommand { info }.words().join(" ")))
        .collect();
    format!(
        "The local sandbox: a fake Seam whose state is kept in a file, used by any command with \
         --sandbox. It models these commands:\n\n{}\n\nEvery other command is checked as the \
         real API would check it, then answered with a `not_implemented` error (HTTP 501).",
        modelled.join("\n")
    )
}

/// The command words to their subcommands, nested.
#[derive(Default)]
struct Tree {
    children: BTreeMap<String, Tree>,
    leaf: Option<RouteCommand>,
}

fn to_command(word: &str, tree: &Tree) -> Command {
    if let Some(route) = &tree.leaf {
        return route_command(word, route);
    }
    let mut cmd = Command::new(word.to_owned())
        .about(format!("The {} routes", word.replace('-', " ")))
        .subcommand_required(true)
        .arg_required_else_help(true);
    for (child, sub) in &tree.children {
        cmd = cmd.subcommand(to_command(child, sub));
    }
    cmd
}

fn global(arg: Arg) -> Arg {
    arg.global(true).help_heading("Global options")
}

/// The whole `seam` command.
pub fn build(routes: &[RouteCommand]) -> Command {
    let mut root = Command::new("seam")
        // Lay help out as written whatever clap features the build unifies (another crate in
        // the workspace turns on `wrap_help`): examples stay on one line, copy-pasteable.
        .term_width(0)
        .version(env!("CARGO_PKG_VERSION"))
        .about("The Seam API from the command line: every route as a command, plus a local sandbox")
        .long_about(
            "The Seam API from the command line: every route of Seam's API document is a command. \
             Commands mirror the API's paths (/user_identities/add_acs_user is \
             `seam user-identities add-acs-user`, /locks/unlock_door is `seam locks unlock-door`); \
             parameters are flags named after the API's (--user_identity_id or \
             --user-identity-id). Answers are printed as the server's JSON on stdout, errors as \
             one line on stderr.\n\n\
             Configuration: flags, else SEAM_API_KEY / SEAM_PERSONAL_ACCESS_TOKEN + \
             SEAM_WORKSPACE_ID / SEAM_ENDPOINT, else the file `seam login` wrote.",
        )
        .after_help(format!("{ROOT_EXAMPLES}\n\n{EXIT_CODES_HELP}"))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .arg(global(
            Arg::new("api-key")
                .long("api-key")
                .value_name("KEY")
                .help("API key (seam_...); else SEAM_API_KEY, else `seam login`")
                .conflicts_with("personal-access-token"),
        ))
        .arg(global(
            Arg::new("personal-access-token")
                .long("personal-access-token")
                .value_name("TOKEN")
                .help("Personal access token (seam_at...), with --workspace-id"),
        ))
        .arg(global(
            Arg::new("workspace-id")
                .long("workspace-id")
                .value_name("ID")
                .help("Workspace for a personal access token; else SEAM_WORKSPACE_ID"),
        ))
        .arg(global(
            Arg::new("without-workspace")
                .long("without-workspace")
                .action(ArgAction::SetTrue)
                .help("Use the personal access token in no workspace (for `workspaces create` and `workspaces list`); automatic for those when no workspace id is set"),
        ))
        .arg(global(
            Arg::new("endpoint")
                .long("endpoint")
                .value_name("URL")
                .help("API base URL; else SEAM_ENDPOINT, else https://connect.getseam.com"),
        ))
        .arg(global(
            Arg::new("timeout")
                .long("timeout")
                .value_name("SECONDS")
                .value_parser(parse_timeout)
                .help("How long one attempt may take (default 30)"),
        ))
        .arg(global(
            Arg::new("ca-cert")
                .long("ca-cert")
                .value_name("FILE")
                .value_parser(value_parser!(PathBuf))
                .help("Also trust the root certificates in this PEM file (a private CA, a TLS-inspecting proxy); else SSL_CERT_FILE"),
        ))
        .arg(global(
            Arg::new("proxy")
                .long("proxy")
                .value_name("URL")
                .conflicts_with("no-proxy")
                .help("Send requests through this HTTP proxy (http://[user:pass@]host:port); else HTTPS_PROXY / ALL_PROXY, minus NO_PROXY"),
        ))
        .arg(global(
            Arg::new("no-proxy")
                .long("no-proxy")
                .action(ArgAction::SetTrue)
                .help("Use no proxy, whatever HTTPS_PROXY / HTTP_PROXY / ALL_PROXY say"),
        ))
        .arg(global(
            Arg::new("json")
                .long("json")
                .action(ArgAction::SetTrue)
                .help("Compact JSON output, and errors as JSON on stderr"),
        ))
        .arg(global(
            Arg::new("dry-run")
                .long("dry-run")
                .action(ArgAction::SetTrue)
                .help("Print the request that would be sent (token redacted); send nothing"),
        ))
        .arg(global(
            Arg::new("non-interactive")
                .long("non-interactive")
                .action(ArgAction::SetTrue)
                .help("Never prompt: a missing parameter is a usage error"),
        ))
        .arg(global(
            Arg::new("sandbox")
                .long("sandbox")
                .action(ArgAction::SetTrue)
                .help("Use the local sandbox (a fake Seam kept in a file); no credentials needed"),
        ))
        .arg(global(
            Arg::new("sandbox-state")
                .long("sandbox-state")
                .value_name("FILE")
                .value_parser(value_parser!(PathBuf))
                .help("The sandbox's state file; else SEAM_SANDBOX_STATE, else ~/.local/share/seam/sandbox.json"),
        ));

    let mut tree = Tree::default();
    for route in routes {
        let mut node = &mut tree;
        for word in route.words() {
            node = node.children.entry(word).or_default();
        }
        node.leaf = Some(*route);
    }
    for (word, sub) in &tree.children {
        root = root.subcommand(to_command(word, sub));
    }
    // `seam webhooks verify` sits beside the generated webhooks routes.
    root = match root.find_subcommand("webhooks") {
        Some(_) => root.mut_subcommand("webhooks", |c| c.subcommand(crate::webhooks::command())),
        None => root.subcommand(
            Command::new("webhooks")
                .subcommand_required(true)
                .subcommand(crate::webhooks::command()),
        ),
    };

    root.subcommand(
        Command::new("login")
            .about("Check a token against the API and store it (mode 0600)")
            .after_help(
                "Example:\n  seam login --token seam_...\n  seam login --token seam_at... --workspace-id <workspace id>\n\n\
                 Without --token the token is read from a prompt (not echoed), or from stdin when it is not a terminal.",
            )
            .arg(
                Arg::new("token")
                    .long("token")
                    .value_name("TOKEN")
                    .help("The API key or personal access token to store"),
            ),
    )
    .subcommand(
        Command::new("logout")
            .about("Remove the stored token")
            .after_help("Example:\n  seam logout"),
    )
    .subcommand(
        Command::new("config")
            .about("Show the configuration")
            .subcommand_required(true)
            .arg_required_else_help(true)
            .subcommand(
                Command::new("show")
                    .about("Show the configuration in force and where each value comes from (token redacted)")
                    .after_help("Example:\n  seam config show"),
            ),
    )
    .subcommand(
        Command::new("sandbox")
            .about("The local sandbox: a fake Seam whose state is kept in a file")
            .long_about(sandbox_about())
            .subcommand_required(true)
            .arg_required_else_help(true)
            .subcommand(
                Command::new("reset")
                    .about("Put the seed back in the sandbox")
                    .after_help("Example:\n  seam sandbox reset"),
            )
            .subcommand(
                Command::new("serve")
                    .about("Serve the sandbox over HTTP until Ctrl-C; prints one JSON line with the endpoint and seeded ids")
                    .after_help(
                        "Example:\n  seam sandbox serve --listen 127.0.0.1:8080\n  seam --endpoint http://127.0.0.1:8080 --api-key seam_sandbox_api_key_0000000000000001 acs users list",
                    )
                    .arg(
                        Arg::new("listen")
                            .long("listen")
                            .value_name("ADDR")
                            .default_value("127.0.0.1:0")
                            .help("Address to listen on (port 0 picks a free one)"),
                    ),
            ),
    )
    .subcommand(
        Command::new("completions")
            .about("Print a shell completion script")
            .after_help("Example:\n  seam completions bash > ~/.local/share/bash-completion/completions/seam")
            .arg(
                Arg::new("shell")
                    .required(true)
                    .value_parser(clap::value_parser!(clap_complete::Shell))
                    .help("The shell: every one clap supports"),
            ),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use clap::error::ErrorKind;
    use seamapi_core::params::validate_json;

    use super::*;
    use crate::table::commands;

    /// Splits an example line as a POSIX shell would, for the quoting `sample` writes: words
    /// apart by spaces, `'…'` quoted, `'\''` an escaped quote.
    fn shell_words(line: &str) -> Vec<String> {
        let mut words = Vec::new();
        let mut word = String::new();
        let mut quoted = false;
        let mut started = false;
        for c in line.chars() {
            match c {
                '\'' => {
                    quoted = !quoted;
                    started = true;
                }
                '\\' if !quoted => {}
                ' ' if !quoted => {
                    if started {
                        words.push(std::mem::take(&mut word));
                        started = false;
                    }
                }
                c => {
                    word.push(c);
                    started = true;
                }
            }
        }
        if started {
            words.push(word);
        }
        words
    }

    #[test]
    fn the_command_tree_is_well_formed() {
        build(&commands()).debug_assert();
    }

    #[test]
    fn every_route_has_a_command_whose_help_exits_0() {
        let routes = commands();
        let mut app = build(&routes);
        for route in &routes {
            for flag in ["--help", "-h"] {
                let mut args = vec!["seam".to_owned()];
                args.extend(route.words());
                args.push(flag.to_owned());
                let err = app.try_get_matches_from_mut(&args).unwrap_err();
                assert_eq!(err.kind(), ErrorKind::DisplayHelp, "{args:?}: {err}");
                assert_eq!(err.exit_code(), 0, "{args:?}");
                let help = err.to_string();
                assert!(help.contains(&example(route)), "{args:?}: {help}");
                if flag == "--help" {
                    assert!(help.contains(route.info.path), "{args:?}: {help}");
                    assert!(help.contains(route.info.method.as_str()), "{args:?}");
                    assert!(help.contains(&route.info.auth.to_string()), "{args:?}");
                }
            }
        }
    }

    #[test]
    fn every_example_parses_and_its_parameters_pass_the_routes_rules() {
        let routes = commands();
        let mut app = build(&routes);
        for route in &routes {
            let line = example(route);
            let words = shell_words(&line);
            let matches = app
                .try_get_matches_from_mut(&words)
                .unwrap_or_else(|e| panic!("{line}: {e}"));
            let mut leaf = &matches;
            while let Some((_, sub)) = leaf.subcommand() {
                leaf = sub;
            }
            let params = crate::collect(route, leaf).unwrap();
            assert!(
                crate::table::missing(route.info.params, &params).is_empty(),
                "{line}"
            );
            let errors = validate_json(route.info.params, &params);
            assert!(errors.is_empty(), "{line}: {errors:?}");
        }
    }

    #[test]
    fn flags_take_typed_values() {
        let routes = commands();
        let mut app = build(&routes);
        let mut parse = |args: &[&str]| {
            let mut all = vec!["seam"];
            all.extend(args);
            let matches = app.try_get_matches_from_mut(&all)?;
            let mut words = Vec::new();
            let mut leaf = &matches;
            while let Some((name, sub)) = leaf.subcommand() {
                words.push(name.to_owned());
                leaf = sub;
            }
            let route = routes.iter().find(|r| r.words() == words).unwrap();
            Ok::<_, clap::Error>(crate::collect(route, leaf).unwrap())
        };
        // A boolean is a value, an integer a number, an array repeats (both spellings).
        let params = parse(&[
            "access-codes",
            "create",
            "--device_id",
            "d73f4706-67e3-419d-899e-ec957a75ee0c",
            "--is_one_time_use",
            "false",
            "--code",
            "1234",
        ])
        .unwrap();
        assert_eq!(params["is_one_time_use"], serde_json::json!(false));
        assert_eq!(params["code"], serde_json::json!("1234"));
        assert!(
            parse(&["access-codes", "create", "--is_one_time_use", "no"]).is_err(),
            "not a boolean"
        );
        let params = parse(&[
            "devices",
            "list",
            "--limit",
            "5",
            "--device_ids",
            "a",
            "--device-ids",
            "b,c",
        ])
        .unwrap();
        assert_eq!(params["limit"], serde_json::json!(5));
        assert_eq!(params["device_ids"], serde_json::json!(["a", "b,c"]));
        // JSON for objects, JSON or text for a value of several shapes.
        let params = parse(&[
            "access-grants",
            "create",
            "--requested_access_methods",
            r#"[{"mode":"code"}]"#,
            "--user-identity",
            r#"{"full_name":"Kim"}"#,
            "--device_type",
            "x",
        ]);
        assert!(params.is_err(), "access-grants create has no --device_type");
        let params = parse(&[
            "access-grants",
            "create",
            "--requested_access_methods",
            r#"[{"mode":"code"}]"#,
            "--user-identity",
            r#"{"full_name":"Kim"}"#,
        ])
        .unwrap();
        assert_eq!(
            params["requested_access_methods"],
            serde_json::json!([{"mode": "code"}])
        );
        assert_eq!(params["user_identity"]["full_name"], "Kim");
        let err = parse(&["access-grants", "create", "--user_identity", "{"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("--user_identity"), "{err}");
        let params = parse(&["devices", "list", "--device_type", "august_lock"]).unwrap();
        assert_eq!(params["device_type"], "august_lock");
        // An enum value outside the list passes clap, for core's rules to refuse with the
        // server's message.
        let params = parse(&["devices", "list", "--manufacturer", "acme"]).unwrap();
        let info = routes
            .iter()
            .find(|r| r.info.name == "devices.list")
            .unwrap()
            .info;
        let errors = validate_json(info.params, &params);
        assert!(
            errors.messages("manufacturer")[0].starts_with("Invalid enum value. Expected 'akuvox'"),
            "{errors:?}"
        );
    }
}
