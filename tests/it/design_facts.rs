//! What real designs need to say, and what they do that the rules must read right:
//! calls made only at start-up, clients inside the trust boundary, a search index fed
//! from SQL several services upstream. Each checked against a near miss.

use crate::common::*;

const DESIGN: &str = "name: cfg
requirements:
  scale: { daily_active_users: 864k, requests_per_user_per_day: 10, peak_to_average: 1 }
  availability: 99.9%
components:
  web: { kind: client, calls: [api] }
  ops:
    kind: client
    internal: true
    calls:
      - { to: admin, protocol: grpc }
  api:
    kind: service
    replicas: 2
    rate_limit: true
    calls:
      - { to: config, startup: true }
      - { to: db, timeout: 100ms }
  admin:
    kind: service
    replicas: 2
    calls:
      - { to: db, timeout: 100ms }
  config: { kind: service }
  db: { kind: database, replicas: 2 }
";

fn findings(text: &str) -> Vec<(String, String)> {
    let r = lint_text_all(text);
    assert!(!r.input_error, "{:?}", r.diagnostics);
    r.diagnostics
        .iter()
        .map(|d| (d.rule.clone(), d.path.clone()))
        .collect()
}

fn has(f: &[(String, String)], rule: &str, path: &str) -> bool {
    f.iter().any(|(r, p)| r == rule && p.starts_with(path))
}

#[test]
fn a_startup_call_is_on_no_request_path() {
    let f = findings(DESIGN);
    assert!(
        !has(&f, "sync-call-without-timeout", "components.api.calls[0]"),
        "{f:?}"
    );
    assert!(
        !has(&f, "single-point-of-failure", "components.config"),
        "{f:?}"
    );
    // the same call made on every request: both fire
    let near = findings(&DESIGN.replace("{ to: config, startup: true }", "{ to: config }"));
    assert!(
        has(
            &near,
            "sync-call-without-timeout",
            "components.api.calls[0]"
        ),
        "{near:?}"
    );
    assert!(
        has(&near, "single-point-of-failure", "components.config"),
        "{near:?}"
    );
}

#[test]
fn a_startup_call_carries_no_load() {
    let d = Dir::new("startup");
    let f = d.write("cfg.arch.yaml", DESIGN);
    let j = json(&run(&["estimate", "--format", "json", &f]));
    let comps = j["components"].as_array().unwrap();
    assert!(
        !comps.iter().any(|c| c["component"] == "config"),
        "config gets no load: {j}"
    );
    let api = comps.iter().find(|c| c["component"] == "api").unwrap();
    assert!(api["peak_rps"].as_f64().unwrap() > 0.0);
}

#[test]
fn an_internal_client_is_not_the_public_internet() {
    let f = findings(DESIGN);
    assert!(!has(&f, "grpc-on-public-api", "components.ops"), "{f:?}");
    assert!(
        !has(&f, "public-api-without-rate-limit", "components.admin"),
        "{f:?}"
    );
    // the same client outside the trust boundary: both fire
    let near = findings(&DESIGN.replace("    internal: true\n", ""));
    assert!(
        has(&near, "grpc-on-public-api", "components.ops"),
        "{near:?}"
    );
    assert!(
        has(&near, "public-api-without-rate-limit", "components.admin"),
        "{near:?}"
    );
}

/// A published Twitter design writes each tweet to SQL, then indexes it through two
/// more services: the index is a copy that can be rebuilt, not the primary store.
#[test]
fn an_index_fed_from_sql_upstream_is_not_the_primary_store() {
    let design = "name: tweets
components:
  web: { kind: client, calls: [write-api] }
  write-api:
    kind: service
    replicas: 2
    rate_limit: true
    calls:
      - { to: tweets-db, access: write, timeout: 100ms }
      - { to: fanout, timeout: 100ms }
  fanout: { kind: service, replicas: 2, calls: [{ to: indexer, timeout: 100ms }] }
  indexer: { kind: service, replicas: 2, calls: [{ to: index, access: write, timeout: 100ms }] }
  tweets-db: { kind: database, tech: mysql, replicas: 2 }
  index: { kind: database, tech: elasticsearch, replicas: 2 }
";
    let f = findings(design);
    assert!(
        !has(&f, "search-as-primary-store", "components.index"),
        "{f:?}"
    );
    // nothing upstream writes the SQL store: the index is all there is
    let near = findings(&design.replace(
        "access: write, timeout: 100ms }\n      - { to: fanout",
        "access: read, timeout: 100ms }\n      - { to: fanout",
    ));
    assert!(
        has(&near, "search-as-primary-store", "components.index"),
        "{near:?}"
    );
}
