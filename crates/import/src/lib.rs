//! `archlint import compose | k8s | threagile`: an architecture file from
//! the deployment files a team already keeps.
//!
//! Each importer reads its inputs into [`Draft`] components (every fact with where it
//! came from), then [`render`] writes the architecture file: provenance comments on
//! every inferred fact, a commented `requirements` checklist, and TODOs for what could
//! not be inferred. Images are recognised by name ([`image`]), or by what they expose
//! and expect (well-known ports, port names, the images' standard environment
//! variables).

pub mod backstage;
pub mod calm;
pub mod compose;
pub mod image;
pub mod k8s;
pub mod models;
pub mod structurizr;
pub mod threagile;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use archlint_core::diag::Diagnostic;
use archlint_core::model::Kind;
use archlint_core::model::yaml::Node;
use archlint_core::source::SourceFile;
use archlint_linter::input::FileResult;

/// A call inferred between two drafts.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftCall {
    pub to: String,
    pub protocol: Option<(String, String)>,
    /// `read` (or `write`) when the source says so, with where it says it.
    pub access: Option<(String, String)>,
    /// More fields the call's target implies (`startup: true` to a configuration
    /// server, `mode: async` to a telemetry collector): key, value, why.
    pub extra: Vec<(String, String, String)>,
    /// Where it came from (`compose: depends_on`).
    pub why: String,
}

/// A component as inferred, each fact with its provenance.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub id: String,
    pub kind: (Kind, String),
    pub tech: Option<(String, String)>,
    pub replicas: Option<(u64, String)>,
    pub public: Option<String>,
    pub layer: Option<(u8, String)>,
    pub routing: Option<(Vec<String>, String)>,
    pub model: Option<(String, String)>,
    pub description: Option<String>,
    pub calls: Vec<DraftCall>,
    /// The queues it reads, and why (`consumes:`).
    pub consumes: Vec<(String, String)>,
    /// It listens on a port (exposed or published): something may call it.
    pub listens: bool,
    /// A setting that says it reads a queue (a consumer group, a subscription): its
    /// key, for the comment.
    pub consumer_setting: Option<String>,
    /// Lines for the reviewer (`# TODO: ...`).
    pub notes: Vec<String>,
    /// The owning team, and where it says so (a catalog's `owner`).
    pub owner: Option<(String, String)>,
    /// The business domain it belongs to, and where it says so.
    pub domain: Option<(String, String)>,
    /// It is a client inside the trust boundary (bank staff), and why.
    pub internal: Option<String>,
}

impl Draft {
    pub fn new(id: &str, kind: Kind, why: &str) -> Draft {
        Draft {
            id: sanitize(id),
            kind: (kind, why.to_string()),
            tech: None,
            replicas: None,
            public: None,
            layer: None,
            routing: None,
            model: None,
            description: None,
            calls: Vec::new(),
            consumes: Vec::new(),
            listens: false,
            consumer_setting: None,
            notes: Vec::new(),
            owner: None,
            domain: None,
            internal: None,
        }
    }

    pub fn call(&mut self, to: &str, protocol: Option<(String, String)>, why: String) {
        let to = sanitize(to);
        if to == self.id || self.calls.iter().any(|c| c.to == to) {
            return;
        }
        self.calls.push(DraftCall {
            to,
            protocol,
            access: None,
            extra: Vec::new(),
            why,
        });
    }

    /// A call as a model states it: kept even when another call already goes to the
    /// same component (two links between one pair are two calls), with its access.
    pub fn link(
        &mut self,
        to: &str,
        protocol: Option<(String, String)>,
        access: Option<(String, String)>,
        why: String,
    ) {
        let to = sanitize(to);
        if to == self.id {
            return;
        }
        self.calls.push(DraftCall {
            to,
            protocol,
            access,
            extra: Vec::new(),
            why,
        });
    }
}

/// The id of a component the import makes up (the outside users of the system): the
/// first of `users`, `external-users`, `users-2`, ... that no real workload has, so a
/// real service called `users` is never merged into it.
pub fn synthetic_id(drafts: &[Draft]) -> String {
    let taken = |id: &str| drafts.iter().any(|d| d.id == id);
    ["users", "external-users"]
        .into_iter()
        .map(str::to_string)
        .chain((2..).map(|n| format!("users-{n}")))
        .find(|id| !taken(id))
        .unwrap_or_else(|| "users".into())
}

/// A component id from a name: lowercase, letters, digits and `-`.
pub fn sanitize(name: &str) -> String {
    let mut s: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    while s.contains("--") {
        s = s.replace("--", "-");
    }
    let s = s.trim_matches('-').to_string();
    if s.is_empty() { "component".into() } else { s }
}

pub use archlint_core::diag::first_few;

/// What an import produced.
pub struct Imported {
    pub yaml: String,
    /// The summary line for stderr.
    pub summary: String,
    /// What the new file can and cannot tell yet, for stderr after the summary.
    pub checklist: Vec<String>,
    /// Notes for stderr: skipped resources and the like.
    pub notes: Vec<String>,
}

/// An import problem located in one of the inputs.
pub fn error(src: &SourceFile, path: &str, node: &Node, msg: String, help: &str) -> FileResult {
    FileResult::failed(
        src.clone(),
        vec![
            Diagnostic::invalid(path, node.span, msg)
                .label("cannot import this")
                .help(help),
        ],
    )
}

/// A YAML error of an input, as the import's located `invalid-input`.
pub fn yaml_failure(src: &SourceFile, e: archlint_core::model::yaml::YamlError) -> Box<FileResult> {
    Box::new(FileResult::failed(
        src.clone(),
        vec![
            Diagnostic::invalid("", e.span, e.message)
                .label(e.label)
                .maybe_help(e.help),
        ],
    ))
}

/// The scalar text of a node (numbers and booleans as written).
pub fn text<'n>(n: &'n Node) -> Option<&'n str> {
    n.as_scalar().filter(|_| !n.is_null())
}

/// `KEY=VALUE` list or `KEY: VALUE` map (compose `environment`, k8s `env`).
pub fn env_pairs(n: &Node) -> Vec<(String, String)> {
    if let Some(m) = n.as_map() {
        return m
            .iter()
            .filter_map(|(k, v)| {
                Some((
                    k.as_scalar()?.to_string(),
                    text(v).unwrap_or("").to_string(),
                ))
            })
            .collect();
    }
    n.as_seq()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| {
                    // k8s: { name, value }; compose: "KEY=VALUE"
                    if let Some(name) = i.get("name").and_then(text) {
                        return Some((
                            name.to_string(),
                            i.get("value").and_then(text).unwrap_or("").to_string(),
                        ));
                    }
                    let t = text(i)?;
                    let (k, v) = t.split_once('=').unwrap_or((t, ""));
                    Some((k.to_string(), v.to_string()))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Host names mentioned in a value: `redis-cart:6379`, `http://orders/api`,
/// `mongodb://user-db:27017/db`, `catalogue.default.svc.cluster.local`; with the
/// protocol its URL scheme or port says.
pub fn hosts_in(value: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for raw in
        value.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '"' | '\'' | '(' | ')'))
    {
        if raw.is_empty() {
            continue;
        }
        // an argument or a setting (`--upstream=http://b:8080`, `URL=b:80`): its value
        let raw = match raw.split_once('=') {
            Some((name, value)) if !name.contains("://") && !name.contains('/') => value,
            _ => raw,
        };
        let (scheme, rest) = match raw.split_once("://") {
            // `jdbc:postgresql://db`: the last scheme names the protocol
            Some((s, r)) => (
                Some(s.rsplit(':').next().unwrap_or(s).to_ascii_lowercase()),
                r,
            ),
            None => (None, raw),
        };
        // user:pass@host:port/path
        let hostport = rest.split(['/', '?']).next().unwrap_or("");
        let hostport = hostport.rsplit('@').next().unwrap_or(hostport);
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) => (h, Some(p)),
            _ => (hostport, None),
        };
        let host = host.split('.').next().unwrap_or(host);
        if host.is_empty()
            || !host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            continue;
        }
        let protocol = scheme
            .map(|s| match s.as_str() {
                "postgres" | "postgresql" | "mysql" | "jdbc" => "sql".to_string(),
                "mongodb" => "mongodb".to_string(),
                "redis" | "rediss" => "resp".to_string(),
                other => other.to_string(),
            })
            .or_else(|| {
                port.and_then(|p| image::protocol_of_port(p.parse().ok()?))
                    .map(str::to_string)
            });
        out.push((host.to_string(), protocol));
    }
    out
}

/// Write the architecture file.
pub fn render(source: &str, origin: &str, name: &str, drafts: &[Draft]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# Imported by `archlint import {source}` from {origin}.\n# Every inferred fact says where it came from (`# {source}: ...`); what could not be\n# inferred is left out. Review the TODOs, answer the requirements, then commit this file.\nname: {}\n",
        sanitize(name)
    );
    s.push_str(
        "# requirements:   # TODO: answer the checklist (`archlint check` lists what is missing)\n\
         #   functional: [what the system does]\n\
         #   scale: { daily_active_users: 100k, requests_per_user_per_day: 20, peak_to_average: 3, data_volume: 100GB }\n\
         #   consistency: eventual          # strong | eventual | read-your-writes | causal\n\
         #   latency: { p50: 100ms, p99: 500ms }\n\
         #   availability: 99.9%\n\
         #   geography: single-region       # single-region | multi-region | global\n\
         #   read_write_ratio: 10:1\n\
         #   retention: 1y\n\
         #   operations: { team_size: 5, existing: [], budget: medium }\n\ncomponents:\n",
    );
    for d in drafts {
        let _ = writeln!(s, "  {}:", yaml_str(&d.id));
        if let Some(desc) = &d.description {
            let _ = writeln!(s, "    description: {}", yaml_str(desc));
        }
        for n in &d.notes {
            let _ = writeln!(s, "    # TODO: {n}");
        }
        let _ = writeln!(s, "    kind: {}  # {}", d.kind.0.as_str(), d.kind.1);
        if let Some((t, why)) = &d.tech {
            let _ = writeln!(s, "    tech: {}  # {why}", yaml_str(t));
        }
        if let Some((m, why)) = &d.model {
            let _ = writeln!(s, "    model: {m}  # {why}");
        }
        if let Some((n, why)) = &d.replicas {
            let _ = writeln!(s, "    replicas: {n}  # {why}");
        }
        if let Some(why) = &d.public {
            let _ = writeln!(s, "    public: true  # {why}");
        }
        if let Some(why) = &d.internal {
            let _ = writeln!(s, "    internal: true  # {why}");
        }
        if let Some((o, why)) = &d.owner {
            let _ = writeln!(s, "    owner: {}  # {why}", yaml_str(o));
        }
        if let Some((o, why)) = &d.domain {
            let _ = writeln!(s, "    domain: {}  # {why}", yaml_str(o));
        }
        if let Some((l, why)) = &d.layer {
            let _ = writeln!(s, "    layer: {l}  # {why}");
        }
        if let Some((r, why)) = &d.routing {
            let _ = writeln!(s, "    routing: [{}]  # {why}", r.join(", "));
        }
        if !d.calls.is_empty() {
            s.push_str("    calls:\n");
            for c in &d.calls {
                let _ = writeln!(s, "      - to: {}  # {}", yaml_str(&c.to), c.why);
                if let Some((p, why)) = &c.protocol {
                    let _ = writeln!(s, "        protocol: {p}  # {why}");
                }
                if let Some((a, why)) = &c.access {
                    let _ = writeln!(s, "        access: {a}  # {why}");
                }
                for (k, v, why) in &c.extra {
                    let _ = writeln!(s, "        {k}: {v}  # {why}");
                }
            }
        }
        if !d.consumes.is_empty() {
            s.push_str("    consumes:\n");
            for (q, why) in &d.consumes {
                let _ = writeln!(s, "      - from: {}  # {why}", yaml_str(q));
            }
        }
    }
    s
}

/// A value or key as YAML reads it back: plain when it is only letters, digits and
/// `-_./ `, else quoted; and quoted when it is a word YAML reads as something else
/// (`null`, `~`, `true`, `no`, ...), so a workload named `null` stays a name.
pub(crate) fn yaml_str(t: &str) -> String {
    let keyword = matches!(
        t.to_ascii_lowercase().as_str(),
        "null"
            | "~"
            | "true"
            | "false"
            | "yes"
            | "no"
            | "on"
            | "off"
            | "y"
            | "n"
            | ".nan"
            | ".inf"
            | "-.inf"
    );
    if !keyword
        && !t.is_empty()
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ' '))
        && !t.starts_with([' ', '-', '.'])
        && !t.ends_with(' ')
    {
        t.to_string()
    } else {
        format!("\"{}\"", t.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// Finish an import: drop calls to unknown components, order, render, summarise.
pub fn finish(
    source: &str,
    origin: &str,
    name: &str,
    mut drafts: Vec<Draft>,
    mut notes: Vec<String>,
    unrecognised: Vec<String>,
) -> Imported {
    // one draft per id (a later duplicate merges into the first)
    let mut by_id: BTreeMap<String, usize> = BTreeMap::new();
    let mut merged: Vec<Draft> = Vec::new();
    for d in drafts.drain(..) {
        match by_id.get(&d.id) {
            Some(&i) => {
                for c in d.calls {
                    if !merged[i].calls.iter().any(|x| x.to == c.to) {
                        merged[i].calls.push(c);
                    }
                }
            }
            None => {
                by_id.insert(d.id.clone(), merged.len());
                merged.push(d);
            }
        }
    }
    for d in &mut merged {
        d.calls.retain(|c| by_id.contains_key(&c.to));
    }
    roles(&mut merged, source);
    let calls: usize = merged.iter().map(|d| d.calls.len()).sum();
    let mut summary = format!(
        "{} component{}, {} call{} inferred",
        merged.len(),
        if merged.len() == 1 { "" } else { "s" },
        calls,
        if calls == 1 { "" } else { "s" }
    );
    if !unrecognised.is_empty() {
        // the image's last name and tag, without registry, path or digest: enough to
        // tell which it is (the file names each in full)
        let shown: Vec<String> = unrecognised
            .iter()
            .map(|i| {
                let i = i.split('@').next().unwrap_or(i);
                i.rsplit('/').next().unwrap_or(i).to_string()
            })
            .collect();
        let _ = write!(
            summary,
            "; {} image{} not recognised (imported as services, each marked in the file): {}",
            unrecognised.len(),
            if unrecognised.len() == 1 { "" } else { "s" },
            first_few(&shown, 3)
        );
    }
    notes.sort();
    notes.dedup();
    Imported {
        yaml: render(source, origin, name, &merged),
        summary,
        checklist: checklist(&merged),
        notes,
    }
}

/// What a workload does around the request path, from its name's words.
#[derive(Clone, Copy, PartialEq)]
enum Role {
    /// A configuration server or service registry: called once at start-up.
    Startup,
    /// A telemetry collector or log shipper: sent to, never waited for.
    Telemetry,
    /// A load generator: a client of the system, not part of it.
    LoadGenerator,
    /// An API gateway.
    Gateway,
    /// A worker: consumes, serves no one.
    Worker,
}

/// The role a workload's id says it has (its words: `-`, `_`, `.` separated).
fn role_of(id: &str) -> Option<(Role, &'static str)> {
    let words: Vec<&str> = id.split(['-', '_', '.']).collect();
    let has = |w: &str| words.contains(&w);
    let last = words.last().copied().unwrap_or("");
    if has("eureka")
        || has("consul")
        || has("configserver")
        || matches!(last, "config" | "registry" | "discovery")
        || (has("config") && (has("server") || has("service")))
        || (has("discovery") && (has("server") || has("service")))
    {
        return Some((Role::Startup, "a configuration server or service registry"));
    }
    if has("jaeger")
        || has("zipkin")
        || has("otelcol")
        || has("fluentd")
        || has("fluentbit")
        || has("logstash")
        || (has("otel") && has("collector"))
        || (has("opentelemetry") && has("collector"))
        || (has("fluent") && has("bit"))
    {
        return Some((Role::Telemetry, "a telemetry collector"));
    }
    if has("loadgenerator")
        || has("loadgen")
        || has("locust")
        || has("jmeter")
        || has("gatling")
        || (has("load") && (has("generator") || has("test")))
    {
        return Some((Role::LoadGenerator, "a load generator"));
    }
    if has("gateway")
        || has("apigateway")
        || has("apigw")
        || last == "gw"
        || last.ends_with("apigw")
    {
        return Some((Role::Gateway, "an API gateway"));
    }
    if matches!(
        last,
        "worker" | "workers" | "consumer" | "backgroundtasks" | "processor"
    ) {
        return Some((Role::Worker, "a worker"));
    }
    None
}

/// What the workloads' names say about their place: a gateway or a worker where the
/// image said nothing; a load generator is a client; calls to a configuration server
/// or registry are made at start-up, calls to a telemetry collector are asynchronous.
/// Each decision says so in its comment.
fn roles(drafts: &mut [Draft], source: &str) {
    let guessed = |d: &Draft| {
        d.kind.0 == Kind::Service
            && ["not recognised", "built from source", "no known image"]
                .iter()
                .any(|w| d.kind.1.contains(w))
    };
    let called: std::collections::HashSet<String> = drafts
        .iter()
        .flat_map(|d| d.calls.iter().map(|c| c.to.clone()))
        .collect();
    let mut of_target: BTreeMap<String, (Role, &'static str)> = BTreeMap::new();
    // a workload built as a service that listens on no port, that nothing calls, and
    // whose every call goes to a queue: a worker reading those queues
    let queues: std::collections::HashSet<String> = drafts
        .iter()
        .filter(|d| d.kind.0 == Kind::Queue)
        .map(|d| d.id.clone())
        .collect();
    for d in drafts.iter_mut() {
        // a consumer group or a subscription in its settings: it reads the queues it
        // was taken to call
        if let Some(key) = d.consumer_setting.clone() {
            let (to_queues, others): (Vec<DraftCall>, Vec<DraftCall>) =
                std::mem::take(&mut d.calls)
                    .into_iter()
                    .partition(|c| queues.contains(&c.to));
            d.calls = others;
            for c in to_queues {
                d.consumes
                    .push((c.to, format!("{} (and `{key}`: it reads the queue)", c.why)));
            }
        }
        if guessed(d)
            && !d.listens
            && !called.contains(&d.id)
            && !d.calls.is_empty()
            && d.calls.iter().all(|c| queues.contains(&c.to))
        {
            d.kind = (
                Kind::Worker,
                format!("{source}: no port, nothing calls it, and it talks only to queues"),
            );
            for c in std::mem::take(&mut d.calls) {
                d.consumes
                    .push((c.to, format!("{} (a worker reads its queue)", c.why)));
            }
        }
    }
    for d in drafts.iter_mut() {
        let Some((role, what)) = role_of(&d.id) else {
            continue;
        };
        of_target.insert(d.id.clone(), (role, what));
        let why = format!("{source}: the name `{}` says {what}", d.id);
        match role {
            Role::LoadGenerator if d.kind.0 != Kind::Client => {
                d.kind = (
                    Kind::Client,
                    format!("{why}: a client of the system, not part of it"),
                );
            }
            // a proxy image named as a gateway (Envoy as `webshoppingapigw`) is one
            Role::Gateway if guessed(d) || d.kind.0 == Kind::LoadBalancer => {
                d.kind = (Kind::Gateway, why);
                // a balancer's fields are not a gateway's
                d.layer = None;
                d.routing = None;
            }
            Role::Worker if guessed(d) => d.kind = (Kind::Worker, why),
            _ => {}
        }
    }
    // the system's own calls: a client's request (the made-up users, a load generator)
    // is neither made at start-up nor sent and forgotten
    for d in drafts.iter_mut().filter(|d| d.kind.0 != Kind::Client) {
        for c in &mut d.calls {
            match of_target.get(&c.to) {
                Some((Role::Startup, what)) => c.extra.push((
                    "startup".into(),
                    "true".into(),
                    format!("`{}` is {what}: read at start-up, not per request", c.to),
                )),
                Some((Role::Telemetry, what)) => c.extra.push((
                    "mode".into(),
                    "async".into(),
                    format!("`{}` is {what}: sent to, never waited for", c.to),
                )),
                _ => {}
            }
        }
    }
}

/// A store by its own settings (`POSTGRES_PASSWORD`, ...; see [`image::by_env`]), unless
/// the environment also names another workload (`other` says whether a host is one,
/// and not this one): the store's settings beside its address, as in a configuration
/// map shared with the store, are a client's.
pub fn store_settings(
    env: &[(String, String)],
    keys: &[String],
    other: impl Fn(&str) -> bool,
) -> Option<image::Recognised> {
    let names_another = env
        .iter()
        .any(|(_, v)| hosts_in(v).iter().any(|(h, _)| other(h)));
    if names_another {
        None
    } else {
        image::by_env(keys)
    }
}

/// The setting among `keys` that says a workload reads a queue: a consumer group or a
/// subscription (`KAFKA_CONSUMER_GROUP`, `SPRING_KAFKA_CONSUMER_GROUP_ID`,
/// `PUBSUB_SUBSCRIPTION`, `GROUP_ID`).
pub fn consumer_setting(keys: &[String]) -> Option<String> {
    keys.iter()
        .find(|k| {
            let k = k.to_ascii_uppercase();
            k.contains("CONSUMER_GROUP")
                || k.ends_with("GROUP_ID")
                || k.contains("SUBSCRIPTION")
                || k.contains("CONSUMER_QUEUE")
        })
        .cloned()
}

/// What an imported file can tell the rules, and what to add first: deployment files
/// say which workloads call which, and sometimes their replicas; never the
/// requirements, the timeouts or the data.
fn checklist(drafts: &[Draft]) -> Vec<String> {
    let workloads = drafts
        .iter()
        .filter(|d| !matches!(d.kind.0, Kind::Client | Kind::External))
        .count();
    let with_replicas = drafts
        .iter()
        .filter(|d| {
            !matches!(d.kind.0, Kind::Client | Kind::External)
                && d.replicas.as_ref().is_some_and(|(_, why)| {
                    !["no deploy.replicas", "without spec.replicas", "unreadable"]
                        .iter()
                        .any(|w| why.contains(w))
                })
        })
        .count();
    let calls: usize = drafts.iter().map(|d| d.calls.len()).sum();
    let mark = |ok: bool| if ok { "can" } else { "cannot yet" };
    vec![
        "what the new file can tell archlint:".to_string(),
        format!(
            "  {}: the call graph's anti-patterns and chains ({calls} calls)",
            mark(calls > 0)
        ),
        format!(
            "  {}: single points of failure (replicas stated for {with_replicas} of {workloads} workloads)",
            mark(with_replicas > 0)
        ),
        "  cannot yet: capacity, availability and latency (no requirements: scale, availability, latency)".to_string(),
        "  cannot yet: timeouts and retries (no call says its timeout)".to_string(),
        "  cannot yet: the data model (no entities)".to_string(),
        "add first: the `requirements` (the commented block at the top), a `timeout` on each synchronous call, `replicas` where the file has none".to_string(),
    ]
}
