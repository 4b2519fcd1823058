use super::*;

/// Every field the format's tables declare is read by the loader: given a value of the
/// wrong shape, each one is reported at its own path. A field declared in
/// `model::fields` (so accepted as a key, offered by completion, in the schema) but
/// never read would pass silently; this finds it.
#[test]
fn the_loader_reads_every_declared_field() {
    const WRONG: &str = "{ wrong: [1] }";
    // (table, document with FIELD where the field goes, the field's path)
    let places: &[(&str, &[FieldDef], &str, &str)] = &[
        ("top", fields::TOP, "name: x\nFIELD: WRONG\n", "FIELD"),
        (
            "requirements",
            fields::REQUIREMENTS,
            "name: x\nrequirements:\n  FIELD: WRONG\n",
            "requirements.FIELD",
        ),
        (
            "scale",
            fields::SCALE,
            "name: x\nrequirements:\n  scale:\n    FIELD: WRONG\n",
            "requirements.scale.FIELD",
        ),
        (
            "latency",
            fields::LATENCY,
            "name: x\nrequirements:\n  latency:\n    FIELD: WRONG\n",
            "requirements.latency.FIELD",
        ),
        (
            "operations",
            fields::OPERATIONS,
            "name: x\nrequirements:\n  operations:\n    FIELD: WRONG\n",
            "requirements.operations.FIELD",
        ),
        (
            "call",
            fields::CALL,
            "name: x\ncomponents:\n  b: { kind: database }\n  a:\n    kind: service\n    calls:\n      - to: b\n        FIELD: WRONG\n",
            "components.a.calls[0].FIELD",
        ),
        (
            "consume",
            fields::CONSUME,
            "name: x\ncomponents:\n  q: { kind: queue }\n  a:\n    kind: worker\n    consumes:\n      - from: q\n        FIELD: WRONG\n",
            "components.a.consumes[0].FIELD",
        ),
        (
            "retry",
            fields::RETRY,
            "name: x\ncomponents:\n  b: { kind: database }\n  a:\n    kind: service\n    calls:\n      - to: b\n        retry:\n          attempts: 3\n          FIELD: WRONG\n",
            "components.a.calls[0].retry.FIELD",
        ),
        (
            "rate_limit",
            fields::RATE_LIMIT,
            "name: x\ncomponents:\n  a:\n    kind: service\n    rate_limit:\n      FIELD: WRONG\n",
            "components.a.rate_limit.FIELD",
        ),
        (
            "journey",
            fields::JOURNEY,
            "name: x\ncomponents:\n  a: { kind: service }\njourneys:\n  j:\n    steps: [a]\n    FIELD: WRONG\n",
            "journeys.j.FIELD",
        ),
        (
            "entity",
            fields::ENTITY,
            "name: x\ncomponents:\n  d: { kind: database }\nentities:\n  e:\n    store: d\n    FIELD: WRONG\n",
            "entities.e.FIELD",
        ),
        (
            "relationship",
            fields::RELATIONSHIP,
            "name: x\ncomponents:\n  d: { kind: database }\nentities:\n  e:\n    store: d\n    relationships:\n      - to: e\n        kind: one-to-one\n        FIELD: WRONG\n",
            "entities.e.relationships[0].FIELD",
        ),
        (
            "entity access pattern",
            fields::ENTITY_PATTERN,
            "name: x\ncomponents:\n  d: { kind: database }\nentities:\n  e:\n    store: d\n    access_patterns:\n      - kind: point-lookup\n        FIELD: WRONG\n",
            "entities.e.access_patterns[0].FIELD",
        ),
        (
            "allow entry",
            fields::ALLOW_ENTRY,
            "name: x\ncomponents:\n  a:\n    kind: service\n    allow:\n      single-point-of-failure:\n        reason: two replicas\n        FIELD: WRONG\n",
            "components.a.allow.single-point-of-failure.FIELD",
        ),
    ];
    let mut checked = 0;
    for (what, table, doc, at) in places {
        for d in *table {
            if doc.contains(&format!(" {}:", d.name)) {
                continue; // the document already sets it (`to:` of a call): read, or nothing loads
            }
            let text = doc.replace("FIELD", d.name).replace("WRONG", WRONG);
            let path = at.replace("FIELD", d.name);
            assert_reported(what, d.name, &text, &path);
            checked += 1;
        }
    }
    // component fields, each on a component of a kind that may have it
    for d in fields::COMPONENT {
        if d.name == "kind" {
            continue;
        }
        let kind = d
            .kinds
            .and_then(|k| k.first())
            .map_or("service", |k| k.as_str());
        let text = format!(
            "name: x\ncomponents:\n  a:\n    kind: {kind}\n    {}: {WRONG}\n",
            d.name
        );
        assert_reported(
            "component",
            d.name,
            &text,
            &format!("components.a.{}", d.name),
        );
        checked += 1;
    }
    assert!(checked > 80, "only {checked} fields checked");
}

fn assert_reported(what: &str, field: &str, text: &str, path: &str) {
    let src = SourceFile::new("t.arch.yaml", text);
    let loaded = load(&src, &["single-point-of-failure"], Limits::default());
    assert!(
        loaded.errors.iter().any(|e| e.path == path
            || e.path.starts_with(&format!("{path}."))
            || e.path.starts_with(&format!("{path}["))),
        "{what} field `{field}`: nothing reported at `{path}` for a wrong value; errors: {:?}\n{text}",
        loaded
            .errors
            .iter()
            .map(|e| (&e.path, &e.message))
            .collect::<Vec<_>>()
    );
}
