//! A webhook delivery (secret, headers, body) verified and decoded into an `Event`:
//! `seam_api::fuzzing::verify_webhook`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| seam_api::fuzzing::verify_webhook(data));
