//! What the async facade costs per call over the transport it drives (issue 7): one
//! `add_acs_user` through `Seam::send` (validation, encoding, the per-attempt timeout, the
//! tracing span, the retry decision, decoding) against `baseline`, which hands the same bytes to
//! the same transport and parses the answer by hand. The transport answers `{"ok":true}` at
//! once, in memory, so the difference is the facade's own work and nothing of the network's.
//!
//! Run with `cargo bench -p seamapi --bench send`. Quote the ratio of the two from the same run.

use std::sync::Arc;

use bytes::Bytes;
use divan::black_box;
use seamapi::Transport;
use seamapi::routes::{AddAcsUser, UserIdentityRef};
use seamapi_transport::test_util::FnTransport;

const ENDPOINT: &str = "http://127.0.0.1:8080";
const API_KEY: &str = "seam_bench_api_key_0000000000000001";
const ACS_USER_ID: &str = "d73f4706-67e3-419d-899e-ec957a75ee0c";
const USER_IDENTITY_ID: &str = "68dd3d7e-c90b-4c89-ad70-3e589014ed87";

fn main() {
    divan::main();
}

fn transport() -> FnTransport {
    FnTransport::new(|_| Ok(FnTransport::json(200, r#"{"ok":true}"#)))
}

fn runtime() -> Option<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .ok()
}

#[derive(serde::Deserialize)]
struct PlainOk {
    #[allow(dead_code)]
    ok: bool,
}

/// One `add_acs_user` call.
mod add_acs_user {
    use super::*;

    #[divan::bench]
    fn seam_send(bencher: divan::Bencher) {
        let (Some(rt), Ok(seam)) = (
            runtime(),
            seamapi::Seam::builder()
                .api_key(API_KEY)
                .endpoint(ENDPOINT)
                .transport(transport())
                .build(),
        ) else {
            return;
        };
        bencher.bench_local(|| {
            rt.block_on(
                black_box(&seam)
                    .user_identities()
                    .add_acs_user(AddAcsUser::new(
                        ACS_USER_ID,
                        UserIdentityRef::id(USER_IDENTITY_ID),
                    )),
            )
            .is_ok()
        });
    }

    /// The same request bytes, prepared once and cloned, through the same `dyn Transport`; the
    /// answer parsed with `serde_json`. No validation, timeout, span or retry decision.
    #[divan::bench]
    fn baseline(bencher: divan::Bencher) {
        let Some(rt) = runtime() else { return };
        let Ok(config) = seamapi_core::Config::builder()
            .api_key(API_KEY)
            .endpoint(ENDPOINT)
            .build()
        else {
            return;
        };
        let Ok(template) = seamapi_core::Encoder::new(&config).encode(&AddAcsUser::new(
            ACS_USER_ID,
            UserIdentityRef::id(USER_IDENTITY_ID),
        )) else {
            return;
        };
        let transport: Arc<dyn Transport> = Arc::new(transport());
        bencher.bench_local(|| {
            rt.block_on(async {
                let request = seamapi_core::clone_request(black_box(&template));
                match transport.send(request).await {
                    Ok(answer) => {
                        answer.status().is_success()
                            && serde_json::from_slice::<PlainOk>(answer.body()).is_ok()
                    }
                    Err(_) => false,
                }
            })
        });
    }

    /// Diagnostic: only the runtime's `block_on` of a ready future, which both of the above pay.
    #[divan::bench]
    fn block_on_only(bencher: divan::Bencher) {
        let Some(rt) = runtime() else { return };
        bencher.bench_local(|| rt.block_on(async { black_box(Bytes::new()) }));
    }
}
