//! Raw bytes through the whole pipeline: read, parse, validate, every rule, every
//! output format (and for valid files the review, estimate and pictures).
//! `archlint_testing::every_output` panics when an invariant breaks.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = archlint_testing::every_output("fuzz.arch.yaml", data);
});
