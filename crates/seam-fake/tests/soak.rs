//! A small soak (issue 8): 2,000 calls from 32 connections against the fake over HTTP, checked
//! call by call and at the end against the model of `seam_fake::soak`. `cargo xtask soak` runs
//! the full one (100,000 calls, 256 connections) against a `seam-fake serve` process.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bytes::Bytes;
use http::{Request, Response};
use seam_fake::soak::{self, Config};
use seam_fake::{FakeSeam, FakeServer, State};
use seam_transport::{Transport, TransportError};
use std::sync::atomic::{AtomicU64, Ordering};

fn fake_for(config: &Config) -> FakeSeam {
    FakeSeam::with_state(State::seeded_with_extra_acs_users(config.extra_acs_users()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_calls_from_32_connections_match_the_model() {
    let config = Config::new(2_000, 32);
    let fake = fake_for(&config);
    let server = FakeServer::start("127.0.0.1:0", fake.clone())
        .await
        .unwrap();
    let report = soak::run(server.endpoint(), &config).await.unwrap();
    eprintln!("{report}");
    assert_eq!(report.violations, Vec::<String>::new(), "{report}");
    assert_eq!(report.violation_count, 0);
    assert_eq!(report.requests, 2_000);
    assert_eq!(report.by_route.values().sum::<u64>(), 2_000);
    // Every error was predicted, type by type, and both kinds occurred.
    assert_eq!(report.errors, report.predicted_errors);
    for expected in [
        "acs_user_already_linked",
        "user_identity_already_has_acs_user_in_acs_system",
    ] {
        assert!(
            report.errors.get(expected).is_some_and(|n| *n > 0),
            "{report}"
        );
    }
    for how in ["by id", "by new key", "by existing key"] {
        assert!(report.add_by.get(how).is_some_and(|n| *n > 0), "{report}");
    }
    assert!(report.identities_created > 0 && report.links_at_end > 0);
    // Calls really overlapped, each on a connection of its own. How many overlapped depends on
    // the machine's scheduling, so this test asks only for overlap; `cargo xtask soak` requires
    // all of its connections in flight at once.
    assert!(report.max_in_flight > 1, "{report}");
    if let Some(open) = report.connections_open {
        assert!(
            open as u64 >= report.max_in_flight,
            "{open} connections: {report}"
        );
    }
    // The server's own view agrees.
    assert_eq!(fake.state().check_links(), Ok(()));
    server.stop().await.unwrap();
}

/// A backend that acknowledges every `lose_every`-th `add_acs_user` without doing it.
#[derive(Debug)]
struct Lossy {
    fake: FakeSeam,
    calls: AtomicU64,
    lose_every: u64,
}

#[async_trait::async_trait]
impl Transport for Lossy {
    async fn send(&self, request: Request<Bytes>) -> Result<Response<Bytes>, TransportError> {
        if request.uri().path() == "/user_identities/add_acs_user"
            && self.calls.fetch_add(1, Ordering::Relaxed) % self.lose_every == self.lose_every - 1
        {
            return Ok(Response::new(Bytes::from_static(br#"{"ok":true}"#)));
        }
        self.fake.send(request).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_loses_acknowledged_links_is_caught() {
    let config = Config::new(1_000, 8);
    let lossy = Lossy {
        fake: fake_for(&config),
        calls: AtomicU64::new(0),
        lose_every: 10,
    };
    let server = FakeServer::start("127.0.0.1:0", lossy).await.unwrap();
    let report = soak::run(server.endpoint(), &config).await.unwrap();
    assert!(report.violation_count > 0, "{report}");
    assert!(
        report
            .violations
            .iter()
            .any(|v| v.contains("the model") || v.contains("acknowledged")),
        "{report}"
    );
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_without_the_extra_acs_users_is_refused() {
    let server = FakeServer::start("127.0.0.1:0", FakeSeam::new())
        .await
        .unwrap();
    let err = soak::run(server.endpoint(), &Config::new(10, 4))
        .await
        .unwrap_err();
    assert!(err.contains("--extra-acs-users 24"), "{err}");
    server.stop().await.unwrap();
}
