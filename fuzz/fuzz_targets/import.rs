//! Raw bytes through the compose, Kubernetes and Threagile importers: never a panic,
//! and whatever an importer writes must load without an input error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    archlint_testing::import_bytes(data);
});
