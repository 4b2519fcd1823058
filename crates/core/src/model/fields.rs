//! The file format's field tables: which keys exist where, their types and docs.
//!
//! One table drives validation (unknown keys, "did you mean", kind-specific fields)
//! and the JSON Schema (`archlint schema`), so the two cannot drift apart.

use super::quantity::QuantityKind as Q;
use super::*;

#[derive(Debug, Clone, Copy)]
pub enum FieldType {
    Str,
    Bool,
    /// Integer in [min, max].
    Int(u64, u64),
    Enum(&'static [&'static str]),
    EnumList(&'static [&'static str]),
    StrList,
    Qty(Q),
    /// A duration or `none` (`ttl`).
    DurationOrNone,
    /// A duration or `forever` (`retention`).
    DurationOrForever,
    /// `true`/`false` or one of the strings.
    BoolOr(&'static [&'static str]),
    /// `true`/`false` or a mapping with the fields.
    BoolOrMap(&'static [FieldDef]),
    /// `none` or a mapping with the fields (or an integer number of attempts).
    RetryPolicy,
    /// A duration (the p99) or a mapping with the fields.
    DurationOrMap(&'static [FieldDef]),
    /// A mapping with exactly these fields.
    Map(&'static [FieldDef]),
    /// A mapping from free keys to strings.
    StrMap,
    /// A mapping from rule ids to reasons.
    Allow,
    /// A list of call items.
    Calls,
    /// A list of consume items.
    Consumes,
    /// The id of another component.
    Ref,
    /// The components mapping.
    Components,
    /// A string or a list of strings.
    StrOrList,
    /// A list of mappings with these fields.
    MapList(&'static [FieldDef]),
    /// A list of lists of strings.
    StrListList,
    /// The entities mapping.
    Entities,
    /// The journeys mapping.
    Journeys,
}

#[derive(Debug, Clone, Copy)]
pub struct FieldDef {
    pub name: &'static str,
    pub ty: FieldType,
    /// `None`: any component kind; else only these kinds.
    pub kinds: Option<&'static [Kind]>,
    pub doc: &'static str,
    /// What an absent field means, as the reference shows it: a value (`1`, `false`,
    /// `read-write`) that a test holds to the loader and the rules (stating it changes
    /// no finding and no estimate), or a sentence for a default that depends on the
    /// rest of the design. `None`: absent means not stated, and the rules that need
    /// it say so or do not run.
    pub default: Option<&'static str>,
}

impl FieldDef {
    /// The field with its default.
    const fn or(self, default: &'static str) -> FieldDef {
        FieldDef {
            default: Some(default),
            ..self
        }
    }
}

const fn f(name: &'static str, ty: FieldType, doc: &'static str) -> FieldDef {
    FieldDef {
        name,
        ty,
        kinds: None,
        doc,
        default: None,
    }
}
const fn k(
    name: &'static str,
    kinds: &'static [Kind],
    ty: FieldType,
    doc: &'static str,
) -> FieldDef {
    FieldDef {
        name,
        ty,
        kinds: Some(kinds),
        doc,
        default: None,
    }
}

pub const TOP: &[FieldDef] = &[
    f("name", FieldType::Str, "The system's name (required)."),
    f("description", FieldType::Str, "What the system does."),
    f(
        "stage",
        FieldType::Enum(Stage::NAMES),
        "Maturity: prototype | v1 | growth | mature.",
    ),
    f(
        "requirements",
        FieldType::Map(REQUIREMENTS),
        "What the system must meet; missing items are reported by missing-requirement.",
    ),
    f(
        "components",
        FieldType::Components,
        "The components, keyed by id.",
    ),
    f(
        "allow",
        FieldType::Allow,
        "Rules suppressed in the whole file: rule id -> reason (or { reason, until: YYYY-MM-DD }).",
    ),
    f(
        "journeys",
        FieldType::Journeys,
        "User journeys keyed by name: { steps: [component ids in order], p99, availability }.",
    ),
    f(
        "entities",
        FieldType::Entities,
        "The data model: entities keyed by name, each with its store, key, fields, relationships, access patterns and indexes.",
    ),
];

/// An `allow` entry written as a mapping.
pub const ALLOW_ENTRY: &[FieldDef] = &[
    f(
        "reason",
        FieldType::Str,
        "Why the finding does not apply (required).",
    ),
    f(
        "until",
        FieldType::Str,
        "The day the suppression expires (YYYY-MM-DD); from then on it no longer suppresses and expired-allow reports it.",
    ),
];

pub const SCALE: &[FieldDef] = &[
    f(
        "daily_active_users",
        FieldType::Qty(Q::Count),
        "Daily active users, e.g. 10M.",
    ),
    f(
        "requests_per_user_per_day",
        FieldType::Qty(Q::Count),
        "Requests one user makes per day.",
    ),
    f(
        "peak_to_average",
        FieldType::Qty(Q::Count),
        "Peak traffic divided by mean traffic.",
    )
    .or("2"),
    f(
        "data_volume",
        FieldType::Qty(Q::Size),
        "Data stored today, e.g. 20TB.",
    ),
    f(
        "growth_per_year",
        FieldType::Qty(Q::Growth),
        "Yearly growth: a factor (2x) or an amount (5TB).",
    ),
    f(
        "request_size",
        FieldType::Qty(Q::Size),
        "Average request size, for bandwidth (e.g. 2KB).",
    ),
    f(
        "response_size",
        FieldType::Qty(Q::Size),
        "Average response size, for bandwidth (e.g. 20KB).",
    ),
];

pub const LATENCY: &[FieldDef] = &[
    f("p50", FieldType::Qty(Q::Duration), "Median latency target."),
    f(
        "p99",
        FieldType::Qty(Q::Duration),
        "99th percentile latency target.",
    ),
];

pub const OPERATIONS: &[FieldDef] = &[
    f(
        "team_size",
        FieldType::Int(1, 1_000_000),
        "Engineers who will run the system.",
    ),
    f(
        "existing",
        FieldType::StrList,
        "Infrastructure the team already runs.",
    ),
    f(
        "budget",
        FieldType::Enum(Budget::NAMES),
        "low | medium | high.",
    ),
];

pub const REQUIREMENTS: &[FieldDef] = &[
    f(
        "scale",
        FieldType::Map(SCALE),
        "Users, request rates and data volume.",
    ),
    f(
        "consistency",
        FieldType::Enum(Consistency::NAMES),
        "strong | eventual | read-your-writes | causal.",
    ),
    f(
        "latency",
        FieldType::DurationOrMap(LATENCY),
        "Latency targets: { p50, p99 }.",
    ),
    f(
        "availability",
        FieldType::Qty(Q::Percent),
        "Availability target, e.g. 99.99%.",
    ),
    f(
        "geography",
        FieldType::Enum(Geography::NAMES),
        "single-region | multi-region | global.",
    ),
    f(
        "read_write_ratio",
        FieldType::Qty(Q::Ratio),
        "Reads per write, e.g. 100:1.",
    ),
    f(
        "retention",
        FieldType::DurationOrForever,
        "How long data is kept, e.g. 5y, or forever.",
    ),
    f(
        "compliance",
        FieldType::StrList,
        "Regimes that apply, e.g. [gdpr, pci].",
    ),
    f(
        "operations",
        FieldType::Map(OPERATIONS),
        "Team, existing infrastructure and budget.",
    ),
    f(
        "functional",
        FieldType::StrList,
        "What the system does: one sentence per capability.",
    ),
    f(
        "out_of_scope",
        FieldType::StrList,
        "What the system deliberately does not do.",
    ),
];

/// `journeys.NAME`.
pub const JOURNEY: &[FieldDef] = &[
    f(
        "steps",
        FieldType::StrList,
        "The components a request meets, in order; each must call the next.",
    ),
    f(
        "p99",
        FieldType::Qty(Q::Duration),
        "The journey's p99 latency target.",
    ),
    f(
        "availability",
        FieldType::Qty(Q::Percent),
        "The journey's availability target.",
    ),
    f(
        "share",
        FieldType::Qty(Q::Percent),
        "The part of the system's requests that take this journey (40%): `estimate` shows the load it puts on its steps.",
    ),
    f("description", FieldType::Str, "What the user does."),
];

/// `entities.NAME`.
pub const ENTITY: &[FieldDef] = &[
    f(
        "store",
        FieldType::Ref,
        "The database component that holds it.",
    ),
    f(
        "key",
        FieldType::StrOrList,
        "Its key field (or fields, for a composite key).",
    ),
    f("fields", FieldType::StrList, "Its fields."),
    f("description", FieldType::Str, "What it is."),
    f(
        "relationships",
        FieldType::MapList(RELATIONSHIP),
        "Other entities it refers to: { to, kind, via }.",
    ),
    f(
        "access_patterns",
        FieldType::MapList(ENTITY_PATTERN),
        "How it is read and written: { by, sort, kind, rate, on }.",
    ),
    f(
        "indexes",
        FieldType::StrListList,
        "Secondary indexes, each a list of fields in order.",
    ),
];

pub const RELATIONSHIP: &[FieldDef] = &[
    f("to", FieldType::Str, "The entity referred to (required)."),
    f(
        "kind",
        FieldType::Enum(RelationKind::NAMES),
        "one-to-one | one-to-many | many-to-one | many-to-many.",
    ),
    f(
        "via",
        FieldType::Str,
        "The field holding the reference (a foreign key).",
    ),
];

pub const ENTITY_PATTERN: &[FieldDef] = &[
    f(
        "by",
        FieldType::StrList,
        "Fields looked up by equality (any order).",
    ),
    f("sort", FieldType::Str, "The field results are ordered by."),
    f(
        "kind",
        FieldType::Enum(AccessPattern::NAMES),
        "What the pattern asks of the store (point-lookup, range-scan, full-text, ...).",
    ),
    f(
        "rate",
        FieldType::Qty(Q::Count),
        "Requests per second at peak.",
    ),
    f("on", FieldType::StrList, "Fields searched (for full-text)."),
];

pub const RATE_LIMIT: &[FieldDef] = &[
    f(
        "requests_per_second",
        FieldType::Qty(Q::Count),
        "Allowed request rate.",
    ),
    f(
        "per",
        FieldType::Str,
        "What the limit is per: client, user, ip, api-key, global.",
    ),
];

pub const RETRY: &[FieldDef] = &[
    f(
        "attempts",
        FieldType::Int(1, 100),
        "Total tries, the first included.",
    )
    .or("3"),
    f(
        "backoff",
        FieldType::Enum(Backoff::NAMES),
        "exponential | constant | none.",
    ),
    f("jitter", FieldType::Bool, "Randomise the delays.").or("false"),
];

/// The protocols a call's `protocol` usually names (any text is valid; editors offer
/// these).
pub const PROTOCOLS: &[&str] = &[
    "http",
    "https",
    "rest",
    "grpc",
    "graphql",
    "websocket",
    "sse",
    "sql",
    "tcp",
    "resp",
    "amqp",
    "kafka",
    "mqtt",
    "smtp",
];

pub const CALL: &[FieldDef] = &[
    f("to", FieldType::Ref, "Id of the callee (required)."),
    f(
        "protocol",
        FieldType::Str,
        "http, https, rest, grpc, graphql, websocket, sql, tcp, resp, amqp, kafka, ...",
    ),
    f(
        "mode",
        FieldType::Enum(Mode::NAMES),
        "sync | async.",
    )
    .or("async to a queue, else sync"),
    f(
        "access",
        FieldType::Enum(Access::NAMES),
        "read | write | read-write.",
    )
    .or("read-write"),
    f(
        "read_from",
        FieldType::Enum(ReadFrom::NAMES),
        "primary | replica.",
    )
    .or("primary"),
    f(
        "timeout",
        FieldType::Qty(Q::Duration),
        "Call timeout, e.g. 200ms.",
    ),
    f(
        "retry",
        FieldType::RetryPolicy,
        "{ attempts, backoff, jitter } or none.",
    ),
    f(
        "circuit_breaker",
        FieldType::Bool,
        "A circuit breaker guards the call.",
    )
    .or("false"),
    f("idempotent", FieldType::Bool, "Repeating the call is safe.")
    .or("false"),
    f(
        "locking",
        FieldType::Enum(Locking::NAMES),
        "optimistic | pessimistic concurrency on writes.",
    ),
    f(
        "realtime",
        FieldType::Bool,
        "The caller needs live updates pushed to it.",
    )
    .or("false"),
    f(
        "streaming",
        FieldType::Bool,
        "A long-lived stream of messages.",
    )
    .or("false"),
    f(
        "per_request",
        FieldType::Qty(Q::Count),
        "Calls per incoming request (fan-out): 0.1 is one request in ten, 3 is three calls each.",
    )
    .or("1 (each request makes the call once); on a router's call, its part of the router's requests"),
    f(
        "share",
        FieldType::Qty(Q::Percent),
        "On a router's call: the part of its requests this call carries (30%); calls without one split the rest evenly.",
    )
    .or("the rest of the router's requests, split evenly between the calls without one"),
    f(
        "startup",
        FieldType::Bool,
        "Made only at start-up (configuration server, service registry, schema fetch): on no request path, so not in chains, critical paths, load or the timeout, retry and fallback rules.",
    )
    .or("false"),
    f(
        "optional",
        FieldType::Bool,
        "The request can succeed without this call (it degrades instead of failing).",
    )
    .or("false"),
    f(
        "fallback",
        FieldType::Str,
        "What the caller does when the call fails: cache | default | queue | skip | none, or a sentence.",
    ),
    f("description", FieldType::Str, "What the call is for."),
    f(
        "allow",
        FieldType::Allow,
        "Rule id -> reason: suppress a finding on this call.",
    ),
];

pub const CONSUME: &[FieldDef] = &[
    f("from", FieldType::Ref, "Id of the queue (required)."),
    f(
        "idempotent",
        FieldType::Bool,
        "Processing a message twice is safe.",
    )
    .or("false"),
    f(
        "retry",
        FieldType::RetryPolicy,
        "{ attempts, backoff, jitter } or none.",
    ),
    f("description", FieldType::Str, "What is consumed and why."),
    f(
        "allow",
        FieldType::Allow,
        "Rule id -> reason: suppress a finding on this consume.",
    ),
];

const DB: &[Kind] = &[Kind::Database];
const CACHE: &[Kind] = &[Kind::Cache];
const QUEUE: &[Kind] = &[Kind::Queue];
const LB: &[Kind] = &[Kind::LoadBalancer];
const STORES: &[Kind] = &[Kind::Database, Kind::ObjectStore, Kind::Cache];
const CLIENT: &[Kind] = &[Kind::Client];

pub const COMPONENT: &[FieldDef] = &[
    f(
        "kind",
        FieldType::Enum(Kind::NAMES),
        "What the component is (required).",
    ),
    f(
        "tech",
        FieldType::Str,
        "The technology, e.g. postgresql, redis, kafka, nginx.",
    ),
    f("description", FieldType::Str, "What it does."),
    f("public", FieldType::Bool, "Reachable from the internet.")
    .or("false"),
    f(
        "replicas",
        FieldType::Int(1, 1_000_000),
        "Number of replicas (a positive integer).",
    )
    .or("1"),
    f("owner", FieldType::Str, "Owning team."),
    f(
        "tags",
        FieldType::StrList,
        "Free labels for your own rules' selectors (`pci`, `edge`, `tier-1`).",
    ),
    f(
        "domain",
        FieldType::Str,
        "The business domain it belongs to (`payments`, `marketing`), for your own rules.",
    ),
    f(
        "stateful",
        FieldType::Bool,
        "Keeps session or user state in memory.",
    )
    .or("false"),
    f(
        "rate_limit",
        FieldType::BoolOrMap(RATE_LIMIT),
        "true, or { requests_per_second, per }.",
    ),
    f(
        "latency",
        FieldType::Qty(Q::Duration),
        "Its own p99 work time.",
    ),
    f(
        "availability",
        FieldType::Qty(Q::Percent),
        "One replica's availability.",
    )
    .or("99.9%"),
    f(
        "capacity",
        FieldType::Qty(Q::Count),
        "Requests per second one replica sustains.",
    ),
    f(
        "routes",
        FieldType::Bool,
        "Sends each request to one of its synchronous callees (a router), or makes every call for each request (false).",
    )
    .or("true for clients, CDNs, load balancers and gateways; else false"),
    k(
        "internal",
        CLIENT,
        FieldType::Bool,
        "A client inside the trust boundary (an operator console, an internal system): what it calls is not public by that call.",
    )
    .or("false"),
    k(
        "share",
        CLIENT,
        FieldType::Qty(Q::Percent),
        "The part of the system's requests this client makes (60%); clients without one split the rest evenly.",
    )
    .or("the rest of the requests, split evenly between the clients without one"),
    f(
        "calls",
        FieldType::Calls,
        "What it calls: ids, or { to, protocol, mode, timeout, retry, ... }.",
    ),
    f(
        "consumes",
        FieldType::Consumes,
        "Queues it reads from: ids, or { from, idempotent, retry }.",
    ),
    f("rationale", FieldType::Str, "Why this choice."),
    f(
        "aliases",
        FieldType::StrList,
        "Its other names in the traffic a running system records (the service name its traces carry), for `archlint drift`.",
    ),
    f("alternatives", FieldType::StrMap, "Rejected option -> why."),
    f(
        "allow",
        FieldType::Allow,
        "Rule id -> reason: suppress a finding on this component.",
    ),
    k(
        "model",
        DB,
        FieldType::Enum(DbModel::NAMES),
        "Data model (inferred from well-known tech).",
    ),
    k(
        "access_patterns",
        DB,
        FieldType::EnumList(AccessPattern::NAMES),
        "How the data is accessed.",
    ),
    k(
        "data_volume",
        STORES,
        FieldType::Qty(Q::Size),
        "Data held, e.g. 2TB.",
    ),
    k(
        "write_rps",
        DB,
        FieldType::Qty(Q::Count),
        "Peak writes per second.",
    ),
    k(
        "replication",
        DB,
        FieldType::Enum(Replication::NAMES),
        "none | sync | async.",
    ),
    k(
        "sharded",
        DB,
        FieldType::Bool,
        "Data is partitioned across nodes.",
    )
    .or("false"),
    k(
        "pattern",
        CACHE,
        FieldType::Enum(CachePattern::NAMES),
        "cache-aside | read-through | write-through | write-behind.",
    ),
    k(
        "hit_ratio",
        CACHE,
        FieldType::Qty(Q::Percent),
        "The part of reads the cache answers; with `caches:`, the store it fronts gets only the misses.",
    ),
    k(
        "ttl",
        CACHE,
        FieldType::DurationOrNone,
        "Entry lifetime, or none.",
    ),
    k(
        "invalidation",
        CACHE,
        FieldType::Enum(Invalidation::NAMES),
        "none | on-write | event | manual.",
    ),
    k(
        "scope",
        CACHE,
        FieldType::Enum(CacheScope::NAMES),
        "shared | in-process.",
    ),
    k(
        "caches",
        CACHE,
        FieldType::Ref,
        "Id of the store it fronts.",
    ),
    k(
        "delivery",
        QUEUE,
        FieldType::Enum(Delivery::NAMES),
        "at-least-once | at-most-once | exactly-once.",
    ),
    k(
        "ordering",
        QUEUE,
        FieldType::BoolOr(&["none", "per-key", "per-partition", "fifo", "global"]),
        "Messages keep their order.",
    )
    .or("false"),
    k(
        "replay",
        QUEUE,
        FieldType::Bool,
        "Consumers can re-read old messages.",
    )
    .or("false"),
    k(
        "dead_letter",
        QUEUE,
        FieldType::Bool,
        "Failed messages go to a dead-letter queue.",
    ),
    k(
        "throughput",
        QUEUE,
        FieldType::Qty(Q::Count),
        "Messages per second at peak.",
    ),
    k("layer", LB, FieldType::Int(4, 7), "4 or 7."),
    k(
        "sticky_sessions",
        LB,
        FieldType::Bool,
        "Pins a client to one backend.",
    )
    .or("false"),
    k("tls_termination", LB, FieldType::Bool, "Terminates TLS.")
    .or("false"),
    k(
        "routing",
        LB,
        FieldType::EnumList(Routing::NAMES),
        "Routes by path, header or host.",
    ),
];

pub fn component_field(name: &str) -> Option<&'static FieldDef> {
    COMPONENT.iter().find(|d| d.name == name)
}
