//! `archlint import` on real deployment files (tests/fixtures/import/README.md
//! names their sources, commits and licences): the components, kinds, replicas, calls the
//! files prove and the entry points; the generated file loads, lints, and is snapshotted.

use crate::common;

use common::*;

fn import(args: &[&str]) -> (String, String) {
    let mut a = vec!["import"];
    a.extend_from_slice(args);
    let o = run(&a);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    (stdout(&o), stderr(&o))
}

/// The generated file as a model (it must load without an input error).
fn model(yaml: &str) -> archlint_core::model::Architecture {
    match archlint_linter::analyse(&archlint_core::source::SourceFile::new(
        "imported.arch.yaml",
        yaml,
    )) {
        Ok(a) => a.model,
        Err(e) => panic!(
            "the import does not load: {:?}\n{yaml}",
            e.iter().map(|d| &d.message).collect::<Vec<_>>()
        ),
    }
}

fn kind(m: &archlint_core::model::Architecture, id: &str) -> String {
    m.component(id)
        .unwrap_or_else(|| panic!("no `{id}`"))
        .kind()
        .as_str()
        .to_string()
}

fn calls(m: &archlint_core::model::Architecture, from: &str, to: &str) -> bool {
    m.component(from)
        .is_some_and(|c| c.calls.iter().any(|x| x.to.v == to))
}

/// The file lints (any findings, but no input error).
fn lints(name: &str, yaml: &str) {
    let d = Dir::new(&format!("import-check-{name}"));
    let f = d.write("imported.arch.yaml", yaml);
    let o = run(&["check", &f]);
    assert_ne!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn sock_shop_compose() {
    let (yaml, err) = import(&[
        "compose",
        "tests/fixtures/import/sock-shop.docker-compose.yml",
    ]);
    let m = model(&yaml);
    assert_eq!(m.components.len(), 16, "14 services and a client: {yaml}");
    assert_eq!(kind(&m, "catalogue-db"), "database");
    assert!(
        yaml.contains("kind: database  # compose: `MYSQL_*` environment variables"),
        "the evidence is named"
    );
    assert_eq!(kind(&m, "carts-db"), "database");
    assert_eq!(
        m.component("carts-db").unwrap().tech.as_ref().unwrap().v,
        "mongodb"
    );
    assert_eq!(kind(&m, "rabbitmq"), "queue");
    assert_eq!(kind(&m, "front-end"), "service");
    assert!(
        m.components
            .iter()
            .all(|c| c.kind().is_outside() || c.replicas() == 1)
    );
    // calls the file proves: MONGO_HOST=user-db:27017, the load test's `-h edge-router`,
    // and the published ports of edge-router
    assert!(calls(&m, "user", "user-db"));
    assert!(calls(&m, "user-sim", "edge-router"));
    assert!(calls(&m, "users", "edge-router"));
    assert_eq!(kind(&m, "users"), "client");
    assert!(
        err.contains("16 components, 3 calls inferred; 11 images not recognised"),
        "{err}"
    );
    lints("1", &yaml);
    insta::assert_snapshot!("import_sock_shop", yaml);
}

#[test]
fn online_boutique_manifests() {
    let (yaml, err) = import(&[
        "k8s",
        "tests/fixtures/import/online-boutique.kubernetes-manifests.yaml",
    ]);
    let m = model(&yaml);
    for svc in [
        "frontend",
        "checkoutservice",
        "cartservice",
        "productcatalogservice",
        "currencyservice",
        "paymentservice",
        "shippingservice",
        "emailservice",
        "recommendationservice",
        "adservice",
    ] {
        assert_eq!(kind(&m, svc), "service", "{svc}");
    }
    assert_eq!(kind(&m, "redis-cart"), "cache");
    // env ..._SERVICE_ADDR values name the Services
    for (a, b) in [
        ("frontend", "checkoutservice"),
        ("checkoutservice", "paymentservice"),
        ("checkoutservice", "emailservice"),
        ("cartservice", "redis-cart"),
        ("recommendationservice", "productcatalogservice"),
    ] {
        assert!(calls(&m, a, b), "{a} -> {b}");
    }
    let redis = m
        .component("cartservice")
        .unwrap()
        .calls
        .iter()
        .find(|c| c.to.v == "redis-cart")
        .unwrap();
    assert_eq!(redis.protocol.as_ref().unwrap().v, "resp");
    let grpc = m
        .component("frontend")
        .unwrap()
        .calls
        .iter()
        .find(|c| c.to.v == "recommendationservice")
        .unwrap();
    assert_eq!(
        grpc.protocol.as_ref().unwrap().v,
        "grpc",
        "the Service's port is named grpc"
    );
    // the LoadBalancer Service is the public entry, layer 4, in front of the frontend
    assert_eq!(kind(&m, "frontend-external"), "load-balancer");
    assert_eq!(
        m.component("frontend-external")
            .unwrap()
            .more()
            .layer
            .as_ref()
            .unwrap()
            .v,
        4
    );
    assert!(calls(&m, "frontend-external", "frontend"));
    assert!(calls(&m, "users", "frontend-external"));
    // the kinds it does not read are counted in one note, a few names each
    assert_eq!(err.matches("note:").count(), 1, "{err}");
    assert!(
        err.contains("11 ServiceAccount (frontend, adservice, currencyservice and 8 more)"),
        "unknown kinds are summarised: {err}"
    );
    assert!(
        err.contains("11 images not recognised") && err.contains("and 8 more"),
        "{err}"
    );
    assert!(!err.contains("us-central1-docker.pkg.dev"), "{err}");
    lints("2", &yaml);
    insta::assert_snapshot!("import_online_boutique", yaml);
}

#[test]
fn threagile_model() {
    let (yaml, _) = import(&["threagile", "tests/fixtures/import/threagile-example.yaml"]);
    let m = model(&yaml);
    assert_eq!(kind(&m, "customer-client"), "client");
    assert_eq!(kind(&m, "load-balancer"), "load-balancer");
    assert_eq!(kind(&m, "sql-database"), "database");
    assert_eq!(kind(&m, "apache-webserver"), "service");
    assert!(calls(&m, "customer-client", "load-balancer"));
    assert!(calls(&m, "load-balancer", "apache-webserver"));
    assert!(calls(&m, "apache-webserver", "erp-system"));
    let proto = m.component("customer-client").unwrap().calls[0]
        .protocol
        .as_ref()
        .unwrap()
        .v
        .clone();
    assert_eq!(proto, "https");
    assert!(yaml.contains("# threagile: redundant:"), "{yaml}");
    lints("3", &yaml);
    insta::assert_snapshot!("import_threagile", yaml);
}

#[test]
fn compose_forms_and_evidence() {
    let d = Dir::new("compose-forms");
    let f = d.write(
        "docker-compose.yml",
        "x-base: &base\n  restart: always\nservices:\n  api:\n    <<: *base\n    build: .\n    ports: ['8080:80']\n    depends_on:\n      db: { condition: service_healthy }\n    environment:\n      CACHE_URL: redis://cache:6379/0\n      QUEUE: amqp://guest:guest@broker:5672\n    deploy: { replicas: 3 }\n  worker:\n    image: ghcr.io/acme/worker:1.2\n    scale: 2\n    links: ['db:database']\n    environment: ['DB_HOST=db']\n  db:\n    image: acme/orders-db:7\n    environment: { POSTGRES_DB: orders }\n  cache:\n    image: docker.io/library/redis:7-alpine\n    command: redis-server --appendonly yes\n  broker: { image: 'rabbitmq:3-management', profiles: [async] }\n",
    );
    let o = run(&["import", "compose", &f]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let yaml = stdout(&o);
    let m = model(&yaml);
    assert_eq!(m.component("api").unwrap().replicas(), 3);
    assert_eq!(m.component("worker").unwrap().replicas(), 2);
    assert_eq!(kind(&m, "db"), "database");
    assert!(
        yaml.contains("# compose: `POSTGRES_*` environment variables"),
        "{yaml}"
    );
    assert_eq!(
        kind(&m, "cache"),
        "database",
        "redis with appendonly is a database"
    );
    assert!(yaml.contains("model: key-value"), "{yaml}");
    assert_eq!(kind(&m, "broker"), "queue");
    assert!(
        calls(&m, "api", "db")
            && calls(&m, "api", "cache")
            && calls(&m, "api", "broker")
            && calls(&m, "worker", "db")
    );
    assert_eq!(
        m.component("api")
            .unwrap()
            .calls
            .iter()
            .find(|c| c.to.v == "cache")
            .unwrap()
            .protocol
            .as_ref()
            .unwrap()
            .v,
        "resp"
    );
    assert!(calls(&m, "users", "api"));
    assert!(stderr(&o).contains("profiles"), "{}", stderr(&o));
}

#[test]
fn malformed_inputs_are_located_input_errors() {
    let d = Dir::new("import-bad");
    let cases = [
        (
            "compose",
            "list.yml",
            "services:\n  api:\n    - image: x\n",
            "service `api` must be a mapping",
        ),
        (
            "compose",
            "notyaml.yml",
            "services: [unclosed\n",
            "invalid YAML",
        ),
        (
            "compose",
            "noservices.yml",
            "version: '3'\n",
            "no `services:`",
        ),
        (
            "k8s",
            "nokind.yaml",
            "apiVersion: v1\nmetadata: { name: x }\n",
            "has no `kind`",
        ),
        (
            "threagile",
            "tg.yaml",
            "title: x\n",
            "no `technical_assets`",
        ),
    ];
    for (from, name, text, want) in cases {
        let f = d.write(name, text);
        let o = run(&["import", from, &f]);
        assert_eq!(o.status.code(), Some(2), "{name}");
        let err = stderr(&o);
        assert!(
            err.contains("error[invalid-input]")
                && err.contains(want)
                && err.contains(&format!("--> {f}:")),
            "{name}: {err}"
        );
        assert!(stdout(&o).is_empty());
    }
}

#[test]
fn a_directory_of_manifests_and_many_documents() {
    let d = Dir::new("k8s-dir");
    d.write("a/deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: api }\nspec:\n  replicas: 2\n  template:\n    metadata: { labels: { app: api } }\n    spec:\n      containers:\n        - name: api\n          image: acme/api\n          envFrom: [{ configMapRef: { name: api-config } }]\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: api-config }\ndata: { DATABASE_URL: 'postgres://pg:5432/app' }\n---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: { name: api }\nspec: { scaleTargetRef: { kind: Deployment, name: api }, minReplicas: 4, maxReplicas: 10 }\n");
    d.write("b/pg.yml", "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: { name: pg }\nspec:\n  template:\n    metadata: { labels: { app: pg } }\n    spec:\n      containers: [{ name: pg, image: 'docker.io/library/postgres:16', ports: [{ containerPort: 5432, name: postgres }] }]\n---\napiVersion: v1\nkind: Service\nmetadata: { name: pg }\nspec: { selector: { app: pg }, ports: [{ name: postgres, port: 5432 }] }\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: { name: web }\nspec:\n  rules:\n    - host: shop.example.com\n      http: { paths: [{ path: /api, pathType: Prefix, backend: { service: { name: api-svc, port: { number: 80 } } } }] }\n---\napiVersion: v1\nkind: Service\nmetadata: { name: api-svc }\nspec: { selector: { app: api }, ports: [{ name: http, port: 80 }] }\n---\napiVersion: batch/v1\nkind: CronJob\nmetadata: { name: nightly }\nspec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: j, image: acme/report, args: ['--db', 'pg'] }] } } } } }\n");
    let o = run(&["import", "k8s", d.0.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let yaml = stdout(&o);
    let m = model(&yaml);
    assert_eq!(
        m.component("api").unwrap().replicas(),
        4,
        "the HPA's minReplicas"
    );
    assert!(calls(&m, "api", "pg"), "via envFrom's ConfigMap");
    assert_eq!(kind(&m, "pg"), "database");
    assert_eq!(kind(&m, "nightly"), "worker");
    assert!(calls(&m, "nightly", "pg"), "args name the Service");
    let web = m.component("web").unwrap();
    assert_eq!(web.more().layer.as_ref().unwrap().v, 7);
    assert_eq!(
        web.more().routing.as_ref().unwrap().v.len(),
        2,
        "host and path"
    );
    assert!(calls(&m, "web", "api") && calls(&m, "users", "web"));
    lints("4", &yaml);
}

mod properties {
    use proptest::prelude::*;

    /// Fragments of compose and manifest syntax, shuffled: the importers never panic,
    /// and what they write loads.
    fn fragments() -> impl Strategy<Value = String> {
        let parts = prop::sample::select(vec![
            "services:\n",
            "  api:\n",
            "    image: postgres:16\n",
            "    image: redis\n",
            "    ports: ['80:80']\n",
            "    depends_on: [db]\n",
            "    environment: ['URL=http://db:5432']\n",
            "  db: { image: mongo }\n",
            "---\n",
            "kind: Deployment\n",
            "metadata: { name: web }\n",
            "spec: { replicas: 2 }\n",
            "kind: Service\n",
            "technical_assets:\n",
            "  A: { id: a, technology: database }\n",
            "  - x\n",
            "{",
            "]",
            ": :\n",
            "    deploy: { replicas: x }\n",
            "    links: ['db:alias']\n",
            "      - to\n",
        ]);
        proptest::collection::vec(parts, 0..20).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]
        #[test]
        fn importers_never_panic(text in fragments()) {
            archlint_testing::import_bytes(text.as_bytes());
        }

        #[test]
        fn importers_never_panic_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            archlint_testing::import_bytes(&bytes);
        }
    }
}

/// Issue 32's first defects, each in the shape it was found: an argument read as a
/// protocol, a real `users` service swallowed by the made-up client, Threagile's
/// `readonly` and duplicate links, ports on a random host port, and the checklist.
#[test]
fn arguments_names_links_ports_and_the_checklist() {
    let d = Dir::new("import-32");
    let compose = d.write(
        "compose.yaml",
        "services:\n  proxy:\n    image: myorg/proxy\n    ports: [\"8080:80\", \"9000\"]\n    command: [\"--upstream=http://users:8080\", \"--db=jdbc:postgresql://db:5432/app\"]\n  users:\n    image: myorg/users\n    ports: [\"8081:8080\"]\n  db:\n    image: postgres:15\n",
    );
    let (yaml, err) = import(&["compose", &compose]);
    let m = model(&yaml);
    // `--upstream=http://users:8080`: a call to `users` over http, not `protocol: --upstream=http`
    let call = m
        .component("proxy")
        .unwrap()
        .calls
        .iter()
        .find(|c| c.to.v == "users")
        .expect("proxy -> users");
    assert_eq!(
        call.protocol.as_ref().map(|p| p.v.as_str()),
        Some("http"),
        "{yaml}"
    );
    assert!(calls(&m, "proxy", "db"), "jdbc:postgresql://db: {yaml}");
    // the real `users` stays a service; the made-up client takes another name
    assert_eq!(kind(&m, "users"), "service");
    assert_eq!(kind(&m, "external-users"), "client");
    assert!(calls(&m, "external-users", "users") && calls(&m, "external-users", "proxy"));
    // a port on a random host port is noted
    assert!(
        yaml.contains("port 9000 is published on a random host port"),
        "{yaml}"
    );
    // what the new file can and cannot tell
    assert!(
        err.contains("what the new file can tell archlint:"),
        "{err}"
    );
    assert!(err.contains("cannot yet: timeouts and retries"), "{err}");
    assert!(err.contains("add first: the `requirements`"), "{err}");

    let threagile = d.write(
        "model.yaml",
        "title: t\ntechnical_assets:\n  app:\n    id: app\n    type: process\n    technology: web-service-rest\n    communication_links:\n      read:\n        target: store\n        protocol: jdbc\n        readonly: true\n      write:\n        target: store\n        protocol: jdbc\n  store:\n    id: store\n    type: datastore\n    technology: database\n",
    );
    let (yaml, _) = import(&["threagile", &threagile]);
    let m = model(&yaml);
    let to_store: Vec<_> = m
        .component("app")
        .unwrap()
        .calls
        .iter()
        .filter(|c| c.to.v == "store")
        .collect();
    assert_eq!(to_store.len(), 2, "both links kept: {yaml}");
    assert!(
        yaml.contains("access: read  # threagile: link `read` readonly: true"),
        "{yaml}"
    );
}

/// Kinds and roles from what a reader sees: a technology word ending a name, image or
/// build directory (never a tool named after a store); a client's settings of a store
/// making a caller; gateways, workers, load generators by name; calls to a
/// configuration server at start-up, to a telemetry collector asynchronous.
#[test]
fn kinds_and_roles_from_names_and_settings() {
    let d = Dir::new("import-kinds");
    let compose = d.write(
        "compose.yaml",
        "services:\n  api-gateway:\n    image: myorg/api-gateway\n    ports: [\"80:8080\"]\n    depends_on: [orders, config-server, jaeger]\n  orders:\n    image: myorg/orders\n    environment:\n      POSTGRES_HOST: orders-postgres\n      POSTGRES_PASSWORD: x\n      CONFIG_URL: http://config-server:8888\n      OTEL_EXPORTER: http://jaeger:14268\n  orders-postgres:\n    image: myorg/orders-postgres\n  sqldata:\n    build: ./sqldata\n  rs-mongodb:\n    image: myorg/rs-mongodb:1\n  redis-commander:\n    image: myorg/redis-commander\n  config-server:\n    image: myorg/config-server\n  jaeger:\n    image: myorg/tracing\n  email-worker:\n    image: myorg/email-worker\n  loadgenerator:\n    image: myorg/loadgen\n    depends_on: [api-gateway]\n",
    );
    let (yaml, _) = import(&["compose", &compose]);
    let m = model(&yaml);
    assert_eq!(kind(&m, "api-gateway"), "gateway", "{yaml}");
    assert_eq!(
        kind(&m, "orders"),
        "service",
        "a client of postgres is not postgres: {yaml}"
    );
    assert_eq!(kind(&m, "orders-postgres"), "database");
    assert_eq!(kind(&m, "rs-mongodb"), "database");
    assert_eq!(
        kind(&m, "redis-commander"),
        "service",
        "a tool for redis is not redis"
    );
    assert_eq!(kind(&m, "email-worker"), "worker");
    assert_eq!(kind(&m, "loadgenerator"), "client");
    assert!(calls(&m, "orders", "orders-postgres"));
    let call = |from: &str, to: &str| {
        m.component(from)
            .unwrap()
            .calls
            .iter()
            .find(|c| c.to.v == to)
            .cloned()
            .unwrap_or_else(|| panic!("{from} -> {to}: {yaml}"))
    };
    assert_eq!(
        call("orders", "config-server")
            .more()
            .startup
            .as_ref()
            .map(|s| s.v),
        Some(true)
    );
    assert_eq!(
        call("orders", "jaeger").mode.as_ref().map(|s| s.v.as_str()),
        Some("async"),
        "{yaml}"
    );
    assert!(
        yaml.contains("# compose: the name `api-gateway` says an API gateway"),
        "{yaml}"
    );
    assert!(
        yaml.contains("the service's name `orders-postgres` ends in `postgres`")
            || yaml.contains("the image's name `orders-postgres` ends in `postgres`"),
        "{yaml}"
    );
    lints("kinds", &yaml);
}

/// A base compose file and its override, imported together, are one project: later
/// files override earlier ones key by key (a `/data` volume in the override makes the
/// base's redis persistent), lists and mappings are merged.
#[test]
fn an_override_file_is_merged_onto_its_base() {
    let d = Dir::new("import-override");
    let base = d.write(
        "docker-compose.yml",
        "services:\n  basket-api:\n    image: myorg/basket-api\n    environment: { REDIS: basketdata }\n  basketdata:\n    image: redis:alpine\n",
    );
    let over = d.write(
        "docker-compose.override.yml",
        "services:\n  basket-api:\n    ports: [\"5103:80\"]\n    environment: { IDENTITY_URL: \"http://identity-api\" }\n  basketdata:\n    volumes: [\"basket-data:/data\"]\n  identity-api:\n    image: myorg/identity-api\n",
    );
    let (yaml, _) = import(&["compose", &base, &over]);
    let m = model(&yaml);
    assert_eq!(
        kind(&m, "basketdata"),
        "database",
        "the override's /data volume: {yaml}"
    );
    // both files' environments: the base's call and the override's
    assert!(
        calls(&m, "basket-api", "basketdata") && calls(&m, "basket-api", "identity-api"),
        "{yaml}"
    );
    // the override's port publishes the base's service
    assert!(calls(&m, "users", "basket-api"), "{yaml}");
    assert_eq!(
        m.components.iter().filter(|c| c.id == "basket-api").count(),
        1
    );
}

/// Real files no one here wrote, judged from the file alone before the importer ran
/// (tests/fixtures/import/README.md): kinds a reader can tell, calls the file proves,
/// entry points. The importer must recover each and invent no call.
#[test]
fn real_files_scored() {
    struct Judged {
        file: &'static str,
        kinds: &'static [(&'static str, &'static str)],
        calls: &'static [(&'static str, &'static str)],
        entries: &'static [&'static str],
        startup_to: Option<&'static str>,
        consumes: &'static [(&'static str, &'static str)],
        /// The judged calls are all the file proves (else only some: no invented check).
        every_call: bool,
        /// Files imported together after `file` (an override).
        more: &'static [&'static str],
    }
    let judged = [
        Judged {
            file: "tests/fixtures/import/piggymetrics.docker-compose.yml",
            kinds: &[
                ("rabbitmq", "queue"),
                ("gateway", "gateway"),
                ("auth-mongodb", "database"),
                ("account-mongodb", "database"),
                ("statistics-mongodb", "database"),
                ("notification-mongodb", "database"),
                ("config", "service"),
                ("registry", "service"),
                ("auth-service", "service"),
                ("account-service", "service"),
                ("statistics-service", "service"),
                ("notification-service", "service"),
                ("monitoring", "service"),
                ("turbine-stream-service", "service"),
            ],
            calls: &[
                ("registry", "config"),
                ("gateway", "config"),
                ("auth-service", "config"),
                ("account-service", "config"),
                ("statistics-service", "config"),
                ("notification-service", "config"),
                ("monitoring", "config"),
                ("turbine-stream-service", "config"),
            ],
            entries: &[
                "rabbitmq",
                "registry",
                "gateway",
                "monitoring",
                "turbine-stream-service",
            ],
            startup_to: Some("config"),
            consumes: &[],
            every_call: true,
            more: &[],
        },
        Judged {
            file: "tests/fixtures/import/example-voting-app.docker-compose.yml",
            kinds: &[
                ("vote", "service"),
                ("result", "service"),
                ("worker", "worker"),
                ("db", "database"),
            ],
            calls: &[
                ("vote", "redis"),
                ("result", "db"),
                ("worker", "redis"),
                ("worker", "db"),
                ("seed", "vote"),
            ],
            entries: &["vote", "result"],
            startup_to: None,
            consumes: &[],
            every_call: true,
            more: &[],
        },
        Judged {
            file: "tests/fixtures/import/spring-petclinic-microservices.docker-compose.yml",
            kinds: &[
                ("api-gateway", "gateway"),
                ("config-server", "service"),
                ("discovery-server", "service"),
                ("customers-service", "service"),
                ("visits-service", "service"),
                ("vets-service", "service"),
                ("genai-service", "service"),
                ("tracing-server", "service"),
                ("admin-server", "service"),
                ("grafana-server", "service"),
                ("prometheus-server", "service"),
            ],
            calls: &[
                ("discovery-server", "config-server"),
                ("customers-service", "config-server"),
                ("customers-service", "discovery-server"),
                ("visits-service", "config-server"),
                ("visits-service", "discovery-server"),
                ("vets-service", "config-server"),
                ("vets-service", "discovery-server"),
                ("genai-service", "config-server"),
                ("genai-service", "discovery-server"),
                ("api-gateway", "config-server"),
                ("api-gateway", "discovery-server"),
                ("admin-server", "config-server"),
                ("admin-server", "discovery-server"),
            ],
            entries: &[
                "config-server",
                "discovery-server",
                "customers-service",
                "visits-service",
                "vets-service",
                "genai-service",
                "api-gateway",
                "tracing-server",
                "admin-server",
                "grafana-server",
                "prometheus-server",
            ],
            startup_to: Some("config-server"),
            consumes: &[],
            every_call: true,
            more: &[],
        },
        Judged {
            file: "tests/fixtures/import/robot-shop.docker-compose.yaml",
            kinds: &[
                ("mongodb", "database"),
                ("mysql", "database"),
                ("redis", "cache"),
                ("rabbitmq", "queue"),
                ("dispatch", "worker"),
                ("catalogue", "service"),
                ("user", "service"),
                ("cart", "service"),
                ("shipping", "service"),
                ("ratings", "service"),
                ("payment", "service"),
                ("web", "service"),
            ],
            calls: &[
                ("catalogue", "mongodb"),
                ("user", "mongodb"),
                ("user", "redis"),
                ("cart", "redis"),
                ("shipping", "mysql"),
                ("ratings", "mysql"),
                ("payment", "rabbitmq"),
                ("web", "catalogue"),
                ("web", "user"),
                ("web", "shipping"),
                ("web", "payment"),
            ],
            entries: &["web"],
            startup_to: None,
            consumes: &[("dispatch", "rabbitmq")],
            every_call: true,
            more: &[],
        },
        Judged {
            file: "tests/fixtures/import/eshoponcontainers.docker-compose.yml",
            kinds: &[
                ("sqldata", "database"),
                ("nosqldata", "database"),
                ("basketdata", "database"),
                ("rabbitmq", "queue"),
                ("mobileshoppingapigw", "gateway"),
                ("webshoppingapigw", "gateway"),
                ("ordering-backgroundtasks", "worker"),
                ("seq", "service"),
                ("identity-api", "service"),
                ("basket-api", "service"),
                ("catalog-api", "service"),
                ("ordering-api", "service"),
                ("payment-api", "service"),
                ("webhooks-api", "service"),
                ("mobileshoppingagg", "service"),
                ("webshoppingagg", "service"),
                ("ordering-signalrhub", "service"),
                ("webstatus", "service"),
                ("webspa", "service"),
                ("webmvc", "service"),
                ("webhooks-client", "service"),
            ],
            calls: &[
                ("identity-api", "sqldata"),
                ("basket-api", "basketdata"),
                ("basket-api", "identity-api"),
                ("basket-api", "rabbitmq"),
                ("catalog-api", "sqldata"),
                ("catalog-api", "rabbitmq"),
                ("ordering-api", "sqldata"),
                ("ordering-api", "rabbitmq"),
                ("ordering-backgroundtasks", "sqldata"),
                ("ordering-backgroundtasks", "rabbitmq"),
                ("payment-api", "rabbitmq"),
                ("webhooks-api", "sqldata"),
                ("webspa", "webshoppingagg"),
                ("webspa", "webshoppingapigw"),
                ("webmvc", "webshoppingagg"),
                ("webmvc", "webshoppingapigw"),
                ("webhooks-client", "webhooks-api"),
            ],
            entries: &[],
            startup_to: None,
            consumes: &[],
            every_call: false,
            more: &["tests/fixtures/import/eshoponcontainers.docker-compose.override.yml"],
        },
        Judged {
            file: "tests/fixtures/import/bank-of-anthos.kubernetes-manifests.yaml",
            kinds: &[
                ("accounts-db", "database"),
                ("ledger-db", "database"),
                ("loadgenerator", "client"),
                ("frontend", "service"),
                ("balancereader", "service"),
                ("contacts", "service"),
                ("ledgerwriter", "service"),
                ("transactionhistory", "service"),
                ("userservice", "service"),
            ],
            calls: &[
                ("frontend", "ledgerwriter"),
                ("frontend", "balancereader"),
                ("frontend", "transactionhistory"),
                ("frontend", "contacts"),
                ("frontend", "userservice"),
                ("balancereader", "ledger-db"),
                ("ledgerwriter", "ledger-db"),
                ("transactionhistory", "ledger-db"),
                ("contacts", "accounts-db"),
                ("userservice", "accounts-db"),
                ("loadgenerator", "frontend"),
            ],
            entries: &["frontend"],
            startup_to: None,
            consumes: &[],
            every_call: false,
            more: &[],
        },
        Judged {
            file: "tests/fixtures/import/hotrod.docker-compose.yml",
            kinds: &[("jaeger", "service"), ("hotrod", "service")],
            calls: &[("hotrod", "jaeger")],
            entries: &["jaeger", "hotrod"],
            startup_to: None,
            consumes: &[],
            every_call: true,
            more: &[],
        },
        Judged {
            file: "tests/fixtures/import/awesome-compose-react-express-mysql.compose.yaml",
            kinds: &[
                ("backend", "service"),
                ("frontend", "service"),
                ("db", "database"),
            ],
            calls: &[("backend", "db"), ("frontend", "backend")],
            entries: &["backend", "frontend"],
            startup_to: None,
            consumes: &[],
            every_call: true,
            more: &[],
        },
        Judged {
            file: "tests/fixtures/import/awesome-compose-aspnet-mssql.compose.yaml",
            kinds: &[("web", "service"), ("db", "database")],
            calls: &[],
            entries: &["web"],
            startup_to: None,
            consumes: &[],
            every_call: true,
            more: &[],
        },
        Judged {
            file: "tests/fixtures/import/awesome-compose-nginx-flask-mongo.compose.yaml",
            kinds: &[
                ("web", "load-balancer"),
                ("backend", "service"),
                ("mongo", "database"),
            ],
            calls: &[("web", "backend"), ("backend", "mongo")],
            entries: &["web"],
            startup_to: None,
            consumes: &[],
            every_call: true,
            more: &[],
        },
    ];
    let (mut kinds_ok, mut kinds_all, mut calls_ok, mut calls_all, mut invented) = (0, 0, 0, 0, 0);
    for j in &judged {
        let from = if j.file.contains("kubernetes") {
            "k8s"
        } else {
            "compose"
        };
        let mut args = vec![from, j.file];
        args.extend_from_slice(j.more);
        let (yaml, _) = import(&args);
        let m = model(&yaml);
        for (id, want) in j.kinds {
            kinds_all += 1;
            if kind(&m, id) == *want {
                kinds_ok += 1;
            } else {
                eprintln!(
                    "{}: `{id}` is {}, a reader tells {want}",
                    j.file,
                    kind(&m, id)
                );
            }
        }
        for (from, to) in j.calls {
            calls_all += 1;
            if calls(&m, from, to) {
                calls_ok += 1;
            } else {
                eprintln!("{}: missing call {from} -> {to}", j.file);
            }
        }
        // every call the import makes between workloads is one the file proves
        for c in m
            .components
            .iter()
            .filter(|c| j.every_call && c.kind().as_str() != "client")
        {
            for x in &c.calls {
                if !j.calls.contains(&(c.id.as_str(), x.to.v.as_str())) {
                    invented += 1;
                    eprintln!("{}: invented call {} -> {}", j.file, c.id, x.to.v);
                }
            }
        }
        if !j.entries.is_empty() {
            let client = m
                .components
                .iter()
                .find(|c| {
                    c.kind().as_str() == "client" && !j.kinds.iter().any(|(id, _)| *id == c.id)
                })
                .expect("the made-up client");
            let mut entries: Vec<&str> = client.calls.iter().map(|c| c.to.v.as_str()).collect();
            entries.sort_unstable();
            let mut want: Vec<&str> = j.entries.to_vec();
            want.sort_unstable();
            assert_eq!(entries, want, "{}: entry points", j.file);
        }
        for (who, queue) in j.consumes {
            calls_all += 1;
            let reads = m
                .component(who)
                .is_some_and(|c| c.consumes.iter().any(|x| x.from.v == *queue));
            if reads {
                calls_ok += 1;
            } else {
                eprintln!("{}: `{who}` does not consume `{queue}`", j.file);
            }
        }
        if let Some(cfg) = j.startup_to {
            for c in m
                .components
                .iter()
                .filter(|c| c.kind().as_str() != "client")
            {
                for x in c.calls.iter().filter(|x| x.to.v == cfg) {
                    assert_eq!(
                        x.more().startup.as_ref().map(|s| s.v),
                        Some(true),
                        "{} -> {cfg}",
                        c.id
                    );
                }
            }
        }
        lints(j.file.rsplit('/').next().unwrap(), &yaml);
    }
    // HotROD's call to its tracing backend is sent, not waited for
    let (yaml, _) = import(&["compose", "tests/fixtures/import/hotrod.docker-compose.yml"]);
    let m = model(&yaml);
    let to_jaeger = m
        .component("hotrod")
        .unwrap()
        .calls
        .iter()
        .find(|c| c.to.v == "jaeger")
        .unwrap();
    assert_eq!(to_jaeger.mode.as_ref().map(|x| x.v.as_str()), Some("async"));
    eprintln!("kinds {kinds_ok}/{kinds_all}, calls {calls_ok}/{calls_all}, invented {invented}");
    assert_eq!((kinds_ok, calls_ok, invented), (kinds_all, calls_all, 0));
}

/// A consumer group or a subscription in a workload's settings: it reads the queue
/// it names, written as `consumes:`; its other calls stay calls.
#[test]
fn a_consumer_group_makes_a_consume() {
    let d = Dir::new("import-consumer");
    let compose = d.write(
        "compose.yaml",
        "services:\n  kafka:\n    image: bitnami/kafka:3\n  db:\n    image: postgres:16\n  notifier:\n    image: myorg/notifier\n    ports: [\"8080\"]\n    environment:\n      KAFKA_BROKERS: kafka:9092\n      KAFKA_CONSUMER_GROUP: notifier\n      DB_URL: postgres://db:5432/app\n",
    );
    let (yaml, _) = import(&["compose", &compose]);
    let m = model(&yaml);
    let n = m.component("notifier").unwrap();
    assert!(n.consumes.iter().any(|c| c.from.v == "kafka"), "{yaml}");
    assert!(
        !calls(&m, "notifier", "kafka") && calls(&m, "notifier", "db"),
        "{yaml}"
    );
    assert!(
        yaml.contains("`KAFKA_CONSUMER_GROUP`: it reads the queue"),
        "{yaml}"
    );
}
