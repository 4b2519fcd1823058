//! The YAML fast path against saphyr-parser on arbitrary text: whenever the fast path
//! takes the text, its tree (spans, text, style) and duplicate-key problems must be
//! the full parser's.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Err(e) = archlint_core::model::yaml::fast_agrees(text)
    {
        panic!("{e}");
    }
});
