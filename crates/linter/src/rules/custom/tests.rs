use super::*;

#[test]
fn globs() {
    assert!(glob("pay*", "payments"));
    assert!(glob("*-db", "orders-db"));
    assert!(glob("a?c", "ABC"));
    assert!(!glob("pay*", "repay"));
    assert!(glob("*", ""));
    assert!(!glob("a", "ab"));
    assert!(glob("a.b+c", "A.B+C"), "regex characters are literal");
    assert!(!glob("a.b", "axb"));
}

/// The shape that took seconds: a long pattern of stars against a long id that almost
/// matches. Linear now: well under a second.
#[test]
fn a_long_glob_is_matched_in_linear_time() {
    let pattern = "*a".repeat(10_000);
    let text = "a".repeat(19_999) + "b";
    let t = std::time::Instant::now();
    assert!(!glob(&pattern, &text));
    assert!(glob(&pattern, &"a".repeat(20_000)));
    assert!(t.elapsed().as_secs_f64() < 2.0, "{:?}", t.elapsed());
}

#[test]
fn comparisons_and_placeholders() {
    assert_eq!(
        split_cmp("<= 8").map(|(o, r)| (o, r.to_string())),
        Some((Op::Le, "8".into()))
    );
    assert_eq!(parse_num(Unit::Duration, "500ms"), Ok(0.5));
    assert!(Op::Lt.holds(0.2, 0.5));
    assert_eq!(placeholders("{kind} `{id}` has {no owner}"), ["kind", "id"]);
}

/// Custom rules read every component field of the format's table (but the lists of
/// calls, consumes and allows), so a field added to the format is one a rule can
/// require: `field_value` answers for each, on a component that sets them all.
#[test]
fn every_component_field_is_readable() {
    use archlint_core::model::fields::COMPONENT;
    let text = "name: x\ncomponents:\n  d:\n    kind: database\n    tech: postgresql\n    description: d\n    public: false\n    replicas: 2\n    owner: o\n    tags: [a]\n    aliases: [d-svc]\n    domain: x\n    stateful: false\n    rate_limit: true\n    latency: 5ms\n    availability: 99.9%\n    capacity: 100\n    rationale: r\n    alternatives: { mysql: no }\n    model: relational\n    access_patterns: [joins]\n    data_volume: 1TB\n    write_rps: 10\n    replication: async\n    sharded: false\n  c:\n    kind: cache\n    hit_ratio: 90%\n    routes: false\n    pattern: cache-aside\n    ttl: 1m\n    invalidation: on-write\n    scope: shared\n    caches: d\n  w:\n    kind: client\n    share: 50%\n    internal: true\n  browser:\n    kind: client\n    share: 50%\n  q:\n    kind: queue\n    delivery: at-least-once\n    ordering: true\n    replay: false\n    dead_letter: true\n    throughput: 10\n  lb:\n    kind: load-balancer\n    layer: 7\n    sticky_sessions: false\n    tls_termination: true\n    routing: [path]\n";
    let src = SourceFile::new("t.arch.yaml", text);
    let loaded = archlint_core::model::load::load(&src, &[], Default::default());
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let m = loaded.model.unwrap();
    for d in COMPONENT {
        let Some(_) = field_unit(d.name) else {
            assert!(
                ["calls", "consumes", "allow"].contains(&d.name),
                "{}",
                d.name
            );
            continue;
        };
        assert!(
            m.components
                .iter()
                .any(|c| check::field_value(c, d.name).is_some()),
            "custom rules cannot read `{}`",
            d.name
        );
    }
}

/// The linear glob agrees with a plain recursive matcher on random small patterns.
#[test]
fn glob_agrees_with_a_reference_matcher() {
    fn reference(p: &[char], t: &[char]) -> bool {
        match (p.first(), t.first()) {
            (None, _) => t.is_empty(),
            (Some('*'), _) => reference(&p[1..], t) || (!t.is_empty() && reference(p, &t[1..])),
            (Some('?'), Some(_)) => reference(&p[1..], &t[1..]),
            (Some(a), Some(b)) if a == b => reference(&p[1..], &t[1..]),
            _ => false,
        }
    }
    let mut seed: u64 = 7;
    let mut next = |n: u64| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (seed >> 33) % n
    };
    let alphabet = ['a', 'b', 'é'];
    for _ in 0..20_000 {
        let p: String = (0..next(7))
            .map(|_| ['a', 'b', 'é', '*', '?'][next(5) as usize])
            .collect();
        let t: String = (0..next(7)).map(|_| alphabet[next(3) as usize]).collect();
        let (pc, tc): (Vec<char>, Vec<char>) = (p.chars().collect(), t.chars().collect());
        assert_eq!(glob(&p, &t), reference(&pc, &tc), "{p:?} {t:?}");
    }
}
