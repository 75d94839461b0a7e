//! Seam's SDKs: the JavaScript and Python scripts that run a list of cases.

use std::collections::BTreeMap;
use std::process::Command;

use serde_json::{Value, json};

use super::outcome::Outcome;
use super::process::json_line;
use super::{Env, SOURCES};

pub(super) struct Case {
    pub(super) name: &'static str,
    pub(super) api_key: &'static str,
    pub(super) params: Value,
}

/// Runs the cases through one SDK; the outcome of each, by name.
pub(super) fn sdk(
    env: &Env,
    which: Sdk,
    endpoint: &str,
    cases: &[Case],
) -> Result<(String, BTreeMap<String, Outcome>), String> {
    let spec = json!({
        "endpoint": endpoint,
        "cases": cases.iter().map(|c| json!({"name": c.name, "api_key": c.api_key, "params": c.params})).collect::<Vec<_>>(),
    });
    let mut cmd = match which {
        Sdk::Js => {
            let mut c = Command::new("node");
            c.arg("js-sdk-cases.mjs");
            c
        }
        Sdk::Python => {
            let mut c = Command::new(env.dir.join("venv/bin/python"));
            c.arg(
                crate::workspace_root()
                    .join(SOURCES)
                    .join("py_sdk_cases.py"),
            );
            c
        }
    };
    cmd.current_dir(&env.dir)
        .env("SEAM_CONFORMANCE_CASES", spec.to_string())
        .env_remove("SEAM_API_KEY")
        .env_remove("SEAM_ENDPOINT");
    let v = json_line(which.name(), cmd)?;
    let results = v["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| Some((r["name"].as_str()?.to_owned(), Outcome::of_sdk(r))))
        .collect();
    Ok((
        v["sdk"].as_str().unwrap_or(which.name()).to_owned(),
        results,
    ))
}

#[derive(Clone, Copy)]
pub(super) enum Sdk {
    Js,
    Python,
}

impl Sdk {
    fn name(self) -> &'static str {
        match self {
            Sdk::Js => "seam-js",
            Sdk::Python => "seam-python",
        }
    }
}
