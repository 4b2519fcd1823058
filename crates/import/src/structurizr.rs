//! A Structurizr workspace (`workspace.json`) to an architecture file.
//!
//! The containers of the software systems the workspace details are the components
//! (their tags and technology say the kind: a database, a web browser or mobile app is
//! a client, a queue); a software system without containers is outside the design
//! (external); people are clients (`internal: true` when their location is internal).
//! Relationships become calls, a relationship to a component (C4's level below a
//! container) a call to its container; what is not a call is left out and counted: a
//! relationship to a person (an e-mail sent, a question asked), a container serving
//! a client (a web application delivering the single-page app), a person using a
//! client app (the app is the client), and a system-level relationship its containers
//! already state. Deployment instances (the live environment's, else the last one)
//! give the replicas.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::models::str_of;
use super::{Draft, Imported, error, finish, models, sanitize};
use archlint_core::model::Kind;
use archlint_core::model::yaml;
use archlint_core::source::SourceFile;
use archlint_linter::input::FileResult;

/// What an element of the model is, for the import.
#[derive(Clone)]
enum Element {
    /// A component of the design (its draft's id).
    Component(String),
    /// A software system whose containers are the components.
    Detailed,
    /// A C4 component inside a container: calls go to the container.
    Inside(String),
}

fn tags(v: &Value) -> Vec<String> {
    str_of(v, "tags")
        .split(',')
        .map(|t| t.trim().to_ascii_lowercase())
        .filter(|t| !t.is_empty())
        .collect()
}

/// A container's kind from its tags, technology and name.
fn container_kind(c: &Value) -> (Kind, String) {
    let t = tags(c);
    let has = |w: &str| t.iter().any(|x| x == w);
    let technology = str_of(c, "technology");
    if has("database") {
        return (Kind::Database, "structurizr: tag `Database`".into());
    }
    if has("web browser") || has("mobile app") {
        return (
            Kind::Client,
            "structurizr: a web browser or mobile app container".into(),
        );
    }
    if has("queue") || has("message bus") || has("topic") {
        return (Kind::Queue, "structurizr: tag `Queue`".into());
    }
    let words = format!("{} {technology}", str_of(c, "name"));
    if let Some((k, tech)) = models::tech_in(&words) {
        return (
            k,
            format!("structurizr: technology `{technology}` names {tech}"),
        );
    }
    match models::kind_word(&words) {
        Some(k) => (k, format!("structurizr: container `{}`", str_of(c, "name"))),
        None => (Kind::Service, "structurizr: a container".into()),
    }
}

/// The deployment environment replicas are read from: one named live, production or
/// prod, else the last one the workspace lists.
fn environment(nodes: &[Value]) -> Option<String> {
    let mut envs: Vec<String> = Vec::new();
    for n in nodes {
        let e = str_of(n, "environment").to_string();
        if !e.is_empty() && !envs.contains(&e) {
            envs.push(e);
        }
    }
    envs.iter()
        .find(|e| {
            matches!(
                e.to_ascii_lowercase().as_str(),
                "live" | "production" | "prod"
            )
        })
        .or(envs.last())
        .cloned()
}

/// A deployment node's (or container instance's) `instances`: a number, or text.
fn instances(v: &Value) -> u64 {
    v["instances"]
        .as_u64()
        .or_else(|| v["instances"].as_str().and_then(|s| s.trim().parse().ok()))
        .unwrap_or(1)
}

/// A container's instances under a deployment node of the environment, the node's
/// `instances` multiplied down its parents (8 API servers with one Tomcat each: 8).
fn count_instances(
    n: &Value,
    env: &str,
    factor: u64,
    depth: usize,
    counts: &mut BTreeMap<String, u64>,
) {
    if str_of(n, "environment") != env || depth > 32 {
        return;
    }
    let here = factor.saturating_mul(instances(n).max(1));
    for ci in n["containerInstances"].as_array().into_iter().flatten() {
        *counts
            .entry(str_of(ci, "containerId").to_string())
            .or_default() += here.saturating_mul(instances(ci).max(1));
    }
    for c in n["children"].as_array().into_iter().flatten() {
        count_instances(c, env, here, depth + 1, counts);
    }
}

/// Replicas from the deployment instances of one environment.
fn replicas_from_deployment(
    m: &Value,
    what: &BTreeMap<String, Element>,
    drafts: &mut [Draft],
    notes: &mut Vec<String>,
) {
    let nodes = m["deploymentNodes"].as_array().cloned().unwrap_or_default();
    let Some(env) = environment(&nodes) else {
        return;
    };
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for n in &nodes {
        count_instances(n, &env, 1, 0, &mut counts);
    }
    for (container, n) in counts {
        let Some(Element::Component(id)) = what.get(&container) else {
            continue;
        };
        if let Some(d) = drafts.iter_mut().find(|d| &d.id == id)
            && !matches!(d.kind.0, Kind::Client | Kind::External)
        {
            d.replicas = Some((
                n,
                format!("structurizr: {n} instances in the `{env}` deployment"),
            ));
        }
    }
    notes.push(format!(
        "replicas read from the `{env}` deployment environment"
    ));
}

/// Import a workspace.
pub fn import(src: &SourceFile) -> Result<Imported, Box<FileResult>> {
    let arena = yaml::Arena::new();
    let p =
        yaml::parse(src, &arena, Default::default()).map_err(|e| super::yaml_failure(src, e))?;
    let Some(model) = p.root.get("model") else {
        return Err(Box::new(error(
            src,
            "",
            &p.root,
            "a Structurizr workspace has no `model`".into(),
            "pass a workspace.json (the DSL is exported to it with `structurizr-cli export -format json`)",
        )));
    };
    if model.as_map().is_none() {
        return Err(Box::new(error(
            src,
            "model",
            model,
            format!("`model` must be an object, found {}", model.type_name()),
            "a workspace's model holds `people` and `softwareSystems`",
        )));
    }
    for key in ["people", "softwareSystems"] {
        if let Some(n) = model.get(key)
            && n.as_seq().is_none()
        {
            return Err(Box::new(error(
                src,
                &format!("model.{key}"),
                n,
                format!("`{key}` must be a list, found {}", n.type_name()),
                "each element is an object with `id` and `name`",
            )));
        }
    }
    let json = p.root.to_json();
    let m = &json["model"];
    let people = m["people"].as_array().cloned().unwrap_or_default();
    let systems = m["softwareSystems"].as_array().cloned().unwrap_or_default();

    let mut drafts: Vec<Draft> = Vec::new();
    let mut what: BTreeMap<String, Element> = BTreeMap::new();
    let mut persons: BTreeSet<String> = BTreeSet::new();
    // every relationship of the model, with the element it is written on
    let mut rels: Vec<Value> = Vec::new();
    let mut ids_seen: BTreeSet<String> = BTreeSet::new();
    let mut unique = |name: &str| {
        let base = sanitize(name);
        let mut id = base.clone();
        let mut n = 2;
        while !ids_seen.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    };
    for person in &people {
        let id = unique(str_of(person, "name"));
        let mut d = Draft::new(&id, Kind::Client, "structurizr: a person");
        d.description = Some(str_of(person, "description").to_string()).filter(|s| !s.is_empty());
        if str_of(person, "location") == "Internal" {
            d.internal = Some("structurizr: location Internal".into());
        }
        what.insert(str_of(person, "id").into(), Element::Component(id.clone()));
        persons.insert(str_of(person, "id").into());
        rels.extend(
            person["relationships"]
                .as_array()
                .cloned()
                .unwrap_or_default(),
        );
        drafts.push(d);
    }
    for s in &systems {
        rels.extend(s["relationships"].as_array().cloned().unwrap_or_default());
        let containers = s["containers"].as_array().cloned().unwrap_or_default();
        if containers.is_empty() {
            let id = unique(str_of(s, "name"));
            let mut d = Draft::new(
                &id,
                Kind::External,
                "structurizr: a software system the workspace does not detail",
            );
            d.description = Some(str_of(s, "description").to_string()).filter(|x| !x.is_empty());
            what.insert(str_of(s, "id").into(), Element::Component(id));
            drafts.push(d);
            continue;
        }
        what.insert(str_of(s, "id").into(), Element::Detailed);
        let domain = sanitize(str_of(s, "name"));
        for c in &containers {
            let id = unique(str_of(c, "name"));
            let (kind, why) = container_kind(c);
            let mut d = Draft::new(&id, kind, &why);
            d.description = Some(str_of(c, "description").to_string()).filter(|x| !x.is_empty());
            let technology = str_of(c, "technology");
            if let Some((k, tech)) = models::tech_in(technology)
                && k == kind
            {
                d.tech = Some((
                    tech.into(),
                    format!("structurizr: technology `{technology}`"),
                ));
            }
            d.domain = Some((
                domain.clone(),
                format!("structurizr: a container of `{}`", str_of(s, "name")),
            ));
            what.insert(str_of(c, "id").into(), Element::Component(id.clone()));
            rels.extend(c["relationships"].as_array().cloned().unwrap_or_default());
            for comp in c["components"].as_array().into_iter().flatten() {
                what.insert(str_of(comp, "id").into(), Element::Inside(id.clone()));
                rels.extend(
                    comp["relationships"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default(),
                );
            }
            drafts.push(d);
        }
    }
    let resolve = |id: &str| -> Option<Element> {
        match what.get(id)? {
            Element::Inside(c) => Some(Element::Component(c.clone())),
            e => Some(e.clone()),
        }
    };
    let kind_of = |id: &str, drafts: &[Draft]| drafts.iter().find(|d| d.id == id).map(|d| d.kind.0);
    let mut left_out: BTreeMap<&str, usize> = BTreeMap::new();
    let mut calls: Vec<(String, String, String, String)> = Vec::new();
    for r in &rels {
        let (from, to) = (str_of(r, "sourceId"), str_of(r, "destinationId"));
        let (Some(Element::Component(f)), dest) = (resolve(from), resolve(to)) else {
            // from a detailed system or from nowhere: its containers state it
            *left_out
                .entry("system-level relationships its containers state")
                .or_default() += 1;
            continue;
        };
        let t = match dest {
            Some(Element::Component(t)) => t,
            Some(Element::Detailed) => {
                *left_out
                    .entry("system-level relationships its containers state")
                    .or_default() += 1;
                continue;
            }
            _ => {
                *left_out
                    .entry("relationships to unknown elements")
                    .or_default() += 1;
                continue;
            }
        };
        if persons.contains(to) {
            *left_out
                .entry("relationships to a person (not a call)")
                .or_default() += 1;
            continue;
        }
        if f == t {
            continue; // inside one container
        }
        let (fk, tk) = (kind_of(&f, &drafts), kind_of(&t, &drafts));
        if tk == Some(Kind::Client) {
            let why = if persons.contains(from) {
                "a person using a client app (the app is the client)"
            } else {
                "an element serving a client (a client is not called)"
            };
            *left_out.entry(why).or_default() += 1;
            continue;
        }
        let _ = fk;
        let technology = str_of(r, "technology");
        let why = format!(
            "structurizr: \"{}\"{}",
            str_of(r, "description"),
            if technology.is_empty() {
                String::new()
            } else {
                format!(" ({technology})")
            }
        );
        if !calls.iter().any(|(a, b, ..)| *a == f && *b == t) {
            calls.push((f, t, technology.to_string(), why));
        }
    }
    for (f, t, technology, why) in calls {
        let protocol = models::protocol(&technology).map(|p| {
            (
                p.to_string(),
                format!("structurizr: technology `{technology}`"),
            )
        });
        let d = drafts.iter_mut().find(|d| d.id == f).expect("a component");
        d.call(&t, protocol, why);
    }
    let mut notes: Vec<String> = left_out
        .iter()
        .map(|(why, n)| format!("not calls: {n} {why}"))
        .collect();
    replicas_from_deployment(m, &what, &mut drafts, &mut notes);
    let name = json
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("workspace")
        .to_string();
    Ok(finish(
        "structurizr",
        &format!("`{}`", src.name),
        &name,
        drafts,
        notes,
        Vec::new(),
    ))
}
