//! Raw bytes as `.archlint.yaml` (custom rules, rule packs): never a panic, whatever the
//! definitions; when they load they run on a design with every output rendered.
#![no_main]

use libfuzzer_sys::fuzz_target;

const DESIGN: &str = include_str!("../../examples/shop.arch.yaml");

fuzz_target!(|data: &[u8]| {
    archlint_testing::rule_pack_bytes(data, DESIGN);
});
