//! Replays the committed corpus of the `decode_response` fuzz target (`fuzz/corpus/`) through
//! the same function the fuzzer runs, so every input the fuzzer kept is checked on every CI
//! run. A missing or empty corpus fails the test.

use std::path::Path;

#[test]
fn decode_response_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/decode_response");
    match seam_core::fuzzing::replay_corpus(&dir, seam_core::fuzzing::decode_response) {
        Ok(n) => eprintln!("replayed {n} inputs from {}", dir.display()),
        Err(e) => panic!("{e}"),
    }
}
