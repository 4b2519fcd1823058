//! What a container image is: by its name (official and common vendor images, with
//! registries and tags), or, for a project's own image, by what it exposes and expects.

use archlint_core::model::Kind;

/// What the evidence says a workload is.
#[derive(Debug, Clone, PartialEq)]
pub struct Recognised {
    pub kind: Kind,
    pub tech: String,
    /// Which evidence decided (`image postgres`, `port 3306`, `MYSQL_* environment`).
    pub evidence: String,
}

/// Known image names (the last path segment, without tag), by prefix.
const NAMES: &[(&str, Kind, &str)] = &[
    ("postgres", Kind::Database, "postgresql"),
    ("postgis", Kind::Database, "postgresql"),
    ("timescaledb", Kind::Database, "timescaledb"),
    ("mysql", Kind::Database, "mysql"),
    ("mariadb", Kind::Database, "mariadb"),
    ("mongo", Kind::Database, "mongodb"),
    ("cassandra", Kind::Database, "cassandra"),
    ("scylla", Kind::Database, "scylladb"),
    ("neo4j", Kind::Database, "neo4j"),
    ("elasticsearch", Kind::Database, "elasticsearch"),
    ("opensearch", Kind::Database, "opensearch"),
    ("couchdb", Kind::Database, "couchdb"),
    ("influxdb", Kind::Database, "influxdb"),
    ("memcached", Kind::Cache, "memcached"),
    ("redis", Kind::Cache, "redis"),
    ("valkey", Kind::Cache, "valkey"),
    ("rabbitmq", Kind::Queue, "rabbitmq"),
    ("cp-kafka", Kind::Queue, "kafka"),
    ("kafka", Kind::Queue, "kafka"),
    ("nats", Kind::Queue, "nats"),
    ("activemq", Kind::Queue, "activemq"),
    ("pulsar", Kind::Queue, "pulsar"),
    ("minio", Kind::ObjectStore, "minio"),
    ("nginx", Kind::LoadBalancer, "nginx"),
    ("haproxy", Kind::LoadBalancer, "haproxy"),
    ("envoy", Kind::LoadBalancer, "envoy"),
    ("traefik", Kind::LoadBalancer, "traefik"),
];

/// `docker.io/library/postgres:15-alpine` -> `postgres`; `bitnami/redis` -> `redis`;
/// `quay.io/org/app@sha256:…` -> `app`.
pub fn base_name(image: &str) -> String {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
    last.split(':').next().unwrap_or(last).to_ascii_lowercase()
}

/// Vendor images known by their whole path (the last segment alone says nothing).
const PATHS: &[(&str, Kind, &str)] = &[
    ("mssql/server", Kind::Database, "sqlserver"),
    ("mssql/rhel/server", Kind::Database, "sqlserver"),
    ("azure-sql-edge", Kind::Database, "sqlserver"),
    (
        "cosmosdb/linux/azure-cosmos-emulator",
        Kind::Database,
        "cosmosdb",
    ),
    ("amazon/dynamodb-local", Kind::Database, "dynamodb"),
];

/// By the image's name.
pub fn by_name(image: &str) -> Option<Recognised> {
    let lower = image.to_ascii_lowercase();
    let path = lower.split(['@', ':']).next().unwrap_or(&lower);
    if let Some((p, kind, tech)) = PATHS.iter().find(|(p, _, _)| path.ends_with(p)) {
        return Some(Recognised {
            kind: *kind,
            tech: tech.to_string(),
            evidence: format!("image `{image}` ({p})"),
        });
    }
    let base = base_name(image);
    NAMES
        .iter()
        .find(|(n, _, _)| base == *n || (base.starts_with(n) && base.len() <= n.len() + 3))
        .map(|(n, kind, tech)| Recognised {
            kind: *kind,
            tech: tech.to_string(),
            evidence: format!("image `{image}` ({n})"),
        })
}

const PORTS: &[(u16, Kind, &str)] = &[
    (3306, Kind::Database, "mysql"),
    (5432, Kind::Database, "postgresql"),
    (27017, Kind::Database, "mongodb"),
    (1433, Kind::Database, "sqlserver"),
    (9042, Kind::Database, "cassandra"),
    (9200, Kind::Database, "elasticsearch"),
    (6379, Kind::Cache, "redis"),
    (11211, Kind::Cache, "memcached"),
    (5672, Kind::Queue, "rabbitmq"),
    (9092, Kind::Queue, "kafka"),
    (4222, Kind::Queue, "nats"),
];

/// Technology words a workload's name, image or build directory may end in.
const WORDS: &[(&str, Kind, &str)] = &[
    ("postgres", Kind::Database, "postgresql"),
    ("postgresql", Kind::Database, "postgresql"),
    ("pg", Kind::Database, "postgresql"),
    ("mysql", Kind::Database, "mysql"),
    ("mariadb", Kind::Database, "mariadb"),
    ("mongo", Kind::Database, "mongodb"),
    ("mongodb", Kind::Database, "mongodb"),
    ("mssql", Kind::Database, "sqlserver"),
    ("sqlserver", Kind::Database, "sqlserver"),
    ("cassandra", Kind::Database, "cassandra"),
    ("documentdb", Kind::Database, "documentdb"),
    ("cosmosdb", Kind::Database, "cosmosdb"),
    ("dynamodb", Kind::Database, "dynamodb"),
    ("elasticsearch", Kind::Database, "elasticsearch"),
    ("redis", Kind::Cache, "redis"),
    ("memcached", Kind::Cache, "memcached"),
    ("rabbitmq", Kind::Queue, "rabbitmq"),
    ("kafka", Kind::Queue, "kafka"),
    ("nats", Kind::Queue, "nats"),
];

/// By the technology word a name ends in (`rs-mongodb`, `orders-postgres`,
/// `piggymetrics_mongodb`): words are separated by `-`, `_` or `.`, and only the last
/// counts, so `redis-commander` or `postgres-exporter` (a tool for the store, not the
/// store) is not taken for it. `what` says which name it was.
pub fn by_last_word(name: &str, what: &str) -> Option<Recognised> {
    let lower = name.to_ascii_lowercase();
    let last = lower.rsplit(['-', '_', '.', '/']).next().unwrap_or(&lower);
    WORDS
        .iter()
        .find(|(w, _, _)| *w == last)
        .map(|(w, kind, tech)| Recognised {
            kind: *kind,
            tech: tech.to_string(),
            evidence: format!("{what} `{name}` ends in `{w}`"),
        })
}

/// By a well-known port it exposes.
pub fn by_port(port: u16) -> Option<Recognised> {
    PORTS
        .iter()
        .find(|(p, _, _)| *p == port)
        .map(|(p, kind, tech)| Recognised {
            kind: *kind,
            tech: tech.to_string(),
            evidence: format!("it exposes port {p}, {tech}'s"),
        })
}

/// By a port's name (`mysql`, `postgres`, `mongo`, `redis`, `amqp`, ...).
pub fn by_port_name(name: &str) -> Option<Recognised> {
    let n = name.to_ascii_lowercase();
    let tech = match n.as_str() {
        "mysql" => "mysql",
        "postgres" | "postgresql" | "pg" => "postgresql",
        "mongo" | "mongodb" => "mongodb",
        "cql" | "cassandra" => "cassandra",
        "redis" => "redis",
        "memcached" | "memcache" => "memcached",
        "amqp" | "rabbitmq" => "rabbitmq",
        "kafka" => "kafka",
        "nats" => "nats",
        _ => return None,
    };
    let kind = match tech {
        "redis" | "memcached" => Kind::Cache,
        "rabbitmq" | "kafka" | "nats" => Kind::Queue,
        _ => Kind::Database,
    };
    Some(Recognised {
        kind,
        tech: tech.into(),
        evidence: format!("a port named `{name}`"),
    })
}

/// By the images' standard environment variables (`MYSQL_*`, `POSTGRES_*`, ...).
pub fn by_env(keys: &[String]) -> Option<Recognised> {
    const PREFIXES: &[(&str, Kind, &str)] = &[
        ("MYSQL_", Kind::Database, "mysql"),
        ("MARIADB_", Kind::Database, "mariadb"),
        ("POSTGRES_", Kind::Database, "postgresql"),
        ("MONGO_INITDB_", Kind::Database, "mongodb"),
        ("RABBITMQ_", Kind::Queue, "rabbitmq"),
        ("MSSQL_", Kind::Database, "sqlserver"),
        ("SA_PASSWORD", Kind::Database, "sqlserver"),
    ];
    // `POSTGRES_HOST`, `MYSQL_URL`, ...: settings of a client of that store, which
    // make this workload a caller, never the store
    const CLIENT: &[&str] = &[
        "_HOST",
        "_HOSTNAME",
        "_ADDR",
        "_ADDRESS",
        "_URL",
        "_URI",
        "_SERVER",
        "_PORT",
    ];
    PREFIXES.iter().find_map(|(p, kind, tech)| {
        let mine: Vec<&String> = keys.iter().filter(|k| k.starts_with(p)).collect();
        let client = mine.iter().any(|k| CLIENT.iter().any(|c| k.ends_with(c)));
        (!mine.is_empty() && !client).then(|| Recognised {
            kind: *kind,
            tech: tech.to_string(),
            evidence: format!("`{p}*` environment variables"),
        })
    })
}

/// The kind of a recognised image as deployed, and why: Redis is a cache unless
/// persistence is configured (`persistence` says how), then a key-value database.
pub fn deployed_kind(r: &Recognised, source: &str, persistence: Option<&str>) -> (Kind, String) {
    match (r.tech.as_str(), persistence) {
        ("redis", Some(how)) => (
            Kind::Database,
            format!(
                "{source}: {} with persistence configured ({how}), so a key-value database",
                r.evidence
            ),
        ),
        ("redis", None) => (
            r.kind,
            format!(
                "{source}: {}; no persistence configured, so a cache",
                r.evidence
            ),
        ),
        _ => (r.kind, format!("{source}: {}", r.evidence)),
    }
}

/// The protocol a well-known port speaks.
pub fn protocol_of_port(port: u16) -> Option<&'static str> {
    Some(match port {
        80 | 8080 => "http",
        443 | 8443 => "https",
        3306 | 5432 => "sql",
        6379 => "resp",
        5672 => "amqp",
        9092 => "kafka",
        27017 => "mongodb",
        4222 => "nats",
        50051 => "grpc",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_with_registries_and_tags() {
        assert_eq!(
            by_name("docker.io/library/postgres:15-alpine")
                .unwrap()
                .tech,
            "postgresql"
        );
        assert_eq!(by_name("bitnami/redis").unwrap().kind, Kind::Cache);
        assert_eq!(
            by_name("quay.io/strimzi/kafka:0.38").unwrap().kind,
            Kind::Queue
        );
        assert_eq!(by_name("mongo:3.4").unwrap().tech, "mongodb");
        assert_eq!(by_name("bitnami/postgresql:16").unwrap().tech, "postgresql");
        assert!(by_name("weaveworksdemos/catalogue-db:0.3.0").is_none());
        assert!(by_name("gcr.io/google-samples/microservices-demo/cartservice:v0.5.1").is_none());
        assert_eq!(by_env(&["MYSQL_DATABASE".into()]).unwrap().tech, "mysql");
        assert_eq!(by_port(5432).unwrap().kind, Kind::Database);
        // a client of a store is not the store
        assert!(by_env(&["POSTGRES_HOST".into(), "POSTGRES_PASSWORD".into()]).is_none());
        assert_eq!(
            by_env(&["POSTGRES_PASSWORD".into()]).unwrap().tech,
            "postgresql"
        );
    }

    #[test]
    fn last_words_name_a_technology_and_only_the_last_counts() {
        assert_eq!(by_last_word("rs-mongodb", "name").unwrap().tech, "mongodb");
        assert_eq!(
            by_last_word("piggymetrics_mongodb", "name").unwrap().kind,
            Kind::Database
        );
        assert_eq!(
            by_last_word("orders-postgres", "name").unwrap().tech,
            "postgresql"
        );
        assert!(by_last_word("redis-commander", "name").is_none());
        assert!(by_last_word("postgres-exporter", "name").is_none());
        assert!(by_last_word("mongoose", "name").is_none());
    }
}
