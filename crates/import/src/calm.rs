//! FINOS CALM (Common Architecture Language Model) to an architecture file, and back.
//!
//! Import: nodes become components (the kind from the `node-type`, a type name's word,
//! or the technology a description names), `connects` and `interacts` relationships
//! become calls, `composed-of` gives the parts a domain; networks, data assets, flows
//! and controls are what archlint does not check, and are counted, not invented.
//! An actor who only uses web clients is the person behind them, not a component.
//! Export: every component a node and every call or consume a `connects`
//! relationship (standard node types and protocols where CALM has them); what CALM has
//! no place for (replicas, timeouts, requirements, ...) rides in `metadata.archlint`,
//! so importing an export gives the same design back.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use super::models::str_of;
use super::{Draft, Imported, error, finish, models, sanitize, text, yaml_str};
use archlint_core::model::Kind;
use archlint_core::model::yaml::{self, Node};
use archlint_core::source::SourceFile;
use archlint_linter::input::FileResult;

/// The CALM release the export follows.
pub const SCHEMA: &str = "https://calm.finos.org/release/1.2/meta/calm.json";

/// Node types that are not running components: what they hold is counted in a note.
const NOT_COMPONENTS: &[&str] = &["network", "data-asset", "standard"];

fn bad(src: &SourceFile, path: &str, node: &Node, msg: String, help: &str) -> Box<FileResult> {
    Box::new(error(src, path, node, msg, help))
}

/// The `archlint` entry of a node's (or the architecture's) `metadata`: an object, or
/// an object in a list of them.
fn archlint_meta(meta: Option<&Value>) -> Option<&Map<String, Value>> {
    match meta? {
        Value::Object(m) => m.get("archlint")?.as_object(),
        Value::Array(a) => a.iter().find_map(|x| x.get("archlint")?.as_object()),
        _ => None,
    }
}

/// A node's kind, and why: the node type, a word of a custom type, the technology
/// its name or description names.
fn kind_of(node_type: &str, text: &str) -> (Kind, String) {
    let named = models::tech_in(text);
    match node_type {
        "actor" | "webclient" => (Kind::Client, format!("calm: node-type `{node_type}`")),
        "service" => (Kind::Service, "calm: node-type `service`".into()),
        "database" => match named {
            Some((k @ (Kind::Cache | Kind::Queue), tech)) => (
                k,
                format!(
                    "calm: node-type `database`, but it says {tech}, a {}",
                    k.as_str()
                ),
            ),
            _ => (Kind::Database, "calm: node-type `database`".into()),
        },
        "ldap" => (
            Kind::Database,
            "calm: node-type `ldap` (a directory)".into(),
        ),
        "system" | "ecosystem" => match models::outside(text) {
            true => (
                Kind::External,
                format!("calm: node-type `{node_type}`, described as external"),
            ),
            false => (
                Kind::Service,
                format!("calm: node-type `{node_type}` with no parts here: check its kind"),
            ),
        },
        other => match models::kind_word(other).or(named.map(|(k, _)| k)) {
            Some(k) => (k, format!("calm: node-type `{other}`")),
            None => (
                Kind::Service,
                format!("calm: node-type `{other}` not known: check its kind"),
            ),
        },
    }
}

/// Import a CALM architecture document.
pub fn import(src: &SourceFile) -> Result<Imported, Box<FileResult>> {
    let arena = yaml::Arena::new();
    let p =
        yaml::parse(src, &arena, Default::default()).map_err(|e| super::yaml_failure(src, e))?;
    let root = &p.root;
    if root.as_map().is_none() {
        return Err(bad(
            src,
            "",
            root,
            format!(
                "a CALM architecture is a JSON object, found {}",
                root.type_name()
            ),
            "pass an architecture document: { \"nodes\": [...], \"relationships\": [...] }",
        ));
    }
    let Some(nodes) = root.get("nodes") else {
        return Err(bad(
            src,
            "",
            root,
            "a CALM architecture has no `nodes`".into(),
            "pass an architecture document (a pattern or a schema has no nodes to import)",
        ));
    };
    let Some(items) = nodes.as_seq() else {
        return Err(bad(
            src,
            "nodes",
            nodes,
            format!("`nodes` must be a list, found {}", nodes.type_name()),
            "each node is { \"unique-id\", \"node-type\", \"name\", \"description\" }",
        ));
    };
    // check every node first: located errors, one at a time
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for (i, n) in items.iter().enumerate() {
        let at = format!("nodes[{i}]");
        let Some(id) = n.get("unique-id").and_then(text) else {
            return Err(bad(
                src,
                &at,
                n,
                format!("node {} has no `unique-id`", i + 1),
                "every CALM node has a `unique-id`",
            ));
        };
        if n.get("node-type").and_then(text).is_none() {
            return Err(bad(
                src,
                &at,
                n,
                format!("node `{id}` has no `node-type`"),
                "every CALM node has a `node-type` (service, database, actor, ...)",
            ));
        }
        if !seen.insert(id.to_string()) {
            return Err(bad(
                src,
                &at,
                n.get("unique-id").unwrap_or(n),
                format!("two nodes have the unique-id `{id}`"),
                "a unique-id names one node",
            ));
        }
    }
    let json = root.to_json();
    let rels: Vec<(usize, &Node)> = root
        .get("relationships")
        .and_then(Node::as_seq)
        .map(|s| s.iter().enumerate().collect())
        .unwrap_or_default();
    // every relationship names nodes that exist
    for (i, r) in &rels {
        for (what, end) in ends(r) {
            if !seen.contains(end.as_scalar().unwrap_or("")) {
                return Err(bad(
                    src,
                    &format!("relationships[{i}]"),
                    end,
                    format!(
                        "relationship {} names the {what} `{}`, which is not a node",
                        i + 1,
                        end.as_scalar().unwrap_or("")
                    ),
                    "a relationship's nodes are `unique-id`s of `nodes`",
                ));
            }
        }
    }
    let origin = format!("`{}`", src.name);
    let name = std::path::Path::new(&src.name)
        .file_name()
        .and_then(|f| f.to_str())
        .map_or("system", |f| f.split('.').next().unwrap_or(f));
    if archlint_meta(json.get("metadata")).is_some() {
        return Ok(round_trip(&json, &origin, name));
    }
    Ok(from_model(&json, &origin, name))
}

/// The node ids a relationship names, each with its role and the YAML node (for the
/// error's place).
fn ends<'n, 'a>(r: &'n Node<'a>) -> Vec<(&'static str, &'n Node<'a>)> {
    let mut out = Vec::new();
    for (kind, body) in bodies(r) {
        match kind {
            "connects" => {
                for key in ["source", "destination"] {
                    if let Some(n) = body.get(key).and_then(|x| x.get("node")) {
                        out.push((key, n));
                    }
                }
            }
            _ => {
                let lead = if kind == "interacts" {
                    "actor"
                } else {
                    "container"
                };
                if let Some(n) = body.get(lead) {
                    out.push((lead, n));
                }
                for n in body.get("nodes").and_then(Node::as_seq).unwrap_or(&[]) {
                    out.push(("node", n));
                }
            }
        }
    }
    out
}

/// A tree a CALM document is read as: the YAML nodes (for the errors' places) or
/// the JSON values (for the model).
trait Tree {
    fn at(&self, key: &str) -> Option<&Self>;
    fn text(&self) -> Option<&str>;
}

impl<'a> Tree for Node<'a> {
    fn at(&self, key: &str) -> Option<&Self> {
        self.get(key)
    }
    fn text(&self) -> Option<&str> {
        self.as_scalar()
    }
}

impl Tree for Value {
    fn at(&self, key: &str) -> Option<&Self> {
        self.get(key)
    }
    fn text(&self) -> Option<&str> {
        self.as_str()
    }
}

/// The kinds of a relationship and their bodies: `relationship-type` is an object
/// keyed by kind (CALM 1.0 and later), or, in earlier drafts still found in the wild,
/// the kind's name with the body beside it.
fn bodies<T: Tree>(r: &T) -> Vec<(&'static str, &T)> {
    const KINDS: [&str; 4] = ["connects", "interacts", "deployed-in", "composed-of"];
    let Some(t) = r.at("relationship-type") else {
        return Vec::new();
    };
    if let Some(name) = t.text() {
        return KINDS
            .iter()
            .find(|k| **k == name)
            .and_then(|k| r.at(k).map(|b| (*k, b)))
            .into_iter()
            .collect();
    }
    KINDS
        .iter()
        .filter_map(|k| t.at(k).map(|b| (*k, b)))
        .collect()
}

/// A model written by hand or by CALM's tools: kinds and calls inferred, each said
/// where it came from.
fn from_model(json: &Value, origin: &str, name: &str) -> Imported {
    let nodes = json["nodes"].as_array().cloned().unwrap_or_default();
    let rels = json["relationships"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let type_of: BTreeMap<String, String> = nodes
        .iter()
        .map(|n| {
            (
                str_of(n, "unique-id").to_string(),
                str_of(n, "node-type").to_string(),
            )
        })
        .collect();
    // the pieces of a relationship: (kind, from, [to...])
    let mut links: Vec<(&str, String, Vec<String>, &Value)> = Vec::new();
    for r in &rels {
        for (kind, body) in bodies(r) {
            if kind == "connects" {
                links.push((
                    kind,
                    str_of(&body["source"], "node").into(),
                    vec![str_of(&body["destination"], "node").into()],
                    r,
                ));
            } else {
                let lead = if kind == "interacts" {
                    "actor"
                } else {
                    "container"
                };
                let to = body["nodes"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|v| v.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default();
                links.push((kind, str_of(body, lead).into(), to, r));
            }
        }
    }
    // containers of composed-of (and deployed-in) are groupings, not components
    let containers: BTreeSet<String> = links
        .iter()
        .filter(|(k, ..)| *k == "composed-of" || *k == "deployed-in")
        .map(|(_, c, ..)| c.clone())
        .collect();
    // an actor whose every use is of a web client is the person behind it
    let person = |id: &str| {
        type_of.get(id).map(String::as_str) == Some("actor")
            && links
                .iter()
                .filter(|(k, from, ..)| (*k == "interacts" || *k == "connects") && from == id)
                .flat_map(|(_, _, to, _)| to)
                .all(|t| type_of.get(t).map(String::as_str) == Some("webclient"))
    };
    let mut notes = Vec::new();
    let mut skipped: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut drafts: Vec<Draft> = Vec::new();
    let mut kept: BTreeMap<String, String> = BTreeMap::new();
    for n in &nodes {
        let id = str_of(n, "unique-id");
        let ty = str_of(n, "node-type");
        if NOT_COMPONENTS.contains(&ty) || containers.contains(id) || person(id) {
            let why = if person(id) {
                "actors using a web client (the client is the component)".to_string()
            } else if containers.contains(id) {
                format!("{ty} nodes grouping others (their parts carry it as `domain`)")
            } else {
                format!("{ty} nodes (not a running component)")
            };
            skipped.entry(why).or_default().push(id.to_string());
            continue;
        }
        let words = format!("{} {}", str_of(n, "name"), str_of(n, "description"));
        let (kind, why) = kind_of(ty, &words);
        let mut d = Draft::new(id, kind, &why);
        kept.insert(id.to_string(), d.id.clone());
        let desc = [str_of(n, "name"), str_of(n, "description")]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(": ");
        if !desc.is_empty() {
            d.description = Some(desc);
        }
        if let Some((_, tech)) = models::tech_in(&words).filter(|(k, _)| *k == kind) {
            d.tech = Some((tech.to_string(), format!("calm: named in node `{id}`")));
        }
        if kind == Kind::Service && n.get("interfaces").is_some() {
            d.listens = true;
        }
        drafts.push(d);
    }
    for (kind, from, to, r) in &links {
        let rid = str_of(r, "unique-id");
        match *kind {
            "connects" | "interacts" => {
                let Some(src_id) = kept.get(from.as_str()).cloned() else {
                    continue;
                };
                for t in to {
                    let Some(dst) = kept.get(t.as_str()).cloned() else {
                        continue;
                    };
                    let proto = r
                        .get("protocol")
                        .and_then(Value::as_str)
                        .map(|p| (p, models::protocol(p)));
                    let d = drafts.iter_mut().find(|d| d.id == src_id).expect("kept");
                    let protocol = proto.and_then(|(p, mapped)| {
                        mapped.map(|m| (m.to_string(), format!("calm: protocol `{p}`")))
                    });
                    d.link(&dst, protocol, None, format!("calm: {kind} `{rid}`"));
                    if let Some((p, None)) = proto {
                        d.notes.push(format!(
                            "`{rid}` uses {p}, which archlint has no protocol for: say what runs over it"
                        ));
                    }
                }
            }
            "composed-of" => {
                for t in to {
                    if let Some(d) = kept
                        .get(t.as_str())
                        .and_then(|id| drafts.iter_mut().find(|d| &d.id == id))
                    {
                        d.domain = Some((sanitize(from), format!("calm: composed-of `{rid}`")));
                    }
                }
            }
            _ => {}
        }
    }
    // the entry points: nothing calls them, and they declare interfaces
    let called: BTreeSet<String> = drafts
        .iter()
        .flat_map(|d| d.calls.iter().map(|c| c.to.clone()))
        .collect();
    let has_client = drafts.iter().any(|d| d.kind.0 == Kind::Client);
    for d in &mut drafts {
        if !has_client && d.listens && !called.contains(&d.id) && d.kind.0 == Kind::Service {
            d.public = Some("calm: declares interfaces and nothing here calls it".into());
        }
    }
    for (why, ids) in &skipped {
        notes.push(format!(
            "not components: {} {why}: {}",
            ids.len(),
            super::first_few(ids, 3)
        ));
    }
    let journeys = flows_as_journeys(json, &rels, &kept, &mut notes);
    let controls = nodes.iter().filter(|n| n.get("controls").is_some()).count()
        + rels.iter().filter(|r| r.get("controls").is_some()).count();
    if controls > 0 {
        notes.push(format!(
            "kept out: the controls of {controls} nodes and relationships (archlint does not check them; the CALM file keeps them)"
        ));
    }
    let mut imported = finish("calm", origin, name, drafts, notes, Vec::new());
    if !journeys.is_empty() {
        imported.yaml.push_str("\njourneys:\n");
        for (id, steps, why) in journeys {
            imported.yaml.push_str(&format!(
                "  {}: {{ steps: [{}] }}  # {why}\n",
                yaml_str(&id),
                steps
                    .iter()
                    .map(|s| yaml_str(s))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    imported
}

/// CALM flows as journeys: a flow whose transitions, in sequence, form a chain of
/// calls (each starting where the last ended) is a journey through those components;
/// a flow that branches (one component calling several in turn) is not a path a
/// request takes, and is noted, not turned into a journey. A leading step that is not
/// a component (the person behind a client) is left out.
fn flows_as_journeys(
    json: &Value,
    rels: &[Value],
    kept: &BTreeMap<String, String>,
    notes: &mut Vec<String>,
) -> Vec<(String, Vec<String>, String)> {
    let by_id: BTreeMap<&str, &Value> = rels.iter().map(|r| (str_of(r, "unique-id"), r)).collect();
    let mut out = Vec::new();
    for f in json["flows"].as_array().into_iter().flatten() {
        let fid = str_of(f, "unique-id");
        let mut ts: Vec<&Value> = f["transitions"]
            .as_array()
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        ts.sort_by_key(|t| t["sequence-number"].as_i64().unwrap_or(0));
        let mut steps: Vec<String> = Vec::new();
        let mut chain = true;
        for t in ts {
            if str_of(t, "direction") == "destination-to-source" {
                continue; // the answer going back
            }
            let Some(r) = by_id.get(str_of(t, "relationship-unique-id")) else {
                chain = false;
                break;
            };
            let ends: Vec<(String, String)> = bodies(*r)
                .into_iter()
                .filter_map(|(kind, body)| match kind {
                    "connects" => Some((
                        str_of(&body["source"], "node").to_string(),
                        str_of(&body["destination"], "node").to_string(),
                    )),
                    "interacts" => {
                        let to = body["nodes"].as_array()?;
                        (to.len() == 1).then(|| {
                            (
                                str_of(body, "actor").to_string(),
                                to[0].as_str().unwrap_or("").to_string(),
                            )
                        })
                    }
                    _ => None,
                })
                .collect();
            let Some((from, to)) = ends.into_iter().next() else {
                chain = false;
                break;
            };
            let (Some(to), from) = (kept.get(&to), kept.get(&from)) else {
                chain = false;
                break;
            };
            match (steps.last(), from) {
                (None, None) => steps.push(to.clone()),
                (None, Some(f)) => {
                    steps.push(f.clone());
                    steps.push(to.clone());
                }
                (Some(last), Some(f)) if last == f => steps.push(to.clone()),
                _ => {
                    chain = false;
                    break;
                }
            }
        }
        if chain && steps.len() >= 2 {
            out.push((sanitize(fid), steps, format!("calm: flow `{fid}`")));
        } else {
            notes.push(format!(
                "flow `{fid}` is not a chain of calls (a component calls several in turn, or a step is not a component): not a journey; name the path a request takes under `journeys:`"
            ));
        }
    }
    out
}

/// A document `archlint export calm` wrote: the design as it was, from the metadata.
fn round_trip(json: &Value, origin: &str, name: &str) -> Imported {
    let mut s = format!(
        "# Imported by `archlint import calm` from {origin}, an export of an archlint design:\n# every field is as it was exported.\n"
    );
    let top = archlint_meta(json.get("metadata"))
        .cloned()
        .unwrap_or_default();
    let file_name = top.get("name").and_then(Value::as_str).unwrap_or(name);
    s.push_str(&format!("name: {}\n", yaml_str(file_name)));
    for (k, v) in &top {
        if k != "name" {
            s.push_str(&format!("{}: {}\n", yaml_str(k), models::flow(v)));
        }
    }
    s.push_str("components:\n");
    let nodes = json["nodes"].as_array().cloned().unwrap_or_default();
    let rels = json["relationships"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut count = (0, 0);
    for n in &nodes {
        let id = str_of(n, "unique-id");
        let meta = archlint_meta(n.get("metadata"))
            .cloned()
            .unwrap_or_default();
        count.0 += 1;
        s.push_str(&format!("  {}:\n", yaml_str(id)));
        for (k, v) in &meta {
            s.push_str(&format!("    {}: {}\n", yaml_str(k), models::flow(v)));
        }
        let mut calls = String::new();
        let mut consumes = String::new();
        for r in &rels {
            let c = &r["relationship-type"]["connects"];
            let (from, to) = (
                str_of(&c["source"], "node"),
                str_of(&c["destination"], "node"),
            );
            let m = archlint_meta(r.get("metadata"))
                .cloned()
                .unwrap_or_default();
            if let Some(consume) = m.get("consume") {
                if to == id {
                    consumes.push_str(&format!("      - from: {}\n", yaml_str(from)));
                    for (k, v) in consume.as_object().into_iter().flatten() {
                        consumes.push_str(&format!(
                            "        {}: {}\n",
                            yaml_str(k),
                            models::flow(v)
                        ));
                    }
                }
            } else if from == id {
                count.1 += 1;
                calls.push_str(&format!("      - to: {}\n", yaml_str(to)));
                for (k, v) in m
                    .get("call")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    calls.push_str(&format!("        {}: {}\n", yaml_str(k), models::flow(v)));
                }
            }
        }
        if !calls.is_empty() {
            s.push_str("    calls:\n");
            s.push_str(&calls);
        }
        if !consumes.is_empty() {
            s.push_str("    consumes:\n");
            s.push_str(&consumes);
        }
    }
    Imported {
        yaml: s,
        summary: format!(
            "{} components, {} calls, as exported (the CALM document carries the whole design)",
            count.0, count.1
        ),
        checklist: Vec::new(),
        notes: Vec::new(),
    }
}

/// The CALM node type of a kind: CALM's own where it has one, else the kind's name
/// (CALM allows any string).
fn node_type(kind: &str) -> &str {
    match kind {
        "client" => "webclient",
        "external" => "system",
        other => other,
    }
}

/// The CALM protocol of an archlint protocol, where CALM's list has one.
fn calm_protocol(p: &str) -> Option<&'static str> {
    Some(match p {
        "http" | "rest" => "HTTP",
        "https" => "HTTPS",
        "sql" => "JDBC",
        "websocket" => "WebSocket",
        "amqp" => "AMQP",
        "tcp" => "TCP",
        _ => return None,
    })
}

/// Export an architecture file (already known to load) as a CALM 1.2 architecture.
pub fn export(src: &SourceFile) -> Result<String, Box<FileResult>> {
    let arena = yaml::Arena::new();
    let p =
        yaml::parse(src, &arena, Default::default()).map_err(|e| super::yaml_failure(src, e))?;
    let root = p.root.to_json();
    let mut top = root.as_object().cloned().unwrap_or_default();
    let components = top.remove("components").unwrap_or(Value::Null);
    top.retain(|k, _| !k.starts_with("x-"));
    let mut nodes = Vec::new();
    let mut rels = Vec::new();
    let mut used: BTreeMap<String, usize> = BTreeMap::new();
    let mut rel_id = |base: String| {
        let n = used.entry(base.clone()).or_insert(0);
        *n += 1;
        if *n == 1 { base } else { format!("{base}-{n}") }
    };
    for (id, c) in components.as_object().into_iter().flatten() {
        let mut meta = c.as_object().cloned().unwrap_or_default();
        let calls = meta.remove("calls");
        let consumes = meta.remove("consumes");
        let kind = meta
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or("service")
            .to_string();
        let description = meta
            .get("description")
            .and_then(Value::as_str)
            .map_or_else(|| format!("{kind} `{id}`"), str::to_string);
        nodes.push(json!({
            "unique-id": id,
            "node-type": node_type(&kind),
            "name": id,
            "description": description,
            "metadata": { "archlint": meta },
        }));
        for call in calls
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default()
        {
            let (to, mut rest) = match call {
                Value::String(to) => (to, Map::new()),
                Value::Object(mut m) => {
                    let to = m.remove("to").and_then(|v| v.as_str().map(String::from));
                    (to.unwrap_or_default(), m)
                }
                _ => continue,
            };
            let mut r = json!({
                "unique-id": rel_id(format!("{id}-to-{to}")),
                "relationship-type": { "connects": { "source": { "node": id }, "destination": { "node": to } } },
            });
            if let Some(p) = rest
                .get("protocol")
                .and_then(Value::as_str)
                .and_then(calm_protocol)
            {
                r["protocol"] = json!(p);
            }
            if let Some(d) = rest.get("description").and_then(Value::as_str) {
                r["description"] = json!(d);
            }
            rest.retain(|_, _| true);
            r["metadata"] = json!({ "archlint": { "call": rest } });
            rels.push(r);
        }
        for q in consumes
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default()
        {
            let (from, rest) = match q {
                Value::String(f) => (f, Map::new()),
                Value::Object(mut m) => {
                    let f = m.remove("from").and_then(|v| v.as_str().map(String::from));
                    (f.unwrap_or_default(), m)
                }
                _ => continue,
            };
            rels.push(json!({
                "unique-id": rel_id(format!("{from}-to-{id}")),
                "description": format!("`{id}` consumes `{from}`"),
                "relationship-type": { "connects": { "source": { "node": from }, "destination": { "node": id } } },
                "metadata": { "archlint": { "consume": rest } },
            }));
        }
    }
    let doc = json!({
        "$schema": SCHEMA,
        "nodes": nodes,
        "relationships": rels,
        "metadata": { "archlint": top },
    });
    Ok(format!(
        "{}\n",
        serde_json::to_string_pretty(&doc).expect("the document serializes")
    ))
}
