//! Custom rules — each form fires and has a near miss, the example pack on
//! the gallery's estate, bad definitions as located input errors, and custom rules
//! behaving like built-ins (selection, severity, allow, rules, explain, SARIF).

use crate::common;

use archlint_core::source::SourceFile;
use archlint_linter::config::{self, Config};
use common::*;

fn cfg(text: &str) -> Config {
    match config::parse(SourceFile::new(".archlint.yaml", text), None) {
        Ok(c) => c,
        Err(r) => panic!(
            "config does not load: {:?}",
            r.diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>()
        ),
    }
}

/// Findings of the custom rules only.
fn custom(config: &str, design: &str) -> Vec<archlint_core::diag::Diagnostic> {
    let c = cfg(config);
    let settings = c
        .settings(Some(&["custom".to_string()]), None)
        .unwrap()
        .on(archlint_testing::TODAY);
    let r = archlint_linter::lint_source(SourceFile::new("d.arch.yaml", design), &settings);
    assert!(!r.input_error, "{:?}", r.diagnostics);
    r.diagnostics
        .into_iter()
        .filter(|d| d.rule.starts_with("acme-"))
        .collect()
}

const RULE_HEAD: &str = "custom_rules:\n  - id: acme-x\n    summary: test rule\n    help: fix it\n";

fn rule(form: &str) -> String {
    format!("{RULE_HEAD}{form}")
}

#[test]
fn match_require_fires_and_its_near_miss_does_not() {
    let r = rule(
        "    message: \"{kind} `{id}` ({tech}) breaks it at {path}\"\n    match: { kind: service, id: \"pay*\" }\n    require: { owner: present, replicas: \">= 2\", latency: \"< 500ms\", tech: { in: [go, java] } }\n",
    );
    let bad = "name: x\ncomponents:\n  payments: { kind: service, tech: rust, replicas: 1, latency: 800ms }\n  search: { kind: service }\n";
    let ds = custom(&r, bad);
    let paths: Vec<&str> = ds.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "components.payments",
            "components.payments.tech",
            "components.payments.replicas",
            "components.payments.latency"
        ],
        "{ds:#?}"
    );
    assert_eq!(
        ds[0].message,
        "service `payments` (rust) breaks it at components.payments"
    );
    assert!(
        ds[2].label.contains("`replicas` is 1, required >= 2"),
        "{}",
        ds[2].label
    );
    let ok = "name: x\ncomponents:\n  payments: { kind: service, tech: go, replicas: 2, latency: 300ms, owner: team-pay }\n  search: { kind: service }\n";
    assert!(custom(&r, ok).is_empty());
}

#[test]
fn forbid_call_fires_and_its_near_miss_does_not() {
    let r = rule(
        "    forbid_call: { from: { domain: payments }, to: { domain: other }, mode: sync, access: write }\n",
    );
    let bad = "name: x\ncomponents:\n  pay: { kind: service, domain: payments, calls: [{ to: promo, timeout: 1s }, { to: ledger, timeout: 1s }] }\n  promo: { kind: service, domain: marketing }\n  ledger: { kind: service, domain: payments }\n";
    let ds = custom(&r, bad);
    assert_eq!(ds.len(), 1, "{ds:#?}");
    assert_eq!(ds[0].path, "components.pay.calls[0]");
    assert!(ds[0].message.contains("`pay` to `promo`"));
    // near misses: a read, an async call, the same domain
    let ok = "name: x\ncomponents:\n  pay: { kind: service, domain: payments, calls: [{ to: promo, access: read, timeout: 1s }, { to: q }, { to: ledger, timeout: 1s }] }\n  promo: { kind: service, domain: marketing }\n  q: { kind: queue, domain: marketing }\n  ledger: { kind: service, domain: payments }\n";
    assert!(custom(&r, ok).is_empty(), "{:#?}", custom(&r, ok));
}

#[test]
fn forbid_path_reports_each_pair_once_at_the_first_call_of_the_shortest_path() {
    let r = rule(
        "    forbid_path: { from: { kind: client }, to: { kind: database }, unless_via: { kind: gateway } }\n",
    );
    let bad = "name: x
components:
  web: { kind: client, calls: [gw, api] }
  app: { kind: client, calls: [api] }
  gw: { kind: gateway, calls: [{ to: api, timeout: 1s }] }
  api: { kind: service, calls: [{ to: svc, timeout: 1s }, { to: db, timeout: 1s }] }
  svc: { kind: service, calls: [{ to: db, timeout: 1s }] }
  db: { kind: database }
";
    let ds = custom(&r, bad);
    assert_eq!(ds.len(), 2, "one per (client, database) pair: {ds:#?}");
    let web = ds.iter().find(|d| d.message.contains("`web`")).unwrap();
    assert_eq!(
        web.path, "components.web.calls[1]",
        "the first call of the shortest path"
    );
    assert!(web.message.contains("web -> api -> db"), "{}", web.message);
    assert_eq!(web.related.len(), 1);
    assert_eq!(web.related[0].path, "components.api.calls[1]");
    // near miss: every path runs through the gateway
    let ok = bad.replace("calls: [gw, api] }", "calls: [gw] }").replace(
        "app: { kind: client, calls: [api] }",
        "app: { kind: client, calls: [gw] }",
    );
    assert!(custom(&r, &ok).is_empty());
    // sync_only: an asynchronous hop breaks the path
    let r = rule(
        "    forbid_path: { from: { kind: client }, to: { kind: database }, sync_only: true }\n",
    );
    let via_queue = "name: x\ncomponents:\n  web: { kind: client, calls: [api] }\n  api: { kind: service, calls: [q] }\n  q: { kind: queue }\n  w: { kind: worker, consumes: [q], calls: [{ to: db, timeout: 1s }] }\n  db: { kind: database }\n";
    assert!(custom(&r, via_queue).is_empty());
}

#[test]
fn limit_fires_and_its_near_miss_does_not() {
    let fan = rule("    limit: { match: { kind: service }, fan_out: \"<= 2\" }\n");
    let design = "name: x\ncomponents:\n  a: { kind: service, calls: [{ to: b, timeout: 1s }, { to: c, timeout: 1s }, { to: d, timeout: 1s }, { to: b, timeout: 1s }] }\n  b: { kind: service, calls: [{ to: c, timeout: 1s }] }\n  c: { kind: service, calls: [{ to: d, timeout: 1s }] }\n  d: { kind: database }\n";
    let ds = custom(&fan, design);
    assert_eq!(ds.len(), 1);
    assert_eq!(ds[0].path, "components.a");
    assert!(
        ds[0].message.contains("of 3"),
        "distinct callees: {}",
        ds[0].message
    );
    let fan_in = rule("    limit: { match: { kind: database }, fan_in: \"<= 1\" }\n");
    assert_eq!(custom(&fan_in, design).len(), 1);
    let depth = rule("    limit: { match: { id: a }, sync_depth: \"<= 2\" }\n");
    let ds = custom(&depth, design);
    assert_eq!(ds.len(), 1);
    assert!(ds[0].message.contains("of 3"), "{}", ds[0].message);
    let depth_ok = rule("    limit: { match: { id: a }, sync_depth: \"<= 3\" }\n");
    assert!(custom(&depth_ok, design).is_empty());
}

#[test]
fn layers_fire_on_upward_calls_only() {
    let r =
        rule("    layers: [{ kind: gateway }, { kind: service }, { kind: [database, cache] }]\n");
    let bad = "name: x\ncomponents:\n  gw: { kind: gateway, calls: [{ to: api, timeout: 1s }] }\n  api: { kind: service, calls: [{ to: db, timeout: 1s }, { to: gw, timeout: 1s }, { to: other, timeout: 1s }] }\n  other: { kind: service }\n  db: { kind: database }\n  ext: { kind: external }\n";
    let ds = custom(&r, bad);
    assert_eq!(ds.len(), 1, "{ds:#?}");
    assert_eq!(ds[0].path, "components.api.calls[1]");
    let ok = bad.replace(", { to: gw, timeout: 1s }", "");
    assert!(custom(&r, &ok).is_empty());
}

#[test]
fn selectors_match_tags_globs_tech_and_public() {
    let r = rule(
        "    match: { tags: pci, tech: postgresql, id: \"*-db\", public: false }\n    require: { replicas: \">= 2\" }\n",
    );
    let design = "name: x\ncomponents:\n  web: { kind: client, calls: [api] }\n  api: { kind: service, tags: [pci], calls: [{ to: cards-db, timeout: 1s }] }\n  cards-db: { kind: database, tech: PostgreSQL 15, tags: [pci, tier-1] }\n  logs-db: { kind: database, tech: postgresql }\n";
    let ds = custom(&r, design);
    assert_eq!(
        ds.iter().map(|d| d.path.as_str()).collect::<Vec<_>>(),
        ["components.cards-db"]
    );
}

#[test]
fn custom_rules_behave_like_built_ins() {
    let d = Dir::new("custom-cli");
    d.write(
        ".archlint.yaml",
        "custom_rules:\n  - id: acme-owner\n    summary: Every service names its owner.\n    help: add `owner:`\n    match: { kind: service }\n    require: { owner: present }\nrules:\n  acme-owner: { severity: error }\n",
    );
    let f = d.write(
        "d.arch.yaml",
        "name: x\ncomponents:\n  a: { kind: service }\n  b: { kind: service, allow: { acme-owner: \"owned by the vendor\" } }\n  c: { kind: service, owner: me, allow: { acme-owner: stale } }\n",
    );
    let run_in = |args: &[&str]| bin().current_dir(&d.0).args(args).output().unwrap();
    let o = run_in(&["check", "--format", "json", &f]);
    let j = json(&o);
    let ds = j["diagnostics"].as_array().unwrap();
    let mine: Vec<&serde_json::Value> = ds.iter().filter(|x| x["rule"] == "acme-owner").collect();
    assert_eq!(mine.len(), 1, "allow suppresses it on b: {j}");
    assert_eq!(mine[0]["path"], "components.a");
    assert_eq!(mine[0]["severity"], "error", "severity from `rules:`");
    assert!(!mine[0]["fingerprint"].as_str().unwrap().is_empty());
    assert!(
        ds.iter()
            .any(|x| x["rule"] == "unused-allow" && x["path"] == "components.c.allow.acme-owner")
    );
    // --ignore by id and by the `custom` category
    for ign in ["acme-owner", "custom"] {
        let j = json(&run_in(&["check", "--format", "json", "--ignore", ign, &f]));
        assert!(
            !j["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["rule"] == "acme-owner")
        );
    }
    // rules and explain list it, SARIF describes it
    let rules = stdout(&run_in(&["rules"]));
    assert!(
        rules.contains("acme-owner") && rules.contains(".archlint.yaml:2"),
        "{rules}"
    );
    let page = stdout(&run_in(&["explain", "acme-owner"]));
    assert!(
        page.contains("Every service names its owner.")
            && page.contains("\nDefinition\n----------\n"),
        "{page}"
    );
    let s = json(&run_in(&["check", "--format", "sarif", &f]));
    let rule = s["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "acme-owner")
        .expect("SARIF lists the custom rule")
        .clone();
    assert_eq!(
        rule["shortDescription"]["text"],
        "Every service names its owner."
    );
    assert_eq!(rule["helpUri"], ".archlint.yaml#L2");
    // the review puts its findings in a section, linked to nothing that does not exist
    let review = stdout(&run_in(&["report", &f]));
    assert!(
        review.contains("`acme-owner`") && !review.contains("rules/acme-owner.md"),
        "{review}"
    );
}

#[test]
fn the_example_pack_on_the_estate() {
    let o = run(&[
        "check",
        "--config",
        "examples/rule-packs/acme.archlint.yaml",
        "--select",
        "custom",
        "--format",
        "concise",
        "examples/retail-estate.arch.yaml",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    for id in [
        "acme-service-owner",
        "acme-data-behind-gateway",
        "acme-payments-sync-boundary",
        "acme-gateway-depth",
    ] {
        assert!(text.contains(id), "{id} does not fire:\n{text}");
    }
    insta::assert_snapshot!("acme_pack_on_estate_concise", text);
    let human = stdout(&run(&[
        "check",
        "--config",
        "examples/rule-packs/acme.archlint.yaml",
        "--select",
        "acme-data-behind-gateway,acme-payments-sync-boundary",
        "examples/retail-estate.arch.yaml",
    ]));
    insta::assert_snapshot!("acme_pack_on_estate_human", human);
}

#[test]
fn bad_definitions_are_located_input_errors() {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots/custom");
    settings.bind(|| {
        insta::glob!("..", "fixtures/custom/invalid/*.yaml", |path| {
            let rel = path
                .strip_prefix(env!("CARGO_MANIFEST_DIR"))
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let o = run(&["check", "--config", &rel, "examples/shop.arch.yaml"]);
            assert_eq!(o.status.code(), Some(2), "{rel}");
            let err = stderr(&o);
            assert!(err.contains("error[invalid-input]"), "{rel}: {err}");
            assert!(
                err.contains(&format!("--> {}:", rel.trim_start_matches('/')))
                    || err.contains("--> "),
                "{rel}: {err}"
            );
            let j = json(&run(&[
                "check",
                "--config",
                &rel,
                "--format",
                "json",
                "examples/shop.arch.yaml",
            ]));
            let ds = j["diagnostics"].as_array().unwrap();
            assert!(
                ds.iter()
                    .all(|d| d["rule"] == "invalid-input" && d["line"].as_u64().unwrap() >= 1)
            );
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let mut s = insta::Settings::clone_current();
            s.remove_snapshot_suffix();
            s.bind(|| {
                insta::assert_snapshot!(format!("{name}.human"), err);
                insta::assert_snapshot!(
                    format!("{name}.json"),
                    stdout(&run(&[
                        "check",
                        "--config",
                        &rel,
                        "--format",
                        "json",
                        "examples/shop.arch.yaml"
                    ]))
                );
            });
        });
    });
}

#[test]
fn a_pack_with_errors_is_reported_in_the_pack_file() {
    let d = Dir::new("bad-pack");
    d.write(".archlint.yaml", "rule_packs: [packs/p.yaml]\n");
    d.write("packs/p.yaml", "rules:\n  - id: acme-y\n    summary: s\n    help: h\n    limit: { match: { kind: service }, fan_out: \"about 8\" }\n");
    let f = d.write(
        "d.arch.yaml",
        "name: x\ncomponents:\n  a: { kind: service }\n",
    );
    let o = bin()
        .current_dir(&d.0)
        .args(["check", &f])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("packs/p.yaml:5:"), "{err}");
    assert!(err.contains("the limit `about 8` does not parse"), "{err}");
}

mod generated {
    use archlint_testing::{ComponentSpec, PackSpec, Spec};
    use proptest::prelude::*;

    fn model() -> impl Strategy<Value = Spec> {
        let comp = (
            any::<u32>(),
            proptest::collection::vec((any::<u32>(), any::<u32>()), 0..8),
            proptest::collection::vec(
                (
                    any::<u32>(),
                    proptest::collection::vec((any::<u32>(), any::<u32>()), 0..4),
                ),
                0..4,
            ),
        )
            .prop_map(|(kind, fields, calls)| ComponentSpec {
                kind,
                fields,
                calls,
                consumes: Vec::new(),
            });
        (proptest::collection::vec(comp, 0..30), any::<u32>()).prop_map(|(components, stage)| {
            Spec {
                requirements: Vec::new(),
                stage,
                components,
            }
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Packs drawn by the structured fuzzer's generator load without an input error
        /// and run on random valid models without a panic, every output rendered.
        #[test]
        fn generated_packs_load_and_run(
            rules in proptest::collection::vec((any::<u32>(), proptest::collection::vec(any::<u32>(), 4)), 1..8),
            m in model(),
        ) {
            let pack = PackSpec { rules };
            let yaml = pack.to_yaml();
            let src = archlint_core::source::SourceFile::new(".archlint.yaml", yaml.as_str());
            let loaded = archlint_linter::config::parse(src, None);
            prop_assert!(loaded.is_ok(), "{yaml}");
            let outputs = archlint_testing::rule_pack_bytes(yaml.as_bytes(), &m.to_yaml());
            prop_assert!(!outputs.is_empty());
        }

        /// Arbitrary bytes as a configuration never panic.
        #[test]
        fn arbitrary_configurations_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            archlint_testing::rule_pack_bytes(&bytes, "name: x\ncomponents:\n  a: { kind: service }\n");
        }
    }
}
