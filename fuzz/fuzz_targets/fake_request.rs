//! Up to 8 requests (method, target, headers, body) sent to a seeded in-memory fake:
//! `seamapi_fake::fuzzing::handle_requests`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| seamapi_fake::fuzzing::handle_requests(data));
