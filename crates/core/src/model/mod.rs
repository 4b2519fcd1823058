//! The typed model of an architecture file, every field with its span.

pub mod fields;
pub mod load;
pub mod projection;
pub mod quantity;
pub mod recover;
pub mod schema;
pub mod tech;
pub mod yaml;

use std::collections::HashMap;

use crate::source::Span;
pub use quantity::Growth;

/// A value with the span of its `key: value` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Sp<T> {
    pub v: T,
    /// The entry: from the key to the end of the value (only the key when the value spans lines).
    pub span: Span,
}

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }
        impl $name {
            pub const NAMES: &'static [&'static str] = &[$($text),+];
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_enum!(Kind {
    Client = "client",
    External = "external",
    Cdn = "cdn",
    LoadBalancer = "load-balancer",
    Gateway = "gateway",
    Service = "service",
    Worker = "worker",
    Database = "database",
    Cache = "cache",
    Queue = "queue",
    ObjectStore = "object-store",
});

impl Kind {
    /// What a component of this kind is, for the reference.
    pub fn about(self) -> &'static str {
        match self {
            Kind::Client => {
                "Where requests come from: a browser, a mobile app, another company's system calling in. Outside the system; its calls are not hops."
            }
            Kind::External => {
                "A system you call but do not run (a payment provider, an email API)."
            }
            Kind::Cdn => "A content delivery network in front of the system; a router, not a hop.",
            Kind::LoadBalancer => {
                "Spreads requests over replicas (`layer: 4` or `7`); a router, not a hop."
            }
            Kind::Gateway => {
                "An API gateway or backend-for-frontend: the system's front door; a router unless `routes: false`."
            }
            Kind::Service => "A synchronous service that serves requests.",
            Kind::Worker => "A process that works off requests or queues in the background.",
            Kind::Database => "A database; `tech` and `model` say which kind.",
            Kind::Cache => {
                "A cache (shared, or `scope: in-process`), with its hit ratio, TTL and pattern."
            }
            Kind::Queue => "A queue, log or broker; calls to it are asynchronous.",
            Kind::ObjectStore => "Blob storage such as S3 or GCS.",
        }
    }
    /// Components whose calls count as hops.
    pub fn counts_as_hop(self) -> bool {
        matches!(self, Kind::Gateway | Kind::Service | Kind::Worker)
    }
    /// Components that hold data.
    pub fn is_store(self) -> bool {
        matches!(self, Kind::Database | Kind::Cache | Kind::ObjectStore)
    }
    /// Outside the system (never a single point of failure of ours).
    pub fn is_outside(self) -> bool {
        matches!(self, Kind::Client | Kind::External)
    }
}

string_enum!(Stage { Prototype = "prototype", V1 = "v1", Growth = "growth", Mature = "mature" });
string_enum!(Consistency {
    Strong = "strong",
    Eventual = "eventual",
    ReadYourWrites = "read-your-writes",
    Causal = "causal",
});
string_enum!(Geography { SingleRegion = "single-region", MultiRegion = "multi-region", Global = "global" });
string_enum!(Budget { Low = "low", Medium = "medium", High = "high" });
string_enum!(Mode { Sync = "sync", Async = "async" });
string_enum!(Access { Read = "read", Write = "write", ReadWrite = "read-write" });
string_enum!(ReadFrom { Primary = "primary", Replica = "replica" });
string_enum!(Backoff { Exponential = "exponential", Constant = "constant", None = "none" });
string_enum!(Locking { Optimistic = "optimistic", Pessimistic = "pessimistic" });
string_enum!(DbModel {
    Relational = "relational",
    Document = "document",
    WideColumn = "wide-column",
    KeyValue = "key-value",
    Graph = "graph",
    Search = "search",
    TimeSeries = "time-series",
});
string_enum!(AccessPattern {
    Transactions = "transactions",
    Joins = "joins",
    PointLookup = "point-lookup",
    RangeScan = "range-scan",
    FullText = "full-text",
    Traversal = "traversal",
    TimeSeries = "time-series",
    Aggregation = "aggregation",
    FlexibleSchema = "flexible-schema",
    HighWriteThroughput = "high-write-throughput",
});
string_enum!(Replication { None = "none", Sync = "sync", Async = "async" });
string_enum!(CachePattern {
    CacheAside = "cache-aside",
    ReadThrough = "read-through",
    WriteThrough = "write-through",
    WriteBehind = "write-behind",
});
string_enum!(Invalidation { None = "none", OnWrite = "on-write", Event = "event", Manual = "manual" });
string_enum!(CacheScope { Shared = "shared", InProcess = "in-process" });
string_enum!(Delivery {
    AtLeastOnce = "at-least-once",
    AtMostOnce = "at-most-once",
    ExactlyOnce = "exactly-once",
});
string_enum!(Routing { Path = "path", Header = "header", Host = "host" });

/// The whole file.
#[derive(Debug, Clone, Default)]
pub struct Architecture {
    pub name: Option<Sp<String>>,
    pub description: Option<Sp<String>>,
    pub stage: Option<Sp<Stage>>,
    pub requirements: Option<Requirements>,
    /// The span of the `components` key, if present.
    pub components_span: Option<Span>,
    /// In file order.
    pub components: Vec<Component>,
    /// File-level `allow:`: each rule suppressed in the whole file.
    pub allow: Vec<Allow>,
    /// The data model (`entities:`), in file order.
    pub entities: Vec<Entity>,
    /// User journeys (`journeys:`), in file order.
    pub journeys: Vec<Journey>,
    /// Component id -> index in `components`.
    pub index: IdMap<usize>,
}

/// A map keyed by component ids, hashed with foldhash (seeded per process) rather than
/// SipHash: ids are looked up for every call, reference and finding, and SipHash was
/// 6% of a large file's run. An id of up to 16 bytes (nearly every id) is kept in the
/// table itself, so that a lookup compares bytes there rather than following a pointer
/// to a string: on a large design those strings are spread over the heap, and each
/// comparison missed the cache. Longer ids are kept as strings.
#[derive(Debug, Clone)]
pub struct IdMap<V> {
    short: HashMap<ShortId, V, foldhash::fast::RandomState>,
    long: HashMap<String, V, foldhash::fast::RandomState>,
}

/// An id of up to 16 bytes, zero-padded, with its length in the last byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct ShortId([u8; 17]);

impl ShortId {
    fn new(id: &str) -> Option<Self> {
        let n = id.len();
        (n <= 16).then(|| {
            let mut b = [0u8; 17];
            b[..n].copy_from_slice(id.as_bytes());
            b[16] = n as u8;
            ShortId(b)
        })
    }
}

impl<V> Default for IdMap<V> {
    fn default() -> Self {
        IdMap {
            short: HashMap::default(),
            long: HashMap::default(),
        }
    }
}

impl<V> IdMap<V> {
    pub fn get(&self, id: &str) -> Option<&V> {
        match ShortId::new(id) {
            Some(k) => self.short.get(&k),
            None => self.long.get(id),
        }
    }
    pub fn contains_key(&self, id: &str) -> bool {
        self.get(id).is_some()
    }
    pub fn insert(&mut self, id: &str, v: V) -> Option<V> {
        match ShortId::new(id) {
            Some(k) => self.short.insert(k, v),
            None => self.long.insert(id.to_string(), v),
        }
    }
    /// Keep the entries whose value passes `keep`.
    pub fn retain(&mut self, mut keep: impl FnMut(&V) -> bool) {
        self.short.retain(|_, v| keep(v));
        self.long.retain(|_, v| keep(v));
    }
    /// The ids, in no particular order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        let short = self
            .short
            .keys()
            .map(|k| std::str::from_utf8(&k.0[..usize::from(k.0[16])]).expect("stored from a str"));
        short.chain(self.long.keys().map(String::as_str))
    }
    pub fn reserve(&mut self, n: usize) {
        self.short.reserve(n);
    }
    pub fn len(&self) -> usize {
        self.short.len() + self.long.len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<V> std::ops::Index<&str> for IdMap<V> {
    type Output = V;
    fn index(&self, id: &str) -> &V {
        self.get(id)
            .unwrap_or_else(|| panic!("no component `{id}` in the index"))
    }
}

impl Architecture {
    pub fn component(&self, id: &str) -> Option<&Component> {
        self.index.get(id).map(|&i| &self.components[i])
    }

    /// The component a diagnostic path (`components.api.calls[0].timeout`) is
    /// about: the longest prefix after `components.` that names a component and ends
    /// at the path's end or before a `.` or `[` (ids may themselves contain dots).
    /// One hash lookup per boundary, so callers stay linear in the findings.
    pub fn component_at(&self, path: &str) -> Option<usize> {
        let rest = path.strip_prefix("components.")?;
        std::iter::once(rest.len())
            .chain(rest.rmatch_indices(['.', '[']).map(|(k, _)| k))
            .find_map(|k| self.index.get(&rest[..k]).copied())
    }
}

#[derive(Debug, Clone, Default)]
pub struct Requirements {
    /// The `requirements` key.
    pub span: Span,
    pub scale: Option<Sp<Scale>>,
    pub consistency: Option<Sp<Consistency>>,
    pub latency: Option<Sp<LatencyReq>>,
    pub availability: Option<Sp<f64>>,
    pub geography: Option<Sp<Geography>>,
    pub read_write_ratio: Option<Sp<(f64, f64)>>,
    pub retention: Option<Sp<Retention>>,
    pub compliance: Option<Sp<Vec<String>>>,
    pub operations: Option<Sp<Operations>>,
    /// What the system does, one sentence each.
    pub functional: Option<Sp<Vec<String>>>,
    /// What it deliberately does not do.
    pub out_of_scope: Option<Sp<Vec<String>>>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scale {
    pub daily_active_users: Option<Sp<f64>>,
    pub requests_per_user_per_day: Option<Sp<f64>>,
    pub peak_to_average: Option<Sp<f64>>,
    pub data_volume: Option<Sp<f64>>,
    pub growth_per_year: Option<Sp<Growth>>,
    /// Average request and response size, for bandwidth.
    pub request_size: Option<Sp<f64>>,
    pub response_size: Option<Sp<f64>>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LatencyReq {
    pub p50: Option<f64>,
    pub p99: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Retention {
    Seconds(f64),
    Forever,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Operations {
    pub team_size: Option<u64>,
    pub existing: Vec<String>,
    pub budget: Option<Budget>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RateLimit {
    Off,
    On,
    Limit {
        requests_per_second: Option<f64>,
        per: Option<String>,
    },
}

impl RateLimit {
    pub fn is_on(&self) -> bool {
        !matches!(self, RateLimit::Off)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Retry {
    None,
    Policy {
        attempts: Option<u64>,
        backoff: Option<Backoff>,
        jitter: Option<bool>,
    },
}

impl Retry {
    /// Total tries per call (1 when the call does not retry).
    pub fn attempts(&self) -> u64 {
        match self {
            Retry::None => 1,
            Retry::Policy { attempts, .. } => attempts.unwrap_or(3).max(1),
        }
    }
    pub fn retries(&self) -> bool {
        self.attempts() > 1
    }
}

/// An entry of an `allow` map: suppress rule `rule` here, because `reason`.
#[derive(Debug, Clone, PartialEq)]
pub struct Allow {
    pub rule: String,
    pub reason: String,
    pub span: Span,
    /// The last day before it expires: on and after `until` it no longer suppresses.
    pub until: Option<Sp<Date>>,
}

string_enum!(RelationKind {
    OneToOne = "one-to-one",
    OneToMany = "one-to-many",
    ManyToOne = "many-to-one",
    ManyToMany = "many-to-many",
});

/// An entity of the data model (`entities.NAME`).
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    pub name: String,
    /// The entity's key in the file.
    pub span: Span,
    /// The database component holding it.
    pub store: Option<Sp<String>>,
    /// The key's fields (one, or several for a composite key).
    pub key: Option<Sp<Vec<String>>>,
    pub fields: Option<Sp<Vec<String>>>,
    pub relationships: Vec<Relationship>,
    pub access_patterns: Vec<EntityPattern>,
    /// Each index: its fields, in order.
    pub indexes: Vec<Sp<Vec<String>>>,
}

impl Entity {
    pub fn path(&self) -> String {
        format!("entities.{}", self.name)
    }
}

/// A user journey (`journeys.NAME`): components in the order a request meets them,
/// with its own targets.
#[derive(Debug, Clone, PartialEq)]
pub struct Journey {
    pub name: String,
    /// The journey's key.
    pub span: Span,
    pub steps: Vec<Sp<String>>,
    /// Its p99 latency target, in seconds.
    pub p99: Option<Sp<f64>>,
    /// Its availability target (0-1).
    pub availability: Option<Sp<f64>>,
    /// The part of the system's requests that take it (0-1).
    pub share: Option<Sp<f64>>,
}

impl Journey {
    pub fn path(&self) -> String {
        format!("journeys.{}", self.name)
    }
}

/// `entities.NAME.relationships[N]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Relationship {
    pub to: Sp<String>,
    pub kind: Option<Sp<RelationKind>>,
    pub via: Option<Sp<String>>,
    /// The whole item.
    pub span: Span,
}

/// `entities.NAME.access_patterns[N]`: how the entity is read or written.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityPattern {
    /// Equality fields (their order does not matter).
    pub by: Vec<String>,
    pub sort: Option<String>,
    pub kind: Option<Sp<AccessPattern>>,
    /// Requests per second at peak, when stated.
    pub rate: Option<f64>,
    /// Fields searched (full-text).
    pub on: Vec<String>,
    pub span: Span,
}

impl EntityPattern {
    /// The pattern in words: its kind (or `access`) and the fields it looks up by
    /// (`point-lookup by user_id`).
    pub fn what(&self) -> String {
        let mut w = self
            .kind
            .as_ref()
            .map_or("access".to_string(), |k| k.v.to_string());
        if !self.by.is_empty() {
            w.push_str(&format!(" by {}", self.by.join(", ")));
        }
        w
    }
}

/// A calendar date (`2027-03-31`), for expiring `allow` entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// `YYYY-MM-DD`, a real day of the Gregorian calendar.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.trim().as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let t = std::str::from_utf8(&b[r]).ok()?;
            t.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| t.parse().ok())?
        };
        let (year, month, day) = (num(0..4)? as i32, num(5..7)?, num(8..10)?);
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days)
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    /// The date of a day counted from 1970-01-01 (Howard Hinnant's civil_from_days).
    pub fn from_unix_days(z: i64) -> Date {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// One item of `calls`.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub to: Sp<String>,
    /// The item: the short-form id, or the first line of the mapping.
    pub span: Span,
    pub protocol: Option<Sp<String>>,
    pub mode: Option<Sp<Mode>>,
    pub access: Option<Sp<Access>>,
    pub timeout: Option<Sp<f64>>,
    pub retry: Option<Sp<Retry>>,
    /// The fields few calls set ([`Call::more`] reads them), boxed so that a call is
    /// 184 bytes rather than 320: a large design has tens of thousands of calls.
    pub more: Option<Box<CallMore>>,
    pub allow: Vec<Allow>,
}

/// The rarely set fields of a [`Call`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CallMore {
    pub read_from: Option<Sp<ReadFrom>>,
    pub circuit_breaker: Option<Sp<bool>>,
    pub idempotent: Option<Sp<bool>>,
    pub locking: Option<Sp<Locking>>,
    pub realtime: Option<Sp<bool>>,
    pub streaming: Option<Sp<bool>>,
    pub per_request: Option<Sp<f64>>,
    /// On a router's call: the part of its requests this call carries (a fraction).
    pub share: Option<Sp<f64>>,
    /// Made only at start-up: on no request path.
    pub startup: Option<Sp<bool>>,
    pub optional: Option<Sp<bool>>,
    /// `cache`, `default`, `queue`, `skip`, `none`, or a sentence.
    pub fallback: Option<Sp<String>>,
}

impl CallMore {
    const NONE: CallMore = CallMore {
        read_from: None,
        circuit_breaker: None,
        idempotent: None,
        locking: None,
        realtime: None,
        streaming: None,
        per_request: None,
        share: None,
        startup: None,
        optional: None,
        fallback: None,
    };
}

impl Call {
    /// The rarely set fields (all `None` when the call sets none of them).
    pub fn more(&self) -> &CallMore {
        static NONE: CallMore = CallMore::NONE;
        self.more.as_deref().unwrap_or(&NONE)
    }
    pub fn access(&self) -> Access {
        self.access.as_ref().map_or(Access::ReadWrite, |a| a.v)
    }
    pub fn writes(&self) -> bool {
        matches!(self.access(), Access::Write | Access::ReadWrite)
    }
    pub fn reads(&self) -> bool {
        matches!(self.access(), Access::Read | Access::ReadWrite)
    }
    /// Whether the call is on a request's synchronous path, given its callee's kind:
    /// `mode`, else synchronous unless it goes to a queue; a start-up call never is.
    pub fn is_sync_to(&self, callee: Kind) -> bool {
        !self.is_startup()
            && match self.mode.as_ref().map(|x| x.v) {
                Some(m) => m == Mode::Sync,
                None => callee != Kind::Queue,
            }
    }
    /// Made only at start-up (`startup: true`): on no request path.
    pub fn is_startup(&self) -> bool {
        self.more().startup.as_ref().is_some_and(|s| s.v)
    }
    pub fn fan_out(&self) -> f64 {
        self.more().per_request.as_ref().map_or(1.0, |p| p.v)
    }
    pub fn protocol(&self) -> Option<&str> {
        self.protocol.as_ref().map(|p| p.v.as_str())
    }
    pub fn flag(f: &Option<Sp<bool>>) -> bool {
        f.as_ref().is_some_and(|b| b.v)
    }
}

/// One item of `consumes`.
#[derive(Debug, Clone, PartialEq)]
pub struct Consume {
    pub from: Sp<String>,
    pub span: Span,
    pub idempotent: Option<Sp<bool>>,
    pub retry: Option<Sp<Retry>>,
    pub allow: Vec<Allow>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Component {
    pub id: String,
    /// The component's key in `components`.
    pub span: Span,
    pub kind: Sp<Kind>,
    pub tech: Option<Sp<String>>,
    pub description: Option<Sp<String>>,
    pub public: Option<Sp<bool>>,
    pub replicas: Option<Sp<u64>>,
    pub owner: Option<Sp<String>>,
    pub tags: Option<Sp<Vec<String>>>,
    pub domain: Option<Sp<String>>,
    pub stateful: Option<Sp<bool>>,
    pub rate_limit: Option<Sp<RateLimit>>,
    pub latency: Option<Sp<f64>>,
    pub availability: Option<Sp<f64>>,
    pub capacity: Option<Sp<f64>>,
    pub calls: Vec<Call>,
    pub consumes: Vec<Consume>,
    pub allow: Vec<Allow>,
    /// The decision record and the fields of one kind (database, cache, queue, load
    /// balancer), read through [`Component::more`]: boxed, and absent on most
    /// components, so that a component is 456 bytes rather than 872.
    pub more: Option<Box<ComponentMore>>,
}

/// `components.{id}` followed by `tail`, in one allocation.
fn concat_path(id: &str, tail: &[&str]) -> String {
    const HEAD: &str = "components.";
    let len = HEAD.len() + id.len() + tail.iter().map(|t| t.len()).sum::<usize>();
    let mut s = String::with_capacity(len);
    s.push_str(HEAD);
    s.push_str(id);
    tail.iter().for_each(|t| s.push_str(t));
    s
}

/// `n` in decimal, written into `buf` (what `{}` prints, without the formatter).
pub(crate) fn decimal(mut n: usize, buf: &mut [u8; 20]) -> &str {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[i..]).expect("ASCII digits")
}

/// The rarely set fields of a [`Component`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ComponentMore {
    /// Other names of the component in recorded traffic (`archlint drift`).
    pub aliases: Option<Sp<Vec<String>>>,
    pub rationale: Option<Sp<String>>,
    pub alternatives: Option<Sp<Vec<(String, String)>>>,
    // database
    pub model: Option<Sp<DbModel>>,
    pub access_patterns: Option<Sp<Vec<Sp<AccessPattern>>>>,
    pub data_volume: Option<Sp<f64>>,
    pub write_rps: Option<Sp<f64>>,
    pub replication: Option<Sp<Replication>>,
    pub sharded: Option<Sp<bool>>,
    // cache
    pub pattern: Option<Sp<CachePattern>>,
    /// `None` inside means `ttl: none`.
    pub ttl: Option<Sp<Option<f64>>>,
    pub invalidation: Option<Sp<Invalidation>>,
    pub scope: Option<Sp<CacheScope>>,
    pub caches: Option<Sp<String>>,
    // queue
    pub delivery: Option<Sp<Delivery>>,
    pub ordering: Option<Sp<bool>>,
    pub replay: Option<Sp<bool>>,
    pub dead_letter: Option<Sp<bool>>,
    pub throughput: Option<Sp<f64>>,
    // traffic
    /// A client's part of the system's requests (a fraction).
    pub share: Option<Sp<f64>>,
    /// A client inside the trust boundary: what it calls is not public by that call.
    pub internal: Option<Sp<bool>>,
    /// Whether it routes each request to one callee (see [`Component::is_router`]).
    pub routes: Option<Sp<bool>>,
    /// A cache's part of the reads it answers (a fraction).
    pub hit_ratio: Option<Sp<f64>>,
    // load balancer
    pub layer: Option<Sp<u64>>,
    pub sticky_sessions: Option<Sp<bool>>,
    pub tls_termination: Option<Sp<bool>>,
    pub routing: Option<Sp<Vec<Routing>>>,
}

impl ComponentMore {
    const NONE: ComponentMore = ComponentMore {
        aliases: None,
        rationale: None,
        alternatives: None,
        model: None,
        access_patterns: None,
        data_volume: None,
        write_rps: None,
        replication: None,
        sharded: None,
        pattern: None,
        ttl: None,
        invalidation: None,
        scope: None,
        caches: None,
        delivery: None,
        ordering: None,
        replay: None,
        dead_letter: None,
        throughput: None,
        share: None,
        internal: None,
        routes: None,
        hit_ratio: None,
        layer: None,
        sticky_sessions: None,
        tls_termination: None,
        routing: None,
    };
}

impl Component {
    pub fn new(id: String, span: Span, kind: Sp<Kind>) -> Self {
        Component {
            id,
            span,
            kind,
            tech: None,
            description: None,
            public: None,
            replicas: None,
            owner: None,
            tags: None,
            domain: None,
            stateful: None,
            rate_limit: None,
            latency: None,
            availability: None,
            capacity: None,
            calls: Vec::new(),
            consumes: Vec::new(),
            allow: Vec::new(),
            more: None,
        }
    }
    pub fn kind(&self) -> Kind {
        self.kind.v
    }
    /// The rarely set fields (all `None` when the component sets none of them).
    pub fn more(&self) -> &ComponentMore {
        static NONE: ComponentMore = ComponentMore::NONE;
        self.more.as_deref().unwrap_or(&NONE)
    }
    pub fn replicas(&self) -> u64 {
        self.replicas.as_ref().map_or(1, |r| r.v)
    }
    /// A client inside the trust boundary (`internal: true`): the rules about the
    /// public internet do not count it.
    pub fn is_internal(&self) -> bool {
        self.more().internal.as_ref().is_some_and(|s| s.v)
    }
    /// A router sends each request it receives to one of its synchronous callees
    /// (`share:` on its calls says which part, the rest split evenly); any other
    /// component makes each of its calls once per request. Clients, CDNs, load
    /// balancers and gateways route unless `routes: false`; anything with `routes: true`.
    pub fn is_router(&self) -> bool {
        self.more().routes.as_ref().map_or(
            matches!(
                self.kind(),
                Kind::Client | Kind::Cdn | Kind::LoadBalancer | Kind::Gateway
            ),
            |r| r.v,
        )
    }
    pub fn is_public(&self) -> bool {
        self.public.as_ref().is_some_and(|p| p.v)
    }
    pub fn has_rate_limit(&self) -> bool {
        self.rate_limit.as_ref().is_some_and(|r| r.v.is_on())
    }
    pub fn tech(&self) -> Option<&str> {
        self.tech.as_ref().map(|t| t.v.as_str())
    }
    /// The database model: explicit, else inferred from `tech`.
    pub fn db_model(&self) -> Option<DbModel> {
        self.more()
            .model
            .as_ref()
            .map(|m| m.v)
            .or_else(|| self.tech().and_then(tech::lookup).and_then(|t| t.db_model))
    }
    /// `components.ID`
    // The paths are concatenated, not `format!`ted: findings build one or more each, and
    // on a large design the formatting machinery was a visible part of the rules' time.
    pub fn path(&self) -> String {
        concat_path(&self.id, &[])
    }
    pub fn field_path(&self, field: &str) -> String {
        concat_path(&self.id, &[".", field])
    }
    pub fn call_path(&self, i: usize) -> String {
        let mut n = [0u8; 20];
        concat_path(&self.id, &[".calls[", decimal(i, &mut n), "]"])
    }
    pub fn consume_path(&self, i: usize) -> String {
        let mut n = [0u8; 20];
        concat_path(&self.id, &[".consumes[", decimal(i, &mut n), "]"])
    }
    /// A short human name: `api (service)`.
    pub fn display(&self) -> String {
        format!("{} ({})", self.id, self.kind.v)
    }
}

#[cfg(test)]
mod tests {
    use super::{Architecture, IdMap};

    #[test]
    fn id_map_keeps_short_and_long_ids_apart_and_finds_both() {
        let ids = [
            "",
            "a",
            "svc-1-23",
            "exactly-16-bytes",
            "seventeen-bytes-x",
            "é-16-bytes-long",
            "é-is-two-bytes-so-long",
            "a\0",
            "a\0\0",
        ];
        let mut m = IdMap::default();
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(m.insert(id, i), None, "{id:?}");
        }
        assert_eq!(m.len(), ids.len());
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(m.get(id), Some(&i), "{id:?}");
            assert_eq!(m[id], i);
        }
        for missing in ["b", "exactly-16-byteS", "seventeen-bytes-y", "a\0\0\0"] {
            assert!(!m.contains_key(missing), "{missing:?}");
        }
        assert_eq!(m.insert("a", 99), Some(1));
        let mut keys: Vec<&str> = m.keys().collect();
        keys.sort_unstable();
        let mut want = ids.to_vec();
        want.sort_unstable();
        assert_eq!(keys, want);
        m.retain(|&v| v % 2 == 0);
        assert!(
            m.contains_key("") && !m.contains_key("a") && m.contains_key("é-is-two-bytes-so-long")
        );
    }

    #[test]
    fn component_at_takes_the_longest_id_at_a_path_boundary() {
        let mut m = Architecture::default();
        for (i, id) in ["api", "api.v2", "db"].iter().enumerate() {
            m.index.insert(id, i);
        }
        assert_eq!(m.component_at("components.api"), Some(0));
        assert_eq!(m.component_at("components.api.calls[0].timeout"), Some(0));
        assert_eq!(m.component_at("components.api.v2.calls[1]"), Some(1));
        assert_eq!(m.component_at("components.api.v2"), Some(1));
        assert_eq!(m.component_at("components.db[0]"), Some(2));
        // a prefix that is not at a boundary is not a match
        assert_eq!(m.component_at("components.apix.calls"), None);
        assert_eq!(m.component_at("requirements.scale"), None);
        assert_eq!(m.component_at("components."), None);
    }
}
