//! Replays the committed corpus of the `fake_request` fuzz target (`fuzz/corpus/`) through the
//! same function the fuzzer runs, so every input the fuzzer kept is checked on every CI run.
//! A missing or empty corpus fails the test.

#[test]
fn fake_request_corpus() {
    seamapi_core::fuzzing::replay_corpus("fake_request", seamapi_fake::fuzzing::handle_requests);
}
