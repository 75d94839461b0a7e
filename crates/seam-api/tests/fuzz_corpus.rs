//! Replays the committed corpus of the `decode_response` fuzz target (`fuzz/corpus/`) through
//! the same function the fuzzer runs, so every input the fuzzer kept is checked on every CI
//! run. A missing or empty corpus fails the test.

#[test]
fn decode_response_corpus() {
    seamapi_core::fuzzing::replay_corpus("decode_response", seamapi_api::fuzzing::decode_response);
}

#[test]
fn webhook_verify_corpus() {
    seamapi_core::fuzzing::replay_corpus("webhook_verify", seamapi_api::fuzzing::verify_webhook);
}
