//! The clap command tree: global options, the API commands generated from the route table,
//! and the local commands (login, logout, config, sandbox, completions).

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::{Arg, ArgAction, Command, value_parser};
use seam_core::params::{ParamKind, ParamSpec, Requirement};

use crate::fail::EXIT_CODES_HELP;
use crate::settings::parse_timeout;
use crate::table::{RouteCommand, dashed, value_name};

const ROOT_EXAMPLES: &str = "\
Examples:
  seam --sandbox user-identities add-acs-user --user_identity_key jane --acs_user_id 5eed0002-0000-4000-8000-000000000001
  seam --sandbox user-identities list-acs-users --user-identity-id 5eed0003-0000-4000-8000-000000000001
  SEAM_API_KEY=seam_... seam acs users list --limit 10
  echo '{\"acs_user_id\": \"...\"}' | seam acs users get --input -";

/// A sample value for a parameter, for the examples in `--help` (the sandbox's seeded ids,
/// so that every example runs with `--sandbox`).
fn sample(spec: &ParamSpec) -> &'static str {
    match (spec.name, spec.kind) {
        ("acs_user_id", _) => seam_fake::seed::ACS_USER_IDS[0],
        ("user_identity_id", _) => seam_fake::seed::USER_IDENTITY_ID,
        ("user_identity_key", _) => seam_fake::seed::USER_IDENTITY_KEY,
        ("acs_system_id", _) => seam_fake::seed::HQ_ACS_SYSTEM_ID,
        (_, ParamKind::PositiveInteger) => "10",
        (_, ParamKind::Email) => "jane@example.com",
        (_, ParamKind::DateTime) => "2024-01-01T00:00:00Z",
        (_, ParamKind::Uuid | ParamKind::UuidArray) => seam_fake::seed::HQ_ACS_SYSTEM_ID,
        _ => "jane",
    }
}

fn example(route: &RouteCommand) -> String {
    let mut line = format!("seam --sandbox {}", route.words().join(" "));
    let mut one_of_done = false;
    for spec in route.params {
        let wanted = match spec.requirement {
            Requirement::Required => true,
            Requirement::OneOf => !std::mem::replace(&mut one_of_done, true),
            _ => false,
        };
        if wanted {
            line.push_str(&format!(" --{} {}", spec.name, sample(spec)));
        }
    }
    if route.paginated {
        line.push_str(" --limit 10");
    }
    line
}

fn param_arg(spec: &ParamSpec) -> Arg {
    let mut help = spec.doc.trim().to_owned();
    match spec.requirement {
        Requirement::Required => help.push_str(" [required]"),
        Requirement::OneOf => help.push_str(" [one of a group is required]"),
        _ => {}
    }
    let mut arg = Arg::new(spec.name)
        .long(spec.name)
        .value_name(value_name(spec.kind))
        .help(help);
    if let Some(d) = dashed(spec.name) {
        arg = arg.visible_alias(d);
    }
    match spec.kind {
        ParamKind::UuidArray => arg.action(ArgAction::Append),
        ParamKind::PositiveInteger => arg
            .value_parser(value_parser!(i64))
            .allow_negative_numbers(true),
        _ => arg,
    }
}

fn route_command(word: &str, route: &RouteCommand) -> Command {
    let about = route
        .about
        .lines()
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned();
    let prints = match route.output_key {
        Some(key) => format!("{{\"{key}\": …}}"),
        None => "{}".to_owned(),
    };
    let mut long = format!(
        "{}\n\nRoute {}: {} {}. Prints {prints}.",
        route.about.trim(),
        route.name,
        route.method,
        route.path
    );
    if route.paginated {
        long.push_str(
            "\n\nPrints every page by default; --limit or --page-cursor prints one page and its pagination.",
        );
    }
    let mut cmd = Command::new(word.to_owned())
        .about(about)
        .long_about(long)
        .after_help(format!(
            "Example:\n  {}\n\nParameters may also come as a JSON object with --input - (flags win).",
            example(route)
        ))
        .arg(
            Arg::new("input")
                .long("input")
                .value_name("FILE")
                .value_parser(value_parser!(PathBuf))
                .help("Read parameters as a JSON object from FILE ('-' for stdin); flags win"),
        );
    for spec in route.params {
        cmd = cmd.arg(param_arg(spec));
    }
    cmd
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
    arg.global(true)
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
            "The Seam API from the command line. Commands mirror the API's paths \
             (/user_identities/add_acs_user is `seam user-identities add-acs-user`); parameters \
             are flags named after the API's (--user_identity_id or --user-identity-id). Answers \
             are printed as JSON on stdout, errors as one line on stderr.\n\n\
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
        node.leaf = Some(route.clone());
    }
    for (word, sub) in &tree.children {
        root = root.subcommand(to_command(word, sub));
    }

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
                    .value_parser(["bash", "zsh", "fish"])
                    .help("The shell"),
            ),
    )
}
