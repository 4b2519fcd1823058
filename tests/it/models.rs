//! Import from the models teams keep (FINOS CALM, Backstage, Structurizr) on real
//! published files, judged before the importers ran (tests/fixtures/import/README.md),
//! and `export calm`: valid against CALM 1.2's published schemas, and read back by
//! `import calm` as the same design.

use crate::common::*;
use std::collections::BTreeSet;
use std::path::Path;

/// Import, check it loads, and return (component id, kind) and (from, to) sets.
type Pairs = BTreeSet<(String, String)>;

fn facts(args: &[&str]) -> (Pairs, Pairs, String) {
    let o = run(args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let yaml = stdout(&o);
    let src = archlint_core::source::SourceFile::new("imported.arch.yaml", yaml.as_str());
    let a = archlint_linter::analyse(&src).unwrap_or_else(|e| panic!("{e:?}\n{yaml}"));
    let kinds = a
        .model
        .components
        .iter()
        .map(|c| (c.id.clone(), c.kind().as_str().to_string()))
        .collect();
    let calls = a
        .model
        .components
        .iter()
        .flat_map(|c| c.calls.iter().map(|k| (c.id.clone(), k.to.v.clone())))
        .collect();
    (kinds, calls, stderr(&o))
}

fn set(items: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    items
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn calm_samples_as_judged() {
    let (k, c, err) = facts(&[
        "import",
        "calm",
        "tests/fixtures/import/calm/payment-gateway.calm.json",
    ]);
    assert_eq!(
        k,
        set(&[
            ("checkout-page", "client"),
            ("payment-api", "service"),
            ("tokenization-service", "service"),
            ("fraud-detection", "service"),
            ("transaction-database", "database"),
            ("card-network", "external"),
        ])
    );
    assert_eq!(
        c,
        set(&[
            ("checkout-page", "payment-api"),
            ("payment-api", "tokenization-service"),
            ("payment-api", "fraud-detection"),
            ("payment-api", "transaction-database"),
            ("tokenization-service", "card-network"),
        ])
    );
    assert!(
        err.contains("customer") && err.contains("cardholder-data"),
        "{err}"
    );

    let (k, c, _) = facts(&[
        "import",
        "calm",
        "tests/fixtures/import/calm/trading-platform.calm.json",
    ]);
    assert_eq!(
        k,
        set(&[
            ("trading-dashboard", "client"),
            ("order-mgmt-service", "service"),
            ("fix-gateway", "service"),
            ("market-data-service", "service"),
            ("risk-engine", "service"),
            ("order-database", "database"),
            ("market-data-cache", "cache"),
            ("exchange-gateway", "external"),
        ])
    );
    assert_eq!(
        c,
        set(&[
            ("trading-dashboard", "order-mgmt-service"),
            ("trading-dashboard", "market-data-service"),
            ("order-mgmt-service", "risk-engine"),
            ("order-mgmt-service", "fix-gateway"),
            ("order-mgmt-service", "order-database"),
            ("market-data-service", "market-data-cache"),
            ("fix-gateway", "exchange-gateway"),
        ])
    );

    let (k, c, _) = facts(&[
        "import",
        "calm",
        "tests/fixtures/import/calm/calm-hub-detail.architecture.json",
    ]);
    assert_eq!(
        k,
        set(&[
            ("calm-hub-resources", "service"),
            ("calm-hub-services", "service"),
            ("calm-hub-storage", "service"),
            ("mongodb", "database"),
            ("nitritedb", "database"),
        ])
    );
    assert_eq!(
        c,
        set(&[
            ("calm-hub-resources", "calm-hub-services"),
            ("calm-hub-services", "calm-hub-storage"),
            ("calm-hub-storage", "mongodb"),
            ("calm-hub-storage", "nitritedb"),
        ])
    );
    let yaml = stdout(&run(&[
        "import",
        "calm",
        "tests/fixtures/import/calm/calm-hub-detail.architecture.json",
    ]));
    assert!(
        yaml.contains("public: true  # calm: declares interfaces"),
        "the entry point: {yaml}"
    );
}

#[test]
fn backstage_catalog_as_judged() {
    let (k, c, _) = facts(&[
        "import",
        "backstage",
        "tests/fixtures/import/backstage/artists",
    ]);
    assert_eq!(
        k,
        set(&[
            ("artist-lookup", "service"),
            ("www-artist", "client"),
            ("artists-db", "database")
        ])
    );
    assert_eq!(
        c,
        set(&[
            ("www-artist", "artist-lookup"),
            ("artist-lookup", "artists-db")
        ])
    );
    let yaml = stdout(&run(&[
        "import",
        "backstage",
        "tests/fixtures/import/backstage/artists",
    ]));
    assert!(
        yaml.contains("owner: team-a") && yaml.contains("domain: artist-engagement-portal"),
        "{yaml}"
    );

    let (k, c, _) = facts(&[
        "import",
        "backstage",
        "tests/fixtures/import/backstage/wayback",
    ]);
    assert_eq!(
        k,
        set(&[
            ("wayback-archive", "service"),
            ("wayback-archive-ingestion", "service"),
            ("wayback-archive-storage", "service"),
            ("wayback-search", "service"),
        ])
    );
    assert_eq!(c, set(&[("wayback-search", "wayback-archive")]));

    // the same entities in one multi-document file, refs in their other forms
    let d = Dir::new("backstage-multi");
    let f = d.write(
        "catalog-info.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: web, namespace: shop }\nspec: { type: website, owner: group:default/web-team, consumesApis: [shop/orders] }\n---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: orders, namespace: shop }\nspec: { type: service, owner: team, providesApis: [api:shop/orders], dependsOn: [resource:shop/orders-db, resource:default/missing] }\n---\napiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: { name: orders, namespace: shop }\nspec: { type: openapi }\n---\napiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata: { name: orders-db, namespace: shop }\nspec: { type: database }\n",
    );
    let (k, c, err) = facts(&["import", "backstage", &f]);
    assert_eq!(
        k,
        set(&[
            ("web", "client"),
            ("orders", "service"),
            ("orders-db", "database")
        ])
    );
    assert_eq!(c, set(&[("web", "orders"), ("orders", "orders-db")]));
    assert!(
        err.contains("resource:default/missing"),
        "an unknown reference is named: {err}"
    );
}

#[test]
fn structurizr_big_bank_as_judged() {
    let (k, c, err) = facts(&[
        "import",
        "structurizr",
        "tests/fixtures/import/structurizr/big-bank-plc.workspace.json",
    ]);
    assert_eq!(
        k,
        set(&[
            ("personal-banking-customer", "client"),
            ("customer-service-staff", "client"),
            ("back-office-staff", "client"),
            ("single-page-application", "client"),
            ("mobile-app", "client"),
            ("web-application", "service"),
            ("api-application", "service"),
            ("database", "database"),
            ("mainframe-banking-system", "external"),
            ("e-mail-system", "external"),
            ("atm", "external"),
        ])
    );
    assert_eq!(
        c,
        set(&[
            ("single-page-application", "api-application"),
            ("mobile-app", "api-application"),
            ("api-application", "database"),
            ("api-application", "mainframe-banking-system"),
            ("api-application", "e-mail-system"),
            ("personal-banking-customer", "web-application"),
            ("personal-banking-customer", "atm"),
            ("customer-service-staff", "mainframe-banking-system"),
            ("back-office-staff", "mainframe-banking-system"),
            ("atm", "mainframe-banking-system"),
        ])
    );
    assert!(
        err.contains("not calls: 2 relationships to a person"),
        "{err}"
    );
}

#[test]
fn malformed_models_are_located_errors() {
    let d = Dir::new("models-bad");
    let cases: [(&str, &str, &str, &str); 6] = [
        (
            "calm",
            "a.json",
            "{\"relationships\": []}",
            "has no `nodes`",
        ),
        (
            "calm",
            "b.json",
            "{\"nodes\": [{\"node-type\": \"service\"}]}",
            "node 1 has no `unique-id`",
        ),
        (
            "calm",
            "c.json",
            "{\"nodes\": [{\"unique-id\": \"a\", \"node-type\": \"service\", \"name\": \"a\", \"description\": \"a\"}],\n \"relationships\": [{\"unique-id\": \"r\", \"relationship-type\": {\"connects\": {\"source\": {\"node\": \"a\"}, \"destination\": {\"node\": \"ghost\"}}}}]}",
            "names the destination `ghost`",
        ),
        (
            "calm",
            "d.json",
            "[1, 2]",
            "a CALM architecture is a JSON object",
        ),
        (
            "backstage",
            "e.yaml",
            "apiVersion: backstage.io/v1alpha1\nmetadata: { name: x }\n",
            "has no `kind`",
        ),
        (
            "structurizr",
            "f.json",
            "{\"name\": \"w\"}",
            "has no `model`",
        ),
    ];
    for (from, file, text, want) in cases {
        let f = d.write(file, text);
        let o = run(&["import", from, &f]);
        assert_eq!(o.status.code(), Some(2), "{from} {file}");
        let err = stderr(&o);
        assert!(err.contains(want), "{from} {file}: {err}");
        assert!(
            err.contains(&format!("{file}:")),
            "located in the file: {err}"
        );
    }
    // the ghost is pointed at on its line
    let err = stderr(&run(&[
        "import",
        "calm",
        &d.0.join("c.json").display().to_string(),
    ]));
    assert!(err.contains("c.json:2:"), "{err}");
}

/// The published CALM 1.2 schemas, offline: every `$ref` resolved from the copies in
/// tests/fixtures/calm-schema/1.2/.
struct CalmSchemas;

impl jsonschema::Retrieve for CalmSchemas {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<serde_json::Value, Box<dyn std::error::Error + Send + Sync>> {
        let u = uri.as_str();
        let name = u
            .strip_prefix("https://calm.finos.org/release/1.2/meta/")
            .ok_or_else(|| format!("not a CALM 1.2 schema: {u}"))?;
        let text = std::fs::read_to_string(Path::new("tests/fixtures/calm-schema/1.2").join(name))?;
        Ok(serde_json::from_str(&text)?)
    }
}

#[test]
fn export_is_valid_calm_and_imports_back_as_the_same_design() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("tests/fixtures/calm-schema/1.2/calm.json").unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options()
        .with_retriever(CalmSchemas)
        .build(&schema)
        .expect("the CALM schema compiles");
    // a document that breaks the schema is refused: the validator is not a no-op
    let broken = serde_json::json!({"nodes": [{"unique-id": "a"}]});
    assert!(!validator.is_valid(&broken));
    let mut exported = 0;
    for e in std::fs::read_dir("examples").unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_none_or(|x| x != "yaml") {
            continue;
        }
        let p = path.display().to_string();
        let o = run(&["export", "calm", &p]);
        assert_eq!(o.status.code(), Some(0), "{p}: {}", stderr(&o));
        let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{p} is not valid CALM 1.2:\n{}",
            errors.join("\n")
        );
        let src = archlint_core::source::SourceFile::new(
            p.as_str(),
            std::fs::read_to_string(&path).unwrap(),
        );
        archlint_testing::calm_round_trip(&src);
        exported += 1;
    }
    assert!(exported >= 10);
    // a file with input errors is not exported
    let d = Dir::new("export-bad");
    let f = d.write(
        "x.arch.yaml",
        "name: x\ncomponents:\n  a: { kind: servce }\n",
    );
    assert_eq!(run(&["export", "calm", &f]).status.code(), Some(2));
}
