//! Replays the committed corpus of the `fake_request` fuzz target (`fuzz/corpus/`) through the
//! same function the fuzzer runs, so every input the fuzzer kept is checked on every CI run.
//! A missing or empty corpus fails the test.

use std::path::Path;

#[test]
fn fake_request_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/fake_request");
    match seam_core::fuzzing::replay_corpus(&dir, seam_fake::fuzzing::handle_requests) {
        Ok(n) => eprintln!("replayed {n} inputs from {}", dir.display()),
        Err(e) => panic!("{e}"),
    }
}
