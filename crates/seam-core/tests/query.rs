//! `query_string` against the query strings Seam's own serializer writes.
//!
//! `query_cases.json` holds the cases. Their `expected` and `error` come from
//! `@seamapi/url-search-params-serializer` (pinned in `xtask/conformance/package.json`) run by
//! `xtask/conformance/query.mjs`, never written by hand: `node xtask/conformance/query.mjs
//! --write` prints the file regenerated (write it elsewhere first, then move it over this one;
//! see `docs/conformance.md`), and `cargo xtask conformance` checks that they still are what
//! the package writes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use seamapi_core::Error;
use seamapi_core::codec::query_string;
use serde_json::Value;

const CASES: &str = include_str!("query_cases.json");

#[test]
fn query_strings_are_the_ones_seams_serializer_writes() {
    let cases: Vec<Value> = serde_json::from_str(CASES).expect("query_cases.json is JSON");
    assert!(!cases.is_empty(), "query_cases.json has no cases");
    let mut mismatches = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().expect("every case has a name");
        let params = case["params"]
            .as_object()
            .unwrap_or_else(|| panic!("{name}: params is not an object"));
        let got = query_string(params);
        let wrong = if case["error"] == Value::Bool(true) {
            match &got {
                Err(Error::Encode(_)) => None,
                Err(other) => Some(format!("expected Error::Encode, got {other:?}")),
                Ok(query) => Some(format!("expected an error, got {query:?}")),
            }
        } else {
            let expected = case["expected"]
                .as_str()
                .unwrap_or_else(|| panic!("{name}: neither \"expected\" nor \"error\": true"));
            match &got {
                Ok(query) if query == expected => None,
                Ok(query) => Some(format!("expected {expected:?}\n         got {query:?}")),
                Err(e) => Some(format!("expected {expected:?}\n         got error {e}")),
            }
        };
        if let Some(wrong) = wrong {
            mismatches.push(format!("{name}: {wrong}"));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} cases differ from @seamapi/url-search-params-serializer:\n{}",
        mismatches.len(),
        cases.len(),
        mismatches.join("\n")
    );
}
