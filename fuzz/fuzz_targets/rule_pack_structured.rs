//! Valid rule packs (drawn by `PackSpec`) on arbitrary valid models: the pack must load
//! without an input error and run; libFuzzer's `-timeout` catches a blow-up (every form
//! is linear in the graph's size, per source for `forbid_path`).
#![no_main]

use arbitrary::{Result, Unstructured};
use archlint_testing::{ComponentSpec, PackSpec, Spec};
use libfuzzer_sys::fuzz_target;

fn pairs(u: &mut Unstructured, max: usize) -> Result<Vec<(u32, u32)>> {
    let n = u.int_in_range(0..=max)?;
    (0..n)
        .map(|_| Ok((u.arbitrary()?, u.arbitrary()?)))
        .collect()
}

fn items(u: &mut Unstructured, max: usize) -> Result<Vec<(u32, Vec<(u32, u32)>)>> {
    let n = u.int_in_range(0..=max)?;
    (0..n).map(|_| Ok((u.arbitrary()?, pairs(u, 6)?))).collect()
}

fn input(u: &mut Unstructured) -> Result<(PackSpec, Spec)> {
    let rules = (0..u.int_in_range(1..=8)?)
        .map(|_| {
            Ok((
                u.arbitrary()?,
                (0..4)
                    .map(|_| u.arbitrary())
                    .collect::<Result<Vec<u32>>>()?,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    let n = u.int_in_range(0..=60)?;
    let mut components = Vec::with_capacity(n);
    for _ in 0..n {
        components.push(ComponentSpec {
            kind: u.arbitrary()?,
            fields: pairs(u, 12)?,
            calls: items(u, 4)?,
            consumes: items(u, 2)?,
        });
    }
    Ok((
        PackSpec { rules },
        Spec {
            requirements: pairs(u, 8)?,
            stage: u.arbitrary()?,
            components,
        },
    ))
}

fuzz_target!(|data: &[u8]| {
    let Ok((pack, model)) = input(&mut Unstructured::new(data)) else {
        return;
    };
    let cfg = pack.to_yaml();
    let src = archlint_core::source::SourceFile::new(".archlint.yaml", cfg.as_str());
    if let Err(r) = archlint_linter::config::parse(src, None) {
        panic!(
            "a valid pack does not load: {:?}\n{cfg}",
            r.diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>()
        );
    }
    archlint_testing::rule_pack_bytes(cfg.as_bytes(), &model.to_yaml());
});
