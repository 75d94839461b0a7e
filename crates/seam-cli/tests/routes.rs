//! The generated commands against recording HTTP servers (no sandbox): how each route is sent
//! (method, query string, JSON body, credentials), that the answer is printed as the server
//! sent it, and that lists stop instead of looping.

#![allow(clippy::unwrap_used)]

mod common;

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use common::{Home, Out, run};
use seamapi_transport::test_util::{Reply, TestServer};
use serde_json::{Value, json};

const KEY: &str = "seam_routes_test_key_1";
const PAT: &str = "seam_at_routes_test_token_1";
const ID: &str = "d73f4706-67e3-419d-899e-ec957a75ee0c";
const ID2: &str = "5eed0002-0000-4000-8000-000000000001";

/// `seam --endpoint <server>` in a clean home, with no credentials yet.
fn seam(home: &Home, server: &TestServer) -> Command {
    let mut cmd = home.bare();
    cmd.args(["--endpoint", server.url()]);
    cmd
}

fn with_key(home: &Home, server: &TestServer) -> Command {
    let mut cmd = seam(home, server);
    cmd.args(["--api-key", KEY]);
    cmd
}

fn header<'a>(request: &'a http::Request<Bytes>, name: &str) -> Option<&'a str> {
    request.headers().get(name).and_then(|v| v.to_str().ok())
}

fn body(request: &http::Request<Bytes>) -> Value {
    serde_json::from_slice(request.body()).unwrap()
}

/// The query parameter `name` of `request`, every value.
fn query<'a>(request: &'a http::Request<Bytes>, name: &str) -> Vec<&'a str> {
    request
        .uri()
        .query()
        .unwrap_or_default()
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .filter(|(k, _)| *k == name)
        .map(|(_, v)| v)
        .collect()
}

#[test]
fn a_get_route_sends_its_parameters_in_the_query_string() {
    let home = Home::new("routes-get");
    let server = TestServer::always(Reply::json(
        200,
        r#"{"access_codes":[],"pagination":{"has_next_page":false,"next_page_cursor":null},"ok":true}"#,
    ));
    let out = run(
        with_key(&home, &server),
        &[
            "access-codes",
            "list",
            "--device_id",
            ID,
            "--access_code_ids",
            ID,
            "--access-code-ids",
            ID2,
            "--limit",
            "2",
        ],
        None,
    )
    .ok();
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method(), http::Method::GET);
    assert_eq!(request.uri().path(), "/access_codes/list");
    assert_eq!(
        request.uri().query(),
        Some(
            format!(
                "access_code_ids={ID}&access_code_ids={ID2}&device_id={ID}&limit=2&_strict=true"
            )
            .as_str()
        )
    );
    assert!(request.body().is_empty());
    assert_eq!(
        header(request, "authorization"),
        Some(&*format!("Bearer {KEY}"))
    );
    // One page (--limit): the items and the pagination, without `ok`.
    assert_eq!(
        out.json(),
        json!({"access_codes": [], "pagination": {"has_next_page": false, "next_page_cursor": null}})
    );
}

#[test]
fn a_post_route_sends_a_json_body_and_a_void_route_prints_an_empty_object() {
    let home = Home::new("routes-post");
    let server = TestServer::always(Reply::json(200, r#"{"ok":true}"#));
    let out = run(
        with_key(&home, &server),
        &["connected-accounts", "sync", "--connected_account_id", ID],
        None,
    )
    .ok();
    assert_eq!(out.stdout, "{}\n");
    let request = &server.requests()[0];
    assert_eq!(request.method(), http::Method::POST);
    assert_eq!(request.uri().path(), "/connected_accounts/sync");
    assert_eq!(body(request), json!({"connected_account_id": ID}));
}

#[test]
fn fields_this_version_does_not_know_are_printed() {
    let home = Home::new("routes-unknown");
    let answer = json!({
        "device": {
            "device_id": ID,
            "display_name": "Front door",
            "a_field_from_the_future": {"nested": [1, 2, 3]},
            "properties": {"locked": true, "brand_new_property": "kept"}
        },
        "a_top_level_field_from_the_future": "kept too",
        "ok": true
    });
    let server = TestServer::always(Reply::json(200, &answer.to_string()));
    let out = run(
        with_key(&home, &server),
        &["devices", "get", "--device_id", ID],
        None,
    )
    .ok();
    let mut expected = answer.clone();
    expected.as_object_mut().unwrap().remove("ok");
    assert_eq!(out.json(), expected);
    // Compact, one line, when stdout is not a terminal.
    assert_eq!(out.stdout, format!("{expected}\n"));
    // --json: the same.
    let mut cmd = with_key(&home, &server);
    cmd.arg("--json");
    let out = run(cmd, &["devices", "get", "--device_id", ID], None).ok();
    assert_eq!(out.json(), expected);
    // Every page of a list keeps unknown fields of the items too.
    let server = TestServer::always(Reply::json(
        200,
        r#"{"devices":[{"device_id":"x","new_field":1}],"pagination":{"has_next_page":false},"ok":true}"#,
    ));
    let out = run(with_key(&home, &server), &["devices", "list"], None).ok();
    assert_eq!(
        out.json(),
        json!({"devices": [{"device_id": "x", "new_field": 1}]})
    );
}

#[test]
fn json_flags_are_parsed_and_sent_as_json() {
    let home = Home::new("routes-json");
    let server = TestServer::always(Reply::json(
        200,
        r#"{"access_grant":{"access_grant_id":"g"},"ok":true}"#,
    ));
    let out = run(
        with_key(&home, &server),
        &[
            "access-grants",
            "create",
            "--requested_access_methods",
            r#"[{"mode":"code"},{"mode":"card"}]"#,
            "--user-identity",
            r#"{"full_name":"Kim Lee","email_address":"kim@example.com"}"#,
            "--device_ids",
            ID,
            "--name",
            "Stay 7",
        ],
        None,
    )
    .ok();
    assert_eq!(
        out.json(),
        json!({"access_grant": {"access_grant_id": "g"}})
    );
    assert_eq!(
        body(&server.requests()[0]),
        json!({
            "requested_access_methods": [{"mode": "code"}, {"mode": "card"}],
            "user_identity": {"full_name": "Kim Lee", "email_address": "kim@example.com"},
            "device_ids": [ID],
            "name": "Stay 7",
        })
    );

    // Typed scalars: a boolean is a value, a number stays a number.
    let server = TestServer::always(Reply::json(
        200,
        r#"{"access_code":{"access_code_id":"c"},"ok":true}"#,
    ));
    run(
        with_key(&home, &server),
        &[
            "access-codes",
            "create",
            "--device_id",
            ID,
            "--code",
            "1234",
            "--is_one_time_use",
            "false",
        ],
        None,
    )
    .ok();
    assert_eq!(
        body(&server.requests()[0]),
        json!({"device_id": ID, "code": "1234", "is_one_time_use": false})
    );

    // The same from --input, where flags win; then JSON that does not parse, an object that
    // breaks the nested rules, and an enum value outside the list: refused before sending.
    let server = TestServer::always(Reply::json(200, r#"{"ok":true}"#));
    let input = json!({"requested_access_methods": [{"mode": "code"}], "user_identity_id": ID, "name": "from input"});
    run(
        with_key(&home, &server),
        &["access-grants", "create", "--input", "-", "--name", "flag"],
        Some(&input.to_string()),
    )
    .ok();
    assert_eq!(
        body(&server.requests()[0]),
        json!({"requested_access_methods": [{"mode": "code"}], "user_identity_id": ID, "name": "flag"})
    );
    let refused: [(&[&str], &str); 3] = [
        (
            &[
                "access-grants",
                "create",
                "--user_identity_id",
                ID,
                "--requested_access_methods",
                "[{",
            ],
            "invalid value for --requested_access_methods",
        ),
        (
            &[
                "access-grants",
                "create",
                "--user_identity_id",
                ID,
                "--requested_access_methods",
                r#"[{"mode":"telepathy"}]"#,
            ],
            "[requested_access_methods: mode: Invalid enum value. Expected",
        ),
        (
            &["devices", "list", "--manufacturer", "acme"],
            "[manufacturer: Invalid enum value. Expected 'akuvox' | 'august'",
        ),
    ];
    for (args, message) in refused {
        let out = run(with_key(&home, &server), args, None);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        assert!(out.stderr.contains(message), "{args:?}: {out:?}");
    }
    assert_eq!(server.count(), 1, "nothing refused was sent");
}

/// A list server: page `n` (from the cursor) has one item; `next` says what comes after it.
fn pages(next: impl Fn(usize) -> Option<String> + Send + Sync + 'static) -> TestServer {
    TestServer::start(move |request| {
        let n: usize = query(request, "page_cursor")
            .first()
            .and_then(|c| c.strip_prefix("c"))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let pagination = match next(n) {
            Some(cursor) => json!({"has_next_page": true, "next_page_cursor": cursor}),
            None => json!({"has_next_page": false, "next_page_cursor": null}),
        };
        Reply::json(
            200,
            &json!({"access_codes": [{"access_code_id": format!("code{n}")}], "pagination": pagination, "ok": true})
                .to_string(),
        )
    })
}

fn list(home: &Home, server: &TestServer, extra: &[&str]) -> Out {
    let mut args = vec!["access-codes", "list", "--device_id", ID];
    args.extend(extra);
    run(with_key(home, server), &args, None)
}

#[test]
fn lists_read_every_page_and_stop_at_max_pages_or_a_repeated_cursor() {
    let home = Home::new("routes-pages");
    // Three pages, then the end: every item, no pagination.
    let server = pages(|n| (n < 2).then(|| format!("c{}", n + 1)));
    let out = list(&home, &server, &[]).ok();
    assert_eq!(
        out.json(),
        json!({"access_codes": [
            {"access_code_id": "code0"}, {"access_code_id": "code1"}, {"access_code_id": "code2"}
        ]})
    );
    assert_eq!(server.count(), 3);

    // A server that always has another page: --max-pages stops it, with an error.
    let endless = pages(|n| Some(format!("c{}", n + 1)));
    let out = list(&home, &endless, &["--max-pages", "5"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.is_empty(), "{out:?}");
    assert!(
        out.stderr.starts_with(
            "error: pagination: pagination failed: read 5 pages (the limit of pages for one walk)"
        ),
        "{out:?}"
    );
    assert!(out.stderr.contains("hint: raise --max-pages"), "{out:?}");
    assert_eq!(endless.count(), 5);
    // Each page asks for 100 items (far from the 16 MiB cap on an answer).
    assert!(
        endless.requests()[0]
            .uri()
            .query()
            .unwrap()
            .contains("limit=100&"),
        "{:?}",
        endless.requests()[0].uri()
    );
    // And --max-items, 1 item a page here.
    let out = list(&home, &endless, &["--max-items", "3"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("read 3 items"), "{out:?}");
    assert_eq!(endless.count(), 5 + 3);
    // The default bound is 1000 pages.
    let out = run(
        with_key(&home, &endless),
        &["access-codes", "list", "--help"],
        None,
    )
    .ok();
    assert!(out.stdout.contains("[default: 1000]"), "{out:?}");
    assert!(out.stdout.contains("[default: 100000]"), "{out:?}");

    // A cursor handed out twice stops the walk instead of looping.
    let looping = pages(|_| Some("c1".to_owned()));
    let out = list(&home, &looping, &[]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("returned page cursor \"c1\" twice"),
        "{out:?}"
    );
    assert_eq!(looping.count(), 2);

    // --page-cursor or --limit: one page, with its pagination.
    let out = list(&home, &endless, &["--page-cursor", "c7"]).ok();
    assert_eq!(out.json()["access_codes"][0]["access_code_id"], "code7");
    assert_eq!(out.json()["pagination"]["next_page_cursor"], "c8");
}

#[test]
fn workspaces_routes_run_without_a_workspace() {
    let home = Home::new("routes-workspaces");
    let server = TestServer::always(Reply::json(200, r#"{"workspaces":[],"ok":true}"#));

    // A personal access token and no workspace id: `workspaces list` runs without one.
    let mut cmd = seam(&home, &server);
    cmd.env("SEAM_PERSONAL_ACCESS_TOKEN", PAT);
    let out = run(cmd, &["workspaces", "list"], None).ok();
    assert_eq!(out.json(), json!({"workspaces": []}));
    let request = server.requests().pop().unwrap();
    assert_eq!(request.method(), http::Method::GET);
    assert_eq!(request.uri().path(), "/workspaces/list");
    assert_eq!(
        header(&request, "authorization"),
        Some(&*format!("Bearer {PAT}"))
    );
    assert_eq!(header(&request, "seam-workspace"), None);

    // --without-workspace drops the workspace id given, for `workspaces create`.
    let server = TestServer::always(Reply::json(
        200,
        r#"{"workspace":{"workspace_id":"w2"},"ok":true}"#,
    ));
    let mut cmd = seam(&home, &server);
    cmd.args([
        "--personal-access-token",
        PAT,
        "--workspace-id",
        "ws_1",
        "--without-workspace",
    ]);
    let out = run(cmd, &["workspaces", "create", "--name", "New"], None).ok();
    assert_eq!(out.json(), json!({"workspace": {"workspace_id": "w2"}}));
    let request = server.requests().pop().unwrap();
    assert_eq!(header(&request, "seam-workspace"), None);
    assert_eq!(body(&request), json!({"name": "New"}));

    // Refused before sending, with core's message: a token in a workspace for `workspaces
    // create`, an API key there, an API key with --without-workspace, and a token without a
    // workspace for a route that needs one.
    let cases: [(&[&str], &str); 4] = [
        (
            &[
                "--personal-access-token",
                PAT,
                "--workspace-id",
                "ws_1",
                "workspaces",
                "create",
                "--name",
                "x",
            ],
            "error: configuration: workspaces.create cannot be called with a personal access token with a workspace; it accepts",
        ),
        (
            &["--api-key", KEY, "workspaces", "create", "--name", "x"],
            "error: configuration: workspaces.create cannot be called with an API key",
        ),
        (
            &[
                "--api-key",
                KEY,
                "--without-workspace",
                "workspaces",
                "list",
            ],
            "error: configuration: a client without a workspace takes",
        ),
        (
            &[
                "--personal-access-token",
                PAT,
                "--without-workspace",
                "devices",
                "list",
            ],
            "error: configuration: devices.list cannot be called with a personal access token without a workspace",
        ),
    ];
    for (args, message) in cases {
        for dry_run in [false, true] {
            let mut cmd = seam(&home, &server);
            if dry_run {
                cmd.arg("--dry-run");
            }
            let out = run(cmd, args, None);
            assert_eq!(out.code, 3, "{args:?}: {out:?}");
            assert!(out.stderr.starts_with(message), "{args:?}: {out:?}");
            assert!(!out.stderr.contains(PAT) && !out.stderr.contains(KEY));
        }
    }
    assert_eq!(server.count(), 1, "nothing refused was sent");
}

#[test]
fn login_without_a_workspace_checks_with_workspaces_list() {
    let home = Home::new("routes-login");
    let server = TestServer::always(Reply::json(200, r#"{"workspaces":[],"ok":true}"#));
    let out = run(
        seam(&home, &server),
        &["--without-workspace", "login", "--token", PAT],
        None,
    )
    .ok();
    assert_eq!(out.json()["logged_in"], true);
    assert_eq!(out.json()["workspace_id"], Value::Null);
    let request = server.requests().pop().unwrap();
    assert_eq!(request.uri().path(), "/workspaces/list");
    assert_eq!(header(&request, "seam-workspace"), None);
    // The stored token then runs `workspaces list` with no flag.
    let out = run(home.bare(), &["workspaces", "list"], None).ok();
    assert_eq!(out.json(), json!({"workspaces": []}));
    assert_eq!(server.count(), 2);
}

#[test]
fn retries_follow_the_route() {
    // A read is retried after a 503; an action (unlock) is not.
    let home = Home::new("routes-retry");
    let calls = std::sync::Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    let server = TestServer::start(move |_| {
        if seen.fetch_add(1, Ordering::SeqCst) == 0 {
            Reply::json(503, r#"{"error":{"type":"unavailable","message":"busy"}}"#)
        } else {
            Reply::json(200, r#"{"device":{"device_id":"d"},"ok":true}"#)
        }
    });
    run(
        with_key(&home, &server),
        &["devices", "get", "--device_id", ID],
        None,
    )
    .ok();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    let server = TestServer::always(Reply::json(
        503,
        r#"{"error":{"type":"unavailable","message":"busy"}}"#,
    ));
    let out = run(
        with_key(&home, &server),
        &["locks", "unlock-door", "--device_id", ID],
        None,
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(server.count(), 1, "an unlock is never sent twice");
}

/// An answer holding an unlock attempt with `status` (and `error` when it failed).
fn attempt(status: &str, error: &str) -> Reply {
    Reply::json(
        200,
        &format!(
            r#"{{"action_attempt":{{"action_attempt_id":"{ID2}","action_type":"UNLOCK_DOOR","status":"{status}","result":null,"error":{error}}},"ok":true}}"#
        ),
    )
    .header("seam-request-id", &format!("req_{status}"))
}

fn paths(server: &TestServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .map(|r| r.uri().path().to_owned())
        .collect()
}

#[test]
fn an_unlock_waits_for_its_attempt_and_prints_it_finished() {
    let home = Home::new("routes-unlock-waits");
    let server = TestServer::script(vec![attempt("pending", "null"), attempt("success", "null")]);
    let out = run(
        with_key(&home, &server),
        &["locks", "unlock-door", "--device_id", ID],
        None,
    )
    .ok();
    assert_eq!(out.json()["action_attempt"]["status"], "success", "{out:?}");
    assert_eq!(
        paths(&server),
        ["/locks/unlock_door", "/action_attempts/get"]
    );
    // The read is a GET with the id in the query string.
    let read = &server.requests()[1];
    assert_eq!(read.method(), http::Method::GET);
    assert_eq!(query(read, "action_attempt_id"), [ID2]);
}

#[test]
fn no_wait_prints_the_pending_attempt_at_once() {
    let home = Home::new("routes-unlock-no-wait");
    let server = TestServer::always(attempt("pending", "null"));
    let out = run(
        with_key(&home, &server),
        &["locks", "unlock-door", "--device_id", ID, "--no-wait"],
        None,
    )
    .ok();
    assert_eq!(out.json()["action_attempt"]["status"], "pending");
    assert_eq!(paths(&server), ["/locks/unlock_door"]);
}

#[test]
fn a_failed_attempt_exits_6_with_its_error_type_on_one_line() {
    let home = Home::new("routes-unlock-failed");
    let server = TestServer::script(vec![
        attempt("pending", "null"),
        attempt(
            "error",
            r#"{"type":"lock_jammed","message":"The lock is jammed"}"#,
        ),
    ]);
    let out = run(
        with_key(&home, &server),
        &["locks", "unlock-door", "--device_id", ID],
        None,
    );
    assert_eq!(out.code, 6, "{out:?}");
    assert_eq!(out.stdout, "");
    assert_eq!(out.stderr.lines().count(), 1, "{out:?}");
    assert!(
        out.stderr.starts_with(&format!(
            "error: lock_jammed: action attempt {ID2} (UNLOCK_DOOR) failed: The lock is jammed (request id req_error); hint: "
        )),
        "{out:?}"
    );
    // --json keeps the attempt as the server sent it.
    let out = run(
        with_key(&home, &server),
        &["--json", "locks", "unlock-door", "--device_id", ID],
        None,
    );
    assert_eq!(out.code, 6, "{out:?}");
    let error: Value = serde_json::from_str(out.stderr.trim()).unwrap();
    assert_eq!(error["error"]["type"], "lock_jammed");
    assert_eq!(error["error"]["action_attempt"]["status"], "error");
    assert_eq!(error["exit_code"], 6);
}

#[test]
fn an_attempt_still_pending_at_wait_timeout_exits_7_saying_it_may_still_happen() {
    let home = Home::new("routes-unlock-pending");
    let server = TestServer::always(attempt("pending", "null"));
    let out = run(
        with_key(&home, &server),
        &[
            "locks",
            "unlock-door",
            "--device_id",
            ID,
            "--wait-timeout",
            "0.2",
        ],
        None,
    );
    assert_eq!(out.code, 7, "{out:?}");
    assert!(out.stderr.starts_with("error: action_pending: "), "{out:?}");
    assert!(out.stderr.contains("may still happen"), "{out:?}");
    assert!(out.stderr.contains("--wait-timeout"), "{out:?}");
    // The unlock was sent once, whatever the reads.
    assert_eq!(
        paths(&server)
            .iter()
            .filter(|p| *p == "/locks/unlock_door")
            .count(),
        1
    );
    // A bad timeout is a usage error.
    let out = run(
        with_key(&home, &server),
        &[
            "locks",
            "unlock-door",
            "--device_id",
            ID,
            "--wait-timeout",
            "0",
        ],
        None,
    );
    assert_eq!(out.code, 2, "{out:?}");
}
