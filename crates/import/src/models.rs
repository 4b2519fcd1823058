//! What the architecture models (CALM, Backstage, Structurizr) say in words: a kind or
//! a technology named in a type, a name, a description or a `technology` field, and
//! the protocol a relationship names. Shared by their importers.

use archlint_core::model::Kind;
use serde_json::Value;

/// Technologies a model names in words, with the kind of component they make.
const TECH: &[(&str, Kind, &str)] = &[
    ("postgresql", Kind::Database, "postgresql"),
    ("postgres", Kind::Database, "postgresql"),
    ("mysql", Kind::Database, "mysql"),
    ("mariadb", Kind::Database, "mariadb"),
    ("oracle", Kind::Database, "oracle"),
    ("mongodb", Kind::Database, "mongodb"),
    ("nitritedb", Kind::Database, "nitrite"),
    ("cassandra", Kind::Database, "cassandra"),
    ("dynamodb", Kind::Database, "dynamodb"),
    ("elasticsearch", Kind::Database, "elasticsearch"),
    ("opensearch", Kind::Database, "opensearch"),
    ("neo4j", Kind::Database, "neo4j"),
    ("sqlserver", Kind::Database, "sqlserver"),
    ("redis", Kind::Cache, "redis"),
    ("memcached", Kind::Cache, "memcached"),
    ("kafka", Kind::Queue, "kafka"),
    ("rabbitmq", Kind::Queue, "rabbitmq"),
    ("sqs", Kind::Queue, "sqs"),
    ("nats", Kind::Queue, "nats"),
    ("s3", Kind::ObjectStore, "s3"),
    ("nginx", Kind::LoadBalancer, "nginx"),
    ("haproxy", Kind::LoadBalancer, "haproxy"),
    ("envoy", Kind::LoadBalancer, "envoy"),
];

/// The words of a text, lowercase, split at anything but letters and digits.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
}

/// The first technology a text names as a whole word (`Redis cache for …`,
/// `Oracle Database Schema`), with the kind it makes.
pub fn tech_in(text: &str) -> Option<(Kind, &'static str)> {
    words(text).find_map(|w| {
        TECH.iter()
            .find(|(t, _, _)| *t == w)
            .map(|(_, k, tech)| (*k, *tech))
    })
}

/// The kind a type name or a word in a text says (`queue`, `topic`, `cache`,
/// `load-balancer`, `gateway`, `worker`, `bucket`, ...), when one does.
pub fn kind_word(text: &str) -> Option<Kind> {
    let ws: Vec<String> = words(text).collect();
    let has = |w: &[&str]| ws.iter().any(|x| w.contains(&x.as_str()));
    let phrase = ws.join("-");
    Some(
        if phrase.contains("load-balancer") || has(&["loadbalancer", "lb"]) {
            Kind::LoadBalancer
        } else if has(&["queue", "topic", "broker", "stream", "eventbus"]) {
            Kind::Queue
        } else if has(&["cache"]) {
            Kind::Cache
        } else if has(&["gateway", "bff"]) {
            Kind::Gateway
        } else if has(&["worker", "job", "batch", "consumer"]) {
            Kind::Worker
        } else if has(&["bucket", "blob", "objectstore"]) || phrase.contains("object-store") {
            Kind::ObjectStore
        } else if has(&["cdn"]) {
            Kind::Cdn
        } else if has(&["database", "db", "datastore", "schema"]) {
            Kind::Database
        } else if has(&["external", "third", "vendor", "partner", "provider"]) {
            Kind::External
        } else if has(&[
            "client",
            "browser",
            "mobile",
            "webclient",
            "frontend",
            "website",
            "spa",
        ]) {
            Kind::Client
        } else {
            return None;
        },
    )
}

/// Whether a text says its subject is outside the system (`External card network`,
/// a third-party or vendor system).
pub fn outside(text: &str) -> bool {
    words(text).any(|w| matches!(w.as_str(), "external" | "third" | "vendor" | "partner"))
}

/// The archlint protocol a model's protocol or technology names (`HTTPS`,
/// `JSON/HTTPS`, `JDBC`, `WebSocket`, `AMQP`, `gRPC`), when it names one.
pub fn protocol(text: &str) -> Option<&'static str> {
    let ws: Vec<String> = words(text).collect();
    let has = |w: &str| ws.iter().any(|x| x == w);
    Some(if has("https") {
        "https"
    } else if has("http") || has("rest") {
        "http"
    } else if has("grpc") {
        "grpc"
    } else if has("graphql") {
        "graphql"
    } else if has("jdbc") || has("sql") || has("odbc") {
        "sql"
    } else if has("websocket") || has("socketio") || has("websockets") {
        "websocket"
    } else if has("amqp") {
        "amqp"
    } else if has("kafka") {
        "kafka"
    } else if has("smtp") {
        "smtp"
    } else if has("tcp") {
        "tcp"
    } else {
        return None;
    })
}

/// A string field of a JSON object, `""` when absent or not a string.
pub fn str_of<'v>(v: &'v Value, key: &str) -> &'v str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// A JSON value written as YAML flow text that reads back the same: `3`, `true`,
/// `99.9%`, `[a, b]`, `{ p99: 300ms }` (strings quoted where YAML would read them as
/// something else).
pub fn flow(v: &Value) -> String {
    match v {
        Value::Null => "~".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => super::yaml_str(s),
        Value::Array(a) => format!("[{}]", a.iter().map(flow).collect::<Vec<_>>().join(", ")),
        Value::Object(m) if m.is_empty() => "{}".into(),
        Value::Object(m) => format!(
            "{{ {} }}",
            m.iter()
                .map(|(k, x)| format!("{}: {}", super::yaml_str(k), flow(x)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_in_models() {
        assert_eq!(
            tech_in("Redis cache for real-time prices"),
            Some((Kind::Cache, "redis"))
        );
        assert_eq!(
            tech_in("Oracle Database Schema"),
            Some((Kind::Database, "oracle"))
        );
        assert_eq!(tech_in("Java and Spring MVC"), None);
        assert_eq!(kind_word("message-queue"), Some(Kind::Queue));
        assert_eq!(kind_word("load-balancer"), Some(Kind::LoadBalancer));
        assert_eq!(kind_word("object-store"), Some(Kind::ObjectStore));
        assert_eq!(kind_word("standard"), None);
        assert_eq!(protocol("JSON/HTTPS"), Some("https"));
        assert_eq!(protocol("JDBC"), Some("sql"));
        assert_eq!(protocol("mTLS"), None);
        let v: Value = serde_json::json!({"retry": {"attempts": 3, "backoff": "exponential"}, "x": "99.9%", "z": null});
        assert_eq!(
            flow(&v),
            "{ retry: { attempts: 3, backoff: exponential }, x: \"99.9%\", z: ~ }"
        );
    }
}
