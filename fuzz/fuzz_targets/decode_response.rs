//! An answer (status, headers, body) decoded as every route's, walked by the pager and
//! given to the retry decision: `seamapi_api::fuzzing::decode_response`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| seamapi_api::fuzzing::decode_response(data));
