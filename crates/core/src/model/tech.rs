//! The technology table: what well-known products are, in one place.
//!
//! Lookup is tolerant of case, spacing, punctuation, versions and common spellings:
//! `Postgres`, `postgresql`, `PostgreSQL 15` and `Amazon RDS for PostgreSQL` all match.

use super::{DbModel, Kind};

/// How a queue technology behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueFamily {
    /// A replayable, partitioned log: Kafka, Kinesis, Pulsar.
    Log,
    /// A task queue: messages are deleted once acknowledged: RabbitMQ, SQS.
    TaskQueue,
    /// Pub/sub or hybrid systems we do not judge either way.
    Other,
}

#[derive(Debug, Clone, Copy)]
pub struct Tech {
    /// The canonical display name.
    pub name: &'static str,
    /// The kind of component it usually is.
    pub kind: Kind,
    pub db_model: Option<DbModel>,
    pub queue: Option<QueueFamily>,
    /// Relational stores that shard transparently (NewSQL).
    pub distributed: bool,
    /// Spellings, normalised (lowercase, alphanumerics only).
    pub aliases: &'static [&'static str],
}

const fn db(name: &'static str, model: DbModel, aliases: &'static [&'static str]) -> Tech {
    Tech {
        name,
        kind: Kind::Database,
        db_model: Some(model),
        queue: None,
        distributed: false,
        aliases,
    }
}
const fn newsql(name: &'static str, aliases: &'static [&'static str]) -> Tech {
    Tech {
        name,
        kind: Kind::Database,
        db_model: Some(DbModel::Relational),
        queue: None,
        distributed: true,
        aliases,
    }
}
const fn queue(name: &'static str, fam: QueueFamily, aliases: &'static [&'static str]) -> Tech {
    Tech {
        name,
        kind: Kind::Queue,
        db_model: None,
        queue: Some(fam),
        distributed: false,
        aliases,
    }
}
const fn other(name: &'static str, kind: Kind, aliases: &'static [&'static str]) -> Tech {
    Tech {
        name,
        kind,
        db_model: None,
        queue: None,
        distributed: false,
        aliases,
    }
}

use DbModel as M;
use QueueFamily as F;

pub const TECHS: &[Tech] = &[
    db(
        "PostgreSQL",
        M::Relational,
        &[
            "postgresql",
            "postgres",
            "pg",
            "pgsql",
            "rdspostgresql",
            "rdsforpostgresql",
            "cloudsqlpostgresql",
            "aurorapostgresql",
        ],
    ),
    db(
        "MySQL",
        M::Relational,
        &[
            "mysql",
            "rdsmysql",
            "rdsformysql",
            "cloudsqlmysql",
            "mariadb",
            "percona",
        ],
    ),
    db(
        "Aurora",
        M::Relational,
        &["aurora", "amazonaurora", "auroramysql"],
    ),
    db(
        "SQL Server",
        M::Relational,
        &[
            "sqlserver",
            "mssql",
            "microsoftsqlserver",
            "azuresql",
            "azuresqldatabase",
        ],
    ),
    db(
        "Oracle",
        M::Relational,
        &["oracle", "oracledb", "oracledatabase"],
    ),
    db("SQLite", M::Relational, &["sqlite", "sqlite3"]),
    newsql("CockroachDB", &["cockroachdb", "cockroach", "crdb"]),
    newsql("Spanner", &["spanner", "cloudspanner", "googlespanner"]),
    newsql("YugabyteDB", &["yugabytedb", "yugabyte"]),
    newsql("TiDB", &["tidb"]),
    newsql("Vitess", &["vitess", "planetscale"]),
    db(
        "MongoDB",
        M::Document,
        &["mongodb", "mongo", "documentdb", "atlas", "mongodbatlas"],
    ),
    db("CouchDB", M::Document, &["couchdb", "couchbase"]),
    db(
        "Firestore",
        M::Document,
        &["firestore", "cloudfirestore", "firebase"],
    ),
    db("Cosmos DB", M::Document, &["cosmosdb", "azurecosmosdb"]),
    db(
        "DynamoDB",
        M::WideColumn,
        &["dynamodb", "dynamo", "amazondynamodb"],
    ),
    db(
        "Cassandra",
        M::WideColumn,
        &[
            "cassandra",
            "apachecassandra",
            "keyspaces",
            "amazonkeyspaces",
            "datastax",
        ],
    ),
    db("ScyllaDB", M::WideColumn, &["scylladb", "scylla"]),
    db("HBase", M::WideColumn, &["hbase", "apachehbase"]),
    db("Bigtable", M::WideColumn, &["bigtable", "cloudbigtable"]),
    db(
        "Redis",
        M::KeyValue,
        &[
            "redis",
            "elasticache",
            "elasticacheredis",
            "valkey",
            "keydb",
            "memorystore",
            "upstash",
            "dragonfly",
            "dragonflydb",
        ],
    ),
    db(
        "Memcached",
        M::KeyValue,
        &["memcached", "memcache", "elasticachememcached"],
    ),
    db("etcd", M::KeyValue, &["etcd"]),
    db("RocksDB", M::KeyValue, &["rocksdb", "leveldb"]),
    db("Riak", M::KeyValue, &["riak"]),
    db("Neo4j", M::Graph, &["neo4j"]),
    db("Neptune", M::Graph, &["neptune", "amazonneptune"]),
    db(
        "JanusGraph",
        M::Graph,
        &["janusgraph", "dgraph", "arangodb", "tigergraph"],
    ),
    db(
        "Elasticsearch",
        M::Search,
        &["elasticsearch", "elastic", "es", "elk"],
    ),
    db("OpenSearch", M::Search, &["opensearch", "amazonopensearch"]),
    db("Solr", M::Search, &["solr", "apachesolr"]),
    db(
        "Meilisearch",
        M::Search,
        &["meilisearch", "typesense", "algolia", "vespa"],
    ),
    db("InfluxDB", M::TimeSeries, &["influxdb", "influx"]),
    db("TimescaleDB", M::TimeSeries, &["timescaledb", "timescale"]),
    db(
        "Prometheus",
        M::TimeSeries,
        &[
            "prometheus",
            "victoriametrics",
            "questdb",
            "druid",
            "apachedruid",
        ],
    ),
    db("ClickHouse", M::Relational, &["clickhouse"]),
    queue(
        "Kafka",
        F::Log,
        &[
            "kafka",
            "apachekafka",
            "msk",
            "amazonmsk",
            "confluent",
            "confluentkafka",
            "redpanda",
        ],
    ),
    queue(
        "Kinesis",
        F::Log,
        &[
            "kinesis",
            "kinesisdatastreams",
            "amazonkinesis",
            "eventhubs",
            "azureeventhubs",
        ],
    ),
    queue("Pulsar", F::Log, &["pulsar", "apachepulsar"]),
    queue(
        "RabbitMQ",
        F::TaskQueue,
        &["rabbitmq", "rabbit", "amazonmq"],
    ),
    queue(
        "SQS",
        F::TaskQueue,
        &["sqs", "amazonsqs", "awssqs", "sqsfifo"],
    ),
    queue(
        "ActiveMQ",
        F::TaskQueue,
        &["activemq", "artemis", "activemqartemis"],
    ),
    queue(
        "Celery",
        F::TaskQueue,
        &[
            "celery",
            "sidekiq",
            "resque",
            "beanstalkd",
            "bullmq",
            "bull",
            "rq",
        ],
    ),
    queue(
        "Azure Service Bus",
        F::TaskQueue,
        &["servicebus", "azureservicebus"],
    ),
    queue("Cloud Tasks", F::TaskQueue, &["cloudtasks"]),
    queue("NATS", F::Other, &["nats", "natsjetstream", "jetstream"]),
    queue(
        "Pub/Sub",
        F::Other,
        &[
            "pubsub",
            "googlepubsub",
            "cloudpubsub",
            "gcppubsub",
            "sns",
            "amazonsns",
            "eventbridge",
        ],
    ),
    queue("ZeroMQ", F::Other, &["zeromq", "zmq"]),
    other("nginx", Kind::LoadBalancer, &["nginx"]),
    other("HAProxy", Kind::LoadBalancer, &["haproxy"]),
    other("Envoy", Kind::LoadBalancer, &["envoy", "istio"]),
    other("Traefik", Kind::LoadBalancer, &["traefik"]),
    other(
        "ALB",
        Kind::LoadBalancer,
        &["alb", "awsalb", "applicationloadbalancer", "elb"],
    ),
    other(
        "NLB",
        Kind::LoadBalancer,
        &["nlb", "awsnlb", "networkloadbalancer"],
    ),
    other(
        "S3",
        Kind::ObjectStore,
        &[
            "s3",
            "amazons3",
            "gcs",
            "googlecloudstorage",
            "azureblob",
            "blobstorage",
            "minio",
            "r2",
        ],
    ),
    other(
        "CloudFront",
        Kind::Cdn,
        &["cloudfront", "cloudflare", "fastly", "akamai"],
    ),
];

/// Lowercase, keep letters and digits only, drop a trailing version number.
fn normalise(s: &str) -> String {
    let lower = s.to_ascii_lowercase();
    let mut words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    while words.len() > 1
        && words
            .last()
            .is_some_and(|w| w.chars().all(|c| c.is_ascii_digit() || c == 'v'))
    {
        words.pop();
    }
    words.concat()
}

/// Find a technology by any common spelling. Also matches when a known name is one
/// word of the text (`Amazon RDS for PostgreSQL`, `managed kafka`).
pub fn lookup(text: &str) -> Option<&'static Tech> {
    let n = normalise(text);
    if n.is_empty() {
        return None;
    }
    if let Some(t) = TECHS.iter().find(|t| t.aliases.contains(&n.as_str())) {
        return Some(t);
    }
    let lower = text.to_ascii_lowercase();
    let words: Vec<String> = lower
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '/')
        .filter(|w| !w.is_empty())
        .map(normalise)
        .collect();
    for w in &words {
        if w.len() < 3 {
            continue;
        }
        if let Some(t) = TECHS.iter().find(|t| t.aliases.contains(&w.as_str())) {
            return Some(t);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerant_lookup() {
        for s in [
            "Postgres",
            "postgresql",
            "PostgreSQL 15",
            "Amazon RDS for PostgreSQL",
            "postgres-14",
        ] {
            assert_eq!(lookup(s).map(|t| t.name), Some("PostgreSQL"), "{s}");
        }
        assert_eq!(lookup("Apache Kafka").map(|t| t.name), Some("Kafka"));
        assert_eq!(lookup("AWS SQS").map(|t| t.name), Some("SQS"));
        assert_eq!(lookup("Google Pub/Sub").map(|t| t.name), Some("Pub/Sub"));
        assert_eq!(lookup("Cloud Spanner").map(|t| t.name), Some("Spanner"));
        assert_eq!(
            lookup("Elasticsearch 8").map(|t| t.name),
            Some("Elasticsearch")
        );
        assert_eq!(lookup("S3").map(|t| t.name), Some("S3"));
        assert!(lookup("our-own-thing").is_none());
    }

    #[test]
    fn models() {
        assert_eq!(lookup("mongodb").unwrap().db_model, Some(DbModel::Document));
        assert_eq!(
            lookup("DynamoDB").unwrap().db_model,
            Some(DbModel::WideColumn)
        );
        assert_eq!(lookup("neo4j").unwrap().db_model, Some(DbModel::Graph));
        assert_eq!(
            lookup("TimescaleDB").unwrap().db_model,
            Some(DbModel::TimeSeries)
        );
        assert!(lookup("CockroachDB").unwrap().distributed);
        assert_eq!(
            lookup("RabbitMQ").unwrap().queue,
            Some(QueueFamily::TaskQueue)
        );
        assert_eq!(lookup("kinesis").unwrap().queue, Some(QueueFamily::Log));
    }
}
