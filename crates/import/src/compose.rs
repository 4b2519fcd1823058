//! docker-compose (v2/v3 and the Compose Specification) to drafts.

use std::collections::BTreeSet;

use super::{Draft, Imported, error, finish, hosts_in, image, text};
use archlint_core::model::Kind;
use archlint_core::model::yaml::{self, Node};
use archlint_core::source::SourceFile;
use archlint_linter::input::FileResult;

/// Import one or more compose files (later files add services, as `-f a -f b` does).
pub fn import(files: &[SourceFile]) -> Result<Imported, Box<FileResult>> {
    let mut drafts: Vec<Draft> = Vec::new();
    let mut notes = Vec::new();
    let mut unrecognised = Vec::new();
    let mut public: Vec<(String, String)> = Vec::new();
    // every service's name (not a copy of its file per service: that made 8,000
    // services take 10 GB)
    let mut names: BTreeSet<String> = BTreeSet::new();
    let arena = yaml::Arena::new();
    let parsed: Vec<_> = files
        .iter()
        .map(|src| {
            yaml::parse(src, &arena, Default::default()).map_err(|e| super::yaml_failure(src, e))
        })
        .collect::<Result<_, _>>()?;
    // every service name first: calls are to names defined in any file
    for (p, src) in parsed.iter().zip(files) {
        let Some(svcs) = p.root.get("services") else {
            return Err(Box::new(error(
                src,
                "",
                &p.root,
                "a compose file has no `services:`".into(),
                "pass a docker-compose file (with a `services:` mapping)",
            )));
        };
        let Some(map) = svcs.as_map() else {
            return Err(Box::new(error(
                src,
                "services",
                svcs,
                format!(
                    "`services` must be a mapping of service names, found {}",
                    svcs.type_name()
                ),
                "write each service as `name: { image: ... }`",
            )));
        };
        for (k, v) in map {
            let name = k.as_scalar().unwrap_or("");
            if v.as_map().is_none() {
                return Err(Box::new(error(
                    src,
                    &format!("services.{name}"),
                    v,
                    format!(
                        "service `{name}` must be a mapping, found {}",
                        v.type_name()
                    ),
                    "write it as `name: { image: ..., ports: [...] }`",
                )));
            }
            names.insert(name.to_string());
        }
    }
    let hostnames: Vec<(String, String)> = parsed
        .iter()
        .flat_map(|p| {
            p.root
                .get("services")
                .and_then(Node::as_map)
                .unwrap_or(&[])
                .iter()
        })
        .filter_map(|(k, v)| {
            Some((
                v.get("hostname").and_then(text)?.to_string(),
                k.as_scalar()?.to_string(),
            ))
        })
        .collect();
    let resolve = |host: &str| -> Option<String> {
        if names.contains(host) {
            return Some(host.to_string());
        }
        hostnames
            .iter()
            .find(|(h, _)| h == host)
            .map(|(_, n)| n.clone())
    };
    // a service in several files is one service: later files override earlier ones,
    // as `docker compose -f base.yaml -f override.yaml` merges them
    let mut order: Vec<&str> = Vec::new();
    let mut defs: std::collections::HashMap<&str, Node> = std::collections::HashMap::new();
    for p in &parsed {
        let Some(map) = p.root.get("services").and_then(Node::as_map) else {
            continue;
        };
        for (k, v) in map {
            let name = k.as_scalar().unwrap_or("");
            match defs.get_mut(name) {
                Some(n) => *n = arena.merged(n, v),
                None => {
                    order.push(name);
                    defs.insert(name, *v);
                }
            }
        }
    }
    for name in order {
        drafts.push(service(
            name,
            &defs[name],
            &resolve,
            &mut notes,
            &mut unrecognised,
            &mut public,
        ));
    }
    if !public.is_empty() {
        let mut users = Draft::new(
            &super::synthetic_id(&drafts),
            Kind::Client,
            "compose: the services below publish ports to the host",
        );
        for (svc, why) in &public {
            users.call(svc, None, format!("compose: {why}"));
        }
        drafts.insert(0, users);
    }
    let origin = files
        .iter()
        .map(|f| format!("`{}`", f.name))
        .collect::<Vec<_>>()
        .join(", ");
    // the project: the directory's name, else the file's name before its first dot
    let name = files.first().map_or("imported".to_string(), |f| {
        let p = std::path::Path::new(&f.name);
        match p.parent().and_then(|d| d.file_name()) {
            Some(d) => d.to_string_lossy().into_owned(),
            None => p.file_name().map_or("imported".into(), |n| {
                n.to_string_lossy()
                    .split('.')
                    .next()
                    .unwrap_or("imported")
                    .to_string()
            }),
        }
    });
    Ok(finish(
        "compose",
        &origin,
        &name,
        drafts,
        notes,
        unrecognised,
    ))
}

fn strings(n: &Node) -> Vec<String> {
    if let Some(t) = text(n) {
        return vec![t.to_string()];
    }
    n.as_seq()
        .map(|s| {
            s.iter()
                .filter_map(|x| text(x).map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn service(
    name: &str,
    v: &Node,
    resolve: &dyn Fn(&str) -> Option<String>,
    notes: &mut Vec<String>,
    unrecognised: &mut Vec<String>,
    public: &mut Vec<(String, String)>,
) -> Draft {
    let img = v.get("image").and_then(text).unwrap_or("");
    let env = v
        .get("environment")
        .map(super::env_pairs)
        .unwrap_or_default();
    let keys: Vec<String> = env.iter().map(|(k, _)| k.clone()).collect();
    // ports: published ("8080:80", long syntax) and exposed
    let mut container_ports: Vec<u16> = Vec::new();
    let mut published = Vec::new();
    // ports given without a host port: docker publishes them on a random one
    let mut unfixed: Vec<String> = Vec::new();
    // ports bound to the host's loopback address: not reachable from outside
    let mut local: Vec<String> = Vec::new();
    for p in v.get("ports").and_then(Node::as_seq).unwrap_or(&[]) {
        if let Some(t) = text(p) {
            let t = t.split('/').next().unwrap_or(t);
            let parts: Vec<&str> = t.split(':').collect();
            if let Some(c) = parts
                .last()
                .and_then(|c| c.split('-').next())
                .and_then(|c| c.parse().ok())
            {
                container_ports.push(c);
            }
            if parts.len() >= 3 && matches!(parts[0], "127.0.0.1" | "localhost") {
                // bound to the host's loopback: reachable from the host only
                local.push(t.to_string());
            } else if parts.len() >= 2 {
                published.push(t.to_string());
            } else {
                unfixed.push(t.to_string());
            }
        } else if p.as_map().is_some() {
            let target = p.get("target").and_then(text);
            if let Some(c) = target.and_then(|c| c.parse().ok()) {
                container_ports.push(c);
            }
            if p.get("published").is_some() {
                published.push(p.get("published").and_then(text).unwrap_or("").to_string());
            } else if let Some(t) = target {
                unfixed.push(t.to_string());
            }
        }
    }
    for e in strings(v.get("expose").unwrap_or(&Node {
        value: yaml::Value::Seq(&[]),
        span: v.span,
    })) {
        if let Ok(p) = e.split('/').next().unwrap_or("").parse() {
            container_ports.push(p);
        }
    }
    // the build directory (`build: ./sqldata` or `build: { context: ... }`)
    let build = v
        .get("build")
        .and_then(|b| text(b).or_else(|| b.get("context").and_then(text)));
    // strongest first: a known image; a technology word that ends the image's name, the
    // service's name or its build directory; the store's own environment; its ports
    let rec = image::by_name(img)
        .or_else(|| {
            (!img.is_empty())
                .then(|| image::by_last_word(&image::base_name(img), "the image's name"))
                .flatten()
        })
        .or_else(|| image::by_last_word(name, "the service's name"))
        .or_else(|| {
            build.and_then(|b| image::by_last_word(b.trim_end_matches('/'), "the build directory"))
        })
        .or_else(|| super::store_settings(&env, &keys, |h| resolve(h).is_some_and(|t| t != name)))
        .or_else(|| container_ports.iter().find_map(|&p| image::by_port(p)));
    let command: Vec<String> = v.get("command").map(strings).unwrap_or_default();
    let persistent = command
        .iter()
        .any(|c| c.contains("appendonly") || c.contains("--save"))
        || strings(v.get("volumes").unwrap_or(&Node {
            value: yaml::Value::Seq(&[]),
            span: v.span,
        }))
        .iter()
        .any(|m| m.ends_with(":/data") || m.contains(":/data:"));
    let mut d = match &rec {
        Some(r) => {
            let (mut kind, mut why) = image::deployed_kind(
                r,
                "compose",
                persistent.then_some("appendonly/save or a /data volume"),
            );
            if kind == Kind::LoadBalancer && published.is_empty() {
                // a proxy not at the edge is an application of its own
                kind = Kind::Service;
                why = format!("compose: {}, not published to the host", r.evidence);
            }
            let mut d = Draft::new(name, kind, &why);
            d.tech = Some((r.tech.clone(), format!("compose: {}", r.evidence)));
            if kind == Kind::Database && r.tech == "redis" {
                d.model = Some(("key-value".into(), "compose: redis with persistence".into()));
            }
            if kind == Kind::LoadBalancer {
                d.layer = Some((7, "compose: an HTTP proxy at the edge".into()));
            }
            d
        }
        None => {
            if !img.is_empty() {
                unrecognised.push(img.to_string());
            }
            let mut d = Draft::new(
                name,
                Kind::Service,
                if img.is_empty() {
                    "compose: built from source, no known image"
                } else {
                    "compose: image not recognised, so a service"
                },
            );
            if img.is_empty() {
                d.notes.push("built from source: check its kind".into());
            }
            d
        }
    };
    d.listens = !container_ports.is_empty();
    d.consumer_setting = super::consumer_setting(&keys);
    let stated = v
        .get("deploy")
        .and_then(|x| x.get("replicas"))
        .and_then(text)
        .map(|r| (r, "deploy.replicas"))
        .or_else(|| v.get("scale").and_then(text).map(|r| (r, "scale")));
    d.replicas = Some(match stated {
        Some((r, what)) => match r.trim().parse::<u64>() {
            Ok(n) => (n, format!("compose: {what}")),
            // out of range or not a number: said, never silently 1
            Err(_) => {
                d.notes.push(format!(
                    "`{what}: {r}` is not a number of replicas archlint reads; set `replicas:` by hand"
                ));
                (1, format!("compose: {what} unreadable"))
            }
        },
        None => (1, "compose: no deploy.replicas or scale".to_string()),
    });
    if !local.is_empty() {
        d.notes.push(format!(
            "port {} is bound to the host's loopback address: reachable from the host only, not counted as public",
            local.join(", ")
        ));
    }
    if !unfixed.is_empty() {
        d.notes.push(format!(
            "port {} is published on a random host port, not a fixed one: not counted as reachable from outside; say `public: true` if it is",
            unfixed.join(", ")
        ));
    }
    if !published.is_empty() {
        public.push((
            name.to_string(),
            format!("ports published to the host ({})", published.join(", ")),
        ));
    }
    if let Some(profiles) = v.get("profiles") {
        notes.push(format!(
            "service `{name}` is in profiles {:?}: imported as if they were active",
            strings(profiles)
        ));
    }
    // calls: depends_on (list or map), links, host names in the environment and command
    let mut deps: Vec<String> = Vec::new();
    if let Some(dep) = v.get("depends_on") {
        match dep.as_map() {
            Some(m) => deps.extend(
                m.iter()
                    .filter_map(|(k, _)| k.as_scalar().map(str::to_string)),
            ),
            None => deps.extend(strings(dep)),
        }
    }
    for dname in deps {
        if let Some(t) = resolve(&dname) {
            d.call(&t, None, "compose: depends_on".into());
        }
    }
    for l in v.get("links").map(strings).unwrap_or_default() {
        let target = l.split(':').next().unwrap_or(&l).to_string();
        if let Some(t) = resolve(&target) {
            d.call(&t, None, "compose: links".into());
        }
    }
    for (k, val) in &env {
        for (host, proto) in hosts_in(val) {
            if let Some(t) = resolve(&host) {
                d.call(
                    &t,
                    proto.map(|p| (p, format!("compose: {k}"))),
                    format!("compose: environment {k}"),
                );
            }
        }
    }
    for arg in &command {
        for (host, proto) in hosts_in(arg) {
            if let Some(t) = resolve(&host) {
                d.call(
                    &t,
                    proto.map(|p| (p, "compose: command".into())),
                    "compose: host name in the command".into(),
                );
            }
        }
    }
    d
}
