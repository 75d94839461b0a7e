//! A webhook delivery (secret, headers, body) verified and decoded into an `Event`:
//! `seamapi_api::fuzzing::verify_webhook`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| seamapi_api::fuzzing::verify_webhook(data));
