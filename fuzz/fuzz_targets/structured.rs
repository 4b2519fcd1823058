//! Arbitrary valid models, serialized to YAML: the file must load without an input
//! error, and every rule and output must cope with whatever shape the graph takes.
#![no_main]

use arbitrary::{Result, Unstructured};
use archlint_testing::{ComponentSpec, Spec};
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

fn spec(u: &mut Unstructured) -> Result<Spec> {
    let n = u.int_in_range(0..=40)?;
    let mut components = Vec::with_capacity(n);
    for _ in 0..n {
        components.push(ComponentSpec {
            kind: u.arbitrary()?,
            fields: pairs(u, 12)?,
            calls: items(u, 4)?,
            consumes: items(u, 2)?,
        });
    }
    Ok(Spec {
        requirements: pairs(u, 12)?,
        stage: u.arbitrary()?,
        components,
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = spec(&mut Unstructured::new(data)) else {
        return;
    };
    let yaml = s.to_yaml();
    let outputs = archlint_testing::every_output("structured.arch.yaml", yaml.as_bytes());
    assert!(
        !outputs[2].contains("\"invalid-input\""),
        "a generated valid model was rejected:\n{yaml}\n{}",
        outputs[0]
    );
});
